//! The lesson file format (TOML) and its validation, with messages that point at file:line.
//!
//! Parsing goes through "raw" types where everything is optional and carries its span, so a
//! missing translation is reported as "step 2 lacks a pt text for `hint 1`" at the right line
//! rather than as a bare serde error.

use super::check::{Check, CheckKind};
use super::{Lesson, Step, Text};
use serde::Deserialize;
use toml::Spanned;

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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawText {
    en: Option<String>,
    pt: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLesson {
    id: Option<Spanned<String>>,
    scenario: Option<Spanned<String>>,
    #[serde(default)]
    setup: Vec<String>,
    title: Option<Spanned<RawText>>,
    summary: Option<Spanned<RawText>>,
    #[serde(default)]
    steps: Vec<Spanned<RawStep>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStep {
    id: Option<String>,
    title: Option<Spanned<RawText>>,
    instructions: Option<Spanned<RawText>>,
    #[serde(default)]
    hints: Vec<Spanned<RawText>>,
    #[serde(default)]
    solution: Vec<String>,
    #[serde(default)]
    checks: Vec<Spanned<RawCheck>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCheck {
    kind: Option<String>,
    label: Option<Spanned<RawText>>,
    key: Option<String>,
    value: Option<String>,
    prefix: Option<String>,
    count: Option<i64>,
    revision: Option<i64>,
    data_dir: Option<String>,
    path: Option<String>,
    text: Option<String>,
    name: Option<String>,
    exported: Option<bool>,
    regex: Option<String>,
    status: Option<i32>,
}

/// Every check kind a lesson may use, as written in `kind = "..."`.
pub const CHECK_KINDS: &[&str] =
    &["key", "key_absent", "keys_with_prefix", "revision_at_least", "etcd_running", "file_exists", "file_contains", "env_var", "output_matches", "exit_status"];

/// 1-based line of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes().iter().take(offset).filter(|&&b| b == b'\n').count() + 1
}

struct Ctx<'a> {
    src: &'a str,
    issues: Vec<LessonIssue>,
}

impl Ctx<'_> {
    fn err(&mut self, offset: usize, message: String) {
        self.issues.push(LessonIssue { line: line_of(self.src, offset), message });
    }

    /// Both languages present and non-empty; `what` names the text, `whose` its owner.
    fn text(&mut self, t: Option<Spanned<RawText>>, at: usize, whose: &str, what: &str) -> Text {
        let Some(t) = t else {
            self.err(at, format!("{whose} lacks `{what}` (a text with `en` and `pt`)"));
            return Text::default();
        };
        let start = t.span().start;
        let t = t.into_inner();
        let mut out = Text::default();
        for (lang, v, slot) in [("en", t.en, &mut out.en), ("pt", t.pt, &mut out.pt)] {
            match v {
                Some(s) if !s.trim().is_empty() => *slot = s,
                Some(_) => self.err(start, format!("{whose} has an empty {lang} text for `{what}`")),
                None => self.err(start, format!("{whose} lacks a {lang} text for `{what}`")),
            }
        }
        out
    }
}

