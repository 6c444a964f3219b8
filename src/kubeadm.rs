//! `kubeadm` v1.32.0 as far as a control-plane node's certificates go: `certs
//! check-expiration`, `certs renew <name>|all`, `version`, and the help texts. Everything else
//! kubeadm does (`init`, `join`, `upgrade`, …) is named, not simulated.
//!
//! It reads and writes the same files the rest of the node uses: the PKI under
//! `/etc/kubernetes/pki` ([`crate::cluster::pki`]) and the client certificates embedded in
//! `/etc/kubernetes/*.conf`. Texts, order and table layout follow kubeadm's
//! `cmd/kubeadm/app/cmd/certs.go` and `phases/certs/renewal/{manager,readwriter}.go`.
//!
//! ```text
//! $ kubeadm certs check-expiration
//! [check-expiration] Reading configuration from the "kubeadm-config" ConfigMap in namespace "kube-system"...
//! [check-expiration] Use 'kubeadm init phase upload-config --config your-config.yaml' to re-upload it.
//!
//! CERTIFICATE                EXPIRES                  RESIDUAL TIME   CERTIFICATE AUTHORITY   EXTERNALLY MANAGED
//! admin.conf                 Jan 06, 2026 09:12 UTC   356d            ca                      no
//! ```

use crate::cluster::clock::{now_unix, now_unix_ms};
use crate::gofmt::{parts, short_human_duration, MONTHS};
use crate::cluster::pki::{self, Certificate, PemError, PrivateKey};
use crate::process::Proc;
use crate::world::World;

const VERSION: &str = "v1.32.0";
const KUBERNETES_DIR: &str = "/etc/kubernetes";
const STACK_HINT: &str = "To see the stack trace of this error execute with --v=5 or higher";

/// One certificate kubeadm knows how to renew (`renewal.CertificateRenewHandler`).
struct Handler {
    name: &'static str,
    long_name: &'static str,
    /// The file's base name under the PKI directory, or the kubeconfig's file name.
    file: &'static str,
    ca_name: &'static str,
    ca_base: &'static str,
    kubeconfig: bool,
}

const fn pki_cert(name: &'static str, long_name: &'static str, file: &'static str, ca_name: &'static str, ca_base: &'static str) -> Handler {
    Handler { name, long_name, file, ca_name, ca_base, kubeconfig: false }
}

const fn conf(name: &'static str, long_name: &'static str) -> Handler {
    Handler { name, long_name, file: name, ca_name: "ca", ca_base: "ca", kubeconfig: true }
}

/// `Manager.Certificates()`: kubeadm's default certificate list plus the kubeconfig files,
/// sorted by name.
const CERTS: [Handler; 11] = [
    conf("admin.conf", "certificate embedded in the kubeconfig file for the admin to use and for kubeadm itself"),
    pki_cert("apiserver", "certificate for serving the Kubernetes API", "apiserver", "ca", "ca"),
    pki_cert("apiserver-etcd-client", "certificate the apiserver uses to access etcd", "apiserver-etcd-client", "etcd-ca", "etcd/ca"),
    pki_cert("apiserver-kubelet-client", "certificate for the API server to connect to kubelet", "apiserver-kubelet-client", "ca", "ca"),
    conf("controller-manager.conf", "certificate embedded in the kubeconfig file for the controller manager to use"),
    pki_cert("etcd-healthcheck-client", "certificate for liveness probes to healthcheck etcd", "etcd/healthcheck-client", "etcd-ca", "etcd/ca"),
    pki_cert("etcd-peer", "certificate for etcd nodes to communicate with each other", "etcd/peer", "etcd-ca", "etcd/ca"),
    pki_cert("etcd-server", "certificate for serving etcd", "etcd/server", "etcd-ca", "etcd/ca"),
    pki_cert("front-proxy-client", "certificate for the front proxy client", "front-proxy-client", "front-proxy-ca", "front-proxy-ca"),
    conf("scheduler.conf", "certificate embedded in the kubeconfig file for the scheduler manager to use"),
    conf("super-admin.conf", "certificate embedded in the kubeconfig file for the super-admin"),
];

