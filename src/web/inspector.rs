//! The keyspace inspector: live keys as a tree with their revisions, and the selected key's
//! history drawn as an SVG timeline. Rows and geometry come from `crate::inspect`.

use super::state::Handle;
use crate::i18n::{t, Lang};
use crate::inspect::{self, EventKind, TreeRow};
use crate::sorted_map::SortedSet;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// At most this many key rows are drawn (the count says how many match).
const MAX_ROWS: usize = 200;
const MAX_MARKS: usize = 40;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub state: Handle,
}

#[function_component(Inspector)]
pub fn inspector(props: &Props) -> Html {
    let state = &props.state;
    let l = state.model().lang;
    let prefix = use_state(String::new);
    let open = use_state(|| SortedSet::from(["/registry/".to_string()]));
    let selected = use_state(|| None::<Vec<u8>>);

    let onfilter = {
        let prefix = prefix.clone();
        Callback::from(move |e: InputEvent| {
            let i: HtmlInputElement = e.target_unchecked_into();
            prefix.set(i.value());
        })
    };

    let model = state.model();
    let session = &model.session;
    let store = &session.world.etcd.store;
    let (rows, total) = inspect::key_tree(store, &prefix, &open, MAX_ROWS);
    let shown_keys = rows.iter().filter(|r| matches!(r, TreeRow::Key { .. })).count();

    let toggle = |p: String| {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| {
            let mut o = (*open).clone();
            if !o.remove(&p) {
                o.insert(p.clone());
            }
            open.set(o);
        })
    };
    // A chosen key's history renders below the table: bring it into sight.
    use_effect_with((*selected).clone(), |sel| {
        if sel.is_some() {
            scroll_to("timeline");
        }
    });
    let select = |k: Vec<u8>| {
        let selected = selected.clone();
        Callback::from(move |_: MouseEvent| selected.set(Some(k.clone())))
    };

    let body = rows.iter().map(|r| match r {
        TreeRow::Dir { depth, label, prefix, keys, open } => html! {
            <tr class="dir">
                <td colspan="6" class={ indent(*depth) }>
                    <button class="linkish" aria-expanded={ open.to_string() } onclick={ toggle(prefix.clone()) }>
                        { if *open { "▾ " } else { "▸ " } }{ label }<span class="muted">{ format!(" ({keys})") }</span>
                    </button>
                </td>
            </tr>
        },
        TreeRow::Key { depth, label, row } => {
            let is_sel = selected.as_deref() == Some(row.key.as_slice());
            html! {
                <tr class={ classes!("key", is_sel.then_some("selected")) } data-key={ inspect::show_bytes(&row.key) }>
                    <td class={ indent(*depth) }>
                        <button class="linkish keyname" aria-pressed={ is_sel.to_string() } onclick={ select(row.key.clone()) }>{ label }</button>
                    </td>
                    <td class="value">{ inspect::show_bytes(&row.value) }</td>
                    <td class="num">{ row.create_revision }</td>
                    <td class="num">{ row.mod_revision }</td>
                    <td class="num">{ row.version }</td>
                    <td class="num lease">{ lease_cell(store, row.lease, session.world.clock_ms) }</td>
                </tr>
            }
        }
    });

    let timeline = selected.as_ref().map(|k| match inspect::key_history(store, k) {
        Some(h) => timeline_svg(l, &inspect::show_bytes(k), &h),
        None => html! { <p class="muted">{ t(l, "insp.nohistory") }</p> },
    });

    html! {
        <div class="inspector">
            <div class="insp-head">
                <span id="insp-rev">{ t(l, "insp.revision") }{ ": " }<strong>{ store.current_revision() }</strong></span>
                if store.compact_revision() > 0 {
                    <span id="insp-compact">{ t(l, "insp.compacted") }{ ": " }<strong>{ store.compact_revision() }</strong></span>
                }
                <label class="filter">{ t(l, "insp.filter") }{ " " }
                    <input id="insp-filter" type="text" value={ (*prefix).clone() } oninput={ onfilter } placeholder="/registry/" autocomplete="off" spellcheck="false" />
                </label>
            </div>
            <p class="muted" id="insp-count">{ crate::i18n::insp_count(l, total, shown_keys) }</p>
            <div class="table-wrap">
                <table class="keys">
                    <thead><tr>
                        <th scope="col">{ t(l, "insp.key") }</th><th scope="col">{ t(l, "insp.value") }</th>
                        <th scope="col" title="create_revision">{ t(l, "insp.create") }</th><th scope="col" title="mod_revision">{ t(l, "insp.mod") }</th>
                        <th scope="col" title="version">{ t(l, "insp.version") }</th><th scope="col" title="lease">{ t(l, "insp.lease") }</th>
                    </tr></thead>
                    <tbody>{ for body }</tbody>
                </table>
            </div>
            { for timeline }
        </div>
    }
}

