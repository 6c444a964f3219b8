//! Engine behaviour beyond errors: range options, txn paths, watch, leases, compaction
//! details. Expected values follow etcd 3.4.23 (observed with etcdctl where noted).

use etcd_playground::engine::*;

fn kv(k: &str, v: &str) -> PutRequest {
    PutRequest { key: k.into(), value: v.into(), ..Default::default() }
}

fn span(k: &str, end: &str) -> RangeRequest {
    RangeRequest { key: k.into(), range_end: end.into(), ..Default::default() }
}

fn keys(r: &RangeResponse) -> Vec<String> {
    r.kvs.iter().map(|kv| String::from_utf8_lossy(&kv.key).into_owned()).collect()
}

/// a=1@2, b=2@3, c=3@4, a=4@5 (a: create 2, version 2), d=0@6
fn store() -> Store {
    let mut s = Store::new();
    for (k, v) in [("a", "1"), ("b", "2"), ("c", "3"), ("a", "4"), ("d", "0")] {
        s.put(kv(k, v)).unwrap();
    }
    s
}

#[test]
fn range_options() {
    let s = store();
    let all = span("\0", "\0");
    assert_eq!(keys(&s.range(&all).unwrap()), ["a", "b", "c", "d"]);
    assert_eq!(keys(&s.range(&span("b", "d")).unwrap()), ["b", "c"]);
    assert_eq!(keys(&s.range(&span("b", "\0")).unwrap()), ["b", "c", "d"]);
    assert_eq!(keys(&s.range(&span("d", "b")).unwrap()), Vec::<String>::new());
    let r = s.range(&RangeRequest { count_only: true, ..all.clone() }).unwrap();
    assert_eq!((r.kvs.len(), r.count, r.more), (0, 4, false));
    let r = s.range(&RangeRequest { keys_only: true, limit: 2, ..all.clone() }).unwrap();
    assert_eq!((keys(&r), r.more, r.count), (vec!["a".to_string(), "b".to_string()], true, 4));
    assert!(r.kvs.iter().all(|kv| kv.value.is_empty() && kv.version > 0));
    // Filters run after the count: count stays the span's size.
    let r = s.range(&RangeRequest { min_mod_revision: 4, ..all.clone() }).unwrap();
    assert_eq!((keys(&r), r.count), (vec!["a".to_string(), "c".to_string(), "d".to_string()], 4));
    let r = s.range(&RangeRequest { max_create_revision: 3, ..all.clone() }).unwrap();
    assert_eq!(keys(&r), ["a", "b"]);
    let r = s.range(&RangeRequest { min_create_revision: 3, max_mod_revision: 4, ..all.clone() }).unwrap();
    assert_eq!(keys(&r), ["b", "c"]);
    // Sorting: by value descending; by key descending; limit after sorting.
    let sorted = |order, target, limit| RangeRequest { sort_order: order, sort_target: target, limit, ..all.clone() };
    assert_eq!(keys(&s.range(&sorted(SortOrder::Descend, SortTarget::Value, 0)).unwrap()), ["a", "c", "b", "d"]);
    assert_eq!(keys(&s.range(&sorted(SortOrder::Descend, SortTarget::Key, 2)).unwrap()), ["d", "c"]);
    assert_eq!(keys(&s.range(&sorted(SortOrder::None, SortTarget::Create, 0)).unwrap()), ["a", "b", "c", "d"]);
    assert_eq!(keys(&s.range(&sorted(SortOrder::Ascend, SortTarget::Mod, 0)).unwrap()), ["b", "c", "a", "d"]);
    // Past revision: a=1 with version 1 at revision 4; d did not exist yet.
    let r = s.range(&RangeRequest { revision: 4, ..all }).unwrap();
    assert_eq!(keys(&r), ["a", "b", "c"]);
    assert_eq!((r.kvs[0].value.as_slice(), r.kvs[0].version), (&b"1"[..], 1));
}

