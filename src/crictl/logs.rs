//! `crictl logs CONTAINER-ID`: a container's output (cri-tools `cmd/crictl/logs.go`). etcd's
//! lines are made from what the kubelet recorded about its run ([`EtcdRun`]): etcd 3.5.16's
//! zap JSON on stderr, with the `caller` lines of its source (server/etcdmain/etcd.go,
//! server/embed/etcd.go, server/embed/serve.go, server/etcdserver/…).

use super::{fatal, parse_flags, Endpoints};
use crate::gofmt::rfc3339_frac;
use crate::i18n::Text;
use crate::cluster::cri::{Container, EtcdExit, EtcdRun};
use crate::process::Proc;
use crate::snapshot::json_str;
use crate::world::World;

const FLAGS: &[(&str, &str, bool)] = &[("follow", "f", false), ("previous", "p", false), ("reopen", "r", false), ("timestamps", "t", false), ("tail", "", true), ("limit-bytes", "", true), ("since", "", true)];

pub fn run(world: &mut World, p: &mut Proc, ep: &Endpoints, args: &[String]) -> i32 {
    let f = match parse_flags(args, FLAGS) {
        Ok(f) => f,
        Err(e) => return fatal(p, &e),
    };
    let Some(id) = f.args.first().cloned().filter(|i| !i.is_empty()) else { return fatal(p, "ID cannot be empty") };
    if f.args.len() > 1 {
        return fatal(p, "crictl logs takes one CONTAINER-ID (flags go before it)");
    }
    if let Err(code) = super::connect(world, p, ep, false) {
        return code;
    }
    let rt = &world.kubelet.runtime;
    let Some(c) = rt.containers.iter().filter(|c| !id.is_empty() && c.id.starts_with(&id)).max_by_key(|c| c.created_ms) else {
        return fatal(p, &format!("rpc error: code = NotFound desc = an error occurred when try to find container {}: not found", json_str(&id)));
    };
    let c = if f.has("previous") {
        if c.attempt == 0 {
            return fatal(p, &format!("previous terminated container {} not found", c.name));
        }
        match rt.containers.iter().find(|o| o.sandbox_id == c.sandbox_id && o.name == c.name && o.attempt + 1 == c.attempt) {
            Some(prev) => prev,
            None => {
                let sb = super::sandbox_of(rt, c);
                let dir = sb.map_or(String::new(), |s| format!("/var/log/pods/{}_{}_{}", s.namespace, s.name, s.uid));
                return fatal(p, &format!("failed to try resolving symlinks in path \"{dir}/{}/{}.log\": lstat {dir}/{}/{}.log: no such file or directory", c.name, c.attempt - 1, c.name, c.attempt - 1));
            }
        }
    } else {
        c
    };
    let mut lines: Vec<(i64, String)> = match &c.etcd {
        Some(run) => etcd_lines(c, run),
        None => {
            p.explain(
                format!("This playground simulates etcd's logs only; `{}` printed nothing it keeps.", c.name),
                format!("Este playground simula só os logs do etcd; `{}` não imprimiu nada que ele guarde.", c.name),
            );
            Vec::new()
        }
    };
    if let Some(t) = f.value("tail").and_then(|t| t.parse::<i64>().ok()).filter(|t| *t >= 0) {
        let skip = lines.len().saturating_sub(t as usize);
        lines.drain(..skip);
    }
    if let Some(exit) = c.etcd.as_ref().and_then(|r| r.exit.as_ref()) {
        let why = why(exit);
        p.explain(
            format!("{} The kubelet tries again after its back-off (10 s, 20 s, 40 s … 5 min); saving a fixed /etc/kubernetes/manifests/etcd.yaml restarts etcd at once.", why.en),
            format!("{} O kubelet tenta de novo após a espera (10 s, 20 s, 40 s … 5 min); salvar um /etc/kubernetes/manifests/etcd.yaml corrigido reinicia o etcd na hora.", why.pt),
        );
    }
    let stamps = f.has("timestamps");
    for (ts, l) in lines {
        // etcd writes to stderr; the kubelet's log file keeps the stream, and crictl
        // prints each line back to the same stream.
        if stamps {
            // Go's RFC3339Nano: trailing zeros of the fraction dropped.
            let stamp = rfc3339_frac(ts, 9);
            let stamp = stamp.trim_end_matches('0').trim_end_matches('.');
            p.eprintln(format!("{stamp}Z {l}"));
        } else {
            p.eprintln(l);
        }
    }
    0
}

