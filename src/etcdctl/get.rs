//! `etcdctl get [options] <key> [range_end] [flags]` — gets the key or a range of keys.
//!
//! ```text
//! $ etcdctl get k1
//! k1
//! AAA,BBB,CCC
//! $ etcdctl get k --prefix --keys-only
//! k1
//!
//! k5
//!
//! ```

use super::output::{header, header_fields, kv_fields, kv_json, simple_bytes, Obj};
use super::{bad_args, connect, grpc_code, grpc_fail, Globals, EXIT_BAD_FEATURE};
use crate::engine::{RangeRequest, SortOrder, SortTarget};
use crate::process::Proc;
use crate::world::World;

/// Parses the arguments into the range request etcdctl's `getGetOp` builds. Errors carry the
/// exit status (128 for bad arguments, 4 for bad feature values) and the real message.
pub fn parse(args: &[String], is_3_5: bool) -> Result<(RangeRequest, bool), (i32, String)> {
    let a = super::flags::parse_v("get", args, is_3_5).unwrap_or_default();
    let bad = |m: &str| Err((super::EXIT_BAD_ARGS, m.to_string()));
    let Some(key) = a.positionals.first().cloned() else {
        return bad("get command needs one argument as key and an optional argument as range_end");
    };
    let prefix = a.bool("prefix");
    let from_key = a.bool("from-key");
    if prefix && from_key {
        return bad("`--prefix` and `--from-key` cannot be set at the same time, choose one");
    }
    let consistency = a.str("consistency").unwrap_or_else(|| "l".into());
    let serializable = match consistency.as_str() {
        "l" => false,
        "s" => true,
        other => return Err((EXIT_BAD_FEATURE, format!("unknown consistency flag {}", crate::gofmt::quote(other)))),
    };
    let order_s = a.str("order").unwrap_or_default();
    let sort_order = match go_upper(&order_s).as_str() {
        "ASCEND" => SortOrder::Ascend,
        "DESCEND" => SortOrder::Descend,
        "" => SortOrder::None,
        _ => return Err((EXIT_BAD_FEATURE, format!("bad sort order {order_s}"))),
    };
    let target_s = a.str("sort-by").unwrap_or_default();
    let sort_target = match go_upper(&target_s).as_str() {
        "CREATE" => SortTarget::Create,
        "KEY" | "" => SortTarget::Key,
        "MODIFY" => SortTarget::Mod,
        "VALUE" => SortTarget::Value,
        "VERSION" => SortTarget::Version,
        _ => return Err((EXIT_BAD_FEATURE, format!("bad sort target {target_s}"))),
    };
    let mut range_end = a.positionals.get(1).map(|s| s.clone().into_bytes()).unwrap_or_default();
    if prefix {
        range_end = if key.is_empty() { vec![0] } else { prefix_end(key.as_bytes()) };
    }
    if from_key {
        range_end = vec![0];
    }
    // clientv3's WithPrefix/WithFromKey turn an empty key into "\x00".
    let key = if key.is_empty() && (prefix || from_key) { "\0".to_string() } else { key };
    // clientv3.WithSort: ascending by key is what the server does anyway.
    let sort_order = if sort_target == SortTarget::Key && sort_order == SortOrder::Ascend { SortOrder::None } else { sort_order };
    let req = RangeRequest {
        key: key.into_bytes(),
        range_end,
        limit: a.int("limit"),
        revision: a.int("rev"),
        sort_order,
        sort_target,
        serializable,
        keys_only: a.bool("keys-only"),
        count_only: a.bool("count-only"),
        ..Default::default()
    };
    Ok((req, a.bool("print-value-only")))
}

