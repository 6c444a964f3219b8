//! Disaster recovery in the `cluster` scenario: a member (re)started by goreman runs on
//! whatever its data dir holds, as real etcd does. The Procfile gives no `--data-dir`, so
//! each member runs on `infraN.etcd` where goreman started (/root); once a data dir has a WAL,
//! etcd ignores the `--initial-cluster*` flags and takes its member and cluster IDs from it.
//!
//! - the dir the scenario started with (a live WAL): the Procfile cluster's IDs;
//! - a dir `snapshot restore` wrote (its WAL names the cluster and the local member): those
//!   IDs, term 1, and on the first start the snapshot's keyspace, with a raft log of the
//!   restored membership (the database's consistent index counts those entries);
//! - no dir at all: etcd bootstraps a fresh member from the Procfile's flags (token
//!   `etcd-cluster-1`, so the Procfile's IDs again) with an empty keyspace.
//!
//! The keyspace is the one cluster's (see `members`): when the first member of another cluster
//! ID starts while none of the running members has the keyspace's cluster ID, that cluster's
//! keyspace takes its place (the previous one is parked, by cluster ID, and comes back with
//! its members). A member whose cluster ID differs from the keyspace's is cut off: its peers
//! drop its raft messages (`request cluster ID mismatch`), so it has no leader.
//!
//! Measured with three real etcd 3.4.23 members: `tests/fidelity_recovery/20_recovery.txt`,
//! `21_recovery_mismatch.txt` (`tests/fidelity_recovery.rs`).

use super::etcd_server::{EtcdServer, WAL_FIRST_SEGMENT};
use super::members::{Cluster, CLUSTER_ID, MEMBER_IDS};
use crate::vfs::{Live, Node, Vfs};
use crate::i18n::Text;
use serde::{Deserialize, Serialize};

/// What a member runs on: the files, the clock, the member etcdctl reached last and the
/// cluster around it (`World`'s fields, so this module needs nothing above it).
pub struct Parts<'a> {
    pub vfs: &'a mut Vfs,
    pub clock_ms: u64,
    pub etcd: &'a mut EtcdServer,
    pub cluster: &'a mut Cluster,
}

impl Parts<'_> {
    fn all(&self) -> impl Iterator<Item = &EtcdServer> {
        std::iter::once(&*self.etcd).chain(self.cluster.others.iter())
    }
    fn member_mut(&mut self, name: &str) -> Option<&mut EtcdServer> {
        if self.etcd.name == name {
            return Some(self.etcd);
        }
        self.cluster.others.iter_mut().find(|m| m.name == name)
    }
}

/// What recovery changed in the cluster (`None` in `Cluster::recovery`: the Procfile cluster
/// as the scenario started it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct State {
    /// The cluster ID whose keyspace `World::etcd` holds.
    pub keyspace_cluster: u64,
    /// The cluster version the new cluster's leader has set: "" none yet, "3.0" while a member
    /// had not published its name, "3.4" once all had.
    pub version: String,
    /// Keyspaces of other cluster IDs, parked while theirs is not the running one.
    pub parked: Vec<(u64, crate::engine::Store)>,
    /// Members started while there was no leader: they publish their names once there is one.
    pub unpublished: Vec<u64>,
}

/// Where a data dir says its member belongs.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Origin {
    /// The Procfile cluster's dir (the scenario's, or one etcd bootstrapped from the flags).
    Procfile,
    /// A dir `snapshot restore` wrote: (cluster ID, member ID), and whether its database is
    /// still the restored file (never run on).
    Restored { cid: u64, me: u64, fresh_db: bool },
    /// No data dir: etcd bootstraps one from the Procfile's flags.
    Missing,
}

fn origin(vfs: &Vfs, dir: &str) -> Origin {
    let dir = dir.trim_end_matches('/');
    let wal = format!("{dir}/member/wal/{WAL_FIRST_SEGMENT}");
    match vfs.get(&wal) {
        Some(Node::Live(Live::EtcdWal)) => Origin::Procfile,
        Some(Node::File { data, .. }) => match crate::snapshot::restore::read_wal_placeholder(data) {
            Some((cid, me, _)) => Origin::Restored { cid, me, fresh_db: matches!(vfs.get(&format!("{dir}/member/snap/db")), Some(Node::File { .. })) },
            None => Origin::Procfile,
        },
        _ if vfs.exists(&format!("{dir}/member")) => Origin::Procfile,
        _ => Origin::Missing,
    }
}

