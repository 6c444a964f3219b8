//! `cut -d D -f LIST | -c LIST [FILE]...`: fields or bytes of each line (GNU cut works on bytes).

use super::{inputs, emit, byte_lines};
use crate::process::Proc;
use crate::world::World;

pub fn main(w: &mut World, p: &mut Proc) -> i32 {
    let args = p.args[1..].to_vec();
    let mut delim = '\t';
    let mut fields: Option<String> = None;
    let mut chars: Option<String> = None;
    let mut files = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        let mut take = |flag: &str| -> Option<String> {
            if a == flag {
                i += 1;
                args.get(i).cloned()
            } else {
                a.strip_prefix(flag).map(str::to_string)
            }
        };
        if let Some(d) = take("-d") {
            delim = d.chars().next().unwrap_or('\t');
        } else if let Some(f) = take("-f") {
            fields = Some(f);
        } else if let Some(c) = take("-c") {
            chars = Some(c);
        } else {
            files.push(a.clone());
        }
        i += 1;
    }
    let Some(spec) = fields.clone().or(chars.clone()) else {
        p.eprintln("cut: you must specify a list of bytes, characters, or fields\nTry 'cut --help' for more information.");
        return 1;
    };
    // A list like 1,3-4,6-
    let mut ranges = Vec::new();
    for part in spec.split(',') {
        let (a, b) = match part.split_once('-') {
            Some((a, b)) => (a.parse().unwrap_or(1), if b.is_empty() { usize::MAX } else { b.parse().unwrap_or(0) }),
            None => match part.parse::<usize>() {
                Ok(n) => (n, n),
                Err(_) => {
                    p.eprintln(format!("cut: invalid field value ‘{part}’\nTry 'cut --help' for more information."));
                    return 1;
                }
            },
        };
        if a == 0 {
            p.eprintln("cut: fields and positions are numbered from 1\nTry 'cut --help' for more information.");
            return 1;
        }
        ranges.push((a, b));
    }
    let sel = |n: usize| ranges.iter().any(|(a, b)| n >= *a && n <= *b);
    let (ins, failed) = inputs(w, p, "cut", &files);
    // GNU cut (Debian's, without the i18n patch) works on bytes: `-c` counts bytes, and the
    // delimiter is one byte.
    let d = delim as u32 as u8;
    let mut out = Vec::new();
    for l in ins.iter().flat_map(|d| byte_lines(d)) {
        if chars.is_some() {
            out.extend(l.iter().enumerate().filter(|(i, _)| sel(i + 1)).map(|(_, b)| *b));
        } else if !l.contains(&d) {
            out.extend_from_slice(l);
        } else {
            for (k, part) in l.split(|&b| b == d).enumerate().filter(|(i, _)| sel(i + 1)).map(|(_, s)| s).enumerate() {
                if k > 0 {
                    out.push(d);
                }
                out.extend_from_slice(part);
            }
        }
        out.push(b'\n');
    }
    emit(p, out);
    i32::from(failed)
}