#[test]
fn delete_range_prev_kv_and_revisions() {
    let mut s = store();
    let r = s.delete_range(DeleteRangeRequest { key: b"a".to_vec(), range_end: b"c".to_vec(), prev_kv: true }).unwrap();
    assert_eq!((r.deleted, keys(&RangeResponse { kvs: r.prev_kvs, ..Default::default() })), (2, vec!["a".to_string(), "b".to_string()]));
    assert_eq!(s.current_revision(), 7);
    assert!(s.backend[&Revision::new(7, 0)].tombstone && s.backend[&Revision::new(7, 1)].tombstone);
    assert_eq!(s.backend[&Revision::new(7, 1)].kv, KeyValue { key: b"b".to_vec(), ..Default::default() });
    // Recreated keys start a new generation: version 1, new create revision.
    s.put(kv("a", "again")).unwrap();
    let a = s.range(&span("a", "")).unwrap().kvs.remove(0);
    assert_eq!((a.create_revision, a.mod_revision, a.version), (8, 8, 1));
}

#[test]
fn txn_compares_and_nested_paths() {
    let mut s = store();
    let cmp = |k: &str, end: &str, result, target| Compare { key: k.into(), range_end: end.into(), result, target };
    use CompareResult::*;
    let t = |compare: Vec<Compare>| TxnRequest { compare, success: vec![RequestOp::Range(span("a", ""))], failure: vec![] };
    let ok = |s: &mut Store, c| s.txn(t(c)).unwrap().succeeded;
    assert!(ok(&mut s, vec![cmp("a", "", Equal, CompareTarget::Version(2))]));
    assert!(ok(&mut s, vec![cmp("a", "", Greater, CompareTarget::Mod(4))]));
    assert!(ok(&mut s, vec![cmp("a", "", Less, CompareTarget::Create(3))]));
    assert!(ok(&mut s, vec![cmp("a", "", NotEqual, CompareTarget::Value(b"1".to_vec()))]));
    assert!(ok(&mut s, vec![cmp("a", "", Equal, CompareTarget::Lease(0))]));
    // A range compare holds only if it holds for every key in it.
    assert!(ok(&mut s, vec![cmp("a", "d", Greater, CompareTarget::Create(1))]));
    assert!(!ok(&mut s, vec![cmp("a", "d", Greater, CompareTarget::Create(2))]));
    // Missing keys: zero values compare; a value compare always fails.
    assert!(ok(&mut s, vec![cmp("zz", "", Equal, CompareTarget::Version(0))]));
    assert!(!ok(&mut s, vec![cmp("zz", "", Equal, CompareTarget::Value(vec![]))]));
    assert_eq!(s.current_revision(), 6, "read-only txns do not move the revision");

    // Nested: the inner compare sees the store before the outer txn's writes.
    let inner = TxnRequest {
        compare: vec![cmp("n", "", Equal, CompareTarget::Version(0))],
        success: vec![RequestOp::Put(kv("m", "inner-success")), RequestOp::Range(span("n", ""))],
        failure: vec![RequestOp::Put(kv("m", "inner-failure"))],
    };
    let outer = TxnRequest { compare: vec![], success: vec![RequestOp::Put(kv("n", "1")), RequestOp::Txn(inner)], failure: vec![] };
    let r = s.txn(outer).unwrap();
    assert_eq!(s.current_revision(), 7);
    let ResponseOp::Txn(inner) = &r.responses[1] else { panic!("nested response {r:?}") };
    assert!(inner.succeeded);
    let ResponseOp::Range(seen) = &inner.responses[1] else { panic!() };
    assert_eq!(seen.kvs[0].value, b"1", "ops see earlier writes of the same txn");
    assert_eq!(s.range(&span("m", "")).unwrap().kvs[0].mod_revision, 7);
    assert!(s.backend.contains_key(&Revision::new(7, 1)));
    // A write txn whose writes change nothing keeps the revision.
    let del = TxnRequest { success: vec![RequestOp::DeleteRange(DeleteRangeRequest { key: b"zz".to_vec(), ..Default::default() })], ..Default::default() };
    s.txn(del).unwrap();
    assert_eq!(s.current_revision(), 7);
}

