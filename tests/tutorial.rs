//! Issue 10: the seed tutorial, verbatim. `tests/tutorial/seed_session.sh` holds every command
//! block of the tutorial in its order, exactly as written (blank lines, `ETCDCTL_API=3`
//! prefixes, the TLS block that ends in a backslash), between the few lines a learner adds
//! (`# learner:` sections: finding `--advertise-client-urls`, the command after the trailing
//! backslash, `ENDPOINT=`). Each line goes to the `kubeadm` scenario through
//! `Session::execute`, the path of the browser terminal and of `etcd-playground run`.
//!
//! The expected values are read from the state the session runs on (the member's URLs in the
//! etcd manifest, the store's revision, the saved file), not copied from the tutorial: a real
//! kubeadm cluster differs from the tutorial's example table, and so does ours.

use etcd_playground::process::Chunk;
use etcd_playground::shell::Session;

const SCRIPT: &str = include_str!("tutorial/seed_session.sh");

/// One `# seed:` or `# learner:` section of the script and what the terminal showed for it.
struct Section {
    title: String,
    lines: Vec<String>,
    /// stdout and stderr interleaved, as the terminal shows them.
    out: String,
    stdout: String,
    stderr: String,
    /// stderr with the Portuguese explanations in place, as `run --explain --lang pt` prints it.
    stderr_pt: String,
    /// (en, pt) explanations.
    explains: Vec<(String, String)>,
    /// Exit status of each completed command.
    exits: Vec<i32>,
}

fn run_script(session: &mut Session) -> Vec<Section> {
    let mut sections: Vec<Section> = Vec::new();
    let mut continued = false;
    for line in SCRIPT.lines() {
        if let Some(t) = line.strip_prefix("# seed: ").or_else(|| line.strip_prefix("# learner: ")) {
            sections.push(Section { title: t.to_string(), lines: Vec::new(), out: String::new(), stdout: String::new(), stderr: String::new(), stderr_pt: String::new(), explains: Vec::new(), exits: Vec::new() });
        }
        let s = sections.last_mut().expect("the script starts with a section title");
        s.lines.push(line.to_string());
        let r = session.execute(line);
        s.out.push_str(&r.text());
        for c in r.chunks {
            match c {
                Chunk::Stdout(t) => s.stdout.push_str(&t),
                Chunk::Bytes(b) => s.stdout.push_str(&String::from_utf8_lossy(&b)),
                Chunk::Stderr(t) => {
                    s.stderr.push_str(&t);
                    s.stderr_pt.push_str(&t);
                }
                Chunk::Explain(etcd_playground::i18n::Text { en, pt }) => {
                    s.stderr_pt.push_str(&format!("# {pt}\n"));
                    s.explains.push((en, pt));
                }
            }
        }
        // Exit statuses of commands only: not of comments or of empty lines at the prompt.
        if !r.needs_more && (continued || (!line.starts_with('#') && !line.is_empty())) {
            s.exits.push(r.exit);
        }
        continued = r.needs_more;
    }
    sections
}

fn section<'a>(all: &'a [Section], title: &str) -> &'a Section {
    all.iter().find(|s| s.title == title).unwrap_or_else(|| panic!("no section {title:?} in seed_session.sh"))
}

/// The value of `--flag=` in a kubeadm static-pod manifest of the session's filesystem.
fn manifest_flag(session: &Session, manifest: &str, flag: &str) -> String {
    let path = format!("/etc/kubernetes/manifests/{manifest}.yaml");
    let text = String::from_utf8(session.world.vfs.read(&path).unwrap_or_else(|e| panic!("{path}: {e:?}")).to_vec()).unwrap();
    let want = format!("- {flag}=");
    text.lines().find_map(|l| l.trim().strip_prefix(&want).map(str::to_string)).unwrap_or_else(|| panic!("{flag} not in {path}"))
}

/// An explanation exists in both languages and its English names `en_word`, its Portuguese `pt_word`.
fn assert_explained(s: &Section, en_word: &str, pt_word: &str) {
    assert!(
        s.explains.iter().any(|(en, pt)| en.contains(en_word) && pt.contains(pt_word) && !pt.is_empty()),
        "{}: no explanation naming {en_word:?} / {pt_word:?}; got {:#?}",
        s.title,
        s.explains
    );
}

