//! etcdctl's arguments: NUL-separated words, each passed as one argument (single-quoted), on a
//! `kubeadm` session whose shell exports `ETCDCTL_CACERT/CERT/KEY/ENDPOINTS` as lesson 02 does,
//! so the arguments reach the kube registry (a `--cacert`, `--endpoints` among them still wins).
#![no_main]
use etcd_playground::shell::Session;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn base() -> Session {
    let mut s = Session::new("kubeadm").expect("the kubeadm scenario");
    let r = s.execute("export ETCDCTL_CACERT=/etc/kubernetes/pki/etcd/ca.crt ETCDCTL_CERT=/etc/kubernetes/pki/etcd/server.crt ETCDCTL_KEY=/etc/kubernetes/pki/etcd/server.key ETCDCTL_ENDPOINTS=https://127.0.0.1:2379");
    assert_eq!(r.exit, 0, "the exports");
    s
}

fuzz_target!(|data: &[u8]| {
    static BASE: OnceLock<Session> = OnceLock::new();
    let mut s = BASE.get_or_init(base).clone();
    let text = String::from_utf8_lossy(data);
    let mut line = String::from("etcdctl");
    for arg in text.split('\0').take(16) {
        line.push_str(" '");
        line.push_str(&arg.replace('\'', "'\\''").replace('\n', " "));
        line.push('\'');
    }
    let _ = s.execute(&line);
});
