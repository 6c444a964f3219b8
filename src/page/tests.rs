//! The page's behaviour, through actions and effects only (no browser).

use super::*;
use crate::lessons::progress::{Banner, StepStatus};

/// Three steps, each done by one key; no step has its own start.
const LESSON: &str = r#"
id = "t-three"
scenario = "plain"
title = { en = "Three keys", pt = "Três chaves" }
summary = { en = "Put a, b and c.", pt = "Grave a, b e c." }

[[steps]]
id = "a"
solution = ["etcdctl put a 1"]
title = { en = "Put a", pt = "Grave a" }
instructions = { en = "Put a.", pt = "Grave a." }
[[steps.checks]]
kind = "key"
key = "a"
value = "1"

[[steps]]
id = "b"
solution = ["etcdctl put b 2"]
title = { en = "Put b", pt = "Grave b" }
instructions = { en = "Put b.", pt = "Grave b." }
[[steps.checks]]
kind = "key"
key = "b"
value = "2"

[[steps]]
id = "c"
solution = ["etcdctl put c 3"]
title = { en = "Put c", pt = "Grave c" }
instructions = { en = "Put c.", pt = "Grave c." }
[[steps.checks]]
kind = "key"
key = "c"
value = "3"
"#;

const EXAM: &str = r#"
id = "t-exam"
scenario = "plain"
mode = "exam"
minutes = 10
title = { en = "Exam", pt = "Prova" }
summary = { en = "Two tasks.", pt = "Duas tarefas." }

[[steps]]
id = "one"
solution = ["etcdctl put one 1"]
title = { en = "One", pt = "Um" }
instructions = { en = "Put one.", pt = "Grave one." }
[[steps.checks]]
kind = "key"
key = "one"
value = "1"

[[steps]]
id = "two"
solution = ["etcdctl put two 2"]
title = { en = "Two", pt = "Dois" }
instructions = { en = "Put two.", pt = "Grave two." }
[[steps.checks]]
kind = "key"
key = "two"
value = "2"
"#;

fn start_with(saved: Saved, owner: bool, journal: Option<&str>, programs: bool, codec: bool) -> (Model, Vec<Effect>) {
    Model::start(Start { saved, owner, journal: journal.map(str::to_string), browser_lang: Lang::En, programs, codec, now_ms: 1_700_000_000_000 })
}

/// A stored session on the `plain` scenario (etcdctl needs no TLS flags there).
fn plain() -> Saved {
    Saved::Restored(Box::new(Session::new("plain").unwrap()), PageState { lang: Lang::En, ..PageState::default() })
}

fn fresh() -> Model {
    start_with(plain(), true, None, true, true).0
}

fn run(m: &mut Model, line: &str) -> Vec<Effect> {
    m.apply(Action::Run(vec![line.to_string()]))
}

/// What the last complete command printed.
fn output(m: &mut Model, line: &str) -> String {
    run(m, line);
    m.last.output.clone()
}

fn out_lines(m: &Model) -> Vec<String> {
    m.term.lines.iter().filter_map(|l| if let LineKind::Out(s) = &l.kind { Some(s.clone()) } else { None }).collect()
}

fn notes(m: &Model) -> Vec<String> {
    m.term.lines.iter().filter_map(|l| if let LineKind::Note(t) = &l.kind { Some(t.en.clone()) } else { None }).collect()
}

fn with_lesson(text: &str) -> Model {
    let mut m = fresh();
    m.apply(Action::LoadLesson { name: "t.toml".into(), text: text.into() });
    assert!(m.active.is_some(), "the test lesson opens: {:?}", notes(&m));
    m
}

fn lesson(m: &Model) -> Lesson {
    m.attempt_lesson().unwrap()
}

fn writes(fx: &[Effect]) -> Vec<&Effect> {
    fx.iter().filter(|e| matches!(e, Effect::Write { .. })).collect()
}

