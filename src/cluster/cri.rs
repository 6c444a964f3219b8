//! The node's container runtime (containerd) as the kubelet drives it: pod sandboxes and their
//! containers, with ids, attempts and times. The kubelet ([`super::kubelet`]) is the only
//! writer; `crictl` only reads. Times are unix milliseconds of the simulated clock.

use serde::{Deserialize, Serialize};

/// Where crictl reads its client config.
pub const CRICTL_CONFIG: &str = "/etc/crictl.yaml";
/// What `crictl config --set runtime-endpoint=…` writes there on the kubeadm node: crictl
/// pointed at this containerd (the kubeadm scenarios install it).
pub const CRICTL_CONFIG_FILE: &str = "runtime-endpoint: unix:///run/containerd/containerd.sock\nimage-endpoint: unix:///run/containerd/containerd.sock\ntimeout: 10\ndebug: false\n";

/// How long a container that fails at startup runs before it exits.
pub const CRASH_RUN_MS: i64 = 120;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Runtime {
    /// False in sessions saved before the runtime was simulated: the kubelet fills it in.
    #[serde(default)]
    pub initialized: bool,
    #[serde(default)]
    pub sandboxes: Vec<Sandbox>,
    #[serde(default)]
    pub containers: Vec<Container>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sandbox {
    pub id: String,
    pub name: String,
    pub namespace: String,
    pub uid: String,
    pub attempt: u32,
    pub created_ms: i64,
    pub ready: bool,
    /// The static pod's manifest, for pods the kubelet runs from `/etc/kubernetes/manifests`.
    #[serde(default)]
    pub manifest: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Container {
    pub id: String,
    pub sandbox_id: String,
    pub name: String,
    /// The image as the pod spec names it (`registry.k8s.io/etcd:3.5.16-0`).
    pub image: String,
    /// The image's id (`sha256:…`): what `crictl ps` shows.
    pub image_id: String,
    pub attempt: u32,
    pub created_ms: i64,
    /// When it exited; `None` while it runs.
    #[serde(default)]
    pub finished_ms: Option<i64>,
    #[serde(default)]
    pub exit_code: i32,
    /// What etcd did in this container (its logs are made from it).
    #[serde(default)]
    pub etcd: Option<EtcdRun>,
}

/// One run of etcd: its command line and how it ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EtcdRun {
    /// The container's command and args (`etcd --name=… …`).
    pub args: Vec<String>,
    /// Why it exited on its own (`None`: it served until stopped or still runs).
    #[serde(default)]
    pub exit: Option<EtcdExit>,
    /// True when the data dir held no member yet (etcd bootstraps a new cluster).
    #[serde(default)]
    pub fresh: bool,
    pub member_id: u64,
    pub cluster_id: u64,
    pub term: u64,
}

/// Why etcd exits at startup. [`EtcdExit::message`] is the kubelet's one-line summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum EtcdExit {
    /// Go's flag package: `flag provided but not defined: -NAME` (exit 2).
    UnknownFlag(String),
    /// A listen URL etcd cannot parse.
    BadUrl(String),
    /// `listen tcp HOST:PORT: bind: cannot assign requested address`.
    Bind { peer: bool, host_port: String },
    /// A TLS file that is not there (`--flag`, path).
    MissingFile { flag: String, path: String },
    /// An https client URL without --cert-file/--key-file.
    TlsRequired(String),
    /// The database in the data dir cannot be opened.
    OpenDb { path: String, error: String },
}

impl EtcdExit {
    pub fn message(&self) -> String {
        match self {
            EtcdExit::UnknownFlag(k) => format!("etcd exited: flag provided but not defined: -{k}"),
            EtcdExit::BadUrl(u) => format!("etcd exited: URL scheme must be http, https, unix, or unixs: {u}"),
            EtcdExit::Bind { host_port, .. } => format!("etcd exited: listen tcp {host_port}: bind: cannot assign requested address"),
            EtcdExit::MissingFile { flag, path } => format!("etcd exited: open {path}: no such file or directory (--{flag})"),
            EtcdExit::TlsRequired(u) => format!("etcd exited: TLS key/cert (--cert-file, --key-file) must be provided for client url {u} with HTTPS scheme"),
            EtcdExit::OpenDb { path, error } => format!("etcd exited: failed to open database {path}: {error}"),
        }
    }

