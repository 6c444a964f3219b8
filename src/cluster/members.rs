//! Several etcd members on one node, as etcd's `Procfile` runs them for a local cluster
//! (`--scenario cluster`): each member is one more [`EtcdServer`]; the keyspace is replicated,
//! so one copy of it (the engine's store, users and roles) lives in `World::etcd` and writes
//! need a quorum of running members, as raft's do.
//!
//! `World::etcd` is the member etcdctl reached last ([`focus`] swaps identities, never the
//! keyspace); the others wait in [`Cluster::others`] with empty stores.
//!
//! What raft does, as measured with three real etcd 3.4.23 members (tests/fidelity_cluster.rs):
//! - the raft index counts every entry: the bootstrap's (three membership changes, the first
//!   leader's empty entry, each member publishing its name, the cluster version set to 3.0
//!   while infra3 had not published yet and raised to 3.4 once it had: 9 in the Procfile
//!   cluster as goreman starts it), one per write, one more per leader elected, one more per member
//!   (re)started (it publishes its name again);
//! - a leader stopped gracefully (`goreman run stop`, SIGINT) hands leadership to the follower
//!   it has been connected to the longest (`TransferLeadership`, `longestConnected`): the term
//!   goes up by one;
//! - a member left alone has no leader (`etcdserver: no leader`); writes and linearizable reads
//!   wait until the client's deadline. It campaigns again and again (no pre-vote in 3.4), one
//!   term more each time, about every 1.5 s (a random election timeout in [1 s, 2 s)), but
//!   `endpoint status` and response headers keep showing the old term: they show the term of
//!   the last entry applied, and nothing commits without a leader. Once a quorum is back the
//!   winner's first entry carries the term all those campaigns reached, plus one (measured:
//!   alone for 32 s from term 2, 23 campaigns, the new leader at term 26). The playground
//!   counts [`CAMPAIGN_MS`] of leaderless time per campaign ([`pass_time`]).

use super::etcd_server::EtcdServer;
use serde::{Deserialize, Serialize};

/// What holds the members: the one in focus and the cluster around it (`World` implements it,
/// so this module needs nothing above it).
pub trait Node {
    fn parts(&self) -> (&EtcdServer, Option<&Cluster>);
    fn parts_mut(&mut self) -> (&mut EtcdServer, Option<&mut Cluster>);
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Cluster {
    /// The members that are not `World::etcd`, with empty stores.
    pub others: Vec<EtcdServer>,
    /// The leader's member ID; 0 while there is none.
    pub leader: u64,
    /// The cluster's raft term (a stopped member keeps the one it had).
    pub term: u64,
    /// Raft entries that are not keyspace requests (see the module doc).
    pub extra_entries: u64,
    /// When each member last started (an ordinal), by member ID: the leader hands over to the
    /// follower connected the longest.
    pub started: Vec<(u64, u64)>,
    pub next_start: u64,
    /// Members added as learners (`member add --learner`): they do not vote, so they do not
    /// count for the quorum (see [`voters`]).
    #[serde(default)]
    pub learners: Vec<u64>,
    /// Members added and never started: `member list` shows them `unstarted`, without a name
    /// or client URLs; a voting one still counts for the quorum.
    #[serde(default)]
    pub unstarted: Vec<u64>,
    /// Learners `member update` made look like voters in `member list` (3.4.23 writes the
    /// updated member without its IsLearner flag; raft still treats it as a learner).
    #[serde(default)]
    pub learner_flag_lost: Vec<u64>,
    /// Every change of leader, oldest first (the page's elections timeline); sessions saved
    /// before it was kept load with an empty one.
    #[serde(default)]
    pub elections: Vec<Election>,
    /// The raft index each stopped member had applied when it stopped, by member ID: a member
    /// restarted from its data dir starts from there (`restarting member … at commit index N`).
    #[serde(default)]
    pub stopped_at: Vec<(u64, u64)>,
    /// What disaster recovery changed (`cluster::recovery`); `None`: the Procfile cluster.
    #[serde(default)]
    pub recovery: Option<super::recovery::State>,
    /// Simulated time spent with members running and no leader (they campaign: see the
    /// module doc); back to 0 when one is elected.
    #[serde(default)]
    pub leaderless_ms: u64,
}

/// The mean of raft's random election timeout with etcd's default `--election-timeout 1000`:
/// how often a member without a leader starts another campaign.
pub const CAMPAIGN_MS: u64 = 1500;

/// Time passes for the members (`World::advance`): without a leader, the running ones keep
/// campaigning, and each campaign will show in the term of the next leader.
pub fn pass_time(world: &mut impl Node, ms: u64) {
    // Every clock step comes here: no list of members is built for it.
    let (etcd, cluster) = world.parts_mut();
    let Some(c) = cluster else { return };
    if c.leader == 0 && (etcd.running || c.others.iter().any(|m| m.running)) {
        c.leaderless_ms = c.leaderless_ms.saturating_add(ms);
    }
}

/// Why the leader changed (see [`note_election`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Why {
    /// The members started (the bootstrap's election, or a quorum back after it was lost).
    Start,
    /// The leader stopped and handed over.
    LeaderStopped,
    /// `etcdctl move-leader`.
    MoveLeader,
    /// A quorum was lost: no member leads.
    QuorumLost,
}

/// One entry of the elections timeline: from this term on, `leader` leads (0: none).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Election {
    pub term: u64,
    pub leader: u64,
    /// The simulated clock (`World::clock_ms`) when it happened.
    pub at_ms: u64,
    pub why: Why,
}

/// Entries the timeline keeps (the oldest go first).
pub const ELECTIONS_KEPT: usize = 64;

