//! `snapshot restore`: a new data directory from a snapshot file, as etcd 3.4's etcdctl and
//! 3.5's etcdutl make it — checks on the flags, the SHA-256 check, then `member/snap/db` (the
//! database, its consistent index reset for the new one-member raft log), `member/snap/*.snap`
//! and `member/wal/*.wal`, and the log lines the real tools print on the way.
//!
//! Member and cluster IDs are derived as etcd derives them: a member's ID is the first 8 bytes
//! (big-endian) of the SHA-1 of its sorted peer URLs followed by the cluster token; the
//! cluster ID is the same of the member IDs, sorted, each as 8 big-endian bytes.
//!
//! ```
//! use etcd_playground::snapshot::restore::{member_id, cluster_id};
//! // `etcdctl snapshot restore` with every flag left at its default:
//! let m = member_id(&["http://localhost:2380".to_string()], "etcd-cluster");
//! assert_eq!(format!("{m:x}"), "8e9e05c52164694d");
//! assert_eq!(format!("{:x}", cluster_id(&[m])), "cdf818194e3a8c32");
//! ```

use super::{bolt, verify_trailer, SnapshotError};
use crate::vfs::Vfs;
use crate::sorted_map::SortedMap;

/// Which tool restores: etcdctl 3.4 (JSON logs, refuses an existing data dir) or etcdutl 3.5
/// (console logs, refuses only a non-empty one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    V34,
    V35,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestoreConfig {
    /// The snapshot path as typed (logged as is).
    pub snapshot_path: String,
    pub name: String,
    /// The data dir as typed ("" means `<name>.etcd`).
    pub data_dir: String,
    pub wal_dir: String,
    pub peer_urls: Vec<String>,
    pub initial_cluster: String,
    pub initial_cluster_token: String,
    pub skip_hash_check: bool,
}

impl Default for RestoreConfig {
    fn default() -> Self {
        RestoreConfig {
            snapshot_path: String::new(),
            name: "default".into(),
            data_dir: String::new(),
            wal_dir: String::new(),
            peer_urls: vec!["http://localhost:2380".into()],
            initial_cluster: "default=http://localhost:2380".into(),
            initial_cluster_token: "etcd-cluster".into(),
            skip_hash_check: false,
        }
    }
}

/// A structured log field value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogValue {
    Str(String),
    Strs(Vec<String>),
    U64(u64),
}

/// One zap log line: where it was logged from, the message, the fields in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine {
    pub caller: &'static str,
    pub msg: String,
    pub fields: Vec<(&'static str, LogValue)>,
}

fn sha1_u64(data: &[u8]) -> u64 {
    use sha1::Digest;
    let h = sha1::Sha1::digest(data);
    u64::from_be_bytes(h[..8].try_into().unwrap_or_default())
}

pub fn member_id(peer_urls: &[String], token: &str) -> u64 {
    let mut urls = peer_urls.to_vec();
    crate::sort::sort(&mut urls);
    let mut b = urls.concat().into_bytes();
    b.extend_from_slice(token.as_bytes());
    sha1_u64(&b)
}

pub fn cluster_id(member_ids: &[u64]) -> u64 {
    let mut ids = member_ids.to_vec();
    crate::sort::sort(&mut ids);
    let b: Vec<u8> = ids.iter().flat_map(|i| i.to_be_bytes()).collect();
    sha1_u64(&b)
}

/// etcd's `types.NewURLs`: every URL http(s)/unix(s), `host:port`, no path; sorted.
pub fn parse_urls(list: &[String]) -> Result<Vec<String>, String> {
    if list.is_empty() {
        return Err("no valid URLs given".into());
    }
    let mut out = Vec::new();
    for raw in list {
        let u = raw.trim();
        let Some((scheme, rest)) = u.split_once("://") else {
            return Err(format!("URL scheme must be http, https, unix, or unixs: {u}"));
        };
        if !matches!(scheme, "http" | "https" | "unix" | "unixs") {
            return Err(format!("URL scheme must be http, https, unix, or unixs: {u}"));
        }
        let (host, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, ""),
        };
        let hostport_ok = match host.rsplit_once(':') {
            Some((h, p)) => !p.contains(']') && (!h.contains(':') || (h.starts_with('[') && h.ends_with(']'))),
            None => false,
        };
        if !hostport_ok {
            return Err(format!("URL address does not have the form \"host:port\": {u}"));
        }
        if !path.is_empty() {
            return Err(format!("URL must not contain a path: {u}"));
        }
        out.push(u.to_string());
    }
    crate::sort::sort(&mut out);
    Ok(out)
}

