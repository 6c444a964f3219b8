//! Transactions, as etcd's server applies `Txn`: the compares (of this txn and of every nested
//! txn on the chosen path) are evaluated against the store as it was before the txn; then the
//! chosen branch's requests run in order inside one write transaction, so all its writes share
//! one revision (sub-revisions 0, 1, …) and later requests see earlier writes. A txn whose
//! branches hold only ranges is read-only and never moves the revision.
//!
//! ```
//! use etcd_playground::engine::*;
//! let mut s = Store::new();
//! let put = |k: &str, v: &str| RequestOp::Put(PutRequest { key: k.into(), value: v.into(), ..Default::default() });
//! s.put(PutRequest { key: b"x".to_vec(), value: b"1".to_vec(), ..Default::default() }).unwrap();
//! let r = s.txn(TxnRequest {
//!     compare: vec![Compare { key: b"x".to_vec(), range_end: vec![], result: CompareResult::Equal, target: CompareTarget::Value(b"1".to_vec()) }],
//!     success: vec![put("a", "1"), put("b", "2")],
//!     failure: vec![],
//! }).unwrap();
//! assert!(r.succeeded);
//! assert_eq!(s.current_revision(), 3); // both puts at revision 3 (3.0 and 3.1)
//! assert!(s.backend.contains_key(&Revision::new(3, 1)));
//! // Two writes to one key in a txn are refused before anything happens.
//! let e = s.txn(TxnRequest { success: vec![put("a", "1"), put("a", "2")], ..Default::default() }).unwrap_err();
//! assert_eq!(e.to_string(), "etcdserver: duplicate key given in txn request");
//! ```

use super::kvstore::{check_put, cost_put, Store, TxnWrite};
use super::types::*;
use super::EngineError;
use crate::sorted_map::SortedSet;

/// etcd's default `--max-txn-ops`.
pub const MAX_TXN_OPS: usize = 128;

impl Store {
    pub fn txn(&mut self, req: TxnRequest) -> Result<TxnResponse, EngineError> {
        super::limits::check_request(super::limits::raft_txn_len(&req))?;
        self.quota_check(cost_txn(&req))?;
        check_txn(&req, MAX_TXN_OPS)?;
        check_branch_intervals(&req.success)?;
        check_branch_intervals(&req.failure)?;
        let write = !is_read_only(&req);
        if write {
            self.applied();
            if self.nospace_active() && cost_txn(&req) > 0 {
                return Err(EngineError::NoSpace);
            }
        }
        let mut path = Vec::new();
        self.compare_to_path(&req, &mut path);
        if write {
            self.check_requests(&req, &path, &mut 0, true)?;
        }
        self.check_requests(&req, &path, &mut 0, false)?;
        let mut tw = self.begin_write();
        let resp = self.apply_txn(&mut tw, req, &path, &mut 0);
        self.end_write(tw);
        Ok(resp)
    }

    fn compare_to_path(&self, req: &TxnRequest, path: &mut Vec<bool>) {
        let ok = req.compare.iter().all(|c| self.apply_compare(c));
        path.push(ok);
        for op in if ok { &req.success } else { &req.failure } {
            if let RequestOp::Txn(t) = op {
                self.compare_to_path(t, path);
            }
        }
    }

    /// One compare against every key of its span; a value compare on a missing key fails,
    /// other targets compare against a zero key-value.
    fn apply_compare(&self, c: &Compare) -> bool {
        // The live key-values are compared where they are (no copies).
        let (mut any, mut all) = (false, true);
        self.for_each_key(&c.key, &c.range_end, |ki| {
            if let Some(kv) = self.kv_ref(ki, self.current_rev) {
                any = true;
                all = all && compare_kv(c, kv);
            }
        });
        if !any {
            if matches!(c.target, CompareTarget::Value(_)) {
                return false;
            }
            return compare_kv(c, &KeyValue::default());
        }
        all
    }

