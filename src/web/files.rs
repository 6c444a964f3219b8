//! The files panel: the virtual filesystem as a tree; view, edit, download and upload files.

use super::dom;
use super::state::{Action, Handle};
use crate::i18n::t;
use crate::file_view::{self, CertInfo, FileView, Signer, STATUS_HEADER};
use crate::i18n::Lang;
use crate::inspect;
use crate::sorted_map::SortedSet;
use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub state: Handle,
}

#[function_component(Files)]
pub fn files(props: &Props) -> Html {
    let state = props.state.clone();
    let l = state.model().lang;
    let closed = use_state(|| SortedSet::from(["/usr".to_string(), "/var".to_string()]));
    let selected = use_state(|| None::<String>);
    let editing = use_state(|| false);
    let editor_ref = use_node_ref();
    // An opened file's view renders below the tree: bring it into sight.
    use_effect_with((*selected).clone(), |sel| {
        if sel.is_some() {
            super::inspector::scroll_to("file-viewer");
        }
    });

    let model = state.model();
    let session = &model.session;
    let vfs = &session.world.vfs;
    let mut rows = inspect::file_tree(vfs, &closed);
    // Files the node makes up (a data dir's db) are sized by the world, only when shown.
    for r in rows.iter_mut().filter(|r| matches!(vfs.get(&r.path), Some(crate::vfs::Node::Live(_)))) {
        r.size = session.world.file_size(&r.path).unwrap_or(0) as usize;
    }

    let toggle = |p: String| {
        let closed = closed.clone();
        Callback::from(move |_: MouseEvent| {
            let mut c = (*closed).clone();
            if !c.remove(&p) {
                c.insert(p.clone());
            }
            closed.set(c);
        })
    };
    let select = |p: String| {
        let selected = selected.clone();
        let editing = editing.clone();
        Callback::from(move |_: MouseEvent| {
            selected.set(Some(p.clone()));
            editing.set(false);
        })
    };
    let onupload = {
        let state = state.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            if let Some(files) = input.files() {
                dom::upload(files, state.clone());
            }
            input.set_value("");
        })
    };

    let tree = rows.iter().map(|r| {
        let pad = super::inspector::indent(r.depth);
        if r.is_dir {
            html! { <li class={ pad.clone() }><button class="linkish dir" aria-expanded={ r.open.to_string() } onclick={ toggle(r.path.clone()) }>{ if r.open { "▾ " } else { "▸ " } }{ &r.name }{ "/" }</button></li> }
        } else {
            let sel = selected.as_deref() == Some(r.path.as_str());
            html! { <li class={ pad.clone() }><button class="linkish file" data-path={ r.path.clone() } aria-pressed={ sel.to_string() } onclick={ select(r.path.clone()) }>{ &r.name }</button><span class="muted">{ format!(" {} B", r.size) }</span></li> }
        }
    });

    let opened = selected.as_ref().and_then(|p| session.world.read(p).ok().map(|d| (p.clone(), d.into_owned())));
    // A snapshot's status walks every key: computed again only when the file changes, not on
    // every render (the clock ticks each second).
    let snapshot = use_memo(opened.clone(), |o| o.as_ref().and_then(|(p, d)| file_view::snapshot_view(p, d)));
    let viewer = opened.map(|(path, data)| {
        let text = inspect::is_text(&data);
        let ondownload = {
            let (path, data) = (path.clone(), data.clone());
            Callback::from(move |_: MouseEvent| dom::download(path.rsplit('/').next().unwrap_or("file"), &data))
        };
        let onedit = {
            let editing = editing.clone();
            Callback::from(move |_: MouseEvent| editing.set(true))
        };
        let oncancel = {
            let editing = editing.clone();
            Callback::from(move |_: MouseEvent| editing.set(false))
        };
        let onsave = {
            let (editing, editor_ref, state, path) = (editing.clone(), editor_ref.clone(), state.clone(), path.clone());
            Callback::from(move |_: MouseEvent| {
                if let Some(ta) = editor_ref.cast::<HtmlTextAreaElement>() {
                    state.dispatch(Action::WriteFile { path: path.clone(), data: ta.value().into_bytes(), uploaded: false });
                }
                editing.set(false);
            })
        };
        let content = String::from_utf8_lossy(&data).into_owned();
        let decoded = file_view::pem_view(vfs, &path, &data, session.world.clock_ms).or_else(|| (*snapshot).clone()).map(|v| decoded(l, &v));
        html! {
            <div class="viewer" id="file-viewer">
                <div class="viewer-bar">
                    <strong id="viewer-path">{ &path }</strong>
                    <button id="file-download" onclick={ ondownload }>{ t(l, "files.download") }</button>
                    if text && !*editing {
                        <button id="file-edit" onclick={ onedit }>{ t(l, "files.edit") }</button>
                    }
                </div>
                { for decoded }
                if !text {
                    <p class="muted">{ t(l, "files.binary").replace("{n}", &data.len().to_string()) }</p>
                } else if *editing {
                    <label for="file-editor" class="sr-only">{ t(l, "files.editor") }</label>
                    <textarea id="file-editor" ref={ editor_ref.clone() } spellcheck="false" value={ content } />
                    <div class="viewer-bar">
                        <button id="file-save" onclick={ onsave }>{ t(l, "files.save") }</button>
                        <button onclick={ oncancel }>{ t(l, "files.cancel") }</button>
                    </div>
                } else {
                    <pre id="file-content" tabindex="0">{ content }</pre>
                }
            </div>
        }
    });

    html! {
        <div class="files">
            <div class="files-bar">
                <span class="muted">{ t(l, "files.cwd") }{ ": " }<code>{ &session.cwd }</code></span>
                <input id="file-upload" class="sr-only" type="file" multiple=true onchange={ onupload } />
                <label class="button" for="file-upload">{ t(l, "files.upload") }</label>
            </div>
            <p class="muted small">{ t(l, "files.hint") }</p>
            <ul class="tree" aria-label={ t(l, "files.tree") }>{ for tree }</ul>
            { for viewer }
        </div>
    }
}