/// etcd's `types.NewURLsMap`: `name=url,name=url,...` → name → sorted URLs.
pub fn parse_urls_map(s: &str) -> Result<SortedMap<String, Vec<String>>, String> {
    let mut raw: SortedMap<String, Vec<String>> = SortedMap::new();
    for part in s.split(',').filter(|p| !p.is_empty()) {
        let (k, v) = part.split_once('=').unwrap_or((part, ""));
        raw.entry(k.to_string()).or_default().push(v.to_string());
    }
    let mut out = SortedMap::new();
    for (k, v) in raw {
        out.insert(k, parse_urls(&v)?);
    }
    Ok(out)
}

fn urls_map_string(m: &SortedMap<String, Vec<String>>) -> String {
    let mut pairs: Vec<String> = m.iter().flat_map(|(k, us)| us.iter().map(move |u| format!("{k}={u}"))).collect();
    crate::sort::sort(&mut pairs);
    pairs.join(",")
}

/// What a host resolves to, for comparing URLs as etcd does after a DNS lookup.
fn resolved(u: &str) -> String {
    u.replacen("://localhost:", "://127.0.0.1:", 1)
}

/// `ServerConfig.VerifyBootstrap` for a restore.
fn verify_bootstrap(name: &str, peer_urls: &[String], ics: &SortedMap<String, Vec<String>>) -> Result<(), String> {
    let Some(urls) = ics.get(name) else {
        return Err(format!("couldn't find local name {name:?} in the initial cluster configuration"));
    };
    let (mut a, mut b) = (peer_urls.to_vec(), urls.clone());
    crate::sort::sort(&mut a);
    crate::sort::sort(&mut b);
    let err = if a.len() != b.len() {
        Some(format!("len({}) != len({})", crate::gofmt::strings_q(&a), crate::gofmt::strings_q(&b)))
    } else if a == b {
        None
    } else {
        let (mut ra, mut rb): (Vec<String>, Vec<String>) = (a.iter().map(|u| resolved(u)).collect(), b.iter().map(|u| resolved(u)).collect());
        crate::sort::sort(&mut ra);
        crate::sort::sort(&mut rb);
        ra.iter().zip(&rb).position(|(x, y)| x != y).map(|i| format!("resolved urls: {:?} != {:?}", a[i], b[i]))
    };
    if let Some(err) = err {
        let missing: Vec<String> = b.iter().filter(|u| !a.contains(u)).map(|u| format!("{name}={u}")).collect();
        if !missing.is_empty() {
            return Err(format!("--initial-cluster has {} but missing from --initial-advertise-peer-urls={} ({err})", missing.join(","), a.join(",")));
        }
        let missing: Vec<String> = a.iter().filter(|u| !b.contains(u)).cloned().collect();
        let umap = urls_map_string(&SortedMap::from([(name.to_string(), a.clone())]));
        if !missing.is_empty() {
            return Err(format!("--initial-advertise-peer-urls has {} but missing from --initial-cluster={umap}", missing.join(",")));
        }
        return Err(format!("failed to resolve {} to match --initial-cluster={umap} ({err})", a.join(",")));
    }
    let mut all: Vec<&String> = ics.values().flatten().collect();
    crate::sort::sort(&mut all);
    if all.windows(2).any(|w| w[0] == w[1]) {
        return Err(format!("initial cluster {} has duplicate url", urls_map_string(ics)));
    }
    Ok(())
}

fn join(a: &str, b: &str) -> String {
    if a.is_empty() {
        b.to_string()
    } else {
        format!("{}/{b}", a.trim_end_matches('/'))
    }
}

/// The result of a restore: the log lines printed (also on failure) and the outcome.
pub struct Outcome {
    pub log: Vec<LogLine>,
    pub result: Result<(), String>,
    /// The member ID and cluster ID of the restored member, when it succeeded.
    pub ids: Option<(u64, u64)>,
}

