//! One shell line (up to 8 lines), as a learner or a pasted file would type it, on a fresh
//! `kubeadm` session: the node learners start on (TLS etcd holding the kube registry, static
//! pods, certificates, kubeconfigs).
#![no_main]
use etcd_playground::shell::Session;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fuzz_target!(|data: &[u8]| {
    // Built once; each execution starts from a clone of it (see ARCHITECTURE.md, Fuzzing).
    static BASE: OnceLock<Session> = OnceLock::new();
    let mut s = BASE.get_or_init(|| Session::new("kubeadm").expect("the kubeadm scenario")).clone();
    let text = String::from_utf8_lossy(data);
    for line in text.lines().take(8) {
        let _ = s.execute(line);
    }
});
