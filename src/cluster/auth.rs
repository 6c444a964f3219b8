//! The auth store, after etcd's `auth` package: users with passwords and roles, roles with
//! key-range permissions, and the `root` user/role that may do everything.
//!
//! ```
//! use etcd_playground::cluster::auth::{AuthStore, AuthError, PermType};
//! let mut a = AuthStore::default();
//! assert_eq!(a.auth_enable(), Err(AuthError::RootUserNotExist));
//! a.user_add("root", Some("pw")).unwrap();
//! a.role_add("r1").unwrap();
//! a.role_grant_permission("r1", PermType::Read, b"k", b"l").unwrap();
//! a.user_add("alice", Some("a")).unwrap();
//! a.user_grant_role("alice", "r1").unwrap();
//! a.user_grant_role("root", "root").unwrap();
//! a.auth_enable().unwrap();
//! assert_eq!(a.authenticate(Some("alice"), Some("bad")), Err(AuthError::AuthFailed));
//! assert!(a.permitted("alice", b"k1", b"", false));
//! assert!(!a.permitted("alice", b"k1", b"", true));
//! assert!(a.permitted("root", b"anything", b"", true));
//! ```

use serde::{Deserialize, Serialize};
use crate::sorted_map::{SortedMap, SortedSet};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum PermType {
    Read,
    Write,
    ReadWrite,
}

impl PermType {
    pub fn parse(s: &str) -> Option<PermType> {
        match s.to_lowercase().as_str() {
            "read" => Some(PermType::Read),
            "write" => Some(PermType::Write),
            "readwrite" => Some(PermType::ReadWrite),
            _ => None,
        }
    }
}

/// One key range a role may read or write: `[key, range_end)`; an empty `range_end` is the
/// single key, `[0]` every key from `key` on.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Permission {
    pub perm_type: PermType,
    pub key: Vec<u8>,
    pub range_end: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct User {
    pub password: Option<String>,
    pub roles: SortedSet<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Role {
    pub perms: Vec<Permission>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct AuthStore {
    pub enabled: bool,
    pub users: SortedMap<String, User>,
    pub roles: SortedMap<String, Role>,
    /// Changes to users, roles, permissions or the enabled flag so far: etcd's auth revision
    /// (`etcdctl auth status`) is one more (a new store commits revision 1).
    #[serde(default)]
    pub revision: u64,
}

/// etcd's auth errors, displayed as the server sends them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthError {
    RootUserNotExist,
    RootRoleNotExist,
    UserAlreadyExist,
    UserEmpty,
    UserNotFound,
    RoleAlreadyExist,
    RoleNotFound,
    RoleEmpty,
    AuthFailed,
    PermissionDenied,
    PermissionNotGranted,
    RoleNotGranted,
    InvalidAuthMgmt,
    AuthNotEnabled,
}

impl AuthError {
    /// The gRPC status code etcd sends it with.
    pub fn grpc_code(self) -> &'static str {
        use AuthError::*;
        match self {
            UserEmpty | AuthFailed | RoleEmpty => "InvalidArgument",
            PermissionDenied => "PermissionDenied",
            _ => "FailedPrecondition",
        }
    }
}

impl std::fmt::Display for AuthError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use AuthError::*;
        f.write_str(match self {
            RootUserNotExist => "etcdserver: root user does not exist",
            RootRoleNotExist => "etcdserver: root user does not have root role",
            UserAlreadyExist => "etcdserver: user name already exists",
            UserEmpty => "etcdserver: user name is empty",
            UserNotFound => "etcdserver: user name not found",
            RoleAlreadyExist => "etcdserver: role name already exists",
            RoleNotFound => "etcdserver: role name not found",
            RoleEmpty => "etcdserver: role name is empty",
            AuthFailed => "etcdserver: authentication failed, invalid user ID or password",
            PermissionDenied => "etcdserver: permission denied",
            PermissionNotGranted => "etcdserver: permission is not granted to the role",
            RoleNotGranted => "etcdserver: role is not granted to the user",
            InvalidAuthMgmt => "etcdserver: invalid auth management",
            AuthNotEnabled => "etcdserver: authentication is not enabled",
        })
    }
}

fn covers(p: &Permission, key: &[u8], end: &[u8]) -> bool {
    let p_end: &[u8] = &p.range_end;
    if end.is_empty() {
        // A single key.
        if p_end.is_empty() {
            return p.key == key;
        }
        return key >= p.key.as_slice() && (p_end == [0] || key < p_end);
    }
    if p_end.is_empty() {
        return false;
    }
    let end_ok = if p_end == [0] { true } else if end == [0] { false } else { end <= p_end };
    key >= p.key.as_slice() && end_ok
}

impl AuthStore {
    pub fn user_add(&mut self, name: &str, password: Option<&str>) -> Result<(), AuthError> {
        if name.is_empty() {
            return Err(AuthError::UserEmpty);
        }
        if self.users.contains_key(name) {
            return Err(AuthError::UserAlreadyExist);
        }
        self.users.insert(name.to_string(), User { password: password.map(str::to_string), roles: SortedSet::new() });
        Ok(())
    }

