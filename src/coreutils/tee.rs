//! `tee [-a] FILE...`: stdin to each file and to stdout.

use super::{split_opts, has, emit};
use crate::process::Proc;
use crate::world::World;

pub fn main(w: &mut World, p: &mut Proc) -> i32 {
    let (opts, ops) = split_opts(&p.args[1..]);
    let append = has(&opts, 'a');
    let data = p.stdin.clone();
    let mut code = 0;
    for op in ops {
        let path = p.path(&op);
        let written = if append && matches!(w.vfs.get(&path), Some(crate::vfs::Node::File { .. })) {
            w.vfs.append(&path, &data)
        } else {
            let mut d = if append { w.read(&path).map(|x| x.into_owned()).unwrap_or_default() } else { Vec::new() };
            d.extend_from_slice(&data);
            w.vfs.write(&path, d)
        };
        if let Err(e) = written {
            p.eprintln(format!("tee: {op}: {}", e.strerror()));
            code = 1;
        }
    }
    emit(p, data);
    code
}
