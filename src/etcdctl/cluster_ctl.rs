//! etcdctl against several members (`--scenario cluster`, see `cluster::members`):
//! `member list` lists them all, `endpoint status|health` ask each endpoint (with `--cluster`,
//! each member's client URL) and report the ones that do not answer, as etcdctl 3.4.23 does
//! (compared by tests/fidelity_cluster.rs).

use super::output::{header, header_fields, json_str, table, Obj};
use crate::gofmt::humanize_bytes;
use super::Globals;
use crate::cluster::members;
use crate::process::Proc;
use crate::world::World;

const STATUS_COLUMNS: [&str; 10] = ["ENDPOINT", "ID", "VERSION", "DB SIZE", "IS LEADER", "IS LEARNER", "RAFT TERM", "RAFT INDEX", "RAFT APPLIED INDEX", "ERRORS"];

pub fn member_list(world: &mut World, p: &mut Proc, g: &Globals) -> i32 {
    let all: Vec<_> = members::members(world).into_iter().map(header_of).collect();
    let listed: Vec<(&str, bool)> = all.iter().map(|m| members::listed_status(world, m.member_id)).collect();
    match g.write_out.as_str() {
        "json" => {
            let urls = |v: &[String]| format!("[{}]", v.iter().map(|u| json_str(u)).collect::<Vec<_>>().join(","));
            let ms: Vec<String> = all
                .iter()
                .zip(&listed)
                .map(|(m, (_, learner))| {
                    let mut o = Obj::new().uint("ID", m.member_id);
                    if !m.name.is_empty() {
                        o = o.str("name", &m.name);
                    }
                    o = o.raw("peerURLs", urls(&m.peer_urls));
                    if !m.advertise_client_urls.is_empty() {
                        o = o.raw("clientURLs", urls(&m.advertise_client_urls));
                    }
                    if *learner {
                        o = o.raw("isLearner", "true".to_string());
                    }
                    o.build()
                })
                .collect();
            p.println(Obj::new().obj("header", header(&world.etcd, 0)).raw("members", format!("[{}]", ms.join(","))).build());
        }
        "fields" => {
            let mut o = header_fields(&world.etcd, 0);
            for (m, (_, learner)) in all.iter().zip(&listed) {
                o.push_str(&format!("\"ID\" : {}\n\"Name\" : {}\n", m.member_id, json_str(&m.name)));
                for u in &m.peer_urls {
                    o.push_str(&format!("\"PeerURL\" : {}\n", json_str(u)));
                }
                for u in &m.advertise_client_urls {
                    o.push_str(&format!("\"ClientURL\" : {}\n", json_str(u)));
                }
                o.push_str(&format!("\"IsLearner\" : {learner}\n\n"));
            }
            p.print(o);
        }
        "protobuf" => {
            use super::printer_protobuf as pb;
            let mut r = pb::with_header(&world.etcd, 0);
            for (m, (_, learner)) in all.iter().zip(&listed) {
                let mut pm = pb::Msg::new().uint(1, m.member_id).bytes(2, m.name.as_bytes());
                for u in &m.peer_urls {
                    pm = pm.raw(3, u.as_bytes());
                }
                for u in &m.advertise_client_urls {
                    pm = pm.raw(4, u.as_bytes());
                }
                r = r.msg(2, pm.bool(5, *learner));
            }
            pb::print(p, r);
        }
        "table" => {
            let rows: Vec<Vec<String>> = all.iter().zip(&listed).map(|(m, (st, l))| vec![format!("{:x}", m.member_id), st.to_string(), m.name.clone(), m.peer_urls.join(","), m.advertise_client_urls.join(","), l.to_string()]).collect();
            p.print(table(&["ID", "STATUS", "NAME", "PEER ADDRS", "CLIENT ADDRS", "IS LEARNER"], &rows));
        }
        _ => {
            for (m, (st, l)) in all.iter().zip(&listed) {
                p.println(format!("{:x}, {st}, {}, {}, {}, {l}", m.member_id, m.name, m.peer_urls.join(","), m.advertise_client_urls.join(",")));
            }
        }
    }
    explain_members(world, p);
    explain_unstarted(world, p);
    0
}

