//! `etcdctl del [options] <key> [range_end] [flags]` — removes the specified key or range of
//! keys `[key, range_end)`, printing how many were deleted.
//!
//! ```text
//! $ etcdctl del k --prefix --prev-kv
//! 2
//! k1
//! AAA,BBB,CCC
//! k5
//! 3,ZZZ,5623
//! ```

use super::output::{header, header_fields, kv_fields, kv_json, simple_bytes, Obj};
use super::{bad_args, connect, grpc_code, grpc_fail, parse_args, Globals, EXIT_BAD_FEATURE};
use crate::engine::DeleteRangeRequest;
use crate::process::Proc;
use crate::world::World;

/// What `getDelOp` builds from the arguments.
pub fn parse(args: &[String]) -> Result<DeleteRangeRequest, String> {
    let a = parse_args("del", args);
    // getDelOp: no key, or more than a key and a range end, is refused (`xargs etcdctl del`
    // with many keys is refused too).
    let Some(key) = a.positionals.first().cloned().filter(|_| a.positionals.len() <= 2) else {
        return Err("del command needs one argument as key and an optional argument as range_end".into());
    };
    let prefix = a.bool("prefix");
    let from_key = a.bool("from-key");
    if prefix && from_key {
        return Err("`--prefix` and `--from-key` cannot be set at the same time, choose one".into());
    }
    let mut range_end = a.positionals.get(1).map(|s| s.clone().into_bytes()).unwrap_or_default();
    if prefix {
        range_end = if key.is_empty() { vec![0] } else { super::get::prefix_end(key.as_bytes()) };
    }
    if from_key {
        range_end = vec![0];
    }
    // clientv3's WithPrefix/WithFromKey turn an empty key into "\x00".
    let key = if key.is_empty() && (prefix || from_key) { "\0".to_string() } else { key };
    Ok(DeleteRangeRequest { key: key.into_bytes(), range_end, prev_kv: a.bool("prev-kv") })
}

pub fn run(world: &mut World, p: &mut Proc, g: &Globals, args: &[String]) -> i32 {
    let req = match parse(args) {
        Ok(r) => r,
        Err(e) => return bad_args(p, e),
    };
    if connect(world, p, g).is_none() {
        return g.failed();
    }
    if let Some(c) = super::auth::check(world, p, g, super::auth::Access::Kv { key: &req.key, range_end: &req.range_end, write: true }) {
        return c;
    }
    let server = &mut world.etcd;
    let r = match server.store.delete_range(req) {
        Ok(r) => r,
        Err(e) => {
            let code = grpc_code(&e);
            return grpc_fail(world, p, g, code, e, None);
        }
    };
    let rev = server.store.current_revision();
    match g.write_out.as_str() {
        "json" => {
            let o = Obj::new().obj("header", header(server, rev)).int("deleted", r.deleted).arr("prev_kvs", r.prev_kvs.iter().map(kv_json).collect());
            p.println(o.build());
        }
        "fields" => {
            let mut s = header_fields(server, rev);
            s.push_str(&format!("\"Deleted\" : {}\n", r.deleted));
            for kv in &r.prev_kvs {
                s.push_str(&prev_fields(kv, g.hex));
            }
            p.print(s);
        }
        "protobuf" => {
            use super::printer_protobuf as pb;
            let mut m = pb::with_header(server, rev).int(2, r.deleted);
            for kv in &r.prev_kvs {
                m = m.raw(3, &pb::kv(kv));
            }
            pb::print(p, m);
        }
        "table" => {
            p.eprintln("Error: table not supported as output format");
            return EXIT_BAD_FEATURE;
        }
        _ => {
            let mut s = format!("{}\n", r.deleted);
            for kv in &r.prev_kvs {
                s.push_str(&format!("{}\n{}\n", simple_bytes(&kv.key, g.hex), simple_bytes(&kv.value, g.hex)));
            }
            p.print(s);
        }
    }
    0
}

/// A previous key-value in the fields format (`"PrevKey" : ...`).
pub fn prev_fields(kv: &crate::engine::KeyValue, hex: bool) -> String {
    kv_fields(kv, hex).lines().map(|l| format!("\"Prev{}\n", &l[1..])).collect()
}
