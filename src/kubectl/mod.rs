//! `kubectl`, as far as the seed's lessons reach: one file per verb (`get.rs`, `describe.rs`,
//! `create.rs`, `delete.rs`, `run.rs`, `scale.rs`, `exec.rs`). Every verb talks to the API
//! server, and the API server is just the etcd keys under `/registry/` (see
//! [`crate::cluster::kube`]): what `kubectl` shows is what `etcdctl get /registry --prefix`
//! holds.

pub mod create;
pub mod delete;
pub mod describe;
pub mod exec;
pub mod get;
pub mod run;
pub mod scale;
pub mod tabwriter;

use crate::cluster::kube::{self, Resource};
use crate::engine::Store;
use crate::process::Proc;
use crate::world::World;

/// The flags kubectl's verbs share, parsed once.
#[derive(Debug, Clone, Default)]
pub struct Args {
    pub positional: Vec<String>,
    pub namespace: Option<String>,
    pub all_namespaces: bool,
    pub output: Option<String>,
    pub flags: Vec<(String, String)>,
    /// Everything after `--` (exec's command).
    pub after_dashdash: Vec<String>,
}

impl Args {
    pub fn ns(&self) -> String {
        self.namespace.clone().unwrap_or_else(|| "default".into())
    }

    pub fn flag(&self, name: &str) -> Option<&str> {
        self.flags.iter().rev().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// Flags that take a value (as `--flag v` or `--flag=v`), by their long name.
const VALUE_FLAGS: &[(&str, &str)] = &[
    ("-n", "--namespace"),
    ("-o", "--output"),
    ("-l", "--selector"),
    ("-f", "--filename"),
    ("-c", "--container"),
    ("", "--image"),
    ("", "--replicas"),
    ("", "--port"),
    ("", "--kubeconfig"),
    ("", "--context"),
    ("", "--from-literal"),
    ("", "--type"),
    ("", "--grace-period"),
    ("", "--restart"),
    ("", "--dry-run"),
    ("", "--tcp"),
];

pub fn parse(args: &[String]) -> Result<Args, String> {
    let mut a = Args::default();
    let mut i = 0;
    while i < args.len() {
        let arg = &args[i];
        i += 1;
        if arg == "--" {
            a.after_dashdash = args[i..].to_vec();
            break;
        }
        if !arg.starts_with('-') || arg == "-" {
            a.positional.push(arg.clone());
            continue;
        }
        let (name, inline) = match arg.split_once('=') {
            Some((n, v)) => (n.to_string(), Some(v.to_string())),
            None => (arg.clone(), None),
        };
        // `-nkube-system` is `-n kube-system` to pflag.
        let (name, inline) = if !name.starts_with("--") && name.chars().count() > 2 && inline.is_none() {
            let split = name.char_indices().nth(2).map_or(name.len(), |(i, _)| i);
            (name[..split].to_string(), Some(name[split..].to_string()))
        } else {
            (name, inline)
        };
        let long = VALUE_FLAGS.iter().find(|(s, l)| *s == name || *l == name).map(|(_, l)| *l);
        match long {
            Some(long) => {
                let value = match inline {
                    Some(v) => v,
                    None if i < args.len() => {
                        i += 1;
                        args[i - 1].clone()
                    }
                    None => return Err(format!("error: flag needs an argument: {name}")),
                };
                match long {
                    "--namespace" => a.namespace = Some(value),
                    "--output" => a.output = Some(value),
                    _ => a.flags.push((long.to_string(), value)),
                }
            }
            None => match name.as_str() {
                "-A" | "--all-namespaces" => a.all_namespaces = true,
                "-i" | "-t" | "-it" | "-ti" | "--stdin" | "--tty" | "--all" | "--force" | "--show-labels" | "--now" | "--wait" => a.flags.push((name.clone(), inline.unwrap_or_else(|| "true".into()))),
                _ => return Err(format!("error: unknown flag: {name}\nSee 'kubectl --help' for usage.")),
            },
        }
    }
    Ok(a)
}

/// Where the verb is: the first word that is neither a flag nor the value of a flag before it
/// (`kubectl -n kube-system get pods` → 2).
fn verb_position(args: &[String]) -> Option<usize> {
    let mut i = 0;
    while i < args.len() {
        let arg = &args[i];
        if arg == "--" {
            return None;
        }
        if !arg.starts_with('-') || arg == "-" {
            return Some(i);
        }
        let takes_next = !arg.contains('=') && VALUE_FLAGS.iter().any(|(short, long)| (!short.is_empty() && arg == short) || arg == long);
        i += if takes_next { 2 } else { 1 };
    }
    None
}

/// Entry point: `kubectl <verb> [args]`.
pub fn main(world: &mut World, p: &mut Proc) -> i32 {
    let args = p.args[1..].to_vec();
    let Some(verb_pos) = verb_position(&args) else {
        p.println("kubectl controls the Kubernetes cluster manager.\n\n Find more information at: https://kubernetes.io/docs/reference/kubectl/\n\nBasic Commands (Beginner):\n  create          Create a resource from a file or from stdin\n  run             Run a particular image on the cluster\n\nBasic Commands (Intermediate):\n  get             Display one or many resources\n  delete          Delete resources by file names, stdin, resources and names, or by resources and label selector\n\nDeploy Commands:\n  scale           Set a new size for a deployment, replica set, or replication controller\n\nTroubleshooting and Debugging Commands:\n  describe        Show details of a specific resource or group of resources\n  exec            Execute a command in a container\n\nUsage:\n  kubectl [flags] [options]\n\nUse \"kubectl <command> --help\" for more information about a given command.\nUse \"kubectl options\" for a list of global command-line options (applies to all commands).");
        return 0;
    };
    // Global flags may come before the verb (`kubectl -n kube-system get pods`).
    let verb = args[verb_pos].clone();
    let mut rest = args[..verb_pos].to_vec();
    rest.extend_from_slice(&args[verb_pos + 1..]);
    let a = match parse(&rest) {
        Ok(a) => a,
        Err(e) => {
            p.eprintln(e);
            return 1;
        }
    };
    match verb.as_str() {
        "get" => get::run(world, p, &a),
        "describe" => describe::run(world, p, &a),
        "create" => create::run(world, p, &a),
        "delete" => delete::run(world, p, &a),
        "run" => run::run(world, p, &a),
        "scale" => scale::run(world, p, &a),
        "exec" => exec::run(world, p, &a),
        "version" => {
            p.println(format!("Client Version: {}\nKustomize Version: v5.5.0", kube::K8S_VERSION));
            if api(world, p).is_none() {
                return 1;
            }
            p.println(format!("Server Version: {}", kube::K8S_VERSION));
            0
        }
        "logs" | "apply" | "edit" | "label" | "annotate" | "rollout" | "top" | "cp" | "port-forward" | "cluster-info" | "config" | "api-resources" | "explain" | "patch" | "replace" | "expose" | "set" | "auth" | "certificate" | "drain" | "cordon" | "uncordon" | "taint" | "wait" | "attach" | "proxy" | "debug" | "diff" | "kustomize" | "autoscale" | "api-versions" | "events" => {
            p.eprintln(format!("kubectl {verb}: not simulated in this playground"));
            p.explain(
                format!("Real kubectl has `{verb}`; this playground simulates get, describe, create, delete, run, scale, exec and version."),
                format!("O kubectl real tem `{verb}`; este playground simula get, describe, create, delete, run, scale, exec e version."),
            );
            1
        }
        other => {
            p.eprintln(format!("error: unknown command \"{other}\" for \"kubectl\""));
            1
        }
    }
}

/// Reaches the API server: it answers only while its static pod runs and it can reach etcd
/// with its `--etcd-*` client certificates. Otherwise kubectl prints the real refusal.
pub fn api<'w>(world: &'w mut World, p: &mut Proc) -> Option<&'w mut Store> {
    world.catch_up();
    if !crate::cluster::kubelet::apiserver_up(world) {
        let server = if world.vfs.exists("/etc/kubernetes/admin.conf") { format!("{}:6443", kube::CONTROL_PLANE_IP) } else { "localhost:8080".to_string() };
        p.eprintln(format!("The connection to the server {server} was refused - did you specify the right host or port?"));
        let why = crate::cluster::kubelet::apiserver_down_reason(world);
        p.explain(
            format!("kubectl talks to the API server on port 6443, and the API server keeps everything in etcd. {}", why.en),
            format!("O kubectl fala com o API server na porta 6443, e o API server guarda tudo no etcd. {}", why.pt),
        );
        return None;
    }
    reconcile(world);
    Some(&mut world.etcd.store)
}

