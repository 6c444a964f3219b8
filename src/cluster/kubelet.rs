//! The kubelet of `docker-01`, as far as static pods go: it watches
//! `/etc/kubernetes/manifests/`, and when a manifest appears, changes or goes away it starts,
//! restarts or stops that pod — and posts (or removes) its mirror pod through the API server,
//! which is how `kubectl get pods` learns about `etcd-docker-01`.
//!
//! The simulation is lazy: [`sync`] runs before any program that talks to etcd or the API
//! server, and compares each manifest's text with the one it last acted on. So `sed -i` on
//! `etcd.yaml` restarts etcd with the new flags the next time anyone looks; a manifest that
//! does not parse, or flags etcd rejects, leave etcd down (and with it the API server); moving
//! the file away stops the pod.

use super::clock::{now_unix, now_unix_ms, CLUSTER_CREATED};
use crate::gofmt::parse_rfc3339;
use crate::i18n::Text;
use super::cri::{backoff_ms, EtcdExit, EtcdRun, Runtime, CRASH_RUN_MS};
use super::etcd_server::ServerTls;
use super::kube;
use super::{Host, NodeMut, NodeRef};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use crate::sorted_map::SortedMap;

pub const MANIFESTS: &str = "/etc/kubernetes/manifests";

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Kubelet {
    /// False until the first sync, which adopts the scenario's manifests as already running.
    pub initialized: bool,
    /// Manifest path → the text the kubelet last acted on.
    pub seen: SortedMap<String, String>,
    /// Manifest path → the static pod's name (`etcd`, `kube-apiserver`) while it runs.
    pub running: SortedMap<String, String>,
    /// Why etcd is not running (its last fatal log line, or the kubelet's complaint).
    pub etcd_error: Option<String>,
    /// The containers it runs through containerd (what `crictl` shows).
    #[serde(default)]
    pub runtime: Runtime,
}

fn manifest_files(vfs: &crate::vfs::Vfs) -> SortedMap<String, String> {
    let mut out = SortedMap::new();
    if let Ok(names) = vfs.list(MANIFESTS) {
        for n in names {
            if n.starts_with('.') || !(n.ends_with(".yaml") || n.ends_with(".yml") || n.ends_with(".json")) {
                continue;
            }
            let path = format!("{MANIFESTS}/{n}");
            if let Ok(data) = vfs.read(&path) {
                out.insert(path, String::from_utf8_lossy(data).into_owned());
            }
        }
    }
    out
}

/// Whether the manifests on disk are byte for byte the ones in `seen` (a manifest that is not
/// UTF-8 reads as changed here; [`manifest_files`] then compares it as the kubelet stores it).
fn manifests_unchanged(vfs: &crate::vfs::Vfs, seen: &SortedMap<String, String>) -> bool {
    let mut n = 0;
    if let Ok(names) = vfs.list(MANIFESTS) {
        for name in names {
            if name.starts_with('.') || !(name.ends_with(".yaml") || name.ends_with(".yml") || name.ends_with(".json")) {
                continue;
            }
            let path = format!("{MANIFESTS}/{name}");
            if let Ok(data) = vfs.read(&path) {
                n += 1;
                if seen.get(&path).map(String::as_bytes) != Some(data) {
                    return false;
                }
            }
        }
    }
    n == seen.len()
}

fn pod_name(m: &Value) -> Option<String> {
    m.get("metadata")?.get("name")?.as_str().map(str::to_string)
}

impl Kubelet {
    /// The kubelet of a freshly laid-out node: every manifest on disk is already running.
    pub fn adopt(vfs: &crate::vfs::Vfs) -> Kubelet {
        let mut k = Kubelet { initialized: true, ..Default::default() };
        let files = manifest_files(vfs);
        for (path, text) in &files {
            if let Some(name) = super::yaml::parse(text).ok().as_ref().and_then(pod_name) {
                k.running.insert(path.clone(), name);
            }
        }
        k.seen = files;
        k
    }
}

/// Brings the running static pods in line with the manifests on disk.
pub fn sync<H: Host + ?Sized>(world: &mut H) {
    sync_node(&mut world.node_mut());
}

