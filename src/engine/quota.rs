//! The backend quota and the NOSPACE alarm, after etcd's `quota.go` and `alarm` package.
//!
//! **Size estimate.** The playground has no bbolt file, so it estimates one, deterministically:
//! a fresh member uses 16 KiB of a 24 KiB file (what etcd 3.4.23 reports). A backend entry of
//! `L` bytes (bbolt key + protobuf value + a 16-byte element header) takes `2L` while `L` is at
//! most 1 KiB (leaf pages of a B+tree fed in key order end up about half full), and
//! `2048 + 1.5 × (L − 1024)` above that (large values fill their own pages better); a lease
//! takes 64 bytes. The first 4 KiB of that fit in the fresh member's empty leaf page; the rest
//! is added in whole 4 KiB pages. Calibration on etcd 3.4.23: 100 puts of 100-byte values take
//! it from 16384 to 45056 bytes in use (the estimate: the same); with
//! `--quota-backend-bytes=100000`, 3000-byte values failed with NOSPACE at the 18th put in one
//! run and the 20th in another (bbolt's batching varies; the estimate: the 18th). The file size is the largest in-use size ever reached (bbolt never
//! shrinks its file). `defrag` rewrites the file packed: entries up to 2 KiB take their own
//! size, larger ones whole pages (after the NOSPACE sequence above, etcd reported 86016 bytes
//! in use after defrag; the estimate: the same), and the file shrinks to that.
//!
//! A write whose cost would take the file size to the quota raises NOSPACE and fails; while
//! the alarm is active, puts, txns with puts and lease grants fail; deletes, reads and
//! compaction work. Recovery is etcd's: compact, defrag, `alarm disarm`.
//!
//! ```
//! use etcd_playground::engine::*;
//! let mut s = Store::new();
//! s.quota_bytes = 64 * 1024;
//! let big = vec![b'x'; 4000];
//! let mut n = 0;
//! let err = loop {
//!     match s.put(PutRequest { key: b"k".to_vec(), value: big.clone(), ..Default::default() }) {
//!         Ok(_) => n += 1,
//!         Err(e) => break e,
//!     }
//! };
//! assert_eq!(err.to_string(), "etcdserver: mvcc: database space exceeded");
//! assert_eq!(s.alarm_list(), vec![AlarmMember { member_id: 0, alarm: AlarmType::NoSpace }]);
//! // Deleting is allowed; writing is not, even after compaction, until defrag and disarm.
//! s.compact(s.current_revision()).unwrap();
//! assert!(s.put(PutRequest { key: b"k".to_vec(), value: b"v".to_vec(), ..Default::default() }).is_err());
//! s.defrag();
//! s.alarm_disarm();
//! assert!(s.alarm_list().is_empty());
//! s.put(PutRequest { key: b"k".to_vec(), value: b"v".to_vec(), ..Default::default() }).unwrap();
//! assert!(n > 5);
//! ```

use super::kvstore::{BackendEntry, Store};
use super::types::*;
use super::{EngineError, Revision};

/// A fresh member's in-use bytes and file size (etcd 3.4.23).
pub const FRESH_IN_USE: i64 = 16 * 1024;
pub const FRESH_FILE: i64 = 24 * 1024;
const PAGE: i64 = 4096;

/// The estimated bytes one backend entry takes (see the module docs).
pub fn entry_size(_rev: Revision, e: &BackendEntry) -> i64 {
    let l = raw_size(e);
    if l <= 1024 {
        2 * l
    } else {
        2048 + 3 * (l - 1024) / 2
    }
}

fn raw_size(e: &BackendEntry) -> i64 {
    17 + e.tombstone as i64 + e.kv.proto_len() as i64 + 16
}

/// What one backend entry takes right after a defrag.
pub fn packed_size(_rev: Revision, e: &BackendEntry) -> i64 {
    let l = raw_size(e);
    if l <= 2048 {
        l
    } else {
        (l + PAGE - 1) / PAGE * PAGE
    }
}

