//! `base64 [-d] [-w0] [FILE]`: encode (wrapped at 76 columns) or decode.

use super::{split_opts, has, inputs, emit};
use crate::process::Proc;
use crate::world::World;

pub fn main(w: &mut World, p: &mut Proc) -> i32 {
    let (opts, files) = split_opts(&p.args[1..]);
    let decode = has(&opts, 'd') || opts.iter().any(|o| o == "--decode");
    let (ins, failed) = inputs(w, p, "base64", &files);
    if failed {
        return 1;
    }
    let data: Vec<u8> = ins.concat();
    if decode {
        let clean: Vec<u8> = data.iter().copied().filter(|b| !b.is_ascii_whitespace()).collect();
        match crate::b64::decode(&clean) {
            Some(d) => {
                emit(p, d);
                0
            }
            None => {
                p.eprintln("base64: invalid input");
                1
            }
        }
    } else {
        let enc = crate::etcdctl::output::base64(&data);
        let wrap = opts.iter().any(|o| o == "-w0" || o == "--wrap=0");
        let mut out = String::new();
        if wrap {
            out.push_str(&enc);
            out.push('\n');
        } else {
            for chunk in enc.as_bytes().chunks(76) {
                out.push_str(&String::from_utf8_lossy(chunk));
                out.push('\n');
            }
        }
        p.print(out);
        0
    }
}
