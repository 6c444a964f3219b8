//! The store: an index from key to [`KeyIndex`] plus a backend from [`Revision`] to the
//! key's value at that revision (etcd keeps the same split: `treeIndex` + bbolt `key` bucket).
//!
//! ```
//! use etcd_playground::engine::{Store, PutRequest, RangeRequest};
//! let mut s = Store::new();
//! assert_eq!(s.current_revision(), 1); // an empty etcd is at revision 1
//! s.put(PutRequest { key: b"k1".to_vec(), value: b"AAA,BBB,CCC".to_vec(), ..Default::default() }).unwrap();
//! let r = s.range(&RangeRequest { key: b"k1".to_vec(), ..Default::default() }).unwrap();
//! assert_eq!(r.kvs[0].value, b"AAA,BBB,CCC");
//! assert_eq!((r.kvs[0].create_revision, r.kvs[0].mod_revision, r.kvs[0].version), (2, 2, 1));
//! ```
//!
//! Every write goes through a write transaction ([`TxnWrite`]): its changes share one main
//! revision and count sub-revisions from 0; a transaction that changes nothing does not move
//! the revision (deleting a missing key leaves the store at the same revision).
//!
//! ```
//! use etcd_playground::engine::{Store, PutRequest, DeleteRangeRequest};
//! let mut s = Store::new();
//! s.put(PutRequest { key: b"a".to_vec(), value: b"1".to_vec(), ..Default::default() }).unwrap();
//! let d = s.delete_range(DeleteRangeRequest { key: b"zz".to_vec(), ..Default::default() }).unwrap();
//! assert_eq!((d.deleted, s.current_revision()), (0, 2));
//! ```

use super::backend::Backend;
use super::key_index::KeyIndex;
use super::lease::Lessor;
use super::types::*;
use super::watchable_store::Watchers;
use super::{EngineError, Revision};
use serde::{Deserialize, Serialize};
use crate::sorted_map::SortedSet;
use std::collections::BTreeMap;
use std::ops::Bound;

/// What the backend holds at one revision: the key-value as written, and whether the
/// write was a delete (etcd marks tombstones with a trailing `t` in the bbolt key, and
/// stores a tombstone's value as a `KeyValue` holding only the key).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackendEntry {
    pub kv: KeyValue,
    pub tombstone: bool,
}

/// etcd's default `--quota-backend-bytes`: 2 GiB.
pub const DEFAULT_QUOTA_BYTES: i64 = 2 * 1024 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Store {
    pub index: BTreeMap<Vec<u8>, KeyIndex>,
    pub backend: Backend,
    /// The main revision of the last committed write transaction.
    pub current_rev: i64,
    /// etcd's `compactMainRev`: revisions below it have been compacted away. It is -1 until
    /// the first compaction (etcd reports `compact_revision: -1` in HashKV then), and
    /// `compact(0)` on a fresh store is valid and sets it to 0.
    pub compact_rev: i64,
    /// etcd's consistent index: the raft index of the last applied entry. Every operation
    /// that goes through raft in etcd bumps it (put, delete, txn with writes, compaction,
    /// lease grant/revoke, alarm changes), even when the entry fails at apply time.
    #[serde(default)]
    pub consistent_index: u64,
    /// The lessor: leases and the keys attached to them.
    #[serde(default)]
    pub lessor: Lessor,
    /// Watchers and their pending events.
    #[serde(default)]
    pub watchers: Watchers,
    /// `--quota-backend-bytes`.
    #[serde(default = "default_quota")]
    pub quota_bytes: i64,
    /// Estimated bytes of the backend in use and the file size (see [`Store::db_size`]).
    #[serde(default)]
    pub size_in_use: i64,
    #[serde(default)]
    pub size_file: i64,
    /// Active alarms (`etcdctl alarm list`).
    #[serde(default)]
    pub alarms: SortedSet<AlarmMember>,
    /// The member id alarms are raised for (set by the cluster layer).
    #[serde(default)]
    pub member_id: u64,
}

fn default_quota() -> i64 {
    DEFAULT_QUOTA_BYTES
}

impl Default for Store {
    fn default() -> Self {
        Self::new()
    }
}