/// Records a change of leader since `(leader, term)` before, if there was one: `why` when a
/// member leads now, `QuorumLost` when none does. Called by whoever changed it (goreman,
/// `move-leader`), which knows the time and the cause.
pub fn note_election(world: &mut impl Node, before: (u64, u64), at_ms: u64, why: Why) {
    let Some(c) = world.parts_mut().1 else { return };
    if (c.leader, c.term) == before {
        return;
    }
    let why = if c.leader == 0 { Why::QuorumLost } else { why };
    if c.elections.len() >= ELECTIONS_KEPT {
        c.elections.remove(0);
    }
    c.elections.push(Election { term: c.term, leader: c.leader, at_ms, why });
}

/// A name goreman knows (`etcd1`…) or a member's name (`infra1`…) → the member's name.
pub fn member_name_of_proc(proc: &str) -> Option<String> {
    let n = proc.strip_prefix("etcd")?;
    matches!(n, "1" | "2" | "3").then(|| format!("infra{n}"))
}

/// Every member, `World::etcd` included, ordered by member ID (as `member list` prints them).
pub fn members(world: &impl Node) -> Vec<&EtcdServer> {
    let (etcd, cluster) = world.parts();
    let mut v: Vec<&EtcdServer> = vec![etcd];
    if let Some(c) = cluster {
        v.extend(c.others.iter());
    }
    v.sort_by_key(|m| m.member_id);
    v
}

/// Whether a majority of the voting members run (learners do not vote; members whose cluster
/// ID is not the keyspace's cluster's cannot take part: see `recovery`).
pub fn has_quorum(world: &impl Node) -> bool {
    let cid = world.parts().1.map(super::recovery::keyspace_cluster);
    let v = voters(world);
    v.iter().filter(|m| m.running && cid.is_none_or(|c| m.cluster_id == c)).count() * 2 > v.len()
}

/// Whether the member with this ID is a learner that runs (it refuses raft requests).
pub fn is_running_learner(world: &impl Node, id: u64) -> bool {
    let Some(c) = world.parts().1 else { return false };
    c.learners.contains(&id) && members(world).iter().any(|m| m.member_id == id && m.running)
}

/// The voting members (all but the learners), ordered by member ID.
pub fn voters(world: &impl Node) -> Vec<&EtcdServer> {
    let learners = world.parts().1.map(|c| c.learners.clone()).unwrap_or_default();
    members(world).into_iter().filter(|m| !learners.contains(&m.member_id)).collect()
}

/// The raft index of a running member: all running members have caught up.
pub fn raft_index(world: &impl Node) -> u64 {
    let (etcd, cluster) = world.parts();
    cluster.map_or(0, |c| c.extra_entries) + etcd.store.consistent_index()
}

/// The member whose client URLs (or plain-http peer URLs) serve `host:port` (a URL or
/// `host:port`).
fn member_for(world: &impl Node, endpoint: &str) -> Option<u64> {
    let hp = endpoint.split_once("://").map_or(endpoint, |(_, hp)| hp).trim_end_matches('/');
    members(world).into_iter().find(|m| m.serves_clients_at(hp)).map(|m| m.member_id)
}

/// Makes `World::etcd` the member with this ID (no-op if it already is or none has it).
pub fn focus_id(world: &mut impl Node, id: u64) {
    let (etcd, c) = world.parts_mut();
    let Some(c) = c else { return };
    if etcd.member_id == id {
        return;
    }
    let Some(i) = c.others.iter().position(|m| m.member_id == id) else { return };
    let other = &mut c.others[i];
    std::mem::swap(etcd, other);
    // The keyspace stays where it is.
    std::mem::swap(&mut etcd.store, &mut other.store);
    std::mem::swap(&mut etcd.stores, &mut other.stores);
    std::mem::swap(&mut etcd.auth, &mut other.auth);
}

/// What a client given these endpoints talks to: the first one a running member serves (the
/// balancer skips the ones that refuse), else the first one's member. Returns the index of
/// the endpoint it reached, if the cluster has a member there.
pub fn focus(world: &mut impl Node, endpoints: &[String]) -> Option<usize> {
    world.parts().1?;
    let ids: Vec<(usize, u64)> = endpoints.iter().enumerate().filter_map(|(i, e)| member_for(&*world, e).map(|id| (i, id))).collect();
    let running: Vec<u64> = members(&*world).iter().filter(|m| m.running).map(|m| m.member_id).collect();
    let (i, id) = ids.iter().copied().find(|(_, id)| running.contains(id)).or(ids.first().copied())?;
    focus_id(world, id);
    Some(i)
}

fn member_mut<'a>(world: &'a mut impl Node, name: &str) -> Option<&'a mut EtcdServer> {
    let (etcd, cluster) = world.parts_mut();
    if etcd.name == name {
        return Some(etcd);
    }
    cluster?.others.iter_mut().find(|m| m.name == name)
}

/// Sets every running member's term to the cluster's.
pub fn sync_terms(world: &mut impl Node) {
    let (etcd, cluster) = world.parts_mut();
    let Some(c) = cluster else { return };
    let term = c.term;
    if etcd.running {
        etcd.raft_term = term;
    }
    for m in c.others.iter_mut().filter(|m| m.running) {
        m.raft_term = term;
    }
}

/// Stops the member named `name` (SIGINT: a leader hands over first). `false`: no such member.
pub fn stop(world: &mut impl Node, name: &str) -> bool {
    let Some(m) = member_mut(world, name) else { return false };
    if !m.running {
        return true;
    }
    m.running = false;
    let id = m.member_id;
    let index = raft_index(&*world);
    if let Some(c) = world.parts_mut().1 {
        c.stopped_at.retain(|(i, _)| *i != id);
        c.stopped_at.push((id, index));
    }
    let Some(c) = world.parts().1 else { return true };
    if c.leader == id {
        // TransferLeadership to the running follower connected the longest.
        let started = c.started.clone();
        let next = members(&*world).iter().filter(|m| m.running).map(|m| m.member_id).min_by_key(|mid| started.iter().find(|(i, _)| i == mid).map_or(0, |x| x.1));
        let Some(c) = world.parts_mut().1 else { return true };
        match next {
            Some(n) => {
                c.leader = n;
                c.term += 1;
                c.extra_entries += 1;
            }
            None => c.leader = 0,
        }
        sync_terms(world);
    }
    if !has_quorum(&*world) {
        // CheckQuorum: a leader that cannot reach a majority steps down.
        if let Some(c) = world.parts_mut().1 {
            c.leader = 0;
        }
    }
    true
}

