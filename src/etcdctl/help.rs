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
    }
}
