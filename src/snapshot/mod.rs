//! etcd snapshots as real files: the bbolt database etcd's backend keeps, followed by the
//! SHA-256 of it that `etcdctl snapshot save` appends. A file saved here is accepted by real
//! `etcdctl snapshot status|restore`, and a snapshot taken from a real etcd loads here.
//!
//! The database holds etcd's buckets: `key` (every revision: 17-byte key `main`/`_`/`sub`
//! big-endian, plus `t` for a tombstone; value an `mvccpb.KeyValue`), `meta`
//! (`consistent_index`, compaction marks), `lease` (`leasepb.Lease` by 8-byte ID), `members`
//! (JSON by hex ID), `cluster` (`clusterVersion`), `auth`, `authUsers`, `authRoles`, `alarm`,
//! `members_removed`.
//!
//! ```
//! use etcd_playground::cluster::scenario;
//! use etcd_playground::engine::PutRequest;
//! use etcd_playground::{gofmt, snapshot};
//! let mut etcd = scenario::build("plain").unwrap().etcd;
//! etcd.store.put(PutRequest { key: b"k1".to_vec(), value: b"v1".to_vec(), ..Default::default() }).unwrap();
//! let file = snapshot::save(&etcd);
//! let st = snapshot::status(&file).unwrap();
//! // Pages 0-1 meta, 2 freelist, 3 the root with every bucket inline: 16 KiB.
//! assert_eq!((st.revision, gofmt::humanize_bytes(st.total_size as u64)), (2, "16 kB".to_string()));
//! let store = snapshot::load_store(&file).unwrap();
//! assert_eq!((&store.index, &store.backend, store.current_rev), (&etcd.store.index, &etcd.store.backend, etcd.store.current_rev));
//! ```

pub mod bolt;
pub mod proto;
pub mod restore;

use crate::engine::key_index::{Generation, KeyIndex};
use crate::engine::backend::Backend;
use crate::engine::kvstore::BackendEntry;
use crate::engine::{KeyValue, Revision, Store};
use bolt::{BoltError, BoltFile};
pub use proto::LeaseRecord;
use crate::sorted_map::SortedMap;

/// What `snapshot status` reports (etcd's `snapshot.Status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Status {
    pub hash: u32,
    pub revision: i64,
    pub total_key: u64,
    pub total_size: i64,
}

/// Why a snapshot file cannot be used; `Display` is the text etcdctl prints after `Error: `.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SnapshotError {
    Bolt(BoltError),
    /// `tx.Check()` found problems.
    Integrity(Vec<String>),
    /// The file's length is not 32 more than a multiple of 512.
    MissingHash,
    HashMismatch { expected: Vec<u8>, got: Vec<u8> },
    /// Something inside a bucket etcd could not decode (a real etcd would crash on it).
    Decode(String),
}

impl std::fmt::Display for SnapshotError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SnapshotError::Bolt(e) => write!(f, "{e}"),
            SnapshotError::Integrity(errs) => write!(f, "snapshot file integrity check failed. {} errors found.\n{}", errs.len(), errs.join("\n")),
            SnapshotError::MissingHash => f.write_str("snapshot missing hash but --skip-hash-check=false"),
            SnapshotError::HashMismatch { expected, got } => write!(f, "expected sha256 {}, got {}", crate::gofmt::bytes_v(expected), crate::gofmt::bytes_v(got)),
            SnapshotError::Decode(s) => f.write_str(s),
        }
    }
}

impl From<BoltError> for SnapshotError {
    fn from(e: BoltError) -> Self {
        SnapshotError::Bolt(e)
    }
}

pub const SHA256_LEN: usize = 32;

/// etcd's `hasChecksum`: a snapshot from `snapshot save` is a whole number of 512-byte
/// sectors plus the 32-byte SHA-256.
pub fn has_checksum(len: usize) -> bool {
    len % 512 == SHA256_LEN
}

pub fn sha256(data: &[u8]) -> [u8; 32] {
    use sha2::Digest;
    sha2::Sha256::digest(data).into()
}

/// CRC-32 with the Castagnoli polynomial (Go's `crc32.MakeTable(crc32.Castagnoli)`), the
/// hash `snapshot status` prints.
pub struct Crc32c {
    table: [u32; 256],
    crc: u32,
}

