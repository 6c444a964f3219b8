//! Cross-check with an independent reader: `bbolt-rs` (a Rust port of bbolt 1.3.10, built
//! with its `compat` feature for bbolt's magic number) opens every file our writer makes,
//! finds no integrity error (`tx.check()`), and reads back exactly the buckets, keys and
//! values we wrote — for etcd snapshots and for random bucket contents (inline buckets,
//! several levels of branch pages, values spanning overflow pages).
//! (It cannot open files real etcd writes: etcd runs with NoFreelistSync, which bbolt-rs
//! does not support yet. Our writer stores an empty freelist page, which both read.)

use bbolt_rs::{BucketApi, DbApi, TxApi, TxCheck};
use etcd_playground::engine::{DeleteRangeRequest, PutRequest};
use etcd_playground::snapshot::{self, bolt};
use proptest::prelude::*;

use bolt::Buckets;

fn read_with_bbolt_rs(file: &[u8], name: &str) -> (Vec<String>, Buckets) {
    let path = std::env::temp_dir().join(format!("bbolt-rs-{}-{name}.db", std::process::id()));
    std::fs::write(&path, file).unwrap();
    let db = bbolt_rs::Bolt::open_ro(&path).expect("bbolt-rs opens our file");
    let mut errs = Vec::new();
    let mut got = Buckets::new();
    db.view(|tx| {
        errs = tx.check();
        for (name, b) in tx.iter_buckets() {
            got.insert(name.to_vec(), b.iter_entries().map(|(k, v)| (k.to_vec(), v.to_vec())).collect());
        }
        Ok(())
    })
    .unwrap();
    drop(db);
    let _ = std::fs::remove_file(&path);
    (errs, got)
}

#[test]
fn bbolt_rs_reads_a_snapshot_as_we_wrote_it() {
    let mut etcd = etcd_playground::cluster::scenario::build("kubeadm").unwrap().etcd;
    for i in 0..3000 {
        etcd.store.put(PutRequest { key: format!("/k/{:05}", i % 1500).into_bytes(), value: vec![b'v'; i % 700], ..Default::default() }).unwrap();
    }
    etcd.store.delete_range(DeleteRangeRequest { key: b"/k/00100".to_vec(), range_end: b"/k/00200".to_vec(), ..Default::default() }).unwrap();
    etcd.store.put(PutRequest { key: b"big".to_vec(), value: vec![b'z'; 50_000], ..Default::default() }).unwrap();
    let file = snapshot::db_bytes(&etcd);
    let (errs, got) = read_with_bbolt_rs(&file, "snap");
    assert!(errs.is_empty(), "{errs:?}");
    assert_eq!(got, snapshot::buckets(&etcd));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, .. ProptestConfig::default() })]
    #[test]
    fn bbolt_rs_reads_random_buckets(
        buckets in proptest::collection::btree_map(
            proptest::collection::vec(any::<u8>(), 1..20),
            proptest::collection::btree_map(proptest::collection::vec(any::<u8>(), 1..40), proptest::collection::vec(any::<u8>(), 0..2500), 0..120),
            1..5,
        )
    ) {
        let buckets: Buckets = buckets.into_iter().map(|(n, kvs)| (n, kvs.into_iter().collect())).collect();
        let file = bolt::write(&buckets);
        let (errs, got) = read_with_bbolt_rs(&file, "random");
        prop_assert!(errs.is_empty(), "{:?}", errs);
        prop_assert_eq!(got, buckets);
    }
}
