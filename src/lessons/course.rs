//! The shipped course: the lesson files under `lessons/`.
//!
//! Natively (`cargo test`, `lessons check`, `run`) the files are built into the program. The
//! page does not carry them: it fetches `lessons/index.json` (written at build time by
//! `etcd-playground lessons index`, see [`index_json`]), shows the list from it, and fetches a
//! lesson's file when it is opened. `tests/lessons.rs` proves each lesson with its own solution.

use super::{Lesson, Text};
use serde_json::Value;

/// (file, text) of every shipped lesson, in course order.
#[cfg(not(target_arch = "wasm32"))]
pub const COURSE: &[(&str, &str)] = &[
    ("lessons/01-what-is-etcd.toml", include_str!("../../lessons/01-what-is-etcd.toml")),
    ("lessons/02-etcd-in-kubernetes.toml", include_str!("../../lessons/02-etcd-in-kubernetes.toml")),
    ("lessons/03-certificates.toml", include_str!("../../lessons/03-certificates.toml")),
    ("lessons/04-talking-to-etcd.toml", include_str!("../../lessons/04-talking-to-etcd.toml")),
    ("lessons/05-revisions.toml", include_str!("../../lessons/05-revisions.toml")),
    ("lessons/06-snapshot-plain.toml", include_str!("../../lessons/06-snapshot-plain.toml")),
    ("lessons/07-snapshot-tls.toml", include_str!("../../lessons/07-snapshot-tls.toml")),
    ("lessons/08-restore.toml", include_str!("../../lessons/08-restore.toml")),
    ("lessons/09-leases-and-watch.toml", include_str!("../../lessons/09-leases-and-watch.toml")),
    ("lessons/10-troubleshooting-tls.toml", include_str!("../../lessons/10-troubleshooting-tls.toml")),
    ("lessons/11-cka-practice.toml", include_str!("../../lessons/11-cka-practice.toml")),
    ("lessons/12-download-etcd.toml", include_str!("../../lessons/12-download-etcd.toml")),
    ("lessons/13-cka-exam.toml", include_str!("../../lessons/13-cka-exam.toml")),
    ("lessons/14-etcd-cluster.toml", include_str!("../../lessons/14-etcd-cluster.toml")),
    ("lessons/15-cluster-recovery.toml", include_str!("../../lessons/15-cluster-recovery.toml")),
];

/// The shipped lessons, parsed. A lesson that fails to parse is left out (the test suite
/// makes sure none does).
#[cfg(not(target_arch = "wasm32"))]
pub fn course() -> Vec<Lesson> {
    COURSE.iter().filter_map(|(f, t)| Lesson::parse_file(f, t).ok()).collect()
}

/// Where the page finds the course's index, relative to the page.
pub const INDEX: &str = "lessons/index.json";

/// One entry of the lesson list: what the page shows (and counts progress against) before
/// the lesson's file is fetched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Card {
    /// The lesson file's path relative to the page, e.g. `lessons/01-what-is-etcd.toml`.
    pub file: String,
    pub id: String,
    pub title: Text,
    pub summary: Text,
    /// The steps' ids, in order (progress is kept by step id).
    pub steps: Vec<String>,
}

impl Card {
    /// The card of a lesson whose file is `lessons/<file name of lesson.file>`.
    pub fn of(l: &Lesson) -> Card {
        let name = l.file.rsplit(['/', '\\']).next().unwrap_or(&l.file);
        Card { file: format!("lessons/{name}"), id: l.id.clone(), title: l.title.clone(), summary: l.summary.clone(), steps: l.steps.iter().map(|s| s.id.clone()).collect() }
    }
}

#[cfg(not(target_arch = "wasm32"))]
/// The text of `lessons/index.json` for these lessons (in this order): what the page needs to
/// list them. Files are named relative to the index's folder.
pub fn index_json(lessons: &[Lesson]) -> String {
    use serde_json::json;
    let text = |t: &Text| json!({ "en": t.en, "pt": t.pt });
    let list: Vec<Value> = lessons
        .iter()
        .map(|l| {
            let c = Card::of(l);
            json!({
                "file": c.file.trim_start_matches("lessons/"),
                "id": c.id,
                "title": text(&c.title),
                "summary": text(&c.summary),
                "steps": c.steps,
            })
        })
        .collect();
    let mut s = serde_json::to_string_pretty(&json!({ "lessons": list })).unwrap_or_default();
    s.push('\n');
    s
}

/// Reads `lessons/index.json`. Every entry needs a plain file name (no folder, not hidden),
/// an id, both languages of title and summary, and its step ids.
pub fn parse_index(text: &str) -> Result<Vec<Card>, String> {
    let v: Value = serde_json::from_str(text).map_err(|e| format!("{INDEX}: {e}"))?;
    let list = v.get("lessons").and_then(Value::as_array).ok_or_else(|| format!("{INDEX}: no \"lessons\" list"))?;
    let mut cards = Vec::with_capacity(list.len());
    for (i, e) in list.iter().enumerate() {
        let bad = |what: &str| format!("{INDEX}: lesson {}: {what}", i + 1);
        let s = |k: &str| e.get(k).and_then(Value::as_str).filter(|s| !s.is_empty()).map(str::to_string);
        let t = |k: &str| -> Option<Text> {
            let o = e.get(k)?;
            let (en, pt) = (o.get("en")?.as_str()?, o.get("pt")?.as_str()?);
            Some(Text::new(en, pt))
        };
        let file = s("file").filter(|f| !f.contains(['/', '\\']) && !f.starts_with('.')).ok_or_else(|| bad("\"file\" must be a file name in lessons/"))?;
        let id = s("id").ok_or_else(|| bad("no \"id\""))?;
        let title = t("title").ok_or_else(|| bad("\"title\" needs \"en\" and \"pt\""))?;
        let summary = t("summary").ok_or_else(|| bad("\"summary\" needs \"en\" and \"pt\""))?;
        let steps = e.get("steps").and_then(Value::as_array).ok_or_else(|| bad("no \"steps\" list"))?;
        let steps = steps.iter().map(|s| s.as_str().map(str::to_string)).collect::<Option<Vec<_>>>().ok_or_else(|| bad("a step id is not a string"))?;
        cards.push(Card { file: format!("lessons/{file}"), id, title, summary, steps });
    }
    Ok(cards)
}
