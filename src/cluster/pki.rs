//! Simulated X.509: the certificates and keys a kubeadm node keeps in `/etc/kubernetes/pki/`.
//! A certificate is plain data — subject, issuer, SANs, validity, key usage, serial — plus
//! two key identities: the key pair it certifies (`public_key`) and the key that signed it
//! (`signed_by`). "Signed by this CA" means `signed_by` is the CA's key; "the key matches the
//! certificate" means the private key file holds the same identity.
//!
//! On disk they look like PEM (`-----BEGIN CERTIFICATE-----` and base64 lines); the base64
//! body is this crate's CBOR encoding of the struct, so [`parse_cert`] reads back exactly what
//! [`Certificate::to_pem`] wrote, and an edited or truncated file fails to parse, as it
//! would for Go's `crypto/tls`.
//!
//! ```
//! use etcd_playground::cluster::pki::*;
//! let ca_key = PrivateKey::new(1);
//! let ca = Certificate::ca("etcd-ca", &ca_key, 0, 3650);
//! let key = PrivateKey::new(2);
//! let server = Certificate::leaf("docker-01", &key, &ca, &ca_key, 0, 365, &[San::Ip("127.0.0.1".into())], Usage::ServerClient);
//! assert!(server.signed_by(&ca));
//! assert_eq!(parse_cert(server.to_pem().as_bytes()).unwrap(), server);
//! assert!(key.matches(&server) && !ca_key.matches(&server));
//! ```

use serde::{Deserialize, Serialize};

/// A key pair's identity (real keys are 2048-bit RSA; only identity matters to a handshake).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrivateKey {
    pub id: u64,
    pub bits: u32,
}

impl PrivateKey {
    pub fn new(id: u64) -> Self {
        PrivateKey { id, bits: 2048 }
    }

    pub fn matches(&self, cert: &Certificate) -> bool {
        self.id == cert.public_key
    }

