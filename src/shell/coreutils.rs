//! The coreutils learners pipe etcdctl into and manage files with: `cat grep head tail wc
//! sort uniq base64 cut tr ls mkdir rm cp mv touch sleep printf`, over the virtual
//! filesystem, with GNU's messages (in a UTF-8 locale: ‘quotes’ where GNU uses them).
//!
//! ```
//! use etcd_playground::shell::Session;
//! let mut s = Session::new("plain").unwrap();
//! assert_eq!(s.execute("printf 'b\\na\\nb\\n' | sort | uniq -c").text(), "      1 a\n      2 b\n");
//! assert_eq!(s.execute("echo -n k1 | base64").text(), "azE=\n");
//! assert_eq!(s.execute("echo a:b:c | cut -d: -f2,3").text(), "b:c\n");
//! ```

use crate::process::Proc;
use crate::world::World;

/// The program for a coreutils name, if it is one.
pub fn lookup(name: &str) -> Option<fn(&mut World, &mut Proc) -> i32> {
    Some(match name {
        "cat" => cat,
        "grep" | "egrep" => crate::lazy::grep,
        "head" => head,
        "tail" => tail,
        "wc" => crate::lazy::wc,
        "sort" => crate::lazy::sort,
        "uniq" => crate::lazy::uniq,
        "base64" => crate::lazy::base64,
        "cut" => crate::lazy::cut,
        "tr" => tr,
        "ls" => ls,
        "mkdir" => mkdir,
        "rm" => rm,
        "cp" => cp,
        "mv" => mv,
        "touch" => touch,
        "sleep" => sleep,
        "printf" => crate::lazy::printf,
        "seq" => crate::lazy::seq,
        "xargs" => crate::lazy::xargs,
        "tee" => tee,
        "which" => which,
        _ => return None,
    })
}

