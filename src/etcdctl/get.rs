//! `etcdctl get [options] <key> [range_end]` — gets the key or a range of keys.
//!
//! ```text
//! $ etcdctl get k1
//! k1
//! AAA,BBB,CCC
//! ```

use super::{connect, fail, Globals};
use crate::engine::RangeRequest;
use crate::process::Proc;
use crate::world::World;

pub fn run(world: &mut World, p: &mut Proc, g: &Globals, args: &[String]) -> i32 {
    let mut prefix = false;
    let mut positional = Vec::new();
    for a in args {
        match a.as_str() {
            "--prefix" => prefix = true,
            _ => positional.push(a.clone()),
        }
    }
    let Some(key) = positional.first().cloned() else {
        return fail(p, "get command needs one argument as key and an optional argument as range_end");
    };
    let range_end = if prefix { prefix_end(key.as_bytes()) } else { positional.get(1).map(|s| s.clone().into_bytes()).unwrap_or_default() };
    let Some(server) = connect(world, p, g) else { return 1 };
    match server.store.range(&RangeRequest { key: key.into_bytes(), range_end, ..Default::default() }) {
        Ok(r) => {
            for kv in r.kvs {
                p.println(String::from_utf8_lossy(&kv.key));
                p.println(String::from_utf8_lossy(&kv.value));
            }
            0
        }
        Err(e) => fail(p, e),
    }
}

/// The range end that covers every key starting with `prefix` (etcd's `GetPrefixRangeEnd`).
pub fn prefix_end(prefix: &[u8]) -> Vec<u8> {
    let mut end = prefix.to_vec();
    while let Some(last) = end.pop() {
        if last < 0xff {
            end.push(last + 1);
            return end;
        }
    }
    vec![0]
}