impl Default for Crc32c {
    fn default() -> Self {
        let mut table = [0u32; 256];
        for (i, t) in table.iter_mut().enumerate() {
            let mut c = i as u32;
            for _ in 0..8 {
                c = if c & 1 != 0 { 0x82F6_3B78 ^ (c >> 1) } else { c >> 1 };
            }
            *t = c;
        }
        Crc32c { table, crc: 0 }
    }
}

impl Crc32c {
    pub fn write(&mut self, data: &[u8]) {
        let mut c = !self.crc;
        for &b in data {
            c = self.table[((c ^ b as u32) & 0xff) as usize] ^ (c >> 8);
        }
        self.crc = !c;
    }
    pub fn sum32(&self) -> u32 {
        self.crc
    }
}

/// The 17-byte (18 with the tombstone mark) key of a revision in the `key` bucket: the
/// engine's own encoding, which its HashKV also hashes.
pub use crate::engine::kvstore_compaction::bbolt_key as rev_key;

/// The revision in a `key` bucket key (etcd's `bytesToRev`); `None` if it is too short.
pub fn key_rev(k: &[u8]) -> Option<Revision> {
    if k.len() < 17 {
        return None;
    }
    let main = u64::from_be_bytes(k[0..8].try_into().ok()?) as i64;
    let sub = u64::from_be_bytes(k[9..17].try_into().ok()?) as i64;
    Some(Revision::new(main, sub))
}

/// Go's `json.Marshal` of a string (with its HTML escaping of `<`, `>` and `&`); etcdctl's
/// JSON printers use it too.
pub fn json_str(s: &str) -> String {
    let mut o = String::with_capacity(s.len() + 2);
    o.push('"');
    for c in s.chars() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            '\n' => o.push_str("\\n"),
            '\r' => o.push_str("\\r"),
            '\t' => o.push_str("\\t"),
            '<' | '>' | '&' => o.push_str(&format!("\\u{:04x}", c as u32)),
            c if (c as u32) < 0x20 => o.push_str(&format!("\\u{:04x}", c as u32)),
            c => o.push(c),
        }
    }
    o.push('"');
    o
}

fn json_strs(v: &[String]) -> String {
    format!("[{}]", v.iter().map(|s| json_str(s)).collect::<Vec<_>>().join(","))
}

/// A member as etcd stores it in the `members` bucket.
pub fn member_json(id: u64, name: &str, peer_urls: &[String], client_urls: &[String]) -> String {
    let mut s = format!("{{\"id\":{id},\"peerURLs\":{}", json_strs(peer_urls));
    if !name.is_empty() {
        s.push_str(&format!(",\"name\":{}", json_str(name)));
    }
    if !client_urls.is_empty() {
        s.push_str(&format!(",\"clientURLs\":{}", json_strs(client_urls)));
    }
    s.push('}');
    s
}

/// Raft entries a fresh single member applies before any request (its own addition, the
/// leader's empty entry, its attributes, the cluster version); the engine counts from there,
/// as `etcdctl endpoint status` does.
pub const BOOT_RAFT_INDEX: u64 = 4;

/// What a snapshot records about the member whose keyspace it holds (`cluster::EtcdServer`
/// implements it, from above: this layer knows no node).
pub trait Member {
    /// The member's live keyspace.
    fn store(&self) -> &Store;
    fn member_id(&self) -> u64;
    fn name(&self) -> &str;
    fn peer_urls(&self) -> &[String];
    fn client_urls(&self) -> &[String];
    /// etcd 3.5 writes `confState` and `term` into `meta` and `3.5.0` as the cluster version.
    fn is_3_5(&self) -> bool;
    fn raft_term(&self) -> u64;
}

/// The raft applied index etcd would store in `meta/consistent_index`.
pub fn consistent_index(server: &impl Member) -> u64 {
    server.store().consistent_index() + BOOT_RAFT_INDEX
}

/// The leases to write into the `lease` bucket (etcd 3.4 persists ID and TTL).
pub fn leases(server: &impl Member) -> Vec<LeaseRecord> {
    store_leases(server.store())
}

fn store_leases(store: &Store) -> Vec<LeaseRecord> {
    store.lessor.leases.values().map(|l| LeaseRecord { id: l.id, ttl: l.ttl, remaining_ttl: 0 }).collect()
}

pub use bolt::Buckets;

