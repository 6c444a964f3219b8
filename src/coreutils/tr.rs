//! `tr [-d] SET1 [SET2]`: translate or delete bytes of stdin.

use super::{split_opts, has, emit};
use crate::process::Proc;
use crate::world::World;

pub fn main(_w: &mut World, p: &mut Proc) -> i32 {
    let (opts, ops) = split_opts(&p.args[1..]);
    // GNU tr works on bytes: sets are bytes, ranges are byte ranges.
    let input = std::mem::take(&mut p.stdin);
    let expand = |s: &str| -> Vec<u8> {
        let s = s.replace("\\n", "\n").replace("\\t", "\t");
        let cs = s.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < cs.len() {
            if i + 2 < cs.len() && cs[i + 1] == b'-' {
                if cs[i] <= cs[i + 2] {
                    out.extend(cs[i]..=cs[i + 2]);
                }
                i += 3;
            } else {
                out.push(cs[i]);
                i += 1;
            }
        }
        out
    };
    let Some(set1) = ops.first().map(|s| expand(s)) else {
        p.eprintln("tr: missing operand\nTry 'tr --help' for more information.");
        return 1;
    };
    let out: Vec<u8> = if has(&opts, 'd') {
        input.iter().copied().filter(|c| !set1.contains(c)).collect()
    } else {
        let Some(set2) = ops.get(1).map(|s| expand(s)) else {
            p.eprintln(format!("tr: missing operand after ‘{}’\nTry 'tr --help' for more information.", ops[0]));
            return 1;
        };
        // A table: the last mapping of a byte wins, as in GNU tr.
        let mut table: [u8; 256] = std::array::from_fn(|i| i as u8);
        for (i, &c) in set1.iter().enumerate() {
            if let Some(&t) = set2.get(i).or(set2.last()) {
                table[c as usize] = t;
            }
        }
        input.iter().map(|&c| table[c as usize]).collect()
    };
    emit(p, out);
    0
}
