//! The lesson file format (TOML) and its validation, with messages that point at file:line.
//!
//! The file is read by [`toml_lite`] into a tree of values that know their line; this module
//! walks that tree, so a missing translation is reported as "step 2 lacks a pt text for
//! `hint 1`" at the right line, and an unknown key (a typo) is an error too.

use super::check::{Check, CheckKind};
use super::toml_lite::{self, Node, Value};
use super::{Lesson, Step, Text};

/// One problem found in a lesson file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LessonIssue {
    pub line: usize,
    pub message: String,
}

/// Every problem found in one lesson file; displays as `file:line: message`, one per line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LessonError {
    pub file: String,
    pub issues: Vec<LessonIssue>,
}

impl std::fmt::Display for LessonError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, is) in self.issues.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{}:{}: {}", self.file, is.line, is.message)?;
        }
        Ok(())
    }
}

impl std::error::Error for LessonError {}

/// Every check kind a lesson may use, as written in `kind = "..."`.
pub const CHECK_KINDS: &[&str] =
    &["key", "key_leased", "key_absent", "key_never_written", "key_from_snapshot", "keys_with_prefix", "revision_at_least", "etcd_running", "file_exists", "file_contains", "env_var", "output_matches", "exit_status", "pod", "pod_absent", "snapshot", "restored_member", "command_succeeds", "ran", "members_running", "leader", "no_leader", "key_names_leader"];

type Table = [(String, Node)];

struct Ctx {
    issues: Vec<LessonIssue>,
}

impl Ctx {
    fn err(&mut self, line: usize, message: String) {
        self.issues.push(LessonIssue { line, message });
    }

    /// Reports keys not in `allowed` (likely typos).
    fn unknown(&mut self, t: &Table, allowed: &[&str], whose: &str) {
        for (k, n) in t {
            if !allowed.contains(&k.as_str()) {
                self.err(n.line, format!("{whose} has an unknown key `{k}` (expected one of: {})", allowed.join(", ")));
            }
        }
    }

    fn str(&mut self, t: &Table, key: &str, whose: &str) -> Option<String> {
        match get(t, key) {
            None => None,
            Some(Node { value: Value::Str(s), .. }) => Some(s.clone()),
            Some(n) => {
                self.err(n.line, format!("{whose}: `{key}` must be a string, not {}", n.value.type_name()));
                None
            }
        }
    }

    fn int(&mut self, t: &Table, key: &str, whose: &str) -> Option<i64> {
        match get(t, key) {
            None => None,
            Some(Node { value: Value::Int(i), .. }) => Some(*i),
            Some(n) => {
                self.err(n.line, format!("{whose}: `{key}` must be an integer, not {}", n.value.type_name()));
                None
            }
        }
    }

    fn bool(&mut self, t: &Table, key: &str, whose: &str) -> Option<bool> {
        match get(t, key) {
            None => None,
            Some(Node { value: Value::Bool(b), .. }) => Some(*b),
            Some(n) => {
                self.err(n.line, format!("{whose}: `{key}` must be true or false, not {}", n.value.type_name()));
                None
            }
        }
    }

    fn strings(&mut self, t: &Table, key: &str, whose: &str) -> Vec<String> {
        match get(t, key) {
            None => Vec::new(),
            Some(Node { value: Value::Array(items), .. }) => items
                .iter()
                .filter_map(|n| match &n.value {
                    Value::Str(s) => Some(s.clone()),
                    other => {
                        self.err(n.line, format!("{whose}: `{key}` must hold strings, not {}", other.type_name()));
                        None
                    }
                })
                .collect(),
            Some(n) => {
                self.err(n.line, format!("{whose}: `{key}` must be an array of strings, not {}", n.value.type_name()));
                Vec::new()
            }
        }
    }

