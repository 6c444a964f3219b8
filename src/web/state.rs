//! The app's one reducer: the session, the scrollback and the page's own state. Actions are
//! what the learner did; `reduce` applies them through the session (no shell logic here).

use crate::i18n::Lang;
use crate::lessons::course::Card;
use crate::lessons::{self, LastRun, Lesson, Progress};
use crate::persist::PageState;
use super::storage;
use crate::shell::Session;
use crate::term::{LineKind, Scrollback};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use yew::prelude::*;

pub const SCENARIO: &str = "kubeadm";

/// A message the page shows in a banner, in both languages.
#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    pub en: String,
    pub pt: String,
    pub kind: NoticeKind,
}

/// What a notice is about, which decides its buttons and whether the page saves meanwhile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeKind {
    /// The stored data is unreadable: offer to erase it.
    Corrupt,
    /// A saved session is kept that this page cannot open (its code did not download): never
    /// overwrite it.
    Unopened,
    /// The browser refused a save: offer the session file (saving goes on trying).
    SaveFailed,
    /// Another tab owns the session: this one shows it read-only and offers to take over.
    OtherTab,
}

pub struct AppState {
    pub session: Rc<RefCell<Session>>,
    pub term: Rc<RefCell<Scrollback>>,
    pub lang: Lang,
    /// Bumped on every change so views know to redraw.
    pub gen: u64,
    /// Bumped on every change worth saving (not on a mere redraw).
    pub dirty: u64,
    pub notice: Option<Notice>,
    /// The course's list, from `lessons/index.json` (fetched at start).
    pub index: Rc<Vec<Card>>,
    pub index_status: Fetch,
    /// The shipped lessons fetched so far (a lesson's file is fetched when it is opened).
    pub fetched: Rc<Vec<Lesson>>,
    /// The fetched lessons plus the lessons the learner loaded: the ones that can be opened.
    pub lessons: Rc<Vec<Lesson>>,
    pub loaded: Vec<(String, String)>,
    /// Why the last shipped lesson asked for could not be opened (en, pt).
    pub lesson_error: Option<(String, String)>,
    /// The course lesson file being fetched to open it.
    pub opening: Option<String>,
    pub progress: Progress,
    /// The open lesson's id; None is the sandbox.
    pub active: Option<String>,
    /// What the last complete command printed (checks on output look at it).
    pub last: LastRun,
    /// Lines typed before the programs' code arrived (see `Action::CodeArrived`).
    pub pending: Vec<String>,
    /// Lines run since the last save landed (see `JOURNAL_KEY`): kept as text when the
    /// page goes away before a save can land (no codec yet, or the write did not finish).
    pub journal: Rc<RefCell<Vec<String>>>,
    /// Changes since the last save that lines cannot replay (an upload, a lesson opened):
    /// while there are any, the journal is not kept.
    pub unjournaled: Rc<Cell<u32>>,
    /// This tab owns the session (see `web::storage`); otherwise it shows it read-only.
    pub owner: bool,
    /// Browser storage nearly full: the line the page shows (en, pt).
    pub usage: Option<(String, String)>,
}

/// Lines typed since the last save that landed, one per line, written as the page goes away
/// (`pagehide`: localStorage is written at once, an IndexedDB write may not finish) or while
/// the codec (crate::lazy) is not here yet: the next visit replays them on that save (or on a
/// fresh session), so closing the page early loses nothing.
const JOURNAL_KEY: &str = "etcd-playground.journal";
/// Which save the journal follows (`web::storage::saved_id`; absent or "": no save).
const JOURNAL_BASE_KEY: &str = "etcd-playground.journal-base";

/// The journal a page closed too early left, if it follows the save this visit restored.
pub fn stored_journal() -> Option<String> {
    let st = local_storage()?;
    let base = st.get_item(JOURNAL_BASE_KEY).ok().flatten().unwrap_or_default();
    if base != storage::saved_id() {
        return None;
    }
    st.get_item(JOURNAL_KEY).ok().flatten().filter(|j| !j.is_empty())
}

fn forget_journal() {
    if let Some(st) = local_storage() {
        let _ = st.remove_item(JOURNAL_KEY);
        let _ = st.remove_item(JOURNAL_BASE_KEY);
    }
}

/// Where the course's index stands.
#[derive(Debug, Clone, PartialEq)]
pub enum Fetch {
    /// Not here yet: not asked for (the Lessons tab was never shown), or on its way.
    Pending,
    Ready,
    /// (en, pt)
    Failed(String, String),
}

impl PartialEq for AppState {
    fn eq(&self, o: &Self) -> bool {
        self.gen == o.gen && self.lang == o.lang && self.notice == o.notice
    }
}

