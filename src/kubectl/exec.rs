//! `kubectl exec POD [-n NS] -- COMMAND...` — the seed's second way to reach etcd: run
//! `etcdctl` inside the etcd pod. The etcd pod uses the host network and mounts
//! /etc/kubernetes/pki/etcd at the same path, so inside it `127.0.0.1:2379` and the
//! certificate paths are the node's. The etcd image is distroless: it has `etcd` and
//! `etcdctl`, and no shell.

use super::{api, Args};
use crate::cluster::kube;
use crate::process::Proc;
use crate::world::World;

pub fn run(world: &mut World, p: &mut Proc, a: &Args) -> i32 {
    let Some(pod) = a.positional.first().cloned() else {
        p.eprintln("error: expected 'exec POD_NAME COMMAND [ARG1] [ARG2] ... [ARGN]'.\nPOD_NAME and COMMAND are required arguments for the exec command\nSee 'kubectl exec -h' for help and examples");
        return 1;
    };
    if a.after_dashdash.is_empty() {
        if a.positional.len() > 1 {
            p.eprintln("error: exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead\nSee 'kubectl exec -h' for help and examples");
        } else {
            p.eprintln("error: you must specify at least one command for the container");
        }
        return 1;
    }
    let ns = a.ns();
    let Some(store) = api(world, p) else { return 1 };
    let Some(o) = kube::get(store, kube::resource("pods").expect("pods"), &ns, &pod) else {
        p.eprintln(format!("Error from server (NotFound): pods \"{pod}\" not found"));
        return 1;
    };
    let image = o.obj["spec"]["containers"][0]["image"].as_str().unwrap_or("").to_string();
    let cmd = a.after_dashdash[0].clone();
    let base = cmd.rsplit('/').next().unwrap_or(&cmd).to_string();
    if image.contains("/etcd:") && base == "etcdctl" {
        let mut inner = Proc { args: a.after_dashdash.clone(), cwd: "/".into(), stdin: p.stdin.clone(), ..Default::default() };
        // The etcd image sets no ETCDCTL_* variables; the container's own environment only.
        inner.env.insert("PATH".into(), "/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin".into());
        // The etcdctl inside the pod leaves its own record, marked with the pod (lessons).
        let token = world.facts.start("etcdctl", Some(format!("{ns}/{pod}")));
        // The container sees the node only through its hostPath volumes: what etcdctl writes
        // elsewhere (`snapshot save /opt/backup/x.db`) stays in the container, not on the node.
        let before = world.vfs.clone();
        let status = crate::etcdctl::main(world, &mut inner);
        world.vfs.confine(&before, &host_mounts(&o.obj));
        let text: String = inner.out.iter().map(crate::facts::chunk_text).collect();
        world.facts.finish(token, status, &text);
        p.out.append(&mut inner.out);
        if status != 0 {
            p.eprintln(format!("command terminated with exit code {status}"));
        }
        return status;
    }
    p.eprintln(format!(
        "error: Internal error occurred: error executing command in container: failed to exec in container: failed to start exec \"{}\": OCI runtime exec failed: exec failed: unable to start container process: exec: \"{cmd}\": executable file not found in $PATH: unknown",
        kube::hex_id(&format!("exec/{pod}/{cmd}"))
    ));
    p.explain(
        format!("This playground runs only etcdctl inside the etcd pod ({image}); that image is distroless, so it has no shell either."),
        format!("Este playground roda só o etcdctl dentro do pod do etcd ({image}); essa imagem é distroless, então também não tem shell."),
    );
    1
}

/// (mountPath, hostPath) of each hostPath volume the pod's first container mounts.
fn host_mounts(pod: &serde_json::Value) -> Vec<(String, String)> {
    let c = &pod["spec"]["containers"][0];
    let volumes = pod["spec"]["volumes"].as_array().cloned().unwrap_or_default();
    let mut out = Vec::new();
    for m in c["volumeMounts"].as_array().cloned().unwrap_or_default() {
        let mount = m["mountPath"].as_str().unwrap_or("").trim_end_matches('/').to_string();
        let host = volumes.iter().find(|v| v["name"] == m["name"]).and_then(|v| v["hostPath"]["path"].as_str()).map(|h| h.trim_end_matches('/').to_string());
        if let (false, Some(host)) = (mount.is_empty(), host) {
            if !host.is_empty() {
                out.push((mount, host));
            }
        }
    }
    out
}
