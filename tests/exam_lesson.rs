//! Lesson 12 (the timed CKA exam): its negative cases — the ways people cheat or slip must not
//! pass a task — played under several attempts' draws, from the state each task starts in.

use etcd_playground::lessons::exam::{draw, instantiate};
use etcd_playground::lessons::progress::state_before;
use etcd_playground::lessons::{course, enter_step, evaluate, LastRun, Lesson};

fn exam() -> Lesson {
    let (f, t) = course::COURSE.iter().find(|(f, _)| f.contains("12-cka-exam")).unwrap();
    Lesson::parse_file(f, t).unwrap()
}

/// Plays `cmds` at the start of task `step` of the attempt `seed`; true when the task passes.
fn passes(seed: u64, step: usize, cmds: &[&str]) -> bool {
    let raw = exam();
    let vals = draw(&raw, seed);
    let l = instantiate(&raw, seed);
    let (mut s, mut last) = state_before(&l, step).unwrap();
    if let Some(fresh) = enter_step(&mut s, &l.steps[step]).unwrap() {
        last = fresh;
    }
    for c in cmds {
        let mut c = c.to_string();
        for (k, v) in &vals {
            c = c.replace(&format!("{{{{{k}}}}}"), v);
        }
        last = LastRun::from(&s.execute(&c));
    }
    evaluate(&l.steps[step], &s, &last).iter().all(|r| r.passed)
}

const TLS: &str = "--endpoints=https://127.0.0.1:2379 --cacert=/etc/kubernetes/pki/etcd/ca.crt --cert=/etc/kubernetes/pki/etcd/server.crt --key=/etc/kubernetes/pki/etcd/server.key";

#[test]
fn the_exam_is_an_exam_with_six_tasks_and_per_attempt_names() {
    let l = exam();
    assert!(l.exam && l.time_limit_minutes.is_some());
    assert!(l.steps.len() >= 6);
    let a = instantiate(&l, 1);
    let differ = (2..12).any(|s| instantiate(&l, s).steps[0].instructions.en != a.steps[0].instructions.en);
    assert!(differ, "attempts must not all get the same backup path");
}

#[test]
fn task_1_backup_refuses_files_the_tool_did_not_write() {
    for seed in 0..3 {
        assert!(passes(seed, 0, &[&format!("etcdctl {TLS} snapshot save {{{{backup}}}}")]));
        assert!(!passes(seed, 0, &["touch {{backup}}"]));
        assert!(!passes(seed, 0, &["echo 'Snapshot saved at {{backup}}' > {{backup}}"]));
        // Without TLS flags the save fails and writes nothing.
        assert!(!passes(seed, 0, &["etcdctl snapshot save {{backup}}"]));
    }
}

#[test]
fn task_2_restore_needs_the_backup_state_and_a_working_cluster() {
    for seed in 0..3 {
        assert!(passes(seed, 1, &["etcdutl snapshot restore {{backup}} --data-dir {{datadir}}", "sed -i 's#path: /var/lib/etcd$#path: {{datadir}}#' /etc/kubernetes/manifests/etcd.yaml"]));
        // etcdctl's (deprecated) restore is as good.
        assert!(passes(seed, 1, &["ETCDCTL_API=3 etcdctl snapshot restore {{backup}} --data-dir={{datadir}}", "sed -i 's#path: /var/lib/etcd$#path: {{datadir}}#' /etc/kubernetes/manifests/etcd.yaml"]));
        // Only the manifest edit: etcd runs on an empty dir, the cluster is gone.
        assert!(!passes(seed, 1, &["mkdir -p {{datadir}}", "sed -i 's#path: /var/lib/etcd$#path: {{datadir}}#' /etc/kubernetes/manifests/etcd.yaml"]));
        // A restore that failed (no such file), then the edit.
        assert!(!passes(seed, 1, &["etcdutl snapshot restore /nope.db --data-dir {{datadir}}", "sed -i 's#path: /var/lib/etcd$#path: {{datadir}}#' /etc/kubernetes/manifests/etcd.yaml"]));
        // Restored but etcd never pointed at it.
        assert!(!passes(seed, 1, &["etcdutl snapshot restore {{backup}} --data-dir {{datadir}}"]));
        // Deleting the late pod by hand is not a restore.
        assert!(!passes(seed, 1, &["kubectl delete pod {{late}}"]));
    }
}

#[test]
fn task_3_member_id_must_be_the_real_one() {
    for seed in 0..2 {
        assert!(passes(seed, 2, &[&format!("etcdctl {TLS} member list | cut -d, -f1 > {{{{idfile}}}}")]));
        assert!(!passes(seed, 2, &["echo 8e9e05c52164694d > {{idfile}}"]));
        assert!(!passes(seed, 2, &["touch {{idfile}}"]));
        // The whole line is not the ID alone.
        assert!(!passes(seed, 2, &[&format!("etcdctl {TLS} member list > {{{{idfile}}}}")]));
    }
}

#[test]
fn task_4_needs_exported_variables_for_every_setting() {
    let vars = "ETCDCTL_ENDPOINTS=https://127.0.0.1:2379 ETCDCTL_CACERT=/etc/kubernetes/pki/etcd/ca.crt ETCDCTL_CERT=/etc/kubernetes/pki/etcd/server.crt ETCDCTL_KEY=/etc/kubernetes/pki/etcd/server.key";
    assert!(passes(0, 3, &[&format!("export {vars}")]));
    // Set but not exported: etcdctl never sees them.
    assert!(!passes(0, 3, &[vars]));
    // One command with the variables in front changes nothing for the next ones.
    assert!(!passes(0, 3, &[&format!("{vars} etcdctl endpoint health")]));
    assert!(!passes(0, 3, &["export ETCDCTL_ENDPOINTS=https://127.0.0.1:2379"]));
    assert!(!passes(0, 3, &["echo '127.0.0.1:2379 is healthy'"]));
}

#[test]
fn task_5_needs_the_right_file_and_the_renewal() {
    for seed in 0..2 {
        assert!(passes(seed, 4, &["echo /etc/kubernetes/pki/etcd/server.crt > {{certfile}}", "kubeadm certs renew etcd-server"]));
        assert!(!passes(seed, 4, &["echo /etc/kubernetes/pki/etcd/server.crt > {{certfile}}"]));
        assert!(!passes(seed, 4, &["echo /etc/kubernetes/pki/etcd/ca.crt > {{certfile}}", "kubeadm certs renew etcd-server"]));
        assert!(!passes(seed, 4, &["kubeadm certs renew etcd-server"]));
    }
}

#[test]
fn task_6_needs_a_client_pair_etcd_trusts() {
    for seed in 0..3 {
        assert!(passes(seed, 5, &["sed -i 's#pki/{{badcert}}\\.#pki/apiserver-etcd-client.#' /etc/kubernetes/manifests/kube-apiserver.yaml"]));
        assert!(!passes(seed, 5, &[]));
        // Only the certificate, not its key: the pair does not match.
        assert!(!passes(seed, 5, &["sed -i 's#pki/{{badcert}}\\.crt#pki/apiserver-etcd-client.crt#' /etc/kubernetes/manifests/kube-apiserver.yaml"]));
    }
}
