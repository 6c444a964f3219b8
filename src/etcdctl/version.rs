//! `etcdctl version` — prints the version of etcdctl (and its API version). It needs no
//! server, ignores `--write-out` and any extra arguments.
//!
//! ```text
//! $ etcdctl version
//! etcdctl version: 3.4.23
//! API version: 3.4
//! ```

use super::Globals;
use crate::process::Proc;
use crate::world::World;

pub fn run(world: &mut World, p: &mut Proc, _g: &Globals, _args: &[String]) -> i32 {
    let v = &world.etcd.version;
    p.println(format!("etcdctl version: {}\nAPI version: {}", v.version, v.api));
    0
}
