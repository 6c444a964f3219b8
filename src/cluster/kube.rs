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

use super::clock::{rfc3339, CLUSTER_CREATED};
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

/// The end of the range holding every key that starts with `prefix`.
fn prefix_end(prefix: &[u8]) -> Vec<u8> {
    let mut end = prefix.to_vec();
    while let Some(last) = end.pop() {
        if last < 0xff {
            end.push(last + 1);
            return end;
        }
    }
    vec![0]
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

fn node(name: &str, ip: &str, created: i64, control_plane: bool) -> Value {
    let mut labels = json!({"beta.kubernetes.io/arch": "amd64", "beta.kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64", "kubernetes.io/hostname": name, "kubernetes.io/os": "linux"});
    let mut taints = json!([]);
    if control_plane {
        labels["node-role.kubernetes.io/control-plane"] = json!("");
        labels["node.kubernetes.io/exclude-from-external-load-balancers"] = json!("");
        taints = json!([{"effect": "NoSchedule", "key": "node-role.kubernetes.io/control-plane"}]);
    }
    let mut m = meta(name, None, created);
    m["labels"] = labels;
    m["annotations"] = json!({"kubeadm.alpha.kubernetes.io/cri-socket": "unix:///var/run/containerd/containerd.sock", "node.alpha.kubernetes.io/ttl": "0", "volumes.kubernetes.io/controller-managed-attach-detach": "true"});
    let hb = ts(created + 60);
    let spec = if control_plane { json!({"taints": taints}) } else { json!({}) };
    json!({
        "apiVersion": "v1", "kind": "Node", "metadata": m, "spec": spec,
        "status": {
            "addresses": [{"address": ip, "type": "InternalIP"}, {"address": name, "type": "Hostname"}],
            "allocatable": {"cpu": "2", "ephemeral-storage": "56403987978", "hugepages-2Mi": "0", "memory": "3921444Ki", "pods": "110"},
            "capacity": {"cpu": "2", "ephemeral-storage": "61202244Ki", "hugepages-2Mi": "0", "memory": "4023844Ki", "pods": "110"},
            "conditions": [
                {"lastHeartbeatTime": hb, "lastTransitionTime": ts(created + 42), "message": "Weave pod has set this", "reason": "WeaveIsUp", "status": "False", "type": "NetworkUnavailable"},
                {"lastHeartbeatTime": hb, "lastTransitionTime": ts(created), "message": "kubelet has sufficient memory available", "reason": "KubeletHasSufficientMemory", "status": "False", "type": "MemoryPressure"},
                {"lastHeartbeatTime": hb, "lastTransitionTime": ts(created), "message": "kubelet has no disk pressure", "reason": "KubeletHasNoDiskPressure", "status": "False", "type": "DiskPressure"},
                {"lastHeartbeatTime": hb, "lastTransitionTime": ts(created), "message": "kubelet has sufficient PID available", "reason": "KubeletHasSufficientPID", "status": "False", "type": "PIDPressure"},
                {"lastHeartbeatTime": hb, "lastTransitionTime": ts(created + 45), "message": "kubelet is posting ready status", "reason": "KubeletReady", "status": "True", "type": "Ready"}
            ],
            "nodeInfo": {"architecture": "amd64", "bootID": uid(&format!("boot/{name}")), "containerRuntimeVersion": "containerd://1.7.24", "kernelVersion": "6.8.0-49-generic", "kubeProxyVersion": K8S_VERSION, "kubeletVersion": K8S_VERSION, "machineID": uid(&format!("machine/{name}")).replace('-', ""), "operatingSystem": "linux", "osImage": "Ubuntu 22.04.5 LTS", "systemUUID": uid(&format!("sys/{name}"))}
        }
    })
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

/// The command of etcd's static pod, as `kubeadm init` writes it for `docker-01`.
pub fn etcd_command() -> Vec<String> {
    let ip = CONTROL_PLANE_IP;
    [
        "etcd".to_string(),
        format!("--advertise-client-urls=https://{ip}:2379"),
        "--cert-file=/etc/kubernetes/pki/etcd/server.crt".into(),
        "--client-cert-auth=true".into(),
        "--data-dir=/var/lib/etcd".into(),
        "--experimental-initial-corrupt-check=true".into(),
        "--experimental-watch-progress-notify-interval=5s".into(),
        format!("--initial-advertise-peer-urls=https://{ip}:2380"),
        format!("--initial-cluster=docker-01=https://{ip}:2380"),
        "--key-file=/etc/kubernetes/pki/etcd/server.key".into(),
        format!("--listen-client-urls=https://127.0.0.1:2379,https://{ip}:2379"),
        "--listen-metrics-urls=http://127.0.0.1:2381".into(),
        format!("--listen-peer-urls=https://{ip}:2380"),
        "--name=docker-01".into(),
        "--peer-cert-file=/etc/kubernetes/pki/etcd/peer.crt".into(),
        "--peer-client-cert-auth=true".into(),
        "--peer-key-file=/etc/kubernetes/pki/etcd/peer.key".into(),
        "--peer-trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt".into(),
        "--snapshot-count=10000".into(),
        "--trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt".into(),
    ]
    .to_vec()
}

fn apiserver_command() -> Vec<String> {
    let ip = CONTROL_PLANE_IP;
    [
        "kube-apiserver".to_string(),
        format!("--advertise-address={ip}"),
        "--allow-privileged=true".into(),
        "--authorization-mode=Node,RBAC".into(),
        "--client-ca-file=/etc/kubernetes/pki/ca.crt".into(),
        "--enable-admission-plugins=NodeRestriction".into(),
        "--enable-bootstrap-token-auth=true".into(),
        "--etcd-cafile=/etc/kubernetes/pki/etcd/ca.crt".into(),
        "--etcd-certfile=/etc/kubernetes/pki/apiserver-etcd-client.crt".into(),
        "--etcd-keyfile=/etc/kubernetes/pki/apiserver-etcd-client.key".into(),
        "--etcd-servers=https://127.0.0.1:2379".into(),
        "--kubelet-client-certificate=/etc/kubernetes/pki/apiserver-kubelet-client.crt".into(),
        "--kubelet-client-key=/etc/kubernetes/pki/apiserver-kubelet-client.key".into(),
        "--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname".into(),
        "--proxy-client-cert-file=/etc/kubernetes/pki/front-proxy-client.crt".into(),
        "--proxy-client-key-file=/etc/kubernetes/pki/front-proxy-client.key".into(),
        "--requestheader-allowed-names=front-proxy-client".into(),
        "--requestheader-client-ca-file=/etc/kubernetes/pki/front-proxy-ca.crt".into(),
        "--requestheader-extra-headers-prefix=X-Remote-Extra-".into(),
        "--requestheader-group-headers=X-Remote-Group".into(),
        "--requestheader-username-headers=X-Remote-User".into(),
        "--secure-port=6443".into(),
        "--service-account-issuer=https://kubernetes.default.svc.cluster.local".into(),
        "--service-account-key-file=/etc/kubernetes/pki/sa.pub".into(),
        "--service-account-signing-key-file=/etc/kubernetes/pki/sa.key".into(),
        "--service-cluster-ip-range=10.96.0.0/12".into(),
        "--tls-cert-file=/etc/kubernetes/pki/apiserver.crt".into(),
        "--tls-private-key-file=/etc/kubernetes/pki/apiserver.key".into(),
    ]
    .to_vec()
}

#[allow(clippy::too_many_arguments)]
fn probe(path: &str, port: u16, host: &str, delay: u32, period: u32, timeout: u32, failures: u32, scheme: &str) -> Value {
    let mut p = json!({"failureThreshold": failures, "httpGet": {"host": host, "path": path, "port": port, "scheme": scheme}, "periodSeconds": period, "timeoutSeconds": timeout});
    if delay > 0 {
        p["initialDelaySeconds"] = json!(delay);
    }
    p
}

fn host_path(name: &str, path: &str, kind: &str) -> Value {
    json!({"hostPath": {"path": path, "type": kind}, "name": name})
}

/// The static pod manifests kubeadm writes into `/etc/kubernetes/manifests/` (file name, pod).
pub fn static_manifests() -> Vec<(&'static str, Value)> {
    let ip = CONTROL_PLANE_IP;
    let sec = json!({"seccompProfile": {"type": "RuntimeDefault"}});
    let manifest = |component: &str, annotations: Value, container: Value, volumes: Value| {
        json!({
            "apiVersion": "v1", "kind": "Pod",
            "metadata": {"annotations": annotations, "creationTimestamp": null, "labels": {"component": component, "tier": "control-plane"}, "name": component, "namespace": "kube-system"},
            "spec": {"containers": [container], "hostNetwork": true, "priority": 2000001000, "priorityClassName": "system-node-critical", "securityContext": sec.clone(), "volumes": volumes},
            "status": {}
        })
    };
    let mut etcd_ann = json!({});
    etcd_ann["kubeadm.kubernetes.io/etcd.advertise-client-urls"] = json!(format!("https://{ip}:2379"));
    let etcd = manifest(
        "etcd",
        etcd_ann,
        json!({
            "command": etcd_command(), "image": "registry.k8s.io/etcd:3.5.16-0", "imagePullPolicy": "IfNotPresent",
            "livenessProbe": probe("/livez", 2381, "127.0.0.1", 10, 10, 15, 8, "HTTP"), "name": "etcd",
            "readinessProbe": probe("/readyz", 2381, "127.0.0.1", 0, 1, 15, 3, "HTTP"),
            "resources": {"requests": {"cpu": "100m", "memory": "100Mi"}},
            "startupProbe": probe("/readyz", 2381, "127.0.0.1", 10, 10, 15, 24, "HTTP"),
            "volumeMounts": [{"mountPath": "/var/lib/etcd", "name": "etcd-data"}, {"mountPath": "/etc/kubernetes/pki/etcd", "name": "etcd-certs"}]
        }),
        json!([host_path("etcd-certs", "/etc/kubernetes/pki/etcd", "DirectoryOrCreate"), host_path("etcd-data", "/var/lib/etcd", "DirectoryOrCreate")]),
    );
    let mut api_ann = json!({});
    api_ann["kubeadm.kubernetes.io/kube-apiserver.advertise-address.endpoint"] = json!(format!("{ip}:6443"));
    let certs_vols = json!([
        host_path("ca-certs", "/etc/ssl/certs", "DirectoryOrCreate"),
        host_path("etc-ca-certificates", "/etc/ca-certificates", "DirectoryOrCreate"),
        host_path("k8s-certs", "/etc/kubernetes/pki", "DirectoryOrCreate"),
        host_path("usr-local-share-ca-certificates", "/usr/local/share/ca-certificates", "DirectoryOrCreate"),
        host_path("usr-share-ca-certificates", "/usr/share/ca-certificates", "DirectoryOrCreate")
    ]);
    let certs_mounts = json!([
        {"mountPath": "/etc/ssl/certs", "name": "ca-certs", "readOnly": true},
        {"mountPath": "/etc/ca-certificates", "name": "etc-ca-certificates", "readOnly": true},
        {"mountPath": "/etc/kubernetes/pki", "name": "k8s-certs", "readOnly": true},
        {"mountPath": "/usr/local/share/ca-certificates", "name": "usr-local-share-ca-certificates", "readOnly": true},
        {"mountPath": "/usr/share/ca-certificates", "name": "usr-share-ca-certificates", "readOnly": true}
    ]);
    let apiserver = manifest(
        "kube-apiserver",
        api_ann,
        json!({
            "command": apiserver_command(), "image": format!("registry.k8s.io/kube-apiserver:{K8S_VERSION}"), "imagePullPolicy": "IfNotPresent",
            "livenessProbe": probe("/livez", 6443, ip, 10, 10, 15, 8, "HTTPS"), "name": "kube-apiserver",
            "readinessProbe": probe("/readyz", 6443, ip, 0, 1, 15, 3, "HTTPS"),
            "resources": {"requests": {"cpu": "250m"}},
            "startupProbe": probe("/livez", 6443, ip, 10, 10, 15, 24, "HTTPS"),
            "volumeMounts": certs_mounts
        }),
        certs_vols.clone(),
    );
    let cm = manifest(
        "kube-controller-manager",
        json!({}),
        json!({
            "command": ["kube-controller-manager", "--allocate-node-cidrs=true", "--authentication-kubeconfig=/etc/kubernetes/controller-manager.conf", "--authorization-kubeconfig=/etc/kubernetes/controller-manager.conf", "--bind-address=127.0.0.1", "--client-ca-file=/etc/kubernetes/pki/ca.crt", "--cluster-cidr=10.32.0.0/12", "--cluster-name=kubernetes", "--cluster-signing-cert-file=/etc/kubernetes/pki/ca.crt", "--cluster-signing-key-file=/etc/kubernetes/pki/ca.key", "--controllers=*,bootstrapsigner,tokencleaner", "--kubeconfig=/etc/kubernetes/controller-manager.conf", "--leader-elect=true", "--requestheader-client-ca-file=/etc/kubernetes/pki/front-proxy-ca.crt", "--root-ca-file=/etc/kubernetes/pki/ca.crt", "--service-account-private-key-file=/etc/kubernetes/pki/sa.key", "--service-cluster-ip-range=10.96.0.0/12", "--use-service-account-credentials=true"],
            "image": format!("registry.k8s.io/kube-controller-manager:{K8S_VERSION}"), "imagePullPolicy": "IfNotPresent",
            "livenessProbe": probe("/healthz", 10257, "127.0.0.1", 10, 10, 15, 8, "HTTPS"), "name": "kube-controller-manager",
            "resources": {"requests": {"cpu": "200m"}},
            "startupProbe": probe("/healthz", 10257, "127.0.0.1", 10, 10, 15, 24, "HTTPS"),
            "volumeMounts": [{"mountPath": "/etc/kubernetes/pki", "name": "k8s-certs", "readOnly": true}, {"mountPath": "/etc/kubernetes/controller-manager.conf", "name": "kubeconfig", "readOnly": true}]
        }),
        json!([host_path("k8s-certs", "/etc/kubernetes/pki", "DirectoryOrCreate"), host_path("kubeconfig", "/etc/kubernetes/controller-manager.conf", "FileOrCreate")]),
    );
    let sched = manifest(
        "kube-scheduler",
        json!({}),
        json!({
            "command": ["kube-scheduler", "--authentication-kubeconfig=/etc/kubernetes/scheduler.conf", "--authorization-kubeconfig=/etc/kubernetes/scheduler.conf", "--bind-address=127.0.0.1", "--kubeconfig=/etc/kubernetes/scheduler.conf", "--leader-elect=true"],
            "image": format!("registry.k8s.io/kube-scheduler:{K8S_VERSION}"), "imagePullPolicy": "IfNotPresent",
            "livenessProbe": probe("/healthz", 10259, "127.0.0.1", 10, 10, 15, 8, "HTTPS"), "name": "kube-scheduler",
            "resources": {"requests": {"cpu": "100m"}},
            "startupProbe": probe("/healthz", 10259, "127.0.0.1", 10, 10, 15, 24, "HTTPS"),
            "volumeMounts": [{"mountPath": "/etc/kubernetes/scheduler.conf", "name": "kubeconfig", "readOnly": true}]
        }),
        json!([host_path("kubeconfig", "/etc/kubernetes/scheduler.conf", "FileOrCreate")]),
    );
    vec![("etcd.yaml", etcd), ("kube-apiserver.yaml", apiserver), ("kube-controller-manager.yaml", cm), ("kube-scheduler.yaml", sched)]
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

/// Every object of the seed's cluster, in the order `kubeadm init` and the add-ons create them.
pub fn seed_objects(manifests: &[(&'static str, Value)]) -> Vec<(&'static Resource, Value)> {
    let r = |n: &str| resource(n).expect("known resource");
    let mut out: Vec<(&'static Resource, Value)> = Vec::new();
    for (i, ns) in ["default", "kube-node-lease", "kube-public", "kube-system"].iter().enumerate() {
        let mut m = meta(ns, None, 2 + i as i64 / 3);
        m["labels"] = json!({"kubernetes.io/metadata.name": ns});
        out.push((r("ns"), json!({"apiVersion": "v1", "kind": "Namespace", "metadata": m, "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}})));
    }
    out.push((r("no"), node("docker-01", "172.17.0.2", 0, true)));
    let svc = |name: &str, ns: &str, ip: &str, ports: Value, selector: Value, labels: Value| {
        let mut m = meta(name, Some(ns), if ns == "default" { 3 } else { 9 });
        m["labels"] = labels;
        json!({"apiVersion": "v1", "kind": "Service", "metadata": m, "spec": {"clusterIP": ip, "clusterIPs": [ip], "internalTrafficPolicy": "Cluster", "ipFamilies": ["IPv4"], "ipFamilyPolicy": "SingleStack", "ports": ports, "selector": selector, "sessionAffinity": "None", "type": "ClusterIP"}, "status": {"loadBalancer": {}}})
    };
    out.push((r("svc"), svc("kubernetes", "default", "10.96.0.1", json!([{"name": "https", "port": 443, "protocol": "TCP", "targetPort": 6443}]), Value::Null, json!({"component": "apiserver", "provider": "kubernetes"}))));
    for ns in ["default", "kube-node-lease", "kube-public", "kube-system"] {
        let mut m = meta("kube-root-ca.crt", Some(ns), 8);
        m["annotations"] = json!({"kubernetes.io/description": "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters."});
        out.push((r("cm"), json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": m, "data": {"ca.crt": "-----BEGIN CERTIFICATE-----\n(kubernetes CA)\n-----END CERTIFICATE-----\n"}})));
        out.push((r("sa"), json!({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": meta("default", Some(ns), 8)})));
    }
    let cm = |name: &str, ns: &str, data: Value| json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta(name, Some(ns), 5), "data": data});
    out.push((r("cm"), cm("kubeadm-config", "kube-system", json!({"ClusterConfiguration": format!("apiServer: {{}}\napiVersion: kubeadm.k8s.io/v1beta4\ncaCertificateValidityPeriod: 87600h0m0s\ncertificateValidityPeriod: 8760h0m0s\ncertificatesDir: /etc/kubernetes/pki\nclusterName: kubernetes\ncontrollerManager: {{}}\ndns: {{}}\nencryptionAlgorithm: RSA-2048\netcd:\n  local:\n    dataDir: /var/lib/etcd\nimageRepository: registry.k8s.io\nkind: ClusterConfiguration\nkubernetesVersion: {K8S_VERSION}\nnetworking:\n  dnsDomain: cluster.local\n  serviceSubnet: 10.96.0.0/12\nproxy: {{}}\nscheduler: {{}}\n")}))));
    out.push((r("cm"), cm("kubelet-config", "kube-system", json!({"kubelet": "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nstaticPodPath: /etc/kubernetes/manifests\n"}))));
    out.push((r("cm"), cm("cluster-info", "kube-public", json!({"kubeconfig": "apiVersion: v1\nclusters:\n- cluster:\n    server: https://172.17.0.2:6443\n  name: \"\"\nkind: Config\n"}))));
    out.push((r("cm"), cm("extension-apiserver-authentication", "kube-system", json!({"client-ca-file": "(kubernetes CA)", "requestheader-allowed-names": "[\"front-proxy-client\"]", "requestheader-client-ca-file": "(front-proxy CA)", "requestheader-extra-headers-prefix": "[\"X-Remote-Extra-\"]", "requestheader-group-headers": "[\"X-Remote-Group\"]", "requestheader-username-headers": "[\"X-Remote-User\"]"}))));
    let mut bt = meta("bootstrap-token-abcdef", Some("kube-system"), 6);
    bt["generateName"] = Value::Null;
    if let Some(m) = bt.as_object_mut() {
        m.remove("generateName");
    }
    out.push((r("secret"), json!({"apiVersion": "v1", "kind": "Secret", "metadata": bt, "type": "bootstrap.kubernetes.io/token", "data": {"auth-extra-groups": "c3lzdGVtOmJvb3RzdHJhcHBlcnM6a3ViZWFkbTpkZWZhdWx0LW5vZGUtdG9rZW4=", "expiration": "MjAyNS0wMS0wN1QwOToxMjo0NVo=", "token-id": "YWJjZGVm", "token-secret": "MDEyMzQ1Njc4OWFiY2RlZg==", "usage-bootstrap-authentication": "dHJ1ZQ==", "usage-bootstrap-signing": "dHJ1ZQ=="}})));
    let nodes = NODES;
    let created = |i: usize| 90 * i as i64;
    for (i, (name, ip)) in nodes.iter().enumerate().skip(1) {
        out.push((r("no"), node(name, ip, created(i), false)));
    }
    // Static pods: mirror pods of the manifests.
    for (file, m) in manifests {
        let text = super::yaml::to_yaml(m);
        let _ = file;
        out.push((r("po"), mirror_pod(m, &text, "docker-01", CONTROL_PLANE_IP, 12)));
    }
    // CoreDNS: Deployment → ReplicaSet → 2 pods.
    let dns_labels = json!({"k8s-app": "kube-dns", "pod-template-hash": "66bff467f8"});
    let dns_container = json!([{"args": ["-conf", "/etc/coredns/Corefile"], "image": "registry.k8s.io/coredns/coredns:v1.11.3", "imagePullPolicy": "IfNotPresent", "livenessProbe": {"failureThreshold": 5, "httpGet": {"path": "/health", "port": 8080, "scheme": "HTTP"}, "initialDelaySeconds": 60, "periodSeconds": 10, "successThreshold": 1, "timeoutSeconds": 5}, "name": "coredns", "ports": [{"containerPort": 53, "name": "dns", "protocol": "UDP"}, {"containerPort": 53, "name": "dns-tcp", "protocol": "TCP"}, {"containerPort": 9153, "name": "metrics", "protocol": "TCP"}], "readinessProbe": {"failureThreshold": 3, "httpGet": {"path": "/ready", "port": 8181, "scheme": "HTTP"}, "periodSeconds": 10, "successThreshold": 1, "timeoutSeconds": 1}, "resources": {"limits": {"memory": "170Mi"}, "requests": {"cpu": "100m", "memory": "70Mi"}}, "volumeMounts": [{"mountPath": "/etc/coredns", "name": "config-volume", "readOnly": true}]}]);
    let mut dm = meta("coredns", Some("kube-system"), 9);
    dm["labels"] = json!({"k8s-app": "kube-dns"});
    dm["annotations"] = json!({"deployment.kubernetes.io/revision": "1"});
    dm["generation"] = json!(1);
    let template = json!({"metadata": {"labels": {"k8s-app": "kube-dns"}}, "spec": {"containers": dns_container.clone(), "dnsPolicy": "Default", "priorityClassName": "system-cluster-critical", "serviceAccountName": "coredns"}});
    out.push((r("deploy"), json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": dm, "spec": {"progressDeadlineSeconds": 600, "replicas": 2, "revisionHistoryLimit": 10, "selector": {"matchLabels": {"k8s-app": "kube-dns"}}, "strategy": {"rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 1}, "type": "RollingUpdate"}, "template": template}, "status": {"availableReplicas": 2, "observedGeneration": 1, "readyReplicas": 2, "replicas": 2, "updatedReplicas": 2}})));
    let mut rm = meta("coredns-66bff467f8", Some("kube-system"), 10);
    rm["labels"] = dns_labels.clone();
    rm["ownerReferences"] = json!([{"apiVersion": "apps/v1", "blockOwnerDeletion": true, "controller": true, "kind": "Deployment", "name": "coredns", "uid": uid("kube-system/coredns")}]);
    out.push((r("rs"), json!({"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": rm, "spec": {"replicas": 2, "selector": {"matchLabels": dns_labels.clone()}, "template": template}, "status": {"availableReplicas": 2, "fullyLabeledReplicas": 2, "observedGeneration": 1, "readyReplicas": 2, "replicas": 2}})));
    out.push((r("svc"), svc("kube-dns", "kube-system", "10.96.0.10", json!([{"name": "dns", "port": 53, "protocol": "UDP", "targetPort": 53}, {"name": "dns-tcp", "port": 53, "protocol": "TCP", "targetPort": 53}, {"name": "metrics", "port": 9153, "protocol": "TCP", "targetPort": 9153}]), json!({"k8s-app": "kube-dns"}), json!({"k8s-app": "kube-dns", "kubernetes.io/cluster-service": "true", "kubernetes.io/name": "CoreDNS"}))));
    out.push((r("cm"), cm("coredns", "kube-system", json!({"Corefile": ".:53 {\n    errors\n    health {\n       lameduck 5s\n    }\n    ready\n    kubernetes cluster.local in-addr.arpa ip6.arpa {\n       pods insecure\n       fallthrough in-addr.arpa ip6.arpa\n       ttl 30\n    }\n    prometheus :9153\n    forward . /etc/resolv.conf {\n       max_concurrent 1000\n    }\n    cache 30\n    loop\n    reload\n    loadbalance\n}\n"}))));
    out.push((r("cm"), cm("kube-proxy", "kube-system", json!({"config.conf": "apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: \"\"\n", "kubeconfig.conf": "apiVersion: v1\nkind: Config\n"}))));
    // DaemonSets kube-proxy and weave-net, one pod per node.
    let ds = |name: &str, labels: Value, containers: Value| {
        let mut m = meta(name, Some("kube-system"), 10);
        m["labels"] = labels.clone();
        m["generation"] = json!(1);
        json!({"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": m, "spec": {"selector": {"matchLabels": labels.clone()}, "template": {"metadata": {"labels": labels}, "spec": {"containers": containers, "hostNetwork": true, "nodeSelector": {"kubernetes.io/os": "linux"}, "priorityClassName": "system-node-critical"}}, "updateStrategy": {"rollingUpdate": {"maxSurge": 0, "maxUnavailable": 1}, "type": "RollingUpdate"}}, "status": {"currentNumberScheduled": 3, "desiredNumberScheduled": 3, "numberAvailable": 3, "numberMisscheduled": 0, "numberReady": 3, "observedGeneration": 1, "updatedNumberScheduled": 3}})
    };
    let proxy_c = json!([{"command": ["/usr/local/bin/kube-proxy", "--config=/var/lib/kube-proxy/config.conf", "--hostname-override=$(NODE_NAME)"], "image": format!("registry.k8s.io/kube-proxy:{K8S_VERSION}"), "imagePullPolicy": "IfNotPresent", "name": "kube-proxy", "securityContext": {"privileged": true}}]);
    let weave_c = json!([
        {"command": ["/home/weave/launch.sh"], "image": "weaveworks/weave-kube:latest", "imagePullPolicy": "Always", "name": "weave", "resources": {"requests": {"cpu": "50m"}}},
        {"image": "weaveworks/weave-npc:latest", "imagePullPolicy": "Always", "name": "weave-npc", "resources": {"requests": {"cpu": "50m"}}}
    ]);
    out.push((r("ds"), ds("kube-proxy", json!({"k8s-app": "kube-proxy"}), proxy_c.clone())));
    out.push((r("ds"), ds("weave-net", json!({"name": "weave-net"}), weave_c.clone())));
    for (i, ((name, ip), (proxy, weave))) in nodes.iter().zip([("kube-proxy-mdcgf", "weave-net-7dhpf"), ("kube-proxy-q9cvf", "weave-net-fvttp"), ("kube-proxy-vf8mq", "weave-net-xl7km")]).enumerate() {
        let c = 20 + created(i);
        out.push((r("po"), pod(PodSpec { name: proxy, node: name, ip, host_ip: ip, created: c, labels: json!({"controller-revision-hash": "7bb84f4984", "k8s-app": "kube-proxy", "pod-template-generation": "1"}), owner: Some(("DaemonSet", "kube-proxy")), containers: proxy_c.clone(), extra_spec: json!({"hostNetwork": true, "nodeSelector": {"kubernetes.io/os": "linux"}, "serviceAccount": "kube-proxy", "serviceAccountName": "kube-proxy"}) })));
        out.push((r("po"), pod(PodSpec { name: weave, node: name, ip, host_ip: ip, created: c + 15, labels: json!({"controller-revision-hash": "5d7b9d6d5c", "name": "weave-net", "pod-template-generation": "1"}), owner: Some(("DaemonSet", "weave-net")), containers: weave_c.clone(), extra_spec: json!({"hostNetwork": true, "serviceAccount": "weave-net", "serviceAccountName": "weave-net"}) })));
    }
    for (name, ip) in [("coredns-66bff467f8-pfm2c", "10.32.0.2"), ("coredns-66bff467f8-s8pk4", "10.32.0.3")] {
        let mut p = pod(PodSpec { name, node: "docker-01", ip, host_ip: "172.17.0.2", created: 20, labels: dns_labels.clone(), owner: Some(("ReplicaSet", "coredns-66bff467f8")), containers: dns_container.clone(), extra_spec: json!({"dnsPolicy": "Default", "nodeSelector": {"kubernetes.io/os": "linux"}, "priority": 2000000000, "priorityClassName": "system-cluster-critical", "serviceAccount": "coredns", "serviceAccountName": "coredns"}) });
        p["spec"]["tolerations"] = json!([{"key": "CriticalAddonsOnly", "operator": "Exists"}, {"effect": "NoSchedule", "key": "node-role.kubernetes.io/control-plane"}, {"effect": "NoExecute", "key": "node.kubernetes.io/not-ready", "operator": "Exists", "tolerationSeconds": 300}, {"effect": "NoExecute", "key": "node.kubernetes.io/unreachable", "operator": "Exists", "tolerationSeconds": 300}]);
        out.push((r("po"), p));
    }
    out
}

/// Writes the seed objects into a fresh store (one revision each, like the real bootstrap).
pub fn seed(store: &mut Store, manifests: &[(&'static str, Value)]) {
    for (res, obj) in seed_objects(manifests) {
        put(store, res, &obj);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_has_the_tutorials_twelve_pods() {
        let mut s = Store::new();
        seed(&mut s, &static_manifests());
        let pods = list(&s, resource("pods").unwrap(), Some("kube-system"));
        let names: Vec<&str> = pods.iter().map(|p| p.obj["metadata"]["name"].as_str().unwrap()).collect();
        assert_eq!(names.len(), 12, "{names:?}");
        assert!(names.contains(&"etcd-docker-01") && names.contains(&"weave-net-xl7km"));
        assert_eq!(pods[0].obj["metadata"]["resourceVersion"], pods[0].mod_revision.to_string());
    }

    #[test]
    fn garbage_under_registry_is_skipped_not_fatal() {
        let mut s = Store::new();
        s.put(PutRequest { key: b"/registry/pods/default/x".to_vec(), value: b"\x00k8s".to_vec(), ..Default::default() }).unwrap();
        assert!(list(&s, resource("po").unwrap(), None).is_empty());
    }
}
