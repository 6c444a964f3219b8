//! `ETCDCTL_API=2 etcdctl ...` on etcdctl 3.4: the old v2 client. etcd 3.4 serves the v2 API
//! only with `--enable-v2=true`, which neither scenario sets, so v2 requests reach a server
//! that does not answer them in v2's JSON. etcdctl 3.5 still has this client (deprecated;
//! 3.6 removed it); its exact failure against a TLS-only 3.5 server is not checked.
//!
//! ```text
//! $ ETCDCTL_API=2 etcdctl get k1
//! Error:  client: response is invalid json. The endpoint is probably not valid etcd cluster endpoint
//! ```

use crate::process::Proc;
use crate::world::World;

pub const HELP: &str = include_str!("help/v2_root.txt");

const COMMANDS: &[&str] = &["backup", "cluster-health", "mk", "mkdir", "rm", "rmdir", "get", "ls", "set", "setdir", "update", "updatedir", "watch", "exec-watch", "member", "user", "role", "auth", "help", "h"];

pub fn main(world: &mut World, p: &mut Proc) -> i32 {
    let args: Vec<String> = p.args.iter().skip(1).cloned().collect();
    // Global flags of the v2 client that take a value.
    let with_value = ["--endpoints", "--endpoint", "--peers", "-C", "--cert-file", "--key-file", "--ca-file", "--username", "-u", "--password", "--timeout", "--total-timeout", "--output", "-o", "--discovery-srv", "-D"];
    let mut i = 0;
    let mut cmd = None;
    while i < args.len() {
        let a = &args[i];
        if a == "--version" || a == "-v" {
            p.println(format!("etcdctl version: {}\nAPI version: 2", world.etcd.version.version));
            return 0;
        }
        if a == "--help" || a == "-h" {
            p.print(HELP);
            return 0;
        }
        if with_value.contains(&a.as_str()) {
            i += 2;
            continue;
        }
        if a.starts_with('-') {
            i += 1;
            continue;
        }
        cmd = Some(a.clone());
        break;
    }
    let Some(cmd) = cmd else {
        p.print(HELP);
        return 0;
    };
    if !COMMANDS.contains(&cmd.as_str()) {
        p.eprintln(format!("No help topic for '{cmd}'"));
        p.explain(
            format!("With ETCDCTL_API=2, etcdctl 3.4 is the old v2 client: it has set/get/ls/mk/rm, not '{cmd}'. Unset ETCDCTL_API (or set it to 3) for the v3 commands."),
            format!("Com ETCDCTL_API=2, o etcdctl 3.4 é o cliente v2 antigo: tem set/get/ls/mk/rm, não '{cmd}'. Remova ETCDCTL_API (ou use 3) para os comandos v3."),
        );
        return 3;
    }
    let explain = |p: &mut Proc| {
        p.explain(
            "etcd 3.4 serves only the v3 API unless started with --enable-v2=true. The v2 client's requests reach an etcd that does not answer them; its v3 keys are not visible through v2 anyway. Use the v3 API (unset ETCDCTL_API).",
            "O etcd 3.4 só atende a API v3, a menos que seja iniciado com --enable-v2=true. As requisições do cliente v2 chegam a um etcd que não as responde; e as chaves v3 não aparecem pela v2. Use a API v3 (remova ETCDCTL_API).",
        );
    };
    match cmd.as_str() {
        "help" | "h" => {
            p.print(HELP);
            0
        }
        "member" => {
            p.eprintln("unexpected status code 404");
            explain(p);
            1
        }
        "cluster-health" => {
            p.println("cluster may be unhealthy: failed to list members");
            p.eprintln("Error:  unexpected status code 404");
            explain(p);
            4
        }
        _ => {
            p.eprintln("Error:  client: response is invalid json. The endpoint is probably not valid etcd cluster endpoint");
            explain(p);
            4
        }
    }
}