/// Restores `data` (the snapshot file's bytes, or `None` if it could not be read: `read_err`
/// is then the error text) into the virtual filesystem. Paths in `cfg` are as typed; `cwd`
/// resolves relative ones.
pub fn restore(vfs: &mut Vfs, cwd: &str, cfg: &RestoreConfig, data: Result<&[u8], String>, flavor: Flavor) -> Outcome {
    let mut log = Vec::new();
    let mut ids = None;
    let result = run(vfs, cwd, cfg, data, flavor, &mut log, &mut ids);
    Outcome { log, result, ids }
}

fn run(vfs: &mut Vfs, cwd: &str, cfg: &RestoreConfig, data: Result<&[u8], String>, flavor: Flavor, log: &mut Vec<LogLine>, ids: &mut Option<(u64, u64)>) -> Result<(), String> {
    let purls = parse_urls(&cfg.peer_urls)?;
    let ics = parse_urls_map(&cfg.initial_cluster)?;
    verify_bootstrap(&cfg.name, &purls, &ics)?;
    if ics.is_empty() {
        return Err("initial cluster unset and no discovery URL found".into());
    }
    let data_dir = if cfg.data_dir.is_empty() { format!("{}.etcd", cfg.name) } else { cfg.data_dir.clone() };
    let abs_data = crate::vfs::normalize(cwd, &data_dir);
    match flavor {
        Flavor::V34 if vfs.exists(&abs_data) => return Err(format!("data-dir {data_dir:?} exists")),
        Flavor::V35 if vfs.exists(&abs_data) && vfs.list(&abs_data).map(|l| !l.is_empty()).unwrap_or(true) => {
            return Err(format!("data-dir {data_dir:?} not empty or could not be read"))
        }
        _ => {}
    }
    let wal_dir = if cfg.wal_dir.is_empty() { join(&data_dir, "member/wal") } else { cfg.wal_dir.clone() };
    if !cfg.wal_dir.is_empty() && vfs.exists(&crate::vfs::normalize(cwd, &wal_dir)) {
        return Err(format!("wal-dir {wal_dir:?} exists"));
    }
    let snap_dir = join(&data_dir, "member/snap");
    let (c_restoring, c_restored, c_added) = match flavor {
        Flavor::V34 => ("snapshot/v3_snapshot.go:296", "snapshot/v3_snapshot.go:309", "membership/cluster.go:392"),
        Flavor::V35 => ("snapshot/v3_snapshot.go:265", "snapshot/v3_snapshot.go:293", "membership/cluster.go:421"),
    };
    let mut fields = vec![
        ("path", LogValue::Str(cfg.snapshot_path.clone())),
        ("wal-dir", LogValue::Str(wal_dir.clone())),
        ("data-dir", LogValue::Str(data_dir.clone())),
        ("snap-dir", LogValue::Str(snap_dir.clone())),
    ];
    if flavor == Flavor::V35 {
        fields.push(("initial-memory-map-size", LogValue::U64(10 * 1024 * 1024 * 1024)));
    }
    log.push(LogLine { caller: c_restoring, msg: "restoring snapshot".into(), fields: fields.clone() });

    // saveDB: read the file, copy it into member/snap/db, check the hash.
    let data = data?;
    if data.len() < super::SHA256_LEN {
        return Err(format!("seek {}: invalid argument", cfg.snapshot_path));
    }
    let abs_snap = crate::vfs::normalize(cwd, &snap_dir);
    vfs.mkdir_p(&abs_snap).map_err(|e| format!("mkdir {snap_dir}: {}", e.strerror()))?;
    let db_path = format!("{abs_snap}/db");
    let has_hash = super::has_checksum(data.len());
    let copied = if has_hash { data[..data.len() - super::SHA256_LEN].to_vec() } else { data.to_vec() };
    vfs.write(&db_path, copied).map_err(|e| format!("open {snap_dir}/db: {}", e.strerror()))?;
    let db = verify_trailer(data, cfg.skip_hash_check).map_err(|e| e.to_string())?;

    // The member list of the new cluster, as `NewClusterFromURLsMap` builds it.
    let mut members: Vec<(u64, String, Vec<String>)> = ics.iter().map(|(n, us)| (member_id(us, &cfg.initial_cluster_token), n.clone(), us.clone())).collect();
    crate::sort::sort(&mut members);
    let cid = cluster_id(&members.iter().map(|m| m.0).collect::<Vec<_>>());
    // Rewrite the database for the new raft log: consistent index = number of members
    // (3.4); 3.5 also replaces the members with the new ones and sets the term to 1.
    let rewritten = rewrite_db(db, &members, flavor).map_err(|e| format!("failed to open database: {e}"))?;
    let _ = vfs.write(&db_path, rewritten);
    if flavor == Flavor::V35 {
        log.push(LogLine { caller: "membership/store.go:141", msg: "Trimming membership information from the backend...".into(), fields: vec![] });
    }
    for (id, _, us) in &members {
        log.push(LogLine {
            caller: c_added,
            msg: "added member".into(),
            fields: vec![
                ("cluster-id", LogValue::Str(format!("{cid:x}"))),
                ("local-member-id", LogValue::Str("0".into())),
                ("added-peer-id", LogValue::Str(format!("{id:x}"))),
                ("added-peer-peer-urls", LogValue::Strs(us.clone())),
            ],
        });
    }
    let abs_wal = crate::vfs::normalize(cwd, &wal_dir);
    vfs.mkdir_p(&abs_wal).map_err(|e| format!("mkdir {wal_dir}: {}", e.strerror()))?;
    let n = members.len();
    let me = members.iter().find(|m| m.1 == cfg.name).map(|m| m.0).unwrap_or_default();
    let _ = vfs.write(&format!("{abs_wal}/0000000000000000-0000000000000000.wal"), wal_placeholder(&members, cid, me));
    let _ = vfs.write(&format!("{abs_snap}/{:016x}-{:016x}.snap", 1, n), Vec::new());
    *ids = Some((me, cid));
    log.push(LogLine { caller: c_restored, msg: "restored snapshot".into(), fields });
    Ok(())
}

