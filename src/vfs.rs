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
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VfsError {
    NotFound,
    NotADirectory,
    IsADirectory,
    Exists,
    NotEmpty,
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
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vfs {
    nodes: SortedMap<String, Node>,
}

impl Default for Vfs {
    fn default() -> Self {
        let mut nodes = SortedMap::new();
        nodes.insert("/".to_string(), Node::Dir);
        Vfs { nodes }
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

fn parent(path: &str) -> &str {
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

    pub fn read(&self, path: &str) -> Result<&[u8], VfsError> {
        match self.nodes.get(path) {
            Some(Node::File { data, .. }) => Ok(data),
            Some(Node::Dir) => Err(VfsError::IsADirectory),
            None => Err(VfsError::NotFound),
        }
    }

    /// Writes a file; its parent directory must exist.
    pub fn write(&mut self, path: &str, data: Vec<u8>) -> Result<(), VfsError> {
        match self.nodes.get(parent(path)) {
            Some(Node::Dir) => {}
            Some(_) => return Err(VfsError::NotADirectory),
            None => return Err(VfsError::NotFound),
        }
        match self.nodes.get_mut(path) {
            Some(Node::Dir) => Err(VfsError::IsADirectory),
            Some(Node::File { data: d, .. }) => {
                *d = data;
                Ok(())
            }
            None => {
                self.nodes.insert(path.to_string(), Node::File { data, executable: false });
                Ok(())
            }
        }
    }

    pub fn set_executable(&mut self, path: &str, exec: bool) {
        if let Some(Node::File { executable, .. }) = self.nodes.get_mut(path) {
            *executable = exec;
        }
    }

    /// `mkdir -p`: creates every missing directory on the way.
    pub fn mkdir_p(&mut self, path: &str) -> Result<(), VfsError> {
        let mut cur = String::new();
        for part in path.split('/').filter(|p| !p.is_empty()) {
            cur.push('/');
            cur.push_str(part);
            match self.nodes.get(&cur) {
                Some(Node::Dir) => {}
                Some(_) => return Err(VfsError::NotADirectory),
                None => {
                    self.nodes.insert(cur.clone(), Node::Dir);
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
            Some(Node::File { .. }) => {
                self.nodes.remove(path);
                Ok(())
            }
            Some(Node::Dir) => {
                if !recursive {
                    return Err(VfsError::IsADirectory);
                }
                let prefix = format!("{path}/");
                // One pass (removing them one by one would shift the rest each time).
                self.nodes.retain(|k, _| !k.starts_with(&prefix));
                if path != "/" {
                    self.nodes.remove(path);
                }
                Ok(())
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
}
