//! What the page's cluster panel shows, computed from the session without browser code: the
//! etcd member, the static pods, nodes and pods (when the API server answers), and the trust
//! diagram — who dials etcd, with which CA, certificate and key (and which flag names them),
//! and whether that handshake works now (with the diagnosis when it does not).

use crate::cluster::{kube, kubelet, tls};
use crate::i18n::Text;
use crate::shell::Session;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub name: String,
    pub running: bool,
    pub version: String,
    pub client_urls: Vec<String>,
    pub data_dir: String,
    /// Why etcd is down, as the kubelet saw it.
    pub error: Option<String>,
}

/// One client of etcd and the TLS material it presents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edge {
    pub client: &'static str,
    pub endpoint: String,
    /// (flag or variable, file) for the CA, the certificate and the key; file None when unset.
    pub material: Vec<(String, Option<String>)>,
    /// Ok, or (the client's error, its cause for the learner).
    pub status: Result<(), (String, Text)>,
    /// "TLS" (mutual TLS, a client certificate) or "HTTP" (plain, no certificate).
    pub proto: &'static str,
    /// Why an edge without a certificate is fine: the kubelet's probe.
    pub note: Option<Text>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterView {
    pub member: Member,
    pub apiserver_up: bool,
    /// Why the API server does not answer.
    pub apiserver_down: Option<Text>,
    /// Static pods from the manifests directory: (manifest path, running pod name or None).
    pub static_pods: Vec<(String, Option<String>)>,
    /// (name, Ready status) — only when the API server answers.
    pub nodes: Vec<(String, String)>,
    /// (namespace, name, phase) — only when the API server answers.
    pub pods: Vec<(String, String, String)>,
    pub edges: Vec<Edge>,
}

fn flag_in(manifest: &str, flag: &str) -> Option<String> {
    let pat = format!("--{flag}=");
    manifest.lines().find_map(|l| {
        let i = l.find(&pat)?;
        Some(l[i + pat.len()..].trim().trim_matches(|c| c == '"' || c == '\'').to_string())
    })
}

fn edge(session: &Session, client: &'static str, endpoint: String, names: [&str; 3], files: [Option<String>; 3]) -> Edge {
    let [cacert, cert, key] = files.clone();
    let cfg = tls::ClientTls { cacert, cert, key };
    let status = tls::dial(&session.world, &endpoint, &cfg).map_err(|f| match client {
        "kube-apiserver" => (f.error, Text::new(kubelet::as_apiserver(&f.cause.en, "the API server"), kubelet::as_apiserver(&f.cause.pt, "o API server"))),
        _ => (f.error, f.cause),
    });
    let material = names.iter().map(|n| n.to_string()).zip(files).collect();
    Edge { client, endpoint, material, status, proto: "TLS", note: None }
}

