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

/// The `-w` line every etcdutl usage ends with (a persistent flag of the root).
const GLOBAL: &str = "  -w, --write-out string   set the output format (fields, json, protobuf, simple, table) (default \"simple\")\n";

/// cobra's usage texts of etcdutl 3.5, as the real 3.5.1 prints them (`tests/fidelity35.rs`),
/// with what 3.5.16 adds: `snapshot restore --bump-revision/--mark-compacted` (3.5.10,
/// CHANGELOG-3.5) and `--initial-memory-map-size` (the release-3.5 source,
/// etcdutl/etcdutl/snapshot_command.go).
fn usage(path: &str) -> String {
    let flags_global = |own: &str| format!("Flags:\n{own}\nGlobal Flags:\n{GLOBAL}");
    match path {
        "snapshot" => format!(
            "Usage:\n  etcdutl snapshot [command]\n\nAvailable Commands:\n  restore     Restores an etcd member snapshot to an etcd directory\n  status      Gets backend snapshot status of a given file\n\n{}\nUse \"etcdutl snapshot [command] --help\" for more information about a command.\n",
            flags_global("  -h, --help   help for snapshot\n")
        ),
        "snapshot restore" => format!(
            "Usage:\n  etcdutl snapshot restore <filename> --data-dir {{output dir}} [options] [flags]\n\n{}",
            flags_global(concat!(
                "      --bump-revision uint                   How much to increase the latest revision after restore\n",
                "      --data-dir string                      Path to the output data directory\n",
                "  -h, --help                                 help for restore\n",
                "      --initial-advertise-peer-urls string   List of this member's peer URLs to advertise to the rest of the cluster (default \"http://localhost:2380\")\n",
                "      --initial-cluster string               Initial cluster configuration for restore bootstrap (default \"default=http://localhost:2380\")\n",
                "      --initial-cluster-token string         Initial cluster token for the etcd cluster during restore bootstrap (default \"etcd-cluster\")\n",
                "      --initial-memory-map-size uint         Initial memory map size of the database in bytes. It uses the default value if not defined or defined to 0 (default 10737418240)\n",
                "      --mark-compacted                       Mark the latest revision after restore as the point of scheduled compaction (required if --bump-revision > 0, disallowed otherwise)\n",
                "      --name string                          Human-readable name for this member (default \"default\")\n",
                "      --skip-hash-check                      Ignore snapshot integrity hash value (required if copied from data directory)\n",
                "      --wal-dir string                       Path to the WAL directory (use --data-dir if none given)\n",
            ))
        ),
        "snapshot status" => format!("Usage:\n  etcdutl snapshot status <filename> [flags]\n\n{}", flags_global("  -h, --help   help for status\n")),
        "version" => format!("Usage:\n  etcdutl version [flags]\n\n{}", flags_global("  -h, --help   help for version\n")),
        "defrag" => format!(
            "Usage:\n  etcdutl defrag [flags]\n\n{}",
            flags_global("      --data-dir string   Required. Defragments a data directory not in use by etcd.\n  -h, --help              help for defrag\n")
        ),
        _ => format!(
            "Usage:\n  etcdutl [command]\n\nAvailable Commands:\n  backup      [legacy] offline backup of etcd directory\n  defrag      Defragments the storage of the etcd\n  help        Help about any command\n  snapshot    Manages etcd node snapshots\n  version     Prints the version of etcdutl\n\nFlags:\n  -h, --help               help for etcdutl\n{GLOBAL}\nUse \"etcdutl [command] --help\" for more information about a command.\n"
        ),
    }
}

/// A flag error: cobra prints the error, the command's usage, a blank line and the error again.
fn flag_error(p: &mut Proc, path: &str, e: &str) -> i32 {
    p.eprintln(format!("Error: {e}"));
    p.eprint(usage(path));
    p.eprintln(format!("\nError: {e}"));
    1
}

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
    let mut rest = command_first(&rest);
    // `etcdutl help [command]` is `etcdutl [command] --help`.
    if rest.first().is_some_and(|a| a == "help") {
        rest.remove(0);
        rest.push("--help".into());
    }
    let words: Vec<&str> = rest.iter().take_while(|a| !a.starts_with('-')).map(String::as_str).collect();
    let path = match words.as_slice() {
        ["snapshot", sub @ ("restore" | "status" | "save"), ..] => format!("snapshot {sub}"),
        [w, ..] if ["snapshot", "version", "defrag", "backup"].contains(w) => w.to_string(),
        _ => String::new(),
    };
    if rest.iter().any(|a| a == "--help" || a == "-h") && (!path.is_empty() || words.is_empty()) {
        p.print(usage(&path));
        return 0;
    }
    match (rest.first().map(String::as_str), rest.get(1).map(String::as_str)) {
        (Some("snapshot"), Some("status")) => {
            if let Some(f) = rest[2..].iter().find(|a| a.starts_with('-') && a.len() > 1) {
                return flag_error(p, "snapshot status", &format!("unknown flag: {}", f.split('=').next().unwrap_or(f)));
            }
            status_command(world, p, &write_out, &rest[2..])
        }
        (Some("snapshot"), Some("restore")) => {
            // etcdutl marks --data-dir required (etcdctl 3.5 defaults it to <name>.etcd).
            if !rest[2..].iter().any(|a| a == "--data-dir" || a.starts_with("--data-dir=")) {
                return flag_error(p, "snapshot restore", "required flag(s) \"data-dir\" not set");
            }
            match parse_restore_flags(&rest[2..]) {
                Ok((opts, pos)) => restore_command(world, p, &opts, &pos, Flavor::V35),
                Err((e, _)) if e.starts_with("unknown flag") || e.starts_with("unknown shorthand flag") => flag_error(p, "snapshot restore", &e),
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
        (None, _) => {
            p.print(usage(""));
            0
        }
        // A group without (or with an unknown) subcommand: its usage.
        (Some("snapshot"), _) => {
            p.print(usage("snapshot"));
            0
        }
        (Some(other @ ("defrag" | "backup")), _) => {
            p.eprintln(format!("Error: {other}: not available in this playground"));
            p.explain(
                format!("`etcdutl {other}` exists in the real etcdutl, but this playground does not simulate it."),
                format!("`etcdutl {other}` existe no etcdutl real, mas este playground não o simula."),
            );
            1
        }
        (Some(other), _) => {
            // etcdutl's main prints cobra's error once more after cobra's own two lines.
            let e = format!("Error: unknown command {} for \"etcdutl\"", crate::gofmt::quote(other));
            p.eprintln(&e);
            p.eprintln("Run 'etcdutl --help' for usage.");
            p.eprintln(&e);
            1
        }
    }
}
