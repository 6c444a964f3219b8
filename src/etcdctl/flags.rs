//! Flag parsing as etcdctl does it with cobra and pflag: flags before or after the command,
//! `--flag=value` and `--flag value`, bool flags (`--prefix`, `--prefix=false`), shorthands
//! (`-w json`, `-wjson`), `--` ending the flags, and pflag's exact error texts.
//!
//! The flag table of each command is read from its real `--help` text (captured from etcdctl
//! 3.4.23 into `help/*.txt`): a line `      --limit=0\t\tMaximum number of results` declares an
//! integer flag `limit`, `--prefix[=false]` a bool flag, `--lease="0"` a string flag.
//!
//! ```
//! use etcd_playground::etcdctl::flags::{parse, Value};
//! let a: Vec<String> = ["--prefix", "k", "--limit=2", "-w", "json"].iter().map(|s| s.to_string()).collect();
//! let p = parse("get", &a).unwrap();
//! assert_eq!(p.positionals, ["k"]);
//! assert!(p.bool("prefix"));
//! assert_eq!(p.int("limit"), 2);
//! assert_eq!(p.get("write-out"), Some(&Value::Str("json".into())));
//! assert_eq!(parse("get", &["--nope".to_string()]).unwrap_err(), "unknown flag: --nope");
//! ```

use super::help;
use crate::gofmt;
use crate::sorted_map::SortedMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Bool,
    Str,
    Int,
    Duration,
    /// `--endpoints=[127.0.0.1:2379]`: a string slice (comma separated).
    StrSlice,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spec {
    pub long: String,
    pub short: Option<char>,
    pub kind: Kind,
    /// The default as the help text shows it (without quotes).
    pub default: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Bool(bool),
    Str(String),
    Int(i64),
    /// Milliseconds.
    Duration(u64),
    StrSlice(Vec<String>),
}

/// The result of parsing one command line: flags that were set, and the positional arguments.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Parsed {
    pub set: SortedMap<String, Value>,
    pub positionals: Vec<String>,
}

impl Parsed {
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.set.get(name)
    }
    pub fn bool(&self, name: &str) -> bool {
        matches!(self.set.get(name), Some(Value::Bool(true)))
    }
    pub fn int(&self, name: &str) -> i64 {
        match self.set.get(name) {
            Some(Value::Int(i)) => *i,
            _ => 0,
        }
    }
    pub fn str(&self, name: &str) -> Option<String> {
        match self.set.get(name) {
            Some(Value::Str(s)) => Some(s.clone()),
            _ => None,
        }
    }
    pub fn has(&self, name: &str) -> bool {
        self.set.contains_key(name)
    }
}

/// Reads the flag table out of an `OPTIONS:` section of a help text.
pub fn specs_from_help(text: &str) -> Vec<Spec> {
    let mut out = Vec::new();
    let mut in_opts = false;
    for line in text.lines() {
        if line == "OPTIONS:" || line == "GLOBAL OPTIONS:" {
            in_opts = true;
            continue;
        }
        if !line.starts_with("  ") {
            in_opts = false;
        }
        if !in_opts {
            continue;
        }
        let decl = line.trim_start().split('\t').next().unwrap_or("");
        let (short, rest) = match decl.strip_prefix('-') {
            Some(r) if !r.starts_with('-') => {
                let c = r.chars().next();
                (c, r.split_once(", ").map(|x| x.1).unwrap_or(""))
            }
            _ => (None, decl),
        };
        let Some(rest) = rest.strip_prefix("--") else { continue };
        let (long, kind, default) = if let Some((n, d)) = rest.split_once("[=") {
            (n, Kind::Bool, d.trim_end_matches(']').to_string())
        } else if let Some((n, d)) = rest.split_once('=') {
            let kind = if d.starts_with('"') {
                Kind::Str
            } else if d.starts_with('[') {
                Kind::StrSlice
            } else if d.ends_with('s') || d.ends_with('m') || d.ends_with('h') {
                Kind::Duration
            } else {
                Kind::Int
            };
            (n, kind, d.trim_matches('"').to_string())
        } else {
            continue;
        };
        out.push(Spec { long: long.to_string(), short, kind, default });
    }
    out
}

/// Every flag a command accepts: its own plus etcdctl's global (persistent) flags.
pub fn specs_for(command: &str) -> Vec<Spec> {
    let mut s = specs_from_help(help::local(command).unwrap_or(""));
    s.extend(global_specs());
    if !s.iter().any(|f| f.long == "help") {
        s.push(Spec { long: "help".into(), short: Some('h'), kind: Kind::Bool, default: "false".into() });
    }
    s
}

