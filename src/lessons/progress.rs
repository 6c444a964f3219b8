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
    /// Steps the learner moved past (Next, or the step list) without passing them. A step
    /// leaves this set when it passes.
    #[serde(default)]
    pub skipped: SortedSet<String>,
    /// The seed of the lesson's `[vars]` draw for this attempt (see `exam::draw`); a new one
    /// on "restart lesson".
    #[serde(default)]
    pub seed: u64,
    /// An exam lesson's attempt: its clock and score.
    #[serde(default)]
    pub attempt: Option<super::exam::Attempt>,
}

/// Where one step stands for the learner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepStatus {
    /// Its checks all held once: it stays passed, whatever the learner does afterwards.
    Passed,
    /// Left without passing.
    Skipped,
    Todo,
}

/// What the panel says under the open step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Banner {
    /// Every step passed.
    LessonComplete,
    /// This step passed; others are still to do.
    StepDone,
    /// The last step passed, but these steps (1-based) have not.
    LastDoneOthersLeft(Vec<usize>),
}

impl Progress {
    pub fn lesson(&mut self, id: &str) -> &mut LessonProgress {
        self.lessons.entry(id.to_string()).or_default()
    }

    /// Marks a step done (its checks all passed): it stays done, and is no longer skipped.
    pub fn complete_step(&mut self, lesson: &str, step: &str) {
        let p = self.lesson(lesson);
        p.completed.insert(step.to_string());
        p.skipped.remove(step);
    }

    /// The learner goes from the current step to step `to` (clamped): a step left forward
    /// without passing is marked skipped.
    pub fn go_to(&mut self, lesson: &Lesson, to: usize) {
        let n = lesson.steps.len();
        let p = self.lesson(&lesson.id);
        let from = p.current_step.min(n.saturating_sub(1));
        let to = to.min(n.saturating_sub(1));
        if to > from {
            for s in &lesson.steps[from..to] {
                if !p.completed.contains(&s.id) {
                    p.skipped.insert(s.id.clone());
                }
            }
        }
        p.current_step = to;
    }

    /// Where a step stands.
    pub fn status(&self, lesson: &str, step: &str) -> StepStatus {
        match self.lessons.get(lesson) {
            Some(p) if p.completed.contains(step) => StepStatus::Passed,
            Some(p) if p.skipped.contains(step) => StepStatus::Skipped,
            _ => StepStatus::Todo,
        }
    }

    /// What to say under step `i`, if anything: "lesson complete" only when every step
    /// passed — never because the last one did after others were skipped.
    pub fn banner(&self, lesson: &Lesson, i: usize) -> Option<Banner> {
        if self.is_complete(lesson) {
            return Some(Banner::LessonComplete);
        }
        let step = lesson.steps.get(i)?;
        if self.status(&lesson.id, &step.id) != StepStatus::Passed {
            return None;
        }
        if i + 1 < lesson.steps.len() {
            return Some(Banner::StepDone);
        }
        let left = lesson.steps.iter().enumerate().filter(|(_, s)| self.status(&lesson.id, &s.id) != StepStatus::Passed).map(|(k, _)| k + 1).collect();
        Some(Banner::LastDoneOthersLeft(left))
    }

