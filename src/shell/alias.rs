//! Aliases (`alias k=kubectl`, as every CKA candidate types first) and `type`, which names what a
//! word runs: an alias, a keyword, a builtin or a file.
//!
//! bash expands aliases when it reads a line, before any of it runs: `alias e=echo; e hi` on one
//! line says `e: command not found`, and the next line finds the alias. [`expand`] runs on each
//! parsed line, so the playground does the same. The first word of a simple command (after its
//! assignments) is replaced by the alias's text and the command read again; an alias is not
//! expanded inside its own expansion (`alias ls='ls -l'`), and one whose text ends in a blank
//! lets the next word be an alias too (`alias sudo='sudo '`).
//!
//! ```text
//! $ alias k=kubectl
//! $ type k
//! k is aliased to `kubectl'
//! ```

use super::parse::{self, Command, CommandList, Compound, SimpleCommand};
use super::Session;
use crate::process::Proc;
use crate::sorted_map::SortedMap;

/// bash 5.2's builtins (`compgen -b`): `type` calls these `a shell builtin` whether or not the
/// playground runs them inside the shell.
const BASH_BUILTINS: &[&str] = &[
    ".", ":", "[", "alias", "bg", "bind", "break", "builtin", "caller", "cd", "command", "compgen", "complete", "compopt", "continue", "declare", "dirs", "disown", "echo", "enable", "eval", "exec", "exit", "export", "false", "fc", "fg", "getopts", "hash", "help", "history", "jobs", "kill", "let", "local", "logout", "mapfile", "popd", "printf", "pushd", "pwd", "read", "readarray", "readonly", "return", "set", "shift", "shopt", "source", "suspend", "test", "times", "trap", "true", "type", "typeset", "ulimit", "umask", "unalias", "unset", "wait",
];

/// bash's reserved words (`compgen -k`).
const BASH_KEYWORDS: &[&str] = &["if", "then", "else", "elif", "fi", "case", "esac", "for", "select", "while", "until", "do", "done", "in", "function", "time", "{", "}", "!", "[[", "]]", "coproc"];

/// A word bash accepts as an alias name: none of `/ $ \` = ` nor quotes, blanks or the
/// shell's metacharacters.
fn valid_name(name: &str) -> bool {
    !name.is_empty() && !name.chars().any(|c| c.is_whitespace() || "/$`='\"\\|&;()<>".contains(c))
}

/// bash's quoting of an alias's text in `alias` listings: single quotes, `'\''` for a quote.
fn quoted(value: &str) -> String {
    format!("'{}'", value.replace('\'', "'\\''"))
}

/// `alias [NAME[=VALUE] ...]`: defines, or prints `alias NAME='VALUE'` (all of them, sorted,
/// without arguments).
pub fn alias(s: &mut Session, p: &mut Proc) -> i32 {
    let args: Vec<String> = p.args[1..].iter().filter(|a| a.as_str() != "-p").cloned().collect();
    if args.is_empty() {
        let lines: Vec<String> = s.aliases.iter().map(|(k, v)| format!("alias {k}={}", quoted(v))).collect();
        for l in lines {
            p.println(l);
        }
        return 0;
    }
    let mut code = 0;
    for a in args {
        match a.split_once('=') {
            Some((name, value)) if !name.is_empty() => {
                if valid_name(name) {
                    s.aliases.insert(name.to_string(), value.to_string());
                } else {
                    p.eprintln(format!("bash: alias: `{name}': invalid alias name"));
                    code = 1;
                }
            }
            _ => match s.aliases.get(&a) {
                Some(v) => p.println(format!("alias {a}={}", quoted(v))),
                None => {
                    p.eprintln(format!("bash: alias: {a}: not found"));
                    code = 1;
                }
            },
        }
    }
    code
}

/// `unalias [-a] NAME...`.
pub fn unalias(s: &mut Session, p: &mut Proc) -> i32 {
    if p.args.len() < 2 {
        p.eprintln("bash: unalias: usage: unalias [-a] name [name ...]");
        return 2;
    }
    let mut code = 0;
    for a in p.args[1..].to_vec() {
        if a == "-a" {
            s.aliases = SortedMap::new();
        } else if s.aliases.remove(&a).is_none() {
            p.eprintln(format!("bash: unalias: {a}: not found"));
            code = 1;
        }
    }
    code
}