    /// etcd's exit status: Go's flag errors and panics exit 2, `lg.Fatal` 1.
    pub fn code(&self) -> i32 {
        match self {
            EtcdExit::UnknownFlag(_) | EtcdExit::OpenDb { .. } => 2,
            _ => 1,
        }
    }
}

/// A stable 64-hex id made from `seed` (FNV-1a, then splitmix64 for each 16-digit part).
pub fn hex_id(seed: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in seed.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    let mut out = String::with_capacity(64);
    for _ in 0..4 {
        h = h.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = h;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        out.push_str(&format!("{:016x}", z ^ (z >> 31)));
    }
    out
}

/// The kubelet's crash-loop back-off before restarting a container that exited for the
/// `n`th time in a row (0-based): 10 s, doubling, at most 5 minutes.
pub fn backoff_ms(n: u32) -> i64 {
    (10_000i64 << n.min(5)).min(300_000)
}

/// Image ids (config digests) as containerd reports them. The first 13 digits of the images
/// this node runs are the ones `crictl images` shows for them; the rest (and other images) are
/// made up, stably.
fn image_id(image: &str) -> String {
    let known = match image {
        "registry.k8s.io/etcd:3.5.16-0" => "a9e7e6b294baf",
        "registry.k8s.io/kube-apiserver:v1.32.0" => "c2e17b8d0f4a3",
        "registry.k8s.io/kube-controller-manager:v1.32.0" => "8cab3d2a8bd0f",
        "registry.k8s.io/kube-scheduler:v1.32.0" => "a389e107f4ff1",
        "registry.k8s.io/kube-proxy:v1.32.0" => "040f9f8aac8cd",
        "registry.k8s.io/coredns/coredns:v1.11.3" => "c69fa2e9cbf5f",
        _ => "",
    };
    let rest = hex_id(image);
    format!("sha256:{known}{}", &rest[known.len()..])
}

impl Runtime {
    /// Starts a pod sandbox with one container per `(name, image)`; `etcd` describes the first
    /// container's etcd run (exited at once when it failed). Replaces the sandbox that ran
    /// from the same manifest (stopped, kept for `crictl pods`/`ps -a` until the next change).
    pub fn start_pod(&mut self, now_ms: i64, manifest: &str, name: &str, namespace: &str, containers: &[(String, String)], etcd: Option<EtcdRun>) {
        self.stop_pod(now_ms, manifest);
        // Keep one stopped sandbox per manifest: the one just stopped.
        let old: Vec<String> = self.sandboxes.iter().filter(|s| s.manifest.as_deref() == Some(manifest) && !s.ready).map(|s| s.id.clone()).collect();
        let keep = old.last().cloned();
        self.sandboxes.retain(|s| !old.contains(&s.id) || Some(&s.id) == keep.as_ref());
        self.containers.retain(|c| !old.contains(&c.sandbox_id) || Some(&c.sandbox_id) == keep.as_ref());
        let id = hex_id(&format!("sandbox/{manifest}/{now_ms}/{}", self.sandboxes.len()));
        let uid = hex_id(&format!("uid/{id}"))[..32].to_string();
        self.sandboxes.push(Sandbox { id: id.clone(), name: name.into(), namespace: namespace.into(), uid, attempt: 0, created_ms: now_ms, ready: true, manifest: Some(manifest.into()) });
        let mut etcd = etcd;
        for (cname, image) in containers {
            let run = etcd.take();
            let exit = run.as_ref().and_then(|r| r.exit.as_ref()).map(EtcdExit::code);
            self.containers.push(Container {
                id: hex_id(&format!("container/{id}/{cname}/0")),
                sandbox_id: id.clone(),
                name: cname.clone(),
                image: image.clone(),
                image_id: image_id(image),
                attempt: 0,
                created_ms: now_ms,
                finished_ms: exit.map(|_| now_ms + CRASH_RUN_MS),
                exit_code: exit.unwrap_or(0),
                etcd: run,
            });
        }
    }