#[test]
fn compaction_keeps_latest_and_drops_tombstones() {
    let mut s = store();
    s.delete_range(DeleteRangeRequest { key: b"b".to_vec(), ..Default::default() }).unwrap(); // 7
    s.compact(7).unwrap();
    assert!(!s.index.contains_key(b"b".as_slice()), "a key deleted at or before the compaction goes away");
    let revs: Vec<i64> = s.backend.keys().map(|r| r.main).collect();
    assert_eq!(revs, [4, 5, 6]);
    // Reading at the compacted revision works and sees the kept versions.
    let r = s.range(&RangeRequest { revision: 7, ..span("\0", "\0") }).unwrap();
    assert_eq!(keys(&r), ["a", "c", "d"]);
    assert_eq!(r.kvs[0].version, 2, "version survives compaction");
    s.put(kv("a", "5")).unwrap();
    assert_eq!(s.range(&span("a", "")).unwrap().kvs[0].version, 3);
}

#[test]
fn watch_replay_live_filters_and_cancel() {
    let mut s = store();
    let (all, replay) = s.watch_create(WatchCreate { key: b"\0".to_vec(), range_end: vec![0], start_revision: 5, prev_kv: true, ..Default::default() }).unwrap();
    assert_eq!(replay.len(), 2);
    assert_eq!(replay[0].prev_kv.as_ref().map(|p| p.value.clone()), Some(b"1".to_vec()));
    assert_eq!(replay[1].prev_kv, None, "a create has no prev_kv");
    let (puts_only, _) = s.watch_create(WatchCreate { key: b"a".to_vec(), range_end: b"c".to_vec(), filters: vec![WatchFilter::NoDelete], ..Default::default() }).unwrap();
    let (future, none) = s.watch_create(WatchCreate { key: b"a".to_vec(), start_revision: 9, ..Default::default() }).unwrap();
    assert!(none.is_empty());
    s.txn(TxnRequest {
        success: vec![RequestOp::Put(kv("b", "20")), RequestOp::DeleteRange(DeleteRangeRequest { key: b"a".to_vec(), ..Default::default() })],
        ..Default::default()
    })
    .unwrap(); // 7: b=20 (7.0), delete a (7.1)
    let evs = s.watch_drain(all);
    assert_eq!(evs.iter().map(|e| (e.kind, e.kv.mod_revision)).collect::<Vec<_>>(), [(EventType::Put, 7), (EventType::Delete, 7)]);
    assert_eq!(evs[1].kv, KeyValue { key: b"a".to_vec(), mod_revision: 7, ..Default::default() });
    assert_eq!(evs[1].prev_kv.as_ref().unwrap().value, b"4");
    let evs = s.watch_drain(puts_only);
    assert_eq!((evs.len(), evs[0].prev_kv.is_none()), (1, true));
    assert!(s.watch_drain(all).is_empty());
    s.put(kv("a", "x")).unwrap(); // 8
    assert!(s.watch_drain(future).is_empty());
    s.put(kv("a", "y")).unwrap(); // 9
    assert_eq!(s.watch_drain(future).len(), 1);
    assert!(s.watch_cancel(all));
    assert!(!s.watch_cancel(all));
    s.put(kv("a", "z")).unwrap();
    assert!(s.watch_drain(all).is_empty());
    assert_eq!(s.watch_progress(), 10);
}

#[test]
fn watch_from_compacted_revision_itself() {
    // etcd 3.4.23: after `compact 7`, `watch --prefix "" --rev 7 --prev-kv` replays the kept
    // revision 7 without prev_kv (revision 6 is compacted) and revision 8 with it.
    let mut s = Store::new();
    for (k, v) in [("c", "1"), ("x", "1"), ("x", "2"), ("x", "3"), ("y", "1"), ("a", "7"), ("c", "8")] {
        s.put(kv(k, v)).unwrap();
    }
    s.compact(7).unwrap();
    let (_, evs) = s.watch_create(WatchCreate { key: b"\0".to_vec(), range_end: vec![0], start_revision: 7, prev_kv: true, ..Default::default() }).unwrap();
    let got: Vec<(String, Option<Vec<u8>>)> =
        evs.iter().map(|e| (String::from_utf8_lossy(&e.kv.key).into_owned(), e.prev_kv.as_ref().map(|p| p.value.clone()))).collect();
    assert_eq!(got, [("a".to_string(), None), ("c".to_string(), Some(b"1".to_vec()))]);
}