/// A decoded certificate, a private key's warning, or a snapshot's status; all text nodes.
fn decoded(l: Lang, v: &FileView) -> Html {
    match v {
        FileView::Certs(certs) => html! {
            <section id="cert-view" class="decoded" aria-label={ t(l, "files.cert") }>
                { for certs.iter().map(|c| cert(l, c)) }
            </section>
        },
        FileView::BadCert(err) => html! {
            <p id="cert-error" class="diagnosis">{ t(l, "files.badcert") }{ " " }<code>{ *err }</code></p>
        },
        FileView::PrivateKey => html! { <p id="key-note" class="warn">{ t(l, "files.key") }</p> },
        FileView::Snapshot(Ok(row)) => html! {
            <section id="snapshot-status" class="decoded" aria-label={ t(l, "files.snapshot") }>
                <table class="keys">
                    <caption>{ t(l, "files.snapshot") }</caption>
                    <thead><tr>{ for STATUS_HEADER.iter().map(|h| html! { <th scope="col">{ *h }</th> }) }</tr></thead>
                    <tbody><tr>{ for row.iter().map(|c| html! { <td class="num">{ c }</td> }) }</tr></tbody>
                </table>
            </section>
        },
        FileView::Snapshot(Err((line, explain))) => html! {
            <div id="snapshot-error">
                <p class="diagnosis">{ t(l, "files.snap_bad") }{ " " }<code>{ format!("Error: {line}") }</code></p>
                if let Some(why) = explain {
                    <p class="explain">{ why.get(l) }</p>
                }
            </div>
        },
    }
}

fn cert(l: Lang, c: &CertInfo) -> Html {
    let (validity, class) = if c.expired {
        (t(l, "files.expired"), "err")
    } else if c.not_yet_valid {
        (t(l, "files.not_yet"), "err")
    } else {
        (t(l, "files.valid"), "ok")
    };
    let signer = match &c.signer {
        Signer::SelfSigned => t(l, "files.self_signed").to_string(),
        Signer::Files(f) => f.join(", "),
        Signer::Unknown => t(l, "files.signer_unknown").to_string(),
    };
    let sans = if c.sans.is_empty() { t(l, "files.none").to_string() } else { c.sans.iter().map(|(k, v)| format!("{k}:{v}")).collect::<Vec<_>>().join(", ") };
    let row = |id: &str, key: &str, val: String| html! { <><dt>{ t(l, key) }</dt><dd id={ id.to_string() }>{ val }</dd></> };
    html! {
        <dl class="cert">
            { row("cert-subject", "files.subject", c.subject.clone()) }
            { row("cert-issuer", "files.issuer", c.issuer.clone()) }
            { row("cert-serial", "files.serial", c.serial.clone()) }
            { row("cert-not-before", "files.not_before", c.not_before.clone()) }
            <dt>{ t(l, "files.not_after") }</dt>
            <dd id="cert-not-after">{ &c.not_after }{ " " }<strong id="cert-validity" class={ class }>{ validity }</strong></dd>
            { row("cert-sans", "files.sans", sans) }
            { row("cert-ku", "files.key_usage", c.key_usage.clone()) }
            if let Some(eku) = &c.ext_key_usage {
                { row("cert-eku", "files.eku", eku.clone()) }
            }
            if c.is_ca {
                { row("cert-ca", "files.is_ca", t(l, "files.ca").to_string()) }
            }
            { row("cert-signer", "files.signed_by", signer) }
        </dl>
    }
}