#[test]
fn every_command_block_of_the_tutorial_works_as_written() {
    let mut session = Session::new("kubeadm").unwrap();
    let all = run_script(&mut session);

    // kubectl get pods -n kube-system: the tutorial's twelve pods, byte for byte.
    let pods = section(&all, "kubectl get pods");
    assert_eq!(
        pods.out,
        "NAME                                READY   STATUS    RESTARTS   AGE
coredns-66bff467f8-pfm2c            1/1     Running   0          8d
coredns-66bff467f8-s8pk4            1/1     Running   0          8d
etcd-docker-01                      1/1     Running   0          8d
kube-apiserver-docker-01            1/1     Running   0          8d
kube-controller-manager-docker-01   1/1     Running   0          8d
kube-proxy-mdcgf                    1/1     Running   0          8d
kube-proxy-q9cvf                    1/1     Running   0          8d
kube-proxy-vf8mq                    1/1     Running   0          8d
kube-scheduler-docker-01            1/1     Running   0          8d
weave-net-7dhpf                     2/2     Running   0          8d
weave-net-fvttp                     2/2     Running   0          8d
weave-net-xl7km                     2/2     Running   0          8d
"
    );

    // describe etcd: the three certificate flags, in describe's Command: list.
    let etcd = section(&all, "describe etcd");
    assert!(etcd.out.starts_with("Name:                 etcd-docker-01\nNamespace:            kube-system\n"), "{}", etcd.out);
    for flag in ["--cert-file", "--key-file", "--trusted-ca-file", "--advertise-client-urls", "--listen-client-urls", "--client-cert-auth"] {
        let want = format!("\n      {flag}={}\n", manifest_flag(&session, "etcd", flag));
        assert!(etcd.out.contains(&want), "describe etcd lacks {want:?}");
    }

    // describe kube-apiserver: a name prefix, answered with kube-apiserver-docker-01.
    let api = section(&all, "describe apiserver");
    assert!(api.out.starts_with("Name:                 kube-apiserver-docker-01\n"), "{}", api.out);
    assert_eq!(api.out.matches("\nName:").count(), 0, "only one pod starts with kube-apiserver");
    for flag in ["--etcd-cafile", "--etcd-certfile", "--etcd-keyfile", "--etcd-servers"] {
        let want = format!("\n      {flag}={}\n", manifest_flag(&session, "kube-apiserver", flag));
        assert!(api.out.contains(&want), "describe kube-apiserver lacks {want:?}");
    }
    assert_eq!(api.exits, vec![0]);

    // The download block: every line succeeds; curl's meter, tar's listing, the versions.
    let dl = section(&all, "download");
    assert!(dl.exits.iter().all(|&e| e == 0), "download block exits {:?}\n{}", dl.exits, dl.out);
    assert!(dl.out.contains("  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current\n"), "{}", dl.out);
    assert!(dl.out.contains("\netcd-v3.4.7-linux-amd64/etcd\netcd-v3.4.7-linux-amd64/etcdctl\n"), "{}", dl.out);
    assert!(
        dl.out.ends_with("etcd Version: 3.4.7\nGit SHA: e694b7bb0\nGo Version: go1.12.17\nGo OS/Arch: linux/amd64\netcdctl version: 3.4.7\nAPI version: 3.4\n"),
        "{}",
        dl.out
    );
    assert!(!session.world.vfs.exists("/tmp/etcd-v3.4.7-linux-amd64.tar.gz"), "the block's last rm removes the tarball");
    assert!(session.world.vfs.exists("/tmp/etcd-download-test/etcdctl"));

    // The learner finds --advertise-client-urls and sets ADVERTISE_URL from it.
    let advertise = manifest_flag(&session, "etcd", "--advertise-client-urls");
    let find = section(&all, "find --advertise-client-urls");
    assert!(find.out.contains(&format!("      --advertise-client-urls={advertise}\n")), "{}", find.out);
    assert!(find.out.ends_with(&format!("\n{advertise}\n")), "echo $ADVERTISE_URL: {}", find.out);

    // The TLS block, completed by a command after its trailing backslash.
    let member = section(&all, "tls block, then member list");
    assert_eq!(member.exits, vec![0], "{}", member.out);
    let peer = manifest_flag(&session, "etcd", "--initial-advertise-peer-urls");
    let name = manifest_flag(&session, "etcd", "--name");
    assert!(member.out.ends_with(&format!(", started, {name}, {peer}, {advertise}, false\n")), "{}", member.out);
    let health = section(&all, "tls block, then endpoint health");
    assert_eq!(health.exits, vec![0], "{}", health.out);
    assert!(health.out.starts_with(&format!("{advertise} is healthy: successfully committed proposal: took = ")), "{}", health.out);
    let get = section(&all, "tls block, then get");
    assert_eq!(get.out, "/registry/namespaces/kube-system\n\n");
    let save = section(&all, "tls block, then snapshot save");
    assert_eq!(save.exits, vec![0], "{}", save.out);
    assert!(save.stdout.ends_with("Snapshot saved at /root/tls-snapshot.db\n"), "{}", save.out);
    assert!(session.world.vfs.exists("/root/tls-snapshot.db"));

    // The block as written, then Enter: the continuation ends, etcdctl runs with flags only
    // and prints its help (exit 0), as real etcdctl 3.4 does.
    let bare = section(&all, "tls block, then Enter on an empty line");
    assert_eq!(bare.exits, vec![0]);
    assert!(bare.stdout.starts_with("NAME:\n\tetcdctl - A simple command line client for etcd3.\n"), "{}", bare.out);

    // Without TLS and without brackets, and with the tutorial's brackets: real etcdctl 3.4.23
    // prints one log line and waits for Ctrl+C (no deadline for snapshot save), leaving the
    // .part file; run mode stops it with bash's Ctrl+C status, and explains why.
    let waits = "{\"level\":\"info\",\"ts\":\"";
    let part = "\"msg\":\"created temporary db file\",\"path\":\"snapshotdb.part\"}\n";
    for (title, en, pt) in [("snapshot save without TLS", "serves TLS (https), but the client spoke plain http", "TLS"), ("snapshot save with brackets", "square brackets", "colchetes")] {
        let s = section(&all, title);
        assert_eq!(s.exits, vec![130], "{}", s.out);
        assert!(s.stdout.is_empty() && s.stderr.starts_with(waits) && s.stderr.ends_with(part) && s.stderr.lines().count() == 1, "{title}: {}", s.out);
        assert_explained(s, en, pt);
        assert_explained(s, "until you press Ctrl+C", "Ctrl+C");
    }
    assert!(session.world.vfs.exists("/root/snapshotdb"), "saved by the command after");

    // With certificates: saved.
    let tls = section(&all, "snapshot save with certificates");
    assert_eq!(tls.exits, vec![0], "{}", tls.out);
    assert!(tls.stdout.ends_with("Snapshot saved at snapshotdb\n"), "{}", tls.out);

    // snapshot status: the tutorial's four columns, with this cluster's numbers.
    let status = section(&all, "snapshot status");
    assert_eq!(status.exits, vec![0], "{}", status.out);
    let table: Vec<&str> = status.stdout.lines().collect();
    assert_eq!(table.len(), 5, "{}", status.stdout);
    assert_eq!(table[0], "+----------+----------+------------+------------+");
    assert_eq!(table[1], "|   HASH   | REVISION | TOTAL KEYS | TOTAL SIZE |");
    assert_eq!(table[2], table[0]);
    assert_eq!(table[4], table[0]);
    let cells: Vec<&str> = table[3].trim_matches('|').split('|').map(str::trim).collect();
    assert_eq!(cells.len(), 4, "{}", table[3]);
    // The same numbers read from the saved file by this test's own bbolt walk.
    let file = session.world.vfs.read("/root/snapshotdb").unwrap();
    let st = bolt_status(file);
    assert_eq!(cells, [format!("{:x}", st.hash), st.revision.to_string(), st.total_keys.to_string(), humanize_bytes(st.total_size)]);
    assert_eq!(st.revision, session.world.etcd.store.current_revision(), "the saved revision is the store's");
    let all_keys = etcd_playground::engine::types::RangeRequest { key: vec![0], range_end: vec![0], count_only: true, ..Default::default() };
    let live = session.world.etcd.store.range(&all_keys).unwrap().count as u64;
    assert!(st.total_keys > live && live > 200, "total keys {} counts every stored revision of the {live} live keys and more, unlike the tutorial's 7", st.total_keys);
    assert!(st.total_size > 100_000, "a kubeadm cluster's db is far larger than a few kB: {}", st.total_size);
}