#[test]
fn a_passed_step_stays_passed_and_the_lesson_completes_only_when_every_step_passed() {
    let mut m = with_lesson(LESSON);
    let id = m.active.clone().unwrap();
    assert_eq!(m.progress.status(&id, "a"), StepStatus::Todo);
    run(&mut m, "etcdctl put a 1");
    assert_eq!(m.progress.status(&id, "a"), StepStatus::Passed);
    // Undoing the work later does not take the pass back.
    run(&mut m, "etcdctl del a");
    assert_eq!(m.progress.status(&id, "a"), StepStatus::Passed);
    // Skip b: it is marked skipped, and passing c does not complete the lesson.
    m.apply(Action::StepTo(2));
    assert_eq!(m.step_index(), 2);
    assert_eq!(m.progress.status(&id, "b"), StepStatus::Skipped);
    run(&mut m, "etcdctl put c 3");
    assert_eq!(m.progress.status(&id, "c"), StepStatus::Passed);
    assert_eq!(m.progress.banner(&lesson(&m), 2), Some(Banner::LastDoneOthersLeft(vec![2])));
    m.apply(Action::StepTo(1));
    run(&mut m, "etcdctl put b 2");
    assert_eq!(m.progress.status(&id, "b"), StepStatus::Passed);
    assert_eq!(m.progress.banner(&lesson(&m), 1), Some(Banner::LessonComplete));
    assert_eq!(m.progress.counts(&lesson(&m)), (3, 3));
}

#[test]
fn restart_step_puts_back_the_state_the_earlier_steps_leave_and_keeps_history() {
    let mut m = with_lesson(LESSON);
    run(&mut m, "etcdctl put a 1");
    m.apply(Action::StepTo(1));
    run(&mut m, "etcdctl put junk x");
    run(&mut m, "etcdctl del a");
    m.apply(Action::RestartStep);
    assert!(notes(&m).iter().any(|n| n.contains("Step 2 starts again")), "{:?}", notes(&m));
    assert_eq!(output(&mut m, "etcdctl get a --print-value-only"), "1\n");
    assert_eq!(output(&mut m, "etcdctl get junk"), "");
    assert!(m.session.history.iter().any(|h| h == "etcdctl put junk x"), "the shell's history stays");
}

#[test]
fn reset_lesson_starts_over_with_no_progress() {
    let mut m = with_lesson(LESSON);
    let id = m.active.clone().unwrap();
    run(&mut m, "etcdctl put a 1");
    m.apply(Action::ResetLesson);
    assert_eq!(m.progress.status(&id, "a"), StepStatus::Todo);
    assert_eq!(output(&mut m, "etcdctl get a"), "");
}

#[test]
fn an_exam_hides_hints_and_notes_until_handed_in_then_scores_its_tasks() {
    let mut m = with_lesson(EXAM);
    let id = m.active.clone().unwrap();
    assert!(m.exam_running());
    let attempt = m.progress.attempt(&id).cloned().unwrap();
    assert_eq!(attempt.ends_ms, m.now_ms + 10 * 60 * 1000, "the exam's clock runs from the page's wall clock");
    m.apply(Action::Hint);
    m.apply(Action::ShowSolution);
    assert_eq!(m.progress.hints_shown(&id, "one"), 0);
    assert!(!m.progress.lessons[&id].solution_shown.contains("one"));
    run(&mut m, "etcdctl put one 1");
    // No "What happened" notes during an exam, and no live pass.
    assert!(!m.term.lines.iter().any(|l| matches!(l.kind, LineKind::Explain(_))));
    assert_eq!(m.progress.status(&id, "one"), StepStatus::Todo);
    m.apply(Action::FinishExam);
    assert!(!m.exam_running());
    assert_eq!(m.progress.status(&id, "one"), StepStatus::Passed);
    assert_ne!(m.progress.status(&id, "two"), StepStatus::Passed);
    let score = m.progress.attempt(&id).unwrap().score(&lesson(&m));
    assert_eq!(score.tasks.iter().filter(|t| t.passed).count(), 1);
}

#[test]
fn lines_naming_a_program_wait_for_its_code_and_then_run_in_order() {
    let (mut m, _) = start_with(plain(), true, None, false, false);
    m.apply(Action::Run(vec!["echo first".into(), "etcdctl put k v".into(), "echo after".into()]));
    // What comes before the first line that needs a program runs now; the rest waits.
    assert_eq!(out_lines(&m), vec!["first"]);
    assert_eq!(m.pending, vec!["etcdctl put k v", "echo after"]);
    // A line with no program still waits behind them, to keep the order.
    run(&mut m, "echo later");
    assert_eq!(m.pending.len(), 3);
    assert_eq!(out_lines(&m), vec!["first"]);
    let fx = m.apply(Action::CodeArrived { codec: true });
    assert!(m.pending.is_empty());
    assert_eq!(out_lines(&m), vec!["first", "OK", "after", "later"]);
    assert!(fx.contains(&Effect::ScheduleSave));
    // Once the code is here nothing waits.
    run(&mut m, "etcdctl get k --print-value-only");
    assert_eq!(out_lines(&m).last().map(String::as_str), Some("v"));
}

