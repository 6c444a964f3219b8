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

/// The panel's view is in the programs' chunk (`chunks::ProgramViews`, with the cluster's
/// programs): until it is here the panel says it is loading (`Action::CodeArrived` draws it again).
#[function_component(Cluster)]
pub fn cluster(props: &Props) -> Html {
    match super::chunks::program_views() {
        Some(v) => (v.cluster_panel)(&props.state),
        None if crate::lazy::settled() => html! { <div class="cluster"><p class="lesson-error" role="alert">{ t(props.state.model().lang, "panel.failed") }</p></div> },
        None => html! { <div class="cluster"><p class="muted" role="status">{ t(props.state.model().lang, "panel.loading") }</p></div> },
    }
}

/// The panel itself (reached through `chunks::ProgramViews` only).
pub fn cluster_panel(state: &Handle) -> Html {
    let l = state.model().lang;
    let v = cluster_view::view(&state.model().session);
    let m = &v.member;
    let up = |ok: bool| if ok { "up" } else { "down" };
    html! {
        <div class="cluster">
            if let Some(mv) = cluster_view::members_view(&state.model().session) {
                { members_panel(state, &mv) }
            } else {
            <section id="cluster-etcd" class={ classes!("card", up(m.running)) } aria-label="etcd">
                <h2>{ "etcd " }<span class="badge">{ if m.running { t(l, "cluster.running") } else { t(l, "cluster.down") } }</span></h2>
                <p class="small">{ format!("{} · v{} · {} · data-dir {}", m.name, m.version, m.client_urls.join(", "), m.data_dir) }</p>
                if let Some(e) = &m.error {
                    <p class="diagnosis">{ e }</p>
                }
            </section>
            }
            if !v.static_pods.is_empty() {
                <section id="cluster-api" class={ classes!("card", up(v.apiserver_up)) }>
                    <h2>{ "kube-apiserver " }<span class="badge">{ if v.apiserver_up { t(l, "cluster.running") } else { t(l, "cluster.down") } }</span></h2>
                    if let Some(why) = &v.apiserver_down {
                        <p class="diagnosis">{ why.get(l) }</p>
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
                            if let Some(note) = &e.note {
                                <p class="small note-cert">{ note.get(l) }</p>
                            }
                            <ul class="plain small material">
                                { for e.material.iter().map(|(flag, file)| html! {
                                    <li><code>{ flag }</code>{ " → " }{ file.clone().unwrap_or_else(|| t(l, "cluster.unset").to_string()) }</li>
                                }) }
                            </ul>
                            if let Err((err, cause)) = &e.status {
                                <p class="diagnosis">{ t(l, "cluster.client_error") }{ " " }<code lang="en">{ err }</code><br />{ cause.get(l) }</p>
                            }
                        </div>
                    }
                }) }
            </section>
        </div>
    }
}

