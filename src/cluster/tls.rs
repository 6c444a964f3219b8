//! The TLS handshake between a client (etcdctl, the API server) and the simulated etcd:
//! the same checks Go's `crypto/tls` and etcd make, in the same order, with the error texts
//! they produce.
//!
//! Two kinds of failure, as with real etcdctl 3.4 (verified over real TLS on loopback by
//! `tests/tls_oracle.rs`):
//! - the client's own files are wrong (missing, not PEM, key not matching the certificate,
//!   `--cert` without `--key`): etcdctl stops at once with `Error: <Go error>`, exit 128;
//! - everything on the wire (nothing listening, http vs https, server certificate not trusted,
//!   wrong host name, expired, client certificate missing or from another CA): the handshake
//!   fails inside gRPC, which keeps retrying until the command timeout (5 s) and prints only a
//!   `retrying of unary invoker failed` warning and `Error: context deadline exceeded`. The
//!   real cause is in [`DialFailure::error`] and the explanation.

use super::clock::now_unix;
use super::etcd_server::ServerTls;
use super::pki::{self, Certificate, PemError, San};
use super::{Host, NodeRef};
use crate::i18n::Text;

/// The client's TLS flags (`--cacert --cert --key`, or the API server's `--etcd-*`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientTls {
    pub cacert: Option<String>,
    pub cert: Option<String>,
    pub key: Option<String>,
}

