//! Proving lessons: every reference solution, run from the lesson's scenario through
//! `Session::execute`, must make its step's checks pass; and ids are unique across a course.

use super::check::{evaluate, LastRun};
use super::format::{LessonError, LessonIssue};
use super::Lesson;
use crate::shell::Session;

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
    for (i, cmd) in lesson.setup.iter().enumerate() {
        let last = run(&mut session, cmd);
        if last.exit != 0 {
            return Err(format!("setup command {} `{cmd}` failed (exit {}): {}", i + 1, last.exit, short(&last.output)));
        }
    }
    // Setup output is not the learner's: checks on the last command start from nothing.
    Ok((session, LastRun::default()))
}

/// Plays the lesson from its scenario: setup, then each step's solution, checking that each
/// step is not already solved before its solution and is solved after it.
pub fn verify(lesson: &Lesson) -> Result<(), LessonError> {
    let mut issues = Vec::new();
    let (mut session, mut last) = match start_session(lesson) {
        Ok(x) => x,
        Err(e) => return Err(LessonError { file: lesson.file.clone(), issues: vec![LessonIssue { line: lesson.line, message: e }] }),
    };
    for (n, step) in lesson.steps.iter().enumerate() {
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
