//! Snapshots cross the line between the playground and real etcd (Debian's 3.4.23) both ways:
//! (a) a snapshot saved in the playground is accepted by real `etcdctl snapshot status` and
//! `restore`, and a real etcd started on the restored data dir serves the same keys;
//! (b) a snapshot taken from a real etcd imports into the playground, which reports the same
//! status and restores the same keys.
//!
//! These tests need /usr/bin/etcd and /usr/bin/etcdctl; without them they fail loudly.
//! Every etcd runs on 127.0.0.1 on free ports with a temporary data dir, and is killed at the
//! end of its test.

use base64::Engine;
use etcd_playground::engine::{DeleteRangeRequest, KeyValue, PutRequest, RangeRequest, Store};
use etcd_playground::snapshot;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const ETCD: &str = "/usr/bin/etcd";
const ETCDCTL: &str = "/usr/bin/etcdctl";

fn require_tools() {
    for t in [ETCD, ETCDCTL] {
        assert!(Path::new(t).exists(), "{t} is missing: install Debian's etcd-server and etcd-client (apt-get install etcd-server etcd-client) to run the interop tests");
    }
}

fn tmpdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("snapshot-interop-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A real etcd on loopback, killed when dropped.
struct RealEtcd {
    child: Child,
    endpoint: String,
}

impl RealEtcd {
    fn start(data_dir: &Path, log: &Path) -> RealEtcd {
        let (client, peer) = (free_port(), free_port());
        let endpoint = format!("127.0.0.1:{client}");
        let child = Command::new(ETCD)
            .args(["--name", "default", "--data-dir"])
            .arg(data_dir)
            .args(["--listen-client-urls", &format!("http://{endpoint}"), "--advertise-client-urls", &format!("http://{endpoint}")])
            .args(["--listen-peer-urls", &format!("http://127.0.0.1:{peer}")])
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(log).unwrap())
            .spawn()
            .expect("start etcd");
        let etcd = RealEtcd { child, endpoint };
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(20) {
            if Command::new(ETCDCTL).args(["--endpoints", &etcd.endpoint, "endpoint", "health"]).output().is_ok_and(|o| o.status.success()) {
                return etcd;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("etcd did not become healthy; log:\n{}", std::fs::read_to_string(log).unwrap_or_default());
    }

    fn ctl(&self, args: &[&str]) -> String {
        ctl_in(&["--endpoints", &self.endpoint], args, None)
    }
}

impl Drop for RealEtcd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn ctl_in(pre: &[&str], args: &[&str], stdin: Option<&str>) -> String {
    let mut cmd = Command::new(ETCDCTL);
    cmd.args(pre).args(args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("run etcdctl");
    if let Some(s) = stdin {
        use std::io::Write;
        child.stdin.take().unwrap().write_all(s.as_bytes()).unwrap();
    }
    drop(child.stdin.take());
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "etcdctl {args:?} failed: {}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// Runs a playground script natively, as `etcd-playground run` does.
fn playground(script: &str, extra: &[String]) -> (String, String, i32) {
    // One file per call: the tests of this file run in parallel threads of one process.
    static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let dir = tmpdir("script");
    let f = dir.join(format!("script-{}.txt", CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed)));
    std::fs::write(&f, script).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_etcd-playground")).args(["run", "--scenario", "plain"]).args(extra).arg(&f).output().unwrap();
    (String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned(), out.status.code().unwrap_or(-1))
}

fn b64(v: &Value) -> Vec<u8> {
    v.as_str().map(|s| base64::engine::general_purpose::STANDARD.decode(s).unwrap()).unwrap_or_default()
}

fn num(v: &Value) -> i64 {
    v.as_i64().or_else(|| v.as_str().and_then(|s| s.parse().ok())).unwrap_or(0)
}

/// Every live key of a real etcd, and its current revision.
fn real_kvs(etcd: &RealEtcd) -> (Vec<KeyValue>, i64) {
    let j: Value = serde_json::from_str(&etcd.ctl(&["get", "", "--from-key", "-w", "json"])).unwrap();
    let kvs = j["kvs"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|kv| KeyValue { key: b64(&kv["key"]), value: b64(&kv["value"]), create_revision: num(&kv["create_revision"]), mod_revision: num(&kv["mod_revision"]), version: num(&kv["version"]), lease: num(&kv["lease"]) })
                .collect()
        })
        .unwrap_or_default();
    (kvs, num(&j["header"]["revision"]))
}

fn store_kvs(s: &Store) -> Vec<KeyValue> {
    s.range(&RangeRequest { key: vec![0], range_end: vec![0], ..Default::default() }).unwrap().kvs
}

fn json_status(s: &str) -> (u64, i64, u64, i64) {
    let j: Value = serde_json::from_str(s.lines().find(|l| l.starts_with('{')).unwrap_or_else(|| panic!("no JSON in {s:?}"))).unwrap();
    (j["hash"].as_u64().unwrap(), j["revision"].as_i64().unwrap(), j["totalKey"].as_u64().unwrap(), j["totalSize"].as_i64().unwrap())
}

/// Checks a snapshot file with real etcdctl (status), restores it with real etcdctl, starts
/// real etcd on it and returns what that etcd serves.
fn real_restore_and_serve(file: &Path, dir: &Path) -> (Vec<KeyValue>, i64) {
    let restored = dir.join("restored");
    ctl_in(&[], &["snapshot", "restore", file.to_str().unwrap(), "--data-dir", restored.to_str().unwrap()], None);
    assert!(restored.join("member/snap/db").exists() && restored.join("member/wal").exists());
    let etcd = RealEtcd::start(&restored, &dir.join("restored.log"));
    real_kvs(&etcd)
}

#[test]
fn a_playground_snapshot_is_accepted_and_served_by_real_etcd() {
    require_tools();
    let dir = tmpdir("a");
    let file = dir.join("snap.db");
    // Puts, an overwrite, a delete, a lease with a key on it, a txn (puts and a delete in one
    // revision), then the snapshot and what the playground itself serves.
    let script = "etcdctl put k1 v1\netcdctl put k2 v2\netcdctl put k1 v1-again\netcdctl del k2\n\
                  etcdctl put /registry/pods/default/web '{\"x\":1}'\n\
                  L=$(etcdctl lease grant 600 | cut -d' ' -f2)\netcdctl put leased v --lease=$L\n\
                  printf '\\nput x 10\\nput y 20\\ndel k1\\n\\n\\n' | etcdctl txn\n\
                  etcdctl snapshot save /root/snap.db\netcdctl snapshot status /root/snap.db -w json\n\
                  etcdctl get '' --from-key -w json\netcdctl lease list\n";
    let (out, err, rc) = playground(script, &["--export".into(), format!("/root/snap.db={}", file.display())]);
    assert_eq!(rc, 0, "stdout:\n{out}\nstderr:\n{err}");
    let ours = json_status(&out);
    let real = json_status(&ctl_in(&[], &["snapshot", "status", file.to_str().unwrap(), "-w", "json"], None));
    assert_eq!(ours, real, "playground vs real etcdctl snapshot status (hash, revision, total keys, total size)");
    let get_line = out.lines().find(|l| l.starts_with("{\"header\"")).unwrap_or_else(|| panic!("no get output in {out}"));
    let served: Value = serde_json::from_str(get_line).unwrap();
    let want: Vec<KeyValue> = served["kvs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|kv| KeyValue { key: b64(&kv["key"]), value: b64(&kv["value"]), create_revision: num(&kv["create_revision"]), mod_revision: num(&kv["mod_revision"]), version: num(&kv["version"]), lease: num(&kv["lease"]) })
        .collect();
    assert_eq!(want.len(), 4, "{get_line}");
    assert!(want.iter().any(|kv| kv.lease != 0), "{get_line}");
    let lease_hex = format!("{:x}", want.iter().find(|kv| kv.lease != 0).unwrap().lease);

    let restored = dir.join("restored");
    ctl_in(&[], &["snapshot", "restore", file.to_str().unwrap(), "--data-dir", restored.to_str().unwrap()], None);
    let etcd = RealEtcd::start(&restored, &dir.join("restored.log"));
    let (kvs, rev) = real_kvs(&etcd);
    assert_eq!(kvs, want);
    assert_eq!(rev, num(&served["header"]["revision"]));
    let leases = etcd.ctl(&["lease", "list"]);
    assert!(leases.contains(&lease_hex), "real etcd lease list: {leases}");
    let ttl = etcd.ctl(&["lease", "timetolive", &lease_hex, "--keys"]);
    assert!(ttl.contains("granted with TTL(600s)") && ttl.contains("attached keys([leased])"), "{ttl}");
    drop(etcd);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_tombstones_and_many_pages_survive_a_real_restore() {
    require_tools();
    let dir = tmpdir("a2");
    let mut etcd = etcd_playground::cluster::scenario::build("plain").unwrap().etcd;
    for i in 0..3000 {
        etcd.store.put(PutRequest { key: format!("key{:05}", i % 2000).into_bytes(), value: vec![b'x'; i % 300], ..Default::default() }).unwrap();
    }
    etcd.store.delete_range(DeleteRangeRequest { key: b"key00100".to_vec(), range_end: b"key00200".to_vec(), ..Default::default() }).unwrap();
    etcd.store.put(PutRequest { key: b"big".to_vec(), value: vec![b'z'; 20_000], ..Default::default() }).unwrap();
    let file = dir.join("snap.db");
    std::fs::write(&file, snapshot::save(&etcd)).unwrap();
    let st = snapshot::status(&std::fs::read(&file).unwrap()).unwrap();
    let real = json_status(&ctl_in(&[], &["snapshot", "status", file.to_str().unwrap(), "-w", "json"], None));
    assert_eq!((st.hash as u64, st.revision, st.total_key, st.total_size), real);
    let (kvs, rev) = real_restore_and_serve(&file, &dir);
    assert_eq!(kvs.len(), 1901);
    assert_eq!(kvs, store_kvs(&etcd.store));
    assert_eq!(rev, etcd.store.current_revision());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn b_a_real_snapshot_imports_into_the_playground() {
    require_tools();
    let dir = tmpdir("b");
    let etcd = RealEtcd::start(&dir.join("data"), &dir.join("etcd.log"));
    etcd.ctl(&["put", "a", "1"]);
    etcd.ctl(&["put", "b", "2"]);
    etcd.ctl(&["put", "a", "3"]);
    etcd.ctl(&["del", "b"]);
    let lease = etcd.ctl(&["lease", "grant", "600"]);
    let lease_id = lease.split_whitespace().nth(1).unwrap().to_string();
    etcd.ctl(&["put", "leased", "v", "--lease", &lease_id]);
    ctl_in(&["--endpoints", &etcd.endpoint], &["txn"], Some("\nput x 10\nput y 20\ndel a\n\n\n"));
    etcd.ctl(&["put", "c", "5"]);
    etcd.ctl(&["compact", "5"]);
    etcd.ctl(&["put", "z", "last"]);
    let file = dir.join("real.db");
    etcd.ctl(&["snapshot", "save", file.to_str().unwrap()]);
    let real_status = json_status(&ctl_in(&[], &["snapshot", "status", file.to_str().unwrap(), "-w", "json"], None));
    let (real_kvs, real_rev) = real_kvs(&etcd);
    drop(etcd);

    // The playground reads it: same status, through the CLI import.
    let restored = dir.join("restored.db");
    let script = "etcdctl snapshot status /root/real.db -w json\netcdctl snapshot restore /root/real.db --data-dir /root/restored\n";
    let (out, err, rc) = playground(script, &["--import".into(), format!("{}=/root/real.db", file.display()), "--export".into(), format!("/root/restored/member/snap/db={}", restored.display())]);
    assert_eq!(rc, 0, "stdout:\n{out}\nstderr:\n{err}");
    assert_eq!(json_status(&out), real_status);
    assert!(err.contains("\"msg\":\"restored snapshot\""), "{err}");

    // Restored, it holds what the real etcd served: keys, values, revisions, versions, lease.
    let loaded = snapshot::load(&std::fs::read(&restored).unwrap()).unwrap();
    assert_eq!(store_kvs(&loaded.store), real_kvs);
    assert_eq!(loaded.store.current_revision(), real_rev);
    assert_eq!(loaded.store.compact_revision(), 5);
    assert_eq!(loaded.consistent_index, 1, "restore resets the consistent index to the member count");
    assert_eq!(loaded.leases.len(), 1);
    assert_eq!(format!("{:x}", loaded.leases[0].id), lease_id);
    assert_eq!(loaded.leases[0].ttl, 600);
    let lease = loaded.store.lessor.leases.get(&loaded.leases[0].id).expect("the engine's lessor has the lease");
    assert_eq!(lease.keys.iter().cloned().collect::<Vec<_>>(), vec![b"leased".to_vec()]);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Runs etcdctl in `dir` and returns its stderr lines starting with `Error:`.
fn real_errors(dir: &Path, args: &[&str]) -> Vec<String> {
    let out = Command::new(ETCDCTL).args(args).current_dir(dir).output().unwrap();
    assert!(!out.status.success(), "etcdctl {args:?} should fail");
    String::from_utf8_lossy(&out.stderr).lines().skip_while(|l| !l.starts_with("Error:")).map(str::to_string).collect()
}

#[test]
fn c_broken_files_get_real_etcdctls_errors() {
    require_tools();
    let dir = tmpdir("c");
    let mut etcd = etcd_playground::cluster::scenario::build("plain").unwrap().etcd;
    for i in 0..500 {
        etcd.store.put(PutRequest { key: format!("k{i}").into_bytes(), value: vec![b'v'; 40], ..Default::default() }).unwrap();
    }
    let good = snapshot::save(&etcd);
    let reseal = |f: &mut Vec<u8>| {
        for off in [0usize, 4096] {
            let sum = snapshot::bolt::fnv64a(&f[off + 16..off + 72]);
            f[off + 72..off + 80].copy_from_slice(&sum.to_le_bytes());
        }
    };
    let mut files: Vec<(&str, Vec<u8>)> = vec![("random.db", (0..20480u32).map(|i| (i.wrapping_mul(2654435761) >> 13) as u8).collect()), ("short.db", good[..5000].to_vec())];
    files.push(("tiny.db", good[..100].to_vec()));
    files.push(("empty.db", Vec::new()));
    let mut f = good.clone();
    f[16 + 60] ^= 0xff;
    f[4096 + 16 + 60] ^= 0xff;
    files.push(("checksum.db", f));
    let mut f = good.clone();
    f[20] = 3;
    f[4096 + 20] = 3;
    files.push(("version.db", f));
    let mut f = good[..good.len() - 32].to_vec();
    f.extend(vec![0u8; 4096]);
    for off in [0usize, 4096] {
        let pgid = u64::from_le_bytes(f[off + 56..off + 64].try_into().unwrap()) + 1;
        f[off + 56..off + 64].copy_from_slice(&pgid.to_le_bytes());
    }
    reseal(&mut f);
    files.push(("unreachable.db", f));
    let mut f = good.clone();
    let n = f.len();
    f[n - 100] ^= 1;
    files.push(("tampered.db", f));
    files.push(("nohash.db", good[..good.len() - 32].to_vec()));

    let mut script = String::new();
    let mut extra = Vec::new();
    let mut want = Vec::new();
    for (name, data) in &files {
        std::fs::write(dir.join(name), data).unwrap();
        extra.push("--import".to_string());
        extra.push(format!("{}=/root/{name}", dir.join(name).display()));
        if matches!(*name, "tampered.db" | "nohash.db") {
            continue; // their pages are sound: status works, only restore's hash check fails
        }
        script.push_str(&format!("etcdctl snapshot status {name}\n"));
        want.extend(real_errors(&dir, &["snapshot", "status", name]));
    }
    script.push_str("etcdctl snapshot status missing.db\n");
    want.extend(real_errors(&dir, &["snapshot", "status", "missing.db"]));
    for name in ["tampered.db", "nohash.db", "missing.db"] {
        script.push_str(&format!("etcdctl snapshot restore {name} --data-dir out-{name}\n"));
        want.extend(real_errors(&dir, &["snapshot", "restore", name, "--data-dir", &format!("out-{name}")]));
    }
    script.push_str("etcdctl snapshot restore tampered.db --skip-hash-check --data-dir ok\netcdctl snapshot restore tampered.db --data-dir ok\n");
    let _ = std::fs::remove_dir_all(dir.join("ok"));
    Command::new(ETCDCTL).args(["snapshot", "restore", "tampered.db", "--skip-hash-check", "--data-dir", "ok"]).current_dir(&dir).output().unwrap();
    want.extend(real_errors(&dir, &["snapshot", "restore", "tampered.db", "--data-dir", "ok"]));
    assert!(want.len() >= 13, "{want:#?}");
    assert!(want.iter().any(|l| l.starts_with("Error: snapshot file integrity check failed. 1 errors found.")), "{want:#?}");
    let (_, err, _) = playground(&script, &extra);
    let got: Vec<String> = err.lines().skip_while(|l| !l.starts_with("Error:")).filter(|l| !l.starts_with('{')).map(str::to_string).collect();
    assert_eq!(got, want, "playground stderr:\n{err}");
    let _ = std::fs::remove_dir_all(&dir);
}
