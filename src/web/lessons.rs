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
    let url_ref = use_node_ref();
    // The panel's views are in the lessons chunk (`chunks::LessonViews`), fetched right after
    // the first paint and before any lesson is read; until it is here the panel says it is
    // loading (`Action::CodeArrived` draws it again).
    let Some(c) = super::chunks::lesson_views() else {
        if crate::lazy::lesson_code_failed() {
            return html! { <div class="lessons"><p class="lesson-error" role="alert">{ t(state.model().lang, "panel.failed") }</p></div> };
        }
        return html! { <div class="lessons"><p class="muted" role="status">{ t(state.model().lang, "lesson.loading") }</p></div> };
    };
    let m = state.model();
    let html = match m.lesson() {
        Some(lesson) => (c.lesson_view)(&state, lesson),
        None => (c.course_view)(&state, &url_ref),
    };
    html
}

/// The course list, loading a lesson from a file or a URL, and the progress files. Reached
/// through `chunks::LessonViews` only.
pub fn course_view(state: &Handle, url_ref: &NodeRef) -> Html {
    let state = state.clone();
    let l = state.model().lang;
    let cb = |a: fn() -> Action| {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| state.dispatch(a()))
    };
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
                            super::chunks::load_lesson_code().await;
                            st.dispatch(Action::LoadLesson { name, text });
                        }),
                        Err(e) => st.dispatch(Action::note(format!("Could not read the file: {e}"), format!("Não foi possível ler o arquivo: {e}"))),
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
                super::chunks::load_lesson_code().await;
                match fetch_text(&url).await {
                    Ok(text) => st.dispatch(Action::LoadLesson { name: url, text }),
                    Err(e) => {
                        let why = why(&e);
                        st.dispatch(Action::note(format!("Could not load {url}: {}", why.en), format!("Não foi possível carregar {url}: {}", why.pt)))
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
    let items = state.model().cards().into_iter().map(|les| {
        let (done, total) = state.model().progress.counts_of(&les.id, les.steps.iter().map(String::as_str));
        let id = les.id.clone();
        let st = state.clone();
        // A course lesson's file is fetched when it is first opened (the model asks for it).
        let open = Callback::from(move |_: MouseEvent| st.dispatch(Action::OpenLesson(id.clone())));
        html! {
            <li class="lesson-item" data-lesson={ les.id.clone() }>
                <button class="linkish lesson-open" onclick={ open }>{ render_label(les.title.get(l)) }</button>
                <span class={ classes!("muted", "progress", (done == total).then_some("done")) }>{ format!(" {done}/{total}") }</span>
                <div class="muted small md">{ render_md(les.summary.get(l)) }</div>
            </li>
        }
    });
    html! {
        <div class="lessons">
            <div class="lesson-bar">
                <button id="sandbox" onclick={ cb(|| Action::Sandbox) }>{ t(l, "lesson.sandbox") }</button>
            </div>
            if let Some(file) = &state.model().opening {
                <p class="muted" id="lesson-opening" role="status">{ t(l, "lesson.opening").replace("{file}", file) }</p>
            }
            if let Some(e) = &state.model().lesson_error {
                <p class="lesson-error" id="lesson-error" role="alert">{ e.get(l) }</p>
            }
            <ol class="lesson-list" aria-label={ t(l, "lesson.list") }>{ for items }</ol>
            { match &state.model().index_status {
                Fetch::Pending => html! { <p class="muted" id="lessons-loading">{ t(l, "lesson.loading") }</p> },
                Fetch::Ready => html! {},
                Fetch::Failed(why) => {
                    let st = state.clone();
                    html! {
                        <p class="lesson-error" id="index-error" role="alert">{ why.get(l) }{ " " }
                            <button id="index-retry" onclick={ Callback::from(move |_: MouseEvent| st.dispatch(Action::RetryIndex)) }>{ t(l, "lesson.retry") }</button>
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
                    <input id="lesson-url" ref={ url_ref.clone() } type="url" placeholder="lessons/01-what-is-etcd.toml" onkeydown={ onurl_key } />
                    <button id="lesson-url-go" onclick={ onurl_click }>{ t(l, "lesson.load_go") }</button>
                </div>
            </div>
            <ProgressFiles state={ state.clone() } />
        </div>
    }
}

/// The open lesson: its steps, the open step with its checks, hints and solution, an exam's
/// clock or score, and the printable handout. Reached through `chunks::LessonViews` only.
pub fn lesson_view(state: &Handle, lesson: &lessons::Lesson) -> Html {
    let state = state.clone();
    let l = state.model().lang;
    let cb = |a: fn() -> Action| {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| state.dispatch(a()))
    };
    // The lesson as this attempt sees it: its `[vars]` drawn (see `lessons::exam`).
    let lesson = crate::lazy::instance(lesson, &state.model().progress);
    let i = state.model().step_index();
    let n = lesson.steps.len();
    let Some(step) = lesson.steps.get(i) else { return html! {} };
    let locked = state.model().progress.locked(&lesson);
    let attempt = state.model().progress.attempt(&lesson.id).cloned();
    let results = crate::lazy::evaluate(step, &state.model().session, &state.model().last).unwrap_or_default();
    let hints = state.model().progress.hints_shown(&lesson.id, &step.id);
    let solution = state.model().progress.lessons.get(&lesson.id).is_some_and(|p| p.solution_shown.contains(&step.id));
    let (cdone, _) = state.model().progress.counts(&lesson);
    let goto = |j: usize| {
        let st = state.clone();
        Callback::from(move |_: MouseEvent| st.dispatch(Action::StepTo(j)))
    };
    let print = Callback::from(|_: MouseEvent| {
        if let Some(w) = web_sys::window() {
            let _ = w.print();
        }
    });
    let banner = if locked { None } else { state.model().progress.banner(&lesson, i) };
    html! {
        <div class={ classes!("lessons", lesson.exam.then_some("exam")) }>
            <div class="lesson-bar">
                <button id="lesson-back" onclick={ cb(|| Action::CloseLesson) }>{ t(l, "lesson.back") }</button>
                <button id="lesson-reset" onclick={ cb(|| Action::ResetLesson) }>{ t(l, if lesson.exam { "exam.again" } else { "lesson.reset" }) }</button>
                <button id="sandbox" onclick={ cb(|| Action::Sandbox) }>{ t(l, "lesson.sandbox") }</button>
                <button id="lesson-print" onclick={ print } title={ t(l, "lesson.print_help") }>{ t(l, "lesson.print") }</button>
            </div>
            <h2 class="lesson-title">{ render_label(lesson.title.get(l)) }<span class="muted small" id="lesson-count">{ format!(" {cdone}/{n}") }</span></h2>
            if let Some(a) = &attempt {
                if a.finished {
                    { score_view(l, &a.score(&lesson)) }
                } else {
                    <div class="exam-bar" id="exam-bar">
                        <ExamClock state={ state.clone() } ends={ a.ends_ms } />
                        <button id="exam-finish" onclick={ cb(|| Action::FinishExam) }>{ t(l, "exam.finish") }</button>
                        <p class="muted small">{ t(l, "exam.rules") }</p>
                    </div>
                }
            }
            <ol class="step-list" id="step-list" aria-label={ t(l, "lesson.steps") }>
                { for lesson.steps.iter().enumerate().map(|(k, s)| {
                    let st = if locked { lessons::progress::StepStatus::Todo } else { state.model().progress.status(&lesson.id, &s.id) };
                    let (mark, cls, sr) = match st {
                        lessons::progress::StepStatus::Passed => ("✓", "passed", t(l, "lesson.st_passed")),
                        lessons::progress::StepStatus::Skipped => ("↷", "skipped", t(l, "lesson.st_skipped")),
                        lessons::progress::StepStatus::Todo => ("○", "todo", t(l, "lesson.st_todo")),
                    };
                    html! {
                        <li class={ classes!(cls, (k == i).then_some("current")) } data-step={ s.id.clone() }>
                            <button class="linkish" onclick={ goto(k) } aria-current={ (k == i).then_some("step") }>
                                <span aria-hidden="true">{ mark }{ " " }</span><span class="sr-only">{ sr }{ " " }</span>{ render_label(s.title.get(l)) }
                            </button>
                        </li>
                    }
                }) }
            </ol>
            <nav class="step-nav" aria-label={ t(l, "lesson.steps") }>
                <button id="step-prev" disabled={ i == 0 } onclick={ goto(i.saturating_sub(1)) }>{ t(l, "lesson.prev") }</button>
                <span id="step-pos">{ t(l, "lesson.step").replace("{i}", &(i + 1).to_string()).replace("{n}", &n.to_string()) }</span>
                <button id="step-next" disabled={ i + 1 >= n } onclick={ goto(i + 1) }>{ t(l, "lesson.next") }</button>
            </nav>
            <h3 id="step-title">{ render_label(step.title.get(l)) }</h3>
            if !locked || step.has_start() {
                <button id="step-restart" onclick={ cb(|| Action::RestartStep) } title={ t(l, "lesson.restart_help") }>{ t(l, "lesson.restartstep") }</button>
            }
            <div class="md" id="step-text">{ render_md(step.instructions.get(l)) }</div>
            <h4>{ t(l, "lesson.checks") }</h4>
            if locked {
                <ul class="checks" id="checks">
                    { for step.checks.iter().map(|c| html! { <li class="hidden-result"><span aria-hidden="true">{ "· " }</span>{ render_label(c.label.get(l)) }</li> }) }
                </ul>
                <p class="muted small" id="exam-nolive">{ t(l, "exam.nolive") }</p>
            } else {
                <ul class="checks" id="checks" aria-live="polite">
                    { for results.iter().map(|r| html! {
                        <li class={ if r.passed { "pass" } else { "fail" } }>
                            <span aria-hidden="true">{ if r.passed { "✓ " } else { "○ " } }</span>
                            <span class="sr-only">{ if r.passed { t(l, "lesson.passed") } else { t(l, "lesson.notyet") } }</span>
                            { render_label(r.label.get(l)) }
                        </li>
                    }) }
                </ul>
            }
            { match banner {
                Some(lessons::progress::Banner::LessonComplete) => html! { <p class="step-done" id="step-done" role="status">{ t(l, "lesson.alldone") }</p> },
                Some(lessons::progress::Banner::StepDone) => html! { <p class="step-done" id="step-done" role="status">{ t(l, "lesson.stepdone") }</p> },
                Some(lessons::progress::Banner::LastDoneOthersLeft(left)) => html! {
                    <p class="step-done partial" id="step-done" role="status">{ t(l, "lesson.lastdone").replace("{steps}", &left.iter().map(|k| k.to_string()).collect::<Vec<_>>().join(", ")) }</p>
                },
                None => html! {},
            } }
            <div class="hints" id="hints">
                if locked {
                    <p class="muted" id="exam-locked">{ t(l, "exam.locked") }</p>
                } else {
                    { for step.hints.iter().take(hints).enumerate().map(|(k, h)| html! {
                        <div class="hint"><strong>{ format!("{} {}: ", t(l, "lesson.hint"), k + 1) }</strong>{ render_md(h.get(l)) }</div>
                    }) }
                    if hints < step.hints.len() {
                        <button id="hint" onclick={ cb(|| Action::Hint) }>{ t(l, "lesson.showhint").replace("{n}", &(step.hints.len() - hints).to_string()) }</button>
                    }
                    if !solution {
                        <button id="solution" onclick={ cb(|| Action::ShowSolution) }>{ t(l, "lesson.showsolution") }</button>
                    } else {
                        <h4>{ t(l, "lesson.solution") }</h4>
                        <pre id="solution-text">{ step.solution.join("\n") }</pre>
                    }
                }
            </div>
            { handout(l, &lesson, !locked) }
        </div>
    }
}

/// The printable handout: the lesson's instructions and commands, without the page around
/// them (the print stylesheet shows only this).
fn handout(l: crate::i18n::Lang, lesson: &lessons::Lesson, with_commands: bool) -> Html {
    html! {
        <section class="handout" id="handout" aria-hidden="true">
            <h1>{ render_label(lesson.title.get(l)) }</h1>
            <div class="md">{ render_md(lesson.summary.get(l)) }</div>
            if let Some(m) = lesson.time_limit_minutes {
                <p>{ t(l, "exam.minutes").replace("{n}", &m.to_string()) }</p>
            }
            { for lesson.steps.iter().enumerate().map(|(k, s)| html! {
                <article class="handout-step">
                    <h2>{ format!("{}. ", k + 1) }{ render_label(s.title.get(l)) }</h2>
                    <div class="md">{ render_md(s.instructions.get(l)) }</div>
                    if with_commands {
                        <h3>{ t(l, "lesson.solution") }</h3>
                        <pre>{ s.solution.join("\n") }</pre>
                    }
                </article>
            }) }
        </section>
    }
}

/// A finished exam's score: per task, what was checked and whether it held.
fn score_view(l: crate::i18n::Lang, sc: &lessons::exam::ExamScore) -> Html {
    html! {
        <div class="exam-score" id="exam-score" role="status">
            <h3>{ t(l, "exam.score").replace("{p}", &sc.passed.to_string()).replace("{n}", &sc.total.to_string()) }</h3>
            <ol>
                { for sc.tasks.iter().map(|task| html! {
                    <li class={ if task.passed { "pass" } else { "fail" } } data-task={ task.step.clone() }>
                        <strong>{ if task.passed { "✓ " } else { "✗ " } }{ render_label(task.title.get(l)) }</strong>
                        <ul class="checks">
                            { for task.results.iter().map(|r| html! {
                                <li class={ if r.passed { "pass" } else { "fail" } }>
                                    <span aria-hidden="true">{ if r.passed { "✓ " } else { "✗ " } }</span>
                                    <span class="sr-only">{ if r.passed { t(l, "lesson.passed") } else { t(l, "exam.failed") } }</span>
                                    { render_label(r.label.get(l)) }
                                </li>
                            }) }
                        </ul>
                    </li>
                }) }
            </ol>
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct ClockProps {
    pub state: Handle,
    pub ends: u64,
}

/// The exam's countdown: redrawn every second; at zero the exam is handed in.
#[function_component(ExamClock)]
pub fn exam_clock(p: &ClockProps) -> Html {
    let redraw = use_force_update();
    {
        let (redraw, state, ends) = (redraw.clone(), p.state.clone(), p.ends);
        use_effect_with(ends, move |_| {
            let iv = gloo::timers::callback::Interval::new(1000, move || {
                if super::state::now_ms() >= ends {
                    state.dispatch(Action::FinishExam);
                }
                redraw.force_update();
            });
            move || drop(iv)
        });
    }
    let left = p.ends.saturating_sub(super::state::now_ms());
    let l = p.state.model().lang;
    html! {
        <span class={ classes!("exam-clock", (left < 5 * 60_000).then_some("low")) } id="exam-clock" role="timer" aria-label={ t(l, "exam.left") }>
            { t(l, "exam.left") }{ ": " }<strong>{ lessons::exam::clock(left) }</strong>
        </span>
    }
}

/// The text at `url`; the error is "" when the network failed (see `state::why`), else the
/// HTTP status or what went wrong.
pub async fn fetch_text(url: &str) -> Result<String, String> {
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

/// The text of a file the learner picked (a `Blob.text()` promise).
async fn file_text(f: web_sys::File) -> Result<String, String> {
    let v = wasm_bindgen_futures::JsFuture::from(f.text()).await.map_err(|e| format!("{e:?}"))?;
    v.as_string().ok_or_else(|| "not text".to_string())
}

/// Progress as a file (export, import) and the class view over several such files.
#[function_component(ProgressFiles)]
fn progress_files(p: &Props) -> Html {
    let state = p.state.clone();
    let l = state.model().lang;
    let name_ref = use_node_ref();
    let class = use_state(Vec::<(String, String)>::new);
    let export = {
        let (state, name_ref) = (state.clone(), name_ref.clone());
        Callback::from(move |_: MouseEvent| {
            let name = name_ref.cast::<HtmlInputElement>().map(|i| i.value()).unwrap_or_default();
            let st = state.clone();
            wasm_bindgen_futures::spawn_local(async move {
                super::chunks::load_lesson_code().await;
                if let Some(c) = crate::lazy::lesson_code() {
                    let text = (c.export)(&st.model().progress, name.trim(), &st.model().lessons);
                    super::dom::download("etcd-playground-progress.json", text.as_bytes());
                }
            });
        })
    };
    let import = {
        let state = state.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            if let Some(f) = input.files().and_then(|f| f.get(0)) {
                let st = state.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    super::chunks::load_lesson_code().await;
                    match file_text(f).await {
                        Ok(text) => st.dispatch(Action::ImportProgress(text)),
                        Err(e) => st.dispatch(Action::note(format!("Could not read the file: {e}"), format!("Não foi possível ler o arquivo: {e}"))),
                    }
                });
            }
            input.set_value("");
        })
    };
    let open_class = {
        let class = class.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let Some(files) = input.files() else { return };
            let picked: Vec<web_sys::File> = (0..files.length()).filter_map(|k| files.get(k)).collect();
            let class = class.clone();
            wasm_bindgen_futures::spawn_local(async move {
                super::chunks::load_lesson_code().await;
                let mut out = Vec::new();
                for f in picked {
                    let name = f.name();
                    out.push((name, file_text(f).await.unwrap_or_default()));
                }
                class.set(out);
            });
            input.set_value("");
        })
    };
    let table = if class.is_empty() {
        html! {}
    } else {
        match (crate::lazy::lesson_code(), super::chunks::lesson_views()) {
            (Some(c), Some(v)) => (v.class_table)(l, &(c.class)(&class), &state.model().cards()),
            _ => html! {},
        }
    };
    html! {
        <section class="progress-files" aria-labelledby="progress-files-h">
            <h3 id="progress-files-h">{ t(l, "progress.title") }</h3>
            <div class="lesson-load">
                <label for="learner-name">{ t(l, "progress.name") }</label>
                <input id="learner-name" ref={ name_ref } type="text" autocomplete="name" maxlength="100" />
                <button id="progress-export" onclick={ export }>{ t(l, "progress.export") }</button>
                <input id="progress-import" class="sr-only" type="file" accept=".json,application/json" onchange={ import } />
                <label class="button" for="progress-import">{ t(l, "progress.import") }</label>
            </div>
            <h3>{ t(l, "class.title") }</h3>
            <p class="muted small">{ t(l, "class.help") }</p>
            <input id="class-files" class="sr-only" type="file" multiple=true accept=".json,application/json" onchange={ open_class } />
            <label class="button" for="class-files">{ t(l, "class.open") }</label>
            { table }
        </section>
    }
}

/// The class view: learners × lessons, a mark per step (reached through `chunks::LessonViews`).
pub fn class_table(l: crate::i18n::Lang, c: &lessons::progress::Class, cards: &[lessons::course::Card]) -> Html {
    html! {
        <div class="class-view">
            <div class="wide">
                <table id="class-table">
                    <thead><tr>
                        <th scope="col">{ t(l, "class.learner") }</th>
                        { for cards.iter().map(|card| html! { <th scope="col" title={ card.title.get(l).to_string() }>{ card.id.split('-').next().unwrap_or(&card.id).to_string() }</th> }) }
                    </tr></thead>
                    <tbody>
                        { for c.rows.iter().map(|row| html! {
                            <tr>
                                <th scope="row">{ row.learner.clone() }</th>
                                { for cards.iter().map(|card| {
                                    let (marks, done) = lessons::progress::Class::cell(row, &card.id, &card.steps);
                                    let full = done == card.steps.len();
                                    html! { <td class={ classes!("marks", full.then_some("done")) } title={ format!("{done}/{}", card.steps.len()) }>{ marks }</td> }
                                }) }
                            </tr>
                        }) }
                    </tbody>
                </table>
            </div>
            <p class="muted small">{ t(l, "class.legend") }</p>
            { for c.refused.iter().map(|(f, e)| html! { <p class="lesson-error" role="alert">{ format!("{f}: {}", l.pick(&e.en, &e.pt)) }</p> }) }
        </div>
    }
}