/// Splits `args` into short/long options and operands (`--` ends options, `-` is an operand).
fn split_opts(args: &[String]) -> (Vec<String>, Vec<String>) {
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

/// After a program read `files`: for each one the node makes up (see `vfs::Live`), say what
/// it really is. Its texts wait in the programs' chunk (`lazy::Programs`): none before it is here.
pub(crate) fn explain_live(w: &World, p: &mut Proc, files: &[String]) {
    use crate::vfs::{Live, Node};
    let mut kinds: Vec<Live> = files.iter().filter_map(|f| match w.vfs.get(&p.path(f)) {
        Some(Node::Live(k)) => Some(*k),
        _ => None,
    }).collect();
    kinds.dedup();
    for kind in kinds {
    match Some(Node::Live(kind)) {
        Some(Node::Live(Live::EtcdDb)) => p.explain(
            "member/snap/db is the member's bbolt database (binary pages, made here from the running engine). `etcdutl snapshot status` reads it; a copy of it is not a `snapshot save` file: it has no SHA-256 trailer, so `snapshot restore` refuses it unless --skip-hash-check is given.",
            "member/snap/db é o banco bbolt do membro (páginas binárias, gerado aqui a partir do engine em execução). `etcdutl snapshot status` o lê; uma cópia dele não é um arquivo de `snapshot save`: não tem o SHA-256 no final, então `snapshot restore` a recusa sem --skip-hash-check.",
        ),
        Some(Node::Live(Live::EtcdWal)) => p.explain(
            "The playground keeps no raft WAL: this file is a placeholder, not etcd's format. A real segment is 64000000 bytes, preallocated, of CRC-framed raft entries (read with etcd-dump-logs); 0.tmp is the next segment, prepared in advance.",
            "O playground não mantém um WAL do raft: este arquivo é um marcador, não está no formato do etcd. Um segmento real tem 64000000 bytes, pré-alocados, de entradas do raft com CRC (lidas com etcd-dump-logs); 0.tmp é o próximo segmento, preparado de antemão.",
        ),
        Some(Node::Live(Live::Program)) => p.explain(
            "The playground's programs are part of the page, not files: this one stands in for the binary. A real one is an ELF executable, which cat prints as binary garbage.",
            "Os programas do playground fazem parte da página, não são arquivos: este substitui o binário. Um real é um executável ELF, que o cat imprime como lixo binário.",
        ),
        _ => {}
    }
    }
}

/// Writes program output that may be binary: text as text, anything else as exact bytes
/// ([`crate::process::Chunk::Bytes`]), so a pipe or a `>` file gets every byte back.
pub(crate) fn emit(p: &mut Proc, out: Vec<u8>) {
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

fn cat(w: &mut World, p: &mut Proc) -> i32 {
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
    if let Some(l) = crate::lazy::programs() {
        (l.explain_live)(w, p, &files);
    }
    i32::from(failed)
}

/// grep's one-letter switches (`-ivcnoqwEF`; `-a -s -h` are accepted and change nothing here).
#[derive(Default)]
struct GrepFlags {
    ic: bool,
    inv: bool,
    count: bool,
    num: bool,
    only: bool,
    quiet: bool,
    word: bool,
    ere: bool,
    fixed: bool,
}

impl GrepFlags {
    /// Sets each letter of a cluster (`-in`); false, with GNU grep's message, at the first unknown.
    fn set_all(&mut self, p: &mut Proc, letters: &str) -> bool {
        for c in letters.chars() {
            match c {
                'i' => self.ic = true,
                'v' => self.inv = true,
                'c' => self.count = true,
                'n' => self.num = true,
                'o' => self.only = true,
                'q' => self.quiet = true,
                'w' => self.word = true,
                'E' => self.ere = true,
                'F' => self.fixed = true,
                'a' | 's' | 'h' => {}
                _ => {
                    p.eprintln(format!("grep: invalid option -- '{c}'\nUsage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information."));
                    return false;
                }
            }
        }
        true
    }
}

pub(crate) fn grep(w: &mut World, p: &mut Proc) -> i32 {
    let args = p.args[1..].to_vec();
    // Every `-e` adds a pattern (a line matches if any does); without `-e` the first operand is it.
    let mut patterns: Vec<String> = Vec::new();
    let mut from_e = false;
    let mut files = Vec::new();
    let mut f = GrepFlags::default();
    let mut opts_done = false;
    // -A/-B/-C: lines of context after/before each match (-C sets those not given).
    let (mut after, mut before, mut context): (Option<usize>, Option<usize>, Option<usize>) = (None, None, None);
    let context_len = |p: &mut Proc, v: &str| -> Option<usize> {
        match v.parse::<u64>() {
            Ok(n) => Some(n.min(usize::MAX as u64) as usize),
            Err(_) if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) => Some(usize::MAX),
            Err(_) => {
                p.eprintln(format!("grep: {v}: invalid context length argument"));
                None
            }
        }
    };
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        if !opts_done {
            let long = ["--after-context", "--before-context", "--context"].iter().position(|o| a.starts_with(&format!("{o}=")) || a == o);
            if let Some(k) = long {
                let v = match a.split_once('=') {
                    Some((_, v)) => v.to_string(),
                    None => {
                        i += 1;
                        match args.get(i) {
                            Some(v) => v.clone(),
                            None => {
                                p.eprintln(format!("grep: option '{a}' requires an argument\nUsage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information."));
                                return 2;
                            }
                        }
                    }
                };
                let Some(n) = context_len(p, &v) else { return 2 };
                *[&mut after, &mut before, &mut context][k] = Some(n);
                i += 1;
                continue;
            }
            // A short option cluster with A, B or C in it (`-nA2`, `-A 2`, `-2`).
            if a.len() > 1 && a.starts_with('-') && !a.starts_with("--") && a[1..].contains(['A', 'B', 'C']) || (a.len() > 1 && a.starts_with('-') && a[1..].bytes().all(|b| b.is_ascii_digit())) {
                let body = &a[1..];
                if body.bytes().all(|b| b.is_ascii_digit()) {
                    let Some(n) = context_len(p, body) else { return 2 };
                    context = Some(n);
                    i += 1;
                    continue;
                }
                let pos = body.find(['A', 'B', 'C']).unwrap_or(0);
                let (flags, rest) = body.split_at(pos);
                let which = rest.as_bytes()[0];
                let v = if rest.len() > 1 {
                    rest[1..].to_string()
                } else {
                    i += 1;
                    match args.get(i) {
                        Some(v) => v.clone(),
                        None => {
                            p.eprintln(format!("grep: option requires an argument -- '{}'\nUsage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.", which as char));
                            return 2;
                        }
                    }
                };
                if !f.set_all(p, flags) {
                    return 2;
                }
                let Some(n) = context_len(p, &v) else { return 2 };
                match which {
                    b'A' => after = Some(n),
                    b'B' => before = Some(n),
                    _ => context = Some(n),
                }
                i += 1;
                continue;
            }
        }
        if a == "-e" && !opts_done {
            let Some(pat) = args.get(i + 1) else {
                p.eprintln("grep: option requires an argument -- 'e'\nUsage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.");
                return 2;
            };
            patterns.push(pat.clone());
            from_e = true;
            i += 2;
            continue;
        }
        if a == "--" && !opts_done {
            opts_done = true;
        } else if opts_done {
            if patterns.is_empty() && !from_e {
                patterns.push(a.clone());
            } else {
                files.push(a.clone());
            }
        } else if a.starts_with("--") {
            match a.as_str() {
                "--ignore-case" => f.ic = true,
                "--invert-match" => f.inv = true,
                "--count" => f.count = true,
                "--extended-regexp" => f.ere = true,
                "--fixed-strings" => f.fixed = true,
                "--only-matching" => f.only = true,
                "--color=auto" | "--color" | "--colour=auto" => {}
                _ => {
                    p.eprintln(format!("grep: unrecognized option '{a}'\nUsage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information."));
                    return 2;
                }
            }
        } else if a.len() > 1 && a.starts_with('-') {
            if !f.set_all(p, &a[1..]) {
                return 2;
            }
        } else if patterns.is_empty() && !from_e {
            patterns.push(a.clone());
        } else {
            files.push(a.clone());
        }
        i += 1;
    }
    let GrepFlags { ic, inv, count, num, only, quiet, word, ere, fixed } = f;
    if patterns.is_empty() {
        p.eprintln("Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.");
        return 2;
    }
    let (ins, failed) = inputs(w, p, "grep", &files);
    // GNU grep: a basic regular expression, extended with -E, a fixed string with -F; a pattern
    // with newlines is one pattern per line.
    let one = |pat: &str| {
        if fixed {
            regex_lite::escape(pat)
        } else if ere {
            pat.to_string()
        } else {
            crate::sed::bre_to_ere(pat)
        }
    };
    let body = patterns.iter().flat_map(|p| p.split('\n')).map(|pat| format!("(?:{})", one(pat))).collect::<Vec<_>>().join("|");
    let body = if word { format!("\\b(?:{body})\\b") } else { body };
    let re = match crate::sed::compile(&body, true, ic) {
        Ok(re) => re,
        Err(_) => {
            p.eprintln("grep: Invalid regular expression");
            return 2;
        }
    };
    let matches = |line: &str| re.is_match(line);
    let multi = files.len() > 1;
    let (after, before) = (after.or(context).unwrap_or(0), before.or(context).unwrap_or(0));
    let with_context = (after > 0 || before > 0) && !count && !quiet;
    let mut out = String::new();
    let mut any = false;
    // GNU grep: `--` between groups of lines that are not adjacent (also across files).
    let mut printed_any = false;
    for (fi, d) in ins.iter().enumerate() {
        let mut c = 0;
        let lines = lines_of(d);
        let name = files.get(fi).cloned().unwrap_or_default();
        let prefix = |n: usize, sep: char| {
            let mut s = String::new();
            if multi {
                s.push_str(&name);
                s.push(sep);
            }
            if num {
                s.push_str(&format!("{}{sep}", n + 1));
            }
            s
        };
        // The next line not yet printed, and how many lines of after-context remain.
        let mut next_unprinted = 0usize;
        let mut after_left = 0usize;
        let mut file_started = false;
        for (n, l) in lines.iter().enumerate() {
            if matches(l) != inv {
                any = true;
                c += 1;
                if count || quiet {
                    continue;
                }
                if with_context || only {
                    let start = n.saturating_sub(before).max(if file_started { next_unprinted } else { 0 });
                    if (with_context) && printed_any && (!file_started || start > next_unprinted) {
                        out.push_str("--\n");
                    }
                    if !only {
                        for (k, cl) in lines.iter().enumerate().take(n).skip(start) {
                            out.push_str(&format!("{}{cl}\n", prefix(k, '-')));
                        }
                    }
                }
                if only && !inv {
                    // -o: every non-empty match on its own line.
                    for m in re.find_iter(l).filter(|m| !m.as_str().is_empty()) {
                        out.push_str(&format!("{}{}\n", prefix(n, ':'), m.as_str()));
                    }
                } else if !only {
                    out.push_str(&format!("{}{l}\n", prefix(n, ':')));
                }
                printed_any = true;
                file_started = true;
                next_unprinted = n + 1;
                after_left = after;
            } else if with_context && after_left > 0 && !count && !quiet {
                after_left -= 1;
                if !only {
                    out.push_str(&format!("{}{l}\n", prefix(n, '-')));
                }
                next_unprinted = n + 1;
            }
        }
        if count {
            if multi {
                out.push_str(&format!("{name}:"));
            }
            out.push_str(&format!("{c}\n"));
        }
    }
    if !quiet {
        p.print(out);
    }
    if failed {
        2
    } else if any {
        0
    } else {
        1
    }
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

fn head(w: &mut World, p: &mut Proc) -> i32 {
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
        if let Some(l) = crate::lazy::programs() {
            (l.explain_live)(w, p, &files);
        }
        return i32::from(failed);
    }
    let (n, _, files) = match line_count("head", p) {
        Ok(x) => x,
        Err(c) => return c,
    };
    let (ins, failed) = inputs_quoted(w, p, "head", &files);
    let out = each_file_lines(&files, &ins, |len| 0..if n >= 0 { (n as usize).min(len) } else { len.saturating_sub(n.unsigned_abs() as usize) });
    emit(p, out);
    if let Some(l) = crate::lazy::programs() {
        (l.explain_live)(w, p, &files);
    }
    i32::from(failed)
}

