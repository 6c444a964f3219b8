//! The page's saved session: the whole [`Session`] plus the page's own state (language, lesson
//! progress), as binary CBOR in IndexedDB (`web/storage.rs` moves the bytes in and out).
//!
//! The stored bytes are exactly a session file ([`crate::session_file`], its one envelope): what
//! the page keeps is what "Save my session" downloads, so the crash panel can offer the stored
//! bytes as a file that "Load my session" reads. Older pages kept a different envelope in
//! localStorage (base64, under [`LEGACY_KEY`]); the page moves such a save into IndexedDB on its
//! first visit (`www/boot.js`, as bytes) and [`decode`] still reads it
//! ([`session_file::load_saved`]). Pure: any stored bytes, however broken, decode to an error
//! that says what is wrong (in both languages, [`LoadError::describe`]), never a panic.

use crate::i18n::{Lang, Text};
use crate::session_file;
use crate::shell::Session;
use serde::{Deserialize, Serialize};

/// The localStorage key older pages saved under (base64 text): migrated on the first visit.
pub const LEGACY_KEY: &str = "etcd-playground.session";

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

/// Why stored bytes could not be restored: the session file's error, worded for a save the
/// page kept by [`session_file::SessionFileError::describe`].
pub type LoadError = session_file::SessionFileError;

/// The stored bytes for a session and the page state: a session file.
pub fn encode(session: &Session, page: &PageState) -> Vec<u8> {
    session_file::save_playground(session, page)
}

/// Restores what [`encode`] wrote, or a legacy envelope moved over from localStorage; anything
/// else is a [`LoadError`].
pub fn decode(bytes: &[u8]) -> Result<(Session, PageState), LoadError> {
    session_file::load_saved(bytes)
}

