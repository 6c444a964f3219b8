//! Commands that must run inside the shell because they change its own state
//! (variables, working directory, history).

use super::Session;
use crate::process::Proc;

pub type BuiltinFn = fn(&mut Session, &mut Proc) -> i32;

pub fn shell_builtin(name: &str) -> Option<BuiltinFn> {
    Some(match name {
        "export" => export,
        "unset" => unset,
        "cd" => cd,
        "pwd" => pwd,
        "history" => history,
        "echo" => echo,
        "env" => env,
        "printenv" => printenv,
        "true" | ":" => |_, _| 0,
        "false" => |_, _| 1,
        "jobs" => super::jobctl::jobs,
        "fg" => super::jobctl::fg,
        "kill" => super::jobctl::kill,
        "sleep" => super::jobctl::sleep,
        "read" => read,
        "source" | "." => source,
        "alias" => super::alias::alias,
        "unalias" => super::alias::unalias,
        "type" => super::alias::type_of,
        "break" => |s, p| loop_control(s, p, true),
        "continue" => |s, p| loop_control(s, p, false),
        "exit" => exit,
        "test" | "[" => |s, p| super::test_cmd::main(&s.world, p),
        // Its code is in the program table (the page's programs chunk).
        "printf" => |w, p| crate::commands::builtin("printf").map_or(2, |f| f(&mut w.world, p)),
        _ => return None,
    })
}

fn export(s: &mut Session, p: &mut Proc) -> i32 {
    if p.args.len() == 1 {
        for k in &s.exported {
            if let Some(v) = s.vars.get(k) {
                p.println(format!("declare -x {k}=\"{v}\""));
            }
        }
        return 0;
    }
    for a in &p.args[1..] {
        let (k, v) = match a.split_once('=') {
            Some((k, v)) => (k.to_string(), Some(v.to_string())),
            None => (a.clone(), None),
        };
        if k.is_empty() || !k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') || k.as_bytes()[0].is_ascii_digit() {
            p.eprintln(format!("bash: export: `{a}': not a valid identifier"));
            return 1;
        }
        if let Some(v) = v {
            s.vars.insert(k.clone(), v);
        }
        if !s.exported.contains(&k) {
            s.exported.push(k);
        }
    }
    0
}

fn unset(s: &mut Session, p: &mut Proc) -> i32 {
    for a in &p.args[1..] {
        s.vars.remove(a);
        s.exported.retain(|k| k != a);
    }
    0
}

fn cd(s: &mut Session, p: &mut Proc) -> i32 {
    let target = p.args.get(1).cloned().unwrap_or_else(|| s.home.clone());
    let path = p.path(&target);
    if s.world.vfs.is_dir(&path) {
        s.cwd = path;
        0
    } else if s.world.vfs.exists(&path) {
        p.eprintln(format!("bash: cd: {target}: Not a directory"));
        1
    } else {
        p.eprintln(format!("bash: cd: {target}: No such file or directory"));
        1
    }
}

fn pwd(s: &mut Session, p: &mut Proc) -> i32 {
    p.println(s.cwd.clone());
    0
}

fn history(s: &mut Session, p: &mut Proc) -> i32 {
    let lines: Vec<String> = s.history.iter().enumerate().map(|(i, h)| format!("{:>5}  {h}", i + 1)).collect();
    for l in lines {
        p.println(l);
    }
    0
}

/// `echo [-n] [-e] args...`
fn echo(_: &mut Session, p: &mut Proc) -> i32 {
    let mut newline = true;
    let mut escapes = false;
    let mut i = 1;
    while let Some(a) = p.args.get(i) {
        match a.as_str() {
            "-n" => newline = false,
            "-e" => escapes = true,
            "-E" => escapes = false,
            "-ne" | "-en" => {
                newline = false;
                escapes = true
            }
            _ => break,
        }
        i += 1;
    }
    let mut text = p.args[i..].join(" ");
    if escapes {
        text = text.replace("\\n", "\n").replace("\\t", "\t");
    }
    if newline {
        text.push('\n');
    }
    p.print(text);
    0
}

/// `printenv [NAME]...`: the whole environment, or each named variable's value alone (status 1
/// when one of them is not set).
fn printenv(s: &mut Session, p: &mut Proc) -> i32 {
    if p.args.len() < 2 {
        return env(s, p);
    }
    let values: Vec<Option<String>> = p.args[1..].iter().map(|n| p.env.get(n).cloned()).collect();
    let mut status = 0;
    for v in values {
        match v {
            Some(v) => p.println(v),
            None => status = 1,
        }
    }
    status
}

