//! `etcd`: the server, on the cluster node (`--scenario cluster`), to start the member that
//! `etcdctl member add` announced, with the settings it printed:
//!
//! ```text
//! $ etcdctl member add infra4 --peer-urls=http://127.0.0.1:42380
//! Member 65d417acf40837c3 added to cluster ef37ad9dc622a7c4
//! ETCD_NAME="infra4" ...
//! $ etcd --name infra4 --listen-client-urls http://127.0.0.1:42379 \
//!     --advertise-client-urls http://127.0.0.1:42379 --listen-peer-urls http://127.0.0.1:42380 \
//!     --initial-advertise-peer-urls http://127.0.0.1:42380 --initial-cluster-token etcd-cluster-1 \
//!     --initial-cluster 'infra1=http://127.0.0.1:12380,...,infra4=http://127.0.0.1:42380' \
//!     --initial-cluster-state existing > infra4.log 2>&1 &
//! ```
//!
//! The member joins (`cluster::members::join`: it catches up and publishes its name) and the
//! program stays a job (`etcdctl::job::Job::Server`) until a signal stops the member (`kill
//! %1`, Ctrl+C). Started again with the same name, it restarts from its data dir.
//!
//! What it writes on stderr is a subset of etcd 3.4.23's capnslog log, line for line as the
//! real one writes them (measured with three real members, tests/fidelity_cluster_join/): the
//! header, the `C |` line of a fatal error (exit status 1), and for a member that starts the
//! lines that say what it did (the rafthttp connection chatter, whose order varies, is left
//! out). Not modelled: `--initial-cluster-state new` against the running cluster (real etcd
//! boots a cluster of its own and logs `cluster ID mismatch` forever): refused with a note.

use crate::cluster::members;
use crate::process::Proc;
use crate::world::World;

/// etcd's `usageline` (server/etcdmain/help.go, the same in 3.4.23 and 3.5), printed after
/// `flag provided but not defined: -X` (exit status 2); `crictl logs` shows it in the log of a
/// kubeadm etcd that crashed on such a flag.
pub const USAGE: &str = "Usage:

  etcd [flags]
    Start an etcd server.

  etcd --version
    Show the version of etcd.

  etcd -h | --help
    Show the help information about etcd.

  etcd --config-file
    Path to the server configuration file. Note that if a configuration file is provided, other command line flags and environment variables will be ignored.

  etcd gateway
    Run the stateless pass-through etcd TCP connection forwarding proxy.

  etcd grpc-proxy
    Run the stateless etcd v3 gRPC L7 reverse proxy.

";

/// The flags this program reads (Go's flag package: `-x` or `--x`, `=V` or a separate `V`).
#[derive(Default)]
struct Flags {
    name: Option<String>,
    data_dir: Option<String>,
    client_urls: Option<String>,
    advertise_client_urls: Option<String>,
    peer_urls: Option<String>,
    initial_advertise_peer_urls: Option<String>,
    initial_cluster: Option<String>,
    token: Option<String>,
    state: Option<String>,
    version: bool,
}

/// Flags that take a value, and the ones that do not (accepted, without effect here).
const VALUE_FLAGS: &[&str] = &["name", "data-dir", "listen-client-urls", "advertise-client-urls", "listen-peer-urls", "initial-advertise-peer-urls", "initial-cluster", "initial-cluster-token", "initial-cluster-state", "election-timeout", "heartbeat-interval", "logger", "log-level", "wal-dir", "snapshot-count", "quota-backend-bytes"];
const BOOL_FLAGS: &[&str] = &["enable-pprof", "version", "debug"];