/// etcdctl's global (persistent) flags.
pub fn global_specs() -> Vec<Spec> {
    specs_from_help(&format!("GLOBAL OPTIONS:\n{}", help::GLOBAL_OPTIONS))
}

fn parse_bool(s: &str) -> Option<bool> {
    // Go's strconv.ParseBool.
    match s {
        "1" | "t" | "T" | "true" | "TRUE" | "True" => Some(true),
        "0" | "f" | "F" | "false" | "FALSE" | "False" => Some(false),
        _ => None,
    }
}

fn convert(spec: &Spec, raw: &str, shown: &str) -> Result<Value, String> {
    let bad = |e: String| format!("invalid argument {} for {} flag: {e}", gofmt::quote(raw), gofmt::quote(shown));
    Ok(match spec.kind {
        Kind::Bool => Value::Bool(parse_bool(raw).ok_or_else(|| bad(format!("strconv.ParseBool: parsing {}: invalid syntax", gofmt::quote(raw))))?),
        Kind::Str => Value::Str(raw.to_string()),
        Kind::Int => Value::Int(gofmt::parse_int(raw).map_err(bad)?),
        Kind::Duration => Value::Duration(gofmt::parse_duration(raw).map_err(bad)?),
        Kind::StrSlice => Value::StrSlice(if raw.is_empty() { Vec::new() } else { raw.split(',').map(str::to_string).collect() }),
    })
}

fn shown_name(spec: &Spec) -> String {
    match spec.short {
        Some(c) => format!("-{c}, --{}", spec.long),
        None => format!("--{}", spec.long),
    }
}

fn set_value(out: &mut Parsed, spec: &Spec, v: Value) {
    // A string slice flag given twice appends, as pflag does.
    if let (Value::StrSlice(new), Some(Value::StrSlice(old))) = (&v, out.set.get_mut(&spec.long)) {
        old.extend(new.iter().cloned());
        return;
    }
    out.set.insert(spec.long.clone(), v);
}

/// Parses `args` (everything after the command words) against the flags of `command`
/// (e.g. `"get"`, `"lease grant"`, `""` for the bare root). Errors are pflag's messages.
pub fn parse(command: &str, args: &[String]) -> Result<Parsed, String> {
    parse_with(&specs_for(command), args)
}

/// [`parse`] for a given client version: etcdctl 3.5's flags come from its own help texts
/// ([`help::local_v`]: `get --count-only`, `watch --progress-notify`, ...).
pub fn parse_v(command: &str, args: &[String], is_3_5: bool) -> Result<Parsed, String> {
    if !is_3_5 {
        return parse_with(&specs_for(command), args);
    }
    let mut specs = specs_from_help(help::local_v(command, true).unwrap_or(""));
    specs.extend(global_specs());
    if !specs.iter().any(|f| f.long == "help") {
        specs.push(Spec { long: "help".into(), short: Some('h'), kind: Kind::Bool, default: "false".into() });
    }
    parse_with(&specs, args)
}

pub fn parse_with(specs: &[Spec], args: &[String]) -> Result<Parsed, String> {
    let mut out = Parsed::default();
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        i += 1;
        if a == "--" {
            out.positionals.extend(args[i..].iter().cloned());
            break;
        }
        if let Some(body) = a.strip_prefix("--") {
            let (name, inline) = match body.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (body, None),
            };
            if name.is_empty() || name.starts_with('-') || name.starts_with('=') {
                return Err(format!("bad flag syntax: {a}"));
            }
            let Some(spec) = specs.iter().find(|s| s.long == name) else {
                return Err(format!("unknown flag: --{name}"));
            };
            let raw = match (inline, spec.kind) {
                (Some(v), _) => v,
                (None, Kind::Bool) => "true".to_string(),
                (None, _) => match args.get(i) {
                    Some(v) => {
                        i += 1;
                        v.clone()
                    }
                    None => return Err(format!("flag needs an argument: --{name}")),
                },
            };
            let v = convert(spec, &raw, &format!("--{name}"))?;
            set_value(&mut out, spec, v);
        } else if a.len() > 1 && a.starts_with('-') {
            // Shorthands: `-w json`, `-wjson`, `-w=json`, `-h`.
            let chars: Vec<char> = a[1..].chars().collect();
            let mut j = 0;
            while j < chars.len() {
                let c = chars[j];
                let Some(spec) = specs.iter().find(|s| s.short == Some(c)) else {
                    return Err(format!("unknown shorthand flag: '{c}' in {a}"));
                };
                let rest: String = chars[j + 1..].iter().collect();
                if spec.kind == Kind::Bool {
                    let raw = match rest.strip_prefix('=') {
                        Some(v) => {
                            j = chars.len();
                            v.to_string()
                        }
                        None => "true".to_string(),
                    };
                    let v = convert(spec, &raw, &shown_name(spec))?;
                    set_value(&mut out, spec, v);
                    j += 1;
                    continue;
                }
                let raw = if !rest.is_empty() {
                    rest.strip_prefix('=').unwrap_or(&rest).to_string()
                } else {
                    match args.get(i) {
                        Some(v) => {
                            i += 1;
                            v.clone()
                        }
                        None => return Err(format!("flag needs an argument: '{c}' in {a}")),
                    }
                };
                let v = convert(spec, &raw, &shown_name(spec))?;
                set_value(&mut out, spec, v);
                break;
            }
        } else {
            out.positionals.push(a.clone());
        }
    }
    Ok(out)
}

