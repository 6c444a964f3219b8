//! Checks: what must be true of the session's state after a step, and how to tell.
//!
//! Every check reads state (etcd's keyspace, the vfs, shell variables, the last command's
//! output and exit status); none reads the line the learner typed.

use crate::engine::types::prefix_end;
use super::Text;
use crate::engine::RangeRequest;
use crate::shell::{Executed, Session};
use crate::world::World;
use serde::{Deserialize, Serialize};

/// One condition on the session's state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum CheckKind {
    /// The key exists in etcd (and holds `value`, when given).
    Key { key: String, value: Option<String> },
    /// The key exists and is attached to a lease.
    KeyLeased { key: String },
    /// The key does not exist in etcd (never put, or deleted).
    KeyAbsent { key: String },
    /// The key has no history in etcd: never put since the last compaction (a put then a
    /// delete leaves a tombstone). A restored member holds only the snapshot's history, so an
    /// object made after the backup has none; a copy of the live data dir with it deleted does.
    KeyNeverWritten { key: String },
    /// The key exists and is the one the snapshot file holds: created at the same revision
    /// (later updates keep it). An object made again by hand after an empty restore is not.
    KeyFromSnapshot { key: String, snapshot: String },
    /// At least `count` keys start with `prefix`.
    KeysWithPrefix { prefix: String, count: i64 },
    /// etcd's current revision is at least this.
    RevisionAtLeast { revision: i64 },
    /// etcd is running (with this data dir, when given).
    EtcdRunning { data_dir: Option<String> },
    /// A file (or directory) exists at this absolute path.
    FileExists { path: String },
    /// A file at this absolute path contains the text.
    FileContains { path: String, text: String },
    /// A shell variable is set (to `value`, when given); `exported` also requires `export`.
    EnvVar { name: String, value: Option<String>, exported: bool },
    /// The last command's output (stdout and stderr as the terminal shows them) matches.
    OutputMatches { regex: String },
    /// The last command's exit status.
    ExitStatus { status: i32 },
    /// A snapshot file etcd would accept (`snapshot status` reads it), with this revision and
    /// total key count when given.
    Snapshot { path: String, revision: Option<i64>, total_keys: Option<i64> },
    /// `data_dir` holds a member `snapshot restore` made from the snapshot at `snapshot`: its
    /// WAL names the local member (`name`, when given) and the new cluster, and its
    /// `member/snap/db` holds the snapshot's keys and values. With `same_cluster_as` (another
    /// data dir), both name the same cluster and members: one `--initial-cluster` and token.
    /// A `mkdir`, a `touch` of the `.snap` file or a `cp` of another member's dir fails.
    RestoredMember { data_dir: String, snapshot: String, name: Option<String>, same_cluster_as: Option<String> },
    /// A pod exists (as the API server reads it from etcd: a decodable object at its key).
    Pod { namespace: String, name: String },
    /// No such pod.
    PodAbsent { namespace: String, name: String },
    /// This command, run now on a copy of the learner's state (their shell variables, files,
    /// etcd and node), exits 0 — and its output matches `regex`, when given. The copy is
    /// thrown away: the check changes nothing. E.g. `etcdctl endpoint health` with the
    /// learner's `ETCDCTL_*` settings, or `kubectl get nodes` once the API server is fixed.
    CommandSucceeds { command: String, regex: Option<String> },
    /// A program really ran in the last command line and did this (see [`crate::facts`]):
    /// `program` (`etcdctl`, `etcdutl`, `kubectl`, ...; `etcdctl|etcdutl` for either) exited with `status`, inside a pod
    /// when `in_pod` is Some(true) (on the node when Some(false)), and noted each of `notes`
    /// (`op = "get"`, `key = "color"`, `value = "red"`; a value `>=N` compares numbers,
    /// `!V` means "not V"). A `snapshot status` record counts only while the file at its
    /// `path` still has the hash, revision and key count the command computed. Printing the
    /// same text with `echo` leaves no record. `output`, when given, is a regex the program's
    /// own output must match: the same record, so `etcdctl get` of a value holding the text
    /// does not stand in for `etcdctl lease grant`.
    Ran {
        program: String,
        status: i32,
        in_pod: Option<bool>,
        notes: Vec<(String, String)>,
        #[serde(default)]
        output: Option<String>,
    },
    /// Exactly `count` etcd members run (`--scenario cluster`: of three; a single node: 0 or 1).
    MembersRunning { count: i64 },
    /// A member leads (the one named `name`, when given).
    Leader { name: Option<String> },
    /// No member leads (a cluster without a quorum, or a single node).
    NoLeader,
    /// The key's value names the current leader: its member name or its ID as etcdctl prints it.
    KeyNamesLeader { key: String },
}