pub fn view(session: &Session) -> ClusterView {
    let w = &session.world;
    let e = &w.etcd;
    let member = Member {
        name: e.name.clone(),
        running: e.running,
        version: e.version.version.clone(),
        client_urls: e.advertise_client_urls.clone(),
        data_dir: e.data_dir.clone(),
        error: if e.running { None } else { w.kubelet.etcd_error.clone() },
    };
    let has_plane = w.vfs.is_dir(kubelet::MANIFESTS);
    let apiserver_up = has_plane && kubelet::apiserver_up(w);
    let apiserver_down = (has_plane && !apiserver_up).then(|| kubelet::apiserver_down_reason(w));
    let static_pods = w.kubelet.seen.keys().map(|p| (p.clone(), w.kubelet.running.get(p).cloned())).collect();
    let (mut nodes, mut pods) = (Vec::new(), Vec::new());
    if apiserver_up {
        let store = &e.store;
        if let Some(res) = kube::resource("nodes") {
            for s in kube::list(store, res, None) {
                let name = s.obj["metadata"]["name"].as_str().unwrap_or("").to_string();
                let ready = s.obj["status"]["conditions"]
                    .as_array()
                    .and_then(|c| c.iter().find(|c| c["type"] == "Ready"))
                    .and_then(|c| c["status"].as_str())
                    .map(|s| if s == "True" { "Ready" } else { "NotReady" })
                    .unwrap_or("Unknown");
                nodes.push((name, ready.to_string()));
            }
        }
        if let Some(res) = kube::resource("pods") {
            for s in kube::list(store, res, None) {
                let m = &s.obj["metadata"];
                pods.push((
                    m["namespace"].as_str().unwrap_or("").to_string(),
                    m["name"].as_str().unwrap_or("").to_string(),
                    s.obj["status"]["phase"].as_str().unwrap_or("Unknown").to_string(),
                ));
            }
        }
    }
    let mut edges = Vec::new();
    let var = |k: &str| session.vars.get(k).filter(|_| session.exported.iter().any(|x| x == k)).cloned();
    edges.push(edge(
        session,
        "etcdctl",
        var("ETCDCTL_ENDPOINTS").unwrap_or_else(|| "127.0.0.1:2379".into()),
        ["--cacert / ETCDCTL_CACERT", "--cert / ETCDCTL_CERT", "--key / ETCDCTL_KEY"],
        [var("ETCDCTL_CACERT"), var("ETCDCTL_CERT"), var("ETCDCTL_KEY")],
    ));
    let api_manifest = w.kubelet.seen.iter().find(|(p, _)| p.ends_with("kube-apiserver.yaml")).map(|(_, t)| t.clone());
    if let Some(m) = api_manifest {
        let server = flag_in(&m, "etcd-servers").and_then(|s| s.split(',').next().map(str::to_string)).unwrap_or_default();
        edges.push(edge(
            session,
            "kube-apiserver",
            server,
            ["--etcd-cafile", "--etcd-certfile", "--etcd-keyfile"],
            [flag_in(&m, "etcd-cafile"), flag_in(&m, "etcd-certfile"), flag_in(&m, "etcd-keyfile")],
        ));
    }
    let etcd_manifest = w.kubelet.seen.iter().find(|(p, _)| p.ends_with("/etcd.yaml")).map(|(_, t)| t.clone());
    if let Some(e) = etcd_manifest.as_deref().and_then(|m| probe_edge(m, w.etcd.running)) {
        edges.push(e);
    }
    ClusterView { member, apiserver_up, apiserver_down, static_pods, nodes, pods, edges }
}

/// (scheme, host, port) of `http://127.0.0.1:2381`.
fn url_parts(u: &str) -> Option<(String, String, u16)> {
    let (scheme, rest) = u.split_once("://")?;
    let hostport = rest.split('/').next()?;
    let (host, port) = hostport.rsplit_once(':')?;
    Some((scheme.to_ascii_lowercase(), host.trim_matches(|c| c == '[' || c == ']').to_string(), port.parse().ok()?))
}

