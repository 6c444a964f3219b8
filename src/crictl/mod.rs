//! `crictl` (cri-tools v1.32, as the Kubernetes apt repository installs it on the kubeadm
//! node) against the node's containerd: `ps`, `pods`, `logs`, `version`. It reads the
//! containers the kubelet runs ([`crate::cluster::cri`]) and changes nothing.
//!
//! Output follows cri-tools' `cmd/crictl` (container.go, sandbox.go, logs.go, main.go):
//! Go's tabwriter (minwidth 20, padding 3), 13-digit ids, docker/go-units ages, logrus'
//! `LEVEL[0000] message ` lines on stderr.

mod logs;
mod pods;
mod ps;

use crate::cluster::cri::{Container, Runtime, Sandbox};
use crate::process::Proc;
use crate::world::World;

/// crictl's client config file and what the kubeadm node holds there; the scenario writes it,
/// so the constants live with the runtime they point at ([`crate::cluster::cri`]).
pub use crate::cluster::cri::{CRICTL_CONFIG as CONFIG, CRICTL_CONFIG_FILE as CONFIG_FILE};
const CONTAINERD: &str = "unix:///run/containerd/containerd.sock";
const DEFAULT_ENDPOINTS: &str = "[unix:///run/containerd/containerd.sock unix:///run/crio/crio.sock unix:///var/run/cri-dockerd.sock]";

/// A logrus line as a terminal shows it (no colours here): `FATA[0000] message `.
pub(crate) fn logrus(p: &mut Proc, level: &str, msg: &str) {
    p.eprintln(format!("{level}[0000] {msg:<44} "));
}

fn fatal(p: &mut Proc, msg: &str) -> i32 {
    logrus(p, "FATA", msg);
    1
}

/// The endpoints crictl ends up with: flags and environment first, then the config file.
struct Endpoints {
    runtime: Option<String>,
    image: Option<String>,
}

fn config_value(text: &str, key: &str) -> Option<String> {
    text.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        (k.trim() == key).then(|| v.trim().trim_matches('"').trim_matches('\'').to_string()).filter(|v| !v.is_empty())
    })
}

/// Connects to the runtime (and the image service for `ps`), printing what crictl prints on
/// the way; `Err(code)` when it cannot.
fn connect(world: &World, p: &mut Proc, ep: &Endpoints, image_too: bool) -> Result<(), i32> {
    let check = |p: &mut Proc, endpoint: &str, what: &str| -> Result<(), i32> {
        let path = endpoint.strip_prefix("unix://").unwrap_or(endpoint);
        if matches!(path, "/run/containerd/containerd.sock" | "/var/run/containerd/containerd.sock") && world.scenario.starts_with("kubeadm") {
            return Ok(());
        }
        Err(fatal(p, &format!("validate service connection: validate CRI v1 {what} API for endpoint {}: rpc error: code = Unavailable desc = connection error: desc = \"transport: Error while dialing: dial unix {path}: connect: no such file or directory\"", crate::snapshot::json_str(endpoint))))
    };
    match &ep.runtime {
        Some(e) => check(p, e, "runtime")?,
        None => {
            logrus(p, "WARN", &format!("runtime connect using default endpoints: {DEFAULT_ENDPOINTS}. As the default settings are now deprecated, you should set the endpoint instead."));
            check(p, CONTAINERD, "runtime")?;
        }
    }
    if image_too {
        match ep.image.as_ref().or(ep.runtime.as_ref()) {
            Some(e) => check(p, e, "image")?,
            None => {
                logrus(p, "WARN", &format!("Image connect using default endpoints: {DEFAULT_ENDPOINTS}. As the default settings are now deprecated, you should set the endpoint instead."));
                check(p, CONTAINERD, "image")?;
            }
        }
    }
    Ok(())
}

/// A command's flags: `-a`, `-aq`, `--name etcd`, `--name=etcd`; stops at the first argument.
pub(crate) struct Flags {
    pub bools: Vec<String>,
    pub values: Vec<(String, String)>,
    pub args: Vec<String>,
}

