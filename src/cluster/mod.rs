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
