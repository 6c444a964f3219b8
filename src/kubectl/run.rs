//! `kubectl run NAME --image=IMAGE` — one bare pod (no controller: delete it and it is gone).
//!
//! ```text
//! $ kubectl run web --image=nginx
//! pod/web created
//! ```

use super::{create::{container_name, store_new}, Args};
use crate::cluster::kube;
use crate::process::Proc;
use crate::world::World;
use serde_json::json;

pub fn run(world: &mut World, p: &mut Proc, a: &Args) -> i32 {
    let Some(name) = a.positional.first().cloned() else {
        p.eprintln("error: NAME is required for run");
        return 1;
    };
    let Some(image) = a.flag("--image").map(str::to_string) else {
        p.eprintln("error: required flag(s) \"image\" not set");
        return 1;
    };
    let mut container = json!({"image": image, "imagePullPolicy": "Always", "name": name, "resources": {}});
    let _ = container_name(&image);
    if !a.after_dashdash.is_empty() {
        container["args"] = json!(a.after_dashdash);
    }
    let pod = json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": name, "namespace": a.ns(), "labels": {"run": name}},
        "spec": {"containers": [container], "dnsPolicy": "ClusterFirst", "restartPolicy": "Always"},
        "status": {"phase": "Pending", "qosClass": "BestEffort"}
    });
    store_new(world, p, kube::resource("pods").expect("pods"), pod)
}
