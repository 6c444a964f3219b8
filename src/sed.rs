//! `sed` (GNU sed's common subset): `sed -i 's/old/new/' FILE`, `sed -n '/re/p'`, addresses
//! (`N`, `$`, `/re/`, ranges, `!`), commands `s` (flags `g`, `p`, `N`, `I`), `d`, `p`, `q`,
//! `=`; basic regular expressions by default, `-E`/`-r` for extended ones. `-i` is how the
//! lessons edit `/etc/kubernetes/manifests/etcd.yaml`, which the kubelet then picks up.
//!
//! ```text
//! $ sed -i 's#--data-dir=/var/lib/etcd#--data-dir=/var/lib/etcd-new#' /etc/kubernetes/manifests/etcd.yaml
//! ```

use crate::process::Proc;
use crate::world::World;
use regex_lite::Regex;

#[derive(Debug, Clone)]
enum Addr {
    Line(usize),
    Last,
    Re(Regex),
}

#[derive(Debug, Clone)]
enum Cmd {
    Subst { re: Regex, repl: String, global: bool, nth: usize, print: bool },
    Delete,
    Print,
    Quit,
    LineNo,
}

#[derive(Debug, Clone)]
struct Step {
    a1: Option<Addr>,
    a2: Option<Addr>,
    negate: bool,
    cmd: Cmd,
}

/// Converts a POSIX basic regular expression to the extended syntax regex-lite reads.
pub(crate) fn bre_to_ere(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars().peekable();
    let mut at_start = true;
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(n @ ('(' | ')' | '{' | '}' | '+' | '?' | '|')) => out.push(n),
                Some('n') => out.push_str("\\n"),
                Some('t') => out.push_str("\\t"),
                Some(n) => {
                    out.push('\\');
                    out.push(n);
                }
                None => out.push_str("\\\\"),
            },
            '(' | ')' | '{' | '}' | '+' | '?' | '|' => {
                out.push('\\');
                out.push(c);
            }
            '*' if at_start => out.push_str("\\*"),
            _ => out.push(c),
        }
        at_start = c == '^' && out.len() == 1;
    }
    out
}

/// A sed or grep pattern (BRE unless `ere`) as a regex-lite `Regex`.
pub(crate) fn compile(pat: &str, ere: bool, icase: bool) -> Result<Regex, String> {
    let p = if ere { pat.to_string() } else { bre_to_ere(pat) };
    let p = if icase { format!("(?i){p}") } else { p };
    Regex::new(&p).map_err(|_| "Invalid preceding regular expression".to_string())
}

/// sed's replacement (`&`, `\1`..`\9`, `\n`) in regex-lite's `${N}` form.
fn replacement(r: &str) -> String {
    let mut out = String::new();
    let mut chars = r.chars();
    while let Some(c) = chars.next() {
        match c {
            '&' => out.push_str("${0}"),
            '$' => out.push_str("$$"),
            '\\' => match chars.next() {
                Some(d @ '0'..='9') => out.push_str(&format!("${{{d}}}")),
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some('$') => out.push_str("$$"),
                Some(o) => out.push(o),
                None => {}
            },
            _ => out.push(c),
        }
    }
    out
}

struct Parser<'a> {
    s: Vec<char>,
    i: usize,
    expr: usize,
    ere: bool,
    _src: &'a str,
}