pub enum Action {
    /// Lines typed or pasted, run one by one.
    Run(Vec<String>),
    /// Ctrl+C with what was typed so far.
    Interrupt(String),
    /// Time passed while a job (`etcdctl watch`) runs: print its new output.
    Poll,
    Clear,
    /// Tab found several choices: echo the line and list them, as bash does.
    Choices(String, Vec<String>),
    /// A file arrived (upload or editor save); `what` tells which, for the note.
    WriteFile { path: String, data: Vec<u8>, uploaded: bool },
    /// A message from the page into the scrollback.
    Note(String, String),
    SetLang(Lang),
    /// Start over: a fresh session, stored data erased.
    Reset,
    DismissNotice,
    /// Time passed: redraw (lease countdowns), nothing to save.
    Refresh,
    /// Time passed and the world changed (the kubelet acted, leases expired): redraw and save.
    WorldChanged,
    /// Open a lesson: a fresh session from its scenario and setup.
    OpenLesson(String),
    /// Restart the open lesson from scratch (its progress too).
    ResetLesson,
    /// Put the current step back where it starts: its own start (`scenario`/`setup`) again,
    /// or the state the earlier steps' solutions leave.
    RestartStep,
    /// Hand the exam in (or its time ran out): the score is final, hints and solutions open.
    FinishExam,
    /// A progress file's text (merged into this browser's progress, or refused with a reason).
    ImportProgress(String),
    /// Leave the lesson for a fresh sandbox session.
    Sandbox,
    /// Back to the lesson list, keeping the session.
    CloseLesson,
    StepTo(usize),
    Hint,
    ShowSolution,
    /// A lesson file's text from a local file or a URL.
    LoadLesson { name: String, text: String },
    /// The course's index arrived (its text) or could not be fetched (why).
    Index(Result<String, String>),
    /// A shipped lesson's file arrived or could not be fetched; `open`: open it (the learner
    /// asked for it), else it is the lesson restored at start.
    Fetched { file: String, res: Result<String, String>, open: bool },
    /// The learner opened a course lesson whose file is being fetched.
    Opening(String),
    /// A saved session file (see `crate::session_file`): replaces everything, or changes
    /// nothing and says why.
    LoadSession(Vec<u8>),
    /// The code fetched after the first paint arrived (or failed to): run the lines typed
    /// while it was on its way, and save.
    CodeArrived,
    /// The browser refused to save (`true`: its storage is full), or saving works again (`None`).
    SaveFailed(Option<bool>),
    /// Browser storage is nearly full (the line to show), or no longer.
    Usage(Option<(String, String)>),
    /// Another tab took the session: this one stops saving and shows it read-only.
    TabLost,
}

impl Action {
    /// Whether the action changes what is saved (the page saves after those).
    fn changes_session(&self) -> bool {
        !matches!(self, Action::Refresh | Action::SaveFailed(_) | Action::Usage(_) | Action::TabLost)
    }
}

/// The fetched shipped lessons with the learner's loaded lessons (a loaded lesson replaces a
/// shipped one with the same id).
fn all_lessons(fetched: &[Lesson], loaded: &[(String, String)]) -> Vec<Lesson> {
    let mut all = fetched.to_vec();
    for (name, text) in loaded {
        // At start the lessons chunk is here before the first render (web::start).
        if let Some(Ok(l)) = crate::lazy::parse_lesson_file(name, text) {
            match all.iter_mut().find(|x| x.id == l.id) {
                Some(slot) => *slot = l,
                None => all.push(l),
            }
        }
    }
    all
}

/// A failed fetch's reason in (en, pt): `super::lessons::fetch_text` gives "" when the network
/// failed, else a language-neutral text such as `HTTP 404`.
pub fn why(e: &str) -> (String, String) {
    if e.is_empty() {
        ("no network connection".into(), "sem conexão de rede".into())
    } else {
        (e.to_string(), e.to_string())
    }
}

fn fresh_session() -> Session {
    // The default scenario is built into the binary; failing to build it is a bug caught by the
    // native tests, but the page still must not trap: fall back to the plain scenario.
    Session::new(SCENARIO).or_else(|_| Session::new("plain")).unwrap_or_else(|e| panic!("no scenario: {e}"))
}

/// Whether an earlier visit left a session in this browser.
pub fn has_saved_session() -> bool {
    storage::has_saved_session()
}

/// localStorage keeps only the journal (small, written synchronously as the page goes away).
fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// The notice of a tab that does not own the session.
fn other_tab_notice(taken: bool) -> Notice {
    let (en, pt) = if taken {
        ("This session is now open in another tab, which saves it. This tab shows it read-only, so nothing is lost; take it over to go on here (the other tab saves first).",
         "Esta sessão agora está aberta em outra aba, que a salva. Esta aba a mostra só para leitura, então nada se perde; assuma-a para continuar aqui (a outra aba salva antes).")
    } else {
        ("This session is open in another tab, which saves it. This tab shows it read-only, so nothing is lost; take it over to go on here (the other tab saves first).",
         "Esta sessão está aberta em outra aba, que a salva. Esta aba a mostra só para leitura, então nada se perde; assuma-a para continuar aqui (a outra aba salva antes).")
    };
    Notice { en: en.into(), pt: pt.into(), kind: NoticeKind::OtherTab }
}