/// Starts the member named `name`: it catches up from the leader and publishes its name
/// again; with a quorum back and no leader, the members elect one.
pub fn start(world: &mut impl Node, name: &str) -> bool {
    let Some(m) = member_mut(world, name) else { return false };
    if m.running {
        return true;
    }
    m.running = true;
    let id = m.member_id;
    let quorum = has_quorum(&*world);
    let running: Vec<u64> = members(&*world).iter().filter(|m| m.running && m.member_id != id).map(|m| m.member_id).collect();
    let Some(c) = world.parts_mut().1 else { return true };
    c.started.retain(|(i, _)| *i != id);
    c.started.push((id, c.next_start));
    c.next_start += 1;
    if quorum {
        if c.leader == 0 {
            // The member that stayed up has the whole log and campaigns first, at the term its
            // campaigns without a quorum reached, plus one.
            c.leader = running.first().copied().unwrap_or(id);
            c.term += 1 + c.leaderless_ms / CAMPAIGN_MS;
            c.leaderless_ms = 0;
            c.extra_entries += 1;
        }
        c.extra_entries += 1;
        sync_terms(world);
    }
    true
}

/// The Procfile's three members (`etcd --name infra1 …` as etcd's own Procfile writes them),
/// all running, infra1 leading at term 2 after the bootstrap's 9 raft entries.
pub fn procfile_cluster(version: super::EtcdVersion) -> (EtcdServer, Cluster) {
    let member = |n: u32, id: u64| {
        let client = if n == 1 { "http://127.0.0.1:2379".to_string() } else { format!("http://127.0.0.1:{n}2379") };
        EtcdServer {
            name: format!("infra{n}"),
            member_id: id,
            cluster_id: CLUSTER_ID,
            raft_term: 2,
            data_dir: format!("/root/infra{n}.etcd"),
            listen_client_urls: vec![client.clone()],
            advertise_client_urls: vec![client],
            peer_urls: vec![format!("http://127.0.0.1:{n}2380")],
            tls: None,
            version: version.clone(),
            running: true,
            store: Default::default(),
            stores: Default::default(),
            auth: Default::default(),
        }
    };
    let ids = MEMBER_IDS;
    let c = Cluster { others: vec![member(2, ids[1]), member(3, ids[2])], leader: ids[0], term: 2, extra_entries: 9, started: vec![(ids[0], 0), (ids[1], 1), (ids[2], 2)], next_start: 3, elections: vec![Election { term: 2, leader: ids[0], at_ms: 0, why: Why::Start }], ..Default::default() };
    (member(1, ids[0]), c)
}

/// etcd derives member IDs from the peer URLs and the cluster token, and the cluster ID from
/// the member IDs: these are the Procfile cluster's (token `etcd-cluster-1`), as real etcd
/// prints them.
pub const MEMBER_IDS: [u64; 3] = [0x8211f1d0f64f3269, 0x91bc3c398fb3c146, 0xfd422379fda50e48];
pub const CLUSTER_ID: u64 = 0xef37ad9dc622a7c4;

// --- Membership changes (`etcdctl member add|remove|update|promote`) -----------------------
//
// Measured with three real etcd 3.4.23 members (tests/fidelity_cluster/07_* onward):
// - each change the leader proposes is one raft entry, committed even when applying it fails
//   (`member not found`, `Peer URLs already exists`, `too many learner members in cluster`,
//   `can only promote a learner member`): those checks run when the entry is applied, so
//   they need a quorum like a write;
// - before proposing, a member (learner or not) is added only when every voting member is
//   connected (`etcdserver: unhealthy cluster`; an unstarted or stopped one is not, nor, for
//   5 s, one that just started: the playground does not model those 5 s), a running voting
//   member is removed only when the others connected still make a quorum, and a learner is
//   promoted only when it runs and has caught up (`... which is in sync with leader`);
// - an added member is `unstarted` (no name, no client URLs) until it starts; a voting one
//   raises the quorum (3 of 4 members), a learner does not.
// - a running learner (the `etcd` program started it, [`join`]), measured through its
//   endpoint alone: `put` fails at once (`etcdserver: rpc not supported for learner`, code
//   Unavailable, one retry warning), a linearizable `get` and `member list` print 100 retry
//   warnings (attempt 0..99) then the same error (`etcdctl::learner_refuses` models `put` and
//   `get`; `member list` and `endpoint health`, which says `is unhealthy: failed to commit
//   proposal: etcdserver: rpc not supported for learner`, are not modelled yet);
//   `get --consistency=s` and `endpoint status` (IS LEARNER true) answer; with a voting
//   member's endpoint also given, 3.4's balancer picks one round-robin (it may still reach
//   the learner). A joined member
//   publishes its name: one raft entry. `member promote` of a running learner prints
//   `Member ID promoted in cluster CID`.

/// Why the server refused a membership change: etcd's error text and its gRPC code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberError {
    Unhealthy,
    NotEnoughStarted,
    PeerUrlsExist,
    TooManyLearners,
    NotFound,
    NotLearner,
    LearnerNotReady,
}