impl Parser<'_> {
    fn err(&self, msg: &str) -> String {
        format!("sed: -e expression #{}, char {}: {msg}", self.expr, self.i)
    }

    fn peek(&self) -> Option<char> {
        self.s.get(self.i).copied()
    }

    /// Reads up to an unescaped `delim`; `\delim` becomes `delim`.
    fn until(&mut self, delim: char) -> Option<String> {
        let mut out = String::new();
        while let Some(c) = self.peek() {
            self.i += 1;
            if c == '\\' {
                match self.peek() {
                    Some(n) if n == delim => {
                        out.push(n);
                        self.i += 1;
                    }
                    Some(n) => {
                        out.push('\\');
                        out.push(n);
                        self.i += 1;
                    }
                    None => out.push('\\'),
                }
            } else if c == delim {
                return Some(out);
            } else {
                out.push(c);
            }
        }
        None
    }

    fn addr(&mut self) -> Result<Option<Addr>, String> {
        match self.peek() {
            Some(c) if c.is_ascii_digit() => {
                let mut n = 0usize;
                while let Some(d) = self.peek().and_then(|c| c.to_digit(10)) {
                    n = n.saturating_mul(10).saturating_add(d as usize);
                    self.i += 1;
                }
                Ok(Some(Addr::Line(n)))
            }
            Some('$') => {
                self.i += 1;
                Ok(Some(Addr::Last))
            }
            Some('/') => {
                self.i += 1;
                let Some(p) = self.until('/') else { return Err(self.err("unterminated address regex")) };
                Ok(Some(Addr::Re(compile(&p, self.ere, false).map_err(|e| self.err(&e))?)))
            }
            _ => Ok(None),
        }
    }

    fn parse(&mut self, steps: &mut Vec<Step>) -> Result<(), String> {
        loop {
            while matches!(self.peek(), Some(' ' | '\n' | ';' | '\t')) {
                self.i += 1;
            }
            if self.peek().is_none() {
                return Ok(());
            }
            let a1 = self.addr()?;
            let mut a2 = None;
            if a1.is_some() && self.peek() == Some(',') {
                self.i += 1;
                a2 = self.addr()?;
                if a2.is_none() {
                    return Err(self.err("unexpected `,'"));
                }
            }
            while self.peek() == Some(' ') {
                self.i += 1;
            }
            let mut negate = false;
            if self.peek() == Some('!') {
                negate = true;
                self.i += 1;
            }
            let Some(c) = self.peek() else { return Err(self.err("missing command")) };
            self.i += 1;
            let cmd = match c {
                'd' => Cmd::Delete,
                'p' => Cmd::Print,
                'q' => Cmd::Quit,
                '=' => Cmd::LineNo,
                's' => {
                    let Some(delim) = self.peek() else { return Err(self.err("unterminated `s' command")) };
                    self.i += 1;
                    let Some(pat) = self.until(delim) else { return Err(self.err("unterminated `s' command")) };
                    let Some(rep) = self.until(delim) else { return Err(self.err("unterminated `s' command")) };
                    let (mut global, mut nth, mut print, mut icase) = (false, 1usize, false, false);
                    while let Some(f) = self.peek() {
                        match f {
                            'g' => global = true,
                            'p' => print = true,
                            'I' | 'i' => icase = true,
                            d if d.is_ascii_digit() => nth = d.to_digit(10).unwrap_or(1) as usize,
                            ';' | '\n' | ' ' | '}' => break,
                            _ => return Err(self.err("unknown option to `s'")),
                        }
                        self.i += 1;
                    }
                    let re = compile(&pat, self.ere, icase).map_err(|e| self.err(&e))?;
                    Cmd::Subst { re, repl: replacement(&rep), global, nth: nth.max(1), print }
                }
                other => return Err(self.err(&format!("unknown command: `{other}'"))),
            };
            steps.push(Step { a1, a2, negate, cmd });
        }
    }
}

fn matches(a: &Addr, n: usize, last: bool, line: &str) -> bool {
    match a {
        Addr::Line(k) => *k == n,
        Addr::Last => last,
        Addr::Re(r) => r.is_match(line),
    }
}

