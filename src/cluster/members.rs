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
//!   wait until the client's deadline. (The real lone member also campaigns again and again,
//!   raising its term each time; the playground leaves the term as it was.)

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
    /// What disaster recovery changed (`cluster::recovery`); `None`: the Procfile cluster.
    #[serde(default)]
    pub recovery: Option<super::recovery::State>,
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

/// Whether a majority of the members run (members whose cluster ID is not the keyspace's
/// cluster's cannot take part: see `recovery`).
pub fn has_quorum(world: &impl Node) -> bool {
    let cid = world.parts().1.map(super::recovery::keyspace_cluster);
    let all = members(world);
    all.iter().filter(|m| m.running && cid.is_none_or(|c| m.cluster_id == c)).count() * 2 > all.len()
}

/// The raft index of a running member: all running members have caught up.
pub fn raft_index(world: &impl Node) -> u64 {
    let (etcd, cluster) = world.parts();
    cluster.map_or(0, |c| c.extra_entries) + etcd.store.consistent_index()
}

/// The member whose client URLs serve `host:port` (a URL or `host:port`).
fn member_for(world: &impl Node, endpoint: &str) -> Option<u64> {
    let hp = endpoint.split_once("://").map_or(endpoint, |(_, hp)| hp).trim_end_matches('/');
    members(world).into_iter().find(|m| ["http", "https"].iter().any(|s| m.listens_on(s, hp))).map(|m| m.member_id)
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
            // The member that stayed up has the whole log and campaigns first.
            c.leader = running.first().copied().unwrap_or(id);
            c.term += 1;
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
    let c = Cluster { others: vec![member(2, ids[1]), member(3, ids[2])], leader: ids[0], term: 2, extra_entries: 9, started: vec![(ids[0], 0), (ids[1], 1), (ids[2], 2)], next_start: 3, recovery: None };
    (member(1, ids[0]), c)
}

/// etcd derives member IDs from the peer URLs and the cluster token, and the cluster ID from
/// the member IDs: these are the Procfile cluster's (token `etcd-cluster-1`), as real etcd
/// prints them.
pub const MEMBER_IDS: [u64; 3] = [0x8211f1d0f64f3269, 0x91bc3c398fb3c146, 0xfd422379fda50e48];
pub const CLUSTER_ID: u64 = 0xef37ad9dc622a7c4;

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