/// The buckets of the database `server` would snapshot.
pub fn buckets(server: &impl Member) -> Buckets {
    buckets_of(server, server.store())
}

/// The buckets of `store` kept by the member `server` (its live keyspace, or one parked in
/// another data dir).
pub fn buckets_of(server: &impl Member, store: &Store) -> Buckets {
    let v35 = server.is_3_5();
    let mut b: Buckets = SortedMap::new();
    for name in ["alarm", "authRoles", "authUsers", "members_removed"] {
        b.insert(name.as_bytes().to_vec(), Vec::new());
    }
    b.insert(b"auth".to_vec(), vec![(b"authRevision".to_vec(), 1u64.to_be_bytes().to_vec())]);
    b.insert(b"cluster".to_vec(), vec![(b"clusterVersion".to_vec(), if v35 { b"3.5.0".to_vec() } else { b"3.4.0".to_vec() })]);
    let key = store
        .backend
        .iter()
        .map(|(rev, e)| {
            let kv = if e.tombstone { KeyValue { key: e.kv.key.clone(), ..Default::default() } } else { e.kv.clone() };
            (rev_key(*rev, e.tombstone), proto::encode_kv(&kv))
        })
        .collect();
    b.insert(b"key".to_vec(), key);
    let mut lease: Vec<(Vec<u8>, Vec<u8>)> = store_leases(store).iter().map(|l| ((l.id as u64).to_be_bytes().to_vec(), proto::encode_lease(l))).collect();
    crate::sort::sort(&mut lease);
    b.insert(b"lease".to_vec(), lease);
    let member = member_json(server.member_id(), server.name(), server.peer_urls(), server.client_urls());
    b.insert(b"members".to_vec(), vec![(format!("{:x}", server.member_id()).into_bytes(), member.into_bytes())]);
    let mut meta = vec![(b"consistent_index".to_vec(), (store.consistent_index() + BOOT_RAFT_INDEX).to_be_bytes().to_vec())];
    if v35 {
        meta.push((b"confState".to_vec(), format!("{{\"voters\":[{}],\"auto_leave\":false}}", server.member_id()).into_bytes()));
    }
    if store.compact_revision() >= 0 {
        let mark = rev_key(Revision::new(store.compact_revision(), 0), false);
        meta.push((b"finishedCompactRev".to_vec(), mark.clone()));
        meta.push((b"scheduledCompactRev".to_vec(), mark));
    }
    if v35 {
        meta.push((b"term".to_vec(), server.raft_term().to_be_bytes().to_vec()));
    }
    crate::sort::sort(&mut meta);
    b.insert(b"meta".to_vec(), meta);
    b
}

/// The backend database alone, as etcd's `Snapshot` RPC streams it (without the SHA-256).
pub fn db_bytes(server: &impl Member) -> Vec<u8> {
    bolt::write(&buckets(server))
}

/// What `etcdctl snapshot save` writes: the database plus its SHA-256.
pub fn save(server: &impl Member) -> Vec<u8> {
    let mut db = db_bytes(server);
    let sum = sha256(&db);
    db.extend_from_slice(&sum);
    db
}

/// `snapshot status`: opens the file as bbolt does, checks its integrity, then walks every
/// bucket: the hash is a CRC-32C over each bucket name and each key and value in it, TOTAL
/// KEYS counts the keys of every bucket, REVISION is the main revision of the last key of
/// `key`, TOTAL SIZE is the database's high-water mark.
pub fn status(data: &[u8]) -> Result<Status, SnapshotError> {
    let db = BoltFile::open(data)?;
    let errs = db.check();
    if !errs.is_empty() {
        return Err(SnapshotError::Integrity(errs));
    }
    let mut st = Status { hash: 0, revision: 0, total_key: 0, total_size: db.size() as i64 };
    let mut h = Crc32c::default();
    for b in db.buckets()? {
        h.write(&b.name);
        let is_key = b.name == b"key";
        for e in &b.entries {
            h.write(&e.key);
            h.write(e.value.as_deref().unwrap_or_default());
            if is_key {
                st.revision = key_rev(&e.key).ok_or_else(|| SnapshotError::Decode(format!("runtime error: slice bounds out of range [9:{}]", e.key.len())))?.main;
            }
            st.total_key += 1;
        }
    }
    st.hash = h.sum32();
    Ok(st)
}