/// `Manager.CAs()`: (name, base name, the name kubeadm's CA checks use in messages).
const CAS: [(&str, &str, &str); 3] = [("ca", "ca", "CA"), ("etcd-ca", "etcd/ca", "etcd CA"), ("front-proxy-ca", "front-proxy-ca", "front-proxy CA")];

pub fn main(world: &mut World, p: &mut Proc) -> i32 {
    let mut args: Vec<String> = Vec::new();
    let mut it = p.args[1..].iter();
    while let Some(a) = it.next() {
        if a == "-v" || a == "--v" || a == "--rootfs" {
            it.next();
        } else if !is_log_flag(a) {
            args.push(a.clone());
        }
    }
    let words: Vec<&str> = args.iter().map(String::as_str).collect();
    match words.as_slice() {
        [] | ["-h" | "--help" | "help", ..] => {
            p.print(ROOT_HELP);
            0
        }
        ["version", rest @ ..] => version(p, rest),
        ["certs" | "certificates", rest @ ..] => certs(world, p, rest),
        [cmd @ ("init" | "join" | "reset" | "upgrade" | "token" | "config" | "kubeconfig" | "completion" | "alpha"), ..] => {
            not_simulated(p, &format!("kubeadm {cmd}"));
            1
        }
        [flag, ..] if flag.starts_with('-') => fail(p, &format!("unknown flag: {}", flag.split('=').next().unwrap_or(flag))),
        [other, ..] => fail(p, &format!("unknown command \"{other}\" for \"kubeadm\"{}", suggestions(other, TOP_COMMANDS))),
    }
}

/// klog's flags in their `--flag=value` forms (`-v 5` and `--rootfs DIR` are skipped in `main`).
fn is_log_flag(a: &str) -> bool {
    a.starts_with("--v=") || a.starts_with("-v=") || a == "--skip-headers" || a == "--add-dir-header" || a.starts_with("--rootfs=")
}

const TOP_COMMANDS: &[&str] = &["certs", "completion", "config", "init", "join", "kubeconfig", "reset", "token", "upgrade", "version"];

/// Prints a kubeadm error as `kubeadmutil.CheckErr` does: the message, then the stack-trace
/// hint — except for an invalid subcommand, which is a usage error printed alone.
fn fail(p: &mut Proc, msg: &str) -> i32 {
    if msg.contains("invalid subcommand") {
        p.eprintln(msg);
    } else {
        p.eprintln(format!("{msg}\n{STACK_HINT}"));
    }
    1
}

/// cobra's "Did you mean this?" (Levenshtein distance ≤ 2, or a prefix).
fn suggestions(typed: &str, names: &[&str]) -> String {
    crate::cobra::did_you_mean(&crate::cobra::suggestions_for(typed, names.iter().copied()))
}

fn not_simulated(p: &mut Proc, what: &str) {
    p.explain(
        format!("`{what}` exists in real kubeadm but is not simulated here. This node simulates `kubeadm certs check-expiration`, `kubeadm certs renew <name>|all` and `kubeadm version`."),
        format!("`{what}` existe no kubeadm real, mas não é simulado aqui. Este nó simula `kubeadm certs check-expiration`, `kubeadm certs renew <nome>|all` e `kubeadm version`."),
    );
}

fn version(p: &mut Proc, rest: &[&str]) -> i32 {
    let output = match rest {
        [] => "",
        ["-o" | "--output", o] => o,
        [o] if o.starts_with("-o") || o.starts_with("--output=") => o.trim_start_matches("--output=").trim_start_matches("-o").trim_start_matches('='),
        [extra, ..] if !extra.starts_with('-') => return fail(p, &format!("unknown command \"{extra}\" for \"kubeadm version\"")),
        [flag, ..] => return fail(p, &format!("unknown flag: {}", flag.split('=').next().unwrap_or(flag))),
    };
    match output {
        "" => p.println(format!("kubeadm version: &version.Info{{Major:\"1\", Minor:\"32\", GitVersion:\"{VERSION}\", GitCommit:\"70d3cc986aa8221cd1dfb1121852688902d3bf53\", GitTreeState:\"clean\", BuildDate:\"2024-12-11T18:04:20Z\", GoVersion:\"go1.23.3\", Compiler:\"gc\", Platform:\"linux/amd64\"}}")),
        "short" => p.println(VERSION),
        other => {
            p.explain(
                format!("kubeadm version -o {other}: only the default output and `-o short` are simulated."),
                format!("kubeadm version -o {other}: só a saída padrão e `-o short` são simuladas."),
            );
            return 1;
        }
    }
    0
}

