//! Property test: random sequences of put / delete / txn / compact / range run against the
//! engine and against a reference model that is nothing but the list of every write ever
//! made. Every read (at any revision, with any range option) must give the same answer, every
//! write the same result, and a watcher on everything must see exactly the model's writes.

use etcd_playground::engine::*;
use proptest::prelude::*;
use std::collections::BTreeSet;

#[derive(Debug, Clone)]
struct Write {
    main: i64,
    key: Vec<u8>,
    /// None: a delete.
    value: Option<Vec<u8>>,
}

#[derive(Debug, Default)]
struct Model {
    writes: Vec<Write>,
    rev: i64,
    compact: i64,
}

impl Model {
    fn new() -> Self {
        Model { writes: Vec::new(), rev: 1, compact: -1 }
    }

    /// The key as of revision `at`, folded from the history.
    fn kv_at(&self, key: &[u8], at: i64) -> Option<KeyValue> {
        let mut cur: Option<KeyValue> = None;
        for w in self.writes.iter().filter(|w| w.main <= at && w.key == key) {
            cur = w.value.as_ref().map(|v| match &cur {
                Some(p) => KeyValue { key: key.to_vec(), create_revision: p.create_revision, mod_revision: w.main, version: p.version + 1, value: v.clone(), lease: 0 },
                None => KeyValue { key: key.to_vec(), create_revision: w.main, mod_revision: w.main, version: 1, value: v.clone(), lease: 0 },
            });
        }
        cur
    }

    fn all_keys(&self) -> BTreeSet<Vec<u8>> {
        self.writes.iter().map(|w| w.key.clone()).collect()
    }

    fn live_in(&self, start: &[u8], end: &[u8], at: i64) -> Vec<KeyValue> {
        self.all_keys().into_iter().filter(|k| in_span(start, end, k)).filter_map(|k| self.kv_at(&k, at)).collect()
    }

    fn range(&self, r: &RangeRequest, cur: i64) -> Result<RangeResponse, EngineError> {
        if r.key.is_empty() {
            return Err(EngineError::EmptyKey);
        }
        if r.revision > cur {
            return Err(EngineError::FutureRev);
        }
        let at = if r.revision <= 0 { cur } else { r.revision };
        if at < self.compact {
            return Err(EngineError::Compacted);
        }
        let mut kvs = self.live_in(&r.key, &r.range_end, at);
        let count = kvs.len() as i64;
        if r.count_only {
            return Ok(RangeResponse { kvs: vec![], more: false, count });
        }
        kvs.retain(|kv| {
            (r.min_mod_revision == 0 || kv.mod_revision >= r.min_mod_revision)
                && (r.max_mod_revision == 0 || kv.mod_revision <= r.max_mod_revision)
                && (r.min_create_revision == 0 || kv.create_revision >= r.min_create_revision)
                && (r.max_create_revision == 0 || kv.create_revision <= r.max_create_revision)
        });
        let field = |kv: &KeyValue| -> Vec<u8> {
            match r.sort_target {
                SortTarget::Key => kv.key.clone(),
                SortTarget::Value => kv.value.clone(),
                SortTarget::Version => kv.version.to_be_bytes().to_vec(),
                SortTarget::Create => kv.create_revision.to_be_bytes().to_vec(),
                SortTarget::Mod => kv.mod_revision.to_be_bytes().to_vec(),
            }
        };
        // etcd's apply: when the request's own sort order is NONE and nothing filters, the
        // backend reads only limit+1 keys in key order; a non-KEY target then sorts just those
        // (real etcd 3.4.23: puts d, ba, a; `get a --from-key --limit 1 --sort-by=CREATE`
        // prints ba).
        let unfiltered = r.min_mod_revision == 0 && r.max_mod_revision == 0 && r.min_create_revision == 0 && r.max_create_revision == 0;
        if r.limit > 0 && r.sort_order == SortOrder::None && unfiltered {
            kvs.truncate(r.limit as usize + 1);
        }
        let descend = r.sort_order == SortOrder::Descend;
        if r.sort_order != SortOrder::None || r.sort_target != SortTarget::Key {
            // Selection by repeated minimum (or maximum), taking the first in key order on
            // ties: a different algorithm from the engine's, same definition.
            let mut out = Vec::new();
            while !kvs.is_empty() {
                let mut best = 0;
                for i in 1..kvs.len() {
                    let (a, b) = (field(&kvs[i]), field(&kvs[best]));
                    if (descend && a > b) || (!descend && a < b) {
                        best = i;
                    }
                }
                out.push(kvs.remove(best));
            }
            kvs = out;
        }
        let mut more = false;
        if r.limit > 0 && kvs.len() as i64 > r.limit {
            kvs.truncate(r.limit as usize);
            more = true;
        }
        if r.keys_only {
            kvs.iter_mut().for_each(|kv| kv.value.clear());
        }
        Ok(RangeResponse { kvs, more, count })
    }
}