/// A check with the label shown beside it in the lesson panel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Check {
    pub kind: CheckKind,
    pub label: Text,
    /// Line where the check starts in its file.
    pub line: usize,
}

/// The outcome of one check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckResult {
    pub label: Text,
    pub passed: bool,
}

/// What the last command printed and returned (`Executed` is not serde, this is).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct LastRun {
    pub output: String,
    pub exit: i32,
}

impl From<&Executed> for LastRun {
    fn from(e: &Executed) -> LastRun {
        LastRun { output: e.text(), exit: e.exit }
    }
}

impl CheckKind {
    /// The label used when the lesson gives none.
    pub fn default_label(&self) -> Text {
        match self {
            CheckKind::Key { key, value: Some(v) } => Text::new(format!("key `{key}` holds `{v}`"), format!("a chave `{key}` contém `{v}`")),
            CheckKind::Key { key, value: None } => Text::new(format!("key `{key}` exists"), format!("a chave `{key}` existe")),
            CheckKind::KeyLeased { key } => Text::new(format!("key `{key}` is attached to a lease"), format!("a chave `{key}` está ligada a um lease")),
            CheckKind::KeyAbsent { key } => Text::new(format!("key `{key}` does not exist"), format!("a chave `{key}` não existe")),
            CheckKind::KeyNeverWritten { key } => Text::new(format!("key `{key}` was never written (no history)"), format!("a chave `{key}` nunca foi gravada (sem histórico)")),
            CheckKind::KeyFromSnapshot { key, snapshot } => Text::new(format!("key `{key}` is the one `{snapshot}` holds"), format!("a chave `{key}` é a que está em `{snapshot}`")),
            CheckKind::KeysWithPrefix { prefix, count } => Text::new(
                format!("at least {count} keys start with `{prefix}`"),
                format!("pelo menos {count} chaves começam com `{prefix}`"),
            ),
            CheckKind::RevisionAtLeast { revision } => Text::new(format!("etcd's revision is at least {revision}"), format!("a revisão do etcd é pelo menos {revision}")),
            CheckKind::EtcdRunning { data_dir: Some(d) } => Text::new(format!("etcd runs with data dir `{d}`"), format!("o etcd roda com o diretório de dados `{d}`")),
            CheckKind::EtcdRunning { data_dir: None } => Text::new("etcd is running", "o etcd está rodando"),
            CheckKind::FileExists { path } => Text::new(format!("`{path}` exists"), format!("`{path}` existe")),
            CheckKind::FileContains { path, text } => Text::new(format!("`{path}` contains `{text}`"), format!("`{path}` contém `{text}`")),
            CheckKind::EnvVar { name, value: Some(v), .. } => Text::new(format!("variable `{name}` is `{v}`"), format!("a variável `{name}` vale `{v}`")),
            CheckKind::EnvVar { name, value: None, .. } => Text::new(format!("variable `{name}` is set"), format!("a variável `{name}` está definida")),
            CheckKind::CommandSucceeds { command, .. } => Text::new(format!("`{command}` works in this shell"), format!("`{command}` funciona neste shell")),
            CheckKind::OutputMatches { regex } => Text::new(format!("the last command's output matches `{regex}`"), format!("a saída do último comando corresponde a `{regex}`")),
            CheckKind::Ran { program, notes, in_pod, .. } => {
                let what: Vec<String> = notes.iter().map(|(k, v)| format!("{k} {v}")).collect();
                let (pe, pp) = match in_pod {
                    Some(true) => (" inside a pod", " dentro de um pod"),
                    Some(false) => (" on the node", " no nó"),
                    None => ("", ""),
                };
                Text::new(format!("`{program}` ran{pe} and succeeded ({})", what.join(", ")), format!("o `{program}` rodou{pp} e deu certo ({})", what.join(", ")))
            }
            CheckKind::ExitStatus { status: 0 } => Text::new("the last command succeeded (exit status 0)", "o último comando deu certo (status de saída 0)"),
            CheckKind::ExitStatus { status } => Text::new(format!("the last command exited with status {status}"), format!("o último comando terminou com status {status}")),
            CheckKind::Snapshot { path, revision, total_keys } => {
                let mut en = format!("`{path}` is a valid etcd snapshot");
                let mut pt = format!("`{path}` é um snapshot válido do etcd");
                if let Some(r) = revision {
                    en.push_str(&format!(" at revision {r}"));
                    pt.push_str(&format!(" na revisão {r}"));
                }
                if let Some(k) = total_keys {
                    en.push_str(&format!(" with {k} keys in total"));
                    pt.push_str(&format!(" com {k} chaves no total"));
                }
                Text::new(en, pt)
            }
            CheckKind::RestoredMember { data_dir, snapshot, name, .. } => {
                let (ne, np) = name.as_ref().map_or((String::new(), String::new()), |n| (format!(" as member `{n}`"), format!(" como o membro `{n}`")));
                Text::new(format!("`{data_dir}` holds a member restored from `{snapshot}`{ne}"), format!("`{data_dir}` contém um membro restaurado de `{snapshot}`{np}"))
            }
            CheckKind::Pod { namespace, name } => Text::new(format!("pod `{name}` exists in namespace `{namespace}`"), format!("o pod `{name}` existe no namespace `{namespace}`")),
            CheckKind::PodAbsent { namespace, name } => Text::new(format!("pod `{name}` does not exist in namespace `{namespace}`"), format!("o pod `{name}` não existe no namespace `{namespace}`")),
            CheckKind::MembersRunning { count: 1 } => Text::new("exactly 1 etcd member runs", "exatamente 1 membro do etcd roda"),
            CheckKind::MembersRunning { count } => Text::new(format!("exactly {count} etcd members run"), format!("exatamente {count} membros do etcd rodam")),
            CheckKind::Leader { name: Some(n) } => Text::new(format!("`{n}` is the leader"), format!("`{n}` é o líder")),
            CheckKind::Leader { name: None } => Text::new("the cluster has a leader", "o cluster tem um líder"),
            CheckKind::NoLeader => Text::new("no member leads", "nenhum membro lidera"),
            CheckKind::KeyNamesLeader { key } => Text::new(format!("key `{key}` names the leader"), format!("a chave `{key}` diz quem é o líder")),
        }
    }