#[test]
fn a_line_running_a_program_through_an_alias_waits_for_its_code_too() {
    let (mut m, _) = start_with(plain(), true, None, false, false);
    // (Quoted apart so that this line itself does not name etcdctl, as a restored session's
    // aliases do not; nor etcd, a program of its own on the cluster node.)
    run(&mut m, "alias e=etc''dctl say='echo now'");
    assert!(m.pending.is_empty());
    run(&mut m, "say");
    assert_eq!(out_lines(&m), vec!["now"], "an alias for a first-load program does not wait");
    run(&mut m, "e put k v");
    assert_eq!(m.pending, vec!["e put k v"]);
    m.apply(Action::CodeArrived { codec: true });
    assert_eq!(out_lines(&m), vec!["now", "OK"]);
}

#[test]
fn without_the_codec_the_lines_are_kept_as_a_journal_for_the_next_visit() {
    let (mut m, _) = start_with(Saved::Nothing, true, None, false, false);
    run(&mut m, "echo one");
    run(&mut m, "etcdctl put k v");
    let fx = m.apply(Action::SaveNow(SaveReason::Changed));
    assert_eq!(fx, vec![Effect::WriteJournal { lines: vec!["echo one".into(), "etcdctl put k v".into()], after_save: false }]);
    // A session stored by an earlier visit (that this page cannot read) is never followed by it.
    let (mut m, _) = start_with(Saved::Unopened, true, None, false, false);
    run(&mut m, "echo one");
    assert_eq!(m.apply(Action::SaveNow(SaveReason::Changed)), vec![]);
}

#[test]
fn a_landed_save_clears_the_journal_it_holds_and_later_lines_stay() {
    let mut m = fresh();
    run(&mut m, "etcdctl put a 1");
    let fx = m.apply(Action::SaveNow(SaveReason::Changed));
    let Some(Effect::Write { lines, others, changes, .. }) = writes(&fx).first().cloned().cloned() else { panic!("no write: {fx:?}") };
    assert_eq!((lines, others), (1, 0));
    // A line typed while the save is on its way.
    run(&mut m, "etcdctl put b 2");
    let fx = m.apply(Action::SaveLanded { lines, others, changes });
    assert_eq!(m.journal, vec!["etcdctl put b 2"]);
    assert!(!fx.contains(&Effect::ForgetJournal) && !fx.contains(&Effect::AllSaved), "{fx:?}");
    let fx = m.apply(Action::SaveNow(SaveReason::Changed));
    let Some(Effect::Write { lines, others, changes, .. }) = writes(&fx).first().cloned().cloned() else { panic!() };
    let fx = m.apply(Action::SaveLanded { lines, others, changes });
    assert!(m.journal.is_empty());
    assert!(fx.contains(&Effect::ForgetJournal) && fx.contains(&Effect::AllSaved) && fx.contains(&Effect::EstimateUsage), "{fx:?}");
}

#[test]
fn the_journal_is_kept_at_pagehide_only_when_lines_alone_tell_what_changed() {
    let mut m = fresh();
    run(&mut m, "etcdctl put a 1");
    let fx = m.apply(Action::PageHide);
    assert_eq!(fx[0], Effect::WriteJournal { lines: vec!["etcdctl put a 1".into()], after_save: true });
    assert!(matches!(fx[1], Effect::Write { reason: SaveReason::PageHide, .. }), "{fx:?}");
    // An upload cannot be replayed from lines: no journal until a save holds it.
    m.apply(Action::WriteFile { path: "/root/up.txt".into(), data: b"x".to_vec(), uploaded: true });
    let fx = m.apply(Action::PageHide);
    assert!(!fx.iter().any(|e| matches!(e, Effect::WriteJournal { .. })), "{fx:?}");
    let Some(Effect::Write { lines, others, changes, .. }) = writes(&fx).first().cloned().cloned() else { panic!() };
    assert_eq!(others, 1);
    m.apply(Action::SaveLanded { lines, others, changes });
    run(&mut m, "echo again");
    let fx = m.apply(Action::PageHide);
    assert_eq!(fx[0], Effect::WriteJournal { lines: vec!["echo again".into()], after_save: true });
}