/// `type [-t] NAME...`: what each name runs. A program the shell has run before is `hashed`,
/// as bash remembers where it found it.
pub fn type_of(s: &mut Session, p: &mut Proc) -> i32 {
    let (opts, names): (Vec<String>, Vec<String>) = p.args[1..].iter().cloned().partition(|a| a.starts_with('-') && a.len() > 1);
    if let Some(bad) = opts.iter().flat_map(|o| o[1..].chars()).find(|c| !"tafpP".contains(*c)) {
        p.eprintln(format!("bash: type: -{bad}: invalid option\ntype: usage: type [-afptP] name [name ...]"));
        return 2;
    }
    let terse = opts.iter().any(|o| o.contains('t'));
    let mut code = 0;
    for name in names {
        let (kind, long) = if let Some(v) = s.aliases.get(&name) {
            ("alias", format!("{name} is aliased to `{v}'"))
        } else if BASH_KEYWORDS.contains(&name.as_str()) {
            ("keyword", format!("{name} is a shell keyword"))
        } else if BASH_BUILTINS.contains(&name.as_str()) {
            ("builtin", format!("{name} is a shell builtin"))
        } else if let Some(path) = s.hashed.get(&name) {
            ("file", format!("{name} is hashed ({path})"))
        } else if let Some(path) = crate::commands::which::locate(&s.world, p.env.get("PATH").map(String::as_str), &p.cwd, &name) {
            ("file", format!("{name} is {path}"))
        } else {
            if !terse {
                p.eprintln(format!("bash: type: {name}: not found"));
            }
            code = 1;
            continue;
        };
        p.println(if terse { kind.to_string() } else { long });
    }
    code
}

/// Expands aliases in a parsed line (see the module doc).
pub fn expand(list: &mut CommandList, aliases: &SortedMap<String, String>) {
    if aliases.is_empty() {
        return;
    }
    expand_list(list, aliases, &[]);
}

fn expand_list(list: &mut CommandList, aliases: &SortedMap<String, String>, seen: &[String]) {
    for (pipeline, _) in &mut list.items {
        for cmd in &mut pipeline.cmds {
            match cmd {
                Command::Simple(simple) => {
                    if let Some(new) = expand_simple(simple, aliases, seen) {
                        *cmd = new;
                    }
                }
                Command::Compound(c, _, _) => match &mut **c {
                    Compound::For { body, .. } => expand_list(body, aliases, seen),
                    Compound::While { cond, body, .. } => {
                        expand_list(cond, aliases, seen);
                        expand_list(body, aliases, seen);
                    }
                    Compound::If { branches, otherwise } => {
                        for (c, b) in branches {
                            expand_list(c, aliases, seen);
                            expand_list(b, aliases, seen);
                        }
                        if let Some(o) = otherwise {
                            expand_list(o, aliases, seen);
                        }
                    }
                    Compound::Group(l) => expand_list(l, aliases, seen),
                },
            }
        }
    }
}

/// The command an aliased simple command becomes, or `None` when its first word is no alias.
fn expand_simple(cmd: &SimpleCommand, aliases: &SortedMap<String, String>, seen: &[String]) -> Option<Command> {
    let first = cmd.words.first()?;
    if seen.contains(first) {
        return None;
    }
    let value = aliases.get(first)?;
    let mut rest: Vec<String> = cmd.words[1..].to_vec();
    // A text ending in a blank: the next word is checked for an alias too (one level).
    if value.ends_with([' ', '\t']) {
        if let Some(next) = rest.first_mut() {
            if let Some(v) = aliases.get(next.as_str()).filter(|_| !seen.contains(next) && next != first) {
                *next = v.clone();
            }
        }
    }
    let text = std::iter::once(value.clone()).chain(rest).collect::<Vec<_>>().join(" ");
    let mut list = parse::parse(&text, cmd.heredoc.as_deref()).ok()?;
    let mut seen = seen.to_vec();
    seen.push(first.clone());
    expand_list(&mut list, aliases, &seen);
    // The usual case, an alias for a command and its options: one simple command again, which
    // keeps the assignments and redirects written around the alias.
    if let [(pipeline, parse::Connector::Always)] = list.items.as_slice() {
        if let [Command::Simple(inner)] = pipeline.cmds.as_slice() {
            if !pipeline.negate {
                let mut merged = inner.clone();
                merged.assigns = cmd.assigns.iter().chain(&inner.assigns).cloned().collect();
                merged.redirects = inner.redirects.iter().chain(&cmd.redirects).cloned().collect();
                merged.heredoc = cmd.heredoc.clone().or(merged.heredoc);
                return Some(Command::Simple(merged));
            }
        }
    }
    // A pipeline or a list: run as a group, with the redirects written after the alias.
    Some(Command::Compound(Box::new(Compound::Group(list)), cmd.redirects.clone(), cmd.heredoc.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_bash_refuses() {
        assert!(valid_name("k"));
        assert!(valid_name("kgp"));
        assert!(valid_name("ll."));
        assert!(!valid_name("bad name"));
        assert!(!valid_name("a/b"));
        assert!(!valid_name(""));
    }

    #[test]
    fn quoting_as_bash_lists_it() {
        assert_eq!(quoted("echo 'x y'"), "'echo '\\''x y'\\'''");
    }
}
