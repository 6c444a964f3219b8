//! The page as a native model (issue 18): everything the page holds — the session, the
//! scrollback, lesson progress, lines waiting for the programs' code, the journal of lines since
//! the last save that landed, notices, the language, whether this tab owns the session — and
//! `Model::apply(Action) -> Vec<Effect>`, the one place where it changes.
//!
//! Actions are what the learner did and what the browser reports (a chunk arrived, a save
//! landed or failed, a fetch answered, storage usage, another tab asked or took over); effects
//! name what the browser must do (save, keep the journal, fetch the course index or a lesson,
//! download the session file, release the session to another tab). Nothing here calls a
//! browser: `web` renders the model, performs the effects and turns events into actions, and
//! `cargo test` checks the behaviour (see `tests.rs`).

use crate::i18n::{Lang, Text};
use crate::lessons::course::Card;
use crate::lessons::{self, LastRun, Lesson, Progress};
use crate::persist::PageState;
use crate::shell::Session;
use crate::term::{LineKind, Scrollback};

pub const SCENARIO: &str = "kubeadm";

/// A message the page shows in a banner, in both languages.
#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    pub text: Text,
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

/// Where the course's index stands.
#[derive(Debug, Clone, PartialEq)]
pub enum Fetch {
    /// Not here yet: not asked for (the Lessons tab was never shown), or on its way.
    Pending,
    Ready,
    Failed(Text),
}

/// What the browser found before the first render.
pub struct Start {
    pub saved: Saved,
    /// This tab owns the session (the Web Lock); otherwise it shows it read-only.
    pub owner: bool,
    /// The lines a page closed too early left (`Effect::WriteJournal`), when they follow the
    /// save restored here (or no save).
    pub journal: Option<String>,
    /// The language the browser asks for (a first visit speaks it).
    pub browser_lang: Lang,
    /// The programs' chunk is here or failed for good (typed lines need not wait).
    pub programs: bool,
    /// The session codec's chunk is here (without it nothing can be saved).
    pub codec: bool,
    pub now_ms: u64,
}

/// The session an earlier visit left in this browser.
pub enum Saved {
    Nothing,
    Restored(Box<Session>, PageState),
    /// Unreadable: why.
    Corrupt(Text),
    /// Kept, but the code that reads it could not be downloaded.
    Unopened,
}

/// Why a save is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SaveReason {
    /// Changes paused (or 15 s passed since the first unsaved one).
    Changed,
    /// The page goes away.
    PageHide,
    /// Another tab asked for the session: save, then let go.
    Handover,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Lines typed or pasted, run one by one.
    Run(Vec<String>),
    /// Ctrl+C with what was typed so far.
    Interrupt(String),
    /// The page's clock: this many milliseconds of real time passed.
    Tick(u64),
    Clear,
    /// Tab found several choices: echo the line and list them, as bash does.
    Choices(String, Vec<String>),
    /// A file arrived (upload or editor save).
    WriteFile { path: String, data: Vec<u8>, uploaded: bool },
    /// A message from the page into the scrollback.
    Note(Text),
    SetLang(Lang),
    /// Start over: a fresh session, stored data erased.
    Reset,
    DismissNotice,
    /// Open a lesson: a fresh session from its scenario and setup (its file is fetched first
    /// when it is a course lesson not fetched yet).
    OpenLesson(String),
    /// The first visit's start card: open the course's first lesson (the index first).
    OpenFirst,
    /// Restart the open lesson from scratch (its progress too).
    ResetLesson,
    /// Put the current step back where it starts.
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
    /// The page wants the course's list (the Lessons tab is shown): fetched once.
    WantIndex,
    /// "Try again" after the course's list could not be fetched.
    RetryIndex,
    /// The course's index arrived (its text) or could not be fetched (why).
    Index(Result<String, String>),
    /// A shipped lesson's file arrived or could not be fetched; `open`: the learner asked to
    /// open it, else it is the lesson restored at start.
    Fetched { file: String, res: Result<String, String>, open: bool },
    /// A saved session file: replaces everything, or changes nothing and says why.
    LoadSession(Vec<u8>),
    /// "Download the session file".
    DownloadSession,
    /// The code fetched after the first paint arrived (or failed to: `codec` says whether
    /// sessions can be saved now): run the lines typed while it was on its way, and save.
    CodeArrived { codec: bool },
    /// Save now (see `SaveReason`).
    SaveNow(SaveReason),
    /// A save landed: it held the journal's first `lines` lines, `others` unjournaled changes
    /// and the first `changes` changes (the numbers `Effect::Write` carried).
    SaveLanded { lines: usize, others: u32, changes: u64 },
    /// The browser refused a save (`quota`: its storage is full).
    SaveFailed { quota: bool },
    /// What the browser says about its storage, in bytes.
    StorageEstimate { usage: u64, quota: u64 },
    /// The page goes away (`pagehide`).
    PageHide,
    /// Another tab asks for the session.
    HandoverAsked,
    /// Another tab took the session: this one stops saving and shows it read-only.
    TabLost,
    /// The scenario choice: a fresh sandbox session on this scenario (`kubeadm`, `plain`,
    /// `cluster`: see [`SANDBOX_SCENARIOS`]); the open lesson closes, progress stays.
    NewSession(String),
}

