//! The lesson engine and the shipped course: every lesson file parses, every reference
//! solution passes its own checks, wrong-but-plausible attempts fail the checks they should,
//! and malformed files are reported at the right file:line.

use etcd_playground::lessons::course::{course, COURSE};
use etcd_playground::lessons::{evaluate, verify, LastRun, Lesson, Progress};

fn read_dir_toml(dir: &str) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .map(|p| (p.display().to_string(), std::fs::read_to_string(&p).unwrap()))
        .collect();
    v.sort();
    v
}

#[test]
fn every_shipped_lesson_is_in_the_built_in_course_and_passes_its_own_solution() {
    let files = read_dir_toml("lessons");
    let names: Vec<&str> = files.iter().map(|(f, _)| f.as_str()).collect();
    let built: Vec<&str> = COURSE.iter().map(|(f, _)| *f).collect();
    assert_eq!(names, built, "lessons/*.toml and lessons::course::COURSE must list the same files");
    let mut lessons = Vec::new();
    for (f, t) in &files {
        let l = Lesson::parse_file(f, t).unwrap_or_else(|e| panic!("{e}"));
        verify(&l).unwrap_or_else(|e| panic!("{e}"));
        lessons.push(l);
    }
    assert_eq!(course().len(), files.len());
    assert!(etcd_playground::lessons::validate_set(&lessons).is_empty());
}

#[test]
fn the_whole_course_is_shipped_and_drafts_are_valid() {
    assert_eq!(COURSE.len(), 15, "issue 6's course has 11 lessons; issue 16 adds the download lesson and the timed exam, issue 19 etcd as a cluster and the cluster recovery");
    // Lessons waiting for a feature live in lessons/drafts/: valid files, not shipped.
    for (f, t) in std::fs::read_dir("lessons/drafts").map(|_| read_dir_toml("lessons/drafts")).unwrap_or_default() {
        Lesson::parse_file(&f, &t).unwrap_or_else(|e| panic!("{e}"));
        assert!(!COURSE.iter().any(|(c, _)| c.ends_with(f.rsplit('/').next().unwrap())), "{f} is a draft but shipped");
    }
}

/// Plays `lesson` with its reference solutions up to (not including) `step_id`, then types
/// `attempt`, and returns which of that step's checks pass.
fn attempt(lesson_id: &str, step_id: &str, attempt: &[&str]) -> Vec<bool> {
    let lesson = course().into_iter().find(|l| l.id == lesson_id).unwrap_or_else(|| panic!("no lesson {lesson_id}"));
    let (mut s, mut last) = etcd_playground::lessons::start_session(&lesson).unwrap();
    for step in &lesson.steps {
        // The step's own start, as the page applies it on entering the step.
        if let Some(fresh) = etcd_playground::lessons::enter_step(&mut s, step).unwrap() {
            last = fresh;
        }
        if step.id == step_id {
            for c in attempt {
                last = LastRun::from(&s.execute(c));
            }
            return evaluate(step, &s, &last).iter().map(|r| r.passed).collect();
        }
        for c in &step.solution {
            last = LastRun::from(&s.execute(c));
        }
    }
    panic!("lesson {lesson_id} has no step {step_id}");
}