/// The playground does not write a real raft WAL; the file records what one would hold.
/// Its metadata names the cluster and the local member, as a real WAL's does; a member started
/// on the data dir reads them back ([`read_wal_placeholder`]).
fn wal_placeholder(members: &[(u64, String, Vec<String>)], cid: u64, me: u64) -> Vec<u8> {
    let mut s = format!("playground WAL (not etcd's format): cluster {cid:x} member {me:x}\n");
    for (i, (id, name, us)) in members.iter().enumerate() {
        s.push_str(&format!("entry {} term 1: ConfChangeAddNode {id:x} {name} {}\n", i + 1, us.join(",")));
    }
    s.into_bytes()
}

/// What a restored data dir's WAL says: (cluster ID, local member ID, the members as
/// (ID, name, peer URLs)). `None` for anything else.
pub fn read_wal_placeholder(data: &[u8]) -> Option<(u64, u64, Vec<(u64, String, Vec<String>)>)> {
    let text = std::str::from_utf8(data).ok()?;
    let mut lines = text.lines();
    let head = lines.next()?.strip_prefix("playground WAL (not etcd's format): cluster ")?;
    let (cid, me) = head.split_once(" member ")?;
    let (cid, me) = (u64::from_str_radix(cid, 16).ok()?, u64::from_str_radix(me, 16).ok()?);
    let mut members = Vec::new();
    for l in lines {
        let rest = l.split_once(": ConfChangeAddNode ")?.1;
        let mut w = rest.split(' ');
        let (id, name, urls) = (w.next()?, w.next()?, w.next()?);
        members.push((u64::from_str_radix(id, 16).ok()?, name.to_string(), urls.split(',').map(str::to_string).collect()));
    }
    Some((cid, me, members))
}

fn rewrite_db(db: &[u8], members: &[(u64, String, Vec<String>)], flavor: Flavor) -> Result<Vec<u8>, SnapshotError> {
    let file = bolt::BoltFile::open(db)?;
    let mut buckets = bolt::Buckets::new();
    for b in file.buckets()? {
        buckets.insert(b.name, b.entries.into_iter().map(|e| (e.key, e.value.unwrap_or_default())).collect());
    }
    let meta = buckets.entry(b"meta".to_vec()).or_default();
    let mut set = |k: &[u8], v: Vec<u8>| match meta.iter_mut().find(|(mk, _)| mk == k) {
        Some(e) => e.1 = v,
        None => {
            meta.push((k.to_vec(), v));
            crate::sort::sort(meta);
        }
    };
    set(b"consistent_index", (members.len() as u64).to_be_bytes().to_vec());
    if flavor == Flavor::V35 {
        set(b"term", 1u64.to_be_bytes().to_vec());
        let mut m: Vec<(Vec<u8>, Vec<u8>)> = members.iter().map(|(id, name, us)| (format!("{id:x}").into_bytes(), super::member_json(*id, name, us, &[]).into_bytes())).collect();
        crate::sort::sort(&mut m);
        buckets.insert(b"members".to_vec(), m);
        buckets.insert(b"members_removed".to_vec(), Vec::new());
    }
    Ok(bolt::write(&buckets))
}

