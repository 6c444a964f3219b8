//! Where the page keeps the session: IndexedDB, through the small glue `www/boot.js` sets as
//! `globalThis.etcdStore` (hand-written JS is smaller than web-sys's IndexedDB bindings).
//!
//! - **Bytes, not text**: the session is stored as the binary CBOR of a session file
//!   (`crate::persist`), no base64; a save fails as a whole, so the last good save stays.
//! - **Read once, before the first render** (`load_at_start`): `AppState::load` takes the bytes.
//!   A save left in localStorage by an older page moves over on that first read.
//! - **One owner**: the tab holding the Web Lock `etcd-playground.session` saves; another tab
//!   shows the session read-only and can ask for it (`take_over`): the owner saves, lets go, and
//!   the asking tab reloads from that save. Nothing typed is lost either way.
//! - The browser's own error text never reaches the learner: a failed save is `quota` or
//!   `unavailable`, worded by the page.

use js_sys::{Promise, Uint8Array};
use std::cell::{Cell, RefCell};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = etcdStore, js_name = load)]
    fn js_load() -> Promise;
    #[wasm_bindgen(js_namespace = etcdStore, js_name = save)]
    fn js_save(bytes: &[u8], encode_ms: f64) -> Promise;
    #[wasm_bindgen(js_namespace = etcdStore, js_name = savedId)]
    fn js_saved_id() -> String;
    #[wasm_bindgen(js_namespace = etcdStore, js_name = clear)]
    fn js_clear() -> Promise;
    #[wasm_bindgen(js_namespace = etcdStore, js_name = estimate)]
    fn js_estimate() -> Promise;
    #[wasm_bindgen(js_namespace = etcdStore, js_name = claim)]
    fn js_claim(lost: &JsValue, handover: &JsValue) -> Promise;
    #[wasm_bindgen(js_namespace = etcdStore, js_name = release)]
    fn js_release();
    #[wasm_bindgen(js_namespace = etcdStore, js_name = takeOver)]
    fn js_take_over();
    #[wasm_bindgen(js_namespace = etcdStore, js_name = leaving)]
    fn js_leaving();
    #[wasm_bindgen(js_namespace = etcdStore, js_name = crashed)]
    pub fn mark_crashed();
}

thread_local! {
    /// The saved bytes read at start, until `AppState::load` takes them.
    static SAVED: RefCell<Option<Vec<u8>>> = const { RefCell::new(None) };
    static HAD_SAVE: Cell<bool> = const { Cell::new(false) };
    static OWNER: Cell<bool> = const { Cell::new(true) };
    /// What runs when another tab asks for the session or took it (set by the app).
    static ON_HANDOVER: Callback = const { RefCell::new(None) };
    static ON_LOST: Callback = const { RefCell::new(None) };
}

/// Reads the saved session and claims the session for this tab; before the first render.
pub async fn load_at_start() {
    let t0 = now_ms();
    if let Ok(v) = JsFuture::from(js_load()).await {
        if !v.is_null() && !v.is_undefined() {
            let bytes = Uint8Array::new(&v).to_vec();
            HAD_SAVE.with(|h| h.set(true));
            SAVED.with(|s| *s.borrow_mut() = Some(bytes));
        }
    }
    READ_MS.with(|r| r.set(now_ms() - t0));
    let lost = Closure::<dyn FnMut()>::new(|| call(&ON_LOST));
    let handover = Closure::<dyn FnMut()>::new(|| call(&ON_HANDOVER));
    let owner = JsFuture::from(js_claim(lost.as_ref(), handover.as_ref())).await.map(|v| v.as_bool() != Some(false)).unwrap_or(true);
    // The glue keeps both callbacks for the page's lifetime.
    lost.forget();
    handover.forget();
    OWNER.with(|o| o.set(owner));
}

type Callback = RefCell<Option<Box<dyn FnMut()>>>;

/// Runs the callback in `slot` without holding the slot borrowed (it may re-register itself).
fn call(slot: &'static std::thread::LocalKey<Callback>) {
    let Some(mut f) = slot.with(|s| s.borrow_mut().take()) else { return };
    f();
    slot.with(|s| {
        let mut s = s.borrow_mut();
        if s.is_none() {
            *s = Some(f);
        }
    });
}

thread_local! {
    static READ_MS: Cell<f64> = const { Cell::new(0.0) };
}

/// The IndexedDB read at start took this long (for the load time the page reports).
pub fn read_ms() -> f64 {
    READ_MS.with(Cell::get)
}

/// Whether an earlier visit left a session in this browser.
pub fn has_saved_session() -> bool {
    HAD_SAVE.with(Cell::get)
}

/// Which save IndexedDB holds ("" for none): a journal of lines names the save it follows.
pub fn saved_id() -> String {
    js_saved_id()
}

/// The saved bytes read at start (once).
pub fn take_saved() -> Option<Vec<u8>> {
    SAVED.with(|s| s.borrow_mut().take())
}

/// Whether this tab owns the session (saves it).
pub fn is_owner() -> bool {
    OWNER.with(Cell::get)
}

/// Why a save did not land.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SaveError {
    /// The browser's storage for this page is full.
    Quota,
    /// Storage is turned off or unavailable (private mode, a broken profile).
    Unavailable,
}

/// Stores `bytes` as the saved session: the write starts now (the glue copies the bytes at
/// once); the future resolves when they are on disk.
pub fn save(bytes: &[u8], encode_ms: f64) -> impl std::future::Future<Output = Result<(), SaveError>> {
    let p = JsFuture::from(js_save(bytes, encode_ms));
    async move {
        match p.await {
            Ok(v) if v.is_null() => Ok(()),
            Ok(v) if v.as_string().as_deref() == Some("quota") => Err(SaveError::Quota),
            _ => Err(SaveError::Unavailable),
        }
    }
}

/// Erases the saved session (and a legacy localStorage save).
pub fn clear() {
    HAD_SAVE.with(|h| h.set(false));
    let p = js_clear();
    wasm_bindgen_futures::spawn_local(async move {
        let _ = JsFuture::from(p).await;
    });
}

/// (usage, quota) in bytes, when the browser says.
pub async fn estimate() -> Option<(u64, u64)> {
    let v = JsFuture::from(js_estimate()).await.ok()?;
    let a: js_sys::Array = v.dyn_into().ok()?;
    Some((a.get(0).as_f64()? as u64, a.get(1).as_f64()? as u64))
}

/// Called when another tab asks for the session (`handover`) or took it by force (`lost`).
pub fn on_tab_events(handover: impl FnMut() + 'static, lost: impl FnMut() + 'static) {
    ON_HANDOVER.with(|f| *f.borrow_mut() = Some(Box::new(handover)));
    ON_LOST.with(|f| *f.borrow_mut() = Some(Box::new(lost)));
}

/// This tab stops owning the session (after saving it): the asking tab may take it.
pub fn release() {
    OWNER.with(|o| o.set(false));
    js_release();
}

/// Another tab took the session: stop saving.
pub fn lost() {
    OWNER.with(|o| o.set(false));
}

/// The page goes away (after its last save started): the lock passes to this tab's next page
/// once that save is on disk (see `leaving` in www/boot.js).
pub fn leaving() {
    js_leaving();
}

/// Asks the owning tab for the session, then reloads from its save.
pub fn take_over() {
    js_take_over();
}

/// Milliseconds on the page's clock (for the save and load times the page reports).
pub fn now_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}

/// Sets a `data-*` attribute on `<html>` (the browser tests and the benchmark read them).
pub fn mark(name: &str, value: &str) {
    if let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
        let _ = root.set_attribute(name, value);
    }
}
