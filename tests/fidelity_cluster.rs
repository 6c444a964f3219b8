//! The cluster oracle: every command of `tests/fidelity_cluster/*.txt` runs through real bash
//! against three real etcd 3.4.23 members (Debian's `/usr/bin/etcd`) laid out as etcd's own
//! `Procfile` for a local cluster — `infra1` on http://127.0.0.1:2379 (peer :12380), `infra2`
//! on :22379 (:22380), `infra3` on :32379 (:32380), token `etcd-cluster-1` — and through the
//! playground's `cluster` scenario. The runner is `tests/common/fidelity.rs`.
//!
//! Each file's cluster runs in its own network namespace (`unshare -n`, loopback only), so the
//! Procfile's fixed ports never meet another test's (or another cluster's) and member IDs,
//! which etcd derives from the peer URLs and the token, are the Procfile's own
//! (8211f1d0f64f3269, 91bc3c398fb3c146, fd422379fda50e48). A supervisor script in the namespace
//! runs the members; `goreman run stop|start|restart etcdN` (a stand-in for goreman's RPC
//! client: real goreman needs Go) asks it through a FIFO, and returns when the cluster has
//! settled (a member started serves and has caught up; after a stop the live members agree on a
//! leader, or, with fewer than a quorum of the voting members live — an added member that never
//! started counts —, every live one has stepped down). goreman's own output for these is nothing
//! (its `run` prints only for `list` and `status`): the stand-in's lines are not counted as
//! compared commands. Members die with the supervisor (`setpriv --pdeathsig KILL`), and the
//! supervisor with the test (its guard, or its parent's death).
//!
//! Two facts of real etcd the harness fixes so that runs repeat:
//! - who wins the first election: infra1 gets `--election-timeout 500` (raft draws a timeout in
//!   [t, 2t), so it always campaigns first), and infra3 starts after infra1 and infra2 have a
//!   leader. Stopping a leader makes etcd hand leadership to the follower connected the longest
//!   (`TransferLeadership`, `longestConnected`): infra2 at first. The playground models both.
//! - `etcdctl endpoint health --cluster` prints its verdicts as they arrive (goroutines): a
//!   run of `is healthy` lines is sorted before comparing.
//!
//! A write with no quorum fails at the client's deadline, and which of three texts it prints is
//! a race between the client's deadline and the server's (measured with 3.4.23: `etcdserver:
//! request timed out`, `context deadline exceeded`, `rpc error: code = Unknown desc = context
//! deadline exceeded`, from one run to the next with the same command): those are normalized to
//! one, nothing else is.

#[path = "common/fidelity.rs"]
#[allow(dead_code)]
mod harness;
#[path = "common/cluster.rs"]
mod cluster;

use cluster::{normalize_cluster, start_cluster};
use harness::Suite;

#[test]
fn three_real_members_and_the_playground_print_the_same() {
    harness::run_suite(&Suite { name: "fidelity_cluster", version: "3.4.23 (three members)", dir: "tests/fidelity_cluster", scenario: "cluster", min_commands: 190, start: start_cluster, normalize: normalize_cluster });
}

/// `etcd` started by a command (`etcd --name infra4 ... &`): the server's own log is its
/// release's (3.4's capnslog lines), so these files are not in `tests/fidelity_cluster/`, which
/// `tests/fidelity_cluster35.rs` also runs against 3.5.1 members.
#[test]
fn a_member_started_by_hand_joins_as_with_real_etcd() {
    harness::run_suite(&Suite { name: "fidelity_cluster_join", version: "3.4.23 (three members and etcd started by hand)", dir: "tests/fidelity_cluster_join", scenario: "cluster", min_commands: 55, start: start_cluster, normalize: normalize_cluster });
}

