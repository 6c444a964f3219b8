//! `grep [OPTION]... PATTERNS [FILE]...` (and `egrep`): GNU grep's common subset — basic and
//! extended regular expressions, fixed strings, `-ivcnoqwx`, context lines `-A -B -C`.

use super::{inputs, lines_of};
use crate::process::Proc;
use crate::world::World;

/// grep's one-letter switches (`-ivcnoqwxEF`; `-a -s -h` are accepted and change nothing here).
#[derive(Default)]
struct GrepFlags {
    ic: bool,
    inv: bool,
    count: bool,
    num: bool,
    only: bool,
    quiet: bool,
    word: bool,
    line: bool,
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
                'x' => self.line = true,
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

pub fn main(w: &mut World, p: &mut Proc) -> i32 {
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
                "--word-regexp" => f.word = true,
                "--line-regexp" => f.line = true,
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
    let GrepFlags { ic, inv, count, num, only, quiet, word, line, ere, fixed } = f;
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
    // -x wins over -w (GNU grep: "-x overrides -w").
    let body = if line { format!("^(?:{body})$") } else if word { format!("\\b(?:{body})\\b") } else { body };
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
