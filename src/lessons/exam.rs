//! Exams and per-attempt variables.
//!
//! A lesson with `mode = "exam"` runs against a clock: the page shows a countdown, ticks no
//! check while it runs, keeps hints, solutions and teaching notes locked, and at the end shows
//! a score per task with what each check looked at. The score is kept per task as the
//! learner leaves it ([`Attempt::record`]), because a task may start on a fresh node of its own.
//!
//! `[vars]` give each attempt its own paths and names: an attempt draws one choice per
//! variable from its seed ([`draw`]) and every `{{name}}` in the lesson — texts, setup,
//! solutions, checks — stands for it ([`instantiate`]). `lessons check` plays the reference
//! solution under several draws ([`verify_all`]) so every choice is proven.

use super::{CheckResult, Lesson};
use super::format::LessonError;
use crate::sorted_map::SortedMap;
use serde::{Deserialize, Serialize};

/// splitmix64: a small, well-mixed generator; the same seed draws the same values everywhere.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The values an attempt with this seed uses, by variable name.
pub fn draw(lesson: &Lesson, seed: u64) -> Vec<(String, String)> {
    lesson
        .vars
        .iter()
        .enumerate()
        .map(|(k, v)| {
            let i = (mix(seed ^ mix(k as u64 + 1)) % v.choices.len().max(1) as u64) as usize;
            (v.name.clone(), v.choices.get(i).cloned().unwrap_or_default())
        })
        .collect()
}

/// The lesson with `{{name}}` replaced by these values everywhere (texts, setup, solutions,
/// checks). A lesson without variables comes back unchanged.
pub fn substitute(lesson: &Lesson, values: &[(String, String)]) -> Lesson {
    if values.is_empty() {
        return lesson.clone();
    }
    let Ok(mut tree) = serde_json::to_value(lesson) else { return lesson.clone() };
    replace_all(&mut tree, values);
    let mut out: Lesson = serde_json::from_value(tree).unwrap_or_else(|_| lesson.clone());
    // Drawn: the instance has no variables left (verify plays it as a plain lesson).
    out.vars.clear();
    out
}

/// The lesson as the attempt with this seed sees it.
pub fn instantiate(lesson: &Lesson, seed: u64) -> Lesson {
    substitute(lesson, &draw(lesson, seed))
}

fn replace_all(v: &mut serde_json::Value, values: &[(String, String)]) {
    use serde_json::Value;
    match v {
        Value::String(s) if s.contains("{{") => {
            for (name, val) in values {
                *s = s.replace(&format!("{{{{{name}}}}}"), val);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|i| replace_all(i, values)),
        Value::Object(m) => m.values_mut().for_each(|i| replace_all(i, values)),
        _ => {}
    }
}

/// The draws `lessons check` plays: every choice of every variable at least once (draw `i`
/// takes each variable's choice `i` modulo its count), then two seeded draws that mix them.
pub fn draws_to_check(lesson: &Lesson) -> Vec<Vec<(String, String)>> {
    if lesson.vars.is_empty() {
        return vec![Vec::new()];
    }
    let widest = lesson.vars.iter().map(|v| v.choices.len()).max().unwrap_or(1);
    let mut out: Vec<Vec<(String, String)>> =
        (0..widest).map(|i| lesson.vars.iter().map(|v| (v.name.clone(), v.choices[i % v.choices.len().max(1)].clone())).collect()).collect();
    for seed in [1u64, 2] {
        let d = draw(lesson, seed);
        if !out.contains(&d) {
            out.push(d);
        }
    }
    out
}

/// Plays the reference solutions ([`super::verify`]) under every draw of [`draws_to_check`];
/// a problem names the values it happened with.
pub fn verify_all(lesson: &Lesson) -> Result<(), LessonError> {
    let mut issues = Vec::new();
    for values in draws_to_check(lesson) {
        if let Err(e) = super::verify(&substitute(lesson, &values)) {
            let with = values.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(" ");
            for mut i in e.issues {
                if !with.is_empty() {
                    i.message = format!("{} (with {with})", i.message);
                }
                if !issues.contains(&i) {
                    issues.push(i);
                }
            }
        }
    }
    if issues.is_empty() {
        Ok(())
    } else {
        Err(LessonError { file: lesson.file.clone(), issues })
    }
}

/// One exam attempt: its seed, its clock (page milliseconds since the epoch) and each task's
/// check results as last seen while the learner was on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Attempt {
    pub seed: u64,
    pub started_ms: u64,
    pub ends_ms: u64,
    /// Handed in, or the time ran out: the score is final, hints and solutions open.
    pub finished: bool,
    pub results: SortedMap<String, Vec<CheckResult>>,
}

impl Attempt {
    pub fn new(lesson: &Lesson, seed: u64, now_ms: u64) -> Attempt {
        let minutes = u64::from(lesson.time_limit_minutes.unwrap_or(0));
        Attempt { seed, started_ms: now_ms, ends_ms: now_ms.saturating_add(minutes * 60_000), finished: false, results: SortedMap::new() }
    }

