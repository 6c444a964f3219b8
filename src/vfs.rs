//! The virtual filesystem the shell, etcd and kubectl share: absolute paths to files and
//! directories, kept in one ordered map so it serializes as-is into a saved session.

use serde::{Deserialize, Serialize};
use crate::sorted_map::SortedMap;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Node {
    Dir,
    // Bytes, not an array of numbers: a saved 11 MB snapshot stays 11 MB in the session.
    File {
        #[serde(with = "crate::cbor::bytes")]
        data: Vec<u8>,
        executable: bool,
    },
    /// A file whose bytes the filesystem does not hold: `World::read` makes them up from the
    /// rest of the node when someone reads it (see [`Live`]).
    Live(Live),
}

/// What a [`Node::Live`] file is. Its bytes come from elsewhere, only when read, so a 10k-key
/// database is not re-serialized on every `put`, nor stored twice in a saved session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Live {
    /// `<data-dir>/member/snap/db`: the bbolt database of the member whose data dir this is.
    EtcdDb,
    /// A raft WAL segment in `<data-dir>/member/wal` (the playground keeps no raft log).
    EtcdWal,
    /// A program's binary (`/usr/bin/sed`): the program itself is part of the playground.
    Program,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VfsError {
    NotFound,
    NotADirectory,
    IsADirectory,
    Exists,
    NotEmpty,
    /// A made-up file whose maker is in a chunk the page has not fetched yet (`src/lazy.rs`).
    NotReady,
    /// A path of [`PATH_MAX`] bytes or more, or a name over [`NAME_MAX`] (`ENAMETOOLONG`).
    NameTooLong,
    /// The write would take the filesystem past [`BUDGET_BYTES`] (`ENOSPC`).
    NoSpace,
}

/// Linux's `PATH_MAX` (with its NUL): a path of this many bytes or more is `File name too
/// long`. It also bounds `mkdir -p` — 30000 levels would otherwise store 1.7 GB of paths.
pub const PATH_MAX: usize = 4096;
/// Linux's `NAME_MAX`: the longest name of one file.
pub const NAME_MAX: usize = 255;
/// The filesystem's size: its files' bytes plus every path's, at most 256 MiB (a session the
/// page can still save and load). Past it a write fails with `No space left on device`.
pub const BUDGET_BYTES: u64 = 256 * 1024 * 1024;

/// `Err(NameTooLong)` for a path the kernel would refuse with `ENAMETOOLONG`.
pub fn check_name(path: &str) -> Result<(), VfsError> {
    if path.len() >= PATH_MAX || path.split('/').any(|c| c.len() > NAME_MAX) {
        Err(VfsError::NameTooLong)
    } else {
        Ok(())
    }
}