    /// Whether the state satisfies this check: `world` is the session's world as the node's
    /// kubelet has settled it (see [`evaluate`]), `s` gives the shell's variables.
    pub fn holds(&self, world: &World, s: &Session, last: &LastRun) -> bool {
        let store = &world.etcd.store;
        match self {
            CheckKind::Key { key, value } => {
                let req = RangeRequest { key: key.as_bytes().to_vec(), ..Default::default() };
                match store.range(&req) {
                    Ok(r) => r.kvs.first().is_some_and(|kv| value.as_ref().is_none_or(|v| kv.value == v.as_bytes())),
                    Err(_) => false,
                }
            }
            CheckKind::KeyLeased { key } => {
                let req = RangeRequest { key: key.as_bytes().to_vec(), ..Default::default() };
                store.range(&req).is_ok_and(|r| r.kvs.first().is_some_and(|kv| kv.lease != 0))
            }
            CheckKind::KeyAbsent { key } => {
                let req = RangeRequest { key: key.as_bytes().to_vec(), ..Default::default() };
                store.range(&req).is_ok_and(|r| r.kvs.is_empty())
            }
            CheckKind::KeyNeverWritten { key } => !store.index.contains_key(key.as_bytes()),
            CheckKind::KeyFromSnapshot { key, snapshot } => {
                let req = RangeRequest { key: key.as_bytes().to_vec(), ..Default::default() };
                let now = store.range(&req).ok().and_then(|r| r.kvs.first().map(|kv| kv.create_revision));
                let data = world.read(snapshot).ok();
                let then = data.as_deref().and_then(|d| crate::snapshot::verify_trailer(d, false).ok()).and_then(|d| crate::snapshot::load(d).ok()).and_then(|l| l.store.range(&req).ok()).and_then(|r| r.kvs.first().map(|kv| kv.create_revision));
                now.is_some() && now == then
            }
            CheckKind::KeysWithPrefix { prefix, count } => {
                let req = RangeRequest { key: prefix.as_bytes().to_vec(), range_end: prefix_end(prefix.as_bytes()), count_only: true, ..Default::default() };
                store.range(&req).is_ok_and(|r| r.count >= *count)
            }
            CheckKind::RevisionAtLeast { revision } => store.current_revision() >= *revision,
            CheckKind::EtcdRunning { data_dir } => world.etcd.running && data_dir.as_ref().is_none_or(|d| &world.etcd.data_dir == d),
            CheckKind::FileExists { path } => world.vfs.exists(path),
            CheckKind::FileContains { path, text } => world.read(path).is_ok_and(|d| String::from_utf8_lossy(&d).contains(text.as_str())),
            CheckKind::EnvVar { name, value, exported } => {
                s.vars.get(name).is_some_and(|v| value.as_ref().is_none_or(|want| v == want)) && (!exported || s.exported.contains(name))
            }
            // The text must come from one program that really ran in the last command line
            // (etcdctl, kubectl, ...), not from `echo`/`printf`/`cat`: see `crate::facts`.
            CheckKind::OutputMatches { regex } => {
                let _ = last;
                regex_lite::Regex::new(regex).is_ok_and(|re| world.facts.last_command().any(|r| re.is_match(&r.output)))
            }
            CheckKind::Ran { program, status, in_pod, notes, output } => world.facts.last_command().any(|r| {
                program.split('|').any(|p| r.program == p)
                    && output.as_ref().is_none_or(|re| regex_lite::Regex::new(re).is_ok_and(|re| re.is_match(&r.output)))
                    && r.exit == Some(*status)
                    && in_pod.is_none_or(|want| r.pod.is_some() == want)
                    && notes.iter().all(|(k, v)| note_matches(r.note(k), v))
                    && (r.note("op") != Some("snapshot status") || status_still_true(world, r))
            }),
            CheckKind::ExitStatus { status } => last.exit == *status,
            // A file `snapshot save` wrote: bolt pages etcd reads, and the sha256 trailer
            // `snapshot restore` checks (a `cp` of a member's db has none).
            CheckKind::Snapshot { path, revision, total_keys } => match world.read(path).ok().filter(|d| crate::snapshot::verify_trailer(d, false).is_ok()).map(|d| crate::snapshot::status(&d)) {
                Some(Ok(st)) => revision.is_none_or(|r| st.revision == r) && total_keys.is_none_or(|k| st.total_key == k as u64),
                _ => false,
            },
            CheckKind::RestoredMember { data_dir, snapshot, name, same_cluster_as } => restored_member(world, data_dir, snapshot, name.as_deref(), same_cluster_as.as_deref()),
            CheckKind::Pod { namespace, name } => pod_exists(world, namespace, name),
            CheckKind::PodAbsent { namespace, name } => !pod_exists(world, namespace, name),
            CheckKind::CommandSucceeds { command, regex } => {
                let mut probe = s.clone();
                probe.world = world.clone();
                let r = probe.execute(command);
                r.exit == 0 && !r.needs_more && regex.as_ref().is_none_or(|re| regex_lite::Regex::new(re).is_ok_and(|re| re.is_match(&r.text())))
            }
            CheckKind::MembersRunning { count } => crate::cluster::members::members(world).iter().filter(|m| m.running).count() as i64 == *count,
            CheckKind::Leader { name } => leader(world).is_some_and(|m| name.as_ref().is_none_or(|n| &m.name == n)),
            CheckKind::NoLeader => leader(world).is_none(),
            CheckKind::KeyNamesLeader { key } => {
                let req = RangeRequest { key: key.as_bytes().to_vec(), ..Default::default() };
                let value = store.range(&req).ok().and_then(|r| r.kvs.first().map(|kv| String::from_utf8_lossy(&kv.value).trim().to_string()));
                match (value, leader(world)) {
                    (Some(v), Some(m)) => v == m.name || v.eq_ignore_ascii_case(&format!("{:x}", m.member_id)),
                    _ => false,
                }
            }
        }
    }
}

