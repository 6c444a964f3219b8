//! The TLS handshake failures of `src/cluster/tls.rs`, compared with real etcd 3.4.23 over real
//! TLS on loopback. `openssl` makes a CA and certificates shaped like kubeadm's (etcd-ca, the
//! server certificate with the node's SANs, healthcheck-client, the Kubernetes CA and one of
//! its client certificates), real `etcd` serves with `--client-cert-auth`, real `etcdctl` runs
//! each case; the simulator runs the same command against the `kubeadm` scenarios. Paths,
//! ports, timestamps and the random client id are normalized; everything else, exit status
//! included, must match.
//!
//! Needs /usr/bin/etcd, /usr/bin/etcdctl and openssl: without them the test fails loudly.

use etcd_playground::shell::Session;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

fn need(tool: &str) {
    let ok = Command::new(tool).arg("version").stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok() || Path::new(tool).exists();
    assert!(ok, "tls_oracle needs `{tool}` (real etcd 3.4.23 and openssl); it is missing, so the TLS simulation cannot be checked");
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn sh(dir: &Path, script: &str) {
    let out = Command::new("bash").arg("-ec").arg(script).current_dir(dir).output().expect("bash");
    assert!(out.status.success(), "openssl setup failed:\n{}", String::from_utf8_lossy(&out.stderr));
}

/// Lays out `<root>/pki/etcd/...` and `<root>/pki/...` as kubeadm does (`root` stands for /etc/kubernetes).
fn make_pki(root: &Path) {
    std::fs::create_dir_all(root.join("pki/etcd")).unwrap();
    sh(
        root,
        r#"
cd pki
leaf() { # path cn san ca usage
  openssl req -new -newkey rsa:2048 -nodes -keyout $1.key -subj "/CN=$2" -out $1.csr 2>/dev/null
  { [ -n "$3" ] && echo "subjectAltName=$3"; echo "keyUsage=critical,digitalSignature,keyEncipherment"; echo "extendedKeyUsage=$5"; } > $1.ext
  openssl x509 -req -in $1.csr -CA $4.crt -CAkey $4.key -CAcreateserial -days 365 -extfile $1.ext -out $1.crt 2>/dev/null
}
openssl req -x509 -newkey rsa:2048 -nodes -keyout etcd/ca.key -subj "/CN=etcd-ca" -days 3650 -out etcd/ca.crt 2>/dev/null
openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -subj "/CN=kubernetes" -days 3650 -out ca.crt 2>/dev/null
ALL="DNS:docker-01,DNS:localhost,IP:172.17.0.2,IP:127.0.0.1,IP:0:0:0:0:0:0:0:1"
leaf etcd/server docker-01 "$ALL" etcd/ca serverAuth,clientAuth
leaf etcd/peer docker-01 "$ALL" etcd/ca serverAuth,clientAuth
leaf etcd/healthcheck-client kube-etcd-healthcheck-client "" etcd/ca clientAuth
leaf apiserver-kubelet-client kube-apiserver-kubelet-client "" ca clientAuth
# The server certificate without the address the client dials (here 127.0.0.1).
leaf etcd/nosan docker-01 "DNS:docker-01,DNS:localhost,IP:0:0:0:0:0:0:0:1" etcd/ca serverAuth,clientAuth
# An expired server certificate: `openssl ca` can backdate.
mkdir -p db && : > db/index.txt && echo 1000 > db/serial
printf '[ca]\ndefault_ca=c\n[c]\ndatabase=db/index.txt\nserial=db/serial\nnew_certs_dir=db\ndefault_md=sha256\npolicy=p\ncopy_extensions=copy\n[p]\ncommonName=supplied\n' > ca.cnf
openssl req -new -newkey rsa:2048 -nodes -keyout etcd/expired.key -subj "/CN=docker-01" -addext "subjectAltName=$ALL" -out etcd/expired.csr 2>/dev/null
openssl ca -batch -config ca.cnf -cert etcd/ca.crt -keyfile etcd/ca.key -in etcd/expired.csr -out etcd/expired.crt -startdate 20240101000000Z -enddate 20240102000000Z -notext 2>/dev/null
"#,
    );
}

struct Etcd(Child, PathBuf);

impl Drop for Etcd {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
        let _ = std::fs::remove_dir_all(&self.1);
    }
}

