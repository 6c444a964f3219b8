//! The crash panel: the page's own panic hook (in place of `console_error_panic_hook`).
//!
//! A Rust panic in the page is a bug; its state may be half-changed (a `RefCell` left borrowed),
//! so the hook uses neither Yew nor the app's state: it logs the message to the console, stops
//! all saving (`etcdStore.crashed()`: the last good save stays as it is), and draws a panel in
//! plain DOM — the message, and two buttons whose handlers live in `www/boot.js` (plain JS, they
//! work after the wasm has trapped): download the last saved session (a session file "Load my
//! session" reads) and reload the page from it. Both languages at once: the chosen one is state.
//!
//! The browser test (`tests/e2e/crash.test.mjs`) needs a panic in the release build it tests:
//! the page address `?crash-test=1` panics once the page is up ([`arm_test_trigger`]). Nothing
//! typed in the terminal can reach it; a learner would have to edit the address by hand.

use std::cell::Cell;
use wasm_bindgen::JsValue;

thread_local! {
    static CRASHED: Cell<bool> = const { Cell::new(false) };
}

/// Installs the hook; Yew keeps it (it installs its own only when none was set through it).
pub fn install() {
    yew::set_custom_panic_hook(Box::new(hook));
}

/// Whether the page has crashed (nothing is saved after that).
pub fn crashed() -> bool {
    CRASHED.with(Cell::get)
}

fn hook(info: &std::panic::PanicHookInfo<'_>) {
    let message = info.to_string();
    web_sys::console::error_1(&JsValue::from_str(&message));
    if CRASHED.with(|c| c.replace(true)) {
        return; // a second panic (from the broken state): the panel is up already
    }
    super::storage::mark_crashed();
    let _ = show_panel(&message);
}

const TEXTS: [(&str, &str, &str); 5] = [
    ("h2", "The playground crashed", "O playground travou"),
    (
        "p",
        "This is a bug in the playground, not something you did wrong. Your last saved session is kept: download it as a file, or reload the page to go on from it. What you did in the last second may be missing.",
        "Isto é um erro do playground, não algo que você fez de errado. Sua última sessão salva está guardada: baixe-a como arquivo ou recarregue a página para continuar a partir dela. O que você fez no último segundo pode estar faltando.",
    ),
    ("crash-download", "Download the last saved session", "Baixar a última sessão salva"),
    ("crash-reload", "Reload from the last save", "Recarregar da última sessão salva"),
    ("pre", "What went wrong (for a bug report):", "O que deu errado (para um relato de erro):"),
];

fn show_panel(message: &str) -> Option<()> {
    let doc = web_sys::window()?.document()?;
    let body = doc.body()?;
    let panel = doc.create_element("div").ok()?;
    panel.set_id("crash");
    panel.set_class_name("crash");
    panel.set_attribute("role", "alertdialog").ok()?;
    panel.set_attribute("aria-labelledby", "crash-title").ok()?;
    panel.set_attribute("aria-modal", "true").ok()?;
    let add = |tag: &str, text: &str, id: Option<&str>, lang: Option<&str>| -> Option<web_sys::Element> {
        let el = doc.create_element(tag).ok()?;
        el.set_text_content(Some(text));
        if let Some(id) = id {
            el.set_id(id);
        }
        if let Some(lang) = lang {
            el.set_attribute("lang", lang).ok()?;
        }
        panel.append_child(&el).ok()?;
        Some(el)
    };
    for (tag, en, pt) in TEXTS {
        match tag {
            "h2" => add("h2", &format!("{en} / {pt}"), Some("crash-title"), None)?,
            "pre" => {
                add("p", en, None, Some("en"))?;
                add("p", pt, None, Some("pt-BR"))?;
                add("pre", message, Some("crash-message"), None)?
            }
            "p" => {
                add("p", en, None, Some("en"))?;
                add("p", pt, None, Some("pt-BR"))?
            }
            id => {
                let b = add("button", &format!("{en} / {pt}"), Some(id), None)?;
                b.set_attribute("type", "button").ok()?;
                b
            }
        };
    }
    body.append_child(&panel).ok()?;
    // The app behind the panel may be broken: keep the learner's hands off it.
    if let Some(app) = doc.query_selector(".app").ok().flatten() {
        let _ = app.set_attribute("inert", "");
    }
    if let Some(b) = doc.get_element_by_id("crash-reload") {
        use wasm_bindgen::JsCast;
        if let Ok(b) = b.dyn_into::<web_sys::HtmlElement>() {
            let _ = b.focus();
        }
    }
    Some(())
}

/// For the browser test: with `?crash-test=1` in the page address, the page panics once it is
/// up (after the first render, the session restored).
pub fn arm_test_trigger() {
    let armed = web_sys::window().and_then(|w| w.location().search().ok()).is_some_and(|q| q.split(['?', '&']).any(|p| p == "crash-test=1"));
    if armed {
        gloo::timers::callback::Timeout::new(0, || panic!("crash test requested by the page address (?crash-test=1)")).forget();
    }
}