fn procfile_id(name: &str) -> Option<u64> {
    let n: usize = name.strip_prefix("infra")?.parse().ok()?;
    MEMBER_IDS.get(n.checked_sub(1)?).copied()
}

/// The cluster ID whose keyspace `World::etcd` holds.
pub fn keyspace_cluster(c: &Cluster) -> u64 {
    c.recovery.as_ref().map_or(CLUSTER_ID, |r| r.keyspace_cluster)
}

/// Whether the member etcdctl reached (`World::etcd`) runs cut off from the cluster whose
/// keyspace is live: its cluster ID is another one, so it has no leader.
pub fn cut_off(etcd: &EtcdServer, cluster: Option<&Cluster>) -> bool {
    cluster.is_some_and(|c| etcd.running && etcd.cluster_id != keyspace_cluster(c))
}

/// Before goreman starts the stopped member `name`: give it the identity and the keyspace its
/// data dir holds. Returns a teaching note when what it runs on is not what the
/// learner may expect.
pub fn boot(w: Parts<'_>, name: &str) -> Option<Text> {
    let mut w = w;
    let m = w.all().find(|m| m.name == name)?;
    if m.running {
        return None;
    }
    let (dir, own_id) = (m.data_dir.clone(), m.member_id);
    let org = origin(w.vfs, &dir);
    let (cid, me) = match &org {
        Origin::Restored { cid, me, .. } => (*cid, *me),
        _ => (CLUSTER_ID, procfile_id(name).unwrap_or(own_id)),
    };
    let running_cids: Vec<u64> = w.all().filter(|m| m.running).map(|m| m.cluster_id).collect();
    let ks = keyspace_cluster(w.cluster);
    let mut note = None;
    // With no running member of its cluster (nor of the keyspace's), the first member up
    // brings its data dir's state: a restored snapshot, nothing at all, or the keyspace its
    // cluster ID had.
    let first_up = !running_cids.contains(&ks) && !running_cids.contains(&cid);
    let brings_own = matches!(org, Origin::Restored { fresh_db: true, .. } | Origin::Missing) || cid != ks;
    if first_up && brings_own {
        let incoming = match &org {
            Origin::Restored { fresh_db: true, .. } => {
                let db = format!("{}/member/snap/db", dir.trim_end_matches('/'));
                let data = w.vfs.read(&db).map(<[u8]>::to_vec).unwrap_or_default();
                crate::snapshot::load_at(&data, w.clock_ms).ok().map(|l| l.store)
            }
            _ => None,
        };
        let c = &mut *w.cluster;
        let mut st = c.recovery.take().unwrap_or_else(|| State { keyspace_cluster: ks, version: "3.4".into(), ..Default::default() });
        let parked = st.parked.iter().position(|(id, _)| *id == cid && org != Origin::Missing).map(|i| st.parked.remove(i).1);
        let new_store = incoming.or(parked).unwrap_or_default();
        let fresh_log = new_store.consistent_index() == 0;
        let old = std::mem::replace(&mut w.etcd.store, new_store);
        st.parked.retain(|(id, _)| *id != ks);
        st.parked.push((ks, old));
        st.keyspace_cluster = cid;
        st.version = String::new();
        st.unpublished.clear();
        // The new cluster's raft log: the restored membership (in the database's consistent
        // index) or, bootstrapped from nothing, its three ConfChangeAddNode entries.
        c.extra_entries = if fresh_log { 3 } else { 0 };
        c.term = 1;
        c.leader = 0;
        c.started.clear();
        c.recovery = Some(st);
        note = Some(match org {
            Origin::Missing => Text::new(
                format!("{name} found no data dir at {dir}: etcd bootstrapped a brand-new, empty member from the Procfile's flags (--initial-cluster-state new). Its cluster starts with no keys."),
                format!("{name} não encontrou diretório de dados em {dir}: o etcd criou um membro novo e vazio a partir das flags do Procfile (--initial-cluster-state new). O cluster dele começa sem nenhuma chave."),
            ),
            Origin::Procfile => Text::new(
                format!("{name} runs on the old cluster's data dir in {dir} (cluster ID {cid:x}): that cluster's keys come back with it."),
                format!("{name} roda no diretório de dados do cluster antigo em {dir} (ID do cluster {cid:x}): as chaves daquele cluster voltam com ele."),
            ),
            Origin::Restored { .. } => Text::new(
                format!("{name} runs on the data dir `snapshot restore` wrote in {dir}: it read its member ID and cluster ID ({cid:x}) from the WAL and ignored the Procfile's --initial-cluster flags. The keys are the snapshot's."),
                format!("{name} roda no diretório de dados que o `snapshot restore` gravou em {dir}: leu do WAL seu ID de membro e o ID do cluster ({cid:x}) e ignorou as flags --initial-cluster do Procfile. As chaves são as do snapshot."),
            ),
        });
    } else if cid != ks || running_cids.iter().any(|r| *r != cid) {
        note = Some(Text::new(
            format!("{name}'s data dir {dir} belongs to cluster {cid:x}, but the members it reaches run cluster {ks:x}: they drop its raft messages (\"request cluster ID mismatch\" in their logs), so it never gets a leader. Every member must run on a data dir restored from the same snapshot with the same --initial-cluster and --initial-cluster-token."),
            format!("O diretório de dados {dir} de {name} pertence ao cluster {cid:x}, mas os membros que ele alcança rodam o cluster {ks:x}: eles descartam as mensagens raft dele (\"request cluster ID mismatch\" nos logs), então ele nunca tem líder. Todos os membros precisam rodar em diretórios restaurados do mesmo snapshot com os mesmos --initial-cluster e --initial-cluster-token."),
        ));
    }
    // etcd's files: the restored database becomes the running one (its WAL stays, naming
    // the cluster); a missing dir is created.
    if org == Origin::Missing {
        super::etcd_server::lay_out_data_dir(w.vfs, &dir);
    } else {
        w.vfs.install_live(&format!("{}/member/snap/db", dir.trim_end_matches('/')), Live::EtcdDb);
    }
    if let Some(t) = w.member_mut(name) {
        t.member_id = me;
        t.cluster_id = cid;
    }
    note
}

