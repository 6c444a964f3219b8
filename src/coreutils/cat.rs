//! `cat [-n] [FILE]...`: the files (or stdin) one after another; bytes that are not text
//! (a database) as they are, so `cat db > copy` copies it.

use super::{split_opts, has, inputs, lines_of};
use crate::process::Proc;
use crate::world::World;

pub fn main(w: &mut World, p: &mut Proc) -> i32 {
    let (opts, files) = split_opts(&p.args[1..]);
    let (ins, failed) = inputs(w, p, "cat", &files);
    let number = has(&opts, 'n');
    let mut out = String::new();
    let mut n = 0;
    for d in ins {
        if number {
            for l in lines_of(&d) {
                n += 1;
                out.push_str(&format!("{n:>6}\t{l}\n"));
            }
        } else if let Ok(s) = std::str::from_utf8(&d) {
            out.push_str(s);
        } else {
            // Binary (a database): its bytes as they are, so `cat db > copy` copies it.
            p.print(std::mem::take(&mut out));
            p.write_bytes(&d);
        }
    }
    p.print(out);
    w.explain_live(p, &files);
    i32::from(failed)
}
