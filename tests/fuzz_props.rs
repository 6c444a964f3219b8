//! Issue 17 part 5, the stable slice of the fuzzing: the six untrusted inputs (a shell line,
//! etcdctl's arguments, a snapshot file, a lesson file, a YAML manifest, a session file) as
//! proptest properties with a fixed seed and a bounded number of cases, every case on a
//! thread with a 1 MiB stack (as tight as the page's wasm stack). The generators nest
//! `[ { ( - ` 20000 deep and more, besides random words and bytes. The property is the house
//! rule: no panic, no stack overflow (which would abort this process), an error instead.
//! `scripts/fuzz.sh` runs the same inputs under cargo-fuzz for millions of executions.

use etcd_playground::shell::Session;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

/// Runs `test` on `cases` values of `strategy`, each on a 1 MiB stack, from a fixed seed.
fn check<S>(cases: u32, strategy: S, test: fn(S::Value))
where
    S: Strategy,
    S::Value: Send + 'static,
{
    let config = Config { cases, failure_persistence: None, ..Config::default() };
    let mut runner = TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &[17; 32]));
    runner
        .run(&strategy, |v| {
            let joined = std::thread::Builder::new().stack_size(1 << 20).spawn(move || test(v)).expect("spawn").join();
            prop_assert!(joined.is_ok(), "the case panicked");
            Ok(())
        })
        .unwrap();
}

/// A depth: mostly 20000 or more (the issue's probes), sometimes shallow.
fn depth() -> impl Strategy<Value = usize> {
    prop_oneof![3 => 20_000usize..=24_000, 1 => 0usize..80]
}

/// `open` × depth, some text, then `close` × (often) the same depth.
fn nested(opens: &'static [&'static str], closes: &'static [&'static str], middles: &'static [&'static str]) -> impl Strategy<Value = String> {
    (depth(), 0..opens.len(), prop::sample::select(middles), any::<bool>(), 0usize..3)
        .prop_map(move |(d, k, mid, balanced, short)| {
            let close = closes[k % closes.len()];
            let closing = if balanced { d } else { d.saturating_sub(short * 7) };
            format!("{}{mid}{}", opens[k].repeat(d), close.repeat(closing))
        })
}

fn base_session() -> Session {
    static BASE: std::sync::OnceLock<Session> = std::sync::OnceLock::new();
    BASE.get_or_init(|| Session::new("plain").unwrap()).clone()
}

const WORDS: &[&str] = &[
    "echo", "etcdctl", "put", "get", "k", "v", "--prefix", "|", "head", "-n", "1", "tail", "sort", "cut", "-c1", "tr", "a", "b", "base64", "-d", "sed", "s/a/b/", "tee", "/tmp/f", ">", ">>", "<",
    "/tmp/g", "*", "/*/..", "?", "[", "]", "{", "}", "(", ")", ";", "&&", "||", "'", "\"", "$", "$V", "${V}", "`", "\\", "mkdir", "-p", "cp", "-r", "/", "mv", "rm", "ls", "sleep",
    "18446744073709552", "inf", "--lease", "-1", "0x-5", "lease", "grant", "wc", "-c", "cat", "''", "é", "\u{0}", "\t",
];

fn words_line() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(WORDS), 0..14).prop_map(|w| w.join(" "))
}

/// Shell lines: random words, and 20000-deep brackets, braces, parentheses and globs.
/// (`$(` 20000 deep is `shell_substitution_nests_20000_deep` below.)
#[test]
fn shell_lines_never_crash() {
    let deep = nested(&["[", "{", "(", "( ", "{ ", "/*/.."], &["]", "}", ")", " )", " }", ""], &["", "a", "echo x", " ; "]).prop_map(|s| format!("echo {s}"));
    check(24, prop_oneof![words_line(), deep], |line| {
        let mut s = base_session();
        let _ = s.execute(&line);
        let _ = s.execute("echo $?");
    });
}

#[test]
fn shell_substitution_nests_20000_deep() {
    check(4, nested(&["$("], &[")"], &["echo a", ""]).prop_map(|s| format!("echo {s}")), |line| {
        let mut s = base_session();
        let _ = s.execute(&line);
    });
}

/// etcdctl with random words and arguments 20000 deep (`--endpoints=[[[…`, a key of `{`).
#[test]
fn etcdctl_arguments_never_crash() {
    let arg = prop_oneof![prop::sample::select(WORDS).prop_map(str::to_string), nested(&["[", "{", "0x-"], &["]", "}", ""], &["", "1", "k"])];
    let sub = prop::sample::select(&["put", "get", "del", "txn", "lease grant", "lease revoke", "watch", "compaction", "endpoint status", "member list", "--endpoints=", "-w"][..]);
    check(24, (sub, prop::collection::vec(arg, 0..4)), |(sub, args)| {
        let mut s = base_session();
        let quoted: Vec<String> = args.iter().map(|a| format!("'{}'", a.replace('\'', "'\\''"))).collect();
        let _ = s.execute(&format!("etcdctl {sub} {}", quoted.join(" ")));
    });
}

fn snapshot_file() -> Vec<u8> {
    static FILE: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    FILE.get_or_init(|| {
        let mut s = Session::new("plain").unwrap();
        for i in 0..50 {
            s.execute(&format!("etcdctl put k{i} v{i}"));
        }
        s.execute("etcdctl snapshot save /tmp/s.db");
        s.world.read("/tmp/s.db").unwrap().into_owned()
    })
    .clone()
}

