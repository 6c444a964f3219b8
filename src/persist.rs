//! The page's saved session: the whole [`Session`] plus the page's own state (language, later
//! lesson progress), as a versioned CBOR envelope in base64, the form localStorage keeps.
//! Pure: the web layer only moves the string in and out of storage. Any stored text, however
//! broken, decodes to an error that says what is wrong (in both languages), never a panic.

use crate::i18n::Lang;
use crate::shell::Session;
use serde::{Deserialize, Serialize};

/// The localStorage key the page saves under.
pub const STORAGE_KEY: &str = "etcd-playground.session";
/// What the envelope says it is, so unrelated data under the key is told apart.
pub const FORMAT: &str = "etcd-playground/session";
/// Bumped whenever the saved shape changes incompatibly.
pub const VERSION: u32 = 1;

/// What the page keeps across reloads besides the session itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct PageState {
    pub lang: Lang,
    /// Lesson progress, the open lesson (None: the sandbox), and lessons the learner loaded
    /// from a file or URL (name, text) so they come back after a reload.
    #[serde(default)]
    pub progress: crate::lessons::Progress,
    #[serde(default)]
    pub active: Option<String>,
    #[serde(default)]
    pub loaded: Vec<(String, String)>,
}

#[derive(Serialize)]
struct EnvelopeRef<'a> {
    format: &'a str,
    version: u32,
    session: &'a Session,
    page: &'a PageState,
}

#[derive(Deserialize)]
struct Header {
    format: String,
    version: u32,
}

#[derive(Deserialize)]
struct Envelope {
    session: Session,
    page: PageState,
}

/// Why stored text could not be restored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoadError {
    /// Not base64, not CBOR, or not our format at all.
    Corrupt(String),
    /// Saved by another version of the playground.
    Version(u32),
    /// It decodes, but breaks what the playground relies on (see [`crate::validate`]).
    Invalid(crate::validate::Invalid),
}

impl LoadError {
    /// (English, Portuguese) text for the learner.
    pub fn describe(&self) -> (String, String) {
        match self {
            LoadError::Corrupt(why) => (
                format!("The saved session could not be read (it is damaged: {why}). A fresh session has started."),
                format!("A sessão salva não pôde ser lida (está danificada: {why}). Uma sessão nova foi iniciada."),
            ),
            LoadError::Invalid(i) => (
                format!("The saved session was refused: {}. A fresh session has started.", i.en),
                format!("A sessão salva foi recusada: {}. Uma sessão nova foi iniciada.", i.pt),
            ),
            LoadError::Version(v) => (
                format!("The saved session is from another version of the playground (format {v}, this page reads {VERSION}). A fresh session has started."),
                format!("A sessão salva é de outra versão do playground (formato {v}, esta página lê {VERSION}). Uma sessão nova foi iniciada."),
            ),
        }
    }
}

/// The stored text for a session and the page state.
pub fn encode(session: &Session, page: &PageState) -> Result<String, String> {
    let mut buf = Vec::new();
    ciborium::into_writer(&EnvelopeRef { format: FORMAT, version: VERSION, session, page }, &mut buf).map_err(|e| e.to_string())?;
    Ok(crate::b64::encode(&buf))
}

/// Restores what [`encode`] wrote; anything else is a [`LoadError`].
pub fn decode(text: &str) -> Result<(Session, PageState), LoadError> {
    let bytes = crate::b64::decode(text.trim().as_bytes()).ok_or(()).map_err(|_| LoadError::Corrupt("not base64".into()))?;
    let header: Header = crate::cbor::from_slice(bytes.as_slice()).map_err(|_| LoadError::Corrupt("not a saved session".into()))?;
    if header.format != FORMAT {
        return Err(LoadError::Corrupt(format!("unknown format {:?}", truncate(&header.format, 40))));
    }
    if header.version != VERSION {
        return Err(LoadError::Version(header.version));
    }
    let env: Envelope = crate::cbor::from_slice(bytes.as_slice()).map_err(|_| LoadError::Corrupt("the session data is incomplete".into()))?;
    crate::validate::session(&env.session).map_err(LoadError::Invalid)?;
    Ok((env.session, env.page))
}

fn truncate(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine as _;

    fn busy_session() -> Session {
        let mut s = Session::new("plain").unwrap();
        s.execute("etcdctl put k1 AAA,BBB,CCC");
        s.execute("export FOO=bar");
        s.execute("cd /tmp");
        s.world.clock_ms = 12_345;
        s
    }

    #[test]
    fn round_trip_keeps_engine_vfs_clock_history_and_language() {
        let s = busy_session();
        let mut page = PageState { lang: Lang::En, active: Some("01-what-is-etcd".into()), ..Default::default() };
        page.progress.complete_step("01-what-is-etcd", "put-k1");
        page.loaded.push(("mine.toml".into(), "id = \"mine\"".into()));
        let text = encode(&s, &page).unwrap();
        let (back, p) = decode(&text).unwrap();
        assert_eq!(back, s);
        assert_eq!(p, page);
        assert_eq!(back.world.etcd.store.current_revision(), 2);
        assert_eq!(back.history.last().map(String::as_str), Some("cd /tmp"));
        assert_eq!(back.cwd, "/tmp");
    }

    #[test]
    fn garbage_is_reported_not_panicked() {
        assert!(matches!(decode("%%% not base64 %%%"), Err(LoadError::Corrupt(_))));
        assert!(matches!(decode("aGVsbG8="), Err(LoadError::Corrupt(_))));
        assert!(matches!(decode(""), Err(LoadError::Corrupt(_))));
        // A valid envelope cut in half.
        let text = encode(&busy_session(), &PageState::default()).unwrap();
        let bytes = base64::engine::general_purpose::STANDARD.decode(&text).unwrap();
        let half = base64::engine::general_purpose::STANDARD.encode(&bytes[..bytes.len() / 2]);
        assert!(matches!(decode(&half), Err(LoadError::Corrupt(_))));
    }

    #[test]
    fn other_versions_and_formats_are_told_apart() {
        #[derive(Serialize)]
        struct Old {
            format: &'static str,
            version: u32,
        }
        let enc = |o: &Old| {
            let mut b = Vec::new();
            ciborium::into_writer(o, &mut b).unwrap();
            base64::engine::general_purpose::STANDARD.encode(b)
        };
        assert_eq!(decode(&enc(&Old { format: FORMAT, version: 0 })).err(), Some(LoadError::Version(0)));
        assert!(matches!(decode(&enc(&Old { format: "something-else", version: 1 })), Err(LoadError::Corrupt(_))));
        let (en, pt) = LoadError::Version(0).describe();
        assert!(en.contains("another version") && pt.contains("outra versão"));
    }

    proptest::proptest! {
        #[test]
        fn any_text_decodes_or_errors(s in ".{0,200}") {
            let _ = decode(&s);
        }

        #[test]
        fn any_bytes_decode_or_error(b in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300)) {
            let _ = decode(&base64::engine::general_purpose::STANDARD.encode(b));
        }
    }
}
