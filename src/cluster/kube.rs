//! Kubernetes objects as the API server keeps them: one etcd key per object under
//! `/registry/<resource>/<namespace>/<name>` (`/registry/minions/<node>` for nodes,
//! `/registry/services/specs/...` for services), so `etcdctl get /registry --prefix
//! --keys-only` lists the cluster and `kubectl` reads the same keys back.
//!
//! Difference from real Kubernetes: the API server stores protobuf behind a `k8s\0` magic
//! prefix; here values are JSON (what `--storage-media-type=application/json` would store), so
//! a learner can read them with `etcdctl get`. The API server also never stores
//! `metadata.resourceVersion`: it is the key's `mod_revision`, filled in on every read — as
//! here.

use crate::engine::types::prefix_end;
use super::clock::CLUSTER_CREATED;
use crate::gofmt::rfc3339;
use crate::engine::{DeleteRangeRequest, PutRequest, RangeRequest, Store};
use serde_json::{json, Value};

/// The resources kubectl knows, with their etcd prefix and printing names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Resource {
    /// Plural, as in `kubectl get pods` and the etcd key.
    pub plural: &'static str,
    pub singular: &'static str,
    pub short: &'static str,
    pub kind: &'static str,
    pub api_version: &'static str,
    /// The key prefix, without the trailing slash.
    pub prefix: &'static str,
    pub namespaced: bool,
}

pub const RESOURCES: &[Resource] = &[
    Resource { plural: "pods", singular: "pod", short: "po", kind: "Pod", api_version: "v1", prefix: "/registry/pods", namespaced: true },
    Resource { plural: "nodes", singular: "node", short: "no", kind: "Node", api_version: "v1", prefix: "/registry/minions", namespaced: false },
    Resource { plural: "namespaces", singular: "namespace", short: "ns", kind: "Namespace", api_version: "v1", prefix: "/registry/namespaces", namespaced: false },
    Resource { plural: "deployments", singular: "deployment", short: "deploy", kind: "Deployment", api_version: "apps/v1", prefix: "/registry/deployments", namespaced: true },
    Resource { plural: "replicasets", singular: "replicaset", short: "rs", kind: "ReplicaSet", api_version: "apps/v1", prefix: "/registry/replicasets", namespaced: true },
    Resource { plural: "daemonsets", singular: "daemonset", short: "ds", kind: "DaemonSet", api_version: "apps/v1", prefix: "/registry/daemonsets", namespaced: true },
    Resource { plural: "services", singular: "service", short: "svc", kind: "Service", api_version: "v1", prefix: "/registry/services/specs", namespaced: true },
    Resource { plural: "secrets", singular: "secret", short: "secret", kind: "Secret", api_version: "v1", prefix: "/registry/secrets", namespaced: true },
    Resource { plural: "configmaps", singular: "configmap", short: "cm", kind: "ConfigMap", api_version: "v1", prefix: "/registry/configmaps", namespaced: true },
    Resource { plural: "serviceaccounts", singular: "serviceaccount", short: "sa", kind: "ServiceAccount", api_version: "v1", prefix: "/registry/serviceaccounts", namespaced: true },
    Resource { plural: "endpoints", singular: "endpoints", short: "ep", kind: "Endpoints", api_version: "v1", prefix: "/registry/services/endpoints", namespaced: true },
    Resource { plural: "leases", singular: "lease", short: "lease", kind: "Lease", api_version: "coordination.k8s.io/v1", prefix: "/registry/leases", namespaced: true },
    Resource { plural: "clusterroles", singular: "clusterrole", short: "clusterrole", kind: "ClusterRole", api_version: "rbac.authorization.k8s.io/v1", prefix: "/registry/clusterroles", namespaced: false },
    Resource { plural: "clusterrolebindings", singular: "clusterrolebinding", short: "clusterrolebinding", kind: "ClusterRoleBinding", api_version: "rbac.authorization.k8s.io/v1", prefix: "/registry/clusterrolebindings", namespaced: false },
    Resource { plural: "roles", singular: "role", short: "role", kind: "Role", api_version: "rbac.authorization.k8s.io/v1", prefix: "/registry/roles", namespaced: true },
    Resource { plural: "rolebindings", singular: "rolebinding", short: "rolebinding", kind: "RoleBinding", api_version: "rbac.authorization.k8s.io/v1", prefix: "/registry/rolebindings", namespaced: true },
    Resource { plural: "priorityclasses", singular: "priorityclass", short: "pc", kind: "PriorityClass", api_version: "scheduling.k8s.io/v1", prefix: "/registry/priorityclasses", namespaced: false },
    Resource { plural: "apiservices", singular: "apiservice", short: "apiservice", kind: "APIService", api_version: "apiregistration.k8s.io/v1", prefix: "/registry/apiregistration.k8s.io/apiservices", namespaced: false },
    Resource { plural: "controllerrevisions", singular: "controllerrevision", short: "controllerrevision", kind: "ControllerRevision", api_version: "apps/v1", prefix: "/registry/controllerrevisions", namespaced: true },
    Resource { plural: "flowschemas", singular: "flowschema", short: "flowschema", kind: "FlowSchema", api_version: "flowcontrol.apiserver.k8s.io/v1", prefix: "/registry/flowschemas", namespaced: false },
    Resource { plural: "prioritylevelconfigurations", singular: "prioritylevelconfiguration", short: "prioritylevelconfiguration", kind: "PriorityLevelConfiguration", api_version: "flowcontrol.apiserver.k8s.io/v1", prefix: "/registry/prioritylevelconfigurations", namespaced: false },
    Resource { plural: "csinodes", singular: "csinode", short: "csinode", kind: "CSINode", api_version: "storage.k8s.io/v1", prefix: "/registry/csinodes", namespaced: false },
];

