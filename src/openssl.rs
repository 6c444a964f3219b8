//! `openssl x509` over the simulated certificates of [`crate::cluster::pki`], in OpenSSL
//! 3.0's output format: `-text` (the full dump), `-subject`, `-issuer`, `-dates`,
//! `-startdate`, `-enddate`, `-serial`, `-ext subjectAltName`, `-checkend N`, printed in the
//! order given, as openssl does. Modulus and signature bytes are derived from the key
//! identities, so they are stable but not real RSA numbers.
//!
//! ```text
//! $ openssl x509 -in /etc/kubernetes/pki/etcd/server.crt -noout -subject -issuer
//! subject=CN = docker-01
//! issuer=CN = etcd-ca
//! ```

use crate::cluster::clock::{now_unix, openssl_date};
use crate::cluster::pki::{self, Certificate, San, Usage};
use crate::process::Proc;
use crate::world::World;

/// An error line's prefix: OpenSSL prints the thread id there (random in real runs).
const TID: &str = "40770F1E767F0000";

pub fn main(world: &mut World, p: &mut Proc) -> i32 {
    let args = p.args[1..].to_vec();
    match args.first().map(String::as_str) {
        Some("x509") => x509(world, p, &args[1..]),
        Some("version") => {
            p.println("OpenSSL 3.0.19 27 Jan 2026 (Library: OpenSSL 3.0.19 27 Jan 2026)");
            0
        }
        Some(other) => {
            p.eprintln(format!("Invalid command '{other}'; type \"help\" for a list."));
            1
        }
        None => {
            p.eprintln("openssl: this playground supports `openssl x509` and `openssl version`.");
            1
        }
    }
}

enum Out {
    Text,
    Subject,
    Issuer,
    Dates,
    Start,
    End,
    Serial,
    Ext(String),
    CheckEnd(i64),
}

fn x509(world: &mut World, p: &mut Proc, args: &[String]) -> i32 {
    let mut input: Option<String> = None;
    let mut noout = false;
    let mut outs = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let a = a.strip_prefix('-').map(|s| s.trim_start_matches('-')).unwrap_or(a);
        let mut value = |name: &str| -> Option<String> {
            let v = it.next().cloned();
            if v.is_none() {
                p.eprintln(format!("x509: Option -{name} needs a value\nx509: Use -help for summary."));
            }
            v
        };
        match a {
            "in" => match value("in") {
                Some(v) => input = Some(v),
                None => return 1,
            },
            "noout" => noout = true,
            "text" => outs.push(Out::Text),
            "subject" => outs.push(Out::Subject),
            "issuer" => outs.push(Out::Issuer),
            "dates" => outs.push(Out::Dates),
            "startdate" => outs.push(Out::Start),
            "enddate" => outs.push(Out::End),
            "serial" => outs.push(Out::Serial),
            "ext" => match value("ext") {
                Some(v) => outs.push(Out::Ext(v)),
                None => return 1,
            },
            "checkend" => match value("checkend").map(|v| v.parse::<i64>()) {
                Some(Ok(n)) => outs.push(Out::CheckEnd(n)),
                Some(Err(_)) => {
                    p.eprintln("x509: Invalid number for option -checkend\nx509: Use -help for summary.");
                    return 1;
                }
                None => return 1,
            },
            "nameopt" | "inform" | "outform" => {
                let _ = value(a);
            }
            other => {
                p.eprintln(format!("x509: Unknown option or message digest: {other}\nx509: Use -help for summary."));
                return 1;
            }
        }
    }
    let (data, shown) = match &input {
        Some(f) => {
            let path = p.path(f);
            match world.vfs.read(&path) {
                Ok(d) => (d.to_vec(), f.clone()),
                Err(_) => {
                    p.eprintln(format!("Could not open file or uri for loading certificate from {f}"));
                    p.eprintln(format!("{TID}:error:16000069:STORE routines:ossl_store_get0_loader_int:unregistered scheme:../crypto/store/store_register.c:237:scheme=file"));
                    p.eprintln(format!("{TID}:error:80000002:system library:file_open:No such file or directory:../providers/implementations/storemgmt/file_store.c:266:calling stat({f})"));
                    p.eprintln("Unable to load certificate");
                    return 1;
                }
            }
        }
        None => (p.stdin.clone(), "<stdin>".to_string()),
    };
    let cert = match pki::parse_cert(&data) {
        Ok(c) => c,
        Err(_) => {
            p.eprintln(format!("Could not read certificate from {shown}"));
            if !pki::pem_blocks(&data).is_empty() {
                p.eprintln(format!("{TID}:error:1608010C:STORE routines:ossl_store_handle_load_result:unsupported:../crypto/store/store_result.c:149:"));
            }
            p.eprintln("Unable to load certificate");
            if pki::parse_key(&data).is_ok() {
                p.explain(
                    format!("{shown} is a private key, not a certificate. The certificate is the .crt file beside it."),
                    format!("{shown} é uma chave privada, não um certificado. O certificado é o arquivo .crt ao lado."),
                );
            }
            return 1;
        }
    };
    let mut status = 0;
    for o in outs {
        match o {
            Out::Text => p.print(text(&cert)),
            Out::Subject => p.println(format!("subject=CN = {}", cert.subject_cn)),
            Out::Issuer => p.println(format!("issuer=CN = {}", cert.issuer_cn)),
            Out::Dates => p.println(format!("notBefore={}\nnotAfter={}", openssl_date(cert.not_before), openssl_date(cert.not_after))),
            Out::Start => p.println(format!("notBefore={}", openssl_date(cert.not_before))),
            Out::End => p.println(format!("notAfter={}", openssl_date(cert.not_after))),
            Out::Serial => {
                let hex = format!("{:X}", cert.serial);
                p.println(format!("serial={}{hex}", if hex.len() % 2 == 1 { "0" } else { "" }));
            }
            Out::Ext(names) => {
                for name in names.split(',') {
                    if let Some((title, body)) = extensions(&cert).into_iter().find(|(t, _)| ext_name(t) == name.trim()) {
                        p.println(format!("{title}\n    {}", body.trim_start()));
                    }
                }
            }
            Out::CheckEnd(secs) => {
                if now_unix(world.clock_ms).saturating_add(secs) > cert.not_after {
                    p.println("Certificate will expire");
                    status = 1;
                } else {
                    p.println("Certificate will not expire");
                }
            }
        }
    }
    if !noout {
        p.print(String::from_utf8_lossy(&data));
    }
    status
}

