//! `xargs [-n N] [-I STR] [-0] [-d DELIM] [-r] [-t] [COMMAND [ARG]...]`: runs COMMAND (`echo`
//! by default) with the items of its stdin as more arguments, as GNU findutils 4.9 does.
//!
//! ```text
//! $ etcdctl get --prefix k --keys-only | xargs -n1 etcdctl del
//! $ seq 3 | xargs -I {} etcdctl put k{} v{}
//! ```
//!
//! Items are separated by blanks and newlines; `'...'`, `"..."` and `\` quote as in GNU
//! xargs. COMMAND runs with empty stdin. The status is 123 when a run of COMMAND exits 1-125,
//! 127 when COMMAND does not exist.

use crate::process::{Chunk, Proc};
use crate::world::World;

fn usage(p: &mut Proc, msg: &str) -> i32 {
    p.eprintln(format!("xargs: {msg}\nTry 'xargs --help' for more information."));
    1
}

pub fn main(w: &mut World, p: &mut Proc) -> i32 {
    let args = p.args.clone();
    let mut max_args: Option<usize> = None;
    let mut replace: Option<String> = None;
    let mut delim: Option<u8> = None;
    let mut no_empty = false;
    let mut trace = false;
    let mut i = 1;
    while i < args.len() {
        let a = args[i].as_str();
        if !a.starts_with('-') || a == "-" {
            break;
        }
        let value = |i: &mut usize, inline: &str| -> Option<String> {
            if !inline.is_empty() {
                Some(inline.to_string())
            } else {
                *i += 1;
                args.get(*i).cloned()
            }
        };
        match a {
            "--" => {
                i += 1;
                break;
            }
            "-0" | "--null" => delim = Some(0),
            "-r" | "--no-run-if-empty" => no_empty = true,
            "-t" | "--verbose" => trace = true,
            _ if a.starts_with("-n") || a.starts_with("--max-args=") => {
                let inline = a.strip_prefix("--max-args=").unwrap_or(&a[2..]);
                let Some(v) = value(&mut i, inline) else { return usage(p, "option requires an argument -- 'n'") };
                match v.parse::<i64>() {
                    Ok(n) if n >= 1 => max_args = Some(n as usize),
                    Ok(_) => return usage(p, &format!("value {v} for -n option should be >= 1")),
                    Err(_) => return usage(p, &format!("invalid number \"{v}\" for -n option")),
                }
            }
            _ if a.starts_with("-I") || a.starts_with("--replace") => {
                let inline = a.strip_prefix("--replace=").unwrap_or(if a.starts_with("-I") { &a[2..] } else { "" });
                let v = if a == "--replace" { Some("{}".to_string()) } else { value(&mut i, inline) };
                let Some(v) = v else { return usage(p, "option requires an argument -- 'I'") };
                replace = Some(v);
            }
            _ if a.starts_with("-i") => replace = Some(if a.len() > 2 { a[2..].to_string() } else { "{}".to_string() }),
            _ if a.starts_with("-d") => {
                let Some(v) = value(&mut i, &a[2..]) else { return usage(p, "option requires an argument -- 'd'") };
                delim = Some(match v.as_str() {
                    "\\n" => b'\n',
                    "\\t" => b'\t',
                    "\\0" => 0,
                    s => s.as_bytes().first().copied().unwrap_or(b'\n'),
                });
            }
            _ => {
                let c = a.trim_start_matches('-').chars().next().unwrap_or('-');
                return usage(p, &if a.starts_with("--") { format!("unrecognized option '{a}'") } else { format!("invalid option -- '{c}'") });
            }
        }
        i += 1;
    }
    let mut command: Vec<String> = args[i..].to_vec();
    if command.is_empty() {
        command.push("echo".into());
    }
    let input = String::from_utf8_lossy(&p.stdin).into_owned();
    // The items, and for -I each input line as one item.
    let items: Vec<String> = if let Some(d) = delim {
        let mut v: Vec<String> = input.split(d as char).map(str::to_string).collect();
        if v.last().is_some_and(String::is_empty) {
            v.pop();
        }
        v
    } else if replace.is_some() {
        input.lines().map(|l| l.trim_start_matches([' ', '\t']).to_string()).filter(|l| !l.is_empty()).collect()
    } else {
        match split_items(&input) {
            Ok(v) => v,
            Err(q) => {
                p.eprintln(format!("xargs: unmatched {q} quote; by default quotes are special to xargs unless you use the -0 option"));
                return 1;
            }
        }
    };
    let runs: Vec<Vec<String>> = if let Some(r) = &replace {
        items.iter().map(|it| command.iter().map(|c| c.replace(r.as_str(), it)).collect()).collect()
    } else if items.is_empty() {
        if no_empty {
            Vec::new()
        } else {
            vec![command.clone()]
        }
    } else {
        let per = max_args.unwrap_or(usize::MAX);
        items.chunks(per.min(items.len()).max(1)).map(|c| command.iter().cloned().chain(c.iter().cloned()).collect()).collect()
    };
    let mut status = 0;
    for run in runs {
        if trace {
            p.eprintln(run.join(" "));
        }
        let code = run_one(w, p, run);
        match code {
            0 => {}
            127 => return 127,
            126 => return 126,
            255 => {
                p.eprintln(format!("xargs: {}: exited with status 255; aborting", command[0]));
                return 124;
            }
            _ => status = 123,
        }
    }
    status
}

