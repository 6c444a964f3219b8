//! The engine against numbers recorded from real etcd 3.4.23 (`/usr/bin/etcd`, fresh data
//! dir, driven with `etcdctl`): HashKV values, revisions, sort orders. Each test replays the
//! same requests etcdctl sent and compares with what the real server answered.

use etcd_playground::engine::*;

fn put(s: &mut Store, k: &str, v: &str) {
    s.put(PutRequest { key: k.into(), value: v.into(), ..Default::default() }).unwrap();
}

fn keys(r: &RangeResponse) -> Vec<String> {
    r.kvs.iter().map(|kv| String::from_utf8_lossy(&kv.key).into_owned()).collect()
}

/// `for i in 1..=100: etcdctl put k$i <100 x>` then `etcdctl endpoint hashkv -w json`.
#[test]
fn hash_after_100_puts_matches_etcd() {
    let mut s = Store::new();
    let v = "x".repeat(100);
    for i in 1..=100 {
        put(&mut s, &format!("k{i}"), &v);
    }
    assert_eq!(s.current_revision(), 101);
    assert_eq!(s.hash_kv(0).unwrap(), (1082249564, -1));
}

/// put a 1; put b 2; put a 3; del a;
/// txn `value("b") = "2"` then { put c 1; put d 2; del b }; put a 7; put c 8;
/// then `endpoint hashkv --rev N`, compactions, and hashes again.
fn history() -> Store {
    let mut s = Store::new();
    put(&mut s, "a", "1");
    put(&mut s, "b", "2");
    put(&mut s, "a", "3");
    assert_eq!(s.delete_range(DeleteRangeRequest { key: b"a".to_vec(), ..Default::default() }).unwrap().deleted, 1);
    let r = s
        .txn(TxnRequest {
            compare: vec![Compare {
                key: b"b".to_vec(),
                range_end: vec![],
                result: CompareResult::Equal,
                target: CompareTarget::Value(b"2".to_vec()),
            }],
            success: vec![
                RequestOp::Put(PutRequest { key: b"c".to_vec(), value: b"1".to_vec(), ..Default::default() }),
                RequestOp::Put(PutRequest { key: b"d".to_vec(), value: b"2".to_vec(), ..Default::default() }),
                RequestOp::DeleteRange(DeleteRangeRequest { key: b"b".to_vec(), ..Default::default() }),
            ],
            failure: vec![],
        })
        .unwrap();
    assert!(r.succeeded);
    put(&mut s, "a", "7");
    put(&mut s, "c", "8");
    assert_eq!(s.current_revision(), 8);
    s
}

#[test]
fn hash_by_revision_matches_etcd() {
    let s = history();
    assert_eq!(s.hash_kv(0).unwrap().0, 3549642055);
    assert_eq!(s.hash_kv(3).unwrap().0, 1827592406);
    assert_eq!(s.hash_kv(5).unwrap().0, 1346927904);
    assert_eq!(s.hash_kv(7).unwrap().0, 3117361626);
    assert_eq!(s.hash_kv(9), Err(EngineError::FutureRev));
}

#[test]
fn hash_after_compaction_matches_etcd() {
    let mut s = history();
    s.compact(5).unwrap();
    assert_eq!(s.hash_kv(0).unwrap(), (1616171817, 5));
    // HashKV refuses the compacted revision itself (unlike Range, which reads it).
    assert_eq!(s.hash_kv(5), Err(EngineError::Compacted));
    assert_eq!(s.hash_kv(6).unwrap(), (2333477508, 5));
    assert_eq!(s.hash_kv(7).unwrap(), (2591276325, 5));
    assert_eq!(s.hash_kv(8).unwrap(), (1616171817, 5));
    s.compact(7).unwrap();
    assert_eq!(s.hash_kv(0).unwrap(), (323935819, 7));
    // `etcdctl get a --rev 7` after compacting at 7.
    let r = s.range(&RangeRequest { key: b"a".to_vec(), revision: 7, ..Default::default() }).unwrap();
    assert_eq!(r.kvs, vec![KeyValue { key: b"a".to_vec(), create_revision: 7, mod_revision: 7, version: 1, value: b"7".to_vec(), lease: 0 }]);
}

