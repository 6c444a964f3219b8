//! `etcdctl auth enable|disable|status`, `user add|delete|get|list|passwd|grant-role|revoke-role`,
//! `role add|delete|get|list|grant-permission|revoke-permission`, and the check every command
//! goes through when authentication is on ([`check`]).
//!
//! ```text
//! $ etcdctl user add root --new-user-password=pw
//! User root created
//! $ etcdctl auth enable
//! Authentication Enabled
//! $ etcdctl get k1
//! Error: etcdserver: user name is empty
//! ```

use super::output::{base64, header, Obj};
use super::{bad_args, connect, grpc_fail, Ctx, Globals};
use crate::cluster::auth::{AuthError, PermType, Permission};
use crate::process::Proc;
use crate::world::World;

/// What a request needs from the auth store.
pub enum Access<'a> {
    /// Read or write `[key, range_end)`.
    Kv { key: &'a [u8], range_end: &'a [u8], write: bool },
    /// Admin operations (auth, user, role, compaction, defrag, alarms): the root role.
    Admin,
}

fn split_user(g: &Globals) -> (Option<String>, Option<String>) {
    match &g.user {
        None => (None, g.password.clone()),
        Some(u) => match (u.split_once(':'), &g.password) {
            (_, Some(pw)) => (Some(u.clone()), Some(pw.clone())),
            (Some((n, pw)), None) => (Some(n.to_string()), Some(pw.to_string())),
            (None, None) => (Some(u.clone()), None),
        },
    }
}

fn auth_fail(world: &World, p: &mut Proc, g: &Globals, e: AuthError) -> i32 {
    grpc_fail(world, p, g, e.grpc_code(), e, None)
}

/// When auth is enabled: authenticates `--user` and checks the request's permission. Prints
/// the real error and returns the exit status when the request is refused.
pub fn check(world: &World, p: &mut Proc, g: &Globals, access: Access) -> Option<i32> {
    let auth = &world.etcd.auth;
    let (user, pw) = split_user(g);
    if !auth.enabled {
        if user.is_some() {
            // The client still asks for a token; the server's refusal is only logged.
            let e = AuthError::AuthNotEnabled;
            // The gRPC target names the endpoint without its scheme.
            let ep = g.endpoints.first().cloned().unwrap_or_default();
            let ep = ep.split_once("://").map_or(ep.as_str(), |x| x.1);
            p.eprintln(super::retry_warning(world, ep, e.grpc_code(), &e.to_string()));
        }
        return None;
    }
    if user.is_some() {
        if let Err(e) = auth.authenticate(user.as_deref(), pw.as_deref()) {
            grpc_fail(world, p, g, e.grpc_code(), e, None);
            return Some(super::EXIT_BAD_CONNECTION);
        }
    }
    let name = match auth.authenticate(user.as_deref(), pw.as_deref()) {
        Ok(Some(n)) => n,
        Ok(None) => return None,
        Err(e) => return Some(auth_fail(world, p, g, e)),
    };
    let ok = match access {
        Access::Admin => auth.is_root(&name),
        Access::Kv { key, range_end, write } => auth.permitted(&name, key, range_end, write),
    };
    if ok {
        None
    } else {
        Some(auth_fail(world, p, g, AuthError::PermissionDenied))
    }
}

/// Prints a role's permissions as `etcdctl role get` does.
fn role_text(name: &str, perms: &[Permission]) -> String {
    let range = |p: &Permission| {
        let k = String::from_utf8_lossy(&p.key).into_owned();
        let e = String::from_utf8_lossy(&p.range_end).into_owned();
        let mut s = if p.range_end.is_empty() {
            format!("\t{k}")
        } else if p.range_end == [0] {
            format!("\t[{k}, <open ended>")
        } else {
            format!("\t[{k}, {e})")
        };
        if !p.key.is_empty() && super::get::prefix_end(&p.key) == p.range_end {
            s.push_str(&format!(" (prefix {k})"));
        }
        s.push('\n');
        s
    };
    let mut o = format!("Role {name}\nKV Read:\n");
    for p in perms.iter().filter(|p| p.perm_type != PermType::Write) {
        o.push_str(&range(p));
    }
    o.push_str("KV Write:\n");
    for p in perms.iter().filter(|p| p.perm_type != PermType::Read) {
        o.push_str(&range(p));
    }
    o
}

