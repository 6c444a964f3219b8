//! The playground has no network. These modules let the seed's download block work anyway:
//! `curl` knows etcd's release URLs and writes a small simulated tarball into the vfs, `tar`
//! unpacks it, and the unpacked `etcd`, `etcdctl` and `etcdutl` run and report the version
//! that was downloaded.
//!
//! A downloaded binary is a vfs file whose first line is a marker naming the program and its
//! release ([`binary_marker`]); `commands::lookup` runs such a file when its path (or a PATH
//! directory holding it) is typed.

pub mod curl;
pub mod tar;

use crate::cluster::EtcdVersion;
use crate::process::Proc;
use crate::world::World;

/// A published etcd release the simulated network knows.
pub struct Release {
    pub version: &'static str,
    pub git_sha: &'static str,
    pub go_version: &'static str,
    /// Size of `etcd-vX-linux-amd64.tar.gz` as the progress meter reports it.
    pub tgz_size: u64,
}

/// The releases `curl` can fetch: the seed's 3.4.7, Debian's 3.4.23, and the 3.5.16 kubeadm runs.
/// Git SHAs are the tags' commits (`git rev-parse --short`), Go versions from etcd's
/// CHANGELOG and Makefile. Sizes are plausible, not measured (there is no network here).
pub const RELEASES: &[Release] = &[
    Release { version: "3.4.7", git_sha: "e694b7bb0", go_version: "go1.12.17", tgz_size: 17_280_028 },
    Release { version: "3.4.23", git_sha: "c8b783196", go_version: "go1.17.13", tgz_size: 17_741_306 },
    Release { version: "3.5.16", git_sha: "f20bbad", go_version: "go1.22.7", tgz_size: 20_351_839 },
];

pub fn release(version: &str) -> Option<&'static Release> {
    RELEASES.iter().find(|r| r.version == version)
}

impl Release {
    pub fn is_3_5(&self) -> bool {
        self.version.starts_with("3.5.")
    }

    pub fn etcd_version(&self) -> EtcdVersion {
        let api = if self.is_3_5() { "3.5" } else { "3.4" };
        EtcdVersion { version: self.version.into(), api: api.into(), git_sha: self.git_sha.into(), go_version: self.go_version.into() }
    }

    /// The programs the release tarball holds.
    pub fn programs(&self) -> &'static [&'static str] {
        if self.is_3_5() {
            &["etcd", "etcdctl", "etcdutl"]
        } else {
            &["etcd", "etcdctl"]
        }
    }
}

/// First line of a simulated downloaded binary: `program` from release `version`.
pub fn binary_marker(program: &str, version: &str) -> String {
    format!("\u{7f}ELF etcd-playground-binary {program} {version}\n")
}

/// Reads a marker back: (program, release).
pub fn parse_marker(data: &[u8]) -> Option<(String, &'static Release)> {
    let first = data.split(|&b| b == b'\n').next()?;
    let text = std::str::from_utf8(first).ok()?;
    let rest = text.strip_prefix("\u{7f}ELF etcd-playground-binary ")?;
    let (prog, ver) = rest.split_once(' ')?;
    Some((prog.to_string(), release(ver)?))
}

/// Finds the vfs executable that `name` runs: a path (resolved against `cwd`), or a bare name
/// searched in the `PATH` directories. Returns its absolute path.
pub fn find_executable(world: &World, path_var: Option<&str>, cwd: &str, name: &str) -> Option<String> {
    let is_exec = |p: &str| matches!(world.vfs.get(p), Some(crate::vfs::Node::File { executable: true, .. }));
    if name.contains('/') {
        let p = crate::vfs::normalize(cwd, name);
        return is_exec(&p).then_some(p);
    }
    path_var?.split(':').filter(|d| !d.is_empty()).map(|d| crate::vfs::normalize("/", &format!("{d}/{name}"))).find(|p| is_exec(p))
}

/// The downloaded program and release that `argv0` runs, if it is a downloaded binary.
pub fn downloaded(world: &World, p: &Proc) -> Option<(String, &'static Release)> {
    let argv0 = p.args.first()?;
    let path = find_executable(world, p.env.get("PATH").map(String::as_str), &p.cwd, argv0)?;
    parse_marker(world.vfs.read(&path).ok()?)
}