    pub fn user_delete(&mut self, name: &str) -> Result<(), AuthError> {
        if self.enabled && name == "root" {
            return Err(AuthError::InvalidAuthMgmt);
        }
        self.users.remove(name).map(|_| ()).ok_or(AuthError::UserNotFound)
    }

    pub fn user_change_password(&mut self, name: &str, password: &str) -> Result<(), AuthError> {
        let u = self.users.get_mut(name).ok_or(AuthError::UserNotFound)?;
        u.password = Some(password.to_string());
        Ok(())
    }

    pub fn user_grant_role(&mut self, user: &str, role: &str) -> Result<(), AuthError> {
        if role != "root" && !self.roles.contains_key(role) {
            return Err(AuthError::RoleNotFound);
        }
        let u = self.users.get_mut(user).ok_or(AuthError::UserNotFound)?;
        u.roles.insert(role.to_string());
        if role == "root" {
            self.roles.entry("root".into()).or_default();
        }
        Ok(())
    }

    pub fn user_revoke_role(&mut self, user: &str, role: &str) -> Result<(), AuthError> {
        if self.enabled && user == "root" && role == "root" {
            return Err(AuthError::InvalidAuthMgmt);
        }
        let u = self.users.get_mut(user).ok_or(AuthError::UserNotFound)?;
        if !u.roles.remove(role) {
            return Err(AuthError::RoleNotGranted);
        }
        Ok(())
    }

    pub fn role_add(&mut self, name: &str) -> Result<(), AuthError> {
        if name.is_empty() {
            return Err(AuthError::RoleEmpty);
        }
        if self.roles.contains_key(name) {
            return Err(AuthError::RoleAlreadyExist);
        }
        self.roles.insert(name.to_string(), Role::default());
        Ok(())
    }

    pub fn role_delete(&mut self, name: &str) -> Result<(), AuthError> {
        if self.enabled && name == "root" {
            return Err(AuthError::InvalidAuthMgmt);
        }
        self.roles.remove(name).ok_or(AuthError::RoleNotFound)?;
        for u in self.users.values_mut() {
            u.roles.remove(name);
        }
        Ok(())
    }

    pub fn role_grant_permission(&mut self, role: &str, t: PermType, key: &[u8], range_end: &[u8]) -> Result<(), AuthError> {
        let r = self.roles.get_mut(role).ok_or(AuthError::RoleNotFound)?;
        // Granting the same range again replaces its type.
        if let Some(p) = r.perms.iter_mut().find(|p| p.key == key && p.range_end == range_end) {
            p.perm_type = t;
        } else {
            r.perms.push(Permission { perm_type: t, key: key.to_vec(), range_end: range_end.to_vec() });
            crate::sort::sort_by(&mut r.perms, |a, b| (&a.key, &a.range_end).cmp(&(&b.key, &b.range_end)));
        }
        Ok(())
    }

    pub fn role_revoke_permission(&mut self, role: &str, key: &[u8], range_end: &[u8]) -> Result<(), AuthError> {
        let r = self.roles.get_mut(role).ok_or(AuthError::RoleNotFound)?;
        let before = r.perms.len();
        r.perms.retain(|p| !(p.key == key && p.range_end == range_end));
        if r.perms.len() == before {
            return Err(AuthError::PermissionNotGranted);
        }
        Ok(())
    }

    /// `AuthEnable`: needs a `root` user that has the `root` role.
    pub fn auth_enable(&mut self) -> Result<(), AuthError> {
        let root = self.users.get("root").ok_or(AuthError::RootUserNotExist)?;
        if !root.roles.contains("root") {
            return Err(AuthError::RootRoleNotExist);
        }
        self.enabled = true;
        Ok(())
    }

    pub fn auth_disable(&mut self) {
        self.enabled = false;
    }

    /// Checks a client's credentials; `Ok(None)` when auth is off.
    pub fn authenticate(&self, user: Option<&str>, password: Option<&str>) -> Result<Option<String>, AuthError> {
        if !self.enabled {
            return Ok(None);
        }
        let Some(name) = user.filter(|u| !u.is_empty()) else { return Err(AuthError::UserEmpty) };
        match self.users.get(name) {
            Some(u) if u.password.is_some() && u.password.as_deref() == password => Ok(Some(name.to_string())),
            _ => Err(AuthError::AuthFailed),
        }
    }

    pub fn is_root(&self, user: &str) -> bool {
        self.users.get(user).is_some_and(|u| u.roles.contains("root"))
    }

    /// May `user` read (or write) `[key, range_end)`? Root may do everything.
    pub fn permitted(&self, user: &str, key: &[u8], range_end: &[u8], write: bool) -> bool {
        let Some(u) = self.users.get(user) else { return false };
        if u.roles.contains("root") {
            return true;
        }
        u.roles.iter().filter_map(|r| self.roles.get(r)).flat_map(|r| r.perms.iter()).any(|p| {
            let kind_ok = match p.perm_type {
                PermType::ReadWrite => true,
                PermType::Read => !write,
                PermType::Write => write,
            };
            kind_ok && covers(p, key, range_end)
        })
    }
}
