//! Proving lessons: every reference solution, run from the lesson's scenario through
//! `Session::execute`, must make its step's checks pass; and ids are unique across a course.

use super::check::{evaluate, LastRun};
use super::format::{LessonError, LessonIssue};
use super::{Lesson, Step};
use crate::shell::Session;

/// Why a step's start (or the lesson's) could not be applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StartError {
    /// The failing setup command (0-based), if a command failed.
    pub command: Option<usize>,
    pub message: String,
}

impl std::fmt::Display for StartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// Runs setup commands: silently — they stay out of the shell's history, so the arrow keys
/// do not give away how the step was broken. The first one that fails stops the setup.
fn run_setup(session: &mut Session, cmds: &[String]) -> Result<(), StartError> {
    let kept = session.history.len();
    let mut res = Ok(());
    for (i, cmd) in cmds.iter().enumerate() {
        let last = run(session, cmd);
        if last.exit != 0 {
            res = Err(StartError { command: Some(i), message: format!("setup command {} `{cmd}` failed (exit {}): {}", i + 1, last.exit, short(&last.output)) });
            break;
        }
    }
    session.history.truncate(kept);
    res
}

/// Runs a line (possibly several physical lines) and returns what the last one produced.
fn run(session: &mut Session, cmd: &str) -> LastRun {
    let mut last = LastRun::default();
    for line in cmd.split('\n') {
        let r = session.execute(line);
        if !r.needs_more {
            last = LastRun::from(&r);
        }
    }
    last
}

fn short(s: &str) -> String {
    let s = s.trim_end();
    let t: String = s.chars().take(300).collect();
    if t.len() < s.len() {
        format!("{t}…")
    } else {
        t
    }
}

/// A fresh session for the lesson: its scenario, with its setup commands run (what the page's
/// "reset lesson" does). Errors name a setup command that failed.
pub fn start_session(lesson: &Lesson) -> Result<(Session, LastRun), String> {
    let mut session = Session::new(&lesson.scenario)?;
    run_setup(&mut session, &lesson.setup).map_err(|e| e.message)?;
    // What the setup ran is not the learner's last command (see `crate::facts`).
    session.world.facts.next_command();
    // Setup output is not the learner's: checks on the last command start from nothing.
    Ok((session, LastRun::default()))
}

/// Enters a step: applies its own start state, if it has one — a fresh session from its
/// `scenario`, then its `setup` commands — and returns the fresh "last command" the checks
/// start from (`None`: the step has no start, nothing changed). The page calls this once
/// each time the learner enters the step (and again on "restart step"); `verify` calls it
/// before each step's solution, so both see the same state. On error the session may hold
/// the setup's partial work; the message names the failing command.
pub fn enter_step(session: &mut Session, step: &Step) -> Result<Option<LastRun>, StartError> {
    if !step.has_start() {
        return Ok(None);
    }
    if let Some(sc) = &step.scenario {
        *session = Session::new(sc).map_err(|message| StartError { command: None, message })?;
    }
    run_setup(session, &step.setup)?;
    session.world.facts.next_command();
    Ok(Some(LastRun::default()))
}