    /// The lesson as this learner's attempt sees it: its `[vars]` drawn from the attempt's
    /// seed (the lesson itself when it has none).
    pub fn instance(&self, lesson: &Lesson) -> Lesson {
        if lesson.vars.is_empty() {
            return lesson.clone();
        }
        super::exam::instantiate(lesson, self.lessons.get(&lesson.id).map_or(0, |p| p.seed))
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

    /// Forgets a lesson's progress.
    pub fn reset(&mut self, lesson: &str) {
        self.lessons.remove(lesson);
    }

    /// Starts a fresh attempt of the lesson: progress forgotten, a new seed for its `[vars]`
    /// and, for an exam, a new clock from `now_ms`.
    pub fn new_attempt(&mut self, lesson: &Lesson, seed: u64, now_ms: u64) {
        self.lessons.remove(&lesson.id);
        let p = self.lesson(&lesson.id);
        p.seed = seed;
        if lesson.exam {
            p.attempt = Some(super::exam::Attempt::new(lesson, seed, now_ms));
        }
    }

    /// The open exam's attempt, if the lesson is an exam being taken.
    pub fn attempt(&self, lesson: &str) -> Option<&super::exam::Attempt> {
        self.lessons.get(lesson)?.attempt.as_ref()
    }

    pub fn attempt_mut(&mut self, lesson: &str) -> Option<&mut super::exam::Attempt> {
        self.lessons.get_mut(lesson)?.attempt.as_mut()
    }

    /// Whether hints, solutions and teaching notes are locked: an exam still running.
    pub fn locked(&self, lesson: &Lesson) -> bool {
        lesson.exam && self.attempt(&lesson.id).is_some_and(|a| !a.finished)
    }
}

/// The exported progress file's `format` field.
pub const EXPORT_FORMAT: &str = "etcd-playground-progress";
/// The version this page writes and the newest it reads.
pub const EXPORT_VERSION: u64 = 1;
/// Files larger than this are refused on import.
pub const EXPORT_MAX_BYTES: usize = 1 << 20;

/// Why a progress file was refused, in both languages.
pub type ImportError = crate::i18n::Text;

impl Progress {
    /// The learner's progress as a small versioned JSON file (what passed, what was skipped,
    /// hints and solutions seen, exam scores), for an instructor or another browser.
    pub fn export(&self, learner: &str, lessons: &[Lesson]) -> String {
        use serde_json::{json, Map, Value};
        let mut out = Map::new();
        for (id, p) in self.lessons.iter() {
            let mut l = Map::new();
            l.insert("passed".into(), json!(p.completed.iter().collect::<Vec<_>>()));
            l.insert("skipped".into(), json!(p.skipped.iter().collect::<Vec<_>>()));
            let hints: Map<String, Value> = p.hints_revealed.iter().filter(|(_, n)| **n > 0).map(|(k, n)| (k.clone(), json!(n))).collect();
            l.insert("hints".into(), Value::Object(hints));
            l.insert("solutions".into(), json!(p.solution_shown.iter().collect::<Vec<_>>()));
            if let (Some(a), Some(lesson)) = (&p.attempt, lessons.iter().find(|x| &x.id == id)) {
                let sc = a.score(lesson);
                let tasks: Map<String, Value> = sc.tasks.iter().map(|t| (t.step.clone(), json!(t.passed))).collect();
                l.insert("exam".into(), json!({ "finished": a.finished, "passed": sc.passed, "total": sc.total, "tasks": tasks }));
            }
            out.insert(id.clone(), Value::Object(l));
        }
        let v = json!({ "format": EXPORT_FORMAT, "version": EXPORT_VERSION, "learner": learner, "lessons": out });
        serde_json::to_string_pretty(&v).unwrap_or_default() + "\n"
    }