/// A note's value against a check's: `>=N` compares numbers, `!V` is "anything but V".
fn note_matches(got: Option<&str>, want: &str) -> bool {
    let Some(got) = got else { return false };
    if let Some(n) = want.strip_prefix(">=") {
        return matches!((got.parse::<i64>(), n.trim().parse::<i64>()), (Ok(g), Ok(n)) if g >= n);
    }
    if let Some(v) = want.strip_prefix('!') {
        return got != v;
    }
    got == want
}

/// A `snapshot status` record still describes its file: the snapshot code reads the file now
/// and finds the hash, revision and key count the command printed.
fn status_still_true(world: &World, r: &crate::facts::Ran) -> bool {
    let Some(path) = r.note("path") else { return false };
    match world.read(path).ok().map(|d| crate::snapshot::status(&d)) {
        Some(Ok(st)) => r.note("hash") == Some(&st.hash.to_string()) && r.note("revision") == Some(&st.revision.to_string()) && r.note("total_keys") == Some(&st.total_key.to_string()),
        _ => false,
    }
}

/// What a restored data dir's WAL says (cluster ID, local member ID, members), if it is one.
fn restored_wal(world: &World, data_dir: &str) -> Option<(u64, u64, Vec<(u64, String, Vec<String>)>)> {
    let wal = format!("{}/member/wal/{}", data_dir.trim_end_matches('/'), crate::cluster::etcd_server::WAL_FIRST_SEGMENT);
    crate::snapshot::restore::read_wal_placeholder(&world.read(&wal).ok()?)
}