/// (lesson, step, wrong-but-plausible attempt, which checks must pass afterwards)
const NEGATIVE: &[(&str, &str, &[&str], &[bool])] = &[
    ("01-what-is-etcd", "put-k1", &["etcdctl put k1 'AAA, BBB, CCC'"], &[false]),
    ("01-what-is-etcd", "put-k1", &["etcdctl put K1 AAA,BBB,CCC"], &[false]),
    ("01-what-is-etcd", "put-k1", &["echo etcdctl put k1 AAA,BBB,CCC"], &[false]),
    ("01-what-is-etcd", "put-k5", &["etcdctl put k5 3ZZZ5623"], &[false]),
    ("01-what-is-etcd", "get-k1", &["etcdctl get k5"], &[false, true]),
    ("01-what-is-etcd", "get-k1", &["echo k1; echo AAA,BBB,CCC; false"], &[false, false]),
    ("01-what-is-etcd", "get-prefix", &["etcdctl get k1 k5"], &[false]),
    ("01-what-is-etcd", "get-prefix", &["etcdctl get k5 --prefix"], &[false]),
    ("02-etcd-in-kubernetes", "etcd-pod", &["kubectl get pods"], &[false]),
    ("02-etcd-in-kubernetes", "etcd-pod", &["kubectl get pods -n default"], &[false]),
    ("02-etcd-in-kubernetes", "registry-keys", &["etcdctl get /registry/pods/default --prefix --keys-only"], &[false]),
    ("02-etcd-in-kubernetes", "registry-keys", &["etcdctl --endpoints http://127.0.0.1:2379 get /registry/pods/kube-system --prefix --keys-only"], &[false]),
    ("02-etcd-in-kubernetes", "new-pod-key", &["kubectl run web --image=nginx -n kube-system"], &[false, false]),
    ("02-etcd-in-kubernetes", "new-pod-key", &["kubectl run webserver --image=nginx"], &[false, false]),
    ("02-etcd-in-kubernetes", "new-pod-key", &["kubectl create deployment web --image=nginx"], &[false, false]),
    ("03-certificates", "etcd-flags", &["kubectl describe pod kube-apiserver -n kube-system"], &[false]),
    ("03-certificates", "etcd-flags", &["kubectl describe pod etcd-docker-01"], &[false]),
    ("03-certificates", "apiserver-flags", &["kubectl describe pod etcd-docker-01 -n kube-system"], &[false]),
    ("03-certificates", "apiserver-flags", &["kubectl describe pod kube-apiserver"], &[false]),
    ("03-certificates", "keep-paths", &["CACERT=/etc/kubernetes/pki/ca.crt", "CERT=/etc/kubernetes/pki/etcd/server.crt", "KEY=/etc/kubernetes/pki/etcd/server.key"], &[false, true, true]),
    ("03-certificates", "keep-paths", &["CACERT=/etc/kubernetes/pki/etcd/ca.crt", "CERT=/etc/kubernetes/pki/etcd/server.key", "KEY=/etc/kubernetes/pki/etcd/server.crt"], &[true, false, false]),
    ("04-talking-to-etcd", "no-tls", &["etcdctl --cacert /etc/kubernetes/pki/etcd/ca.crt --cert /etc/kubernetes/pki/etcd/server.crt --key /etc/kubernetes/pki/etcd/server.key --endpoints https://127.0.0.1:2379 get k"], &[false, false]),
    ("04-talking-to-etcd", "no-tls", &["etcdctl --endpoints https://127.0.0.1:2379 --cacert /etc/kubernetes/pki/etcd/ca.crt --cert /etc/kubernetes/pki/etcd/server.crt --key /etc/kubernetes/pki/etcd/peer.key get k"], &[false, false]),
    ("04-talking-to-etcd", "advertise-url", &["ADVERTISE_URL=172.17.0.2:2379"], &[false]),
    ("04-talking-to-etcd", "advertise-url", &["ADVERTISE_URL=https://172.17.0.2:2380"], &[false]),
    ("04-talking-to-etcd", "advertise-url", &["echo ADVERTISE_URL=https://172.17.0.2:2379"], &[false]),
    ("04-talking-to-etcd", "tls-flags", &["etcdctl put lesson4 over-tls"], &[false]),
    ("04-talking-to-etcd", "tls-flags", &["etcdctl --endpoints http://172.17.0.2:2379 put lesson4 over-tls"], &[false]),
    ("04-talking-to-etcd", "tls-flags", &["ETCDCTL_API=3 etcdctl --cacert /etc/kubernetes/pki/etcd/ca.crt --key /etc/kubernetes/pki/etcd/server.key --cert /etc/kubernetes/pki/etcd/server.crt --endpoints $ADVERTISE_URL put lesson4 over_tls"], &[false]),
    (
        "04-talking-to-etcd",
        "env-vars",
        &[
            "ETCDCTL_CACERT=/etc/kubernetes/pki/etcd/ca.crt",
            "ETCDCTL_CERT=/etc/kubernetes/pki/etcd/server.crt",
            "ETCDCTL_KEY=/etc/kubernetes/pki/etcd/server.key",
            "ETCDCTL_ENDPOINTS=$ADVERTISE_URL",
            "etcdctl get lesson4",
        ],
        &[false, false, false, false, false],
    ),
    (
        "04-talking-to-etcd",
        "env-vars",
        &["export ETCDCTL_CACERT=/etc/kubernetes/pki/etcd/server.crt", "export ETCDCTL_CERT=/etc/kubernetes/pki/etcd/server.crt", "export ETCDCTL_KEY=/etc/kubernetes/pki/etcd/server.key", "export ETCDCTL_ENDPOINTS=$ADVERTISE_URL", "etcdctl get lesson4"],
        &[false, true, true, true, false],
    ),
    ("04-talking-to-etcd", "tls-flags", &["etcdctl --endpoints $ADVERTISE_URL put lesson4 over-tls"], &[false]),
    ("04-talking-to-etcd", "tls-flags", &["etcdctl --cacert /etc/kubernetes/pki/etcd/ca.crt --cert /etc/kubernetes/pki/etcd/ca.crt --key /etc/kubernetes/pki/etcd/server.key --endpoints $ADVERTISE_URL put lesson4 over-tls"], &[false]),
    ("04-talking-to-etcd", "inside-the-pod", &["kubectl exec etcd-docker-01 -n kube-system -- etcdctl put from-the-pod yes"], &[false, false]),
    ("04-talking-to-etcd", "inside-the-pod", &["kubectl exec etcd-docker-01 -- etcdctl --cacert /etc/kubernetes/pki/etcd/ca.crt --cert /etc/kubernetes/pki/etcd/server.crt --key /etc/kubernetes/pki/etcd/server.key put from-the-pod yes"], &[false, false]),
    ("05-revisions", "three-versions", &["etcdctl put color red", "etcdctl put color blue"], &[true, false]),
    ("05-revisions", "three-versions", &["etcdctl put colour red", "etcdctl put colour green", "etcdctl put colour blue"], &[false, true]),
    ("05-revisions", "read-the-past", &["etcdctl get color"], &[false, true]),
    ("05-revisions", "read-the-past", &["etcdctl get color --rev=3"], &[false, true]),
    // The issue's cheat: put the old value again and read the present.
    ("05-revisions", "read-the-past", &["etcdctl put color red", "etcdctl get color"], &[false, false]),
    ("05-revisions", "read-the-past", &["etcdctl get color --rev=2 --print-value-only"], &[true, true]),
    ("05-revisions", "delete", &["etcdctl put color ''"], &[false, true]),
    ("05-revisions", "compact", &["etcdctl compaction 2", "etcdctl get color --rev=2"], &[false]),
    ("05-revisions", "compact", &["etcdctl compaction 4"], &[false]),
    ("06-snapshot-plain", "brackets", &["ENDPOINT=[127.0.0.1:2379]"], &[true, false]),
    ("06-snapshot-plain", "brackets", &["ENDPOINT=http://127.0.0.1:2379"], &[true, true]),
    ("06-snapshot-plain", "save", &["etcdctl --endpoints=[127.0.0.1:2379] snapshot save snapshotdb"], &[false]),
    ("06-snapshot-plain", "save", &["etcdctl --endpoints $ENDPOINT snapshot save /tmp/snapshotdb"], &[false]),
    ("06-snapshot-plain", "save", &["echo not a database > /root/snapshotdb"], &[false]),
    ("06-snapshot-plain", "save", &["etcdctl put k9 later", "etcdctl --endpoints $ENDPOINT snapshot save snapshotdb"], &[true]),
    ("06-snapshot-plain", "status", &["etcdctl snapshot status snapshotdb"], &[true]),
    ("06-snapshot-plain", "status", &["echo '|   HASH   | REVISION | TOTAL KEYS | TOTAL SIZE |'"], &[false]),
    ("07-snapshot-tls", "without-certs", &["etcdctl --cacert /etc/kubernetes/pki/etcd/ca.crt --cert /etc/kubernetes/pki/etcd/server.crt --key /etc/kubernetes/pki/etcd/server.key --endpoints https://127.0.0.1:2379 snapshot save /root/no-tls.db"], &[false, false]),
    ("07-snapshot-tls", "save-tls", &["etcdctl --endpoints https://127.0.0.1:2379 snapshot save /root/snapshotdb"], &[false]),
    ("07-snapshot-tls", "save-tls", &["etcdctl --cacert /etc/kubernetes/pki/etcd/ca.crt --cert /etc/kubernetes/pki/etcd/server.crt --key /etc/kubernetes/pki/etcd/server.key --endpoints https://127.0.0.1:2379 snapshot save /root/snapshot.db"], &[false]),
    ("07-snapshot-tls", "status-table", &["etcdctl snapshot status /root/snapshotdb"], &[true]),
    ("07-snapshot-tls", "status-table", &["etcdutl snapshot status /root/snapshotdb -w table"], &[true]),
    ("08-restore", "backup", &["etcdctl snapshot save /tmp/backup.db"], &[false]),
    ("08-restore", "after-backup", &["kubectl run after-backup --image=nginx -n kube-system"], &[false]),
    ("08-restore", "restore", &["etcdctl snapshot restore /root/backup.db --data-dir /var/lib/etcd-backup"], &[false]),
    // A restored dir holds a new member and the backup's keys: not a copy of the live one, not a newer snapshot.
    ("08-restore", "restore", &["cp -r /var/lib/etcd /var/lib/etcd-from-backup"], &[false]),
    ("08-restore", "restore", &["mkdir -p /var/lib/etcd-from-backup/member/snap /var/lib/etcd-from-backup/member/wal", "touch /var/lib/etcd-from-backup/member/snap/db"], &[false]),
    ("08-restore", "restore", &["etcdctl snapshot save /root/now.db", "etcdctl snapshot restore /root/now.db --data-dir /var/lib/etcd-from-backup"], &[false]),
    ("08-restore", "switch", &["sed -i 's#--data-dir=/var/lib/etcd#--data-dir=/var/lib/etcd-from-backup#' /etc/kubernetes/manifests/etcd.yaml"], &[false, true, false, true]),
    ("08-restore", "switch", &["kubectl delete pod after-backup"], &[false, false, true, true]),
    ("11-cka-practice", "task-1-backup", &["ETCDCTL_API=3 etcdctl --endpoints=https://127.0.0.1:2379 --cacert=/etc/kubernetes/pki/etcd/ca.crt --cert=/etc/kubernetes/pki/etcd/server.crt --key=/etc/kubernetes/pki/etcd/server.key snapshot save /opt/backup/etcd-snapshot.db"], &[false]),
    ("11-cka-practice", "task-2-restore", &["ETCDCTL_API=3 etcdctl snapshot restore /opt/backup/etcd-snapshot.db --data-dir /var/lib/etcd-restored"], &[false, true, false, true]),
    // The issue's cheat: the manifest edited without a restore: etcd runs empty, the cluster is gone.
    ("11-cka-practice", "task-2-restore", &["sed -i 's#path: /var/lib/etcd$#path: /var/lib/etcd-restored#' /etc/kubernetes/manifests/etcd.yaml"], &[true, false, true, true]),
    ("09-leases-and-watch", "grant", &["etcdctl lease grant 30"], &[false]),
    ("09-leases-and-watch", "attach", &["etcdctl put session alive"], &[true, false]),
    ("09-leases-and-watch", "revoke", &["etcdctl del session"], &[false, true]),
    ("09-leases-and-watch", "revoke", &["etcdctl lease revoke $(etcdctl lease grant 7 | cut -d' ' -f2)"], &[true, false]),
    ("09-leases-and-watch", "watch", &["etcdctl put color red", "etcdctl put color blue", "etcdctl watch color"], &[false]),
    // Lesson 10: each step starts on its own broken node (its `scenario` and `setup`).
    ("10-troubleshooting-tls", "key-pair", &["export ETCDCTL_KEY=/etc/kubernetes/pki/etcd/healthcheck-client.key"], &[false]),
    ("10-troubleshooting-tls", "key-pair", &["export ETCDCTL_CERT=/etc/kubernetes/pki/etcd/server.key"], &[false]),
    ("10-troubleshooting-tls", "key-pair", &["unset ETCDCTL_KEY"], &[false]),
    ("10-troubleshooting-tls", "key-pair", &["KEY=/etc/kubernetes/pki/etcd/server.key"], &[false]),
    ("10-troubleshooting-tls", "key-pair", &["etcdctl --key /etc/kubernetes/pki/etcd/server.key endpoint health"], &[false]),
    ("10-troubleshooting-tls", "wrong-ca", &["export ETCDCTL_CACERT=/etc/kubernetes/pki/etcd/server.crt"], &[false]),
    ("10-troubleshooting-tls", "wrong-ca", &["unset ETCDCTL_CACERT"], &[false]),
    ("10-troubleshooting-tls", "wrong-ca", &["export ETCDCTL_CERT=/etc/kubernetes/pki/apiserver-kubelet-client.crt ETCDCTL_KEY=/etc/kubernetes/pki/apiserver-kubelet-client.key"], &[false]),
    ("10-troubleshooting-tls", "wrong-ca", &["export ETCDCTL_ENDPOINTS=http://127.0.0.1:2379"], &[false]),
    ("10-troubleshooting-tls", "san-missing", &["export ETCDCTL_ENDPOINTS=172.17.0.2:2379"], &[false]),
    ("10-troubleshooting-tls", "san-missing", &["export ETCDCTL_ENDPOINTS=http://127.0.0.1:2379"], &[false]),
    ("10-troubleshooting-tls", "san-missing", &["export ETCDCTL_CACERT=/etc/kubernetes/pki/ca.crt"], &[false]),
    ("10-troubleshooting-tls", "san-missing", &["export ETCDCTL_ENDPOINTS=https://127.0.0.1:2380"], &[false]),
    // The careless global replace restores etcd's pair but breaks the kubelet client flags.
    ("10-troubleshooting-tls", "apiserver-client-cert", &["sed -i 's#apiserver-kubelet-client#apiserver-etcd-client#g' /etc/kubernetes/manifests/kube-apiserver.yaml"], &[true, true, false]),
    ("10-troubleshooting-tls", "apiserver-client-cert", &["sed -i 's#--etcd-certfile=.*#--etcd-certfile=/etc/kubernetes/pki/apiserver-etcd-client.crt#' /etc/kubernetes/manifests/kube-apiserver.yaml"], &[false, true, true]),
    ("10-troubleshooting-tls", "apiserver-client-cert", &["sed -i 's#--etcd-cafile=.*#--etcd-cafile=/etc/kubernetes/pki/ca.crt#' /etc/kubernetes/manifests/kube-apiserver.yaml"], &[false, true, true]),
    ("10-troubleshooting-tls", "apiserver-client-cert", &["sed 's#apiserver-kubelet-client#apiserver-etcd-client#' /etc/kubernetes/manifests/kube-apiserver.yaml > /root/kube-apiserver.yaml"], &[false, true, true]),
    // Trusting the Kubernetes CA for etcd clients lets the API server in and shuts etcd's own clients out.
    ("10-troubleshooting-tls", "apiserver-client-cert", &["sed -i 's#--trusted-ca-file=.*#--trusted-ca-file=/etc/kubernetes/pki/ca.crt#' /etc/kubernetes/manifests/etcd.yaml"], &[true, false, true]),
    // Looking is not fixing; renewing another certificate leaves etcd's own expired; `all` is fine.
    ("10-troubleshooting-tls", "expired-cert", &["kubeadm certs check-expiration"], &[false, false, false]),
    ("10-troubleshooting-tls", "expired-cert", &["kubeadm certs renew etcd-peer"], &[false, false, false]),
    ("10-troubleshooting-tls", "expired-cert", &["kubeadm certs renew apiserver-etcd-client"], &[false, false, false]),
    ("10-troubleshooting-tls", "expired-cert", &["export ETCDCTL_CERT=/etc/kubernetes/pki/etcd/healthcheck-client.crt ETCDCTL_KEY=/etc/kubernetes/pki/etcd/healthcheck-client.key"], &[false, false, false]),
    ("10-troubleshooting-tls", "expired-cert", &["kubeadm certs renew all"], &[true, true, true]),
    // Issue 19: the cluster lesson's checks read which members run and who leads.
    ("14-etcd-cluster", "find-leader", &["etcdctl put /lesson/leader INFRA1"], &[false]),
    ("14-etcd-cluster", "find-leader", &["etcdctl put /lesson/leader 8211F1D0F64F3269"], &[true]),
    ("14-etcd-cluster", "stop-follower", &["goreman run stop etcd1", "etcdctl --endpoints=127.0.0.1:22379 put /lesson/one-down ok"], &[true, false, true]),
    // Two down: no quorum, so no leader, and the write fails.
    ("14-etcd-cluster", "stop-follower", &["goreman run stop etcd2 etcd3", "etcdctl put /lesson/one-down ok"], &[false, false, false]),
    // The leader moved after step 1: `/lesson/leader` must name the new one (put it again).
    ("14-etcd-cluster", "stop-follower", &["etcdctl move-leader 91bc3c398fb3c146", "goreman run stop etcd1", "etcdctl --endpoints=127.0.0.1:22379 put /lesson/one-down ok"], &[true, false, true]),
    ("14-etcd-cluster", "stop-follower", &["etcdctl move-leader 91bc3c398fb3c146", "etcdctl put /lesson/leader infra2", "goreman run stop etcd1", "etcdctl --endpoints=127.0.0.1:22379 put /lesson/one-down ok"], &[true, true, true]),
    ("14-etcd-cluster", "lose-quorum", &["goreman run stop etcd3", "etcdctl --endpoints=127.0.0.1:32379 put /lesson/no-quorum x"], &[true, true, false]),
    ("14-etcd-cluster", "lose-quorum", &["goreman run stop etcd3", "echo 'Error: context deadline exceeded'; false"], &[true, true, false]),
    ("14-etcd-cluster", "bring-back", &["goreman run start etcd3", "etcdctl put /lesson/back ok"], &[false, true, true]),
    // Cluster recovery: each check of the final step fails on its own mistake.
    ("15-cluster-recovery", "stop", &["goreman run stop etcd2 etcd3"], &[false]),
    ("15-cluster-recovery", "restore", &["cd /root && mv infra2.etcd old2 && etcdctl snapshot restore backup.db --name infra2 --initial-cluster infra1=http://127.0.0.1:12380,infra2=http://127.0.0.1:22380,infra3=http://127.0.0.1:32380 --initial-cluster-token etcd-cluster-1 --initial-advertise-peer-urls http://127.0.0.1:22380"], &[false, false, false]),
    // The old dirs brought back and started: the keys stay deleted.
    ("15-cluster-recovery", "start", &["cd /root && rm -rf infra1.etcd infra2.etcd infra3.etcd && mv infra1.etcd.old infra1.etcd && mv infra2.etcd.old infra2.etcd && mv infra3.etcd.old infra3.etcd", "goreman run start etcd1 etcd2 etcd3"], &[false, false, true]),
    // Restore cheats: the `.snap` file touched, one member copied three times, every dir as infra1.
    ("15-cluster-recovery", "restore", &["cd /root && for n in 1 2 3; do mkdir -p infra$n.etcd/member/snap; touch infra$n.etcd/member/snap/0000000000000001-0000000000000003.snap infra$n.etcd/member/snap/db; done"], &[false, false, false]),
    ("15-cluster-recovery", "restore", &["cd /root && mv infra1.etcd o1 && mv infra2.etcd o2 && mv infra3.etcd o3", "etcdctl snapshot restore backup.db --name infra1 --initial-cluster infra1=http://127.0.0.1:12380,infra2=http://127.0.0.1:22380,infra3=http://127.0.0.1:32380 --initial-cluster-token etcd-cluster-1 --initial-advertise-peer-urls http://127.0.0.1:12380", "cp -r infra1.etcd infra2.etcd && cp -r infra1.etcd infra3.etcd"], &[true, false, false]),
    ("15-cluster-recovery", "restore", &["cd /root && mv infra1.etcd o1 && mv infra2.etcd o2 && mv infra3.etcd o3", "for n in 1 2 3; do etcdctl snapshot restore backup.db --name infra1 --initial-cluster infra1=http://127.0.0.1:12380,infra2=http://127.0.0.1:22380,infra3=http://127.0.0.1:32380 --initial-cluster-token etcd-cluster-1 --initial-advertise-peer-urls http://127.0.0.1:12380 --data-dir infra$n.etcd; done"], &[true, false, false]),
    ("15-cluster-recovery", "start", &["goreman run start etcd1 etcd3"], &[true, true, false]),
    // infra3 with another token: the keys are back through infra1 and infra2, infra3 is cut off.
    ("15-cluster-recovery", "start", &["rm -rf /root/infra3.etcd", "etcdctl snapshot restore /root/backup.db --name infra3 --initial-cluster infra1=http://127.0.0.1:12380,infra2=http://127.0.0.1:22380,infra3=http://127.0.0.1:32380 --initial-cluster-token other --initial-advertise-peer-urls http://127.0.0.1:32380 --data-dir /root/infra3.etcd", "goreman run start etcd1 etcd2 etcd3"], &[true, true, false]),
    // Empty dirs instead of restored ones: etcd bootstraps an empty cluster.
    ("15-cluster-recovery", "start", &["rm -rf /root/infra1.etcd /root/infra2.etcd /root/infra3.etcd", "goreman run start etcd1 etcd2 etcd3"], &[false, false, true]),
    // A value holding the expected text, printed by `etcdctl get`: another program run, not the task.
    ("02-etcd-in-kubernetes", "etcd-pod", &["etcdctl put x 'etcd-docker-01   1/1     Running'", "etcdctl get x"], &[false]),
    ("05-revisions", "compact", &["etcdctl put x 'required revision has been compacted'", "etcdctl get x"], &[false]),
    ("09-leases-and-watch", "grant", &["etcdctl put x 'lease 694d7b5a8a7e8c04 granted with TTL(60s)'", "etcdctl get x --print-value-only"], &[false]),
    ("09-leases-and-watch", "revoke", &["etcdctl del session", "etcdctl put x 'lease 694d7b5a8a7e8c04 revoked'", "etcdctl get x --print-value-only"], &[false, true]),
    ("12-download-etcd", "versions", &["etcdctl put x \"$(printf 'etcd Version: 3.4.7\\nGit SHA: 1')\"", "etcdctl get x --print-value-only"], &[false]),
    ("12-download-etcd", "api-version", &["etcdctl put x \"$(printf 'etcdctl version: 3.4.7\\nAPI version: 3.4')\"", "etcdctl get x --print-value-only"], &[false]),
    ("12-download-etcd", "members", &["etcdctl put x '| 8e9e05c52164694d | started |'", "etcdctl get x --print-value-only; etcdctl member list"], &[false]),
    // Inside the etcd pod, /opt/backup is not a hostPath mount: the snapshot does not land on the node.
    ("11-cka-practice", "task-1-backup", &["mkdir -p /opt/backup", "kubectl exec etcd-docker-01 -n kube-system -- etcdctl --cacert /etc/kubernetes/pki/etcd/ca.crt --cert /etc/kubernetes/pki/etcd/server.crt --key /etc/kubernetes/pki/etcd/server.key snapshot save /opt/backup/etcd-snapshot.db"], &[false]),
    // No restore: a copy of the live data dir, the late pod deleted; its tombstone is in the history.
    ("11-cka-practice", "task-2-restore", &["cp -r /var/lib/etcd /var/lib/etcd-restored", "sed -i 's#path: /var/lib/etcd$#path: /var/lib/etcd-restored#' /etc/kubernetes/manifests/etcd.yaml", "kubectl delete pod after-backup"], &[true, true, false, true]),
    // Switching verification off is not fixing the CA or the endpoint.
    ("10-troubleshooting-tls", "wrong-ca", &["export ETCDCTL_INSECURE_SKIP_TLS_VERIFY=true"], &[false]),
    ("10-troubleshooting-tls", "san-missing", &["export ETCDCTL_INSECURE_SKIP_TLS_VERIFY=true"], &[false]),
    // No restore: an empty etcd, the lost namespace and the early pod made again by hand.
    ("11-cka-practice", "task-2-restore", &["sed -i 's#path: /var/lib/etcd$#path: /var/lib/etcd-restored#' /etc/kubernetes/manifests/etcd.yaml", "kubectl get pods -n kube-system", "kubectl create namespace default", "kubectl run before-backup --image=nginx"], &[true, false, true, true]),
    ("08-restore", "switch", &["rm -rf /var/lib/etcd-from-backup && mkdir /var/lib/etcd-from-backup", "sed -i 's#path: /var/lib/etcd$#path: /var/lib/etcd-from-backup#' /etc/kubernetes/manifests/etcd.yaml", "kubectl get pods -n kube-system", "kubectl run coredns-66bff467f8-pfm2c -n kube-system --image=coredns"], &[true, true, false, true]),
];

