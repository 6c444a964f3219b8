//! `etcdctl lease grant|revoke|timetolive|list|keep-alive` — leases: a TTL that keys can be
//! attached to (`put --lease=<id>`); when it runs out, its keys are deleted.
//!
//! ```text
//! $ etcdctl lease grant 60
//! lease 694d9abae2852e01 granted with TTL(60s)
//! $ etcdctl lease timetolive 694d9abae2852e01 --keys
//! lease 694d9abae2852e01 granted with TTL(60s), remaining(59s), attached keys([k1])
//! ```
//!
//! `keep-alive` without `--once` runs until Ctrl+C in the real client, printing a line each
//! time it renews (every TTL/3 seconds): here it leaves a running
//! [`super::job::Job::KeepAlive`] that renews as the simulated clock advances.

use super::output::{header, header_fields, Obj};
use super::{bad_args, connect, grpc_code, grpc_fail, Ctx, Globals, EXIT_BAD_CONNECTION};
use crate::process::Proc;
use crate::world::World;

/// etcdctl's `strconv.ParseInt(args[0], 16, 64)`.
fn parse_id(s: &str) -> Result<i64, String> {
    crate::gofmt::parse_int_base(s, 16)
}

fn flat_header(s: &crate::cluster::EtcdServer, rev: i64) -> Obj {
    header(s, rev)
}

