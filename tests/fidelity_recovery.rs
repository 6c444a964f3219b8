//! Disaster recovery against three real etcd 3.4.23 members (the cluster suite's real side,
//! `tests/common/cluster.rs`): a snapshot of one member restored into a new data dir for each
//! of the three and the members started on them (`tests/fidelity_recovery/20_recovery.txt`),
//! and the mistakes — a member on the old cluster's dir or restored with another token, cut off
//! from its peers (`21_recovery_mismatch.txt`). A test binary of its own, so that its
//! clusters do not run alongside the other cluster suite's: the real members' elections depend
//! on timing, and two suites' worth of members on a small machine upset them.

#[path = "common/fidelity.rs"]
#[allow(dead_code)]
mod harness;
#[path = "common/cluster.rs"]
mod cluster;

#[test]
fn a_cluster_restored_from_a_snapshot_prints_what_real_members_print() {
    harness::run_suite(&harness::Suite { name: "fidelity_recovery", version: "3.4.23 (three members)", dir: "tests/fidelity_recovery", scenario: "cluster", min_commands: 45, start: cluster::start_cluster, normalize: cluster::normalize_cluster });
}