fn usage_errors(path: &str, n: usize) -> Option<&'static str> {
    Some(match (path, n) {
        ("auth enable", n) if n > 0 => "auth enable command does not accept any arguments",
        ("auth disable", n) if n > 0 => "auth disable command does not accept any arguments",
        ("auth status", n) if n > 0 => "auth status command does not accept any arguments",
        ("user add", 0) => "user add command requires user name as its argument",
        ("user delete", n) if n != 1 => "user delete command requires user name as its argument",
        ("user get", n) if n != 1 => "user get command requires user name as its argument",
        ("user list", n) if n > 0 => "user list command requires no arguments",
        ("user passwd", n) if n != 1 => "user passwd command requires user name as its argument",
        ("user grant-role", n) if n != 2 => "user grant command requires user name and role name as its argument",
        ("user revoke-role", n) if n != 2 => "user revoke-role requires user name and role name as its argument",
        ("role add", n) if n != 1 => "role add command requires role name as its argument",
        ("role delete", n) if n != 1 => "role delete command requires role name as its argument",
        ("role get", n) if n != 1 => "role get command requires role name as its argument",
        ("role list", n) if n > 0 => "role list command requires no arguments",
        ("role grant-permission", n) if !(3..=4).contains(&n) => "role grant command requires role name, permission type, and key [endkey] as its argument",
        ("role revoke-permission", n) if !(2..=3).contains(&n) => "role revoke-permission command requires role name and key [endkey] as its argument",
        _ => return None,
    })
}