#[test]
fn a_journal_left_by_a_closed_page_runs_again_at_start() {
    let (mut m, fx) = start_with(plain(), true, Some("etcdctl put j 1\nexport X=2"), true, true);
    assert!(fx.contains(&Effect::ScheduleSave), "the page saves once at start");
    assert_eq!(m.journal, vec!["etcdctl put j 1", "export X=2"]);
    assert!(notes(&m).iter().any(|n| n.contains("the 2 command(s) typed then ran again")), "{:?}", notes(&m));
    assert_eq!(output(&mut m, "etcdctl get j --print-value-only"), "1\n");
    assert_eq!(output(&mut m, "echo $X"), "2\n");
    // A tab that does not own the session replays nothing (the owner did).
    let (mut m, _) = start_with(plain(), false, Some("etcdctl put j 1"), true, true);
    assert!(m.journal.is_empty());
    assert_eq!(output(&mut m, "etcdctl get j"), "");
}

#[test]
fn a_restored_session_keeps_its_language_and_says_so() {
    let mut s = Session::new("plain").unwrap();
    s.execute("etcdctl put r 1");
    let page = PageState { lang: Lang::Pt, ..PageState::default() };
    let (mut m, _) = start_with(Saved::Restored(Box::new(s), page), true, None, true, true);
    assert_eq!(m.lang, Lang::Pt);
    assert!(notes(&m).contains(&"Session restored from this browser.".to_string()));
    assert_eq!(output(&mut m, "etcdctl get r --print-value-only"), "1\n");
    // A first visit speaks the browser's language.
    assert_eq!(fresh().lang, Lang::En);
}

#[test]
fn a_refused_save_says_what_to_do_in_both_languages_and_a_landed_one_clears_it() {
    let mut m = fresh();
    run(&mut m, "etcdctl put a 1");
    m.apply(Action::SaveFailed { quota: true });
    let n = m.notice.clone().unwrap();
    assert_eq!(n.kind, NoticeKind::SaveFailed);
    assert!(n.text.en.contains("storage for the page is full") && n.text.en.contains("Download the session file now"), "{}", n.text.en);
    assert!(n.text.pt.contains("está cheio") && n.text.pt.contains("Baixe o arquivo da sessão agora"), "{}", n.text.pt);
    assert!(!n.text.en.contains("Quota") && !n.text.en.contains("JsValue"));
    // The notice's button asks the browser for the session file.
    assert_eq!(m.apply(Action::DownloadSession), vec![Effect::DownloadSession]);
    // The last good save is kept meanwhile: the journal still holds the line.
    assert_eq!(m.journal, vec!["etcdctl put a 1"]);
    // Saving works again: the notice goes.
    let fx = m.apply(Action::SaveNow(SaveReason::Changed));
    let Some(Effect::Write { lines, others, changes, .. }) = writes(&fx).first().cloned().cloned() else { panic!() };
    m.apply(Action::SaveLanded { lines, others, changes });
    assert_eq!(m.notice, None);
    // Storage turned off reads differently.
    m.apply(Action::SaveFailed { quota: false });
    assert!(m.notice.as_ref().unwrap().text.en.contains("does not let the page store data"));
}

#[test]
fn storage_usage_shows_only_when_nearly_full() {
    let mut m = fresh();
    m.apply(Action::StorageEstimate { usage: 10, quota: 100 });
    assert_eq!(m.usage, None);
    m.apply(Action::StorageEstimate { usage: 90, quota: 100 });
    assert!(m.usage.is_some());
}

#[test]
fn another_tab_taking_over_makes_this_one_read_only_and_it_saves_nothing() {
    let mut m = fresh();
    run(&mut m, "etcdctl put a 1");
    // Another tab asks: this one saves first, then lets go.
    let fx = m.apply(Action::HandoverAsked);
    assert!(matches!(writes(&fx)[..], [Effect::Write { reason: SaveReason::Handover, .. }]), "{fx:?}");
    m.apply(Action::TabLost);
    assert!(!m.owner);
    assert_eq!(m.notice.as_ref().map(|n| n.kind), Some(NoticeKind::OtherTab));
    assert!(m.notice.as_ref().unwrap().text.en.starts_with("This session is now open in another tab"));
    assert_eq!(m.apply(Action::SaveNow(SaveReason::Changed)), vec![]);
    assert_eq!(m.apply(Action::PageHide), vec![]);
    assert_eq!(m.apply(Action::HandoverAsked), vec![Effect::Release]);
    // Nothing is erased or replaced from a read-only tab.
    let fx = m.apply(Action::Reset);
    assert!(!fx.contains(&Effect::ClearStorage));
    assert_eq!(output(&mut m, "etcdctl get a --print-value-only"), "1\n");
    // A save failing elsewhere does not hide why this tab is read-only.
    m.apply(Action::SaveFailed { quota: true });
    assert_eq!(m.notice.as_ref().map(|n| n.kind), Some(NoticeKind::OtherTab));
}

