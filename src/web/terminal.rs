//! The terminal view: scrollback, prompt, input with history, and the language switch.

use crate::i18n::{t, Lang};
use crate::process::Chunk;
use crate::shell::Session;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// One rendered line of scrollback.
#[derive(Clone, PartialEq)]
enum Line {
    Prompt(String, String),
    Out(String),
    Err(String),
    Explain { en: String, pt: String },
}

fn lines_of(chunks: &[Chunk]) -> Vec<Line> {
    let mut out = Vec::new();
    for c in chunks {
        match c {
            Chunk::Stdout(s) => out.extend(s.strip_suffix('\n').unwrap_or(s).split('\n').map(|l| Line::Out(l.to_string()))),
            Chunk::Stderr(s) => out.extend(s.strip_suffix('\n').unwrap_or(s).split('\n').map(|l| Line::Err(l.to_string()))),
            Chunk::Explain { en, pt } => out.push(Line::Explain { en: en.clone(), pt: pt.clone() }),
        }
    }
    out
}

#[function_component(App)]
pub fn app() -> Html {
    let session = use_mut_ref(|| Session::new("kubeadm").expect("the default scenario exists"));
    let scrollback = use_state(Vec::<Line>::new);
    let prompt = use_state(|| session.borrow().prompt());
    let lang = use_state(|| Lang::Pt);
    // Position while walking history with Up/Down; None = editing a new line.
    let hist_pos = use_mut_ref(|| None::<usize>);
    let input_ref = use_node_ref();
    let end_ref = use_node_ref();

    {
        let end_ref = end_ref.clone();
        use_effect_with(scrollback.len(), move |_| {
            if let Some(el) = end_ref.cast::<web_sys::Element>() {
                el.scroll_into_view();
            }
        });
    }

    let onkeydown = {
        let session = session.clone();
        let scrollback = scrollback.clone();
        let prompt = prompt.clone();
        let hist_pos = hist_pos.clone();
        Callback::from(move |e: KeyboardEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            match e.key().as_str() {
                "Enter" => {
                    let line = input.value();
                    input.set_value("");
                    *hist_pos.borrow_mut() = None;
                    let mut s = session.borrow_mut();
                    let mut lines = (*scrollback).clone();
                    lines.push(Line::Prompt((*prompt).clone(), line.clone()));
                    let r = s.execute(&line);
                    if r.clear {
                        lines.clear();
                    }
                    lines.extend(lines_of(&r.chunks));
                    scrollback.set(lines);
                    prompt.set(s.prompt());
                }
                "ArrowUp" | "ArrowDown" => {
                    e.prevent_default();
                    let s = session.borrow();
                    let n = s.history.len();
                    if n == 0 {
                        return;
                    }
                    let mut pos = hist_pos.borrow_mut();
                    *pos = match (e.key().as_str(), *pos) {
                        ("ArrowUp", None) => Some(n - 1),
                        ("ArrowUp", Some(p)) => Some(p.saturating_sub(1)),
                        ("ArrowDown", Some(p)) if p + 1 < n => Some(p + 1),
                        _ => None,
                    };
                    input.set_value(pos.map(|p| s.history[p].as_str()).unwrap_or(""));
                }
                "c" if e.ctrl_key() => {
                    let mut s = session.borrow_mut();
                    s.cancel_pending();
                    let mut lines = (*scrollback).clone();
                    lines.push(Line::Prompt((*prompt).clone(), format!("{}^C", input.value())));
                    input.set_value("");
                    scrollback.set(lines);
                    prompt.set(s.prompt());
                }
                "l" if e.ctrl_key() => {
                    e.prevent_default();
                    scrollback.set(Vec::new());
                }
                _ => {}
            }
        })
    };

    let focus_input = {
        let input_ref = input_ref.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(i) = input_ref.cast::<HtmlInputElement>() {
                let _ = i.focus();
            }
        })
    };

    let set_lang = |l: Lang| {
        let lang = lang.clone();
        Callback::from(move |_: MouseEvent| {
            lang.set(l);
            if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
                if let Some(root) = doc.document_element() {
                    let _ = root.set_attribute("lang", l.code());
                }
            }
        })
    };

    let l = *lang;
    html! {
        <div class="app">
            <header class="top">
                <h1>{ t(l, "app.title") }</h1>
                <p class="tagline">{ t(l, "app.tagline") }</p>
                <nav class="lang" aria-label={ t(l, "lang.switch") }>
                    <span id="lang-label">{ t(l, "lang.switch") }</span>
                    <button id="lang-pt" aria-pressed={ (l == Lang::Pt).to_string() } onclick={ set_lang(Lang::Pt) }>{ "PT" }</button>
                    <button id="lang-en" aria-pressed={ (l == Lang::En).to_string() } onclick={ set_lang(Lang::En) }>{ "EN" }</button>
                </nav>
            </header>
            <main>
                <section class="terminal" aria-label={ t(l, "terminal.label") } onclick={ focus_input }>
                    <div class="scrollback" role="log" aria-live="polite">
                        { for scrollback.iter().map(|line| match line {
                            Line::Prompt(p, cmd) => html! { <div class="line cmd"><span class="prompt">{ p }</span>{ cmd }</div> },
                            Line::Out(s) => html! { <div class="line out">{ s }</div> },
                            Line::Err(s) => html! { <div class="line err">{ s }</div> },
                            Line::Explain { en, pt } => html! {
                                <aside class="explain"><strong>{ t(l, "explain.title") }{ ": " }</strong>{ l.pick(en, pt) }</aside>
                            },
                        }) }
                        <div ref={ end_ref }></div>
                    </div>
                    <div class="input-line">
                        <label for="cmd" class="prompt" id="prompt">{ (*prompt).clone() }</label>
                        <input id="cmd" ref={ input_ref } type="text" autocomplete="off" autocapitalize="off" spellcheck="false"
                            autofocus=true aria-label={ t(l, "terminal.input") } {onkeydown} />
                    </div>
                </section>
                <p class="help">{ t(l, "terminal.help") }</p>
            </main>
        </div>
    }
}
