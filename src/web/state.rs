//! The app's one reducer: the session, the scrollback and the page's own state. Actions are
//! what the learner did; `reduce` applies them through the session (no shell logic here).

use crate::i18n::Lang;
use crate::persist::{self, PageState};
use crate::shell::Session;
use crate::term::{LineKind, Scrollback};
use std::cell::RefCell;
use std::rc::Rc;
use yew::prelude::*;

pub const SCENARIO: &str = "kubeadm";

/// A message the page shows in a banner, in both languages.
#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    pub en: String,
    pub pt: String,
    /// The stored data is unreadable: offer to erase it.
    pub offer_reset: bool,
}

pub struct AppState {
    pub session: Rc<RefCell<Session>>,
    pub term: Rc<RefCell<Scrollback>>,
    pub lang: Lang,
    /// Bumped on every change so views know to redraw.
    pub gen: u64,
    pub notice: Option<Notice>,
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
}

fn fresh_session() -> Session {
    // The default scenario is built into the binary; failing to build it is a bug caught by the
    // native tests, but the page still must not trap: fall back to the plain scenario.
    Session::new(SCENARIO).or_else(|_| Session::new("plain")).unwrap_or_else(|e| panic!("no scenario: {e}"))
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

impl AppState {
    /// The state saved by the last visit, or a fresh one with a notice saying why not.
    pub fn load() -> AppState {
        let mut notice = None;
        let mut restored = None;
        if let Some(st) = storage() {
            if let Ok(Some(text)) = st.get_item(persist::STORAGE_KEY) {
                match persist::decode(&text) {
                    Ok(ok) => restored = Some(ok),
                    Err(e) => {
                        let (en, pt) = e.describe();
                        notice = Some(Notice { en, pt, offer_reset: true });
                    }
                }
            }
        }
        let (session, page) = restored.unwrap_or_else(|| (fresh_session(), PageState::default()));
        let mut term = Scrollback::default();
        if notice.is_none() && !session.history.is_empty() {
            term.push(LineKind::Note { en: "Session restored from this browser.".into(), pt: "Sessão restaurada deste navegador.".into() });
        }
        AppState { session: Rc::new(RefCell::new(session)), term: Rc::new(RefCell::new(term)), lang: page.lang, gen: 0, notice }
    }

    /// Writes the state to localStorage; the error text when that fails (quota, disabled).
    pub fn save(&self) -> Result<(), String> {
        let st = storage().ok_or("localStorage is not available")?;
        let text = persist::encode(&self.session.borrow(), &PageState { lang: self.lang })?;
        st.set_item(persist::STORAGE_KEY, &text).map_err(|e| format!("{e:?}"))
    }

    fn next(&self) -> AppState {
        AppState { session: self.session.clone(), term: self.term.clone(), lang: self.lang, gen: self.gen + 1, notice: self.notice.clone() }
    }
}

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = self.next();
        {
            let mut s = self.session.borrow_mut();
            let mut term = self.term.borrow_mut();
            match action {
                Action::Run(lines) => {
                    for line in lines {
                        term.push(LineKind::Prompt(s.prompt(), line.clone()));
                        let r = s.execute(&line);
                        if r.clear {
                            term.clear();
                        }
                        term.push_chunks(&r.chunks);
                    }
                }
                Action::Interrupt(typed) => {
                    term.push(LineKind::Prompt(s.prompt(), format!("{typed}^C")));
                    s.cancel_pending();
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
                    match (res, uploaded) {
                        (Ok(()), true) => term.push(LineKind::Note { en: format!("Uploaded {path} ({n} bytes)."), pt: format!("Arquivo enviado: {path} ({n} bytes).") }),
                        (Ok(()), false) => term.push(LineKind::Note { en: format!("Saved {path} ({n} bytes)."), pt: format!("Salvo: {path} ({n} bytes).") }),
                        (Err(e), _) => term.push(LineKind::Note { en: format!("Could not write {path}: {}", e.strerror()), pt: format!("Não foi possível gravar {path}: {}", e.strerror()) }),
                    }
                }
                Action::Note(en, pt) => term.push(LineKind::Note { en, pt }),
                Action::SetLang(l) => next.lang = l,
                Action::Reset => {
                    if let Some(st) = storage() {
                        let _ = st.remove_item(persist::STORAGE_KEY);
                    }
                    *s = fresh_session();
                    term.clear();
                    next.notice = None;
                }
                Action::DismissNotice => next.notice = None,
            }
        }
        Rc::new(next)
    }
}

/// A handle views take as their only prop.
pub type Handle = UseReducerHandle<AppState>;
