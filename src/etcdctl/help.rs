//! The real help texts of etcdctl 3.4.23 (`etcdctl <command> --help`), captured from Debian's
//! `/usr/bin/etcdctl` into `help/*.txt` (the part before `GLOBAL OPTIONS:`; the global block is
//! shared). They are both what `--help` prints and where each command's flags are declared
//! (see [`super::flags::specs_from_help`]).

pub const GLOBAL_OPTIONS: &str = include_str!("help/global_options.txt");
/// `etcdctl --help` (and `etcdctl` with no arguments).
pub const ROOT: &str = include_str!("help/root.txt");

/// Every command path etcdctl 3.4 knows, with its help text.
pub const COMMANDS: &[(&str, &str)] = &[
    ("alarm", include_str!("help/alarm.txt")),
    ("alarm disarm", include_str!("help/alarm_disarm.txt")),
    ("alarm list", include_str!("help/alarm_list.txt")),
    ("auth", include_str!("help/auth.txt")),
    ("auth disable", include_str!("help/auth_disable.txt")),
    ("auth enable", include_str!("help/auth_enable.txt")),
    ("check", include_str!("help/check.txt")),
    ("check datascale", include_str!("help/check_datascale.txt")),
    ("check perf", include_str!("help/check_perf.txt")),
    ("compaction", include_str!("help/compaction.txt")),
    ("completion", include_str!("help/completion.txt")),
    ("defrag", include_str!("help/defrag.txt")),
    ("del", include_str!("help/del.txt")),
    ("elect", include_str!("help/elect.txt")),
    ("endpoint", include_str!("help/endpoint.txt")),
    ("endpoint hashkv", include_str!("help/endpoint_hashkv.txt")),
    ("endpoint health", include_str!("help/endpoint_health.txt")),
    ("endpoint status", include_str!("help/endpoint_status.txt")),
    ("get", include_str!("help/get.txt")),
    ("help", include_str!("help/help.txt")),
    ("lease", include_str!("help/lease.txt")),
    ("lease grant", include_str!("help/lease_grant.txt")),
    ("lease keep-alive", include_str!("help/lease_keep-alive.txt")),
    ("lease list", include_str!("help/lease_list.txt")),
    ("lease revoke", include_str!("help/lease_revoke.txt")),
    ("lease timetolive", include_str!("help/lease_timetolive.txt")),
    ("lock", include_str!("help/lock.txt")),
    ("make-mirror", include_str!("help/make-mirror.txt")),
    ("member", include_str!("help/member.txt")),
    ("member add", include_str!("help/member_add.txt")),
    ("member list", include_str!("help/member_list.txt")),
    ("member promote", include_str!("help/member_promote.txt")),
    ("member remove", include_str!("help/member_remove.txt")),
    ("member update", include_str!("help/member_update.txt")),
    ("migrate", include_str!("help/migrate.txt")),
    ("move-leader", include_str!("help/move-leader.txt")),
    ("put", include_str!("help/put.txt")),
    ("role", include_str!("help/role.txt")),
    ("role add", include_str!("help/role_add.txt")),
    ("role delete", include_str!("help/role_delete.txt")),
    ("role get", include_str!("help/role_get.txt")),
    ("role grant-permission", include_str!("help/role_grant-permission.txt")),
    ("role list", include_str!("help/role_list.txt")),
    ("role revoke-permission", include_str!("help/role_revoke-permission.txt")),
    ("snapshot", include_str!("help/snapshot.txt")),
    ("snapshot restore", include_str!("help/snapshot_restore.txt")),
    ("snapshot save", include_str!("help/snapshot_save.txt")),
    ("snapshot status", include_str!("help/snapshot_status.txt")),
    ("txn", include_str!("help/txn.txt")),
    ("user", include_str!("help/user.txt")),
    ("user add", include_str!("help/user_add.txt")),
    ("user delete", include_str!("help/user_delete.txt")),
    ("user get", include_str!("help/user_get.txt")),
    ("user grant-role", include_str!("help/user_grant-role.txt")),
    ("user list", include_str!("help/user_list.txt")),
    ("user passwd", include_str!("help/user_passwd.txt")),
    ("user revoke-role", include_str!("help/user_revoke-role.txt")),
    ("version", include_str!("help/version.txt")),
    ("watch", include_str!("help/watch.txt")),
];