    /// Both languages present and non-empty; `what` names the text, `whose` its owner.
    fn text(&mut self, node: Option<&Node>, at: usize, whose: &str, what: &str) -> Text {
        let Some(node) = node else {
            self.err(at, format!("{whose} lacks `{what}` (a text with `en` and `pt`)"));
            return Text::default();
        };
        let Value::Table(t) = &node.value else {
            self.err(node.line, format!("{whose}: `{what}` must be a table with `en` and `pt`, not {}", node.value.type_name()));
            return Text::default();
        };
        self.unknown(t, &["en", "pt"], &format!("{whose} `{what}`"));
        let mut out = Text::default();
        for lang in ["en", "pt"] {
            let v = self.str(t, lang, whose);
            let line = get(t, lang).map_or(node.line, |n| n.line);
            match v {
                Some(s) if !s.trim().is_empty() => *(if lang == "en" { &mut out.en } else { &mut out.pt }) = s,
                Some(_) => self.err(line, format!("{whose} has an empty {lang} text for `{what}`")),
                None if get(t, lang).is_none() => self.err(node.line, format!("{whose} lacks a {lang} text for `{what}`")),
                None => {}
            }
        }
        out
    }

    /// An array of tables (`[[steps]]`); anything else is reported.
    fn tables<'t>(&mut self, t: &'t Table, key: &str, whose: &str) -> Vec<(&'t Table, usize)> {
        match get(t, key) {
            None => Vec::new(),
            Some(Node { value: Value::Array(items), .. }) => items
                .iter()
                .filter_map(|n| match &n.value {
                    Value::Table(t) => Some((t.as_slice(), n.line)),
                    other => {
                        self.err(n.line, format!("{whose}: `{key}` must hold tables, not {}", other.type_name()));
                        None
                    }
                })
                .collect(),
            Some(n) => {
                self.err(n.line, format!("{whose}: `{key}` must be an array of tables ([[{key}]]), not {}", n.value.type_name()));
                Vec::new()
            }
        }
    }
}

fn get<'t>(t: &'t Table, key: &str) -> Option<&'t Node> {
    t.iter().find(|(k, _)| k == key).map(|(_, n)| n)
}

