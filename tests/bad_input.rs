//! Issue 17 part 4, the probes that need bytes, sizes or crafted files (the ones that are
//! text in, text out are in `tests/transcripts/601_bad_input.txt`). Expected texts are real
//! etcd 3.4.23's, real bash 5.2's and GNU coreutils 9.1's, recorded on this machine.

use etcd_playground::process::Chunk;
use etcd_playground::shell::Session;
use etcd_playground::{persist, session_file, validate};

fn session() -> Session {
    let mut s = Session::new("plain").unwrap();
    s.stdout_piped = true;
    s
}

fn stderr(r: &etcd_playground::shell::Executed) -> String {
    r.chunks.iter().filter_map(|c| if let Chunk::Stderr(e) = c { Some(e.as_str()) } else { None }).collect()
}

fn file(s: &Session, path: &str) -> Vec<u8> {
    s.world.read(path).unwrap().into_owned()
}

/// A snapshot through `sed -i s/NOMATCH/x/`, `base64 | base64 -d`, `cat`, `head -c`, `tee`,
/// `sort`-free pipes stays byte-identical and still loads.
#[test]
fn a_snapshot_survives_the_byte_tools() {
    let mut s = session();
    s.execute("etcdctl put k1 v1");
    s.execute("etcdctl put k2 v2");
    assert_eq!(s.execute("etcdctl snapshot save /tmp/s.db").exit, 0);
    let orig = file(&s, "/tmp/s.db");
    assert!(std::str::from_utf8(&orig).is_err(), "the snapshot should be binary");
    for (cmd, out) in [
        ("cp /tmp/s.db /tmp/t1.db && sed -i s/NOMATCH/x/ /tmp/t1.db", "/tmp/t1.db"),
        ("sed s/NOMATCH/x/ /tmp/s.db > /tmp/t2.db", "/tmp/t2.db"),
        ("base64 /tmp/s.db | base64 -d > /tmp/t3.db", "/tmp/t3.db"),
        ("cat /tmp/s.db | tee /tmp/t4.db > /dev/null", "/tmp/t4.db"),
        ("head -c 100000000 /tmp/s.db > /tmp/t5.db", "/tmp/t5.db"),
        ("tail -n 100000 /tmp/s.db > /tmp/t6.db", "/tmp/t6.db"),
        ("head -n 100000 /tmp/s.db | tr -d '' > /tmp/t7.db", "/tmp/t7.db"),
        ("cat /tmp/s.db | tee -a /tmp/t8.db | cut -c1-100000000 > /dev/null", "/tmp/t8.db"),
    ] {
        let r = s.execute(cmd);
        assert_eq!((r.exit, stderr(&r)), (0, String::new()), "{cmd}");
        assert!(file(&s, out) == orig, "{cmd}: the copy differs from the snapshot");
        let st = s.execute(&format!("etcdctl snapshot status {out}"));
        assert_eq!(st.exit, 0, "{cmd}: {}", st.text());
    }
}

#[test]
fn sort_cut_and_tr_keep_bytes() {
    let mut s = session();
    s.world.vfs.write("/tmp/b", vec![0xff, b'\n', 0x80, 0x41, b'\n', 0xc3, 0xa9, b'\n']).unwrap();
    s.execute("sort /tmp/b > /tmp/sorted; cut -c1 /tmp/b > /tmp/cut; tr 'A' 'B' < /tmp/b > /tmp/tr");
    // Byte order (C collation of the playground's sort), GNU cut counts bytes, tr maps bytes.
    assert_eq!(file(&s, "/tmp/sorted"), vec![0x80, 0x41, b'\n', 0xc3, 0xa9, b'\n', 0xff, b'\n']);
    assert_eq!(file(&s, "/tmp/cut"), vec![0xff, b'\n', 0x80, b'\n', 0xc3, b'\n']);
    assert_eq!(file(&s, "/tmp/tr"), vec![0xff, b'\n', 0x80, 0x42, b'\n', 0xc3, 0xa9, b'\n']);
    s.execute("cat /tmp/b /tmp/b | sort | uniq -c > /tmp/uniq");
    assert_eq!(file(&s, "/tmp/uniq"), [&b"      2 \x80A\n"[..], "      2 é\n".as_bytes(), b"      2 \xff\n"].concat());
    // head and tail keep a last line without its newline as it is (GNU).
    s.world.vfs.write("/tmp/n", b"a\nb".to_vec()).unwrap();
    assert_eq!(s.execute("head -n 5 /tmp/n").text(), "a\nb");
    assert_eq!(s.execute("tail -n 1 /tmp/n").text(), "b");
}