/// Runs the script over `input`; returns the output and whether `q` stopped it.
fn run_script(steps: &[Step], input: &str, quiet: bool) -> String {
    let mut out = String::new();
    let lines: Vec<&str> = input.split_inclusive('\n').collect();
    let mut in_range = vec![false; steps.len()];
    for (idx, raw) in lines.iter().enumerate() {
        let n = idx + 1;
        let last = idx + 1 == lines.len();
        let (mut line, nl) = match raw.strip_suffix('\n') {
            Some(l) => (l.to_string(), "\n"),
            None => (raw.to_string(), ""),
        };
        let mut deleted = false;
        let mut quit = false;
        for (si, st) in steps.iter().enumerate() {
            let hit = match (&st.a1, &st.a2) {
                (None, _) => true,
                (Some(a), None) => matches(a, n, last, &line),
                (Some(a), Some(b)) => {
                    if in_range[si] {
                        let end = match b {
                            Addr::Line(k) => n >= *k,
                            _ => matches(b, n, last, &line),
                        };
                        if end {
                            in_range[si] = false;
                        }
                        true
                    } else if matches(a, n, last, &line) {
                        let ends_now = matches!(b, Addr::Line(k) if *k <= n);
                        in_range[si] = !ends_now;
                        true
                    } else {
                        false
                    }
                }
            };
            if hit == st.negate {
                continue;
            }
            match &st.cmd {
                Cmd::Delete => {
                    deleted = true;
                    break;
                }
                Cmd::Print => {
                    out.push_str(&line);
                    out.push('\n');
                }
                Cmd::LineNo => out.push_str(&format!("{n}\n")),
                Cmd::Quit => {
                    quit = true;
                    break;
                }
                Cmd::Subst { re, repl, global, nth, print } => {
                    let mut count = 0;
                    let mut changed = false;
                    let new = re
                        .replace_all(&line, |caps: &regex_lite::Captures| {
                            count += 1;
                            let m = caps.get(0).map_or("", |m| m.as_str()).to_string();
                            if count == *nth || (*global && count >= *nth) {
                                changed = true;
                                let mut dst = String::new();
                                caps.expand(repl, &mut dst);
                                dst
                            } else {
                                m
                            }
                        })
                        .into_owned();
                    if changed {
                        line = new;
                        if *print {
                            out.push_str(&line);
                            out.push('\n');
                        }
                    }
                }
            }
        }
        if !deleted && !quiet {
            out.push_str(&line);
            out.push_str(nl);
        }
        if quit {
            break;
        }
    }
    out
}

pub fn main(world: &mut World, p: &mut Proc) -> i32 {
    let args = p.args[1..].to_vec();
    let (mut quiet, mut in_place, mut ere) = (false, None::<String>, false);
    let mut scripts = Vec::new();
    let mut files = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "-n" | "--quiet" | "--silent" => quiet = true,
            "-E" | "-r" | "--regexp-extended" => ere = true,
            "-e" | "--expression" => match it.next() {
                Some(s) => scripts.push(s.clone()),
                None => {
                    p.eprintln("sed: option requires an argument -- 'e'");
                    return 1;
                }
            },
            "-s" | "--separate" => {}
            s if s.starts_with("--in-place") => in_place = Some(s.strip_prefix("--in-place=").unwrap_or("").to_string()),
            s if s.starts_with("-i") => in_place = Some(s[2..].to_string()),
            s if s.starts_with('-') && s.len() > 1 && s[1..].chars().all(|c| "nEr".contains(c)) => {
                quiet |= s.contains('n');
                ere |= s.contains('E') || s.contains('r');
            }
            s if s.starts_with('-') && s.len() > 1 => {
                p.eprintln(format!("sed: invalid option -- '{}'", s.trim_start_matches('-').chars().next().unwrap_or('-')));
                p.eprintln("Usage: sed [OPTION]... {script-only-if-no-other-script} [input-file]...");
                return 1;
            }
            _ => {
                if scripts.is_empty() && files.is_empty() && !args.iter().any(|x| x == "-e" || x == "--expression") {
                    scripts.push(a.clone());
                } else {
                    files.push(a.clone());
                }
            }
        }
    }
    if scripts.is_empty() {
        p.eprintln("Usage: sed [OPTION]... {script-only-if-no-other-script} [input-file]...");
        return 1;
    }
    let mut steps = Vec::new();
    for (i, s) in scripts.iter().enumerate() {
        let mut parser = Parser { s: s.chars().collect(), i: 0, expr: i + 1, ere, _src: s };
        if let Err(e) = parser.parse(&mut steps) {
            p.eprintln(e);
            return 1;
        }
    }
    if files.is_empty() {
        if in_place.is_some() {
            p.eprintln("sed: no input files");
            return 1;
        }
        let input = to_text(&p.stdin);
        let out = run_script(&steps, &input, quiet);
        crate::coreutils::emit(p, from_text(&out));
        return 0;
    }
    let mut status = 0;
    for f in files {
        let path = p.path(&f);
        let raw = match world.read(&path) {
            Ok(d) => d.into_owned(),
            Err(e) => {
                p.eprintln(format!("sed: can't read {f}: {}", e.strerror()));
                status = 2;
                continue;
            }
        };
        let out = from_text(&run_script(&steps, &to_text(&raw), quiet));
        match &in_place {
            Some(suffix) => {
                if !suffix.is_empty() {
                    let _ = world.vfs.write(&format!("{path}{suffix}"), raw);
                }
                if let Err(e) = world.vfs.write(&path, out) {
                    p.eprintln(format!("sed: couldn't open temporary file {path}: {}", e.strerror()));
                    status = 4;
                }
            }
            None => crate::coreutils::emit(p, out),
        }
    }
    status
}