/// The kubelet's health check of etcd, from the etcd manifest: its liveness (or startup) probe's
/// `httpGet` against the listeners etcd's flags open. The probe is plain HTTP without a client
/// certificate, which works because it targets the metrics listener, not the client port.
fn probe_edge(manifest: &str, etcd_running: bool) -> Option<Edge> {
    let m = crate::cluster::yaml::parse(manifest).ok()?;
    let c = &m["spec"]["containers"][0];
    let flags: Vec<&str> = c["command"].as_array().map(|a| a.iter().filter_map(|v| v.as_str()).collect()).unwrap_or_default();
    let flag = |name: &str| flags.iter().find_map(|f| f.strip_prefix(&format!("--{name}=")[..]).map(str::to_string));
    let mut material = Vec::new();
    let mut probe = None;
    for kind in ["livenessProbe", "startupProbe", "readinessProbe"] {
        let g = &c[kind]["httpGet"];
        if !g.is_object() {
            continue;
        }
        let port = g["port"].as_u64().map(|p| p.to_string()).or_else(|| g["port"].as_str().map(str::to_string)).unwrap_or_default();
        let host = g["host"].as_str().unwrap_or("").to_string();
        let scheme = g["scheme"].as_str().unwrap_or("HTTP").to_ascii_lowercase();
        let url = format!("{scheme}://{host}:{port}{}", g["path"].as_str().unwrap_or("/"));
        material.push((format!("{kind}.httpGet"), Some(url.clone())));
        probe.get_or_insert((kind, url));
    }
    let (kind, url) = probe?;
    let metrics = flag("listen-metrics-urls");
    let clients = flag("listen-client-urls").unwrap_or_default();
    material.push(("--listen-metrics-urls".into(), metrics.clone()));
    let refused = |target: &str| format!("Get \"{url}\": dial tcp {target}: connect: connection refused");
    let Some((scheme, host, port)) = url_parts(&url) else {
        let err = format!("Get \"{url}\": invalid URL");
        return Some(kubelet_edge(material, url, false, Err((err, Text::new("The probe's httpGet has no usable host and port.", "O httpGet da probe não tem host e porta utilizáveis.")))));
    };
    let target = format!("{host}:{port}");
    let listening = |list: &str| list.split(',').filter_map(|u| url_parts(u.trim())).find(|(_, h, p)| *p == port && (h == &host || h == "0.0.0.0"));
    let status = if !etcd_running {
        Err((
            refused(&target),
            Text::new(
                "etcd is not running, so nothing answers the kubelet's health check (see the etcd card above for why).",
                "O etcd não está rodando, então nada responde à verificação de saúde do kubelet (veja o motivo no cartão do etcd acima).",
            ),
        ))
    } else if let Some((lscheme, _, _)) = listening(metrics.as_deref().unwrap_or("")).or_else(|| listening(&clients)) {
        if (lscheme.as_str(), scheme.as_str()) == ("http", "http") {
            Ok(())
        } else {
            let err = match (scheme.as_str(), lscheme.as_str()) {
                ("http", _) => "HTTP probe failed with statuscode: 400".to_string(),
                (_, "https") => format!("Get \"{url}\": remote error: tls: certificate required"),
                _ => format!("Get \"{url}\": http: server gave HTTP response to HTTPS client"),
            };
            Err((
                err,
                Text::new(
                    format!("The probe speaks {scheme} but {target} speaks {lscheme}. Without a client certificate the kubelet can only use etcd's plain-HTTP listener, --listen-metrics-urls."),
                    format!("A probe fala {scheme}, mas {target} fala {lscheme}. Sem certificado de cliente o kubelet só pode usar o listener HTTP puro do etcd, --listen-metrics-urls."),
                ),
            ))
        }
    } else {
        Err((
            refused(&target),
            Text::new(
                format!(
                    "Nothing listens on {target}: etcd's --listen-metrics-urls is {}. The probe and the flag must name the same port. A real kubelet would kill and restart etcd after {} failed {kind}s in a row (the playground does not simulate that restart loop).",
                    metrics.as_deref().unwrap_or("(not set)"),
                    c[kind]["failureThreshold"].as_u64().unwrap_or(3)
                ),
                format!(
                    "Nada escuta em {target}: o --listen-metrics-urls do etcd é {}. A probe e a flag precisam indicar a mesma porta. Um kubelet real mataria e reiniciaria o etcd após {} falhas seguidas da {kind} (o playground não simula esse ciclo de reinícios).",
                    metrics.as_deref().unwrap_or("(não definido)"),
                    c[kind]["failureThreshold"].as_u64().unwrap_or(3)
                ),
            ),
        ))
    };
    let loopback = metrics.as_deref().unwrap_or("").split(',').filter_map(|u| url_parts(u.trim())).all(|(_, h, _)| h == "127.0.0.1" || h == "localhost" || h == "::1");
    Some(kubelet_edge(material, url, loopback, status))
}

