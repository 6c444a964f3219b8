//! etcdctl's arguments: NUL-separated words, each passed as one argument (single-quoted).
#![no_main]
use etcd_playground::shell::Session;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fuzz_target!(|data: &[u8]| {
    static BASE: OnceLock<Session> = OnceLock::new();
    let mut s = BASE.get_or_init(|| Session::new("plain").unwrap()).clone();
    let text = String::from_utf8_lossy(data);
    let mut line = String::from("etcdctl");
    for arg in text.split('\0').take(16) {
        line.push_str(" '");
        line.push_str(&arg.replace('\'', "'\\''").replace('\n', " "));
        line.push('\'');
    }
    let _ = s.execute(&line);
});