#[test]
fn sorts_and_limits_match_etcd() {
    let s = history();
    let all = |order, target, limit| RangeRequest { key: vec![0], range_end: vec![0], sort_order: order, sort_target: target, limit, ..Default::default() };
    // etcdctl get "" --from-key --sort-by=MODIFY --order=DESCEND
    assert_eq!(keys(&s.range(&all(SortOrder::Descend, SortTarget::Mod, 0)).unwrap()), ["c", "a", "d"]);
    // --sort-by=VERSION (order defaults to ASCEND; ties keep key order)
    assert_eq!(keys(&s.range(&all(SortOrder::None, SortTarget::Version, 0)).unwrap()), ["a", "d", "c"]);
    // --limit 1 -w json: one kv, more, count 3
    let r = s.range(&all(SortOrder::None, SortTarget::Key, 1)).unwrap();
    assert_eq!((keys(&r), r.more, r.count), (vec!["a".to_string()], true, 3));
}

/// etcdctl compact 0 on a fresh member prints `compacted revision 0`; a second one fails.
#[test]
fn compact_zero_on_fresh_store() {
    let mut s = Store::new();
    assert_eq!(s.hash_kv(0).unwrap().1, -1);
    s.compact(0).unwrap();
    assert_eq!(s.compact(0), Err(EngineError::Compacted));
    assert_eq!(s.hash_kv(0).unwrap().1, 0);
}

/// `etcdctl endpoint status -w json`: a fresh member reports dbSize 24576, dbSizeInUse 16384;
/// after 100 puts of `k$i` = 100 × `x`, dbSizeInUse 45056.
#[test]
fn size_estimate_tracks_etcd() {
    let mut s = Store::new();
    assert_eq!((s.db_size(), s.db_size_in_use()), (24576, 16384));
    let v = "x".repeat(100);
    for i in 1..=100 {
        put(&mut s, &format!("k{i}"), &v);
    }
    assert_eq!((s.db_size(), s.db_size_in_use()), (45056, 45056));
}

/// etcd started with `--quota-backend-bytes=100000`; `etcdctl put k$i <3000 × x>` succeeded 17
/// times in one run (19 in another: bbolt's batching varies), then failed with NOSPACE; then, as etcdctl did: alarm list, put small (fails),
/// del k1, txn { del k2 }, read-only txn, lease grant (fails), compact 5, put small (fails),
/// defrag, put small (fails), alarm disarm, alarm list, put small (OK). `raftIndex` went from
/// 4 (a fresh member) to 34.
#[test]
fn nospace_sequence_matches_etcd() {
    let mut s = Store::new();
    s.quota_bytes = 100_000;
    let v = "x".repeat(3000);
    let mut ok = 0;
    let err = loop {
        match s.put(PutRequest { key: format!("k{}", ok + 1).into_bytes(), value: v.clone().into_bytes(), ..Default::default() }) {
            Ok(_) => ok += 1,
            Err(e) => break e,
        }
    };
    assert!((17..=19).contains(&ok), "{ok} puts before NOSPACE");
    assert_eq!(err, EngineError::NoSpace);
    s.applied(); // etcdctl alarm list
    assert_eq!(s.alarm_list().len(), 1);
    let small = || PutRequest { key: b"small".to_vec(), value: b"1".to_vec(), ..Default::default() };
    assert_eq!(s.put(small()), Err(EngineError::NoSpace));
    assert_eq!(s.delete_range(DeleteRangeRequest { key: b"k1".to_vec(), ..Default::default() }).unwrap().deleted, 1);
    let del = TxnRequest { success: vec![RequestOp::DeleteRange(DeleteRangeRequest { key: b"k2".to_vec(), ..Default::default() })], ..Default::default() };
    assert!(s.txn(del).unwrap().succeeded);
    let read = TxnRequest { success: vec![RequestOp::Range(RangeRequest { key: b"k3".to_vec(), keys_only: true, ..Default::default() })], ..Default::default() };
    assert_eq!(s.txn(read).unwrap().responses.len(), 1);
    assert_eq!(s.lease_grant(0, 10, 0), Err(EngineError::NoSpace));
    s.compact(5).unwrap();
    assert_eq!(s.put(small()), Err(EngineError::NoSpace));
    s.defrag();
    assert_eq!(s.put(small()), Err(EngineError::NoSpace));
    assert_eq!(s.alarm_disarm().len(), 1);
    s.applied(); // etcdctl alarm list
    assert!(s.alarm_list().is_empty());
    s.put(small()).unwrap();
    assert_eq!(s.current_revision(), 21);
    assert_eq!(4 + s.consistent_index(), 34);
}