/// Real etcd serving TLS with the given server certificate, as kubeadm configures it.
fn start_etcd(root: &Path, cert: &str, port: u16) -> Etcd {
    let peer = free_port();
    let data = root.join(format!("data-{port}"));
    let pki = root.join("pki/etcd");
    let child = Command::new("/usr/bin/etcd")
        .args(["--name", "docker-01", "--data-dir"])
        .arg(&data)
        .args(["--listen-client-urls", &format!("https://127.0.0.1:{port}"), "--advertise-client-urls", &format!("https://127.0.0.1:{port}")])
        .args(["--listen-peer-urls", &format!("http://127.0.0.1:{peer}"), "--initial-advertise-peer-urls", &format!("http://127.0.0.1:{peer}")])
        .args(["--initial-cluster", &format!("docker-01=http://127.0.0.1:{peer}")])
        .arg("--cert-file")
        .arg(pki.join(format!("{cert}.crt")))
        .arg("--key-file")
        .arg(pki.join(format!("{cert}.key")))
        .arg("--trusted-ca-file")
        .arg(pki.join("ca.crt"))
        .arg("--client-cert-auth")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start /usr/bin/etcd");
    let etcd = Etcd(child, data);
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return etcd;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("real etcd did not start on 127.0.0.1:{port}");
}

/// One case: the etcdctl arguments (with `{P}` for the pki root's `etcd` dir, `{K}` for the
/// pki root, `{E}` for the endpoint's host:port, `{L}` for it as `localhost:port`), which server certificate, which scenario.
struct Case {
    args: &'static str,
    server: &'static str,
    scenario: &'static str,
    /// The host:port the simulator dials (the real one is always 127.0.0.1:<port>).
    sim_host: &'static str,
}