impl Flags {
    pub fn has(&self, name: &str) -> bool {
        self.bools.iter().any(|b| b == name)
    }
    pub fn value(&self, name: &str) -> Option<&str> {
        self.values.iter().rev().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

/// Parses `words` against `(long, short, takes_value)`; an unknown flag is an error message.
pub(crate) fn parse_flags(words: &[String], spec: &[(&str, &str, bool)]) -> Result<Flags, String> {
    let mut f = Flags { bools: Vec::new(), values: Vec::new(), args: Vec::new() };
    let mut i = 0;
    while i < words.len() {
        let w = &words[i];
        i += 1;
        if !w.starts_with('-') || w == "-" || !f.args.is_empty() {
            f.args.push(w.clone());
            continue;
        }
        if w == "--" {
            f.args.extend(words[i..].iter().cloned());
            break;
        }
        let body = w.trim_start_matches('-');
        let (name, inline) = match body.split_once('=') {
            Some((n, v)) => (n, Some(v.to_string())),
            None => (body, None),
        };
        // Short options run together (`-aq`) when none of them takes a value.
        let names: Vec<String> = if !w.starts_with("--") && name.len() > 1 && inline.is_none() && !spec.iter().any(|s| s.1 == name || s.0 == name) {
            name.chars().map(String::from).collect()
        } else {
            vec![name.to_string()]
        };
        for n in names {
            let Some(&(long, _, takes)) = spec.iter().find(|s| s.0 == n || (!s.1.is_empty() && s.1 == n)) else {
                return Err(format!("flag provided but not defined: -{n}"));
            };
            if takes {
                let v = match inline.clone() {
                    Some(v) => v,
                    None if i < words.len() => {
                        i += 1;
                        words[i - 1].clone()
                    }
                    None => return Err(format!("flag needs an argument: -{n}")),
                };
                f.values.push((long.to_string(), v));
            } else {
                f.bools.push(long.to_string());
            }
        }
    }
    Ok(f)
}

/// The table crictl prints through `tabwriter.NewWriter(os.Stdout, 20, 1, 3, ' ', 0)`.
pub(crate) fn table(rows: &[Vec<String>]) -> String {
    let text: String = rows.iter().map(|r| r.join("\t") + "\n").collect();
    crate::kubectl::tabwriter::format(&text, 20, 3)
}

/// docker/go-units `HumanDuration` + " ago": `Less than a second ago`, `About a minute ago`.
pub(crate) fn ago(now_ms: i64, then_ms: i64) -> String {
    // Saturating: times come from a loaded session too (validated, but never trusted twice).
    format!("{} ago", crate::gofmt::units_human_duration(now_ms.saturating_sub(then_ms)))
}

/// `-n/--last N` as urfave/cli parses an int flag: a bad value is fatal, absent is 0.
pub(crate) fn last_flag(f: &Flags, p: &mut Proc) -> Result<usize, i32> {
    match f.value("last").map(str::parse::<usize>) {
        None => Ok(0),
        Some(Ok(n)) => Ok(n),
        Some(Err(_)) => Err(fatal(p, &format!("invalid value \"{}\" for flag -n: parse error", f.value("last").unwrap_or("")))),
    }
}

/// A listing as cri-tools prints it: newest first, then only the newest (`--latest`) or the
/// `--last N` newest.
pub(crate) fn newest_first<T>(list: &mut Vec<&T>, created_ms: impl Fn(&T) -> i64, latest: bool, last: usize) {
    crate::sort::sort_by_key(list, |x| std::cmp::Reverse(created_ms(x)));
    list.truncate(if latest { 1 } else if last > 0 { last } else { list.len() });
}

pub(crate) fn short(id: &str) -> &str {
    id.get(..13).unwrap_or(id)
}

/// A container's sandbox.
pub(crate) fn sandbox_of<'a>(rt: &'a Runtime, c: &Container) -> Option<&'a Sandbox> {
    rt.sandboxes.iter().find(|s| s.id == c.sandbox_id)
}

/// Go's `regexp.MatchString` for crictl's `--name`/`--namespace` filters (an invalid
/// pattern matches nothing, as crictl ignores the error).
pub(crate) fn matches(pattern: Option<&str>, s: &str) -> bool {
    match pattern {
        None | Some("") => true,
        Some(p) => regex_lite::Regex::new(p).is_ok_and(|r| r.is_match(s)),
    }
}

const GLOBAL: &[(&str, &str, bool)] = &[("config", "c", true), ("runtime-endpoint", "r", true), ("image-endpoint", "i", true), ("timeout", "t", true), ("debug", "D", false), ("help", "h", false), ("version", "v", false), ("enable-tracing", "", false), ("tracing-endpoint", "", true), ("tracing-sampling-rate-per-million", "", true), ("profile-cpu", "", true), ("profile-mem", "", true)];