fn sync_node(world: &mut NodeMut<'_>) {
    if !world.kubelet.initialized {
        // A node without a kubelet (the `plain` scenario) or a session saved before it had one.
        if !world.vfs.is_dir(MANIFESTS) {
            return;
        }
        *world.kubelet = Kubelet::adopt(world.vfs);
        init_runtime(world);
        return;
    }
    if !world.kubelet.runtime.initialized {
        init_runtime(world);
    }
    // This runs on every step of the clock (`World::advance`): compare without copying first.
    if manifests_unchanged(&world.vfs, &world.kubelet.seen) {
        advance(world);
        return;
    }
    let files = manifest_files(&world.vfs);
    if files == world.kubelet.seen {
        advance(world);
        return;
    }
    let now_ms = now_unix_ms(world.clock_ms);
    let mut changed: Vec<String> = files.iter().filter(|(p, t)| world.kubelet.seen.get(*p) != Some(t)).map(|(p, _)| p.clone()).collect();
    changed.extend(world.kubelet.seen.keys().filter(|p| !files.contains_key(*p)).cloned());
    // etcd first: the API server (and mirror pods) depend on it.
    crate::sort::sort_by_key(&mut changed, |p| !p.ends_with("/etcd.yaml"));
    let mut mirror_updates: Vec<(Option<String>, Option<Value>)> = Vec::new();
    // A running etcd wrote its files up to now, whatever happens to it next.
    if world.etcd.running && !changed.is_empty() {
        super::etcd_server::stamp_data_dir(&mut world.vfs, &world.etcd.data_dir);
    }
    for path in changed {
        let old_name = world.kubelet.running.remove(&path);
        let parsed = files.get(&path).map(|t| super::yaml::parse(t));
        let was_etcd = old_name.as_deref() == Some("etcd");
        match parsed {
            None => {
                // Manifest removed: the pod stops, its mirror pod goes away.
                world.kubelet.runtime.stop_pod(now_ms, &path);
                if was_etcd {
                    world.etcd.running = false;
                    world.kubelet.etcd_error = Some(format!("the static pod manifest {path} was removed, so the kubelet stopped etcd"));
                }
                mirror_updates.push((old_name, None));
            }
            Some(Err(e)) => {
                world.kubelet.runtime.stop_pod(now_ms, &path);
                if was_etcd || path.ends_with("/etcd.yaml") {
                    world.etcd.running = false;
                    world.kubelet.etcd_error = Some(format!("the kubelet could not read {path}: {e}"));
                }
                mirror_updates.push((old_name, None));
            }
            Some(Ok(m)) => {
                let Some(name) = pod_name(&m) else {
                    world.kubelet.runtime.stop_pod(now_ms, &path);
                    mirror_updates.push((old_name, None));
                    continue;
                };
                let is_etcd = m["spec"]["containers"][0]["command"][0].as_str().is_some_and(|c| c.rsplit('/').next() == Some("etcd"));
                let mut run = None;
                if is_etcd {
                    // The old container stops before the new one starts.
                    world.kubelet.runtime.stop_pod(now_ms, &path);
                    world.etcd.running = false;
                    let result = start_etcd(world, &m);
                    run = Some(etcd_run(&world.node(), &m, &result));
                    match result {
                        Ok(_) => world.kubelet.etcd_error = None,
                        Err(e) => {
                            world.etcd.running = false;
                            world.kubelet.etcd_error = Some(e.message());
                        }
                    }
                } else if was_etcd {
                    world.etcd.running = false;
                }
                let ns = m["metadata"]["namespace"].as_str().unwrap_or("default").to_string();
                world.kubelet.runtime.start_pod(now_ms, &path, &format!("{name}-{}", world.hostname), &ns, &containers_of(&m), run);
                world.kubelet.running.insert(path.clone(), name.clone());
                if old_name.as_deref().is_some_and(|o| o != name) {
                    mirror_updates.push((old_name.clone(), None));
                }
                let created = now_unix(world.clock_ms) - CLUSTER_CREATED;
                let text = files.get(&path).cloned().unwrap_or_default();
                mirror_updates.push((Some(name), Some(kube::mirror_pod(&m, &text, &world.hostname, kube::CONTROL_PLANE_IP, created))));
            }
        }
    }
    world.kubelet.seen = files;
    if apiserver_up(world) {
        let pods = kube::resource("pods").expect("pods");
        for (old, new) in mirror_updates {
            if let Some(old) = old {
                kube::delete(&mut world.etcd.store, pods, "kube-system", &format!("{old}-{}", world.hostname));
            }
            if let Some(mut new) = new {
                if world.etcd.running || new["metadata"]["labels"]["component"] != "etcd" {
                    kube::put(&mut world.etcd.store, pods, &new);
                } else {
                    new["status"]["phase"] = Value::from("Running");
                }
            }
        }
    }
}

/// etcd's flags as the kubeadm manifest passes them (`--name=value`).
fn flags(m: &Value) -> Vec<(String, Option<String>)> {
    let c = &m["spec"]["containers"][0];
    let mut words: Vec<String> = c["command"].as_array().map(|a| a.iter().skip(1).filter_map(|v| v.as_str().map(str::to_string)).collect()).unwrap_or_default();
    words.extend(c["args"].as_array().map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect::<Vec<_>>()).unwrap_or_default());
    words
        .iter()
        .map(|w| {
            let w = w.trim_start_matches('-');
            match w.split_once('=') {
                Some((k, v)) => (k.to_string(), Some(v.to_string())),
                None => (w.to_string(), None),
            }
        })
        .collect()
}

