//! The simulated machines around the engine: the etcd server (member identity, URLs, TLS
//! settings, version) and the scenario that lays out a node's files and cluster.
//!
//! Architecture invariant: the cluster knows the engine, never the shell or the web UI.

pub mod auth;
pub mod etcd_server;
pub mod scenario;

pub use etcd_server::{EtcdServer, EtcdVersion};
