//! No snapshot input may panic: random bytes, truncations and corruptions of a valid file
//! (with the meta checksums recomputed so the damage reaches the pages behind them) all come
//! back as errors from `status`, `load` and the restore path.

use etcd_playground::engine::{DeleteRangeRequest, PutRequest};
use etcd_playground::snapshot::{self, bolt, restore};
use etcd_playground::vfs::Vfs;
use proptest::prelude::*;

fn valid_file() -> Vec<u8> {
    static FILE: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    FILE.get_or_init(build_valid_file).clone()
}

fn build_valid_file() -> Vec<u8> {
    let mut etcd = etcd_playground::cluster::scenario::build("plain").unwrap().etcd;
    for i in 0..400 {
        etcd.store.put(PutRequest { key: format!("k{:04}", i % 300).into_bytes(), value: vec![b'v'; i % 97], ..Default::default() }).unwrap();
    }
    etcd.store.delete_range(DeleteRangeRequest { key: b"k0010".to_vec(), range_end: b"k0020".to_vec(), ..Default::default() }).unwrap();
    etcd.store.put(PutRequest { key: b"big".to_vec(), value: vec![b'z'; 9000], ..Default::default() }).unwrap();
    snapshot::save(&etcd)
}

/// Rewrites both meta checksums so bbolt's first line of defence does not stop the damage.
fn reseal(file: &mut [u8]) {
    for off in [0usize, 4096] {
        if file.len() >= off + 16 + 64 {
            let sum = bolt::fnv64a(&file[off + 16..off + 16 + 56]);
            file[off + 16 + 56..off + 16 + 64].copy_from_slice(&sum.to_le_bytes());
        }
    }
}

fn exercise(data: &[u8]) {
    let _ = snapshot::status(data);
    let _ = snapshot::load(data);
    if let Ok(db) = bolt::BoltFile::open(data) {
        let _ = db.check();
        let _ = db.buckets();
    }
    let mut vfs = Vfs::default();
    vfs.mkdir_p("/root").unwrap();
    let cfg = restore::RestoreConfig { snapshot_path: "s.db".into(), skip_hash_check: true, ..Default::default() };
    let _ = restore::restore(&mut vfs, "/root", &cfg, Ok(data), restore::Flavor::V34);
    let _ = restore::restore(&mut vfs, "/tmp", &cfg, Ok(data), restore::Flavor::V35);
}

#[test]
fn the_valid_file_is_sound() {
    let f = valid_file();
    assert!(snapshot::status(&f).is_ok());
    assert!(snapshot::load(&f).is_ok());
}

#[test]
fn every_truncation_is_an_error_or_a_smaller_valid_db() {
    let f = valid_file();
    for n in (0..f.len()).step_by(97) {
        exercise(&f[..n]);
    }
    // Cut inside the pages: the pages past the cut are missing.
    let cut = &f[..f.len() / 2];
    assert!(snapshot::status(cut).is_err());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, .. ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(data in proptest::collection::vec(any::<u8>(), 0..20_000)) {
        exercise(&data);
    }

    #[test]
    fn random_bytes_with_a_valid_meta_never_panic(mut data in proptest::collection::vec(any::<u8>(), 8192..40_000), root in 0u64..12, pgid in 0u64..12, freelist in prop_oneof![Just(u64::MAX), 0u64..12]) {
        for off in [0usize, 4096] {
            data[off + 16..off + 20].copy_from_slice(&bolt::MAGIC.to_le_bytes());
            data[off + 20..off + 24].copy_from_slice(&2u32.to_le_bytes());
            data[off + 24..off + 28].copy_from_slice(&4096u32.to_le_bytes());
            data[off + 32..off + 40].copy_from_slice(&root.to_le_bytes());
            data[off + 48..off + 56].copy_from_slice(&freelist.to_le_bytes());
            data[off + 56..off + 64].copy_from_slice(&pgid.to_le_bytes());
        }
        reseal(&mut data);
        exercise(&data);
    }

    #[test]
    fn corrupting_a_valid_file_never_panics(edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..40)) {
        let mut f = valid_file();
        let len = f.len();
        for (pos, byte) in edits {
            f[pos % len] = byte;
        }
        reseal(&mut f);
        exercise(&f);
    }
}
