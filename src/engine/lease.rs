//! Leases, after etcd's `lease.lessor`: a lease has a TTL in seconds and an expiry; keys
//! attached to it are deleted when it is revoked or expires. The clock is the caller's: every
//! operation that needs the time takes `now_ms`, so the browser drives it in real time and
//! tests jump it.
//!
//! **Lease IDs.** etcd picks a lease id from its request-id generator: the member id's low 16
//! bits in the top 16 bits, then a counter started from the boot time in milliseconds shifted
//! left by 8. Every raft request also takes an id from the same generator, which is why two
//! leases granted one after the other differ by 2 (`…4808`, `…480a`). The playground does the
//! same deterministically: the counter starts at `(boot_ms & (2^40-1)) << 8` (see
//! [`Lessor::seed`]; by default member prefix `0x694d` and a fixed boot time), each applied
//! raft entry takes one id, and a grant without an id takes one more for the lease.
//!
//! ```
//! use etcd_playground::engine::Store;
//! let mut s = Store::new();
//! let a = s.lease_grant(0, 60, 0).unwrap();
//! let b = s.lease_grant(0, 1, 0).unwrap();
//! assert_eq!(format!("{:016x}", a.id), "694d9abae2852e01");
//! assert_eq!(b.id - a.id, 2);
//! assert_eq!(b.ttl, 2); // etcd's minimum TTL with default heartbeat/election timeouts
//! ```

use super::kvstore::Store;
use super::types::*;
use super::EngineError;
use serde::{Deserialize, Serialize};
use crate::sorted_map::{SortedMap, SortedSet};

/// etcd's `MaxLeaseTTL`.
pub const MAX_LEASE_TTL: i64 = 9_000_000_000;
/// etcd's minimum TTL: ceil(1.5 × election timeout) with the default 1 s election timeout.
pub const MIN_LEASE_TTL: i64 = 2;
/// The boot time (ms since the epoch) the default id generator starts from.
pub const DEFAULT_BOOT_MS: u64 = 1_764_072_000_000 - 1_234;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lease {
    pub id: i64,
    /// The granted TTL in seconds.
    pub ttl: i64,
    /// When the lease expires, in the caller's clock (ms).
    pub expiry_ms: u64,
    /// The keys attached to the lease.
    pub keys: SortedSet<Vec<u8>>,
}

