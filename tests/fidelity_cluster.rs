//! The cluster oracle: every command of `tests/fidelity_cluster/*.txt` runs through real bash
//! against three real etcd 3.4.23 members (Debian's `/usr/bin/etcd`) laid out as etcd's own
//! `Procfile` for a local cluster — `infra1` on http://127.0.0.1:2379 (peer :12380), `infra2`
//! on :22379 (:22380), `infra3` on :32379 (:32380), token `etcd-cluster-1` — and through the
//! playground's `cluster` scenario. The runner is `tests/common/fidelity.rs`.
//!
//! Each file's cluster runs in its own network namespace (`unshare -n`, loopback only), so the
//! Procfile's fixed ports never meet another test's (or another cluster's) and member IDs,
//! which etcd derives from the peer URLs and the token, are the Procfile's own
//! (8211f1d0f64f3269, 91bc3c398fb3c146, fd422379fda50e48). A supervisor script in the namespace
//! runs the members; `goreman run stop|start|restart etcdN` (a stand-in for goreman's RPC
//! client: real goreman needs Go) asks it through a FIFO, and returns when the cluster has
//! settled (a member started serves and has caught up; after a stop the live members agree on a
//! leader, or, with fewer than a quorum of the voting members live — an added member that never
//! started counts —, every live one has stepped down). goreman's own output for these is nothing
//! (its `run` prints only for `list` and `status`): the stand-in's lines are not counted as
//! compared commands. Members die with the supervisor (`setpriv --pdeathsig KILL`), and the
//! supervisor with the test (its guard, or its parent's death).
//!
//! Two facts of real etcd the harness fixes so that runs repeat:
//! - who wins the first election: infra1 gets `--election-timeout 500` (raft draws a timeout in
//!   [t, 2t), so it always campaigns first), and infra3 starts after infra1 and infra2 have a
//!   leader. Stopping a leader makes etcd hand leadership to the follower connected the longest
//!   (`TransferLeadership`, `longestConnected`): infra2 at first. The playground models both.
//! - `etcdctl endpoint health --cluster` prints its verdicts as they arrive (goroutines): a
//!   run of `is healthy` lines is sorted before comparing.
//!
//! A write with no quorum fails at the client's deadline, and which of three texts it prints is
//! a race between the client's deadline and the server's (measured with 3.4.23: `etcdserver:
//! request timed out`, `context deadline exceeded`, `rpc error: code = Unknown desc = context
//! deadline exceeded`, from one run to the next with the same command): those are normalized to
//! one, nothing else is.

#[path = "common/fidelity.rs"]
#[allow(dead_code)]
mod harness;
// This suite keeps its own copy of the real-cluster runner (members' settle rule, the boot
// lock, the added-member normalizer); `tests/common/cluster.rs` is the recovery suite's (no
// --data-dir, several names per goreman call). Merging the two is left to do.