fn in_span(start: &[u8], end: &[u8], k: &[u8]) -> bool {
    if end.is_empty() {
        k == start
    } else if end == [0] {
        k >= start
    } else {
        k >= start && k < end
    }
}

#[derive(Debug, Clone)]
enum Op {
    Put(Vec<u8>, Vec<u8>, bool),
    Delete(Vec<u8>, Vec<u8>, bool),
    Txn(Vec<u8>, i64, Vec<TxOp>, Vec<TxOp>),
    Compact(i64),
    Range(RangeRequest),
}

#[derive(Debug, Clone)]
enum TxOp {
    Put(Vec<u8>, Vec<u8>),
    Delete(Vec<u8>, Vec<u8>),
    Range(Vec<u8>, Vec<u8>),
}

fn key() -> impl Strategy<Value = Vec<u8>> {
    prop::sample::select(vec!["a", "b", "ba", "bb", "c", "d"]).prop_map(|s| s.as_bytes().to_vec())
}

fn end() -> impl Strategy<Value = Vec<u8>> {
    prop::sample::select(vec!["", "", "\0", "b", "c", "bz", "e", "a"]).prop_map(|s| s.as_bytes().to_vec())
}

fn value() -> impl Strategy<Value = Vec<u8>> {
    prop::sample::select(vec!["", "1", "2", "x", "zz"]).prop_map(|s| s.as_bytes().to_vec())
}

fn tx_op() -> impl Strategy<Value = TxOp> {
    prop_oneof![
        (key(), value()).prop_map(|(k, v)| TxOp::Put(k, v)),
        (key(), end()).prop_map(|(k, e)| TxOp::Delete(k, e)),
        (key(), end()).prop_map(|(k, e)| TxOp::Range(k, e)),
    ]
}

fn range_req() -> impl Strategy<Value = RangeRequest> {
    let sort = prop::sample::select(vec![SortOrder::None, SortOrder::Ascend, SortOrder::Descend]);
    let target = prop::sample::select(vec![SortTarget::Key, SortTarget::Version, SortTarget::Create, SortTarget::Mod, SortTarget::Value]);
    let filt = prop::sample::select(vec![0i64, 0, 0, 2, 4, 7]);
    (key(), end(), -1i64..12, 0i64..4, sort, target, any::<bool>(), any::<bool>(), (filt.clone(), filt.clone(), filt.clone(), filt)).prop_map(
        |(key, range_end, revision, limit, sort_order, sort_target, keys_only, count_only, (a, b, c, d))| RangeRequest {
            key,
            range_end,
            revision,
            limit,
            sort_order,
            sort_target,
            keys_only,
            count_only: count_only && keys_only, // rarer
            min_mod_revision: a,
            max_mod_revision: b,
            min_create_revision: c,
            max_create_revision: d,
            serializable: false,
        },
    )
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (key(), value(), any::<bool>()).prop_map(|(k, v, p)| Op::Put(k, v, p)),
        2 => (key(), end(), any::<bool>()).prop_map(|(k, e, p)| Op::Delete(k, e, p)),
        2 => (key(), 0i64..3, prop::collection::vec(tx_op(), 0..4), prop::collection::vec(tx_op(), 0..3))
            .prop_map(|(k, v, s, f)| Op::Txn(k, v, s, f)),
        1 => (-1i64..14).prop_map(Op::Compact),
        3 => range_req().prop_map(Op::Range),
    ]
}