#[test]
fn a_tab_that_starts_second_is_read_only_from_the_start() {
    let (m, _) = start_with(Saved::Nothing, false, None, true, true);
    assert!(!m.owner);
    let n = m.notice.unwrap();
    assert_eq!(n.kind, NoticeKind::OtherTab);
    assert!(n.text.en.starts_with("This session is open in another tab") && n.text.pt.starts_with("Esta sessão está aberta em outra aba"));
}

#[test]
fn a_save_this_page_could_not_open_is_never_overwritten() {
    let (mut m, _) = start_with(Saved::Unopened, true, None, true, true);
    assert_eq!(m.notice.as_ref().map(|n| n.kind), Some(NoticeKind::Unopened));
    run(&mut m, "echo hi");
    assert_eq!(m.apply(Action::SaveNow(SaveReason::Changed)), vec![]);
    let (m, _) = start_with(Saved::Corrupt(Text::new("bad", "ruim")), true, None, true, true);
    assert_eq!(m.notice.map(|n| (n.kind, n.text.en)), Some((NoticeKind::Corrupt, "bad".to_string())));
}

#[test]
fn reset_erases_the_stored_session_and_the_journal() {
    let mut m = fresh();
    run(&mut m, "touch /root/mine");
    let fx = m.apply(Action::Reset);
    assert!(fx.contains(&Effect::ClearStorage) && fx.contains(&Effect::ForgetJournal));
    assert!(m.journal.is_empty());
    assert_eq!(output(&mut m, "test -e /root/mine; echo $?"), "1\n");
}

#[test]
fn the_clock_tick_expires_leases_and_redraws_only_when_something_changed() {
    let mut m = fresh();
    let g = m.gen;
    assert_eq!(m.apply(Action::Tick(1000)), vec![]);
    assert_eq!(m.gen, g, "nothing changed: no redraw");
    run(&mut m, "etcdctl lease grant 2");
    let lease = m.last.output.split_whitespace().nth(1).unwrap().to_string();
    run(&mut m, &format!("etcdctl put --lease={lease} l 1"));
    let g = m.gen;
    assert_eq!(m.apply(Action::Tick(1000)), vec![], "a countdown redraws, nothing to save");
    assert!(m.gen > g);
    let fx = m.apply(Action::Tick(1500));
    assert_eq!(fx, vec![Effect::ScheduleSave], "the lease expired: its key is gone, worth a save");
    assert_eq!(output(&mut m, "etcdctl get l"), "");
}

#[test]
fn a_watch_prints_what_each_tick_brings() {
    let mut m = fresh();
    run(&mut m, "etcdctl watch w &");
    run(&mut m, "etcdctl put w 1");
    let before = out_lines(&m).len();
    let fx = m.apply(Action::Tick(1000));
    assert_eq!(fx, vec![Effect::ScheduleSave]);
    assert!(out_lines(&m).len() >= before, "{:?}", out_lines(&m));
}