impl MemberError {
    pub fn text(self) -> &'static str {
        match self {
            MemberError::Unhealthy => "etcdserver: unhealthy cluster",
            MemberError::NotEnoughStarted => "etcdserver: re-configuration failed due to not enough started members",
            MemberError::PeerUrlsExist => "etcdserver: Peer URLs already exists",
            MemberError::TooManyLearners => "etcdserver: too many learner members in cluster",
            MemberError::NotFound => "etcdserver: member not found",
            MemberError::NotLearner => "etcdserver: can only promote a learner member",
            MemberError::LearnerNotReady => "etcdserver: can only promote a learner member which is in sync with leader",
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            MemberError::Unhealthy => "Unavailable",
            MemberError::NotFound => "NotFound",
            _ => "FailedPrecondition",
        }
    }

    /// Whether the server refused before proposing (no quorum needed, no raft entry).
    pub fn before_proposing(self) -> bool {
        matches!(self, MemberError::Unhealthy | MemberError::NotEnoughStarted | MemberError::LearnerNotReady)
    }
}

/// How `member list` shows a member: `started`/`unstarted`, and its IS LEARNER column.
pub fn listed_status(world: &impl Node, id: u64) -> (&'static str, bool) {
    let Some(c) = world.parts().1 else { return ("started", false) };
    let status = if c.unstarted.contains(&id) { "unstarted" } else { "started" };
    (status, c.learners.contains(&id) && !c.learner_flag_lost.contains(&id))
}

/// The cluster's ID (the one in every response header).
pub fn cluster_id(world: &impl Node) -> u64 {
    world.parts().0.cluster_id
}

/// The checks the leader makes before it proposes a change (strict reconfiguration).
/// Adding a voting member needs enough started (named) voting members for the larger
/// quorum; adding any member needs every voting member connected to the leader.
pub fn check_before_add(world: &impl Node, learner: bool) -> Result<(), MemberError> {
    let v = voters(world);
    let unstarted = world.parts().1.map(|c| c.unstarted.clone()).unwrap_or_default();
    let started = v.iter().filter(|m| !unstarted.contains(&m.member_id)).count();
    if !learner && started < (v.len() + 1) / 2 + 1 {
        return Err(MemberError::NotEnoughStarted);
    }
    if v.iter().any(|m| !m.running) {
        return Err(MemberError::Unhealthy);
    }
    Ok(())
}

/// A new member's ID: real etcd hashes the peer URLs with the time; here the time is the
/// world's clock, so the same session gives the same ID. Never 0, never one in use, always
/// 16 hex digits.
fn new_member_id(world: &impl Node, peer_urls: &[String], now_ms: u64) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in peer_urls.join(",").bytes().chain(now_ms.to_le_bytes()) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    let ids: Vec<u64> = members(world).iter().map(|m| m.member_id).collect();
    let mut id = h | 0x1000_0000_0000_0000;
    while ids.contains(&id) {
        id = id.wrapping_add(1) | 0x1000_0000_0000_0000;
    }
    id
}

/// Applies `member add` (committed: one raft entry, whatever the outcome). Returns the new
/// member's ID.
pub fn add(world: &mut impl Node, peer_urls: Vec<String>, learner: bool, now_ms: u64) -> Result<u64, MemberError> {
    let id = new_member_id(&*world, &peer_urls, now_ms);
    let template = identity_of(world.parts().0);
    let taken = members(&*world).iter().any(|m| m.peer_urls.iter().any(|u| peer_urls.contains(u)));
    let too_many = learner && !world.parts().1.map_or(true, |c| c.learners.is_empty());
    let Some(c) = world.parts_mut().1 else { return Err(MemberError::NotFound) };
    c.extra_entries += 1;
    if taken {
        return Err(MemberError::PeerUrlsExist);
    }
    if too_many {
        return Err(MemberError::TooManyLearners);
    }
    let mut m = template;
    m.name = String::new();
    m.member_id = id;
    m.running = false;
    m.listen_client_urls = Vec::new();
    m.advertise_client_urls = Vec::new();
    m.peer_urls = peer_urls;
    m.data_dir = String::new();
    c.others.push(m);
    c.unstarted.push(id);
    if learner {
        c.learners.push(id);
    }
    Ok(id)
}

/// Applies `member remove ID`. A running member that is removed stops (etcd exits: "the
/// member has been permanently removed from the cluster"); a leader removed leaves the others
/// to elect a new one.
pub fn remove(world: &mut impl Node, id: u64) -> Result<(), MemberError> {
    if !members(&*world).iter().any(|m| m.member_id == id) {
        if let Some(c) = world.parts_mut().1 {
            c.extra_entries += 1;
        }
        return Err(MemberError::NotFound);
    }
    let Some(c) = world.parts_mut().1 else { return Err(MemberError::NotFound) };
    c.extra_entries += 1;
    let was_leader = c.leader == id;
    // The member leaves `World::etcd` first, if it is there.
    if world.parts().0.member_id == id {
        let Some(other) = members(&*world).iter().find(|m| m.member_id != id && m.running).or(members(&*world).iter().find(|m| m.member_id != id)).map(|m| m.member_id) else { return Err(MemberError::NotFound) };
        focus_id(world, other);
    }
    let Some(c) = world.parts_mut().1 else { return Err(MemberError::NotFound) };
    c.others.retain(|m| m.member_id != id);
    c.unstarted.retain(|x| *x != id);
    c.learners.retain(|x| *x != id);
    c.learner_flag_lost.retain(|x| *x != id);
    c.started.retain(|(x, _)| *x != id);
    if was_leader {
        c.leader = 0;
    }
    if was_leader && has_quorum(&*world) {
        let started = world.parts().1.map(|c| c.started.clone()).unwrap_or_default();
        let next = voters(&*world).iter().filter(|m| m.running).map(|m| m.member_id).min_by_key(|mid| started.iter().find(|(i, _)| i == mid).map_or(u64::MAX, |x| x.1));
        if let (Some(n), Some(c)) = (next, world.parts_mut().1) {
            c.leader = n;
            c.term += 1;
            c.extra_entries += 1;
        }
        sync_terms(world);
    }
    Ok(())
}

