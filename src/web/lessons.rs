//! The lesson panel: the course with progress, the open step (Markdown rendered as text-only
//! elements), its live checks, hints one by one, the solution, navigation, reset, the sandbox,
//! and loading a lesson from a local file or a URL.

use super::state::{why, Action, Fetch, Handle};
use crate::i18n::t;
use crate::lessons;
use crate::markdown::{self, Block, Inline};
use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub state: Handle,
}

#[function_component(Lessons)]
pub fn lessons_panel(props: &Props) -> Html {
    let state = props.state.clone();
    let l = state.lang;
    let url_ref = use_node_ref();
    let cb = |a: fn() -> Action| {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| state.dispatch(a()))
    };

    let Some(lesson) = state.lesson().cloned() else {
        // The course list.
        let onfile = {
            let state = state.clone();
            Callback::from(move |e: Event| {
                let input: HtmlInputElement = e.target_unchecked_into();
                if let Some(f) = input.files().and_then(|f| f.get(0)) {
                    let name = f.name();
                    let file = gloo::file::File::from(f);
                    let st = state.clone();
                    let holder = std::rc::Rc::new(std::cell::RefCell::new(None));
                    let h2 = holder.clone();
                    let reader = gloo::file::callbacks::read_as_text(&file, move |res| {
                        match res {
                            Ok(text) => wasm_bindgen_futures::spawn_local(async move {
                                crate::lazy::load_lesson_code().await;
                                st.dispatch(Action::LoadLesson { name, text });
                            }),
                            Err(e) => st.dispatch(Action::Note(format!("Could not read the file: {e}"), format!("Não foi possível ler o arquivo: {e}"))),
                        }
                        h2.borrow_mut().take();
                    });
                    *holder.borrow_mut() = Some(reader);
                }
                input.set_value("");
            })
        };
        let load_url = {
            let (state, url_ref) = (state.clone(), url_ref.clone());
            move || {
                let Some(input) = url_ref.cast::<HtmlInputElement>() else { return };
                let url = input.value();
                if url.trim().is_empty() {
                    return;
                }
                let st = state.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    crate::lazy::load_lesson_code().await;
                    match fetch_text(&url).await {
                        Ok(text) => st.dispatch(Action::LoadLesson { name: url, text }),
                        Err(e) => {
                            let (en, pt) = why(&e);
                            st.dispatch(Action::Note(format!("Could not load {url}: {en}"), format!("Não foi possível carregar {url}: {pt}")))
                        }
                    }
                });
            }
        };
        let onurl_click = {
            let load_url = load_url.clone();
            Callback::from(move |_: MouseEvent| load_url())
        };
        let onurl_key = Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" {
                e.prevent_default();
                load_url();
            }
        });
        let items = state.cards().into_iter().map(|les| {
            let (done, total) = state.progress.counts_of(&les.id, les.steps.iter().map(String::as_str));
            let id = les.id.clone();
            let st = state.clone();
            let open = Callback::from(move |_: MouseEvent| match st.to_fetch(&id) {
                // A course lesson's file is fetched when it is first opened.
                Some(card) => fetch_lesson(st.clone(), card.file.clone(), true),
                None => st.dispatch(Action::OpenLesson(id.clone())),
            });
            html! {
                <li class="lesson-item" data-lesson={ les.id.clone() }>
                    <button class="linkish lesson-open" onclick={ open }>{ les.title.get(l) }</button>
                    <span class={ classes!("muted", "progress", (done == total).then_some("done")) }>{ format!(" {done}/{total}") }</span>
                    <p class="muted small">{ les.summary.get(l) }</p>
                </li>
            }
        });
        return html! {
            <div class="lessons">
                <div class="lesson-bar">
                    <button id="sandbox" onclick={ cb(|| Action::Sandbox) }>{ t(l, "lesson.sandbox") }</button>
                </div>
                if let Some(file) = &state.opening {
                    <p class="muted" id="lesson-opening" role="status">{ t(l, "lesson.opening").replace("{file}", file) }</p>
                }
                if let Some((en, pt)) = &state.lesson_error {
                    <p class="lesson-error" id="lesson-error" role="alert">{ l.pick(en, pt) }</p>
                }
                <ol class="lesson-list" aria-label={ t(l, "lesson.list") }>{ for items }</ol>
                { match &state.index_status {
                    Fetch::Pending => html! { <p class="muted" id="lessons-loading">{ t(l, "lesson.loading") }</p> },
                    Fetch::Ready => html! {},
                    Fetch::Failed(en, pt) => {
                        let st = state.clone();
                        html! {
                            <p class="lesson-error" id="index-error" role="alert">{ l.pick(en, pt) }{ " " }
                                <button id="index-retry" onclick={ Callback::from(move |_: MouseEvent| fetch_index(st.clone())) }>{ t(l, "lesson.retry") }</button>
                            </p>
                        }
                    }
                } }
                <h3>{ t(l, "lesson.load") }</h3>
                <div class="lesson-load">
                    <input id="lesson-file" class="sr-only" type="file" accept=".toml,text/plain" onchange={ onfile } />
                    <label class="button" for="lesson-file">{ t(l, "lesson.file") }</label>
                    <div class="url-form">
                        <label for="lesson-url">{ t(l, "lesson.url") }</label>
                        <input id="lesson-url" ref={ url_ref } type="url" placeholder="lessons/01-what-is-etcd.toml" onkeydown={ onurl_key } />
                        <button id="lesson-url-go" onclick={ onurl_click }>{ t(l, "lesson.load_go") }</button>
                    </div>
                </div>
            </div>
        };
    };

    let i = state.step_index();
    let n = lesson.steps.len();
    let Some(step) = lesson.steps.get(i) else { return html! {} };
    let results = crate::lazy::evaluate(step, &state.session.borrow(), &state.last).unwrap_or_default();
    let done = state.progress.lessons.get(&lesson.id).is_some_and(|p| p.completed.contains(&step.id));
    let hints = state.progress.hints_shown(&lesson.id, &step.id);
    let solution = state.progress.lessons.get(&lesson.id).is_some_and(|p| p.solution_shown.contains(&step.id));
    let (cdone, _) = state.progress.counts(&lesson);
    let goto = |j: usize| {
        let st = state.clone();
        Callback::from(move |_: MouseEvent| st.dispatch(Action::StepTo(j)))
    };
    html! {
        <div class="lessons">
            <div class="lesson-bar">
                <button id="lesson-back" onclick={ cb(|| Action::CloseLesson) }>{ t(l, "lesson.back") }</button>
                <button id="lesson-reset" onclick={ cb(|| Action::ResetLesson) }>{ t(l, "lesson.reset") }</button>
                <button id="sandbox" onclick={ cb(|| Action::Sandbox) }>{ t(l, "lesson.sandbox") }</button>
            </div>
            <h2 class="lesson-title">{ lesson.title.get(l) }<span class="muted small">{ format!(" {cdone}/{n}") }</span></h2>
            <nav class="step-nav" aria-label={ t(l, "lesson.steps") }>
                <button id="step-prev" disabled={ i == 0 } onclick={ goto(i.saturating_sub(1)) }>{ t(l, "lesson.prev") }</button>
                <span id="step-pos">{ t(l, "lesson.step").replace("{i}", &(i + 1).to_string()).replace("{n}", &n.to_string()) }</span>
                <button id="step-next" disabled={ i + 1 >= n } onclick={ goto(i + 1) }>{ t(l, "lesson.next") }</button>
            </nav>
            <h3 id="step-title">{ step.title.get(l) }</h3>
            if step.has_start() {
                <button id="step-restart" onclick={ cb(|| Action::RestartStep) }>{ t(l, "lesson.restartstep") }</button>
            }
            <div class="md" id="step-text">{ render_md(step.instructions.get(l)) }</div>
            <h4>{ t(l, "lesson.checks") }</h4>
            <ul class="checks" id="checks" aria-live="polite">
                { for results.iter().map(|r| html! {
                    <li class={ if r.passed { "pass" } else { "fail" } }>
                        <span aria-hidden="true">{ if r.passed { "✓ " } else { "○ " } }</span>
                        <span class="sr-only">{ if r.passed { t(l, "lesson.passed") } else { t(l, "lesson.notyet") } }</span>
                        { render_label(r.label.get(l)) }
                    </li>
                }) }
            </ul>
            if done {
                <p class="step-done" id="step-done" role="status">{ if i + 1 < n { t(l, "lesson.stepdone") } else { t(l, "lesson.alldone") } }</p>
            }
            <div class="hints" id="hints">
                { for step.hints.iter().take(hints).enumerate().map(|(k, h)| html! {
                    <div class="hint"><strong>{ format!("{} {}: ", t(l, "lesson.hint"), k + 1) }</strong>{ render_md(h.get(l)) }</div>
                }) }
                if hints < step.hints.len() {
                    <button id="hint" onclick={ cb(|| Action::Hint) }>{ t(l, "lesson.showhint").replace("{n}", &(step.hints.len() - hints).to_string()) }</button>
                }
                if !solution {
                    <button id="solution" onclick={ cb(|| Action::ShowSolution) }>{ t(l, "lesson.showsolution") }</button>
                } else {
                    <pre id="solution-text">{ step.solution.join("\n") }</pre>
                }
            </div>
        </div>
    }
}