/// `etcd-playground run --scenario kubeadm FILE` on the same lines prints the same bytes:
/// stdout to stdout, stderr and (with --explain) the explanations to stderr.
#[test]
fn run_mode_prints_what_the_session_prints() {
    let mut session = Session::new("kubeadm").unwrap();
    let all = run_script(&mut session);
    let want_out: String = all.iter().map(|s| s.stdout.as_str()).collect();
    let file = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/tutorial/seed_session.sh");
    let bin = env!("CARGO_BIN_EXE_etcd-playground");
    let out = std::process::Command::new(bin).args(["run", "--scenario", "kubeadm", file]).output().expect("run etcd-playground");
    assert_eq!(String::from_utf8_lossy(&out.stdout), want_out);
    let want_err: String = all.iter().map(|s| s.stderr.as_str()).collect();
    assert_eq!(String::from_utf8_lossy(&out.stderr), want_err);
    assert_eq!(out.status.code(), Some(*all.last().unwrap().exits.last().unwrap()));
    // With --explain --lang pt the Portuguese diagnoses come in order on stderr.
    let out = std::process::Command::new(bin).args(["run", "--scenario", "kubeadm", "--explain", "--lang", "pt", file]).output().expect("run etcd-playground");
    assert_eq!(String::from_utf8_lossy(&out.stdout), want_out);
    let want_pt: String = all.iter().map(|s| s.stderr_pt.as_str()).collect();
    assert!(want_pt.contains("colchetes"), "the brackets are diagnosed in Portuguese");
    assert_eq!(String::from_utf8_lossy(&out.stderr), want_pt);
}

