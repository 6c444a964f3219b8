//! The differential suite: every command of `tests/fidelity/*.txt` runs twice — once through
//! real `bash` against a real etcd 3.4.23 (Debian's `/usr/bin/etcd`, started here on loopback
//! with a temporary data dir) with the real `/usr/bin/etcdctl`, once through the playground's
//! `Session` in the `plain` scenario — and the two outputs (stdout and stderr interleaved, and
//! the exit status) must be equal after normalizing only what is random: member/cluster/lease
//! IDs, timestamps, client UUIDs, durations, database sizes.
//!
//! Format of a file: `$ command` lines (a `> ` line continues the command: heredocs,
//! backslashes), `# ` comments, and `#~ reason` after a command to mark a known difference:
//! it still runs and is reported, but does not fail the test.
//!
//! The real etcd listens on free ports; a wrapper `etcdctl` in front of PATH adds
//! `--endpoints=127.0.0.1:<port>` when the command gives no endpoint, commands have
//! `127.0.0.1:2379`/`:2380` rewritten to the real ports, and outputs have them rewritten back;
//! likewise `/var/lib/etcd/` (the playground member's data dir) and the real one's.

#[path = "common/fidelity.rs"]
mod harness;

use harness::{free_port, normalize, protobuf_dump, Guard, Real, Suite};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A real etcd whose member ID prints as 16 hex digits. The ID is a hash of the peer URL (so
/// of the port); one in sixteen starts with a zero nibble, which `%x` drops, and a 15-digit ID
/// changes the width of `member list -w table` and friends. Such an etcd is started again on
/// other ports, so outputs compare byte for byte whatever ports were free.
fn start_etcd(tag: &str) -> Real {
    for _ in 0..20 {
        let etcd = start_etcd_once(tag);
        let out = Command::new("/usr/bin/etcdctl").args(["--endpoints", &etcd.default_endpoint, "member", "list"]).env_remove("ETCDCTL_ENDPOINTS").output().expect("etcdctl member list");
        let id_len = String::from_utf8_lossy(&out.stdout).split(',').next().map_or(0, |id| id.trim().len());
        if id_len == 16 {
            return etcd;
        }
    }
    panic!("real etcd never got a 16-digit member ID in 20 starts");
}

fn start_etcd_once(tag: &str) -> Real {
    assert!(Path::new("/usr/bin/etcd").exists(), "/usr/bin/etcd is missing: install Debian's etcd-server 3.4.23 (apt-get install etcd-server etcd-client); the fidelity suite needs the real etcd as its oracle");
    assert!(Path::new("/usr/bin/etcdctl").exists(), "/usr/bin/etcdctl is missing: install Debian's etcd-client 3.4.23");
    let dir = std::env::temp_dir().join(format!("etcd-fidelity-{}-{tag}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let (client, peer) = (free_port(None), free_port(None));
    let c = format!("http://127.0.0.1:{client}");
    let pu = format!("http://127.0.0.1:{peer}");
    let log = std::fs::File::create(dir.join("etcd.log")).unwrap();
    let child = Command::new("/usr/bin/etcd")
        .args(["--name", "docker-01", "--data-dir"])
        .arg(dir.join("data"))
        .args(["--listen-client-urls", &c, "--advertise-client-urls", &c, "--listen-peer-urls", &pu, "--initial-advertise-peer-urls", &pu])
        .arg(format!("--initial-cluster=docker-01={pu}"))
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .expect("could not start /usr/bin/etcd");
    let data = dir.join("data");
    let etcd = Real {
        guard: Guard { child, dir },
        etcdctl: "/usr/bin/etcdctl".into(),
        default_endpoint: format!("127.0.0.1:{client}"),
        tools: Vec::new(),
        // The playground's member runs on /var/lib/etcd; the real one on its temporary dir.
        map: vec![("127.0.0.1:2379".into(), format!("127.0.0.1:{client}")), ("127.0.0.1:2380".into(), format!("127.0.0.1:{peer}")), ("/var/lib/etcd/".into(), format!("{}/", data.display()))],
    };
    let start = Instant::now();
    loop {
        let ok = Command::new("/usr/bin/etcdctl").args(["--endpoints", &format!("127.0.0.1:{client}"), "endpoint", "health"]).env_remove("ETCDCTL_ENDPOINTS").output().map(|o| o.status.success()).unwrap_or(false);
        if ok {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(20), "real etcd did not become healthy; see {:?}", etcd.dir().join("etcd.log"));
        std::thread::sleep(Duration::from_millis(100));
    }
    // A fresh `etcd` on a laptop has nothing in it; the health check above wrote nothing.
    etcd
}

#[test]
fn real_etcd_and_the_playground_print_the_same() {
    harness::run_suite(&Suite { name: "fidelity", version: "3.4.23", dir: "tests/fidelity", scenario: "plain", min_commands: 150, start: start_etcd, normalize });
}

#[test]
fn protobuf_dump_shows_every_field_and_normalize_hides_only_ids() {
    // `etcdctl get k1 -w protobuf | base64` from real etcd 3.4.23 (header, one kv, count 1).
    let real = "ChgIp/j4scnB9uYqEODnweiiwOWnZRgJIAISDgoCazEQBhgJIAQqAnYxIAE=\n";
    let d = protobuf_dump("etcdctl get k1 -w protobuf | base64", real);
    assert!(d.starts_with("protobuf 1:{1:"), "{d}");
    assert!(d.ends_with(" 3:9 4:2} 2:{1:\"k1\" 2:6 3:9 4:4 5:\"v1\"} 4:1\n"), "{d}");
    assert_eq!(normalize(&d), "protobuf 1:{1:<ID> 2:<ID> 3:9 4:2} 2:{1:\"k1\" 2:6 3:9 4:4 5:\"v1\"} 4:1\n");
    // Not a protobuf command: left alone.
    assert_eq!(protobuf_dump("echo x | base64", "eAo=\n"), "eAo=\n");
}
