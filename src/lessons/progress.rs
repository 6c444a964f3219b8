//! A learner's progress through the course, saved by the page (serde) across reloads.

use super::Lesson;
use serde::{Deserialize, Serialize};
use crate::sorted_map::{SortedMap, SortedSet};

/// Progress in every lesson, by lesson id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Progress {
    pub lessons: SortedMap<String, LessonProgress>,
}

/// Progress in one lesson: which steps passed, how many hints of each step are shown, the
/// step on screen, and which steps' own start (`scenario`/`setup`) is already applied to
/// the current session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct LessonProgress {
    pub completed: SortedSet<String>,
    pub hints_revealed: SortedMap<String, usize>,
    pub current_step: usize,
    pub solution_shown: SortedSet<String>,
    /// Steps with a `scenario` or `setup` that the learner has entered since the lesson's
    /// session started: their start is applied once, not again on coming back to the step or
    /// after a reload (progress and session are saved together). Emptied when the lesson
    /// starts over; "restart step" removes one.
    #[serde(default)]
    pub started: SortedSet<String>,
}

impl Progress {
    pub fn lesson(&mut self, id: &str) -> &mut LessonProgress {
        self.lessons.entry(id.to_string()).or_default()
    }

    /// Marks a step done (its checks all passed).
    pub fn complete_step(&mut self, lesson: &str, step: &str) {
        self.lesson(lesson).completed.insert(step.to_string());
    }

    /// Records a step's live check results: a step whose checks all pass is completed (and
    /// stays completed). Returns whether it is completed.
    pub fn record(&mut self, lesson: &Lesson, step: &str, results: &[super::CheckResult]) -> bool {
        if !results.is_empty() && results.iter().all(|r| r.passed) {
            self.complete_step(&lesson.id, step);
        }
        self.lessons.get(&lesson.id).is_some_and(|p| p.completed.contains(step))
    }

    /// Reveals the next hint of a step; returns how many are now shown (never more than exist).
    pub fn reveal_hint(&mut self, lesson: &Lesson, step: &str) -> usize {
        let available = lesson.step(step).map_or(0, |s| s.hints.len());
        let n = self.lesson(&lesson.id).hints_revealed.entry(step.to_string()).or_insert(0);
        *n = (*n + 1).min(available);
        *n
    }

    pub fn hints_shown(&self, lesson: &str, step: &str) -> usize {
        self.lessons.get(lesson).and_then(|l| l.hints_revealed.get(step)).copied().unwrap_or(0)
    }

    /// Whether every step of the lesson is completed.
    pub fn is_complete(&self, lesson: &Lesson) -> bool {
        self.lessons.get(&lesson.id).is_some_and(|p| lesson.steps.iter().all(|s| p.completed.contains(&s.id)))
    }

    /// (completed steps, total steps) for the lesson list.
    pub fn counts(&self, lesson: &Lesson) -> (usize, usize) {
        self.counts_of(&lesson.id, lesson.steps.iter().map(|s| s.id.as_str()))
    }

    /// (completed steps, total steps) of the lesson `id` with these step ids (the page's list
    /// knows a lesson's step ids before its file is fetched: see `course::Card`).
    pub fn counts_of<'a>(&self, id: &str, steps: impl ExactSizeIterator<Item = &'a str>) -> (usize, usize) {
        let total = steps.len();
        let done = self.lessons.get(id).map_or(0, |p| steps.filter(|s| p.completed.contains(*s)).count());
        (done, total)
    }

    /// Whether entering `step` must apply its start now (it has one, not yet applied), and
    /// marks it applied. Call it whenever a step becomes the current one.
    pub fn needs_start(&mut self, lesson: &Lesson, step: &super::Step) -> bool {
        step.has_start() && self.lesson(&lesson.id).started.insert(step.id.clone())
    }

    /// Forgets a lesson's progress (the page's "reset lesson").
    pub fn reset(&mut self, lesson: &str) {
        self.lessons.remove(lesson);
    }
}
