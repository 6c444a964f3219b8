//! The terminal: scrollback (only the last lines drawn), prompt and input, with the keys a
//! bash user expects. Line editing logic lives in `crate::term`; this file wires events.

use super::dom;
use super::state::{Action, Handle};
use crate::i18n::{t, Lang};
use crate::term::{self, LineKind};
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub state: Handle,
}

/// Ctrl+R state: what is searched and which history entry matches.
#[derive(Clone, PartialEq, Default)]
struct Search {
    query: String,
    found: Option<usize>,
}

#[function_component(Terminal)]
pub fn terminal(props: &Props) -> Html {
    let state = props.state.clone();
    let l = state.model().lang;
    let hist_pos = use_mut_ref(|| None::<usize>);
    let search = use_state(|| None::<Search>);
    // After Esc, Tab leaves the input instead of completing (no keyboard trap).
    let tab_leaves = use_mut_ref(|| false);
    let input_ref = use_node_ref();

    let history_entry = {
        let state = state.clone();
        move |i: usize| state.model().session.history.get(i).cloned().unwrap_or_default()
    };

    let onkeydown = {
        let history_entry = history_entry.clone();
        let state = state.clone();
        let hist_pos = hist_pos.clone();
        let search = search.clone();
        let tab_leaves = tab_leaves.clone();
        Callback::from(move |e: KeyboardEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let key = e.key();
            let ctrl = e.ctrl_key() && !e.alt_key() && !e.meta_key();
            let leave_tab = std::mem::replace(&mut *tab_leaves.borrow_mut(), false);
            if let Some(sr) = (*search).clone() {
                match key.as_str() {
                    "r" if ctrl => {
                        e.prevent_default();
                        let h = state.model().session.history.clone();
                        let found = term::reverse_search(&h, &sr.query, sr.found).or(sr.found);
                        search.set(Some(Search { found, ..sr }));
                    }
                    "Enter" => {
                        e.prevent_default();
                        let line = sr.found.map(&history_entry).unwrap_or_default();
                        search.set(None);
                        input.set_value("");
                        *hist_pos.borrow_mut() = None;
                        state.dispatch(Action::Run(vec![line]));
                    }
                    "c" | "g" if ctrl => {
                        e.prevent_default();
                        search.set(None);
                        input.set_value("");
                    }
                    "Escape" | "ArrowLeft" | "ArrowRight" | "Tab" | "ArrowUp" | "ArrowDown" => {
                        e.prevent_default();
                        input.set_value(&sr.found.map(&history_entry).unwrap_or_default());
                        search.set(None);
                    }
                    _ => {}
                }
                return;
            }
            match key.as_str() {
                "Enter" => {
                    e.prevent_default();
                    let line = input.value();
                    input.set_value("");
                    *hist_pos.borrow_mut() = None;
                    state.dispatch(Action::Run(vec![line]));
                }
                "ArrowUp" | "ArrowDown" => {
                    e.prevent_default();
                    let n = state.model().session.history.len();
                    if n == 0 {
                        return;
                    }
                    let mut pos = hist_pos.borrow_mut();
                    *pos = match (key.as_str(), *pos) {
                        ("ArrowUp", None) => Some(n - 1),
                        ("ArrowUp", Some(p)) => Some(p.saturating_sub(1)),
                        ("ArrowDown", Some(p)) if p + 1 < n => Some(p + 1),
                        _ => None,
                    };
                    input.set_value(&pos.map(&history_entry).unwrap_or_default());
                }
                "Tab" if !leave_tab && !e.shift_key() => {
                    e.prevent_default();
                    let line = input.value();
                    let cursor = dom::caret(&input, &line);
                    let cands = state.model().session.complete(&line, cursor);
                    let c = term::apply_completion(&line, cursor, &cands);
                    if c.choices.is_empty() {
                        input.set_value(&c.line);
                        let pos = c.line[..c.cursor].encode_utf16().count() as u32;
                        let _ = input.set_selection_range(pos, pos);
                    } else {
                        state.dispatch(Action::Choices(line, c.choices));
                    }
                }
                "Escape" => *tab_leaves.borrow_mut() = true,
                "c" if ctrl => {
                    // With text selected, Ctrl+C copies; otherwise it interrupts, as in a terminal.
                    if input.selection_start().ok().flatten() != input.selection_end().ok().flatten() {
                        return;
                    }
                    e.prevent_default();
                    state.dispatch(Action::Interrupt(input.value()));
                    input.set_value("");
                    *hist_pos.borrow_mut() = None;
                }
                "l" if ctrl => {
                    e.prevent_default();
                    state.dispatch(Action::Clear);
                }
                "r" if ctrl => {
                    e.prevent_default();
                    let query = input.value();
                    let found = term::reverse_search(&state.model().session.history, &query, None);
                    search.set(Some(Search { query, found }));
                }
                _ => {}
            }
        })
    };

    let oninput = {
        let state = state.clone();
        let search = search.clone();
        Callback::from(move |e: InputEvent| {
            if search.is_some() {
                let input: HtmlInputElement = e.target_unchecked_into();
                let query = input.value();
                let found = term::reverse_search(&state.model().session.history, &query, None);
                search.set(Some(Search { query, found }));
            }
        })
    };

    let onpaste = {
        let state = state.clone();
        Callback::from(move |e: Event| {
            let Some(text) = dom::pasted_text(&e) else { return };
            let input: HtmlInputElement = e.target_unchecked_into();
            let value = input.value();
            let cursor = dom::caret(&input, &value);
            if let Some((lines, rest)) = term::split_paste(&value, cursor, &text) {
                e.prevent_default();
                input.set_value(&rest);
                state.dispatch(Action::Run(lines));
            }
        })
    };

    let ondragover = Callback::from(|e: DragEvent| e.prevent_default());
    let ondrop = {
        let state = state.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            if let Some(files) = e.data_transfer().and_then(|d| d.files()) {
                dom::upload(files, state.clone());
            }
        })
    };

    let focus_input = {
        let input_ref = input_ref.clone();
        Callback::from(move |_: MouseEvent| {
            // Clicking to select text must not steal the selection.
            let selecting = web_sys::window().and_then(|w| w.get_selection().ok().flatten()).is_some_and(|s| !s.is_collapsed());
            if !selecting {
                if let Some(i) = input_ref.cast::<HtmlInputElement>() {
                    let _ = i.focus();
                }
            }
        })
    };

    let (blocks, hidden) = {
        let m = state.model();
        let sb = &m.term;
        let hidden = sb.visible().1;
        (sb.blocks(), hidden)
    };
    let (prompt, pending) = {
        let m = state.model();
        (m.session.prompt(), m.pending.len())
    };
    let search_line = (*search).clone().map(|sr| {
        let found = sr.found.map(&history_entry).unwrap_or_default();
        let label = if sr.found.is_none() && !sr.query.is_empty() { "(failed reverse-i-search)" } else { "(reverse-i-search)" };
        format!("{label}`{}': {found}", sr.query)
    });
    html! {
        <section class="terminal" aria-label={ t(l, "terminal.label") } onclick={ focus_input } {ondragover} {ondrop}>
            <div class="scrollback" role="log" aria-live="polite" aria-relevant="additions" tabindex="0" aria-label={ t(l, "terminal.output") }>
                if hidden > 0 {
                    <div class="line hidden-note">{ t(l, "terminal.hidden").replace("{n}", &hidden.to_string()) }</div>
                }
                { for blocks.into_iter().map(|(lo, hi)| html! { <Block key={ lo.to_string() } state={ state.clone() } {lo} {hi} lang={ l } /> }) }
            </div>
            if pending > 0 {
                <div id="pending" class="line note" role="status">{ t(l, "terminal.pending").replace("{n}", &pending.to_string()) }</div>
            }
            if let Some(s) = search_line {
                <div id="rsearch" class="line rsearch" aria-live="polite">{ s }</div>
            }
            <div class="input-line">
                <label for="cmd" class="prompt" id="prompt">{ prompt }</label>
                <input id="cmd" ref={ input_ref.clone() } type="text" autocomplete="off" autocapitalize="off" spellcheck="false"
                    autofocus=true aria-label={ t(l, "terminal.input") } aria-describedby="term-help" {onkeydown} {oninput} {onpaste} />
            </div>
            <div class="touch-keys" role="group" aria-label={ t(l, "term.keys") }>
                <button id="key-ctrlc" type="button" aria-label={ t(l, "term.ctrlc") } onclick={ press(&input_ref, "c", true) }>{ "Ctrl+C" }</button>
                <button id="key-tab" type="button" aria-label={ t(l, "term.tab") } onclick={ press(&input_ref, "Tab", false) }>{ "Tab" }</button>
                <button id="key-up" type="button" aria-label={ t(l, "term.up") } onclick={ press(&input_ref, "ArrowUp", false) }>{ "↑" }</button>
            </div>
        </section>
    }
}