fn is_id(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

pub(super) fn parse(src: &str, file: &str) -> Result<Lesson, LessonError> {
    let raw: RawLesson = match toml::from_str(src) {
        Ok(r) => r,
        Err(e) => {
            let line = e.span().map_or(1, |s| line_of(src, s.start));
            let msg = e.message().trim().to_string();
            return Err(LessonError { file: file.to_string(), issues: vec![LessonIssue { line, message: msg }] });
        }
    };
    let mut cx = Ctx { src, issues: Vec::new() };
    let (id, id_at) = match raw.id {
        Some(s) => {
            let at = s.span().start;
            let v = s.into_inner();
            if !is_id(&v) {
                cx.err(at, format!("lesson id `{v}` must be lowercase letters, digits, `-` or `_`"));
            }
            (v, at)
        }
        None => {
            cx.err(0, "the lesson lacks `id`".into());
            (String::new(), 0)
        }
    };
    let scenario = match raw.scenario {
        Some(s) => {
            let at = s.span().start;
            let v = s.into_inner();
            if !crate::cluster::scenario::SCENARIOS.contains(&v.as_str()) {
                cx.err(at, format!("unknown scenario `{v}` (known: {})", crate::cluster::scenario::SCENARIOS.join(", ")));
            }
            v
        }
        None => {
            cx.err(0, "the lesson lacks `scenario`".into());
            String::new()
        }
    };
    let title = cx.text(raw.title, 0, "the lesson", "title");
    let summary = cx.text(raw.summary, 0, "the lesson", "summary");
    if raw.steps.is_empty() {
        cx.err(src.len(), "the lesson has no `[[steps]]`".into());
    }
    let mut steps = Vec::new();
    for (i, rs) in raw.steps.into_iter().enumerate() {
        let n = i + 1;
        let at = rs.span().start;
        let rs = rs.into_inner();
        let whose = format!("step {n}");
        let id = match rs.id {
            Some(v) if is_id(&v) => v,
            Some(v) => {
                cx.err(at, format!("step {n} id `{v}` must be lowercase letters, digits, `-` or `_`"));
                v
            }
            None => {
                cx.err(at, format!("step {n} lacks `id`"));
                String::new()
            }
        };
        if !id.is_empty() && steps.iter().any(|s: &Step| s.id == id) {
            cx.err(at, format!("step {n} repeats the step id `{id}`"));
        }
        let title = cx.text(rs.title, at, &whose, "title");
        let instructions = cx.text(rs.instructions, at, &whose, "instructions");
        let hints = rs.hints.into_iter().enumerate().map(|(h, t)| cx.text(Some(t), at, &whose, &format!("hint {}", h + 1))).collect();
        if rs.solution.is_empty() {
            cx.err(at, format!("step {n} lacks a `solution` (the commands that solve it)"));
        }
        if rs.checks.is_empty() {
            cx.err(at, format!("step {n} has no `[[steps.checks]]`: a step must be checked on the state it leaves"));
        }
        let mut checks = Vec::new();
        for (c, rc) in rs.checks.into_iter().enumerate() {
            let cat = rc.span().start;
            if let Some(check) = check(&mut cx, rc.into_inner(), cat, &format!("step {n} check {}", c + 1)) {
                checks.push(check);
            }
        }
        steps.push(Step { id, title, instructions, hints, solution: rs.solution, checks, line: line_of(src, at) });
    }
    if !cx.issues.is_empty() {
        cx.issues.sort_by_key(|i| i.line);
        return Err(LessonError { file: file.to_string(), issues: cx.issues });
    }
    Ok(Lesson { id, scenario, setup: raw.setup, title, summary, steps, file: file.to_string(), line: line_of(src, id_at) })
}

fn check(cx: &mut Ctx, rc: RawCheck, at: usize, whose: &str) -> Option<Check> {
    let Some(kind) = rc.kind.clone() else {
        cx.err(at, format!("{whose} lacks `kind` (one of: {})", CHECK_KINDS.join(", ")));
        return None;
    };
    let mut missing = Vec::new();
    let mut need = |name: &'static str, v: &Option<String>| -> String {
        if v.is_none() {
            missing.push(name);
        }
        v.clone().unwrap_or_default()
    };
    let k = match kind.as_str() {
        "key" => CheckKind::Key { key: need("key", &rc.key), value: rc.value.clone() },
        "key_absent" => CheckKind::KeyAbsent { key: need("key", &rc.key) },
        "keys_with_prefix" => {
            let prefix = need("prefix", &rc.prefix);
            CheckKind::KeysWithPrefix { prefix, count: rc.count.unwrap_or(1) }
        }
        "revision_at_least" => {
            if rc.revision.is_none() {
                missing.push("revision");
            }
            CheckKind::RevisionAtLeast { revision: rc.revision.unwrap_or(0) }
        }
        "etcd_running" => CheckKind::EtcdRunning { data_dir: rc.data_dir.clone() },
        "file_exists" => CheckKind::FileExists { path: need("path", &rc.path) },
        "file_contains" => {
            let path = need("path", &rc.path);
            CheckKind::FileContains { path, text: need("text", &rc.text) }
        }
        "env_var" => CheckKind::EnvVar { name: need("name", &rc.name), value: rc.value.clone(), exported: rc.exported.unwrap_or(false) },
        "output_matches" => {
            let regex = need("regex", &rc.regex);
            if let Err(e) = regex_lite::Regex::new(&regex) {
                cx.err(at, format!("{whose}: bad regex `{regex}`: {e}"));
            }
            CheckKind::OutputMatches { regex }
        }
        "exit_status" => CheckKind::ExitStatus { status: rc.status.unwrap_or(0) },
        other => {
            cx.err(at, format!("{whose} has unknown kind `{other}` (one of: {})", CHECK_KINDS.join(", ")));
            return None;
        }
    };
    for m in missing {
        cx.err(at, format!("{whose} ({kind}) lacks `{m}`"));
    }
    // Fields that mean nothing for this kind are likely typos: say so.
    let used: &[&str] = match kind.as_str() {
        "key" => &["key", "value"],
        "key_absent" => &["key"],
        "keys_with_prefix" => &["prefix", "count"],
        "revision_at_least" => &["revision"],
        "etcd_running" => &["data_dir"],
        "file_exists" => &["path"],
        "file_contains" => &["path", "text"],
        "env_var" => &["name", "value", "exported"],
        "output_matches" => &["regex"],
        _ => &["status"],
    };
    let given = [
        ("key", rc.key.is_some()),
        ("value", rc.value.is_some()),
        ("prefix", rc.prefix.is_some()),
        ("count", rc.count.is_some()),
        ("revision", rc.revision.is_some()),
        ("data_dir", rc.data_dir.is_some()),
        ("path", rc.path.is_some()),
        ("text", rc.text.is_some()),
        ("name", rc.name.is_some()),
        ("exported", rc.exported.is_some()),
        ("regex", rc.regex.is_some()),
        ("status", rc.status.is_some()),
    ];
    for (f, present) in given {
        if present && !used.contains(&f) {
            cx.err(at, format!("{whose} ({kind}) does not use `{f}`"));
        }
    }
    let label = match rc.label {
        Some(l) => cx.text(Some(l), at, whose, "label"),
        None => k.default_label(),
    };
    Some(Check { kind: k, label, line: line_of(cx.src, at) })
}
