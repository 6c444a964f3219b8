//! Writes the fuzzing seeds `scripts/fuzz.sh` starts from: one valid input per target (a
//! session file, a snapshot, a manifest, a lesson, shell lines, etcdctl arguments), plus the
//! deep ones the issue found (20000 levels of `[`), so the fuzzer begins at the edges.
//!
//! `cargo run --example fuzz_seeds -- fuzz/corpus`

use etcd_playground::shell::Session;
use std::fs;
use std::path::Path;

fn put(dir: &Path, target: &str, name: &str, data: &[u8]) {
    let d = dir.join(target);
    fs::create_dir_all(&d).expect("create the corpus directory");
    fs::write(d.join(name), data).expect("write a seed");
}

fn main() {
    let dir = std::env::args().nth(1).unwrap_or_else(|| "fuzz/corpus".into());
    let dir = Path::new(&dir);
    let deep = |o: &str, c: &str| format!("{}{}", o.repeat(20000), c.repeat(20000));
    let mut s = Session::new("plain").expect("the plain scenario");
    s.execute("etcdctl put k1 v1");
    s.execute("etcdctl lease grant 60");
    s.execute("echo data > /tmp/f");
    put(dir, "session_file", "plain", &etcd_playground::session_file::save(&s));
    s.execute("etcdctl snapshot save /tmp/s.db");
    if let Ok(db) = s.world.read("/tmp/s.db") {
        put(dir, "snapshot", "saved", &db);
    }
    for (i, line) in [
        "etcdctl put a b && etcdctl get a -w json | base64 | base64 -d",
        "for i in 1 2 3; do echo $i >> /tmp/x; done; sort -r /tmp/x | head -n 2",
        "echo $(echo $(echo a)) ${HOME} \"$((1+2))\" 'q' > /tmp/y; cat /tmp/y",
        "mkdir -p /a/b/c && ls -R /a; cp -r /a /b; mv /b /c; rm -r /c",
        "sed -i s/a/b/g /tmp/y; tr a-z A-Z < /tmp/y | cut -c1-3 | tee /tmp/z",
        "sleep 18446744073709552; echo /*/../*",
        // The kubeadm node the target runs on: its etcd with TLS, the registry, the static pods.
        "export ETCDCTL_CACERT=/etc/kubernetes/pki/etcd/ca.crt ETCDCTL_CERT=/etc/kubernetes/pki/etcd/server.crt ETCDCTL_KEY=/etc/kubernetes/pki/etcd/server.key\netcdctl get /registry --prefix --keys-only | head -n 3\netcdctl snapshot save /tmp/s.db && etcdutl snapshot status /tmp/s.db -w table",
        "crictl ps -a; kubectl get pods -A; grep data-dir /etc/kubernetes/manifests/etcd.yaml",
        "openssl x509 -in /etc/kubernetes/pki/etcd/server.crt -noout -text | grep -A1 Alternative",
    ]
    .iter()
    .enumerate()
    {
        put(dir, "shell_line", &format!("line{i}"), line.as_bytes());
    }
    // 20000 `$(` deep: found by this fuzzer (a 21 s timeout), now refused at the shell's nesting cap.
    put(dir, "shell_line", "deep", format!("echo {}", deep("$(", ")")).as_bytes());
    put(dir, "shell_line", "deep-brackets", format!("echo {} {}", "[".repeat(20000), "{".repeat(20000)).as_bytes());
    for (i, args) in [&["put", "k", "v", "--lease", "-1"][..], &["lease", "grant", "0x-5"], &["get", "", "--prefix", "-w", "json"], &["txn", "-i"], &["del", "k", "--from-key"], &["get", "/registry/pods", "--prefix", "--keys-only"], &["snapshot", "save", "/tmp/s.db"], &["endpoint", "status", "-w", "table"], &["member", "list", "--cacert", "/nonexistent"]].iter().enumerate() {
        put(dir, "etcdctl_args", &format!("args{i}"), args.join("\0").as_bytes());
    }
    put(dir, "yaml", "pod", b"apiVersion: v1\nkind: Pod\nmetadata:\n  name: etcd\n  labels: [a, [b, \"c\"]]\nspec:\n  containers:\n  - command:\n    - etcd\n    name: etcd\n");
    put(dir, "yaml", "deep", format!("labels: {}\n", deep("[", "]")).as_bytes());
    if let Ok(entries) = fs::read_dir("lessons") {
        for e in entries.flatten().filter(|e| e.path().extension().is_some_and(|x| x == "toml")).take(3) {
            if let Ok(text) = fs::read(e.path()) {
                put(dir, "lesson", &e.file_name().to_string_lossy(), &text);
            }
        }
    }
    put(dir, "lesson", "deep", format!("x = {}\n", deep("[", "]")).as_bytes());
    println!("seeds written under {}", dir.display());
}
