//! The simulated machines around the engine: the etcd server (member identity, URLs, TLS
//! settings, version), the Kubernetes objects kept in it, the kubelet that runs the static
//! pods, the node's certificates and the TLS handshake, and the scenarios that lay them out.
//!
//! Architecture invariant: the cluster knows the engine, never the shell or the web UI.

pub mod auth;
pub mod clock;
pub mod controllers;
pub mod cri;
pub mod etcd_server;
pub mod kube;
pub mod kubelet;
pub mod members;
pub mod pki;
pub mod recovery;
pub mod scenario;
pub mod tls;
pub mod yaml;

pub use etcd_server::{EtcdServer, EtcdVersion};

/// The parts of the node the kubelet and a TLS handshake act on: its name, files, etcd,
/// kubelet and clock. Whoever holds them lends them through [`Host`] (`World`, which sits a
/// layer above and so cannot be named here).
pub struct NodeRef<'a> {
    pub hostname: &'a str,
    pub vfs: &'a crate::vfs::Vfs,
    pub etcd: &'a EtcdServer,
    pub kubelet: &'a kubelet::Kubelet,
    pub clock_ms: u64,
}

/// [`NodeRef`], to change: the kubelet starts and stops pods (the clock only moves above).
pub struct NodeMut<'a> {
    pub hostname: &'a str,
    pub vfs: &'a mut crate::vfs::Vfs,
    pub etcd: &'a mut EtcdServer,
    pub kubelet: &'a mut kubelet::Kubelet,
    pub clock_ms: u64,
}

/// What holds a node's parts (`World`).
pub trait Host {
    fn node(&self) -> NodeRef<'_>;
    fn node_mut(&mut self) -> NodeMut<'_>;
}

impl Host for NodeMut<'_> {
    fn node(&self) -> NodeRef<'_> {
        NodeRef { hostname: self.hostname, vfs: self.vfs, etcd: self.etcd, kubelet: self.kubelet, clock_ms: self.clock_ms }
    }
    fn node_mut(&mut self) -> NodeMut<'_> {
        NodeMut { hostname: self.hostname, vfs: self.vfs, etcd: self.etcd, kubelet: self.kubelet, clock_ms: self.clock_ms }
    }
}