/// The flags `check-expiration` and `renew` share.
struct Flags {
    cert_dir: String,
    kubeconfig: String,
}

fn parse_flags(p: &mut Proc, cmd: &str, args: &[&str]) -> Result<Flags, i32> {
    let mut f = Flags { cert_dir: "/etc/kubernetes/pki".into(), kubeconfig: format!("{KUBERNETES_DIR}/admin.conf") };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let (name, inline) = match a.split_once('=') {
            Some((n, v)) => (n, Some(v.to_string())),
            None => (*a, None),
        };
        let slot = match name {
            "-h" | "--help" => {
                match CERTS.iter().find(|h| cmd.strip_prefix("renew ") == Some(h.name)) {
                    Some(h) => p.print(cert_renew_help(h)),
                    None => p.explain(
                        format!("The help text of `kubeadm certs {cmd}` is not simulated. Its flags here: --cert-dir, --kubeconfig."),
                        format!("O texto de ajuda de `kubeadm certs {cmd}` não é simulado. As flags dele aqui: --cert-dir, --kubeconfig."),
                    ),
                }
                return Err(0);
            }
            "--cert-dir" => &mut f.cert_dir,
            "--kubeconfig" => &mut f.kubeconfig,
            "--config" => {
                not_simulated(p, &format!("kubeadm certs {cmd} --config"));
                return Err(1);
            }
            "-o" | "--output" if cmd == "check-expiration" => {
                let v = inline.clone().or_else(|| it.next().map(|s| s.to_string())).unwrap_or_default();
                if v != "text" {
                    p.explain(
                        "kubeadm certs check-expiration: only the default text output is simulated.",
                        "kubeadm certs check-expiration: só a saída de texto padrão é simulada.",
                    );
                    return Err(1);
                }
                continue;
            }
            n if n.starts_with('-') => return Err(fail(p, &format!("unknown flag: {n}"))),
            extra => return Err(fail(p, &format!("unknown command \"{extra}\" for \"kubeadm certs {cmd}\""))),
        };
        match inline.or_else(|| it.next().map(|s| s.to_string())) {
            Some(v) => *slot = v.trim_end_matches('/').to_string(),
            None => return Err(fail(p, &format!("flag needs an argument: {name}"))),
        }
    }
    Ok(f)
}

fn certs(world: &mut World, p: &mut Proc, rest: &[&str]) -> i32 {
    match rest {
        [] => {
            // `cmdutil.SubCmdRun`: the help, then exit status 1.
            p.print(CERTS_HELP);
            1
        }
        ["-h" | "--help", ..] => {
            p.print(CERTS_HELP);
            0
        }
        ["check-expiration", args @ ..] => match parse_flags(p, "check-expiration", args) {
            Ok(f) => check_expiration(world, p, &f),
            Err(code) => code,
        },
        ["renew", rest @ ..] => renew(world, p, rest),
        [cmd @ ("certificate-key" | "generate-csr"), ..] => {
            not_simulated(p, &format!("kubeadm certs {cmd}"));
            1
        }
        _ => fail(p, &format!("invalid subcommand \"{}\"\nSee 'kubeadm certs -h' for help and examples", rest.join(" "))),
    }
}