const CASES: &[Case] = &[
    Case { args: "--endpoints {E} get foo", server: "server", scenario: "kubeadm", sim_host: "127.0.0.1:2379" },
    Case { args: "--endpoints https://{E} get foo", server: "server", scenario: "kubeadm", sim_host: "127.0.0.1:2379" },
    Case { args: "--endpoints https://{E} --cacert {P}/ca.crt get foo", server: "server", scenario: "kubeadm", sim_host: "127.0.0.1:2379" },
    Case { args: "--endpoints https://{E} --cacert {K}/ca.crt --cert {P}/server.crt --key {P}/server.key get foo", server: "server", scenario: "kubeadm", sim_host: "127.0.0.1:2379" },
    Case { args: "--endpoints https://{E} --cacert {P}/ca.crt --cert {K}/apiserver-kubelet-client.crt --key {K}/apiserver-kubelet-client.key get foo", server: "server", scenario: "kubeadm", sim_host: "127.0.0.1:2379" },
    Case { args: "--endpoints http://{E} --cacert {P}/ca.crt --cert {P}/server.crt --key {P}/server.key get foo", server: "server", scenario: "kubeadm", sim_host: "127.0.0.1:2379" },
    Case { args: "--endpoints https://{E} --cacert {P}/ca.crt --cert {P}/server.crt --key {P}/peer.key get foo", server: "server", scenario: "kubeadm", sim_host: "127.0.0.1:2379" },
    Case { args: "--endpoints https://{E} --cacert {P}/ca.crt --cert {P}/server.crt --key {P}/nope.key get foo", server: "server", scenario: "kubeadm", sim_host: "127.0.0.1:2379" },
    Case { args: "--endpoints https://{E} --cacert {P}/ca.pem --cert {P}/server.crt --key {P}/server.key get foo", server: "server", scenario: "kubeadm", sim_host: "127.0.0.1:2379" },
    Case { args: "--endpoints https://{E} --cacert {P}/ca.crt --cert {P}/server.crt get foo", server: "server", scenario: "kubeadm", sim_host: "127.0.0.1:2379" },
    Case { args: "--endpoints https://{E} --cacert {P}/ca.crt --key {P}/server.key get foo", server: "server", scenario: "kubeadm", sim_host: "127.0.0.1:2379" },
    Case { args: "--endpoints https://{E} --cacert {P}/ca.crt --cert {P}/server.crt --key {P}/server.crt get foo", server: "server", scenario: "kubeadm", sim_host: "127.0.0.1:2379" },
    Case { args: "--endpoints https://{E} --cacert {P}/ca.crt --cert {P}/healthcheck-client.crt --key {P}/healthcheck-client.key put foo bar", server: "server", scenario: "kubeadm", sim_host: "127.0.0.1:2379" },
    // No scheme, but TLS flags: etcdctl speaks TLS and succeeds (a key nobody writes: no output).
    Case { args: "--endpoints {E} --cacert {P}/ca.crt --cert {P}/server.crt --key {P}/server.key get never-written", server: "server", scenario: "kubeadm", sim_host: "127.0.0.1:2379" },
    Case { args: "--endpoints https://{E} --cacert {P}/ca.crt endpoint health", server: "server", scenario: "kubeadm", sim_host: "127.0.0.1:2379" },
    Case { args: "--endpoints https://{E} --cacert {P}/ca.crt --cert {P}/server.crt --key {P}/peer.key endpoint health", server: "server", scenario: "kubeadm", sim_host: "127.0.0.1:2379" },
    // Lesson 10's broken setups, as its learners see them (`endpoint health` with no flags).
    Case { args: "--endpoints https://{E} --cacert {K}/ca.crt --cert {P}/server.crt --key {P}/server.key endpoint health", server: "server", scenario: "kubeadm", sim_host: "127.0.0.1:2379" },
    Case { args: "--endpoints https://{E} --cacert {P}/ca.crt --cert {P}/server.crt --key {P}/server.key endpoint health", server: "nosan", scenario: "kubeadm-san-missing", sim_host: "172.17.0.2:2379" },
    // `localhost` resolves to 127.0.0.1, where etcd listens, and is in the certificate's SANs.
    Case { args: "--endpoints https://{L} --cacert {P}/ca.crt --cert {P}/server.crt --key {P}/server.key endpoint health", server: "nosan", scenario: "kubeadm-san-missing", sim_host: "localhost:2379" },
    Case { args: "--endpoints https://{E} --cacert {P}/ca.crt --cert {P}/server.crt --key {P}/server.key get foo", server: "expired", scenario: "kubeadm-expired-cert", sim_host: "127.0.0.1:2379" },
    Case { args: "--endpoints https://{E} --cacert {P}/ca.crt --cert {P}/server.crt --key {P}/server.key get foo", server: "nosan", scenario: "kubeadm-san-missing", sim_host: "172.17.0.2:2379" },
    Case { args: "--endpoints https://{E} --cacert {P}/ca.crt --cert {P}/server.crt --key {P}/server.key get foo", server: "server", scenario: "kubeadm-wrong-ca", sim_host: "127.0.0.1:2379" },
    // --insecure-skip-tls-verify: no check of the server's certificate (not even an expired,
    // SAN-less or foreign one), but etcd still checks the client's (issue 15).
    Case { args: "--endpoints {E} --insecure-skip-tls-verify --cert {P}/server.crt --key {P}/server.key put skip yes", server: "server", scenario: "kubeadm", sim_host: "127.0.0.1:2379" },
    // (The expired scenario's server.crt is the expired one: the client presents healthcheck-client.)
    Case { args: "--endpoints https://{E} --insecure-skip-tls-verify --cert {P}/healthcheck-client.crt --key {P}/healthcheck-client.key get never-written", server: "expired", scenario: "kubeadm-expired-cert", sim_host: "127.0.0.1:2379" },
    Case { args: "--endpoints https://{E} --insecure-skip-tls-verify --cert {P}/server.crt --key {P}/server.key get never-written", server: "nosan", scenario: "kubeadm-san-missing", sim_host: "172.17.0.2:2379" },
    Case { args: "--endpoints https://{E} --insecure-skip-tls-verify --cacert {P}/ca.crt --cert {P}/server.crt --key {P}/server.key get never-written", server: "server", scenario: "kubeadm-wrong-ca", sim_host: "127.0.0.1:2379" },
    Case { args: "--endpoints https://{E} --insecure-skip-tls-verify --cacert {P}/ca.crt get foo", server: "server", scenario: "kubeadm", sim_host: "127.0.0.1:2379" },
];