pub fn main(world: &mut World, p: &mut Proc) -> i32 {
    world.catch_up();
    // Global flags come before the command.
    let words: Vec<String> = p.args[1..].to_vec();
    let split = {
        let mut i = 0;
        while i < words.len() && words[i].starts_with('-') {
            let takes = GLOBAL.iter().any(|g| g.2 && (words[i] == format!("--{}", g.0) || words[i] == format!("-{}", g.1)));
            i += if takes { 2 } else { 1 };
        }
        i.min(words.len())
    };
    let globals = match parse_flags(&words[..split], GLOBAL) {
        Ok(g) => g,
        Err(e) => return fatal(p, &e),
    };
    let rest = &words[split..];
    if globals.has("help") {
        p.print(usage());
        return 0;
    }
    if globals.has("version") {
        p.println("crictl version v1.32.0");
        return 0;
    }
    let Some(cmd) = rest.first().cloned() else {
        p.print(usage());
        return 0;
    };
    let env = |k: &str| p.env.get(k).filter(|v| !v.is_empty()).cloned();
    let config_path = globals.value("config").map(str::to_string).or_else(|| env("CRI_CONFIG_FILE"));
    let config_text = match world.vfs.read(&p.path(config_path.as_deref().unwrap_or(CONFIG))) {
        Ok(d) => Some(String::from_utf8_lossy(d).into_owned()),
        Err(_) if config_path.is_some() => {
            let path = config_path.unwrap_or_default();
            return fatal(p, &format!("load config file: open {path}: no such file or directory"));
        }
        Err(_) => None,
    };
    let from_config = |k: &str| config_text.as_deref().and_then(|t| config_value(t, k));
    let ep = Endpoints {
        runtime: globals.value("runtime-endpoint").map(str::to_string).or_else(|| env("CONTAINER_RUNTIME_ENDPOINT")).or_else(|| from_config("runtime-endpoint")),
        image: globals.value("image-endpoint").map(str::to_string).or_else(|| env("IMAGE_SERVICE_ENDPOINT")).or_else(|| from_config("image-endpoint")),
    };
    let args = rest[1..].to_vec();
    match cmd.as_str() {
        "ps" => ps::run(world, p, &ep, &args),
        "pods" => pods::run(world, p, &ep, &args),
        "logs" => logs::run(world, p, &ep, &args),
        "version" => {
            if let Err(code) = connect(world, p, &ep, false) {
                return code;
            }
            p.print("Version:  0.1.0\nRuntimeName:  containerd\nRuntimeVersion:  v1.7.24\nRuntimeApiVersion:  v1\n");
            0
        }
        "help" | "h" => {
            p.print(usage());
            0
        }
        "attach" | "create" | "exec" | "info" | "inspect" | "inspecti" | "imagefsinfo" | "inspectp" | "port-forward" | "images" | "image" | "img" | "pull" | "rm" | "rmi" | "rmp" | "run" | "runp" | "start" | "stats" | "statsp" | "metricsp" | "stop" | "stopp" | "update" | "config" | "completion" | "checkpoint" | "runtime-config" | "events" | "update-runtime-config" => {
            p.explain(
                format!("`crictl {cmd}` is not simulated here; `crictl ps [-a]`, `crictl pods` and `crictl logs <CONTAINER-ID>` are."),
                format!("`crictl {cmd}` não é simulado aqui; `crictl ps [-a]`, `crictl pods` e `crictl logs <ID-DO-CONTÊINER>` são."),
            );
            1
        }
        other => fatal(p, &format!("No help topic for '{other}'")),
    }
}

