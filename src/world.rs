//! Everything simulated that commands act on: the node's filesystem, its etcd, the clock.
//! It is plain serde data, so a whole session saves as one CBOR file.

use crate::cluster::EtcdServer;
use crate::process::Proc;
use crate::vfs::{Live, Node, Vfs, VfsError};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct World {
    pub scenario: String,
    pub hostname: String,
    pub vfs: Vfs,
    pub etcd: EtcdServer,
    /// Simulated wall clock in milliseconds since the session started. It moves only through
    /// [`World::advance`] (the page's tick in real time, `sleep`, a job's bounded end, a
    /// client's timeout).
    pub clock_ms: u64,
    /// The node's kubelet (static pods from /etc/kubernetes/manifests), if the scenario has one.
    #[serde(default)]
    pub kubelet: crate::cluster::kubelet::Kubelet,
    /// What the programs did (lesson checks): see [`crate::facts`]. Not machine state.
    #[serde(default)]
    pub facts: crate::facts::FactLog,
    /// The other members and raft's state when the node runs several (`--scenario cluster`);
    /// `None` for a single member. See [`crate::cluster::members`].
    #[serde(default)]
    pub cluster: Option<crate::cluster::members::Cluster>,
}

impl crate::cluster::members::Node for World {
    fn parts(&self) -> (&EtcdServer, Option<&crate::cluster::members::Cluster>) {
        (&self.etcd, self.cluster.as_ref())
    }
    fn parts_mut(&mut self) -> (&mut EtcdServer, Option<&mut crate::cluster::members::Cluster>) {
        (&mut self.etcd, self.cluster.as_mut())
    }
}

impl crate::cluster::Host for World {
    fn node(&self) -> crate::cluster::NodeRef<'_> {
        crate::cluster::NodeRef { hostname: &self.hostname, vfs: &self.vfs, etcd: &self.etcd, kubelet: &self.kubelet, clock_ms: self.clock_ms }
    }
    fn node_mut(&mut self) -> crate::cluster::NodeMut<'_> {
        crate::cluster::NodeMut { hostname: &self.hostname, vfs: &mut self.vfs, etcd: &mut self.etcd, kubelet: &mut self.kubelet, clock_ms: self.clock_ms }
    }
}

/// The latest time `sleep` takes the simulated clock to: 9999-12-31T23:59:59Z in Unix
/// milliseconds, the last instant Go's RFC 3339 and every date the playground prints can show.
/// (The page's ticks and a command's own seconds may still add a little after it; a loaded
/// session is checked against twice this, `validate::LOAD_LIMIT_MS`.)
pub const MAX_CLOCK_MS: u64 = 253_402_300_799_000;

/// What a raft WAL segment reads as: the playground keeps no raft log.
pub const WAL_PLACEHOLDER: &[u8] = b"etcd-playground: no raft WAL here (a real segment is 64000000 bytes of CRC-framed raft records)\n";

impl World {
    pub fn from_scenario(name: &str) -> Option<(World, String)> {
        let s = crate::cluster::scenario::build(name)?;
        let mut w = World { scenario: name.to_string(), hostname: s.hostname, vfs: s.vfs, etcd: s.etcd, clock_ms: 0, kubelet: s.kubelet, facts: Default::default(), cluster: s.cluster };
        if w.kubelet.initialized {
            crate::cluster::kubelet::init_runtime(&mut w);
        }
        // The programs' own files (/usr/bin/cat, …) are installed by whoever builds the World
        // from the program table (`commands::install`; the shell's `Session::new`).
        Some((w, s.home))
    }

    /// Simulated time passes: the one place that decides what happens then. The clock moves
    /// by `ms` (saturating); the node catches up ([`World::catch_up`]: the kubelet notices
    /// manifest edits, restarts a crashed etcd when its back-off is over); then a running etcd
    /// expires the leases due by now, deleting their keys (the watchers see the deletions).
    /// Leases do not run out while no etcd serves them: etcd's lessor keeps time only while
    /// the member runs. Callers that want events at a finer grain (a job's output second by
    /// second) call it in steps; `advance(0)` catches the node up without moving the clock.
    pub fn advance(&mut self, ms: u64) {
        self.clock_ms = self.clock_ms.saturating_add(ms);
        crate::cluster::members::pass_time(self, ms);
        self.catch_up();
        if self.etcd.running {
            self.etcd.store.expire_leases(self.clock_ms);
        }
    }