/// Masks what differs from run to run: the log timestamp, the random gRPC client id and the
/// measured round trip.
fn normalize(s: &str) -> String {
    let mut out = String::new();
    for line in s.lines() {
        let mut l = line.to_string();
        if let Some(i) = l.find("\"ts\":\"") {
            if let Some(j) = l[i + 6..].find('"') {
                l.replace_range(i + 6..i + 6 + j, "TS");
            }
        }
        if let Some(i) = l.find("endpoint://client-") {
            l.replace_range(i + 18..i + 18 + 36, "ID");
        }
        // `endpoint health`'s round trip time.
        if let Some(i) = l.find("took = ") {
            l.replace_range(i + 7.., "T");
        }
        out.push_str(&l);
        out.push('\n');
    }
    out
}

fn real(case: &Case, root: &Path, port: u16, wrong_ca_root: &Path) -> String {
    // kubeadm-wrong-ca: the server cert is signed by the Kubernetes CA, so the real run serves
    // a certificate issued by `pki/ca.crt` — made on the fly in its own tree.
    let root = if case.scenario == "kubeadm-wrong-ca" { wrong_ca_root } else { root };
    let args = case.args.replace("{P}", &format!("{}/pki/etcd", root.display())).replace("{K}", &format!("{}/pki", root.display())).replace("{E}", &format!("127.0.0.1:{port}")).replace("{L}", &format!("localhost:{port}"));
    let out = Command::new("/usr/bin/etcdctl").args(args.split(' ')).env("ETCDCTL_API", "3").output().expect("run etcdctl");
    let text = format!("{}{}exit {}\n", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr), out.status.code().unwrap_or(-1));
    text.replace(&format!("{}/pki", root.display()), "/etc/kubernetes/pki").replace(&format!("127.0.0.1:{port}"), case.sim_host).replace(&format!("localhost:{port}"), case.sim_host)
}

fn simulated(case: &Case) -> String {
    let mut s = Session::new(case.scenario).unwrap();
    // The oracle is etcdctl 3.4.23: compare with the simulator's 3.4 client on the kubeadm PKI
    // (the scenarios run 3.5.16, whose warning line differs; see etcdctl::warning_35).
    s.world.etcd.version = etcd_playground::cluster::EtcdVersion::debian_3_4_23();
    let args = case.args.replace("{P}", "/etc/kubernetes/pki/etcd").replace("{K}", "/etc/kubernetes/pki").replace("{E}", case.sim_host).replace("{L}", case.sim_host);
    let r = s.execute(&format!("etcdctl {args}"));
    format!("{}exit {}\n", r.text(), r.exit)
}

#[test]
fn handshake_failures_match_real_etcd_over_tls() {
    need("/usr/bin/etcd");
    need("/usr/bin/etcdctl");
    need("openssl");
    let tmp = std::env::temp_dir().join(format!("tls-oracle-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    let root = tmp.join("main");
    let wrong = tmp.join("wrong");
    make_pki(&root);
    make_pki(&wrong);
    // wrong-ca: re-issue the server certificate with the Kubernetes CA.
    sh(&wrong.join("pki"), "openssl x509 -req -in etcd/server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 365 -extfile etcd/server.ext -out etcd/server.crt 2>/dev/null");
    let mut servers = std::collections::BTreeMap::new();
    let mut etcds = Vec::new();
    for (name, scen_root) in [("server", &root), ("expired", &root), ("nosan", &root), ("wrong", &wrong)] {
        let port = free_port();
        let cert = if name == "wrong" { "server" } else { name };
        etcds.push(start_etcd(scen_root, cert, port));
        servers.insert(name, port);
    }
    // Failing cases wait out the 5 s command timeout: run them side by side.
    let results: Vec<(String, String, String)> = std::thread::scope(|sc| {
        let handles: Vec<_> = CASES
            .iter()
            .map(|c| {
                let key = if c.scenario == "kubeadm-wrong-ca" { "wrong" } else { c.server };
                let port = servers[key];
                let (root, wrong) = (&root, &wrong);
                sc.spawn(move || (c.args.to_string() + " [" + c.scenario + "]", normalize(&real(c, root, port, wrong)), normalize(&simulated(c))))
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    drop(etcds);
    let _ = std::fs::remove_dir_all(&tmp);
    let mut failures = Vec::new();
    for (what, real, sim) in &results {
        if real != sim {
            failures.push(format!("etcdctl {what}\n--- real etcd 3.4.23\n{real}--- simulated\n{sim}"));
        }
    }
    assert!(failures.is_empty(), "{} of {} cases differ:\n{}", failures.len(), results.len(), failures.join("\n"));
}