const ETCD_FLAGS: &[&str] = &[
    "name", "data-dir", "wal-dir", "listen-client-urls", "advertise-client-urls", "listen-peer-urls", "initial-advertise-peer-urls",
    "initial-cluster", "initial-cluster-state", "initial-cluster-token", "listen-metrics-urls", "cert-file", "key-file", "trusted-ca-file",
    "client-cert-auth", "peer-cert-file", "peer-key-file", "peer-trusted-ca-file", "peer-client-cert-auth", "snapshot-count",
    "heartbeat-interval", "election-timeout", "quota-backend-bytes", "auto-compaction-retention", "auto-compaction-mode", "max-request-bytes",
    "auto-tls", "peer-auto-tls", "log-level", "logger", "log-outputs", "enable-v2", "metrics", "cipher-suites", "tls-min-version",
    "max-snapshots", "max-wals", "strict-reconfig-check", "enable-pprof", "force-new-cluster", "client-crl-file", "peer-crl-file",
    "experimental-initial-corrupt-check", "experimental-watch-progress-notify-interval", "experimental-snapshot-catchup-entries",
    "experimental-compact-hash-check-enabled", "debug", "cors",
];

/// Starts etcd from a manifest: validates the flags the way etcd does at startup, moves to the
/// data directory the container really writes to (through its hostPath volume), and applies
/// the URLs and TLS settings. On error etcd stays down; the text is etcd's complaint.
fn start_etcd(world: &mut NodeMut<'_>, m: &Value) -> Result<bool, EtcdExit> {
    let fl = flags(m);
    let mut get = SortedMap::new();
    for (k, v) in &fl {
        if !ETCD_FLAGS.contains(&k.as_str()) {
            return Err(EtcdExit::UnknownFlag(k.clone()));
        }
        get.insert(k.as_str(), v.clone().unwrap_or_else(|| "true".into()));
    }
    let urls = |k: &str, default: &str| -> Vec<String> { get.get(k).map(String::as_str).unwrap_or(default).split(',').filter(|s| !s.is_empty()).map(str::to_string).collect() };
    let listen = urls("listen-client-urls", "http://localhost:2379");
    let advertise = urls("advertise-client-urls", "http://localhost:2379");
    let peers = urls("listen-peer-urls", "http://localhost:2380");
    for u in listen.iter().chain(&peers) {
        let bad = || EtcdExit::BadUrl(u.clone());
        let Some((scheme, _)) = u.split_once("://") else { return Err(bad()) };
        if !matches!(scheme, "http" | "https") {
            return Err(bad());
        }
    }
    // etcd opens its peer listeners (with their TLS files) first, then the client ones.
    let file = |k: &str| get.get(k).filter(|v| !v.is_empty()).cloned();
    let missing = |keys: [&str; 3]| -> Result<(), EtcdExit> {
        for k in keys {
            if let Some(f) = file(k) {
                if !world.vfs.exists(&f) {
                    return Err(EtcdExit::MissingFile { flag: k.into(), path: f });
                }
            }
        }
        Ok(())
    };
    for (peer, list) in [(true, &peers), (false, &listen)] {
        if peer {
            missing(["peer-cert-file", "peer-key-file", "peer-trusted-ca-file"])?;
        } else {
            missing(["cert-file", "key-file", "trusted-ca-file"])?;
        }
        for u in list.iter() {
            let hp = u.split_once("://").map_or(u.as_str(), |(_, hp)| hp);
            let host = hp.rsplit_once(':').map_or(hp, |(h, _)| h);
            if !matches!(host, "127.0.0.1" | "localhost" | "0.0.0.0" | "[::]" | "[::1]") && host != kube::CONTROL_PLANE_IP {
                return Err(EtcdExit::Bind { peer, host_port: hp.to_string() });
            }
        }
    }
    let tls = match (file("cert-file"), file("key-file")) {
        (Some(cert_file), Some(key_file)) => Some(ServerTls {
            cert_file,
            key_file,
            trusted_ca_file: file("trusted-ca-file").unwrap_or_default(),
            client_cert_auth: get.get("client-cert-auth").is_some_and(|v| v == "true"),
        }),
        _ => {
            if let Some(u) = listen.iter().find(|u| u.starts_with("https://")) {
                return Err(EtcdExit::TlsRequired(u.clone()));
            }
            None
        }
    };
    let name = get.get("name").cloned().unwrap_or_else(|| "default".into());
    let data_dir = get.get("data-dir").cloned().unwrap_or_else(|| format!("{name}.etcd"));
    let host_dir = host_path_of(m, &data_dir);
    // A data dir someone removed (`rm -rf /var/lib/etcd`): etcd starts a new, empty member there.
    let gone = !host_dir.starts_with("container:") && !world.vfs.exists(&host_dir);
    if gone {
        world.etcd.stores.remove(&host_dir);
        if host_dir == world.etcd.data_dir {
            world.etcd.store = crate::engine::Store::new();
        }
    }
    let mut fresh = gone || (host_dir != world.etcd.data_dir && !world.etcd.stores.contains_key(&host_dir));
    // A data dir this member has not run on yet: etcd opens whatever database is there
    // (`snapshot restore` leaves one at member/snap/db); a damaged one keeps etcd down.
    if host_dir != world.etcd.data_dir && !world.etcd.stores.contains_key(&host_dir) {
        let db = format!("{}/member/snap/db", host_dir.trim_end_matches('/'));
        if let Ok(data) = world.vfs.read(&db) {
            match crate::snapshot::load_at(data, world.clock_ms) {
                Ok(loaded) => {
                    world.etcd.stores.insert(host_dir.clone(), loaded.store);
                    fresh = false;
                }
                Err(err) => return Err(EtcdExit::OpenDb { path: db, error: err.to_string() }),
            }
        }
    }
    // etcd's files in its data dir: a fresh one gets them, a restored one's database is now
    // the engine's (read back from it from here on).
    super::etcd_server::lay_out_data_dir(&mut world.vfs, &host_dir);
    let e = &mut world.etcd;
    e.switch_data_dir(&host_dir);
    e.name = name;
    e.listen_client_urls = listen;
    e.advertise_client_urls = advertise;
    e.peer_urls = urls("initial-advertise-peer-urls", "http://localhost:2380");
    e.tls = tls;
    // A restarted single-member cluster elects itself again: a new raft term.
    e.raft_term += 1;
    e.running = true;
    Ok(fresh)
}

