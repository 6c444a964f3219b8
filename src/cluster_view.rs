//! What the page's cluster panel shows, computed from the session without browser code: the
//! etcd member, the static pods, nodes and pods (when the API server answers), and the trust
//! diagram — who dials etcd, with which CA, certificate and key (and which flag names them),
//! and whether that handshake works now (with the diagnosis when it does not).

use crate::cluster::{kube, kubelet, tls};
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
    /// Ok, or (error, cause en, cause pt).
    pub status: Result<(), (String, String, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterView {
    pub member: Member,
    pub apiserver_up: bool,
    /// Why the API server does not answer (en, pt).
    pub apiserver_down: Option<(String, String)>,
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
    let status = tls::dial(&session.world, &endpoint, &cfg).map_err(|f| (f.error, f.cause_en, f.cause_pt));
    let material = names.iter().map(|n| n.to_string()).zip(files).collect();
    Edge { client, endpoint, material, status }
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
    ClusterView { member, apiserver_up, apiserver_down, static_pods, nodes, pods, edges }
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
        let (err, en, pt) = view(&s).edges[0].status.clone().unwrap_err();
        assert!(!err.is_empty() && !en.is_empty() && !pt.is_empty());
    }

    #[test]
    fn a_broken_etcd_manifest_takes_etcd_down_and_a_fix_brings_it_back() {
        let mut s = Session::new("kubeadm").unwrap();
        let path = "/etc/kubernetes/manifests/etcd.yaml";
        let good = s.world.vfs.read(path).unwrap().to_vec();
        let bad = String::from_utf8(good.clone()).unwrap().replace("--cert-file=/etc/kubernetes/pki/etcd/server.crt", "--cert-file=/etc/kubernetes/pki/etcd/nope.crt");
        s.world.vfs.write(path, bad.into_bytes()).unwrap();
        crate::cluster::kubelet::sync(&mut s.world);
        let v = view(&s);
        assert!(!v.member.running, "etcd must be down");
        assert!(v.member.error.is_some());
        assert!(!v.apiserver_up && v.apiserver_down.is_some());
        s.world.vfs.write(path, good).unwrap();
        crate::cluster::kubelet::sync(&mut s.world);
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
}
