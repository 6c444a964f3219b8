//! etcdctl against several members (`--scenario cluster`, see `cluster::members`):
//! `member list` lists them all, `endpoint status|health` ask each endpoint (with `--cluster`,
//! each member's client URL) and report the ones that do not answer, as etcdctl 3.4.23 does
//! (compared by tests/fidelity_cluster.rs).

use super::output::{header, json_str, table, Obj};
use crate::gofmt::humanize_bytes;
use super::Globals;
use crate::cluster::members;
use crate::process::Proc;
use crate::world::World;

const STATUS_COLUMNS: [&str; 10] = ["ENDPOINT", "ID", "VERSION", "DB SIZE", "IS LEADER", "IS LEARNER", "RAFT TERM", "RAFT INDEX", "RAFT APPLIED INDEX", "ERRORS"];

pub fn member_list(world: &mut World, p: &mut Proc, g: &Globals) -> i32 {
    let all: Vec<_> = members::members(world).into_iter().map(header_of).collect();
    match g.write_out.as_str() {
        "json" => {
            let urls = |v: &[String]| format!("[{}]", v.iter().map(|u| json_str(u)).collect::<Vec<_>>().join(","));
            let ms: Vec<String> = all.iter().map(|m| Obj::new().uint("ID", m.member_id).str("name", &m.name).raw("peerURLs", urls(&m.peer_urls)).raw("clientURLs", urls(&m.advertise_client_urls)).build()).collect();
            p.println(Obj::new().obj("header", header(&world.etcd, 0)).raw("members", format!("[{}]", ms.join(","))).build());
        }
        "table" => {
            let rows: Vec<Vec<String>> = all.iter().map(|m| vec![format!("{:x}", m.member_id), "started".into(), m.name.clone(), m.peer_urls.join(","), m.advertise_client_urls.join(","), "false".into()]).collect();
            p.print(table(&["ID", "STATUS", "NAME", "PEER ADDRS", "CLIENT ADDRS", "IS LEARNER"], &rows));
        }
        _ => {
            for m in &all {
                p.println(format!("{:x}, started, {}, {}, {}, false", m.member_id, m.name, m.peer_urls.join(","), m.advertise_client_urls.join(",")));
            }
        }
    }
    explain_members(world, p);
    0
}

fn explain_members(world: &World, p: &mut Proc) {
    let Some(c) = &world.cluster else { return };
    let all = members::members(world);
    let down: Vec<&str> = all.iter().filter(|m| !m.running).map(|m| m.name.as_str()).collect();
    if down.is_empty() {
        return;
    }
    let lead = all.iter().find(|m| m.member_id == c.leader).map_or("-", |m| m.name.as_str()).to_string();
    p.explain(
        format!("`member list` shows the membership, not who is up: {} is stopped and still listed as started. `endpoint status --cluster` and `endpoint health --cluster` ask each member. Leader: {lead}.", down.join(", ")),
        format!("`member list` mostra quem faz parte do cluster, não quem está no ar: {} está parado e continua listado como started. `endpoint status --cluster` e `endpoint health --cluster` perguntam a cada membro. Líder: {lead}.", down.join(", ")),
    );
}

/// The endpoints a `--cluster` command asks: every member's client URLs, from the membership.
fn endpoints(world: &World, g: &Globals, cluster: bool) -> Vec<String> {
    if cluster {
        members::members(world).iter().flat_map(|m| m.advertise_client_urls.clone()).collect()
    } else {
        g.endpoints.clone()
    }
}

fn host_port(ep: &str) -> &str {
    ep.split_once("://").map_or(ep, |(_, hp)| hp)
}

/// The running member serving `ep`, focused (`World::etcd`), or `None`.
fn reach(world: &mut World, ep: &str) -> Option<u64> {
    let id = members::members(world).iter().find(|m| m.running && ["http", "https"].iter().any(|s| m.listens_on(s, host_port(ep))))?.member_id;
    members::focus_id(world, id);
    Some(id)
}

