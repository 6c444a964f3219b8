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
# stand-in stops and starts members. $1: the directory.
D=$1
ip link set lo up
mkdir -p "$D/home"
declare -A pid
start() {
  local n=$1 c p t=()
  if [ "$n" = 1 ]; then c=2379; t=(--election-timeout 500); else c=${n}2379; fi
  p=${n}2380
  # No --data-dir, as in the Procfile: `infraN.etcd` where goreman runs (the commands' cwd).
  (cd "$D/home" && exec setpriv --pdeathsig KILL /usr/bin/etcd --name infra$n \
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
    if [ $ok = 1 ]; then
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

pub fn start_cluster(tag: &str) -> Real {
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

pub fn normalize_cluster(s: &str) -> String {
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
    harness::replace_all(&joined, rules)
}
