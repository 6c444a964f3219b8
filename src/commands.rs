//! The command table: which program runs for a name typed at the prompt. Adding a program is
//! one module plus one line here.

use crate::process::Proc;
use crate::shell::CommandFn;
use crate::world::World;
use std::collections::BTreeMap;

/// Finds the program for `name` (a bare name searched in the simulated PATH, or a path).
pub fn lookup(_world: &World, _env: &BTreeMap<String, String>, _cwd: &str, name: &str) -> Option<CommandFn> {
    let base = name.rsplit('/').next().unwrap_or(name);
    if name.contains('/') && !matches!(name, "/usr/bin/etcdctl" | "/usr/local/bin/etcdctl") {
        return None;
    }
    Some(match base {
        "etcdctl" => crate::etcdctl::main as fn(&mut World, &mut Proc) -> i32,
        "etcdutl" => crate::etcdutl::main,
        "kubectl" => crate::kubectl::main,
        "openssl" => crate::openssl::main,
        "sed" => crate::sed::main,
        c if crate::shell::coreutils::lookup(c).is_some() => return crate::shell::coreutils::lookup(c),
        _ => return None,
    })
}