/// Every key and value of a keyspace, in order.
fn all_kvs(store: &crate::engine::Store) -> Option<Vec<(Vec<u8>, Vec<u8>)>> {
    let req = RangeRequest { key: vec![0], range_end: vec![0], ..Default::default() };
    store.range(&req).ok().map(|r| r.kvs.into_iter().map(|kv| (kv.key, kv.value)).collect())
}

/// See [`CheckKind::RestoredMember`].
fn restored_member(world: &World, data_dir: &str, snapshot: &str, name: Option<&str>, same_cluster_as: Option<&str>) -> bool {
    let Some((cid, me, members)) = restored_wal(world, data_dir) else { return false };
    let Some(local) = members.iter().find(|m| m.0 == me) else { return false };
    if name.is_some_and(|n| local.1 != n) {
        return false;
    }
    if let Some(other) = same_cluster_as {
        match restored_wal(world, other) {
            Some((ocid, ome, omembers)) if ocid == cid && omembers == members && ome != me => {}
            _ => return false,
        }
    }
    let db = format!("{}/member/snap/db", data_dir.trim_end_matches('/'));
    let Ok(db) = world.read(&db) else { return false };
    let Ok(snap) = world.read(snapshot) else { return false };
    let Ok(snap) = crate::snapshot::verify_trailer(&snap, false) else { return false };
    match (crate::snapshot::load(&db), crate::snapshot::load(snap)) {
        (Ok(restored), Ok(taken)) => all_kvs(&restored.store).is_some_and(|r| Some(r) == all_kvs(&taken.store)),
        _ => false,
    }
}

/// The member that leads the cluster (none on a single node: it has no raft peers to lead).
fn leader(world: &World) -> Option<&crate::cluster::EtcdServer> {
    let id = world.cluster.as_ref()?.leader;
    crate::cluster::members::members(world).into_iter().find(|m| m.member_id == id && m.running)
}

fn pod_exists(world: &World, namespace: &str, name: &str) -> bool {
    use crate::cluster::kube;
    kube::resource("pods").is_some_and(|pods| kube::get(&world.etcd.store, pods, namespace, name).is_some())
}

/// Evaluates every check of a step against the session's current state.
///
/// The node's kubelet applies edits of `/etc/kubernetes/manifests` when time passes or a client
/// next talks to the cluster; a real kubelet does it within seconds on its own. So the checks
/// look at a copy of the world caught up by `World::advance(0)` (no time passes): editing etcd's manifest and then
/// checking "etcd runs with data dir D" works without typing another command first.
pub fn evaluate(step: &super::Step, session: &Session, last: &LastRun) -> Vec<CheckResult> {
    let mut world = session.world.clone();
    world.advance(0);
    step.checks.iter().map(|c| CheckResult { label: c.label.clone(), passed: c.kind.holds(&world, session, last) }).collect()
}

/// An exam-style lesson's grade: every check of every step, evaluated once on the final state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Score {
    pub passed: usize,
    pub total: usize,
}

/// Grades a whole lesson on the session's current state (the end of a timed practice).
pub fn score(lesson: &super::Lesson, session: &Session, last: &LastRun) -> Score {
    let results: Vec<CheckResult> = lesson.steps.iter().flat_map(|s| evaluate(s, session, last)).collect();
    Score { passed: results.iter().filter(|r| r.passed).count(), total: results.len() }
}