#[test]
fn a_course_lesson_is_fetched_when_opened_and_a_restored_one_after_the_index() {
    let course = crate::lessons::Lesson::parse_file("lessons/t-three.toml", LESSON).unwrap();
    let index = crate::lessons::course::index_json(&[course]);
    let mut m = fresh();
    assert_eq!(m.apply(Action::WantIndex), vec![Effect::FetchIndex]);
    assert_eq!(m.apply(Action::WantIndex), vec![], "asked once");
    m.apply(Action::Index(Err(String::new())));
    assert!(matches!(&m.index_status, Fetch::Failed(why) if why.en.contains("no network connection")));
    assert_eq!(m.apply(Action::WantIndex), vec![], "a failed list waits for \"try again\"");
    assert_eq!(m.apply(Action::RetryIndex), vec![Effect::FetchIndex]);
    m.apply(Action::Index(Ok(index.clone())));
    assert_eq!(m.index_status, Fetch::Ready);
    let fx = m.apply(Action::OpenLesson("t-three".into()));
    assert!(fx.contains(&Effect::FetchLesson { file: "lessons/t-three.toml".into(), open: true }), "{fx:?}");
    assert_eq!(m.opening.as_deref(), Some("lessons/t-three.toml"));
    m.apply(Action::Fetched { file: "lessons/t-three.toml".into(), res: Ok(LESSON.into()), open: true });
    assert_eq!((m.active.as_deref(), m.opening.as_deref()), (Some("t-three"), None));
    run(&mut m, "etcdctl put a 1");

    // The next visit restores the open lesson: the index first, then its file; its step goes on.
    let (mut m2, fx) = start_with(Saved::Restored(Box::new(m.session.clone()), m.page_state()), true, None, true, true);
    assert!(fx.contains(&Effect::FetchIndex), "{fx:?}");
    let fx = m2.apply(Action::Index(Ok(index)));
    assert!(fx.contains(&Effect::FetchLesson { file: "lessons/t-three.toml".into(), open: false }), "{fx:?}");
    m2.apply(Action::Fetched { file: "lessons/t-three.toml".into(), res: Ok(LESSON.into()), open: false });
    assert_eq!(m2.progress.status("t-three", "a"), StepStatus::Passed);
    assert_eq!(output(&mut m2, "etcdctl get a --print-value-only"), "1\n");

    // A lesson file that cannot be fetched says why, in both languages.
    m2.apply(Action::Fetched { file: "lessons/gone.toml".into(), res: Err("HTTP 404".into()), open: true });
    let Text { en, pt } = m2.lesson_error.clone().unwrap();
    assert!(en.contains("Could not load the lesson lessons/gone.toml: HTTP 404") && pt.contains("Não foi possível carregar a lição"));
}

#[test]
fn the_start_card_opens_the_first_lesson_once_the_index_is_here() {
    let course = crate::lessons::Lesson::parse_file("lessons/t-three.toml", LESSON).unwrap();
    let mut m = fresh();
    assert_eq!(m.apply(Action::OpenFirst), vec![Effect::ScheduleSave, Effect::FetchIndex]);
    let fx = m.apply(Action::Index(Ok(crate::lessons::course::index_json(&[course]))));
    assert!(fx.contains(&Effect::FetchLesson { file: "lessons/t-three.toml".into(), open: true }), "{fx:?}");
}

#[test]
fn a_session_file_replaces_everything_or_changes_nothing() {
    let mut other = with_lesson(LESSON);
    run(&mut other, "etcdctl put from-file 1");
    other.apply(Action::SetLang(Lang::Pt));
    let bytes = crate::session_file::save_playground(&other.session, &other.page_state());
    let mut m = fresh();
    run(&mut m, "etcdctl put mine 1");
    m.apply(Action::LoadSession(b"not a session".to_vec()));
    assert_eq!(output(&mut m, "etcdctl get mine --print-value-only"), "1\n");
    m.apply(Action::LoadSession(bytes));
    assert_eq!(m.lang, Lang::Pt);
    assert_eq!(m.active.as_deref(), Some("t-three"));
    assert_eq!(output(&mut m, "etcdctl get from-file --print-value-only"), "1\n");
    assert_eq!(output(&mut m, "etcdctl get mine"), "");
}

#[test]
fn uploads_and_editor_saves_write_the_file_or_say_why_not() {
    let mut m = fresh();
    m.apply(Action::WriteFile { path: "/root/a.txt".into(), data: b"hello".to_vec(), uploaded: true });
    assert!(notes(&m).contains(&"Uploaded /root/a.txt (5 bytes).".to_string()));
    assert_eq!(output(&mut m, "cat /root/a.txt"), "hello");
    m.apply(Action::WriteFile { path: "/nope/a.txt".into(), data: b"x".to_vec(), uploaded: false });
    assert!(notes(&m).iter().any(|n| n.starts_with("Could not write /nope/a.txt")), "{:?}", notes(&m));
}