/// Verifies the SHA-256 trailer as `snapshot restore` does and returns the database without
/// it (with `skip_hash_check`, a file without trailer — a copied `member/snap/db` — is fine).
pub fn verify_trailer(data: &[u8], skip_hash_check: bool) -> Result<&[u8], SnapshotError> {
    let has_hash = has_checksum(data.len());
    let db = if has_hash { &data[..data.len() - SHA256_LEN] } else { data };
    if !has_hash && !skip_hash_check {
        return Err(SnapshotError::MissingHash);
    }
    if has_hash && !skip_hash_check {
        let got = sha256(db);
        let expected = &data[data.len() - SHA256_LEN..];
        if got[..] != *expected {
            return Err(SnapshotError::HashMismatch { expected: expected.to_vec(), got: got.to_vec() });
        }
    }
    Ok(db)
}

/// Everything a snapshot holds that the playground models.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loaded {
    pub store: Store,
    pub leases: Vec<LeaseRecord>,
    pub consistent_index: u64,
    /// `(id, JSON)` of each entry in the `members` bucket.
    pub members: Vec<(String, String)>,
    pub cluster_version: Option<String>,
}

/// Reads a database (with or without the SHA-256 trailer) the way an etcd server starting on
/// it does: the key index is rebuilt from the `key` bucket in revision order, the current
/// revision is the last one seen (or the compacted one, if later), leases come from `lease`
/// with their full TTL from `now_ms` on (etcd's lessor refreshes them on recovery).
pub fn load_at(data: &[u8], now_ms: u64) -> Result<Loaded, SnapshotError> {
    let db = BoltFile::open(data)?;
    let buckets = db.buckets()?;
    let find = |n: &[u8]| buckets.iter().find(|b| b.name == n);
    let mut store = Store::new();
    let mut consistent_index = 0;
    if let Some(meta) = find(b"meta") {
        for e in &meta.entries {
            let v = e.value.as_deref().unwrap_or_default();
            match e.key.as_slice() {
                b"finishedCompactRev" => store.compact_rev = key_rev(v).ok_or_else(|| SnapshotError::Decode("mvcc: cannot read finishedCompactRev".into()))?.main,
                b"consistent_index" if v.len() == 8 => consistent_index = u64::from_be_bytes(v.try_into().unwrap_or_default()),
                _ => {}
            }
        }
    }
    let mut current = 1;
    if let Some(keyb) = find(b"key") {
        let mut entries = Vec::with_capacity(keyb.entries.len());
        for e in &keyb.entries {
            let bad = |why: &str| SnapshotError::Decode(format!("mvcc: cannot restore key {:x?}: {why}", e.key));
            let rev = key_rev(&e.key).ok_or_else(|| bad("shorter than a revision"))?;
            let tombstone = e.key.len() == 18 && e.key[17] == b't';
            let kv = proto::decode_kv(e.value.as_deref().unwrap_or_default()).map_err(|err| bad(&err))?;
            current = rev.main;
            match store.index.get_mut(&kv.key) {
                Some(ki) if tombstone => ki.tombstone(rev),
                Some(ki) => ki.put(rev),
                None if !tombstone => {
                    let g = Generation { created: Revision::new(kv.create_revision, 0), ver: kv.version, revs: vec![rev] };
                    store.index.insert(kv.key.clone(), KeyIndex { modified: rev, generations: vec![g] });
                }
                // etcd skips a tombstone of a key it has not seen (its puts were compacted).
                None => {}
            }
            entries.push((rev, BackendEntry { kv, tombstone }));
        }
        // In one go: a damaged file's revisions may be out of order.
        store.backend = Backend::from_entries(entries);
    }
    store.current_rev = current.max(store.compact_rev).max(1);
    let mut leases = Vec::new();
    if let Some(lb) = find(b"lease") {
        for e in &lb.entries {
            leases.push(proto::decode_lease(e.value.as_deref().unwrap_or_default()).map_err(|err| SnapshotError::Decode(format!("lease: {err}")))?);
        }
    }
    let members = find(b"members")
        .map(|b| b.entries.iter().map(|e| (String::from_utf8_lossy(&e.key).into_owned(), String::from_utf8_lossy(e.value.as_deref().unwrap_or_default()).into_owned())).collect())
        .unwrap_or_default();
    store.consistent_index = consistent_index.saturating_sub(BOOT_RAFT_INDEX);
    if leases.is_empty() {
        // No lease to re-attach keys to: skip the lessor's scan of every key (the slow part
        // of loading 100k keys in wasm).
        store.recompute_sizes();
    } else {
        store.restore_leases(leases.iter().map(|l| (l.id, l.ttl)), now_ms);
    }
    let cluster_version = find(b"cluster").and_then(|b| b.entries.iter().find(|e| e.key == b"clusterVersion")).map(|e| String::from_utf8_lossy(e.value.as_deref().unwrap_or_default()).into_owned());
    Ok(Loaded { store, leases, consistent_index, members, cluster_version })
}