pub fn status(world: &mut World, p: &mut Proc, g: &Globals, cluster: bool) -> i32 {
    let eps = endpoints(world, g, cluster);
    let mut rows = Vec::new();
    let mut failed = false;
    for ep in &eps {
        if reach(world, ep).is_none() {
            let mut gm = g.clone();
            gm.per_endpoint = true;
            let err = format!("connection error: desc = \"transport: Error while dialing dial tcp {}: connect: connection refused\"", host_port(ep));
            super::deadline_exceeded(world, p, &gm, ep, &err);
            p.eprintln(format!("Failed to get the status of endpoint {ep} (context deadline exceeded)"));
            failed = true;
            continue;
        }
        if crate::cluster::recovery::cut_off(&world.etcd, world.cluster.as_ref()) {
            // Never ready (see `recovery`): the status call waits for the deadline.
            super::cut_off_status(world, p, g, host_port(ep));
            p.eprintln(format!("Failed to get the status of endpoint {ep} (context deadline exceeded)"));
            failed = true;
            continue;
        }
        let leader = world.cluster.as_ref().map_or(0, |c| c.leader);
        let s = &world.etcd;
        let idx = members::raft_index(world);
        let errors = if leader == 0 { "etcdserver: no leader".to_string() } else { String::new() };
        rows.push((ep.clone(), header_of(s), leader, idx, errors));
    }
    match g.write_out.as_str() {
        "json" => {
            let items: Vec<String> = rows
                .iter()
                .map(|(ep, s, leader, idx, errors)| {
                    let mut st = Obj::new().obj("header", header(s, world.etcd.store.current_revision())).str("version", &s.version.version).int("dbSize", s_size(world)).uint("leader", *leader).uint("raftIndex", *idx).uint("raftTerm", s.raft_term).uint("raftAppliedIndex", *idx);
                    if !errors.is_empty() {
                        st = st.raw("errors", format!("[{}]", json_str(errors)));
                    }
                    Obj::new().str("Endpoint", ep).obj("Status", st.int("dbSizeInUse", world.etcd.store.db_size_in_use())).build()
                })
                .collect();
            p.println(format!("[{}]", items.join(",")));
        }
        "table" => {
            let size = humanize_bytes(s_size(world).max(0) as u64);
            let t: Vec<Vec<String>> = rows.iter().map(|(ep, s, leader, idx, errors)| vec![ep.clone(), format!("{:x}", s.member_id), s.version.version.clone(), size.clone(), (*leader == s.member_id).to_string(), "false".into(), s.raft_term.to_string(), idx.to_string(), idx.to_string(), errors.clone()]).collect();
            p.print(table(&STATUS_COLUMNS, &t));
        }
        _ => {
            let size = humanize_bytes(s_size(world).max(0) as u64);
            for (ep, s, leader, idx, errors) in &rows {
                p.println(format!("{ep}, {:x}, {}, {size}, {}, false, {}, {idx}, {idx}, {errors}", s.member_id, s.version.version, *leader == s.member_id, s.raft_term));
            }
        }
    }
    explain_status(world, p);
    i32::from(failed)
}

fn s_size(world: &World) -> i64 {
    world.etcd.store.db_size()
}

fn explain_status(world: &World, p: &mut Proc) {
    let Some(c) = &world.cluster else { return };
    let all = members::members(world);
    let live = all.iter().filter(|m| m.running).count();
    let (en, pt) = if c.leader == 0 {
        (format!("{live} of {} members run: no quorum, so no leader (ERRORS: etcdserver: no leader). A majority, {} of {}, must run for raft to elect a leader and commit writes.", all.len(), all.len() / 2 + 1, all.len()), format!("{live} de {} membros rodam: sem quórum, sem líder (ERRORS: etcdserver: no leader). A maioria, {} de {}, precisa rodar para o raft eleger um líder e confirmar escritas.", all.len(), all.len() / 2 + 1, all.len()))
    } else {
        (
            format!("RAFT TERM counts elections; RAFT INDEX counts raft log entries (each write, each election, each member publishing itself). Members that run have the same index: they applied the same log. {live} of {} members run.", all.len()),
            format!("RAFT TERM conta eleições; RAFT INDEX conta entradas do log do raft (cada escrita, cada eleição, cada membro que se publica). Os membros que rodam têm o mesmo índice: aplicaram o mesmo log. {live} de {} membros rodam.", all.len()),
        )
    };
    p.explain(en, pt);
}