/// True when `key` falls in the request's `[key, range_end)` span (see [`RangeRequest`]).
pub fn in_range(start: &[u8], end: &[u8], key: &[u8]) -> bool {
    if end.is_empty() {
        key == start
    } else if end == [0] {
        key >= start
    } else {
        key >= start && key < end
    }
}

/// An open write transaction: its main revision and the changes made so far (etcd's
/// `storeTxnWrite`). Reads inside it see its own writes.
#[derive(Debug, Default)]
pub struct TxnWrite {
    pub(crate) main: i64,
    /// How many changes were made (the next sub-revision).
    pub(crate) n: i64,
    /// The changes as events, kept only when someone watches.
    pub(crate) changes: Vec<Event>,
    record: bool,
}

impl Store {
    pub fn new() -> Self {
        Store {
            index: BTreeMap::new(),
            backend: Backend::new(),
            current_rev: 1,
            compact_rev: -1,
            consistent_index: 0,
            lessor: Lessor::default(),
            watchers: Watchers::default(),
            quota_bytes: DEFAULT_QUOTA_BYTES,
            size_in_use: 0,
            size_file: 0,
            alarms: SortedSet::new(),
            member_id: 0,
        }
    }

    pub fn current_revision(&self) -> i64 {
        self.current_rev
    }

    /// The compacted revision as etcd reports it (-1 before the first compaction).
    pub fn compact_revision(&self) -> i64 {
        self.compact_rev
    }

    /// The consistent (applied raft) index.
    pub fn consistent_index(&self) -> u64 {
        self.consistent_index
    }

    /// Marks one raft entry as applied (the engine calls it for every request that goes
    /// through raft in etcd; the cluster layer may call it for entries the engine does not
    /// see, e.g. `alarm list`, member changes).
    pub fn applied(&mut self) {
        self.consistent_index += 1;
        self.lessor.next_request_id();
    }

    /// Calls `f` for the key indexes in `[start, end)` (or the single key `start` when `end`
    /// is empty, or every key from `start` when `end == [0]`), in key order.
    pub(crate) fn for_each_key<'a>(&'a self, start: &[u8], end: &[u8], mut f: impl FnMut(&'a KeyIndex)) {
        if end.is_empty() {
            if let Some(ki) = self.index.get(start) {
                f(ki);
            }
            return;
        }
        let upper: Bound<&[u8]> = if end == [0] {
            Bound::Unbounded
        } else if end <= start {
            return;
        } else {
            Bound::Excluded(end)
        };
        for (_, ki) in self.index.range::<[u8], _>((Bound::Included(start), upper)) {
            f(ki);
        }
    }

    /// The key-value `ki` had at main revision `at`, borrowed from the backend.
    pub(crate) fn kv_ref(&self, ki: &KeyIndex, at: i64) -> Option<&KeyValue> {
        let (modified, _, _) = ki.get(at)?;
        self.backend.get(&modified).map(|e| &e.kv)
    }

    /// The key-values live at main revision `at` in the span, in key order.
    pub(crate) fn kvs_at(&self, start: &[u8], end: &[u8], at: i64) -> Vec<KeyValue> {
        let mut out = Vec::new();
        self.for_each_key(start, end, |ki| {
            if let Some(kv) = self.kv_ref(ki, at) {
                out.push(kv.clone());
            }
        });
        out
    }

    /// How many keys are live at `at` in the span (count-only ranges).
    fn count_at(&self, start: &[u8], end: &[u8], at: i64) -> i64 {
        let mut n = 0;
        self.for_each_key(start, end, |ki| n += ki.get(at).is_some() as i64);
        n
    }

    /// The live key-value of `key` at main revision `at`.
    pub(crate) fn kv_at(&self, key: &[u8], at: i64) -> Option<KeyValue> {
        self.kv_ref(self.index.get(key)?, at).cloned()
    }