fn kubelet_edge(material: Vec<(String, Option<String>)>, endpoint: String, loopback: bool, status: Result<(), (String, Text)>) -> Edge {
    let (en, pt) = if loopback {
        ("It listens on loopback (127.0.0.1), so only this node can reach it.", "Ele escuta no loopback (127.0.0.1), então só este nó o alcança.")
    } else {
        ("Careful: this --listen-metrics-urls is not on loopback, so other machines can reach it too.", "Atenção: este --listen-metrics-urls não está no loopback, então outras máquinas também o alcançam.")
    };
    let note = Text::new(
        format!("The kubelet presents no certificate: its probe is plain HTTP to etcd's metrics listener (--listen-metrics-urls), which serves only health and metrics, never keys. {en} The keys stay behind the client port, which demands a client certificate (--client-cert-auth=true)."),
        format!("O kubelet não apresenta certificado: sua probe é HTTP puro para o listener de métricas do etcd (--listen-metrics-urls), que serve só saúde e métricas, nunca chaves. {pt} As chaves ficam atrás da porta de clientes, que exige certificado de cliente (--client-cert-auth=true)."),
    );
    Edge { client: "kubelet", endpoint, material, status, proto: "HTTP", note: Some(note) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kubeadm_node_is_healthy_and_trust_edges_follow_the_flags() {
        let mut s = Session::new("kubeadm").unwrap();
        let v = view(&s);
        assert!(v.member.running && v.apiserver_up && v.apiserver_down.is_none());
        assert!(v.pods.iter().any(|(ns, n, _)| ns == "kube-system" && n.starts_with("etcd-")), "{:?}", v.pods);
        assert!(!v.nodes.is_empty());
        let api = v.edges.iter().find(|e| e.client == "kube-apiserver").unwrap();
        assert_eq!(api.status, Ok(()));
        assert_eq!(api.material[1], ("--etcd-certfile".into(), Some("/etc/kubernetes/pki/apiserver-etcd-client.crt".into())));
        // etcdctl without certificates fails its handshake; with the server's pair it works.
        let ctl = &v.edges[0];
        assert!(ctl.status.is_err());
        s.execute("export ETCDCTL_CACERT=/etc/kubernetes/pki/etcd/ca.crt ETCDCTL_CERT=/etc/kubernetes/pki/etcd/server.crt ETCDCTL_KEY=/etc/kubernetes/pki/etcd/server.key");
        let v = view(&s);
        assert_eq!(v.edges[0].status, Ok(()));
        assert_eq!(v.edges[0].material[0].1.as_deref(), Some("/etc/kubernetes/pki/etcd/ca.crt"));
        // A wrong CA breaks the edge, with a diagnosis.
        s.execute("export ETCDCTL_CACERT=/etc/kubernetes/pki/ca.crt");
        let (err, Text { en, pt }) = view(&s).edges[0].status.clone().unwrap_err();
        assert!(!err.is_empty() && !en.is_empty() && !pt.is_empty());
        // The API server's broken edge speaks of its own flags, not etcdctl's.
        let path = "/etc/kubernetes/manifests/kube-apiserver.yaml";
        let text = String::from_utf8(s.world.vfs.read(path).unwrap().to_vec()).unwrap();
        s.world.vfs.write(path, text.replace("--etcd-cafile=/etc/kubernetes/pki/etcd/ca.crt", "--etcd-cafile=/etc/kubernetes/pki/ca.crt").into_bytes()).unwrap();
        s.world.catch_up();
        let api = view(&s).edges.into_iter().find(|e| e.client == "kube-apiserver").unwrap();
        let (_, Text { en, pt }) = api.status.unwrap_err();
        assert!(en.contains("--etcd-cafile") && !en.contains("--cacert") && !en.contains("etcdctl"), "{en}");
        assert!(pt.contains("--etcd-cafile") && !pt.contains("etcdctl"), "{pt}");
    }

    #[test]
    fn a_broken_etcd_manifest_takes_etcd_down_and_a_fix_brings_it_back() {
        let mut s = Session::new("kubeadm").unwrap();
        let path = "/etc/kubernetes/manifests/etcd.yaml";
        let good = s.world.vfs.read(path).unwrap().to_vec();
        let bad = String::from_utf8(good.clone()).unwrap().replace("--cert-file=/etc/kubernetes/pki/etcd/server.crt", "--cert-file=/etc/kubernetes/pki/etcd/nope.crt");
        s.world.vfs.write(path, bad.into_bytes()).unwrap();
        s.world.catch_up();
        let v = view(&s);
        assert!(!v.member.running, "etcd must be down");
        assert!(v.member.error.is_some());
        assert!(!v.apiserver_up && v.apiserver_down.is_some());
        s.world.vfs.write(path, good).unwrap();
        s.world.catch_up();
        assert!(view(&s).member.running);
    }

    #[test]
    fn plain_node_has_no_control_plane() {
        let s = Session::new("plain").unwrap();
        let v = view(&s);
        assert!(v.member.running);
        assert!(!v.apiserver_up && v.apiserver_down.is_none() && v.pods.is_empty());
        assert_eq!(v.edges.len(), 1);
        assert_eq!(v.edges[0].status, Ok(()), "plain etcd needs no certificates");
    }

    fn kubelet(s: &Session) -> Edge {
        view(s).edges.into_iter().find(|e| e.client == "kubelet").expect("a kubelet edge")
    }

    fn sed(s: &mut Session, expr: &str) {
        s.execute(&format!("sed -i '{expr}' /etc/kubernetes/manifests/etcd.yaml"));
        s.world.catch_up();
    }

    #[test]
    fn the_kubelet_health_check_follows_the_etcd_manifest() {
        let mut s = Session::new("kubeadm").unwrap();
        let k = kubelet(&s);
        assert_eq!((k.proto, k.endpoint.as_str(), k.status.clone()), ("HTTP", "http://127.0.0.1:2381/livez", Ok(())));
        assert!(k.note.as_ref().unwrap().en.contains("no certificate") && k.note.as_ref().unwrap().en.contains("loopback"));
        assert!(k.material.contains(&("--listen-metrics-urls".into(), Some("http://127.0.0.1:2381".into()))), "{:?}", k.material);
        // Older kubeadm's probe path works too, and shows as written.
        sed(&mut s, "s#path: /livez#path: /health?exclude=NOSPACE\\&serializable=true#");
        let k = kubelet(&s);
        assert_eq!((k.endpoint.as_str(), k.status.clone()), ("http://127.0.0.1:2381/health?exclude=NOSPACE&serializable=true", Ok(())));
        // The probes' port changed, the metrics listener did not: refused, with the cause.
        sed(&mut s, "s/port: 2381/port: 2382/");
        assert!(view(&s).member.running, "etcd itself still runs");
        let (err, Text { en, pt }) = kubelet(&s).status.unwrap_err();
        assert_eq!(err, "Get \"http://127.0.0.1:2382/health?exclude=NOSPACE&serializable=true\": dial tcp 127.0.0.1:2382: connect: connection refused");
        assert!(en.contains("http://127.0.0.1:2381") && pt.contains("http://127.0.0.1:2381"), "{en}");
        // Move the listener to match: healthy again.
        sed(&mut s, "s#--listen-metrics-urls=http://127.0.0.1:2381#--listen-metrics-urls=http://127.0.0.1:2382#");
        assert_eq!(kubelet(&s).status, Ok(()));
        // Probing the TLS client port with plain HTTP gets a 400.
        sed(&mut s, "s/port: 2382/port: 2379/");
        assert_eq!(kubelet(&s).status.unwrap_err().0, "HTTP probe failed with statuscode: 400");
        // etcd down: nothing answers.
        sed(&mut s, "s#--cert-file=/etc/kubernetes/pki/etcd/server.crt#--cert-file=/nope.crt#");
        assert!(!view(&s).member.running);
        assert!(kubelet(&s).status.unwrap_err().0.ends_with("connect: connection refused"));
    }
}

/// One member of a `--scenario cluster` node, as the Cluster panel lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberRow {
    pub name: String,
    /// The member ID as etcdctl prints it (hex).
    pub id: String,
    pub client_url: String,
    /// goreman's name for its process (`etcd1`…), which the panel's buttons type; None for a
    /// member the Procfile does not run.
    pub proc: Option<String>,
    pub running: bool,
    pub leader: bool,
    pub raft_term: u64,
    /// None for a stopped member (it answers no status).
    pub raft_index: Option<u64>,
}

