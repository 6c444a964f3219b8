//! A lesson file (the page loads them from files and URLs).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = etcd_playground::lessons::toml_lite::parse(text);
        let _ = etcd_playground::lessons::Lesson::parse_file("fuzz.toml", text);
    }
});
