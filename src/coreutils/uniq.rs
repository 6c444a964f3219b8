//! `uniq [-cdu] [FILE]`: adjacent equal lines once (`-c` with their count).

use super::{split_opts, has, inputs, emit, byte_lines};
use crate::process::Proc;
use crate::world::World;

pub fn main(w: &mut World, p: &mut Proc) -> i32 {
    let (opts, files) = split_opts(&p.args[1..]);
    let (ins, failed) = inputs(w, p, "uniq", &files[..files.len().min(1)]);
    let mut groups: Vec<(&[u8], usize)> = Vec::new();
    for l in ins.iter().flat_map(|d| byte_lines(d)) {
        match groups.last_mut() {
            Some((g, n)) if *g == l => *n += 1,
            _ => groups.push((l, 1)),
        }
    }
    let mut out = Vec::new();
    for (l, n) in groups {
        if has(&opts, 'd') && n < 2 || has(&opts, 'u') && n > 1 {
            continue;
        }
        if has(&opts, 'c') {
            out.extend_from_slice(format!("{n:>7} ").as_bytes());
        }
        out.extend_from_slice(l);
        out.push(b'\n');
    }
    emit(p, out);
    i32::from(failed)
}
