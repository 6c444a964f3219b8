//! Times snapshot save, status, load and restore at 10k and 100k keys (run once, natively):
//! `cargo run --release --example snapshot_bench [DIR]`. With DIR, also writes each snapshot
//! there (to compare with real etcd's files for the same keys).

use etcd_playground::engine::PutRequest;
use etcd_playground::snapshot::{self, restore};
use etcd_playground::vfs::Vfs;
use std::time::Instant;

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}

fn main() {
    let dir = std::env::args().nth(1);
    println!("{:>7} {:>9} {:>9} {:>9} {:>10} {:>11}  status", "keys", "save ms", "status ms", "load ms", "restore ms", "file bytes");
    for n in [10_000usize, 100_000] {
        let mut etcd = etcd_playground::cluster::scenario::build("plain").unwrap().etcd;
        for i in 0..n {
            etcd.store.put(PutRequest { key: format!("/registry/bench/key-{i:06}").into_bytes(), value: format!("value-{i:06}-{}", "x".repeat(32)).into_bytes(), ..Default::default() }).unwrap();
        }
        let t = Instant::now();
        let file = snapshot::save(&etcd);
        let save_ms = ms(t);
        let t = Instant::now();
        let st = snapshot::status(&file).unwrap();
        let status_ms = ms(t);
        let t = Instant::now();
        let store = snapshot::load_store(&file).unwrap();
        let load_ms = ms(t);
        assert_eq!(store.current_revision(), etcd.store.current_revision());
        let mut vfs = Vfs::default();
        let t = Instant::now();
        let cfg = restore::RestoreConfig { snapshot_path: "s.db".into(), data_dir: "/r".into(), ..Default::default() };
        let out = restore::restore(&mut vfs, "/", &cfg, Ok(&file), restore::Flavor::V34);
        let restore_ms = ms(t);
        assert!(out.result.is_ok());
        println!(
            "{n:>7} {save_ms:>9.1} {status_ms:>9.1} {load_ms:>9.1} {restore_ms:>10.1} {:>11}  {:x}, {}, {}, {}",
            file.len(),
            st.hash,
            st.revision,
            st.total_key,
            etcd_playground::gofmt::humanize_bytes(st.total_size as u64)
        );
        if let Some(d) = &dir {
            std::fs::write(format!("{d}/playground-{n}.db"), &file).unwrap();
        }
    }
}