/// The leader's checks before it proposes a removal (3.4.23's mayRemoveMember): a learner, or
/// a member that is down (not the one asked), goes at once; otherwise the voting members still
/// connected, less the one removed, must make a quorum of the ones left.
pub fn check_remove(world: &impl Node, id: u64) -> Result<(), MemberError> {
    let all = members(world);
    let Some(m) = all.iter().find(|m| m.member_id == id) else { return Ok(()) };
    let Some(c) = world.parts().1 else { return Ok(()) };
    if c.learners.contains(&id) {
        return Ok(());
    }
    let v = voters(world);
    let named = v.iter().filter(|x| x.member_id != id && !c.unstarted.contains(&x.member_id)).count();
    if named < (v.len() - 1) / 2 + 1 {
        return Err(MemberError::NotEnoughStarted);
    }
    if !m.running && m.member_id != world.parts().0.member_id {
        return Ok(());
    }
    let active = v.iter().filter(|x| x.running).count();
    if active < 2 + (v.len() - 1) / 2 {
        return Err(MemberError::Unhealthy);
    }
    Ok(())
}

/// Applies `member update ID --peer-urls=…`.
pub fn update(world: &mut impl Node, id: u64, peer_urls: Vec<String>) -> Result<(), MemberError> {
    let all = members(&*world);
    let exists = all.iter().any(|m| m.member_id == id);
    let taken = all.iter().any(|m| m.member_id != id && m.peer_urls.iter().any(|u| peer_urls.contains(u)));
    let Some(c) = world.parts_mut().1 else { return Err(MemberError::NotFound) };
    c.extra_entries += 1;
    if !exists {
        return Err(MemberError::NotFound);
    }
    if taken {
        return Err(MemberError::PeerUrlsExist);
    }
    if c.learners.contains(&id) && !c.learner_flag_lost.contains(&id) {
        c.learner_flag_lost.push(id);
    }
    if let Some(m) = member_by_id_mut(world, id) {
        m.peer_urls = peer_urls;
    }
    Ok(())
}

/// The check before proposing a promotion: the learner must run and have caught up.
pub fn check_promote(world: &impl Node, id: u64) -> Result<(), MemberError> {
    let Some(c) = world.parts().1 else { return Err(MemberError::NotFound) };
    if c.learners.contains(&id) && !members(world).iter().any(|m| m.member_id == id && m.running) {
        return Err(MemberError::LearnerNotReady);
    }
    Ok(())
}

/// Applies `member promote ID`: the learner becomes a voting member.
pub fn promote(world: &mut impl Node, id: u64) -> Result<(), MemberError> {
    check_promote(&*world, id)?;
    let exists = members(&*world).iter().any(|m| m.member_id == id);
    let Some(c) = world.parts_mut().1 else { return Err(MemberError::NotFound) };
    c.extra_entries += 1;
    if !exists {
        return Err(MemberError::NotFound);
    }
    if !c.learners.contains(&id) {
        return Err(MemberError::NotLearner);
    }
    c.learners.retain(|x| *x != id);
    c.learner_flag_lost.retain(|x| *x != id);
    Ok(())
}

/// How an etcd started with `--initial-cluster-state existing` joins: the member `member add`
/// created, found by its peer URLs, takes the name and client URLs, runs, catches up from the
/// leader (the keyspace is the replicated one) and publishes its name (one raft entry).
/// `Err`: the text etcd 3.4.23 logs at level C before it exits with status 1 (measured; the
/// members in `error validating peerURLs` come from a Go map, in any order: here by ID).
/// `--initial-cluster-state new` against a running cluster is not an error at start: that
/// etcd bootstraps a cluster of its own and logs `cluster ID mismatch` forever (the caller
/// says so). `src/etcdmain.rs` (the `etcd` program) calls it; measured in
/// tests/fidelity_cluster_join/ (the token is only used to order
/// the --initial-cluster members as etcd compares them).
pub fn join(world: &mut impl Node, name: &str, initial_cluster: &[(String, String)], token: &str, client_urls: Vec<String>) -> Result<u64, String> {
    let mine: Vec<String> = initial_cluster.iter().filter(|(n, _)| n == name).map(|(_, u)| u.clone()).collect();
    if mine.is_empty() {
        return Err(format!("etcdmain: couldn't find local name {} in the initial cluster configuration", crate::gofmt::quote(name)));
    }
    let all: Vec<(u64, Vec<String>, String, Vec<String>)> = members(&*world).iter().map(|m| (m.member_id, m.peer_urls.clone(), m.name.clone(), m.advertise_client_urls.clone())).collect();
    let dump = || {
        let ms: Vec<String> = all
            .iter()
            .map(|(id, peers, n, clients)| {
                let learner = world.parts().1.is_some_and(|c| c.learners.contains(id) && !c.learner_flag_lost.contains(id));
                format!("&{{ID:{id:x} RaftAttributes:{{PeerURLs:[{}] IsLearner:{learner}}} Attributes:{{Name:{n} ClientURLs:[{}]}}}}", peers.join(" "), clients.join(" "))
            })
            .collect();
        format!("etcdmain: error validating peerURLs {{ClusterID:{:x} Members:[{}] RemovedMemberIDs:[]}}", cluster_id(&*world), ms.join(" "))
    };
    if initial_cluster.len() != all.iter().map(|m| m.1.len()).sum::<usize>() {
        return Err(format!("{}: member count is unequal", dump()));
    }
    let listed: Vec<&String> = initial_cluster.iter().map(|(_, u)| u).collect();
    if let Some((id, peers, ..)) = all.iter().find(|(_, peers, ..)| !peers.iter().all(|u| listed.contains(&u))) {
        return Err(format!("{}: PeerURLs: no match found for existing member ({id:x}, [{}]), last resolver error ({})", dump(), peers.join(" "), last_resolver_error(peers, initial_cluster, token)));
    }
    let Some(id) = all.iter().find(|(_, peers, ..)| peers.iter().any(|u| mine.contains(u))).map(|m| m.0) else {
        return Err(format!("{}: member count is unequal", dump()));
    };
    let unstarted = world.parts().1.is_some_and(|c| c.unstarted.contains(&id));
    if !unstarted {
        // The member exists and has a name: this is a restart, not a join (goreman does
        // those). Not measured: the text is the playground's, not etcd's.
        return Err(format!("member {id:x} has already started: restart it with goreman"));
    }
    let Some(m) = member_by_id_mut(world, id) else { return Err(format!("etcdmain: member {id:x} not found")) };
    m.name = name.to_string();
    m.listen_client_urls = client_urls.clone();
    m.advertise_client_urls = client_urls;
    m.data_dir = format!("/root/{name}.etcd");
    m.running = false;
    if let Some(c) = world.parts_mut().1 {
        c.unstarted.retain(|x| *x != id);
    }
    let _ = start(world, name);
    Ok(id)
}

