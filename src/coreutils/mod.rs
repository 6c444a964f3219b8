//! The coreutils learners pipe etcdctl into and manage files with: `cat grep head tail wc
//! sort uniq base64 cut tr ls mkdir rm cp mv touch sleep tee printf seq`, over the virtual
//! filesystem, with GNU's messages (in a UTF-8 locale: ‘quotes’ where GNU uses them). One file
//! per command, each with its `main`; the program table (`src/commands/mod.rs`) names them and
//! says which wait for the page's programs chunk. What several share is here: operands,
//! reading inputs with GNU's messages, and [`emit`] for output that may be binary.
//!
//! ```
//! use etcd_playground::shell::Session;
//! let mut s = Session::new("plain").unwrap();
//! assert_eq!(s.execute("printf 'b\\na\\nb\\n' | sort | uniq -c").text(), "      1 a\n      2 b\n");
//! assert_eq!(s.execute("echo -n k1 | base64").text(), "azE=\n");
//! assert_eq!(s.execute("echo a:b:c | cut -d: -f2,3").text(), "b:c\n");
//! ```

pub mod base64;
pub mod cat;
pub mod cp;
pub mod cut;
pub mod grep;
pub mod head;
pub mod ls;
pub mod mkdir;
pub mod mv;
pub mod printf;
pub mod rm;
pub mod seq;
pub mod sleep;
pub mod sort;
pub mod tail;
pub mod tee;
pub mod touch;
pub mod tr;
pub mod uniq;
pub mod wc;

use crate::process::Proc;
use crate::world::World;

/// Splits `args` into short/long options and operands (`--` ends options, `-` is an operand).
pub(crate) fn split_opts(args: &[String]) -> (Vec<String>, Vec<String>) {
    let mut opts = Vec::new();
    let mut ops = Vec::new();
    let mut done = false;
    for a in args {
        if done || a == "-" || !a.starts_with('-') {
            ops.push(a.clone());
        } else if a == "--" {
            done = true;
        } else {
            opts.push(a.clone());
        }
    }
    (opts, ops)
}

fn has(opts: &[String], c: char) -> bool {
    opts.iter().any(|o| !o.starts_with("--") && o[1..].contains(c))
}

/// Reads the operands (or stdin when there are none / for `-`), reporting missing files as
/// `prog: X: No such file or directory`. Returns the inputs and whether one failed.
fn inputs(w: &World, p: &mut Proc, prog: &str, files: &[String]) -> (Vec<Vec<u8>>, bool) {
    if files.is_empty() {
        return (vec![p.stdin.clone()], false);
    }
    let mut out = Vec::new();
    let mut failed = false;
    for f in files {
        if f == "-" {
            out.push(p.stdin.clone());
            continue;
        }
        if f == "/dev/null" {
            out.push(Vec::new());
            continue;
        }
        let path = p.path(f);
        match w.read(&path) {
            Ok(d) => out.push(d.into_owned()),
            Err(e) => {
                p.eprintln(format!("{prog}: {f}: {}", e.strerror()));
                failed = true;
            }
        }
    }
    (out, failed)
}

/// Writes program output that may be binary: text as text, anything else as exact bytes
/// ([`crate::process::Chunk::Bytes`]), so a pipe or a `>` file gets every byte back.
pub fn emit(p: &mut Proc, out: Vec<u8>) {
    match String::from_utf8(out) {
        Ok(s) => p.print(s),
        Err(e) => p.write_bytes(e.as_bytes()),
    }
}

/// The lines of `data` without their `\n`, as bytes (a final line without one included).
fn byte_lines(data: &[u8]) -> Vec<&[u8]> {
    let mut v: Vec<&[u8]> = data.split(|&b| b == b'\n').collect();
    if v.last().is_some_and(|l| l.is_empty()) {
        v.pop();
    }
    v
}

fn lines_of(data: &[u8]) -> Vec<String> {
    let s = String::from_utf8_lossy(data);
    let mut v: Vec<String> = s.split('\n').map(str::to_string).collect();
    if v.last().is_some_and(|l| l.is_empty()) {
        v.pop();
    }
    v
}