use harness::{normalize, Guard, Real, Suite};
use regex::Regex;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const SUPERVISOR: &str = r#"#!/bin/bash
# Runs inside `unshare -n`: etcd's Procfile cluster, and a FIFO through which the goreman
# stand-in stops and starts members. $1: the directory.
D=$1
ip link set lo up
declare -A pid
start() {
  local n=$1 c p t=()
  if [ "$n" = 1 ]; then c=2379; t=(--election-timeout 500); else c=${n}2379; fi
  p=${n}2380
  setpriv --pdeathsig KILL /usr/bin/etcd --name infra$n --data-dir "$D/infra$n.etcd" \
    --listen-client-urls http://127.0.0.1:$c --advertise-client-urls http://127.0.0.1:$c \
    --listen-peer-urls http://127.0.0.1:$p --initial-advertise-peer-urls http://127.0.0.1:$p \
    --initial-cluster-token etcd-cluster-1 \
    --initial-cluster 'infra1=http://127.0.0.1:12380,infra2=http://127.0.0.1:22380,infra3=http://127.0.0.1:32380' \
    --initial-cluster-state new --enable-pprof "${t[@]}" >>"$D/etcd$n.log" 2>&1 &
  pid[$n]=$!
}
ep() { [ "$1" = 1 ] && echo 127.0.0.1:2379 || echo 127.0.0.1:${1}2379; }
status() { /usr/bin/etcdctl --endpoints="$(ep $1)" --command-timeout=1s endpoint status -w json 2>/dev/null; }
# Waits until the cluster settled: every live member answers; with a quorum they agree on one
# live leader and on the raft index; a lone member has no leader.
settle() {
  for _ in $(seq 300); do
    local live=() leaders=() idx=() ok=1
    for n in 1 2 3; do [ -n "${pid[$n]}" ] && live+=($n); done
    for n in "${live[@]}"; do
      s=$(status $n) || { ok=0; break; }
      leaders+=("$(grep -o '"leader":[0-9]*' <<<"$s")")
      idx+=("$(grep -o '"raftIndex":[0-9]*' <<<"$s")")
    done
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
# some seconds after infra3 published (one raft entry), or when a new leader is elected: wait
# for it, so that every run starts from the same raft index (9).
for _ in $(seq 600); do curl -s http://127.0.0.1:2379/version | grep -q '"etcdcluster":"3.4.0"' && break; sleep 0.1; done
settle
rm -f "$D/ctl" "$D/ack"; mkfifo "$D/ctl" "$D/ack"
echo ready > "$D/ready"
while true; do
  read -r cmd proc < "$D/ctl" || continue
  n=${proc#etcd}
  case $cmd in
    stop) stop $n;;
    start) [ -z "${pid[$n]}" ] && start $n;;
    restart) stop $n; start $n;;
  esac
  settle
  echo done > "$D/ack"
done
"#;

/// `goreman run COMMAND PROC`: asks the supervisor, waits for it. Anything else is not what the
/// suite uses.
const GOREMAN: &str = r#"#!/bin/bash
D=$(dirname "$(readlink -f "$0")")
[ "$1" = run ] || { echo "goreman stand-in: only 'run' is supported" >&2; exit 2; }
echo "$2 $3" > "$D/ctl"
read -r _ < "$D/ack"
"#;

fn start_cluster(tag: &str) -> Real {
    for tool in ["/usr/bin/etcd", "/usr/bin/etcdctl", "/usr/bin/unshare", "/usr/bin/nsenter", "/usr/bin/setpriv"] {
        assert!(Path::new(tool).exists(), "{tool} is missing: the cluster suite needs Debian's etcd-server/etcd-client 3.4.23 and util-linux");
    }
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
    // One cluster boots at a time: the first election is fixed by infra1's shorter election
    // timeout, which only holds while infra1 and infra2 start at the same pace (nine clusters
    // booting at once on two cores let infra2 win it now and then).
    static BOOTING: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _booting = BOOTING.lock().unwrap_or_else(|e| e.into_inner());
    let log = std::fs::File::create(dir.join("supervisor.log")).unwrap();
    let child = Command::new("/usr/bin/setpriv")
        .args(["--pdeathsig", "KILL", "/usr/bin/unshare", "-n", "/bin/bash"])
        .arg(dir.join("supervisor.sh"))
        .arg(&dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log)
        .process_group(0)
        .spawn()
        .expect("could not start the cluster supervisor (unshare -n)");
    // etcdctl runs in the supervisor's network namespace.
    write_exe(&ctl.join("etcdctl"), &format!("#!/bin/bash\nexec /usr/bin/nsenter --net=/proc/{}/ns/net /usr/bin/etcdctl \"$@\"\n", child.id()));
    let guard = Guard { child, dir: dir.clone() };
    let t = Instant::now();
    while !dir.join("ready").exists() {
        assert!(t.elapsed() < Duration::from_secs(60), "the real cluster did not come up; see {:?}", dir.join("supervisor.log"));
        std::thread::sleep(Duration::from_millis(100));
    }
    Real { guard, etcdctl: ctl.join("etcdctl"), default_endpoint: "127.0.0.1:2379".into(), tools: vec![("goreman".into(), dir.join("goreman"))], map: Vec::new() }
}