/// etcdctl 3.5's own texts where they differ from 3.4.23's, captured the same way from the real
/// etcdctl 3.5.1 (`tests/fidelity35.rs` compares them): `auth status`, `get --count-only`,
/// `watch --progress-notify`, `make-mirror --dest-user/--dest-password`, the deprecated
/// `snapshot status|restore` (their `Moved to ...` lines are 3.5's own words), and 3.5's typo in
/// `lease keep-alive --once` ("cobrautl.Exits": a rename's search-and-replace).
pub const COMMANDS_3_5: &[(&str, &str)] = &[
    ("auth", include_str!("help/v3_5/auth.txt")),
    ("auth status", include_str!("help/v3_5/auth_status.txt")),
    ("get", include_str!("help/v3_5/get.txt")),
    ("lease keep-alive", include_str!("help/v3_5/lease_keep-alive.txt")),
    ("make-mirror", include_str!("help/v3_5/make-mirror.txt")),
    ("snapshot", include_str!("help/v3_5/snapshot.txt")),
    ("snapshot restore", include_str!("help/v3_5/snapshot_restore.txt")),
    ("snapshot status", include_str!("help/v3_5/snapshot_status.txt")),
    ("watch", include_str!("help/v3_5/watch.txt")),
];

/// etcdctl 3.5 removed `migrate` (v2 store to mvcc).
const REMOVED_IN_3_5: &[&str] = &["migrate"];

/// [`ROOT`] as etcdctl 3.5 prints it: `auth status` added, `migrate` gone, `snapshot status`
/// deprecated.
pub fn root_3_5() -> String {
    ROOT.replace("\tauth enable\t\tEnables authentication\n", "\tauth enable\t\tEnables authentication\n\tauth status\t\tReturns authentication status\n")
        .replace("\tmigrate\t\t\tMigrates keys in a v2 store to a mvcc store\n", "")
        .replace("\tsnapshot status\t\tGets backend", "\tsnapshot status\t\t[deprecated] Gets backend")
}

/// [`local`] for a client version (`v3_5`: etcdctl 3.5).
pub fn local_v(command: &str, v3_5: bool) -> Option<&'static str> {
    if !v3_5 {
        return local(command);
    }
    if REMOVED_IN_3_5.contains(&command) {
        return None;
    }
    COMMANDS_3_5.iter().find(|(c, _)| *c == command).map(|(_, t)| *t).or_else(|| local(command))
}

/// [`full`] for a client version.
pub fn full_v(command: &str, v3_5: bool) -> String {
    if command.is_empty() && v3_5 {
        return root_3_5();
    }
    match local_v(command, v3_5) {
        Some(t) if t.contains("GLOBAL OPTIONS:\n") => t.to_string(),
        Some(t) if !command.is_empty() => format!("{t}GLOBAL OPTIONS:\n{GLOBAL_OPTIONS}"),
        Some(t) => t.to_string(),
        None => String::new(),
    }
}

/// [`children`] for a client version.
pub fn children_v(command: &str, v3_5: bool) -> Vec<&'static str> {
    let mut out = children(command);
    if v3_5 {
        out.retain(|c| !REMOVED_IN_3_5.contains(c));
        if command == "auth" {
            out.push("status");
        }
    }
    out
}

/// The command's own help section (NAME … OPTIONS), `""` meaning the root.
pub fn local(command: &str) -> Option<&'static str> {
    if command.is_empty() {
        return Some(ROOT);
    }
    COMMANDS.iter().find(|(c, _)| *c == command).map(|(_, t)| *t)
}

/// The full text `etcdctl <command> --help` prints.
pub fn full(command: &str) -> String {
    match local(command) {
        // Subcommands of `endpoint` inherit its persistent `--cluster`: their text is whole.
        Some(t) if t.contains("GLOBAL OPTIONS:\n") => t.to_string(),
        Some(t) if !command.is_empty() => format!("{t}GLOBAL OPTIONS:\n{GLOBAL_OPTIONS}"),
        Some(t) => t.to_string(),
        None => String::new(),
    }
}

/// Subcommands of a group (`"lease"` → `grant`, `keep-alive`, ...); the root's are the groups
/// and single commands.
pub fn children(command: &str) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for (c, _) in COMMANDS {
        let rest = if command.is_empty() { Some(*c) } else { c.strip_prefix(command).and_then(|r| r.strip_prefix(' ')) };
        if let Some(r) = rest {
            let first = r.split(' ').next().unwrap_or(r);
            if !first.is_empty() && !out.contains(&first) {
                out.push(first);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_text_is_a_help_page() {
        for (c, t) in super::COMMANDS {
            assert!(t.starts_with("NAME:\n"), "{c}");
            assert!(t.contains("OPTIONS:\n"), "{c}");
        }
        assert_eq!(super::children("lease"), ["grant", "keep-alive", "list", "revoke", "timetolive"]);
        for (c, t) in super::COMMANDS_3_5 {
            assert!(t.starts_with("NAME:\n") && t.contains("OPTIONS:\n"), "{c}");
            assert!(super::local(c).is_some() || *c == "auth status", "{c}: 3.5 adds only `auth status`");
        }
        assert_eq!(super::children_v("auth", true), ["disable", "enable", "status"]);
        assert!(super::children("auth").iter().all(|c| *c != "status"), "3.4 has no `auth status`");
        assert!(!super::root_3_5().contains("migrate") && super::root_3_5().contains("\tauth status\t"));
    }
}
