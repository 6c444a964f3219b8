//! Commands as a learner types them, natively, in thread CPU time (`benches/common`).
//!
//! `commands_10k`: on the kubeadm node with 10k extra keys, each beside `echo hi` in the same
//! run, so `scripts/bench.sh` can print the ratio. The page's budget is a frame (16 ms) per
//! command; the browser's own numbers, in wall time, come from `tests/bench/page.bench.mjs`.
//!
//! `put_by_scenario` (issue 19: a write with three members stays within the budget of one):
//! `etcdctl put` on the one-member `plain` scenario, and on the `cluster` scenario through the
//! leader and through a follower (`--endpoints`), each holding 10k keys; `scripts/bench.sh`
//! prints the ratios cluster ÷ one. A build without the cluster scenario skips those two.
//!
//! Run with `cargo bench --bench commands`; `scripts/bench-compare.sh` runs it against an
//! older commit.

mod common;

use common::BenchClock;
use criterion::{criterion_group, criterion_main, Criterion};
use etcd_playground::shell::Session;
use std::time::Duration;

const TLS_ENV: &str = "export ETCDCTL_CACERT=/etc/kubernetes/pki/etcd/ca.crt ETCDCTL_CERT=/etc/kubernetes/pki/etcd/server.crt ETCDCTL_KEY=/etc/kubernetes/pki/etcd/server.key";

fn with_10k_keys(mut s: Session, put: &str) -> Session {
    for i in 0..10_000 {
        let r = s.execute(&format!("{put} key{i:05} value-{i}"));
        assert_eq!(r.exit, 0, "{put}: {}", r.text());
    }
    s
}

fn commands(c: &mut Criterion<BenchClock>) {
    let mut s = Session::new("kubeadm").expect("kubeadm scenario");
    s.execute(TLS_ENV);
    let mut s = with_10k_keys(s, "etcdctl put");
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

/// The client URLs of the cluster's leader and of one follower, as `endpoint status` prints
/// them (`URL, ID, version, db size, IS LEADER, …`): read, not assumed, so a change of who
/// leads at start keeps the bench honest.
fn leader_and_follower(s: &mut Session) -> (String, String) {
    let r = s.execute("etcdctl endpoint status --cluster");
    assert_eq!(r.exit, 0, "endpoint status: {}", r.text());
    let rows: Vec<(String, bool)> = r
        .text()
        .lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split(", ").collect();
            Some((f.first()?.trim_start_matches("http://").to_string(), *f.get(4)? == "true"))
        })
        .collect();
    let leader = rows.iter().find(|r| r.1).map(|r| r.0.clone());
    let follower = rows.iter().find(|r| !r.1).map(|r| r.0.clone());
    match (leader, follower) {
        (Some(l), Some(f)) => (l, f),
        _ => panic!("no leader and follower in:\n{}", r.text()),
    }
}

fn put_by_scenario(c: &mut Criterion<BenchClock>) {
    let mut g = c.benchmark_group("put_by_scenario");
    g.sample_size(20).warm_up_time(Duration::from_millis(500)).measurement_time(Duration::from_secs(2));
    let mut one = with_10k_keys(Session::new("plain").expect("plain scenario"), "etcdctl put");
    g.bench_function("one", |b| b.iter(|| one.execute("etcdctl put key05000 changed")));
    drop(one);
    match Session::new("cluster") {
        Ok(mut s) => {
            let (leader, follower) = leader_and_follower(&mut s);
            eprintln!("put_by_scenario: the cluster's leader answers on {leader}, a follower on {follower}");
            let mut s = with_10k_keys(s, &format!("etcdctl --endpoints={leader} put"));
            for (id, endpoint) in [("cluster_leader", leader), ("cluster_follower", follower)] {
                let line = format!("etcdctl --endpoints={endpoint} put key05000 changed");
                assert_eq!(s.execute(&line).exit, 0, "{line}");
                g.bench_function(id, |b| b.iter(|| s.execute(&line)));
            }
        }
        Err(e) => eprintln!("put_by_scenario: no cluster scenario in this build ({e}): cluster_* skipped"),
    }
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().with_measurement(BenchClock::from_env());
    targets = commands, put_by_scenario
}
criterion_main!(benches);