/// What etcd's last lines mean, in plain words.
fn why(exit: &EtcdExit) -> Text {
    match exit {
        EtcdExit::UnknownFlag(k) => Text::new(
            format!("etcd does not know the flag `--{k}` (a typo in the manifest?): Go's flag parser stops before etcd even starts logging."),
            format!("O etcd não conhece a flag `--{k}` (erro de digitação no manifesto?): o parser de flags do Go para antes de o etcd começar a logar."),
        ),
        EtcdExit::MissingFile { flag, path } => Text::new(
            format!("etcd exits because `--{flag}` names {path}, which does not exist inside its container (only hostPath volumes from the node are mounted)."),
            format!("O etcd sai porque `--{flag}` aponta para {path}, que não existe dentro do contêiner (só os volumes hostPath do nó são montados)."),
        ),
        EtcdExit::Bind { host_port, .. } => Text::new(
            format!("etcd cannot listen on {host_port}: that address is not one of this node's (hostNetwork: the node's IPs are 127.0.0.1 and 172.17.0.2)."),
            format!("O etcd não consegue escutar em {host_port}: esse endereço não é deste nó (hostNetwork: os IPs do nó são 127.0.0.1 e 172.17.0.2)."),
        ),
        EtcdExit::TlsRequired(u) => Text::new(
            format!("{u} is https, so etcd needs --cert-file and --key-file."),
            format!("{u} é https, então o etcd precisa de --cert-file e --key-file."),
        ),
        EtcdExit::BadUrl(u) => Text::new(format!("etcd cannot use the URL {u}."), format!("O etcd não aceita a URL {u}.")),
        EtcdExit::OpenDb { path, .. } => Text::new(
            format!("etcd cannot open its database {path}: the file in the data dir is not a usable bbolt database."),
            format!("O etcd não consegue abrir o banco {path}: o arquivo no data dir não é um banco bbolt utilizável."),
        ),
    }
}

fn zap(ts: i64, level: &str, caller: &str, msg: &str, fields: &[(&str, String)]) -> (i64, String) {
    let mut s = format!("{{\"level\":\"{level}\",\"ts\":\"{}Z\",\"caller\":\"{caller}\",\"msg\":{}", rfc3339_frac(ts, 6), json_str(msg));
    for (k, v) in fields {
        s.push_str(&format!(",\"{k}\":{v}"));
    }
    s.push('}');
    (ts, s)
}

fn strs(v: &[String]) -> String {
    format!("[{}]", v.iter().map(|s| json_str(s)).collect::<Vec<_>>().join(","))
}

const MAIN_STACK: &str = "go.etcd.io/etcd/server/v3/etcdmain.Main\n\tgo.etcd.io/etcd/server/v3/etcdmain/main.go:40\nmain.main\n\tgo.etcd.io/etcd/server/v3/main.go:31\nruntime.main\n\truntime/proc.go:271";

