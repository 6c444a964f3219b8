//! `kubectl scale deployment NAME --replicas=N` — rewrites the object's `spec.replicas` (a
//! new revision); the ReplicaSet controller then adds or removes pods.
//!
//! ```text
//! $ kubectl scale deployment coredns -n kube-system --replicas=3
//! deployment.apps/coredns scaled
//! ```

use super::{api, get::type_name, not_found, reconcile, resource_or_fail, Args};
use crate::cluster::kube;
use crate::process::Proc;
use crate::world::World;
use serde_json::json;

pub fn run(world: &mut World, p: &mut Proc, a: &Args) -> i32 {
    let mut pos = a.positional.clone();
    if let Some((r, n)) = pos.first().and_then(|x| x.split_once('/')).map(|(r, n)| (r.to_string(), n.to_string())) {
        pos = vec![r, n];
    }
    let Some(replicas) = a.flag("--replicas") else {
        p.eprintln("error: required flag(s) \"replicas\" not set");
        return 1;
    };
    let Ok(replicas) = replicas.parse::<i64>() else {
        p.eprintln(format!("error: invalid argument \"{replicas}\" for \"--replicas\" flag: strconv.ParseInt: parsing \"{replicas}\": invalid syntax"));
        return 1;
    };
    if replicas < 0 {
        p.eprintln("error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0");
        return 1;
    }
    let (Some(what), Some(name)) = (pos.first(), pos.get(1)) else {
        p.eprintln("error: resource(s) were provided, but no name was specified");
        return 1;
    };
    let Some(res) = resource_or_fail(p, what) else { return 1 };
    if !matches!(res.plural, "deployments" | "replicasets") {
        p.eprintln(format!("error: no scaler has been implemented for {{\"{}\" \"{}\"}}", if res.api_version.contains('/') { "apps" } else { "" }, res.kind));
        return 1;
    }
    let ns = a.ns();
    let Some(store) = api(world, p) else { return 1 };
    let Some(cur) = kube::get(store, res, &ns, name) else {
        not_found(p, res, name);
        return 1;
    };
    let mut obj = cur.obj;
    obj["spec"]["replicas"] = json!(replicas);
    kube::put(store, res, &obj);
    reconcile(world);
    p.println(format!("{}/{name} scaled", type_name(res)));
    0
}
