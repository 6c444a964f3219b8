//! `etcdctl compaction [options] <revision> [flags]` — compacts the event history in etcd:
//! revisions below `<revision>` are no longer readable.
//!
//! ```text
//! $ etcdctl compaction 3
//! compacted revision 3
//! ```

use super::{bad_args, connect, grpc_code, grpc_fail, parse_args, Globals};
use crate::process::Proc;
use crate::world::World;

pub fn run(world: &mut World, p: &mut Proc, g: &Globals, args: &[String]) -> i32 {
    let a = parse_args("compaction", args);
    if a.positionals.len() != 1 {
        return bad_args(p, "compaction command needs 1 argument");
    }
    let rev = match crate::gofmt::parse_int(&a.positionals[0]) {
        Ok(r) => r,
        Err(e) => return super::fail(p, e),
    };
    if connect(world, p, g).is_none() {
        return g.failed();
    }
    if let Some(c) = super::auth::check(world, p, g, super::auth::Access::Admin) {
        return c;
    }
    let server = &mut world.etcd;
    match server.store.compact(rev) {
        Ok(()) => {
            p.println(format!("compacted revision {rev}"));
            0
        }
        Err(e) => {
            let code = grpc_code(&e);
            grpc_fail(world, p, g, code, e, None)
        }
    }
}
