//! A session file (Load in the page, `run --session`) and the page's saved session text.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok((mut s, _)) = etcd_playground::session_file::load_playground(data) {
        // A session that loads must be usable: the validation refused anything inconsistent.
        let _ = s.execute("etcdctl get --prefix '' --keys-only");
        let _ = s.execute("crictl ps -a");
        let _ = s.execute("ls -R /");
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = etcd_playground::persist::decode(text);
    }
});
