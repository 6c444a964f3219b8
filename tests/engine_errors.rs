//! Every engine error, with the text etcd 3.4.23 prints for it (checked against the real
//! server with etcdctl), and the state left unchanged where etcd rejects before applying.

use etcd_playground::engine::*;

fn kv(k: &str, v: &str) -> PutRequest {
    PutRequest { key: k.into(), value: v.into(), ..Default::default() }
}

fn get(k: &str) -> RangeRequest {
    RangeRequest { key: k.into(), ..Default::default() }
}

/// The state that matters to a reader: everything but the raft bookkeeping.
fn visible(s: &Store) -> (Vec<u8>, i64, i64) {
    let mut c = s.clone();
    c.consistent_index = 0;
    c.lessor.id_suffix = 0;
    (format!("{:?}", (&c.index, &c.backend, &c.lessor, &c.watchers, &c.alarms)).into_bytes(), c.current_rev, c.compact_rev)
}

fn store() -> Store {
    let mut s = Store::new();
    s.put(kv("a", "1")).unwrap(); // 2
    s.put(kv("b", "2")).unwrap(); // 3
    s.put(kv("a", "3")).unwrap(); // 4
    s
}

#[test]
fn error_texts_are_etcds() {
    let table = [
        (EngineError::Compacted, "etcdserver: mvcc: required revision has been compacted"),
        (EngineError::FutureRev, "etcdserver: mvcc: required revision is a future revision"),
        (EngineError::LeaseNotFound, "etcdserver: requested lease not found"),
        (EngineError::LeaseExists, "etcdserver: lease already exists"),
        (EngineError::NoSpace, "etcdserver: mvcc: database space exceeded"),
        (EngineError::KeyNotFound, "etcdserver: key not found"),
        (EngineError::DuplicateKey, "etcdserver: duplicate key given in txn request"),
        (EngineError::EmptyKey, "etcdserver: key is not provided"),
        (EngineError::ValueProvided, "etcdserver: value is provided"),
        (EngineError::LeaseProvided, "etcdserver: lease is provided"),
        (EngineError::TooManyOps, "etcdserver: too many operations in txn request"),
        (EngineError::LeaseTtlTooLarge, "etcdserver: too large lease TTL"),
        (EngineError::WatcherDuplicateId, "mvcc: duplicate watch ID provided on the WatchStream"),
    ];
    for (e, text) in table {
        assert_eq!(e.to_string(), text);
    }
}

#[test]
fn empty_keys() {
    let mut s = store();
    let before = visible(&s);
    assert_eq!(s.put(kv("", "x")), Err(EngineError::EmptyKey));
    assert_eq!(s.range(&get("")), Err(EngineError::EmptyKey));
    assert_eq!(s.delete_range(DeleteRangeRequest::default()), Err(EngineError::EmptyKey));
    let cmp = Compare { key: vec![], range_end: vec![], result: CompareResult::Equal, target: CompareTarget::Version(0) };
    assert_eq!(s.txn(TxnRequest { compare: vec![cmp], ..Default::default() }), Err(EngineError::EmptyKey));
    assert_eq!(s.txn(TxnRequest { failure: vec![RequestOp::Put(kv("", "x"))], ..Default::default() }), Err(EngineError::EmptyKey));
    assert_eq!(visible(&s), before);
}

#[test]
fn put_option_errors() {
    let mut s = store();
    let before = visible(&s);
    let iv = |k: &str, v: &str| PutRequest { ignore_value: true, ..kv(k, v) };
    let il = |k: &str, lease| PutRequest { ignore_lease: true, lease, ..kv(k, "v") };
    assert_eq!(s.put(iv("a", "x")), Err(EngineError::ValueProvided));
    assert_eq!(s.put(il("a", 5)), Err(EngineError::LeaseProvided));
    assert_eq!(s.put(iv("zz", "")), Err(EngineError::KeyNotFound));
    assert_eq!(s.put(il("zz", 0)), Err(EngineError::KeyNotFound));
    assert_eq!(s.put(PutRequest { lease: 0x123, ..kv("a", "v") }), Err(EngineError::LeaseNotFound));
    assert_eq!(visible(&s), before);
    // The same checks inside a txn, on the chosen branch only.
    let t = |op| TxnRequest { success: vec![op], ..Default::default() };
    assert_eq!(s.txn(t(RequestOp::Put(iv("zz", "")))), Err(EngineError::KeyNotFound));
    assert_eq!(s.txn(t(RequestOp::Put(iv("zz", "x")))), Err(EngineError::ValueProvided));
    assert_eq!(s.txn(t(RequestOp::Put(PutRequest { lease: 9, ..kv("a", "v") }))), Err(EngineError::LeaseNotFound));
    let not_taken = TxnRequest { failure: vec![RequestOp::Put(iv("zz", ""))], ..Default::default() };
    assert!(s.txn(not_taken).unwrap().succeeded);
    assert_eq!(visible(&s), before);
}