/// The scenarios the page offers for a fresh sandbox session, as (name, label en, label pt).
pub const SANDBOX_SCENARIOS: [(&str, &str, &str); 3] = [
    ("kubeadm", "kubeadm node (etcd 3.5 with TLS)", "nó kubeadm (etcd 3.5 com TLS)"),
    ("plain", "plain etcd node (3.4, no TLS)", "nó etcd simples (3.4, sem TLS)"),
    ("cluster", "three-member cluster (goreman)", "cluster de três membros (goreman)"),
];

/// What the browser must do.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Something worth saving changed: save once changes pause (`Action::SaveNow` then).
    ScheduleSave,
    /// Encode the session with the page's state and write it now; report `SaveLanded` with
    /// these numbers, or `SaveFailed`. After a `Handover` save, let go (as `Release`).
    Write { lines: usize, others: u32, changes: u64, reason: SaveReason },
    /// Keep these lines as text (localStorage) for the next visit; `after_save`: they follow the
    /// save that landed last, else they follow no save (a fresh session).
    WriteJournal { lines: Vec<String>, after_save: bool },
    /// The journal is no longer needed.
    ForgetJournal,
    /// Erase the stored session.
    ClearStorage,
    /// Every change so far is in a save that landed.
    AllSaved,
    /// Ask how full the browser's storage is (`Action::StorageEstimate`).
    EstimateUsage,
    /// Fetch the course's index (`Action::Index`).
    FetchIndex,
    /// Fetch a course lesson's file (`Action::Fetched`).
    FetchLesson { file: String, open: bool },
    /// Let another tab have the session, then show it read-only (`Action::TabLost`).
    Release,
    /// Offer the session file for download.
    DownloadSession,
    /// The terminal's lines changed (output, a note, a clear): bring its last line into view,
    /// once the page has drawn them.
    ScrollTerminal,
}

pub struct Model {
    pub session: Session,
    pub term: Scrollback,
    pub lang: Lang,
    /// Bumped whenever what the page shows changed.
    pub gen: u64,
    pub notice: Option<Notice>,
    /// The course's list, from `lessons/index.json`.
    pub index: Vec<Card>,
    pub index_status: Fetch,
    /// The shipped lessons fetched so far (a lesson's file is fetched when it is opened).
    pub fetched: Vec<Lesson>,
    /// The fetched lessons plus the lessons the learner loaded: the ones that can be opened.
    pub lessons: Vec<Lesson>,
    pub loaded: Vec<(String, String)>,
    /// Why the last shipped lesson asked for could not be opened.
    pub lesson_error: Option<Text>,
    /// The course lesson file being fetched to open it.
    pub opening: Option<String>,
    pub progress: Progress,
    /// The open lesson's id; None is the sandbox.
    pub active: Option<String>,
    /// What the last complete command printed (checks on output look at it).
    pub last: LastRun,
    /// Lines typed before the programs' code arrived: they run in order once it is here.
    pub pending: Vec<String>,
    /// Lines run since the last save landed: kept as text when the page goes away before a
    /// save can land (no codec yet, or the write did not finish).
    pub journal: Vec<String>,
    /// Changes since the last save that lines cannot replay (an upload, a lesson opened):
    /// while there are any, the journal is not kept.
    pub unjournaled: u32,
    /// This tab owns the session; otherwise it shows it read-only.
    pub owner: bool,
    /// Browser storage nearly full: the line the page shows.
    pub usage: Option<Text>,
    /// A session is stored in this browser.
    pub had_save: bool,
    /// The programs' chunk is settled (here or failed for good).
    pub programs: bool,
    /// The codec's chunk is here.
    pub codec: bool,
    /// The wall clock (ms since the epoch) as the browser last said: exam clocks and seeds.
    pub now_ms: u64,
    /// Changes worth saving so far.
    changes: u64,
    /// The last save failed (its notice was shown once).
    save_failing: bool,
    /// The index was asked for and has not answered.
    index_asked: bool,
    /// The start card asked for the first lesson before the index was here.
    open_first: bool,
}

/// The fetched shipped lessons with the learner's loaded lessons (a loaded lesson replaces a
/// shipped one with the same id).
fn all_lessons(fetched: &[Lesson], loaded: &[(String, String)]) -> Vec<Lesson> {
    let mut all = fetched.to_vec();
    for (name, text) in loaded {
        if let Some(Ok(l)) = crate::lazy::parse_lesson_file(name, text) {
            match all.iter_mut().find(|x| x.id == l.id) {
                Some(slot) => *slot = l,
                None => all.push(l),
            }
        }
    }
    all
}