/// The notice of a save the browser refused: what happened, what to do.
fn save_failed_notice(quota: bool) -> Notice {
    let (en_why, pt_why) = if quota {
        ("this browser's storage for the page is full", "o armazenamento do navegador para esta página está cheio")
    } else {
        ("this browser does not let the page store data (a private window, or storage turned off)", "este navegador não deixa a página guardar dados (janela anônima ou armazenamento desligado)")
    };
    Notice {
        en: format!("Your session could not be saved: {en_why}. The last save is kept, but what you did since may be lost on reload. Download the session file now, and load it later with \"Load session\"."),
        pt: format!("Não foi possível salvar sua sessão: {pt_why}. O último salvamento está guardado, mas o que você fez depois dele pode se perder ao recarregar. Baixe o arquivo da sessão agora e carregue-o depois com \"Carregar sessão\"."),
        kind: NoticeKind::SaveFailed,
    }
}

impl AppState {
    /// The state saved by the last visit, or a fresh one with a notice saying why not.
    pub fn load() -> AppState {
        let mut notice = None;
        let mut restored = None;
        if let Some(bytes) = storage::take_saved() {
            {
                let t0 = storage::now_ms();
                let decoded = crate::lazy::codec().map(|c| (c.decode)(&bytes));
                storage::mark("data-load-ms", &((storage::read_ms() + storage::now_ms() - t0) as u64).to_string());
                storage::mark("data-load-bytes", &bytes.len().to_string());
                match decoded {
                    Some(Ok(ok)) => restored = Some(ok),
                    Some(Err(e)) => {
                        let (en, pt) = e.describe();
                        notice = Some(Notice { en, pt, kind: NoticeKind::Corrupt });
                    }
                    // The code that reads sessions is fetched separately (crate::lazy); without
                    // it the saved session stays untouched for the next visit.
                    None => notice = Some(Notice {
                        en: "Your saved session is kept, but this page could not download the code that opens it (are you offline?). Reload the page when the network is back.".into(),
                        pt: "Sua sessão salva está guardada, mas a página não conseguiu baixar o código que a abre (está sem rede?). Recarregue a página quando a rede voltar.".into(),
                        kind: NoticeKind::Unopened,
                    }),
                }
            }
        }
        let owner = storage::is_owner();
        if !owner {
            notice = Some(other_tab_notice(false));
        }
        let was_restored = restored.is_some();
        let (mut session, page) = restored.unwrap_or_else(|| (fresh_session(), PageState::default()));
        // A fresh page closed before it could save: its lines, run again (web::start fetched
        // the programs first, so every line runs as it did).
        let replayed: Vec<String> = if owner { stored_journal().map(|j| j.lines().map(str::to_string).collect()).unwrap_or_default() } else { Vec::new() };
        for line in &replayed {
            session.execute(line);
        }
        let all = all_lessons(&[], &page.loaded);
        // A shipped lesson is fetched once the index says where its file is (see `Action::Index`).
        let active = page.active;
        let mut term = Scrollback::default();
        if notice.is_none() && was_restored && !session.history.is_empty() {
            term.push(LineKind::Note { en: "Session restored from this browser.".into(), pt: "Sessão restaurada deste navegador.".into() });
        }
        if !replayed.is_empty() {
            let n = replayed.len();
            term.push(LineKind::Note {
                en: format!("The page was closed before it could save: the {n} command(s) typed then ran again."),
                pt: format!("A página foi fechada antes de salvar: o(s) {n} comando(s) digitado(s) rodou(aram) de novo."),
            });
        }
        let mut state = AppState {
            session: Rc::new(RefCell::new(session)),
            term: Rc::new(RefCell::new(term)),
            // A first visit speaks the browser's language; a returning one keeps its choice.
            lang: if was_restored { page.lang } else { browser_lang() },
            gen: 0,
            dirty: 0,
            notice,
            index: Rc::new(Vec::new()),
            index_status: Fetch::Pending,
            fetched: Rc::new(Vec::new()),
            lessons: Rc::new(all),
            loaded: page.loaded,
            lesson_error: None,
            opening: None,
            progress: page.progress,
            active,
            last: LastRun::default(),
            pending: Vec::new(),
            journal: Rc::new(RefCell::new(replayed)),
            unjournaled: Rc::new(Cell::new(0)),
            owner,
            usage: None,
        };
        // Normally a no-op: the open step's start was applied when it was entered, and that is
        // saved. It matters only when the saved step has a start never applied to this
        // session (progress saved by an older page, or a lesson whose steps changed since).
        state.enter_step();
        state
    }

    pub fn lesson(&self) -> Option<&Lesson> {
        let id = self.active.as_ref()?;
        self.lessons.iter().find(|l| &l.id == id)
    }