fn renew(world: &mut World, p: &mut Proc, rest: &[&str]) -> i32 {
    match rest {
        [] => {
            p.print(&renew_help());
            1
        }
        ["-h" | "--help", ..] => {
            p.print(&renew_help());
            0
        }
        [name, args @ ..] if *name == "all" || CERTS.iter().any(|h| h.name == *name) => {
            let f = match parse_flags(p, &format!("renew {name}"), args) {
                Ok(f) => f,
                Err(code) => return code,
            };
            preamble(world, p, "renew", &f.kubeconfig);
            let mut renewed_any = false;
            for h in CERTS.iter().filter(|h| *name == "all" || h.name == *name) {
                match renew_one(world, p, &f, h) {
                    Ok(r) => renewed_any |= r,
                    Err(e) => return fail(p, &e),
                }
            }
            if *name == "all" {
                p.println("\nDone renewing certificates. You must restart the kube-apiserver, kube-controller-manager, kube-scheduler and etcd, so that they can use the new certificates.");
            }
            if renewed_any {
                explain_restart(p);
            }
            0
        }
        _ => fail(p, &format!("invalid subcommand \"{}\"\nSee 'kubeadm certs renew -h' for help and examples", rest.join(" "))),
    }
}

/// `getInternalCfg`: with a usable kubeconfig, kubeadm first reads its configuration from the
/// `kubeadm-config` ConfigMap, and falls back to defaults when the API server does not answer.
fn preamble(world: &mut World, p: &mut Proc, prefix: &str, kubeconfig: &str) {
    let usable = world.vfs.read(kubeconfig).ok().and_then(|d| std::str::from_utf8(d).ok()).is_some_and(|t| pki::kubeconfig_field(t, "current-context").is_some());
    if !usable {
        return;
    }
    p.println(format!("[{prefix}] Reading configuration from the \"kubeadm-config\" ConfigMap in namespace \"kube-system\"..."));
    p.println(format!("[{prefix}] Use 'kubeadm init phase upload-config --config your-config.yaml' to re-upload it."));
    world.catch_up();
    let found = crate::cluster::kubelet::apiserver_up(world)
        && crate::cluster::kube::resource("configmaps").is_some_and(|r| crate::cluster::kube::get(&world.etcd.store, r, "kube-system", "kubeadm-config").is_some());
    if found {
        p.println("");
    } else {
        p.println(format!("[{prefix}] Error reading configuration from the Cluster. Falling back to default configuration\n"));
    }
}

/// `certutil.CertsFromFile`'s errors, for a file that exists.
fn read_cert_file(world: &World, path: &str) -> Result<Certificate, String> {
    let data = world.vfs.read(path).map_err(|e| format!("open {path}: {}", e.strerror().to_lowercase()))?;
    pki::parse_cert(data).map_err(|e| match e {
        PemError::NoPem => format!("error reading {path}: data does not contain any valid RSA or ECDSA certificates"),
        PemError::Malformed => format!("error reading {path}: x509: malformed certificate"),
    })
}

fn is_file(world: &World, path: &str) -> bool {
    world.vfs.exists(path) && !world.vfs.is_dir(path)
}

/// `IsExternallyManaged`: the CA certificate must load and be a CA; without its key, the CA
/// is external (kubeadm cannot sign with it).
fn externally_managed(world: &World, f: &Flags, ca_base: &str) -> Result<bool, String> {
    let ux = CAS.iter().find(|c| c.1 == ca_base).map_or("CA", |c| c.2);
    let path = format!("{}/{ca_base}.crt", f.cert_dir);
    let wrap = |e: String| format!("Error checking external CA condition for {ca_base} certificate authority: {e}");
    let ca = read_cert_file(world, &path).map_err(|e| wrap(format!("failure loading certificate for {ux}: couldn't load the certificate file {path}: {e}")))?;
    if !ca.is_ca {
        return Err(wrap(format!("certificate {ux} is not a CA")));
    }
    Ok(!is_file(world, &format!("{}/{ca_base}.key", f.cert_dir)))
}

fn cert_path(f: &Flags, h: &Handler) -> String {
    if h.kubeconfig {
        format!("{KUBERNETES_DIR}/{}", h.file)
    } else {
        format!("{}/{}.crt", f.cert_dir, h.file)
    }
}