    /// The node catches up with what was just done, without time passing: the kubelet acts on
    /// the manifests as they are now (starts, restarts or stops static pods, a crashed etcd's
    /// back-off played up to the clock). [`World::advance`] does this each time the clock moves;
    /// programs that look at the node right after a change call it directly — kubectl, crictl
    /// and kubeadm before they read the pods, etcdctl before it dials, the page after it saved
    /// a file — because a real kubelet watches its manifest folder and acts within moments,
    /// so `sed -i` on etcd.yaml followed at once by `etcdctl get` meets the restarted etcd.
    /// Leases do not expire here: no time passed, and every `advance` expires what is due at
    /// its end.
    pub fn catch_up(&mut self) {
        crate::cluster::kubelet::sync(self);
    }

    /// A file's bytes as a program reading it sees them: what the filesystem holds, or for a
    /// [`Live`] file what the node makes up now (an etcd data dir's database from the engine).
    pub fn read(&self, path: &str) -> Result<Cow<'_, [u8]>, VfsError> {
        match self.vfs.get(path) {
            // The bbolt writer is in the programs' chunk (src/lazy.rs), fetched after first paint.
            Some(Node::Live(Live::EtcdDb)) => provided().map(|n| Cow::Owned((n.etcd_db)(self, path))).ok_or(VfsError::NotReady),
            Some(Node::Live(kind)) => Ok(Cow::Owned(self.live_bytes(path, *kind))),
            _ => self.vfs.read(path).map(Cow::Borrowed),
        }
    }

    /// Whether `path` is the database a running etcd holds open: etcd's bbolt keeps an exclusive
    /// `flock` on it, so another bbolt open (`snapshot status`) waits for it forever.
    pub fn db_locked(&self, path: &str) -> bool {
        matches!(self.vfs.get(path), Some(Node::Live(Live::EtcdDb))) && self.etcd.running && db_dir(path) == self.etcd.data_dir
    }

    /// A file's size in bytes (`ls -l`); `None` for a directory or a missing path.
    pub fn file_size(&self, path: &str) -> Option<u64> {
        match self.vfs.get(path)? {
            Node::Dir => None,
            Node::File { data, .. } => Some(data.len() as u64),
            Node::Live(Live::EtcdDb) => Some(provided().map_or(0, |n| (n.etcd_db_size)(self, path))),
            Node::Live(kind) => Some(self.live_bytes(path, *kind).len() as u64),
        }
    }

    /// When a file last changed (Unix seconds): a running member's database and WAL are
    /// written all the time (the API server renews leases every few seconds), so they are as
    /// new as the clock; anything else as the filesystem recorded, or as old as the cluster.
    pub fn mtime(&self, path: &str) -> i64 {
        let live = match self.vfs.get(path) {
            Some(Node::Live(Live::EtcdDb)) => db_dir(path) == self.etcd.data_dir,
            Some(Node::Live(Live::EtcdWal)) => path.rsplit_once("/member/wal/").is_some_and(|(d, _)| d == self.etcd.data_dir),
            _ => false,
        };
        if live && self.etcd.running {
            return crate::cluster::clock::now_unix(self.clock_ms);
        }
        self.vfs.mtime(path).unwrap_or(crate::cluster::clock::CLUSTER_CREATED)
    }

    /// After a program read `files`: for each one the node makes up (see [`Live`]), say what it
    /// really is (cat, head, tail). Its texts wait in the programs' chunk: none before it is here.
    pub fn explain_live(&self, p: &mut Proc, files: &[String]) {
        if let Some(n) = provided() {
            (n.explain_live)(self, p, files);
        }
    }

    /// A made-up file's bytes, but a database's (`read` gets those through [`Needs`], so that
    /// the bbolt writer stays out of the first load).
    fn live_bytes(&self, path: &str, kind: Live) -> Vec<u8> {
        match kind {
            Live::EtcdDb => Vec::new(),
            Live::EtcdWal => WAL_PLACEHOLDER.to_vec(),
            Live::Program => program_stub(path.rsplit('/').next().unwrap_or(path)),
        }
    }
}