    /// Reads an exported progress file: (learner, progress). Anything off — not JSON, another
    /// kind of file, a newer version, a field of the wrong type — is refused with a reason.
    pub fn import(text: &str) -> Result<(String, Progress), ImportError> {
        use serde_json::Value;
        if text.len() > EXPORT_MAX_BYTES {
            return Err(ImportError::new("This file is too large to be a progress file (over 1 MiB).", "Este arquivo é grande demais para ser um arquivo de progresso (mais de 1 MiB)."));
        }
        let v: Value = serde_json::from_str(text).map_err(|e| ImportError::new(format!("This is not a progress file: it is not valid JSON ({e})."), format!("Este não é um arquivo de progresso: não é um JSON válido ({e}).")))?;
        let not_ours = || ImportError::new(format!("This JSON file is not a progress file of this playground (its \"format\" is not \"{EXPORT_FORMAT}\")."), format!("Este arquivo JSON não é um arquivo de progresso deste playground (o \"format\" não é \"{EXPORT_FORMAT}\")."));
        let o = v.as_object().ok_or_else(not_ours)?;
        if o.get("format").and_then(Value::as_str) != Some(EXPORT_FORMAT) {
            return Err(not_ours());
        }
        let version = o.get("version").and_then(Value::as_u64).ok_or_else(|| bad("version", "a whole number", "um número inteiro"))?;
        if version > EXPORT_VERSION || version == 0 {
            return Err(ImportError::new(
                format!("This progress file has version {version}; this page reads version {EXPORT_VERSION}. Open it in a newer playground."),
                format!("Este arquivo de progresso tem a versão {version}; esta página lê a versão {EXPORT_VERSION}. Abra-o num playground mais novo."),
            ));
        }
        let learner = match o.get("learner") {
            None | Some(Value::Null) => String::new(),
            Some(Value::String(s)) if s.chars().count() <= 100 => s.clone(),
            Some(_) => return Err(bad("learner", "a name of at most 100 characters", "um nome de até 100 caracteres")),
        };
        let lessons = o.get("lessons").and_then(Value::as_object).ok_or_else(|| bad("lessons", "an object (lesson id → progress)", "um objeto (id da lição → progresso)"))?;
        let mut p = Progress::default();
        for (id, l) in lessons {
            if !valid_id(id) {
                return Err(bad(&format!("lessons.{id}"), "a lesson id", "um id de lição"));
            }
            let l = l.as_object().ok_or_else(|| bad(&format!("lessons.{id}"), "an object", "um objeto"))?;
            let ids = |k: &str| -> Result<Vec<String>, ImportError> {
                match l.get(k) {
                    None => Ok(Vec::new()),
                    Some(Value::Array(a)) => a.iter().map(|x| x.as_str().filter(|s| valid_id(s)).map(str::to_string).ok_or_else(|| bad(&format!("lessons.{id}.{k}"), "a list of step ids", "uma lista de ids de passos"))).collect(),
                    Some(_) => Err(bad(&format!("lessons.{id}.{k}"), "a list of step ids", "uma lista de ids de passos")),
                }
            };
            let lp = p.lesson(id);
            lp.completed = ids("passed")?.into_iter().collect();
            lp.skipped = ids("skipped")?.into_iter().filter(|s| !lp.completed.contains(s)).collect();
            lp.solution_shown = ids("solutions")?.into_iter().collect();
            match l.get("hints") {
                None => {}
                Some(Value::Object(h)) => {
                    for (step, n) in h {
                        let n = n.as_u64().filter(|n| *n <= 100 && valid_id(step)).ok_or_else(|| bad(&format!("lessons.{id}.hints"), "step ids with a count of hints", "ids de passos com um número de dicas"))?;
                        lp.hints_revealed.insert(step.clone(), n as usize);
                    }
                }
                Some(_) => return Err(bad(&format!("lessons.{id}.hints"), "an object", "um objeto")),
            }
        }
        Ok((learner, p))
    }

    /// Adds another browser's progress to this one: a step passed in either is passed, the
    /// most hints seen count. What this browser is doing right now (current step, exam
    /// attempt, applied starts) is kept.
    pub fn merge(&mut self, other: &Progress) {
        for (id, o) in other.lessons.iter() {
            let p = self.lesson(id);
            for s in o.completed.iter() {
                p.completed.insert(s.clone());
                p.skipped.remove(s);
            }
            for s in o.skipped.iter() {
                if !p.completed.contains(s) {
                    p.skipped.insert(s.clone());
                }
            }
            for s in o.solution_shown.iter() {
                p.solution_shown.insert(s.clone());
            }
            for (s, n) in o.hints_revealed.iter() {
                let m = p.hints_revealed.entry(s.clone()).or_insert(0);
                *m = (*m).max(*n);
            }
        }
    }
}

fn valid_id(s: &str) -> bool {
    !s.is_empty() && s.len() <= 100 && s.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
}

fn bad(field: &str, en: &str, pt: &str) -> ImportError {
    ImportError::new(format!("This progress file is damaged: \"{field}\" must be {en}."), format!("Este arquivo de progresso está danificado: \"{field}\" deve ser {pt}."))
}

/// One learner's row in the class view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClassRow {
    /// The learner's name from the file, or the file's name when it has none.
    pub learner: String,
    pub progress: Progress,
}

