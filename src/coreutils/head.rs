//! `head [-n N | -N | -c N] [FILE]...`: the first lines (or bytes) of each file, as GNU head.

use super::{inputs_quoted, emit, line_count, each_file_lines};
use crate::process::Proc;
use crate::world::World;

pub fn main(w: &mut World, p: &mut Proc) -> i32 {
    // `head -c N`: the first N bytes.
    if let Some(i) = p.args.iter().position(|a| a == "-c" || (a.starts_with("-c") && a.len() > 2)) {
        let v = if p.args[i] == "-c" { p.args.get(i + 1).cloned() } else { Some(p.args[i][2..].to_string()) };
        let Some(n) = v.as_deref().and_then(|v| v.parse::<usize>().ok()) else {
            p.eprintln(format!("head: invalid number of bytes: ‘{}’", v.unwrap_or_default()));
            return 1;
        };
        let skip = if p.args[i] == "-c" { 2 } else { 1 };
        let files: Vec<String> = p.args[1..].iter().enumerate().filter(|(j, _)| *j + 1 < i || *j + 1 >= i + skip).map(|(_, a)| a.clone()).collect();
        let (ins, failed) = inputs_quoted(w, p, "head", &files);
        let data: Vec<u8> = ins.concat();
        emit(p, data[..n.min(data.len())].to_vec());
        w.explain_live(p, &files);
        return i32::from(failed);
    }
    let (n, _, files) = match line_count("head", p) {
        Ok(x) => x,
        Err(c) => return c,
    };
    let (ins, failed) = inputs_quoted(w, p, "head", &files);
    let out = each_file_lines(&files, &ins, |len| 0..if n >= 0 { (n as usize).min(len) } else { len.saturating_sub(n.unsigned_abs() as usize) });
    emit(p, out);
    w.explain_live(p, &files);
    i32::from(failed)
}
