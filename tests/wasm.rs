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
