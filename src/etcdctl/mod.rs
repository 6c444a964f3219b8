//! `etcdctl` (v3 API): global flags, connecting to the simulated etcd, and one module per
//! command (`put.rs`, `get.rs`, ...), each with its flags, parse and run.

pub mod get;
pub mod put;

use crate::cluster::EtcdServer;
use crate::process::Proc;
use crate::world::World;

/// Global flags shared by every command (etcdctl's `GlobalFlags`).
#[derive(Debug, Clone, Default)]
pub struct Globals {
    pub endpoints: Vec<String>,
    pub write_out: String,
    pub cacert: Option<String>,
    pub cert: Option<String>,
    pub key: Option<String>,
}

/// Entry point: `etcdctl [global flags] <command> [flags] [args]`.
pub fn main(world: &mut World, p: &mut Proc) -> i32 {
    let mut g = Globals {
        endpoints: vec![p.env.get("ETCDCTL_ENDPOINTS").cloned().unwrap_or_else(|| "127.0.0.1:2379".to_string())],
        write_out: "simple".into(),
        cacert: p.env.get("ETCDCTL_CACERT").cloned(),
        cert: p.env.get("ETCDCTL_CERT").cloned(),
        key: p.env.get("ETCDCTL_KEY").cloned(),
    };
    let mut rest = Vec::new();
    let args = p.args[1..].to_vec();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let (name, inline) = match a.split_once('=') {
            Some((n, v)) if a.starts_with("--") => (n.to_string(), Some(v.to_string())),
            _ => (a.clone(), None),
        };
        let slot = match name.as_str() {
            "--endpoints" => 0,
            "--cacert" => 1,
            "--cert" => 2,
            "--key" => 3,
            "-w" | "--write-out" => 4,
            _ => {
                rest.push(a.clone());
                continue;
            }
        };
        let Some(value) = inline.or_else(|| it.next().cloned()) else {
            p.eprintln(format!("Error: flag needs an argument: {name}"));
            return 1;
        };
        match slot {
            0 => g.endpoints = value.split(',').map(str::to_string).collect(),
            1 => g.cacert = Some(value),
            2 => g.cert = Some(value),
            3 => g.key = Some(value),
            _ => g.write_out = value,
        }
    }
    let Some(cmd) = rest.first().cloned() else {
        p.println("NAME:\n\tetcdctl - A simple command line client for etcd3.");
        return 0;
    };
    let args = &rest[1..];
    match cmd.as_str() {
        "put" => put::run(world, p, &g, args),
        "get" => get::run(world, p, &g, args),
        other => {
            p.eprintln(format!("Error: unknown command \"{other}\" for \"etcdctl\""));
            p.eprintln("Run 'etcdctl --help' for usage.");
            1
        }
    }
}

/// Dials the first endpoint through the simulated TLS handshake ([`crate::cluster::tls`]);
/// on failure prints what etcdctl 3.4 prints (an immediate `Error: ...` for bad client files,
/// or the retry warning and `context deadline exceeded` after the 5 s command timeout) and the
/// real cause as an explanation.
pub fn connect<'w>(world: &'w mut World, p: &mut Proc, g: &Globals) -> Option<&'w mut EtcdServer> {
    use crate::cluster::tls;
    crate::cluster::kubelet::sync(world);
    let ep = g.endpoints.first().cloned().unwrap_or_default();
    let client = tls::ClientTls { cacert: g.cacert.clone(), cert: g.cert.clone(), key: g.key.clone() };
    match tls::dial(world, &ep, &client) {
        Ok(()) => Some(&mut world.etcd),
        Err(f) => {
            if f.kind == tls::FailureKind::Timeout {
                world.clock_ms += 5000;
                p.eprintln(tls::etcdctl_warning(world, &ep, &client));
                p.eprintln("Error: context deadline exceeded");
            } else {
                p.eprintln(format!("Error: {}", f.error));
            }
            p.explain(f.cause_en, f.cause_pt);
            None
        }
    }
}

/// Prints an engine error the way etcdctl does and returns its exit status.
pub fn fail(p: &mut Proc, err: impl std::fmt::Display) -> i32 {
    p.eprintln(format!("Error: {err}"));
    1
}
