//! etcd-playground: etcd and etcdctl, simulated for learners, in the browser.
//!
//! Layers, bottom to top (each should know only those below it; `tests/layers.rs` enforces
//! them, with the upward edges that remain listed there until issue 18 removes them):
//! `engine` → `cluster` → `vfs`/`world`/`process` → programs (`etcdctl`, ...) via `commands`
//! → `shell` (the `Session`) → `web` (wasm only) and the native CLI (`main.rs`).

pub mod b64;
pub mod cbor;
pub mod cluster;
pub mod cluster_view;
pub mod cobra;
pub mod commands;
pub mod coreutils;
pub mod crictl;
pub mod decimal;
pub mod engine;
pub mod etcdctl;
pub mod etcdmain;
pub mod etcdutl;
pub mod goreman;
pub mod facts;
pub mod gofmt;
pub mod file_view;
pub mod i18n;
pub mod inspect;
pub mod jobs;
pub mod persist;
pub mod lessons;
pub mod markdown;
pub mod netless;
pub mod kubectl;
pub mod kubeadm;
pub mod openssl;
pub mod sed;
pub mod process;
pub mod session_file;
pub mod shell;
pub mod snapshot;
pub mod sort;
pub mod sorted_map;
pub mod term;
pub mod vfs;
pub mod validate;
pub mod world;
pub mod lazy;
pub mod page;

#[cfg(target_arch = "wasm32")]
pub mod web;