fn to_request(o: &TxOp) -> RequestOp {
    match o {
        TxOp::Put(k, v) => RequestOp::Put(PutRequest { key: k.clone(), value: v.clone(), ..Default::default() }),
        TxOp::Delete(k, e) => RequestOp::DeleteRange(DeleteRangeRequest { key: k.clone(), range_end: e.clone(), prev_kv: true }),
        TxOp::Range(k, e) => RequestOp::Range(RangeRequest { key: k.clone(), range_end: e.clone(), ..Default::default() }),
    }
}

/// The model's duplicate rule for a flat branch: a key put twice, or put and covered by a
/// delete span (`[0]` and inverted spans cover nothing).
fn model_duplicate(ops: &[TxOp]) -> bool {
    let mut puts = BTreeSet::new();
    for o in ops {
        if let TxOp::Put(k, _) = o {
            if !puts.insert(k.clone()) {
                return true;
            }
        }
    }
    ops.iter().any(|o| match o {
        TxOp::Delete(s, e) => puts.iter().any(|k| if e.is_empty() { k == s } else { k >= s && k < e }),
        _ => false,
    })
}

impl Model {
    /// Runs a branch at revision rev+1; returns the responses.
    fn apply_ops(&mut self, ops: &[TxOp]) -> Vec<ResponseOp> {
        let main = self.rev + 1;
        let mut wrote = false;
        let mut out = Vec::new();
        for o in ops {
            let cur = if wrote { main } else { self.rev };
            match o {
                TxOp::Put(k, v) => {
                    let prev = self.kv_at(k, cur);
                    let _ = prev;
                    self.writes.push(Write { main, key: k.clone(), value: Some(v.clone()) });
                    wrote = true;
                    out.push(ResponseOp::Put(PutResponse { prev_kv: None }));
                }
                TxOp::Delete(k, e) => {
                    let live = self.live_in(k, e, cur);
                    for kv in &live {
                        self.writes.push(Write { main, key: kv.key.clone(), value: None });
                        wrote = true;
                    }
                    out.push(ResponseOp::DeleteRange(DeleteRangeResponse { deleted: live.len() as i64, prev_kvs: live }));
                }
                TxOp::Range(k, e) => {
                    let r = RangeRequest { key: k.clone(), range_end: e.clone(), ..Default::default() };
                    out.push(ResponseOp::Range(self.range(&r, cur).unwrap()));
                }
            }
        }
        if wrote {
            self.rev = main;
        }
        out
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]
    #[test]
    fn engine_matches_model(ops in prop::collection::vec(op(), 1..40)) {
        let mut s = Store::new();
        let mut m = Model::new();
        // Half the runs watch everything (the store records events only when watched).
        let watching = ops.len() % 2 == 0;
        let w = if watching { s.watch_create(WatchCreate { key: vec![0], range_end: vec![0], ..Default::default() }).unwrap().0 } else { -1 };
        let mut seen = Vec::new();
        for o in &ops {
            match o {
                Op::Put(k, v, p) => {
                    let prev = m.kv_at(k, m.rev);
                    let got = s.put(PutRequest { key: k.clone(), value: v.clone(), prev_kv: *p, ..Default::default() });
                    m.apply_ops(&[TxOp::Put(k.clone(), v.clone())]);
                    prop_assert_eq!(got, Ok(PutResponse { prev_kv: if *p { prev } else { None } }));
                }
                Op::Delete(k, e, p) => {
                    let got = s.delete_range(DeleteRangeRequest { key: k.clone(), range_end: e.clone(), prev_kv: *p });
                    let mut want = m.apply_ops(&[TxOp::Delete(k.clone(), e.clone())]);
                    let Some(ResponseOp::DeleteRange(mut d)) = want.pop() else { unreachable!() };
                    if !*p { d.prev_kvs.clear(); }
                    prop_assert_eq!(got, Ok(d));
                }
                Op::Txn(k, ver, succ, fail) => {
                    let req = TxnRequest {
                        compare: vec![Compare { key: k.clone(), range_end: vec![], result: CompareResult::Equal, target: CompareTarget::Version(*ver) }],
                        success: succ.iter().map(to_request).collect(),
                        failure: fail.iter().map(to_request).collect(),
                    };
                    let got = s.txn(req);
                    if model_duplicate(succ) || model_duplicate(fail) {
                        prop_assert_eq!(got, Err(EngineError::DuplicateKey));
                    } else {
                        let ok = m.kv_at(k, m.rev).map_or(0, |kv| kv.version) == *ver;
                        let responses = m.apply_ops(if ok { succ } else { fail });
                        prop_assert_eq!(got, Ok(TxnResponse { succeeded: ok, responses }));
                    }
                }
                Op::Compact(rev) => {
                    let want = if *rev <= m.compact { Err(EngineError::Compacted) } else if *rev > m.rev { Err(EngineError::FutureRev) } else { m.compact = *rev; Ok(()) };
                    prop_assert_eq!(s.compact(*rev), want);
                }
                Op::Range(r) => {
                    prop_assert_eq!(s.range(r), m.range(r, m.rev));
                }
            }
            prop_assert_eq!(s.current_revision(), m.rev);
            seen.extend(s.watch_drain(w));
            // Every key at every readable revision, after every step.
            for at in m.compact.max(1)..=m.rev {
                let all = RangeRequest { key: vec![0], range_end: vec![0], revision: at, ..Default::default() };
                prop_assert_eq!(s.range(&all), m.range(&all, m.rev), "at revision {}", at);
            }
        }
        let events: Vec<(i64, Vec<u8>, Option<Vec<u8>>)> = seen.iter().map(|e| (e.kv.mod_revision, e.kv.key.clone(), match e.kind { EventType::Put => Some(e.kv.value.clone()), EventType::Delete => None })).collect();
        let writes: Vec<(i64, Vec<u8>, Option<Vec<u8>>)> = m.writes.iter().map(|w| (w.main, w.key.clone(), w.value.clone())).collect();
        if watching {
            prop_assert_eq!(events, writes);
        } else {
            prop_assert!(events.is_empty());
        }
        // The backend never holds history a compaction removed.
        if m.compact > 0 {
            for (rev, e) in s.backend.range(..Revision::new(m.compact, 0)) {
                let newer = s.backend.range(Revision::new(rev.main + 1, 0)..Revision::new(m.compact + 1, 0)).any(|(_, x)| x.kv.key == e.kv.key);
                prop_assert!(!newer && !e.tombstone, "stale {:?} survived compaction at {}", rev, m.compact);
            }
        }
    }
}