/// The command line of a manifest's first container (`etcd --flag=… …`).
fn command_of(m: &Value) -> Vec<String> {
    let c = &m["spec"]["containers"][0];
    let strs = |v: &Value| v.as_array().map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect::<Vec<_>>()).unwrap_or_default();
    let mut out = strs(&c["command"]);
    out.extend(strs(&c["args"]));
    out
}

/// A manifest's containers: (name, image).
fn containers_of(m: &Value) -> Vec<(String, String)> {
    let cs = m["spec"]["containers"].as_array().cloned().unwrap_or_default();
    cs.iter().map(|c| (c["name"].as_str().unwrap_or("").to_string(), c["image"].as_str().unwrap_or("").to_string())).collect()
}

fn etcd_run(world: &NodeRef<'_>, m: &Value, result: &Result<bool, EtcdExit>) -> EtcdRun {
    EtcdRun {
        args: command_of(m),
        exit: result.as_ref().err().cloned(),
        fresh: *result.as_ref().unwrap_or(&false),
        member_id: world.etcd.member_id,
        cluster_id: world.etcd.cluster_id,
        term: world.etcd.raft_term,
    }
}

/// The containers of the pods already running when the kubelet is first seen: the API
/// server's record of this node's pods (their container ids), and every static pod.
pub fn init_runtime<H: Host + ?Sized>(world: &mut H) {
    init_runtime_node(&mut world.node_mut());
}

fn init_runtime_node(world: &mut NodeMut<'_>) {
    let mut rt = Runtime { initialized: true, ..Default::default() };
    let host = world.hostname;
    let mut adopted: Vec<String> = Vec::new();
    if let Some(pods) = kube::resource("pods") {
        for p in kube::list(&world.etcd.store, pods, None) {
            let o = &p.obj;
            if o["spec"]["nodeName"].as_str() != Some(host) {
                continue;
            }
            let name = o["metadata"]["name"].as_str().unwrap_or("").to_string();
            let manifest = world.kubelet.running.iter().find(|(_, n)| format!("{n}-{host}") == name).map(|(p, _)| p.clone());
            if o["metadata"]["annotations"]["kubernetes.io/config.mirror"].is_string() && manifest.is_none() {
                continue;
            }
            let created = o["metadata"]["creationTimestamp"].as_str().and_then(parse_rfc3339).unwrap_or(CLUSTER_CREATED) * 1000;
            let statuses = o["status"]["containerStatuses"].as_array().cloned().unwrap_or_default();
            let cs: Vec<(String, String, Option<String>)> = o["spec"]["containers"]
                .as_array()
                .cloned()
                .unwrap_or_default()
                .iter()
                .map(|c| {
                    let cname = c["name"].as_str().unwrap_or("").to_string();
                    let id = statuses.iter().find(|s| s["name"] == c["name"]).and_then(|s| s["containerID"].as_str()).and_then(|i| i.split_once("://")).map(|(_, i)| i.to_string());
                    (cname, c["image"].as_str().unwrap_or("").to_string(), id)
                })
                .collect();
            let run = manifest.as_ref().and_then(|path| etcd_adopted(&world.node(), path));
            let ns = o["metadata"]["namespace"].as_str().unwrap_or("default");
            let uid = o["metadata"]["uid"].as_str().unwrap_or(&name);
            rt.adopt_pod(manifest.as_deref(), &name, ns, uid, created, &cs, run);
            adopted.extend(manifest);
        }
    }
    // Static pods the API server does not know about (its data is elsewhere or gone).
    let running: Vec<(String, String)> = world.kubelet.running.iter().map(|(p, n)| (p.clone(), n.clone())).collect();
    for (path, name) in running {
        if adopted.contains(&path) {
            continue;
        }
        let Some(m) = world.kubelet.seen.get(&path).and_then(|t| super::yaml::parse(t).ok()) else { continue };
        let ns = m["metadata"]["namespace"].as_str().unwrap_or("default").to_string();
        let cs: Vec<(String, String, Option<String>)> = containers_of(&m).into_iter().map(|(n, i)| (n, i, None)).collect();
        let run = etcd_adopted(&world.node(), &path);
        rt.adopt_pod(Some(&path), &format!("{name}-{host}"), &ns, &path, CLUSTER_CREATED * 1000, &cs, run);
    }
    world.kubelet.runtime = rt;
}

