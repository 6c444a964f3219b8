//! `etcdutl` (etcd 3.5): the offline tool for a member's files. Here: `snapshot status`,
//! `snapshot restore` and `version`; the same code as etcdctl 3.4's `snapshot status|restore`
//! (see [`crate::etcdctl::snapshot`]), with 3.5's console logs and data-dir rule.
//!
//! ```text
//! $ etcdutl snapshot status snapshotdb -w table
//! $ etcdutl snapshot restore snapshotdb --data-dir /var/lib/etcd-from-backup
//! ```
//!
//! etcd 3.4 (the `plain` scenario, like Debian's packages) has no etcdutl.

use crate::etcdctl::flags;
use crate::etcdctl::snapshot::{parse_restore_flags, restore_command, status_command, EXIT_BAD_ARGS};
use crate::process::Proc;
use crate::snapshot::restore::Flavor;
use crate::world::World;

const USAGE: &str = "NAME:
\tetcdutl - An administrative command line tool for etcd3.

USAGE:
\tetcdutl [flags]

COMMANDS:
\tdefrag\tDefragments the storage of the etcd
\tsnapshot\tManages etcd node snapshots
\tversion\tPrints the version of etcdutl

OPTIONS:
  -h, --help[=false]\thelp for etcdutl
  -w, --write-out=\"simple\"\tset the output format (fields, json, protobuf, simple, table)
";

/// Cobra finds the command among flags: `etcdutl --data-dir /x snapshot restore db` (the form
/// in the Kubernetes docs) runs `snapshot restore` with `--data-dir /x`. The root knows only
/// `-h/--help` as a bool ([`flags::strip_flags`] then takes any other flag's next word as its
/// value). Returns the command words first, then the rest in their order.
fn command_first(args: &[String]) -> Vec<String> {
    let root = [flags::Spec { long: "help".into(), short: Some('h'), kind: flags::Kind::Bool, default: "false".into() }];
    let words = flags::strip_flags(args, &root);
    // Only `snapshot` has subcommands: after another command, words are its arguments.
    let take = if words.first().is_some_and(|(_, w)| w == "snapshot") { 2 } else { 1 };
    let path: Vec<usize> = words.iter().take(take).map(|(i, _)| *i).collect();
    let mut out: Vec<String> = path.iter().map(|&i| args[i].clone()).collect();
    out.extend(args.iter().enumerate().filter(|(i, _)| !path.contains(i)).map(|(_, a)| a.clone()));
    out
}

pub fn main(world: &mut World, p: &mut Proc) -> i32 {
    if !world.etcd.version.is_3_5() {
        p.eprintln("bash: etcdutl: command not found");
        p.explain(
            "etcdutl ships with etcd 3.5 and later. With etcd 3.4 (this node's version) `etcdctl snapshot status` and `etcdctl snapshot restore` do its work.",
            "O etcdutl vem com o etcd 3.5 em diante. Com o etcd 3.4 (a versão deste nó), `etcdctl snapshot status` e `etcdctl snapshot restore` fazem esse trabalho.",
        );
        return 127;
    }
    let mut write_out = "simple".to_string();
    let mut rest = Vec::new();
    let args = p.args[1..].to_vec();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "-w" | "--write-out" => match it.next() {
                Some(v) => write_out = v.clone(),
                None => {
                    p.eprintln(format!("Error: flag needs an argument: {}", if a == "-w" { "'w' in -w" } else { "--write-out" }));
                    return 1;
                }
            },
            s if s.starts_with("--write-out=") => write_out = s["--write-out=".len()..].to_string(),
            s if s.starts_with("-w=") => write_out = s[3..].to_string(),
            _ => rest.push(a.clone()),
        }
    }
    let rest = command_first(&rest);
    match (rest.first().map(String::as_str), rest.get(1).map(String::as_str)) {
        (Some("snapshot"), Some("status")) => {
            if let Some(f) = rest[2..].iter().find(|a| a.starts_with('-') && a.len() > 1) {
                p.eprintln(format!("Error: unknown flag: {}", f.split('=').next().unwrap_or(f)));
                return 1;
            }
            status_command(world, p, &write_out, &rest[2..])
        }
        (Some("snapshot"), Some("restore")) => {
            // etcdutl marks --data-dir required (etcdctl 3.5 defaults it to <name>.etcd).
            if !rest[2..].iter().any(|a| a == "--data-dir" || a.starts_with("--data-dir=")) {
                p.eprintln("Error: required flag(s) \"data-dir\" not set");
                return 1;
            }
            match parse_restore_flags(&rest[2..]) {
                Ok((opts, pos)) => restore_command(world, p, &opts, &pos, Flavor::V35),
                Err((e, code)) => {
                    p.eprintln(format!("Error: {e}"));
                    code
                }
            }
        }
        (Some("snapshot"), Some("save")) => {
            p.eprintln("Command \"save\" is deprecated, Use `etcdctl snapshot save` to download snapshot");
            p.eprintln("Error: In order to download snapshot use: `etcdctl snapshot save ...`");
            EXIT_BAD_ARGS
        }
        (Some("version"), _) => {
            p.println(format!("etcdutl version: {}\nAPI version: {}", world.etcd.version.version, world.etcd.version.api));
            0
        }
        (None, _) | (Some("snapshot"), None) => {
            p.print(USAGE);
            0
        }
        (Some("snapshot"), Some(other)) | (Some(other), _) => {
            p.eprintln(format!("Error: unknown command \"{other}\" for \"etcdutl\""));
            p.eprintln("Run 'etcdutl --help' for usage.");
            1
        }
    }
}