#[test]
fn the_suite_normalizes_health_order_and_the_no_quorum_race_only() {
    let a = "http://127.0.0.1:32379 is healthy: successfully committed proposal: took = 3.1ms\nhttp://127.0.0.1:2379 is healthy: successfully committed proposal: took = 2.0ms\nError: unhealthy cluster\n";
    let b = "http://127.0.0.1:2379 is healthy: successfully committed proposal: took = 9.9ms\nhttp://127.0.0.1:32379 is healthy: successfully committed proposal: took = 1.0ms\nError: unhealthy cluster\n";
    assert_eq!(normalize_cluster(a), normalize_cluster(b));
    assert_eq!(normalize_cluster("Error: etcdserver: request timed out\n"), normalize_cluster("Error: context deadline exceeded\n"));
    let unhealthy = |e: &str| normalize_cluster(&format!("127.0.0.1:2379 is unhealthy: failed to commit proposal: {e}\n"));
    assert_eq!(unhealthy("rpc error: code = Unavailable desc = etcdserver: request timed out"), unhealthy("context deadline exceeded"));
    // An added member: a short random ID, padded by `%16x`; rows and items ordered by ID.
    assert_eq!(normalize_cluster("Member  e0e0705a6672c9c added to cluster ef37ad9dc622a7c4\n"), normalize_cluster("Member 12d375f40e8d96a9 added to cluster ef37ad9dc622a7c4\n"));
    let list = |a: &str, b: &str| normalize_cluster(&format!("{a}, unstarted, , http://127.0.0.1:42380, , false\n{b}, started, infra1, http://127.0.0.1:12380, http://127.0.0.1:2379, false\n"));
    assert_eq!(list("e0e0705a6672c9cd", "8211f1d0f64f3269"), list("8211f1d0f64f3269", "e0e0705a6672c9cd"));
    let init = |v: &str| normalize_cluster(&format!("ETCD_INITIAL_CLUSTER=\"{v}\"\n"));
    assert_eq!(init("infra1=http://a:1,infra4=http://b:2"), init("infra4=http://b:2,infra1=http://a:1"));
    assert_ne!(init("infra1=http://a:1,infra4=http://b:2"), init("infra1=http://a:1,infra5=http://b:2"));
    // etcd's fatal member dump is in Go map order; an interactive bash's job notices go.
    let item = |n: &str, p: &str| format!("&{{ID:{p}{p} RaftAttributes:{{PeerURLs:[http://127.0.0.1:{p}] IsLearner:false}} Attributes:{{Name:{n} ClientURLs:[]}}}}");
    let dump = |a: &str, b: &str| normalize_cluster(&format!("C | etcdmain: error validating peerURLs {{ClusterID:ef37ad9dc622a7c4 Members:[{a} {b}] RemovedMemberIDs:[]}}: member count is unequal\n"));
    assert_eq!(dump(&item("infra1", "12380"), &item("infra2", "22380")), dump(&item("infra2", "22380"), &item("infra1", "12380")));
    assert_ne!(dump(&item("infra1", "12380"), &item("infra2", "22380")), dump(&item("infra1", "12380"), &item("infra3", "22380")));
    assert_eq!(normalize_cluster("[1] 4242\nOK\n[1]+  Terminated              etcd --name infra4\n"), normalize_cluster("OK\n"));
    // `endpoint health -w json|table|fields`: the verdicts in the order the checks ended.
    let j = |a: &str, b: &str| normalize_cluster(&format!("[{{\"endpoint\":\"{a}\",\"health\":true,\"took\":\"1.2ms\"}},{{\"endpoint\":\"{b}\",\"health\":true,\"took\":\"3ms\"}}]\n"));
    assert_eq!(j("http://127.0.0.1:2379", "http://127.0.0.1:22379"), j("http://127.0.0.1:22379", "http://127.0.0.1:2379"));
    assert_ne!(j("http://127.0.0.1:2379", "http://127.0.0.1:22379"), j("http://127.0.0.1:2379", "http://127.0.0.1:32379"));
    let f = |ep: &str, h: bool| format!("\"Endpoint\" : \"{ep}\"\n\"Health\" : {h}\n\"Took\" : 2.5ms\n\"Error\" : \n\n");
    assert_eq!(normalize_cluster(&(f("a", true) + &f("b", true))), normalize_cluster(&(f("b", true) + &f("a", true))));
    assert_ne!(normalize_cluster(&(f("a", true) + &f("b", true))), normalize_cluster(&(f("a", true) + &f("b", false))));
    let t = |rows: &[&str]| normalize_cluster(&format!("+------------------------+--------+------------+-------+\n|        ENDPOINT        | HEALTH |    TOOK    | ERROR |\n+------------------------+--------+------------+-------+\n{}+------------------------+--------+------------+-------+\n", rows.concat()));
    let (r1, r2) = ("|  http://127.0.0.1:2379 |   true | 2.0734ms |       |\n", "| http://127.0.0.1:22379 |   true | 12.561503ms |       |\n");
    assert_eq!(t(&[r1, r2]), t(&[r2, r1]));
    // A different error stays different.
    assert_ne!(normalize_cluster("Error: etcdserver: no leader\n"), normalize_cluster("Error: context deadline exceeded\n"));
}