#[test]
fn wrong_attempts_fail_the_checks_they_should() {
    let mut wrong = Vec::new();
    for (lesson, step, tried, want) in NEGATIVE {
        let got = attempt(lesson, step, tried);
        if got != want.to_vec() {
            wrong.push(format!("{lesson} step {step} after {tried:?}: got {got:?}, want {want:?}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn the_typed_string_does_not_matter_only_the_state() {
    // Another way to the same state passes: a variable and quoting instead of the literal.
    assert_eq!(attempt("01-what-is-etcd", "put-k1", &["V=AAA,BBB,CCC", "etcdctl put \"k1\" \"$V\""]), vec![true]);
}

const GOOD: &str = r#"id = "t"
scenario = "plain"
title = { en = "T", pt = "T" }
summary = { en = "S", pt = "S" }

[[steps]]
id = "one"
solution = ["etcdctl put a 1"]
title = { en = "One", pt = "Um" }
instructions = { en = "Put a.", pt = "Grave a." }
hints = [{ en = "h", pt = "d" }]

[[steps.checks]]
kind = "key"
key = "a"
value = "1"

[[steps.negatives]]
why = "another value"
commands = ["etcdctl put a 2"]
"#;

fn errors(text: &str) -> String {
    match Lesson::parse_file("lessons/t.toml", text) {
        Ok(_) => panic!("expected an error for:\n{text}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn a_good_file_parses_and_verifies() {
    let l = Lesson::parse_file("lessons/t.toml", GOOD).unwrap();
    assert_eq!(l.steps[0].checks[0].line, 13);
    assert_eq!(l.steps[0].checks[0].label.pt, "a chave `a` contém `1`");
    verify(&l).unwrap();
}

#[test]
fn validation_errors_point_at_file_and_line() {
    assert_eq!(errors(&GOOD.replace("hints = [{ en = \"h\", pt = \"d\" }]", "hints = [{ en = \"h\" }]")), "lessons/t.toml:11: step 1 lacks a pt text for `hint 1`");
    assert_eq!(errors(&GOOD.replace("pt = \"Grave a.\"", "pt = \"  \"")), "lessons/t.toml:10: step 1 has an empty pt text for `instructions`");
    assert_eq!(errors(&GOOD.replace("kind = \"key\"", "kind = \"keys\"")).lines().next().unwrap(), "lessons/t.toml:13: step 1 check 1 has unknown kind `keys` (one of: key, key_leased, key_absent, key_never_written, key_from_snapshot, keys_with_prefix, revision_at_least, etcd_running, file_exists, file_contains, env_var, output_matches, exit_status, pod, pod_absent, snapshot, restored_member, command_succeeds, ran, members_running, leader, no_leader, key_names_leader)");
    assert_eq!(errors(&GOOD.replace("key = \"a\"\n", "")), "lessons/t.toml:13: step 1 check 1 (key) lacks `key`");
    assert_eq!(errors(&GOOD.replace("value = \"1\"", "regex = \"1\"")), "lessons/t.toml:16: step 1 check 1 (key) does not use `regex`");
    assert_eq!(errors(&GOOD.replace("scenario = \"plain\"", "scenario = \"k3s\"")), format!("lessons/t.toml:2: unknown scenario `k3s` (known: {})", etcd_playground::cluster::scenario::SCENARIOS.join(", ")));
    assert_eq!(errors(&GOOD.replace("solution = [\"etcdctl put a 1\"]\n", "")), "lessons/t.toml:6: step 1 lacks a `solution` (the commands that solve it)");
    assert_eq!(errors(&GOOD.replace("hints", "hint")), "lessons/t.toml:11: step 1 has an unknown key `hint` (expected one of: id, scenario, setup, title, instructions, hints, solution, checks, alternatives, negatives)");
    assert_eq!(errors(&GOOD.replace("key = \"a\"", "key = \"a")), "lessons/t.toml:15: unterminated string (a \"...\" string ends on its line; use \"\"\" for several lines)");
    assert_eq!(errors(&GOOD.replace("value = \"1\"", "value = 1")), "lessons/t.toml:16: step 1 check 1: `value` must be a string, not an integer");
    let twice = format!("{GOOD}\n[[steps]]\nid = \"one\"\nsolution = [\"true\"]\ntitle = {{ en = \"x\", pt = \"x\" }}\ninstructions = {{ en = \"x\", pt = \"x\" }}\n[[steps.checks]]\nkind = \"exit_status\"\n");
    assert_eq!(errors(&twice), "lessons/t.toml:22: step 2 repeats the step id `one`");
}

#[test]
fn verify_reports_a_solution_that_does_not_pass_and_a_check_that_cannot_fail() {
    let wrong = Lesson::parse_file("lessons/t.toml", &GOOD.replace("etcdctl put a 1", "etcdctl put a 2")).unwrap();
    let e = verify(&wrong).unwrap_err().to_string();
    assert!(e.starts_with("lessons/t.toml:13: step 1 `one` check 1 (key `a` holds `1`) fails after the reference solution"), "{e}");
    let trivial = Lesson::parse_file("lessons/t.toml", &GOOD.replace("kind = \"key\"\nkey = \"a\"\nvalue = \"1\"", "kind = \"etcd_running\"")).unwrap();
    let e = verify(&trivial).unwrap_err().to_string();
    assert!(e.starts_with("lessons/t.toml:6: step 1 `one` already passes before its solution: its checks cannot fail"), "{e}");
    // A negative that passes, an alternative that does not, a step without negatives.
    assert!(e.contains("lessons/t.toml:16: step 1 `one` negative 1 (another value) passes every check: the step can be passed that way"), "{e}");
    let with_alt = format!("{GOOD}\n[[steps.alternatives]]\nwhy = \"a typo\"\ncommands = [\"etcdctl put b 1\"]\n");
    let e = verify(&Lesson::parse_file("lessons/t.toml", &with_alt).unwrap()).unwrap_err().to_string();
    assert!(e.starts_with("lessons/t.toml:22: step 1 `one` alternative 1 (a typo) does not pass: key `a` holds `1`"), "{e}");
    let bare = GOOD.split("\n[[steps.negatives]]").next().unwrap().to_string();
    assert_eq!(verify(&Lesson::parse_file("lessons/t.toml", &bare).unwrap()).unwrap_err().to_string(), "lessons/t.toml:6: step 1 `one` lists no `[[steps.negatives]]`: show the cheats and slips its checks reject");
}

#[test]
fn duplicate_lesson_ids_are_reported_across_files() {
    let a = Lesson::parse_file("lessons/a.toml", GOOD).unwrap();
    let b = Lesson::parse_file("lessons/b.toml", GOOD).unwrap();
    let errs = etcd_playground::lessons::validate_set(&[a, b]);
    assert_eq!(errs.len(), 1);
    assert_eq!(errs[0].to_string(), "lessons/b.toml:1: lesson id `t` is already used by lessons/a.toml:1");
}

#[test]
fn no_input_panics_the_parser() {
    for text in ["", "\u{0}", "[[steps]]\n[[steps]]", "id = 1", "steps = 3", "[[steps]]\n[[steps.checks]]\nkind = 5", "title = { en = \"\", pt = \"\" }", "[[steps.checks]]\nkind=\"output_matches\"\nregex=\"(\""] {
        assert!(Lesson::parse(text).is_err(), "{text:?}");
    }
}

#[test]
fn progress_survives_serde_and_caps_hints() {
    let l = Lesson::parse_file("lessons/t.toml", GOOD).unwrap();
    let mut p = Progress::default();
    assert_eq!(p.reveal_hint(&l, "one"), 1);
    assert_eq!(p.reveal_hint(&l, "one"), 1, "only one hint exists");
    assert!(!p.is_complete(&l));
    p.complete_step("t", "one");
    assert!(p.is_complete(&l));
    assert_eq!(p.counts(&l), (1, 1));
    let mut bytes = Vec::new();
    ciborium::into_writer(&p, &mut bytes).unwrap();
    let back: Progress = ciborium::from_reader(bytes.as_slice()).unwrap();
    assert_eq!(back, p);
    p.reset("t");
    assert_eq!(p.counts(&l), (0, 1));
}

#[test]
fn lessons_check_cli_reports_ok_and_failures() {
    let bin = env!("CARGO_BIN_EXE_etcd-playground");
    let ok = std::process::Command::new(bin).args(["lessons", "check"]).output().unwrap();
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stdout));
    assert!(String::from_utf8_lossy(&ok.stdout).contains("ok lessons/01-what-is-etcd.toml"));
    let dir = std::env::temp_dir().join(format!("lessons-check-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("t.toml"), GOOD.replace("etcdctl put a 1", "etcdctl put a 2")).unwrap();
    let bad = std::process::Command::new(bin).args(["lessons", "check", dir.to_str().unwrap()]).output().unwrap();
    let out = String::from_utf8_lossy(&bad.stdout).to_string();
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(bad.status.code(), Some(1), "{out}");
    assert!(out.contains("t.toml:13: step 1 `one` check 1"), "{out}");
}

/// The page lists the course from `lessons/index.json` (written by `lessons index` when the
/// page is built) and fetches a lesson's file only when it is opened.
#[test]
fn lessons_index_cli_lists_the_course_for_the_page() {
    use etcd_playground::lessons::course::{parse_index, Card};
    let bin = env!("CARGO_BIN_EXE_etcd-playground");
    let out = std::process::Command::new(bin).args(["lessons", "index"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let cards = parse_index(&String::from_utf8(out.stdout).unwrap()).unwrap_or_else(|e| panic!("{e}"));
    let expected: Vec<Card> = course().iter().map(Card::of).collect();
    assert_eq!(cards, expected);
    assert_eq!(cards.len(), COURSE.len());
    assert_eq!(cards[0].file, "lessons/01-what-is-etcd.toml");
    assert_eq!(cards[0].id, "01-what-is-etcd");
    assert_eq!(cards[0].title.en, "What etcd is: a key-value store");
    assert_eq!(cards[0].steps.len(), course()[0].steps.len());
    // Progress counts against the card as against the lesson.
    let mut p = Progress::default();
    p.complete_step(&cards[0].id, &cards[0].steps[0]);
    assert_eq!(p.counts_of(&cards[0].id, cards[0].steps.iter().map(String::as_str)), p.counts(&course()[0]));
    assert_eq!(p.counts(&course()[0]).0, 1);
    // A broken lesson file fails the build's index step, naming the file and line.
    let dir = std::env::temp_dir().join(format!("lessons-index-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("t.toml"), "id = \"x\"\nscenario = \"plain\"\n").unwrap();
    let bad = std::process::Command::new(bin).args(["lessons", "index", dir.to_str().unwrap()]).output().unwrap();
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(bad.status.code(), Some(1));
    assert!(bad.stdout.is_empty());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("t.toml:"), "{}", String::from_utf8_lossy(&bad.stderr));
}

#[test]
fn a_bad_lessons_index_is_an_error_not_a_panic() {
    use etcd_playground::lessons::course::parse_index;
    let entry = |file: &str| format!(r#"{{"lessons":[{{"file":"{file}","id":"a","title":{{"en":"A","pt":"A"}},"summary":{{"en":"s","pt":"s"}},"steps":["one"]}}]}}"#);
    assert_eq!(parse_index(&entry("a.toml")).unwrap()[0].file, "lessons/a.toml");
    for (text, msg) in [
        ("", "lessons/index.json: EOF"),
        ("[]", "no \"lessons\" list"),
        (&entry("../secret.toml") as &str, "lesson 1: \"file\" must be a file name in lessons/"),
        (&entry(".hidden.toml"), "\"file\" must be"),
        (r#"{"lessons":[{"file":"a.toml","id":"a","title":{"en":"A"},"summary":{"en":"s","pt":"s"},"steps":[]}]}"#, "\"title\" needs \"en\" and \"pt\""),
        (r#"{"lessons":[{"file":"a.toml","id":"a","title":{"en":"A","pt":"A"},"summary":{"en":"s","pt":"s"},"steps":[1]}]}"#, "a step id is not a string"),
        (r#"{"lessons":[{"file":"a.toml","title":{"en":"A","pt":"A"},"summary":{"en":"s","pt":"s"},"steps":[]}]}"#, "no \"id\""),
    ] {
        let e = parse_index(text).unwrap_err();
        assert!(e.contains(msg), "{text}: {e}");
    }
}

#[test]
fn images_referenced_by_lessons_exist_and_lesson_1_shows_both_pictures() {
    let mut seen = Vec::new();
    for l in course() {
        for s in &l.steps {
            for text in [&s.instructions.en, &s.instructions.pt] {
                for part in text.split("](").skip(1) {
                    let target = part.split(')').next().unwrap();
                    if !target.contains("://") {
                        assert!(std::path::Path::new(target).is_file(), "{}: step {} shows {target}, which does not exist", l.file, s.id);
                        seen.push((l.id.clone(), target.to_string()));
                    }
                }
            }
        }
    }
    for img in ["www/img/relational-table.svg", "www/img/key-value.svg"] {
        assert!(seen.iter().any(|(l, t)| l == "01-what-is-etcd" && t == img), "lesson 1 must show {img}");
        let svg = std::fs::read_to_string(img).unwrap();
        assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
    }
    let kv = std::fs::read_to_string("www/img/key-value.svg").unwrap();
    assert!(kv.contains(">k1<") && kv.contains(">AAA,BBB,CCC<") && kv.contains(">k5<") && kv.contains(">3,ZZZ,5623<"));
}

/// The lesson files are read by a small TOML parser (`lessons::toml_lite`, to keep the wasm
/// small); this proves it reads every lesson and draft exactly as a full TOML parser does.
#[test]
fn toml_lite_reads_lesson_files_like_the_toml_crate() {
    use etcd_playground::lessons::toml_lite::{parse, Node, Value};
    fn conv(n: &Node) -> toml::Value {
        match &n.value {
            Value::Str(s) => toml::Value::String(s.clone()),
            Value::Int(i) => toml::Value::Integer(*i),
            Value::Bool(b) => toml::Value::Boolean(*b),
            Value::Array(a) => toml::Value::Array(a.iter().map(conv).collect()),
            Value::Table(t) => toml::Value::Table(t.iter().map(|(k, v)| (k.clone(), conv(v))).collect()),
        }
    }
    let mut files = read_dir_toml("lessons");
    if std::path::Path::new("lessons/drafts").is_dir() {
        files.extend(read_dir_toml("lessons/drafts"));
    }
    files.push(("GOOD".into(), GOOD.into()));
    assert!(files.len() >= 2);
    for (f, text) in files {
        let ours = parse(&text).unwrap_or_else(|e| panic!("{f}:{}: {}", e.line, e.message));
        let theirs: toml::Table = toml::from_str(&text).unwrap_or_else(|e| panic!("{f}: {e}"));
        let ours: toml::Table = ours.iter().map(|(k, v)| (k.clone(), conv(v))).collect();
        assert_eq!(ours, theirs, "{f}");
    }
}

/// No input may panic: every prefix of a real lesson, and random TOML-ish text.
#[test]
fn the_parser_never_panics_on_truncated_or_random_input() {
    let text = std::fs::read_to_string("lessons/01-what-is-etcd.toml").unwrap();
    for (i, _) in text.char_indices() {
        let _ = Lesson::parse(&text[..i]);
    }
    let mut runner = proptest::test_runner::TestRunner::default();
    runner
        .run(&proptest::string::string_regex(r#"[\[\]{}="'\\a-z0-9 .,#\n\t_-]{0,80}"#).unwrap(), |s| {
            let _ = Lesson::parse(&s);
            Ok(())
        })
        .unwrap();
}

/// The download tools never panic, whatever their arguments (a panic kills the page).
#[test]
fn curl_and_tar_never_panic() {
    let mut s = etcd_playground::shell::Session::new("plain").unwrap();
    s.execute("curl -sL https://storage.googleapis.com/etcd/v3.5.16/etcd-v3.5.16-linux-amd64.tar.gz -o /tmp/e.tgz");
    let words: Vec<&'static str> = vec!["-", "-x", "-xzvf", "xzvf", "-f", "/tmp/e.tgz", "-C", "/tmp", "--strip-components=9", "--strip-components", "x", "-o", "-O", "-sSLo", "https://github.com/", "é", "--file=", "-fé", "t", "-", "''"];
    let mut runner = proptest::test_runner::TestRunner::default();
    let strategy = proptest::collection::vec(proptest::sample::select(words), 0..6);
    runner
        .run(&strategy, |args| {
            for prog in ["curl", "tar"] {
                let line = format!("{prog} {}", args.join(" "));
                let _ = s.clone().execute(&line);
            }
            Ok(())
        })
        .unwrap();
}

/// Checks see the node as the kubelet settles it: editing etcd's static pod manifest is
/// enough for "etcd runs with data dir D", without another command to wake the kubelet.
#[test]
fn checks_see_the_kubelet_applied_manifest() {
    let text = r#"id = "m"
scenario = "kubeadm"
title = { en = "T", pt = "T" }
summary = { en = "S", pt = "S" }
[[steps]]
id = "move"
solution = ["sed -i 's#path: /var/lib/etcd$#path: /var/lib/etcd-new#' /etc/kubernetes/manifests/etcd.yaml"]
title = { en = "Move", pt = "Mova" }
instructions = { en = "Move etcd's data.", pt = "Mova os dados do etcd." }
[[steps.checks]]
kind = "etcd_running"
data_dir = "/var/lib/etcd-new"
[[steps.negatives]]
why = "a typo in the flag stops etcd"
commands = ["sed -i 's#--data-dir=/var/lib/etcd#--data-dir-typo=/var/lib/etcd#' /etc/kubernetes/manifests/etcd.yaml"]
"#;
    let l = Lesson::parse_file("lessons/m.toml", text).unwrap();
    verify(&l).unwrap_or_else(|e| panic!("{e}"));
    // A broken manifest leaves etcd down: the same check fails.
    let (mut s, _) = etcd_playground::lessons::start_session(&l).unwrap();
    let r = s.execute("sed -i 's#--data-dir=/var/lib/etcd#--data-dir-typo=/var/lib/etcd#' /etc/kubernetes/manifests/etcd.yaml");
    let res = evaluate(&l.steps[0], &s, &LastRun::from(&r));
    assert!(!res[0].passed);
}

#[test]
fn exam_lessons_are_timed_and_scored_on_the_final_state() {
    let text = GOOD.replace("scenario = \"plain\"", "scenario = \"plain\"\ntime_limit_minutes = 15");
    let l = Lesson::parse_file("lessons/t.toml", &text).unwrap();
    assert_eq!(l.time_limit_minutes, Some(15));
    assert!(errors(&GOOD.replace("scenario = \"plain\"", "scenario = \"plain\"\ntime_limit_minutes = 0")).contains("lessons/t.toml:3: time_limit_minutes must be between 1 and 600"));
    let (mut s, last) = etcd_playground::lessons::start_session(&l).unwrap();
    assert_eq!(etcd_playground::lessons::score(&l, &s, &last), etcd_playground::lessons::Score { passed: 0, total: 1 });
    let r = s.execute("etcdctl put a 1");
    assert_eq!(etcd_playground::lessons::score(&l, &s, &LastRun::from(&r)).passed, 1);
    // Progress records a step once all its checks pass, and keeps it.
    let mut p = Progress::default();
    assert!(!p.record(&l, "one", &evaluate(&l.steps[0], &etcd_playground::lessons::start_session(&l).unwrap().0, &last)));
    assert!(p.record(&l, "one", &evaluate(&l.steps[0], &s, &last)));
    s.execute("etcdctl put a 2");
    assert!(p.record(&l, "one", &evaluate(&l.steps[0], &s, &last)), "a completed step stays completed");
}

/// The snapshot check reads the file as `snapshot status` does: revision and total keys must
/// both match what etcd would report, and a file that is not a snapshot fails.
#[test]
fn snapshot_check_reads_the_file_like_snapshot_status() {
    let (mut s, _) = etcd_playground::lessons::start_session(&Lesson::parse_file("lessons/t.toml", GOOD).unwrap()).unwrap();
    s.execute("etcdctl put a 1");
    s.execute("etcdctl put b 2");
    let r = s.execute("etcdctl snapshot save /root/s.db");
    assert_eq!(r.exit, 0, "{}", r.text());
    let st = etcd_playground::snapshot::status(s.world.vfs.read("/root/s.db").unwrap()).unwrap();
    let check = |s: &etcd_playground::shell::Session, rev: i64, keys: i64| {
        let text = GOOD.replace("kind = \"key\"\nkey = \"a\"\nvalue = \"1\"", &format!("kind = \"snapshot\"\npath = \"/root/s.db\"\nrevision = {rev}\ntotal_keys = {keys}"));
        let l = Lesson::parse_file("lessons/t.toml", &text).unwrap();
        evaluate(&l.steps[0], s, &LastRun::default())[0].passed
    };
    assert_eq!(st.revision, 3);
    assert!(check(&s, st.revision, st.total_key as i64));
    assert!(!check(&s, st.revision + 1, st.total_key as i64));
    assert!(!check(&s, st.revision, st.total_key as i64 + 1));
    s.execute("echo garbage > /root/s.db");
    assert!(!check(&s, st.revision, st.total_key as i64));
}


#[test]
fn a_step_scenario_and_setup_are_validated_at_their_line() {
    let with = |extra: &str| GOOD.replace("solution = [\"etcdctl put a 1\"]\n", &format!("solution = [\"etcdctl put a 1\"]\n{extra}\n"));
    let known = etcd_playground::cluster::scenario::SCENARIOS.join(", ");
    assert_eq!(errors(&with("scenario = \"k3s\"")), format!("lessons/t.toml:9: step 1: unknown scenario `k3s` (known: {known})"));
    assert_eq!(errors(&with("setup = \"etcdctl put b 2\"")), "lessons/t.toml:9: step 1: `setup` must be an array of strings, not a string");
    assert_eq!(errors(&with("scenario = 3")), "lessons/t.toml:9: step 1: `scenario` must be a string, not an integer");
    let l = Lesson::parse_file("lessons/t.toml", &with("scenario = \"kubeadm\"\nsetup = [\"etcdctl put b 2\"]")).unwrap();
    assert_eq!((l.steps[0].scenario.as_deref(), l.steps[0].setup.as_slice(), l.steps[0].setup_lines.as_slice()), (Some("kubeadm"), &["etcdctl put b 2".to_string()][..], &[10][..]));
    assert!(l.steps[0].has_start());
    assert!(!Lesson::parse_file("lessons/t.toml", GOOD).unwrap().steps[0].has_start());
}

#[test]
fn a_failing_step_setup_is_a_lesson_check_error_at_its_line() {
    let text = GOOD.replace("solution = [\"etcdctl put a 1\"]\n", "solution = [\"etcdctl put a 1\"]\nsetup = [\n  \"true\",\n  \"cat /nope\",\n]\n");
    let l = Lesson::parse_file("lessons/t.toml", &text).unwrap();
    assert_eq!(verify(&l).unwrap_err().to_string(), "lessons/t.toml:11: step 1 `one`: setup command 2 `cat /nope` failed (exit 1): cat: /nope: No such file or directory");
    let mut s = etcd_playground::shell::Session::new("plain").unwrap();
    let e = etcd_playground::lessons::enter_step(&mut s, &l.steps[0]).unwrap_err();
    assert_eq!(e.command, Some(1));
    assert!(e.to_string().starts_with("setup command 2 `cat /nope` failed (exit 1)"), "{e}");
    assert!(s.history.is_empty(), "a failed setup leaves no history either");
}

const TWO_NODES: &str = r#"id = "two"
scenario = "plain"
title = { en = "T", pt = "T" }
summary = { en = "S", pt = "S" }

[[steps]]
id = "first"
solution = ["etcdctl put a 1"]
title = { en = "One", pt = "Um" }
instructions = { en = "Put a.", pt = "Grave a." }
[[steps.checks]]
kind = "key"
key = "a"
[[steps.negatives]]
why = "another key"
commands = ["etcdctl put b 1"]

[[steps]]
id = "second"
scenario = "plain"
setup = ["etcdctl put b 2", "export GREETING=hi"]
solution = ["etcdctl put c \"$GREETING\""]
title = { en = "Two", pt = "Dois" }
instructions = { en = "Put c.", pt = "Grave c." }
[[steps.checks]]
kind = "key_absent"
key = "a"
[[steps.checks]]
kind = "key"
key = "b"
[[steps.checks]]
kind = "key"
key = "c"
value = "hi"
[[steps.negatives]]
why = "another value"
commands = ["etcdctl put c bye"]
"#;

#[test]
fn a_step_with_its_own_scenario_starts_on_a_fresh_node_in_check_and_on_the_page() {
    let l = Lesson::parse_file("lessons/two.toml", TWO_NODES).unwrap();
    verify(&l).unwrap();
    // What the page does: the lesson's start, step 1's work, then entering step 2.
    let (mut s, _) = etcd_playground::lessons::start_session(&l).unwrap();
    assert_eq!(etcd_playground::lessons::enter_step(&mut s, &l.steps[0]).unwrap(), None, "step 1 has no start of its own");
    s.execute("etcdctl put a 1");
    let fresh = etcd_playground::lessons::enter_step(&mut s, &l.steps[1]).unwrap().expect("step 2 has a start");
    assert_eq!(fresh, LastRun::default(), "setup output is not the learner's last command");
    assert_eq!(evaluate(&l.steps[1], &s, &fresh).iter().map(|r| r.passed).collect::<Vec<_>>(), vec![true, true, false]);
    assert!(s.history.is_empty(), "setup commands are not the learner's history: {:?}", s.history);
    // Without its scenario the setup runs on the state before the step: `a` is still there.
    let mut no_scenario = l.steps[1].clone();
    no_scenario.scenario = None;
    let (mut s2, _) = etcd_playground::lessons::start_session(&l).unwrap();
    s2.execute("etcdctl put a 1");
    etcd_playground::lessons::enter_step(&mut s2, &no_scenario).unwrap();
    assert_eq!(evaluate(&no_scenario, &s2, &LastRun::default()).iter().map(|r| r.passed).collect::<Vec<_>>(), vec![false, true, false]);
}

#[test]
fn a_step_start_is_applied_once_per_entry_and_survives_a_reload() {
    let l = Lesson::parse_file("lessons/two.toml", TWO_NODES).unwrap();
    let mut p = Progress::default();
    assert!(!p.needs_start(&l, &l.steps[0]), "a step without a start never needs one");
    assert!(p.needs_start(&l, &l.steps[1]), "first entry");
    assert!(!p.needs_start(&l, &l.steps[1]), "coming back to the step");
    // A reload: progress goes through serde with the session; the start is not applied again.
    let mut bytes = Vec::new();
    ciborium::into_writer(&p, &mut bytes).unwrap();
    let mut back: Progress = ciborium::from_reader(bytes.as_slice()).unwrap();
    assert!(!back.needs_start(&l, &l.steps[1]));
    // "Restart this step" forgets it, so the next entry applies it again.
    back.lesson("two").started.remove("second");
    assert!(back.needs_start(&l, &l.steps[1]));
    back.reset("two");
    assert!(back.needs_start(&l, &l.steps[1]), "a restarted lesson starts its steps again");
    // Progress saved before steps had starts still loads.
    #[derive(serde::Serialize)]
    struct Old {
        completed: std::collections::BTreeSet<String>,
        hints_revealed: std::collections::BTreeMap<String, usize>,
        current_step: usize,
        solution_shown: std::collections::BTreeSet<String>,
    }
    let old = std::collections::BTreeMap::from([("two".to_string(), Old { completed: Default::default(), hints_revealed: Default::default(), current_step: 1, solution_shown: Default::default() })]);
    let mut bytes = Vec::new();
    ciborium::into_writer(&serde_json::json!({}), &mut bytes).unwrap();
    let mut bytes = Vec::new();
    #[derive(serde::Serialize)]
    struct OldProgress {
        lessons: std::collections::BTreeMap<String, Old>,
    }
    ciborium::into_writer(&OldProgress { lessons: old }, &mut bytes).unwrap();
    let mut old_back: Progress = ciborium::from_reader(bytes.as_slice()).unwrap();
    assert_eq!(old_back.lessons["two"].current_step, 1);
    assert!(old_back.needs_start(&l, &l.steps[1]));
}

#[test]
fn command_succeeds_runs_on_a_copy_of_the_state_and_changes_nothing() {
    let check = |kind: &str| {
        let text = GOOD.replace("kind = \"key\"\nkey = \"a\"\nvalue = \"1\"", kind);
        Lesson::parse_file("lessons/t.toml", &text).unwrap_or_else(|e| panic!("{e}")).steps.remove(0)
    };
    let mut s = etcd_playground::shell::Session::new("plain").unwrap();
    let put = check("kind = \"command_succeeds\"\ncommand = \"etcdctl put probe 1\"\nregex = \"^OK\"");
    let before = s.clone();
    assert!(evaluate(&put, &s, &LastRun::default())[0].passed);
    assert_eq!(s, before, "the probe ran on a copy");
    assert!(!evaluate(&check("kind = \"command_succeeds\"\ncommand = \"etcdctl put probe 1\"\nregex = \"^NO\""), &s, &LastRun::default())[0].passed);
    // It sees the shell's exported variables, as a command typed there would.
    let get = check("kind = \"command_succeeds\"\ncommand = \"etcdctl get k\"");
    assert!(evaluate(&get, &s, &LastRun::default())[0].passed);
    s.execute("export ETCDCTL_ENDPOINTS=http://127.0.0.1:2390");
    assert!(!evaluate(&get, &s, &LastRun::default())[0].passed, "nothing listens on 2390");
    assert!(!evaluate(&check("kind = \"command_succeeds\"\ncommand = \"echo 'unterminated\""), &s, &LastRun::default())[0].passed);
    assert_eq!(put.checks[0].label.en, "`etcdctl put probe 1` works in this shell");
    assert_eq!(errors(&GOOD.replace("kind = \"key\"\nkey = \"a\"\nvalue = \"1\"", "kind = \"command_succeeds\"")), "lessons/t.toml:13: step 1 check 1 (command_succeeds) lacks `command`");
    assert!(errors(&GOOD.replace("kind = \"key\"\nkey = \"a\"\nvalue = \"1\"", "kind = \"command_succeeds\"\ncommand = \"true\"\nregex = \"(\"")).starts_with("lessons/t.toml:13: step 1 check 1: bad regex `(`"));
}

#[test]
fn lesson_10_checks_are_cheap_enough_to_run_after_every_command() {
    // The page re-evaluates the open step's checks after each command and on redraws;
    // `command_succeeds` copies the session and runs a command. Measured natively: about
    // 1.5 ms per evaluation in release, 9 ms in debug; the budget is a frame (16 ms), measured
    // by scripts/bench.sh. Here only a ceiling ten times above it, which a busy machine never
    // reaches and a check that went quadratic does.
    let lesson = course().into_iter().find(|l| l.id == "10-troubleshooting-tls").unwrap();
    let (mut s, _) = etcd_playground::lessons::start_session(&lesson).unwrap();
    let step = lesson.steps.last().unwrap();
    etcd_playground::lessons::enter_step(&mut s, step).unwrap();
    let t0 = std::time::Instant::now();
    for _ in 0..10 {
        evaluate(step, &s, &LastRun::default());
    }
    let per = t0.elapsed() / 10;
    println!("lesson 10 step 4: {per:?} per evaluation");
    assert!(per < std::time::Duration::from_millis(if cfg!(debug_assertions) { 800 } else { 160 }), "{per:?}");
}

/// `lessons try FILE STEP [FILE|-]`: an author plays a step with other commands. A valid
/// alternative (etcdutl, flag=value) passes and exits 0; the issue's cheat (the manifest edited
/// without a restore) fails, names the failing check and exits 1; a bad step id is a usage error.
#[test]
fn lessons_try_cli_plays_a_step_with_given_commands() {
    use std::io::Write;
    let bin = env!("CARGO_BIN_EXE_etcd-playground");
    let run = |step: &str, input: &str| {
        let mut child = std::process::Command::new(bin)
            .args(["lessons", "try", "lessons/11-cka-practice.toml", step, "-"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
        let out = child.wait_with_output().unwrap();
        (out.status.code(), String::from_utf8_lossy(&out.stdout).to_string(), String::from_utf8_lossy(&out.stderr).to_string())
    };
    let sed = "sed -i 's#path: /var/lib/etcd$#path: /var/lib/etcd-restored#' /etc/kubernetes/manifests/etcd.yaml\n";
    let (code, out, _) = run("task-2-restore", &format!("etcdutl snapshot restore /opt/backup/etcd-snapshot.db --data-dir=/var/lib/etcd-restored\n{sed}"));
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("pass the pod made after the backup is gone") && out.ends_with("the step passes\n"), "{out}");
    let (code, out, _) = run("task-2-restore", sed);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("FAIL the pod made before the backup is there") && out.contains("pass etcd runs with data dir `/var/lib/etcd-restored`"), "{out}");
    assert!(out.ends_with("the step does not pass\n"), "{out}");
    // The commands' own output is shown before the verdicts.
    let (code, out, _) = run("task-1-backup", "echo '+-- fake --+'\n");
    assert_eq!(code, Some(1));
    assert!(out.starts_with("+-- fake --+\n--- step `task-1-backup`"), "{out}");
    let (code, _, err) = run("no-such-step", "true\n");
    assert_eq!(code, Some(2));
    assert!(err.contains("has no step `no-such-step` (steps: task-1-backup, task-2-restore)"), "{err}");
}

/// Checks see what ran, not what was printed: the facts log records the programs' own work.
#[test]
fn checks_read_what_the_programs_did_not_what_was_printed() {
    let mut s = etcd_playground::shell::Session::new("plain").unwrap();
    s.execute("etcdctl put color red");
    s.execute("etcdctl put color blue");
    // A watch in the background sees the events of a later command: they count for that line.
    let mut s2 = s.clone();
    s2.execute("etcdctl watch color &");
    s2.execute("etcdctl put color green");
    let w: Vec<_> = s2.world.facts.last_command().filter(|r| r.note("op") == Some("watch")).cloned().collect();
    assert_eq!(w.len(), 1, "{:?}", s2.world.facts.ran);
    assert_eq!(w[0].note("events"), Some("1"));
    // Text tools leave nothing; a failing etcdctl leaves its exit status.
    s.execute("printf 'PUT\\ncolor\\nred\\n'");
    assert_eq!(s.world.facts.last_command().count(), 0);
    s.execute("etcdctl --endpoints 127.0.0.1:2390 get color");
    let r: Vec<_> = s.world.facts.last_command().cloned().collect();
    assert_eq!((r.len(), r[0].program.as_str(), r[0].exit.is_some_and(|e| e != 0)), (1, "etcdctl", true));
    // A read in the past records the revision asked and the value it got.
    s.execute("etcdctl get color --rev=2 -w json");
    let r: Vec<_> = s.world.facts.last_command().cloned().collect();
    assert_eq!((r[0].note("op"), r[0].note("key"), r[0].note("rev"), r[0].note("value"), r[0].exit), (Some("get"), Some("color"), Some("2"), Some("red"), Some(0)));
    // snapshot status records the numbers it read from the file.
    s.execute("etcdctl snapshot save /root/s.db");
    s.execute("etcdctl snapshot status /root/s.db");
    let st = etcd_playground::snapshot::status(s.world.vfs.read("/root/s.db").unwrap()).unwrap();
    let r: Vec<_> = s.world.facts.last_command().cloned().collect();
    assert_eq!((r[0].note("revision"), r[0].note("total_keys"), r[0].note("hash")), (Some(st.revision.to_string().as_str()), Some(st.total_key.to_string().as_str()), Some(st.hash.to_string().as_str())));
    // kubectl exec marks the etcdctl it runs with the pod.
    let mut k = etcd_playground::shell::Session::new("kubeadm").unwrap();
    k.execute("kubectl exec etcd-docker-01 -n kube-system -- etcdctl --cacert /etc/kubernetes/pki/etcd/ca.crt --cert /etc/kubernetes/pki/etcd/server.crt --key /etc/kubernetes/pki/etcd/server.key put p 1");
    let r: Vec<_> = k.world.facts.last_command().filter(|r| r.program == "etcdctl").cloned().collect();
    assert_eq!((r.len(), r[0].pod.as_deref(), r[0].note("op")), (1, Some("kube-system/etcd-docker-01"), Some("put")));
}

/// Issue 16.6 and 16.5: hints escalate in three levels (a nudge, where to look, the command)
/// with the solution labelled, and every lesson says which etcd/etcdctl its node runs.
#[test]
fn every_step_has_three_hint_levels_and_every_lesson_names_its_versions() {
    for l in course() {
        for s in &l.steps {
            assert!(s.hints.len() >= 3, "{} step {}: {} hints", l.file, s.id, s.hints.len());
            let last = s.hints.last().unwrap();
            assert!(last.en.starts_with("Solution: ") && last.pt.starts_with("Solução: "), "{} step {}: the last hint must be the labelled solution", l.file, s.id);
            assert!(s.hints[..s.hints.len() - 1].iter().all(|h| !h.en.starts_with("Solution")), "{} step {}: only the last hint gives the solution", l.file, s.id);
        }
        let all_en: String = l.steps.iter().map(|s| s.instructions.en.as_str()).collect();
        let all_pt: String = l.steps.iter().map(|s| s.instructions.pt.as_str()).collect();
        let v = if matches!(l.scenario.as_str(), "plain" | "cluster") { "3.4.23" } else { "3.5.16" };
        assert!(all_en.contains(&format!("etcd {v}")) && all_pt.contains(&format!("etcd {v}")), "{}: the lesson must say its node runs etcd {v}", l.file);
    }
}

/// Issue 19: the member checks read the cluster's state; a single node has no leader.
#[test]
fn member_checks_read_which_members_run_and_who_leads() {
    let check = |kind: &str| {
        let text = GOOD.replace("kind = \"key\"\nkey = \"a\"\nvalue = \"1\"", kind);
        Lesson::parse_file("lessons/t.toml", &text).unwrap_or_else(|e| panic!("{e}")).steps.remove(0)
    };
    let passes = |step: &etcd_playground::lessons::Step, s: &etcd_playground::shell::Session| evaluate(step, s, &LastRun::default())[0].passed;
    let three = check("kind = \"members_running\"\ncount = 3");
    let two = check("kind = \"members_running\"\ncount = 2");
    let infra2 = check("kind = \"leader\"\nname = \"infra2\"");
    let any = check("kind = \"leader\"");
    let none = check("kind = \"no_leader\"");
    let named = check("kind = \"key_names_leader\"\nkey = \"who\"");
    let mut s = etcd_playground::shell::Session::new("cluster").unwrap();
    assert!(passes(&three, &s) && !passes(&two, &s) && passes(&any, &s) && !passes(&infra2, &s) && !passes(&none, &s));
    s.execute("etcdctl put who infra2");
    assert!(!passes(&named, &s));
    s.execute("goreman run stop etcd1");
    assert!(!passes(&three, &s) && passes(&two, &s) && passes(&infra2, &s) && passes(&named, &s));
    s.execute("etcdctl --endpoints=127.0.0.1:22379 put who 91BC3C398FB3C146");
    assert!(passes(&named, &s), "the ID, in either case");
    s.execute("goreman run stop etcd2");
    assert!(passes(&none, &s) && !passes(&any, &s) && !passes(&named, &s));
    // A single node: one member runs, none leads.
    let plain = etcd_playground::shell::Session::new("plain").unwrap();
    assert!(passes(&check("kind = \"members_running\"\ncount = 1"), &plain) && passes(&none, &plain) && !passes(&any, &plain));
    assert_eq!(three.checks[0].label.pt, "exatamente 3 membros do etcd rodam");
    // Bad files are refused with the line.
    assert_eq!(errors(&GOOD.replace("kind = \"key\"\nkey = \"a\"\nvalue = \"1\"", "kind = \"members_running\"")), "lessons/t.toml:13: step 1 check 1 (members_running) lacks `count`");
    assert_eq!(errors(&GOOD.replace("kind = \"key\"\nkey = \"a\"\nvalue = \"1\"", "kind = \"no_leader\"\nname = \"x\"")), "lessons/t.toml:15: step 1 check 1 (no_leader) does not use `name`");
}
