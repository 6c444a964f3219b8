//! What the files panel shows for an opened file beyond its bytes, computed without browser
//! code: a certificate decoded (subject, issuer, validity against the session's clock, SANs,
//! key usages, and which CA file on this node signed it), a note for a private key, and an etcd
//! snapshot's `snapshot status` (the same code as the command). `src/web/files.rs` renders it.

use crate::cluster::clock::{now_unix, openssl_date};
use crate::cluster::pki::{self, Certificate, PemError, San};
use crate::etcdctl::snapshot::{status_of, status_row};
use crate::vfs::{Node, Vfs};

/// Who signed a certificate, as far as this node's files tell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Signer {
    /// Issuer and signing key are its own (a root CA).
    SelfSigned,
    /// CA certificate files on this node whose key signed it.
    Files(Vec<String>),
    /// No CA certificate on this node carries the key that signed it.
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertInfo {
    /// openssl's `CN = docker-01`.
    pub subject: String,
    pub issuer: String,
    /// Hex, as `openssl x509 -serial` prints it.
    pub serial: String,
    pub not_before: String,
    pub not_after: String,
    /// Past its notAfter at the session's clock.
    pub expired: bool,
    /// Before its notBefore at the session's clock.
    pub not_yet_valid: bool,
    pub is_ca: bool,
    /// ("DNS" | "IP", value).
    pub sans: Vec<(&'static str, String)>,
    pub key_usage: String,
    pub ext_key_usage: Option<String>,
    pub signer: Signer,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileView {
    /// Every certificate in the file (a CA bundle may hold several).
    Certs(Vec<CertInfo>),
    /// A PEM or .crt file that does not decode: (Go's error text).
    BadCert(&'static str),
    PrivateKey,
    /// `snapshot status -w table`'s header cells and row, or the error line and explanation.
    Snapshot(Result<[String; 4], (String, Option<crate::i18n::Text>)>),
}

pub const STATUS_HEADER: [&str; 4] = ["HASH", "REVISION", "TOTAL KEYS", "TOTAL SIZE"];

fn name_is(path: &str, exts: &[&str]) -> bool {
    exts.iter().any(|e| path.ends_with(e))
}

/// What to show for the file at `path` with `data`, or None for plain text or bytes.
/// `clock_ms` is the session's clock (for expiry).
pub fn view(vfs: &Vfs, path: &str, data: &[u8], clock_ms: u64) -> Option<FileView> {
    pem_view(vfs, path, data, clock_ms).or_else(|| snapshot_view(path, data))
}

/// A certificate or key file's view. Depends on the other files (the signer) and the clock.
pub fn pem_view(vfs: &Vfs, path: &str, data: &[u8], clock_ms: u64) -> Option<FileView> {
    let blocks = if data.len() <= 1 << 20 { pki::pem_blocks(data) } else { Vec::new() };
    if blocks.iter().any(|(l, _)| l == "CERTIFICATE") || name_is(path, &[".crt", ".pem"]) && !blocks.iter().any(|(l, _)| l.ends_with("PRIVATE KEY")) {
        return Some(match pki::parse_certs(data) {
            Ok(certs) => FileView::Certs(certs.iter().map(|c| decode(vfs, c, clock_ms)).collect()),
            Err(PemError::NoPem) => FileView::BadCert("tls: failed to find any PEM data in certificate input"),
            Err(PemError::Malformed) => FileView::BadCert("x509: malformed certificate"),
        });
    }
    if blocks.iter().any(|(l, _)| l.ends_with("PRIVATE KEY")) {
        return Some(FileView::PrivateKey);
    }
    None
}

/// A snapshot's view (a `*.db` file, or any file with a bbolt header). Depends on the bytes
/// alone, so the page computes it once per file version (status walks every key).
pub fn snapshot_view(path: &str, data: &[u8]) -> Option<FileView> {
    (name_is(path, &[".db"]) || crate::snapshot::bolt::BoltFile::open(data).is_ok())
        .then(|| FileView::Snapshot(status_of(path, data).map(|st| status_row(&st)).map_err(|e| (e.line, e.explain))))
}

fn decode(vfs: &Vfs, c: &Certificate, clock_ms: u64) -> CertInfo {
    let now = now_unix(clock_ms);
    let ext = crate::openssl::extensions(c);
    let find = |t: &str| ext.iter().find(|(title, _)| title.starts_with(t)).map(|(_, v)| v.clone());
    let hex = format!("{:X}", c.serial);
    CertInfo {
        subject: format!("CN = {}", c.subject_cn),
        issuer: format!("CN = {}", c.issuer_cn),
        serial: if hex.len() % 2 == 1 { format!("0{hex}") } else { hex },
        not_before: openssl_date(c.not_before),
        not_after: openssl_date(c.not_after),
        expired: now > c.not_after,
        not_yet_valid: now < c.not_before,
        is_ca: c.is_ca,
        sans: c.sans.iter().map(|s| match s {
            San::Dns(d) => ("DNS", d.clone()),
            San::Ip(i) => ("IP", i.clone()),
        }).collect(),
        key_usage: find("X509v3 Key Usage").unwrap_or_default(),
        ext_key_usage: find("X509v3 Extended Key Usage"),
        signer: signer(vfs, c),
    }
}

/// The CA certificate files (`*.crt`, `*.pem`) on this node whose key signed `c`.
fn signer(vfs: &Vfs, c: &Certificate) -> Signer {
    if c.is_ca && c.signed_by == c.public_key && c.issuer_cn == c.subject_cn {
        return Signer::SelfSigned;
    }
    let mut found = Vec::new();
    for (path, node) in vfs.paths() {
        let Node::File { data, .. } = node else { continue };
        if !name_is(path, &[".crt", ".pem"]) || data.len() > 1 << 20 {
            continue;
        }
        if pki::parse_certs(data).is_ok_and(|cas| cas.iter().any(|ca| c.signed_by(ca))) {
            found.push(path.clone());
        }
    }
    if found.is_empty() {
        Signer::Unknown
    } else {
        Signer::Files(found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shell::Session;

    fn open(s: &Session, path: &str) -> Option<FileView> {
        view(&s.world.vfs, path, s.world.vfs.read(path).unwrap(), s.world.clock_ms)
    }

    #[test]
    fn etcd_server_certificate_decodes_with_its_signing_ca() {
        let s = Session::new("kubeadm").unwrap();
        let Some(FileView::Certs(c)) = open(&s, "/etc/kubernetes/pki/etcd/server.crt") else { panic!("a certificate") };
        let c = &c[0];
        assert_eq!((c.subject.as_str(), c.issuer.as_str()), ("CN = docker-01", "CN = etcd-ca"));
        assert!(!c.expired && !c.not_yet_valid && !c.is_ca);
        assert!(c.sans.contains(&("IP", "172.17.0.2".into())) && c.sans.contains(&("DNS", "localhost".into())), "{:?}", c.sans);
        assert_eq!(c.key_usage, "Digital Signature, Key Encipherment");
        assert_eq!(c.ext_key_usage.as_deref(), Some("TLS Web Server Authentication, TLS Web Client Authentication"));
        assert_eq!(c.signer, Signer::Files(vec!["/etc/kubernetes/pki/etcd/ca.crt".into()]));
        // Dates as `openssl x509 -dates` prints them.
        let args = ["openssl", "x509", "-in", "/etc/kubernetes/pki/etcd/server.crt", "-noout", "-dates"];
        let mut p = crate::process::Proc { args: args.map(String::from).to_vec(), cwd: "/".into(), ..Default::default() };
        let mut w = s.world.clone();
        crate::openssl::main(&mut w, &mut p);
        assert_eq!(p.stdout_text(), format!("notBefore={}\nnotAfter={}\n", c.not_before, c.not_after));
        // The CA itself is self-signed; the API server's client cert chains to etcd-ca too.
        let Some(FileView::Certs(ca)) = open(&s, "/etc/kubernetes/pki/etcd/ca.crt") else { panic!() };
        assert!(ca[0].is_ca && ca[0].signer == Signer::SelfSigned && ca[0].ext_key_usage.is_none());
        let Some(FileView::Certs(k)) = open(&s, "/etc/kubernetes/pki/apiserver-kubelet-client.crt") else { panic!() };
        assert_eq!(k[0].signer, Signer::Files(vec!["/etc/kubernetes/pki/ca.crt".into()]));
        assert_eq!(k[0].ext_key_usage.as_deref(), Some("TLS Web Client Authentication"));
    }

    #[test]
    fn expired_and_foreign_certificates() {
        let s = Session::new("kubeadm-expired-cert").unwrap();
        let Some(FileView::Certs(c)) = open(&s, "/etc/kubernetes/pki/etcd/server.crt") else { panic!() };
        assert!(c[0].expired);
        let mut s = Session::new("kubeadm").unwrap();
        // A certificate whose CA is not on the node, and a copy of the CA: both copies count.
        s.execute("cp /etc/kubernetes/pki/etcd/ca.crt /tmp/ca-copy.pem");
        let Some(FileView::Certs(c)) = open(&s, "/etc/kubernetes/pki/etcd/peer.crt") else { panic!() };
        assert_eq!(c[0].signer, Signer::Files(vec!["/etc/kubernetes/pki/etcd/ca.crt".into(), "/tmp/ca-copy.pem".into()]));
        s.execute("rm /etc/kubernetes/pki/etcd/ca.crt /tmp/ca-copy.pem");
        let Some(FileView::Certs(c)) = open(&s, "/etc/kubernetes/pki/etcd/peer.crt") else { panic!() };
        assert_eq!(c[0].signer, Signer::Unknown);
    }

    #[test]
    fn keys_garbage_and_plain_files() {
        let mut s = Session::new("kubeadm").unwrap();
        assert_eq!(open(&s, "/etc/kubernetes/pki/etcd/server.key"), Some(FileView::PrivateKey));
        s.execute("echo hello > /tmp/bad.crt");
        s.world.vfs.write("/tmp/cut.pem", b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n".to_vec()).unwrap();
        assert_eq!(open(&s, "/tmp/bad.crt"), Some(FileView::BadCert("tls: failed to find any PEM data in certificate input")));
        assert_eq!(open(&s, "/tmp/cut.pem"), Some(FileView::BadCert("x509: malformed certificate")));
        assert_eq!(open(&s, "/etc/kubernetes/manifests/etcd.yaml"), None);
    }

    fn stdout(s: &mut Session, line: &str) -> String {
        let ex = s.execute(line);
        ex.chunks.iter().filter_map(|c| if let crate::process::Chunk::Stdout(t) = c { Some(t.as_str()) } else { None }).collect()
    }

    #[test]
    fn snapshot_status_matches_the_command() {
        let mut s = Session::new("kubeadm").unwrap();
        let tls = "--cacert /etc/kubernetes/pki/etcd/ca.crt --cert /etc/kubernetes/pki/etcd/server.crt --key /etc/kubernetes/pki/etcd/server.key";
        s.execute(&format!("etcdctl {tls} put k1 v1"));
        s.execute(&format!("etcdctl {tls} --endpoints https://127.0.0.1:2379 snapshot save /root/backup.db"));
        let table = stdout(&mut s, "etcdutl snapshot status /root/backup.db -w table");
        let Some(FileView::Snapshot(Ok(row))) = open(&s, "/root/backup.db") else { panic!("a snapshot: {table}") };
        let cells: Vec<&str> = table.lines().nth(3).unwrap().split('|').map(str::trim).filter(|c| !c.is_empty()).collect();
        assert_eq!(cells, row.iter().map(String::as_str).collect::<Vec<_>>());
        assert!(row[1].parse::<i64>().unwrap() > 1 && row[2].parse::<u64>().unwrap() > 1, "{row:?}");
        // A copy under another name is still recognised by its bbolt header.
        s.execute("cp /root/backup.db /root/snapshotdb");
        assert_eq!(open(&s, "/root/snapshotdb"), Some(FileView::Snapshot(Ok(row))));
        // Garbage named *.db: the command's own error, with its explanation; an empty one too.
        s.execute("echo not a database > /root/bad.db; touch /root/empty.db");
        let Some(FileView::Snapshot(Err((line, explain)))) = open(&s, "/root/bad.db") else { panic!() };
        let ex = s.execute("etcdutl snapshot status /root/bad.db");
        assert!(ex.chunks.contains(&crate::process::Chunk::Stderr(format!("Error: {line}\n"))), "{:?}", ex.chunks);
        assert!(explain.is_some());
        let Some(FileView::Snapshot(Err((line, _)))) = open(&s, "/root/empty.db") else { panic!() };
        assert_eq!(line, "write /root/empty.db: bad file descriptor");
        // Truncated halfway: an error, never a panic.
        let data = s.world.vfs.read("/root/backup.db").unwrap().to_vec();
        // (Cutting only the SHA-256 trailer leaves a valid database: status does not read it.)
        assert!(matches!(view(&s.world.vfs, "/x.db", &data[..data.len() - 32], 0), Some(FileView::Snapshot(Ok(_)))));
        for cut in [16, 100, 4096, data.len() / 2] {
            assert!(matches!(view(&s.world.vfs, "/x.db", &data[..cut], 0), Some(FileView::Snapshot(Err(_)))), "cut at {cut}");
        }
    }

    #[test]
    fn garbage_never_panics() {
        let s = Session::new("kubeadm").unwrap();
        let good = s.world.vfs.read("/etc/kubernetes/pki/etcd/server.crt").unwrap().to_vec();
        let mut x: u64 = 0x1234_5678;
        for round in 0..300 {
            let mut data = if round % 2 == 0 { good.clone() } else { Vec::new() };
            for _ in 0..(round % 40) {
                x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
                let b = (x >> 33) as u8;
                if data.is_empty() || round % 3 == 0 {
                    data.push(b);
                } else {
                    let i = (x >> 40) as usize % data.len();
                    data[i] = b;
                }
            }
            for name in ["/x.crt", "/x.key", "/x.db", "/x"] {
                let _ = view(&s.world.vfs, name, &data, 0);
            }
        }
    }
}