pub fn run(world: &mut World, p: &mut Proc, g: &Globals, ctx: &Ctx) -> i32 {
    let path = ctx.path.as_str();
    let a = &ctx.args;
    let pos = &a.positionals;
    if let Some(m) = usage_errors(path, pos.len()) {
        return bad_args(p, m);
    }
    // The permission range of grant/revoke-permission, from the key and flags.
    let perm_range = |key: &str, end: Option<&String>| -> Vec<u8> {
        if a.bool("prefix") {
            if key.is_empty() {
                vec![0]
            } else {
                super::get::prefix_end(key.as_bytes())
            }
        } else if a.bool("from-key") {
            vec![0]
        } else {
            end.map(|e| e.clone().into_bytes()).unwrap_or_default()
        }
    };
    let mut perm_type = None;
    if path == "role grant-permission" {
        match PermType::parse(&pos[1]) {
            Some(t) => perm_type = Some(t),
            None => return bad_args(p, format!("invalid permission type: {}", pos[1])),
        }
    }
    // Passwords: the flag, or (as the real prompt would read them) a line of stdin.
    let mut new_password = a.str("new-user-password").filter(|s| !s.is_empty());
    if (path == "user add" && !a.bool("no-password") && new_password.is_none()) || path == "user passwd" {
        let name = pos[0].split(':').next().unwrap_or("").to_string();
        if path == "user add" && pos[0].contains(':') {
            new_password = pos[0].split_once(':').map(|x| x.1.to_string());
        } else {
            let line = String::from_utf8_lossy(&p.stdin).lines().next().unwrap_or("").to_string();
            if a.get("interactive") != Some(&super::flags::Value::Bool(false)) {
                p.print(format!("Password of {name}: "));
                if line.is_empty() {
                    p.println("");
                    p.explain(
                        "The real etcdctl asks for the password on the terminal here. In the playground give it with --new-user-password=PASSWORD (user add) or on stdin with --interactive=false.",
                        "O etcdctl real pede a senha no terminal aqui. No playground informe com --new-user-password=SENHA (user add) ou pela entrada padrão com --interactive=false.",
                    );
                    return bad_args(p, "empty password");
                }
                p.println("");
            }
            new_password = Some(line);
        }
    }
    if connect(world, p, g).is_none() {
        return g.failed();
    }
    // `auth disable` and every user/role command need root when auth is on; `auth enable`
    // when it is already on, too.
    let needs_admin = world.etcd.auth.enabled;
    if needs_admin {
        if let Some(code) = check(world, p, g, Access::Admin) {
            return code;
        }
    }
    let rev = world.etcd.store.current_revision();
    let json = g.write_out == "json";
    let pb = g.write_out == "protobuf" && !matches!(path, "auth enable" | "auth disable");
    let hdr = |world: &World| Obj::new().obj("header", header(&world.etcd, rev));
    let pb_hdr = |world: &World| super::printer_protobuf::with_header(&world.etcd, rev);
    let result: Result<String, AuthError> = match path {
        "auth enable" => {
            let mut r = world.etcd.auth.auth_enable();
            if r == Err(AuthError::RootRoleNotExist) {
                // etcdctl grants the root role to root itself and tries again.
                grpc_fail(world, p, g, AuthError::RootRoleNotExist.grpc_code(), AuthError::RootRoleNotExist, None);
                // grpc_fail printed "Error: ..." too; take that line back out.
                drop_last_stderr_line(p);
                // UserGrantRole("root", "root") (the root role needs no RoleAdd): a revision.
                if world.etcd.auth.user_grant_role("root", "root").is_ok() {
                    world.etcd.auth.revision += 1;
                }
                r = world.etcd.auth.auth_enable();
            }
            r.map(|_| "Authentication Enabled\n".to_string())
        }
        "auth status" => {
            // A new auth store commits revision 1 (etcd's NewAuthStore); each change adds one.
            let (enabled, revision) = (world.etcd.auth.enabled, world.etcd.auth.revision + 1);
            if json {
                let mut o = hdr(world);
                if enabled {
                    o = o.raw("enabled", "true");
                }
                o = o.uint("authRevision", revision);
                p.println(o.build());
                return 0;
            }
            Ok(format!("Authentication Status: {enabled}\nAuthRevision: {revision}\n"))
        }
        "auth disable" => {
            world.etcd.auth.auth_disable();
            Ok("Authentication Disabled\n".into())
        }
        "user add" => {
            let name = pos[0].split(':').next().unwrap_or("").to_string();
            let pw = if a.bool("no-password") { None } else { new_password.clone() };
            world.etcd.auth.user_add(&name, pw.as_deref()).map(|_| format!("User {name} created\n"))
        }
        "user delete" => world.etcd.auth.user_delete(&pos[0]).map(|_| format!("User {} deleted\n", pos[0])),
        "user passwd" => world.etcd.auth.user_change_password(&pos[0], new_password.as_deref().unwrap_or("")).map(|_| "Password updated\n".to_string()),
        "user grant-role" => world.etcd.auth.user_grant_role(&pos[0], &pos[1]).map(|_| format!("Role {} is granted to user {}\n", pos[1], pos[0])),
        "user revoke-role" => world.etcd.auth.user_revoke_role(&pos[0], &pos[1]).map(|_| format!("Role {} is revoked from user {}\n", pos[1], pos[0])),
        "user list" => Ok(world.etcd.auth.users.keys().map(|u| format!("{u}\n")).collect()),
        "user get" => match world.etcd.auth.users.get(&pos[0]) {
            None => Err(AuthError::UserNotFound),
            Some(u) => {
                if pb {
                    let m = u.roles.iter().fold(pb_hdr(world), |m, r| m.raw(2, r.as_bytes()));
                    super::printer_protobuf::print(p, m);
                    return 0;
                }
                if json {
                    let roles: Vec<String> = u.roles.iter().map(|r| super::output::json_str(r)).collect();
                    p.println(hdr(world).arr("roles", roles).build());
                    return 0;
                }
                if a.bool("detail") {
                    let mut o = format!("User: {}\n", pos[0]);
                    for r in &u.roles {
                        let perms = world.etcd.auth.roles.get(r).map(|x| x.perms.clone()).unwrap_or_default();
                        o.push('\n');
                        o.push_str(&role_text(r, &perms));
                    }
                    Ok(o)
                } else {
                    Ok(format!("User: {}\nRoles: {}\n", pos[0], u.roles.iter().cloned().collect::<Vec<_>>().join(" ")))
                }
            }
        },
        "role add" => world.etcd.auth.role_add(&pos[0]).map(|_| format!("Role {} created\n", pos[0])),
        "role delete" => world.etcd.auth.role_delete(&pos[0]).map(|_| format!("Role {} deleted\n", pos[0])),
        "role list" => Ok(world.etcd.auth.roles.keys().map(|u| format!("{u}\n")).collect()),
        "role get" => match world.etcd.auth.roles.get(&pos[0]) {
            None => Err(AuthError::RoleNotFound),
            Some(r) => {
                if pb {
                    let m = r.perms.iter().fold(pb_hdr(world), |m, x| {
                        let t = match x.perm_type {
                            PermType::Read => 0,
                            PermType::Write => 1,
                            PermType::ReadWrite => 2,
                        };
                        m.msg(2, super::printer_protobuf::Msg::new().int(1, t).bytes(2, &x.key).bytes(3, &x.range_end))
                    });
                    super::printer_protobuf::print(p, m);
                    return 0;
                }
                if json {
                    let perms: Vec<String> = r
                        .perms
                        .iter()
                        .map(|x| {
                            let t = match x.perm_type {
                                PermType::Read => 0,
                                PermType::Write => 1,
                                PermType::ReadWrite => 2,
                            };
                            let mut o = Obj::new().int("permType", t);
                            if !x.key.is_empty() {
                                o = o.raw("key", format!("\"{}\"", base64(&x.key)));
                            }
                            o.bytes("range_end", &x.range_end).build()
                        })
                        .collect();
                    p.println(hdr(world).arr("perm", perms).build());
                    return 0;
                }
                Ok(role_text(&pos[0], &r.perms))
            }
        },
        "role grant-permission" => {
            let end = perm_range(&pos[2], pos.get(3));
            world.etcd.auth.role_grant_permission(&pos[0], perm_type.unwrap_or(PermType::Read), pos[2].as_bytes(), &end).map(|_| format!("Role {} updated\n", pos[0]))
        }
        "role revoke-permission" => {
            let end = perm_range(&pos[1], pos.get(2));
            let what = if end.is_empty() { format!("Permission of key {} is revoked from role {}\n", pos[1], pos[0]) } else { format!("Permission of range [{}, {}) is revoked from role {}\n", pos[1], String::from_utf8_lossy(&end), pos[0]) };
            world.etcd.auth.role_revoke_permission(&pos[0], pos[1].as_bytes(), &end).map(|_| what)
        }
        other => return super::fail(p, format!("unknown command {other}")),
    };
    if result.is_ok() && !matches!(path, "auth status" | "user list" | "user get" | "role list" | "role get") {
        world.etcd.auth.revision += 1;
    }
    match result {
        Ok(text) => {
            if pb {
                let m = match path {
                    "user list" => world.etcd.auth.users.keys().fold(pb_hdr(world), |m, u| m.raw(2, u.as_bytes())),
                    "role list" => world.etcd.auth.roles.keys().fold(pb_hdr(world), |m, u| m.raw(2, u.as_bytes())),
                    _ => pb_hdr(world),
                };
                super::printer_protobuf::print(p, m);
            } else if json {
                match path {
                    "user list" => p.println(hdr(world).raw("users", format!("[{}]", world.etcd.auth.users.keys().map(|u| super::output::json_str(u)).collect::<Vec<_>>().join(","))).build()),
                    "role list" => p.println(hdr(world).raw("roles", format!("[{}]", world.etcd.auth.roles.keys().map(|u| super::output::json_str(u)).collect::<Vec<_>>().join(","))).build()),
                    _ => p.println(hdr(world).build()),
                }
            } else {
                p.print(text);
            }
            0
        }
        Err(e) => auth_fail(world, p, g, e),
    }
}

fn drop_last_stderr_line(p: &mut Proc) {
    if let Some(crate::process::Chunk::Stderr(s)) = p.out.last_mut() {
        let t = s.trim_end_matches('\n');
        let cut = t.rfind('\n').map(|i| i + 1).unwrap_or(0);
        s.truncate(cut);
        if s.is_empty() {
            p.out.pop();
        }
    }
}