/// The class view: the progress files an instructor opened, one row per learner, and the
/// files refused (file name, why).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Class {
    pub rows: Vec<ClassRow>,
    pub refused: Vec<(String, ImportError)>,
}

impl Class {
    /// Reads (file name, text) pairs; rows sorted by learner.
    pub fn read(files: &[(String, String)]) -> Class {
        let mut c = Class::default();
        for (name, text) in files {
            match Progress::import(text) {
                Ok((learner, progress)) => c.rows.push(ClassRow { learner: if learner.trim().is_empty() { name.clone() } else { learner }, progress }),
                Err(e) => c.refused.push((name.clone(), e)),
            }
        }
        crate::sort::sort_by(&mut c.rows, |a, b| a.learner.cmp(&b.learner));
        c
    }

    /// A row's cell for one lesson: a mark per step (✓ passed, ↷ skipped, · not yet) and
    /// the count passed.
    pub fn cell(row: &ClassRow, lesson: &str, steps: &[String]) -> (String, usize) {
        let marks: String = steps
            .iter()
            .map(|s| match row.progress.status(lesson, s) {
                StepStatus::Passed => '✓',
                StepStatus::Skipped => '↷',
                StepStatus::Todo => '·',
            })
            .collect();
        let done = steps.iter().filter(|s| row.progress.status(lesson, s) == StepStatus::Passed).count();
        (marks, done)
    }
}

