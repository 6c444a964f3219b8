//! Compaction and HashKV, after etcd's `kvstore_compaction.go` and `HashByRev`.
//!
//! Compacting at `rev` keeps, for every key, the latest revision at or before `rev` (unless
//! that is a tombstone) and everything after `rev`; the rest of the history is removed from
//! both the index and the backend. Reads below `rev` then fail with `Compacted`.
//!
//! ```
//! use etcd_playground::engine::*;
//! let mut s = Store::new();
//! for v in ["1", "2", "3"] {
//!     s.put(PutRequest { key: b"k".to_vec(), value: v.into(), ..Default::default() }).unwrap();
//! } // revisions 2, 3, 4
//! s.compact(3).unwrap();
//! assert_eq!(s.backend.len(), 2); // 3 (the latest at or before 3) and 4 remain
//! let at = |s: &Store, rev| s.range(&RangeRequest { key: b"k".to_vec(), revision: rev, ..Default::default() }).map_err(|e| e.to_string());
//! assert_eq!(at(&s, 3).unwrap().kvs[0].value, b"2");
//! assert_eq!(at(&s, 2).unwrap_err(), "etcdserver: mvcc: required revision has been compacted");
//! assert_eq!(s.compact(3).unwrap_err().to_string(), "etcdserver: mvcc: required revision has been compacted");
//! assert_eq!(s.compact(5).unwrap_err().to_string(), "etcdserver: mvcc: required revision is a future revision");
//! ```

use super::kvstore::Store;
use super::{EngineError, Revision};

impl Store {
    /// `Compact` at main revision `rev` (physical: the removed history is gone).
    pub fn compact(&mut self, rev: i64) -> Result<(), EngineError> {
        self.applied();
        if rev <= self.compact_rev {
            return Err(EngineError::Compacted);
        }
        if rev > self.current_rev {
            return Err(EngineError::FutureRev);
        }
        self.compact_rev = rev;
        let mut keep = Vec::new();
        self.index.retain(|_, ki| {
            ki.compact(rev, &mut keep);
            !ki.is_empty()
        });
        crate::sort::sort(&mut keep);
        let kept = |r: &Revision| keep.binary_search(r).is_ok();
        let end = Revision::new(rev + 1, 0);
        let mut freed = 0;
        self.backend.retain(|r, e| {
            let stays = *r >= end || kept(r);
            if !stays {
                freed += super::quota::entry_size(*r, e);
            }
            stays
        });
        self.size_in_use -= freed;
        Ok(())
    }

    /// `HashKV` at `rev` (0 = current): etcd's CRC-32C (Castagnoli) over the bucket name `key`
    /// and every backend entry up to `rev` (its 17- or 18-byte bbolt key and protobuf value),
    /// skipping entries at or below the compacted revision that a compaction at `rev` would
    /// drop. Returns the hash and the compacted revision (-1 when never compacted).
    ///
    /// ```
    /// use etcd_playground::engine::*;
    /// let mut s = Store::new();
    /// s.put(PutRequest { key: b"a".to_vec(), value: b"1".to_vec(), ..Default::default() }).unwrap();
    /// // Real etcd 3.4.23 after `etcdctl put a 1` on a fresh member: hash 2587454935.
    /// assert_eq!(s.hash_kv(0).unwrap(), (2587454935, -1));
    /// ```
    pub fn hash_kv(&self, rev: i64) -> Result<(u32, i64), EngineError> {
        if rev > 0 && rev <= self.compact_rev {
            return Err(EngineError::Compacted);
        }
        if rev > 0 && rev > self.current_rev {
            return Err(EngineError::FutureRev);
        }
        let rev = if rev == 0 { self.current_rev } else { rev };
        let mut keep = Vec::new();
        for ki in self.index.values() {
            ki.keep(rev, &mut keep);
        }
        crate::sort::sort(&mut keep);
        let lower = Revision::new(self.compact_rev + 1, 0);
        let mut h = Crc32c::new();
        h.write(b"key");
        for (r, e) in self.backend.range(..Revision::new(rev + 1, 0)) {
            if *r < lower && !keep.is_empty() && keep.binary_search(r).is_err() {
                continue;
            }
            h.write(&bbolt_key(*r, e.tombstone));
            h.write(&e.kv.encode_proto());
        }
        Ok((h.sum(), self.compact_rev))
    }
}

/// The key etcd gives a revision in bbolt's `key` bucket: main and sub as big-endian u64
/// around a `_`, and a trailing `t` for a tombstone.
///
/// ```
/// use etcd_playground::engine::{kvstore_compaction::bbolt_key, Revision};
/// assert_eq!(bbolt_key(Revision::new(2, 1), true), b"\0\0\0\0\0\0\0\x02_\0\0\0\0\0\0\0\x01t".to_vec());
/// ```
pub fn bbolt_key(rev: Revision, tombstone: bool) -> Vec<u8> {
    let mut k = Vec::with_capacity(18);
    k.extend_from_slice(&(rev.main as u64).to_be_bytes());
    k.push(b'_');
    k.extend_from_slice(&(rev.sub as u64).to_be_bytes());
    if tombstone {
        k.push(b't');
    }
    k
}

/// CRC-32C (Castagnoli), reflected, as Go's `crc32.MakeTable(crc32.Castagnoli)`.
///
/// ```
/// use etcd_playground::engine::kvstore_compaction::Crc32c;
/// let mut h = Crc32c::new();
/// h.write(b"123456789");
/// assert_eq!(h.sum(), 0xe3069283); // the standard check value
/// ```
pub struct Crc32c {
    table: [u32; 256],
    crc: u32,
}

impl Default for Crc32c {
    fn default() -> Self {
        Self::new()
    }
}

impl Crc32c {
    pub fn new() -> Self {
        let mut table = [0u32; 256];
        for (i, t) in table.iter_mut().enumerate() {
            let mut c = i as u32;
            for _ in 0..8 {
                c = if c & 1 != 0 { (c >> 1) ^ 0x82f6_3b78 } else { c >> 1 };
            }
            *t = c;
        }
        Crc32c { table, crc: !0 }
    }

    pub fn write(&mut self, data: &[u8]) {
        for &b in data {
            self.crc = self.table[((self.crc ^ b as u32) & 0xff) as usize] ^ (self.crc >> 8);
        }
    }

    pub fn sum(&self) -> u32 {
        !self.crc
    }
}