    /// The open lesson as this attempt sees it (its `[vars]` drawn: see `lessons::exam`).
    pub fn attempt_lesson(&self) -> Option<Lesson> {
        self.lesson().map(|l| crate::lazy::instance(l, &self.progress))
    }

    /// An exam is running: no live ticks, no hints, solutions or teaching notes.
    pub fn exam_running(&self) -> bool {
        self.lesson().is_some_and(|l| self.progress.locked(l))
    }

    /// The lesson list: the index's cards (a loaded lesson with the same id in its place),
    /// then the loaded lessons that are not in the course.
    pub fn cards(&self) -> Vec<Card> {
        let mut cards: Vec<Card> = self.index.iter().map(|c| self.lessons.iter().find(|l| l.id == c.id).map_or_else(|| c.clone(), Card::of)).collect();
        for l in self.lessons.iter() {
            if !cards.iter().any(|c| c.id == l.id) {
                cards.push(Card::of(l));
            }
        }
        cards
    }

    /// The course lesson `id`'s card, when its file is still to be fetched.
    pub fn to_fetch(&self, id: &str) -> Option<&Card> {
        if self.lessons.iter().any(|l| l.id == id) {
            return None;
        }
        self.index.iter().find(|c| c.id == id)
    }

    /// The open lesson's current step index (clamped).
    pub fn step_index(&self) -> usize {
        match self.lesson() {
            Some(l) => self.progress.lessons.get(&l.id).map_or(0, |p| p.current_step).min(l.steps.len().saturating_sub(1)),
            None => 0,
        }
    }

    pub fn page_state(&self) -> PageState {
        PageState { lang: self.lang, progress: self.progress.clone(), active: self.active.clone(), loaded: self.loaded.clone() }
    }

    /// Marks the current step done when all its checks pass now.
    fn check_step(&mut self) {
        let Some(l) = self.attempt_lesson() else { return };
        let i = self.step_index();
        let Some(step) = l.steps.get(i) else { return };
        let Some(results) = crate::lazy::evaluate(step, &self.session.borrow(), &self.last) else { return };
        if self.progress.locked(&l) {
            // An exam: the task's score follows its state, shown only at the end.
            if let Some(a) = self.progress.attempt_mut(&l.id) {
                a.record(&step.id, results);
            }
        } else {
            self.progress.record(&l, &step.id, &results);
        }
    }

    /// Starts the lesson `id` in a fresh session; a note says what happened.
    fn open_lesson(&mut self, id: &str) {
        let Some(raw) = self.lessons.iter().find(|l| l.id == id).cloned() else { return };
        // A new attempt (its own seed, an exam's clock) unless one is under way.
        let p = self.progress.lessons.get(id);
        let fresh = p.is_none() || raw.exam && p.is_some_and(|p| p.attempt.as_ref().is_none_or(|a| a.finished));
        if fresh && (raw.exam || !raw.vars.is_empty()) {
            let now = now_ms();
            self.progress.new_attempt(&raw, now ^ (now >> 17).wrapping_mul(0x9E37_79B9), now);
        }
        let l = crate::lazy::instance(&raw, &self.progress);
        match lessons::verify::start_session(&l) {
            Ok((session, last)) => {
                *self.session.borrow_mut() = session;
                self.last = last;
                self.active = Some(l.id.clone());
                // A fresh session: no step's own start is applied to it yet.
                self.progress.lesson(&l.id).started.clear();
                {
                    let mut term = self.term.borrow_mut();
                    term.clear();
                    term.push(LineKind::Note { en: format!("Lesson: {}", l.title.en), pt: format!("Lição: {}", l.title.pt) });
                }
                self.enter_step();
            }
            Err(e) => self.term.borrow_mut().push(LineKind::Note { en: format!("The lesson could not start: {e}"), pt: format!("A lição não pôde começar: {e}") }),
        }
    }

    /// The current step became current: apply its own start (`scenario`/`setup`) once —
    /// not again when the learner comes back to it or reloads (see `Progress::needs_start`).
    fn enter_step(&mut self) {
        let Some(l) = self.attempt_lesson() else { return };
        let i = self.step_index();
        let Some(step) = l.steps.get(i) else { return };
        if !self.progress.needs_start(&l, step) {
            return;
        }
        let res = lessons::enter_step(&mut self.session.borrow_mut(), step);
        let mut term = self.term.borrow_mut();
        let n = i + 1;
        match res {
            Ok(fresh) => {
                if let Some(f) = fresh {
                    self.last = f;
                }
                if step.scenario.is_some() {
                    term.clear();
                    term.push(LineKind::Note { en: format!("Lesson: {}", l.title.en), pt: format!("Lição: {}", l.title.pt) });
                    term.push(LineKind::Note { en: format!("Step {n} starts on a fresh node, prepared for this step."), pt: format!("O passo {n} começa num nó novo, preparado para este passo.") });
                } else {
                    term.push(LineKind::Note { en: format!("Step {n} prepared this shell for its exercise."), pt: format!("O passo {n} preparou este shell para o exercício.") });
                }
            }
            Err(e) => term.push(LineKind::Note { en: format!("This step could not start: {e}"), pt: format!("Este passo não pôde começar: {e}") }),
        }
    }

