//! "Save / load my session": the whole playground (the store with its history, the
//! filesystem, the clock, the shell's variables and history, and the page's language and
//! lesson progress) as one CBOR file.
//!
//! The file is a CBOR map `{magic, version, session, page}` (`page` may be absent): the one
//! envelope of a saved session, the same bytes the page keeps in IndexedDB ([`crate::persist`]).
//! Loading reads `magic` and `version` first, so a file from a newer playground is refused by
//! its version, before its contents are even looked at; a foreign or damaged file is refused
//! too. Loading never changes the running session: it returns a new one, or a
//! [`SessionFileError`] worded in both languages for where the bytes came from (a file the
//! learner chose: [`SessionFileError::en`]/[`pt`](SessionFileError::pt); the page's own save:
//! [`SessionFileError::describe`]).
//!
//! [`load_saved`] also reads the envelope pages kept in localStorage before IndexedDB
//! (`{format: "etcd-playground/session", version: 1, session, page}`), so an old save restores.
//!
//! ```
//! use etcd_playground::session_file;
//! use etcd_playground::shell::Session;
//! let mut s = Session::new("plain").unwrap();
//! s.execute("etcdctl put k1 v1");
//! let bytes = session_file::save(&s);
//! assert_eq!(session_file::load(&bytes).unwrap(), s);
//! assert!(session_file::load(b"not a session").is_err());
//! ```

use crate::i18n::Text;
use crate::persist::PageState;
use crate::shell::Session;
use serde::{Deserialize, Serialize};

pub const MAGIC: &str = "etcd-playground-session";
/// The format this build writes and the newest it reads.
pub const VERSION: u32 = 1;
/// What the legacy localStorage envelope says it is (its `format`), so unrelated data is told apart.
pub const LEGACY_FORMAT: &str = "etcd-playground/session";
/// The legacy envelope's only version.
pub const LEGACY_VERSION: u32 = 1;

#[derive(Serialize)]
struct EnvelopeOut<'a> {
    magic: &'a str,
    version: u32,
    session: &'a Session,
    page: &'a PageState,
}

/// The header of both envelopes: a session file has `magic`, the legacy one `format`.
#[derive(Deserialize)]
struct Header {
    #[serde(default)]
    magic: Option<String>,
    #[serde(default)]
    format: Option<String>,
    version: u32,
}

/// The contents of either envelope (the legacy one always has `page`).
#[derive(Deserialize)]
struct EnvelopeIn {
    session: Session,
    #[serde(default)]
    page: PageState,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionFileError {
    /// Not a CBOR map with our magic: some other file.
    NotASession,
    /// Saved by a newer playground.
    Newer(u32),
    /// A version this build never wrote (0, or a gap).
    UnknownVersion(u32),
    /// Our magic and version, but the contents do not decode.
    Damaged(String),
    /// It decodes, but breaks what the playground relies on (see [`crate::validate`]).
    Invalid(crate::validate::Invalid),
    /// A legacy envelope whose `format` is not ours (only [`load_saved`] reads those).
    UnknownFormat(String),
}

impl SessionFileError {
    /// The message when the bytes are a file the learner chose to load.
    pub fn message(&self) -> Text {
        match self {
            SessionFileError::NotASession => Text::new("This file is not a saved etcd-playground session.", "Este arquivo não é uma sessão salva do etcd-playground."),
            SessionFileError::Newer(v) => Text::new(
                format!("This session was saved by a newer etcd-playground (file format {v}; this one reads up to {VERSION}). Reload the page to get the new version, then load it again."),
                format!("Esta sessão foi salva por um etcd-playground mais novo (formato {v}; este lê até o {VERSION}). Recarregue a página para obter a versão nova e carregue de novo."),
            ),
            SessionFileError::UnknownVersion(v) => Text::new(
                format!("Unknown session file format {v}: this file was not written by etcd-playground."),
                format!("Formato de sessão desconhecido {v}: este arquivo não foi escrito pelo etcd-playground."),
            ),
            SessionFileError::Damaged(e) => Text::new(
                format!("The session file is damaged and cannot be loaded ({e}). Your current session is unchanged."),
                format!("O arquivo de sessão está danificado e não pode ser carregado ({e}). Sua sessão atual não mudou."),
            ),
            SessionFileError::Invalid(i) => Text::new(
                format!("The session file was refused: {}. It was edited or damaged; your current session is unchanged.", i.en),
                format!("O arquivo de sessão foi recusado: {}. Ele foi editado ou danificado; sua sessão atual não mudou.", i.pt),
            ),
            SessionFileError::UnknownFormat(_) => SessionFileError::NotASession.message(),
        }
    }

    /// The message when the bytes are the page's own save, restored on a visit: a fresh
    /// session starts instead.
    pub fn describe(&self) -> Text {
        let corrupt = |why: &str| {
            Text::new(
                format!("The saved session could not be read (it is damaged: {why}). A fresh session has started."),
                format!("A sessão salva não pôde ser lida (está danificada: {why}). Uma sessão nova foi iniciada."),
            )
        };
        match self {
            SessionFileError::NotASession => corrupt("not a saved session"),
            SessionFileError::Damaged(_) => corrupt("the session data is incomplete"),
            SessionFileError::UnknownFormat(f) => corrupt(&format!("unknown format {:?}", f.chars().take(40).collect::<String>())),
            SessionFileError::Invalid(i) => Text::new(
                format!("The saved session was refused: {}. A fresh session has started.", i.en),
                format!("A sessão salva foi recusada: {}. Uma sessão nova foi iniciada.", i.pt),
            ),
            SessionFileError::Newer(v) | SessionFileError::UnknownVersion(v) => Text::new(
                format!("The saved session is from another version of the playground (format {v}, this page reads {VERSION}). A fresh session has started."),
                format!("A sessão salva é de outra versão do playground (formato {v}, esta página lê {VERSION}). Uma sessão nova foi iniciada."),
            ),
        }
    }
}

impl std::fmt::Display for SessionFileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message().en)
    }
}

