//! `wc [-lwc] [FILE]...`: lines, words and bytes, padded as GNU wc pads them.

use super::{split_opts, has, inputs};
use crate::process::Proc;
use crate::world::World;

pub fn main(w: &mut World, p: &mut Proc) -> i32 {
    let (opts, files) = split_opts(&p.args[1..]);
    let (mut l, mut wd, mut c) = (has(&opts, 'l') || opts.iter().any(|o| o == "--lines"), has(&opts, 'w'), has(&opts, 'c') || has(&opts, 'm'));
    if !l && !wd && !c {
        l = true;
        wd = true;
        c = true;
    }
    let (ins, failed) = inputs(w, p, "wc", &files);
    let counts: Vec<(usize, usize, usize)> = ins.iter().map(|d| (d.iter().filter(|&&b| b == b'\n').count(), String::from_utf8_lossy(d).split_whitespace().count(), d.len())).collect();
    let single = [l, wd, c].iter().filter(|x| **x).count() == 1;
    let total = counts.iter().fold((0, 0, 0), |a, x| (a.0 + x.0, a.1 + x.1, a.2 + x.2));
    let width = if single && files.len() <= 1 { 0 } else if files.is_empty() { 7 } else { total.2.max(1).to_string().len() };
    let fmt = |x: &(usize, usize, usize)| {
        let mut parts = Vec::new();
        if l {
            parts.push(format!("{:>width$}", x.0));
        }
        if wd {
            parts.push(format!("{:>width$}", x.1));
        }
        if c {
            parts.push(format!("{:>width$}", x.2));
        }
        parts.join(" ")
    };
    let mut out = String::new();
    if files.is_empty() {
        out.push_str(&format!("{}\n", fmt(&counts[0])));
    } else {
        for (x, f) in counts.iter().zip(files.iter()) {
            out.push_str(&format!("{} {f}\n", fmt(x)));
        }
        if files.len() > 1 {
            out.push_str(&format!("{} total\n", fmt(&total)));
        }
    }
    p.print(out);
    i32::from(failed)
}