/// Fetches the course's index (at start, and on "try again").
pub fn fetch_index(state: Handle) {
    wasm_bindgen_futures::spawn_local(async move {
        let res = fetch_text(lessons::course::INDEX).await;
        state.dispatch(Action::Index(res));
    });
}

/// Fetches a course lesson's file; `open`: the learner asked to open it.
pub fn fetch_lesson(state: Handle, file: String, open: bool) {
    if open {
        state.dispatch(Action::Opening(file.clone()));
    }
    wasm_bindgen_futures::spawn_local(async move {
        let res = fetch_text(&file).await;
        crate::lazy::load_lesson_code().await;
        state.dispatch(Action::Fetched { file, res, open });
    });
}

/// The text at `url`; the error is "" when the network failed (see `state::why`), else the
/// HTTP status or what went wrong.
async fn fetch_text(url: &str) -> Result<String, String> {
    let window = web_sys::window().ok_or("no window")?;
    let resp = wasm_bindgen_futures::JsFuture::from(window.fetch_with_str(url)).await.map_err(|_| String::new())?;
    let resp: web_sys::Response = resp.dyn_into().map_err(|_| "not a response".to_string())?;
    if !resp.ok() {
        return Err(format!("HTTP {}", resp.status()));
    }
    let text = wasm_bindgen_futures::JsFuture::from(resp.text().map_err(|e| format!("{e:?}"))?).await.map_err(|e| format!("{e:?}"))?;
    text.as_string().ok_or_else(|| "not text".to_string())
}