/// etcd compares an existing member's peer URLs with each member of --initial-cluster in the
/// order of their IDs (derived from their URLs and the token) and reports the last
/// comparison's error (`netutil.URLStringsEqual`).
fn last_resolver_error(existing: &[String], initial_cluster: &[(String, String)], token: &str) -> String {
    let mut local: Vec<(String, Vec<String>)> = Vec::new();
    for (n, u) in initial_cluster {
        match local.iter_mut().find(|(m, _)| m == n) {
            Some((_, urls)) => urls.push(u.clone()),
            None => local.push((n.clone(), vec![u.clone()])),
        }
    }
    let Some(last) = local.iter().map(|(_, urls)| urls).max_by_key(|urls| crate::snapshot::restore::member_id(urls, token)) else { return String::new() };
    let q = |v: &[String]| format!("[{}]", v.iter().map(|u| crate::gofmt::quote(u)).collect::<Vec<_>>().join(" "));
    if existing.len() != last.len() {
        return format!("len({}) != len({})", q(existing), q(last));
    }
    let (mut a, mut b) = (existing.to_vec(), last.clone());
    crate::sort::sort(&mut a);
    crate::sort::sort(&mut b);
    a.iter().zip(&b).find(|(x, y)| x != y).map_or(String::new(), |(x, y)| format!("resolved urls: {} != {}", crate::gofmt::quote(x), crate::gofmt::quote(y)))
}