/// The page's line about browser storage when it is nearly full (over 80% of the quota the
/// browser grants this site); `None` while there is room.
pub fn usage_warning(usage: u64, quota: u64) -> Option<Text> {
    if quota == 0 || usage.saturating_mul(5) <= quota.saturating_mul(4) {
        return None;
    }
    let pct = (usage.saturating_mul(100) / quota).min(100);
    let mb = |b: u64| b.saturating_add(500_000) / 1_000_000;
    Some(Text::new(
        format!("Browser storage for this page: {} MB of {} MB used ({pct}%). Download your session file to keep a copy, or free space by deleting large files you no longer need.", mb(usage), mb(quota)),
        format!("Armazenamento do navegador para esta página: {} MB de {} MB usados ({pct}%). Baixe o arquivo da sessão para guardar uma cópia, ou libere espaço apagando arquivos grandes de que não precisa mais.", mb(usage), mb(quota)),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn busy_session() -> Session {
        let mut s = Session::new("plain").unwrap();
        s.execute("etcdctl put k1 AAA,BBB,CCC");
        s.execute("export FOO=bar");
        s.execute("cd /tmp");
        s.world.clock_ms = 12_345;
        s
    }

    fn busy_page() -> PageState {
        let mut page = PageState { lang: Lang::En, active: Some("01-what-is-etcd".into()), ..Default::default() };
        page.progress.complete_step("01-what-is-etcd", "put-k1");
        page.loaded.push(("mine.toml".into(), "id = \"mine\"".into()));
        page
    }

    /// What pages before IndexedDB kept (base64-decoded by the migration in www/boot.js).
    fn legacy_bytes(format: &str, version: u32, session: &Session, page: &PageState) -> Vec<u8> {
        #[derive(Serialize)]
        struct Old<'a> {
            format: &'a str,
            version: u32,
            session: &'a Session,
            page: &'a PageState,
        }
        let mut b = Vec::new();
        ciborium::into_writer(&Old { format, version, session, page }, &mut b).unwrap();
        b
    }

    #[test]
    fn round_trip_keeps_engine_vfs_clock_history_and_language() {
        let s = busy_session();
        let page = busy_page();
        let bytes = encode(&s, &page);
        let (back, p) = decode(&bytes).unwrap();
        assert_eq!(back, s);
        assert_eq!(p, page);
        assert_eq!(back.world.etcd.store.current_revision(), 2);
        assert_eq!(back.history.last().map(String::as_str), Some("cd /tmp"));
        assert_eq!(back.cwd, "/tmp");
    }

    #[test]
    fn the_stored_bytes_are_a_session_file_without_base64() {
        let s = busy_session();
        let bytes = encode(&s, &busy_page());
        // What the crash panel downloads is what "Load my session" reads.
        let (back, page) = session_file::load_playground(&bytes).unwrap();
        assert_eq!(back, s);
        assert_eq!(page.lang, Lang::En);
        // Binary: a 1 MiB file costs about 1 MiB, not the 4/3 of base64.
        let mut big = s.clone();
        big.world.vfs.write("/root/blob", vec![0xA5; 1 << 20]).unwrap();
        let n = encode(&big, &PageState::default()).len() - encode(&s, &PageState::default()).len();
        assert!(((1 << 20)..(1 << 20) + 256).contains(&n), "{n} bytes for a 1 MiB file");
    }

    #[test]
    fn a_legacy_envelope_from_local_storage_still_restores() {
        let s = busy_session();
        let page = busy_page();
        let (back, p) = decode(&legacy_bytes(session_file::LEGACY_FORMAT, session_file::LEGACY_VERSION, &s, &page)).unwrap();
        assert_eq!(back, s);
        assert_eq!(p, page);
    }

    #[test]
    fn garbage_is_reported_not_panicked() {
        let corrupt = |r: Result<(Session, PageState), LoadError>| r.err().map(|e| e.describe().en).is_some_and(|en| en.contains("could not be read (it is damaged"));
        assert!(corrupt(decode(b"%%% not a session %%%")));
        assert!(corrupt(decode(b"hello")));
        assert!(corrupt(decode(b"")));
        // Valid saves cut in half, both kinds.
        let bytes = encode(&busy_session(), &PageState::default());
        assert!(corrupt(decode(&bytes[..bytes.len() / 2])));
        let old = legacy_bytes(session_file::LEGACY_FORMAT, session_file::LEGACY_VERSION, &busy_session(), &PageState::default());
        assert!(corrupt(decode(&old[..old.len() / 2])));
    }

    #[test]
    fn other_versions_and_formats_are_told_apart() {
        #[derive(Serialize)]
        struct Old {
            format: &'static str,
            version: u32,
        }
        #[derive(Serialize)]
        struct File {
            magic: &'static str,
            version: u32,
        }
        let enc = |o: &dyn Fn(&mut Vec<u8>)| {
            let mut b = Vec::new();
            o(&mut b);
            b
        };
        let old = |format, version| enc(&|b| ciborium::into_writer(&Old { format, version }, b).unwrap());
        let en = |r: Result<(Session, PageState), LoadError>| r.err().map(|e| e.describe().en).unwrap_or_default();
        assert_eq!(en(decode(&old(session_file::LEGACY_FORMAT, 0))), "The saved session is from another version of the playground (format 0, this page reads 1). A fresh session has started.");
        assert_eq!(en(decode(&old("something-else", 1))), "The saved session could not be read (it is damaged: unknown format \"something-else\"). A fresh session has started.");
        let newer = enc(&|b| ciborium::into_writer(&File { magic: session_file::MAGIC, version: 7 }, b).unwrap());
        assert_eq!(en(decode(&newer)), "The saved session is from another version of the playground (format 7, this page reads 1). A fresh session has started.");
        let other = enc(&|b| ciborium::into_writer(&File { magic: "someone-else", version: 1 }, b).unwrap());
        assert_eq!(en(decode(&other)), "The saved session could not be read (it is damaged: not a saved session). A fresh session has started.");
        let Text { en, pt } = LoadError::UnknownVersion(0).describe();
        assert!(en.contains("another version") && pt.contains("outra versão"));
    }

    #[test]
    fn usage_is_shown_only_when_storage_is_nearly_full() {
        assert_eq!(usage_warning(0, 0), None);
        assert_eq!(usage_warning(80, 100), None);
        assert_eq!(usage_warning(400_000_000, 1_000_000_000), None);
        let Text { en, pt } = usage_warning(850_000_000, 1_000_000_000).unwrap();
        assert!(en.contains("850 MB of 1000 MB used (85%)"), "{en}");
        assert!(pt.contains("850 MB de 1000 MB usados (85%)"), "{pt}");
        // Over the quota (browsers estimate): never more than 100%.
        assert!(usage_warning(u64::MAX, 10).unwrap().en.contains("(100%)"));
    }

    proptest::proptest! {
        #[test]
        fn any_bytes_decode_or_error(b in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300)) {
            let _ = decode(&b);
        }
    }
}
