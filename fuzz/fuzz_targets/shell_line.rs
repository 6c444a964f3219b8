//! One shell line, as a learner or a pasted file would type it, on a fresh `plain` session.
#![no_main]
use etcd_playground::shell::Session;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fuzz_target!(|data: &[u8]| {
    static BASE: OnceLock<Session> = OnceLock::new();
    let mut s = BASE.get_or_init(|| Session::new("plain").unwrap()).clone();
    let text = String::from_utf8_lossy(data);
    for line in text.lines().take(8) {
        let _ = s.execute(line);
    }
});