fn normalize_cluster(s: &str) -> String {
    static RULES: std::sync::OnceLock<Vec<(Regex, &str)>> = std::sync::OnceLock::new();
    let rules = RULES.get_or_init(|| {
        harness::compile(&[
            // No quorum: the client's deadline and the server's race (see the module doc).
            (r"rpc error: code = (Unavailable|DeadlineExceeded|Unknown) desc = (etcdserver: request timed out|context deadline exceeded)", "<NO QUORUM>"),
            (r"(?m)^Error: (etcdserver: request timed out|rpc error: code = Unknown desc = context deadline exceeded|context deadline exceeded)$", "Error: <NO QUORUM>"),
            (r"is unhealthy: failed to commit proposal: (etcdserver: request timed out|context deadline exceeded)", "is unhealthy: failed to commit proposal: <NO QUORUM>"),
        ])
    });
    let out = normalize(s);
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
    added_members(&harness::replace_all(&joined, rules))
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
    let by_id = |l: &str| l.starts_with("<HEX>, ") || l.starts_with("| <HEX> |");
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

#[test]
fn three_real_members_and_the_playground_print_the_same() {
    harness::run_suite(&Suite { name: "fidelity_cluster", version: "3.4.23 (three members)", dir: "tests/fidelity_cluster", scenario: "cluster", min_commands: 85, start: start_cluster, normalize: normalize_cluster });
}

#[test]
fn the_suite_normalizes_health_order_and_the_no_quorum_race_only() {
    let a = "http://127.0.0.1:32379 is healthy: successfully committed proposal: took = 3.1ms\nhttp://127.0.0.1:2379 is healthy: successfully committed proposal: took = 2.0ms\nError: unhealthy cluster\n";
    let b = "http://127.0.0.1:2379 is healthy: successfully committed proposal: took = 9.9ms\nhttp://127.0.0.1:32379 is healthy: successfully committed proposal: took = 1.0ms\nError: unhealthy cluster\n";
    assert_eq!(normalize_cluster(a), normalize_cluster(b));
    assert_eq!(normalize_cluster("Error: etcdserver: request timed out\n"), normalize_cluster("Error: context deadline exceeded\n"));
    let unhealthy = |e: &str| normalize_cluster(&format!("127.0.0.1:2379 is unhealthy: failed to commit proposal: {e}\n"));
    assert_eq!(unhealthy("rpc error: code = Unavailable desc = etcdserver: request timed out"), unhealthy("context deadline exceeded"));
    // An added member: a short random ID, padded by `%16x`; rows and items ordered by ID.
    assert_eq!(normalize_cluster("Member  e0e0705a6672c9c added to cluster ef37ad9dc622a7c4\n"), normalize_cluster("Member 12d375f40e8d96a9 added to cluster ef37ad9dc622a7c4\n"));
    let list = |a: &str, b: &str| normalize_cluster(&format!("{a}, unstarted, , http://127.0.0.1:42380, , false\n{b}, started, infra1, http://127.0.0.1:12380, http://127.0.0.1:2379, false\n"));
    assert_eq!(list("e0e0705a6672c9cd", "8211f1d0f64f3269"), list("8211f1d0f64f3269", "e0e0705a6672c9cd"));
    let init = |v: &str| normalize_cluster(&format!("ETCD_INITIAL_CLUSTER=\"{v}\"\n"));
    assert_eq!(init("infra1=http://a:1,infra4=http://b:2"), init("infra4=http://b:2,infra1=http://a:1"));
    assert_ne!(init("infra1=http://a:1,infra4=http://b:2"), init("infra1=http://a:1,infra5=http://b:2"));
    // A different error stays different.
    assert_ne!(normalize_cluster("Error: etcdserver: no leader\n"), normalize_cluster("Error: context deadline exceeded\n"));
}