    /// Encodes the state for IndexedDB (`web::storage`) and returns the save to await: `None`
    /// when there is nothing to save with or nothing this tab may save. The encoding runs now
    /// (on the main thread: a 100 MB session takes a moment, so the app saves only after a
    /// change, throttled by how long the last save took); the write runs in the browser.
    pub fn save(&self) -> Option<storage::Saving> {
        if !self.owner || !storage::is_owner() || super::crash::crashed() {
            return None;
        }
        // Until the codec's chunk arrives there is nothing to save with; its arrival saves
        // (Action::CodeArrived). Never overwrite a stored session this page could not read.
        let Some(codec) = crate::lazy::codec() else {
            // No codec yet: keep the lines (run and waiting) as text for the next visit.
            let lines: Vec<String> = self.journal.borrow().iter().chain(&self.pending).cloned().collect();
            if !lines.is_empty() && !has_saved_session() {
                if let Some(st) = local_storage() {
                    let _ = st.set_item(JOURNAL_BASE_KEY, "");
                    let _ = st.set_item(JOURNAL_KEY, &lines.join("\n"));
                }
            }
            return None;
        };
        if self.notice.as_ref().is_some_and(|n| n.kind == NoticeKind::Unopened) {
            return None;
        }
        let t0 = storage::now_ms();
        // The session may be borrowed by a command that panicked: then nothing is saved.
        let bytes = (codec.encode)(&*self.session.try_borrow().ok()?, &self.page_state());
        let encode_ms = storage::now_ms() - t0;
        let (journal, unjournaled) = (self.journal.clone(), self.unjournaled.clone());
        let (lines, others) = (journal.borrow().len(), unjournaled.get());
        let write = storage::save(&bytes, encode_ms);
        drop(bytes);
        Some(Box::pin(async move {
            write.await?;
            // The save holds what the journal's first lines (and the other changes) did.
            let mut j = journal.borrow_mut();
            let n = lines.min(j.len());
            j.drain(..n);
            unjournaled.set(unjournaled.get().saturating_sub(others));
            if j.is_empty() {
                forget_journal();
            }
            Ok(())
        }))
    }

    /// The page goes away: keep the lines typed since the last save that landed, in case the
    /// save started now does not land (see `JOURNAL_KEY`).
    pub fn keep_journal(&self) {
        if !self.owner || !storage::is_owner() || super::crash::crashed() || crate::lazy::codec().is_none() || self.unjournaled.get() > 0 {
            return;
        }
        let journal = self.journal.borrow();
        if let (false, Some(st)) = (journal.is_empty(), local_storage()) {
            let _ = st.set_item(JOURNAL_BASE_KEY, &storage::saved_id());
            let _ = st.set_item(JOURNAL_KEY, &journal.join("\n"));
        }
    }