pub fn run(world: &mut World, p: &mut Proc, g: &Globals, ctx: &Ctx) -> i32 {
    let sub = ctx.path.trim_start_matches("lease ");
    let pos = &ctx.args.positionals;
    // Argument checks come before any connection, with etcdctl's messages.
    let id = match sub {
        "grant" => {
            let Some(t) = pos.first() else { return bad_args(p, "lease grant command needs TTL argument") };
            // etcdctl: strconv.ParseInt(args[0], 10, 64) — `0x10` and `0x-5` are invalid syntax.
            match crate::gofmt::parse_int_base(t, 10) {
                Ok(v) => v,
                Err(e) => return bad_args(p, format!("bad TTL ({e})")),
            }
        }
        "revoke" | "timetolive" | "keep-alive" => {
            let Some(a) = pos.first().filter(|_| pos.len() == 1) else {
                return bad_args(
                    p,
                    if sub == "revoke" { "lease revoke command needs 1 argument".to_string() } else { format!("lease {sub} command needs lease ID as argument") },
                );
            };
            match parse_id(a) {
                Ok(v) => v,
                Err(e) => return bad_args(p, format!("bad lease ID arg ({e}), expecting ID in Hex")),
            }
        }
        _ => 0,
    };
    let now = world.clock_ms;
    let Some(s) = connect(world, p, g) else {
        match sub {
            "grant" => super::reword_deadline(p, Some("failed to grant lease")),
            "revoke" => super::reword_deadline(p, Some("failed to revoke lease")),
            _ => {}
        }
        return g.failed();
    };
    s.store.expire_leases(now);
    let json = g.write_out == "json";
    let fields = g.write_out == "fields";
    // clientv3's lease responses embed `*pb.ResponseHeader`: its promoted `Marshal` makes
    // `-w protobuf` print the header's bytes alone (see printer_protobuf.rs).
    let pb = g.write_out == "protobuf";
    match sub {
        "grant" => match s.store.lease_grant(0, id, now) {
            Ok(r) => {
                let rev = s.store.current_revision();
                if json {
                    p.println(flat_header(s, rev).raw("ID", r.id).raw("TTL", r.ttl).raw("Error", "\"\"").build());
                } else if pb {
                    super::printer_protobuf::print(p, super::printer_protobuf::header(s, rev));
                } else if fields {
                    p.print(format!("{}\"ID\" : {}\n\"TTL\" : {}\n", header_fields(s, rev), r.id, r.ttl));
                } else {
                    p.println(format!("lease {:016x} granted with TTL({}s)", r.id, r.ttl));
                }
                0
            }
            Err(e) => {
                let code = grpc_code(&e);
                grpc_fail(world, p, g, code, e, Some("failed to grant lease"))
            }
        },
        "revoke" => match s.store.lease_revoke(id) {
            Ok(()) => {
                let rev = s.store.current_revision();
                if json {
                    p.println(Obj::new().obj("header", header(s, rev)).build());
                } else if pb {
                    // `clientv3.LeaseRevokeResponse` is a defined type without methods:
                    // printPB refuses it, printing it with %v (the header in proto text form).
                    p.eprintln(format!("Error: marshal unsupported for type clientv3.LeaseRevokeResponse ({{{}}})", super::printer_protobuf::header_text(s, rev)));
                    return super::EXIT_BAD_FEATURE;
                } else if fields {
                    p.print(header_fields(s, rev));
                } else {
                    p.println(format!("lease {id:016x} revoked"));
                }
                0
            }
            Err(e) => {
                let code = grpc_code(&e);
                grpc_fail(world, p, g, code, e, Some("failed to revoke lease"))
            }
        },
        "timetolive" => {
            let keys = ctx.args.bool("keys");
            let r = s.store.lease_time_to_live(id, keys, now);
            let rev = s.store.current_revision();
            if json {
                let ks: Vec<String> = r.keys.iter().map(|k| format!("\"{}\"", super::output::base64(k))).collect();
                let mut o = flat_header(s, rev).raw("id", r.id).raw("ttl", r.ttl).raw("granted-ttl", r.granted_ttl);
                // Go's encoding/json writes a nil slice as `null` (checked with 3.4.23 and 3.5.1).
                o = o.raw("keys", if ks.is_empty() { "null".to_string() } else { format!("[{}]", ks.join(",")) });
                p.println(o.build());
            } else if pb {
                super::printer_protobuf::print(p, super::printer_protobuf::header(s, rev));
            } else if fields {
                let mut out = format!("{}\"ID\" : {}\n\"TTL\" : {}\n\"GrantedTTL\" : {}\n", header_fields(s, rev), r.id, r.ttl, r.granted_ttl);
                for k in &r.keys {
                    out.push_str(&format!("\"Key\" : {}\n", super::output::quoted_bytes(k, g.hex)));
                }
                p.print(out);
            } else if r.granted_ttl == 0 && r.ttl == -1 {
                p.println(format!("lease {id:016x} already expired"));
            } else {
                let mut line = format!("lease {id:016x} granted with TTL({}s), remaining({}s)", r.granted_ttl, r.ttl);
                if keys {
                    let ks: Vec<String> = r.keys.iter().map(|k| String::from_utf8_lossy(k).into_owned()).collect();
                    line.push_str(&format!(", attached keys([{}])", ks.join(" ")));
                }
                p.println(line);
            }
            0
        }
        "list" => {
            let ids = s.store.lease_list();
            let rev = s.store.current_revision();
            if json {
                let items: Vec<String> = ids.iter().map(|i| format!("{{\"id\":{i}}}")).collect();
                p.println(flat_header(s, rev).arr("leases", items).build());
            } else if pb {
                super::printer_protobuf::print(p, super::printer_protobuf::header(s, rev));
            } else if fields {
                let mut out = header_fields(s, rev);
                for i in &ids {
                    out.push_str(&format!("\"ID\" : {i}\n"));
                }
                p.print(out);
            } else {
                let mut out = format!("found {} leases\n", ids.len());
                for i in &ids {
                    out.push_str(&format!("{i:016x}\n"));
                }
                p.print(out);
            }
            0
        }
        "keep-alive" => match s.store.lease_keep_alive(id, now) {
            Ok(ttl) => {
                let rev = s.store.current_revision();
                if pb {
                    super::printer_protobuf::print(p, super::printer_protobuf::header(s, rev));
                } else {
                    p.print(keepalive_line(s, id, ttl, json));
                }
                if !ctx.args.bool("once") {
                    let every_ms = ((ttl.max(0) as u64) * 1000 / 3).max(100);
                    p.job = Some(Box::new(super::job::Job::KeepAlive { lease: id, every_ms, next_ms: now.saturating_add(every_ms), json, renewals: 1, pb }));
                }
                0
            }
            Err(e) => {
                // The keep-alive stream reports a missing lease without the retry warning.
                p.eprintln(format!("Error: {e}"));
                EXIT_BAD_CONNECTION
            }
        },
        _ => super::fail(p, format!("unknown lease command {sub}")),
    }
}

/// One keep-alive response as etcdctl prints it.
pub fn keepalive_line(s: &crate::cluster::EtcdServer, id: i64, ttl: i64, json: bool) -> String {
    if json {
        format!("{}\n", flat_header(s, s.store.current_revision()).raw("ID", id).raw("TTL", ttl).build())
    } else {
        format!("lease {id:016x} keepalived with TTL({ttl})\n")
    }
}