/// A key's lease: its id in hex and the seconds it has left.
fn lease_cell(store: &crate::engine::Store, lease: i64, now_ms: u64) -> String {
    if lease == 0 {
        return "-".to_string();
    }
    match store.lessor.leases.get(&lease) {
        Some(l) => format!("{lease:x} ({}s)", l.remaining_secs(now_ms)),
        None => format!("{lease:x}"),
    }
}

/// Scrolls the element `id` into sight (nearest edge, so a visible one does not move).
pub fn scroll_to(id: &str) {
    if let Some(el) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id(id)) {
        let opts = web_sys::ScrollIntoViewOptions::new();
        opts.set_block(web_sys::ScrollLogicalPosition::Nearest);
        opts.set_behavior(web_sys::ScrollBehavior::Smooth);
        el.scroll_into_view_with_scroll_into_view_options(&opts);
    }
}

/// Indentation by class: the strict CSP forbids inline style attributes.
pub fn indent(depth: usize) -> String {
    format!("d{}", depth.min(12))
}

fn timeline_svg(l: Lang, key: &str, h: &inspect::KeyHistory) -> Html {
    let lay = inspect::timeline_layout(h, MAX_MARKS);
    let y = lay.axis_y;
    let title = t(l, "insp.timeline").replace("{key}", key);
    let gens = lay.generations.iter().map(|(x1, x2, g, open)| {
        html! { <line class={ classes!("gen", format!("gen{}", g % 4), open.then_some("open")) } x1={ x1.to_string() } x2={ x2.to_string() } y1={ (y - 14).to_string() } y2={ (y - 14).to_string() } /> }
    });
    let marks = lay.marks.iter().map(|(x, e)| {
        let put = e.kind == EventKind::Put;
        let desc = e.describe(l);
        html! {
            <g class={ classes!("ev", if put { "put" } else { "del" }, e.compacted.then_some("compacted")) } data-rev={ e.main.to_string() }>
                <title>{ desc }</title>
                if put {
                    <circle cx={ x.to_string() } cy={ y.to_string() } r="8" />
                } else {
                    <path d={ format!("M{} {} l12 12 M{} {} l-12 12", x - 6, y - 6, x + 6, y - 6) } />
                }
                <text x={ x.to_string() } y={ (y + 26).to_string() } text-anchor="middle">{ e.main }</text>
            </g>
        }
    });
    html! {
        <figure class="timeline" id="timeline">
            <figcaption>{ title }{ if lay.hidden > 0 { t(l, "insp.older").replace("{n}", &lay.hidden.to_string()) } else { String::new() } }</figcaption>
            <svg role="img" aria-label={ t(l, "insp.timeline").replace("{key}", key) } viewBox={ format!("0 0 {} {}", lay.width, lay.height) } width={ lay.width.to_string() } height={ lay.height.to_string() }>
                if let Some(cx) = lay.compacted_until_x {
                    <rect class="compacted-band" x="0" y="8" width={ cx.to_string() } height={ (lay.height - 16).to_string() } />
                    <text class="compacted-label" x="4" y="18">{ t(l, "insp.compacted_upto").replace("{n}", &h.compact_revision.to_string()) }</text>
                }
                <line class="axis" x1="0" x2={ lay.width.to_string() } y1={ y.to_string() } y2={ y.to_string() } />
                { for gens }
                { for marks }
                <g class="now">
                    <line x1={ lay.current_x.to_string() } x2={ lay.current_x.to_string() } y1="12" y2={ (lay.height - 12).to_string() } />
                    <text x={ (lay.current_x + 4).to_string() } y="20">{ t(l, "insp.now").replace("{n}", &h.current_revision.to_string()) }</text>
                </g>
            </svg>
            <ol class="sr-only">
                { for h.events.iter().map(|e| html! { <li>{ e.describe(l) }</li> }) }
            </ol>
        </figure>
    }
}