/// Finds a resource by any of the names kubectl accepts (`po`, `pod`, `pods`, `Pod`, `deployments.apps`).
pub fn resource(name: &str) -> Option<&'static Resource> {
    let n = name.to_ascii_lowercase();
    let n = n.split('.').next().unwrap_or("");
    RESOURCES.iter().find(|r| r.plural == n || r.singular == n || r.short == n)
}

pub fn key(res: &Resource, ns: &str, name: &str) -> String {
    if res.namespaced {
        format!("{}/{ns}/{name}", res.prefix)
    } else {
        format!("{}/{name}", res.prefix)
    }
}

/// One object read back, with the revision the API server reports as `resourceVersion`.
#[derive(Debug, Clone)]
pub struct Stored {
    pub obj: Value,
    pub mod_revision: i64,
}

fn decode(value: &[u8], mod_revision: i64) -> Option<Stored> {
    let mut obj: Value = serde_json::from_slice(value).ok()?;
    obj.get("metadata")?.get("name")?.as_str()?;
    obj["metadata"]["resourceVersion"] = Value::String(mod_revision.to_string());
    Some(Stored { obj, mod_revision })
}

/// Every object of a resource, in key order (namespace, then name), optionally in one namespace.
/// Values that do not decode (a learner's `etcdctl put` of garbage) are skipped, as the API
/// server skips (and logs) undecodable objects in a list.
pub fn list(store: &Store, res: &Resource, ns: Option<&str>) -> Vec<Stored> {
    let prefix = match ns {
        Some(ns) if res.namespaced => format!("{}/{ns}/", res.prefix),
        _ => format!("{}/", res.prefix),
    };
    let end = prefix_end(prefix.as_bytes());
    let Ok(r) = store.range(&RangeRequest { key: prefix.into_bytes(), range_end: end, ..Default::default() }) else { return Vec::new() };
    r.kvs.iter().filter_map(|kv| decode(&kv.value, kv.mod_revision)).collect()
}

pub fn get(store: &Store, res: &Resource, ns: &str, name: &str) -> Option<Stored> {
    let r = store.range(&RangeRequest { key: key(res, ns, name).into_bytes(), ..Default::default() }).ok()?;
    r.kvs.first().and_then(|kv| decode(&kv.value, kv.mod_revision))
}

/// Writes an object (a new revision). `resourceVersion` is never stored.
pub fn put(store: &mut Store, res: &Resource, obj: &Value) -> i64 {
    let mut obj = obj.clone();
    if let Some(m) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
        m.remove("resourceVersion");
    }
    let ns = obj["metadata"]["namespace"].as_str().unwrap_or("").to_string();
    let name = obj["metadata"]["name"].as_str().unwrap_or("").to_string();
    let value = serde_json::to_vec(&obj).unwrap_or_default();
    let _ = store.put(PutRequest { key: key(res, &ns, &name).into_bytes(), value, ..Default::default() });
    store.current_revision()
}

pub fn delete(store: &mut Store, res: &Resource, ns: &str, name: &str) -> bool {
    store.delete_range(DeleteRangeRequest { key: key(res, ns, name).into_bytes(), ..Default::default() }).map(|r| r.deleted > 0).unwrap_or(false)
}

