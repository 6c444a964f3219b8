//! `etcdctl txn [options] [flags]` — processes all the requests in one transaction. The
//! transaction is read from stdin (a heredoc or a pipe) in three sections, each ended by an
//! empty line: compares, success requests, failure requests.
//!
//! ```text
//! $ etcdctl txn <<EOF
//! > value("k1") = "v1"
//! >
//! > put k2 x
//! >
//! > put k3 y
//! >
//! > EOF
//! SUCCESS
//!
//! OK
//! ```
//!
//! With `-i` the same input is read after the prompts `compares:`, `success requests (get,
//! put, del):` and `failure requests (get, put, del):`. Input that ends before the third empty
//! line fails with `Error: EOF`, as the real client's line reader does.

use super::output::{header, header_fields, kv_fields, kv_json, simple_bytes, Obj};
use super::{bad_args, connect, grpc_code, grpc_fail, parse_args, Globals, EXIT_INVALID_INPUT};
use crate::engine::{Compare, CompareResult, CompareTarget, RequestOp, ResponseOp, TxnRequest};
use crate::process::Proc;
use crate::world::World;

/// Splits a request line into words, honouring double quotes (etcdctl's `argify`).
pub fn argify(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut in_q = false;
    let mut has = false;
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                in_q = !in_q;
                has = true;
            }
            '\\' if in_q => {
                if let Some(n) = chars.next() {
                    cur.push(match n {
                        'n' => '\n',
                        't' => '\t',
                        o => o,
                    });
                }
            }
            c if c.is_whitespace() && !in_q => {
                if has || !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                    has = false;
                }
            }
            c => cur.push(c),
        }
    }
    if has || !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Reads Go's `%q` at the start of `s`: the string and the rest.
fn scan_quoted(s: &str) -> Option<(String, &str)> {
    let s = s.trim_start();
    let body = s.strip_prefix('"')?;
    let mut out = String::new();
    let mut it = body.char_indices();
    while let Some((i, c)) = it.next() {
        match c {
            '"' => return Some((out, &body[i + 1..])),
            '\\' => {
                let (_, n) = it.next()?;
                out.push(match n {
                    'n' => '\n',
                    't' => '\t',
                    o => o,
                });
            }
            c => out.push(c),
        }
    }
    None
}