#[test]
fn ignore_value_and_lease_keep_the_current_ones() {
    let mut s = store();
    let l = s.lease_grant(0, 100, 0).unwrap().id;
    s.put(PutRequest { lease: l, ..kv("k", "old") }).unwrap();
    s.put(PutRequest { ignore_value: true, ..kv("k", "") }).unwrap(); // keeps value, drops lease
    let r = s.range(&get("k")).unwrap().kvs.remove(0);
    assert_eq!((r.value.as_slice(), r.lease), (&b"old"[..], 0));
    assert!(s.lease_time_to_live(l, true, 0).keys.is_empty());
    s.put(PutRequest { lease: l, ..kv("k", "x") }).unwrap();
    s.put(PutRequest { ignore_lease: true, ..kv("k", "new") }).unwrap();
    let r = s.range(&get("k")).unwrap().kvs.remove(0);
    assert_eq!((r.value.as_slice(), r.lease), (&b"new"[..], l));
}

#[test]
fn revision_errors() {
    let mut s = store();
    let at = |rev| RangeRequest { revision: rev, ..get("a") };
    assert_eq!(s.range(&at(5)), Err(EngineError::FutureRev));
    assert_eq!(s.compact(5), Err(EngineError::FutureRev));
    assert_eq!(s.hash_kv(5), Err(EngineError::FutureRev));
    s.compact(3).unwrap();
    let before = visible(&s);
    assert_eq!(s.range(&at(2)), Err(EngineError::Compacted));
    assert_eq!(s.range(&at(3)).unwrap().kvs[0].value, b"1"); // the compacted revision itself reads
    assert_eq!(s.compact(3), Err(EngineError::Compacted));
    assert_eq!(s.compact(2), Err(EngineError::Compacted));
    assert_eq!(s.hash_kv(3), Err(EngineError::Compacted));
    let t = |rev| TxnRequest { success: vec![RequestOp::Range(at(rev))], ..Default::default() };
    assert_eq!(s.txn(t(2)), Err(EngineError::Compacted));
    assert_eq!(s.txn(t(9)), Err(EngineError::FutureRev));
    let w = |rev| WatchCreate { key: b"a".to_vec(), start_revision: rev, ..Default::default() };
    assert_eq!(s.watch_create(w(2)), Err(EngineError::Compacted));
    assert_eq!(visible(&s), before);
    assert_eq!(s.watch_create(w(3)).unwrap().1.len(), 1); // a=3 at revision 4
}

#[test]
fn duplicate_keys_in_txn() {
    let mut s = store();
    let before = visible(&s);
    let put = |k: &str| RequestOp::Put(kv(k, "v"));
    let del = |k: &str, end: &str| RequestOp::DeleteRange(DeleteRangeRequest { key: k.into(), range_end: end.into(), prev_kv: false });
    let nested = |success, failure| RequestOp::Txn(TxnRequest { compare: vec![], success, failure });
    let dup = [
        vec![put("x"), put("x")],
        vec![put("x"), del("x", "")],
        vec![del("p", "q"), put("pa")],
        vec![nested(vec![put("x")], vec![]), put("x")],
        vec![nested(vec![del("a", "c")], vec![]), put("b")],
        vec![nested(vec![], vec![put("x")]), nested(vec![put("x")], vec![])],
    ];
    for ops in dup {
        let r = s.txn(TxnRequest { success: ops.clone(), ..Default::default() });
        assert_eq!(r, Err(EngineError::DuplicateKey), "{ops:?}");
    }
    assert_eq!(visible(&s), before);
    // Not duplicates, as in etcd: separate branches, two deletes, inverted and from-key spans.
    let fine = [
        (vec![put("p")], vec![put("p")]),
        (vec![del("x", ""), del("x", "")], vec![]),
        (vec![del("q", "p"), put("pa")], vec![]),
        (vec![del("b", "\0"), put("c")], vec![]),
        (vec![nested(vec![put("x")], vec![put("x")])], vec![]),
    ];
    for (success, failure) in fine {
        assert!(s.txn(TxnRequest { compare: vec![], success: success.clone(), failure }).is_ok(), "{success:?}");
    }
}