    /// `Range`, as etcd's server applies it: the store read (`rev` 0 = current; below the
    /// compacted revision `Compacted`, above the current one `FutureRev`), then the
    /// min/max revision filters, the sort, the limit (`more`), keys-only. `count` is the
    /// number of keys in the span before filters and limit.
    ///
    /// ```
    /// use etcd_playground::engine::*;
    /// let mut s = Store::new();
    /// for (k, v) in [("b", "2"), ("a", "3"), ("c", "1")] {
    ///     s.put(PutRequest { key: k.into(), value: v.into(), ..Default::default() }).unwrap();
    /// }
    /// // A sort target without an order sorts ascending (etcd's default).
    /// let r = s.range(&RangeRequest { key: b"a".to_vec(), range_end: vec![0], sort_target: SortTarget::Value, limit: 2, ..Default::default() }).unwrap();
    /// let keys: Vec<&[u8]> = r.kvs.iter().map(|kv| kv.key.as_slice()).collect();
    /// assert_eq!((keys, r.more, r.count), (vec![&b"c"[..], &b"b"[..]], true, 3));
    /// ```
    pub fn range(&self, req: &RangeRequest) -> Result<RangeResponse, EngineError> {
        if req.key.is_empty() {
            return Err(EngineError::EmptyKey);
        }
        self.range_in(req, self.current_rev)
    }

    /// A range as seen from a transaction whose reads happen at `cur` (the store's current
    /// revision, or the txn's own revision once it has written).
    pub(crate) fn range_in(&self, req: &RangeRequest, cur: i64) -> Result<RangeResponse, EngineError> {
        if req.revision > cur {
            return Err(EngineError::FutureRev);
        }
        let at = if req.revision <= 0 { cur } else { req.revision };
        if at < self.compact_rev {
            return Err(EngineError::Compacted);
        }
        if req.count_only {
            return Ok(RangeResponse { kvs: Vec::new(), more: false, count: self.count_at(&req.key, &req.range_end, at) });
        }
        let filtered = req.sort_order != SortOrder::None
            || req.min_mod_revision != 0
            || req.max_mod_revision != 0
            || req.min_create_revision != 0
            || req.max_create_revision != 0;
        let (mut kvs, count) = if req.limit > 0 && !filtered {
            // Fetch one more than the limit (to know whether there is `more`); count the rest.
            let mut kvs = Vec::new();
            let mut count = 0i64;
            self.for_each_key(&req.key, &req.range_end, |ki| {
                if count <= req.limit {
                    if let Some(kv) = self.kv_ref(ki, at) {
                        kvs.push(kv.clone());
                        count += 1;
                    }
                } else if ki.get(at).is_some() {
                    count += 1;
                }
            });
            (kvs, count)
        } else {
            let kvs = self.kvs_at(&req.key, &req.range_end, at);
            let n = kvs.len() as i64;
            (kvs, n)
        };
        if req.max_mod_revision != 0 {
            kvs.retain(|kv| kv.mod_revision <= req.max_mod_revision);
        }
        if req.min_mod_revision != 0 {
            kvs.retain(|kv| kv.mod_revision >= req.min_mod_revision);
        }
        if req.max_create_revision != 0 {
            kvs.retain(|kv| kv.create_revision <= req.max_create_revision);
        }
        if req.min_create_revision != 0 {
            kvs.retain(|kv| kv.create_revision >= req.min_create_revision);
        }
        let mut order = req.sort_order;
        if req.sort_target != SortTarget::Key && order == SortOrder::None {
            order = SortOrder::Ascend;
        }
        if order != SortOrder::None {
            let cmp = |a: &KeyValue, b: &KeyValue| match req.sort_target {
                SortTarget::Key => a.key.cmp(&b.key),
                SortTarget::Version => a.version.cmp(&b.version),
                SortTarget::Create => a.create_revision.cmp(&b.create_revision),
                SortTarget::Mod => a.mod_revision.cmp(&b.mod_revision),
                SortTarget::Value => a.value.cmp(&b.value),
            };
            // Stable, like Go's insertion sort on the small slices etcdctl users see: equal
            // elements keep key order in both directions.
            match order {
                SortOrder::Descend => crate::sort::sort_by(&mut kvs, |a, b| cmp(b, a)),
                _ => crate::sort::sort_by(&mut kvs, cmp),
            }
        }
        let mut more = false;
        if req.limit > 0 && kvs.len() as i64 > req.limit {
            kvs.truncate(req.limit as usize);
            more = true;
        }
        if req.keys_only {
            for kv in &mut kvs {
                kv.value.clear();
            }
        }
        Ok(RangeResponse { kvs, more, count })
    }