/// Lets the control plane catch up: the kubelet's mirror pods, then the controllers and the
/// scheduler (each only while its static pod runs).
pub fn reconcile(world: &mut World) {
    use crate::cluster::kubelet;
    kubelet::ensure_mirror_pods(world);
    let now = crate::cluster::clock::now_unix(world.clock_ms);
    let cm = kubelet::static_pod_running(world, "kube-controller-manager");
    let sched = kubelet::static_pod_running(world, "kube-scheduler");
    crate::cluster::controllers::reconcile(&mut world.etcd.store, now, cm, sched);
}

/// Resolves a resource argument or prints kubectl's error.
pub fn resource_or_fail(p: &mut Proc, name: &str) -> Option<&'static Resource> {
    let r = kube::resource(name);
    if r.is_none() {
        p.eprintln(format!("error: the server doesn't have a resource type \"{name}\""));
    }
    r
}

/// `pods "x" not found` as the API server words it.
pub fn not_found(p: &mut Proc, res: &Resource, name: &str) {
    p.eprintln(format!("Error from server (NotFound): {} \"{name}\" not found", res.plural));
}

/// The age column: now minus `metadata.creationTimestamp`.
pub fn age(world: &World, obj: &serde_json::Value) -> String {
    let now = crate::cluster::clock::now_unix(world.clock_ms);
    match obj["metadata"]["creationTimestamp"].as_str().and_then(crate::gofmt::parse_rfc3339) {
        Some(t) => crate::gofmt::human_duration(now - t),
        None => "<unknown>".into(),
    }
}