/// etcd 3.4.23 took key `k` with a 1572840-byte value and refused 1572841 bytes; past gRPC's
/// 2 MiB the client refuses before sending.
#[test]
fn etcd_refuses_requests_over_its_limits() {
    let mut s = session();
    let put = |s: &mut Session, n: usize| {
        s.world.vfs.write("/tmp/v", vec![b'x'; n]).unwrap();
        let r = s.execute("etcdctl put k < /tmp/v");
        (r.exit, r.text())
    };
    assert_eq!(put(&mut s, 1_572_840), (0, "OK\n".into()));
    let (code, text) = put(&mut s, 1_572_841);
    assert_eq!(code, 1);
    assert!(text.ends_with("\"error\":\"rpc error: code = InvalidArgument desc = etcdserver: request is too large\"}\nError: etcdserver: request is too large\n"), "{text}");
    let (code, text) = put(&mut s, 2_097_162);
    assert_eq!(code, 1);
    assert!(text.ends_with("Error: rpc error: code = ResourceExhausted desc = trying to send message larger than max (2097170 vs. 2097152)\n"), "{text}");
    assert_eq!(s.execute("etcdctl get k --print-value-only | wc -c").text(), "1572841\n");
}

#[test]
fn mkdir_past_path_max_is_file_name_too_long() {
    let mut s = session();
    let before = s.world.vfs.used_bytes();
    let deep = format!("/tmp/{}", "a/".repeat(30_000));
    let r = s.execute(&format!("mkdir -p {deep}"));
    assert_eq!(r.exit, 1);
    assert!(stderr(&r).starts_with("mkdir: cannot create directory ‘/tmp/a/a/"), "{}", &stderr(&r)[..80]);
    assert!(stderr(&r).ends_with("’: File name too long\n"));
    assert_eq!(s.world.vfs.used_bytes(), before, "nothing was created");
    // Just under PATH_MAX still works; a name over NAME_MAX does not.
    let ok = format!("/tmp/{}", "a/".repeat(2000));
    assert_eq!(s.execute(&format!("mkdir -p {ok}")).exit, 0);
    let r = s.execute(&format!("touch /tmp/{}", "n".repeat(256)));
    assert!(stderr(&r).ends_with(": File name too long\n"), "{}", stderr(&r));
}

#[test]
fn appends_cost_what_they_append_and_the_filesystem_has_a_size() {
    let mut s = session();
    s.vars_set("V", &"v".repeat(1 << 20));
    for _ in 0..20 {
        assert_eq!(s.execute("echo $V >> /tmp/big").exit, 0);
    }
    assert_eq!(s.world.read("/tmp/big").unwrap().len(), 20 * ((1 << 20) + 1));
    // Past the 256 MiB budget: ENOSPC, with the file as it was.
    let mut vfs = etcd_playground::vfs::Vfs::default();
    vfs.mkdir_p("/tmp").unwrap();
    vfs.write("/tmp/a", vec![0; 200 << 20]).unwrap();
    assert_eq!(vfs.append("/tmp/a", &vec![0; 100 << 20]), Err(etcd_playground::vfs::VfsError::NoSpace));
    assert_eq!(vfs.read("/tmp/a").unwrap().len(), 200 << 20);
    assert_eq!(etcd_playground::vfs::VfsError::NoSpace.strerror(), "No space left on device");
    assert!(vfs.append("/tmp/a", &vec![0; 50 << 20]).is_ok());
    // Through the shell, as bash and coreutils say it (bash 5.2: `bash: echo: write error: …`).
    let free = etcd_playground::vfs::BUDGET_BYTES - s.world.vfs.used_bytes() - 1000;
    s.world.vfs.write("/tmp/fill", vec![0; free as usize]).unwrap();
    let r = s.execute("echo $V > /tmp/one");
    assert_eq!((r.exit, stderr(&r)), (1, "bash: echo: write error: No space left on device\n".to_string()));
    assert_eq!(file(&s, "/tmp/one"), b"", "bash created the file before the write failed");
    let r = s.execute("cat /tmp/big >> /tmp/one");
    assert_eq!(stderr(&r), "cat: write error: No space left on device\n");
    let r = s.execute("cp /tmp/big /tmp/two");
    assert_eq!(stderr(&r), "cp: error writing '/tmp/two': No space left on device\n");
}

#[test]
fn a_glob_that_multiplies_is_stopped_at_arg_max() {
    let mut s = Session::new("kubeadm").unwrap();
    let r = s.execute("echo /*/../*/../*/../*/../*/../*/..");
    assert_eq!((r.exit, stderr(&r)), (1, "bash: /*/../*/../*/../*/../*/../*/..: pathname expansion over 2097152 bytes\n".to_string()));
    assert!(r.chunks.iter().any(|c| matches!(c, Chunk::Explain(t) if t.pt.contains("ARG_MAX"))));
    assert_eq!(s.execute("echo /*/.. | wc -w").exit, 0);
}