pub fn health(world: &mut World, p: &mut Proc, g: &Globals, cluster: bool) -> i32 {
    let eps = endpoints(world, g, cluster);
    let quorum = members::has_quorum(world);
    let took = format!("{}.{:06}ms", 1, (world.clock_ms * 7919 + 271_828) % 1_000_000);
    let (mut healthy, mut unhealthy) = (Vec::new(), Vec::new());
    let mut warnings = Vec::new();
    for ep in &eps {
        let hp = host_port(ep).to_string();
        match reach(world, ep) {
            Some(_) if quorum && !crate::cluster::recovery::cut_off(&world.etcd, world.cluster.as_ref()) => healthy.push(format!("{ep} is healthy: successfully committed proposal: took = {took}")),
            Some(_) => {
                warnings.push(super::retry_warning(world, &hp, "DeadlineExceeded", "context deadline exceeded"));
                unhealthy.push(format!("{ep} is unhealthy: failed to commit proposal: context deadline exceeded"));
            }
            None => {
                warnings.push(super::retry_warning(world, &hp, "DeadlineExceeded", "latest balancer error: all SubConns are in TransientFailure"));
                unhealthy.push(format!("{ep} is unhealthy: failed to commit proposal: context deadline exceeded"));
            }
        }
    }
    if !unhealthy.is_empty() {
        // The checks run at once; the failed ones give up at the command timeout.
        world.advance(g.command_timeout_ms.max(1));
    }
    for w in warnings {
        p.eprintln(w);
    }
    for h in healthy {
        p.println(h);
    }
    let bad = !unhealthy.is_empty();
    for u in unhealthy {
        p.eprintln(u);
    }
    if bad {
        p.eprintln("Error: unhealthy cluster");
        p.explain(
            "A member is healthy when it can commit a proposal through raft, so it needs a running quorum. A stopped member does not answer at all; a running one without a quorum answers but cannot commit.",
            "Um membro está saudável quando consegue confirmar uma proposta pelo raft, então precisa de um quórum rodando. Um membro parado nem responde; um que roda sem quórum responde mas não confirma.",
        );
        return 1;
    }
    0
}

/// A request that needs raft (a write, a linearizable read) on a member without a quorum: it
/// waits until the client's deadline (3.4.23 prints one of three texts, by a race between the
/// client's deadline and the server's; this is the most frequent).
pub fn no_quorum(world: &mut World, p: &mut Proc, g: &Globals) {
    world.advance(g.command_timeout_ms.max(1));
    let ep = g.endpoints.first().cloned().unwrap_or_default();
    p.eprintln(super::retry_warning(world, host_port(&ep), "DeadlineExceeded", "context deadline exceeded"));
    p.eprintln("Error: context deadline exceeded");
    let all = members::members(world);
    let live = all.iter().filter(|m| m.running).count();
    p.explain(
        format!("Only {live} of {} members run: no quorum ({} needed), so raft cannot commit this request and the client gave up after --command-timeout. Reads with --consistency=s still answer from a live member (possibly stale). Start a member again: goreman run start etcd2.", all.len(), all.len() / 2 + 1),
        format!("Só {live} de {} membros rodam: sem quórum ({} necessários), o raft não confirma este pedido e o cliente desistiu após o --command-timeout. Leituras com --consistency=s ainda respondem de um membro vivo (talvez desatualizadas). Inicie um membro de novo: goreman run start etcd2.", all.len(), all.len() / 2 + 1),
    );
}