/// cobra's `stripFlags`: the words of `args` that are not flags or flag values, used to find
/// which (sub)command was typed. A flag it does not know as bool is assumed to take the next
/// word as its value, so `etcdctl --foo get k1` looks for a command named `k1`, as the real
/// one does.
pub fn strip_flags(args: &[String], specs: &[Spec]) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut i = 0;
    let is_bool = |name: &str, short: bool| specs.iter().any(|s| s.kind == Kind::Bool && if short { s.short.map(|c| c.to_string()).as_deref() == Some(name) } else { s.long == name });
    while i < args.len() {
        let a = &args[i];
        i += 1;
        if a == "--" {
            break;
        }
        if let Some(body) = a.strip_prefix("--") {
            if !body.contains('=') && !is_bool(body, false) {
                i += 1;
            }
        } else if a.starts_with('-') && a.len() > 1 {
            if a.len() == 2 && !is_bool(&a[1..], true) {
                i += 1;
            }
        } else {
            out.push((i - 1, a.clone()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn pflag_errors_match_the_real_texts() {
        assert_eq!(parse("get", &v(&["--limit", "abc"])).unwrap_err(), "invalid argument \"abc\" for \"--limit\" flag: strconv.ParseInt: parsing \"abc\": invalid syntax");
        assert_eq!(parse("get", &v(&["--prefix=foo"])).unwrap_err(), "invalid argument \"foo\" for \"--prefix\" flag: strconv.ParseBool: parsing \"foo\": invalid syntax");
        assert_eq!(parse("get", &v(&["-x"])).unwrap_err(), "unknown shorthand flag: 'x' in -x");
        assert_eq!(parse("", &v(&["-w"])).unwrap_err(), "flag needs an argument: 'w' in -w");
        assert_eq!(parse("get", &v(&["k", "--endpoints"])).unwrap_err(), "flag needs an argument: --endpoints");
        assert_eq!(parse("get", &v(&["--dial-timeout=abc"])).unwrap_err(), "invalid argument \"abc\" for \"--dial-timeout\" flag: time: invalid duration \"abc\"");
    }

    #[test]
    fn flags_anywhere_and_double_dash() {
        let p = parse("put", &v(&["k", "--prev-kv", "--", "-v"])).unwrap();
        assert_eq!(p.positionals, v(&["k", "-v"]));
        assert!(p.bool("prev-kv"));
        let p = parse("get", &v(&["-wjson", "--endpoints=a,b", "--endpoints", "c"])).unwrap();
        assert_eq!(p.get("endpoints"), Some(&Value::StrSlice(v(&["a", "b", "c"]))));
        assert_eq!(p.str("write-out").as_deref(), Some("json"));
    }

    #[test]
    fn specs_come_from_the_help_texts() {
        let s = specs_for("get");
        let find = |n: &str| s.iter().find(|x| x.long == n).cloned().unwrap();
        assert_eq!(find("limit").kind, Kind::Int);
        assert_eq!(find("prefix").kind, Kind::Bool);
        assert_eq!(find("write-out").short, Some('w'));
        assert_eq!(find("dial-timeout").kind, Kind::Duration);
        assert_eq!(find("endpoints").kind, Kind::StrSlice);
        assert_eq!(find("consistency").kind, Kind::Str);
    }
}