/// [`load_at`] with leases counted from time 0.
pub fn load(data: &[u8]) -> Result<Loaded, SnapshotError> {
    load_at(data, 0)
}

/// What an etcd started with `--data-dir DIR` finds: the database at `DIR/member/snap/db`
/// (where `snapshot restore` put it). The cluster code calls this when a member starts on a
/// restored data dir; an error means that member would not start.
pub fn load_data_dir(vfs: &crate::vfs::Vfs, data_dir: &str) -> Result<Loaded, SnapshotError> {
    let path = format!("{}/member/snap/db", data_dir.trim_end_matches('/'));
    let data = vfs.read(&path).map_err(|e| SnapshotError::Decode(format!("open {path}: {}", e.strerror().to_lowercase())))?;
    load(data)
}

/// The engine state a snapshot holds (see [`load`]).
pub fn load_store(data: &[u8]) -> Result<Store, SnapshotError> {
    load(data).map(|l| l.store)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32c_check_value() {
        let mut h = Crc32c::default();
        h.write(b"1234");
        h.write(b"56789");
        assert_eq!(h.sum32(), 0xE306_9283);
    }

    #[test]
    fn rev_keys_sort_like_revisions() {
        assert!(rev_key(Revision::new(2, 5), false) < rev_key(Revision::new(3, 0), false));
        assert_eq!(key_rev(&rev_key(Revision::new(7, 1), true)), Some(Revision::new(7, 1)));
        assert_eq!(key_rev(b"short"), None);
    }

    #[test]
    fn a_restored_data_dir_brings_the_store_back() {
        use crate::engine::{DeleteRangeRequest, PutRequest};
        let mut etcd = crate::cluster::scenario::build("plain").unwrap().etcd;
        for (k, v) in [("a", "1"), ("b", "2"), ("a", "3")] {
            etcd.store.put(PutRequest { key: k.into(), value: v.into(), ..Default::default() }).unwrap();
        }
        etcd.store.delete_range(DeleteRangeRequest { key: b"b".to_vec(), ..Default::default() }).unwrap();
        let file = save(&etcd);
        let mut vfs = crate::vfs::Vfs::default();
        vfs.mkdir_p("/root").unwrap();
        vfs.write("/root/snap.db", file.clone()).unwrap();
        let cfg = restore::RestoreConfig { snapshot_path: "snap.db".into(), data_dir: "/var/lib/etcd-from-backup".into(), ..Default::default() };
        let out = restore::restore(&mut vfs, "/root", &cfg, Ok(&file), restore::Flavor::V34);
        assert_eq!(out.result, Ok(()));
        assert!(vfs.is_dir("/var/lib/etcd-from-backup/member/wal"));
        let loaded = load_data_dir(&vfs, "/var/lib/etcd-from-backup/").unwrap();
        assert_eq!((&loaded.store.index, &loaded.store.backend, loaded.store.current_rev), (&etcd.store.index, &etcd.store.backend, etcd.store.current_rev));
        assert_eq!(loaded.consistent_index, 1);
        assert!(matches!(load_data_dir(&vfs, "/nowhere"), Err(SnapshotError::Decode(_))));
    }

    #[test]
    fn garbage_trailer_checks() {
        assert_eq!(verify_trailer(&[0u8; 100], false), Err(SnapshotError::MissingHash));
        assert!(verify_trailer(&[0u8; 100], true).is_ok());
        let mut f = vec![1u8; 512];
        f.extend_from_slice(&sha256(&[1u8; 512]));
        assert_eq!(verify_trailer(&f, false).unwrap().len(), 512);
        f[3] = 0;
        assert!(matches!(verify_trailer(&f, false), Err(SnapshotError::HashMismatch { .. })));
    }
}
