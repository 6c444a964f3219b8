//! Writes a playground snapshot of N keys to a host file (used while checking interop).
use etcd_playground::cluster::scenario;
use etcd_playground::engine::{DeleteRangeRequest, PutRequest};
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let n: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(3);
    let mut etcd = scenario::build("plain").unwrap().etcd;
    for i in 0..n {
        etcd.store.put(PutRequest { key: format!("key{i:06}").into_bytes(), value: format!("value{i}").into_bytes(), ..Default::default() }).unwrap();
    }
    etcd.store.delete_range(DeleteRangeRequest { key: b"key000001".to_vec(), ..Default::default() }).unwrap();
    std::fs::write(&args[1], etcd_playground::snapshot::save(&etcd)).unwrap();
    let st = etcd_playground::snapshot::status(&etcd_playground::snapshot::save(&etcd)).unwrap();
    println!("{:x}, {}, {}, {}", st.hash, st.revision, st.total_key, etcd_playground::snapshot::humanize_bytes(st.total_size as u64));
}