/// A failed fetch's reason: "" when the network failed, else a language-neutral text such as
/// `HTTP 404`.
pub fn why(e: &str) -> Text {
    if e.is_empty() {
        Text::new("no network connection", "sem conexão de rede")
    } else {
        Text::new(e, e)
    }
}

pub fn fresh_session() -> Session {
    // The default scenario is built into the binary; failing to build it is a bug caught by the
    // native tests, but the page still must not trap: fall back to the plain scenario.
    Session::new(SCENARIO).or_else(|_| Session::new("plain")).unwrap_or_else(|e| panic!("no scenario: {e}"))
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
    Notice { text: Text::new(en, pt), kind: NoticeKind::OtherTab }
}

/// The notice of a save the browser refused: what happened, what to do.
fn save_failed_notice(quota: bool) -> Notice {
    let (en_why, pt_why) = if quota {
        ("this browser's storage for the page is full", "o armazenamento do navegador para esta página está cheio")
    } else {
        ("this browser does not let the page store data (a private window, or storage turned off)", "este navegador não deixa a página guardar dados (janela anônima ou armazenamento desligado)")
    };
    Notice {
        text: Text::new(
            format!("Your session could not be saved: {en_why}. The last save is kept, but what you did since may be lost on reload. Download the session file now, and load it later with \"Load session\"."),
            format!("Não foi possível salvar sua sessão: {pt_why}. O último salvamento está guardado, mas o que você fez depois dele pode se perder ao recarregar. Baixe o arquivo da sessão agora e carregue-o depois com \"Carregar sessão\"."),
        ),
        kind: NoticeKind::SaveFailed,
    }
}

/// The error a lesson file gets when the lessons chunk (crate::lazy) could not be fetched.
fn no_lesson_code(file: &str) -> lessons::LessonError {
    let message = "the page could not download the code that reads lessons (are you offline?) / a página não conseguiu baixar o código que lê lições (está sem rede?)".to_string();
    lessons::LessonError { file: file.to_string(), issues: vec![lessons::LessonIssue { line: 0, message }] }
}

/// In an exam the teaching notes ("What happened") stay off: from typed lines, from a job's
/// later output (a watch, a loop) and from what Ctrl+C prints.
fn drop_notes_in_exam(exam: bool, chunks: &mut Vec<crate::process::Chunk>) {
    if exam {
        chunks.retain(|c| !matches!(c, crate::process::Chunk::Explain(_)));
    }
}

fn note(en: impl Into<String>, pt: impl Into<String>) -> LineKind {
    LineKind::Note(Text::new(en, pt))
}

impl Action {
    /// A message from the page into the scrollback, in English and Portuguese.
    pub fn note(en: impl Into<String>, pt: impl Into<String>) -> Action {
        Action::Note(Text::new(en, pt))
    }
}

impl Model {
    /// The page as the last visit left it (or a fresh one, with a notice saying why), and what
    /// the browser must do first.
    pub fn start(st: Start) -> (Model, Vec<Effect>) {
        let mut notice = None;
        let mut restored = None;
        let had_save = !matches!(st.saved, Saved::Nothing);
        match st.saved {
            Saved::Nothing => {}
            Saved::Restored(s, p) => restored = Some((*s, p)),
            Saved::Corrupt(text) => notice = Some(Notice { text, kind: NoticeKind::Corrupt }),
            // The code that reads sessions is fetched separately (crate::lazy); without it the
            // saved session stays untouched for the next visit.
            Saved::Unopened => {
                notice = Some(Notice {
                    text: Text::new(
                        "Your saved session is kept, but this page could not download the code that opens it (are you offline?). Reload the page when the network is back.",
                        "Sua sessão salva está guardada, mas a página não conseguiu baixar o código que a abre (está sem rede?). Recarregue a página quando a rede voltar.",
                    ),
                    kind: NoticeKind::Unopened,
                })
            }
        }
        if !st.owner {
            notice = Some(other_tab_notice(false));
        }
        let was_restored = restored.is_some();
        let (mut session, page) = restored.unwrap_or_else(|| (fresh_session(), PageState::default()));
        // A page closed before it could save: its lines, run again (the page fetched the
        // programs first, so every line runs as it did).
        let replayed: Vec<String> = if st.owner { st.journal.map(|j| j.lines().map(str::to_string).collect()).unwrap_or_default() } else { Vec::new() };
        for line in &replayed {
            session.execute(line);
        }
        let mut term = Scrollback::default();
        if notice.is_none() && was_restored && !session.history.is_empty() {
            term.push(note("Session restored from this browser.", "Sessão restaurada deste navegador."));
        }
        if !replayed.is_empty() {
            let n = replayed.len();
            term.push(note(
                format!("The page was closed before it could save: the {n} command(s) typed then ran again."),
                format!("A página foi fechada antes de salvar: o(s) {n} comando(s) digitado(s) rodou(aram) de novo."),
            ));
        }
        let mut m = Model {
            session,
            term,
            // A first visit speaks the browser's language; a returning one keeps its choice.
            lang: if was_restored { page.lang } else { st.browser_lang },
            gen: 0,
            notice,
            index: Vec::new(),
            index_status: Fetch::Pending,
            fetched: Vec::new(),
            lessons: all_lessons(&[], &page.loaded),
            loaded: page.loaded,
            lesson_error: None,
            opening: None,
            progress: page.progress,
            active: page.active,
            last: LastRun::default(),
            pending: Vec::new(),
            journal: replayed,
            unjournaled: 0,
            owner: st.owner,
            usage: None,
            had_save,
            programs: st.programs,
            codec: st.codec,
            now_ms: st.now_ms,
            // The first render counts as a change: the page saves once at start.
            changes: 1,
            save_failing: false,
            index_asked: false,
            open_first: false,
        };
        // Normally a no-op: the open step's start was applied when it was entered, and that is
        // saved. It matters only when the saved step has a start never applied to this
        // session (progress saved by an older page, or a lesson whose steps changed since).
        m.enter_step();
        // The page opens at the terminal's end.
        let mut fx = vec![Effect::ScheduleSave, Effect::ScrollTerminal];
        // A shipped lesson restored open: the index first, then its file (see `Action::Index`).
        if m.active.is_some() {
            fx.extend(m.want_index());
        }
        (m, fx)
    }

