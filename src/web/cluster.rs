//! The cluster panel: the etcd member (red when down), the API server, static pods, nodes and
//! pods, and the trust diagram of who dials etcd with which files. Data from `crate::cluster_view`.

use super::state::Handle;
use crate::cluster_view;
use crate::i18n::t;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub state: Handle,
}

/// The panel's view is in the programs' chunk (`lazy::Programs`, with the cluster's programs):
/// until it is here the panel says it is loading (`Action::CodeArrived` draws it again).
#[function_component(Cluster)]
pub fn cluster(props: &Props) -> Html {
    match crate::lazy::programs() {
        Some(p) => (p.cluster_panel)(&props.state),
        None if crate::lazy::settled() => html! { <div class="cluster"><p class="lesson-error" role="alert">{ t(props.state.model().lang, "panel.failed") }</p></div> },
        None => html! { <div class="cluster"><p class="muted" role="status">{ t(props.state.model().lang, "panel.loading") }</p></div> },
    }
}

/// The panel itself (reached through `lazy::Programs` only).
pub fn cluster_panel(state: &Handle) -> Html {
    let l = state.model().lang;
    let v = cluster_view::view(&state.model().session);
    let m = &v.member;
    let up = |ok: bool| if ok { "up" } else { "down" };
    html! {
        <div class="cluster">
            <section id="cluster-etcd" class={ classes!("card", up(m.running)) } aria-label="etcd">
                <h2>{ "etcd " }<span class="badge">{ if m.running { t(l, "cluster.running") } else { t(l, "cluster.down") } }</span></h2>
                <p class="small">{ format!("{} · v{} · {} · data-dir {}", m.name, m.version, m.client_urls.join(", "), m.data_dir) }</p>
                if let Some(e) = &m.error {
                    <p class="diagnosis">{ e }</p>
                }
            </section>
            if !v.static_pods.is_empty() {
                <section id="cluster-api" class={ classes!("card", up(v.apiserver_up)) }>
                    <h2>{ "kube-apiserver " }<span class="badge">{ if v.apiserver_up { t(l, "cluster.running") } else { t(l, "cluster.down") } }</span></h2>
                    if let Some((en, pt)) = &v.apiserver_down {
                        <p class="diagnosis">{ l.pick(en, pt) }</p>
                    }
                    <h3>{ t(l, "cluster.static") }</h3>
                    <ul class="plain">
                        { for v.static_pods.iter().map(|(path, pod)| html! {
                            <li class={ up(pod.is_some()) }>{ format!("{} {path}", if pod.is_some() { "●" } else { "○" }) }</li>
                        }) }
                    </ul>
                </section>
            }
            if v.apiserver_up {
                <section class="card">
                    <h3>{ t(l, "cluster.nodes") }</h3>
                    <ul class="plain" id="cluster-nodes">{ for v.nodes.iter().map(|(n, s)| html! { <li>{ format!("{n} {s}") }</li> }) }</ul>
                    <h3>{ t(l, "cluster.pods") }</h3>
                    <table class="keys" id="cluster-pods">
                        <thead><tr><th scope="col">{ "NAMESPACE" }</th><th scope="col">{ "NAME" }</th><th scope="col">{ "STATUS" }</th></tr></thead>
                        <tbody>{ for v.pods.iter().map(|(ns, n, p)| html! { <tr><td>{ ns }</td><td>{ n }</td><td>{ p }</td></tr> }) }</tbody>
                    </table>
                </section>
            }
            <section class="card trust" aria-label={ t(l, "cluster.trust") }>
                <h2>{ t(l, "cluster.trust") }</h2>
                <p class="muted small">{ t(l, "cluster.trust_help") }</p>
                { for v.edges.iter().map(|e| {
                    let ok = e.status.is_ok();
                    let probe = e.note.is_some();
                    let badge = match (probe, ok) {
                        (false, true) => "cluster.edge_ok",
                        (false, false) => "cluster.edge_broken",
                        (true, true) => "cluster.probe_ok",
                        (true, false) => "cluster.probe_broken",
                    };
                    html! {
                        <div id={ format!("edge-{}", e.client) } class={ classes!("edge", if ok { "ok" } else { "broken" }) }>
                            <div class="edge-line">
                                <span class="node">{ if probe { t(l, "cluster.kubelet_probe") } else { e.client } }</span>
                                <span class="arrow" aria-hidden="true">{ if ok { format!("──{}──▶", e.proto) } else { "──✕──▶".to_string() } }</span>
                                <span class="node">{ format!("etcd {}", e.endpoint) }</span>
                                <span class="badge">{ t(l, badge) }</span>
                            </div>
                            if let Some((en, pt)) = &e.note {
                                <p class="small note-cert">{ l.pick(en, pt) }</p>
                            }
                            <ul class="plain small material">
                                { for e.material.iter().map(|(flag, file)| html! {
                                    <li><code>{ flag }</code>{ " → " }{ file.clone().unwrap_or_else(|| t(l, "cluster.unset").to_string()) }</li>
                                }) }
                            </ul>
                            if let Err((err, en, pt)) = &e.status {
                                <p class="diagnosis">{ t(l, "cluster.client_error") }{ " " }<code lang="en">{ err }</code><br />{ l.pick(en, pt) }</p>
                            }
                        </div>
                    }
                }) }
            </section>
        </div>
    }
}