/// Go's flag errors: `Err((message, exit status))`.
fn parse(args: &[String]) -> Result<Flags, (String, i32)> {
    let mut f = Flags::default();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let Some(body) = a.strip_prefix("--").or_else(|| a.strip_prefix('-')).filter(|b| !b.is_empty() && a.starts_with('-')) else {
            return Err((format!("etcdmain: error verifying flags, {} is not a valid flag. See 'etcd --help'.", format_args!("'{a}'")), 0));
        };
        let (key, inline) = match body.split_once('=') {
            Some((k, v)) => (k, Some(v.to_string())),
            None => (body, None),
        };
        if BOOL_FLAGS.contains(&key) {
            if key == "version" {
                f.version = inline.as_deref().is_none_or(|v| v == "true");
            }
            continue;
        }
        if !VALUE_FLAGS.contains(&key) {
            return Err((format!("flag provided but not defined: -{key}\n{USAGE}"), 2));
        }
        let Some(v) = inline.or_else(|| it.next().cloned()) else {
            return Err((format!("flag needs an argument: -{key}\n{USAGE}"), 2));
        };
        let slot = match key {
            "name" => &mut f.name,
            "data-dir" => &mut f.data_dir,
            "listen-client-urls" => &mut f.client_urls,
            "advertise-client-urls" => &mut f.advertise_client_urls,
            "listen-peer-urls" => &mut f.peer_urls,
            "initial-advertise-peer-urls" => &mut f.initial_advertise_peer_urls,
            "initial-cluster" => &mut f.initial_cluster,
            "initial-cluster-token" => &mut f.token,
            "initial-cluster-state" => &mut f.state,
            _ => continue,
        };
        *slot = Some(v);
    }
    Ok(f)
}

/// `2026-12-04 12:31:30.921984`: capnslog's time, from the world's clock.
fn log_time(world: &World) -> (String, String) {
    let ms = crate::cluster::clock::now_unix_ms(world.clock_ms);
    let (y, mo, d, h, mi, s, _) = crate::gofmt::parts(ms.div_euclid(1000));
    (format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}.{:06}", ms.rem_euclid(1000) * 1000), format!("raft{y:04}/{mo:02}/{d:02} {h:02}:{mi:02}:{s:02} INFO: "))
}

const DEPRECATED: &str = "[WARNING] Deprecated '--logger=capnslog' flag is set; use '--logger=zap' flag instead\n";