/// What `etcdctl snapshot status` reports, computed here the way etcd's `dbStatus` does (a
/// cursor over the top-level buckets: CRC-32C of bucket names, keys and values; a count of
/// keys; the last main revision of the `key` bucket; bolt's `tx.Size()`), with a bbolt page
/// walk written for this test.
struct BoltStatus {
    hash: u32,
    revision: i64,
    total_keys: u64,
    total_size: u64,
}

fn bolt_status(db: &[u8]) -> BoltStatus {
    let u32_at = |b: &[u8], o: usize| u32::from_le_bytes(b[o..o + 4].try_into().unwrap()) as usize;
    let u64_at = |b: &[u8], o: usize| u64::from_le_bytes(b[o..o + 8].try_into().unwrap());
    let page_size = u32_at(db, 24);
    // The newer of the two meta pages.
    let meta = [0, page_size].into_iter().max_by_key(|&m| u64_at(db, m + 16 + 48)).unwrap();
    assert_eq!(u32_at(db, meta + 16), 0xED0C_DAED, "bolt magic");
    let (root, high_water) = (u64_at(db, meta + 16 + 16), u64_at(db, meta + 16 + 40));
    // In-order (key, value, flags) of the tree rooted at `page` (a page slice).
    fn walk<'a>(db: &'a [u8], page_size: usize, page: &'a [u8], out: &mut Vec<(&'a [u8], &'a [u8], u32)>) {
        let u32_at = |b: &[u8], o: usize| u32::from_le_bytes(b[o..o + 4].try_into().unwrap()) as usize;
        let (flags, count) = (u16::from_le_bytes([page[8], page[9]]), u16::from_le_bytes([page[10], page[11]]) as usize);
        for i in 0..count {
            let e = 16 + i * 16;
            if flags & 0x01 != 0 {
                let child = u64::from_le_bytes(page[e + 8..e + 16].try_into().unwrap()) as usize * page_size;
                walk(db, page_size, &db[child..], out);
            } else {
                assert!(flags & 0x02 != 0, "leaf page expected, flags {flags:#x}");
                let (pos, ksize, vsize) = (u32_at(page, e + 4), u32_at(page, e + 8), u32_at(page, e + 12));
                let k = &page[e + pos..e + pos + ksize];
                out.push((k, &page[e + pos + ksize..e + pos + ksize + vsize], u32_at(page, e) as u32));
            }
        }
    }
    let mut buckets = Vec::new();
    walk(db, page_size, &db[root as usize * page_size..], &mut buckets);
    let (mut crc, mut revision, mut total_keys) = (!0u32, 0i64, 0u64);
    for (name, header, flags) in buckets {
        assert_eq!(flags & 1, 1, "top-level entries are buckets");
        crc = crc32c(crc, name);
        let broot = u64_at(header, 0) as usize;
        let mut items = Vec::new();
        // root 0: an inline bucket, its page right after the 16-byte header.
        walk(db, page_size, if broot == 0 { &header[16..] } else { &db[broot * page_size..] }, &mut items);
        for (k, v, _) in items {
            crc = crc32c(crc32c(crc, k), v);
            if name == b"key" {
                revision = i64::from_be_bytes(k[0..8].try_into().unwrap());
            }
            total_keys += 1;
        }
    }
    BoltStatus { hash: !crc, revision, total_keys, total_size: high_water * page_size as u64 }
}

/// CRC-32C (Castagnoli), the table etcd's snapshot hash uses; `crc` is the running register.
fn crc32c(mut crc: u32, data: &[u8]) -> u32 {
    for &b in data {
        crc ^= b as u32;
        for _ in 0..8 {
            crc = if crc & 1 != 0 { (crc >> 1) ^ 0x82F6_3B78 } else { crc >> 1 };
        }
    }
    crc
}

/// go-humanize's `Bytes` (SI units), as etcdctl prints TOTAL SIZE.
fn humanize_bytes(n: u64) -> String {
    if n < 10 {
        return format!("{n} B");
    }
    let units = ["B", "kB", "MB", "GB", "TB", "PB", "EB"];
    let e = ((n as f64).ln() / 1000f64.ln()).floor() as usize;
    let val = ((n as f64) / 1000f64.powi(e as i32) * 10.0 + 0.5).floor() / 10.0;
    if val < 10.0 { format!("{val:.1} {}", units[e]) } else { format!("{val:.0} {}", units[e]) }
}
