//! What kube-controller-manager and kube-scheduler do, reduced to what a learner can see:
//! a Deployment owns a ReplicaSet, a ReplicaSet keeps `replicas` pods, a DaemonSet keeps one pod
//! per node (kube-proxy, weave-net), and the scheduler gives every pending pod a node. [`reconcile`] runs before each
//! `kubectl` verb, reading and writing the same `/registry/` keys — so a pod deleted with
//! `etcdctl del` is replaced by its ReplicaSet (with a new name), while a bare pod made with
//! `kubectl run` simply disappears.
//!
//! Every write is a real revision, and nothing is written when nothing changed.

use super::kube::{self, resource, uid, Stored};
use crate::engine::Store;
use serde_json::{json, Value};

/// The worker nodes pods land on (round-robin), with their pod subnets (weave's /12 split).
const WORKERS: [(&str, &str, &str); 2] = [("docker-02", "172.17.0.3", "10.44.0"), ("docker-03", "172.17.0.4", "10.36.0")];

fn s(v: &Value) -> &str {
    v.as_str().unwrap_or("")
}

/// Five characters from Kubernetes' name alphabet (no vowels), derived from a seed.
pub fn suffix(seed: &str) -> String {
    const ALPHA: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in seed.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
    }
    (0..5).map(|i| ALPHA[((h >> (i * 8)) % ALPHA.len() as u64) as usize] as char).collect()
}

/// A pod-template-hash for a template (10 characters, as Kubernetes uses).
pub fn template_hash(template: &Value) -> String {
    let t = serde_json::to_string(template).unwrap_or_default();
    format!("{}{}", suffix(&format!("a{t}")), suffix(&format!("b{t}")))
}

fn owner_of(o: &Value) -> Option<(String, String)> {
    let r = o["metadata"]["ownerReferences"].as_array()?.iter().find(|r| r["controller"] == true)?;
    Some((s(&r["kind"]).to_string(), s(&r["name"]).to_string()))
}

/// A new pod from a template, scheduled if the scheduler runs.
#[allow(clippy::too_many_arguments)]
pub fn new_pod(ns: &str, name: &str, template: &Value, owner: Option<(&str, &str)>, now: i64, node: Option<(&str, &str)>, ordinal: usize, generate_name: Option<&str>) -> Value {
    let created = crate::gofmt::rfc3339(now);
    let mut meta = json!({"name": name, "namespace": ns, "uid": uid(&format!("{ns}/{name}@{now}")), "creationTimestamp": created});
    if let Some(l) = template["metadata"]["labels"].as_object() {
        meta["labels"] = Value::Object(l.clone());
    }
    if let Some(g) = generate_name {
        meta["generateName"] = json!(g);
    }
    if let Some((kind, oname)) = owner {
        meta["ownerReferences"] = json!([{"apiVersion": "apps/v1", "blockOwnerDeletion": true, "controller": true, "kind": kind, "name": oname, "uid": uid(&format!("{ns}/{oname}"))}]);
    }
    let mut spec = template["spec"].clone();
    for (k, v) in [("dnsPolicy", json!("ClusterFirst")), ("enableServiceLinks", json!(true)), ("preemptionPolicy", json!("PreemptLowerPriority")), ("priority", json!(0)), ("restartPolicy", json!("Always")), ("schedulerName", json!("default-scheduler")), ("securityContext", json!({})), ("serviceAccount", json!("default")), ("serviceAccountName", json!("default")), ("terminationGracePeriodSeconds", json!(30))] {
        if spec.get(k).is_none() {
            spec[k] = v;
        }
    }
    spec["tolerations"] = json!([{"effect": "NoExecute", "key": "node.kubernetes.io/not-ready", "operator": "Exists", "tolerationSeconds": 300}, {"effect": "NoExecute", "key": "node.kubernetes.io/unreachable", "operator": "Exists", "tolerationSeconds": 300}]);
    let mut pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec, "status": {"phase": "Pending", "qosClass": "BestEffort"}});
    if let Some((node, host_ip)) = node {
        schedule(&mut pod, node, host_ip, &format!("{}.{}", WORKERS.iter().find(|w| w.0 == node).map_or("10.32.0", |w| w.2), 2 + ordinal % 250), now);
    }
    pod
}

