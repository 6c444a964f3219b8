//! The real side of the cluster suites (`tests/fidelity_cluster.rs`, `tests/fidelity_recovery.rs`):
//! three real etcd 3.4.23 members laid out as etcd's Procfile, in their own network namespace,
//! and the goreman stand-in. See `tests/fidelity_cluster.rs` for what it fixes and why.

use super::harness::{self, normalize, Guard, Real};
use regex::Regex;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

pub const SUPERVISOR: &str = r#"#!/bin/bash
# Runs inside `unshare -n`: etcd's Procfile cluster, and a FIFO through which the goreman
# stand-in stops and starts members. $1: the directory, $2: the etcd program, $3: the cluster
# version its members settle on.
D=$1 ETCD=$2 CLUSTER_VERSION=$3
ip link set lo up
# The ports a member started by a command listens on (infra4, infra5) are in Linux's
# ephemeral range: keep outgoing connections off them, or a bind fails now and then.
echo 42379,42380,52379,52380 > /proc/sys/net/ipv4/ip_local_reserved_ports
mkdir -p "$D/home"
declare -A pid
start() {
  local n=$1 c p t=()
  if [ "$n" = 1 ]; then c=2379; t=(--election-timeout 500); else c=${n}2379; fi
  p=${n}2380
  # No --data-dir, as in the Procfile: `infraN.etcd` where goreman runs (the commands' cwd).
  (cd "$D/home" && exec setpriv --pdeathsig KILL "$ETCD" --name infra$n \
    --listen-client-urls http://127.0.0.1:$c --advertise-client-urls http://127.0.0.1:$c \
    --listen-peer-urls http://127.0.0.1:$p --initial-advertise-peer-urls http://127.0.0.1:$p \
    --initial-cluster-token etcd-cluster-1 \
    --initial-cluster 'infra1=http://127.0.0.1:12380,infra2=http://127.0.0.1:22380,infra3=http://127.0.0.1:32380' \
    --initial-cluster-state new --enable-pprof "${t[@]}" >>"$D/etcd$n.log" 2>&1) &
  pid[$n]=$!
}
ep() { [ "$1" = 1 ] && echo 127.0.0.1:2379 || echo 127.0.0.1:${1}2379; }
status() { /usr/bin/etcdctl --endpoints="$(ep $1)" --command-timeout=1s endpoint status -w json 2>/dev/null; }
# Waits until the cluster settled: every live member answers; with a quorum they agree on one
# live leader and on the raft index; a lone member has no leader.
settle() {
  # A member cut off from its peers (another cluster ID) never answers: after 8 s the
  # others settle without it (and the wait ends after 20 s whatever happens).
  local t0=$SECONDS end=$((SECONDS + 20))
  for _ in $(seq 300); do
    [ $SECONDS -ge $end ] && break
    local live=() answering=() leaders=() idx=() ok=1
    for n in 1 2 3; do [ -n "${pid[$n]}" ] && live+=($n); done
    for n in "${live[@]}"; do
      if ! s=$(status $n); then
        [ $((SECONDS - t0)) -ge 8 ] && continue
        ok=0; break
      fi
      answering+=($n)
      leaders+=("$(grep -o '"leader":[0-9]*' <<<"$s")")
      idx+=("$(grep -o '"raftIndex":[0-9]*' <<<"$s")")
    done
    live=("${answering[@]}")
    # The voting members (an added member that never started counts, a learner does not):
    # fewer than half of them live is no quorum, and then no live member has a leader.
    voters=3
    if [ $ok = 1 ] && [ ${#live[@]} -ge 1 ]; then
      voters=$(/usr/bin/etcdctl --endpoints="$(ep ${live[0]})" --command-timeout=1s member list 2>/dev/null | grep -c ', false$') || voters=3
    fi
    if [ $ok = 1 ] && [ ${#live[@]} -ge 2 ] && [ $(( ${#live[@]} * 2 )) -le "$voters" ]; then
      [ "$(printf '%s\n' "${leaders[@]}" | sort -u)" = '"leader":0' ] && return
    elif [ $ok = 1 ]; then
      if [ ${#live[@]} -ge 2 ]; then
        u=$(printf '%s\n' "${leaders[@]}" | sort -u); i=$(printf '%s\n' "${idx[@]}" | sort -u)
        if [ "$(wc -l <<<"$u")" = 1 ] && [ "$u" != '"leader":0' ] && [ "$(wc -l <<<"$i")" = 1 ]; then
          /usr/bin/etcdctl --endpoints="$(ep ${live[0]})" --command-timeout=1s endpoint health >/dev/null 2>&1 && return
        fi
      elif [ ${#live[@]} = 1 ]; then
        [ "${leaders[0]}" = '"leader":0' ] && return
      else
        return
      fi
    fi
    sleep 0.1
  done
  echo "cluster did not settle" >&2
}
stop() { [ -n "${pid[$1]}" ] && kill -INT ${pid[$1]} && wait ${pid[$1]}; pid[$1]=; }
start 1; start 2
settle
start 3
# With infra3 not yet known, the leader set the cluster version to 3.0; it raises it to 3.4
# (3.5) some seconds after infra3 published (one raft entry), or when a new leader is elected:
# wait for it, so that every run starts from the same raft index (9).
for _ in $(seq 600); do curl -s http://127.0.0.1:2379/version | grep -q "\"etcdcluster\":\"$CLUSTER_VERSION\"" && break; sleep 0.1; done
settle
rm -f "$D/ctl" "$D/ack"; mkfifo "$D/ctl" "$D/ack"
echo ready > "$D/ready"
while true; do
  read -r cmd procs < "$D/ctl" || continue
  # goreman runs each named process in turn; the cluster settles once they all ran.
  for proc in $procs; do
    n=${proc#etcd}
    case $cmd in
      stop) stop $n;;
      start) [ -z "${pid[$n]}" ] && start $n;;
      restart) stop $n; start $n;;
    esac
  done
  settle
  echo done > "$D/ack"
done
"#;

/// `goreman run COMMAND PROC`: asks the supervisor, waits for it. Anything else is not what the
/// suite uses.
pub const GOREMAN: &str = r#"#!/bin/bash
D=$(dirname "$(readlink -f "$0")")
[ "$1" = run ] || { echo "goreman stand-in: only 'run' is supported" >&2; exit 2; }
shift; echo "$*" > "$D/ctl"
read -r _ < "$D/ack"
"#;

/// The real release the members run; etcdctl is always Debian's 3.4.23 (the client the
/// playground's cluster scenario plays).
pub struct Release {
    pub etcd: std::path::PathBuf,
    /// What `/version`'s `etcdcluster` reads once all three members published (`3.4.0`).
    pub cluster_version: &'static str,
}

pub fn start_cluster(tag: &str) -> Real {
    start_release(tag, &Release { etcd: "/usr/bin/etcd".into(), cluster_version: "3.4.0" })
}

pub fn start_release(tag: &str, release: &Release) -> Real {
    assert!(release.etcd.exists(), "{} is missing: the cluster suite needs it as its oracle", release.etcd.display());
    for tool in ["/usr/bin/etcdctl", "/usr/bin/unshare", "/usr/bin/nsenter", "/usr/bin/setpriv"] {
        assert!(Path::new(tool).exists(), "{tool} is missing: the cluster suite needs Debian's etcd-server/etcd-client 3.4.23 and util-linux");
    }
    // One cluster boots at a time: the first election is fixed by infra1's shorter election
    // timeout, which only holds while infra1 and infra2 start at the same pace (nine clusters
    // booting at once on two cores let infra2 win it now and then).
    static BOOTING: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _booting = BOOTING.lock().unwrap_or_else(|e| e.into_inner());
    let dir = std::env::temp_dir().join(format!("etcd-fidelity-cluster-{}-{tag}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let ctl = dir.join("ctl-bin");
    std::fs::create_dir_all(&ctl).unwrap();
    let write_exe = |path: &Path, text: &str| {
        std::fs::write(path, text).unwrap();
        Command::new("chmod").arg("+x").arg(path).status().unwrap();
    };
    write_exe(&dir.join("supervisor.sh"), SUPERVISOR);
    write_exe(&dir.join("goreman"), GOREMAN);
    let log = std::fs::File::create(dir.join("supervisor.log")).unwrap();
    let child = Command::new("/usr/bin/setpriv")
        .args(["--pdeathsig", "KILL", "/usr/bin/unshare", "-n", "/bin/bash"])
        .arg(dir.join("supervisor.sh"))
        .arg(&dir)
        .arg(&release.etcd)
        .arg(release.cluster_version)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log)
        .process_group(0)
        .spawn()
        .expect("could not start the cluster supervisor (unshare -n)");
    // etcdctl runs in the supervisor's network namespace.
    write_exe(&ctl.join("etcdctl"), &format!("#!/bin/bash\nexec /usr/bin/nsenter --net=/proc/{}/ns/net /usr/bin/etcdctl \"$@\"\n", child.id()));
    // A real `etcd` a command starts (`etcd --name infra4 ... &`) runs there too, in the
    // commands' cwd (the members' own), and dies with the script's bash.
    write_exe(&ctl.join("etcd"), &format!("#!/bin/bash\nexec /usr/bin/nsenter --net=/proc/{}/ns/net /usr/bin/setpriv --pdeathsig KILL {} \"$@\"\n", child.id(), release.etcd.display()));
    let guard = Guard { child, dir: dir.clone() };
    let t = Instant::now();
    while !dir.join("ready").exists() {
        assert!(t.elapsed() < Duration::from_secs(60), "the real cluster did not come up; see {:?}", dir.join("supervisor.log"));
        std::thread::sleep(Duration::from_millis(100));
    }
    Real { guard, etcdctl: ctl.join("etcdctl"), default_endpoint: "127.0.0.1:2379".into(), tools: vec![("goreman".into(), dir.join("goreman")), ("etcd".into(), ctl.join("etcd"))], map: Vec::new() }
}

pub fn normalize_cluster(s: &str) -> String {
    static RULES: std::sync::OnceLock<Vec<(Regex, &str)>> = std::sync::OnceLock::new();
    let rules = RULES.get_or_init(|| {
        harness::compile(&[
            // No quorum: the client's deadline and the server's race (see the module doc).
            (r"rpc error: code = (Unavailable|DeadlineExceeded|Unknown) desc = (etcdserver: request timed out|context deadline exceeded)", "<NO QUORUM>"),
            (r"(?m)^Error: (etcdserver: request timed out|rpc error: code = Unknown desc = context deadline exceeded|context deadline exceeded)$", "Error: <NO QUORUM>"),
            (r"is unhealthy: failed to commit proposal: (etcdserver: request timed out|context deadline exceeded)", "is unhealthy: failed to commit proposal: <NO QUORUM>"),
            // bash's notices of background jobs: an interactive bash (the playground's terminal)
            // prints `[1] PID` and `[1]+  Terminated  cmd`, the harness's script bash does not.
            (r"(?m)^\[\d+\]([+-]? +(Running|Done|Terminated|Exit \d+) .*| \d+)\n", ""),
            (r#""health":false,"took":"<T>","error":"(etcdserver: request timed out|context deadline exceeded)""#, r#""health":false,"took":"<T>","error":"<NO QUORUM>""#),
            (r#"(?m)^"Error" : (etcdserver: request timed out|context deadline exceeded)$"#, r#""Error" : <NO QUORUM>"#),
            // `endpoint health -w table`: the TOOK column is as wide as the longest (random)
            // duration (normalize made the 4-column table's first column `<HASH COLUMN>`).
            (r"\| +(TOOK|[0-9.]+[µmn]?s) +\|", "| <TOOK> |"),
            (r"(?m)^(\+<HASH COLUMN>\+-{8}\+)-+(\+-+\+)$", "$1<TOOK>$2"),
        ])
    });
    let out = health_order(&normalize(s));
    let mut lines: Vec<String> = Vec::new();
    let mut run: Vec<String> = Vec::new();
    for l in out.lines() {
        if l.contains(" is healthy: ") {
            run.push(l.to_string());
            continue;
        }
        run.sort();
        lines.append(&mut run);
        lines.push(l.to_string());
    }
    run.sort();
    lines.append(&mut run);
    let mut joined = lines.join("\n");
    if out.ends_with('\n') {
        joined.push('\n');
    }
    members_dump(&added_members(&harness::replace_all(&joined, rules)))
}

/// etcd's fatal `error validating peerURLs {ClusterID:… Members:[&{…} &{…}] …}` prints the
/// members in Go map order, which changes from run to run: the items are sorted.
fn members_dump(s: &str) -> String {
    static DUMP: std::sync::OnceLock<Regex> = std::sync::OnceLock::new();
    let re = DUMP.get_or_init(|| Regex::new(r"Members:\[(&\{.*?\}\})\] RemovedMemberIDs").unwrap());
    re.replace_all(s, |c: &regex::Captures| {
        let mut items: Vec<&str> = c[1].split("}} &{").collect();
        let n = items.len();
        let mut owned: Vec<String> = items.drain(..).enumerate().map(|(i, it)| {
            let mut t = it.to_string();
            if i > 0 { t.insert_str(0, "&{"); }
            if i + 1 < n { t.push_str("}}"); }
            t
        }).collect();
        owned.sort();
        format!("Members:[{}] RemovedMemberIDs", owned.join(" "))
    })
    .into_owned()
}

/// `endpoint health -w json|table|fields`: the verdicts in the order the checks ended
/// (goroutines, as the simple output's lines): the JSON array's items, the table's rows, the
/// fields' blocks and the checks' retry warnings are sorted.
fn health_order(s: &str) -> String {
    static RES: std::sync::OnceLock<(Regex, Regex, Regex, Regex)> = std::sync::OnceLock::new();
    let (json, row, block, warnings) = RES.get_or_init(|| {
        (
            Regex::new(r#"(?m)^\[\{("endpoint":.*)\}\]$"#).unwrap(),
            Regex::new(r"(?m)(^\| +\S+ \| +(true|false) \|.*\n)+").unwrap(),
            Regex::new(r#"(?m)("Endpoint" : \S+\n"Health" : \w+\n"Took" : .*\n"Error" : .*\n\n)+"#).unwrap(),
            Regex::new(r#"(?m)(^\{"level":"warn",.*"target":"endpoint://client-<UUID>/.*\n)+"#).unwrap(),
        )
    });
    let sorted = |items: Vec<&str>, sep: &str| {
        let mut v = items;
        v.sort();
        v.join(sep)
    };
    let out = json.replace_all(s, |c: &regex::Captures| format!("[{{{}}}]", sorted(c[1].split("},{").collect(), "},{")));
    let out = row.replace_all(&out, |c: &regex::Captures| sorted(c[0].split_inclusive('\n').collect(), ""));
    let out = block.replace_all(&out, |c: &regex::Captures| sorted(c[0].split_inclusive("\n\n").collect(), ""));
    // Each check's client warns when its own check fails: in the same order.
    let out = warnings.replace_all(&out, |c: &regex::Captures| sorted(c[0].split_inclusive('\n').collect(), ""));
    out.into_owned()
}

/// A member `member add` creates gets a random ID (etcd hashes its peer URLs with the time),
/// and listings are ordered by ID: its IDs are normalized like the others (also the 1 in 16
/// that has fewer than 16 hex digits, which `%16x` and the tables pad with spaces), and the
/// lines ordered by ID — `member list`'s rows, `ETCD_INITIAL_CLUSTER`'s items — are sorted.
fn added_members(s: &str) -> String {
    static SHORT: std::sync::OnceLock<(Regex, Regex)> = std::sync::OnceLock::new();
    let (short, initial) = SHORT.get_or_init(|| (Regex::new(r"( *)\b([0-9a-f]{13,15})\b").unwrap(), Regex::new(r#"ETCD_INITIAL_CLUSTER="([^"]*)""#).unwrap()));
    let out = short.replace_all(s, |c: &regex::Captures| {
        let (pad, id) = (&c[1], &c[2]);
        if id.bytes().all(|b| b.is_ascii_digit()) {
            return c[0].to_string();
        }
        let extra = 16 - id.len();
        let pad = if pad.len() > extra { &pad[extra..] } else { pad };
        format!("{pad}<HEX>")
    });
    let out = initial.replace_all(&out, |c: &regex::Captures| {
        let mut items: Vec<&str> = c[1].split(',').collect();
        items.sort();
        format!("ETCD_INITIAL_CLUSTER=\"{}\"", items.join(","))
    });
    // `endpoint status --cluster` lists the members in the same order: its rows too.
    let status_row = |l: &str| l.split_once(" | ").is_some_and(|(ep, rest)| ep.trim_start_matches(['|', ' ']).starts_with("http") && rest.starts_with("<HEX> |")) || l.split_once(", ").is_some_and(|(ep, rest)| ep.starts_with("http") && rest.starts_with("<HEX>, "));
    let by_id = |l: &str| l.starts_with("<HEX>, ") || l.starts_with("| <HEX> |") || status_row(l);
    let mut lines: Vec<String> = Vec::new();
    let mut run: Vec<String> = Vec::new();
    for l in out.lines() {
        if by_id(l) {
            run.push(l.to_string());
            continue;
        }
        run.sort();
        lines.append(&mut run);
        lines.push(l.to_string());
    }
    run.sort();
    lines.append(&mut run);
    let mut joined = lines.join("\n");
    if out.ends_with('\n') {
        joined.push('\n');
    }
    joined
}

