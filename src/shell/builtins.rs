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
        "env" | "printenv" => env,
        "true" | ":" => |_, _| 0,
        "false" => |_, _| 1,
        "jobs" => super::jobctl::jobs,
        "fg" => super::jobctl::fg,
        "kill" => super::jobctl::kill,
        "sleep" => super::jobctl::sleep,
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

fn env(_: &mut Session, p: &mut Proc) -> i32 {
    let lines: Vec<String> = p.env.iter().map(|(k, v)| format!("{k}={v}")).collect();
    for l in lines {
        p.println(l);
    }
    0
}
