//! `tail [-n N | -n +N | -N] [FILE]...`: the last lines of each file, or from line N on.

use super::{inputs_quoted, emit, line_count, each_file_lines};
use crate::process::Proc;
use crate::world::World;

pub fn main(w: &mut World, p: &mut Proc) -> i32 {
    let (n, from, files) = match line_count("tail", p) {
        Ok(x) => x,
        Err(c) => return c,
    };
    let (ins, failed) = inputs_quoted(w, p, "tail", &files);
    let out = each_file_lines(&files, &ins, |len| (if from { (n.max(1) - 1) as usize } else { len.saturating_sub(n.unsigned_abs() as usize) }).min(len)..len);
    emit(p, out);
    w.explain_live(p, &files);
    i32::from(failed)
}