/// Plays the lesson from its scenario: setup, then each step — its own start
/// ([`enter_step`]) and its solution — checking that each step is not already solved before
/// its solution and is solved after it.
pub fn verify(lesson: &Lesson) -> Result<(), LessonError> {
    if !lesson.vars.is_empty() {
        // Per-attempt variables: play every choice (each draw is a plain lesson).
        return super::exam::verify_all(lesson);
    }
    let mut issues = Vec::new();
    let (mut session, mut last) = match start_session(lesson) {
        Ok(x) => x,
        Err(e) => return Err(LessonError { file: lesson.file.clone(), issues: vec![LessonIssue { line: lesson.line, message: e }] }),
    };
    for (n, step) in lesson.steps.iter().enumerate() {
        match enter_step(&mut session, step) {
            Ok(Some(fresh)) => last = fresh,
            Ok(None) => {}
            Err(e) => {
                // Later steps would run on a state the author did not intend: stop here.
                let line = e.command.and_then(|i| step.setup_lines.get(i).copied()).unwrap_or(step.line);
                issues.push(LessonIssue { line, message: format!("step {} `{}`: {e}", n + 1, step.id) });
                break;
            }
        }
        let before = evaluate(step, &session, &last);
        if before.iter().all(|r| r.passed) {
            issues.push(LessonIssue { line: step.line, message: format!("step {} `{}` already passes before its solution: its checks cannot fail", n + 1, step.id) });
        }
        if step.negatives.is_empty() {
            issues.push(LessonIssue { line: step.line, message: format!("step {} `{}` lists no `[[steps.negatives]]`: show the cheats and slips its checks reject", n + 1, step.id) });
        }
        for (kind, list, must_pass) in [("alternative", &step.alternatives, true), ("negative", &step.negatives, false)] {
            for (a, att) in list.iter().enumerate() {
                let mut s = session.clone();
                let mut l = last.clone();
                for cmd in &att.commands {
                    l = run(&mut s, cmd);
                }
                let res = evaluate(step, &s, &l);
                let passed = res.iter().all(|r| r.passed);
                if passed != must_pass {
                    let failing: Vec<String> = res.iter().filter(|r| !r.passed).map(|r| r.label.en.clone()).collect();
                    let message = if must_pass {
                        format!("step {} `{}` {kind} {} ({}) does not pass: {}; last output (exit {}): {}", n + 1, step.id, a + 1, att.why, failing.join("; "), l.exit, short(&l.output))
                    } else {
                        format!("step {} `{}` {kind} {} ({}) passes every check: the step can be passed that way", n + 1, step.id, a + 1, att.why)
                    };
                    issues.push(LessonIssue { line: att.line, message });
                }
            }
        }
        for cmd in &step.solution {
            last = run(&mut session, cmd);
        }
        for (c, (res, check)) in evaluate(step, &session, &last).iter().zip(&step.checks).enumerate() {
            if !res.passed {
                issues.push(LessonIssue {
                    line: check.line,
                    message: format!(
                        "step {} `{}` check {} ({}) fails after the reference solution; last output (exit {}): {}",
                        n + 1,
                        step.id,
                        c + 1,
                        res.label.en,
                        last.exit,
                        short(&last.output)
                    ),
                });
            }
        }
    }
    if issues.is_empty() {
        Ok(())
    } else {
        Err(LessonError { file: lesson.file.clone(), issues })
    }
}

/// Checks what no single file can: lesson ids are unique across the set.
pub fn validate_set(lessons: &[Lesson]) -> Vec<LessonError> {
    let mut errs = Vec::new();
    for (i, l) in lessons.iter().enumerate() {
        if let Some(first) = lessons[..i].iter().find(|o| o.id == l.id) {
            errs.push(LessonError {
                file: l.file.clone(),
                issues: vec![LessonIssue { line: l.line, message: format!("lesson id `{}` is already used by {}:{}", l.id, first.file, first.line) }],
            });
        }
    }
    errs
}

/// What `lessons try` found: each check's verdict after the given commands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TryReport {
    /// (label, passed) per check, in the step's order.
    pub checks: Vec<(super::Text, bool)>,
    /// What the given commands printed (stdout and stderr), and the last exit status.
    pub output: String,
    pub exit: i32,
}

impl TryReport {
    pub fn passed(&self) -> bool {
        self.checks.iter().all(|(_, p)| *p)
    }
}

/// Plays `lesson` up to step `step_id` — its start, each earlier step's start and reference
/// solution, then the step's own start — types `commands`, and evaluates the step's checks:
/// what an author does to try an alternative or a cheat (`etcd-playground lessons try`).
pub fn try_step(lesson: &Lesson, step_id: &str, commands: &[String]) -> Result<TryReport, String> {
    if lesson.step(step_id).is_none() {
        let ids: Vec<&str> = lesson.steps.iter().map(|s| s.id.as_str()).collect();
        return Err(format!("lesson `{}` has no step `{step_id}` (steps: {})", lesson.id, ids.join(", ")));
    }
    let (mut session, mut last) = start_session(lesson)?;
    for step in &lesson.steps {
        if let Some(fresh) = enter_step(&mut session, step).map_err(|e| format!("step `{}`: {e}", step.id))? {
            last = fresh;
        }
        if step.id == step_id {
            let mut output = String::new();
            for cmd in commands {
                for line in cmd.split('\n') {
                    let r = session.execute(line);
                    output.push_str(&r.text());
                    if !r.needs_more {
                        last = LastRun::from(&r);
                    }
                }
            }
            let checks = evaluate(step, &session, &last).into_iter().map(|r| (r.label, r.passed)).collect();
            return Ok(TryReport { checks, output, exit: last.exit });
        }
        for cmd in &step.solution {
            last = run(&mut session, cmd);
        }
    }
    Err(format!("lesson `{}` has no step `{step_id}`", lesson.id))
}
