//! `rm [-rRf] FILE...`.

use super::{split_opts, has};
use crate::process::Proc;
use crate::world::World;

pub fn main(w: &mut World, p: &mut Proc) -> i32 {
    let (opts, ops) = split_opts(&p.args[1..]);
    let rec = has(&opts, 'r') || has(&opts, 'R') || opts.iter().any(|o| o == "--recursive");
    let force = has(&opts, 'f') || opts.iter().any(|o| o == "--force");
    if ops.is_empty() && !force {
        p.eprintln("rm: missing operand\nTry 'rm --help' for more information.");
        return 1;
    }
    let mut code = 0;
    for op in ops {
        let path = p.path(&op);
        if path == "/" {
            p.eprintln("rm: it is dangerous to operate recursively on '/'\nrm: use --no-preserve-root to override this failsafe");
            code = 1;
            continue;
        }
        match w.vfs.remove(&path, rec) {
            Ok(()) => {}
            Err(crate::vfs::VfsError::NotFound) if force => {}
            Err(e) => {
                p.eprintln(format!("rm: cannot remove '{op}': {}", e.strerror()));
                code = 1;
            }
        }
    }
    code
}