/// A log line as etcd 3.4's etcdctl prints it (zap production JSON, epoch seconds).
pub fn format_json(line: &LogLine, unix_ms: u64) -> String {
    let ts = format!("{}.{:03}", unix_ms / 1000, unix_ms % 1000);
    let ts = ts.trim_end_matches('0').trim_end_matches('.');
    let mut s = format!("{{\"level\":\"info\",\"ts\":{ts},\"caller\":\"{}\",\"msg\":{}", line.caller, super::json_str(&line.msg));
    for (k, v) in &line.fields {
        s.push_str(&format!(",\"{k}\":{}", value_json(v, false)));
    }
    s.push('}');
    s
}

/// A log line as etcd 3.5's etcdutl prints it (zap console encoding, RFC 3339 time).
pub fn format_console(line: &LogLine, rfc3339: &str) -> String {
    let mut s = format!("{rfc3339}\tinfo\t{}\t{}", line.caller, line.msg);
    if !line.fields.is_empty() {
        let f: Vec<String> = line.fields.iter().map(|(k, v)| format!("\"{k}\": {}", value_json(v, true))).collect();
        s.push_str(&format!("\t{{{}}}", f.join(", ")));
    }
    s
}

fn value_json(v: &LogValue, spaced: bool) -> String {
    match v {
        LogValue::Str(s) => super::json_str(s),
        LogValue::U64(n) => n.to_string(),
        LogValue::Strs(l) => format!("[{}]", l.iter().map(|s| super::json_str(s)).collect::<Vec<_>>().join(if spaced { ", " } else { "," })),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_match_real_etcd() {
        // From `etcdctl snapshot restore --name m1 --initial-cluster m1=...,m2=...` (3.4.23).
        let m1 = member_id(&["http://10.0.0.1:2380".into()], "etcd-cluster");
        let m2 = member_id(&["http://10.0.0.2:2380".into()], "etcd-cluster");
        assert_eq!(format!("{m1:x} {m2:x}"), "3ebc01aec68d6d70 ee274cacce804b21");
        assert_eq!(format!("{:x}", cluster_id(&[m2, m1])), "8ba396abbfd67d09");
    }

    #[test]
    fn bootstrap_errors_are_etcds() {
        let ics = parse_urls_map("default=http://localhost:2380").unwrap();
        assert_eq!(verify_bootstrap("foo", &["http://localhost:2380".into()], &ics).unwrap_err(), "couldn't find local name \"foo\" in the initial cluster configuration");
        assert_eq!(
            verify_bootstrap("default", &["http://10.0.0.1:2380".into()], &ics).unwrap_err(),
            "--initial-cluster has default=http://localhost:2380 but missing from --initial-advertise-peer-urls=http://10.0.0.1:2380 (resolved urls: \"http://10.0.0.1:2380\" != \"http://localhost:2380\")"
        );
        assert_eq!(parse_urls(&["foo://x:1".into()]).unwrap_err(), "URL scheme must be http, https, unix, or unixs: foo://x:1");
        assert_eq!(parse_urls(&["http://x".into()]).unwrap_err(), "URL address does not have the form \"host:port\": http://x");
        let dup = parse_urls_map("default=http://localhost:2380,default=http://localhost:2380").unwrap();
        assert_eq!(
            verify_bootstrap("default", &["http://localhost:2380".into()], &dup).unwrap_err(),
            "failed to resolve http://localhost:2380 to match --initial-cluster=default=http://localhost:2380 (len([\"http://localhost:2380\"]) != len([\"http://localhost:2380\" \"http://localhost:2380\"]))"
        );
    }
}