/// A deterministic UID from a name and a salt (real ones are random v4 UUIDs).
pub fn uid(seed: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut h2: u64 = 0x8422_2325_cbf2_9ce4;
    for b in seed.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
        h2 = (h2 ^ u64::from(b)).wrapping_mul(0x1000_0000_01b3).rotate_left(5);
    }
    let x = format!("{h:016x}{h2:016x}");
    format!("{}-{}-4{}-a{}-{}", &x[0..8], &x[8..12], &x[13..16], &x[17..20], &x[20..32])
}

pub fn ts(offset_s: i64) -> String {
    rfc3339(CLUSTER_CREATED + offset_s)
}

// ---- the seed cluster ------------------------------------------------------------------------

pub const K8S_VERSION: &str = "v1.32.0";
pub const NODES: [(&str, &str); 3] = [("docker-01", "172.17.0.2"), ("docker-02", "172.17.0.3"), ("docker-03", "172.17.0.4")];
pub const CONTROL_PLANE_IP: &str = "172.17.0.2";

fn meta(name: &str, ns: Option<&str>, created: i64) -> Value {
    let mut m = json!({"name": name, "uid": uid(&format!("{}/{name}", ns.unwrap_or(""))), "creationTimestamp": ts(created)});
    if let Some(ns) = ns {
        m["namespace"] = json!(ns);
    }
    m
}

struct PodSpec<'a> {
    name: &'a str,
    node: &'a str,
    ip: &'a str,
    host_ip: &'a str,
    created: i64,
    labels: Value,
    owner: Option<(&'a str, &'a str)>,
    containers: Value,
    extra_spec: Value,
}

fn pod(p: PodSpec) -> Value {
    let mut m = meta(p.name, Some("kube-system"), p.created);
    m["labels"] = p.labels;
    if let Some((kind, name)) = p.owner {
        let api = if kind == "Node" { "v1" } else { "apps/v1" };
        m["ownerReferences"] = json!([{"apiVersion": api, "blockOwnerDeletion": true, "controller": true, "kind": kind, "name": name, "uid": uid(&format!("kube-system/{name}"))}]);
        if let Some(pos) = p.name.rfind('-') {
            m["generateName"] = json!(format!("{}-", &p.name[..pos]));
        }
    }
    let containers = p.containers;
    let started = ts(p.created + 5);
    let statuses: Vec<Value> = containers
        .as_array()
        .map(|cs| {
            cs.iter()
                .map(|c| {
                    let name = c["name"].as_str().unwrap_or("");
                    let image = c["image"].as_str().unwrap_or("");
                    json!({"containerID": format!("containerd://{}", hex_id(&format!("{}/{name}", p.name))), "image": image, "imageID": format!("{}@sha256:{}", image.split(':').next().unwrap_or(""), hex_id(image)), "lastState": {}, "name": name, "ready": true, "restartCount": 0, "started": true, "state": {"running": {"startedAt": started}}})
                })
                .collect()
        })
        .unwrap_or_default();
    let mut spec = json!({
        "containers": containers, "dnsPolicy": "ClusterFirst", "enableServiceLinks": true, "nodeName": p.node,
        "preemptionPolicy": "PreemptLowerPriority", "priority": 2000001000, "priorityClassName": "system-node-critical",
        "restartPolicy": "Always", "schedulerName": "default-scheduler", "securityContext": {}, "terminationGracePeriodSeconds": 30,
    });
    if let Some(extra) = p.extra_spec.as_object() {
        for (k, v) in extra {
            spec[k] = v.clone();
        }
    }
    let conds: Vec<Value> = ["PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled"]
        .iter()
        .map(|t| json!({"lastProbeTime": null, "lastTransitionTime": ts(p.created + 6), "status": "True", "type": t}))
        .collect();
    json!({
        "apiVersion": "v1", "kind": "Pod", "metadata": m, "spec": spec,
        "status": {"conditions": conds, "containerStatuses": statuses, "hostIP": p.host_ip, "hostIPs": [{"ip": p.host_ip}], "phase": "Running", "podIP": p.ip, "podIPs": [{"ip": p.ip}], "qosClass": "Burstable", "startTime": ts(p.created)}
    })
}

/// A 64-hex-digit id (container ids, image digests) derived from a name.
pub fn hex_id(seed: &str) -> String {
    (0..4).map(|i| uid(&format!("{i}{seed}")).replace('-', "")[..16].to_string()).collect()
}