fn is_id(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

pub(super) fn parse(src: &str, file: &str) -> Result<Lesson, LessonError> {
    let root = toml_lite::parse(src).map_err(|e| LessonError { file: file.to_string(), issues: vec![LessonIssue { line: e.line, message: e.message }] })?;
    let last_line = src.lines().count().max(1);
    let mut cx = Ctx { issues: Vec::new() };
    cx.unknown(&root, &["id", "scenario", "setup", "title", "summary", "time_limit_minutes", "mode", "minutes", "vars", "steps"], "the lesson");
    let id_line = get(&root, "id").map_or(1, |n| n.line);
    let id = match cx.str(&root, "id", "the lesson") {
        Some(v) => {
            if !is_id(&v) {
                cx.err(id_line, format!("lesson id `{v}` must be lowercase letters, digits, `-` or `_`"));
            }
            v
        }
        None => {
            if get(&root, "id").is_none() {
                cx.err(1, "the lesson lacks `id`".into());
            }
            String::new()
        }
    };
    let scenario = match cx.str(&root, "scenario", "the lesson") {
        Some(v) => {
            if !crate::cluster::scenario::SCENARIOS.contains(&v.as_str()) {
                let line = get(&root, "scenario").map_or(1, |n| n.line);
                cx.err(line, format!("unknown scenario `{v}` (known: {})", crate::cluster::scenario::SCENARIOS.join(", ")));
            }
            v
        }
        None => {
            if get(&root, "scenario").is_none() {
                cx.err(1, "the lesson lacks `scenario`".into());
            }
            String::new()
        }
    };
    let setup = cx.strings(&root, "setup", "the lesson");
    let time_limit_minutes = match cx.int(&root, "time_limit_minutes", "the lesson") {
        None => None,
        Some(m) if (1..=600).contains(&m) => Some(m as u32),
        Some(m) => {
            cx.err(get(&root, "time_limit_minutes").map_or(1, |n| n.line), format!("time_limit_minutes must be between 1 and 600, not {m}"));
            None
        }
    };
    let (exam, minutes) = mode(&mut cx, &root);
    let time_limit_minutes = time_limit_minutes.or(minutes);
    let vars = vars(&mut cx, &root, src);
    let title = cx.text(get(&root, "title"), 1, "the lesson", "title");
    let summary = cx.text(get(&root, "summary"), 1, "the lesson", "summary");
    let raw_steps = cx.tables(&root, "steps", "the lesson");
    if raw_steps.is_empty() && get(&root, "steps").is_none() {
        cx.err(last_line, "the lesson has no `[[steps]]`".into());
    }
    let mut steps = Vec::new();
    for (i, (st, at)) in raw_steps.into_iter().enumerate() {
        let n = i + 1;
        let whose = format!("step {n}");
        cx.unknown(st, &["id", "scenario", "setup", "title", "instructions", "hints", "solution", "checks", "alternatives", "negatives"], &whose);
        let id = match cx.str(st, "id", &whose) {
            Some(v) => {
                if !is_id(&v) {
                    cx.err(at, format!("step {n} id `{v}` must be lowercase letters, digits, `-` or `_`"));
                }
                v
            }
            None => {
                if get(st, "id").is_none() {
                    cx.err(at, format!("step {n} lacks `id`"));
                }
                String::new()
            }
        };
        if !id.is_empty() && steps.iter().any(|s: &Step| s.id == id) {
            cx.err(at, format!("step {n} repeats the step id `{id}`"));
        }
        let scenario = cx.str(st, "scenario", &whose);
        if let Some(v) = &scenario {
            if !crate::cluster::scenario::SCENARIOS.contains(&v.as_str()) {
                let line = get(st, "scenario").map_or(at, |n| n.line);
                cx.err(line, format!("{whose}: unknown scenario `{v}` (known: {})", crate::cluster::scenario::SCENARIOS.join(", ")));
            }
        }
        let setup = cx.strings(st, "setup", &whose);
        let setup_lines = match get(st, "setup") {
            Some(Node { value: Value::Array(items), .. }) => items.iter().filter(|n| matches!(n.value, Value::Str(_))).map(|n| n.line).collect(),
            _ => Vec::new(),
        };
        let title = cx.text(get(st, "title"), at, &whose, "title");
        let instructions = cx.text(get(st, "instructions"), at, &whose, "instructions");
        let hints = match get(st, "hints") {
            None => Vec::new(),
            Some(Node { value: Value::Array(items), .. }) => items.iter().enumerate().map(|(h, node)| cx.text(Some(node), at, &whose, &format!("hint {}", h + 1))).collect(),
            Some(node) => {
                cx.err(node.line, format!("{whose}: `hints` must be an array of texts ([[steps.hints]]), not {}", node.value.type_name()));
                Vec::new()
            }
        };
        let solution = cx.strings(st, "solution", &whose);
        if solution.is_empty() {
            cx.err(at, format!("step {n} lacks a `solution` (the commands that solve it)"));
        }
        let raw_checks = cx.tables(st, "checks", &whose);
        if raw_checks.is_empty() {
            cx.err(at, format!("step {n} has no `[[steps.checks]]`: a step must be checked on the state it leaves"));
        }
        let mut checks = Vec::new();
        for (c, (ct, cat)) in raw_checks.into_iter().enumerate() {
            if let Some(check) = check(&mut cx, ct, cat, &format!("step {n} check {}", c + 1)) {
                checks.push(check);
            }
        }
        let mut attempts = |key: &str| -> Vec<super::Attempt> {
            cx.tables(st, key, &whose)
                .into_iter()
                .enumerate()
                .map(|(a, (at_t, at_line))| {
                    let what = format!("{whose} {key} {}", a + 1);
                    cx.unknown(at_t, &["why", "commands"], &what);
                    let why = cx.str(at_t, "why", &what).unwrap_or_default();
                    if why.trim().is_empty() {
                        cx.err(at_line, format!("{what} lacks `why` (what this attempt shows)"));
                    }
                    let commands = cx.strings(at_t, "commands", &what);
                    if commands.is_empty() {
                        cx.err(at_line, format!("{what} lacks `commands`"));
                    }
                    super::Attempt { why, commands, line: at_line }
                })
                .collect()
        };
        let alternatives = attempts("alternatives");
        let negatives = attempts("negatives");
        steps.push(Step { id, scenario, setup, setup_lines, title, instructions, hints, solution, checks, line: at, alternatives, negatives });
    }
    if !cx.issues.is_empty() {
        crate::sort::sort_by_key(&mut cx.issues, |i| i.line);
        return Err(LessonError { file: file.to_string(), issues: cx.issues });
    }
    Ok(Lesson { id, scenario, setup, title, summary, steps, time_limit_minutes, exam, vars, file: file.to_string(), line: id_line })
}

/// `mode` ("practice", the default, or "exam") and `minutes` (an exam's time, required for it).
fn mode(cx: &mut Ctx, root: &Table) -> (bool, Option<u32>) {
    let line = |k: &str| get(root, k).map_or(1, |n| n.line);
    let exam = match cx.str(root, "mode", "the lesson").as_deref() {
        // The older spelling of an exam: a time limit alone (lesson 11 promises a timer and a score).
        None => get(root, "time_limit_minutes").is_some(),
        Some("practice") => false,
        Some("exam") => true,
        Some(m) => {
            cx.err(line("mode"), format!("unknown mode `{m}` (one of: practice, exam)"));
            false
        }
    };
    let minutes = match cx.int(root, "minutes", "the lesson") {
        None => None,
        Some(m) if (1..=600).contains(&m) => Some(m as u32),
        Some(m) => {
            cx.err(line("minutes"), format!("minutes must be between 1 and 600, not {m}"));
            None
        }
    };
    if exam && minutes.is_none() && get(root, "minutes").is_none() && get(root, "time_limit_minutes").is_none() {
        cx.err(line("mode"), "an exam (`mode = \"exam\"`) needs `minutes` (the time allowed)".into());
    }
    if !exam && get(root, "minutes").is_some() {
        cx.err(line("minutes"), "`minutes` is for exams: add `mode = \"exam\"`".into());
    }
    (exam, minutes)
}

/// Whether a variable's value can stand anywhere in a file (a path, a name): no quotes,
/// spaces or shell specials, so substituting it changes no command's shape.
fn plain_value(v: &str) -> bool {
    !v.is_empty() && v.len() <= 200 && v.chars().all(|c| c.is_ascii_alphanumeric() || "/._-:".contains(c))
}

/// `[vars]`: `name = ["choice", ...]`; and every `{{name}}` in the file names one of them.
fn vars(cx: &mut Ctx, root: &Table, src: &str) -> Vec<super::Var> {
    let mut out: Vec<super::Var> = Vec::new();
    match get(root, "vars") {
        None => {}
        Some(Node { value: Value::Table(t), .. }) => {
            for (name, n) in t {
                if !is_id(name) {
                    cx.err(n.line, format!("variable name `{name}` must be lowercase letters, digits, `-` or `_`"));
                }
                let choices = cx.strings(t, name, "[vars]");
                if choices.is_empty() && matches!(n.value, Value::Array(_)) {
                    cx.err(n.line, format!("variable `{name}` has no choices"));
                }
                for c in &choices {
                    if !plain_value(c) {
                        cx.err(n.line, format!("variable `{name}`: choice `{c}` may hold only letters, digits and / . _ - :"));
                    }
                }
                out.push(super::Var { name: name.clone(), choices });
            }
        }
        Some(n) => cx.err(n.line, format!("`vars` must be a table ([vars]), not {}", n.value.type_name())),
    }
    for (i, line) in src.lines().enumerate() {
        let mut rest = line;
        while let Some(at) = rest.find("{{") {
            let after = &rest[at + 2..];
            let Some(end) = after.find("}}") else { break };
            let name = &after[..end];
            // `{{.metadata.name}}` (a Go template in a command) is not a variable.
            if is_id(name) && !out.iter().any(|v| v.name == name) {
                cx.err(i + 1, format!("`{{{{{name}}}}}` names no variable in [vars]"));
            }
            rest = &after[end + 2..];
        }
    }
    for v in &out {
        if !src.contains(&format!("{{{{{}}}}}", v.name)) {
            let line = get(root, "vars").and_then(|n| if let Value::Table(t) = &n.value { get(t, &v.name) } else { None }).map_or(1, |n| n.line);
            cx.err(line, format!("variable `{}` is never used (write `{{{{{}}}}}` where it goes)", v.name, v.name));
        }
    }
    out
}

/// Fields each check kind reads; any other field is reported.
fn fields_of(kind: &str) -> Option<&'static [&'static str]> {
    Some(match kind {
        "key" => &["key", "value"],
        "key_absent" | "key_leased" | "key_never_written" => &["key"],
        "key_from_snapshot" => &["key", "snapshot"],
        "keys_with_prefix" => &["prefix", "count"],
        "revision_at_least" => &["revision"],
        "etcd_running" => &["data_dir"],
        "file_exists" => &["path"],
        "file_contains" => &["path", "text"],
        "env_var" => &["name", "value", "exported"],
        "output_matches" => &["regex"],
        "exit_status" => &["status"],
        "pod" | "pod_absent" => &["name", "namespace"],
        "snapshot" => &["path", "revision", "total_keys"],
        "command_succeeds" => &["command", "regex"],
        "ran" => &["program", "status", "in_pod", "op", "notes", "output"],
        "restored_member" => &["data_dir", "snapshot", "name", "same_cluster_as"],
        "members_running" => &["count"],
        "leader" => &["name"],
        "no_leader" => &[],
        "key_names_leader" => &["key"],
        _ => return None,
    })
}