    /// The kubelet stops the pod of `manifest`: its sandbox is no longer ready, its running
    /// containers exit (SIGTERM: status 0).
    pub fn stop_pod(&mut self, now_ms: i64, manifest: &str) {
        for s in self.sandboxes.iter_mut().filter(|s| s.manifest.as_deref() == Some(manifest) && s.ready) {
            s.ready = false;
            for c in self.containers.iter_mut().filter(|c| c.sandbox_id == s.id && c.finished_ms.is_none()) {
                c.finished_ms = Some(now_ms);
            }
        }
    }

    /// The ready sandbox of `manifest` and its newest container, if any.
    pub fn current(&self, manifest: &str) -> Option<(&Sandbox, &Container)> {
        let s = self.sandboxes.iter().find(|s| s.manifest.as_deref() == Some(manifest) && s.ready)?;
        let c = self.containers.iter().filter(|c| c.sandbox_id == s.id).max_by_key(|c| c.attempt)?;
        Some((s, c))
    }

    /// A restart of the newest container in `manifest`'s sandbox at `at_ms` as attempt
    /// `attempt` (ended already when `run.exit` is set); keeps the two newest containers.
    pub fn restart(&mut self, manifest: &str, attempt: u32, at_ms: i64, run: EtcdRun) {
        let Some((s, c)) = self.current(manifest) else { return };
        let (sid, name, image, image_id) = (s.id.clone(), c.name.clone(), c.image.clone(), c.image_id.clone());
        let exit = run.exit.as_ref().map(EtcdExit::code);
        self.containers.push(Container {
            id: hex_id(&format!("container/{sid}/{name}/{attempt}")),
            sandbox_id: sid.clone(),
            name,
            image,
            image_id,
            attempt,
            created_ms: at_ms,
            finished_ms: exit.map(|_| at_ms + CRASH_RUN_MS),
            exit_code: exit.unwrap_or(0),
            etcd: Some(run),
        });
        // Garbage collection: the kubelet keeps the newest dead container next to the current one.
        let mut mine: Vec<u32> = self.containers.iter().filter(|c| c.sandbox_id == sid).map(|c| c.attempt).collect();
        crate::sort::sort_by_key(&mut mine, |a| std::cmp::Reverse(*a));
        if let Some(&oldest_kept) = mine.get(1) {
            self.containers.retain(|c| c.sandbox_id != sid || c.attempt >= oldest_kept);
        }
    }

    /// A pod that ran before the session started (the seed cluster's pods): a ready sandbox
    /// with running containers, ids as the API server recorded them when known.
    #[allow(clippy::too_many_arguments)]
    pub fn adopt_pod(&mut self, manifest: Option<&str>, name: &str, namespace: &str, uid: &str, created_ms: i64, containers: &[(String, String, Option<String>)], etcd: Option<EtcdRun>) {
        let id = hex_id(&format!("sandbox/{uid}"));
        self.sandboxes.push(Sandbox { id: id.clone(), name: name.into(), namespace: namespace.into(), uid: uid.into(), attempt: 0, created_ms, ready: true, manifest: manifest.map(str::to_string) });
        let mut etcd = etcd;
        for (cname, image, cid) in containers {
            self.containers.push(Container {
                id: cid.clone().unwrap_or_else(|| hex_id(&format!("container/{id}/{cname}/0"))),
                sandbox_id: id.clone(),
                name: cname.clone(),
                image: image.clone(),
                image_id: image_id(image),
                attempt: 0,
                created_ms: created_ms + 1_000,
                finished_ms: None,
                exit_code: 0,
                etcd: etcd.take(),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_stable_hex_and_backoff_doubles_to_five_minutes() {
        let a = hex_id("x");
        assert_eq!(a.len(), 64);
        assert!(a.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!(a, hex_id("x"));
        assert_ne!(a, hex_id("y"));
        let b: Vec<i64> = (0..8).map(backoff_ms).collect();
        assert_eq!(b, vec![10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000, 300_000]);
    }
}