/// `readwriter.Read`: the certificate in the PKI file, or the client certificate embedded in
/// the kubeconfig file.
fn read_handler(world: &World, f: &Flags, h: &Handler) -> Result<Certificate, String> {
    let path = cert_path(f, h);
    if !h.kubeconfig {
        return read_cert_file(world, &path).map_err(|e| format!("failed to load existing certificate {}: {e}", h.file));
    }
    let ca_path = format!("{}/ca.crt", f.cert_dir);
    read_cert_file(world, &ca_path).map_err(|e| format!("failed to load existing certificate ca: {e}"))?;
    let text = world.vfs.read(&path).ok().map(|d| String::from_utf8_lossy(d).into_owned()).unwrap_or_default();
    if pki::kubeconfig_field(&text, "current-context").is_none() {
        return Err(format!("failed to load kubeConfig file {path}: invalid configuration: no configuration has been provided"));
    }
    if pki::kubeconfig_field(&text, "client-certificate-data").is_none_or(str::is_empty) {
        return Err(format!("kubeConfig file {path} does not have an embedded client certificate"));
    }
    pki::kubeconfig_client_cert(&text).ok_or_else(|| format!("kubeConfig file {path} does not contain a valid client certificate: data does not contain any valid RSA or ECDSA certificates"))
}

/// "Jan 02, 2006 15:04 MST" in UTC.
fn expires(t: i64) -> String {
    let (y, mo, d, h, mi, _, _) = parts(t);
    format!("{} {d:02}, {y} {h:02}:{mi:02} UTC", MONTHS[(mo - 1) as usize])
}

fn residual(world: &World, not_after: i64) -> i64 {
    // time.Until(expiry) truncated to whole seconds, as kubeadm stores it. The clock is read a
    // moment after any file was written (a certificate renewed "now" shows 364d, not 1y).
    not_after.saturating_mul(1000).saturating_sub(now_unix_ms(world.clock_ms) + 1) / 1000
}

fn yes_no(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}

fn check_expiration(world: &mut World, p: &mut Proc, f: &Flags) -> i32 {
    preamble(world, p, "check-expiration", &f.kubeconfig);
    let mut table = String::from("CERTIFICATE\tEXPIRES\tRESIDUAL TIME\tCERTIFICATE AUTHORITY\tEXTERNALLY MANAGED\n");
    let mut expired = Vec::new();
    for h in &CERTS {
        if !is_file(world, &cert_path(f, h)) {
            table.push_str(&format!("!MISSING! {}\t\t\t\t\n", h.name));
            continue;
        }
        let info = externally_managed(world, f, h.ca_base).and_then(|ext| read_handler(world, f, h).map(|c| (ext, c)));
        let (ext, cert) = match info {
            Ok(x) => x,
            Err(e) => return fail(p, &e),
        };
        let left = residual(world, cert.not_after);
        if left < 0 {
            expired.push(h.name);
        }
        table.push_str(&format!("{}\t{}\t{}\t{}\t{:<8}\n", h.name, expires(cert.not_after), short_human_duration(left), h.ca_name, yes_no(ext)));
    }
    table.push('\n');
    table.push_str("CERTIFICATE AUTHORITY\tEXPIRES\tRESIDUAL TIME\tEXTERNALLY MANAGED\n");
    for (name, base, _) in CAS {
        let path = format!("{}/{base}.crt", f.cert_dir);
        if !is_file(world, &path) {
            table.push_str(&format!("!MISSING! {name}\t\t\t\n"));
            continue;
        }
        let info = externally_managed(world, f, base).and_then(|ext| read_cert_file(world, &path).map(|c| (ext, c)).map_err(|e| format!("failed to load existing certificate {base}: {e}")));
        let (ext, cert) = match info {
            Ok(x) => x,
            Err(e) => return fail(p, &e),
        };
        let left = residual(world, cert.not_after);
        if left < 0 {
            expired.push(name);
        }
        table.push_str(&format!("{name}\t{}\t{}\t{:<8}\n", expires(cert.not_after), short_human_duration(left), yes_no(ext)));
    }
    p.print(crate::kubectl::tabwriter::format(&table, 10, 3));
    if !expired.is_empty() {
        explain_expired(p, &expired);
    }
    0
}