    /// `Put`: writes `value` at a new revision. `prev_kv` returns the value it replaced;
    /// `ignore_value`/`ignore_lease` keep the current value/lease (the key must exist);
    /// `lease` attaches the key to a lease (which must exist).
    ///
    /// ```
    /// use etcd_playground::engine::*;
    /// let mut s = Store::new();
    /// let put = |s: &mut Store, r: PutRequest| s.put(r).map_err(|e| e.to_string());
    /// assert_eq!(put(&mut s, PutRequest { key: b"k".to_vec(), ignore_value: true, ..Default::default() }),
    ///            Err("etcdserver: key not found".to_string()));
    /// assert_eq!(put(&mut s, PutRequest { key: b"k".to_vec(), value: b"v".to_vec(), ignore_value: true, ..Default::default() }),
    ///            Err("etcdserver: value is provided".to_string()));
    /// assert_eq!(put(&mut s, PutRequest { key: b"k".to_vec(), lease: 7, ..Default::default() }),
    ///            Err("etcdserver: requested lease not found".to_string()));
    /// put(&mut s, PutRequest { key: b"k".to_vec(), value: b"v1".to_vec(), ..Default::default() }).unwrap();
    /// let r = put(&mut s, PutRequest { key: b"k".to_vec(), value: b"v2".to_vec(), prev_kv: true, ..Default::default() }).unwrap();
    /// assert_eq!(r.prev_kv.unwrap().value, b"v1");
    /// ```
    pub fn put(&mut self, req: PutRequest) -> Result<PutResponse, EngineError> {
        self.quota_check(cost_put(&req))?;
        check_put(&req)?;
        // After the gRPC layer's checks, as etcd's raft proposal does.
        super::limits::check_request(super::limits::raft_put_len(&req))?;
        self.applied();
        if self.nospace_active() {
            return Err(EngineError::NoSpace);
        }
        if req.lease != 0 && !self.lessor.leases.contains_key(&req.lease) {
            return Err(EngineError::LeaseNotFound);
        }
        let mut tw = self.begin_write();
        let resp = self.apply_put(&mut tw, req);
        self.end_write(tw);
        resp
    }

    /// `DeleteRange`: writes a tombstone for every live key in the span, all at one
    /// revision (sub-revisions in key order).
    pub fn delete_range(&mut self, req: DeleteRangeRequest) -> Result<DeleteRangeResponse, EngineError> {
        if req.key.is_empty() {
            return Err(EngineError::EmptyKey);
        }
        super::limits::check_request(super::limits::raft_delete_len(&req))?;
        self.applied();
        let mut tw = self.begin_write();
        let resp = self.apply_delete_range(&mut tw, &req);
        self.end_write(tw);
        Ok(resp)
    }

    pub(crate) fn begin_write(&self) -> TxnWrite {
        TxnWrite { main: self.current_rev + 1, n: 0, changes: Vec::new(), record: !self.watchers.by_id.is_empty() }
    }

    /// The revision reads inside `tw` happen at: its own once it has written.
    pub(crate) fn read_rev(&self, tw: &TxnWrite) -> i64 {
        if tw.n == 0 {
            self.current_rev
        } else {
            tw.main
        }
    }

    pub(crate) fn apply_put(&mut self, tw: &mut TxnWrite, req: PutRequest) -> Result<PutResponse, EngineError> {
        let at = self.read_rev(tw);
        // The index alone gives the previous create revision and version, and the lessor the
        // previous lease; the backend is read only when the previous value is needed. The key
        // index is looked up once and updated in place.
        let found = self.index.get_mut(&req.key).and_then(|ki| ki.get(at).map(|g| (ki, g)));
        let Some((ki, (modified, created, ver))) = found else {
            if req.ignore_value || req.ignore_lease {
                return Err(EngineError::KeyNotFound);
            }
            self.tx_put(tw, req.key, req.value, req.lease, None, None, false);
            return Ok(PutResponse { prev_kv: None });
        };
        ki.put(Revision::new(tw.main, tw.n));
        let old_lease = self.lessor.lease_of(&req.key);
        let mut value = req.value;
        let mut lease = req.lease;
        let mut prev = None;
        if req.ignore_value || req.prev_kv || tw.record {
            prev = self.backend.get(&modified).map(|e| e.kv.clone());
        }
        if req.ignore_value {
            value = prev.as_ref().map(|p| p.value.clone()).unwrap_or_default();
        }
        if req.ignore_lease {
            lease = old_lease;
        }
        let prev_kv = if req.prev_kv { prev.clone() } else { None };
        self.tx_put(tw, req.key, value, lease, Some((created.main, ver, old_lease)), prev, true);
        Ok(PutResponse { prev_kv })
    }

