//! Snapshots compiled to wasm32 and run under Node (wasm-bindgen-test-runner): the writer,
//! status, load and restore work there as natively, and the timings are printed (goal: save
//! of 100k keys within 1 s). Run with
//! `CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner cargo test --release --target wasm32-unknown-unknown --test snapshot_wasm -- --nocapture`.
#![cfg(target_arch = "wasm32")]

use etcd_playground::engine::PutRequest;
use etcd_playground::snapshot::{self, restore};
use etcd_playground::vfs::Vfs;
use wasm_bindgen_test::*;

#[wasm_bindgen_test]
fn save_status_load_restore_in_wasm() {
    for n in [10_000usize, 100_000] {
        let mut etcd = etcd_playground::cluster::scenario::build("plain").unwrap().etcd;
        for i in 0..n {
            etcd.store.put(PutRequest { key: format!("/registry/bench/key-{i:06}").into_bytes(), value: format!("value-{i:06}-{}", "x".repeat(32)).into_bytes(), ..Default::default() }).unwrap();
        }
        let t0 = js_sys::Date::now();
        let file = snapshot::save(&etcd);
        let t1 = js_sys::Date::now();
        let st = snapshot::status(&file).unwrap();
        let t2 = js_sys::Date::now();
        let store = snapshot::load_store(&file).unwrap();
        let t3 = js_sys::Date::now();
        let mut vfs = Vfs::default();
        let cfg = restore::RestoreConfig { snapshot_path: "s.db".into(), data_dir: "/r".into(), ..Default::default() };
        let out = restore::restore(&mut vfs, "/", &cfg, Ok(&file), restore::Flavor::V34);
        let t4 = js_sys::Date::now();
        assert!(out.result.is_ok());
        assert_eq!(st.revision, n as i64 + 1);
        assert_eq!(store.current_revision(), etcd.store.current_revision());
        console_log!("wasm {n} keys: save {:.0} ms, status {:.0} ms, load {:.0} ms, restore {:.0} ms, {} bytes", t1 - t0, t2 - t1, t3 - t2, t4 - t3, file.len());
    }
}