/// `move-leader TARGET`: etcdctl asks each endpoint for its status to find the leader among
/// them, then asks the leader to hand over (raft's MsgTimeoutNow: the term goes up by one, the
/// new leader writes its empty entry).
pub fn move_leader(world: &mut World, p: &mut Proc, g: &Globals, target: u64) -> i32 {
    let leader = world.cluster.as_ref().map_or(0, |c| c.leader);
    let mut leader_ep = None;
    for ep in &g.endpoints {
        match reach(world, ep) {
            Some(id) if id == leader && leader != 0 => leader_ep = Some(ep.clone()),
            Some(_) => {}
            None => {
                let mut gm = g.clone();
                gm.per_endpoint = false;
                let err = format!("connection error: desc = \"transport: Error while dialing dial tcp {}: connect: connection refused\"", host_port(ep));
                super::deadline_exceeded(world, p, &gm, host_port(ep), &err);
                return super::EXIT_ERROR;
            }
        }
    }
    let Some(ep) = leader_ep else {
        return super::bad_args(p, format!("no leader endpoint given at [{}]", g.endpoints.join(" ")));
    };
    members::focus_id(world, leader);
    let ok = members::members(world).iter().any(|m| m.member_id == target && m.running);
    if !ok {
        let mut gl = g.clone();
        gl.endpoints = vec![ep];
        return super::grpc_fail(world, p, &gl, "FailedPrecondition", "etcdserver: bad leader transferee", None);
    }
    if target != leader {
        if let Some(c) = world.cluster.as_mut() {
            c.leader = target;
            c.term += 1;
            c.extra_entries += 1;
        }
        members::sync_terms(world);
    }
    p.println(format!("Leadership transferred from {leader:x} to {target:x}"));
    p.explain(
        format!("The leader handed over to {target:x} (raft's MsgTimeoutNow): the term went up by one and the new leader wrote an empty entry. Only a leader can do this, so etcdctl first looked for the leader among --endpoints."),
        format!("O líder passou a liderança para {target:x} (MsgTimeoutNow do raft): o termo subiu um e o novo líder gravou uma entrada vazia. Só um líder pode fazer isso, por isso o etcdctl procurou primeiro o líder entre os --endpoints."),
    );
    0
}

/// `endpoint hashkv`: each endpoint's hash of the keyspace (the same on every member that
/// applied the same log), asked one after the other.
pub fn hashkv(world: &mut World, p: &mut Proc, g: &Globals, cluster: bool, rev: i64) -> i32 {
    let eps = endpoints(world, g, cluster);
    let mut rows = Vec::new();
    let mut failed = false;
    for ep in &eps {
        if reach(world, ep).is_none() {
            let mut gm = g.clone();
            gm.per_endpoint = true;
            let err = format!("connection error: desc = \"transport: Error while dialing dial tcp {}: connect: connection refused\"", host_port(ep));
            super::deadline_exceeded(world, p, &gm, ep, &err);
            p.eprintln(format!("Failed to get the hash of endpoint {ep} (context deadline exceeded)"));
            failed = true;
            continue;
        }
        match world.etcd.store.hash_kv(rev) {
            Ok((hash, compact)) => rows.push((ep.clone(), header_of(&world.etcd), hash, compact)),
            Err(e) => {
                let code = super::grpc_code(&e);
                return super::grpc_fail(world, p, g, code, e, None);
            }
        }
    }
    let revision = world.etcd.store.current_revision();
    match g.write_out.as_str() {
        "json" => {
            let items: Vec<String> = rows.iter().map(|(ep, s, hash, compact)| Obj::new().str("Endpoint", ep).obj("HashKV", Obj::new().obj("header", header(s, revision)).uint("hash", *hash as u64).int("compact_revision", *compact)).build()).collect();
            p.println(format!("[{}]", items.join(",")));
        }
        "table" => p.print(table(&["ENDPOINT", "HASH"], &rows.iter().map(|(ep, _, hash, _)| vec![ep.clone(), hash.to_string()]).collect::<Vec<_>>())),
        _ => {
            for (ep, _, hash, _) in &rows {
                p.println(format!("{ep}, {hash}"));
            }
        }
    }
    if failed {
        p.eprintln("Error: context deadline exceeded");
        return 1;
    }
    0
}

/// A member's identity for a response header, without the keyspace.
fn header_of(s: &crate::cluster::EtcdServer) -> crate::cluster::EtcdServer {
    crate::cluster::EtcdServer {
        name: s.name.clone(),
        member_id: s.member_id,
        cluster_id: s.cluster_id,
        raft_term: s.raft_term,
        data_dir: s.data_dir.clone(),
        listen_client_urls: s.listen_client_urls.clone(),
        advertise_client_urls: s.advertise_client_urls.clone(),
        peer_urls: s.peer_urls.clone(),
        tls: s.tls.clone(),
        version: s.version.clone(),
        running: s.running,
        store: Default::default(),
        stores: Default::default(),
        auth: Default::default(),
    }
}
