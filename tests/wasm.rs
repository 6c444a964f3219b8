//! The engine and shell compiled to wasm32 and run under Node by wasm-bindgen-test-runner:
//! proves the code the page runs behaves as the native build does.
#![cfg(target_arch = "wasm32")]

use etcd_playground::shell::Session;
use wasm_bindgen_test::*;

#[wasm_bindgen_test]
fn put_and_get_in_wasm() {
    let mut s = Session::new("plain").unwrap();
    assert_eq!(s.execute("etcdctl put k1 AAA,BBB,CCC").text(), "OK\n");
    assert_eq!(s.execute("etcdctl get k1").text(), "k1\nAAA,BBB,CCC\n");
}

#[wasm_bindgen_test]
fn session_round_trips_through_cbor_in_wasm() {
    let mut s = Session::new("kubeadm").unwrap();
    s.execute("export A=1");
    let mut buf = Vec::new();
    ciborium::into_writer(&s, &mut buf).unwrap();
    let back: Session = ciborium::from_reader(buf.as_slice()).unwrap();
    assert_eq!(back, s);
}

// Issue 17: the deepest inputs, in the wasm the page runs (its stack is about 1 MiB).

#[wasm_bindgen_test]
fn a_lesson_nested_20000_deep_is_an_error_in_wasm() {
    let doc = format!("id = \"x\"\nx = {}\n", "[".repeat(20000));
    let e = etcd_playground::lessons::toml_lite::parse(&doc).unwrap_err();
    assert_eq!((e.line, e.message.as_str()), (2, "arrays and inline tables nest deeper than 64 levels"));
}

#[wasm_bindgen_test]
fn a_manifest_nested_20000_deep_is_an_error_in_wasm() {
    let text = format!("apiVersion: v1\nkind: Pod\nmetadata:\n  name: deep\n  labels: {}{}\n", "[".repeat(20000), "]".repeat(20000));
    assert_eq!(etcd_playground::cluster::yaml::parse(&text).unwrap_err(), "yaml: line 5: exceeded max depth of 64");
    let mut s = Session::new("kubeadm").unwrap();
    s.world.vfs.write("/etc/kubernetes/manifests/deep.yaml", text.into_bytes()).unwrap();
    s.execute("sleep 30");
    assert_eq!(s.execute("echo alive").text(), "alive\n");
}

#[wasm_bindgen_test]
fn a_session_file_nested_20000_deep_is_refused_in_wasm() {
    let mut f = vec![0xa3, 0x65];
    f.extend_from_slice(b"magic");
    f.push(0x77);
    f.extend_from_slice(b"etcd-playground-session");
    f.push(0x67);
    f.extend_from_slice(b"version");
    f.push(0x01);
    f.push(0x67);
    f.extend_from_slice(b"session");
    f.extend(std::iter::repeat_n(0x81u8, 20000));
    f.push(0x00);
    assert!(etcd_playground::session_file::load(&f).is_err());
}

#[wasm_bindgen_test]
fn bytes_stay_bytes_and_blow_ups_stop_in_wasm() {
    let mut s = Session::new("plain").unwrap();
    assert_eq!(s.execute("echo //7+ | base64 -d | wc -c").text(), "3\n");
    let r = s.execute(&format!("mkdir -p /tmp/{}", "a/".repeat(30000)));
    assert!(r.text().ends_with(": File name too long\n"));
    s.execute("sleep 18446744073709552");
    assert_eq!(s.execute("etcdctl put k v").text(), "OK\n");
}