/// Added members that never started, and learners: what `member list` says about them.
fn explain_unstarted(world: &World, p: &mut Proc) {
    let Some(c) = &world.cluster else { return };
    if c.unstarted.is_empty() && c.learners.is_empty() {
        return;
    }
    let v = members::voters(world);
    let (n, q) = (v.len(), v.len() / 2 + 1);
    p.explain(
        format!("An `unstarted` member was added (member add) but no etcd has joined as it yet: no name, no client URLs. A voting one still counts for the quorum: {q} of {n} voting members must run. A learner (IS LEARNER true) does not vote."),
        format!("Um membro `unstarted` foi adicionado (member add), mas nenhum etcd entrou no cluster como ele ainda: sem nome, sem URLs de cliente. Um votante conta para o quórum mesmo assim: {q} de {n} membros votantes precisam rodar. Um learner (IS LEARNER true) não vota."),
    );
}

fn explain_members(world: &World, p: &mut Proc) {
    let Some(c) = &world.cluster else { return };
    let all = members::members(world);
    let down: Vec<&str> = all.iter().filter(|m| !m.running && !c.unstarted.contains(&m.member_id)).map(|m| m.name.as_str()).collect();
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
    let id = members::members(world).iter().find(|m| m.running && m.serves_clients_at(host_port(ep)))?.member_id;
    members::focus_id(world, id);
    Some(id)
}

/// An endpoint no running member serves, asked by `endpoint status|hashkv` on its own
/// connection: the dial's retry warning at the deadline, then `Failed to get the WHAT of
/// endpoint EP (context deadline exceeded)`.
fn unreachable(world: &mut World, p: &mut Proc, g: &Globals, ep: &str, what: &str) {
    let mut gm = g.clone();
    gm.per_endpoint = true;
    let err = format!("connection error: desc = \"transport: Error while dialing dial tcp {}: connect: connection refused\"", host_port(ep));
    super::deadline_exceeded(world, p, &gm, ep, &err);
    p.eprintln(format!("Failed to get the {what} of endpoint {ep} (context deadline exceeded)"));
}

pub fn status(world: &mut World, p: &mut Proc, g: &Globals, cluster: bool) -> i32 {
    let eps = endpoints(world, g, cluster);
    let mut rows = Vec::new();
    let mut failed = false;
    for ep in &eps {
        if reach(world, ep).is_none() {
            unreachable(world, p, g, ep, "status");
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
            let t: Vec<Vec<String>> = rows.iter().map(|(ep, s, leader, idx, errors)| vec![ep.clone(), format!("{:x}", s.member_id), s.version.version.clone(), size.clone(), (*leader == s.member_id).to_string(), is_learner(world, s.member_id).to_string(), s.raft_term.to_string(), idx.to_string(), idx.to_string(), errors.clone()]).collect();
            p.print(table(&STATUS_COLUMNS, &t));
        }
        "fields" => {
            let rev = world.etcd.store.current_revision();
            for (ep, s, leader, idx, errors) in &rows {
                let errors = if errors.is_empty() { "[]".to_string() } else { format!("[{errors}]") };
                p.print(format!(
                    "{}\"Version\" : {}\n\"DBSize\" : {}\n\"Leader\" : {leader}\n\"IsLearner\" : {}\n\"RaftIndex\" : {idx}\n\"RaftTerm\" : {}\n\"RaftAppliedIndex\" : {idx}\n\"Errors\" : {errors}\n\"Endpoint\" : {}\n\n",
                    header_fields(s, rev),
                    json_str(&s.version.version),
                    s_size(world),
                    is_learner(world, s.member_id),
                    s.raft_term,
                    json_str(ep)
                ));
            }
        }
        _ => {
            let size = humanize_bytes(s_size(world).max(0) as u64);
            for (ep, s, leader, idx, errors) in &rows {
                p.println(format!("{ep}, {:x}, {}, {size}, {}, {}, {}, {idx}, {idx}, {errors}", s.member_id, s.version.version, *leader == s.member_id, is_learner(world, s.member_id), s.raft_term));
            }
        }
    }
    explain_status(world, p);
    i32::from(failed)
}

