//! `touch FILE...`: a new empty file, or a new modification time.

use super::{split_opts};
use crate::process::Proc;
use crate::world::World;

pub fn main(w: &mut World, p: &mut Proc) -> i32 {
    let (_, ops) = split_opts(&p.args[1..]);
    if ops.is_empty() {
        p.eprintln("touch: missing file operand\nTry 'touch --help' for more information.");
        return 1;
    }
    let mut code = 0;
    for op in ops {
        let path = p.path(&op);
        if w.vfs.exists(&path) {
            w.vfs.touch(&path);
            continue;
        }
        if let Err(e) = w.vfs.write(&path, Vec::new()) {
            p.eprintln(format!("touch: cannot touch '{op}': {}", e.strerror()));
            code = 1;
        }
    }
    code
}