/// What the scheduler and then the kubelet do to a pending pod: bind it, start it.
fn schedule(pod: &mut Value, node: &str, host_ip: &str, pod_ip: &str, now: i64) {
    let t = crate::gofmt::rfc3339(now);
    let started = crate::gofmt::rfc3339(now + 2);
    pod["spec"]["nodeName"] = json!(node);
    let statuses: Vec<Value> = pod["spec"]["containers"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|c| {
            let image = s(&c["image"]);
            let full = if image.contains('/') { image.to_string() } else { format!("docker.io/library/{image}") };
            let full = if full.rsplit('/').next().is_some_and(|l| l.contains(':')) { full } else { format!("{full}:latest") };
            json!({"containerID": format!("containerd://{}", kube::hex_id(&format!("{}/{}", s(&pod["metadata"]["uid"]), s(&c["name"])))), "image": full, "imageID": format!("{}@sha256:{}", full.split(':').next().unwrap_or(""), kube::hex_id(&full)), "lastState": {}, "name": s(&c["name"]), "ready": true, "restartCount": 0, "started": true, "state": {"running": {"startedAt": started}}})
        })
        .collect();
    let conds: Vec<Value> = ["PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled"].iter().map(|c| json!({"lastProbeTime": null, "lastTransitionTime": t, "status": "True", "type": c})).collect();
    pod["status"] = json!({"conditions": conds, "containerStatuses": statuses, "hostIP": host_ip, "hostIPs": [{"ip": host_ip}], "phase": "Running", "podIP": pod_ip, "podIPs": [{"ip": pod_ip}], "qosClass": "BestEffort", "startTime": t});
}

