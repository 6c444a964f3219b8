//! The command table: which program runs for a name typed at the prompt. Adding a program is
//! its module plus a line here; a program fetched after the first paint also needs its stub in
//! `src/lazy.rs`, and a first word Tab should complete, a line in `shell/complete.rs`.

use crate::process::Proc;
use crate::shell::CommandFn;
use crate::world::World;
use crate::sorted_map::SortedMap;

/// Finds the program for `name` (a bare name searched in the simulated PATH, or a path).
pub fn lookup(world: &World, env: &SortedMap<String, String>, cwd: &str, name: &str) -> Option<CommandFn> {
    // A downloaded release binary (e.g. /tmp/etcd-download-test/etcdctl), by path or in PATH.
    if let Some(path) = crate::netless::find_executable(world, env.get("PATH").map(String::as_str), cwd, name) {
        if world.vfs.read(&path).is_ok_and(|d| crate::netless::parse_marker(d).is_some()) {
            return Some(crate::netless::run_binary);
        }
    }
    let base = name.rsplit('/').next().unwrap_or(name);
    // By path, a program runs from where its package installed it (see `installed_path`), and
    // etcdctl from either place (`/usr/bin` is Debian's etcd-client).
    if name.contains('/') && name != "/usr/bin/etcdctl" && Some(name) != installed_path(world, base).as_deref() {
        return None;
    }
    Some(match base {
        "etcdctl" => crate::lazy::etcdctl as fn(&mut World, &mut Proc) -> i32,
        "curl" => crate::lazy::curl,
        "tar" => crate::lazy::tar,
        "etcdutl" => crate::lazy::etcdutl,
        "kubectl" => crate::lazy::kubectl,
        "kubeadm" => crate::lazy::kubeadm,
        "openssl" => crate::lazy::openssl,
        "sed" => crate::lazy::sed,
        "goreman" => crate::lazy::goreman,
        "crictl" if world.scenario.starts_with("kubeadm") => crate::lazy::crictl,
        c if crate::shell::coreutils::lookup(c).is_some() => return crate::shell::coreutils::lookup(c),
        _ => return None,
    })
}

/// Every program of the table by name (the node has a file for each: see `installed_path`).
pub const PROGRAMS: &[&str] = &[
    "etcdctl", "etcdutl", "curl", "tar", "kubectl", "kubeadm", "crictl", "openssl", "sed", "goreman", "cat", "grep", "egrep", "head", "tail", "wc", "sort", "uniq", "base64", "cut", "tr", "ls", "mkdir", "rm", "cp", "mv", "touch", "sleep", "printf", "tee", "which", "seq", "xargs",
];

/// Where the node's own copy of a simulated program lives: etcd's release tarball unpacks into
/// /usr/local/bin on the kubeadm node (3.5), Debian's etcd-client and everything else is in
/// /usr/bin. `None` for names that are not programs here (`cd` is a shell builtin).
pub fn installed_path(world: &World, name: &str) -> Option<String> {
    let dir = match name {
        "etcdctl" | "etcdutl" if world.etcd.version.is_3_5() => "/usr/local/bin",
        "etcdutl" => return None,
        "etcdctl" | "curl" | "tar" | "kubectl" | "kubeadm" | "openssl" | "sed" => "/usr/bin",
        "crictl" if world.scenario.starts_with("kubeadm") => "/usr/bin",
        // `go install github.com/mattn/goreman`, copied where the PATH finds it.
        "goreman" if world.cluster.is_some() => "/usr/local/bin",
        c if crate::shell::coreutils::lookup(c).is_some() => "/usr/bin",
        _ => return None,
    };
    Some(format!("{dir}/{name}"))
}

/// The release of the etcd client that `p.args[0]` runs, when it is a downloaded binary
/// (`None`: the node's own etcdctl). etcdctl's `version` command can ask this.
pub fn client_version(world: &World, p: &Proc) -> Option<crate::cluster::EtcdVersion> {
    crate::netless::client_version(world, p)
}