    /// Milliseconds left at `now_ms` (0 once the time is up).
    pub fn remaining_ms(&self, now_ms: u64) -> u64 {
        self.ends_ms.saturating_sub(now_ms)
    }

    /// Whether the time ran out at `now_ms`.
    pub fn expired(&self, now_ms: u64) -> bool {
        self.remaining_ms(now_ms) == 0
    }

    /// Keeps a task's check results while the attempt runs: the best seen (most checks
    /// holding; the newer on a tie) — a later task may start a fresh node, and coming back to
    /// look at an earlier task must not undo it. A finished score does not move.
    pub fn record(&mut self, step: &str, results: Vec<CheckResult>) {
        if self.finished {
            return;
        }
        let held = |r: &[CheckResult]| r.iter().filter(|c| c.passed).count();
        if self.results.get(step).is_none_or(|old| held(&results) >= held(old)) {
            self.results.insert(step.to_string(), results);
        }
    }

    /// The score: per task, what was checked and whether it held.
    pub fn score(&self, lesson: &Lesson) -> ExamScore {
        let tasks: Vec<TaskScore> = lesson
            .steps
            .iter()
            .map(|s| {
                let results = self.results.get(&s.id).cloned().unwrap_or_else(|| s.checks.iter().map(|c| CheckResult { label: c.label.clone(), passed: false }).collect());
                let passed = !results.is_empty() && results.iter().all(|r| r.passed);
                TaskScore { step: s.id.clone(), title: s.title.clone(), results, passed }
            })
            .collect();
        let passed = tasks.iter().filter(|t| t.passed).count();
        ExamScore { passed, total: tasks.len(), tasks }
    }
}

