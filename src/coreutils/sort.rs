//! `sort [-nru] [FILE]...`: lines in byte order (`-n` by their number), kept byte for byte.

use super::{split_opts, has, inputs, emit, byte_lines};
use crate::process::Proc;
use crate::world::World;

pub fn main(w: &mut World, p: &mut Proc) -> i32 {
    let (opts, files) = split_opts(&p.args[1..]);
    let (ins, failed) = inputs(w, p, "sort", &files);
    let mut ls: Vec<&[u8]> = ins.iter().flat_map(|d| byte_lines(d)).collect();
    if has(&opts, 'n') {
        // The number is read from the text; the line itself is kept byte for byte.
        let mut keyed: Vec<(String, &[u8])> = ls.iter().map(|l| (String::from_utf8_lossy(l).into_owned(), *l)).collect();
        crate::sort::sort_by(&mut keyed, |a, b| crate::decimal::cmp_numeric(&a.0, &b.0).then_with(|| a.1.cmp(b.1)));
        ls = keyed.into_iter().map(|(_, l)| l).collect();
    } else {
        crate::sort::sort(&mut ls);
    }
    if has(&opts, 'r') {
        ls.reverse();
    }
    if has(&opts, 'u') {
        ls.dedup();
    }
    let mut out = Vec::with_capacity(ls.iter().map(|l| l.len() + 1).sum());
    for l in ls {
        out.extend_from_slice(l);
        out.push(b'\n');
    }
    emit(p, out);
    i32::from(failed)
}