    pub fn lesson(&self) -> Option<&Lesson> {
        let id = self.active.as_ref()?;
        self.lessons.iter().find(|l| &l.id == id)
    }

    /// The open lesson as this attempt sees it (its `[vars]` drawn: see `lessons::exam`).
    pub fn attempt_lesson(&self) -> Option<Lesson> {
        self.lesson().map(|l| crate::lazy::instance(l, &self.progress))
    }

    /// An exam is running: no hints, solutions or teaching notes.
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

    /// Applies what happened; returns what the browser must do.
    pub fn apply(&mut self, action: Action) -> Vec<Effect> {
        let before = self.terminal_mark();
        let mut fx = self.apply_action(action);
        if self.terminal_mark() != before {
            fx.push(Effect::ScrollTerminal);
        }
        fx
    }

    /// What tells whether the terminal's lines changed: the next line's id (every push takes
    /// one) and how many lines it holds (a clear).
    fn terminal_mark(&self) -> (u64, usize) {
        (self.term.next_id(), self.term.lines.len())
    }

    fn apply_action(&mut self, action: Action) -> Vec<Effect> {
        let mut fx = Vec::new();
        // What the browser reports, and the clock: each decides itself whether the page shows
        // something new.
        match action {
            Action::Tick(ms) => return self.tick(ms),
            Action::SaveNow(reason) => return self.save(reason),
            Action::PageHide => {
                fx.extend(self.keep_journal());
                fx.extend(self.save(SaveReason::PageHide));
                return fx;
            }
            Action::HandoverAsked => return self.save(SaveReason::Handover),
            Action::SaveLanded { lines, others, changes } => {
                // The save holds what the journal's first lines (and the other changes) did.
                let n = lines.min(self.journal.len());
                self.journal.drain(..n);
                self.unjournaled = self.unjournaled.saturating_sub(others);
                self.had_save = true;
                if self.journal.is_empty() {
                    fx.push(Effect::ForgetJournal);
                }
                if self.changes == changes {
                    fx.push(Effect::AllSaved);
                }
                if std::mem::replace(&mut self.save_failing, false) && self.notice.as_ref().is_some_and(|n| n.kind == NoticeKind::SaveFailed) {
                    self.notice = None;
                    self.gen += 1;
                }
                fx.push(Effect::EstimateUsage);
                return fx;
            }
            Action::SaveFailed { quota } => {
                if !std::mem::replace(&mut self.save_failing, true) && self.notice.as_ref().is_none_or(|n| n.kind != NoticeKind::OtherTab) {
                    self.notice = Some(save_failed_notice(quota));
                    self.gen += 1;
                }
                return fx;
            }
            Action::StorageEstimate { usage, quota } => {
                let u = crate::persist::usage_warning(usage, quota);
                if u != self.usage {
                    self.usage = u;
                    self.gen += 1;
                }
                return fx;
            }
            Action::TabLost => {
                self.owner = false;
                self.notice = Some(other_tab_notice(true));
                self.gen += 1;
                return fx;
            }
            Action::WantIndex => return self.want_index(),
            Action::RetryIndex => {
                if self.index_asked {
                    return fx;
                }
                self.index_asked = true;
                return vec![Effect::FetchIndex];
            }
            Action::DownloadSession => return vec![Effect::DownloadSession],
            _ => {}
        }
        self.gen += 1;
        // Every other action may change what is saved.
        self.changes += 1;
        fx.push(Effect::ScheduleSave);
        // Changes that typed lines cannot replay: the journal no longer tells what changed.
        if matches!(
            action,
            Action::WriteFile { .. } | Action::OpenLesson(_) | Action::OpenFirst | Action::ResetLesson | Action::RestartStep | Action::Sandbox | Action::StepTo(_) | Action::LoadSession(_) | Action::Reset | Action::NewSession(_)
        ) {
            self.unjournaled += 1;
        }
        // A tab that does not own the session replaces or erases nothing (its page is read-only).
        if !self.owner && matches!(action, Action::Reset | Action::LoadSession(_) | Action::NewSession(_)) {
            return fx;
        }
        // Lines typed before the programs' code arrived wait for it, in order (crate::lazy).
        let action = match action {
            Action::Run(lines) if !self.pending.is_empty() || !self.programs && lines.iter().any(|l| self.needs_programs(l)) => {
                // What comes before the first line that needs a program runs now.
                let now = if self.pending.is_empty() { lines.iter().position(|l| self.needs_programs(l)).unwrap_or(lines.len()) } else { 0 };
                self.pending.extend(lines[now..].iter().cloned());
                if now == 0 {
                    return fx;
                }
                Action::Run(lines[..now].to_vec())
            }
            Action::CodeArrived { codec } => {
                self.programs = true;
                self.codec = codec;
                Action::Run(std::mem::take(&mut self.pending))
            }
            a => a,
        };
        let check_after = matches!(action, Action::Run(_) | Action::WriteFile { .. } | Action::Interrupt(_));
        match action {
            Action::OpenLesson(id) => fx.extend(self.open_or_fetch(&id)),
            Action::OpenFirst => match self.index.first().map(|c| c.id.clone()) {
                Some(id) => fx.extend(self.open_or_fetch(&id)),
                None => {
                    self.open_first = true;
                    if !std::mem::replace(&mut self.index_asked, true) {
                        fx.push(Effect::FetchIndex);
                    }
                }
            },
            Action::ResetLesson => {
                if let Some(id) = self.active.clone() {
                    self.progress.reset(&id);
                    self.open_lesson(&id);
                }
            }
            Action::RestartStep => self.restart_step(),
            Action::FinishExam => {
                if let Some(l) = self.attempt_lesson() {
                    self.check_step();
                    if let Some(a) = self.progress.attempt_mut(&l.id) {
                        a.finished = true;
                        let passed: Vec<String> = a.score(&l).tasks.into_iter().filter(|t| t.passed).map(|t| t.step).collect();
                        for s in passed {
                            self.progress.complete_step(&l.id, &s);
                        }
                    }
                }
            }
            Action::ImportProgress(text) => match crate::lazy::lesson_code().map(|c| (c.import)(&text)) {
                Some(Ok((who, p))) => {
                    self.progress.merge(&p);
                    let n = p.lessons.len();
                    let who = if who.is_empty() { String::new() } else { format!(" ({who})") };
                    self.term.push(note(
                        format!("Progress imported{who}: {}.", Lang::plural(n, "{n} lesson", "{n} lessons")),
                        format!("Progresso importado{who}: {}.", Lang::plural(n, "{n} lição", "{n} lições")),
                    ));
                    self.lesson_error = None;
                }
                Some(Err(e)) => self.lesson_error = Some(e),
                None => {
                    self.lesson_error = Some(Text::new(
                        "The page could not download the code that reads progress files (are you offline?).",
                        "A página não conseguiu baixar o código que lê arquivos de progresso (está sem rede?).",
                    ))
                }
            },
            Action::Sandbox => {
                self.active = None;
                self.session = fresh_session();
                self.last = LastRun::default();
                self.term.clear();
                self.term.push(note("Sandbox: a fresh node, no lesson.", "Sandbox: um nó novo, sem lição."));
            }
            Action::CloseLesson => self.active = None,
            Action::NewSession(name) => self.new_session(&name),
            Action::LoadSession(_) if !self.codec || crate::lazy::codec().is_none() => self.term.push(note(
                "The session file cannot be opened: this page could not download the code that reads it (are you offline?). Nothing changed.",
                "O arquivo da sessão não pode ser aberto: a página não conseguiu baixar o código que o lê (está sem rede?). Nada mudou.",
            )),
            Action::LoadSession(bytes) => match crate::lazy::codec().map_or(Err(crate::session_file::SessionFileError::NotASession), |c| (c.load_file)(&bytes)) {
                Ok((session, page)) => {
                    self.session = session;
                    self.lessons = all_lessons(&self.fetched, &page.loaded);
                    // A course lesson is fetched once the index (maybe not fetched yet) names its file.
                    let known = |id: &String| self.index_status != Fetch::Ready || self.lessons.iter().any(|l| &l.id == id) || self.to_fetch(id).is_some();
                    self.active = page.active.filter(known);
                    self.lang = page.lang;
                    self.progress = page.progress;
                    self.loaded = page.loaded;
                    self.last = LastRun::default();
                    self.term.clear();
                    self.term.push(note("Session loaded from the file.", "Sessão carregada do arquivo."));
                    fx.extend(self.fetch_active());
                }
                Err(e) => self.term.push(LineKind::Note(e.message())),
            },
            Action::StepTo(i) => {
                if let Some(l) = self.attempt_lesson() {
                    // The step being left keeps its score (an exam task may start a fresh node).
                    self.check_step();
                    self.progress.go_to(&l, i);
                    self.enter_step();
                    self.check_step();
                }
            }
            Action::Hint | Action::ShowSolution if self.exam_running() => {}
            Action::Hint => {
                if let Some(l) = self.attempt_lesson() {
                    if let Some(step) = l.steps.get(self.step_index()) {
                        self.progress.reveal_hint(&l, &step.id);
                    }
                }
            }
            Action::ShowSolution => {
                if let Some(l) = self.attempt_lesson() {
                    if let Some(step) = l.steps.get(self.step_index()) {
                        self.progress.lesson(&l.id).solution_shown.insert(step.id.clone());
                    }
                }
            }
            Action::LoadLesson { name, text } => match crate::lazy::parse_lesson_file(&name, &text).unwrap_or_else(|| Err(no_lesson_code(&name))) {
                Ok(l) => {
                    self.loaded.retain(|(n, t)| crate::lazy::parse_lesson_file(n, t).is_some_and(|x| x.is_ok_and(|x| x.id != l.id)));
                    self.loaded.push((name, text));
                    self.lessons = all_lessons(&self.fetched, &self.loaded);
                    self.open_lesson(&l.id);
                }
                Err(e) => self.term.push(note(format!("This lesson file has errors:\n{e}"), format!("Este arquivo de lição tem erros:\n{e}"))),
            },
            Action::Index(res) => {
                self.index_asked = false;
                match res.and_then(|text| lessons::course::parse_index(&text)) {
                    Ok(cards) => {
                        self.index = cards;
                        self.index_status = Fetch::Ready;
                        // A restored lesson that is no longer in the course: back to the list.
                        if self.active.as_ref().is_some_and(|id| self.lesson().is_none() && self.to_fetch(id).is_none()) {
                            self.active = None;
                        }
                        fx.extend(self.fetch_active());
                        if std::mem::take(&mut self.open_first) {
                            if let Some(card) = self.index.first().cloned() {
                                fx.extend(self.open_or_fetch(&card.id));
                            }
                        }
                    }
                    Err(e) => {
                        self.open_first = false;
                        let why = why(&e);
                        self.index_status = Fetch::Failed(Text::new(format!("The list of lessons could not be loaded: {}.", why.en), format!("Não foi possível carregar a lista de lições: {}.", why.pt)));
                    }
                }
            }
            Action::Fetched { file, res, open } => self.fetched_lesson(file, res, open),
            other => self.apply_terminal(other, &mut fx),
        }
        if check_after {
            self.check_step();
        }
        // A lesson is open (restored with a session file, loaded from a file): the course's
        // list is wanted too, as when the Lessons tab is shown.
        if self.active.is_some() {
            fx.extend(self.want_index());
        }
        fx
    }