/// The mirror pod the kubelet posts for a static pod manifest (`etcd` → `etcd-docker-01`).
pub fn mirror_pod(manifest: &Value, manifest_text: &str, node: &str, node_ip: &str, created: i64) -> Value {
    let base = manifest["metadata"]["name"].as_str().unwrap_or("static");
    let name = format!("{base}-{node}");
    let hash = &hex_id(manifest_text)[..32];
    let mut ann = manifest["metadata"]["annotations"].as_object().cloned().unwrap_or_default();
    ann.insert("kubernetes.io/config.hash".into(), json!(hash));
    ann.insert("kubernetes.io/config.mirror".into(), json!(hash));
    ann.insert("kubernetes.io/config.seen".into(), json!(format!("{}.{:09}Z", ts(created - 1).trim_end_matches('Z'), 512_862_913)));
    ann.insert("kubernetes.io/config.source".into(), json!("file"));
    let mut spec = manifest["spec"].clone();
    spec["tolerations"] = json!([{"effect": "NoExecute", "operator": "Exists"}]);
    let mut p = pod(PodSpec {
        name: &name,
        node,
        ip: node_ip,
        host_ip: node_ip,
        created,
        labels: manifest["metadata"]["labels"].clone(),
        owner: Some(("Node", node)),
        containers: manifest["spec"]["containers"].clone(),
        extra_spec: spec,
    });
    p["metadata"]["annotations"] = Value::Object(ann);
    p["metadata"]["uid"] = json!(uid(&format!("{name}@{created}")));
    if let Some(m) = p["metadata"].as_object_mut() {
        m.remove("generateName");
    }
    if let Some(o) = p["metadata"]["ownerReferences"].get_mut(0).and_then(Value::as_object_mut) {
        o.insert("uid".into(), json!(uid(&format!("/{node}"))));
    }
    p
}

/// The seed cluster's keyspace, one `KEY<TAB>VALUE` line per key, in the order `kubeadm init`
/// and the add-ons wrote them (so revisions come out the same every time). It is data, not
/// code: the objects are what `kubectl get -o json` would show, minus `resourceVersion`.
pub const SEED_REGISTRY: &str = include_str!("seed/kubeadm-registry.tsv");

/// The static pod manifests `kubeadm init` writes into /etc/kubernetes/manifests/.
pub const STATIC_MANIFESTS: [(&str, &str); 4] = [
    ("etcd.yaml", include_str!("seed/manifests/etcd.yaml")),
    ("kube-apiserver.yaml", include_str!("seed/manifests/kube-apiserver.yaml")),
    ("kube-controller-manager.yaml", include_str!("seed/manifests/kube-controller-manager.yaml")),
    ("kube-scheduler.yaml", include_str!("seed/manifests/kube-scheduler.yaml")),
];

/// Writes the seed cluster into a fresh store (one revision per key, like the real bootstrap).
pub fn seed(store: &mut Store) {
    for line in SEED_REGISTRY.lines() {
        if let Some((k, v)) = line.split_once('\t') {
            let _ = store.put(PutRequest { key: k.as_bytes().to_vec(), value: v.as_bytes().to_vec(), ..Default::default() });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_has_the_tutorials_twelve_pods() {
        let mut s = Store::new();
        seed(&mut s);
        let pods = list(&s, resource("pods").unwrap(), Some("kube-system"));
        let names: Vec<&str> = pods.iter().map(|p| p.obj["metadata"]["name"].as_str().unwrap()).collect();
        assert_eq!(names.len(), 12, "{names:?}");
        assert!(names.contains(&"etcd-docker-01") && names.contains(&"weave-net-xl7km"));
        assert_eq!(pods[0].obj["metadata"]["resourceVersion"], pods[0].mod_revision.to_string());
    }

    #[test]
    fn seed_mirror_pods_match_the_manifests_on_disk() {
        let mut s = Store::new();
        seed(&mut s);
        for (file, text) in STATIC_MANIFESTS {
            let m = super::super::yaml::parse(text).unwrap();
            let name = format!("{}-docker-01", m["metadata"]["name"].as_str().unwrap());
            let stored = get(&s, resource("pods").unwrap(), "kube-system", &name).unwrap_or_else(|| panic!("{file}: no {name}"));
            let hash = &hex_id(text)[..32];
            assert_eq!(stored.obj["metadata"]["annotations"]["kubernetes.io/config.hash"], hash, "{file}");
            assert_eq!(stored.obj["spec"]["containers"], m["spec"]["containers"], "{file}");
            assert_eq!(super::super::yaml::to_yaml(&m), text, "{file} is in yaml.v2's canonical form");
        }
    }

    #[test]
    fn garbage_under_registry_is_skipped_not_fatal() {
        let mut s = Store::new();
        s.put(PutRequest { key: b"/registry/pods/default/x".to_vec(), value: b"\x00k8s".to_vec(), ..Default::default() }).unwrap();
        assert!(list(&s, resource("po").unwrap(), None).is_empty());
    }
}