#[test]
fn sleep_saturates_the_clock_and_the_kubeadm_node_survives_it() {
    let mut s = Session::new("kubeadm").unwrap();
    s.execute("sleep 18446744073709552");
    assert_eq!(s.world.clock_ms, validate::MAX_CLOCK_MS);
    s.execute("sleep 18446744073709552");
    assert_eq!(s.world.clock_ms, validate::MAX_CLOCK_MS);
    for cmd in ["crictl ps -a", "crictl pods", "kubectl get pods -A", "ls -l /etc/kubernetes", "etcdctl endpoint health"] {
        s.execute(cmd);
    }
    // A session saved at the end of time still loads.
    if let Err(e) = session_file::load(&session_file::save(&s)) {
        panic!("{e}");
    }
}

/// Crafted sessions are refused with a clear error in both languages, by both loaders.
#[test]
fn crafted_sessions_are_refused() {
    let mut base = Session::new("kubeadm").unwrap();
    base.execute("etcdctl --endpoints https://127.0.0.1:2379 --cacert /etc/kubernetes/pki/etcd/ca.crt --cert /etc/kubernetes/pki/etcd/server.crt --key /etc/kubernetes/pki/etcd/server.key put k v");
    base.execute("crictl ps");
    assert!(session_file::load(&session_file::save(&base)).is_ok());
    type Break = fn(&mut Session);
    let cases: [(&str, Break); 7] = [
        ("key index", |s| s.world.etcd.store.index.get_mut(&b"k".to_vec()).unwrap().modified.main += 100),
        ("backend does not hold", |s| {
            let ki = s.world.etcd.store.index.get_mut(&b"k".to_vec()).unwrap();
            ki.generations[0].revs[0].sub = 7;
            ki.modified.sub = 7;
        }),
        ("creation time out of range", |s| s.world.kubelet.runtime.sandboxes[0].created_ms = i64::MIN),
        ("container", |s| s.world.kubelet.runtime.containers[0].created_ms = i64::MAX),
        ("past the year 18000", |s| s.world.clock_ms = u64::MAX),
        ("not a normalized absolute path", |s| s.cwd = "/tmp/../etc".into()),
        ("revisions are inconsistent", |s| s.world.etcd.store.compact_rev = s.world.etcd.store.current_rev + 5),
    ];
    for (want, brk) in cases {
        let mut s = base.clone();
        brk(&mut s);
        let e = session_file::load(&session_file::save(&s)).unwrap_err();
        let m = e.message();
        assert!(m.en.contains(want), "{want}: {}", m.en);
        assert!(m.en.contains("your current session is unchanged"), "{}", m.en);
        assert!(m.pt.contains("sua sessão atual não mudou"), "{}", m.pt);
        let bytes = persist::encode(&s, &Default::default());
        let etcd_playground::i18n::Text { en, pt } = persist::decode(&bytes).unwrap_err().describe();
        assert!(en.contains(want) && pt.contains("foi recusada"), "{en} / {pt}");
    }
}

/// Run mode runs every valid line of a script and names the one that is not UTF-8.
#[test]
fn run_mode_skips_an_invalid_line_by_number() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_etcd-playground"))
        .args(["run", "--scenario", "plain", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            use std::io::Write;
            c.stdin.take().unwrap().write_all(b"echo one\necho \xff\xfe\necho three\n")?;
            c.wait_with_output()
        })
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "one\nthree\n");
    assert_eq!(String::from_utf8_lossy(&out.stderr), "etcd-playground run: stdin:2: the line is not valid UTF-8; skipped\n");
    assert_eq!(out.status.code(), Some(0));
}

trait VarsSet {
    fn vars_set(&mut self, k: &str, v: &str);
}

impl VarsSet for Session {
    fn vars_set(&mut self, k: &str, v: &str) {
        self.vars.insert(k.to_string(), v.to_string());
    }
}

/// `labels: [[[…20000…]]]` through `kubectl create -f` and dropped into the kubelet's manifests.
#[test]
fn a_deep_manifest_is_an_error_for_kubectl_and_the_kubelet() {
    let text = format!("apiVersion: v1\nkind: Pod\nmetadata:\n  name: deep\n  labels: {}{}\n", "[".repeat(20000), "]".repeat(20000));
    let mut s = Session::new("kubeadm").unwrap();
    s.world.vfs.write("/root/deep.yaml", text.clone().into_bytes()).unwrap();
    let r = s.execute("kubectl create -f /root/deep.yaml");
    assert_eq!(r.exit, 1);
    assert!(stderr(&r).contains("yaml: line 5: exceeded max depth of 64"), "{}", stderr(&r));
    s.world.vfs.write("/etc/kubernetes/manifests/deep.yaml", text.into_bytes()).unwrap();
    for _ in 0..3 {
        s.execute("sleep 20");
    }
    assert_eq!(s.execute("echo alive").text(), "alive\n");
}