fn explain_expired(p: &mut Proc, expired: &[&str]) {
    let list = expired.join(", ");
    let etcd = expired.iter().any(|n| *n == "etcd-server");
    let (en_etcd, pt_etcd) = if etcd {
        (
            " etcd-server is the certificate etcd presents on port 2379: while it is expired, every TLS handshake with etcd fails — etcdctl ends in `context deadline exceeded` (etcdctl 3.5's warning line names the cause: `x509: certificate has expired or is not yet valid`) and the API server cannot reach its storage, so kubectl is refused too.",
            " etcd-server é o certificado que o etcd apresenta na porta 2379: enquanto estiver expirado, todo handshake TLS com o etcd falha — o etcdctl termina em `context deadline exceeded` (a linha de aviso do etcdctl 3.5 dá a causa: `x509: certificate has expired or is not yet valid`) e o API server não alcança seu armazenamento, então o kubectl também é recusado.",
        )
    } else {
        ("", "")
    };
    p.explain(
        format!("RESIDUAL TIME `<invalid>` means the certificate's notAfter date has passed: {list}.{en_etcd} `kubeadm certs renew <name>` (or `all`) re-issues it from the same CA, keeping its names and usages, valid for one more year; the CAs themselves (ten years) are not renewed this way."),
        format!("RESIDUAL TIME `<invalid>` quer dizer que a data notAfter do certificado já passou: {list}.{pt_etcd} `kubeadm certs renew <nome>` (ou `all`) reemite o certificado com a mesma CA, mantendo nomes e usos, válido por mais um ano; as próprias CAs (dez anos) não são renovadas assim."),
    );
}

fn explain_restart(p: &mut Proc) {
    p.explain(
        "On a real node the running etcd and kube-apiserver keep the certificate they loaded at start until they restart (hence kubeadm's reminder): restart the static pods, e.g. move a manifest out of /etc/kubernetes/manifests and back. This playground's etcd reads its certificate files at every handshake, so the renewed certificate is in use at once — a real node would still present the old one.",
        "Num nó real, o etcd e o kube-apiserver em execução continuam com o certificado que carregaram ao iniciar até reiniciarem (daí o lembrete do kubeadm): reinicie os static pods, por exemplo movendo um manifesto para fora de /etc/kubernetes/manifests e de volta. O etcd deste playground lê os arquivos de certificado a cada handshake, então o certificado renovado vale na hora — um nó real ainda apresentaria o antigo.",
    );
}

/// `renewCert` for one handler: Ok(true) when it was renewed.
fn renew_one(world: &mut World, p: &mut Proc, f: &Flags, h: &Handler) -> Result<bool, String> {
    let path = cert_path(f, h);
    if !is_file(world, &path) {
        p.println(format!("MISSING! {}", h.long_name));
        return Ok(false);
    }
    if externally_managed(world, f, h.ca_base)? {
        p.println(format!("Detected external {}, {} can't be renewed", h.ca_base, h.long_name));
        return Ok(false);
    }
    let old = read_handler(world, f, h)?;
    let (ca, ca_key) = load_ca(world, f, h.ca_base)?;
    let (cert, key) = old.renewed(&ca, &ca_key, now_unix(world.clock_ms));
    let written = if h.kubeconfig {
        let text = String::from_utf8_lossy(world.vfs.read(&path).unwrap_or_default()).into_owned();
        world.vfs.write(&path, rewrite_kubeconfig(&text, &ca, &cert, &key).into_bytes())
    } else {
        world.vfs.write(&path, cert.to_pem().into_bytes()).and_then(|_| world.vfs.write(&format!("{}/{}.key", f.cert_dir, h.file), key.to_pem().into_bytes()))
    };
    written.map_err(|e| format!("failed to write new certificate {}: open {path}: {}", h.file, e.strerror().to_lowercase()))?;
    p.println(format!("{} renewed", h.long_name));
    Ok(true)
}