/// Markdown as elements whose content is text only: no HTML from the lesson is ever parsed.
pub fn render_md(src: &str) -> Html {
    html! { <>{ for markdown::parse(src).into_iter().map(|b| match b {
        Block::Heading(_, inl) => html! { <h4>{ render_inlines(inl) }</h4> },
        Block::Paragraph(inl) => html! { <p>{ render_inlines(inl) }</p> },
        Block::List { ordered: true, items } => html! { <ol>{ for items.into_iter().map(|i| html! { <li>{ render_inlines(i) }</li> }) }</ol> },
        Block::List { ordered: false, items } => html! { <ul>{ for items.into_iter().map(|i| html! { <li>{ render_inlines(i) }</li> }) }</ul> },
        Block::Code(c) => html! { <pre><code>{ c }</code></pre> },
    }) }</> }
}

/// A check's label: one line of inline Markdown (`code`, **bold**), as text-only elements.
fn render_label(src: &str) -> Html {
    match markdown::parse(src).into_iter().next() {
        Some(Block::Paragraph(inl)) => render_inlines(inl),
        _ => html! { { src.to_string() } },
    }
}

fn render_inlines(v: Vec<Inline>) -> Html {
    html! { <>{ for v.into_iter().map(|i| match i {
        Inline::Text(s) => html! { { s } },
        Inline::Code(s) => html! { <code>{ s }</code> },
        Inline::Strong(s) => html! { <strong>{ s }</strong> },
        Inline::Em(s) => html! { <em>{ s }</em> },
        Inline::Link(text, href) => html! { <a {href} target="_blank" rel="noopener noreferrer">{ text }</a> },
        Inline::Image(alt, src) => html! { <img {src} {alt} class="lesson-img" /> },
    }) }</> }
}
