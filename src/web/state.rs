//! The page's side of `crate::page`: the model in a shared cell, what the browser read before
//! the first render (`load`), and the effects performed (IndexedDB saves, the journal in
//! localStorage, fetches, downloads). No page logic here: `Model::apply` decides.

pub use crate::page::{why, Action, Effect, Fetch, Model, NoticeKind, SaveReason};
use crate::page::{Saved, Start};
use super::storage::{self, SaveError};
use std::cell::{Cell, Ref, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;

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

/// Whether an earlier visit left a session in this browser.
pub fn has_saved_session() -> bool {
    storage::has_saved_session()
}

/// localStorage keeps only the journal (small, written synchronously as the page goes away).
fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// The page language the browser asks for (`navigator.language`).
fn browser_lang() -> crate::i18n::Lang {
    web_sys::window().and_then(|w| w.navigator().language()).map_or(crate::i18n::Lang::En, |tag| crate::i18n::Lang::from_browser(&tag))
}

/// Milliseconds since the epoch (the exam clock survives a reload).
pub fn now_ms() -> u64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0, |p| (p.time_origin() + p.now()) as u64)
}

/// The model as the last visit left it, and its first effects.
pub fn load() -> (Model, Vec<Effect>) {
    let saved = match storage::take_saved() {
        None => Saved::Nothing,
        Some(bytes) => {
            let t0 = storage::now_ms();
            let decoded = crate::lazy::codec().map(|c| (c.decode)(&bytes));
            storage::mark("data-load-ms", &((storage::read_ms() + storage::now_ms() - t0) as u64).to_string());
            storage::mark("data-load-bytes", &bytes.len().to_string());
            match decoded {
                Some(Ok((s, p))) => Saved::Restored(Box::new(s), p),
                Some(Err(e)) => Saved::Corrupt(e.describe()),
                None => Saved::Unopened,
            }
        }
    };
    let owner = storage::is_owner();
    Model::start(Start {
        saved,
        owner,
        journal: if owner { stored_journal() } else { None },
        browser_lang: browser_lang(),
        programs: crate::lazy::settled(),
        codec: crate::lazy::codec().is_some(),
        now_ms: now_ms(),
    })
}

/// What views take as their only prop: the model, and how to change it. Two handles are
/// equal while the model has not changed (its `gen`), so a view redraws only after a change.
#[derive(Clone)]
pub struct Handle {
    model: Rc<RefCell<Model>>,
    gen: u64,
    shared: Rc<Shared>,
}

/// What all handles of the page share.
pub struct Shared {
    /// Actions waiting while one is applied (an effect may dispatch).
    queue: RefCell<VecDeque<Action>>,
    busy: Cell<bool>,
    redraw: Box<dyn Fn()>,
    pub saver: Rc<RefCell<super::autosave::Saver>>,
}

impl PartialEq for Handle {
    fn eq(&self, o: &Self) -> bool {
        Rc::ptr_eq(&self.model, &o.model) && self.gen == o.gen
    }
}

impl Handle {
    pub fn new(model: Rc<RefCell<Model>>, redraw: impl Fn() + 'static, saver: Rc<RefCell<super::autosave::Saver>>) -> Handle {
        let gen = model.borrow().gen;
        Handle { model, gen, shared: Rc::new(Shared { queue: RefCell::default(), busy: Cell::new(false), redraw: Box::new(redraw), saver }) }
    }

    /// The same page at the model's current state (for the next render).
    pub fn renew(&self) -> Handle {
        Handle { model: self.model.clone(), gen: self.model.borrow().gen, shared: self.shared.clone() }
    }

    pub fn saver(&self) -> Rc<RefCell<super::autosave::Saver>> {
        self.shared.saver.clone()
    }

