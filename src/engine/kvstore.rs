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

use super::key_index::KeyIndex;
use super::types::*;
use super::{EngineError, Revision};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What the backend holds at one revision: the key-value as written, and whether the
/// write was a delete (etcd marks tombstones with a trailing `t` in the bbolt key).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackendEntry {
    pub kv: KeyValue,
    pub tombstone: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Store {
    pub index: BTreeMap<Vec<u8>, KeyIndex>,
    pub backend: BTreeMap<Revision, BackendEntry>,
    /// The main revision of the last committed write transaction.
    pub current_rev: i64,
    /// Revisions at or below this one have been compacted away (0: never compacted).
    pub compact_rev: i64,
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

impl Store {
    pub fn new() -> Self {
        Store { index: BTreeMap::new(), backend: BTreeMap::new(), current_rev: 1, compact_rev: 0 }
    }

    pub fn current_revision(&self) -> i64 {
        self.current_rev
    }

    pub fn compact_revision(&self) -> i64 {
        self.compact_rev
    }

    fn keys_in<'a>(&'a self, start: &'a [u8], end: &'a [u8]) -> impl Iterator<Item = (&'a Vec<u8>, &'a KeyIndex)> + 'a {
        self.index
            .range(start.to_vec()..)
            .take_while(move |(k, _)| end.is_empty() && k.as_slice() == start || end == [0] || (!end.is_empty() && k.as_slice() < end))
            .filter(move |(k, _)| in_range(start, end, k))
    }

    pub fn range(&self, req: &RangeRequest) -> Result<RangeResponse, EngineError> {
        let at = if req.revision <= 0 { self.current_rev } else { req.revision };
        if at > self.current_rev {
            return Err(EngineError::FutureRev);
        }
        if req.revision > 0 && at <= self.compact_rev {
            return Err(EngineError::Compacted);
        }
        let mut kvs = Vec::new();
        for (_, ki) in self.keys_in(&req.key, &req.range_end) {
            if let Some((modified, _, _)) = ki.get(at) {
                let entry = &self.backend[&modified];
                kvs.push(entry.kv.clone());
            }
        }
        let count = kvs.len() as i64;
        let mut more = false;
        if req.limit > 0 && kvs.len() as i64 > req.limit {
            kvs.truncate(req.limit as usize);
            more = true;
        }
        if req.count_only {
            kvs.clear();
        } else if req.keys_only {
            for kv in &mut kvs {
                kv.value.clear();
            }
        }
        Ok(RangeResponse { kvs, more, count })
    }

    pub fn put(&mut self, req: PutRequest) -> Result<PutResponse, EngineError> {
        if req.key.is_empty() {
            return Err(EngineError::EmptyKey);
        }
        let rev = Revision::new(self.current_rev + 1, 0);
        let prev = self.latest(&req.key);
        let ki = self.index.entry(req.key.clone()).or_default();
        ki.put(rev);
        let (_, created, version) = ki.get(rev.main).expect("just written");
        let kv = KeyValue {
            key: req.key,
            create_revision: created.main,
            mod_revision: rev.main,
            version,
            value: req.value,
            lease: req.lease,
        };
        self.backend.insert(rev, BackendEntry { kv, tombstone: false });
        self.current_rev = rev.main;
        Ok(PutResponse { prev_kv: if req.prev_kv { prev } else { None } })
    }

    pub fn delete_range(&mut self, req: DeleteRangeRequest) -> Result<DeleteRangeResponse, EngineError> {
        let live: Vec<KeyValue> = self
            .keys_in(&req.key, &req.range_end)
            .filter(|(_, ki)| ki.is_live())
            .map(|(_, ki)| self.backend[&ki.modified].kv.clone())
            .collect();
        if live.is_empty() {
            return Ok(DeleteRangeResponse::default());
        }
        let main = self.current_rev + 1;
        for (sub, kv) in live.iter().enumerate() {
            let rev = Revision::new(main, sub as i64);
            self.index.get_mut(&kv.key).expect("live key is indexed").tombstone(rev);
            let tomb = KeyValue { key: kv.key.clone(), mod_revision: main, ..Default::default() };
            self.backend.insert(rev, BackendEntry { kv: tomb, tombstone: true });
        }
        self.current_rev = main;
        Ok(DeleteRangeResponse { deleted: live.len() as i64, prev_kvs: if req.prev_kv { live } else { Vec::new() } })
    }

    /// The live key-value of `key` at the current revision.
    fn latest(&self, key: &[u8]) -> Option<KeyValue> {
        let ki = self.index.get(key)?;
        ki.is_live().then(|| self.backend[&ki.modified].kv.clone())
    }
}