/// A member's identity (names, IDs, URLs, version), without the keyspace.
pub fn identity_of(s: &EtcdServer) -> EtcdServer {
    EtcdServer {
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

fn member_by_id_mut(world: &mut impl Node, id: u64) -> Option<&mut EtcdServer> {
    let (etcd, cluster) = world.parts_mut();
    if etcd.member_id == id {
        return Some(etcd);
    }
    cluster?.others.iter_mut().find(|m| m.member_id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn world() -> crate::world::World {
        crate::world::World::from_scenario("cluster").unwrap().0
    }

    fn leader_name(w: &crate::world::World) -> String {
        let l = w.cluster.as_ref().unwrap().leader;
        members(w).iter().find(|m| m.member_id == l).map_or("none".into(), |m| m.name.clone())
    }

    fn url(s: &str) -> Vec<String> {
        vec![s.to_string()]
    }

    #[test]
    fn a_voting_member_added_and_never_started_raises_the_quorum_to_3_of_4() {
        let mut w = world();
        let before = raft_index(&w);
        let id = add(&mut w, url("http://127.0.0.1:42380"), false, 0).unwrap();
        assert_eq!(raft_index(&w), before + 1, "the configuration change is one raft entry");
        assert_eq!(listed_status(&w, id), ("unstarted", false));
        assert_eq!(format!("{id:x}").len(), 16);
        assert!(has_quorum(&w), "3 of 4 run");
        // Another voting member now: infra4 is not connected.
        assert_eq!(check_before_add(&w, false), Err(MemberError::Unhealthy));
        stop(&mut w, "infra3");
        assert!(!has_quorum(&w), "2 of 4 is no quorum");
        assert_eq!(w.cluster.as_ref().unwrap().leader, 0);
        // The unstarted member is down: removing it needs no check, only a quorum to commit.
        assert_eq!(check_remove(&w, id), Ok(()));
        start(&mut w, "infra3");
        remove(&mut w, id).unwrap();
        assert_eq!(members(&w).len(), 3);
        assert!(w.cluster.as_ref().unwrap().unstarted.is_empty());
    }

    #[test]
    fn a_learner_does_not_count_for_the_quorum_and_is_promoted_only_once_it_runs() {
        let mut w = world();
        let id = add(&mut w, url("http://127.0.0.1:42380"), true, 0).unwrap();
        assert_eq!(listed_status(&w, id), ("unstarted", true));
        assert_eq!(voters(&w).len(), 3);
        stop(&mut w, "infra3");
        assert!(has_quorum(&w), "2 of 3 voting members");
        assert_eq!(add(&mut w, url("http://127.0.0.1:52380"), true, 1), Err(MemberError::TooManyLearners));
        assert_eq!(check_promote(&w, id), Err(MemberError::LearnerNotReady));
        assert_eq!(promote(&mut w, MEMBER_IDS[0]), Err(MemberError::NotLearner));
        assert_eq!(promote(&mut w, 0x1234), Err(MemberError::NotFound));
        // 3.4.23's `member update` drops the learner flag from the listing only.
        update(&mut w, id, url("http://127.0.0.1:42381")).unwrap();
        assert_eq!(listed_status(&w, id), ("unstarted", false));
        assert_eq!(voters(&w).len(), 3, "raft still counts it as a learner");
        assert_eq!(update(&mut w, id, url("http://127.0.0.1:12380")), Err(MemberError::PeerUrlsExist));
    }

    #[test]
    fn members_without_a_quorum_campaign_and_the_next_leader_shows_every_term_they_reached() {
        let mut w = world();
        let term = |w: &crate::world::World| w.cluster.as_ref().map_or(0, |c| c.term);
        stop(&mut w, "infra1");
        stop(&mut w, "infra2");
        let lost_at = term(&w);
        w.advance(30_000);
        assert_eq!(term(&w), lost_at, "nothing commits without a leader: the shown term stays");
        start(&mut w, "infra1");
        assert_eq!(term(&w), lost_at + 1 + 30_000 / CAMPAIGN_MS, "20 campaigns, then the election that won");
        // With a leader, time passing changes no term.
        w.advance(30_000);
        assert_eq!(term(&w), lost_at + 21);
        stop(&mut w, "infra3");
        stop(&mut w, "infra1");
        stop(&mut w, "infra2");
        w.advance(30_000);
        assert_eq!(w.cluster.as_ref().map(|c| c.leaderless_ms), Some(0), "no member runs: nobody campaigns");
    }

    #[test]
    fn failed_changes_still_take_a_raft_entry_and_change_nothing_else() {
        let mut w = world();
        let before = raft_index(&w);
        assert_eq!(add(&mut w, url("http://127.0.0.1:12380"), false, 0), Err(MemberError::PeerUrlsExist));
        assert_eq!(remove(&mut w, 0x1234), Err(MemberError::NotFound));
        assert_eq!(update(&mut w, 0x1234, url("http://127.0.0.1:1")), Err(MemberError::NotFound));
        assert_eq!(raft_index(&w), before + 3);
        assert_eq!(members(&w).len(), 3);
    }

    #[test]
    fn removing_the_leader_in_focus_leaves_the_others_to_elect_one() {
        let mut w = world();
        assert_eq!(w.etcd.name, "infra1");
        w.etcd.store.put(crate::engine::PutRequest { key: b"k".to_vec(), value: b"v".to_vec(), ..Default::default() }).unwrap();
        remove(&mut w, MEMBER_IDS[0]).unwrap();
        assert_ne!(w.etcd.member_id, MEMBER_IDS[0], "World::etcd is another member now");
        assert_eq!(w.etcd.store.current_revision(), 2, "the keyspace stayed");
        let c = w.cluster.as_ref().unwrap();
        assert_eq!((c.leader, c.term), (MEMBER_IDS[1], 3));
        assert_eq!(members(&w).len(), 2);
        // Removing a running member of two would leave one of one: fine; of the last one: no.
        assert_eq!(check_remove(&w, MEMBER_IDS[2]), Ok(()));
        remove(&mut w, MEMBER_IDS[2]).unwrap();
        assert_eq!(check_remove(&w, MEMBER_IDS[1]), Err(MemberError::NotEnoughStarted));
    }

    fn procfile_with(extra: (&str, &str)) -> Vec<(String, String)> {
        let mut v: Vec<(String, String)> = [("infra1", "http://127.0.0.1:12380"), ("infra2", "http://127.0.0.1:22380"), ("infra3", "http://127.0.0.1:32380")].iter().map(|(a, b)| (a.to_string(), b.to_string())).collect();
        v.push((extra.0.to_string(), extra.1.to_string()));
        v
    }

    #[test]
    fn a_member_joins_with_the_settings_member_add_printed_and_catches_up() {
        let mut w = world();
        w.etcd.store.put(crate::engine::PutRequest { key: b"k".to_vec(), value: b"v".to_vec(), ..Default::default() }).unwrap();
        let id = add(&mut w, url("http://127.0.0.1:42380"), false, 0).unwrap();
        let before = raft_index(&w);
        // Measured: etcd 3.4.23's fatal lines for a wrong name and a wrong cluster.
        let err = join(&mut w, "infra9", &procfile_with(("infra4", "http://127.0.0.1:42380")), "etcd-cluster-1", url("http://127.0.0.1:42379")).unwrap_err();
        assert_eq!(err, "etcdmain: couldn't find local name \"infra9\" in the initial cluster configuration");
        let short = &procfile_with(("infra4", "http://127.0.0.1:42380"))[2..];
        assert!(join(&mut w, "infra4", short, "etcd-cluster-1", url("http://127.0.0.1:42379")).unwrap_err().ends_with("RemovedMemberIDs:[]}: member count is unequal"));
        let err = join(&mut w, "infra4", &procfile_with(("infra4", "http://127.0.0.1:43380")), "etcd-cluster-1", url("http://127.0.0.1:42379")).unwrap_err();
        assert!(err.ends_with(&format!("PeerURLs: no match found for existing member ({id:x}, [http://127.0.0.1:42380]), last resolver error (resolved urls: \"http://127.0.0.1:42380\" != \"http://127.0.0.1:32380\")")), "{err}");
        assert_eq!(raft_index(&w), before, "a failed start changes nothing");
        assert_eq!(join(&mut w, "infra4", &procfile_with(("infra4", "http://127.0.0.1:42380")), "etcd-cluster-1", url("http://127.0.0.1:42379")), Ok(id));
        assert_eq!(listed_status(&w, id), ("started", false));
        assert_eq!(raft_index(&w), before + 1, "it publishes its name");
        // It serves the replicated keyspace on its client URL.
        assert_eq!(focus(&mut w, &["127.0.0.1:42379".to_string()]), Some(0));
        assert_eq!((w.etcd.name.as_str(), w.etcd.store.current_revision()), ("infra4", 2));
        // Four voting members run now: one stopped leaves a quorum (3 of 4).
        stop(&mut w, "infra3");
        assert!(has_quorum(&w));
    }

    #[test]
    fn a_learner_that_joined_is_promoted_and_then_votes() {
        let mut w = world();
        let id = add(&mut w, url("http://127.0.0.1:42380"), true, 0).unwrap();
        assert_eq!(join(&mut w, "infra4", &procfile_with(("infra4", "http://127.0.0.1:42380")), "etcd-cluster-1", url("http://127.0.0.1:42379")), Ok(id));
        assert_eq!(listed_status(&w, id), ("started", true));
        assert_eq!(voters(&w).len(), 3, "a running learner still does not vote");
        assert_eq!(check_promote(&w, id), Ok(()));
        promote(&mut w, id).unwrap();
        assert_eq!(voters(&w).len(), 4);
        assert_eq!(promote(&mut w, id), Err(MemberError::NotLearner));
    }

    #[test]
    fn a_leader_stopped_hands_over_to_the_longest_connected_follower() {
        let mut w = world();
        assert_eq!(leader_name(&w), "infra1");
        assert!(stop(&mut w, "infra1"));
        assert_eq!((leader_name(&w), w.cluster.as_ref().unwrap().term), ("infra2".to_string(), 3));
        assert!(has_quorum(&w));
        // infra1 comes back as a follower; now infra3 has been connected the longest.
        assert!(start(&mut w, "infra1"));
        assert!(stop(&mut w, "infra2"));
        assert_eq!(leader_name(&w), "infra3");
        assert!(!stop(&mut w, "infra9"));
    }

    #[test]
    fn two_members_down_leave_no_quorum_and_no_leader_until_one_is_back() {
        let mut w = world();
        let before = raft_index(&w);
        stop(&mut w, "infra2");
        assert_eq!(raft_index(&w), before, "a follower stopping writes nothing");
        stop(&mut w, "infra3");
        assert!(!has_quorum(&w));
        assert_eq!(leader_name(&w), "none");
        start(&mut w, "infra3");
        assert!(has_quorum(&w));
        assert_eq!(leader_name(&w), "infra1");
        // An election's empty entry and infra3's publish.
        assert_eq!(raft_index(&w), before + 2);
    }

    #[test]
    fn the_procfile_is_etcds_with_the_nodes_etcd() {
        // etcd-io/etcd's Procfile, line etcd2, with `bin/etcd` as `etcd`.
        let etcd2 = "etcd2: etcd --name infra2 --listen-client-urls http://127.0.0.1:22379 --advertise-client-urls http://127.0.0.1:22379 --listen-peer-urls http://127.0.0.1:22380 --initial-advertise-peer-urls http://127.0.0.1:22380 --initial-cluster-token etcd-cluster-1 --initial-cluster 'infra1=http://127.0.0.1:12380,infra2=http://127.0.0.1:22380,infra3=http://127.0.0.1:32380' --initial-cluster-state new --enable-pprof";
        assert_eq!(PROCFILE.lines().nth(2), Some(etcd2));
        assert_eq!(PROCFILE.lines().count(), 4);
    }

    #[test]
    fn focus_swaps_identities_and_keeps_the_keyspace() {
        let mut w = world();
        w.etcd.store.put(crate::engine::PutRequest { key: b"k".to_vec(), value: b"v".to_vec(), ..Default::default() }).unwrap();
        assert_eq!(focus(&mut w, &["127.0.0.1:32379".to_string()]), Some(0));
        assert_eq!(w.etcd.name, "infra3");
        assert_eq!(w.etcd.store.current_revision(), 2);
        // A stopped member is skipped when another endpoint is given.
        stop(&mut w, "infra2");
        assert_eq!(focus(&mut w, &["127.0.0.1:22379".to_string(), "http://127.0.0.1:2379".to_string()]), Some(1));
        assert_eq!(w.etcd.name, "infra1");
        assert_eq!(focus(&mut w, &["127.0.0.1:4001".to_string()]), None);
    }
}

/// /root/Procfile: etcd's local-cluster Procfile (its `bin/etcd` is the node's etcd here).
pub const PROCFILE: &str = "# Use goreman to run `go get github.com/mattn/goreman`
etcd1: etcd --name infra1 --listen-client-urls http://127.0.0.1:2379 --advertise-client-urls http://127.0.0.1:2379 --listen-peer-urls http://127.0.0.1:12380 --initial-advertise-peer-urls http://127.0.0.1:12380 --initial-cluster-token etcd-cluster-1 --initial-cluster 'infra1=http://127.0.0.1:12380,infra2=http://127.0.0.1:22380,infra3=http://127.0.0.1:32380' --initial-cluster-state new --enable-pprof
etcd2: etcd --name infra2 --listen-client-urls http://127.0.0.1:22379 --advertise-client-urls http://127.0.0.1:22379 --listen-peer-urls http://127.0.0.1:22380 --initial-advertise-peer-urls http://127.0.0.1:22380 --initial-cluster-token etcd-cluster-1 --initial-cluster 'infra1=http://127.0.0.1:12380,infra2=http://127.0.0.1:22380,infra3=http://127.0.0.1:32380' --initial-cluster-state new --enable-pprof
etcd3: etcd --name infra3 --listen-client-urls http://127.0.0.1:32379 --advertise-client-urls http://127.0.0.1:32379 --listen-peer-urls http://127.0.0.1:32380 --initial-advertise-peer-urls http://127.0.0.1:32380 --initial-cluster-token etcd-cluster-1 --initial-cluster 'infra1=http://127.0.0.1:12380,infra2=http://127.0.0.1:22380,infra3=http://127.0.0.1:32380' --initial-cluster-state new --enable-pprof
";
