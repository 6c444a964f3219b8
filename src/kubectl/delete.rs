//! `kubectl delete TYPE NAME... [-n NS]` — deletes the object's key (a new revision) and, as
//! the garbage collector does, everything it owns. A ReplicaSet's or DaemonSet's pod is then
//! replaced by its controller; a static pod's mirror is re-posted by the kubelet.
//!
//! ```text
//! $ kubectl delete pod web
//! pod "web" deleted
//! ```

use super::{api, get::type_name, not_found, reconcile, resource_or_fail, Args};
use crate::cluster::kube::{self, RESOURCES};
use crate::engine::Store;
use crate::process::Proc;
use crate::world::World;

/// Deletes what `owner` (kind, name) owns in `ns`, recursively (foreground cascade).
fn cascade(store: &mut Store, ns: &str, kind: &str, name: &str) {
    for res in RESOURCES.iter().filter(|r| r.namespaced) {
        for o in kube::list(store, res, Some(ns)) {
            let owned = o.obj["metadata"]["ownerReferences"].as_array().is_some_and(|refs| refs.iter().any(|r| r["kind"] == kind && r["name"] == name));
            if owned {
                let child = o.obj["metadata"]["name"].as_str().unwrap_or("").to_string();
                kube::delete(store, res, ns, &child);
                cascade(store, ns, res.kind, &child);
            }
        }
    }
}

pub fn run(world: &mut World, p: &mut Proc, a: &Args) -> i32 {
    let mut pos = a.positional.clone();
    if let Some((r, n)) = pos.first().and_then(|x| x.split_once('/')).map(|(r, n)| (r.to_string(), n.to_string())) {
        pos.splice(0..1, [r, n]);
    }
    let Some(what) = pos.first().cloned() else {
        p.eprintln("error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'");
        return 1;
    };
    let Some(res) = resource_or_fail(p, &what) else { return 1 };
    let names: Vec<String> = pos[1..].to_vec();
    if names.is_empty() {
        p.eprintln("error: resource(s) were provided, but no name was specified");
        return 1;
    }
    let ns = a.ns();
    let Some(store) = api(world, p) else { return 1 };
    let mut status = 0;
    for name in names {
        if !kube::delete(store, res, &ns, &name) {
            not_found(p, res, &name);
            status = 1;
            continue;
        }
        if res.plural == "namespaces" {
            for r in RESOURCES.iter().filter(|r| r.namespaced) {
                for o in kube::list(store, r, Some(&name)) {
                    kube::delete(store, r, &name, o.obj["metadata"]["name"].as_str().unwrap_or(""));
                }
            }
        } else {
            cascade(store, &ns, res.kind, &name);
        }
        p.println(format!("{} \"{name}\" deleted", type_name(res)));
    }
    reconcile(world);
    status
}