/// After goreman started `name`: a member that started without a quorum publishes its name
/// once there is a leader (one raft entry then).
pub fn started(c: &mut Cluster, name_id: u64) {
    if c.leader == 0 {
        let st = c.recovery.get_or_insert_with(|| State { keyspace_cluster: CLUSTER_ID, version: "3.4".into(), ..Default::default() });
        if !st.unpublished.contains(&name_id) {
            st.unpublished.push(name_id);
        }
    }
}

/// After goreman ran its processes: the new cluster's leader sets the cluster version once it
/// has a leader (3.4 when every member has published its name, else 3.0, raised to 3.4 when
/// the last one has): one raft entry each.
pub fn settle(c: &mut Cluster, all_running: bool) {
    if c.leader == 0 {
        return;
    }
    let Some(st) = c.recovery.as_mut() else { return };
    c.extra_entries += st.unpublished.len() as u64;
    st.unpublished.clear();
    let next = match (st.version.as_str(), all_running) {
        ("", true) | ("3.0", true) => "3.4",
        ("", false) => "3.0",
        _ => return,
    };
    st.version = next.into();
    c.extra_entries += 1;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shell::Session;

    const IC: &str = "infra1=http://127.0.0.1:12380,infra2=http://127.0.0.1:22380,infra3=http://127.0.0.1:32380";

    fn restore(s: &mut Session, n: u32, token: &str) {
        let r = s.execute(&format!("etcdctl snapshot restore /root/snap.db --name infra{n} --initial-cluster {IC} --initial-cluster-token {token} --initial-advertise-peer-urls http://127.0.0.1:{n}2380 --data-dir /root/infra{n}.etcd"));
        assert_eq!(r.exit, 0, "{}", r.text());
    }

    fn ids(s: &Session) -> Vec<(String, u64, u64, bool)> {
        super::super::members::members(&s.world).iter().map(|m| (m.name.clone(), m.member_id, m.cluster_id, m.running)).collect()
    }

    #[test]
    fn the_procfile_token_gives_the_ids_real_etcd_printed() {
        use crate::snapshot::restore::{cluster_id, member_id};
        let ids: Vec<u64> = [12380, 22380, 32380].iter().map(|p| member_id(&[format!("http://127.0.0.1:{p}")], "etcd-cluster-1")).collect();
        assert_eq!(ids, MEMBER_IDS);
        assert_eq!(cluster_id(&ids), CLUSTER_ID);
    }

    #[test]
    fn a_restored_cluster_runs_on_the_snapshots_keys_with_the_ids_of_its_token() {
        let mut s = Session::new("cluster").unwrap();
        s.execute("etcdctl put k before");
        s.execute("etcdctl snapshot save /root/snap.db");
        s.execute("etcdctl put k after");
        s.execute("goreman run stop etcd1 etcd2 etcd3");
        s.execute("mkdir /root/old; mv /root/infra1.etcd /root/infra2.etcd /root/infra3.etcd /root/old/");
        for n in 1..=3 {
            restore(&mut s, n, "etcd-cluster-2");
        }
        s.execute("goreman run start etcd1 etcd2 etcd3");
        let want: Vec<u64> = [12380, 22380, 32380].iter().map(|p| crate::snapshot::restore::member_id(&[format!("http://127.0.0.1:{p}")], "etcd-cluster-2")).collect();
        let cid = crate::snapshot::restore::cluster_id(&want);
        assert_ne!(cid, CLUSTER_ID);
        let mut got = ids(&s);
        got.sort();
        assert_eq!(got, vec![("infra1".to_string(), want[0], cid, true), ("infra2".to_string(), want[1], cid, true), ("infra3".to_string(), want[2], cid, true)]);
        assert_eq!(s.execute("etcdctl get k --print-value-only").text(), "before\n");
        let c = s.world.cluster.as_ref().unwrap();
        // 3 restored membership entries + an election + 3 names published + the cluster version.
        assert_eq!((c.term, super::super::members::raft_index(&s.world)), (2, 8));
        // A restart runs on the same dir: nothing changes but the publish.
        s.execute("goreman run restart etcd2");
        assert_eq!(s.execute("etcdctl --endpoints=127.0.0.1:22379 get k --print-value-only").text(), "before\n");
        assert_eq!(ids(&s).iter().filter(|m| m.2 == cid).count(), 3);
    }

    #[test]
    fn a_member_of_another_cluster_is_cut_off_and_counts_for_no_quorum() {
        let mut s = Session::new("cluster").unwrap();
        s.execute("etcdctl snapshot save /root/snap.db");
        s.execute("goreman run stop etcd1 etcd2 etcd3");
        s.execute("rm -rf /root/infra1.etcd /root/infra2.etcd");
        restore(&mut s, 1, "a");
        restore(&mut s, 2, "b");
        s.execute("goreman run start etcd1 etcd2 etcd3");
        // Three cluster IDs: infra1's took the keyspace, the others are cut off: no quorum.
        assert!(!super::super::members::has_quorum(&s.world));
        let r = s.execute("etcdctl --endpoints=127.0.0.1:22379 get k --consistency=s");
        let text = r.text();
        assert_eq!((r.exit, text.lines().last()), (1, Some("Error: context deadline exceeded")));
        assert_eq!(s.execute("etcdctl put k v").exit, 1);
        // A state no command line can break: every etcdctl command still answers.
        for cmd in ["etcdctl member list -w table", "etcdctl endpoint status --cluster", "etcdctl endpoint health --cluster", "goreman run restart etcd3", "goreman run stop etcd1"] {
            s.execute(cmd);
        }
    }
}