    pub fn model(&self) -> Ref<'_, Model> {
        self.model.borrow()
    }

    /// Whether two handles are of the same model (whatever its state).
    pub fn same_page(&self, o: &Handle) -> bool {
        Rc::ptr_eq(&self.model, &o.model)
    }

    /// Applies the action, performs its effects, and redraws when the model changed.
    pub fn dispatch(&self, action: Action) {
        self.shared.queue.borrow_mut().push_back(action);
        if self.shared.busy.replace(true) {
            return; // the outer dispatch applies it next
        }
        let mut changed = false;
        loop {
            let Some(action) = self.shared.queue.borrow_mut().pop_front() else { break };
            let effects = match self.model.try_borrow_mut() {
                Ok(mut m) => {
                    let g = m.gen;
                    m.now_ms = now_ms();
                    let fx = m.apply(action);
                    changed |= m.gen != g;
                    fx
                }
                // A view holds the model (a panic left it borrowed): nothing can change it.
                Err(_) => Vec::new(),
            };
            for e in effects {
                self.perform(e);
            }
        }
        self.shared.busy.set(false);
        if changed {
            (self.shared.redraw)();
        }
    }

    /// Does what the model asked of the browser.
    pub fn perform(&self, effect: Effect) {
        match effect {
            Effect::ScheduleSave => {
                // For the browser tests and the benchmark: a change waits to be saved.
                storage::mark("data-unsaved", "1");
                super::autosave::schedule(self);
            }
            Effect::Write { lines, others, changes, reason } => self.write(lines, others, changes, reason),
            Effect::WriteJournal { lines, after_save } => {
                if super::crash::crashed() || !storage::is_owner() {
                    return;
                }
                if let Some(st) = local_storage() {
                    let _ = st.set_item(JOURNAL_BASE_KEY, &if after_save { storage::saved_id() } else { String::new() });
                    let _ = st.set_item(JOURNAL_KEY, &lines.join("\n"));
                }
            }
            Effect::ForgetJournal => {
                if let Some(st) = local_storage() {
                    let _ = st.remove_item(JOURNAL_KEY);
                    let _ = st.remove_item(JOURNAL_BASE_KEY);
                }
            }
            Effect::ClearStorage => storage::clear(),
            Effect::AllSaved => storage::mark("data-unsaved", "0"),
            Effect::EstimateUsage => {
                let h = self.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    if let Some((usage, quota)) = storage::estimate().await {
                        h.dispatch(Action::StorageEstimate { usage, quota });
                    }
                });
            }
            Effect::FetchIndex => {
                let h = self.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    let res = super::lessons::fetch_text(crate::lessons::course::INDEX).await;
                    h.dispatch(Action::Index(res));
                });
            }
            Effect::FetchLesson { file, open } => {
                let h = self.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    let res = super::lessons::fetch_text(&file).await;
                    super::chunks::load_lesson_code().await;
                    h.dispatch(Action::Fetched { file, res, open });
                });
            }
            Effect::Release => {
                super::autosave::cancel(self);
                storage::release();
                self.dispatch(Action::TabLost);
            }
            // After the render that draws the new lines: Yew renders in a microtask, a timeout
            // runs after it.
            Effect::ScrollTerminal => {
                gloo::timers::callback::Timeout::new(0, scroll_terminal_to_end).forget();
            }
            Effect::DownloadSession => {
                let h = self.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    super::chunks::load_codec().await;
                    let bytes = crate::lazy::codec().and_then(|c| h.model.try_borrow().ok().map(|m| (c.save_file)(&m.session, &m.page_state())));
                    match bytes {
                        Some(b) => super::dom::download("etcd-playground-session.cbor", &b),
                        None => h.dispatch(Action::note(
                            "The session file cannot be written: this page could not download the code that writes it (are you offline?).",
                            "O arquivo da sessão não pode ser gravado: a página não conseguiu baixar o código que o grava (está sem rede?).",
                        )),
                    }
                });
            }
        }
    }

    /// Encodes the session for IndexedDB (`web::storage`) and writes it. The encoding runs now
    /// (on the main thread: a 100 MB session takes a moment, so the page saves only after a
    /// change, throttled by how long the last save took); the write runs in the browser.
    fn write(&self, lines: usize, others: u32, changes: u64, reason: SaveReason) {
        super::autosave::cancel(self);
        let handover = reason == SaveReason::Handover;
        let codec = crate::lazy::codec();
        let encoded = match (codec, storage::is_owner() && !super::crash::crashed()) {
            (Some(c), true) => {
                let t0 = storage::now_ms();
                // The session may be borrowed by a command that panicked: then nothing is saved.
                let bytes = self.model.try_borrow().ok().map(|m| (c.encode)(&m.session, &m.page_state()));
                bytes.map(|b| (b, storage::now_ms() - t0))
            }
            _ => None,
        };
        let Some((bytes, encode_ms)) = encoded else {
            if handover {
                self.perform(Effect::Release);
            }
            return;
        };
        super::autosave::encoded(self, encode_ms);
        let write = storage::save(&bytes, encode_ms);
        drop(bytes);
        let h = self.clone();
        wasm_bindgen_futures::spawn_local(async move {
            match write.await {
                Ok(()) => h.dispatch(Action::SaveLanded { lines, others, changes }),
                Err(e) => h.dispatch(Action::SaveFailed { quota: e == SaveError::Quota }),
            }
            if handover {
                h.perform(Effect::Release);
            }
        });
    }
}

/// Brings the terminal's last line into view (`Effect::ScrollTerminal`).
fn scroll_terminal_to_end() {
    let el = web_sys::window().and_then(|w| w.document()).and_then(|d| d.query_selector(".terminal .scrollback").ok().flatten());
    if let Some(el) = el {
        el.set_scroll_top(el.scroll_height());
    }
}
