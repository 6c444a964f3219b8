//! When the page saves: once changes pause (a burst of pasted lines saves once; the pause is
//! ten times the last save's encoding time, so a 100 MB session that takes a moment to encode
//! is not encoded over and over), at the latest 15 s after the first unsaved change, right
//! away when the page goes away, and before handing the session to another tab. The model
//! (`crate::page`) says when something worth saving changed and what a save writes; this file
//! keeps the timers and turns the page's events into actions.

use super::state::{Action, Handle, SaveReason};
use super::storage;
use gloo::events::EventListener;
use gloo::timers::callback::Timeout;
use yew::prelude::*;

/// Save once changes pause this long at least ...
const SAVE_DELAY_MS: f64 = 300.0;
/// ... and never later than this after the first unsaved change.
const SAVE_DELAY_MAX_MS: f64 = 15_000.0;

#[derive(Default)]
pub struct Saver {
    timer: Option<Timeout>,
    /// When the oldest change not yet in a save happened.
    first_unsaved_ms: Option<f64>,
    last_encode_ms: f64,
}

/// The page's events that concern saving: `pagehide`, and another tab asking for the session
/// or taking it.
#[hook]
pub fn use_page_events(state: &Handle) {
    let h = state.clone();
    use_effect_with((), move |_| {
        let hide = h.clone();
        let listener = web_sys::window().map(|w| {
            EventListener::new(&w, "pagehide", move |_| {
                // The journal is written at once; the IndexedDB write may not finish before the page goes.
                hide.dispatch(Action::PageHide);
                // A reload must find the session its own, however slowly the browser
                // frees this page's lock.
                storage::leaving();
            })
        });
        let (handover, lost) = (h.clone(), h.clone());
        storage::on_tab_events(
            // Another tab asks: save what is here, let go, and show the session read-only.
            move || handover.dispatch(Action::HandoverAsked),
            move || {
                storage::lost();
                lost.dispatch(Action::TabLost);
            },
        );
        move || drop(listener)
    });
}

/// A change: (re)arm the save for when changes pause (replacing the timer cancels the old one).
pub fn schedule(h: &Handle) {
    let saver = h.saver();
    let mut s = saver.borrow_mut();
    let now = storage::now_ms();
    let first = *s.first_unsaved_ms.get_or_insert(now);
    let pause = (s.last_encode_ms * 10.0).clamp(SAVE_DELAY_MS, SAVE_DELAY_MAX_MS);
    let due = (now + pause).min(first + SAVE_DELAY_MAX_MS);
    let h = h.clone();
    s.timer = Some(Timeout::new((due - now).max(0.0) as u32, move || {
        h.saver().borrow_mut().timer = None;
        h.dispatch(Action::SaveNow(SaveReason::Changed));
    }));
}

/// A save starts now (or this tab lets go): no timer is due any more.
pub fn cancel(h: &Handle) {
    let saver = h.saver();
    let mut s = saver.borrow_mut();
    s.timer = None;
    s.first_unsaved_ms = None;
}

/// How long the last save took to encode (the next pause is ten times that).
pub fn encoded(h: &Handle, ms: f64) {
    h.saver().borrow_mut().last_encode_ms = ms;
}