/// `source FILE` (or `. FILE`): runs the file's commands in this shell, so its variables,
/// aliases and `cd` stay (`source ~/.bashrc` after adding `alias k=kubectl` to it). Each
/// command is read and run in turn, so an alias the file defines works on its later lines, as
/// in bash. Sourcing takes from the nesting budget `$(...)` uses: a file that sources itself
/// stops with an error instead of overflowing the stack.
fn source(s: &mut Session, p: &mut Proc) -> i32 {
    let name = p.args[0].clone();
    let Some(file) = p.args.get(1).cloned() else {
        p.eprintln(format!("bash: {name}: filename argument required\n{name}: usage: {name} filename [arguments]"));
        return 2;
    };
    let data = match s.world.read(&p.path(&file)) {
        Ok(d) if !s.world.vfs.is_dir(&p.path(&file)) => String::from_utf8_lossy(&d).into_owned(),
        Ok(_) => {
            p.eprintln(format!("bash: {file}: is a directory"));
            return 1;
        }
        Err(_) => {
            p.eprintln(format!("bash: {file}: No such file or directory"));
            return 1;
        }
    };
    if s.nesting + super::parse::SUBST_NESTING_COST > super::parse::MAX_NESTING {
        p.eprintln(format!("bash: {file}: sourced files nested too deep (the playground's limit)"));
        return 1;
    }
    s.nesting += super::parse::SUBST_NESTING_COST;
    let mut code = 0;
    let mut command = String::new();
    for line in data.lines() {
        // A trailing backslash joins the next line; other open commands (`for ... do`) keep
        // their newlines, as at the prompt.
        if let Some(joined) = line.strip_suffix('\\').filter(|_| !line.ends_with("\\\\")) {
            command.push_str(joined);
            continue;
        }
        command.push_str(line);
        if super::parse::parse_full(&command, None) == Err(super::parse::ParseError::Incomplete) {
            command.push('\n');
            continue;
        }
        let r = s.run_line(&std::mem::take(&mut command), None);
        p.out.extend(r.chunks);
        code = r.exit;
        s.last_exit = code;
        if s.flow.is_some() {
            break;
        }
    }
    if !command.is_empty() {
        // Where the end of the file came: the line after its last newline.
        p.eprintln(format!("bash: {file}: line {}: syntax error: unexpected end of file", data.matches('\n').count() + 1));
        code = 2;
    }
    s.nesting -= super::parse::SUBST_NESTING_COST;
    code
}

fn env(_: &mut Session, p: &mut Proc) -> i32 {
    let lines: Vec<String> = p.env.iter().map(|(k, v)| format!("{k}={v}")).collect();
    for l in lines {
        p.println(l);
    }
    0
}