pub fn main(world: &mut World, p: &mut Proc) -> i32 {
    let args: Vec<String> = p.args.iter().skip(1).cloned().collect();
    let f = match parse(&args) {
        Ok(f) => f,
        Err((msg, 0)) => {
            // A stray argument: etcd logs it and exits 0, before its header.
            let (ts, _) = log_time(world);
            p.eprintln(format!("{ts} E | {msg}"));
            return 0;
        }
        Err((msg, code)) => {
            p.eprint(msg);
            return code;
        }
    };
    if f.version {
        p.println("etcd Version: 3.4.23\nGit SHA: Not provided (use ./build instead of go build)\nGo Version: go1.19.8\nGo OS/Arch: linux/amd64");
        return 0;
    }
    let name = f.name.clone().unwrap_or_else(|| "default".into());
    let (ts, raft) = log_time(world);
    let mut log = String::from(DEPRECATED);
    for l in ["I | etcdmain: etcd Version: 3.4.23", "I | etcdmain: Git SHA: Not provided (use ./build instead of go build)", "I | etcdmain: Go Version: go1.19.8", "I | etcdmain: Go OS/Arch: linux/amd64", "I | etcdmain: setting maximum number of CPUs to 2, total number of available CPUs is 2"] {
        log.push_str(&format!("{ts} {l}\n"));
    }
    let data_dir = f.data_dir.clone().unwrap_or_else(|| format!("{name}.etcd"));
    if f.data_dir.is_none() {
        log.push_str(&format!("{ts} W | etcdmain: no data-dir provided, using default data-dir ./{data_dir}\n"));
    }
    let existing = members::members(world).iter().find(|m| m.name == name).map(|m| (m.running, m.member_id));
    // Every start that gets this far makes the data dir (member/snap), even one that fails
    // next; a later start finds it and says so.
    let dir_path = if data_dir.starts_with('/') { data_dir.clone() } else { format!("{}/{data_dir}", p.cwd.trim_end_matches('/')) };
    let initialized = world.vfs.is_dir(&format!("{dir_path}/member")) || members::members(world).iter().any(|m| m.name == name && m.data_dir == dir_path);
    let _ = world.vfs.mkdir_p(&format!("{dir_path}/member/snap"));
    let client = f.advertise_client_urls.clone().unwrap_or_else(|| "http://localhost:2379".into());
    let peer = f.initial_advertise_peer_urls.clone().unwrap_or_else(|| "http://localhost:2380".into());
    if initialized {
        log.push_str(&format!("{ts} N | etcdmain: the server is already initialized as member before, starting as etcd member...\n"));
    }
    log.push_str(DEPRECATED);
    for (k, v) in [("name", name.clone()), ("data dir", data_dir.clone()), ("member dir", format!("{data_dir}/member")), ("heartbeat", "100ms".into()), ("election", "1000ms".into()), ("snapshot count", "100000".into()), ("advertise client URLs", client.clone())] {
        log.push_str(&format!("{ts} I | embed: {k} = {v}\n"));
    }
    match existing {
        Some((true, _)) => {
            // Its peer port is taken by the member that runs (a Procfile member: goreman's).
            let port = peer.split_once("://").map_or(peer.as_str(), |(_, hp)| hp);
            p.eprint(log);
            p.eprintln(format!("{ts} C | etcdmain: listen tcp {port}: bind: address already in use"));
            p.explain(
                format!("{name} already runs: a second etcd for the same member cannot listen on its ports. To restart it, stop it first (`goreman run restart etcdN` for the Procfile's members, `kill %N` for one you started)."),
                format!("{name} já está rodando: um segundo etcd para o mesmo membro não consegue escutar nas portas dele. Para reiniciá-lo, pare-o antes (`goreman run restart etcdN` para os membros do Procfile, `kill %N` para um que você iniciou)."),
            );
            return 1;
        }
        Some((false, id)) => return restart(world, p, log, &name, id, &peer, &client),
        None => {}
    }
    if f.state.as_deref().unwrap_or("new") != "existing" {
        p.eprint(log);
        p.explain(
            "Not simulated: `--initial-cluster-state new` (the default) bootstraps a new cluster. Against the running one, real etcd starts a cluster of its own with another cluster ID, and the members reject each other's messages (`cluster ID mismatch`) forever. To join the running cluster, use what `etcdctl member add` printed: `--initial-cluster-state existing`.",
            "Não simulado: `--initial-cluster-state new` (o padrão) inicia um cluster novo. Contra o cluster que já roda, o etcd real cria um cluster próprio com outro ID, e os membros rejeitam as mensagens um do outro (`cluster ID mismatch`) para sempre. Para entrar no cluster que roda, use o que o `etcdctl member add` imprimiu: `--initial-cluster-state existing`.",
        );
        return 1;
    }
    let initial: Vec<(String, String)> = f.initial_cluster.as_deref().unwrap_or("").split(',').filter(|s| !s.is_empty()).map(|item| item.split_once('=').map_or((item.to_string(), String::new()), |(n, u)| (n.to_string(), u.to_string()))).collect();
    let client_urls: Vec<String> = client.split(',').map(str::to_string).collect();
    let was_learner = |w: &World, id: u64| w.cluster.as_ref().is_some_and(|c| c.learners.contains(&id));
    let before = world.cluster.as_ref().map_or((0, 0), |c| (c.leader, c.term));
    let token = f.token.clone().unwrap_or_else(|| "etcd-cluster".into());
    match members::join(world, &name, &initial, &token, client_urls.clone()) {
        Err(e) if !e.starts_with("etcdmain:") => {
            // Another name for a member that exists: its peer port is that member's.
            let port = peer.split_once("://").map_or(peer.as_str(), |(_, hp)| hp);
            p.eprint(log);
            p.eprintln(format!("{ts} C | etcdmain: listen tcp {port}: bind: address already in use"));
            1
        }
        Err(e) => {
            p.eprint(log);
            p.eprintln(format!("{ts} C | {e}"));
            explain_error(p, &e);
            1
        }
        Ok(id) => {
            let _ = world.vfs.mkdir_p(&format!("{dir_path}/member/wal"));
            members::note_election(world, before, world.clock_ms, members::Why::Start);
            let cid = members::cluster_id(&*world);
            let term = world.cluster.as_ref().map_or(0, |c| c.term);
            let leader = world.cluster.as_ref().map_or(0, |c| c.leader);
            log.push_str(&format!("{ts} I | etcdserver: starting member {id:x} in cluster {cid:x}\n"));
            log.push_str(&format!("{raft}{id:x} switched to configuration voters=()\n{raft}{id:x} became follower at term 0\n{raft}newRaft {id:x} [peers: [], term: 0, commit: 0, applied: 0, lastindex: 0, lastterm: 0]\n"));
            log.push_str(&format!("{ts} W | auth: simple token is not cryptographically signed\n"));
            log.push_str(&format!("{ts} I | etcdserver: starting server... [version: 3.4.23, cluster version: to_be_decided]\n"));
            for (dir, suffix) in [("snap", "snap.db"), ("snap", "snap"), ("wal", "wal")] {
                log.push_str(&format!("{ts} I | pkg/fileutil: started to purge file, dir: {data_dir}/member/{dir}, suffix: {suffix}, max: 5, interval: 30s\n"));
            }
            let port = peer.split_once("://").map_or(peer.as_str(), |(_, hp)| hp);
            log.push_str(&format!("{ts} I | embed: listening for peers on {port}\n"));
            if leader != 0 {
                log.push_str(&format!("{raft}{id:x} [term: 0] received a MsgHeartbeat message with higher term from {leader:x} [term: {term}]\n{raft}{id:x} became follower at term {term}\n{raft}raft.node: {id:x} elected leader {leader:x} at term {term}\n"));
            }
            // The log it catches up with: the Procfile's members, the cluster version, then
            // the members added since (itself last).
            let all: Vec<(u64, String)> = members::members(&*world).iter().map(|m| (m.member_id, m.peer_urls.join(","))).collect();
            // 3.4.23 logs a learner as `added member` too.
            let added = |log: &mut String, (mid, urls): &(u64, String)| {
                log.push_str(&format!("{ts} I | etcdserver/membership: added member {mid:x} [{urls}] to cluster {cid:x}\n"));
            };
            for m in all.iter().filter(|m| members::MEMBER_IDS.contains(&m.0)) {
                added(&mut log, m);
            }
            log.push_str(&format!("{ts} N | etcdserver/membership: set the initial cluster version to 3.0\n{ts} I | etcdserver/api: enabled capabilities for version 3.0\n{ts} N | etcdserver/membership: updated the cluster version from 3.0 to 3.4\n{ts} I | etcdserver/api: enabled capabilities for version 3.4\n"));
            for m in all.iter().filter(|m| !members::MEMBER_IDS.contains(&m.0) && m.0 != id).chain(all.iter().filter(|m| m.0 == id)) {
                added(&mut log, m);
            }
            finish_start(world, p, log, &ts, &name, &client_urls, cid);
            let learner = was_learner(world, id);
            let live = members::voters(world).iter().filter(|m| m.running).count();
            let voters = members::voters(world).len();
            if learner {
                p.explain(
                    format!("{name} joined as a learner: it receives the log and catches up, but does not vote, so the quorum is still {} of {voters}. Once it has caught up, `etcdctl member promote {id:x}` makes it a voting member.", voters / 2 + 1),
                    format!("{name} entrou como learner: recebe o log e alcança os outros, mas não vota, então o quórum continua {} de {voters}. Quando tiver alcançado, `etcdctl member promote {id:x}` o torna um membro votante.", voters / 2 + 1),
                );
            } else {
                p.explain(
                    format!("{name} joined: it fetched the member list from the cluster's peers, caught up with the leader's log, and published its name and client URLs (one more raft entry). {live} of {voters} voting members run; the quorum is {}.", voters / 2 + 1),
                    format!("{name} entrou no cluster: buscou a lista de membros com os peers, alcançou o log do líder e publicou seu nome e suas URLs de cliente (mais uma entrada no raft). {live} de {voters} membros votantes rodam; o quórum é {}.", voters / 2 + 1),
                );
            }
            p.job = Some(Box::new(crate::etcdctl::job::Job::Server { name }));
            0
        }
    }
}