fn ext_name(title: &str) -> &str {
    match title {
        "X509v3 Key Usage: critical" => "keyUsage",
        "X509v3 Extended Key Usage: " => "extendedKeyUsage",
        "X509v3 Basic Constraints: critical" => "basicConstraints",
        "X509v3 Subject Key Identifier: " => "subjectKeyIdentifier",
        "X509v3 Authority Key Identifier: " => "authorityKeyIdentifier",
        "X509v3 Subject Alternative Name: " => "subjectAltName",
        _ => "",
    }
}

/// The extensions in the order Go's `x509.CreateCertificate` writes them (kubeadm's certs):
/// (openssl's title, its text).
pub fn extensions(c: &Certificate) -> Vec<(&'static str, String)> {
    let mut v = Vec::new();
    v.push(("X509v3 Key Usage: critical", if c.is_ca { "Digital Signature, Key Encipherment, Certificate Sign" } else { "Digital Signature, Key Encipherment" }.to_string()));
    if let Some(u) = c.usage {
        let s = match u {
            Usage::Server => "TLS Web Server Authentication",
            Usage::Client => "TLS Web Client Authentication",
            Usage::ServerClient => "TLS Web Server Authentication, TLS Web Client Authentication",
        };
        v.push(("X509v3 Extended Key Usage: ", s.to_string()));
    }
    v.push(("X509v3 Basic Constraints: critical", format!("CA:{}", if c.is_ca { "TRUE" } else { "FALSE" })));
    if c.is_ca {
        v.push(("X509v3 Subject Key Identifier: ", Certificate::key_identifier(c.public_key)));
    } else {
        v.push(("X509v3 Authority Key Identifier: ", Certificate::key_identifier(c.signed_by)));
    }
    if !c.sans.is_empty() {
        let sans: Vec<String> = c.sans.iter().map(|s| match s {
            San::Dns(d) => format!("DNS:{d}"),
            San::Ip(i) => format!("IP Address:{i}"),
        }).collect();
        v.push(("X509v3 Subject Alternative Name: ", sans.join(", ")));
    }
    v
}

/// `n` stable pseudo-random bytes from a seed (FNV-1a, then splitmix64), as openssl's
/// colon-separated hex lines.
fn hex_lines(seed: &str, n: usize, per_line: usize, indent: &str, lead_zero: bool) -> String {
    let mut x: u64 = 0xcbf2_9ce4_8422_2325;
    for b in seed.bytes() {
        x = (x ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
    }
    let mut bytes: Vec<u8> = Vec::with_capacity(n + 8);
    while bytes.len() < n {
        x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = x;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        bytes.extend_from_slice(&(z ^ (z >> 31)).to_be_bytes());
    }
    bytes.truncate(n);
    if lead_zero && n > 1 {
        // A positive 2048-bit modulus: a leading 00, and the top bit of the next byte set.
        bytes[0] = 0;
        bytes[1] |= 0x80;
    }
    let lines: Vec<String> = bytes.chunks(per_line).map(|c| format!("{indent}{}", c.iter().map(|b| format!("{b:02x}")).collect::<Vec<_>>().join(":"))).collect();
    lines.join(":\n")
}

fn text(c: &Certificate) -> String {
    let mut s = String::new();
    s.push_str("Certificate:\n    Data:\n        Version: 3 (0x2)\n");
    s.push_str(&format!("        Serial Number: {} (0x{:x})\n", c.serial, c.serial));
    s.push_str("        Signature Algorithm: sha256WithRSAEncryption\n");
    s.push_str(&format!("        Issuer: CN = {}\n", c.issuer_cn));
    s.push_str(&format!("        Validity\n            Not Before: {}\n            Not After : {}\n", openssl_date(c.not_before), openssl_date(c.not_after)));
    s.push_str(&format!("        Subject: CN = {}\n", c.subject_cn));
    s.push_str("        Subject Public Key Info:\n            Public Key Algorithm: rsaEncryption\n                Public-Key: (2048 bit)\n                Modulus:\n");
    s.push_str(&hex_lines(&format!("modulus{}", c.public_key), 257, 15, "                    ", true));
    s.push_str("\n                Exponent: 65537 (0x10001)\n        X509v3 extensions:\n");
    for (title, body) in extensions(c) {
        s.push_str(&format!("            {title}\n                {body}\n"));
    }
    s.push_str("    Signature Algorithm: sha256WithRSAEncryption\n    Signature Value:\n");
    s.push_str(&hex_lines(&format!("sig{}/{}", c.serial, c.signed_by), 256, 18, "        ", false));
    s.push('\n');
    s
}