#[test]
fn the_terminal_scrolls_to_its_end_when_its_lines_change_and_only_then() {
    let scrolls = |fx: &[Effect]| fx.iter().filter(|e| matches!(e, Effect::ScrollTerminal)).count();
    let mut m = fresh();
    assert_eq!(scrolls(&run(&mut m, "echo hi")), 1, "a command's output");
    assert_eq!(scrolls(&m.apply(Action::SetLang(Lang::En))), 0, "a language switch adds no line");
    assert_eq!(scrolls(&m.apply(Action::Tick(1000))), 0, "a tick with nothing running");
    assert_eq!(scrolls(&m.apply(Action::note("n", "n"))), 1, "a note from the page");
    assert_eq!(scrolls(&m.apply(Action::Clear)), 1, "a clear");
    assert_eq!(scrolls(&m.apply(Action::Clear)), 0, "clearing an empty terminal changes nothing");
    let fx = m.apply(Action::WriteFile { path: "/root/b.txt".into(), data: b"x".to_vec(), uploaded: false });
    assert_eq!(scrolls(&fx), 1, "a saved file's note");
}

fn members_view(m: &Model) -> crate::cluster_view::MembersView {
    crate::cluster_view::members_view(&m.session).expect("a cluster session")
}

fn leader_of(v: &crate::cluster_view::MembersView) -> Option<String> {
    v.members.iter().find(|r| r.leader).map(|r| r.name.clone())
}

#[test]
fn the_scenario_choice_starts_a_fresh_sandbox_on_that_node_and_keeps_lesson_progress() {
    let mut m = with_lesson(LESSON);
    run(&mut m, "etcdctl put a 1");
    let passed = m.progress.clone();
    assert!(m.has_work());
    assert_eq!(m.scenario(), "plain");
    let fx = m.apply(Action::NewSession("cluster".into()));
    assert!(fx.contains(&Effect::ScheduleSave), "{fx:?}");
    assert_eq!(m.scenario(), "cluster");
    assert!(m.active.is_none(), "the lesson closes");
    assert_eq!(m.progress, passed, "lesson progress stays");
    assert!(!m.has_work(), "a fresh session has nothing to lose");
    assert_eq!(notes(&m), vec!["Sandbox: a fresh session on the three-member cluster (goreman), no lesson.".to_string()]);
    assert_eq!(output(&mut m, "goreman run status"), "*etcd1\n*etcd2\n*etcd3\n");
    assert_eq!(output(&mut m, "etcdctl get a; echo $?"), "0\n", "the old keys are gone");
    // Each offered scenario builds; the kubeadm node has its kubeconfig.
    m.apply(Action::NewSession("kubeadm".into()));
    assert_eq!(m.scenario(), "kubeadm");
    assert!(m.session.world.cluster.is_none() && m.session.world.vfs.exists("/etc/kubernetes/admin.conf"));
    m.apply(Action::NewSession("plain".into()));
    assert_eq!(m.scenario(), "plain");
    // An unknown scenario (or one the page does not offer) changes nothing and says so.
    run(&mut m, "touch /root/mine");
    for bad in ["bogus", "kubeadm-wrong-ca", ""] {
        m.apply(Action::NewSession(bad.into()));
        assert_eq!(m.scenario(), "plain");
        assert_eq!(notes(&m).last().cloned(), Some(format!("Unknown scenario `{bad}`: nothing changed.")));
    }
    assert!(m.session.world.vfs.exists("/root/mine"));
    // A tab that does not own the session replaces nothing.
    m.apply(Action::TabLost);
    m.apply(Action::NewSession("cluster".into()));
    assert_eq!(m.scenario(), "plain");
}

#[test]
fn the_chosen_scenario_and_its_members_survive_a_reload_and_old_saves_load() {
    let mut m = fresh();
    m.apply(Action::NewSession("cluster".into()));
    run(&mut m, "goreman run stop etcd1");
    let bytes = crate::persist::encode(&m.session, &m.page_state());
    let (session, page) = crate::persist::decode(&bytes).unwrap();
    let (m2, _) = start_with(Saved::Restored(Box::new(session), page), true, None, true, true);
    assert_eq!(m2.scenario(), "cluster");
    assert_eq!(members_view(&m2), members_view(&m));
    assert_eq!(leader_of(&members_view(&m2)).as_deref(), Some("infra2"));
    // A save from before the elections timeline (no `elections` field) still loads.
    let c = m.session.world.cluster.clone().unwrap();
    let mut v = ciborium::Value::serialized(&c).unwrap();
    if let ciborium::Value::Map(entries) = &mut v {
        let n = entries.len();
        entries.retain(|(k, _)| k.as_text() != Some("elections"));
        assert_eq!(entries.len(), n - 1);
    }
    let old: crate::cluster::members::Cluster = v.deserialized().unwrap();
    assert!(old.elections.is_empty());
    assert_eq!((old.leader, old.term), (c.leader, c.term));
}