/// The version of the etcd client binary that `argv0` names: a downloaded release when the
/// path is one, otherwise `None` (the node's own etcdctl).
pub fn client_version(world: &World, p: &Proc) -> Option<EtcdVersion> {
    downloaded(world, p).map(|(_, r)| r.etcd_version())
}

/// The first word of an etcdctl command line that is not a global flag or a flag's value
/// (`etcdctl --endpoints x version` → `version`).
fn command_word<'a>(args: &[&'a str]) -> Option<&'a str> {
    const TAKES_VALUE: &[&str] =
        &["--endpoints", "--cacert", "--cert", "--key", "-w", "--write-out", "--dial-timeout", "--command-timeout", "--keepalive-time", "--keepalive-timeout", "--user", "--password", "--discovery-srv", "--discovery-srv-name"];
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if TAKES_VALUE.contains(a) {
            it.next();
        } else if !a.starts_with('-') {
            return Some(a);
        }
    }
    None
}

/// Runs a downloaded binary (its program and release come from the file it was started from).
/// `None`: it is the playground's etcdctl (it speaks 3.4 and 3.5 alike), which the caller runs
/// (`commands`, whose table knows where etcdctl's code is).
pub fn run_binary(world: &mut World, p: &mut Proc) -> Option<i32> {
    let Some((prog, rel)) = downloaded(world, p) else {
        let name = p.args.first().cloned().unwrap_or_default();
        p.eprintln(format!("bash: {name}: cannot execute binary file: Exec format error"));
        return Some(126);
    };
    let args: Vec<&str> = p.args[1..].iter().map(String::as_str).collect();
    Some(match prog.as_str() {
        "etcd" => match args.as_slice() {
            ["--version"] | ["-version"] => {
                p.println(format!("etcd Version: {}", rel.version));
                p.println(format!("Git SHA: {}", rel.git_sha));
                p.println(format!("Go Version: {}", rel.go_version));
                p.println("Go OS/Arch: linux/amd64");
                0
            }
            _ => {
                p.explain(
                    "This downloaded etcd only answers `--version` here: the node's etcd is already running (it is the one the cluster uses), and a second server is not simulated.",
                    "Este etcd baixado só responde a `--version` aqui: o etcd do nó já está rodando (é o que o cluster usa), e um segundo servidor não é simulado.",
                );
                1
            }
        },
        "etcdctl" | "etcdutl" if command_word(&args) == Some("version") => {
            // As the node's etcdctl notes it: a lesson check tells `version` from a `get`.
            world.facts.note("op", "version");
            p.println(format!("{prog} version: {}", rel.version));
            p.println(format!("API version: {}", if rel.is_3_5() { "3.5" } else { "3.4" }));
            0
        }
        // Everything else is the playground's etcdctl (it speaks 3.4 and 3.5 alike).
        "etcdctl" => return None,
        _ => {
            p.explain(
                format!("This downloaded {prog} only answers `version` in the playground."),
                format!("Este {prog} baixado só responde a `version` no playground."),
            );
            1
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_word_skips_global_flags() {
        assert_eq!(command_word(&["version"]), Some("version"));
        assert_eq!(command_word(&["--endpoints", "https://x:2379", "-w", "json", "version"]), Some("version"));
        assert_eq!(command_word(&["--endpoints=https://x:2379", "--insecure-skip-tls-verify", "get", "version"]), Some("get"));
        assert_eq!(command_word(&["--cacert"]), None);
    }

    #[test]
    fn markers_name_a_known_release() {
        let m = binary_marker("etcdctl", "3.4.7");
        let (prog, rel) = parse_marker(m.as_bytes()).unwrap();
        assert_eq!((prog.as_str(), rel.git_sha), ("etcdctl", "e694b7bb0"));
        assert!(parse_marker(binary_marker("etcd", "9.9.9").as_bytes()).is_none());
        assert!(parse_marker(b"#!/bin/sh\n").is_none());
    }
}