/// `certsphase.LoadCertificateAuthority`.
fn load_ca(world: &World, f: &Flags, base: &str) -> Result<(Certificate, PrivateKey), String> {
    let (crt, key) = (format!("{}/{base}.crt", f.cert_dir), format!("{}/{base}.key", f.cert_dir));
    if !is_file(world, &crt) && !is_file(world, &key) {
        return Err(format!("couldn't load {base} certificate authority from {}", f.cert_dir));
    }
    let wrap = |e: String| format!("failure loading {base} certificate authority: {e}");
    let ca = read_cert_file(world, &crt).map_err(|e| wrap(format!("couldn't load the certificate file {crt}: {e}")))?;
    let data = world.vfs.read(&key).map_err(|e| wrap(format!("couldn't load the private key file {key}: open {key}: {}", e.strerror().to_lowercase())))?;
    let ca_key = pki::parse_key(data).map_err(|_| wrap(format!("couldn't load the private key file {key}: error reading private key file {key}: data does not contain a valid RSA or ECDSA private key")))?;
    if !ca.is_ca {
        return Err(format!("{base} certificate is not a certificate authority"));
    }
    Ok((ca, ca_key))
}

/// The kubeconfig with the renewed client certificate and key, and the CA re-embedded.
fn rewrite_kubeconfig(text: &str, ca: &Certificate, cert: &Certificate, key: &PrivateKey) -> String {
    let b = |s: String| pki::base64_encode(s.as_bytes());
    let mut out = String::new();
    for line in text.lines() {
        let indent = &line[..line.len() - line.trim_start().len()];
        let field = line.trim_start().split(':').next().unwrap_or("");
        let value = match field {
            "certificate-authority-data" => Some(b(ca.to_pem())),
            "client-certificate-data" => Some(b(cert.to_pem())),
            "client-key-data" => Some(b(key.to_pem())),
            _ => None,
        };
        match value {
            Some(v) => out.push_str(&format!("{indent}{field}: {v}\n")),
            None => {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    out
}

const GLOBAL_FLAGS: &str = "Global Flags:
      --add-dir-header   If true, adds the file directory to the header of the log messages
      --rootfs string    The path to the 'real' host root filesystem. This will cause kubeadm to chroot into the provided path.
      --skip-headers     If true, avoid header prefixes in the log messages
  -v, --v Level          number for the log level verbosity
";

const CERTS_HELP: &str = "Commands related to handling kubernetes certificates

Usage:
  kubeadm certs [flags]
  kubeadm certs [command]

Aliases:
  certs, certificates

Available Commands:
  certificate-key  Generate certificate keys
  check-expiration Check certificates expiration for a Kubernetes cluster
  generate-csr     Generate keys and certificate signing requests
  renew            Renew certificates for a Kubernetes cluster

Flags:
  -h, --help   help for certs

Global Flags:
      --add-dir-header   If true, adds the file directory to the header of the log messages
      --rootfs string    The path to the 'real' host root filesystem. This will cause kubeadm to chroot into the provided path.
      --skip-headers     If true, avoid header prefixes in the log messages
  -v, --v Level          number for the log level verbosity

Use \"kubeadm certs [command] --help\" for more information about a command.
";

/// `kubeadm certs renew <name> --help`: `genericCertRenewLongDesc` and the renew flags.
fn cert_renew_help(h: &Handler) -> String {
    format!(
        "Renew the {}.

Renewals run unconditionally, regardless of certificate expiration date; extra attributes such as SANs will
be based on the existing file/certificates, there is no need to resupply them.

Renewal by default tries to use the certificate authority in the local PKI managed by kubeadm; as alternative
it is possible to use K8s certificate API for certificate renewal, or as a last option, to generate a CSR request.

After renewal, in order to make changes effective, is required to restart control-plane components and
eventually re-distribute the renewed certificate in case the file is used elsewhere.

Usage:
  kubeadm certs renew {} [flags]

Flags:
      --cert-dir string     The path where to save the certificates (default \"/etc/kubernetes/pki\")
      --config string       Path to a kubeadm configuration file.
  -h, --help                help for {}
      --kubeconfig string   The kubeconfig file to use when talking to the cluster. If the flag is not set, a set of standard locations can be searched for an existing kubeconfig file. (default \"/etc/kubernetes/admin.conf\")

{GLOBAL_FLAGS}",
        h.long_name, h.name, h.name
    )
}

fn renew_help() -> String {
    let mut names: Vec<(&str, String)> = CERTS.iter().map(|h| (h.name, format!("Renew the {}", h.long_name))).collect();
    names.push(("all", "Renew all available certificates".into()));
    crate::sort::sort_by(&mut names, |a, b| a.0.cmp(b.0));
    let pad = names.iter().map(|n| n.0.len()).max().unwrap_or(11).max(11);
    let mut s = String::from("This command is not meant to be run on its own. See list of available subcommands.\n\nUsage:\n  kubeadm certs renew [flags]\n  kubeadm certs renew [command]\n\nAvailable Commands:\n");
    for (n, short) in names {
        s.push_str(&format!("  {n:<pad$} {short}\n"));
    }
    s.push_str("\nFlags:\n  -h, --help   help for renew\n\n");
    s.push_str(GLOBAL_FLAGS);
    s.push_str("\nUse \"kubeadm certs renew [command] --help\" for more information about a command.\n");
    s
}

/// `kubeadm` with no arguments or `--help` (v1.31/1.32).
const ROOT_HELP: &str = "

    ┌──────────────────────────────────────────────────────────┐
    │ KUBEADM                                                  │
    │ Easily bootstrap a secure Kubernetes cluster             │
    │                                                          │
    │ Please give us feedback at:                              │
    │ https://github.com/kubernetes/kubeadm/issues             │
    └──────────────────────────────────────────────────────────┘

Example usage:

    Create a two-machine cluster with one control-plane node
    (which controls the cluster), and one worker node
    (where your workloads, like Pods and Deployments run).

    ┌──────────────────────────────────────────────────────────┐
    │ On the first machine:                                    │
    ├──────────────────────────────────────────────────────────┤
    │ control-plane# kubeadm init                              │
    └──────────────────────────────────────────────────────────┘

    ┌──────────────────────────────────────────────────────────┐
    │ On the second machine:                                   │
    ├──────────────────────────────────────────────────────────┤
    │ worker# kubeadm join <arguments-returned-from-init>      │
    └──────────────────────────────────────────────────────────┘

    You can then repeat the second step on as many other machines as you like.

Usage:
  kubeadm [command]

Available Commands:
  certs       Commands related to handling kubernetes certificates
  completion  Output shell completion code for the specified shell (bash or zsh)
  config      Manage configuration for a kubeadm cluster persisted in a ConfigMap in the cluster
  help        Help about any command
  init        Run this command in order to set up the Kubernetes control plane
  join        Run this on any machine you wish to join an existing cluster
  kubeconfig  Kubeconfig file utilities
  reset       Performs a best effort revert of changes made to this host by 'kubeadm init' or 'kubeadm join'
  token       Manage bootstrap tokens
  upgrade     Upgrade your cluster smoothly to a newer version with this command
  version     Print the version of kubeadm

Flags:
      --add-dir-header   If true, adds the file directory to the header of the log messages
  -h, --help             help for kubeadm
      --rootfs string    The path to the 'real' host root filesystem. This will cause kubeadm to chroot into the provided path.
      --skip-headers     If true, avoid header prefixes in the log messages
  -v, --v Level          number for the log level verbosity

Additional help topics:
  kubeadm alpha      Kubeadm experimental sub-commands

Use \"kubeadm [command] --help\" for more information about a command.
";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiry_dates_in_kubeadm_layout() {
        assert_eq!(expires(crate::cluster::clock::CLUSTER_CREATED + 365 * 86_400), "Jan 06, 2026 09:12 UTC");
    }

    #[test]
    fn suggestions_like_cobra() {
        assert_eq!(suggestions("cert", TOP_COMMANDS), "\n\nDid you mean this?\n\tcerts\n");
        assert_eq!(suggestions("xyzzy", TOP_COMMANDS), "");
    }
}
