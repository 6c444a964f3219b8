//! One simulated etcd member: the engine plus what etcd's server adds around it (member and
//! cluster IDs, raft term and index, listen URLs, TLS configuration, version).

use crate::engine::Store;
use serde::{Deserialize, Serialize};

/// The files etcd keeps in a data dir it runs on: `member/snap/db` (its bbolt database, read
/// from the engine: see `World::read`) and `member/wal` (the WAL's first segment and the next
/// one etcd preallocates, `0.tmp`). A database `snapshot restore` left there becomes the live
/// one (the kubelet has loaded it into the engine before). Nothing for a container-only dir.
pub fn lay_out_data_dir(vfs: &mut crate::vfs::Vfs, dir: &str) {
    use crate::vfs::Live;
    if dir.starts_with("container:") {
        return;
    }
    let member = format!("{}/member", dir.trim_end_matches('/'));
    vfs.install_live(&format!("{member}/snap/db"), Live::EtcdDb);
    for wal in [WAL_FIRST_SEGMENT, "0.tmp"] {
        vfs.install_live(&format!("{member}/wal/{wal}"), Live::EtcdWal);
    }
}

/// Stamps etcd's files in `dir` with the current time (it wrote them up to now).
pub fn stamp_data_dir(vfs: &mut crate::vfs::Vfs, dir: &str) {
    let member = format!("{}/member", dir.trim_end_matches('/'));
    for f in ["snap/db", "wal/0.tmp", &format!("wal/{WAL_FIRST_SEGMENT}")] {
        vfs.touch(&format!("{member}/{f}"));
    }
}

/// The name of a WAL's first segment (sequence 0, raft index 0).
pub const WAL_FIRST_SEGMENT: &str = "0000000000000000-0000000000000000.wal";

/// The etcd release a server (or a client binary) reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EtcdVersion {
    /// e.g. "3.4.23"
    pub version: String,
    /// e.g. "3.4" (the API version etcdctl prints)
    pub api: String,
    pub git_sha: String,
    pub go_version: String,
}

impl EtcdVersion {
    /// Debian bookworm's etcd-server/etcd-client, the oracle of the fidelity tests.
    pub fn debian_3_4_23() -> Self {
        EtcdVersion {
            version: "3.4.23".into(),
            api: "3.4".into(),
            git_sha: "Not provided (use ./build instead of go build)".into(),
            go_version: "go1.19.8".into(),
        }
    }

    /// etcd 3.5.x as kubeadm clusters for the CKA run it.
    pub fn v3_5_16() -> Self {
        EtcdVersion { version: "3.5.16".into(), api: "3.5".into(), git_sha: "f20bbad".into(), go_version: "go1.22.7".into() }
    }

    pub fn is_3_5(&self) -> bool {
        self.api == "3.5"
    }
}

/// Server-side TLS settings, as given by etcd's `--cert-file --key-file --trusted-ca-file
/// --client-cert-auth` flags (paths in the virtual filesystem).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerTls {
    pub cert_file: String,
    pub key_file: String,
    pub trusted_ca_file: String,
    pub client_cert_auth: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EtcdServer {
    pub name: String,
    pub member_id: u64,
    pub cluster_id: u64,
    pub raft_term: u64,
    pub data_dir: String,
    pub listen_client_urls: Vec<String>,
    pub advertise_client_urls: Vec<String>,
    pub peer_urls: Vec<String>,
    pub tls: Option<ServerTls>,
    pub version: EtcdVersion,
    pub running: bool,
    pub store: Store,
    /// The keyspaces of other data directories this node has (a restored snapshot, an older
    /// `--data-dir`), by host path. Switching `--data-dir` parks the current one here.
    #[serde(default)]
    pub stores: crate::sorted_map::SortedMap<String, Store>,
    /// Users, roles and whether authentication is on (`etcdctl auth enable`).
    #[serde(default)]
    pub auth: super::auth::AuthStore,
}

impl EtcdServer {
    /// Points the member at another data directory (the kubelet restarting etcd with a new
    /// `--data-dir` or hostPath): the current keyspace stays on disk under its old path, the
    /// new one is whatever that directory holds — empty if nothing was ever written there.
    /// A directory inside the container (no hostPath under it) is fresh on every start.
    pub fn switch_data_dir(&mut self, dir: &str) {
        if dir == self.data_dir && !dir.starts_with("container:") {
            return;
        }
        let new = self.stores.remove(dir).unwrap_or_default();
        let old = std::mem::replace(&mut self.store, new);
        let old_dir = std::mem::replace(&mut self.data_dir, dir.to_string());
        if !old_dir.starts_with("container:") {
            self.stores.insert(old_dir, old);
        }
    }

    /// The `host:port` and scheme of each client URL this member listens on.
    /// Whether `host:port` is one of its peer URLs served over plain http, where etcd answers
    /// clients too (see `tls::dial_node`).
    pub fn plain_peer_at(&self, host_port: &str) -> bool {
        let host_port = host_port.strip_prefix("localhost:").map_or_else(|| host_port.to_string(), |port| format!("127.0.0.1:{port}"));
        self.peer_urls.iter().any(|u| u.strip_prefix("http://").is_some_and(|hp| hp.trim_end_matches('/') == host_port))
    }

    /// Whether a client that dials `host:port` reaches this member's API (any scheme).
    pub fn serves_clients_at(&self, host_port: &str) -> bool {
        self.listens_on("http", host_port) || self.listens_on("https", host_port) || self.plain_peer_at(host_port)
    }

    pub fn listens_on(&self, scheme: &str, host_port: &str) -> bool {
        // The node's resolver: `localhost` is 127.0.0.1, on both sides (a dial and a bind).
        fn resolve(hp: &str) -> std::borrow::Cow<'_, str> {
            match hp.strip_prefix("localhost:") {
                Some(port) => format!("127.0.0.1:{port}").into(),
                None => hp.into(),
            }
        }
        let host_port = resolve(host_port);
        self.listen_client_urls.iter().any(|u| u.split_once("://").is_some_and(|(s, hp)| {
            let hp = resolve(hp);
            s == scheme && (hp == host_port || (hp.starts_with("0.0.0.0:") && host_port.ends_with(&hp[7..])))
        }))
    }
}

/// What a snapshot of this member's keyspace records about it.
impl crate::snapshot::Member for EtcdServer {
    fn store(&self) -> &Store {
        &self.store
    }
    fn member_id(&self) -> u64 {
        self.member_id
    }
    fn name(&self) -> &str {
        &self.name
    }
    fn peer_urls(&self) -> &[String] {
        &self.peer_urls
    }
    fn client_urls(&self) -> &[String] {
        &self.advertise_client_urls
    }
    fn is_3_5(&self) -> bool {
        self.version.is_3_5()
    }
    fn raft_term(&self) -> u64 {
        self.raft_term
    }
}