/// `m:ss` (or `h:mm:ss`) for a countdown.
pub fn clock(ms: u64) -> String {
    let s = ms.div_ceil(1000);
    let (h, m, s) = (s / 3600, s / 60 % 60, s % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}

/// A finished exam's result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExamScore {
    pub tasks: Vec<TaskScore>,
    /// Tasks whose every check held.
    pub passed: usize,
    pub total: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskScore {
    pub step: String,
    pub title: super::Text,
    pub results: Vec<CheckResult>,
    pub passed: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAM: &str = r#"
id = "x"
scenario = "plain"
mode = "exam"
minutes = 10
title = { en = "X", pt = "X" }
summary = { en = "Write {{file}}.", pt = "Grave {{file}}." }
[vars]
file = ["/tmp/a.txt", "/tmp/b.txt", "/tmp/c.txt"]
key = ["k1", "k2"]
[[steps]]
id = "one"
title = { en = "Write {{file}}", pt = "Grave {{file}}" }
instructions = { en = "Put `{{key}}` and write `{{file}}`.", pt = "Grave `{{key}}` e `{{file}}`." }
solution = ["etcdctl put {{key}} v", "echo hi > {{file}}"]
[[steps.checks]]
kind = "file_contains"
path = "{{file}}"
text = "hi"
[[steps.checks]]
kind = "key"
key = "{{key}}"
[[steps.negatives]]
why = "only the file"
commands = ["echo hi > {{file}}"]
"#;

    fn lesson() -> Lesson {
        Lesson::parse_file("x.toml", EXAM).unwrap()
    }

    #[test]
    fn an_exam_parses_with_its_minutes_and_vars() {
        let l = lesson();
        assert!(l.exam);
        assert_eq!(l.time_limit_minutes, Some(10));
        assert_eq!(l.vars.len(), 2);
        assert_eq!(l.vars[0].choices, ["/tmp/a.txt", "/tmp/b.txt", "/tmp/c.txt"]);
    }

    #[test]
    fn bad_modes_minutes_and_vars_are_errors_with_lines() {
        let no_minutes = EXAM.replace("minutes = 10\n", "");
        let e = Lesson::parse_file("x.toml", &no_minutes).unwrap_err().to_string();
        assert!(e.contains("x.toml:4: an exam (`mode = \"exam\"`) needs `minutes`"), "{e}");
        let e = Lesson::parse_file("x.toml", &EXAM.replace("mode = \"exam\"", "mode = \"quiz\"")).unwrap_err().to_string();
        assert!(e.contains("x.toml:4: unknown mode `quiz`"), "{e}");
        let e = Lesson::parse_file("x.toml", &EXAM.replace("{{key}} v", "{{kee}} v")).unwrap_err().to_string();
        assert!(e.contains("`{{kee}}` names no variable"), "{e}");
        let e = Lesson::parse_file("x.toml", &EXAM.replace("\"k2\"]", "\"k 2\"]")).unwrap_err().to_string();
        assert!(e.contains("choice `k 2` may hold only"), "{e}");
        let e = Lesson::parse_file("x.toml", &EXAM.replace("key = [\"k1\", \"k2\"]", "key = []")).unwrap_err().to_string();
        assert!(e.contains("variable `key` has no choices"), "{e}");
        let unused = EXAM.replace("[vars]\n", "[vars]\nother = [\"z\"]\n");
        let e = Lesson::parse_file("x.toml", &unused).unwrap_err().to_string();
        assert!(e.contains("variable `other` is never used"), "{e}");
        let practice = EXAM.replace("mode = \"exam\"\n", "");
        let e = Lesson::parse_file("x.toml", &practice).unwrap_err().to_string();
        assert!(e.contains("`minutes` is for exams"), "{e}");
        // A time limit alone is the older spelling of an exam.
        let old = EXAM.replace("mode = \"exam\"\nminutes = 10\n", "time_limit_minutes = 10\n");
        let o = Lesson::parse_file("x.toml", &old).unwrap();
        assert!(o.exam && o.time_limit_minutes == Some(10));
        let p = Lesson::parse_file("x.toml", &old.replace("time_limit_minutes", "mode = \"practice\"\ntime_limit_minutes")).unwrap();
        assert!(!p.exam);
        // A Go template in a command is not a variable.
        let tpl = EXAM.replace("\"echo hi > {{file}}\"", "\"echo hi > {{file}}\", \"kubectl get pods -o go-template='{{.metadata.name}}'\"");
        assert!(Lesson::parse_file("x.toml", &tpl).is_ok());
    }

    #[test]
    fn an_attempt_substitutes_its_draw_everywhere() {
        let l = lesson();
        let values = draw(&l, 7);
        assert_eq!(values, draw(&l, 7), "the same seed draws the same values");
        let x = instantiate(&l, 7);
        let file = &values[0].1;
        let key = &values[1].1;
        assert!(l.vars[0].choices.contains(file) && l.vars[1].choices.contains(key));
        assert_eq!(x.summary.en, format!("Write {file}."));
        assert_eq!(x.steps[0].solution, [format!("etcdctl put {key} v"), format!("echo hi > {file}")]);
        assert!(x.steps[0].instructions.pt.contains(&format!("`{key}`")));
        assert!(matches!(&x.steps[0].checks[0].kind, super::super::check::CheckKind::FileContains { path, .. } if path == file));
        assert!(x.steps[0].checks[0].label.en.contains(file.as_str()));
        let json = serde_json::to_string(&x).unwrap();
        assert!(!json.contains("{{") && x.vars.is_empty(), "{json}");
        // Different seeds reach different values (no single memorised answer).
        let files: std::collections::BTreeSet<String> = (0..20).map(|s| draw(&l, s)[0].1.clone()).collect();
        assert_eq!(files.len(), 3);
    }

    #[test]
    fn check_plays_every_choice_and_catches_a_choice_that_breaks() {
        let l = lesson();
        let draws = draws_to_check(&l);
        for v in &l.vars {
            for c in &v.choices {
                assert!(draws.iter().any(|d| d.iter().any(|(k, x)| k == &v.name && x == c)), "{} = {c} is never played", v.name);
            }
        }
        verify_all(&l).unwrap();
        // A choice under which the solution cannot work: the mkdir-less path fails.
        let broken = Lesson::parse_file("x.toml", &EXAM.replace("\"/tmp/c.txt\"", "\"/nowhere/c.txt\"")).unwrap();
        let e = verify_all(&broken).unwrap_err().to_string();
        assert!(e.contains("file=/nowhere/c.txt"), "{e}");
    }

    #[test]
    fn an_attempt_keeps_time_and_scores_per_task() {
        let l = lesson();
        let mut a = Attempt::new(&l, 3, 1_000);
        assert_eq!(a.remaining_ms(1_000), 600_000);
        assert_eq!(clock(a.remaining_ms(1_000)), "10:00");
        assert_eq!(clock(a.remaining_ms(1_000 + 61_500)), "8:59");
        assert!(!a.expired(600_999) && a.expired(601_000));
        let s = a.score(&l);
        assert_eq!((s.passed, s.total), (0, 1));
        assert_eq!(s.tasks[0].results.len(), 2, "an unvisited task lists its checks as failed");
        let lbl = |p| CheckResult { label: super::super::Text::new("c", "c"), passed: p };
        a.record("one", vec![lbl(true), lbl(false)]);
        assert_eq!(a.score(&l).passed, 0);
        a.record("one", vec![lbl(true), lbl(true)]);
        assert_eq!(a.score(&l).passed, 1);
        // Back on the task after a later one started a fresh node: the task stays done.
        a.record("one", vec![lbl(false), lbl(true)]);
        assert_eq!(a.score(&l).passed, 1);
        a.finished = true;
        a.record("one", vec![lbl(false), lbl(false)]);
        assert_eq!(a.score(&l).passed, 1, "a finished score does not move");
        assert_eq!(clock(3_600_000 + 5_000), "1:00:05");
    }
}