/// `endpoint status`'s IS LEARNER: what raft says (a learner `member update` made look like a
/// voter in `member list` is still one here).
fn is_learner(world: &World, id: u64) -> bool {
    world.cluster.as_ref().is_some_and(|c| c.learners.contains(&id))
}

fn s_size(world: &World) -> i64 {
    world.etcd.store.db_size()
}

fn explain_status(world: &World, p: &mut Proc) {
    let Some(c) = &world.cluster else { return };
    let all = members::voters(world);
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
            Some(_) if quorum && !crate::cluster::recovery::cut_off(&world.etcd, world.cluster.as_ref()) => healthy.push((ep.clone(), format!("{ep} is healthy: successfully committed proposal: took = {took}"))),
            Some(_) => {
                warnings.push(super::retry_warning(world, &hp, "DeadlineExceeded", "context deadline exceeded"));
                unhealthy.push((ep.clone(), format!("{ep} is unhealthy: failed to commit proposal: context deadline exceeded")));
            }
            None => {
                warnings.push(super::retry_warning(world, &hp, "DeadlineExceeded", "latest balancer error: all SubConns are in TransientFailure"));
                unhealthy.push((ep.clone(), format!("{ep} is unhealthy: failed to commit proposal: context deadline exceeded")));
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
    let bad = !unhealthy.is_empty();
    // The verdicts come as the checks end: the healthy ones first, the failed ones at the
    // deadline (etcdctl's epHealthCommandFunc collects them, then prints them all).
    let failed_took = format!("{}.{:03}813667s", g.command_timeout_ms / 1000, g.command_timeout_ms % 1000);
    let verdicts: Vec<(&str, &str, &str)> = healthy.iter().map(|(ep, _)| (ep.as_str(), took.as_str(), "")).chain(unhealthy.iter().map(|(ep, _)| (ep.as_str(), failed_took.as_str(), "context deadline exceeded"))).collect();
    match g.write_out.as_str() {
        "json" => {
            let items: Vec<String> = verdicts
                .iter()
                .map(|(ep, took, err)| {
                    let o = Obj::new().str("endpoint", ep).raw("health", err.is_empty()).str("took", took);
                    if err.is_empty() { o } else { o.str("error", err) }.build()
                })
                .collect();
            p.println(format!("[{}]", items.join(",")));
        }
        "table" => p.print(table(&["ENDPOINT", "HEALTH", "TOOK", "ERROR"], &verdicts.iter().map(|(ep, took, err)| vec![ep.to_string(), err.is_empty().to_string(), took.to_string(), err.to_string()]).collect::<Vec<_>>())),
        "fields" => {
            for (ep, took, err) in &verdicts {
                p.print(format!("\"Endpoint\" : {}\n\"Health\" : {}\n\"Took\" : {took}\n\"Error\" : {err}\n\n", json_str(ep), err.is_empty()));
            }
        }
        _ => {
            for (_, h) in healthy {
                p.println(h);
            }
            for (_, u) in unhealthy {
                p.eprintln(u);
            }
        }
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
    // For lesson checks (`ran` … `notes = { quorum = "lost" }`): the request failed for want of a quorum.
    world.facts.note("quorum", "lost");
    world.advance(g.command_timeout_ms.max(1));
    let ep = g.endpoints.first().cloned().unwrap_or_default();
    p.eprintln(super::retry_warning(world, host_port(&ep), "DeadlineExceeded", "context deadline exceeded"));
    p.eprintln("Error: context deadline exceeded");
    let all = members::voters(world);
    let live = all.iter().filter(|m| m.running).count();
    p.explain(
        format!("Only {live} of {} members run: no quorum ({} needed), so raft cannot commit this request and the client gave up after --command-timeout. Reads with --consistency=s still answer from a live member (possibly stale). Start a member again: goreman run start etcd2.", all.len(), all.len() / 2 + 1),
        format!("Só {live} de {} membros rodam: sem quórum ({} necessários), o raft não confirma este pedido e o cliente desistiu após o --command-timeout. Leituras com --consistency=s ainda respondem de um membro vivo (talvez desatualizadas). Inicie um membro de novo: goreman run start etcd2.", all.len(), all.len() / 2 + 1),
    );
    explain_unstarted_quorum(world, p);
}

/// Why writes stop with fewer members down than before: an added member that never started
/// counts for the quorum as a stopped one does.
fn explain_unstarted_quorum(world: &World, p: &mut Proc) {
    let Some(c) = &world.cluster else { return };
    let v = members::voters(world);
    let n = v.iter().filter(|m| c.unstarted.contains(&m.member_id)).count();
    if n == 0 {
        return;
    }
    let (total, q, live) = (v.len(), v.len() / 2 + 1, v.iter().filter(|m| m.running).count());
    p.explain(
        format!("{n} voting member(s) were added with `member add` and never started: they count for the quorum like a stopped member. With {total} voting members the quorum is {q}, so {live} running are not enough. Start the new member, or `member remove` it."),
        format!("{n} membro(s) votante(s) foram adicionados com `member add` e nunca iniciados: contam para o quórum como um membro parado. Com {total} membros votantes o quórum é {q}, então {live} rodando não bastam. Inicie o novo membro, ou faça `member remove` dele."),
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
        let before = world.cluster.as_ref().map_or((0, 0), |c| (c.leader, c.term));
        if let Some(c) = world.cluster.as_mut() {
            c.leader = target;
            c.term += 1;
            c.extra_entries += 1;
        }
        members::sync_terms(world);
        members::note_election(world, before, world.clock_ms, members::Why::MoveLeader);
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
            unreachable(world, p, g, ep, "hash");
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
    members::identity_of(s)
}

// --- Membership changes (see `cluster::members`, "Membership changes") ----------------------

/// `--peer-urls` checked as etcdctl 3.4 checks it before sending (types.NewURLs, via Go's
/// url.Parse): the URLs sorted, or the error it prints (exit status 1).
pub fn parse_peer_urls(list: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    for u in list.split(',') {
        let scheme_end = u.find(':').filter(|&i| i > 0 && u[..i].chars().next().is_some_and(|c| c.is_ascii_alphabetic()) && u[..i].chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)));
        let Some(i) = scheme_end else {
            if u.split('/').next().is_some_and(|seg| seg.contains(':')) {
                return Err(format!("parse {}: first path segment in URL cannot contain colon", crate::gofmt::quote(u)));
            }
            return Err(format!("URL scheme must be http, https, unix, or unixs: {u}"));
        };
        let (scheme, rest) = (&u[..i], &u[i + 1..]);
        if !["http", "https", "unix", "unixs"].contains(&scheme) {
            return Err(format!("URL scheme must be http, https, unix, or unixs: {u}"));
        }
        let (host, path) = match rest.strip_prefix("//") {
            Some(r) => r.find('/').map_or((r, ""), |j| (&r[..j], &r[j..])),
            None => ("", rest),
        };
        let host_port_ok = match host.strip_prefix('[') {
            Some(r) => r.split_once(']').is_some_and(|(_, p)| p.starts_with(':') && !p[1..].contains(':')),
            None => host.matches(':').count() == 1,
        };
        if !host_port_ok {
            return Err(format!("URL address does not have the form \"host:port\": {u}"));
        }
        if !path.is_empty() {
            return Err(format!("URL must not contain a path: {u}"));
        }
        out.push(u.to_string());
    }
    out.sort();
    Ok(out)
}

/// The server refused a change: its error, as etcdctl prints a failed unary call.
fn member_refused(world: &mut World, p: &mut Proc, g: &Globals, e: members::MemberError) -> i32 {
    let code = super::grpc_fail(world, p, g, e.code(), e.text(), None);
    let (en, pt) = match e {
        members::MemberError::Unhealthy => (
            "etcd refuses a change of the voting members that could cost the quorum. Adding one needs every voting member connected to the leader (one is stopped, or was added and never started: start it or remove it first). Removing a running one needs the others to still make a quorum. A member counts as connected only 5 seconds after it (re)started: right after a start, wait and try again.",
            "O etcd recusa uma mudança nos membros votantes que possa custar o quórum. Adicionar um exige todos os membros votantes conectados ao líder (um está parado, ou foi adicionado e nunca iniciado: inicie-o ou remova-o antes). Remover um que está rodando exige que os outros ainda formem quórum. Um membro só conta como conectado 5 segundos depois de (re)iniciar: logo após um início, espere e tente de novo.",
        ),
        members::MemberError::LearnerNotReady => (
            "A learner is promoted only once it runs and its raft log has caught up with the leader's: this one has not started yet. Start it with the settings `member add` printed, wait until it has caught up, then promote it.",
            "Um learner só é promovido quando está rodando e seu log do raft alcançou o do líder: este ainda não foi iniciado. Inicie-o com as configurações que o `member add` mostrou, espere ele alcançar o líder e então promova-o.",
        ),
        members::MemberError::TooManyLearners => (
            "etcd 3.4 allows one learner at a time: promote or remove the one there is first.",
            "O etcd 3.4 permite um learner por vez: promova ou remova o que já existe antes.",
        ),
        members::MemberError::NotEnoughStarted => (
            "This change would leave fewer running voting members than a quorum needs, so etcd refuses it before proposing it.",
            "Esta mudança deixaria menos membros votantes rodando do que o quórum exige, então o etcd a recusa antes de propô-la.",
        ),
        _ => return code,
    };
    p.explain(en, pt);
    code
}

/// Connects, runs the leader's checks before proposing, then needs a quorum (the change is a
/// raft entry): `None` when it printed a failure (the exit status is returned).
fn propose(world: &mut World, p: &mut Proc, g: &Globals, before: impl Fn(&World) -> Result<(), members::MemberError>) -> Result<(), i32> {
    if super::connect(world, p, g).is_none() {
        return Err(g.failed());
    }
    if let Err(e) = before(world) {
        return Err(member_refused(world, p, g, e));
    }
    if !members::has_quorum(world) {
        no_quorum(world, p, g);
        return Err(super::EXIT_ERROR);
    }
    Ok(())
}

/// `member add NAME --peer-urls=… [--learner]` on the cluster.
pub fn member_add(world: &mut World, p: &mut Proc, g: &Globals, name: &str, peer_urls: Vec<String>, learner: bool) -> i32 {
    if let Err(code) = propose(world, p, g, |w| members::check_before_add(w, learner)) {
        return code;
    }
    let now = world.clock_ms;
    let id = match members::add(world, peer_urls.clone(), learner, now) {
        Ok(id) => id,
        Err(e) => return member_refused(world, p, g, e),
    };
    let cid = members::cluster_id(world);
    p.println(format!("Member {id:16x} added to cluster {cid:16x}"));
    p.println("");
    let conf: Vec<String> = members::members(world).iter().flat_map(|m| {
        let n = if m.member_id == id { name.to_string() } else { m.name.clone() };
        m.peer_urls.iter().map(move |u| format!("{n}={u}")).collect::<Vec<_>>()
    }).collect();
    p.println(format!("ETCD_NAME={}", crate::gofmt::quote(name)));
    p.println(format!("ETCD_INITIAL_CLUSTER={}", crate::gofmt::quote(&conf.join(","))));
    p.println(format!("ETCD_INITIAL_ADVERTISE_PEER_URLS={}", crate::gofmt::quote(&peer_urls.join(","))));
    p.println(format!("ETCD_INITIAL_CLUSTER_STATE={}", crate::gofmt::quote("existing")));
    let v = members::voters(world);
    let (n, q) = (v.len(), v.len() / 2 + 1);
    if learner {
        p.explain(
            format!("The learner {id:x} is in the membership, `unstarted` until an etcd starts with these settings. A learner receives the log but does not vote: the quorum stays {q} of {n} voting members. Once it runs and has caught up, `member promote {id:x}` makes it a voting member."),
            format!("O learner {id:x} entrou na lista de membros, `unstarted` até um etcd iniciar com essas configurações. Um learner recebe o log mas não vota: o quórum continua {q} de {n} membros votantes. Quando ele estiver rodando e em dia, `member promote {id:x}` o torna votante."),
        );
    } else {
        p.explain(
            format!("{id:x} is a voting member from now on, `unstarted` until an etcd starts with these settings (--initial-cluster-state existing). The cluster has {n} voting members, so the quorum is {q} of {n}: with the new one not started, one more member stopped leaves {} running and stops writes.", q - 1),
            format!("{id:x} é um membro votante a partir de agora, `unstarted` até um etcd iniciar com essas configurações (--initial-cluster-state existing). O cluster tem {n} membros votantes, então o quórum é {q} de {n}: com o novo ainda não iniciado, mais um membro parado deixa {} rodando e as escritas param.", q - 1),
        );
    }
    0
}

/// `member remove ID` on the cluster.
pub fn member_remove(world: &mut World, p: &mut Proc, g: &Globals, id: u64) -> i32 {
    if let Err(code) = propose(world, p, g, |w| members::check_remove(w, id)) {
        return code;
    }
    let was_leader = world.cluster.as_ref().is_some_and(|c| c.leader == id);
    let before = world.cluster.as_ref().map_or((0, 0), |c| (c.leader, c.term));
    if let Err(e) = members::remove(world, id) {
        return member_refused(world, p, g, e);
    }
    // The leader removed: the others' election goes on the panel's timeline.
    members::note_election(world, before, world.clock_ms, members::Why::LeaderStopped);
    p.println(format!("Member {id:16x} removed from cluster {:16x}", members::cluster_id(world)));
    if was_leader {
        p.explain(
            "The leader was removed: it stopped (a removed member's etcd exits), and the remaining members elected a new leader (the term went up by one).",
            "O líder foi removido: ele parou (o etcd de um membro removido encerra) e os membros restantes elegeram um novo líder (o termo subiu um).",
        );
    }
    0
}

/// `member update ID --peer-urls=…` on the cluster.
pub fn member_update(world: &mut World, p: &mut Proc, g: &Globals, id: u64, peer_urls: Vec<String>) -> i32 {
    if let Err(code) = propose(world, p, g, |_| Ok(())) {
        return code;
    }
    if let Err(e) = members::update(world, id, peer_urls) {
        return member_refused(world, p, g, e);
    }
    p.println(format!("Member {id:16x} updated in cluster {:16x}", members::cluster_id(world)));
    0
}

/// `member promote ID` on the cluster.
pub fn member_promote(world: &mut World, p: &mut Proc, g: &Globals, id: u64) -> i32 {
    if let Err(code) = propose(world, p, g, |w| members::check_promote(w, id)) {
        return code;
    }
    if let Err(e) = members::promote(world, id) {
        return member_refused(world, p, g, e);
    }
    p.println(format!("Member {id:16x} promoted in cluster {:16x}", members::cluster_id(world)));
    0
}