/// etcd's log for one run, as (unix ms, line).
fn etcd_lines(c: &Container, run: &EtcdRun) -> Vec<(i64, String)> {
    let t0 = c.created_ms;
    let flag = |k: &str| -> Option<String> {
        run.args.iter().find_map(|a| {
            let a = a.trim_start_matches('-');
            let (n, v) = a.split_once('=').unwrap_or((a, "true"));
            (n == k).then(|| v.to_string())
        })
    };
    let list = |k: &str, d: &str| -> Vec<String> { flag(k).unwrap_or_else(|| d.into()).split(',').map(str::to_string).collect() };
    let mut out = Vec::new();
    if let Some(EtcdExit::UnknownFlag(k)) = &run.exit {
        // Go's flag package, before etcd's logger exists.
        out.push((t0, format!("flag provided but not defined: -{k}")));
        // etcd's own usage text (`etcd` the program prints the same).
        for l in crate::etcdmain::USAGE.trim_end().lines() {
            out.push((t0, l.to_string()));
        }
        out.push((t0, String::new()));
        return out;
    }
    let mut ts = t0;
    let mut next = |d: i64| {
        ts += d;
        ts
    };
    // Config validation warns once while parsing flags and again inside embed.StartEtcd.
    const SINGLE_PORT: &str = "Running http and grpc server on single port. This is not recommended for production.";
    out.push(zap(next(0), "warn", "embed/config.go:689", SINGLE_PORT, &[]));
    out.push(zap(next(0), "info", "etcdmain/etcd.go:73", "Running: ", &[("args", strs(&run.args))]));
    if let Some(EtcdExit::BadUrl(u)) = &run.exit {
        out.push(zap(next(1), "warn", "etcdmain/etcd.go:75", "failed to verify flags", &[("error", json_str(&format!("URL scheme must be http, https, unix, or unixs: {u}")))]));
        return out;
    }
    let name = flag("name").unwrap_or_else(|| "default".into());
    let data_dir = flag("data-dir").unwrap_or_else(|| format!("{name}.etcd"));
    if !run.fresh {
        out.push(zap(next(1), "info", "etcdmain/etcd.go:116", "server has been already initialized", &[("data-dir", json_str(&data_dir)), ("dir-type", json_str("member"))]));
    }
    let peers = list("listen-peer-urls", "http://localhost:2380");
    let clients = list("listen-client-urls", "http://localhost:2379");
    let adv_peers = list("initial-advertise-peer-urls", "http://localhost:2380");
    let adv_clients = list("advertise-client-urls", "http://localhost:2379");
    let closing = |out: &mut Vec<(i64, String)>, at: i64| {
        let fields = [("name", json_str(&name)), ("data-dir", json_str(&data_dir)), ("advertise-peer-urls", strs(&adv_peers)), ("advertise-client-urls", strs(&adv_clients))];
        out.push(zap(at, "info", "embed/etcd.go:378", "closing etcd server", &fields));
        out.push(zap(at + 1, "info", "embed/etcd.go:380", "closed etcd server", &fields));
    };
    let discovery_failed = |out: &mut Vec<(i64, String)>, at: i64, err: &str| {
        out.push(zap(at, "fatal", "etcdmain/etcd.go:204", "discovery failed", &[("error", json_str(err)), ("stacktrace", json_str(&format!("go.etcd.io/etcd/server/v3/etcdmain.startEtcdOrProxyV2\n\tgo.etcd.io/etcd/server/v3/etcdmain/etcd.go:204\n{MAIN_STACK}")))]));
    };
    out.push(zap(next(1), "warn", "embed/config.go:689", SINGLE_PORT, &[]));
    out.push(zap(next(1), "info", "embed/etcd.go:128", "configuring peer listeners", &[("listen-peer-urls", strs(&peers))]));
    let tls_info = |cert: &str, key: &str, ca: &str, auth: &str| -> String {
        let g = |k: &str| flag(k).unwrap_or_default();
        json_str(&format!("cert = {}, key = {}, client-cert=, client-key=, trusted-ca = {}, client-cert-auth = {}, crl-file = ", g(cert), g(key), g(ca), flag(auth).map_or("false".into(), |v| v)))
    };
    if flag("peer-cert-file").is_some() {
        out.push(zap(next(1), "info", "embed/etcd.go:497", "starting with peer TLS", &[("tls-info", tls_info("peer-cert-file", "peer-key-file", "peer-trusted-ca-file", "peer-client-cert-auth")), ("cipher-suites", "[]".into())]));
    }
    let peer_err = match &run.exit {
        Some(EtcdExit::MissingFile { flag, path }) if flag.starts_with("peer-") => Some(format!("open {path}: no such file or directory")),
        Some(EtcdExit::Bind { peer: true, host_port }) => Some(format!("listen tcp {host_port}: bind: cannot assign requested address")),
        _ => None,
    };
    if let Some(err) = peer_err {
        let stack = format!("go.etcd.io/etcd/server/v3/embed.configurePeerListeners\n\tgo.etcd.io/etcd/server/v3/embed/etcd.go:539\ngo.etcd.io/etcd/server/v3/embed.StartEtcd\n\tgo.etcd.io/etcd/server/v3/embed/etcd.go:132\ngo.etcd.io/etcd/server/v3/etcdmain.startEtcd\n\tgo.etcd.io/etcd/server/v3/etcdmain/etcd.go:228\ngo.etcd.io/etcd/server/v3/etcdmain.startEtcdOrProxyV2\n\tgo.etcd.io/etcd/server/v3/etcdmain/etcd.go:{}\n{MAIN_STACK}", if run.fresh { 135 } else { 123 });
        out.push(zap(next(1), "error", "embed/etcd.go:539", "creating peer listener failed", &[("error", json_str(&err)), ("stacktrace", json_str(&stack))]));
        let at = next(1);
        closing(&mut out, at);
        discovery_failed(&mut out, at + 2, &err);
        return out;
    }
    out.push(zap(next(1), "info", "embed/etcd.go:136", "configuring client listeners", &[("listen-client-urls", strs(&clients))]));
    let client_err = match &run.exit {
        Some(EtcdExit::MissingFile { path, .. }) => Some(format!("open {path}: no such file or directory")),
        Some(EtcdExit::Bind { host_port, .. }) => Some(format!("listen tcp {host_port}: bind: cannot assign requested address")),
        Some(EtcdExit::TlsRequired(u)) => Some(format!("TLS key/cert (--cert-file, --key-file) must be provided for client url {u} with HTTPS scheme")),
        _ => None,
    };
    if let Some(err) = client_err {
        let at = next(1);
        closing(&mut out, at);
        discovery_failed(&mut out, at + 2, &err);
        return out;
    }
    let db = format!("{}/member/snap/db", data_dir.trim_end_matches('/'));
    if let Some(EtcdExit::OpenDb { error, .. }) = &run.exit {
        out.push(zap(next(3), "panic", "backend/backend.go:201", "failed to open database", &[("path", json_str(&db)), ("error", json_str(error)), ("stacktrace", json_str("go.etcd.io/etcd/server/v3/mvcc/backend.newBackend\n\tgo.etcd.io/etcd/server/v3/mvcc/backend/backend.go:201"))]));
        out.push((ts, "panic: failed to open database".into()));
        return out;
    }
    out.push(zap(next(3), "info", "etcdserver/backend.go:81", "opened backend db", &[("path", json_str(&db)), ("took", json_str("2.418ms"))]));
    let id = format!("{:x}", run.member_id);
    let ts_raft = next(1_000);
    out.push((ts_raft, format!("{{\"level\":\"info\",\"ts\":\"{}Z\",\"logger\":\"raft\",\"caller\":\"etcdserver/zap_raft.go:77\",\"msg\":\"{id} became leader at term {}\"}}", rfc3339_frac(ts_raft, 6), run.term)));
    let attrs = format!("{{Name:{name} ClientURLs:[{}]}}", adv_clients.join(" "));
    out.push(zap(next(4), "info", "etcdserver/server.go:2088", "published local member to cluster through raft", &[("local-member-id", json_str(&id)), ("local-member-attributes", json_str(&attrs)), ("cluster-id", json_str(&format!("{:x}", run.cluster_id))), ("publish-timeout", json_str("7s"))]));
    for _ in &clients {
        out.push(zap(next(0), "info", "embed/serve.go:103", "ready to serve client requests", &[]));
    }
    for u in &clients {
        let (scheme, addr) = u.split_once("://").unwrap_or(("http", u));
        if scheme == "https" {
            out.push(zap(next(1), "info", "embed/serve.go:250", "serving client traffic securely", &[("traffic", json_str("grpc+http")), ("address", json_str(addr))]));
        } else {
            out.push(zap(next(1), "warn", "embed/serve.go:187", "serving client traffic insecurely; this is strongly discouraged!", &[("traffic", json_str("grpc+http")), ("address", json_str(addr))]));
        }
    }
    if let Some(end) = c.finished_ms {
        out.push(zap(end, "info", "osutil/interrupt_unix.go:64", "received signal; shutting down", &[("signal", json_str("terminated"))]));
        closing(&mut out, end + 1);
    }
    out
}