    fn next(&self) -> AppState {
        AppState {
            session: self.session.clone(),
            term: self.term.clone(),
            lang: self.lang,
            gen: self.gen + 1,
            dirty: self.dirty,
            notice: self.notice.clone(),
            index: self.index.clone(),
            index_status: self.index_status.clone(),
            fetched: self.fetched.clone(),
            lessons: self.lessons.clone(),
            loaded: self.loaded.clone(),
            lesson_error: self.lesson_error.clone(),
            opening: self.opening.clone(),
            progress: self.progress.clone(),
            active: self.active.clone(),
            last: self.last.clone(),
            pending: self.pending.clone(),
            journal: self.journal.clone(),
            unjournaled: self.unjournaled.clone(),
            owner: self.owner,
            usage: self.usage.clone(),
        }
    }
}

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = self.next();
        if action.changes_session() {
            next.dirty += 1;
        }
        // Changes that typed lines cannot replay: the journal no longer tells what changed.
        if matches!(
            action,
            Action::WriteFile { .. } | Action::OpenLesson(_) | Action::ResetLesson | Action::RestartStep | Action::Sandbox | Action::StepTo(_) | Action::LoadSession(_) | Action::Reset
        ) {
            next.unjournaled.set(next.unjournaled.get() + 1);
        }
        // A tab that does not own the session replaces or erases nothing (its page is read-only).
        if !next.owner && matches!(action, Action::Reset | Action::LoadSession(_)) {
            return Rc::new(next);
        }
        // Lines typed before the programs' code arrived wait for it, in order (crate::lazy).
        let action = match action {
            Action::Run(lines) if !next.pending.is_empty() || !crate::lazy::settled() && lines.iter().any(|l| crate::lazy::needs_programs(l)) => {
                // What comes before the first line that needs a program runs now.
                let now = if next.pending.is_empty() { lines.iter().position(|l| crate::lazy::needs_programs(l)).unwrap_or(lines.len()) } else { 0 };
                next.pending.extend(lines[now..].iter().cloned());
                if now == 0 {
                    return Rc::new(next);
                }
                Action::Run(lines[..now].to_vec())
            }
            Action::CodeArrived => Action::Run(std::mem::take(&mut next.pending)),
            a => a,
        };
        let check_after = matches!(action, Action::Run(_) | Action::WriteFile { .. } | Action::WorldChanged | Action::Poll | Action::Interrupt(_));
        match action {
            Action::OpenLesson(id) => next.open_lesson(&id),
            Action::ResetLesson => {
                if let Some(id) = next.active.clone() {
                    next.progress.reset(&id);
                    next.open_lesson(&id);
                }
            }
            Action::RestartStep => {
                if let Some(l) = next.attempt_lesson() {
                    let i = next.step_index();
                    if let Some(step) = l.steps.get(i) {
                        if step.has_start() {
                            next.progress.lesson(&l.id).started.remove(&step.id);
                            next.enter_step();
                        } else if !next.exam_running() {
                            match lessons::progress::state_before(&l, i) {
                                Ok((session, last)) => {
                                    let history = std::mem::take(&mut next.session.borrow_mut().history);
                                    *next.session.borrow_mut() = session;
                                    next.session.borrow_mut().history = history;
                                    next.last = last;
                                    next.term.borrow_mut().push(LineKind::Note {
                                        en: format!("Step {} starts again: the state the earlier steps leave.", i + 1),
                                        pt: format!("O passo {} recomeça: o estado que os passos anteriores deixam.", i + 1),
                                    });
                                }
                                Err(e) => next.term.borrow_mut().push(LineKind::Note { en: format!("This step could not start: {e}"), pt: format!("Este passo não pôde começar: {e}") }),
                            }
                        }
                        next.check_step();
                    }
                }
            }
            Action::FinishExam => {
                if let Some(l) = next.attempt_lesson() {
                    next.check_step();
                    if let Some(a) = next.progress.attempt_mut(&l.id) {
                        a.finished = true;
                        let passed: Vec<String> = a.score(&l).tasks.into_iter().filter(|t| t.passed).map(|t| t.step).collect();
                        for s in passed {
                            next.progress.complete_step(&l.id, &s);
                        }
                    }
                }
            }
            Action::ImportProgress(text) => match crate::lazy::lesson_code().map(|c| (c.import)(&text)) {
                Some(Ok((who, p))) => {
                    next.progress.merge(&p);
                    let n = p.lessons.len();
                    let who = if who.is_empty() { String::new() } else { format!(" ({who})") };
                    next.term.borrow_mut().push(LineKind::Note {
                        en: format!("Progress imported{who}: {}.", Lang::plural(n, "{n} lesson", "{n} lessons")),
                        pt: format!("Progresso importado{who}: {}.", Lang::plural(n, "{n} lição", "{n} lições")),
                    });
                    next.lesson_error = None;
                }
                Some(Err(e)) => next.lesson_error = Some((e.en, e.pt)),
                None => {
                    next.lesson_error = Some((
                        "The page could not download the code that reads progress files (are you offline?).".into(),
                        "A página não conseguiu baixar o código que lê arquivos de progresso (está sem rede?).".into(),
                    ))
                }
            },
            Action::Sandbox => {
                next.active = None;
                *next.session.borrow_mut() = fresh_session();
                next.last = LastRun::default();
                let mut term = next.term.borrow_mut();
                term.clear();
                term.push(LineKind::Note { en: "Sandbox: a fresh node, no lesson.".into(), pt: "Sandbox: um nó novo, sem lição.".into() });
            }
            Action::CloseLesson => next.active = None,
            Action::LoadSession(_) if crate::lazy::codec().is_none() => next.term.borrow_mut().push(LineKind::Note {
                en: "The session file cannot be opened: this page could not download the code that reads it (are you offline?). Nothing changed.".into(),
                pt: "O arquivo da sessão não pode ser aberto: a página não conseguiu baixar o código que o lê (está sem rede?). Nada mudou.".into(),
            }),
            Action::LoadSession(bytes) => match crate::lazy::codec().map_or(Err(crate::session_file::SessionFileError::NotASession), |c| (c.load_file)(&bytes)) {
                Ok((session, page)) => {
                    *next.session.borrow_mut() = session;
                    next.lessons = Rc::new(all_lessons(&next.fetched, &page.loaded));
                    // A course lesson is fetched once the index (maybe not fetched yet) names its file.
                    let known = |id: &String| next.index_status != Fetch::Ready || next.lessons.iter().any(|l| &l.id == id) || next.to_fetch(id).is_some();
                    next.active = page.active.filter(known);
                    next.lang = page.lang;
                    next.progress = page.progress;
                    next.loaded = page.loaded;
                    next.last = LastRun::default();
                    let mut term = next.term.borrow_mut();
                    term.clear();
                    term.push(LineKind::Note { en: "Session loaded from the file.".into(), pt: "Sessão carregada do arquivo.".into() });
                }
                Err(e) => next.term.borrow_mut().push(LineKind::Note { en: e.en(), pt: e.pt() }),
            },
            Action::StepTo(i) => {
                if let Some(l) = next.attempt_lesson() {
                    // The step being left keeps its score (an exam task may start a fresh node).
                    next.check_step();
                    next.progress.go_to(&l, i);
                    next.enter_step();
                    next.check_step();
                }
            }
            Action::Hint | Action::ShowSolution if next.exam_running() => {}
            Action::Hint => {
                if let Some(l) = next.attempt_lesson() {
                    let i = next.step_index();
                    if let Some(step) = l.steps.get(i) {
                        next.progress.reveal_hint(&l, &step.id);
                    }
                }
            }
            Action::ShowSolution => {
                if let Some(l) = next.attempt_lesson() {
                    let i = next.step_index();
                    if let Some(step) = l.steps.get(i) {
                        next.progress.lesson(&l.id).solution_shown.insert(step.id.clone());
                    }
                }
            }
            Action::LoadLesson { name, text } => match crate::lazy::parse_lesson_file(&name, &text).unwrap_or_else(|| Err(no_lesson_code(&name))) {
                Ok(l) => {
                    next.loaded.retain(|(n, t)| crate::lazy::parse_lesson_file(n, t).is_some_and(|x| x.is_ok_and(|x| x.id != l.id)));
                    next.loaded.push((name, text));
                    next.lessons = Rc::new(all_lessons(&next.fetched, &next.loaded));
                    next.open_lesson(&l.id);
                }
                Err(e) => next.term.borrow_mut().push(LineKind::Note {
                    en: format!("This lesson file has errors:\n{e}"),
                    pt: format!("Este arquivo de lição tem erros:\n{e}"),
                }),
            },
            Action::Index(res) => match res.and_then(|text| lessons::course::parse_index(&text)) {
                Ok(cards) => {
                    next.index = Rc::new(cards);
                    next.index_status = Fetch::Ready;
                    // A restored lesson that is no longer in the course: back to the list.
                    if next.active.as_ref().is_some_and(|id| next.lesson().is_none() && next.to_fetch(id).is_none()) {
                        next.active = None;
                    }
                }
                Err(e) => {
                    let (en, pt) = why(&e);
                    next.index_status = Fetch::Failed(format!("The list of lessons could not be loaded: {en}."), format!("Não foi possível carregar a lista de lições: {pt}."));
                }
            },
            Action::Opening(file) => {
                next.opening = Some(file);
                next.lesson_error = None;
            }
            Action::Fetched { file, res, open } => {
                if open && next.opening.as_ref() == Some(&file) {
                    next.opening = None;
                }
                let failed = match res {
                    Ok(text) => match crate::lazy::parse_lesson_file(&file, &text).unwrap_or_else(|| Err(no_lesson_code(&file))) {
                        Ok(l) => {
                            let id = l.id.clone();
                            let mut fetched = (*next.fetched).clone();
                            fetched.retain(|f| f.id != id);
                            fetched.push(l);
                            next.fetched = Rc::new(fetched);
                            next.lessons = Rc::new(all_lessons(&next.fetched, &next.loaded));
                            next.lesson_error = None;
                            if open {
                                next.open_lesson(&id);
                            } else if next.active.as_deref() == Some(&id) {
                                // The lesson restored at start: its step goes on where it was.
                                next.enter_step();
                                next.check_step();
                            }
                            None
                        }
                        Err(e) => Some((format!("This lesson file has errors:\n{e}"), format!("Este arquivo de lição tem erros:\n{e}"))),
                    },
                    Err(e) => {
                        let (en, pt) = why(&e);
                        Some((
                            format!("Could not load the lesson {file}: {en}. Check the connection and open it again."),
                            format!("Não foi possível carregar a lição {file}: {pt}. Verifique a conexão e abra-a de novo."),
                        ))
                    }
                };
                if let Some((en, pt)) = failed {
                    next.term.borrow_mut().push(LineKind::Note { en: en.clone(), pt: pt.clone() });
                    next.lesson_error = Some((en, pt));
                }
            }
            other => next.apply(other),
        }
        if check_after {
            next.check_step();
        }
        Rc::new(next)
    }
}