    /// etcd's `checkRequests`: puts (lease exists; key exists for ignore_value/ignore_lease)
    /// or ranges (revision neither compacted nor future) on the chosen path.
    fn check_requests(&self, req: &TxnRequest, path: &[bool], at: &mut usize, puts: bool) -> Result<(), EngineError> {
        let ok = path.get(*at).copied().unwrap_or(false);
        *at += 1;
        for op in if ok { &req.success } else { &req.failure } {
            match op {
                RequestOp::Txn(t) => self.check_requests(t, path, at, puts)?,
                RequestOp::Put(p) if puts => {
                    if (p.ignore_value || p.ignore_lease) && self.kv_at(&p.key, self.current_rev).is_none() {
                        return Err(EngineError::KeyNotFound);
                    }
                    if p.lease != 0 && !self.lessor.leases.contains_key(&p.lease) {
                        return Err(EngineError::LeaseNotFound);
                    }
                }
                RequestOp::Range(r) if !puts && r.revision != 0 => {
                    if r.revision > self.current_rev {
                        return Err(EngineError::FutureRev);
                    }
                    if r.revision < self.compact_rev {
                        return Err(EngineError::Compacted);
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    fn apply_txn(&mut self, tw: &mut TxnWrite, req: TxnRequest, path: &[bool], at: &mut usize) -> TxnResponse {
        let succeeded = path.get(*at).copied().unwrap_or(false);
        *at += 1;
        let ops = if succeeded { req.success } else { req.failure };
        let mut responses = Vec::with_capacity(ops.len());
        for op in ops {
            responses.push(match op {
                RequestOp::Range(r) => {
                    let cur = self.read_rev(tw);
                    ResponseOp::Range(self.range_in(&r, cur).unwrap_or_default())
                }
                RequestOp::Put(p) => ResponseOp::Put(self.apply_put(tw, p).unwrap_or_default()),
                RequestOp::DeleteRange(d) => ResponseOp::DeleteRange(self.apply_delete_range(tw, &d)),
                RequestOp::Txn(t) => ResponseOp::Txn(self.apply_txn(tw, t, path, at)),
            });
        }
        TxnResponse { succeeded, responses }
    }
}

fn compare_kv(c: &Compare, kv: &KeyValue) -> bool {
    let ord = match &c.target {
        CompareTarget::Value(v) => kv.value.as_slice().cmp(v.as_slice()),
        CompareTarget::Create(r) => kv.create_revision.cmp(r),
        CompareTarget::Mod(r) => kv.mod_revision.cmp(r),
        CompareTarget::Version(v) => kv.version.cmp(v),
        CompareTarget::Lease(l) => kv.lease.cmp(l),
    };
    match c.result {
        CompareResult::Equal => ord.is_eq(),
        CompareResult::NotEqual => ord.is_ne(),
        CompareResult::Greater => ord.is_gt(),
        CompareResult::Less => ord.is_lt(),
    }
}

/// True when no branch (at any depth) writes.
pub fn is_read_only(req: &TxnRequest) -> bool {
    req.success.iter().chain(&req.failure).all(|op| match op {
        RequestOp::Range(_) => true,
        RequestOp::Txn(t) => is_read_only(t),
        _ => false,
    })
}

/// etcd's quota cost of a txn: the larger of its branches' put costs.
pub(crate) fn cost_txn(req: &TxnRequest) -> i64 {
    let branch = |ops: &[RequestOp]| -> i64 {
        ops.iter()
            .map(|op| match op {
                RequestOp::Put(p) => cost_put(p),
                _ => 0,
            })
            .sum()
    };
    branch(&req.success).max(branch(&req.failure))
}

/// etcd's `checkTxnRequest` (gRPC layer): op count, empty keys, per-request checks.
fn check_txn(req: &TxnRequest, max_ops: usize) -> Result<(), EngineError> {
    let opc = req.compare.len().max(req.success.len()).max(req.failure.len());
    if opc > max_ops {
        return Err(EngineError::TooManyOps);
    }
    if req.compare.iter().any(|c| c.key.is_empty()) {
        return Err(EngineError::EmptyKey);
    }
    for op in req.success.iter().chain(&req.failure) {
        match op {
            RequestOp::Range(r) if r.key.is_empty() => return Err(EngineError::EmptyKey),
            RequestOp::Put(p) => check_put(p)?,
            RequestOp::DeleteRange(d) if d.key.is_empty() => return Err(EngineError::EmptyKey),
            RequestOp::Txn(t) => check_txn(t, max_ops - opc)?,
            _ => {}
        }
    }
    Ok(())
}

/// A delete's span for overlap checks: `[key, range_end)` compared as byte strings, where
/// an empty end is a single point (etcd's affine intervals; `range_end == [0]` is an empty
/// interval there, so a from-key delete conflicts with nothing — etcd's quirk, kept).
#[derive(Clone)]
struct Span {
    start: Vec<u8>,
    end: Option<Vec<u8>>,
}

impl Span {
    fn contains(&self, k: &[u8]) -> bool {
        match &self.end {
            None => k == self.start.as_slice(),
            Some(e) => k >= self.start.as_slice() && k < e.as_slice(),
        }
    }
}

/// [`check_intervals`] for a top-level branch: a single operation that is not a nested txn
/// cannot conflict with itself, so the common one-put txn builds no key set.
fn check_branch_intervals(reqs: &[RequestOp]) -> Result<(), EngineError> {
    if reqs.len() <= 1 && !matches!(reqs.first(), Some(RequestOp::Txn(_))) {
        return Ok(());
    }
    check_intervals(reqs).map(|_| ())
}

/// etcd's `checkIntervals`: no key may be put twice, or put and deleted, on any path through
/// the txn (a key put in both the success and failure branch of a nested txn is fine).
fn check_intervals(reqs: &[RequestOp]) -> Result<(SortedSet<Vec<u8>>, Vec<Span>), EngineError> {
    let mut dels: Vec<Span> = reqs
        .iter()
        .filter_map(|op| match op {
            RequestOp::DeleteRange(d) => {
                Some(Span { start: d.key.clone(), end: (!d.range_end.is_empty()).then(|| d.range_end.clone()) })
            }
            _ => None,
        })
        .collect();
    let mut puts = SortedSet::new();
    for op in reqs {
        let RequestOp::Txn(t) = op else { continue };
        let (puts_then, dels_then) = check_intervals(&t.success)?;
        let (puts_else, dels_else) = check_intervals(&t.failure)?;
        for k in &puts_then {
            if puts.contains(k) || dels.iter().any(|d| d.contains(k)) {
                return Err(EngineError::DuplicateKey);
            }
            puts.insert(k.clone());
        }
        for k in &puts_else {
            if puts.contains(k) && !puts_then.contains(k) {
                return Err(EngineError::DuplicateKey);
            }
            if dels.iter().any(|d| d.contains(k)) {
                return Err(EngineError::DuplicateKey);
            }
            puts.insert(k.clone());
        }
        dels.extend(dels_then);
        dels.extend(dels_else);
    }
    for op in reqs {
        let RequestOp::Put(p) = op else { continue };
        if puts.contains(&p.key) || dels.iter().any(|d| d.contains(&p.key)) {
            return Err(EngineError::DuplicateKey);
        }
        puts.insert(p.key.clone());
    }
    Ok((puts, dels))
}
