//! The command table: which program runs for a name typed at the prompt. Adding a program is
//! one module plus one line here.

use crate::process::Proc;
use crate::shell::CommandFn;
use crate::world::World;
use std::collections::BTreeMap;

/// Finds the program for `name` (a bare name searched in the simulated PATH, or a path).
pub fn lookup(world: &World, env: &BTreeMap<String, String>, cwd: &str, name: &str) -> Option<CommandFn> {
    // A downloaded release binary (e.g. /tmp/etcd-download-test/etcdctl), by path or in PATH.
    if let Some(path) = crate::netless::find_executable(world, env.get("PATH").map(String::as_str), cwd, name) {
        if world.vfs.read(&path).is_ok_and(|d| crate::netless::parse_marker(d).is_some()) {
            return Some(crate::netless::run_binary);
        }
    }
    let base = name.rsplit('/').next().unwrap_or(name);
    if name.contains('/') && !matches!(name, "/usr/bin/etcdctl" | "/usr/local/bin/etcdctl") {
        return None;
    }
    Some(match base {
        "etcdctl" => crate::etcdctl::main as fn(&mut World, &mut Proc) -> i32,
        "curl" => crate::netless::curl::main,
        "tar" => crate::netless::tar::main,
        "etcdutl" => crate::etcdutl::main,
        "kubectl" => crate::kubectl::main,
        "openssl" => crate::openssl::main,
        "sed" => crate::sed::main,
        c if crate::shell::coreutils::lookup(c).is_some() => return crate::shell::coreutils::lookup(c),
        _ => return None,
    })
}

/// The release of the etcd client that `p.args[0]` runs, when it is a downloaded binary
/// (`None`: the node's own etcdctl). etcdctl's `version` command can ask this.
pub fn client_version(world: &World, p: &Proc) -> Option<crate::cluster::EtcdVersion> {
    crate::netless::client_version(world, p)
}