/// etcd as it has been running since before the session (for the etcd manifest only).
fn etcd_adopted(world: &NodeRef<'_>, path: &str) -> Option<EtcdRun> {
    if world.kubelet.running.get(path).map(String::as_str) != Some("etcd") {
        return None;
    }
    let m = super::yaml::parse(world.kubelet.seen.get(path)?).ok()?;
    Some(EtcdRun { args: command_of(&m), exit: None, fresh: false, member_id: world.etcd.member_id, cluster_id: world.etcd.cluster_id, term: world.etcd.raft_term })
}

/// The kubelet's crash-loop back-off, played up to now: an etcd container that exited is
/// started again after 10 s, 20 s, 40 s … (5 minutes at most) — each time with the manifest
/// and files as they are now, so creating a missing file is enough for the next try to work.
fn advance(world: &mut NodeMut<'_>) {
    let now = now_unix_ms(world.clock_ms);
    let Some(path) = world.kubelet.running.iter().find(|(_, n)| *n == "etcd").map(|(p, _)| p.clone()) else { return };
    let Some((_, c)) = world.kubelet.runtime.current(&path) else { return };
    let (Some(finished), Some(true)) = (c.finished_ms, c.etcd.as_ref().map(|r| r.exit.is_some())) else { return };
    let mut attempt = c.attempt;
    let mut at = finished + backoff_ms(attempt);
    if at > now {
        return;
    }
    let Some(m) = world.kubelet.seen.get(&path).and_then(|t| super::yaml::parse(t).ok()) else { return };
    let result = start_etcd(world, &m);
    let run = etcd_run(&world.node(), &m, &result);
    attempt += 1;
    match result {
        Ok(_) => world.kubelet.etcd_error = None,
        Err(e) => {
            // Every restart due by now fails the same way (nothing changes in between).
            let first = attempt;
            let mut prev_at = at;
            for _ in 0..100_000 {
                let next = at + CRASH_RUN_MS + backoff_ms(attempt);
                if next > now {
                    break;
                }
                prev_at = at;
                at = next;
                attempt += 1;
            }
            // The newest dead container before the current one is still there.
            if attempt > first {
                world.kubelet.runtime.restart(&path, attempt - 1, prev_at, run.clone());
            }
            world.etcd.running = false;
            world.kubelet.etcd_error = Some(e.message());
        }
    }
    world.kubelet.runtime.restart(&path, attempt, at, run);
}

/// Where a path inside the container lives on the node: through the hostPath volume mounted
/// over it, or — with no volume — in the container's own throwaway filesystem.
fn host_path_of(m: &Value, path: &str) -> String {
    let c = &m["spec"]["containers"][0];
    let mut best: Option<(usize, String)> = None;
    for mnt in c["volumeMounts"].as_array().cloned().unwrap_or_default() {
        let mp = mnt["mountPath"].as_str().unwrap_or("").trim_end_matches('/').to_string();
        if mp.is_empty() || !(path == mp || path.starts_with(&format!("{mp}/"))) {
            continue;
        }
        let vol = m["spec"]["volumes"].as_array().and_then(|vs| vs.iter().find(|v| v["name"] == mnt["name"]).cloned());
        if let Some(hp) = vol.as_ref().and_then(|v| v["hostPath"]["path"].as_str()) {
            if best.as_ref().is_none_or(|(l, _)| mp.len() > *l) {
                best = Some((mp.len(), format!("{}{}", hp.trim_end_matches('/'), &path[mp.len()..])));
            }
        }
    }
    best.map(|(_, p)| p).unwrap_or_else(|| format!("container:{path}"))
}

/// True while the API server's static pod runs and it reaches etcd.
pub fn apiserver_up<H: Host + ?Sized>(world: &H) -> bool {
    apiserver_up_node(&world.node())
}

fn apiserver_up_node(world: &NodeRef<'_>) -> bool {
    if !world.kubelet.running.values().any(|n| n == "kube-apiserver") {
        return false;
    }
    let Some(cfg) = apiserver_etcd_client(world) else { return false };
    world.etcd.running && super::tls::dial_node(world, &cfg.0, &cfg.1, false).is_ok()
}

/// The API server's `--etcd-servers` and client TLS, read from its manifest.
fn apiserver_etcd_client(world: &NodeRef<'_>) -> Option<(String, super::tls::ClientTls)> {
    let path = world.kubelet.running.iter().find(|(_, n)| *n == "kube-apiserver").map(|(p, _)| p.clone())?;
    let text = world.kubelet.seen.get(&path)?;
    let m = super::yaml::parse(text).ok()?;
    let mut get = SortedMap::new();
    for (k, v) in flags(&m) {
        get.insert(k, v.unwrap_or_default());
    }
    let server = get.get("etcd-servers")?.split(',').next()?.to_string();
    let client = super::tls::ClientTls { cacert: get.get("etcd-cafile").cloned(), cert: get.get("etcd-certfile").cloned(), key: get.get("etcd-keyfile").cloned() };
    Some((server, client))
}