/// An on-screen key (phones have no Ctrl, Tab or arrows): the same keydown the keyboard
/// sends, on the command input, so it does exactly what the key does.
fn press(input_ref: &NodeRef, key: &'static str, ctrl: bool) -> Callback<MouseEvent> {
    let input_ref = input_ref.clone();
    Callback::from(move |e: MouseEvent| {
        e.stop_propagation();
        let Some(input) = input_ref.cast::<HtmlInputElement>() else { return };
        let _ = input.focus();
        let init = web_sys::KeyboardEventInit::new();
        init.set_key(key);
        init.set_ctrl_key(ctrl);
        init.set_bubbles(true);
        init.set_cancelable(true);
        if let Ok(ev) = web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init) {
            let _ = input.dispatch_event(&ev);
        }
    })
}

/// A run of scrollback lines; redrawn only when its id range or the language changes (lines
/// never change once written), so a long scrollback costs nothing per command.
#[derive(Properties)]
struct BlockProps {
    state: Handle,
    lo: u64,
    hi: u64,
    lang: Lang,
}

impl PartialEq for BlockProps {
    fn eq(&self, o: &Self) -> bool {
        self.state.same_page(&o.state) && self.lo == o.lo && self.hi == o.hi && self.lang == o.lang
    }
}

#[function_component(Block)]
fn block(p: &BlockProps) -> Html {
    let m = p.state.model();
    html! { <div class="block">{ for m.term.range(p.lo, p.hi).map(|line| render_line(p.lang, line)) }</div> }
}

fn render_line(l: Lang, line: &term::Line) -> Html {
    let key = line.id.to_string();
    match &line.kind {
        LineKind::Prompt(p, cmd) => html! { <div {key} class="line cmd"><span class="prompt">{ p }</span>{ cmd }</div> },
        LineKind::Out(s) => html! { <div {key} class="line out">{ s }</div> },
        LineKind::Err(s) => html! { <div {key} class="line err">{ s }</div> },
        LineKind::Explain(text) => html! {
            <aside {key} class="explain md"><strong>{ t(l, "explain.title") }{ ": " }</strong>{ super::lessons::render_md(text.get(l)) }</aside>
        },
        LineKind::Note(text) => html! { <div {key} class="line note" >{ text.get(l) }</div> },
    }
}
