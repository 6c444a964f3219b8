//! `etcdctl put [options] <key> <value> (<value> can also be given from stdin) [flags]` —
//! puts the given key into the store.
//!
//! ```text
//! $ etcdctl put k1 AAA,BBB,CCC
//! OK
//! $ etcdctl put k1 new --prev-kv
//! OK
//! k1
//! AAA,BBB,CCC
//! ```

use super::output::{header, header_fields, kv_json, simple_bytes};
use super::{bad_args, connect, grpc_code, grpc_fail, parse_args, Globals};
use crate::engine::PutRequest;
use crate::process::Proc;
use crate::world::World;

/// The parsed command: what `getPutOp` builds in etcdctl.
pub struct Put {
    pub key: String,
    pub value: Option<Vec<u8>>,
    pub lease: i64,
    pub prev_kv: bool,
    pub ignore_value: bool,
    pub ignore_lease: bool,
}

impl Put {
    /// The request etcdctl sends (also inside `txn`).
    pub fn into_request(self) -> PutRequest {
        PutRequest { key: self.key.into_bytes(), value: self.value.unwrap_or_default(), lease: self.lease, prev_kv: self.prev_kv, ignore_value: self.ignore_value, ignore_lease: self.ignore_lease }
    }
}

/// Parses the arguments with etcdctl's own checks and messages (exit status 128).
pub fn parse(p: &Proc, args: &[String]) -> Result<Put, String> {
    let a = parse_args("put", args);
    let pos = &a.positionals;
    let Some(key) = pos.first().cloned() else {
        return Err("put command needs 1 argument and input from stdin or 2 arguments".into());
    };
    let ignore_value = a.bool("ignore-value");
    let ignore_lease = a.bool("ignore-lease");
    if ignore_value && pos.len() > 1 {
        return Err("put command needs only 1 argument when 'ignore-value' is set".into());
    }
    let value = if ignore_value {
        None
    } else if let Some(v) = pos.get(1) {
        Some(v.clone().into_bytes())
    } else {
        // The value comes from stdin, byte for byte (a trailing newline included).
        if p.stdin.is_empty() {
            return Err("put command needs 1 argument and input from stdin or 2 arguments".into());
        }
        Some(p.stdin.clone())
    };
    let lease_s = a.str("lease").unwrap_or_else(|| "0".into());
    // etcdctl: strconv.ParseInt(s, 16, 64) — a sign is allowed (`-1` is a lease that is not
    // found), a `0x` prefix is not.
    let lease = match crate::gofmt::parse_int_base(&lease_s, 16) {
        Ok(l) => l,
        Err(e) => return Err(format!("bad lease ID ({e}), expecting ID in Hex")),
    };
    Ok(Put { key, value, lease, prev_kv: a.bool("prev-kv"), ignore_value, ignore_lease })
}

pub fn run(world: &mut World, p: &mut Proc, g: &Globals, args: &[String]) -> i32 {
    let put = match parse(p, args) {
        Ok(x) => x,
        Err(e) => return bad_args(p, e),
    };
    if connect(world, p, g).is_none() {
        return g.failed();
    }
    if let Some(c) = super::auth::check(world, p, g, super::auth::Access::Kv { key: put.key.as_bytes(), range_end: &[], write: true }) {
        return c;
    }
    let req = put.into_request();
    // gRPC's client-side send limit: the request never reaches the server.
    let len = crate::engine::limits::put_len(&req);
    if len > crate::engine::limits::MAX_CALL_SEND_MSG_SIZE {
        let desc = format!("trying to send message larger than max ({len} vs. {})", crate::engine::limits::MAX_CALL_SEND_MSG_SIZE);
        let ep = g.endpoints.first().cloned().unwrap_or_default();
        let ep = ep.split_once("://").map(|x| x.1.to_string()).unwrap_or(ep);
        p.eprintln(super::retry_warning(world, &ep, "ResourceExhausted", &desc));
        p.eprintln(format!("Error: rpc error: code = ResourceExhausted desc = {desc}"));
        return super::EXIT_ERROR;
    }
    let server = &mut world.etcd;
    match server.store.put(req) {
        Ok(r) => {
            let rev = server.store.current_revision();
            match g.write_out.as_str() {
                "json" => {
                    let mut o = super::output::Obj::new().obj("header", header(server, rev));
                    if let Some(kv) = &r.prev_kv {
                        o = o.raw("prev_kv", kv_json(kv));
                    }
                    p.println(o.build());
                }
                "fields" => {
                    p.print(header_fields(server, rev));
                    if let Some(kv) = &r.prev_kv {
                        p.print(super::del::prev_fields(kv, g.hex));
                    }
                }
                "protobuf" => {
                    use super::printer_protobuf as pb;
                    let mut m = pb::with_header(server, rev);
                    if let Some(kv) = &r.prev_kv {
                        m = m.raw(2, &pb::kv(kv));
                    }
                    pb::print(p, m);
                }
                "table" => {
                    p.eprintln("Error: table not supported as output format");
                    return super::EXIT_BAD_FEATURE;
                }
                _ => {
                    p.println("OK");
                    if let Some(kv) = &r.prev_kv {
                        p.println(simple_bytes(&kv.key, g.hex));
                        p.println(simple_bytes(&kv.value, g.hex));
                    }
                }
            }
            0
        }
        Err(e) => {
            let code = grpc_code(&e);
            grpc_fail(world, p, g, code, e, None)
        }
    }
}