/// In an exam the teaching notes ("What happened") stay off: from typed lines, from a job's
/// later output (a watch, a loop) and from what Ctrl+C prints.
fn drop_notes_in_exam(exam: bool, chunks: &mut Vec<crate::process::Chunk>) {
    if exam {
        chunks.retain(|c| !matches!(c, crate::process::Chunk::Explain { .. }));
    }
}

impl AppState {
    /// The terminal and page actions (everything but lessons).
    fn apply(&mut self, action: Action) {
        let quiet = self.exam_running();
        let mut s = self.session.borrow_mut();
        let mut term = self.term.borrow_mut();
        match action {
            Action::Run(lines) => {
                for line in lines {
                    // While a job runs the prompt is empty: the line is echoed, not run.
                    term.push(LineKind::Prompt(s.prompt(), line.clone()));
                    let running = s.job.is_some();
                    self.journal.borrow_mut().push(line.clone());
                    let mut r = s.execute_interactive(&line);
                    if r.clear {
                        term.clear();
                    }
                    drop_notes_in_exam(quiet, &mut r.chunks);
                    term.push_chunks(&r.chunks);
                    if !r.needs_more && !running {
                        self.last = LastRun::from(&r);
                    }
                }
            }
            Action::Interrupt(typed) => {
                term.push(LineKind::Prompt(s.prompt(), format!("{typed}^C")));
                if s.job.is_some() {
                    // The job's output so far stays the last command's output (lesson checks).
                    let mut r = s.interrupt();
                    drop_notes_in_exam(quiet, &mut r.chunks);
                    term.push_chunks(&r.chunks);
                    self.last.output.push_str(&r.text());
                    self.last.exit = r.exit;
                } else {
                    s.cancel_pending();
                }
            }
            Action::Poll => {
                let mut r = s.poll();
                drop_notes_in_exam(quiet, &mut r.chunks);
                term.push_chunks(&r.chunks);
                self.last.output.push_str(&r.text());
                self.last.exit = r.exit;
            }
            Action::Clear => term.clear(),
            Action::Choices(line, choices) => {
                term.push(LineKind::Prompt(s.prompt(), line));
                term.push(LineKind::Out(choices.join("  ")));
            }
            Action::WriteFile { path, data, uploaded } => {
                let n = data.len();
                let parent = path.rsplit_once('/').map(|(p, _)| if p.is_empty() { "/" } else { p }).unwrap_or("/").to_string();
                let res = if s.world.vfs.is_dir(&parent) { s.world.vfs.write(&path, data) } else { Err(crate::vfs::VfsError::NotFound) };
                // The kubelet watches its manifests: a saved manifest acts as after `sed -i`.
                crate::cluster::kubelet::sync(&mut s.world);
                match (res, uploaded) {
                    (Ok(()), true) => term.push(LineKind::Note { en: format!("Uploaded {path} ({n} bytes)."), pt: format!("Arquivo enviado: {path} ({n} bytes).") }),
                    (Ok(()), false) => term.push(LineKind::Note { en: format!("Saved {path} ({n} bytes)."), pt: format!("Salvo: {path} ({n} bytes).") }),
                    (Err(e), _) => term.push(LineKind::Note { en: format!("Could not write {path}: {}", e.strerror()), pt: format!("Não foi possível gravar {path}: {}", e.strerror()) }),
                }
            }
            Action::Note(en, pt) => term.push(LineKind::Note { en, pt }),
            Action::SetLang(l) => self.lang = l,
            Action::Reset => {
                storage::clear();
                forget_journal();
                self.journal.borrow_mut().clear();
                *s = fresh_session();
                term.clear();
                self.notice = None;
                self.active = None;
                self.progress = Progress::default();
                self.last = LastRun::default();
            }
            Action::DismissNotice => self.notice = None,
            Action::SaveFailed(Some(quota)) if self.notice.as_ref().is_none_or(|n| n.kind != NoticeKind::OtherTab) => self.notice = Some(save_failed_notice(quota)),
            Action::SaveFailed(None) if self.notice.as_ref().is_some_and(|n| n.kind == NoticeKind::SaveFailed) => self.notice = None,
            Action::Usage(u) => self.usage = u,
            Action::TabLost => {
                self.owner = false;
                self.notice = Some(other_tab_notice(true));
            }
            _ => {}
        }
    }
}

/// The page language the browser asks for (`navigator.language`).
fn browser_lang() -> Lang {
    web_sys::window().and_then(|w| w.navigator().language()).map_or(Lang::En, |tag| Lang::from_browser(&tag))
}

/// Milliseconds since the epoch (the exam clock survives a reload).
pub fn now_ms() -> u64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0, |p| (p.time_origin() + p.now()) as u64)
}

/// A handle views take as their only prop.
pub type Handle = UseReducerHandle<AppState>;

/// The error a lesson file gets when the lessons chunk (crate::lazy) could not be fetched.
fn no_lesson_code(file: &str) -> lessons::LessonError {
    let message = "the page could not download the code that reads lessons (are you offline?) / a página não conseguiu baixar o código que lê lições (está sem rede?)".to_string();
    lessons::LessonError { file: file.to_string(), issues: vec![lessons::LessonIssue { line: 0, message }] }
}