/// The members of a `--scenario cluster` node (issue 19): each member with its ID as etcdctl
/// prints it, client URL, running or stopped, the leader, raft term and index; the quorum;
/// Stop/Start/Restart buttons that type `goreman run …` into the terminal (the learner sees
/// the command, as if typed); the elections timeline. Its texts are here, not in
/// `i18n::STRINGS`: this code is in the programs chunk, out of the first load.
fn members_panel(state: &Handle, v: &cluster_view::MembersView) -> Html {
    use crate::cluster::members::Why;
    use crate::page::Action;
    let l = state.model().lang;
    let run = |cmd: String| {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| state.dispatch(Action::Run(vec![cmd.clone()])))
    };
    let (quorum_en, quorum_pt) = if v.quorum {
        (format!("Quorum: {} of {} members run ({} needed): writes are committed.", v.running, v.members.len(), v.needed), format!("Quórum: {} de {} membros rodam ({} necessários): as escritas são confirmadas.", v.running, v.members.len(), v.needed))
    } else {
        (format!("No quorum: {} of {} members run ({} needed): no leader, writes and linearizable reads wait until the client gives up.", v.running, v.members.len(), v.needed), format!("Sem quórum: {} de {} membros rodam ({} necessários): sem líder, escritas e leituras linearizáveis esperam até o cliente desistir.", v.running, v.members.len(), v.needed))
    };
    html! {
        <section id="cluster-members" class={ classes!("card", if v.quorum { "up" } else { "down" }) } aria-labelledby="members-title">
            <h2 id="members-title">{ l.pick("etcd members", "Membros do etcd") }{ " " }<span class="badge" id="raft-term">{ format!("{} {}", l.pick("term", "termo"), v.term) }</span></h2>
            <p id="quorum" class={ if v.quorum { "ok" } else { "diagnosis" } } data-running={ v.running.to_string() } data-quorum={ v.quorum.to_string() }>{ l.pick(&quorum_en, &quorum_pt) }</p>
            <table class="keys" id="members-table">
                <thead><tr>
                    <th scope="col">{ l.pick("NAME", "NOME") }</th><th scope="col">{ "ID" }</th><th scope="col">{ l.pick("CLIENT URL", "URL DE CLIENTE") }</th>
                    <th scope="col">{ l.pick("STATE", "ESTADO") }</th><th scope="col">{ l.pick("RAFT TERM", "TERMO") }</th><th scope="col">{ l.pick("RAFT INDEX", "ÍNDICE") }</th>
                    <th scope="col"><span class="sr-only">{ l.pick("goreman", "goreman") }</span></th>
                </tr></thead>
                <tbody>
                    { for v.members.iter().map(|m| html! {
                        <tr id={ format!("member-{}", m.name) } class={ if m.running { "up" } else { "down" } } data-running={ m.running.to_string() } data-leader={ m.leader.to_string() }>
                            <th scope="row">{ &m.name }{ " " }
                                if m.leader { <span class="badge leader">{ l.pick("leader", "líder") }</span> }
                            </th>
                            <td><code>{ &m.id }</code></td>
                            <td>{ &m.client_url }</td>
                            <td>{ if m.running { t(l, "cluster.running") } else { l.pick("stopped", "parado") } }</td>
                            <td>{ m.raft_term }</td>
                            <td>{ m.raft_index.map_or("-".to_string(), |i| i.to_string()) }</td>
                            <td class="actions">
                                if let Some(p) = &m.proc {
                                    <button id={ format!("stop-{p}") } disabled={ !m.running } aria-label={ l.pick(&format!("Stop {} (goreman run stop {p})", m.name), &format!("Parar {} (goreman run stop {p})", m.name)).to_string() } onclick={ run(format!("goreman run stop {p}")) }>{ l.pick("Stop", "Parar") }</button>
                                    <button id={ format!("start-{p}") } disabled={ m.running } aria-label={ l.pick(&format!("Start {} (goreman run start {p})", m.name), &format!("Iniciar {} (goreman run start {p})", m.name)).to_string() } onclick={ run(format!("goreman run start {p}")) }>{ l.pick("Start", "Iniciar") }</button>
                                    <button id={ format!("restart-{p}") } aria-label={ l.pick(&format!("Restart {} (goreman run restart {p})", m.name), &format!("Reiniciar {} (goreman run restart {p})", m.name)).to_string() } onclick={ run(format!("goreman run restart {p}")) }>{ l.pick("Restart", "Reiniciar") }</button>
                                }
                            </td>
                        </tr>
                    }) }
                </tbody>
            </table>
            <p class="muted small">{ l.pick("The buttons type the goreman command into the terminal, as if you had typed it.", "Os botões digitam o comando do goreman no terminal, como se você o tivesse digitado.") }</p>
            <h3 id="elections-title">{ l.pick("Elections", "Eleições") }</h3>
            <ol class="plain small" id="elections" aria-labelledby="elections-title">
                { for v.elections.iter().rev().map(|e| {
                    let why = match e.why {
                        Why::Start => l.pick("members started", "membros iniciados"),
                        Why::LeaderStopped => l.pick("the leader stopped", "o líder parou"),
                        Why::MoveLeader => l.pick("move-leader", "move-leader"),
                        Why::QuorumLost => l.pick("quorum lost", "quórum perdido"),
                    };
                    let who = e.leader.clone().unwrap_or_else(|| l.pick("no leader", "sem líder").to_string());
                    html! { <li data-term={ e.term.to_string() }>{ format!("{} · {} {} · {who} · {why}", e.at, l.pick("term", "termo"), e.term) }</li> }
                }) }
            </ol>
        </section>
    }
}