/// One entry of the elections timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ElectionRow {
    pub term: u64,
    /// The new leader's name; None: no leader (the quorum was lost).
    pub leader: Option<String>,
    /// The simulated wall time, `HH:MM:SS` UTC.
    pub at: String,
    pub why: crate::cluster::members::Why,
}

/// The members panel of a node that runs several (None on a single member).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MembersView {
    pub members: Vec<MemberRow>,
    pub running: usize,
    /// Members needed for a quorum (a majority).
    pub needed: usize,
    pub quorum: bool,
    pub term: u64,
    pub elections: Vec<ElectionRow>,
}

/// What the Cluster panel shows about the members of `--scenario cluster` (see
/// `crate::cluster::members`): each member with its ID as etcdctl prints it, its client URL,
/// running or not, the leader, raft term and index; the quorum; the elections.
pub fn members_view(session: &Session) -> Option<MembersView> {
    use crate::cluster::members;
    let w = &session.world;
    let c = w.cluster.as_ref()?;
    let all = members::members(w);
    let index = members::raft_index(w);
    let name_of = |id: u64| all.iter().find(|m| m.member_id == id).map(|m| m.name.clone());
    let rows: Vec<MemberRow> = all
        .iter()
        .map(|m| MemberRow {
            name: m.name.clone(),
            id: format!("{:x}", m.member_id),
            client_url: m.advertise_client_urls.first().cloned().unwrap_or_default(),
            proc: m.name.strip_prefix("infra").map(|n| format!("etcd{n}")).filter(|p| members::member_name_of_proc(p).as_deref() == Some(m.name.as_str())),
            running: m.running,
            leader: m.running && m.member_id == c.leader,
            raft_term: m.raft_term,
            raft_index: m.running.then_some(index),
        })
        .collect();
    let running = rows.iter().filter(|m| m.running).count();
    let needed = rows.len() / 2 + 1;
    let elections = c
        .elections
        .iter()
        .map(|e| {
            let t = crate::cluster::clock::now_unix(e.at_ms).rem_euclid(86_400);
            ElectionRow { term: e.term, leader: if e.leader == 0 { None } else { name_of(e.leader) }, at: format!("{:02}:{:02}:{:02}", t / 3600, t / 60 % 60, t % 60), why: e.why }
        })
        .collect();
    Some(MembersView { members: rows, running, needed, quorum: running >= needed, term: c.term, elections })
}
