//! Scenarios: the starting state of a session (a node's files, its etcd, its cluster).
//! `kubeadm` is the seed tutorial's cluster; `plain` is one bare etcd like Debian's.

use super::etcd_server::{EtcdServer, EtcdVersion, ServerTls};
use crate::engine::Store;
use crate::vfs::Vfs;

/// Every scenario name a session can start from.
pub const SCENARIOS: &[&str] = &["kubeadm", "plain", "cluster", "kubeadm-expired-cert", "kubeadm-wrong-ca", "kubeadm-san-missing"];

/// What a scenario lays out; the shell wraps it in a session.
pub struct ScenarioState {
    pub hostname: String,
    pub home: String,
    pub vfs: Vfs,
    pub etcd: EtcdServer,
    /// The node's kubelet, already running the scenario's static pods (default: none).
    pub kubelet: super::kubelet::Kubelet,
    /// The other members, for a scenario with several (default: one member).
    pub cluster: Option<super::members::Cluster>,
}

pub fn build(name: &str) -> Option<ScenarioState> {
    match name {
        "plain" => Some(plain()),
        "cluster" => Some(cluster()),
        "kubeadm" => Some(kubeadm("")),
        // Broken on purpose, for lessons: etcd's server certificate expired a day ago; was
        // re-issued by the wrong CA; lacks the node IP in its SANs.
        "kubeadm-expired-cert" => Some(kubeadm("expired")),
        "kubeadm-wrong-ca" => Some(kubeadm("wrong-ca")),
        "kubeadm-san-missing" => Some(kubeadm("san-missing")),
        _ => None,
    }
}

fn base_vfs(home: &str) -> Vfs {
    let mut vfs = Vfs::default();
    // A Debian root: /opt, /mnt and /srv are where exam tasks like to put backups.
    for dir in ["/tmp", "/etc", "/home", "/mnt", "/opt", "/srv", "/usr/bin", "/usr/local/bin", "/var/lib", home] {
        // Fixed paths on an empty filesystem: this cannot fail.
        let _ = vfs.mkdir_p(dir);
    }
    // The running member's data dir: member/snap/db reads as its database, made from the
    // engine when read; `snapshot restore --data-dir /var/lib/etcd` is refused as on a node.
    super::etcd_server::lay_out_data_dir(&mut vfs, "/var/lib/etcd");
    vfs
}

/// One etcd member named `docker-01` without TLS, as `etcd --name docker-01` on a laptop:
/// client URL http://127.0.0.1:2379, peer URL http://127.0.0.1:2380, an empty keyspace.
fn plain() -> ScenarioState {
    let vfs = base_vfs("/root");
    let etcd = EtcdServer {
        name: "docker-01".into(),
        member_id: 0x8e9e05c52164694d,
        cluster_id: 0xcdf818194e3a8c32,
        raft_term: 2,
        data_dir: "/var/lib/etcd".into(),
        listen_client_urls: vec!["http://127.0.0.1:2379".into()],
        advertise_client_urls: vec!["http://127.0.0.1:2379".into()],
        peer_urls: vec!["http://127.0.0.1:2380".into()],
        tls: None,
        version: EtcdVersion::debian_3_4_23(),
        running: true,
        store: Store::new(),
        stores: Default::default(),
        auth: Default::default(),
    };
    ScenarioState { hostname: "docker-01".into(), home: "/root".into(), kubelet: super::kubelet::Kubelet::adopt(&vfs), vfs, etcd, cluster: None }
}

/// Three members on one machine, as etcd's own `Procfile` lays out a local cluster and
/// `goreman start` runs it: infra1 (client http://127.0.0.1:2379, peer :12380), infra2
/// (:22379, :22380), infra3 (:32379, :32380), token `etcd-cluster-1`, each with its data dir
/// `infraN.etcd` where goreman started (here /root); the Procfile is in /root too.
fn cluster() -> ScenarioState {
    let mut vfs = Vfs::default();
    for dir in ["/tmp", "/etc", "/home", "/mnt", "/opt", "/srv", "/usr/bin", "/usr/local/bin", "/var/lib", "/root"] {
        let _ = vfs.mkdir_p(dir);
    }
    let (etcd, cluster) = super::members::procfile_cluster(EtcdVersion::debian_3_4_23());
    for n in 1..=3 {
        super::etcd_server::lay_out_data_dir(&mut vfs, &format!("/root/infra{n}.etcd"));
    }
    vfs.install("/root/Procfile", super::members::PROCFILE);
    ScenarioState { hostname: "docker-01".into(), home: "/root".into(), kubelet: Default::default(), vfs, etcd, cluster: Some(cluster) }
}

/// The seed's kubeadm control-plane node `docker-01`: etcd with TLS on https://127.0.0.1:2379
/// and the node IP, certificates under /etc/kubernetes/pki/etcd/.
fn kubeadm(broken: &str) -> ScenarioState {
    let mut vfs = base_vfs("/root");
    let (ip, created) = (super::kube::CONTROL_PLANE_IP, super::clock::CLUSTER_CREATED);
    let mut pki = super::pki::kubeadm_etcd_pki("docker-01", ip, created);
    if !broken.is_empty() {
        super::pki::broken_server_cert(&mut pki, "docker-01", ip, created, broken);
    }
    for (path, pem) in &pki.files {
        vfs.install(path, pem.clone());
    }
    // /etc/kubernetes/admin.conf and the other kubeconfigs come with the PKI above.
    // crictl's client config, as `crictl config --set runtime-endpoint=…` writes it.
    vfs.install(super::cri::CRICTL_CONFIG, super::cri::CRICTL_CONFIG_FILE);
    for (file, text) in super::kube::STATIC_MANIFESTS {
        vfs.install(&format!("/etc/kubernetes/manifests/{file}"), text);
    }
    let mut store = Store::new();
    super::kube::seed(&mut store);
    let etcd = EtcdServer {
        name: "docker-01".into(),
        member_id: 0x5e0e4f1a3e2b1c07,
        cluster_id: 0x2b1c0f6d5e0a9c11,
        raft_term: 2,
        data_dir: "/var/lib/etcd".into(),
        listen_client_urls: vec!["https://127.0.0.1:2379".into(), "https://172.17.0.2:2379".into()],
        advertise_client_urls: vec!["https://172.17.0.2:2379".into()],
        peer_urls: vec!["https://172.17.0.2:2380".into()],
        tls: Some(ServerTls {
            cert_file: "/etc/kubernetes/pki/etcd/server.crt".into(),
            key_file: "/etc/kubernetes/pki/etcd/server.key".into(),
            trusted_ca_file: "/etc/kubernetes/pki/etcd/ca.crt".into(),
            client_cert_auth: true,
        }),
        version: EtcdVersion::v3_5_16(),
        running: true,
        store,
        stores: Default::default(),
        auth: Default::default(),
    };
    ScenarioState { hostname: "docker-01".into(), home: "/root".into(), kubelet: super::kubelet::Kubelet::adopt(&vfs), vfs, etcd, cluster: None }
}