    /// The terminal and page actions (everything but lessons).
    fn apply_terminal(&mut self, action: Action, fx: &mut Vec<Effect>) {
        let quiet = self.exam_running();
        let (s, term) = (&mut self.session, &mut self.term);
        match action {
            Action::Run(lines) => {
                for line in lines {
                    // While a job runs the prompt is empty: the line is echoed, not run.
                    term.push(LineKind::Prompt(s.prompt(), line.clone()));
                    let running = s.job.is_some();
                    self.journal.push(line.clone());
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
                s.world.catch_up();
                match (res, uploaded) {
                    (Ok(()), true) => term.push(note(format!("Uploaded {path} ({n} bytes)."), format!("Arquivo enviado: {path} ({n} bytes)."))),
                    (Ok(()), false) => term.push(note(format!("Saved {path} ({n} bytes)."), format!("Salvo: {path} ({n} bytes)."))),
                    (Err(e), _) => term.push(note(format!("Could not write {path}: {}", e.strerror()), format!("Não foi possível gravar {path}: {}", e.strerror()))),
                }
            }
            Action::Note(text) => term.push(LineKind::Note(text)),
            Action::SetLang(l) => self.lang = l,
            Action::Reset => {
                fx.push(Effect::ClearStorage);
                fx.push(Effect::ForgetJournal);
                self.had_save = false;
                self.journal.clear();
                *s = fresh_session();
                term.clear();
                self.notice = None;
                self.active = None;
                self.progress = Progress::default();
                self.last = LastRun::default();
            }
            Action::DismissNotice => self.notice = None,
            _ => {}
        }
    }

    /// Whether a typed line waits for the programs chunk: it names one of its programs, itself
    /// or through an alias (`alias k=kubectl`, then `k get pods`).
    fn needs_programs(&self, line: &str) -> bool {
        crate::lazy::needs_programs(line)
            || self.session.aliases.iter().any(|(name, text)| crate::lazy::needs_programs(text) && line.split(|c: char| c.is_whitespace() || ";|&()".contains(c)).any(|w| w == name))
    }

    /// Real time passed: the simulated clock follows it, so leases run out while the learner
    /// reads. The kubelet acts on manifest edits, a running etcd expires leases, a running job
    /// (`etcdctl watch`, a loop) prints what this stretch brought.
    fn tick(&mut self, ms: u64) -> Vec<Effect> {
        // All simulated time passes through `Session::tick` (`World::advance`: the kubelet,
        // lease expiry); a running job prints what this stretch brought.
        let job = self.session.job.is_some() || !self.session.bg.is_empty();
        if job {
            let quiet = self.exam_running();
            let mut r = self.session.tick(ms);
            drop_notes_in_exam(quiet, &mut r.chunks);
            self.term.push_chunks(&r.chunks);
            self.last.output.push_str(&r.text());
            self.last.exit = r.exit;
        } else {
            let s = &mut self.session;
            let before = (s.world.kubelet.clone(), s.world.etcd.store.lessor.leases.len());
            s.tick(ms);
            let changed = s.world.kubelet != before.0 || s.world.etcd.store.lessor.leases.len() != before.1;
            if !changed {
                if !s.world.etcd.store.lessor.leases.is_empty() {
                    self.gen += 1; // lease countdowns
                }
                return Vec::new();
            }
        }
        // The world changed (or a job ran): redraw, check the step, save.
        self.gen += 1;
        self.changes += 1;
        self.check_step();
        vec![Effect::ScheduleSave]
    }

    /// What a save asks of the browser now.
    fn save(&mut self, reason: SaveReason) -> Vec<Effect> {
        let mut fx = Vec::new();
        let unopened = self.notice.as_ref().is_some_and(|n| n.kind == NoticeKind::Unopened);
        if self.owner && !self.codec {
            // No codec yet: keep the lines (run and waiting) as text for the next visit, unless
            // a stored session is there they would not follow.
            let lines: Vec<String> = self.journal.iter().chain(&self.pending).cloned().collect();
            if !lines.is_empty() && !self.had_save {
                fx.push(Effect::WriteJournal { lines, after_save: false });
            }
        } else if self.owner && !unopened {
            // Never overwrite a stored session this page could not read.
            fx.push(Effect::Write { lines: self.journal.len(), others: self.unjournaled, changes: self.changes, reason });
            return fx;
        }
        if reason == SaveReason::Handover {
            fx.push(Effect::Release);
        }
        fx
    }

    /// The page goes away: keep the lines typed since the last save that landed, in case the
    /// save started now does not land.
    fn keep_journal(&self) -> Option<Effect> {
        if !self.owner || !self.codec || self.unjournaled > 0 || self.journal.is_empty() {
            return None;
        }
        Some(Effect::WriteJournal { lines: self.journal.clone(), after_save: true })
    }

    /// The course's list is wanted: fetched unless it is here, on its way, or failed (then
    /// only "try again" fetches it: `Action::RetryIndex`).
    fn want_index(&mut self) -> Vec<Effect> {
        if self.index_status != Fetch::Pending || self.index_asked {
            return Vec::new();
        }
        self.index_asked = true;
        vec![Effect::FetchIndex]
    }

    /// The open lesson restored (or loaded with a session file) whose file is still to be fetched.
    fn fetch_active(&self) -> Option<Effect> {
        let card = self.active.as_deref().and_then(|id| self.to_fetch(id))?;
        Some(Effect::FetchLesson { file: card.file.clone(), open: false })
    }

    /// Opens a lesson that is here, or fetches a course lesson's file to open it.
    /// The scenario of the session on screen (`kubeadm`, `plain`, `cluster`, ...).
    pub fn scenario(&self) -> &str {
        &self.session.world.scenario
    }

    /// Whether replacing the session loses work: a command was typed or a lesson is open (the
    /// page asks before `NewSession` then, as before "Reset session").
    pub fn has_work(&self) -> bool {
        !self.session.history.is_empty() || self.active.is_some()
    }

    /// `Action::NewSession`: a fresh sandbox node of that scenario; an unknown one changes
    /// nothing and says so.
    fn new_session(&mut self, name: &str) {
        let Some((_, en, pt)) = SANDBOX_SCENARIOS.iter().find(|(n, _, _)| *n == name) else {
            self.term.push(note(format!("Unknown scenario `{name}`: nothing changed."), format!("Cenário desconhecido `{name}`: nada mudou.")));
            return;
        };
        let Ok(session) = Session::new(name) else {
            self.term.push(note(format!("The scenario `{name}` could not be built: nothing changed."), format!("Não foi possível montar o cenário `{name}`: nada mudou.")));
            return;
        };
        self.session = session;
        self.active = None;
        self.last = LastRun::default();
        self.term.clear();
        self.term.push(note(format!("Sandbox: a fresh session on the {en}, no lesson."), format!("Sandbox: uma sessão nova no {pt}, sem lição.")));
    }

    fn open_or_fetch(&mut self, id: &str) -> Option<Effect> {
        match self.to_fetch(id).map(|c| c.file.clone()) {
            Some(file) => {
                self.opening = Some(file.clone());
                self.lesson_error = None;
                Some(Effect::FetchLesson { file, open: true })
            }
            None => {
                self.open_lesson(id);
                None
            }
        }
    }

    fn fetched_lesson(&mut self, file: String, res: Result<String, String>, open: bool) {
        if open && self.opening.as_ref() == Some(&file) {
            self.opening = None;
        }
        let failed = match res {
            Ok(text) => match crate::lazy::parse_lesson_file(&file, &text).unwrap_or_else(|| Err(no_lesson_code(&file))) {
                Ok(l) => {
                    let id = l.id.clone();
                    self.fetched.retain(|f| f.id != id);
                    self.fetched.push(l);
                    self.lessons = all_lessons(&self.fetched, &self.loaded);
                    self.lesson_error = None;
                    if open {
                        self.open_lesson(&id);
                    } else if self.active.as_deref() == Some(&id) {
                        // The lesson restored at start: its step goes on where it was.
                        self.enter_step();
                        self.check_step();
                    }
                    None
                }
                Err(e) => Some(Text::new(format!("This lesson file has errors:\n{e}"), format!("Este arquivo de lição tem erros:\n{e}"))),
            },
            Err(e) => {
                let why = why(&e);
                Some(Text::new(
                    format!("Could not load the lesson {file}: {}. Check the connection and open it again.", why.en),
                    format!("Não foi possível carregar a lição {file}: {}. Verifique a conexão e abra-a de novo.", why.pt),
                ))
            }
        };
        if let Some(text) = failed {
            self.term.push(LineKind::Note(text.clone()));
            self.lesson_error = Some(text);
        }
    }

    fn restart_step(&mut self) {
        let Some(l) = self.attempt_lesson() else { return };
        let i = self.step_index();
        let Some(step) = l.steps.get(i) else { return };
        if step.has_start() {
            self.progress.lesson(&l.id).started.remove(&step.id);
            self.enter_step();
        } else if !self.exam_running() {
            match lessons::progress::state_before(&l, i) {
                Ok((session, last)) => {
                    let history = std::mem::take(&mut self.session.history);
                    self.session = session;
                    self.session.history = history;
                    self.last = last;
                    self.term.push(note(
                        format!("Step {} starts again: the state the earlier steps leave.", i + 1),
                        format!("O passo {} recomeça: o estado que os passos anteriores deixam.", i + 1),
                    ));
                }
                Err(e) => self.term.push(note(format!("This step could not start: {e}"), format!("Este passo não pôde começar: {e}"))),
            }
        }
        self.check_step();
    }

    /// Marks the current step done when all its checks pass now.
    fn check_step(&mut self) {
        let Some(l) = self.attempt_lesson() else { return };
        let i = self.step_index();
        let Some(step) = l.steps.get(i) else { return };
        let Some(results) = crate::lazy::evaluate(step, &self.session, &self.last) else { return };
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
            let now = self.now_ms;
            self.progress.new_attempt(&raw, now ^ (now >> 17).wrapping_mul(0x9E37_79B9), now);
        }
        let l = crate::lazy::instance(&raw, &self.progress);
        match lessons::verify::start_session(&l) {
            Ok((session, last)) => {
                self.session = session;
                self.last = last;
                self.active = Some(l.id.clone());
                // A fresh session: no step's own start is applied to it yet.
                self.progress.lesson(&l.id).started.clear();
                self.term.clear();
                self.term.push(note(format!("Lesson: {}", l.title.en), format!("Lição: {}", l.title.pt)));
                self.enter_step();
            }
            Err(e) => self.term.push(note(format!("The lesson could not start: {e}"), format!("A lição não pôde começar: {e}"))),
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
        let res = lessons::enter_step(&mut self.session, step);
        let n = i + 1;
        match res {
            Ok(fresh) => {
                if let Some(f) = fresh {
                    self.last = f;
                }
                if step.scenario.is_some() {
                    self.term.clear();
                    self.term.push(note(format!("Lesson: {}", l.title.en), format!("Lição: {}", l.title.pt)));
                    self.term.push(note(format!("Step {n} starts on a fresh node, prepared for this step."), format!("O passo {n} começa num nó novo, preparado para este passo.")));
                } else {
                    self.term.push(note(format!("Step {n} prepared this shell for its exercise."), format!("O passo {n} preparou este shell para o exercício.")));
                }
            }
            Err(e) => self.term.push(note(format!("This step could not start: {e}"), format!("Este passo não pôde começar: {e}"))),
        }
    }
}

#[cfg(test)]
mod tests;