/// `-n N`, `-nN`, `-N`, `--lines=N` for head and tail; `+N` for tail (from line N).
fn line_count(prog: &str, p: &mut Proc) -> Result<(i64, bool, Vec<String>), i32> {
    let args = p.args[1..].to_vec();
    let mut n: i64 = 10;
    let mut from = false;
    let mut files = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        let val = if a == "-n" {
            i += 1;
            args.get(i).cloned()
        } else if let Some(v) = a.strip_prefix("--lines=") {
            Some(v.to_string())
        } else if let Some(v) = a.strip_prefix("-n") {
            Some(v.to_string())
        } else if a.len() > 1 && a.starts_with('-') && a[1..].bytes().all(|b| b.is_ascii_digit()) {
            Some(a[1..].to_string())
        } else {
            if a.starts_with('-') && a.len() > 1 {
                p.eprintln(format!("{prog}: invalid option -- '{}'\nTry '{prog} --help' for more information.", a.chars().nth(1).unwrap_or('-')));
                return Err(1);
            }
            files.push(a.clone());
            i += 1;
            continue;
        };
        let Some(v) = val else {
            p.eprintln(format!("{prog}: option requires an argument -- 'n'\nTry '{prog} --help' for more information."));
            return Err(1);
        };
        if let Some(r) = v.strip_prefix('+') {
            from = true;
            n = r.parse().unwrap_or(1);
        } else {
            match v.parse::<i64>() {
                Ok(x) => n = x,
                Err(_) => {
                    p.eprintln(format!("{prog}: invalid number of lines: ‘{v}’"));
                    return Err(1);
                }
            }
        }
        i += 1;
    }
    Ok((n, from, files))
}

/// What head and tail print: of each input, the lines `pick(line count)` selects, under a
/// `==> FILE <==` header when there are several files.
/// Byte for byte, as GNU: a last line without `\n` is printed without one.
fn each_file_lines(files: &[String], ins: &[Vec<u8>], pick: impl Fn(usize) -> std::ops::Range<usize>) -> Vec<u8> {
    let mut out = Vec::new();
    for (i, d) in ins.iter().enumerate() {
        if files.len() > 1 {
            out.extend_from_slice(format!("{}==> {} <==\n", if i > 0 { "\n" } else { "" }, files[i]).as_bytes());
        }
        let ls: Vec<&[u8]> = d.split_inclusive(|&b| b == b'\n').collect();
        for l in &ls[pick(ls.len())] {
            out.extend_from_slice(l);
        }
    }
    out
}

/// head/tail say `cannot open 'X' for reading: ...`.
fn inputs_quoted(w: &World, p: &mut Proc, prog: &str, files: &[String]) -> (Vec<Vec<u8>>, bool) {
    if files.is_empty() {
        return (vec![p.stdin.clone()], false);
    }
    let mut out = Vec::new();
    let mut failed = false;
    for f in files {
        let path = p.path(f);
        match w.read(&path) {
            Ok(d) => out.push(d.into_owned()),
            Err(crate::vfs::VfsError::IsADirectory) => {
                p.eprintln(format!("{prog}: error reading '{f}': Is a directory"));
                failed = true;
                out.push(Vec::new());
            }
            Err(e) => {
                p.eprintln(format!("{prog}: cannot open '{f}' for reading: {}", e.strerror()));
                failed = true;
                out.push(Vec::new());
            }
        }
    }
    (out, failed)
}

#[cfg(test)]
mod tests {
    use crate::shell::Session;

    #[test]
    fn options_with_multibyte_characters_do_not_panic() {
        let mut s = Session::new("plain").unwrap();
        for line in ["head -é", "tail -é x", "cut -dé -f1", "grep -é x", "sort -é", "ls -é", "sleep é", "tr é", "base64 -é", "head -c é", "printf %é"] {
            let _ = s.execute(line);
        }
        assert_eq!(s.execute("head -é").text(), "head: invalid option -- 'é'\nTry 'head --help' for more information.\n");
    }

    #[test]
    fn sleep_moves_the_clock_and_expires_leases() {
        let mut s = Session::new("plain").unwrap();
        s.execute("etcdctl lease grant 5");
        assert_eq!(s.execute("etcdctl lease list").text().lines().next(), Some("found 1 leases"));
        s.execute("sleep 5");
        assert_eq!(s.world.clock_ms, 5000);
        assert_eq!(s.execute("etcdctl lease list").text(), "found 0 leases\n");
    }
}
