//! Lessons: bilingual, file-based exercises checked on the state a learner leaves behind.
//!
//! A lesson is one TOML file (see `lessons/README.md`): an id, a start scenario, optional setup
//! commands, a title and summary, and steps. A step has instructions (Markdown), hints revealed
//! one at a time, a reference solution (commands) and checks, and may start from a state of
//! its own (`scenario`, `setup`: see [`verify::enter_step`]). Every text exists in `en` and
//! `pt`; a missing or empty one is a validation error that names the file and line.
//!
//! Checks look at the **resulting state** — keys in etcd, files in the vfs, shell variables,
//! the last command's output and exit status — never at the typed string, so any correct way
//! of getting there passes.
//!
//! ```
//! use etcd_playground::lessons::{Lesson, LastRun, evaluate};
//! use etcd_playground::shell::Session;
//! let lesson = Lesson::parse_file("demo.toml", r#"
//! id = "demo"
//! scenario = "plain"
//! title = { en = "Demo", pt = "Demonstração" }
//! summary = { en = "Put one key.", pt = "Grave uma chave." }
//! [[steps]]
//! id = "put"
//! title = { en = "Put", pt = "Grave" }
//! instructions = { en = "Store `k1`.", pt = "Grave `k1`." }
//! solution = ["etcdctl put k1 AAA"]
//! [[steps.checks]]
//! kind = "key"
//! key = "k1"
//! value = "AAA"
//! "#).unwrap();
//! let mut s = Session::new("plain").unwrap();
//! assert!(!evaluate(&lesson.steps[0], &s, &LastRun::default())[0].passed);
//! let r = s.execute("etcdctl put k1 AAA");
//! assert!(evaluate(&lesson.steps[0], &s, &LastRun::from(&r))[0].passed);
//! ```
//!
//! Architecture invariant: the lesson engine knows no particular lesson; lessons are data.

pub mod check;
pub mod course;
pub mod exam;
pub mod format;
pub mod progress;
pub mod toml_lite;
pub mod verify;

pub use check::{evaluate, score, Check, CheckResult, LastRun, Score};
pub use format::{LessonError, LessonIssue};
pub use progress::{LessonProgress, Progress};
pub use verify::{enter_step, start_session, try_step, validate_set, verify, StartError, TryReport};

use serde::{Deserialize, Serialize};

/// A text in both languages of the page ([`crate::i18n::Text`]).
pub use crate::i18n::Text;

/// A parsed, validated lesson.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lesson {
    pub id: String,
    /// The scenario a session starts from (see [`crate::cluster::scenario::SCENARIOS`]).
    pub scenario: String,
    /// Commands run, silently, after the scenario is built and before step 1.
    pub setup: Vec<String>,
    pub title: Text,
    pub summary: Text,
    pub steps: Vec<Step>,
    /// For exam-style lessons: the time allowed, in minutes (the page shows a timer and, at
    /// the end, [`check::score`]).
    pub time_limit_minutes: Option<u32>,
    /// `mode = "exam"`: the page runs it as an exam (see [`exam`]): a countdown, no live
    /// ticks, hints/solution/teaching notes locked until the end, a score per task.
    #[serde(default)]
    pub exam: bool,
    /// Per-attempt variables (`[vars]`): each attempt draws one choice per variable from its
    /// seed; `{{name}}` in any text, setup, solution or check stands for it ([`exam::instantiate`]).
    #[serde(default)]
    pub vars: Vec<Var>,
    /// The file the lesson came from (for messages), e.g. `lessons/01-what-is-etcd.toml`.
    pub file: String,
    /// Line of the `id` key (for set-wide messages such as duplicate ids).
    pub line: usize,
}

/// One `[vars]` entry: a name and the values an attempt may draw.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Var {
    pub name: String,
    pub choices: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    pub id: String,
    /// The step's own start: a fresh session from this scenario when the learner enters the
    /// step (see [`verify::enter_step`]). None: the step goes on from the state before it.
    pub scenario: Option<String>,
    /// Commands run, silently, when the learner enters the step (after `scenario`, if any).
    pub setup: Vec<String>,
    /// Line of each `setup` command in the file, for messages.
    #[serde(default)]
    pub setup_lines: Vec<usize>,
    pub title: Text,
    /// Markdown.
    pub instructions: Text,
    /// Revealed one at a time, in order.
    pub hints: Vec<Text>,
    /// The reference solution: commands typed in order.
    pub solution: Vec<String>,
    pub checks: Vec<Check>,
    /// Line where the step starts in its file.
    pub line: usize,
    /// Other valid ways to solve the step: each must pass every check (`lessons check`).
    #[serde(default)]
    pub alternatives: Vec<Attempt>,
    /// Ways people cheat or slip (an `echo` of the expected output, a command that failed, a
    /// file made by `touch`/`cp`, ...): each must leave at least one check failing.
    #[serde(default)]
    pub negatives: Vec<Attempt>,
}

/// Commands typed from the state just before a step's solution (`[[steps.alternatives]]`,
/// `[[steps.negatives]]`), with why they are there. For authors: not shown to learners.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Attempt {
    pub why: String,
    pub commands: Vec<String>,
    pub line: usize,
}

impl Lesson {
    /// Parses and validates one lesson file's text (file name `<lesson>` in messages).
    pub fn parse(text: &str) -> Result<Lesson, LessonError> {
        format::parse(text, "<lesson>")
    }

    /// Parses and validates one lesson file; `file` is only used in messages.
    pub fn parse_file(file: &str, text: &str) -> Result<Lesson, LessonError> {
        format::parse(text, file)
    }

    pub fn step(&self, id: &str) -> Option<&Step> {
        self.steps.iter().find(|s| s.id == id)
    }
}

impl Step {
    /// Whether entering the step changes the session (it has a `scenario` or `setup`).
    pub fn has_start(&self) -> bool {
        self.scenario.is_some() || !self.setup.is_empty()
    }
}