/// `read [-r] [-p PROMPT] [NAME...]`: one line of the shell's stdin (the `< file` of a loop, or
/// the pipe into it), split at blanks into the names, the last one taking the rest; `REPLY`
/// without names. Without `-r`, a backslash escapes the next character and a trailing one
/// joins the next line. Status 1 at the end of the input (the names still get a last line
/// that has no newline).
fn read(s: &mut Session, p: &mut Proc) -> i32 {
    let mut raw = false;
    let mut names = Vec::new();
    let mut i = 1;
    while let Some(a) = p.args.get(i) {
        match a.as_str() {
            "-r" => raw = true,
            "-p" => i += 1,
            "--" => {
                names.extend(p.args[i + 1..].iter().cloned());
                break;
            }
            o if o.starts_with('-') && o.len() > 1 => {
                p.eprintln(format!("bash: read: {o}: invalid option\nread: usage: read [-ers] [-a array] [-d delim] [-i text] [-n nchars] [-N nchars] [-p prompt] [-t timeout] [-u fd] [name ...]"));
                return 2;
            }
            _ => names.push(a.clone()),
        }
        i += 1;
    }
    for n in &names {
        if !n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') || n.is_empty() || n.as_bytes()[0].is_ascii_digit() {
            p.eprintln(format!("bash: read: `{n}': not a valid identifier"));
            return 1;
        }
    }
    // The bytes to read from, and how far earlier reads got.
    let (data, pos): (&[u8], usize) = if s.read_inherited {
        match s.inputs.last() {
            Some((d, pos)) => (d, *pos),
            None => (&[], 0),
        }
    } else {
        (&p.stdin, 0)
    };
    let avail = data.get(pos..).unwrap_or_default();
    let mut bytes = Vec::new();
    let mut j = 0;
    let mut got_newline = false;
    while j < avail.len() {
        match avail[j] {
            b'\n' => {
                got_newline = true;
                j += 1;
                break;
            }
            b'\\' if !raw && j + 1 < avail.len() => {
                if avail[j + 1] != b'\n' {
                    bytes.push(0);
                    bytes.push(avail[j + 1]);
                }
                j += 2;
            }
            b => {
                bytes.push(b);
                j += 1;
            }
        }
    }
    let consumed = j;
    let k = pos + j;
    let line = String::from_utf8_lossy(&bytes).into_owned();
    let at_end = !got_newline && line.is_empty() && consumed == 0;
    if s.read_inherited {
        if let Some((_, pos)) = s.inputs.last_mut() {
            *pos = k;
        }
    }
    if at_end {
        for n in &names {
            s.vars.insert(n.clone(), String::new());
        }
        if names.is_empty() {
            s.vars.insert("REPLY".into(), String::new());
        }
        return 1;
    }
    // `\0` marks an escaped character: it neither splits nor is trimmed.
    let unmark = |t: &str| t.replace('\u{0}', "");
    if names.is_empty() {
        s.vars.insert("REPLY".into(), unmark(&line));
    } else {
        // Field splitting at the characters of IFS (`IFS=: read a b`), blanks collapsing.
        let ifs: String = p.env.get("IFS").or_else(|| s.vars.get("IFS")).cloned().unwrap_or_else(|| " \t\n".to_string());
        let mut cs: Vec<(char, bool)> = Vec::new();
        let mut it = line.chars();
        while let Some(c) = it.next() {
            if c == '\u{0}' {
                if let Some(n) = it.next() {
                    cs.push((n, true));
                }
            } else {
                cs.push((c, false));
            }
        }
        let is_sep = |&(c, esc): &(char, bool)| !esc && ifs.contains(c);
        let is_ws = |x: &(char, bool)| is_sep(x) && matches!(x.0, ' ' | '\t' | '\n');
        let text = |v: &[(char, bool)]| v.iter().map(|(c, _)| *c).collect::<String>();
        let mut pos = 0;
        while pos < cs.len() && is_ws(&cs[pos]) {
            pos += 1;
        }
        for (n_i, n) in names.iter().enumerate() {
            if n_i + 1 == names.len() {
                // The last name: the rest, without trailing blanks.
                let mut end = cs.len();
                while end > pos && is_ws(&cs[end - 1]) {
                    end -= 1;
                }
                s.vars.insert(n.clone(), text(&cs[pos..end]));
                break;
            }
            let start = pos;
            while pos < cs.len() && !is_sep(&cs[pos]) {
                pos += 1;
            }
            s.vars.insert(n.clone(), text(&cs[start..pos]));
            while pos < cs.len() && is_ws(&cs[pos]) {
                pos += 1;
            }
            if pos < cs.len() && is_sep(&cs[pos]) && !is_ws(&cs[pos]) {
                pos += 1;
                while pos < cs.len() && is_ws(&cs[pos]) {
                    pos += 1;
                }
            }
        }
    }
    i32::from(!got_newline)
}

/// `break [N]` and `continue [N]`. A bad N is reported and, as bash does, leaves every loop.
fn loop_control(s: &mut Session, p: &mut Proc, brk: bool) -> i32 {
    let name = if brk { "break" } else { "continue" };
    let n = match p.args.get(1) {
        None => Ok(1),
        Some(a) => match a.parse::<i64>() {
            Ok(n) if n >= 1 => Ok(n.min(u32::MAX as i64) as u32),
            Ok(_) => Err(format!("bash: {name}: {a}: loop count out of range")),
            Err(_) => Err(format!("bash: {name}: {a}: numeric argument required")),
        },
    };
    if let Err(e) = &n {
        p.eprintln(e);
        if s.loop_depth > 0 {
            s.flow = Some(super::Flow::Break(s.loop_depth as u32));
        }
        return 1;
    }
    if s.loop_depth == 0 {
        p.eprintln(format!("bash: {name}: only meaningful in a `for', `while', or `until' loop"));
        return 0;
    }
    let n = n.unwrap_or(1).min(s.loop_depth as u32);
    s.flow = Some(if brk { super::Flow::Break(n) } else { super::Flow::Continue(n) });
    0
}

/// `exit [N]`: ends the shell with status N (`$?` without N), modulo 256.
fn exit(s: &mut Session, p: &mut Proc) -> i32 {
    let code = match p.args.get(1) {
        None => s.last_exit,
        Some(_) if p.args.len() > 2 => {
            p.eprintln("bash: exit: too many arguments");
            return 1;
        }
        Some(a) => match a.trim().parse::<i64>() {
            Ok(n) => (n & 0xff) as i32,
            Err(_) => {
                p.eprintln(format!("bash: exit: {a}: numeric argument required"));
                2
            }
        },
    };
    s.flow = Some(super::Flow::Exit(code));
    code
}
