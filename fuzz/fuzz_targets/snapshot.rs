//! The snapshot reader: status, load, bbolt's check and both restore flavours.
#![no_main]
use etcd_playground::snapshot::{self, bolt, restore};
use etcd_playground::vfs::Vfs;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = snapshot::status(data);
    let _ = snapshot::load(data);
    if let Ok(db) = bolt::BoltFile::open(data) {
        let _ = db.check();
        let _ = db.buckets();
    }
    let mut vfs = Vfs::default();
    let _ = vfs.mkdir_p("/root");
    let cfg = restore::RestoreConfig { snapshot_path: "s.db".into(), skip_hash_check: true, ..Default::default() };
    let _ = restore::restore(&mut vfs, "/root", &cfg, Ok(data), restore::Flavor::V35);
});
