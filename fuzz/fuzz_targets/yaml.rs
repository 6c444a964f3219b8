//! A manifest: `kubectl create -f` and the kubelet's static pods parse it.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(v) = etcd_playground::cluster::yaml::parse(&text) {
        let _ = etcd_playground::cluster::yaml::to_yaml(&v);
    }
});