/// Why the API server is refusing connections, for the explanation beside kubectl's error.
pub fn apiserver_down_reason<H: Host + ?Sized>(world: &H) -> Text {
    apiserver_down_reason_node(&world.node())
}

fn apiserver_down_reason_node(world: &NodeRef<'_>) -> Text {
    if !world.vfs.is_dir(MANIFESTS) {
        return Text::new(
            "This node has no kubeconfig and no control plane, so kubectl falls back to localhost:8080 where nothing listens.",
            "Este nó não tem kubeconfig nem control plane, então o kubectl tenta localhost:8080, onde nada escuta.",
        );
    }
    if !world.kubelet.running.values().any(|n| n == "kube-apiserver") {
        return Text::new(
            format!("The kube-apiserver static pod is not running: its manifest is missing from {MANIFESTS} or does not parse."),
            format!("O static pod do kube-apiserver não está rodando: o manifesto sumiu de {MANIFESTS} ou não é YAML válido."),
        );
    }
    if !world.etcd.running {
        let why = world.kubelet.etcd_error.clone().unwrap_or_else(|| "etcd is stopped".into());
        return Text::new(
            format!("etcd is down ({why}), so the API server cannot start. `crictl ps -a | grep etcd` shows its exited containers and `crictl logs <CONTAINER-ID>` its last words. Fix /etc/kubernetes/manifests/etcd.yaml; the kubelet restarts etcd when the file changes."),
            format!("O etcd está parado ({why}), então o API server não sobe. `crictl ps -a | grep etcd` mostra os contêineres que saíram e `crictl logs <ID-DO-CONTÊINER>` as últimas linhas dele. Corrija /etc/kubernetes/manifests/etcd.yaml; o kubelet reinicia o etcd quando o arquivo muda."),
        );
    }
    let cause = match apiserver_etcd_client(world).map(|(s, c)| super::tls::dial_node(world, &s, &c, false)) {
        Some(Err(f)) => Text::new(as_apiserver(&f.cause.en, "the API server"), as_apiserver(&f.cause.pt, "o API server")),
        _ => Text::default(),
    };
    Text::new(
        format!("The API server cannot reach etcd with its --etcd-servers/--etcd-cafile/--etcd-certfile/--etcd-keyfile settings: {}", cause.en),
        format!("O API server não alcança o etcd com --etcd-servers/--etcd-cafile/--etcd-certfile/--etcd-keyfile: {}", cause.pt),
    )
}

/// A TLS diagnosis written for etcdctl, retold for the API server: its flags are
/// `--etcd-cafile/--etcd-certfile/--etcd-keyfile`, and it is the one dialing.
pub fn as_apiserver(cause: &str, who: &str) -> String {
    let mut out = String::new();
    let mut rest = cause;
    while let Some(i) = rest.find("--") {
        out.push_str(&rest[..i]);
        let flag_len = rest[i + 2..].find(|c: char| !(c.is_ascii_alphanumeric() || c == '-')).unwrap_or(rest.len() - i - 2);
        let flag = &rest[i + 2..i + 2 + flag_len];
        out.push_str(match flag {
            "cacert" => "--etcd-cafile",
            "cert" => "--etcd-certfile",
            "key" => "--etcd-keyfile",
            _ => &rest[i..i + 2 + flag_len],
        });
        rest = &rest[i + 2 + flag_len..];
    }
    out.push_str(rest);
    out.replace("etcdctl", who)
}

/// The kubelet re-posts the mirror pod of every static pod it runs when the API server has
/// lost it (`kubectl delete pod etcd-docker-01` or `etcdctl del` of its key): the pod comes
/// back at once, with a new UID and age.
pub fn ensure_mirror_pods<H: Host + ?Sized>(world: &mut H) {
    ensure_mirror_pods_node(&mut world.node_mut());
}

fn ensure_mirror_pods_node(world: &mut NodeMut<'_>) {
    if !apiserver_up(world) {
        return;
    }
    let pods = kube::resource("pods").expect("pods");
    let running: Vec<(String, String)> = world.kubelet.running.iter().map(|(p, n)| (p.clone(), n.clone())).collect();
    for (path, name) in running {
        let mirror = format!("{name}-{}", world.hostname);
        if kube::get(&world.etcd.store, pods, "kube-system", &mirror).is_some() {
            continue;
        }
        let Some(text) = world.kubelet.seen.get(&path).cloned() else { continue };
        let Ok(m) = super::yaml::parse(&text) else { continue };
        let created = now_unix(world.clock_ms) - CLUSTER_CREATED;
        let pod = kube::mirror_pod(&m, &text, &world.hostname, kube::CONTROL_PLANE_IP, created);
        kube::put(&mut world.etcd.store, pods, &pod);
    }
}

/// Whether a static pod (`kube-scheduler`, `kube-controller-manager`) is running.
pub fn static_pod_running<H: Host + ?Sized>(world: &H, name: &str) -> bool {
    static_pod_running_node(&world.node(), name)
}

