//! `cp [-rRap] SOURCE... DEST`, and the copying `mv` shares.

use super::{split_opts, has};
use crate::process::Proc;
use crate::world::World;

pub(super) fn copy_or_move(w: &mut World, p: &mut Proc, prog: &str, remove: bool) -> i32 {
    let (opts, ops) = split_opts(&p.args[1..]);
    let rec = remove || has(&opts, 'r') || has(&opts, 'R') || has(&opts, 'a');
    if ops.len() < 2 {
        if ops.is_empty() {
            p.eprintln(format!("{prog}: missing file operand\nTry '{prog} --help' for more information."));
        } else {
            p.eprintln(format!("{prog}: missing destination file operand after '{}'\nTry '{prog} --help' for more information.", ops[0]));
        }
        return 1;
    }
    let (srcs, dst) = ops.split_at(ops.len() - 1);
    let dst_path = p.path(&dst[0]);
    let mut code = 0;
    for s in srcs {
        let sp = p.path(s);
        let target = if w.vfs.is_dir(&dst_path) { crate::vfs::normalize(&dst_path, sp.rsplit('/').next().unwrap_or("")) } else { dst_path.clone() };
        if !w.vfs.exists(&sp) {
            p.eprintln(format!("{prog}: cannot stat '{s}': No such file or directory"));
            code = 1;
            continue;
        }
        if w.vfs.is_dir(&sp) && !rec {
            p.eprintln(format!("{prog}: -r not specified; omitting directory '{s}'"));
            code = 1;
            continue;
        }
        // The destination as GNU names it: the operand, plus the source's name inside a directory.
        let shown = if w.vfs.is_dir(&dst_path) {
            let base = sp.rsplit('/').next().unwrap_or("");
            if dst[0].ends_with('/') { format!("{}{base}", dst[0]) } else { format!("{}/{base}", dst[0]) }
        } else {
            dst[0].clone()
        };
        if remove && sp == "/" {
            // rename(2) of a mount point.
            p.eprintln(format!("mv: cannot move '{s}' to '{shown}': Device or resource busy"));
            code = 1;
            continue;
        }
        if sp == "/" || target == sp || target.starts_with(&format!("{sp}/")) {
            if remove {
                p.eprintln(format!("mv: cannot move '{s}' to a subdirectory of itself, '{shown}'"));
            } else {
                p.eprintln(format!("cp: cannot copy a directory, '{s}', into itself, '{shown}'"));
            }
            code = 1;
            continue;
        }
        // Copy every node under the source.
        let nodes: Vec<(String, crate::vfs::Node)> = w.vfs.paths().filter(|(k, _)| **k == sp || k.starts_with(&format!("{sp}/"))).map(|(k, n)| (k.clone(), n.clone())).collect();
        // mv keeps each file's time, as do cp -a and cp -p; a plain cp's copies are new files.
        let keep_time = remove || has(&opts, 'a') || has(&opts, 'p');
        for (k, n) in nodes {
            let dest = format!("{target}{}", &k[sp.len()..]);
            let r = match n {
                crate::vfs::Node::Dir => w.vfs.mkdir_p(&dest),
                crate::vfs::Node::File { data, executable } => w.vfs.write(&dest, data).map(|_| w.vfs.set_executable(&dest, executable)),
                // A file the node makes up (a data dir's database) is copied as its bytes now.
                crate::vfs::Node::Live(kind) => {
                    let data = w.read(&k).map(|d| d.into_owned()).unwrap_or_default();
                    w.vfs.write(&dest, data).map(|_| w.vfs.set_executable(&dest, kind == crate::vfs::Live::Program))
                }
            };
            if r.is_ok() && keep_time {
                let t = w.vfs.mtime(&k);
                w.vfs.set_mtime(&dest, t);
            }
            if let Err(e) = r {
                if e == crate::vfs::VfsError::NoSpace {
                    p.eprintln(format!("{prog}: error writing '{shown}': No space left on device"));
                } else {
                    p.eprintln(format!("{prog}: cannot create regular file '{}': {}", dst[0], e.strerror()));
                }
                code = 1;
                break;
            }
        }
        if remove && code == 0 {
            let _ = w.vfs.remove(&sp, true);
        }
    }
    code
}

pub fn main(w: &mut World, p: &mut Proc) -> i32 {
    copy_or_move(w, p, "cp", false)
}