#[test]
fn too_many_ops() {
    let mut s = store();
    let ops: Vec<RequestOp> = (0..129).map(|i| RequestOp::Put(kv(&format!("k{i}"), "v"))).collect();
    assert_eq!(s.txn(TxnRequest { success: ops[..129].to_vec(), ..Default::default() }), Err(EngineError::TooManyOps));
    assert!(s.txn(TxnRequest { success: ops[..128].to_vec(), ..Default::default() }).is_ok());
}

#[test]
fn lease_errors() {
    let mut s = store();
    assert_eq!(s.lease_grant(0, 9_000_000_001, 0), Err(EngineError::LeaseTtlTooLarge));
    assert_eq!(s.lease_grant(0, 9_000_000_000, 0).unwrap().ttl, 9_000_000_000);
    let l = s.lease_grant(0x10, 5, 0).unwrap();
    assert_eq!((l.id, l.ttl), (0x10, 5));
    assert_eq!(s.lease_grant(0x10, 5, 0), Err(EngineError::LeaseExists));
    assert_eq!(s.lease_revoke(0x11), Err(EngineError::LeaseNotFound));
    assert_eq!(s.lease_keep_alive(0x11, 0), Err(EngineError::LeaseNotFound));
    // Expired but not yet revoked: keep-alive revokes it and reports not found.
    assert_eq!(s.lease_keep_alive(0x10, 5_000), Err(EngineError::LeaseNotFound));
    assert_eq!(s.lease_time_to_live(0x10, false, 0).ttl, -1);
}

#[test]
fn watch_id_errors() {
    let mut s = store();
    let w = |id| WatchCreate { key: b"a".to_vec(), watch_id: id, ..Default::default() };
    assert_eq!(s.watch_create(w(0)).unwrap().0, 0);
    assert_eq!(s.watch_create(w(7)).unwrap().0, 7);
    assert_eq!(s.watch_create(w(7)), Err(EngineError::WatcherDuplicateId));
    assert_eq!(s.watch_create(w(0)).unwrap().0, 1);
}

#[test]
fn nospace() {
    let mut s = store();
    s.quota_bytes = s.db_size() + 300; // room for about one more small put
    s.put(kv("c", "1")).unwrap();
    assert_eq!(s.put(kv("d", &"x".repeat(4000))), Err(EngineError::NoSpace));
    let alarm = AlarmMember { member_id: 0, alarm: AlarmType::NoSpace };
    assert_eq!(s.alarm_list(), vec![alarm]);
    // Even a small write fails while the alarm is raised; so do lease grants and txns that put.
    s.quota_bytes = DEFAULT_QUOTA;
    assert_eq!(s.put(kv("e", "1")), Err(EngineError::NoSpace));
    assert_eq!(s.lease_grant(0, 10, 0), Err(EngineError::NoSpace));
    assert_eq!(s.txn(TxnRequest { success: vec![RequestOp::Put(kv("e", "1"))], ..Default::default() }), Err(EngineError::NoSpace));
    // Deletes, reads, read-only and delete-only txns still work.
    assert_eq!(s.delete_range(DeleteRangeRequest { key: b"a".to_vec(), ..Default::default() }).unwrap().deleted, 1);
    assert!(s.txn(TxnRequest { success: vec![RequestOp::Range(get("b"))], ..Default::default() }).is_ok());
    assert_eq!(s.range(&get("b")).unwrap().count, 1);
    assert_eq!(s.alarm_disarm(), vec![alarm]);
    s.put(kv("e", "1")).unwrap();
}

const DEFAULT_QUOTA: i64 = 2 * 1024 * 1024 * 1024;