/// The state a step starts from, for "restart this step" on a step without a start of its
/// own: the lesson (or the nearest earlier step with its own `scenario`) started afresh and
/// the earlier steps' reference solutions played, as `lessons check` plays them.
pub fn state_before(lesson: &Lesson, i: usize) -> Result<(crate::shell::Session, super::LastRun), String> {
    let i = i.min(lesson.steps.len());
    let from = lesson.steps[..i].iter().rposition(|s| s.scenario.is_some());
    let (mut session, mut last) = match from {
        Some(_) => (crate::shell::Session::new("plain")?, super::LastRun::default()),
        None => super::verify::start_session(lesson)?,
    };
    let kept = session.history.len();
    for step in &lesson.steps[from.unwrap_or(0)..i] {
        if let Some(fresh) = super::enter_step(&mut session, step).map_err(|e| e.message)? {
            last = fresh;
        }
        for cmd in &step.solution {
            for line in cmd.split('\n') {
                let r = session.execute(line);
                if !r.needs_more {
                    last = super::LastRun::from(&r);
                }
            }
        }
    }
    // The replay is not the learner's typing: keep it out of the arrow keys.
    session.history.truncate(kept);
    Ok((session, last))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lessons::{CheckResult, Text};

    fn lesson() -> Lesson {
        let text = crate::lessons::course::COURSE.iter().find(|(f, _)| f.contains("01-")).unwrap().1;
        Lesson::parse_file("lessons/01.toml", text).unwrap()
    }

    fn res(passed: bool) -> Vec<CheckResult> {
        vec![CheckResult { label: Text::new("c", "c"), passed }]
    }

    #[test]
    fn a_passed_step_stays_passed_and_skipping_never_completes_the_lesson() {
        let l = lesson();
        let n = l.steps.len();
        assert!(n >= 3);
        let (a, b) = (&l.steps[0].id, &l.steps[1].id);
        let mut p = Progress::default();
        assert!(p.record(&l, a, &res(true)));
        // Another command later: the live check goes back to not-yet; the step stays passed.
        assert!(p.record(&l, a, &res(false)));
        assert_eq!(p.status(&l.id, a), StepStatus::Passed);
        assert_eq!(p.banner(&l, 0), Some(Banner::StepDone));
        // Next, Next, … to the last step without doing them: skipped, not complete.
        p.go_to(&l, 1);
        assert_eq!(p.status(&l.id, b), StepStatus::Todo);
        p.go_to(&l, n - 1);
        assert_eq!(p.status(&l.id, b), StepStatus::Skipped);
        assert_eq!(p.status(&l.id, a), StepStatus::Passed, "a passed step is never marked skipped");
        assert_eq!(p.banner(&l, n - 1), None);
        p.record(&l, &l.steps[n - 1].id, &res(true));
        assert!(!p.is_complete(&l));
        let left: Vec<usize> = (2..n).collect();
        assert_eq!(p.banner(&l, n - 1), Some(Banner::LastDoneOthersLeft(left)));
        // Going back is not skipping; passing a skipped step clears the mark.
        p.go_to(&l, 1);
        p.record(&l, b, &res(true));
        assert_eq!(p.status(&l.id, b), StepStatus::Passed);
        for s in &l.steps {
            p.complete_step(&l.id, &s.id);
        }
        assert!(p.is_complete(&l));
        assert_eq!(p.banner(&l, 0), Some(Banner::LessonComplete));
        assert!(p.lessons.get(&l.id).unwrap().skipped.is_empty());
        // Empty results (no checks, or the lessons code missing) never pass a step.
        let mut q = Progress::default();
        assert!(!q.record(&l, a, &[]));
    }

    #[test]
    fn progress_with_the_new_fields_survives_cbor_and_old_saves_still_load() {
        let l = lesson();
        let mut p = Progress::default();
        p.new_attempt(&l, 42, 1000);
        p.go_to(&l, 2);
        let mut bytes = Vec::new();
        ciborium::into_writer(&p, &mut bytes).unwrap();
        let back: Progress = ciborium::from_reader(bytes.as_slice()).unwrap();
        assert_eq!(back, p);
        assert_eq!(back.lessons.get(&l.id).unwrap().seed, 42);
        assert!(back.attempt(&l.id).is_none(), "a practice lesson has no exam attempt");
    }

    #[test]
    fn export_import_round_trip_and_merge() {
        let l = lesson();
        let mut p = Progress::default();
        p.complete_step(&l.id, &l.steps[0].id);
        p.go_to(&l, 2);
        p.reveal_hint(&l, &l.steps[1].id);
        p.lesson(&l.id).solution_shown.insert(l.steps[1].id.clone());
        let file = p.export("Ana Souza", std::slice::from_ref(&l));
        let v: serde_json::Value = serde_json::from_str(&file).unwrap();
        assert_eq!(v["format"], EXPORT_FORMAT);
        assert_eq!(v["version"], 1);
        assert_eq!(v["lessons"][&l.id]["passed"][0], l.steps[0].id.as_str());
        let (who, back) = Progress::import(&file).unwrap();
        assert_eq!(who, "Ana Souza");
        for s in &l.steps {
            assert_eq!(back.status(&l.id, &s.id), p.status(&l.id, &s.id), "{}", s.id);
        }
        assert_eq!(back.hints_shown(&l.id, &l.steps[1].id), 1);
        // Merging into another browser's progress: passed wins over skipped, hints take the max.
        let mut here = Progress::default();
        here.complete_step(&l.id, &l.steps[1].id);
        here.merge(&back);
        assert_eq!(here.status(&l.id, &l.steps[0].id), StepStatus::Passed);
        assert_eq!(here.status(&l.id, &l.steps[1].id), StepStatus::Passed);
        assert_eq!(here.hints_shown(&l.id, &l.steps[1].id), 1);
    }

    #[test]
    fn import_refuses_what_is_not_a_valid_progress_file_in_both_languages() {
        let cases = [
            ("not json", "not valid JSON", "não é um JSON válido"),
            ("{\"a\": 1}", "is not a progress file", "não é um arquivo de progresso"),
            ("[1,2]", "is not a progress file", "não é um arquivo de progresso"),
            ("{\"format\":\"etcd-playground-progress\",\"version\":9,\"lessons\":{}}", "has version 9", "tem a versão 9"),
            ("{\"format\":\"etcd-playground-progress\",\"lessons\":{}}", "\"version\" must be", "\"version\" deve ser"),
            ("{\"format\":\"etcd-playground-progress\",\"version\":1}", "\"lessons\" must be", "\"lessons\" deve ser"),
            ("{\"format\":\"etcd-playground-progress\",\"version\":1,\"lessons\":{\"x\":{\"passed\":[1]}}}", "\"lessons.x.passed\"", "\"lessons.x.passed\""),
            ("{\"format\":\"etcd-playground-progress\",\"version\":1,\"lessons\":{\"x\":{\"hints\":{\"s\":-1}}}}", "\"lessons.x.hints\"", "\"lessons.x.hints\""),
            ("{\"format\":\"etcd-playground-progress\",\"version\":1,\"learner\":7,\"lessons\":{}}", "\"learner\"", "\"learner\""),
        ];
        for (text, en, pt) in cases {
            let e = Progress::import(text).unwrap_err();
            assert!(e.en.contains(en), "{text}: {}", e.en);
            assert!(e.pt.contains(pt), "{text}: {}", e.pt);
        }
        let big = format!("{{\"format\":\"{EXPORT_FORMAT}\",\"version\":1,\"lessons\":{{}},\"pad\":\"{}\"}}", "x".repeat(EXPORT_MAX_BYTES));
        assert!(Progress::import(&big).unwrap_err().en.contains("too large"));
    }

    #[test]
    fn the_class_view_reads_several_files_and_lists_refused_ones() {
        let l = lesson();
        let steps: Vec<String> = l.steps.iter().map(|s| s.id.clone()).collect();
        let mut a = Progress::default();
        a.complete_step(&l.id, &steps[0]);
        a.go_to(&l, 2);
        let mut b = Progress::default();
        for s in &steps {
            b.complete_step(&l.id, s);
        }
        let files = vec![
            ("zoe.json".to_string(), a.export("Zoe", &[])),
            ("bruno.json".to_string(), b.export("Bruno", &[])),
            ("noname.json".to_string(), Progress::default().export("", &[])),
            ("broken.json".to_string(), "{".to_string()),
        ];
        let c = Class::read(&files);
        let names: Vec<&str> = c.rows.iter().map(|r| r.learner.as_str()).collect();
        assert_eq!(names, ["Bruno", "Zoe", "noname.json"]);
        assert_eq!(c.refused.len(), 1);
        assert_eq!(c.refused[0].0, "broken.json");
        let (marks, done) = Class::cell(&c.rows[1], &l.id, &steps);
        let mut want = String::from("✓↷");
        want.extend(std::iter::repeat_n('·', steps.len() - 2));
        assert_eq!((marks.as_str(), done), (want.as_str(), 1));
        assert_eq!(Class::cell(&c.rows[0], &l.id, &steps).1, steps.len());
    }

    #[test]
    fn the_state_before_a_step_is_the_earlier_solutions_played() {
        let l = lesson();
        let (s0, _) = state_before(&l, 0).unwrap();
        let (s1, last1) = state_before(&l, 1).unwrap();
        let r0 = crate::lessons::evaluate(&l.steps[0], &s0, &crate::lessons::LastRun::default());
        assert!(!r0.iter().all(|r| r.passed), "before step 1 nothing is done");
        let r1 = crate::lessons::evaluate(&l.steps[0], &s1, &last1);
        assert!(r1.iter().all(|r| r.passed), "before step 2, step 1's solution has run");
        assert!(s1.history.is_empty(), "the replay stays out of the history");
    }
}