#[test]
fn the_cluster_panel_follows_members_leader_quorum_and_elections() {
    use crate::cluster::members::Why;
    let mut m = fresh();
    assert!(crate::cluster_view::members_view(&m.session).is_none(), "a single node has no members panel");
    m.apply(Action::NewSession("cluster".into()));
    let v = members_view(&m);
    let names: Vec<&str> = v.members.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["infra1", "infra2", "infra3"]);
    // IDs and URLs as `etcdctl member list` prints them.
    let list = output(&mut m, "etcdctl member list");
    for r in &v.members {
        assert!(list.contains(&format!("{}, started, {}, ", r.id, r.name)) && list.contains(&r.client_url), "{list}\n{r:?}");
    }
    assert_eq!(v.members.iter().map(|r| r.proc.clone().unwrap()).collect::<Vec<_>>(), ["etcd1", "etcd2", "etcd3"]);
    assert_eq!((leader_of(&v).as_deref(), v.term, v.running, v.needed, v.quorum), (Some("infra1"), 2, 3, 2, true));
    assert_eq!(v.elections.len(), 1);
    assert_eq!((v.elections[0].leader.as_deref(), v.elections[0].why), (Some("infra1"), Why::Start));
    // The raft index is what `endpoint status` prints.
    let status = output(&mut m, "etcdctl endpoint status --cluster");
    let idx = members_view(&m).members[0].raft_index.unwrap();
    assert!(status.lines().all(|l| l.contains(&format!(", {idx}, {idx}, "))), "{status} {idx}");

    // A button types its command: it shows in the scrollback and the history as typed.
    run(&mut m, "sleep 65");
    m.apply(Action::Run(vec!["goreman run stop etcd1".into()]));
    assert!(m.term.lines.iter().any(|l| matches!(&l.kind, LineKind::Prompt(_, line) if line == "goreman run stop etcd1")));
    assert_eq!(m.session.history.last().map(String::as_str), Some("goreman run stop etcd1"));
    let v = members_view(&m);
    assert_eq!((leader_of(&v).as_deref(), v.term, v.running, v.quorum), (Some("infra2"), 3, 2, true));
    let stopped = &v.members[0];
    assert_eq!((stopped.running, stopped.leader, stopped.raft_index, stopped.raft_term), (false, false, None, 2));
    assert_eq!(v.members[1].raft_term, 3);
    let e = &v.elections[1];
    assert_eq!((e.term, e.leader.as_deref(), e.why), (3, Some("infra2"), Why::LeaderStopped));
    let secs = |at: &str| at.split(':').fold(0i64, |acc, p| acc * 60 + p.parse::<i64>().unwrap());
    assert_eq!(secs(&e.at) - secs(&v.elections[0].at), 65, "{} then {}", v.elections[0].at, e.at);
    // A follower stopped changes no leader: no election.
    run(&mut m, "goreman run stop etcd3");
    let v = members_view(&m);
    assert_eq!((leader_of(&v), v.running, v.quorum), (None, 1, false));
    let e = v.elections.last().unwrap();
    assert_eq!((e.term, e.leader.as_deref(), e.why), (3, None, Why::QuorumLost));
    // A member back: a quorum again, and an election.
    run(&mut m, "goreman run start etcd1");
    let v = members_view(&m);
    assert!(v.quorum && leader_of(&v).is_some());
    let e = v.elections.last().unwrap();
    assert_eq!((e.term, e.why), (4, Why::Start));
    // move-leader is an election too; restarting a follower is not.
    run(&mut m, "goreman run start etcd3");
    let n = members_view(&m).elections.len();
    run(&mut m, "goreman run restart etcd3");
    assert_eq!(members_view(&m).elections.len(), n);
    let target = members_view(&m).members[2].id.clone();
    let out = output(&mut m, &format!("etcdctl --endpoints=127.0.0.1:2379,127.0.0.1:22379,127.0.0.1:32379 move-leader {target}"));
    assert!(out.starts_with("Leadership transferred"), "{out}");
    let v = members_view(&m);
    let e = v.elections.last().unwrap();
    assert_eq!((e.leader.as_deref(), e.why, e.term, v.term), (Some("infra3"), Why::MoveLeader, 5, 5));
}
