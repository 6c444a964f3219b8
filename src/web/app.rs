//! The page: header (title, language, reset), a notice banner, the terminal, and the side
//! panels. Owns the model (`crate::page`) and runs its clock.

use super::cluster::Cluster;
use super::files::Files;
use super::inspector::Inspector;
use super::lessons::Lessons;
use super::state::{Action, Handle, NoticeKind};
use std::cell::RefCell;
use std::rc::Rc;
use super::terminal::Terminal;
use crate::i18n::{t, Lang};
use gloo::timers::callback::Interval;
use yew::prelude::*;

#[derive(Clone, Copy, PartialEq)]
enum Tab {
    Keys,
    Files,
    Lessons,
    Cluster,
}

const TABS: [(Tab, &str, &str); 4] =
    [(Tab::Keys, "tab-keys", "tab.keys"), (Tab::Files, "tab-files", "tab.files"), (Tab::Lessons, "tab-lessons", "tab.lessons"), (Tab::Cluster, "tab-cluster", "tab.cluster")];

#[function_component(App)]
pub fn app() -> Html {
    // The model (crate::page) is read once; every change goes through `Handle::dispatch`.
    let redraw = use_force_update();
    let page = use_memo((), move |_| {
        let (model, first) = super::state::load();
        let handle = Handle::new(Rc::new(RefCell::new(model)), move || redraw.force_update(), Rc::default());
        (handle, RefCell::new(first))
    });
    let state = page.0.renew();
    let tab = use_state(|| Tab::Keys);
    // A first visit (nothing saved in this browser) shows where to start.
    let start_card = use_state(|| !super::state::has_saved_session());
    let confirm_reset = use_state(|| false);
    // The scenario choice: the scenario asked for, while its confirmation shows.
    let confirm_scenario = use_state(|| None::<String>);
    let scenario_ref = use_node_ref();
    // Save when the page goes away and before another tab takes over (saves after changes are
    // the model's `Effect::ScheduleSave`).
    super::autosave::use_page_events(&state);
    {
        let page = page.clone();
        use_effect_with((), move |_| {
            let first = std::mem::take(&mut *page.1.borrow_mut());
            for e in first {
                page.0.perform(e);
            }
        });
    }
    // The programs, the session codec and the lesson code are fetched right after the first
    // paint (crate::lazy). Not before it: compiling the chunks would hold the first frame back.
    {
        let h = state.clone();
        use_effect_with((), move |_| {
            let fetch_chunks = move || {
                wasm_bindgen_futures::spawn_local(async move {
                    let programs = super::chunks::load_programs().await;
                    // Lines typed meanwhile run as soon as their programs are here.
                    h.dispatch(Action::CodeArrived { codec: crate::lazy::codec().is_some() });
                    let codec = super::chunks::load_codec().await;
                    let lessons = super::chunks::load_lesson_code().await;
                    if !programs || !codec || !lessons {
                        h.dispatch(Action::note(
                            "Part of the playground could not be downloaded (are you offline?): reload the page when the network is back.",
                            "Parte do playground não pôde ser baixada (está sem rede?): recarregue a página quando a rede voltar.",
                        ));
                    }
                    h.dispatch(Action::CodeArrived { codec });
                    // For the browser tests: the page is complete (`lazy.test.mjs` tests the time before).
                    if let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
                        let _ = root.set_attribute("data-code", if programs && codec && lessons { "ready" } else { "failed" });
                    }
                })
            };
            super::dom::after_next_paint(fetch_chunks);
        });
    }
    // The course is not part of the first load: its list is fetched when the Lessons tab is
    // first shown (or a lesson was open: the model asks for it then).
    {
        let h = state.clone();
        use_effect_with(*tab == Tab::Lessons, move |want| {
            if *want {
                h.dispatch(Action::WantIndex);
            }
        });
    }
    // The simulated clock follows real time, so leases run out while the learner reads.
    {
        let h = state.clone();
        use_effect_with((), move |_| {
            let iv = Interval::new(1000, move || h.dispatch(Action::Tick(1000)));
            move || drop(iv)
        });
    }
    let m = state.model();
    {
        let lang = m.lang;
        use_effect_with(lang, move |l| {
            if let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
                let _ = root.set_attribute("lang", l.code());
            }
        });
    }

    let l = m.lang;
    let set_lang = |lang: Lang| {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| state.dispatch(Action::SetLang(lang)))
    };
    let ask_reset = {
        let c = confirm_reset.clone();
        Callback::from(move |_: MouseEvent| c.set(true))
    };
    let do_reset = {
        let (state, c) = (state.clone(), confirm_reset.clone());
        Callback::from(move |_: MouseEvent| {
            c.set(false);
            state.dispatch(Action::Reset);
        })
    };
    let cancel_reset = {
        let c = confirm_reset.clone();
        Callback::from(move |_: MouseEvent| c.set(false))
    };
    // The scenario choice rides in the programs' chunk (super::chunks): nothing until it is here.
    let scenario = super::chunks::program_views().map_or_else(Html::default, |p| (p.scenario_choice)(&state, m.owner, l, m.scenario(), m.has_work(), &confirm_scenario, &scenario_ref));
    // Save / load my session: the whole playground as one CBOR file (crate::session_file).
    let save_session = {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| state.dispatch(Action::DownloadSession))
    };
    let load_session = {
        let state = state.clone();
        Callback::from(move |e: Event| {
            use wasm_bindgen::JsCast;
            let Some(input) = e.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else { return };
            if let Some(file) = input.files().and_then(|f| f.get(0)) {
                super::dom::read_bytes(file, state.clone(), Action::LoadSession);
            }
            input.set_value("");
        })
    };
    let dismiss = {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| state.dispatch(Action::DismissNotice))
    };
    let tab_button = |which: Tab, id: &'static str, key: &'static str| {
        let tab_s = tab.clone();
        let sel = *tab == which;
        html! {
            <button role="tab" id={ id } aria-selected={ sel.to_string() } aria-controls="panel" tabindex={ if sel { "0" } else { "-1" } }
                onclick={ Callback::from(move |_: MouseEvent| tab_s.set(which)) }>{ t(l, key) }</button>
        }
    };
    let tab_keys = {
        let tab = tab.clone();
        Callback::from(move |e: KeyboardEvent| {
            let step = match e.key().as_str() {
                "ArrowRight" => 1,
                "ArrowLeft" => TABS.len() - 1,
                _ => 0,
            };
            if step > 0 {
                let pos = TABS.iter().position(|(t, _, _)| *t == *tab).unwrap_or(0);
                let (next, id, _) = TABS[(pos + step) % TABS.len()];
                tab.set(next);
                if let Some(el) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id(id)) {
                    use wasm_bindgen::JsCast;
                    if let Ok(b) = el.dyn_into::<web_sys::HtmlElement>() {
                        let _ = b.focus();
                    }
                }
            }
        })
    };

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
                // A tab that does not own the session cannot reset it (it is read-only).
                if m.owner {
                    if *confirm_reset {
                        <span class="confirm" role="group" aria-label={ t(l, "reset.confirm") }>
                            { t(l, "reset.confirm") }{ " " }
                            <button id="reset-yes" class="danger" onclick={ do_reset }>{ t(l, "reset.yes") }</button>
                            <button id="reset-no" onclick={ cancel_reset }>{ t(l, "reset.no") }</button>
                        </span>
                    } else {
                        <button id="reset" onclick={ ask_reset }>{ t(l, "reset.button") }</button>
                    }
                }
                { scenario }
                <button id="session-save" onclick={ save_session.clone() }>{ t(l, "session.save") }</button>
                if m.owner {
                    <input id="session-load" class="sr-only" type="file" accept=".cbor,application/cbor" onchange={ load_session } />
                    <label class="button" for="session-load">{ t(l, "session.load") }</label>
                }
                if let Some(usage) = &m.usage {
                    <p class="usage" id="storage-usage">{ usage.get(l) }</p>
                }
            </header>
            if let Some(n) = &m.notice {
                <div class="notice" role="alert" id="notice">
                    <p>{ n.text.get(l) }</p>
                    if n.kind == NoticeKind::Corrupt {
                        <button id="notice-reset" class="danger" onclick={ do_reset_notice(&state) }>{ t(l, "notice.reset") }</button>
                    }
                    if n.kind == NoticeKind::SaveFailed {
                        <button id="notice-download" onclick={ save_session }>{ l.pick("Download the session file now", "Baixar o arquivo da sessão agora") }</button>
                    }
                    if n.kind == NoticeKind::OtherTab {
                        <button id="notice-take-over" onclick={ Callback::from(|_: MouseEvent| super::storage::take_over()) }>{ l.pick("Take over here", "Assumir aqui") }</button>
                    } else {
                        <button id="notice-dismiss" onclick={ dismiss }>{ t(l, "notice.dismiss") }</button>
                    }
                </div>
            }
            if *start_card && m.active.is_none() && m.progress.lessons.is_empty() {
                <div class="start-card" id="start-card" role="region" aria-labelledby="start-title">
                    <h2 id="start-title">{ t(l, "start.title") }</h2>
                    <p>{ t(l, "start.text") }</p>
                    <button id="start-lesson-1" class="primary" onclick={
                        let (st, tab, card) = (state.clone(), tab.clone(), start_card.clone());
                        Callback::from(move |_: MouseEvent| {
                            tab.set(Tab::Lessons);
                            card.set(false);
                            st.dispatch(Action::OpenFirst);
                        })
                    }>{ t(l, "start.button") }</button>
                    <button id="start-dismiss" onclick={
                        let card = start_card.clone();
                        Callback::from(move |_: MouseEvent| card.set(false))
                    }>{ t(l, "start.dismiss") }</button>
                </div>
            }
            <main inert={ !m.owner }>
                <div class="term-col">
                    <Terminal state={ state.clone() } />
                    <p class="help" id="term-help">{ t(l, "terminal.help") }</p>
                </div>
                <section class="side" aria-label={ t(l, "side.label") }>
                    <div role="tablist" class="tabs" aria-label={ t(l, "side.label") } onkeydown={ tab_keys }>
                        { for TABS.iter().map(|(which, id, key)| tab_button(*which, id, key)) }
                    </div>
                    <div id="panel" role="tabpanel" tabindex="0" aria-labelledby={ TABS.iter().find(|(t, _, _)| *t == *tab).map(|(_, id, _)| *id).unwrap_or("tab-keys") }>
                        { match *tab {
                            Tab::Keys => html! { <Inspector state={ state.clone() } /> },
                            Tab::Files => html! { <Files state={ state.clone() } /> },
                            Tab::Lessons => html! { <Lessons state={ state.clone() } /> },
                            Tab::Cluster => html! { <Cluster state={ state.clone() } /> },
                        } }
                    </div>
                </section>
            </main>
        </div>
    }
}

