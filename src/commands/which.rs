//! `which NAME...` (Debian's debianutils, not coreutils): where each program is. It reads the
//! program table (`installed_path`), so it sits beside it.

use crate::process::Proc;
use crate::world::World;

/// Debian's `which`: the path of each program found, nothing for the others (exit 1). A file in
/// PATH (a downloaded etcdctl moved to /usr/local/bin) comes first; then the node's own
/// programs where their packages put them (etcd's release tarball in /usr/local/bin on the
/// kubeadm node, Debian's etcd-client in /usr/bin on the plain one).
pub fn main(w: &mut World, p: &mut Proc) -> i32 {
    let (_, names) = crate::coreutils::split_opts(&p.args[1..]);
    let mut code = i32::from(names.is_empty());
    let mut out = String::new();
    for name in &names {
        match locate(w, p.env.get("PATH").map(String::as_str), &p.cwd, name) {
            Some(path) => out.push_str(&format!("{path}\n")),
            None => code = 1,
        }
    }
    p.print(out);
    code
}

/// Where a program named `name` is: a file in PATH (a path given as the name stays as given),
/// else where its package put the node's own copy. Also bash's `type` and hash table.
pub fn locate(w: &World, path_var: Option<&str>, cwd: &str, name: &str) -> Option<String> {
    let in_path = crate::netless::find_executable(w, path_var, cwd, name);
    in_path.map(|path| if name.contains('/') { name.to_string() } else { path }).or_else(|| if name.contains('/') { None } else { super::installed_path(w, name) })
}
