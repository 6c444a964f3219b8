//! `etcdctl defrag [flags]` — defragments the storage of the etcd members with given
//! endpoints (the backend file shrinks to what is in use).
//!
//! ```text
//! $ etcdctl defrag
//! Finished defragmenting etcd member[127.0.0.1:2379]
//! ```

use super::{connect, parse_args, Globals};
use crate::process::Proc;
use crate::world::World;

pub fn run(world: &mut World, p: &mut Proc, g: &Globals, args: &[String]) -> i32 {
    let a = parse_args("defrag", args);
    let cluster = a.bool("cluster");
    if connect(world, p, g).is_none() {
        return g.failed();
    }
    if let Some(c) = super::auth::check(world, p, g, super::auth::Access::Admin) {
        return c;
    }
    let server = &mut world.etcd;
    server.store.defrag();
    let eps = if cluster { server.advertise_client_urls.clone() } else { g.endpoints.clone() };
    for ep in eps {
        p.println(format!("Finished defragmenting etcd member[{ep}]"));
    }
    0
}
