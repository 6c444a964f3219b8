//! Commands as a learner types them, natively, on the kubeadm node with 10k extra keys: each
//! beside `echo hi` in the same run, so `scripts/bench.sh` can print the ratio (a busy machine
//! slows both). The page's budget is a frame (16 ms) per command; the browser's own numbers
//! come from `tests/bench/page.bench.mjs`. Run with `cargo bench --bench commands`.

use criterion::{criterion_group, criterion_main, Criterion};
use etcd_playground::shell::Session;
use std::time::Duration;

const TLS_ENV: &str = "export ETCDCTL_CACERT=/etc/kubernetes/pki/etcd/ca.crt ETCDCTL_CERT=/etc/kubernetes/pki/etcd/server.crt ETCDCTL_KEY=/etc/kubernetes/pki/etcd/server.key";

fn session_with_10k_keys() -> Session {
    let mut s = Session::new("kubeadm").expect("kubeadm scenario");
    s.execute(TLS_ENV);
    for i in 0..10_000 {
        s.execute(&format!("etcdctl put key{i:05} value-{i}"));
    }
    s
}

fn commands(c: &mut Criterion) {
    let mut s = session_with_10k_keys();
    let mut g = c.benchmark_group("commands_10k");
    g.sample_size(20).warm_up_time(Duration::from_millis(500)).measurement_time(Duration::from_secs(2));
    for (id, line) in [
        ("echo_hi", "echo hi"),
        ("get", "etcdctl get key05000"),
        ("put", "etcdctl put key05000 changed"),
        ("get_prefix_keys_only", "etcdctl get key0999 --prefix --keys-only"),
        ("ls_l_member_snap", "ls -l /var/lib/etcd/member/snap"),
        ("cp_member_db", "cp /var/lib/etcd/member/snap/db /root/db-copy"),
        ("snapshot_save", "etcdctl snapshot save /root/b.db"),
        ("ten_puts_in_one_line", "etcdctl put loop-0 x; etcdctl put loop-1 x; etcdctl put loop-2 x; etcdctl put loop-3 x; etcdctl put loop-4 x; etcdctl put loop-5 x; etcdctl put loop-6 x; etcdctl put loop-7 x; etcdctl put loop-8 x; etcdctl put loop-9 x"),
    ] {
        g.bench_function(id, |b| b.iter(|| s.execute(line)));
    }
    g.finish();
}

criterion_group!(benches, commands);
criterion_main!(benches);
