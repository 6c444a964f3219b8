//! The cluster oracle again, with the members real etcd 3.5.1: the files of
//! `tests/fidelity_cluster/` run against three 3.5.1 members laid out as etcd's Procfile (the
//! harness of `tests/fidelity_cluster.rs`, `tests/common/cluster.rs`, with
//! [`cluster::start_release`]) and through the playground's `cluster` scenario. The client stays
//! Debian's etcdctl 3.4.23: the scenario plays etcd 3.4.23 and its etcdctl, and a 3.4 client
//! talks to 3.5 members (etcd supports one minor release of skew).
//!
//! So what this measures is whether what the playground teaches about a cluster holds on 3.5
//! members too. What 3.5 prints differently is normalized only where a release note or a source
//! line says why ([`RULES_3_5_SERVER`]); a difference that is no server release's is a
//! playground bug and fails the test.

#[path = "common/fidelity.rs"]
#[allow(dead_code)]
mod harness;
#[path = "common/cluster.rs"]
mod cluster;

use cluster::{normalize_cluster, start_release, Release};
use harness::Suite;
use regex::Regex;
use std::path::{Path, PathBuf};

/// Where `scripts/setup.sh` (`ensure_etcd35`) installs the 3.5.1 binaries.
fn etcd35() -> PathBuf {
    let dir = std::env::var_os("ETCD_3_5_1_DIR").map(PathBuf::from).unwrap_or_else(|| {
        let cache = std::env::var_os("XDG_CACHE_HOME").map(PathBuf::from).unwrap_or_else(|| Path::new(&std::env::var_os("HOME").expect("HOME")).join(".cache"));
        cache.join("etcd-playground/etcd-3.5.1")
    });
    let etcd = dir.join("etcd");
    assert!(etcd.exists(), "{} is missing: the 3.5 cluster suite needs real etcd 3.5.1 as its oracle. `bash scripts/test.sh` installs it (scripts/setup.sh, ensure_etcd35)", etcd.display());
    etcd
}

fn start35(tag: &str) -> harness::Real {
    start_release(tag, &Release { etcd: etcd35(), cluster_version: "3.5.0" })
}

/// [`normalize_cluster`], then what a 3.5.1 member answers differently from a 3.4.23 one, each
/// rule with the release note or source line behind it. Applied to both sides.
fn normalize_cluster35(s: &str) -> String {
    static RULES: std::sync::OnceLock<Vec<(Regex, &str)>> = std::sync::OnceLock::new();
    harness::replace_all(&normalize_cluster(s), RULES.get_or_init(|| harness::compile(RULES_3_5_SERVER)))
}

const RULES_3_5_SERVER: &[(&str, &str)] = &[
    // Every release: `endpoint status` prints the member's own version (`version.Version`,
    // etcd's version/version.go: "3.4.23", "3.5.1"): in its table, simple, JSON and fields
    // outputs.
    // Only the server's version: etcdctl's own (`etcdctl version`) is 3.4.23 on both sides.
    (r"\| +(3\.4\.23|3\.5\.1) \|", "| <SERVER VERSION> |"),
    (r"(?m)^(\S+, <HEX>), (3\.4\.23|3\.5\.1), ", "$1, <SERVER VERSION>, "),
    (r#""version":"(3\.4\.23|3\.5\.1)","dbSize""#, r#""version":"<SERVER VERSION>","dbSize""#),
    (r#"(?m)^"Version" : "(3\.4\.23|3\.5\.1)"$"#, r#""Version" : "<SERVER VERSION>""#),
];

#[test]
fn three_real_3_5_members_and_the_playground_print_the_same() {
    harness::run_suite(&Suite { name: "fidelity_cluster35", version: "3.5.1 (three members, etcdctl 3.4.23)", dir: "tests/fidelity_cluster", scenario: "cluster", min_commands: 85, start: start35, normalize: normalize_cluster35 });
}

#[test]
fn only_the_servers_version_is_normalized() {
    let status = |v: &str| normalize_cluster35(&format!("127.0.0.1:22379, 91bc3c398fb3c146, {v}, 20 kB, false, false, 2, 9, 9, \n"));
    assert_eq!(status("3.4.23"), status("3.5.1"));
    assert_ne!(status("3.4.23"), status("3.4.22"));
    let table = |v: &str| normalize_cluster35(&format!("| 127.0.0.1:2379 | 8211f1d0f64f3269 | {v} |   20 kB |\n"));
    assert_eq!(table(" 3.4.23"), table("  3.5.1"));
    assert_eq!(normalize_cluster35("\"Version\" : \"3.4.23\"\n"), normalize_cluster35("\"Version\" : \"3.5.1\"\n"));
    // etcdctl's own version is the client's: the same program on both sides.
    assert_ne!(normalize_cluster35("etcdctl version: 3.4.23\n"), normalize_cluster35("etcdctl version: 3.5.1\n"));
    assert_ne!(normalize_cluster35(r#"{"etcdserver":"3.4.23","etcdcluster":"3.4.0"}"#), normalize_cluster35(r#"{"etcdserver":"3.5.1","etcdcluster":"3.5.0"}"#));
}