    pub fn to_pem(&self) -> String {
        pem("RSA PRIVATE KEY", &cbor(self))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum San {
    Dns(String),
    Ip(String),
}

/// Extended key usage of a leaf certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Usage {
    Server,
    Client,
    ServerClient,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Certificate {
    pub serial: u64,
    /// The subject's common name (kubeadm's etcd certificates carry only a CN).
    pub subject_cn: String,
    pub issuer_cn: String,
    /// Unix seconds.
    pub not_before: i64,
    pub not_after: i64,
    pub public_key: u64,
    pub signed_by: u64,
    pub is_ca: bool,
    pub usage: Option<Usage>,
    pub sans: Vec<San>,
}

impl Certificate {
    /// A self-signed CA as kubeadm makes it (`etcd-ca`, ten years).
    pub fn ca(cn: &str, key: &PrivateKey, created: i64, days: i64) -> Self {
        Certificate {
            serial: serial(key.id, created),
            subject_cn: cn.into(),
            issuer_cn: cn.into(),
            not_before: created - 300,
            not_after: created + days * 86_400,
            public_key: key.id,
            signed_by: key.id,
            is_ca: true,
            usage: None,
            sans: vec![San::Dns(cn.into())],
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub fn leaf(cn: &str, key: &PrivateKey, ca: &Certificate, ca_key: &PrivateKey, created: i64, days: i64, sans: &[San], usage: Usage) -> Self {
        Certificate {
            serial: serial(key.id ^ ca.public_key, created),
            subject_cn: cn.into(),
            issuer_cn: ca.subject_cn.clone(),
            not_before: created - 300,
            not_after: created + days * 86_400,
            public_key: key.id,
            signed_by: ca_key.id,
            is_ca: false,
            usage: Some(usage),
            sans: sans.to_vec(),
        }
    }

    /// `kubeadm certs renew`: the same subject, SANs and usages, a new key pair, issued by
    /// `ca` at `now` — valid from the CA's own notBefore until a year from now, as kubeadm's
    /// `pkiutil.NewSignedCert` does.
    pub fn renewed(&self, ca: &Certificate, ca_key: &PrivateKey, now: i64) -> (Certificate, PrivateKey) {
        let key = PrivateKey::new(serial(self.public_key, now) | 0x4000_0000_0000_0000);
        let mut cert = Certificate::leaf(&self.subject_cn, &key, ca, ca_key, now, 365, &self.sans, self.usage.unwrap_or(Usage::ServerClient));
        cert.not_before = ca.not_before;
        cert.not_after = now + 365 * 86_400;
        (cert, key)
    }

    /// Verifies the signature chain to `ca` (one level, as kubeadm's etcd PKI has).
    pub fn signed_by(&self, ca: &Certificate) -> bool {
        ca.is_ca && self.signed_by == ca.public_key && self.issuer_cn == ca.subject_cn
    }

    pub fn to_pem(&self) -> String {
        pem("CERTIFICATE", &cbor(self))
    }

    pub fn valid_at(&self, t: i64) -> bool {
        t >= self.not_before && t <= self.not_after
    }

    pub fn server_auth(&self) -> bool {
        matches!(self.usage, Some(Usage::Server | Usage::ServerClient))
    }

    pub fn client_auth(&self) -> bool {
        matches!(self.usage, Some(Usage::Client | Usage::ServerClient))
    }

    /// The 20-byte key identifier openssl prints (`Subject Key Identifier`), from a key id.
    pub fn key_identifier(id: u64) -> String {
        let h = super::kube::hex_id(&format!("ski{id}")).to_ascii_uppercase();
        h.as_bytes()[..40].chunks(2).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join(":")
    }
}

fn serial(a: u64, b: i64) -> u64 {
    let mut x = a ^ (b as u64).rotate_left(17) ^ 0x9e37_79b9_7f4a_7c15;
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 29;
    x & 0x7fff_ffff_ffff_ffff
}

fn cbor<T: Serialize>(v: &T) -> Vec<u8> {
    let mut out = Vec::new();
    let _ = ciborium::into_writer(v, &mut out);
    out
}

fn pem(label: &str, body: &[u8]) -> String {
    let b64 = base64_encode(body);
    let mut s = format!("-----BEGIN {label}-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        s.push_str(&String::from_utf8_lossy(chunk));
        s.push('\n');
    }
    s.push_str(&format!("-----END {label}-----\n"));
    s
}

/// The blocks of a PEM file: (label, decoded body). Non-PEM text around them is skipped, as
/// Go's `pem.Decode` does.
pub fn pem_blocks(data: &[u8]) -> Vec<(String, Option<Vec<u8>>)> {
    let text = String::from_utf8_lossy(data);
    let mut out = Vec::new();
    let mut cur: Option<(String, String)> = None;
    for line in text.lines() {
        let line = line.trim();
        if let Some(label) = line.strip_prefix("-----BEGIN ").and_then(|l| l.strip_suffix("-----")) {
            cur = Some((label.to_string(), String::new()));
        } else if let Some(label) = line.strip_prefix("-----END ").and_then(|l| l.strip_suffix("-----")) {
            if let Some((l, body)) = cur.take() {
                if l == label {
                    out.push((l, base64_decode(&body)));
                }
            }
        } else if let Some((_, body)) = cur.as_mut() {
            body.push_str(line);
        }
    }
    out
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PemError {
    /// No PEM block of the right kind: Go's `tls: failed to find any PEM data in ... input`.
    NoPem,
    /// A block that does not decode: Go's `x509: malformed certificate` and friends.
    Malformed,
}

/// Every certificate in a file (a CA bundle may hold several).
pub fn parse_certs(data: &[u8]) -> Result<Vec<Certificate>, PemError> {
    let blocks: Vec<_> = pem_blocks(data).into_iter().filter(|(l, _)| l == "CERTIFICATE").collect();
    if blocks.is_empty() {
        return Err(PemError::NoPem);
    }
    blocks.into_iter().map(|(_, b)| b.and_then(|b| crate::cbor::from_slice::<Certificate>(b.as_slice()).ok()).ok_or(PemError::Malformed)).collect()
}

pub fn parse_cert(data: &[u8]) -> Result<Certificate, PemError> {
    parse_certs(data).map(|mut v| v.remove(0))
}

pub fn parse_key(data: &[u8]) -> Result<PrivateKey, PemError> {
    let Some((_, body)) = pem_blocks(data).into_iter().find(|(l, _)| l.ends_with("PRIVATE KEY")) else { return Err(PemError::NoPem) };
    body.and_then(|b| crate::cbor::from_slice::<PrivateKey>(b.as_slice()).ok()).ok_or(PemError::Malformed)
}

pub fn base64_encode(data: &[u8]) -> String {
    crate::b64::encode(data)
}

pub fn base64_decode(s: &str) -> Option<Vec<u8>> {
    crate::b64::decode(s.as_bytes())
}

/// The files `kubeadm init` writes on `node` (path, contents), all issued at `created` (unix
/// seconds): the etcd CA, the server and peer certificates with the node's names and
/// addresses, the healthcheck client and the API server's etcd client; then the Kubernetes
/// CA and its certificates, the front proxy's, the service-account keys and the kubeconfig
/// files (`admin.conf`, `super-admin.conf`, `controller-manager.conf`, `scheduler.conf`).
pub struct KubeadmPki {
    pub ca_key: PrivateKey,
    pub ca: Certificate,
    pub files: Vec<(String, String)>,
}

/// A certificate and its key as `PATH.crt` and `PATH.key`, as kubeadm writes them.
fn push_pair(files: &mut Vec<(String, String)>, path: &str, cert: &Certificate, key: &PrivateKey) {
    files.push((format!("{path}.crt"), cert.to_pem()));
    files.push((format!("{path}.key"), key.to_pem()));
}

pub fn kubeadm_etcd_pki(node: &str, ip: &str, created: i64) -> KubeadmPki {
    let ca_key = PrivateKey::new(0xe7cd_ca00_0000_0001);
    let ca = Certificate::ca("etcd-ca", &ca_key, created, 3650);
    let sans = vec![San::Dns(node.into()), San::Dns("localhost".into()), San::Ip(ip.into()), San::Ip("127.0.0.1".into()), San::Ip("0:0:0:0:0:0:0:1".into())];
    let mut files = Vec::new();
    push_pair(&mut files, "/etc/kubernetes/pki/etcd/ca", &ca, &ca_key);
    let leaves: [(&str, &str, Vec<San>, Usage, u64); 4] = [
        ("/etc/kubernetes/pki/etcd/server", node, sans.clone(), Usage::ServerClient, 2),
        ("/etc/kubernetes/pki/etcd/peer", node, sans, Usage::ServerClient, 3),
        ("/etc/kubernetes/pki/etcd/healthcheck-client", "kube-etcd-healthcheck-client", vec![], Usage::Client, 4),
        ("/etc/kubernetes/pki/apiserver-etcd-client", "kube-apiserver-etcd-client", vec![], Usage::Client, 5),
    ];
    for (path, cn, sans, usage, n) in leaves {
        let key = PrivateKey::new(0xe7cd_0000_0000_0000 | n);
        let cert = Certificate::leaf(cn, &key, &ca, &ca_key, created + n as i64, 365, &sans, usage);
        push_pair(&mut files, path, &cert, &key);
    }
    // The cluster's main CA (the API server's), which learners often pass to etcdctl by mistake.
    let k8s_key = PrivateKey::new(0x6b85_ca00_0000_0001);
    let k8s_ca = Certificate::ca("kubernetes", &k8s_key, created, 3650);
    push_pair(&mut files, "/etc/kubernetes/pki/ca", &k8s_ca, &k8s_key);
    let kc_key = PrivateKey::new(0x6b85_0000_0000_0002);
    let kc = Certificate::leaf("kube-apiserver-kubelet-client", &kc_key, &k8s_ca, &k8s_key, created + 6, 365, &[], Usage::Client);
    push_pair(&mut files, "/etc/kubernetes/pki/apiserver-kubelet-client", &kc, &kc_key);
    // The rest of what `kubeadm init` writes, so `kubeadm certs check-expiration` finds a
    // complete node: the API server's serving certificate, the front proxy's CA and client,
    // the service-account key pair, and the kubeconfig files with embedded client certificates.
    let api_key = PrivateKey::new(0x6b85_0000_0000_0003);
    let api_sans: Vec<San> = [node, "kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local"]
        .iter()
        .map(|d| San::Dns((*d).into()))
        .chain([San::Ip("10.96.0.1".into()), San::Ip(ip.into())])
        .collect();
    let api = Certificate::leaf("kube-apiserver", &api_key, &k8s_ca, &k8s_key, created + 7, 365, &api_sans, Usage::Server);
    push_pair(&mut files, "/etc/kubernetes/pki/apiserver", &api, &api_key);
    let fp_ca_key = PrivateKey::new(0xf9c0_ca00_0000_0001);
    let fp_ca = Certificate::ca("front-proxy-ca", &fp_ca_key, created, 3650);
    push_pair(&mut files, "/etc/kubernetes/pki/front-proxy-ca", &fp_ca, &fp_ca_key);
    let fp_key = PrivateKey::new(0xf9c0_0000_0000_0002);
    let fp = Certificate::leaf("front-proxy-client", &fp_key, &fp_ca, &fp_ca_key, created + 8, 365, &[], Usage::Client);
    push_pair(&mut files, "/etc/kubernetes/pki/front-proxy-client", &fp, &fp_key);
    let sa = PrivateKey::new(0x5a00_0000_0000_0001);
    files.push(("/etc/kubernetes/pki/sa.key".into(), sa.to_pem()));
    files.push(("/etc/kubernetes/pki/sa.pub".into(), pem("PUBLIC KEY", &cbor(&sa.id))));
    let server = format!("https://{ip}:6443");
    for (n, (file, user, cn)) in [
        ("admin.conf", "kubernetes-admin", "kubernetes-admin"),
        ("super-admin.conf", "kubernetes-super-admin", "kubernetes-super-admin"),
        ("controller-manager.conf", "system:kube-controller-manager", "system:kube-controller-manager"),
        ("scheduler.conf", "system:kube-scheduler", "system:kube-scheduler"),
    ]
    .into_iter()
    .enumerate()
    {
        let key = PrivateKey::new(0x6b85_0000_0000_0010 + n as u64);
        let cert = Certificate::leaf(cn, &key, &k8s_ca, &k8s_key, created + 9 + n as i64, 365, &[], Usage::Client);
        files.push((format!("/etc/kubernetes/{file}"), kubeconfig(&k8s_ca, &server, user, &cert, &key)));
    }
    KubeadmPki { ca_key, ca, files }
}

/// A kubeconfig as kubeadm writes it: one cluster `kubernetes` (the CA embedded), one user
/// with its client certificate and key embedded, one context, all base64 of the PEM files.
pub fn kubeconfig(ca: &Certificate, server: &str, user: &str, cert: &Certificate, key: &PrivateKey) -> String {
    let b = |s: String| base64_encode(s.as_bytes());
    format!(
        "apiVersion: v1\nclusters:\n- cluster:\n    certificate-authority-data: {}\n    server: {server}\n  name: kubernetes\ncontexts:\n- context:\n    cluster: kubernetes\n    user: {user}\n  name: {user}@kubernetes\ncurrent-context: {user}@kubernetes\nkind: Config\npreferences: {{}}\nusers:\n- name: {user}\n  user:\n    client-certificate-data: {}\n    client-key-data: {}\n",
        b(ca.to_pem()),
        b(cert.to_pem()),
        b(key.to_pem())
    )
}

/// The client certificate embedded in a kubeconfig (`client-certificate-data`), as kubeadm's
/// renewal reads it (`None`: missing or not a certificate).
pub fn kubeconfig_client_cert(text: &str) -> Option<Certificate> {
    let data = kubeconfig_field(text, "client-certificate-data")?;
    parse_cert(&base64_decode(data)?).ok()
}

/// The value of `field: value` on its own line of a kubeconfig.
pub fn kubeconfig_field<'a>(text: &'a str, field: &str) -> Option<&'a str> {
    text.lines().find_map(|l| l.trim_start().strip_prefix(field)?.strip_prefix(':').map(str::trim))
}

/// The kubeadm set with etcd's server certificate replaced, for the broken-on-purpose
/// scenarios: `expired` (notAfter a day before the session starts), `wrong-ca` (re-issued by
/// the Kubernetes CA instead of etcd-ca), `san-missing` (without the node IP).
pub fn broken_server_cert(pki: &mut KubeadmPki, node: &str, ip: &str, created: i64, how: &str) {
    let key = PrivateKey::new(0xe7cd_0000_0000_0002);
    let all = vec![San::Dns(node.into()), San::Dns("localhost".into()), San::Ip(ip.into()), San::Ip("127.0.0.1".into()), San::Ip("0:0:0:0:0:0:0:1".into())];
    let cert = match how {
        "expired" => {
            let start = super::clock::now_unix(0) - 86_400 - 365 * 86_400;
            Certificate::leaf(node, &key, &pki.ca, &pki.ca_key, start, 365, &all, Usage::ServerClient)
        }
        "wrong-ca" => {
            let k8s_key = PrivateKey::new(0x6b85_ca00_0000_0001);
            let k8s_ca = Certificate::ca("kubernetes", &k8s_key, created, 3650);
            Certificate::leaf(node, &key, &k8s_ca, &k8s_key, created + 7 * 86_400, 365, &all, Usage::ServerClient)
        }
        _ => {
            let sans: Vec<San> = all.into_iter().filter(|s| *s != San::Ip(ip.into())).collect();
            Certificate::leaf(node, &key, &pki.ca, &pki.ca_key, created + 7 * 86_400, 365, &sans, Usage::ServerClient)
        }
    };
    for (path, pem) in pki.files.iter_mut() {
        if path == "/etc/kubernetes/pki/etcd/server.crt" {
            *pem = cert.to_pem();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_round_trip() {
        for n in 0..10 {
            let data: Vec<u8> = (0..n).map(|i| (i * 37 + 5) as u8).collect();
            assert_eq!(base64_decode(&base64_encode(&data)).unwrap(), data);
        }
        assert_eq!(base64_encode(b"hi!"), "aGkh");
        assert_eq!(base64_encode(b"h"), "aA==");
    }

    #[test]
    fn garbage_is_an_error() {
        assert_eq!(parse_cert(b""), Err(PemError::NoPem));
        assert_eq!(parse_cert(b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"), Err(PemError::Malformed));
        assert_eq!(parse_key(b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"), Err(PemError::NoPem));
    }

    #[test]
    fn kubeadm_set_chains_to_the_etcd_ca() {
        let pki = kubeadm_etcd_pki("docker-01", "172.17.0.2", 1_736_154_761);
        let server = parse_cert(pki.files.iter().find(|(p, _)| p.ends_with("etcd/server.crt")).unwrap().1.as_bytes()).unwrap();
        assert!(server.signed_by(&pki.ca));
        assert!(server.sans.contains(&San::Ip("172.17.0.2".into())));
        assert_eq!(pki.files.len(), 26);
    }
}
