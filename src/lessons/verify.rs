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