    pub(crate) fn apply_delete_range(&mut self, tw: &mut TxnWrite, req: &DeleteRangeRequest) -> DeleteRangeResponse {
        let at = self.read_rev(tw);
        let live = self.kvs_at(&req.key, &req.range_end, at);
        for kv in &live {
            self.tx_delete(tw, kv);
        }
        DeleteRangeResponse { deleted: live.len() as i64, prev_kvs: if req.prev_kv { live } else { Vec::new() } }
    }

    /// etcd's `storeTxnWrite.put`. `meta` is the previous (create revision, version, lease).
    /// `indexed`: the key index already holds this revision.
    #[allow(clippy::too_many_arguments)]
    fn tx_put(
        &mut self,
        tw: &mut TxnWrite,
        key: Vec<u8>,
        value: Vec<u8>,
        lease: i64,
        meta: Option<(i64, i64, i64)>,
        prev: Option<KeyValue>,
        indexed: bool,
    ) {
        let rev = Revision::new(tw.main, tw.n);
        tw.n += 1;
        let (create_revision, version, old_lease) = match meta {
            Some((c, v, l)) => (c, v + 1, l),
            None => (rev.main, 1, 0),
        };
        if !indexed {
            match self.index.get_mut(&key) {
                Some(ki) => ki.put(rev),
                None => {
                    let mut ki = KeyIndex::default();
                    ki.put(rev);
                    self.index.insert(key.clone(), ki);
                }
            }
        }
        if old_lease != 0 {
            self.lessor.detach(old_lease, &key);
        }
        if lease != 0 {
            self.lessor.attach(lease, &key);
        }
        let kv = KeyValue { key, create_revision, mod_revision: rev.main, version, value, lease };
        if tw.record {
            tw.changes.push(Event { kind: EventType::Put, kv: kv.clone(), prev_kv: prev });
        }
        self.backend_insert(rev, BackendEntry { kv, tombstone: false });
    }

    /// etcd's `storeTxnWrite.delete`: the tombstone holds only the key.
    pub(crate) fn tx_delete(&mut self, tw: &mut TxnWrite, prev: &KeyValue) {
        let rev = Revision::new(tw.main, tw.n);
        tw.n += 1;
        if let Some(ki) = self.index.get_mut(&prev.key) {
            ki.tombstone(rev);
        }
        if prev.lease != 0 {
            self.lessor.detach(prev.lease, &prev.key);
        }
        let tomb = KeyValue { key: prev.key.clone(), ..Default::default() };
        self.backend_insert(rev, BackendEntry { kv: tomb, tombstone: true });
        if tw.record {
            let kv = KeyValue { key: prev.key.clone(), mod_revision: rev.main, ..Default::default() };
            tw.changes.push(Event { kind: EventType::Delete, kv, prev_kv: Some(prev.clone()) });
        }
    }

    /// Commits `tw`: the revision moves only if something changed; watchers get the events.
    pub(crate) fn end_write(&mut self, tw: TxnWrite) {
        if tw.n == 0 {
            return;
        }
        self.current_rev = tw.main;
        if !tw.changes.is_empty() {
            self.watchers.notify(&tw.changes);
        }
    }
}

/// The request checks etcd's gRPC layer makes before a put reaches raft.
pub(crate) fn check_put(req: &PutRequest) -> Result<(), EngineError> {
    if req.key.is_empty() {
        return Err(EngineError::EmptyKey);
    }
    if req.ignore_value && !req.value.is_empty() {
        return Err(EngineError::ValueProvided);
    }
    if req.ignore_lease && req.lease != 0 {
        return Err(EngineError::LeaseProvided);
    }
    Ok(())
}

/// etcd's quota cost of a put: a fixed overhead plus key and value.
pub(crate) fn cost_put(req: &PutRequest) -> i64 {
    256 + req.key.len() as i64 + req.value.len() as i64
}
