//! Everything simulated that commands act on: the node's filesystem, its etcd, the clock.
//! It is plain serde data, so a whole session saves as one CBOR file.

use crate::cluster::EtcdServer;
use crate::vfs::Vfs;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct World {
    pub scenario: String,
    pub hostname: String,
    pub vfs: Vfs,
    pub etcd: EtcdServer,
    /// Simulated wall clock in milliseconds since the session started; the caller advances it
    /// (the browser in real time, `run` mode and tests by jumps such as `sleep`).
    pub clock_ms: u64,
    /// The node's kubelet (static pods from /etc/kubernetes/manifests), if the scenario has one.
    #[serde(default)]
    pub kubelet: crate::cluster::kubelet::Kubelet,
}

impl World {
    pub fn from_scenario(name: &str) -> Option<(World, String)> {
        let s = crate::cluster::scenario::build(name)?;
        let mut w = World { scenario: name.to_string(), hostname: s.hostname, vfs: s.vfs, etcd: s.etcd, clock_ms: 0, kubelet: s.kubelet };
        if w.kubelet.initialized {
            crate::cluster::kubelet::init_runtime(&mut w);
        }
        Some((w, s.home))
    }
}