/// The last lines of a start, and the start's record in the cluster (recovery's bookkeeping).
fn finish_start(world: &mut World, p: &mut Proc, mut log: String, ts: &str, name: &str, client_urls: &[String], cid: u64) {
    log.push_str(&format!("{ts} I | etcdserver: published {{Name:{name} ClientURLs:[{}]}} to cluster {cid:x}\n", client_urls.join(" ")));
    log.push_str(&format!("{ts} I | embed: ready to serve client requests\n"));
    for u in client_urls {
        let hp = u.split_once("://").map_or(u.as_str(), |(_, hp)| hp);
        log.push_str(&format!("{ts} N | embed: serving insecure client requests on {hp}, this is strongly discouraged!\n"));
    }
    p.eprint(log);
    let id = members::members(&*world).iter().find(|m| m.name == name).map_or(0, |m| m.member_id);
    if let Some(c) = world.cluster.as_mut() {
        crate::cluster::recovery::started(c, id);
    }
}

/// A member started before (its data dir holds its state): it restarts as that member, and
/// the `--initial-*` flags are not read.
fn restart(world: &mut World, p: &mut Proc, mut log: String, name: &str, id: u64, peer: &str, client: &str) -> i32 {
    let (ts, raft) = log_time(world);
    let commit = world.cluster.as_ref().and_then(|c| c.stopped_at.iter().find(|(i, _)| *i == id)).map_or_else(|| members::raft_index(&*world), |(_, at)| *at);
    let term = world.cluster.as_ref().map_or(0, |c| c.term);
    let cid = members::cluster_id(&*world);
    log.push_str(&format!("{ts} I | embed: initial advertise peer URLs = {peer}\n{ts} I | embed: initial cluster = \n"));
    log.push_str(&format!("{ts} I | etcdserver: restarting member {id:x} in cluster {cid:x} at commit index {commit}\n"));
    log.push_str(&format!("{raft}{id:x} switched to configuration voters=()\n{raft}{id:x} became follower at term {term}\n{raft}newRaft {id:x} [peers: [], term: {term}, commit: {commit}, applied: 0, lastindex: {commit}, lastterm: {term}]\n"));
    log.push_str(&format!("{ts} W | auth: simple token is not cryptographically signed\n{ts} I | etcdserver: starting server... [version: 3.4.23, cluster version: to_be_decided]\n"));
    let before = world.cluster.as_ref().map_or((0, 0), |c| (c.leader, c.term));
    members::start(world, name);
    members::note_election(world, before, world.clock_ms, members::Why::Start);
    let clients: Vec<String> = members::members(&*world).iter().find(|m| m.name == name).map_or_else(|| vec![client.to_string()], |m| m.advertise_client_urls.clone());
    finish_start(world, p, log, &ts, name, &clients, cid);
    p.explain(
        format!("{name} restarted from its data dir ({name}.etcd): it is the same member, so the --initial-* flags are not read; it caught up with the leader and published its name again."),
        format!("{name} reiniciou a partir do seu data dir ({name}.etcd): é o mesmo membro, então as flags --initial-* não são lidas; alcançou o líder e publicou seu nome de novo."),
    );
    p.job = Some(Box::new(crate::etcdctl::job::Job::Server { name: name.to_string() }));
    0
}

