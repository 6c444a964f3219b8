//! A session file (Load in the page, `run --session`) and the page's saved session.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok((mut s, _)) = etcd_playground::session_file::load_playground(data) {
        // A session that loads must be usable: the validation refused anything inconsistent.
        let _ = s.execute("etcdctl get --prefix '' --keys-only");
        let _ = s.execute("crictl ps -a");
        let _ = s.execute("ls -R /");
    }
    // The page's saved session (raw bytes in IndexedDB, or an older localStorage envelope).
    let _ = etcd_playground::persist::decode(data);
});
