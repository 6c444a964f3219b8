//! `mkdir [-p] DIR...`.

use super::{split_opts, has};
use crate::process::Proc;
use crate::world::World;

pub fn main(w: &mut World, p: &mut Proc) -> i32 {
    let (opts, ops) = split_opts(&p.args[1..]);
    if ops.is_empty() {
        p.eprintln("mkdir: missing operand\nTry 'mkdir --help' for more information.");
        return 1;
    }
    let parents = has(&opts, 'p') || opts.iter().any(|o| o == "--parents");
    let mut code = 0;
    for op in ops {
        let path = p.path(&op);
        let parent = crate::vfs::normalize(&path, "..");
        let r = if parents {
            w.vfs.mkdir_p(&path)
        } else if w.vfs.exists(&path) {
            Err(crate::vfs::VfsError::Exists)
        } else if !w.vfs.is_dir(&parent) {
            Err(crate::vfs::VfsError::NotFound)
        } else {
            w.vfs.mkdir_p(&path)
        };
        if let Err(e) = r {
            p.eprintln(format!("mkdir: cannot create directory ‘{op}’: {}", e.strerror()));
            code = 1;
        }
    }
    code
}
