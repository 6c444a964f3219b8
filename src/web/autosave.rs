//! When the page saves: once changes pause (a burst of pasted lines saves once; the pause is
//! ten times the last save's encoding time, so a 100 MB session that takes a moment to encode
//! is not encoded over and over), at the latest 15 s after the first unsaved change, right
//! away when the page goes away, and before handing the session to another tab. What a save
//! reports back (refused, nearly full) becomes a notice or a line in the header.

use super::state::{Action, Handle};
use super::storage::{self, SaveError};
use gloo::events::EventListener;
use gloo::timers::callback::Timeout;
use std::cell::RefCell;
use std::rc::Rc;
use yew::prelude::*;

/// Save once changes pause this long at least ...
const SAVE_DELAY_MS: f64 = 300.0;
/// ... and never later than this after the first unsaved change.
const SAVE_DELAY_MAX_MS: f64 = 15_000.0;

#[derive(Default)]
struct Saver {
    /// The state as of the last render: a save always writes the newest.
    latest: Option<Handle>,
    timer: Option<Timeout>,
    /// When the oldest change not yet in a save happened.
    first_unsaved_ms: Option<f64>,
    last_encode_ms: f64,
    failed: bool,
    usage: Option<(String, String)>,
    /// Changes seen so far (a save that encoded all of them leaves nothing unsaved).
    changes: u64,
}

type Shared = Rc<RefCell<Saver>>;

#[hook]
pub fn use_autosave(state: &Handle) {
    let saver = use_mut_ref(Saver::default);
    saver.borrow_mut().latest = Some(state.clone());
    {
        let saver = saver.clone();
        use_effect_with((state.dirty, state.lang), move |_| {
            saver.borrow_mut().changes += 1;
            // For the browser tests and the benchmark: a change waits to be saved.
            storage::mark("data-unsaved", "1");
            schedule(&saver)
        });
    }
    {
        let saver = saver.clone();
        use_effect_with((), move |_| {
            let s = saver.clone();
            let listener = web_sys::window().map(|w| {
                EventListener::new(&w, "pagehide", move |_| {
                    // Written at once; the IndexedDB write below may not finish before the page goes.
                    let latest = s.borrow().latest.clone();
                    if let Some(h) = latest {
                        h.keep_journal();
                    }
                    save_now(&s);
                    // A reload must find the session its own, however slowly the browser
                    // frees this page's lock.
                    storage::leaving();
                })
            });
            let (handover, lost) = (saver.clone(), saver.clone());
            storage::on_tab_events(
                move || {
                    // Another tab asks: save what is here, let go, and show the session read-only.
                    handover.borrow_mut().timer = None;
                    let latest = handover.borrow().latest.clone();
                    let Some(h) = latest else { return storage::release() };
                    let save = h.save();
                    wasm_bindgen_futures::spawn_local(async move {
                        if let Some(save) = save {
                            let _ = save.await;
                        }
                        storage::release();
                        h.dispatch(Action::TabLost);
                    });
                },
                move || {
                    storage::lost();
                    let latest = lost.borrow().latest.clone();
                    if let Some(h) = latest {
                        h.dispatch(Action::TabLost);
                    }
                },
            );
            move || drop(listener)
        });
    }
}

/// A change: (re)arm the save for when changes pause (replacing the timer cancels the old one).
fn schedule(saver: &Shared) {
    let mut s = saver.borrow_mut();
    let now = storage::now_ms();
    let first = *s.first_unsaved_ms.get_or_insert(now);
    let pause = (s.last_encode_ms * 10.0).clamp(SAVE_DELAY_MS, SAVE_DELAY_MAX_MS);
    let due = (now + pause).min(first + SAVE_DELAY_MAX_MS);
    let sv = saver.clone();
    s.timer = Some(Timeout::new((due - now).max(0.0) as u32, move || {
        sv.borrow_mut().timer = None;
        save_now(&sv);
    }));
}

fn save_now(saver: &Shared) {
    let latest = {
        let mut s = saver.borrow_mut();
        s.timer = None;
        s.first_unsaved_ms = None;
        s.latest.clone()
    };
    let Some(h) = latest else { return };
    let changes = saver.borrow().changes;
    let t0 = storage::now_ms();
    let Some(save) = h.save() else { return };
    saver.borrow_mut().last_encode_ms = storage::now_ms() - t0;
    let saver = saver.clone();
    wasm_bindgen_futures::spawn_local(async move {
        match save.await {
            Err(e) => {
                if !std::mem::replace(&mut saver.borrow_mut().failed, true) {
                    h.dispatch(Action::SaveFailed(Some(e == SaveError::Quota)));
                }
            }
            Ok(()) => {
                if saver.borrow().changes == changes {
                    storage::mark("data-unsaved", "0");
                }
                if std::mem::replace(&mut saver.borrow_mut().failed, false) {
                    h.dispatch(Action::SaveFailed(None));
                }
                let usage = storage::estimate().await.and_then(|(u, q)| crate::persist::usage_warning(u, q));
                let changed = saver.borrow().usage != usage;
                if changed {
                    saver.borrow_mut().usage = usage.clone();
                    h.dispatch(Action::Usage(usage));
                }
            }
        }
    });
}