/// `crictl --help`: urfave/cli v2's app help (commands sorted by name, as crictl 1.32 sorts
/// them; flags sorted by name), columns through tabwriter(1, 8, 2).
fn usage() -> String {
    const COMMANDS: &[(&str, &str)] = &[
        ("attach", "Attach to a running container"),
        ("checkpoint", "Checkpoint one or more running containers"),
        ("completion", "Output shell completion code"),
        ("config", "Get, set and list crictl configuration options"),
        ("create", "Create a new container"),
        ("events", "Stream the events of containers"),
        ("exec", "Run a command in a running container"),
        ("imagefsinfo", "Return image filesystem info"),
        ("images, image, img", "List images"),
        ("info", "Display information of the container runtime"),
        ("inspect", "Display the status of one or more containers"),
        ("inspecti", "Return the status of one or more images"),
        ("inspectp", "Display the status of one or more pods"),
        ("logs", "Fetch the logs of a container"),
        ("metricsp", "List pod metrics. Metrics are unstructured key/value pairs gathered by CRI meant to replace cAdvisor's /metrics/cadvisor endpoint."),
        ("pods", "List pods"),
        ("port-forward", "Forward local port to a pod"),
        ("ps", "List containers"),
        ("pull", "Pull an image from a registry"),
        ("rm", "Remove one or more containers"),
        ("rmi", "Remove one or more images"),
        ("rmp", "Remove one or more pods"),
        ("run", "Run a new container inside a sandbox"),
        ("runp", "Run a new pod"),
        ("runtime-config", "Retrieve the container runtime configuration"),
        ("start", "Start one or more created containers"),
        ("stats", "List container(s) resource usage statistics"),
        ("statsp", "List pod statistics. Stats represent a structured API that will fulfill the Kubelet's /stats/summary endpoint."),
        ("stop", "Stop one or more running containers"),
        ("stopp", "Stop one or more running pods"),
        ("update", "Update one or more running containers"),
        ("update-runtime-config", "Update the runtime configuration"),
        ("version", "Display runtime version information"),
        ("help, h", "Shows a list of commands or help for one command"),
    ];
    let flags: [(&str, String); 12] = [
        ("--config value, -c value", "Location of the client config file. If not specified and the default does not exist, the program's directory is searched as well (default: \"/etc/crictl.yaml\") [$CRI_CONFIG_FILE]".into()),
        ("--debug, -D", "Enable debug mode (default: false)".into()),
        ("--enable-tracing", "Enable OpenTelemetry tracing. (default: false)".into()),
        ("--image-endpoint value, -i value", "Endpoint of CRI image manager service (default: uses 'runtime-endpoint' setting) [$IMAGE_SERVICE_ENDPOINT]".into()),
        ("--profile-cpu value", "Write a pprof CPU profile to the provided path.".into()),
        ("--profile-mem value", "Write a pprof memory profile to the provided path.".into()),
        ("--runtime-endpoint value, -r value", format!("Endpoint of CRI container runtime service (default: uses in order the first successful one of {DEFAULT_ENDPOINTS}). Default is now deprecated and the endpoint should be set instead. [$CONTAINER_RUNTIME_ENDPOINT]")),
        ("--timeout value, -t value", "Timeout of connecting to the server in seconds (e.g. 2s, 20s.). 0 or less is set to default (default: 2s)".into()),
        ("--tracing-endpoint value", "Address to which the gRPC tracing collector will send spans to. (default: \"127.0.0.1:4317\")".into()),
        ("--tracing-sampling-rate-per-million value", "Number of samples to collect per million OpenTelemetry spans. Set to 1000000 or -1 to always sample. (default: -1)".into()),
        ("--help, -h", "show help".into()),
        ("--version, -v", "print the version".into()),
    ];
    let cols = |rows: Vec<(String, String)>| crate::kubectl::tabwriter::format(&rows.iter().map(|(a, b)| format!("   {a}\t{b}\n")).collect::<String>(), 1, 2);
    format!(
        "NAME:\n   crictl - client for CRI\n\nUSAGE:\n   crictl [global options] command [command options]\n\nVERSION:\n   v1.32.0\n\nCOMMANDS:\n{}\nGLOBAL OPTIONS:\n{}",
        cols(COMMANDS.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()),
        cols(flags.iter().map(|(a, b)| (a.to_string(), b.clone())).collect())
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_like_go_units_and_flags_like_urfave() {
        let s = 1000;
        for (d, want) in [(0, "Less than a second ago"), (s, "1 second ago"), (59 * s, "59 seconds ago"), (119 * s, "About a minute ago"), (120 * s, "2 minutes ago"), (3_599 * s, "59 minutes ago"), (5_400 * s, "2 hours ago"), (47 * 3_600 * s, "47 hours ago"), (8 * 86_400 * s, "8 days ago"), (20 * 86_400 * s, "2 weeks ago"), (90 * 86_400 * s, "3 months ago"), (800 * 86_400 * s, "2 years ago")] {
            assert_eq!(ago(d, 0), want, "{d}");
        }
        let w = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let spec = &[("all", "a", false), ("quiet", "q", false), ("name", "", true)];
        let f = parse_flags(&w(&["-aq", "--name=etcd", "x", "-a"]), spec).unwrap();
        assert!(f.has("all") && f.has("quiet") && f.value("name") == Some("etcd"));
        assert_eq!(f.args, w(&["x", "-a"]));
        assert_eq!(parse_flags(&w(&["--name"]), spec).err().unwrap(), "flag needs an argument: -name");
        assert_eq!(parse_flags(&w(&["-z"]), spec).err().unwrap(), "flag provided but not defined: -z");
        assert_eq!(config_value("timeout: 10\nruntime-endpoint: \"unix:///x.sock\"\n", "runtime-endpoint").as_deref(), Some("unix:///x.sock"));
    }
}