fn check(cx: &mut Ctx, t: &Table, at: usize, whose: &str) -> Option<Check> {
    let Some(kind) = cx.str(t, "kind", whose) else {
        if get(t, "kind").is_none() {
            cx.err(at, format!("{whose} lacks `kind` (one of: {})", CHECK_KINDS.join(", ")));
        }
        return None;
    };
    let Some(fields) = fields_of(&kind) else {
        cx.err(at, format!("{whose} has unknown kind `{kind}` (one of: {})", CHECK_KINDS.join(", ")));
        return None;
    };
    for (k, n) in t {
        if k != "kind" && k != "label" && !fields.contains(&k.as_str()) {
            cx.err(n.line, format!("{whose} ({kind}) does not use `{k}`"));
        }
    }
    let need = |cx: &mut Ctx, name: &str| -> String {
        let v = cx.str(t, name, whose);
        if v.is_none() && get(t, name).is_none() {
            cx.err(at, format!("{whose} ({kind}) lacks `{name}`"));
        }
        v.unwrap_or_default()
    };
    let k = match kind.as_str() {
        "key" => CheckKind::Key { key: need(cx, "key"), value: cx.str(t, "value", whose) },
        "key_absent" => CheckKind::KeyAbsent { key: need(cx, "key") },
        "key_never_written" => CheckKind::KeyNeverWritten { key: need(cx, "key") },
        "key_from_snapshot" => CheckKind::KeyFromSnapshot { key: need(cx, "key"), snapshot: need(cx, "snapshot") },
        "key_leased" => CheckKind::KeyLeased { key: need(cx, "key") },
        "keys_with_prefix" => CheckKind::KeysWithPrefix { prefix: need(cx, "prefix"), count: cx.int(t, "count", whose).unwrap_or(1) },
        "revision_at_least" => {
            let r = cx.int(t, "revision", whose);
            if get(t, "revision").is_none() {
                cx.err(at, format!("{whose} ({kind}) lacks `revision`"));
            }
            CheckKind::RevisionAtLeast { revision: r.unwrap_or(0) }
        }
        "etcd_running" => CheckKind::EtcdRunning { data_dir: cx.str(t, "data_dir", whose) },
        "members_running" => {
            let c = cx.int(t, "count", whose);
            if get(t, "count").is_none() {
                cx.err(at, format!("{whose} ({kind}) lacks `count`"));
            }
            CheckKind::MembersRunning { count: c.unwrap_or(0) }
        }
        "leader" => CheckKind::Leader { name: cx.str(t, "name", whose) },
        "no_leader" => CheckKind::NoLeader,
        "key_names_leader" => CheckKind::KeyNamesLeader { key: need(cx, "key") },
        "file_exists" => CheckKind::FileExists { path: need(cx, "path") },
        "file_contains" => CheckKind::FileContains { path: need(cx, "path"), text: need(cx, "text") },
        "env_var" => CheckKind::EnvVar { name: need(cx, "name"), value: cx.str(t, "value", whose), exported: cx.bool(t, "exported", whose).unwrap_or(false) },
        "output_matches" => {
            let regex = need(cx, "regex");
            if let Err(e) = regex_lite::Regex::new(&regex) {
                cx.err(at, format!("{whose}: bad regex `{regex}`: {e}"));
            }
            CheckKind::OutputMatches { regex }
        }
        "command_succeeds" => {
            let command = need(cx, "command");
            if command.trim().is_empty() && get(t, "command").is_some() {
                cx.err(at, format!("{whose} (command_succeeds): `command` is empty"));
            }
            let regex = cx.str(t, "regex", whose);
            if let Some(Err(e)) = regex.as_deref().map(regex_lite::Regex::new) {
                cx.err(at, format!("{whose}: bad regex `{}`: {e}", regex.as_deref().unwrap_or_default()));
            }
            CheckKind::CommandSucceeds { command, regex }
        }
        "ran" => {
            let program = need(cx, "program");
            let status = cx.int(t, "status", whose).unwrap_or(0);
            let in_pod = cx.bool(t, "in_pod", whose);
            let mut notes = Vec::new();
            if let Some(op) = cx.str(t, "op", whose) {
                notes.push(("op".to_string(), op));
            }
            match get(t, "notes") {
                None => {}
                Some(Node { value: Value::Table(nt), .. }) => {
                    for (k, n) in nt {
                        match &n.value {
                            Value::Str(v) => notes.push((k.clone(), v.clone())),
                            Value::Int(i) => notes.push((k.clone(), i.to_string())),
                            other => cx.err(n.line, format!("{whose} (ran): note `{k}` must be a string or an integer, not {}", other.type_name())),
                        }
                    }
                }
                Some(n) => cx.err(n.line, format!("{whose} (ran): `notes` must be a table, e.g. `notes = {{ key = \"k1\" }}`, not {}", n.value.type_name())),
            }
            let output = cx.str(t, "output", whose);
            if let Some(Err(e)) = output.as_deref().map(regex_lite::Regex::new) {
                cx.err(at, format!("{whose}: bad regex `{}`: {e}", output.as_deref().unwrap_or_default()));
            }
            CheckKind::Ran { program, status: i32::try_from(status).unwrap_or(i32::MAX), in_pod, notes, output }
        }
        "restored_member" => CheckKind::RestoredMember {
            data_dir: need(cx, "data_dir"),
            snapshot: need(cx, "snapshot"),
            name: cx.str(t, "name", whose),
            same_cluster_as: cx.str(t, "same_cluster_as", whose),
        },
        "snapshot" => CheckKind::Snapshot { path: need(cx, "path"), revision: cx.int(t, "revision", whose), total_keys: cx.int(t, "total_keys", whose) },
        "pod" | "pod_absent" => {
            let name = need(cx, "name");
            let namespace = cx.str(t, "namespace", whose).unwrap_or_else(|| "default".into());
            if kind == "pod" {
                CheckKind::Pod { namespace, name }
            } else {
                CheckKind::PodAbsent { namespace, name }
            }
        }
        _ => {
            let s = cx.int(t, "status", whose).unwrap_or(0);
            CheckKind::ExitStatus { status: i32::try_from(s).unwrap_or(i32::MAX) }
        }
    };
    let label = match get(t, "label") {
        Some(l) => cx.text(Some(l), at, whose, "label"),
        None => k.default_label(),
    };
    Some(Check { kind: k, label, line: at })
}