/// What `World` needs from code that is not in the page's first load: a data dir's database
/// (the bbolt writer) and its size, and the Explain about the files the node makes up. The code
/// is the world's own (below); in the page's release build (feature `split`) only the programs
/// chunk names [`needs`], and `src/lazy.rs` registers it here with [`provide`] once the chunk
/// arrived: until then a database reads as EAGAIN ([`VfsError::NotReady`]), sizes as 0 and is
/// not explained. Without the split everything is here at once.
#[derive(Clone, Copy)]
pub struct Needs {
    pub etcd_db: fn(&World, &str) -> Vec<u8>,
    pub etcd_db_size: fn(&World, &str) -> u64,
    pub explain_live: fn(&World, &mut Proc, &[String]),
}

/// The code [`Needs`] points at.
pub fn needs() -> Needs {
    Needs { etcd_db, etcd_db_size, explain_live }
}

#[cfg(not(all(target_arch = "wasm32", feature = "split")))]
fn provided() -> Option<Needs> {
    Some(needs())
}

#[cfg(all(target_arch = "wasm32", feature = "split"))]
thread_local! {
    static PROVIDED: std::cell::Cell<Option<Needs>> = const { std::cell::Cell::new(None) };
}

#[cfg(all(target_arch = "wasm32", feature = "split"))]
fn provided() -> Option<Needs> {
    PROVIDED.with(std::cell::Cell::get)
}

/// Registers what the programs chunk brought (`src/lazy.rs`, once it arrived).
#[cfg(all(target_arch = "wasm32", feature = "split"))]
pub fn provide(needs: Needs) {
    PROVIDED.with(|c| c.set(Some(needs)));
}

/// The database at `path` (`<dir>/member/snap/db`): the live keyspace if etcd runs (or last
/// ran) on `dir`, a parked one if it ran there before, else an empty one. Reached through
/// [`Needs`] (it carries the bbolt writer).
pub fn etcd_db(w: &World, path: &str) -> Vec<u8> {
    crate::snapshot::bolt::write(&data_dir_buckets(w, db_dir(path)))
}

/// The length of [`etcd_db`]'s file, from its page count (no page is built).
pub fn etcd_db_size(w: &World, path: &str) -> u64 {
    crate::snapshot::bolt::size(&data_dir_buckets(w, db_dir(path)))
}

fn data_dir_buckets(w: &World, dir: &str) -> crate::snapshot::Buckets {
    let e = &w.etcd;
    match if dir == e.data_dir { Some(&e.store) } else { e.stores.get(dir) } {
        Some(store) => crate::snapshot::buckets_of(e, store),
        None => crate::snapshot::buckets_of(e, &crate::engine::Store::new()),
    }
}

/// What [`World::explain_live`] says (reached through [`Needs`]).
fn explain_live(w: &World, p: &mut Proc, files: &[String]) {
    let mut kinds: Vec<Live> = files.iter().filter_map(|f| match w.vfs.get(&p.path(f)) {
        Some(Node::Live(k)) => Some(*k),
        _ => None,
    }).collect();
    kinds.dedup();
    for kind in kinds {
    match Some(Node::Live(kind)) {
        Some(Node::Live(Live::EtcdDb)) => p.explain(
            "member/snap/db is the member's bbolt database (binary pages, made here from the running engine). `etcdutl snapshot status` reads it; a copy of it is not a `snapshot save` file: it has no SHA-256 trailer, so `snapshot restore` refuses it unless --skip-hash-check is given.",
            "member/snap/db é o banco bbolt do membro (páginas binárias, gerado aqui a partir do engine em execução). `etcdutl snapshot status` o lê; uma cópia dele não é um arquivo de `snapshot save`: não tem o SHA-256 no final, então `snapshot restore` a recusa sem --skip-hash-check.",
        ),
        Some(Node::Live(Live::EtcdWal)) => p.explain(
            "The playground keeps no raft WAL: this file is a placeholder, not etcd's format. A real segment is 64000000 bytes, preallocated, of CRC-framed raft entries (read with etcd-dump-logs); 0.tmp is the next segment, prepared in advance.",
            "O playground não mantém um WAL do raft: este arquivo é um marcador, não está no formato do etcd. Um segmento real tem 64000000 bytes, pré-alocados, de entradas do raft com CRC (lidas com etcd-dump-logs); 0.tmp é o próximo segmento, preparado de antemão.",
        ),
        Some(Node::Live(Live::Program)) => p.explain(
            "The playground's programs are part of the page, not files: this one stands in for the binary. A real one is an ELF executable, which cat prints as binary garbage.",
            "Os programas do playground fazem parte da página, não são arquivos: este substitui o binário. Um real é um executável ELF, que o cat imprime como lixo binário.",
        ),
        _ => {}
    }
    }
}