/// Runs one command line; its output goes into `p`.
fn run_one(w: &mut World, p: &mut Proc, args: Vec<String>) -> i32 {
    let name = args[0].clone();
    let mut child = Proc { args, env: p.env.clone(), cwd: p.cwd.clone(), stdin: Vec::new(), stdout_tty: false, ..Default::default() };
    let code = match name.as_str() {
        "echo" | "/bin/echo" | "/usr/bin/echo" => {
            let mut rest: &[String] = &child.args[1..];
            let newline = rest.first().map(String::as_str) != Some("-n");
            if !newline {
                rest = &rest[1..];
            }
            let text = rest.join(" ");
            child.print(if newline { format!("{text}\n") } else { text });
            0
        }
        "printf" => crate::coreutils::printf::main(w, &mut child),
        "true" => 0,
        "false" => 1,
        _ => match super::lookup(w, &child.env, &child.cwd, &name) {
            Some(f) => f(w, &mut child),
            None => {
                p.eprintln(format!("xargs: {name}: No such file or directory"));
                return 127;
            }
        },
    };
    let mut code = code;
    if let Some(mut job) = child.job.take() {
        let (chunks, c) = crate::jobs::finish_bounded(&mut *job, w);
        child.out.extend(chunks);
        code = c;
    }
    for c in child.out {
        match c {
            Chunk::Stdout(s) => p.print(s),
            other => p.out.push(other),
        }
    }
    code
}

/// Blank- and newline-separated items, with GNU xargs' quotes; `Err` names an open quote.
fn split_items(input: &str) -> Result<Vec<String>, &'static str> {
    let mut items = Vec::new();
    let mut cur = String::new();
    let mut has = false;
    let mut it = input.chars();
    while let Some(c) = it.next() {
        match c {
            ' ' | '\t' | '\n' => {
                if has {
                    items.push(std::mem::take(&mut cur));
                    has = false;
                }
            }
            '\'' | '"' => {
                has = true;
                loop {
                    match it.next() {
                        Some(q) if q == c => break,
                        Some('\n') | None => return Err(if c == '\'' { "single" } else { "double" }),
                        Some(x) => cur.push(x),
                    }
                }
            }
            '\\' => {
                has = true;
                if let Some(n) = it.next() {
                    cur.push(n);
                }
            }
            _ => {
                has = true;
                cur.push(c);
            }
        }
    }
    if has {
        items.push(cur);
    }
    Ok(items)
}