#[test]
fn leases_attach_revoke_expire() {
    let mut s = Store::new();
    let a = s.lease_grant(0, 100, 0).unwrap().id;
    let b = s.lease_grant(0, 50, 0).unwrap().id;
    let c = s.lease_grant(0, 200, 0).unwrap().id;
    assert_eq!(s.lease_list(), vec![b, a, c], "sorted by expiry, as etcdctl lease list shows");
    s.put(PutRequest { lease: a, ..kv("k2", "v") }).unwrap();
    s.put(PutRequest { lease: a, ..kv("k1", "v") }).unwrap();
    s.put(PutRequest { lease: b, ..kv("k3", "v") }).unwrap();
    let ttl = s.lease_time_to_live(a, true, 1_500);
    assert_eq!((ttl.ttl, ttl.granted_ttl, ttl.keys), (98, 100, vec![b"k1".to_vec(), b"k2".to_vec()]));
    // Moving a key to another lease detaches it from the first.
    s.put(PutRequest { lease: b, ..kv("k2", "v") }).unwrap();
    assert_eq!(s.lease_time_to_live(a, true, 0).keys, vec![b"k1".to_vec()]);
    // Keep-alive restarts the TTL from now.
    assert_eq!(s.lease_keep_alive(b, 40_000), Ok(50));
    assert_eq!(s.lease_time_to_live(b, false, 40_000).ttl, 50);
    assert!(s.expire_leases(89_999).is_empty());
    let rev = s.current_revision();
    let (w, _) = s.watch_create(WatchCreate { key: b"k".to_vec(), range_end: b"l".to_vec(), ..Default::default() }).unwrap();
    assert_eq!(s.expire_leases(100_000), vec![b, a]);
    assert_eq!(s.current_revision(), rev + 2, "each expired lease is one revision");
    let evs = s.watch_drain(w);
    assert_eq!(evs.iter().map(|e| (e.kv.key.clone(), e.kv.mod_revision)).collect::<Vec<_>>(),
        [(b"k2".to_vec(), rev + 1), (b"k3".to_vec(), rev + 1), (b"k1".to_vec(), rev + 2)]);
    assert_eq!(s.lease_list(), vec![c]);
    // Revoking a lease without keys moves no revision.
    s.lease_revoke(c).unwrap();
    assert_eq!(s.current_revision(), rev + 2);
}

#[test]
fn consistent_index_counts_applied_entries() {
    let mut s = Store::new();
    s.put(kv("a", "1")).unwrap();
    s.delete_range(DeleteRangeRequest { key: b"zz".to_vec(), ..Default::default() }).unwrap(); // no revision, one entry
    s.range(&span("a", "")).unwrap(); // reads are not raft entries
    s.txn(TxnRequest { success: vec![RequestOp::Range(span("a", ""))], ..Default::default() }).unwrap();
    let _ = s.put(PutRequest { lease: 5, ..kv("a", "1") }); // fails at apply: still an entry
    let _ = s.put(kv("", "1")); // rejected before raft
    s.compact(2).unwrap();
    let l = s.lease_grant(0, 10, 0).unwrap().id;
    s.lease_revoke(l).unwrap();
    assert_eq!(s.consistent_index(), 6);
}

#[test]
fn store_serializes() {
    let mut s = store();
    let l = s.lease_grant(0, 10, 0).unwrap().id;
    s.put(PutRequest { lease: l, ..kv("l", "v") }).unwrap();
    s.watch_create(WatchCreate { key: b"a".to_vec(), ..Default::default() }).unwrap();
    s.put(kv("a", "pending")).unwrap();
    let mut buf = Vec::new();
    ciborium::into_writer(&s, &mut buf).unwrap();
    let back: Store = ciborium::from_reader(buf.as_slice()).unwrap();
    assert_eq!(back, s);
}
