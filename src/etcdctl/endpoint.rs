//! `etcdctl endpoint health|status|hashkv [--cluster]` — asks each endpoint (or, with
//! `--cluster`, each member's client URL) how it is.
//!
//! ```text
//! $ etcdctl endpoint health
//! 127.0.0.1:2379 is healthy: successfully committed proposal: took = 1.2ms
//! $ etcdctl endpoint status
//! 127.0.0.1:2379, 8e9e05c52164694d, 3.4.23, 20 kB, true, false, 2, 5, 5,
//! ```

use super::output::{header, json_str, table, Obj};
use crate::gofmt::humanize_bytes;
use super::{connect, grpc_code, grpc_fail, Ctx, Globals, EXIT_BAD_FEATURE};
use crate::process::Proc;
use crate::world::World;

/// etcd's raft index of a fresh single member is 4 before the first request (two conf-change
/// entries, the leader's empty entry and the cluster version publish); each applied request
/// adds one, as the engine's consistent index counts.
pub const BOOT_RAFT_INDEX: u64 = 4;

pub fn run(world: &mut World, p: &mut Proc, g: &Globals, ctx: &Ctx) -> i32 {
    let sub = ctx.path.trim_start_matches("endpoint ");
    let cluster = ctx.args.bool("cluster");
    if g.write_out == "protobuf" {
        p.eprintln("Error: protobuf not supported as output format");
        return EXIT_BAD_FEATURE;
    }
    if sub == "health" && super::preflight(world, p, g).is_err() {
        return super::EXIT_ERROR;
    }
    // Several members: each endpoint answers for itself.
    if world.cluster.is_some() && matches!(g.write_out.as_str(), "simple" | "table" | "json" | "fields") && (sub != "hashkv" || g.write_out != "fields") {
        if sub != "health" && super::preflight(world, p, g).is_err() {
            return super::EXIT_ERROR;
        }
        return match sub {
            "status" => super::cluster_ctl::status(world, p, g, cluster),
            "hashkv" => super::cluster_ctl::hashkv(world, p, g, cluster, ctx.args.int("rev")),
            _ => super::cluster_ctl::health(world, p, g, cluster),
        };
    }
    // A simulated round trip takes about a millisecond.
    let took = format!("{}.{:06}ms", 1, (world.clock_ms * 7919 + 271_828) % 1_000_000);
    // status and hashkv ask each endpoint on its own connection (see Globals::per_endpoint).
    let mut gm = g.clone();
    gm.per_endpoint = sub != "health";
    let g_dial = if sub == "health" { g } else { &gm };
    let Some(s) = connect(world, p, g_dial) else {
        if sub != "health" && g_dial.exit.get() == 0 {
            // A timeout: `Failed to get the <what> of endpoint EP (...)`, then the printer
            // with an empty list; status exits 1, hashkv also says `Error: ...`.
            let what = if sub == "status" { "status" } else { "hash" };
            for ep in &g.endpoints {
                p.eprintln(format!("Failed to get the {what} of endpoint {ep} (context deadline exceeded)"));
            }
            match (sub, g.write_out.as_str()) {
                ("status", "table") => p.print(table(&["ENDPOINT", "ID", "VERSION", "DB SIZE", "IS LEADER", "IS LEARNER", "RAFT TERM", "RAFT INDEX", "RAFT APPLIED INDEX", "ERRORS"], &[])),
                ("hashkv", "table") => p.print(table(&["ENDPOINT", "HASH"], &[])),
                (_, "json") => p.println("[]"),
                _ => {}
            }
            if sub == "hashkv" {
                p.eprintln("Error: context deadline exceeded");
            }
            return super::EXIT_ERROR;
        }
        g.exit.set(g_dial.exit.get());
        // Bad client TLS files stop etcdctl before any health check (exit 128, no verdict).
        if sub == "health" && g.failed() != super::EXIT_BAD_ARGS {
            // The health check reports the timeout itself: no `Error: context deadline exceeded`
            // line (checked against 3.4.23 by tests/fidelity.rs and tests/tls_oracle.rs).
            super::reword_deadline(p, None);
            let ep = g.endpoints.first().cloned().unwrap_or_default();
            p.eprintln(format!("{ep} is unhealthy: failed to commit proposal: context deadline exceeded"));
            p.eprintln("Error: unhealthy cluster");
        }
        return g.failed();
    };
    let eps: Vec<String> = if cluster { s.advertise_client_urls.clone() } else { g.endpoints.clone() };
    let rev = s.store.current_revision();
    match sub {
        "health" => match g.write_out.as_str() {
            "json" => p.println(format!("[{}]", eps.iter().map(|e| format!("{{\"endpoint\":{},\"health\":true,\"took\":\"{took}\"}}", json_str(e))).collect::<Vec<_>>().join(","))),
            "table" => p.print(table(&["ENDPOINT", "HEALTH", "TOOK", "ERROR"], &eps.iter().map(|e| vec![e.clone(), "true".into(), took.clone(), String::new()]).collect::<Vec<_>>())),
            "fields" => {
                for e in &eps {
                    p.print(format!("\"Endpoint\" : {}\n\"Health\" : true\n\"Took\" : {took}\n\"Error\" : \n\n", json_str(e)));
                }
            }
            _ => {
                for e in &eps {
                    p.println(format!("{e} is healthy: successfully committed proposal: took = {took}"));
                }
            }
        },
        "status" => {
            let idx = s.store.consistent_index() + BOOT_RAFT_INDEX;
            let id = format!("{:x}", s.member_id);
            let (size, in_use) = (s.store.db_size(), s.store.db_size_in_use());
            match g.write_out.as_str() {
                "json" => {
                    let items: Vec<String> = eps
                        .iter()
                        .map(|e| {
                            let st = Obj::new().obj("header", header(s, rev)).str("version", &s.version.version).int("dbSize", size).uint("leader", s.member_id).uint("raftIndex", idx).uint("raftTerm", s.raft_term).uint("raftAppliedIndex", idx).int("dbSizeInUse", in_use);
                            Obj::new().str("Endpoint", e).obj("Status", st).build()
                        })
                        .collect();
                    p.println(format!("[{}]", items.join(",")));
                }
                "table" => {
                    let rows: Vec<Vec<String>> = eps.iter().map(|e| vec![e.clone(), id.clone(), s.version.version.clone(), humanize_bytes(size.max(0) as u64), "true".into(), "false".into(), s.raft_term.to_string(), idx.to_string(), idx.to_string(), String::new()]).collect();
                    p.print(table(&["ENDPOINT", "ID", "VERSION", "DB SIZE", "IS LEADER", "IS LEARNER", "RAFT TERM", "RAFT INDEX", "RAFT APPLIED INDEX", "ERRORS"], &rows));
                }
                "fields" => {
                    for e in &eps {
                        p.print(format!(
                            "{}\"Version\" : {}\n\"DBSize\" : {size}\n\"Leader\" : {}\n\"IsLearner\" : false\n\"RaftIndex\" : {idx}\n\"RaftTerm\" : {}\n\"RaftAppliedIndex\" : {idx}\n\"Errors\" : []\n\"Endpoint\" : {}\n\n",
                            super::output::header_fields(s, rev),
                            json_str(&s.version.version),
                            s.member_id,
                            s.raft_term,
                            json_str(e)
                        ));
                    }
                }
                _ => {
                    for e in &eps {
                        p.println(format!("{e}, {id}, {}, {}, true, false, {}, {idx}, {idx}, ", s.version.version, humanize_bytes(size.max(0) as u64), s.raft_term));
                    }
                }
            }
        }
        "hashkv" => {
            let at = ctx.args.int("rev");
            let (hash, compact) = match s.store.hash_kv(at) {
                Ok(x) => x,
                Err(e) => {
                    let code = grpc_code(&e);
                    return grpc_fail(world, p, g, code, e, None);
                }
            };
            match g.write_out.as_str() {
                "json" => {
                    let items: Vec<String> = eps.iter().map(|e| Obj::new().str("Endpoint", e).obj("HashKV", Obj::new().obj("header", header(s, rev)).uint("hash", hash as u64).int("compact_revision", compact)).build()).collect();
                    p.println(format!("[{}]", items.join(",")));
                }
                "table" => p.print(table(&["ENDPOINT", "HASH"], &eps.iter().map(|e| vec![e.clone(), hash.to_string()]).collect::<Vec<_>>())),
                "fields" => {
                    for e in &eps {
                        p.print(format!("{}\"Endpoint\" : {}\n\"Hash\" : {hash}\n\n", super::output::header_fields(s, rev), json_str(e)));
                    }
                }
                _ => {
                    for e in &eps {
                        p.println(format!("{e}, {hash}"));
                    }
                }
            }
        }
        _ => return super::fail(p, format!("unknown command {sub}")),
    }
    0
}