impl Lease {
    /// Remaining whole seconds at `now_ms` (truncated like Go's `int64(d.Seconds())`).
    pub fn remaining_secs(&self, now_ms: u64) -> i64 {
        (self.expiry_ms.saturating_sub(now_ms) / 1000) as i64
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lessor {
    pub leases: SortedMap<i64, Lease>,
    /// Top 16 bits of generated ids (the member id's low 16 bits).
    pub id_prefix: u16,
    /// The generator's counter (48 bits are used).
    pub id_suffix: u64,
    /// Which lease each attached key belongs to (etcd's `itemMap`).
    #[serde(default)]
    pub item_map: SortedMap<Vec<u8>, i64>,
}

impl Default for Lessor {
    fn default() -> Self {
        let mut l = Lessor { leases: SortedMap::new(), id_prefix: 0, id_suffix: 0, item_map: SortedMap::new() };
        l.seed(0x694d, DEFAULT_BOOT_MS);
        l
    }
}

impl Lessor {
    /// Restarts the id generator as etcd's `idutil.NewGenerator(memberID, bootTime)` does.
    pub fn seed(&mut self, member_low16: u16, boot_ms: u64) {
        self.id_prefix = member_low16;
        self.id_suffix = (boot_ms & ((1 << 40) - 1)) << 8;
    }

    /// The generator's next id (etcd's `Generator.Next`).
    pub fn next_request_id(&mut self) -> u64 {
        self.id_suffix = self.id_suffix.wrapping_add(1);
        ((self.id_prefix as u64) << 48) | (self.id_suffix & ((1 << 48) - 1))
    }

    pub(crate) fn attach(&mut self, id: i64, key: &[u8]) {
        if let Some(l) = self.leases.get_mut(&id) {
            l.keys.insert(key.to_vec());
            self.item_map.insert(key.to_vec(), id);
        }
    }

    pub(crate) fn detach(&mut self, id: i64, key: &[u8]) {
        if let Some(l) = self.leases.get_mut(&id) {
            l.keys.remove(key);
        }
        if self.item_map.get(key) == Some(&id) {
            self.item_map.remove(key);
        }
    }

    /// The lease `key` is attached to (0: none).
    pub fn lease_of(&self, key: &[u8]) -> i64 {
        if self.item_map.is_empty() {
            return 0;
        }
        self.item_map.get(key).copied().unwrap_or(0)
    }
}

impl Store {
    /// `LeaseGrant`: `id` 0 picks the next generated id. TTLs below the minimum are raised
    /// to it; above `MAX_LEASE_TTL` fail with `etcdserver: too large lease TTL`.
    pub fn lease_grant(&mut self, id: i64, ttl_secs: i64, now_ms: u64) -> Result<LeaseGrantResponse, EngineError> {
        self.quota_check(LEASE_OVERHEAD)?;
        let mut id = id;
        while id == 0 {
            // Only positive ids (etcd masks the top bit).
            id = (self.lessor.next_request_id() & (i64::MAX as u64)) as i64;
        }
        self.applied();
        if self.nospace_active() {
            return Err(EngineError::NoSpace);
        }
        if ttl_secs > MAX_LEASE_TTL {
            return Err(EngineError::LeaseTtlTooLarge);
        }
        if self.lessor.leases.contains_key(&id) {
            return Err(EngineError::LeaseExists);
        }
        let ttl = ttl_secs.max(MIN_LEASE_TTL);
        let expiry_ms = now_ms.saturating_add((ttl as u64).saturating_mul(1000));
        self.lessor.leases.insert(id, Lease { id, ttl, expiry_ms, keys: SortedSet::new() });
        self.size_in_use += LEASE_OVERHEAD;
        self.grow_file();
        Ok(LeaseGrantResponse { id, ttl })
    }

    /// `LeaseRevoke`: removes the lease and deletes its keys, all in one revision (in key
    /// order, as etcd sorts them).
    ///
    /// ```
    /// use etcd_playground::engine::*;
    /// let mut s = Store::new();
    /// let l = s.lease_grant(0, 60, 0).unwrap().id;
    /// for k in ["b", "a"] {
    ///     s.put(PutRequest { key: k.into(), value: b"v".to_vec(), lease: l, ..Default::default() }).unwrap();
    /// }
    /// s.lease_revoke(l).unwrap();
    /// assert_eq!(s.current_revision(), 4); // two puts, then one revision for both deletes
    /// assert_eq!(s.lease_revoke(l).unwrap_err().to_string(), "etcdserver: requested lease not found");
    /// ```
    pub fn lease_revoke(&mut self, id: i64) -> Result<(), EngineError> {
        self.applied();
        let Some(lease) = self.lessor.leases.remove(&id) else {
            return Err(EngineError::LeaseNotFound);
        };
        self.size_in_use -= LEASE_OVERHEAD;
        for key in &lease.keys {
            self.lessor.item_map.remove(key);
        }
        let mut tw = self.begin_write();
        for key in &lease.keys {
            let at = self.read_rev(&tw);
            if let Some(kv) = self.kv_at(key, at) {
                self.tx_delete(&mut tw, &kv);
            }
        }
        self.end_write(tw);
        Ok(())
    }

    /// `LeaseKeepAlive`: restarts the lease's TTL from `now_ms` and returns the TTL. A lease
    /// that has expired by `now_ms` is revoked (as etcd's expiry loop would have done) and
    /// reported as not found (etcdctl: `lease … expired or revoked.`).
    pub fn lease_keep_alive(&mut self, id: i64, now_ms: u64) -> Result<i64, EngineError> {
        let expired = match self.lessor.leases.get(&id) {
            None => return Err(EngineError::LeaseNotFound),
            Some(l) => l.expiry_ms <= now_ms,
        };
        if expired {
            self.lease_revoke(id)?;
            return Err(EngineError::LeaseNotFound);
        }
        let Some(l) = self.lessor.leases.get_mut(&id) else { return Err(EngineError::LeaseNotFound) };
        l.expiry_ms = now_ms.saturating_add((l.ttl as u64).saturating_mul(1000));
        Ok(l.ttl)
    }

    /// `LeaseTimeToLive`: granted and remaining TTL (and the attached keys when `keys`). An
    /// unknown or expired lease answers `ttl: -1`, as etcd's server does.
    ///
    /// ```
    /// use etcd_playground::engine::*;
    /// let mut s = Store::new();
    /// let l = s.lease_grant(0, 60, 1_000).unwrap().id;
    /// let r = s.lease_time_to_live(l, false, 4_500);
    /// assert_eq!((r.granted_ttl, r.ttl), (60, 56));
    /// assert_eq!(s.lease_time_to_live(0x123, false, 0).ttl, -1);
    /// ```
    pub fn lease_time_to_live(&self, id: i64, keys: bool, now_ms: u64) -> LeaseTimeToLiveResponse {
        match self.lessor.leases.get(&id) {
            Some(l) if l.expiry_ms > now_ms => LeaseTimeToLiveResponse {
                id,
                ttl: l.remaining_secs(now_ms),
                granted_ttl: l.ttl,
                keys: if keys { l.keys.iter().cloned().collect() } else { Vec::new() },
            },
            _ => LeaseTimeToLiveResponse { id, ttl: -1, granted_ttl: 0, keys: Vec::new() },
        }
    }

    /// `LeaseLeases`: every lease id, sorted by expiry as etcd's lessor sorts them (then by id).
    pub fn lease_list(&self) -> Vec<i64> {
        let mut ls: Vec<&Lease> = self.lessor.leases.values().collect();
        crate::sort::sort_by_key(&mut ls, |l| (l.expiry_ms, l.id));
        ls.into_iter().map(|l| l.id).collect()
    }

    /// After a store was built from a snapshot (index + backend filled directly): recreates
    /// the leases of its `lease` bucket as (id, TTL) pairs, each with a fresh TTL from `now_ms`
    /// (as a restored member's lessor promotes them), attaches every live key whose value names
    /// one of them, and recomputes the derived sizes. Keys naming a lease that is not there stay
    /// as they are (etcd logs "failed to attach a lease" and goes on).
    ///
    /// ```
    /// use etcd_playground::engine::*;
    /// let mut old = Store::new();
    /// let l = old.lease_grant(0, 60, 0).unwrap().id;
    /// old.put(PutRequest { key: b"k".to_vec(), value: b"v".to_vec(), lease: l, ..Default::default() }).unwrap();
    /// let mut s = Store::new();
    /// s.index = old.index.clone();
    /// s.backend = old.backend.clone();
    /// s.current_rev = old.current_rev;
    /// s.restore_leases([(l, 60)], 5_000);
    /// let ttl = s.lease_time_to_live(l, true, 5_000);
    /// assert_eq!((ttl.ttl, ttl.keys), (60, vec![b"k".to_vec()]));
    /// s.lease_revoke(l).unwrap();
    /// assert_eq!(s.range(&RangeRequest { key: b"k".to_vec(), ..Default::default() }).unwrap().count, 0);
    /// ```
    pub fn restore_leases(&mut self, leases: impl IntoIterator<Item = (i64, i64)>, now_ms: u64) {
        for (id, ttl) in leases {
            let ttl = ttl.max(MIN_LEASE_TTL);
            let expiry_ms = now_ms.saturating_add((ttl as u64).saturating_mul(1000));
            self.lessor.leases.insert(id, Lease { id, ttl, expiry_ms, keys: SortedSet::new() });
        }
        let attached: Vec<(i64, Vec<u8>)> = self
            .index
            .iter()
            .filter_map(|(k, ki)| ki.get(self.current_rev).map(|(m, _, _)| (k, m)))
            .filter_map(|(k, m)| self.backend.get(&m).map(|e| (e.kv.lease, k.clone())))
            .filter(|(l, _)| *l != 0)
            .collect();
        for (l, k) in attached {
            self.lessor.attach(l, &k);
        }
        self.recompute_sizes();
    }

    /// Revokes every lease expired at `now_ms` (expiry ≤ now), earliest first, each in its
    /// own revision like etcd's expiry loop; returns their ids.
    ///
    /// ```
    /// use etcd_playground::engine::*;
    /// let mut s = Store::new();
    /// let l = s.lease_grant(0, 10, 0).unwrap().id;
    /// s.put(PutRequest { key: b"k".to_vec(), value: b"v".to_vec(), lease: l, ..Default::default() }).unwrap();
    /// assert!(s.expire_leases(9_999).is_empty());
    /// assert_eq!(s.expire_leases(10_000), vec![l]);
    /// assert_eq!(s.range(&RangeRequest { key: b"k".to_vec(), ..Default::default() }).unwrap().count, 0);
    /// ```
    pub fn expire_leases(&mut self, now_ms: u64) -> Vec<i64> {
        let mut expired: Vec<(u64, i64)> =
            self.lessor.leases.values().filter(|l| l.expiry_ms <= now_ms).map(|l| (l.expiry_ms, l.id)).collect();
        crate::sort::sort(&mut expired);
        let ids: Vec<i64> = expired.into_iter().map(|(_, id)| id).collect();
        for id in &ids {
            let _ = self.lease_revoke(*id);
        }
        ids
    }
}

/// etcd's quota cost of a lease grant.
pub(crate) const LEASE_OVERHEAD: i64 = 64;