fn db_dir(path: &str) -> &str {
    path.strip_suffix("/member/snap/db").unwrap_or(path)
}

/// What a program's file holds here: the start of an x86-64 ELF header (so `file`-like tools
/// and `head -c4` see `\x7fELF`), then a note that the program is the playground's own.
fn program_stub(name: &str) -> Vec<u8> {
    let mut b = vec![0x7f, b'E', b'L', b'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0x3e, 0, 1, 0, 0, 0];
    b.resize(64, 0);
    b.extend_from_slice(format!("\0etcd-playground: {name} is built into the playground; this file stands in for its binary\0").as_bytes());
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `ls -l` and `cp` of a 10k-key data dir's db, timed (`cargo test --release --lib
    /// timing -- --nocapture` for the numbers; the page's budget is checked in
    /// tests/e2e/page.test.mjs).
    #[test]
    fn timing_ls_and_cp_of_a_10k_key_db() {
        use crate::engine::PutRequest;
        let mut s = crate::shell::Session::new("kubeadm").unwrap();
        for i in 0..10_000 {
            s.world.etcd.store.put(PutRequest { key: format!("key{i:05}").into(), value: format!("value-{i}").into(), ..Default::default() }).unwrap();
        }
        let t0 = std::time::Instant::now();
        let ls = s.execute("ls -l /var/lib/etcd/member/snap").text();
        let t1 = std::time::Instant::now();
        assert_eq!(s.execute("cp /var/lib/etcd/member/snap/db /root/db-copy").exit, 0);
        let t2 = std::time::Instant::now();
        let size = s.world.vfs.read("/root/db-copy").unwrap().len();
        assert!(ls.contains(&format!(" {size} ")), "{ls} vs {size}");
        assert_eq!(crate::snapshot::status(s.world.vfs.read("/root/db-copy").unwrap()).unwrap().total_key, 10_000 + 287);
        println!("10k keys: ls -l member/snap {:?}, cp db {:?} ({size} bytes)", t1 - t0, t2 - t1);
    }

    fn leased_key(w: &mut World, key: &str, ttl: i64) -> i64 {
        use crate::engine::PutRequest;
        let now = w.clock_ms;
        let id = w.etcd.store.lease_grant(0, ttl, now).unwrap().id;
        w.etcd.store.put(PutRequest { key: key.into(), value: b"v".to_vec(), lease: id, ..Default::default() }).unwrap();
        id
    }

    #[test]
    fn advance_expires_leases_while_etcd_runs() {
        let (mut w, _) = World::from_scenario("plain").unwrap();
        let id = leased_key(&mut w, "k", 5);
        w.advance(4_000);
        assert_eq!(w.clock_ms, 4_000);
        assert!(w.etcd.store.lessor.leases.contains_key(&id), "not due yet");
        w.advance(1_000);
        assert!(!w.etcd.store.lessor.leases.contains_key(&id), "due at 5 s");
        assert_eq!(w.etcd.store.range(&crate::engine::RangeRequest { key: b"k".to_vec(), ..Default::default() }).unwrap().count, 0, "its key is deleted");
    }

    #[test]
    fn advance_expires_no_lease_while_etcd_is_stopped() {
        let (mut w, _) = World::from_scenario("plain").unwrap();
        let id = leased_key(&mut w, "k", 5);
        w.etcd.running = false;
        w.advance(60_000);
        assert_eq!(w.clock_ms, 60_000);
        assert!(w.etcd.store.lessor.leases.contains_key(&id), "no etcd serves it: it does not run out");
        w.etcd.running = true;
        w.advance(0);
        assert!(!w.etcd.store.lessor.leases.contains_key(&id), "a running etcd expires it as soon as time is looked at");
        // The clock saturates instead of overflowing.
        w.advance(u64::MAX);
        assert_eq!(w.clock_ms, u64::MAX);
    }

    #[test]
    fn advance_ticks_the_kubelet() {
        let (mut w, _) = World::from_scenario("kubeadm").unwrap();
        assert!(w.etcd.running);
        w.vfs.remove("/etc/kubernetes/manifests/etcd.yaml", false).unwrap();
        assert!(w.etcd.running, "nothing happens until time passes");
        w.advance(1_000);
        assert!(!w.etcd.running, "the kubelet saw the manifest go and stopped etcd");
    }

    #[test]
    fn catch_up_runs_the_kubelet_without_time_passing_or_leases_running_out() {
        let (mut w, _) = World::from_scenario("kubeadm").unwrap();
        let id = w.etcd.store.lease_grant(0, 5, w.clock_ms).unwrap().id;
        w.clock_ms += 10_000; // set up: the lease is due, and nothing looked at the time yet
        let manifest = "/etc/kubernetes/manifests/kube-apiserver.yaml";
        w.vfs.remove(manifest, false).unwrap();
        let before = w.clock_ms;
        w.catch_up();
        assert_eq!(w.clock_ms, before);
        assert!(!w.kubelet.running.contains_key(manifest), "the kubelet stopped the API server");
        assert!(w.etcd.store.lessor.leases.contains_key(&id), "a due lease waits for the next advance");
        w.advance(0);
        assert!(!w.etcd.store.lessor.leases.contains_key(&id));
    }

    #[test]
    fn a_watch_job_sees_the_events_of_an_advance() {
        use crate::jobs::Running;
        let (mut w, _) = World::from_scenario("plain").unwrap();
        leased_key(&mut w, "foo", 3);
        let (watch_id, _) = w.etcd.store.watch_create(crate::engine::WatchCreate { key: b"foo".to_vec(), ..Default::default() }).unwrap();
        let mut job = crate::etcdctl::job::Job::Watch { watch_id, json: false, hex: false, pb: false };
        w.advance(2_000);
        assert_eq!(job.poll(&mut w), crate::jobs::Polled::default());
        w.advance(1_000);
        let p = job.poll(&mut w);
        assert_eq!(p.chunks, vec![crate::process::Chunk::Stdout("DELETE\nfoo\n\n".into())]);
        assert_eq!(p.ended, None);
    }

    #[test]
    fn the_live_db_follows_the_engine_and_ls_size_matches_the_bytes() {
        use crate::engine::PutRequest;
        let (mut w, _) = World::from_scenario("plain").unwrap();
        crate::commands::install(&mut w);
        let db = "/var/lib/etcd/member/snap/db";
        let before = crate::snapshot::status(&w.read(db).unwrap()).unwrap();
        assert_eq!((before.revision, before.total_key), (0, 4));
        for i in 0..300 {
            w.etcd.store.put(PutRequest { key: format!("k{i}").into(), value: vec![b'v'; 100], ..Default::default() }).unwrap();
        }
        let bytes = w.read(db).unwrap().into_owned();
        assert_eq!(w.file_size(db), Some(bytes.len() as u64));
        let st = crate::snapshot::status(&bytes).unwrap();
        assert_eq!((st.revision, st.total_key), (301, 304));
        // A copy of it has no SHA-256 trailer.
        assert!(!crate::snapshot::has_checksum(bytes.len()));
        // Running, etcd holds it locked; stopped, it is the same database, unlocked.
        assert!(w.db_locked(db));
        w.etcd.running = false;
        assert!(!w.db_locked(db));
        assert_eq!(w.read(db).unwrap().into_owned(), bytes);
        w.etcd.running = true;
        // A parked data dir keeps its database readable.
        w.etcd.switch_data_dir("/var/lib/etcd-new");
        assert_eq!(crate::snapshot::status(&w.read(db).unwrap()).unwrap().revision, 301);
        assert_eq!(w.file_size("/usr/bin/sed"), Some(w.read("/usr/bin/sed").unwrap().len() as u64));
        assert!(w.read("/usr/bin/sed").unwrap().starts_with(b"\x7fELF"));
        assert_eq!(w.read("/var/lib/etcd/member/wal/0.tmp").unwrap(), WAL_PLACEHOLDER);
    }
}