/// The first of 256 private-use code points standing for raw bytes while sed works on text.
const RAW: u32 = 0x10_FF00;

/// Bytes as text for the regex engine (which matches `str`), losslessly: a byte that is not
/// part of valid UTF-8 becomes the private-use character `RAW + byte`, and so does each byte of
/// a real character in that range; [`from_text`] turns them back. A snapshot through
/// `sed -i s/NOMATCH/x/` stays byte-identical.
fn to_text(data: &[u8]) -> std::borrow::Cow<'_, str> {
    let raw = |b: u8| char::from_u32(RAW + b as u32).unwrap_or('\u{FFFD}');
    match std::str::from_utf8(data) {
        Ok(s) if !s.chars().any(|c| c as u32 >= RAW) => std::borrow::Cow::Borrowed(s),
        _ => {
            let mut out = String::with_capacity(data.len());
            for chunk in data.utf8_chunks() {
                for c in chunk.valid().chars() {
                    if c as u32 >= RAW {
                        let mut buf = [0; 4];
                        out.extend(c.encode_utf8(&mut buf).bytes().map(raw));
                    } else {
                        out.push(c);
                    }
                }
                out.extend(chunk.invalid().iter().map(|&b| raw(b)));
            }
            std::borrow::Cow::Owned(out)
        }
    }
}

/// The bytes [`to_text`] stood for.
fn from_text(s: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len());
    for c in s.chars() {
        let u = c as u32;
        if u >= RAW {
            out.push((u - RAW) as u8);
        } else {
            let mut buf = [0; 4];
            out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sed(script: &str, input: &str, quiet: bool, ere: bool) -> String {
        let mut steps = Vec::new();
        Parser { s: script.chars().collect(), i: 0, expr: 1, ere, _src: script }.parse(&mut steps).unwrap();
        run_script(&steps, input, quiet)
    }

    #[test]
    fn substitutions_addresses_and_print() {
        assert_eq!(sed("s/a/b/", "aaa\nxa\n", false, false), "baa\nxb\n");
        assert_eq!(sed("s/a/b/g", "aaa\n", false, false), "bbb\n");
        assert_eq!(sed("s/a/b/2", "aaa\n", false, false), "aba\n");
        assert_eq!(sed("s#/var/lib/etcd#/var/lib/etcd-new#", "- --data-dir=/var/lib/etcd\n", false, false), "- --data-dir=/var/lib/etcd-new\n");
        assert_eq!(sed("/cert/p", "a\ncert-file\nb\n", true, false), "cert-file\n");
        assert_eq!(sed("2,3d", "1\n2\n3\n4\n", false, false), "1\n4\n");
        assert_eq!(sed("s/\\(x\\)\\(y\\)/\\2\\1&/", "xy\n", false, false), "yxxy\n");
        assert_eq!(sed("s/(x)+/[&]/", "(x)+\n", false, false), "[(x)+]\n");
        assert_eq!(sed("s/(x)+/<\\1>/", "xxz\n", false, true), "<x>z\n");
        assert_eq!(sed("$!d", "1\n2\n", false, false), "2\n");
        assert_eq!(sed("2q", "1\n2\n3\n", false, false), "1\n2\n");
    }

    #[test]
    fn bad_scripts_are_errors() {
        for bad in ["s/a/b", "k", "s/a/b/z", "/x", "s/[/x/"] {
            let mut steps = Vec::new();
            assert!(Parser { s: bad.chars().collect(), i: 0, expr: 1, ere: false, _src: bad }.parse(&mut steps).is_err(), "{bad}");
        }
    }

    #[test]
    fn bytes_survive_the_text_round_trip() {
        let all: Vec<u8> = (0..=255u8).chain([0xf4, 0x8f, 0xbf, 0xbf, b'\n', 0xff, 0xc3, 0xa9]).collect();
        assert_eq!(from_text(&to_text(&all)), all);
        assert!(matches!(to_text(b"plain"), std::borrow::Cow::Borrowed("plain")));
    }
}
