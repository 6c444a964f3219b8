//! `kubectl create namespace|deployment|configmap|secret generic NAME ...` and
//! `kubectl create -f FILE`: each writes one `/registry/...` key (a new revision); the
//! controllers then add what a Deployment implies (a ReplicaSet, its pods).
//!
//! ```text
//! $ kubectl create deployment web --image=nginx --replicas=2
//! deployment.apps/web created
//! ```

use super::{api, get::type_name, reconcile, Args};
use crate::cluster::clock::now_unix;
use crate::gofmt::rfc3339;
use crate::cluster::kube::{self, uid, Resource};
use crate::process::Proc;
use crate::world::World;
use serde_json::{json, Value};

/// The container name kubectl derives from an image (`registry.k8s.io/pause:3.9` → `pause`).
pub fn container_name(image: &str) -> String {
    let last = image.rsplit('/').next().unwrap_or(image);
    let base = last.split(['@', ':']).next().unwrap_or(last);
    base.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect()
}

/// Writes a new object unless one with that name exists; prints kubectl's answer.
pub fn store_new(world: &mut World, p: &mut Proc, res: &'static Resource, mut obj: Value) -> i32 {
    let ns = obj["metadata"]["namespace"].as_str().unwrap_or("").to_string();
    let name = obj["metadata"]["name"].as_str().unwrap_or("").to_string();
    let Some(store) = api(world, p) else { return 1 };
    if res.namespaced && kube::get(store, kube::resource("ns").expect("ns"), "", &ns).is_none() {
        p.eprintln(format!("Error from server (NotFound): namespaces \"{ns}\" not found"));
        return 1;
    }
    let group = type_name(res);
    let qualified = match group.split_once('.') {
        Some((_, g)) => format!("{}.{g}", res.plural),
        None => res.plural.to_string(),
    };
    if kube::get(store, res, &ns, &name).is_some() {
        p.eprintln(format!("Error from server (AlreadyExists): {qualified} \"{name}\" already exists"));
        return 1;
    }
    let now = now_unix(world.clock_ms);
    obj["metadata"]["uid"] = json!(uid(&format!("{ns}/{name}@{now}")));
    obj["metadata"]["creationTimestamp"] = json!(rfc3339(now));
    kube::put(&mut world.etcd.store, res, &obj);
    reconcile(world);
    p.println(format!("{group}/{name} created"));
    0
}

fn literals(a: &Args, base64: bool) -> Value {
    let mut data = serde_json::Map::new();
    for (k, v) in a.flags.iter().filter(|(k, _)| k == "--from-literal") {
        let _ = k;
        if let Some((key, val)) = v.split_once('=') {
            let val = if base64 { crate::cluster::pki::base64_encode(val.as_bytes()) } else { val.to_string() };
            data.insert(key.to_string(), json!(val));
        }
    }
    Value::Object(data)
}

pub fn run(world: &mut World, p: &mut Proc, a: &Args) -> i32 {
    if let Some(file) = a.flag("--filename") {
        return from_file(world, p, a, file.to_string());
    }
    let ns = a.ns();
    let kind = a.positional.first().map(String::as_str).unwrap_or("");
    let rest: Vec<&String> = a.positional.iter().skip(if kind == "secret" { 2 } else { 1 }).collect();
    let name = match rest.as_slice() {
        [n] => n.to_string(),
        other if !kind.is_empty() => {
            p.eprintln(format!("error: exactly one NAME is required, got {}", other.len()));
            return 1;
        }
        _ => {
            p.eprintln("error: must specify one of -f and -k");
            return 1;
        }
    };
    let (res, obj) = match kind {
        "namespace" | "ns" => ("ns", json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name, "labels": {"kubernetes.io/metadata.name": name}}, "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}})),
        "deployment" | "deploy" => {
            let Some(image) = a.flag("--image") else {
                p.eprintln("error: required flag(s) \"image\" not set");
                return 1;
            };
            let replicas: i64 = a.flag("--replicas").and_then(|r| r.parse().ok()).unwrap_or(1);
            let labels = json!({"app": name});
            let template = json!({"metadata": {"labels": labels}, "spec": {"containers": [{"image": image, "imagePullPolicy": "Always", "name": container_name(image), "resources": {}}]}});
            ("deploy", json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name, "namespace": ns, "labels": labels, "generation": 1}, "spec": {"progressDeadlineSeconds": 600, "replicas": replicas, "revisionHistoryLimit": 10, "selector": {"matchLabels": labels}, "strategy": {"rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}, "type": "RollingUpdate"}, "template": template}, "status": {}}))
        }
        "configmap" | "cm" => ("cm", json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "namespace": ns}, "data": literals(a, false)})),
        "secret" => {
            if a.positional.get(1).map(String::as_str) != Some("generic") {
                p.eprintln("error: this playground creates only `secret generic` secrets");
                return 1;
            }
            ("secret", json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": name, "namespace": ns}, "type": "Opaque", "data": literals(a, true)}))
        }
        other => {
            p.eprintln(format!("error: unknown command \"{other}\" for \"kubectl create\""));
            return 1;
        }
    };
    store_new(world, p, kube::resource(res).expect("known"), obj)
}

fn from_file(world: &mut World, p: &mut Proc, a: &Args, file: String) -> i32 {
    let path = p.path(&file);
    let text = match world.vfs.read(&path) {
        Ok(d) => String::from_utf8_lossy(d).into_owned(),
        Err(_) => {
            p.eprintln(format!("error: the path \"{file}\" does not exist"));
            return 1;
        }
    };
    let obj = match crate::cluster::yaml::parse(&text).or_else(|e| serde_json::from_str::<Value>(&text).map_err(|_| e)) {
        Ok(v) => v,
        Err(e) => {
            p.eprintln(format!("error: error parsing {file}: error converting YAML to JSON: {e}"));
            return 1;
        }
    };
    let kind = obj["kind"].as_str().unwrap_or("");
    let Some(res) = kube::RESOURCES.iter().find(|r| r.kind == kind) else {
        p.eprintln(format!("error: resource mapping not found for name: \"{}\" namespace: \"\" from \"{file}\": no matches for kind \"{kind}\" in version \"{}\"", obj["metadata"]["name"].as_str().unwrap_or(""), obj["apiVersion"].as_str().unwrap_or("")));
        return 1;
    };
    if obj["metadata"]["name"].as_str().is_none_or(str::is_empty) {
        p.eprintln(format!("error: error when creating \"{file}\": {} in version \"v1\" cannot be handled as a {kind}: resource name may not be empty", kind));
        return 1;
    }
    let mut obj = obj;
    if res.namespaced && obj["metadata"]["namespace"].as_str().is_none() {
        obj["metadata"]["namespace"] = json!(a.ns());
    }
    if res.plural == "pods" && obj["status"].get("phase").is_none() {
        obj["status"] = json!({"phase": "Pending", "qosClass": "BestEffort"});
    }
    store_new(world, p, res, obj)
}