fn do_reset_notice(state: &Handle) -> Callback<MouseEvent> {
    let state = state.clone();
    Callback::from(move |_: MouseEvent| state.dispatch(Action::Reset))
}

/// The type of [`scenario_choice`], which `super::chunks::ProgramViews` carries.
pub type ScenarioChoice = fn(&Handle, bool, Lang, &str, bool, &UseStateHandle<Option<String>>, &NodeRef) -> Html;

/// The scenario choice (issue 19): a fresh sandbox session on the kubeadm node, a plain node or
/// the three-member cluster; it asks first when the session has work in it (as "Reset session").
/// Reached only through `super::chunks::ProgramViews` (out of the first load), so its texts are here.
pub fn scenario_choice(state: &Handle, owner: bool, l: Lang, current: &str, work: bool, confirm: &UseStateHandle<Option<String>>, select: &NodeRef) -> Html {
    if !owner {
        return html! {};
    }
    let start = {
        let (state, confirm, select) = (state.clone(), confirm.clone(), select.clone());
        Callback::from(move |_: MouseEvent| {
            // web-sys's `value` getter is structural (`el.value`), so it reads a <select> too
            // (no HtmlSelectElement feature for one call).
            use wasm_bindgen::JsCast;
            let Some(name) = select.get().map(|n| n.unchecked_into::<web_sys::HtmlInputElement>().value()) else { return };
            if work {
                confirm.set(Some(name));
            } else {
                state.dispatch(Action::NewSession(name));
            }
        })
    };
    if let Some(name) = (**confirm).clone() {
        let yes = {
            let (state, confirm) = (state.clone(), confirm.clone());
            Callback::from(move |_: MouseEvent| {
                confirm.set(None);
                state.dispatch(Action::NewSession(name.clone()));
            })
        };
        let no = {
            let confirm = confirm.clone();
            Callback::from(move |_: MouseEvent| confirm.set(None))
        };
        let confirm_text = l.pick(
            "Replace this session with a fresh one? Its commands and files are lost (lesson progress stays).",
            "Trocar esta sessão por uma nova? Os comandos e arquivos dela se perdem (o progresso das lições fica).",
        );
        return html! {
            <span class="confirm" id="scenario-confirm" role="group" aria-label={ confirm_text }>
                { confirm_text }{ " " }
                <button id="scenario-yes" class="danger" onclick={ yes }>{ l.pick("Yes, start it", "Sim, iniciar") }</button>
                <button id="scenario-no" onclick={ no }>{ t(l, "reset.no") }</button>
            </span>
        };
    }
    html! {
        <span class="scenario" role="group" aria-labelledby="scenario-label">
            <label id="scenario-label" for="scenario">{ l.pick("New session on", "Nova sessão em") }</label>{ " " }
            <select id="scenario" ref={ select.clone() }>
                { for crate::page::SANDBOX_SCENARIOS.iter().map(|(name, en, pt)| html! {
                    <option value={ *name } selected={ *name == current }>{ l.pick(en, pt) }</option>
                }) }
            </select>
            <button id="scenario-start" onclick={ start }>{ l.pick("Start", "Iniciar") }</button>
        </span>
    }
}