impl VfsError {
    /// The strerror text coreutils print for this error.
    pub fn strerror(&self) -> &'static str {
        match self {
            VfsError::NotFound => "No such file or directory",
            VfsError::NotADirectory => "Not a directory",
            VfsError::IsADirectory => "Is a directory",
            VfsError::Exists => "File exists",
            VfsError::NotEmpty => "Directory not empty",
            VfsError::NotReady => "Resource temporarily unavailable",
            VfsError::NameTooLong => "File name too long",
            VfsError::NoSpace => "No space left on device",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vfs {
    nodes: SortedMap<String, Node>,
    /// Modification times (Unix seconds) of what changed during the session; a path not here
    /// dates from when the scenario's node was set up (`mtime` gives `None`).
    #[serde(default)]
    mtimes: SortedMap<String, i64>,
    /// The time changes are stamped with (Unix seconds; the shell sets it before each command
    /// from the simulated clock). 0 while a scenario is being laid out: nothing is stamped.
    #[serde(default)]
    pub now: i64,
}

impl Default for Vfs {
    fn default() -> Self {
        let mut nodes = SortedMap::new();
        nodes.insert("/".to_string(), Node::Dir);
        Vfs { nodes, mtimes: SortedMap::new(), now: 0 }
    }
}

/// Resolves `path` against `cwd` into a normalized absolute path (`.` and `..` removed).
pub fn normalize(cwd: &str, path: &str) -> String {
    let joined = if path.starts_with('/') { path.to_string() } else { format!("{cwd}/{path}") };
    let mut parts: Vec<&str> = Vec::new();
    for part in joined.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    format!("/{}", parts.join("/"))
}

pub fn parent(path: &str) -> &str {
    match path.rfind('/') {
        Some(0) | None => "/",
        Some(i) => &path[..i],
    }
}

impl Vfs {
    pub fn get(&self, path: &str) -> Option<&Node> {
        self.nodes.get(path)
    }

    pub fn is_dir(&self, path: &str) -> bool {
        matches!(self.nodes.get(path), Some(Node::Dir))
    }

    pub fn exists(&self, path: &str) -> bool {
        self.nodes.contains_key(path)
    }

    /// The bytes of a stored file. A [`Node::Live`] file reads as empty here: programs read
    /// through `World::read`, which makes its bytes up.
    pub fn read(&self, path: &str) -> Result<&[u8], VfsError> {
        match self.nodes.get(path) {
            Some(Node::File { data, .. }) => Ok(data),
            Some(Node::Live(_)) => Ok(&[]),
            Some(Node::Dir) => Err(VfsError::IsADirectory),
            None => Err(VfsError::NotFound),
        }
    }

    /// When `path` last changed (Unix seconds), if during the session.
    pub fn mtime(&self, path: &str) -> Option<i64> {
        self.mtimes.get(path).copied()
    }

    /// Stamps `path` with the current time (`touch`, a write); a no-op while `now` is 0.
    pub fn touch(&mut self, path: &str) {
        if self.now != 0 && self.nodes.contains_key(path) {
            self.mtimes.insert(path.to_string(), self.now);
        }
    }

    /// Sets `path`'s time (`mv` keeps a file's; `None`: as old as the scenario).
    pub fn set_mtime(&mut self, path: &str, t: Option<i64>) {
        match t {
            Some(t) => self.mtimes.insert(path.to_string(), t),
            None => self.mtimes.remove(path),
        };
    }

    /// A file that reads as something the node makes up (see [`Live`]), creating its parents.
    pub fn install_live(&mut self, path: &str, kind: Live) {
        let _ = self.mkdir_p(parent(path));
        if !self.is_dir(path) {
            self.nodes.insert(path.to_string(), Node::Live(kind));
            self.touch(path);
        }
    }

    /// The bytes the filesystem holds: its files' contents and every path (see [`BUDGET_BYTES`]).
    pub fn used_bytes(&self) -> u64 {
        self.nodes.iter().map(|(k, n)| k.len() as u64 + if let Node::File { data, .. } = n { data.len() as u64 } else { 0 }).sum()
    }

    /// `Err(NoSpace)` when `more` bytes (after `less` are freed) would pass the budget.
    fn reserve(&self, more: u64, less: u64) -> Result<(), VfsError> {
        if more > less && self.used_bytes().saturating_sub(less) + more > BUDGET_BYTES {
            Err(VfsError::NoSpace)
        } else {
            Ok(())
        }
    }

    /// Writes a file; its parent directory must exist.
    pub fn write(&mut self, path: &str, data: Vec<u8>) -> Result<(), VfsError> {
        match self.nodes.get(parent(path)) {
            Some(Node::Dir) => {}
            Some(_) => return Err(VfsError::NotADirectory),
            None => return Err(VfsError::NotFound),
        }
        check_name(path)?;
        let old = match self.nodes.get(path) {
            Some(Node::File { data, .. }) => data.len() as u64 + path.len() as u64,
            Some(Node::Live(_)) => path.len() as u64,
            _ => 0,
        };
        self.reserve(data.len() as u64 + path.len() as u64, old)?;
        let r = match self.nodes.get_mut(path) {
            Some(Node::Dir) => return Err(VfsError::IsADirectory),
            Some(Node::File { data: d, .. }) => {
                *d = data;
                Ok(())
            }
            Some(n @ Node::Live(_)) => {
                *n = Node::File { data, executable: matches!(n, Node::Live(Live::Program)) };
                Ok(())
            }
            None => {
                self.nodes.insert(path.to_string(), Node::File { data, executable: false });
                self.touch(parent(path));
                Ok(())
            }
        };
        self.touch(path);
        r
    }

    /// Appends to a file (`>>`), creating it if missing: costs what is appended, not a copy of
    /// the file (200 appends of 1 MiB took 443 MB when each one rewrote it). A made-up file is
    /// read by `World`, not here: the caller passes it whole to [`Vfs::write`] instead.
    pub fn append(&mut self, path: &str, more: &[u8]) -> Result<(), VfsError> {
        match self.nodes.get(path) {
            Some(Node::File { .. }) => {
                self.reserve(more.len() as u64, 0)?;
                if let Some(Node::File { data, .. }) = self.nodes.get_mut(path) {
                    data.extend_from_slice(more);
                }
                self.touch(path);
                Ok(())
            }
            _ => self.write(path, more.to_vec()),
        }
    }

    pub fn set_executable(&mut self, path: &str, exec: bool) {
        if let Some(Node::File { executable, .. }) = self.nodes.get_mut(path) {
            *executable = exec;
        }
    }

    /// `mkdir -p`: creates every missing directory on the way.
    pub fn mkdir_p(&mut self, path: &str) -> Result<(), VfsError> {
        check_name(path)?;
        // Every missing level stores its own path: reserve them all before creating any.
        let mut missing = 0u64;
        let mut end = path.len();
        while end > 1 && !self.nodes.contains_key(&path[..end]) {
            missing += end as u64;
            end = path[..end].rfind('/').unwrap_or(0);
        }
        self.reserve(missing, 0)?;
        let mut cur = String::new();
        for part in path.split('/').filter(|p| !p.is_empty()) {
            cur.push('/');
            cur.push_str(part);
            match self.nodes.get(&cur) {
                Some(Node::Dir) => {}
                Some(_) => return Err(VfsError::NotADirectory),
                None => {
                    self.nodes.insert(cur.clone(), Node::Dir);
                    self.touch(&cur);
                    self.touch(parent(&cur));
                }
            }
        }
        Ok(())
    }

    /// Writes a file, creating its parent directories (used to lay out scenarios).
    pub fn install(&mut self, path: &str, data: impl Into<Vec<u8>>) {
        // A scenario path is a fixed absolute path; creating its parents cannot fail unless a
        // file is in the way, which would be a bug in the scenario itself.
        let _ = self.mkdir_p(parent(path));
        let _ = self.write(path, data.into());
    }

    /// The direct children of a directory, by name.
    pub fn list(&self, dir: &str) -> Result<Vec<String>, VfsError> {
        match self.nodes.get(dir) {
            Some(Node::Dir) => {}
            Some(_) => return Err(VfsError::NotADirectory),
            None => return Err(VfsError::NotFound),
        }
        let prefix = if dir == "/" { "/".to_string() } else { format!("{dir}/") };
        Ok(self
            .nodes
            .range(prefix.clone()..)
            .take_while(|(k, _)| k.starts_with(&prefix))
            .filter_map(|(k, _)| {
                let rest = &k[prefix.len()..];
                (!rest.is_empty() && !rest.contains('/')).then(|| rest.to_string())
            })
            .collect())
    }

    /// Removes a file, or a directory with everything below it when `recursive`.
    pub fn remove(&mut self, path: &str, recursive: bool) -> Result<(), VfsError> {
        match self.nodes.get(path) {
            None => Err(VfsError::NotFound),
            Some(Node::File { .. } | Node::Live(_)) => {
                self.nodes.remove(path);
                self.mtimes.remove(path);
                self.touch(parent(path));
                Ok(())
            }
            Some(Node::Dir) => {
                if !recursive {
                    return Err(VfsError::IsADirectory);
                }
                let prefix = format!("{path}/");
                // One pass (removing them one by one would shift the rest each time).
                self.nodes.retain(|k, _| !k.starts_with(&prefix));
                self.mtimes.retain(|k, _| !k.starts_with(&prefix));
                if path != "/" {
                    self.nodes.remove(path);
                    self.mtimes.remove(path);
                    self.touch(parent(path));
                }
                Ok(())
            }
        }
    }

    /// Keeps only the changes made since `before` that a container could make on the node:
    /// under a mount's container path (`mounts`: (mountPath, hostPath)), moved to its host
    /// path; any other change (a file written into the container's own filesystem) is undone.
    pub fn confine(&mut self, before: &Vfs, mounts: &[(String, String)]) {
        let mut changed: Vec<String> = self.nodes.iter().filter(|(k, n)| before.nodes.get(k.as_str()) != Some(n)).map(|(k, _)| k.clone()).collect();
        changed.extend(before.nodes.iter().filter(|(k, _)| self.nodes.get(k.as_str()).is_none()).map(|(k, _)| k.clone()));
        let under = |p: &str, dir: &str| p == dir || p.starts_with(&format!("{dir}/"));
        for path in changed {
            let mount = mounts.iter().filter(|(m, _)| under(&path, m)).max_by_key(|(m, _)| m.len());
            if mount.is_some_and(|(m, h)| m == h) {
                continue;
            }
            let now = self.nodes.get(&path).cloned();
            match before.nodes.get(&path) {
                Some(n) => {
                    self.nodes.insert(path.clone(), n.clone());
                }
                None => {
                    self.nodes.remove(&path);
                    self.mtimes.remove(&path);
                }
            }
            if let Some((m, h)) = mount {
                let host = format!("{h}{}", &path[m.len()..]);
                match now {
                    Some(n) => {
                        let _ = self.mkdir_p(parent(&host));
                        self.nodes.insert(host.clone(), n);
                        self.touch(&host);
                    }
                    None => {
                        let _ = self.remove(&host, true);
                    }
                }
            }
        }
    }

    /// Every path in the filesystem, in order (for the file browser and completion).
    pub fn paths(&self) -> impl Iterator<Item = (&String, &Node)> {
        self.nodes.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn confine_keeps_writes_under_mounts_moves_them_to_the_host_path_and_undoes_the_rest() {
        let mut v = Vfs::default();
        v.install("/var/lib/etcd-new/member/snap/db", b"db".to_vec());
        v.install("/opt/backup/keep", b"k".to_vec());
        let before = v.clone();
        v.install("/opt/backup/snap.db", b"s".to_vec()); // the container's own /opt: not the node's
        v.install("/tmp/x/y", b"y".to_vec());
        v.install("/var/lib/etcd/snap.db", b"m".to_vec()); // mounted from /var/lib/etcd-new
        v.install("/etc/kubernetes/pki/etcd/n", b"n".to_vec()); // mounted at the same path
        let mounts = [("/var/lib/etcd".to_string(), "/var/lib/etcd-new".to_string()), ("/etc/kubernetes/pki/etcd".to_string(), "/etc/kubernetes/pki/etcd".to_string())];
        v.confine(&before, &mounts);
        assert!(!v.exists("/opt/backup/snap.db") && !v.exists("/tmp/x") && !v.exists("/var/lib/etcd"));
        assert_eq!(v.read("/opt/backup/keep").unwrap(), b"k");
        assert_eq!(v.read("/var/lib/etcd-new/snap.db").unwrap(), b"m");
        assert_eq!(v.read("/etc/kubernetes/pki/etcd/n").unwrap(), b"n");
    }

    #[test]
    fn normalize_resolves_dots() {
        assert_eq!(normalize("/root", "../etc/./kubernetes/"), "/etc/kubernetes");
        assert_eq!(normalize("/root", "/"), "/");
        assert_eq!(normalize("/", ".."), "/");
    }

    #[test]
    fn write_needs_parent_and_list_shows_children() {
        let mut fs = Vfs::default();
        assert_eq!(fs.write("/a/b", vec![]), Err(VfsError::NotFound));
        fs.mkdir_p("/a").unwrap();
        fs.write("/a/b", b"x".to_vec()).unwrap();
        fs.mkdir_p("/a/c/d").unwrap();
        assert_eq!(fs.list("/a").unwrap(), vec!["b", "c"]);
        fs.remove("/a", true).unwrap();
        assert!(!fs.exists("/a/c/d"));
    }

    #[test]
    fn writes_are_stamped_with_the_clock_once_it_is_set() {
        let mut fs = Vfs::default();
        fs.install("/etc/scenario.conf", "x");
        assert_eq!(fs.mtime("/etc/scenario.conf"), None);
        fs.now = 1_000;
        fs.write("/etc/new", b"y".to_vec()).unwrap();
        assert_eq!((fs.mtime("/etc/new"), fs.mtime("/etc")), (Some(1_000), Some(1_000)));
        fs.now = 2_000;
        fs.write("/etc/new", b"z".to_vec()).unwrap();
        fs.touch("/etc/scenario.conf");
        assert_eq!((fs.mtime("/etc/new"), fs.mtime("/etc/scenario.conf"), fs.mtime("/etc")), (Some(2_000), Some(2_000), Some(1_000)));
        fs.remove("/etc/new", false).unwrap();
        assert_eq!((fs.mtime("/etc/new"), fs.mtime("/etc")), (None, Some(2_000)));
        // Writing over a made-up file makes it an ordinary one (a program stays executable).
        fs.install_live("/usr/bin/sed", Live::Program);
        fs.write("/usr/bin/sed", b"#!/bin/sh\n".to_vec()).unwrap();
        assert_eq!(fs.get("/usr/bin/sed"), Some(&Node::File { data: b"#!/bin/sh\n".to_vec(), executable: true }));
    }

    #[test]
    fn a_session_saved_before_file_times_still_loads() {
        #[derive(Serialize)]
        struct OldVfs {
            nodes: std::collections::BTreeMap<String, Node>,
        }
        let mut nodes = std::collections::BTreeMap::new();
        nodes.insert("/".to_string(), Node::Dir);
        nodes.insert("/f".to_string(), Node::File { data: b"x".to_vec(), executable: false });
        let mut bytes = Vec::new();
        ciborium::into_writer(&OldVfs { nodes }, &mut bytes).unwrap();
        let fs: Vfs = crate::cbor::from_slice(&bytes).unwrap();
        assert_eq!((fs.read("/f"), fs.mtime("/f"), fs.now), (Ok(&b"x"[..]), None, 0));
    }
}
