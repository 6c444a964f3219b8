//! Deleting an object's key in etcd (what `etcdctl del` does) removes it from kubectl's view:
//! a bare pod disappears for good; a ReplicaSet's pod is replaced under a new name; a static
//! pod's mirror is re-posted by the kubelet.

use etcd_playground::engine::DeleteRangeRequest;
use etcd_playground::shell::Session;

fn del(s: &mut Session, key: &str) {
    let r = s.world.etcd.store.delete_range(DeleteRangeRequest { key: key.as_bytes().to_vec(), ..Default::default() }).unwrap();
    assert_eq!(r.deleted, 1, "{key} was not there");
}

#[test]
fn deleting_registry_keys_in_etcd_removes_objects() {
    let mut s = Session::new("kubeadm").unwrap();
    assert_eq!(s.execute("kubectl run web --image=nginx").text(), "pod/web created\n");
    assert!(s.execute("kubectl get pods").text().contains("web "));
    del(&mut s, "/registry/pods/default/web");
    assert_eq!(s.execute("kubectl get pods").text(), "No resources found in default namespace.\n");

    del(&mut s, "/registry/pods/kube-system/coredns-66bff467f8-pfm2c");
    let pods = s.execute("kubectl get pods -n kube-system -l k8s-app=kube-dns").text();
    assert!(!pods.contains("pfm2c") && pods.contains("s8pk4"), "{pods}");
    assert_eq!(pods.lines().filter(|l| l.starts_with("coredns-66bff467f8-")).count(), 2, "the ReplicaSet keeps two pods:\n{pods}");

    del(&mut s, "/registry/pods/kube-system/etcd-docker-01");
    let etcd = s.execute("kubectl get pod etcd-docker-01 -n kube-system").text();
    assert!(etcd.ends_with("0s\n"), "the kubelet re-posts its mirror pod as new:\n{etcd}");

    del(&mut s, "/registry/namespaces/kube-public");
    assert!(!s.execute("kubectl get ns").text().contains("kube-public"));
}

/// The cluster's state (objects, certificates, kubelet, parked data dirs) survives the CBOR
/// round trip a saved session takes, after edits that touch all of it.
#[test]
fn kubeadm_session_round_trips_through_cbor() {
    let mut s = Session::new("kubeadm").unwrap();
    s.execute("kubectl create deployment web --image=nginx --replicas=2");
    s.execute("sed -i 's#--data-dir=/var/lib/etcd$#--data-dir=/var/lib/etcd-new#' /etc/kubernetes/manifests/etcd.yaml");
    s.execute("kubectl get pods");
    let mut buf = Vec::new();
    ciborium::into_writer(&s, &mut buf).unwrap();
    let back: Session = ciborium::from_reader(buf.as_slice()).unwrap();
    assert_eq!(back, s);
    assert!(buf.len() < 2_000_000, "a saved kubeadm session is {} bytes", buf.len());
    println!("kubeadm session CBOR: {} bytes", buf.len());
}