/// Brings ReplicaSets, Deployments, DaemonSets and pending pods to their desired state.
/// `controllers` / `scheduler`: whether those static pods run.
pub fn reconcile(store: &mut Store, now: i64, controllers: bool, scheduler: bool) {
    let (pods_r, rs_r, dep_r) = (resource("pods").expect("pods"), resource("rs").expect("rs"), resource("deploy").expect("deploy"));
    if controllers {
        // Deployments → their ReplicaSet (one per template; older ones scaled to 0).
        for d in kube::list(store, dep_r, None) {
            let o = &d.obj;
            let (ns, name) = (s(&o["metadata"]["namespace"]).to_string(), s(&o["metadata"]["name"]).to_string());
            let replicas = o["spec"]["replicas"].as_i64().unwrap_or(1);
            let template = o["spec"]["template"].clone();
            let hash = existing_rs_hash(store, &ns, &name).unwrap_or_else(|| template_hash(&template));
            let rs_name = format!("{name}-{hash}");
            let current = kube::get(store, rs_r, &ns, &rs_name);
            if current.as_ref().map(|r| r.obj["spec"]["replicas"].as_i64()) != Some(Some(replicas)) {
                let mut rs = match current {
                    Some(r) => r.obj,
                    None => {
                        let mut labels = template["metadata"]["labels"].clone();
                        labels["pod-template-hash"] = json!(hash);
                        let mut t = template.clone();
                        t["metadata"]["labels"] = labels.clone();
                        json!({"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": rs_name, "namespace": ns, "uid": uid(&format!("{ns}/{rs_name}")), "creationTimestamp": crate::gofmt::rfc3339(now), "labels": labels.clone(), "annotations": {"deployment.kubernetes.io/desired-replicas": replicas.to_string(), "deployment.kubernetes.io/max-replicas": replicas.saturating_add(replicas.saturating_add(3) / 4).to_string(), "deployment.kubernetes.io/revision": "1"}, "ownerReferences": [{"apiVersion": "apps/v1", "blockOwnerDeletion": true, "controller": true, "kind": "Deployment", "name": name, "uid": uid(&format!("{ns}/{name}"))}]}, "spec": {"replicas": replicas, "selector": {"matchLabels": labels}, "template": t}, "status": {"replicas": 0}})
                    }
                };
                rs["spec"]["replicas"] = json!(replicas);
                kube::put(store, rs_r, &rs);
            }
        }
        // ReplicaSets → pods.
        for rs in kube::list(store, rs_r, None) {
            let o = &rs.obj;
            let (ns, name) = (s(&o["metadata"]["namespace"]).to_string(), s(&o["metadata"]["name"]).to_string());
            let want = o["spec"]["replicas"].as_i64().unwrap_or(0).max(0) as usize;
            let mine: Vec<Stored> = kube::list(store, pods_r, Some(&ns)).into_iter().filter(|p| owner_of(&p.obj) == Some(("ReplicaSet".into(), name.clone()))).collect();
            for (i, extra) in mine.iter().enumerate().skip(want).rev() {
                let _ = i;
                kube::delete(store, pods_r, &ns, s(&extra.obj["metadata"]["name"]));
            }
            // Like the real ReplicaSet controller, create in bursts (here at most 100 per pass).
            for i in mine.len()..want.min(mine.len() + 100) {
                let pod_name = format!("{name}-{}", suffix(&format!("{name}/{i}/{}", store.current_revision())));
                let node = scheduler.then(|| WORKERS[(i + store.current_revision() as usize) % 2]).map(|w| (w.0, w.1));
                let p = new_pod(&ns, &pod_name, &o["spec"]["template"], Some(("ReplicaSet", &name)), now, node, store.current_revision() as usize, Some(&format!("{name}-")));
                kube::put(store, pods_r, &p);
            }
            let ready = kube::list(store, pods_r, Some(&ns)).iter().filter(|p| owner_of(&p.obj) == Some(("ReplicaSet".into(), name.clone())) && p.obj["status"]["phase"] == "Running").count() as i64;
            let status = json!({"availableReplicas": ready, "fullyLabeledReplicas": want, "observedGeneration": 1, "readyReplicas": ready, "replicas": want});
            let status = if ready == 0 { json!({"observedGeneration": 1, "replicas": want}) } else { status };
            if o["status"] != status {
                let mut n = o.clone();
                n["status"] = status;
                kube::put(store, rs_r, &n);
            }
        }
        // DaemonSets: one pod on every node (the DaemonSet controller binds it itself).
        let ds_r = resource("ds").expect("ds");
        let nodes = kube::list(store, resource("nodes").expect("nodes"), None);
        for ds in kube::list(store, ds_r, None) {
            let o = &ds.obj;
            let (ns, name) = (s(&o["metadata"]["namespace"]).to_string(), s(&o["metadata"]["name"]).to_string());
            let mine: Vec<Stored> = kube::list(store, pods_r, Some(&ns)).into_iter().filter(|p| owner_of(&p.obj) == Some(("DaemonSet".into(), name.clone()))).collect();
            for node in &nodes {
                let node_name = s(&node.obj["metadata"]["name"]).to_string();
                if mine.iter().any(|p| p.obj["spec"]["nodeName"] == node_name.as_str()) {
                    continue;
                }
                let ip = node.obj["status"]["addresses"].as_array().and_then(|a| a.iter().find(|x| x["type"] == "InternalIP")).map(|x| s(&x["address"]).to_string()).unwrap_or_default();
                let pod_name = format!("{name}-{}", suffix(&format!("{name}/{node_name}/{}", store.current_revision())));
                let mut p = new_pod(&ns, &pod_name, &o["spec"]["template"], Some(("DaemonSet", &name)), now, None, 0, Some(&format!("{name}-")));
                // hostNetwork pods take the node's address.
                schedule(&mut p, &node_name, &ip, &ip, now);
                kube::put(store, pods_r, &p);
            }
        }
        // Deployment status from its ReplicaSet.
        for d in kube::list(store, dep_r, None) {
            let o = &d.obj;
            let (ns, name) = (s(&o["metadata"]["namespace"]).to_string(), s(&o["metadata"]["name"]).to_string());
            let rs: Vec<Stored> = kube::list(store, rs_r, Some(&ns)).into_iter().filter(|r| owner_of(&r.obj) == Some(("Deployment".into(), name.clone()))).collect();
            let sum = |k: &str| rs.iter().map(|r| r.obj["status"][k].as_i64().unwrap_or(0)).fold(0, i64::saturating_add);
            let (replicas, ready) = (sum("replicas"), sum("readyReplicas"));
            let status = json!({"availableReplicas": ready, "observedGeneration": 1, "readyReplicas": ready, "replicas": replicas, "updatedReplicas": replicas});
            if o["status"] != status {
                let mut n = o.clone();
                n["status"] = status;
                kube::put(store, dep_r, &n);
            }
        }
    }
    // The scheduler binds pending pods.
    if scheduler {
        for (i, p) in kube::list(store, pods_r, None).into_iter().enumerate() {
            if p.obj["status"]["phase"] == "Pending" && s(&p.obj["spec"]["nodeName"]).is_empty() {
                let w = WORKERS[i % 2];
                let mut o = p.obj.clone();
                schedule(&mut o, w.0, w.1, &format!("{}.{}", w.2, 2 + p.mod_revision % 250), now);
                kube::put(store, pods_r, &o);
            }
        }
    }
}

fn existing_rs_hash(store: &Store, ns: &str, deployment: &str) -> Option<String> {
    kube::list(store, resource("rs")?, Some(ns))
        .into_iter()
        .find(|r| owner_of(&r.obj) == Some(("Deployment".into(), deployment.to_string())))
        .and_then(|r| r.obj["metadata"]["name"].as_str().and_then(|n| n.strip_prefix(&format!("{deployment}-")).map(str::to_string)))
}