impl ClientTls {
    fn any(&self) -> bool {
        self.cacert.is_some() || self.cert.is_some() || self.key.is_some()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    /// Client-side configuration: printed at once as `Error: ...`, exit status 128.
    Config,
    /// The connection or handshake failed: the request times out.
    Timeout,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DialFailure {
    pub kind: FailureKind,
    /// The Go error: what etcdctl prints for `Config`, the handshake error for `Timeout`
    /// (etcdctl 3.4 does not print it; 3.5 shows it in its warning line).
    pub error: String,
    /// Why, for the learner (the Explain after etcdctl's error; the Cluster panel).
    pub cause: Text,
}

fn config(error: String, en: String, pt: String) -> DialFailure {
    DialFailure { kind: FailureKind::Config, error, cause: Text::new(en, pt) }
}

fn timeout(error: impl Into<String>, en: impl Into<String>, pt: impl Into<String>) -> DialFailure {
    DialFailure { kind: FailureKind::Timeout, error: error.into(), cause: Text::new(en, pt) }
}

/// An endpoint as etcdctl reads it: explicit scheme, or TLS when any TLS flag is given.
pub fn split_endpoint(endpoint: &str, client: &ClientTls) -> (String, String) {
    match endpoint.split_once("://") {
        Some((s, hp)) => (s.to_string(), hp.trim_end_matches('/').to_string()),
        None => ((if client.any() { "https" } else { "http" }).to_string(), endpoint.to_string()),
    }
}

fn read(world: &NodeRef<'_>, path: &str, flag: &str) -> Result<Vec<u8>, DialFailure> {
    world.vfs.read(path).map(<[u8]>::to_vec).map_err(|_| {
        config(
            format!("open {path}: no such file or directory"),
            format!("The file given to {flag} does not exist on this machine ({path}). kubeadm keeps etcd's certificates in /etc/kubernetes/pki/etcd/."),
            format!("O arquivo passado em {flag} não existe nesta máquina ({path}). O kubeadm guarda os certificados do etcd em /etc/kubernetes/pki/etcd/."),
        )
    })
}

/// Loads the client's files as etcd's `transport.TLSInfo.ClientConfig` does: the key pair
/// first (certificate file, then key file), then the CA bundle.
/// The client's key pair (with the certificate's path) and CA bundle, as loaded.
type ClientFiles = (Option<(Certificate, String)>, Option<Vec<Certificate>>);

fn load_client(world: &NodeRef<'_>, c: &ClientTls) -> Result<ClientFiles, DialFailure> {
    let mut pair = None;
    if c.cert.is_some() || c.key.is_some() {
        let (Some(cert), Some(key)) = (c.cert.as_deref().filter(|s| !s.is_empty()), c.key.as_deref().filter(|s| !s.is_empty())) else {
            return Err(config(
                format!("KeyFile and CertFile must both be present[key: {}, cert: {}]", c.key.clone().unwrap_or_default(), c.cert.clone().unwrap_or_default()),
                "A client certificate needs its private key: pass --cert and --key together.".into(),
                "Um certificado de cliente precisa da sua chave privada: passe --cert e --key juntos.".into(),
            ));
        };
        let cert_data = read(world, cert, "--cert")?;
        let key_data = read(world, key, "--key")?;
        let cert_parsed = pki::parse_cert(&cert_data).map_err(|e| {
            // Go's tls.X509KeyPair names the PEM blocks it skipped looking for a CERTIFICATE.
            let skipped: Vec<String> = pki::pem_blocks(&cert_data).into_iter().map(|(l, _)| l).filter(|l| l != "CERTIFICATE").collect();
            let msg = match e {
                PemError::NoPem if skipped.len() == 1 && skipped[0].ends_with("PRIVATE KEY") => "tls: failed to find certificate PEM data in certificate input, but did find a private key; PEM inputs may have been switched".to_string(),
                PemError::NoPem if !skipped.is_empty() => format!("tls: failed to find \"CERTIFICATE\" PEM block in certificate input after skipping PEM blocks of the following types: [{}]", skipped.join(" ")),
                PemError::NoPem => "tls: failed to find any PEM data in certificate input".to_string(),
                PemError::Malformed => "x509: malformed certificate".to_string(),
            };
            config(msg, format!("{cert} (--cert) is not a PEM certificate."), format!("{cert} (--cert) não é um certificado PEM."))
        })?;
        let key_parsed = match pki::parse_key(&key_data) {
            Ok(k) => k,
            Err(PemError::NoPem) if !pki::pem_blocks(&key_data).is_empty() => {
                return Err(config(
                    "tls: found a certificate rather than a key in the PEM for the private key".into(),
                    format!("{key} (--key) holds a certificate, not a private key: the key is the .key file."),
                    format!("{key} (--key) contém um certificado, não uma chave privada: a chave é o arquivo .key."),
                ))
            }
            Err(PemError::NoPem) => return Err(config("tls: failed to find any PEM data in key input".into(), format!("{key} (--key) is not a PEM private key."), format!("{key} (--key) não é uma chave privada PEM."))),
            Err(PemError::Malformed) => return Err(config("tls: failed to parse private key".into(), format!("{key} (--key) is damaged."), format!("{key} (--key) está corrompido."))),
        };
        if !key_parsed.matches(&cert_parsed) {
            return Err(config(
                "tls: private key does not match public key".into(),
                format!("{key} is not the private key of {cert}: --cert and --key must be a pair (server.crt with server.key, healthcheck-client.crt with healthcheck-client.key)."),
                format!("{key} não é a chave privada de {cert}: --cert e --key precisam ser um par (server.crt com server.key, healthcheck-client.crt com healthcheck-client.key)."),
            ));
        }
        pair = Some((cert_parsed, cert.to_string()));
    }
    let mut roots = None;
    if let Some(ca) = c.cacert.as_deref() {
        let data = read(world, ca, "--cacert")?;
        // etcd's NewCertPool: every CERTIFICATE block; a file with none gives an empty pool.
        let certs = match pki::parse_certs(&data) {
            Ok(v) => v,
            Err(PemError::NoPem) => Vec::new(),
            Err(PemError::Malformed) => return Err(config("x509: malformed certificate".into(), format!("{ca} (--cacert) is damaged."), format!("{ca} (--cacert) está corrompido."))),
        };
        roots = Some(certs);
    }
    Ok((pair, roots))
}

fn sans_text(c: &Certificate, ip: bool) -> Vec<String> {
    c.sans
        .iter()
        .filter_map(|s| match s {
            San::Ip(a) if ip => Some(if a == "0:0:0:0:0:0:0:1" { "::1".to_string() } else { a.clone() }),
            San::Dns(d) if !ip => Some(d.clone()),
            _ => None,
        })
        .collect()
}

fn host_matches(c: &Certificate, host: &str) -> Result<(), String> {
    let is_ip = host.parse::<std::net::IpAddr>().is_ok();
    if is_ip {
        let want: std::net::IpAddr = host.parse().map_err(|_| String::new())?;
        if c.sans.iter().any(|s| matches!(s, San::Ip(a) if a.parse::<std::net::IpAddr>().ok() == Some(want))) {
            return Ok(());
        }
        let ips = sans_text(c, true);
        if ips.is_empty() {
            return Err(format!("x509: cannot validate certificate for {host} because it doesn't contain any IP SANs"));
        }
        return Err(format!("x509: certificate is valid for {}, not {host}", ips.join(", ")));
    }
    if c.sans.iter().any(|s| matches!(s, San::Dns(d) if d.eq_ignore_ascii_case(host))) {
        return Ok(());
    }
    let names = sans_text(c, false);
    if names.is_empty() {
        return Err("x509: certificate is not valid for any names, but wanted to match ".to_string() + host);
    }
    Err(format!("x509: certificate is valid for {}, not {host}", names.join(", ")))
}

/// Connects a client to `endpoint` and runs the handshake against the world's etcd.
pub fn dial<H: Host + ?Sized>(world: &H, endpoint: &str, client: &ClientTls) -> Result<(), DialFailure> {
    dial_node(&world.node(), endpoint, client, false)
}

/// [`dial`] with etcdctl's `--insecure-skip-tls-verify`: Go's `InsecureSkipVerify` accepts
/// any server certificate (no chain, validity or host name check: step 1 below), but the server
/// still checks the client's (step 2). etcdctl sets it only on a TLS configuration, which exists
/// when `--cacert`, `--cert` or `--key` is given (`--insecure-transport=false` aside).
pub fn dial_with<H: Host + ?Sized>(world: &H, endpoint: &str, client: &ClientTls, insecure_skip_verify: bool) -> Result<(), DialFailure> {
    dial_node(&world.node(), endpoint, client, insecure_skip_verify)
}

/// [`dial_with`] on the node's parts (one copy of the handshake, whatever lends them).
pub(super) fn dial_node(world: &NodeRef<'_>, endpoint: &str, client: &ClientTls, insecure_skip_verify: bool) -> Result<(), DialFailure> {
    let (scheme, host_port) = split_endpoint(endpoint, client);
    let (pair, roots) = load_client(world, client)?;
    let server = &world.etcd;
    // The node's /etc/hosts: its own name is its address (`localhost` is resolved by
    // `listens_on`). The certificate check below still uses the name as dialed.
    let addr = match host_port.rsplit_once(':') {
        Some((h, port)) if h == world.hostname => format!("{}:{port}", super::kube::CONTROL_PLANE_IP),
        Some(("localhost", port)) => format!("127.0.0.1:{port}"),
        _ => host_port.clone(),
    };
    // The peer port: etcd serves raft's HTTP there and, through the same listener (cmux), its
    // client gRPC API too (embed's servePeers). That works over plain http only: with peer
    // TLS the listener is already TLS and the gRPC server wraps it again, so the connection
    // is closed (real 3.4.23 and 3.5.1 both; tests/fidelity/03_cluster.txt, fidelity35's 08).
    let peer_url = server.peer_urls.iter().find(|u| u.split_once("://").map(|x| x.1.trim_end_matches('/')) == Some(addr.as_str()));
    if server.running && peer_url.is_some_and(|u| u.starts_with("https://")) {
        return Err(timeout(
            "connection closed",
            format!("{host_port} is etcd's peer port (--listen-peer-urls), where members talk to each other. etcd answers clients there only when the peer URLs are plain http; with peer TLS (--peer-cert-file), as here, it closes the connection. etcdctl talks to the client port, 2379 (--listen-client-urls: {})", server.listen_client_urls.join(",")),
            format!("{host_port} é a porta de peers do etcd (--listen-peer-urls), onde os membros conversam entre si. O etcd só atende clientes ali quando as URLs de peer são http puro; com TLS de peer (--peer-cert-file), como aqui, ele fecha a conexão. O etcdctl fala com a porta de clientes, 2379 (--listen-client-urls: {})", server.listen_client_urls.join(",")),
        ));
    }
    let on_plain_peer = peer_url.is_some();
    let listening = server.running && (on_plain_peer || server.listens_on("http", &addr) || server.listens_on("https", &addr));
    if !listening {
        let why = if server.running { "nothing listens there" } else { "etcd is not running" };
        let pt_why = if server.running { "nada escuta nesse endereço" } else { "o etcd não está rodando" };
        return Err(timeout(
            // Go's net.OpError names the address it dialed, after resolving the name.
            format!("connection error: desc = \"transport: Error while dialing dial tcp {addr}: connect: connection refused\""),
            format!("The connection to {host_port} was refused ({why}). etcd listens on the URLs of its --listen-client-urls flag ({}); etcdctl keeps retrying until the command times out.", server.listen_client_urls.join(",")),
            format!("A conexão com {host_port} foi recusada ({pt_why}). O etcd escuta nas URLs de --listen-client-urls ({}); o etcdctl tenta de novo até o comando estourar o tempo.", server.listen_client_urls.join(",")),
        ));
    }
    let server_tls = server.listens_on("https", &addr);
    match (scheme.as_str(), server_tls) {
        ("http", true) => {
            return Err(timeout(
                "connection closed",
                format!("This etcd serves TLS (https), but the client spoke plain http to {host_port}: the server drops the connection and etcdctl retries until it times out. Use --endpoints https://{host_port} with --cacert, --cert and --key."),
                format!("Este etcd fala TLS (https), mas o cliente usou http puro em {host_port}: o servidor fecha a conexão e o etcdctl tenta até estourar o tempo. Use --endpoints https://{host_port} com --cacert, --cert e --key."),
            ))
        }
        ("https", false) => {
            return Err(timeout(
                "connection error: desc = \"transport: authentication handshake failed: tls: first record does not look like a TLS handshake\"",
                format!("This etcd serves plain http on {host_port}, but the client started a TLS handshake. Use --endpoints http://{host_port} and no certificates."),
                format!("Este etcd fala http puro em {host_port}, mas o cliente iniciou TLS. Use --endpoints http://{host_port} sem certificados."),
            ))
        }
        ("http", false) => return Ok(()),
        _ => {}
    }
    let Some(stls) = &server.tls else { return Ok(()) };
    let now = now_unix(world.clock_ms);
    let host = host_port.rsplit_once(':').map_or(host_port.as_str(), |(h, _)| h).trim_start_matches('[').trim_end_matches(']');
    // 1. The client verifies the server's certificate (unless told not to).
    if !insecure_skip_verify {
        verify_server(world, stls, client, roots.as_ref(), host, now)?;
    }
    // 2. The server verifies the client's certificate (--client-cert-auth).
    if stls.client_cert_auth {
        verify_client(world, stls, pair, now)?;
    }
    Ok(())
}

fn verify_server(world: &NodeRef<'_>, stls: &ServerTls, client: &ClientTls, roots: Option<&Vec<Certificate>>, host: &str, now: i64) -> Result<(), DialFailure> {
    let Ok(server_cert) = world.vfs.read(&stls.cert_file).map_err(|_| ()).and_then(|d| pki::parse_cert(d).map_err(|_| ())) else {
        return Err(timeout("connection closed", "etcd's own certificate (--cert-file) is unreadable, so it cannot complete any handshake.", "O certificado do próprio etcd (--cert-file) está ilegível, então nenhum handshake completa."));
    };
    let trusted = roots.is_some_and(|r| r.iter().any(|ca| server_cert.signed_by(ca)));
    if !trusted {
        let (en, pt) = match roots {
            None => (
                "No --cacert was given, so etcdctl checks the server certificate against the system's CAs, which do not include the cluster's own etcd CA. Pass --cacert /etc/kubernetes/pki/etcd/ca.crt.".to_string(),
                "Sem --cacert, o etcdctl confere o certificado do servidor com as CAs do sistema, que não incluem a CA do etcd do cluster. Passe --cacert /etc/kubernetes/pki/etcd/ca.crt.".to_string(),
            ),
            Some(_) => (
                format!("The server's certificate (issued by \"{}\") is not signed by the CA in --cacert{}. Use the CA that signed etcd's --cert-file: /etc/kubernetes/pki/etcd/ca.crt.", server_cert.issuer_cn, client.cacert.as_deref().map(|c| format!(" ({c})")).unwrap_or_default()),
                format!("O certificado do servidor (emitido por \"{}\") não foi assinado pela CA de --cacert{}. Use a CA que assinou o --cert-file do etcd: /etc/kubernetes/pki/etcd/ca.crt.", server_cert.issuer_cn, client.cacert.as_deref().map(|c| format!(" ({c})")).unwrap_or_default()),
            ),
        };
        let err = match roots {
            Some(r) if r.iter().any(|ca| ca.subject_cn == server_cert.issuer_cn) => {
                format!("x509: certificate signed by unknown authority (possibly because of \"crypto/rsa: verification error\" while trying to verify candidate authority certificate \"{}\")", server_cert.issuer_cn)
            }
            _ => "x509: certificate signed by unknown authority".to_string(),
        };
        return Err(timeout(format!("connection error: desc = \"transport: authentication handshake failed: {err}\""), en, pt));
    }
    if !server_cert.valid_at(now) {
        let (what, when) = if now > server_cert.not_after { ("after", server_cert.not_after) } else { ("before", server_cert.not_before) };
        let err = format!("x509: certificate has expired or is not yet valid: current time {} is {what} {}", crate::gofmt::rfc3339(now), crate::gofmt::rfc3339(when));
        return Err(timeout(
            format!("connection error: desc = \"transport: authentication handshake failed: {err}\""),
            format!("etcd's server certificate {} is outside its validity period (notAfter {}). Renew it (kubeadm certs renew etcd-server) and restart etcd.", stls.cert_file, super::clock::openssl_date(server_cert.not_after)),
            format!("O certificado do servidor etcd {} está fora da validade (notAfter {}). Renove-o (kubeadm certs renew etcd-server) e reinicie o etcd.", stls.cert_file, super::clock::openssl_date(server_cert.not_after)),
        ));
    }
    if let Err(err) = host_matches(&server_cert, host) {
        return Err(timeout(
            format!("connection error: desc = \"transport: authentication handshake failed: {err}\""),
            format!("The server certificate's Subject Alternative Names do not include '{host}', the host in --endpoints. Connect to a name or address it lists (openssl x509 -in {} -noout -text shows them) or reissue it with that SAN.", stls.cert_file),
            format!("Os Subject Alternative Names do certificado do servidor não incluem '{host}', o host de --endpoints. Conecte num nome ou IP listado (openssl x509 -in {} -noout -text mostra) ou reemita o certificado com esse SAN.", stls.cert_file),
        ));
    }
    Ok(())
}

fn verify_client(world: &NodeRef<'_>, stls: &ServerTls, pair: Option<(Certificate, String)>, now: i64) -> Result<(), DialFailure> {
    let bad = "connection error: desc = \"transport: authentication handshake failed: remote error: tls: bad certificate\"";
    let Some((cert, path)) = pair else {
        return Err(timeout(
            bad,
            "etcd runs with --client-cert-auth=true: it accepts only clients that present a certificate signed by its --trusted-ca-file. Add --cert and --key (for example /etc/kubernetes/pki/etcd/server.crt and server.key, or healthcheck-client.crt and .key).",
            "O etcd roda com --client-cert-auth=true: só aceita clientes com um certificado assinado pelo seu --trusted-ca-file. Acrescente --cert e --key (por exemplo /etc/kubernetes/pki/etcd/server.crt e server.key, ou healthcheck-client.crt e .key).",
        ));
    };
    let server_roots = world.vfs.read(&stls.trusted_ca_file).ok().and_then(|d| pki::parse_certs(d).ok()).unwrap_or_default();
    if !server_roots.iter().any(|ca| cert.signed_by(ca)) {
        return Err(timeout(
            bad,
            format!("The client certificate {path} is not signed by the CA etcd trusts (--trusted-ca-file={}), so etcd rejects the handshake. Use a certificate issued by the etcd CA.", stls.trusted_ca_file),
            format!("O certificado de cliente {path} não foi assinado pela CA em que o etcd confia (--trusted-ca-file={}), então o etcd recusa o handshake. Use um certificado emitido pela CA do etcd.", stls.trusted_ca_file),
        ));
    }
    if !cert.valid_at(now) {
        return Err(timeout(
            "connection error: desc = \"transport: authentication handshake failed: remote error: tls: bad certificate\"",
            format!("The client certificate {path} has expired (notAfter {}), so etcd rejects it.", super::clock::openssl_date(cert.not_after)),
            format!("O certificado de cliente {path} expirou (notAfter {}), então o etcd o recusa.", super::clock::openssl_date(cert.not_after)),
        ));
    }
    if !cert.client_auth() {
        return Err(timeout(
            bad,
            format!("The client certificate {path} is not allowed for client authentication (its Extended Key Usage lacks TLS Web Client Authentication)."),
            format!("O certificado de cliente {path} não serve para autenticar cliente (o Extended Key Usage não tem TLS Web Client Authentication)."),
        ));
    }
    Ok(())
}