pub fn run(world: &mut World, p: &mut Proc, g: &Globals, args: &[String]) -> i32 {
    let (req, value_only) = match parse(args, world.etcd.version.is_3_5()) {
        Ok(x) => x,
        Err((code, m)) => {
            p.eprintln(format!("Error: {m}"));
            return code;
        }
    };
    if connect(world, p, g).is_none() {
        return g.failed();
    }
    if let Some(c) = super::auth::check(world, p, g, super::auth::Access::Kv { key: &req.key, range_end: &req.range_end, write: false }) {
        return c;
    }
    let server = &mut world.etcd;
    let r = match server.store.range(&req) {
        Ok(r) => r,
        Err(e) => {
            let code = grpc_code(&e);
            return grpc_fail(world, p, g, code, e, None);
        }
    };
    if req.count_only && g.write_out != "fields" {
        // etcdctl 3.5: `--count-only` only makes sense with the fields printer.
        return bad_args(p, "--count-only is only for `--write-out=fields`");
    }
    if value_only && g.write_out != "simple" {
        return bad_args(p, "print-value-only is only for `--write-out=simple`");
    }
    let rev = server.store.current_revision();
    // What was read (lesson checks: "a read of KEY at revision R", whatever the format).
    world.facts.note("key", String::from_utf8_lossy(&req.key));
    world.facts.note("range_end", String::from_utf8_lossy(&req.range_end));
    world.facts.note("rev", req.revision);
    world.facts.note("kvs", r.kvs.len());
    if let Some(kv) = r.kvs.first() {
        world.facts.note("value", String::from_utf8_lossy(&kv.value));
    }
    let server = &mut world.etcd;
    match g.write_out.as_str() {
        "json" => {
            let o = Obj::new().obj("header", header(server, rev)).arr("kvs", r.kvs.iter().map(kv_json).collect()).bool("more", r.more).int("count", r.count);
            p.println(o.build());
        }
        "fields" => {
            let mut s = header_fields(server, rev);
            for kv in &r.kvs {
                s.push_str(&kv_fields(kv, g.hex));
            }
            s.push_str(&format!("\"More\" : {}\n\"Count\" : {}\n", r.more, r.count));
            p.print(s);
        }
        "protobuf" => {
            use super::printer_protobuf as pb;
            let mut m = pb::with_header(server, rev);
            for kv in &r.kvs {
                m = m.raw(2, &pb::kv(kv));
            }
            pb::print(p, m.bool(3, r.more).int(4, r.count));
        }
        "table" => {
            p.eprintln("Error: table not supported as output format");
            return EXIT_BAD_FEATURE;
        }
        _ => {
            let mut s = String::new();
            for kv in &r.kvs {
                if !value_only {
                    s.push_str(&simple_bytes(&kv.key, g.hex));
                    s.push('\n');
                }
                s.push_str(&simple_bytes(&kv.value, g.hex));
                s.push('\n');
            }
            p.print(s);
        }
    }
    0
}

pub use crate::engine::types::prefix_end;

/// `strings.ToUpper` as far as matching ASCII names goes, without `str::to_uppercase` (whose
/// Unicode tables cost ~15 KB of wasm). The only non-ASCII runes whose upper case is ASCII
/// are `ı` → `I` and `ſ` → `S` (the others, like `ß` → `SS`, expand to letter pairs no sort
/// name contains); any other non-ASCII rune is kept, so the name cannot match, as before.
fn go_upper(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'ı' => 'I',
            'ſ' => 'S',
            c => c.to_ascii_uppercase(),
        })
        .collect()
}

#[cfg(test)]
mod go_upper_tests {
    #[test]
    fn matches_unicode_upper_case_on_every_sort_name() {
        const NAMES: [&str; 8] = ["ASCEND", "DESCEND", "CREATE", "KEY", "MODIFY", "VALUE", "VERSION", ""];
        // Every rune whose upper case is ASCII (or contains ASCII), in every position of a
        // name, plus plain case changes: go_upper matches a name exactly when to_uppercase does.
        let mut inputs: Vec<String> = Vec::new();
        for n in NAMES {
            inputs.push(n.to_string());
            inputs.push(n.to_lowercase());
            for i in 0..n.len() {
                for c in ['ı', 'ſ', 'ß', 'ﬁ', 'ﬅ', 'é', 'K'] {
                    let mut s = n.to_lowercase();
                    s.replace_range(i..i + 1, &c.to_string());
                    inputs.push(s);
                }
            }
        }
        for cp in 0x80..0x3000u32 {
            if let Some(c) = char::from_u32(cp) {
                inputs.push(format!("{c}"));
                inputs.push(format!("key{c}"));
            }
        }
        for s in &inputs {
            for n in NAMES {
                assert_eq!(super::go_upper(s) == n, s.to_uppercase() == n, "{s:?} vs {n}");
            }
        }
    }
}