impl Store {
    pub(crate) fn backend_insert(&mut self, rev: Revision, e: BackendEntry) {
        self.size_in_use += entry_size(rev, &e);
        if let Some(old) = self.backend.insert(rev, e) {
            self.size_in_use -= entry_size(rev, &old);
        }
        self.grow_file();
    }

    pub(crate) fn grow_file(&mut self) {
        self.size_file = self.size_file.max(self.db_size_in_use());
    }

    /// Recomputes what the store derives from its parts — the size counters and the lessor's
    /// key → lease map — after building a store from parts (e.g. a restored snapshot); the
    /// file size becomes the in-use size.
    pub fn recompute_sizes(&mut self) {
        let items: Vec<(Vec<u8>, i64)> =
            self.lessor.leases.values().flat_map(|l| l.keys.iter().map(move |k| (k.clone(), l.id))).collect();
        self.lessor.item_map = items.into_iter().collect();
        let entries: i64 = self.backend.iter().map(|(r, e)| entry_size(*r, e)).sum();
        self.size_in_use = entries + self.lessor.leases.len() as i64 * super::lease::LEASE_OVERHEAD;
        self.size_file = self.db_size_in_use();
    }

    /// The estimated bytes in use (etcd's `dbSizeInUse`), in whole pages.
    pub fn db_size_in_use(&self) -> i64 {
        let extra = (self.size_in_use - PAGE).max(0);
        FRESH_IN_USE + (extra + PAGE - 1) / PAGE * PAGE
    }

    /// The estimated backend file size (etcd's `dbSize`).
    pub fn db_size(&self) -> i64 {
        FRESH_FILE.max(self.size_file).max(self.db_size_in_use())
    }

    /// `Defragment`: the backend is rewritten packed and the file shrinks to it.
    pub fn defrag(&mut self) {
        let packed: i64 = self.backend.iter().map(|(r, e)| packed_size(*r, e)).sum();
        self.size_in_use = packed + self.lessor.leases.len() as i64 * super::lease::LEASE_OVERHEAD;
        self.size_file = self.db_size_in_use();
    }

    pub(crate) fn nospace_active(&self) -> bool {
        self.alarms.iter().any(|a| a.alarm == AlarmType::NoSpace)
    }

    /// etcd's `quotaKVServer` check: when `db_size + cost` would reach the quota, NOSPACE is
    /// raised (a raft entry of its own) and the request fails.
    /// A quota of 0 means the default (2 GiB), a negative one no limit, as in etcd.
    pub(crate) fn quota_check(&mut self, cost: i64) -> Result<(), EngineError> {
        let quota = match self.quota_bytes {
            0 => super::kvstore::DEFAULT_QUOTA_BYTES,
            q if q < 0 => return Ok(()),
            q => q,
        };
        // etcd 3.4.23 lets requests that write nothing (read-only or delete-only txns) through.
        if cost == 0 || self.db_size() + cost < quota {
            return Ok(());
        }
        self.applied();
        self.alarms.insert(AlarmMember { member_id: self.member_id, alarm: AlarmType::NoSpace });
        Err(EngineError::NoSpace)
    }

    /// The active alarms. (`etcdctl alarm list` is a raft request, so the command also calls
    /// [`Store::applied`]; `endpoint status` reads alarms without one.)
    pub fn alarm_list(&self) -> Vec<AlarmMember> {
        self.alarms.iter().copied().collect()
    }

    /// `etcdctl alarm disarm`: clears every alarm and returns what was cleared (a later write
    /// over the quota raises NOSPACE again). Like etcdctl, one raft entry to list the alarms,
    /// then one per alarm deactivated.
    pub fn alarm_disarm(&mut self) -> Vec<AlarmMember> {
        self.applied();
        let cleared: Vec<AlarmMember> = std::mem::take(&mut self.alarms).into_iter().collect();
        for _ in &cleared {
            self.applied();
        }
        cleared
    }
}