/// The snapshot reader on a valid file with bytes overwritten, cut, or 20000 copies of a page
/// header (deep chains of branch pages), all on a 1 MiB stack.
#[test]
fn snapshots_never_crash() {
    let edits = prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..40);
    check(24, (edits, any::<prop::sample::Index>(), any::<bool>(), 0usize..3), |(edits, cut, truncate, pages)| {
        let mut f = snapshot_file();
        for (i, b) in edits {
            let at = i.index(f.len());
            f[at] = b;
        }
        if truncate {
            f.truncate(cut.index(f.len()));
        }
        if pages > 0 && f.len() > 8192 {
            // Repeat the first data page: a file whose page table is 20000 pages of one shape.
            let page = f[8192..(12288).min(f.len())].to_vec();
            for _ in 0..20_000 / pages {
                f.extend_from_slice(&page);
            }
        }
        let _ = etcd_playground::snapshot::status(&f);
        let _ = etcd_playground::snapshot::load(&f);
        let mut s = base_session();
        let _ = s.world.vfs.write("/tmp/x.db", f);
        let _ = s.execute("etcdctl snapshot status /tmp/x.db");
        let _ = s.execute("etcdctl snapshot restore /tmp/x.db --data-dir /tmp/r --skip-hash-check");
    });
}

/// Lesson files: arrays and inline tables 20000 deep, unclosed, mixed, after a valid head.
#[test]
fn lesson_files_never_crash() {
    let deep = nested(&["[", "{a=", "[{a=", "[ ", "{ a = ["], &["]", "}", "}]", " ]", "] }"], &["1", "\"s\"", "", "[]", "{}"]);
    check(24, (deep, any::<bool>()), |(value, multiline)| {
        // After a valid head, or cut over lines (`x = [\n[\n…`: the error names a later line).
        let value = if multiline { value.replacen('[', "[\n", 3) } else { value };
        let text = format!("id = \"deep\"\ntitle = {{ en = \"t\", pt = \"t\" }}\nx = {value}\n");
        let r = etcd_playground::lessons::toml_lite::parse(&text);
        if value.len() > 40_000 {
            let e = r.expect_err("20000 levels are refused");
            assert!(e.message.contains("nest deeper than 64 levels"), "{}", e.message);
        }
        let _ = etcd_playground::lessons::Lesson::parse_file("deep.toml", &text);
    });
}

/// YAML: flow sequences 20000 deep, `- - - …` 20000 deep, through the parser, `kubectl
/// create -f` and the kubelet (a manifest it parses on every tick).
#[test]
fn yaml_never_crashes() {
    let deep = nested(&["[", "- ", "[a, ", "[\"x\", ["], &["]", "", "]", "]]"], &["1", "", "b", "{}"]);
    check(16, deep, |value| {
        let text = format!("apiVersion: v1\nkind: Pod\nmetadata:\n  name: deep\n  labels: {value}\n");
        let _ = etcd_playground::cluster::yaml::parse(&text);
        let _ = etcd_playground::cluster::yaml::parse(&value);
        let mut s = Session::new("kubeadm").unwrap();
        let _ = s.world.vfs.write("/root/deep.yaml", text.clone().into_bytes());
        let _ = s.execute("kubectl create -f /root/deep.yaml");
        let _ = s.world.vfs.write("/etc/kubernetes/manifests/deep.yaml", text.into_bytes());
        let _ = s.execute("sleep 30");
        let _ = s.execute("crictl ps -a");
    });
}

/// Session files: a valid file with bytes overwritten, CBOR nested 20000 deep, and sessions
/// whose fields were set to extremes; a file that loads is one the playground can use.
#[test]
fn session_files_never_crash() {
    fn valid() -> Vec<u8> {
        let mut s = base_session();
        s.execute("etcdctl put k v");
        s.execute("etcdctl lease grant 60");
        etcd_playground::session_file::save(&s)
    }
    let edits = prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..12);
    let cbor_deep = (depth(), prop::sample::select(&[0x81u8, 0xa1, 0x9f, 0xbf][..]));
    check(24, (edits, cbor_deep, any::<bool>()), |(edits, (d, open), deep)| {
        let mut f = if deep {
            // {magic, version, session: [[[[…]]]]}: the envelope's reader meets the depth first.
            let mut f = vec![0xa3];
            for (k, v) in [("magic", "etcd-playground-session")] {
                f.push(0x60 + k.len() as u8);
                f.extend_from_slice(k.as_bytes());
                f.push(0x77);
                f.extend_from_slice(v.as_bytes());
            }
            f.extend_from_slice(&[0x67]);
            f.extend_from_slice(b"version");
            f.push(0x01);
            f.extend_from_slice(&[0x67]);
            f.extend_from_slice(b"session");
            f.extend(std::iter::repeat_n(open, d));
            f.push(0x00);
            f
        } else {
            valid()
        };
        for (i, b) in edits {
            let at = i.index(f.len());
            f[at] = b;
        }
        if let Ok(mut s) = etcd_playground::session_file::load(&f) {
            for cmd in ["etcdctl get --prefix ''", "crictl ps -a", "ls -lR /", "sleep 5", "etcdctl compaction 1"] {
                let _ = s.execute(cmd);
            }
        }
        // The page's saved session: the same bytes through the page's loader (IndexedDB holds them raw).
        let _ = etcd_playground::persist::decode(&f);
    });
}