#[derive(Debug, Clone)]
enum Wild {
    Put(Vec<u8>, i64, bool, bool, bool),
    Range(Vec<u8>, Vec<u8>, i64, i64, bool),
    Delete(Vec<u8>, Vec<u8>),
    Compact(i64),
    Hash(i64),
    Grant(i64, i64, u64),
    Revoke(i64),
    KeepAlive(i64, u64),
    Ttl(i64, u64),
    Expire(u64),
    Watch(Vec<u8>, Vec<u8>, i64, i64),
    Drain(i64),
    Quota(i64),
    Defrag,
    Disarm,
}

fn bytes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![prop::collection::vec(any::<u8>(), 0..4), Just(vec![0]), Just(vec![0xff, 0xff])]
}

fn wild() -> impl Strategy<Value = Wild> {
    let int = prop_oneof![any::<i64>(), -3i64..20, Just(i64::MAX), Just(i64::MIN)];
    let time = prop_oneof![any::<u64>(), 0u64..200_000, Just(u64::MAX)];
    prop_oneof![
        (bytes(), int.clone(), any::<bool>(), any::<bool>(), any::<bool>()).prop_map(|(k, l, a, b, c)| Wild::Put(k, l, a, b, c)),
        (bytes(), bytes(), int.clone(), int.clone(), any::<bool>()).prop_map(|(k, e, r, l, c)| Wild::Range(k, e, r, l, c)),
        (bytes(), bytes()).prop_map(|(k, e)| Wild::Delete(k, e)),
        int.clone().prop_map(Wild::Compact),
        int.clone().prop_map(Wild::Hash),
        (int.clone(), int.clone(), time.clone()).prop_map(|(i, t, n)| Wild::Grant(i, t, n)),
        int.clone().prop_map(Wild::Revoke),
        (int.clone(), time.clone()).prop_map(|(i, n)| Wild::KeepAlive(i, n)),
        (int.clone(), time.clone()).prop_map(|(i, n)| Wild::Ttl(i, n)),
        time.prop_map(Wild::Expire),
        (bytes(), bytes(), int.clone(), int.clone()).prop_map(|(k, e, r, i)| Wild::Watch(k, e, r, i)),
        int.clone().prop_map(Wild::Drain),
        int.prop_map(Wild::Quota),
        Just(Wild::Defrag),
        Just(Wild::Disarm),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]
    /// Any input, however odd, gives an answer or an error — never a panic — and a failed
    /// put/range/compact leaves the revision where it was.
    #[test]
    fn never_panics(ops in prop::collection::vec(wild(), 1..30)) {
        let mut s = Store::new();
        let mut lease = 0;
        for o in ops {
            let rev = s.current_revision();
            match o {
                Wild::Put(key, l, iv, il, p) => {
                    let l = if l % 2 == 0 { lease } else { l };
                    if s.put(PutRequest { key, value: b"v".to_vec(), lease: l, prev_kv: p, ignore_value: iv, ignore_lease: il }).is_err() {
                        prop_assert_eq!(s.current_revision(), rev);
                    }
                }
                Wild::Range(key, range_end, revision, limit, c) => {
                    let _ = s.range(&RangeRequest { key, range_end, revision, limit, count_only: c, sort_order: SortOrder::Descend, min_mod_revision: limit, ..Default::default() });
                }
                Wild::Delete(key, range_end) => { let _ = s.delete_range(DeleteRangeRequest { key, range_end, prev_kv: true }); }
                Wild::Compact(r) => {
                    if s.compact(r).is_err() {
                        prop_assert_eq!(s.current_revision(), rev);
                    }
                }
                Wild::Hash(r) => { let _ = s.hash_kv(r); }
                Wild::Grant(id, ttl, now) => {
                    if let Ok(g) = s.lease_grant(if id % 3 == 0 { 0 } else { id }, ttl, now) { lease = g.id; }
                }
                Wild::Revoke(id) => { let _ = s.lease_revoke(if id % 2 == 0 { lease } else { id }); }
                Wild::KeepAlive(id, now) => { let _ = s.lease_keep_alive(if id % 2 == 0 { lease } else { id }, now); }
                Wild::Ttl(id, now) => { let _ = s.lease_time_to_live(id, true, now); }
                Wild::Expire(now) => { let _ = s.expire_leases(now); }
                Wild::Watch(key, range_end, start_revision, watch_id) => {
                    let _ = s.watch_create(WatchCreate { key, range_end, start_revision, watch_id, prev_kv: true, ..Default::default() });
                }
                Wild::Drain(id) => { let _ = s.watch_drain(id); s.watch_cancel(id); }
                Wild::Quota(q) => s.quota_bytes = q,
                Wild::Defrag => s.defrag(),
                Wild::Disarm => { s.alarm_disarm(); }
            }
        }
    }
}
