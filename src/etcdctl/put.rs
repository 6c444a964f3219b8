//! `etcdctl put [options] <key> <value>` — puts the given key into the store.
//!
//! ```text
//! $ etcdctl put k1 AAA,BBB,CCC
//! OK
//! ```

use super::{connect, fail, Globals};
use crate::engine::PutRequest;
use crate::process::Proc;
use crate::world::World;

pub fn run(world: &mut World, p: &mut Proc, g: &Globals, args: &[String]) -> i32 {
    let (key, value) = match args {
        [k, v] => (k.clone(), v.clone()),
        [k] if !p.stdin.is_empty() => (k.clone(), String::from_utf8_lossy(&p.stdin).trim_end_matches('\n').to_string()),
        _ => return fail(p, "put command needs 1 argument and input from stdin or 2 arguments"),
    };
    let Some(server) = connect(world, p, g) else { return 1 };
    match server.store.put(PutRequest { key: key.into_bytes(), value: value.into_bytes(), ..Default::default() }) {
        Ok(_) => {
            p.println("OK");
            0
        }
        Err(e) => fail(p, e),
    }
}