/// The session as a file.
pub fn save(session: &Session) -> Vec<u8> {
    save_playground(session, &PageState::default())
}

/// The session and the page's own state (language, lesson progress) as a file.
pub fn save_playground(session: &Session, page: &PageState) -> Vec<u8> {
    let mut out = Vec::new();
    // Writing plain serde data into a Vec cannot fail.
    let _ = ciborium::into_writer(&EnvelopeOut { magic: MAGIC, version: VERSION, session, page }, &mut out);
    out
}

/// A session from a file written by [`save`] (this version or an older one).
pub fn load(bytes: &[u8]) -> Result<Session, SessionFileError> {
    load_playground(bytes).map(|(session, _)| session)
}

/// The session and page state from a file written by [`save_playground`] (or [`save`], whose
/// page state is the default).
pub fn load_playground(bytes: &[u8]) -> Result<(Session, PageState), SessionFileError> {
    let header: Header = crate::cbor::from_slice(bytes).map_err(|_| SessionFileError::NotASession)?;
    if header.magic.as_deref() != Some(MAGIC) {
        return Err(SessionFileError::NotASession);
    }
    if header.version > VERSION {
        return Err(SessionFileError::Newer(header.version));
    }
    if header.version != VERSION {
        return Err(SessionFileError::UnknownVersion(header.version));
    }
    contents(bytes)
}

/// What the page kept: a session file, or the legacy localStorage envelope.
pub fn load_saved(bytes: &[u8]) -> Result<(Session, PageState), SessionFileError> {
    let header: Header = crate::cbor::from_slice(bytes).map_err(|_| SessionFileError::NotASession)?;
    match (header.magic, header.format) {
        (Some(_), _) => load_playground(bytes),
        (None, Some(format)) if format == LEGACY_FORMAT => {
            if header.version != LEGACY_VERSION {
                return Err(SessionFileError::UnknownVersion(header.version));
            }
            contents(bytes)
        }
        (None, Some(format)) => Err(SessionFileError::UnknownFormat(format)),
        (None, None) => Err(SessionFileError::NotASession),
    }
}

fn contents(bytes: &[u8]) -> Result<(Session, PageState), SessionFileError> {
    let env: EnvelopeIn = crate::cbor::from_slice(bytes).map_err(|e| SessionFileError::Damaged(e.to_string()))?;
    crate::validate::session(&env.session).map_err(SessionFileError::Invalid)?;
    Ok((env.session, env.page))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn sample() -> Session {
        let mut s = Session::new("kubeadm").unwrap();
        s.execute("export A=1");
        s.execute("etcdctl --endpoints https://127.0.0.1:2379 --cacert /etc/kubernetes/pki/etcd/ca.crt --cert /etc/kubernetes/pki/etcd/server.crt --key /etc/kubernetes/pki/etcd/server.key put k1 v1");
        s
    }

    fn reencode(version: u32, magic: &str) -> Vec<u8> {
        let mut out = Vec::new();
        ciborium::into_writer(&EnvelopeOut { magic, version, session: &sample(), page: &PageState::default() }, &mut out).unwrap();
        out
    }

    #[test]
    fn roundtrips_the_page_state_too() {
        let s = sample();
        let mut page = PageState { lang: crate::i18n::Lang::En, active: Some("01-what-is-etcd".into()), ..Default::default() };
        page.progress.complete_step("01-what-is-etcd", "put-k1");
        let (s2, page2) = load_playground(&save_playground(&s, &page)).unwrap();
        assert_eq!((s2, page2), (s.clone(), page));
        // A file saved without page state loads with the default one.
        assert_eq!(load_playground(&save(&s)).unwrap().1, PageState::default());
    }

    #[test]
    fn roundtrips_the_whole_session() {
        let s = sample();
        assert_eq!(load(&save(&s)).unwrap(), s);
    }

    #[test]
    fn refuses_newer_unknown_foreign_and_damaged_files() {
        assert_eq!(load(&reencode(VERSION + 1, MAGIC)), Err(SessionFileError::Newer(VERSION + 1)));
        assert_eq!(load(&reencode(0, MAGIC)), Err(SessionFileError::UnknownVersion(0)));
        assert_eq!(load(&reencode(VERSION, "something-else")), Err(SessionFileError::NotASession));
        assert_eq!(load(b""), Err(SessionFileError::NotASession));
        let good = save(&sample());
        let cut = &good[..good.len() - 10];
        assert!(matches!(load(cut), Err(SessionFileError::NotASession | SessionFileError::Damaged(_))));
        for e in [SessionFileError::NotASession, SessionFileError::Newer(9), SessionFileError::UnknownVersion(0), SessionFileError::Damaged("x".into())] {
            let m = e.message();
            assert!(!m.en.is_empty() && !m.pt.is_empty() && m.en != m.pt);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 200, .. ProptestConfig::default() })]
        #[test]
        fn garbage_never_panics(data in proptest::collection::vec(any::<u8>(), 0..4096)) {
            prop_assert!(load(&data).is_err());
        }

        #[test]
        fn corrupted_files_never_panic(edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..20)) {
            let mut f = save(&sample());
            let n = f.len();
            for (pos, b) in edits {
                f[pos % n] = b;
            }
            let _ = load(&f);
        }
    }
}