/// What the fatal error means for a learner (never on stdout/stderr).
fn explain_error(p: &mut Proc, e: &str) {
    if e.contains("couldn't find local name") {
        p.explain(
            "--name must be one of the names in --initial-cluster (NAME=PEER-URL,...): etcd finds its own peer URL there by its name. Use the ETCD_NAME and ETCD_INITIAL_CLUSTER that `etcdctl member add` printed.",
            "O --name precisa ser um dos nomes em --initial-cluster (NOME=URL-DE-PEER,...): o etcd encontra ali a sua própria URL de peer pelo nome. Use o ETCD_NAME e o ETCD_INITIAL_CLUSTER que o `etcdctl member add` imprimiu.",
        );
    } else if e.contains("member count is unequal") {
        p.explain(
            "etcd asked the running members for the cluster's member list and compared it with --initial-cluster: they must list the same members. Either the new member was never added (`etcdctl member add NAME --peer-urls=...` first), or --initial-cluster misses one or lists one too many.",
            "O etcd pediu aos membros em execução a lista de membros do cluster e a comparou com --initial-cluster: as duas precisam ter os mesmos membros. Ou o membro novo nunca foi adicionado (antes, `etcdctl member add NOME --peer-urls=...`), ou falta um membro em --initial-cluster, ou sobra um.",
        );
    } else if e.contains("no match found") {
        p.explain(
            "Every member the cluster has must appear in --initial-cluster with the peer URLs it was added with; this one does not. Copy ETCD_INITIAL_CLUSTER from what `etcdctl member add` printed.",
            "Cada membro do cluster precisa aparecer em --initial-cluster com as URLs de peer com que foi adicionado; este não aparece. Copie o ETCD_INITIAL_CLUSTER que o `etcdctl member add` imprimiu.",
        );
    }
}

/// A member this program started stopped (SIGINT or SIGTERM: a leader hands over first).
pub fn stopped(world: &mut World, name: &str) {
    let before = world.cluster.as_ref().map_or((0, 0), |c| (c.leader, c.term));
    members::stop(world, name);
    members::note_election(world, before, world.clock_ms, members::Why::LeaderStopped);
}