fn tail(w: &mut World, p: &mut Proc) -> i32 {
    let (n, from, files) = match line_count("tail", p) {
        Ok(x) => x,
        Err(c) => return c,
    };
    let (ins, failed) = inputs_quoted(w, p, "tail", &files);
    let out = each_file_lines(&files, &ins, |len| (if from { (n.max(1) - 1) as usize } else { len.saturating_sub(n.unsigned_abs() as usize) }).min(len)..len);
    emit(p, out);
    if let Some(l) = crate::lazy::programs() {
        (l.explain_live)(w, p, &files);
    }
    i32::from(failed)
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

pub fn wc(w: &mut World, p: &mut Proc) -> i32 {
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

pub fn sort(w: &mut World, p: &mut Proc) -> i32 {
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

pub fn uniq(w: &mut World, p: &mut Proc) -> i32 {
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

pub fn base64(w: &mut World, p: &mut Proc) -> i32 {
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

pub fn cut(w: &mut World, p: &mut Proc) -> i32 {
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

fn tr(_w: &mut World, p: &mut Proc) -> i32 {
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

fn ls(w: &mut World, p: &mut Proc) -> i32 {
    let (opts, mut ops) = split_opts(&p.args[1..]);
    let all = has(&opts, 'a');
    let long = has(&opts, 'l');
    if ops.is_empty() {
        ops.push(".".into());
    }
    let mut out = String::new();
    let mut code = 0;
    let multi = ops.len() > 1;
    // (path, name as shown) → the lines of one listing; with -l the size column is as wide as
    // its widest entry, right-aligned, as GNU ls pads it.
    // When each path last changed: during the session, or when the scenario's node was set up.
    let now = crate::cluster::clock::now_unix(w.clock_ms);
    let mtime = |w: &World, path: &str| w.mtime(path);
    let by_time = has(&opts, 't');
    // The lines, and with -l the disk use in KiB (4 KiB blocks: a directory takes one, a file
    // what its size needs).
    let entries = |w: &World, mut items: Vec<(String, String)>| -> (Vec<String>, u64) {
        if by_time {
            // -t: newest first, ties by name (the items come sorted by name).
            crate::sort::sort_by(&mut items, |a, b| mtime(w, &b.0).cmp(&mtime(w, &a.0)));
        }
        if !long {
            return (items.into_iter().map(|(_, name)| name).collect(), 0);
        }
        // Each size once: a database's is worked out from the engine.
        let sizes: Vec<u64> = items.iter().map(|(path, _)| w.file_size(path).unwrap_or(4096)).collect();
        let width = sizes.iter().map(|s| s.to_string().len()).max().unwrap_or(0);
        let kib = sizes.iter().map(|s| s.div_ceil(4096) * 4).sum();
        let lines = items
            .into_iter()
            .zip(sizes)
            .map(|((path, name), size)| {
                use crate::vfs::{Live, Node};
                let mode = match w.vfs.get(&path) {
                    Some(Node::Dir) => "drwxr-xr-x 2",
                    Some(Node::File { executable: true, .. } | Node::Live(Live::Program)) => "-rwxr-xr-x 1",
                    // etcd creates its database and WAL files 0600.
                    Some(Node::Live(_)) => "-rw------- 1",
                    _ => "-rw-r--r-- 1",
                };
                format!("{mode} root root {size:>width$} {} {name}", crate::cluster::clock::ls_time(mtime(w, &path), now))
            })
            .collect();
        (lines, kib)
    };
    // GNU ls: missing operands are reported first; then the files given, as one listing; then
    // each directory, under a `dir:` header when there was more than one operand.
    let columns = !(long || has(&opts, '1') || !p.stdout_tty);
    let listing = |entries: Vec<String>| -> String {
        if entries.is_empty() {
            String::new()
        } else if columns {
            format!("{}\n", entries.join("  "))
        } else {
            entries.iter().map(|e| format!("{e}\n")).collect()
        }
    };
    let (mut files, mut dirs) = (Vec::new(), Vec::new());
    for op in &ops {
        let path = p.path(op);
        match w.vfs.get(&path) {
            None => {
                p.eprintln(format!("ls: cannot access '{op}': No such file or directory"));
                code = 2;
            }
            Some(crate::vfs::Node::File { .. } | crate::vfs::Node::Live(_)) => files.push((op.clone(), path)),
            // -d: a directory is listed as itself, not its contents.
            Some(crate::vfs::Node::Dir) if has(&opts, 'd') => files.push((op.clone(), path)),
            Some(crate::vfs::Node::Dir) => dirs.push((op.clone(), path)),
        }
    }
    crate::sort::sort_by(&mut files, |a, b| a.0.cmp(&b.0));
    // ls -lt FILES lists them newest first too (the `entries` sort keeps this order for ties).
    crate::sort::sort_by(&mut dirs, |a, b| a.0.cmp(&b.0));
    out.push_str(&listing(entries(w, files.iter().map(|(op, path)| (path.clone(), op.clone())).collect()).0));
    for (i, (op, path)) in dirs.iter().enumerate() {
        if multi {
            out.push_str(&format!("{}{op}:\n", if i > 0 || !files.is_empty() { "\n" } else { "" }));
        }
        let mut names = w.vfs.list(path).unwrap_or_default();
        if all {
            names.insert(0, "..".into());
            names.insert(0, ".".into());
        }
        names.retain(|n| all || !n.starts_with('.'));
        let (lines, kib) = entries(w, names.into_iter().map(|n| (crate::vfs::normalize(path, &n), n)).collect());
        if long {
            out.push_str(&format!("total {kib}\n"));
        }
        out.push_str(&listing(lines));
    }
    p.print(out);
    code
}

fn mkdir(w: &mut World, p: &mut Proc) -> i32 {
    let (opts, ops) = split_opts(&p.args[1..]);
    if ops.is_empty() {
        p.eprintln("mkdir: missing operand\nTry 'mkdir --help' for more information.");
        return 1;
    }
    let parents = has(&opts, 'p') || opts.iter().any(|o| o == "--parents");
    let mut code = 0;
    for op in ops {
        let path = p.path(&op);
        let parent = crate::vfs::normalize(&path, "..");
        let r = if parents {
            w.vfs.mkdir_p(&path)
        } else if w.vfs.exists(&path) {
            Err(crate::vfs::VfsError::Exists)
        } else if !w.vfs.is_dir(&parent) {
            Err(crate::vfs::VfsError::NotFound)
        } else {
            w.vfs.mkdir_p(&path)
        };
        if let Err(e) = r {
            p.eprintln(format!("mkdir: cannot create directory ‘{op}’: {}", e.strerror()));
            code = 1;
        }
    }
    code
}

fn rm(w: &mut World, p: &mut Proc) -> i32 {
    let (opts, ops) = split_opts(&p.args[1..]);
    let rec = has(&opts, 'r') || has(&opts, 'R') || opts.iter().any(|o| o == "--recursive");
    let force = has(&opts, 'f') || opts.iter().any(|o| o == "--force");
    if ops.is_empty() && !force {
        p.eprintln("rm: missing operand\nTry 'rm --help' for more information.");
        return 1;
    }
    let mut code = 0;
    for op in ops {
        let path = p.path(&op);
        if path == "/" {
            p.eprintln("rm: it is dangerous to operate recursively on '/'\nrm: use --no-preserve-root to override this failsafe");
            code = 1;
            continue;
        }
        match w.vfs.remove(&path, rec) {
            Ok(()) => {}
            Err(crate::vfs::VfsError::NotFound) if force => {}
            Err(e) => {
                p.eprintln(format!("rm: cannot remove '{op}': {}", e.strerror()));
                code = 1;
            }
        }
    }
    code
}

fn copy_or_move(w: &mut World, p: &mut Proc, prog: &str, remove: bool) -> i32 {
    let (opts, ops) = split_opts(&p.args[1..]);
    let rec = remove || has(&opts, 'r') || has(&opts, 'R') || has(&opts, 'a');
    if ops.len() < 2 {
        if ops.is_empty() {
            p.eprintln(format!("{prog}: missing file operand\nTry '{prog} --help' for more information."));
        } else {
            p.eprintln(format!("{prog}: missing destination file operand after '{}'\nTry '{prog} --help' for more information.", ops[0]));
        }
        return 1;
    }
    let (srcs, dst) = ops.split_at(ops.len() - 1);
    let dst_path = p.path(&dst[0]);
    let mut code = 0;
    for s in srcs {
        let sp = p.path(s);
        let target = if w.vfs.is_dir(&dst_path) { crate::vfs::normalize(&dst_path, sp.rsplit('/').next().unwrap_or("")) } else { dst_path.clone() };
        if !w.vfs.exists(&sp) {
            p.eprintln(format!("{prog}: cannot stat '{s}': No such file or directory"));
            code = 1;
            continue;
        }
        if w.vfs.is_dir(&sp) && !rec {
            p.eprintln(format!("{prog}: -r not specified; omitting directory '{s}'"));
            code = 1;
            continue;
        }
        // The destination as GNU names it: the operand, plus the source's name inside a directory.
        let shown = if w.vfs.is_dir(&dst_path) {
            let base = sp.rsplit('/').next().unwrap_or("");
            if dst[0].ends_with('/') { format!("{}{base}", dst[0]) } else { format!("{}/{base}", dst[0]) }
        } else {
            dst[0].clone()
        };
        if remove && sp == "/" {
            // rename(2) of a mount point.
            p.eprintln(format!("mv: cannot move '{s}' to '{shown}': Device or resource busy"));
            code = 1;
            continue;
        }
        if sp == "/" || target == sp || target.starts_with(&format!("{sp}/")) {
            if remove {
                p.eprintln(format!("mv: cannot move '{s}' to a subdirectory of itself, '{shown}'"));
            } else {
                p.eprintln(format!("cp: cannot copy a directory, '{s}', into itself, '{shown}'"));
            }
            code = 1;
            continue;
        }
        // Copy every node under the source.
        let nodes: Vec<(String, crate::vfs::Node)> = w.vfs.paths().filter(|(k, _)| **k == sp || k.starts_with(&format!("{sp}/"))).map(|(k, n)| (k.clone(), n.clone())).collect();
        // mv keeps each file's time, as do cp -a and cp -p; a plain cp's copies are new files.
        let keep_time = remove || has(&opts, 'a') || has(&opts, 'p');
        for (k, n) in nodes {
            let dest = format!("{target}{}", &k[sp.len()..]);
            let r = match n {
                crate::vfs::Node::Dir => w.vfs.mkdir_p(&dest),
                crate::vfs::Node::File { data, executable } => w.vfs.write(&dest, data).map(|_| w.vfs.set_executable(&dest, executable)),
                // A file the node makes up (a data dir's database) is copied as its bytes now.
                crate::vfs::Node::Live(kind) => {
                    let data = w.read(&k).map(|d| d.into_owned()).unwrap_or_default();
                    w.vfs.write(&dest, data).map(|_| w.vfs.set_executable(&dest, kind == crate::vfs::Live::Program))
                }
            };
            if r.is_ok() && keep_time {
                let t = w.vfs.mtime(&k);
                w.vfs.set_mtime(&dest, t);
            }
            if let Err(e) = r {
                if e == crate::vfs::VfsError::NoSpace {
                    p.eprintln(format!("{prog}: error writing '{shown}': No space left on device"));
                } else {
                    p.eprintln(format!("{prog}: cannot create regular file '{}': {}", dst[0], e.strerror()));
                }
                code = 1;
                break;
            }
        }
        if remove && code == 0 {
            let _ = w.vfs.remove(&sp, true);
        }
    }
    code
}

fn cp(w: &mut World, p: &mut Proc) -> i32 {
    copy_or_move(w, p, "cp", false)
}

fn mv(w: &mut World, p: &mut Proc) -> i32 {
    copy_or_move(w, p, "mv", true)
}

fn touch(w: &mut World, p: &mut Proc) -> i32 {
    let (_, ops) = split_opts(&p.args[1..]);
    if ops.is_empty() {
        p.eprintln("touch: missing file operand\nTry 'touch --help' for more information.");
        return 1;
    }
    let mut code = 0;
    for op in ops {
        let path = p.path(&op);
        if w.vfs.exists(&path) {
            w.vfs.touch(&path);
            continue;
        }
        if let Err(e) = w.vfs.write(&path, Vec::new()) {
            p.eprintln(format!("touch: cannot touch '{op}': {}", e.strerror()));
            code = 1;
        }
    }
    code
}

/// `sleep N[smhd]`: the simulated clock jumps ahead ([`World::advance`]); nothing waits.
pub(crate) fn sleep(w: &mut World, p: &mut Proc) -> i32 {
    match sleep_ms(w, p) {
        Some(ms) => {
            w.advance(ms);
            0
        }
        None => 1,
    }
}

/// How long `sleep` sleeps (the shell's `sleep` lets it pass with its jobs); `None` after a
/// usage error.
pub(crate) fn sleep_ms(w: &World, p: &mut Proc) -> Option<u64> {
    let ops: Vec<String> = p.args[1..].to_vec();
    if ops.is_empty() {
        p.eprintln("sleep: missing operand\nTry 'sleep --help' for more information.");
        return None;
    }
    let mut total_ms: u64 = 0;
    for op in &ops {
        let (num, mult) = match op.chars().last() {
            Some('s') => (&op[..op.len() - 1], 1000),
            Some('m') => (&op[..op.len() - 1], 60_000),
            Some('h') => (&op[..op.len() - 1], 3_600_000),
            Some('d') => (&op[..op.len() - 1], 86_400_000),
            _ => (op.as_str(), 1000),
        };
        let num = num.strip_prefix('+').unwrap_or(num);
        // GNU sleep reads the number with strtod: `inf` and `infinity` sleep forever.
        let forever = ["inf", "infinity"].iter().any(|f| num.eq_ignore_ascii_case(f));
        match if forever { Some(u128::MAX) } else { crate::decimal::scaled(num, mult) } {
            Some(v) => total_ms = total_ms.saturating_add(u64::try_from(v).unwrap_or(u64::MAX)),
            _ => {
                p.eprintln(format!("sleep: invalid time interval ‘{op}’\nTry 'sleep --help' for more information."));
                return None;
            }
        }
    }
    let max = crate::world::MAX_CLOCK_MS;
    if total_ms > max.saturating_sub(w.clock_ms) {
        // GNU sleep would wait (practically) forever; the simulated clock stops at the last
        // instant every date here can show, so no time arithmetic can overflow.
        total_ms = max.saturating_sub(w.clock_ms);
        p.explain(
            "A real `sleep` this long would never return (stop it with Ctrl+C). The playground's clock stops at 9999-12-31 23:59:59 UTC, the last instant the tools can print: every lease has expired and every certificate is past its end.",
            "Um `sleep` real tão longo nunca voltaria (interrompa com Ctrl+C). O relógio do playground para em 9999-12-31 23:59:59 UTC, o último instante que as ferramentas conseguem mostrar: todo lease expirou e todo certificado passou da validade.",
        );
    }
    Some(total_ms)
}

fn tee(w: &mut World, p: &mut Proc) -> i32 {
    let (opts, ops) = split_opts(&p.args[1..]);
    let append = has(&opts, 'a');
    let data = p.stdin.clone();
    let mut code = 0;
    for op in ops {
        let path = p.path(&op);
        let written = if append && matches!(w.vfs.get(&path), Some(crate::vfs::Node::File { .. })) {
            w.vfs.append(&path, &data)
        } else {
            let mut d = if append { w.read(&path).map(|x| x.into_owned()).unwrap_or_default() } else { Vec::new() };
            d.extend_from_slice(&data);
            w.vfs.write(&path, d)
        };
        if let Err(e) = written {
            p.eprintln(format!("tee: {op}: {}", e.strerror()));
            code = 1;
        }
    }
    emit(p, data);
    code
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

/// Debian's `which`: the path of each program found, nothing for the others (exit 1). A file in
/// PATH (a downloaded etcdctl moved to /usr/local/bin) comes first; then the node's own
/// programs where their packages put them (etcd's release tarball in /usr/local/bin on the
/// kubeadm node, Debian's etcd-client in /usr/bin on the plain one).
fn which(w: &mut World, p: &mut Proc) -> i32 {
    let (_, names) = split_opts(&p.args[1..]);
    let mut code = i32::from(names.is_empty());
    let mut out = String::new();
    for name in &names {
        let in_path = crate::netless::find_executable(w, p.env.get("PATH").map(String::as_str), &p.cwd, name);
        let found = in_path.map(|path| if name.contains('/') { name.clone() } else { path }).or_else(|| if name.contains('/') { None } else { crate::commands::installed_path(w, name) });
        match found {
            Some(path) => out.push_str(&format!("{path}\n")),
            None => code = 1,
        }
    }
    p.print(out);
    code
}