fn static_pod_running_node(world: &NodeRef<'_>, name: &str) -> bool {
    world.kubelet.running.values().any(|n| n == name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::World;

    fn world() -> World {
        World::from_scenario("kubeadm").unwrap().0
    }

    #[test]
    fn tls_causes_are_retold_with_the_api_servers_flags() {
        assert_eq!(
            as_apiserver("No --cacert was given, so etcdctl checks it; etcd's --cert-file and --key-file, --cert x --key y.", "the API server"),
            "No --etcd-cafile was given, so the API server checks it; etcd's --cert-file and --key-file, --etcd-certfile x --etcd-keyfile y."
        );
        assert_eq!(as_apiserver("ends with --", "x"), "ends with --");
        // The API server given the kubelet's client pair (signed by the Kubernetes CA).
        let mut w = world();
        edit(&mut w, "kube-apiserver.yaml", "--etcd-certfile=/etc/kubernetes/pki/apiserver-etcd-client.crt", "--etcd-certfile=/etc/kubernetes/pki/apiserver-kubelet-client.crt");
        edit(&mut w, "kube-apiserver.yaml", "--etcd-keyfile=/etc/kubernetes/pki/apiserver-etcd-client.key", "--etcd-keyfile=/etc/kubernetes/pki/apiserver-kubelet-client.key");
        sync(&mut w);
        let Text { en, pt } = apiserver_down_reason(&w);
        assert!(en.contains("--etcd-") && !en.contains("--cert ") && !en.contains("etcdctl"), "{en}");
        assert!(pt.starts_with("O API server") && !pt.contains("etcdctl") && pt != en, "{pt}");
    }

    fn edit(w: &mut World, file: &str, from: &str, to: &str) {
        let path = format!("{MANIFESTS}/{file}");
        let text = String::from_utf8(w.vfs.read(&path).unwrap().to_vec()).unwrap();
        assert!(text.contains(from), "{from} not in {file}");
        w.vfs.write(&path, text.replace(from, to).into_bytes()).unwrap();
    }

    fn pods(w: &World) -> Vec<String> {
        kube::list(&w.etcd.store, kube::resource("pods").unwrap(), Some("kube-system")).iter().map(|p| p.obj["metadata"]["name"].as_str().unwrap().to_string()).collect()
    }

    #[test]
    fn nothing_changes_without_an_edit() {
        let mut w = world();
        let before = w.clone();
        sync(&mut w);
        assert_eq!(w, before);
    }

    #[test]
    fn moving_a_manifest_away_stops_the_pod_and_back_starts_it() {
        let mut w = world();
        let path = format!("{MANIFESTS}/kube-scheduler.yaml");
        let text = w.vfs.read(&path).unwrap().to_vec();
        w.vfs.remove(&path, false).unwrap();
        sync(&mut w);
        assert!(!pods(&w).contains(&"kube-scheduler-docker-01".to_string()));
        w.vfs.write(&path, text).unwrap();
        sync(&mut w);
        assert!(pods(&w).contains(&"kube-scheduler-docker-01".to_string()));
        // etcd's manifest gone: etcd stops, and with it the API server.
        let etcd = format!("{MANIFESTS}/etcd.yaml");
        w.vfs.remove(&etcd, false).unwrap();
        sync(&mut w);
        assert!(!w.etcd.running && !apiserver_up(&w));
    }

    #[test]
    fn data_dir_follows_the_hostpath_volume() {
        let mut w = world();
        let seeded = w.etcd.store.current_revision();
        // The flag alone points inside the container: a fresh, empty etcd.
        edit(&mut w, "etcd.yaml", "--data-dir=/var/lib/etcd\n", "--data-dir=/var/lib/etcd-new\n");
        sync(&mut w);
        assert!(w.etcd.running);
        assert_eq!(w.etcd.data_dir, "container:/var/lib/etcd-new");
        // Only the kubelet's fresh mirror pod is in it: the cluster's objects stayed behind.
        assert_eq!(pods(&w), vec!["etcd-docker-01".to_string()]);
        assert!(kube::list(&w.etcd.store, kube::resource("nodes").unwrap(), None).is_empty());
        // Back to the old flag: the node's /var/lib/etcd is still there.
        edit(&mut w, "etcd.yaml", "--data-dir=/var/lib/etcd-new\n", "--data-dir=/var/lib/etcd\n");
        sync(&mut w);
        assert_eq!(w.etcd.data_dir, "/var/lib/etcd");
        assert!(w.etcd.store.current_revision() >= seeded);
        // Changing the hostPath moves the node directory under the same container path.
        edit(&mut w, "etcd.yaml", "path: /var/lib/etcd\n", "path: /var/lib/etcd-from-backup\n");
        sync(&mut w);
        assert_eq!(w.etcd.data_dir, "/var/lib/etcd-from-backup");
        // etcd made its files there; the old dir keeps its own.
        assert_eq!(w.vfs.get("/var/lib/etcd-from-backup/member/snap/db"), Some(&crate::vfs::Node::Live(crate::vfs::Live::EtcdDb)));
        assert!(w.vfs.exists("/var/lib/etcd/member/wal/0.tmp"));
        // The old dir removed (`rm -rf`): going back to it starts an empty member.
        w.vfs.remove("/var/lib/etcd", true).unwrap();
        edit(&mut w, "etcd.yaml", "path: /var/lib/etcd-from-backup\n", "path: /var/lib/etcd\n");
        sync(&mut w);
        assert_eq!(w.etcd.data_dir, "/var/lib/etcd");
        assert!(kube::list(&w.etcd.store, kube::resource("nodes").unwrap(), None).is_empty());
        assert!(w.vfs.exists("/var/lib/etcd/member/snap/db"));
    }

    #[test]
    fn bad_flags_leave_etcd_down_with_the_reason() {
        let mut w = world();
        edit(&mut w, "etcd.yaml", "--cert-file=/etc/kubernetes/pki/etcd/server.crt", "--cert-file=/etc/kubernetes/pki/etcd/missing.crt");
        sync(&mut w);
        assert!(!w.etcd.running);
        assert!(w.kubelet.etcd_error.as_deref().unwrap().contains("missing.crt"));
        edit(&mut w, "etcd.yaml", "missing.crt", "server.crt");
        edit(&mut w, "etcd.yaml", "https://127.0.0.1:2379,https://172.17.0.2:2379", "https://10.9.9.9:2379");
        sync(&mut w);
        assert!(w.kubelet.etcd_error.as_deref().unwrap().contains("cannot assign requested address"));
    }

    #[test]
    fn old_saves_get_the_runtime_from_the_api_servers_record() {
        // A kubelet saved before containers were simulated: no `runtime` field at all.
        #[derive(Serialize)]
        struct OldKubelet {
            initialized: bool,
            seen: SortedMap<String, String>,
            running: SortedMap<String, String>,
            etcd_error: Option<String>,
        }
        let mut w = world();
        let old = OldKubelet { initialized: true, seen: w.kubelet.seen.clone(), running: w.kubelet.running.clone(), etcd_error: None };
        let mut buf = Vec::new();
        ciborium::into_writer(&old, &mut buf).unwrap();
        w.kubelet = ciborium::from_reader(&buf[..]).unwrap();
        assert!(!w.kubelet.runtime.initialized);
        sync(&mut w);
        let rt = &w.kubelet.runtime;
        assert!(rt.initialized);
        let etcd = rt.containers.iter().find(|c| c.name == "etcd").unwrap();
        assert_eq!(etcd.id, "201d32328343408f755fd53492504482934fa4c97b9e421d9eae03fc242e4888");
        assert!(etcd.finished_ms.is_none());
        // Only this node's pods: docker-02's kube-proxy is not here.
        assert_eq!(rt.containers.iter().filter(|c| c.name == "kube-proxy").count(), 1);
    }

    #[test]
    fn a_crash_loop_backs_off_and_a_restored_file_lets_the_next_try_run() {
        let mut w = world();
        edit(&mut w, "etcd.yaml", "--peer-key-file=/etc/kubernetes/pki/etcd/peer.key", "--peer-key-file=/etc/kubernetes/pki/etcd/peer.pem");
        sync(&mut w);
        let path = format!("{MANIFESTS}/etcd.yaml");
        let attempt = |w: &World| w.kubelet.runtime.current(&path).map(|(_, c)| (c.attempt, c.finished_ms.is_some())).unwrap();
        assert_eq!(attempt(&w), (0, true));
        assert!(matches!(w.kubelet.runtime.current(&path).unwrap().1.etcd.as_ref().unwrap().exit, Some(EtcdExit::MissingFile { ref flag, .. }) if flag == "peer-key-file"));
        // Restarts after 10 s, then 20 s, 40 s, 80 s …
        for (secs, want) in [(9, 0), (11, 1), (29, 1), (31, 2), (71, 3), (151, 4), (311, 5), (611, 6), (911, 7)] {
            w.clock_ms = secs * 1000;
            sync(&mut w);
            assert_eq!(attempt(&w), (want, true), "at {secs}s");
        }
        // The newest dead container is kept next to the current one.
        let sid = w.kubelet.runtime.current(&path).unwrap().0.id.clone();
        let mut kept: Vec<u32> = w.kubelet.runtime.containers.iter().filter(|c| c.sandbox_id == sid).map(|c| c.attempt).collect();
        kept.sort();
        assert_eq!(kept, vec![6, 7]);
        // A day later: many restarts, computed without looping forever.
        w.clock_ms = 86_400_000;
        sync(&mut w);
        assert!(attempt(&w).0 > 250);
        assert!(!w.etcd.running);
        // The file appears: the next scheduled try works, with no manifest edit.
        let key = w.vfs.read("/etc/kubernetes/pki/etcd/peer.key").unwrap().to_vec();
        w.vfs.write("/etc/kubernetes/pki/etcd/peer.pem", key).unwrap();
        w.clock_ms += 301_000;
        sync(&mut w);
        let (a, exited) = attempt(&w);
        assert!(!exited && a > 250);
        assert!(w.etcd.running && w.kubelet.etcd_error.is_none());
    }
}