/// Why a txn could not be read: a message and whether the real client panics on it.
pub enum TxnInputError {
    Invalid(String),
    BadArgs(String),
    Panic(&'static str),
}

/// `parseCompare`: `value("k1") = "v1"`, `mod("k1") > "0"`, `version`, `create`, `lease`.
pub fn parse_compare(line: &str) -> Result<Compare, TxnInputError> {
    let bad = |m: String| TxnInputError::Invalid(m);
    let Some((target, rest)) = line.split_once('(') else {
        return Err(bad(format!("malformed comparison: {line}")));
    };
    // fmt.Sscanf(rest, "%q) %s %q", &key, &op, &val)
    let mut key = String::new();
    let mut op = String::new();
    let mut val = String::new();
    let mut n = 0;
    if let Some((k, r)) = scan_quoted(rest) {
        key = k;
        n = 1;
        if let Some(r) = r.strip_prefix(')') {
            let r = r.trim_start();
            let end = r.find(char::is_whitespace).unwrap_or(r.len());
            if end > 0 {
                op = r[..end].to_string();
                n = 2;
                if let Some((v, _)) = scan_quoted(&r[end..]) {
                    val = v;
                    n = 3;
                }
            }
        }
    }
    if n != 3 {
        return Err(bad(format!("malformed comparison: {line}; got {target}({}) {op} {}", crate::gofmt::quote(&key), crate::gofmt::quote(&val))));
    }
    let result = match op.as_str() {
        "=" => CompareResult::Equal,
        "!=" => CompareResult::NotEqual,
        "<" => CompareResult::Less,
        ">" => CompareResult::Greater,
        _ => return Err(TxnInputError::Panic("Unknown result op")),
    };
    let int = |v: &str| v.parse::<i64>().map_err(|_| bad(format!("malformed comparison: {line} (strconv.ParseInt: parsing {}: invalid syntax)", crate::gofmt::quote(v))));
    let target = match target {
        "ver" | "version" => CompareTarget::Version(int(&val)?),
        "c" | "create" => CompareTarget::Create(int(&val)?),
        "m" | "mod" => CompareTarget::Mod(int(&val)?),
        "val" | "value" => CompareTarget::Value(val.into_bytes()),
        // etcdctl 3.4 hands the lease compare a string where clientv3 wants a number.
        "lease" => return Err(TxnInputError::Panic("bad value")),
        other => return Err(bad(format!("malformed comparison: {line} (unknown target {other})"))),
    };
    Ok(Compare { result, target, key: key.into_bytes(), range_end: Vec::new() })
}

/// `parseRequestUnion`: `put k v`, `get k --prefix`, `del k`, with their own flags.
pub fn parse_op(line: &str, p: &Proc) -> Result<RequestOp, TxnInputError> {
    let args = argify(line);
    if args.len() < 2 {
        return Err(TxnInputError::Invalid(format!("invalid txn compare request: {line}")));
    }
    let rest = &args[1..];
    let invalid = || TxnInputError::Invalid(format!("invalid txn request: {line}"));
    let cmd = args[0].as_str();
    if !matches!(cmd, "put" | "get" | "del") || super::flags::parse(cmd, rest).is_err() {
        return Err(invalid());
    }
    match cmd {
        "put" => {
            let put = super::put::parse(&Proc::default(), rest).map_err(TxnInputError::BadArgs)?;
            let _ = p;
            Ok(RequestOp::Put(put.into_request()))
        }
        "get" => super::get::parse(rest, false).map(|(r, _)| RequestOp::Range(r)).map_err(|(_, m)| TxnInputError::BadArgs(m)),
        _ => super::del::parse(rest).map(RequestOp::DeleteRange).map_err(TxnInputError::BadArgs),
    }
}

/// Reads the three sections from stdin.
fn read_txn(input: &str, p: &Proc) -> Result<TxnRequest, TxnInputError> {
    let mut lines = input.split_inclusive('\n');
    let mut req = TxnRequest::default();
    for section in 0..3 {
        loop {
            let Some(line) = lines.next().filter(|l| l.ends_with('\n')) else {
                return Err(TxnInputError::Invalid("EOF".into()));
            };
            if line.len() == 1 {
                break;
            }
            let line = line.trim_end_matches('\n');
            match section {
                0 => req.compare.push(parse_compare(line)?),
                1 => req.success.push(parse_op(line, p)?),
                _ => req.failure.push(parse_op(line, p)?),
            }
        }
    }
    Ok(req)
}

pub fn run(world: &mut World, p: &mut Proc, g: &Globals, args: &[String]) -> i32 {
    let a = parse_args("txn", args);
    if !a.positionals.is_empty() {
        return bad_args(p, "txn command does not accept argument");
    }
    let interactive = a.bool("interactive");
    let input = String::from_utf8_lossy(&p.stdin).into_owned();
    if interactive {
        // The prompts appear as the reader reaches each section.
        let sections = input.split("\n\n").count();
        p.println("compares:");
        if sections > 1 {
            p.println("success requests (get, put, del):");
        }
        if sections > 2 {
            p.println("failure requests (get, put, del):");
        }
    }
    let req = match read_txn(&input, p) {
        Ok(r) => r,
        Err(TxnInputError::Invalid(m)) => {
            p.eprintln(format!("Error: {m}"));
            return EXIT_INVALID_INPUT;
        }
        Err(TxnInputError::BadArgs(m)) => return bad_args(p, m),
        Err(TxnInputError::Panic(m)) => {
            p.eprintln(format!("panic: {m}\n\ngoroutine 1 [running]:\ngo.etcd.io/etcd/clientv3.Compare(...)\n\tgo.etcd.io/etcd/clientv3/compare.go"));
            p.explain(
                format!("etcdctl 3.4 crashed (Go panic \"{m}\") on this comparison. Compare with one of = != < > and, for lease(), note that etcdctl 3.4 cannot compare leases at all."),
                format!("O etcdctl 3.4 travou (panic do Go \"{m}\") nesta comparação. Use um de = != < > e, para lease(), saiba que o etcdctl 3.4 não consegue comparar leases."),
            );
            return 2;
        }
    };
    let keys: Vec<(Vec<u8>, Vec<u8>, bool)> = req
        .success
        .iter()
        .chain(req.failure.iter())
        .filter_map(|op| match op {
            RequestOp::Range(r) => Some((r.key.clone(), r.range_end.clone(), false)),
            RequestOp::Put(r) => Some((r.key.clone(), Vec::new(), true)),
            RequestOp::DeleteRange(r) => Some((r.key.clone(), r.range_end.clone(), true)),
            RequestOp::Txn(_) => None,
        })
        .collect();
    if connect(world, p, g).is_none() {
        return g.failed();
    }
    for (k, e, w) in &keys {
        if let Some(c) = super::auth::check(world, p, g, super::auth::Access::Kv { key: k, range_end: e, write: *w }) {
            return c;
        }
    }
    let s = &mut world.etcd;
    let begin = s.store.current_revision();
    let resp = match s.store.txn(req.clone()) {
        Ok(r) => r,
        Err(e) => {
            let code = grpc_code(&e);
            return grpc_fail(world, p, g, code, e, None);
        }
    };
    let rev = s.store.current_revision();
    // Each response's header carries the txn's revision as that op saw it: the start one
    // until the first write, then the new one.
    let mut wrote = false;
    let mut revs = Vec::new();
    for r in &resp.responses {
        if matches!(r, ResponseOp::Put(_)) || matches!(r, ResponseOp::DeleteRange(d) if d.deleted > 0) {
            wrote = true;
        }
        revs.push(if wrote { begin + 1 } else { begin });
    }
    match g.write_out.as_str() {
        "json" => {
            let items: Vec<String> = resp
                .responses
                .iter()
                .zip(&revs)
                .map(|(r, rv)| {
                    let h = Obj::new().int("revision", *rv);
                    let inner = match r {
                        ResponseOp::Put(x) => {
                            let mut o = Obj::new().obj("header", h);
                            if let Some(kv) = &x.prev_kv {
                                o = o.raw("prev_kv", kv_json(kv));
                            }
                            format!("{{\"ResponsePut\":{}}}", o.build())
                        }
                        ResponseOp::Range(x) => format!("{{\"ResponseRange\":{}}}", Obj::new().obj("header", h).arr("kvs", x.kvs.iter().map(kv_json).collect()).bool("more", x.more).int("count", x.count).build()),
                        ResponseOp::DeleteRange(x) => format!("{{\"ResponseDeleteRange\":{}}}", Obj::new().obj("header", h).int("deleted", x.deleted).arr("prev_kvs", x.prev_kvs.iter().map(kv_json).collect()).build()),
                        ResponseOp::Txn(_) => "{}".to_string(),
                    };
                    format!("{{\"Response\":{inner}}}")
                })
                .collect();
            p.println(Obj::new().obj("header", header(s, rev)).bool("succeeded", resp.succeeded).arr("responses", items).build());
        }
        "protobuf" => {
            use super::printer_protobuf as pb;
            let mut m = pb::with_header(s, rev).bool(2, resp.succeeded);
            for (r, rv) in resp.responses.iter().zip(&revs) {
                // Each op's own header carries only its revision.
                let h = pb::Msg::new().msg(1, pb::Msg::new().int(3, *rv));
                let op = match r {
                    ResponseOp::Range(x) => {
                        let mut o = h;
                        for kv in &x.kvs {
                            o = o.raw(2, &pb::kv(kv));
                        }
                        pb::Msg::new().msg(1, o.bool(3, x.more).int(4, x.count))
                    }
                    ResponseOp::Put(x) => pb::Msg::new().msg(2, if let Some(kv) = &x.prev_kv { h.raw(2, &pb::kv(kv)) } else { h }),
                    ResponseOp::DeleteRange(x) => {
                        let mut o = h.int(2, x.deleted);
                        for kv in &x.prev_kvs {
                            o = o.raw(3, &pb::kv(kv));
                        }
                        pb::Msg::new().msg(3, o)
                    }
                    ResponseOp::Txn(_) => pb::Msg::new().msg(4, pb::Msg::new()),
                };
                m = m.msg(3, op);
            }
            pb::print(p, m);
        }
        "fields" => {
            let mut o = header_fields(s, rev);
            o.push_str(&format!("\"Succeeded\" : {}\n", resp.succeeded));
            for (r, rv) in resp.responses.iter().zip(&revs) {
                let h = format!("\"ClusterID\" : 0\n\"MemberID\" : 0\n\"Revision\" : {rv}\n\"RaftTerm\" : 0\n");
                o.push_str(&h);
                match r {
                    ResponseOp::Put(x) => {
                        if let Some(kv) = &x.prev_kv {
                            o.push_str(&super::del::prev_fields(kv, g.hex));
                        }
                    }
                    ResponseOp::Range(x) => {
                        for kv in &x.kvs {
                            o.push_str(&kv_fields(kv, g.hex));
                        }
                        o.push_str(&format!("\"More\" : {}\n\"Count\" : {}\n", x.more, x.count));
                    }
                    ResponseOp::DeleteRange(x) => {
                        o.push_str(&format!("\"Deleted\" : {}\n", x.deleted));
                        for kv in &x.prev_kvs {
                            o.push_str(&super::del::prev_fields(kv, g.hex));
                        }
                    }
                    ResponseOp::Txn(_) => {}
                }
            }
            p.print(o);
        }
        _ => {
            let mut o = format!("{}\n", if resp.succeeded { "SUCCESS" } else { "FAILURE" });
            for r in &resp.responses {
                o.push('\n');
                match r {
                    ResponseOp::Put(x) => {
                        o.push_str("OK\n");
                        if let Some(kv) = &x.prev_kv {
                            o.push_str(&format!("{}\n{}\n", simple_bytes(&kv.key, g.hex), simple_bytes(&kv.value, g.hex)));
                        }
                    }
                    ResponseOp::Range(x) => {
                        for kv in &x.kvs {
                            o.push_str(&format!("{}\n{}\n", simple_bytes(&kv.key, g.hex), simple_bytes(&kv.value, g.hex)));
                        }
                    }
                    ResponseOp::DeleteRange(x) => {
                        o.push_str(&format!("{}\n", x.deleted));
                        for kv in &x.prev_kvs {
                            o.push_str(&format!("{}\n{}\n", simple_bytes(&kv.key, g.hex), simple_bytes(&kv.value, g.hex)));
                        }
                    }
                    ResponseOp::Txn(_) => {}
                }
            }
            p.print(o);
        }
    }
    0
}
