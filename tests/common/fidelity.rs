//! The differential runner shared by the fidelity suites (`tests/fidelity.rs` against Debian's
//! etcd 3.4.23 and the `plain` scenario, `tests/fidelity35.rs` against etcd 3.5.1 with
//! kubeadm's TLS and the `kubeadm` scenario): every command of a suite's `*.txt` files runs
//! twice — once through real `bash` against a real etcd started on loopback, once through the
//! playground's `Session` — and the two outputs (stdout and stderr interleaved, and the exit
//! status) must be equal after the suite's normalization.
//!
//! Format of a file: `$ command` lines (a `> ` line continues the command: heredocs,
//! backslashes), `# ` comments, and `#~ reason` after a command to mark a known difference:
//! it still runs and is reported, but does not fail the test.
//!
//! The real member listens on free ports; a wrapper `etcdctl` in front of PATH adds
//! `--endpoints=127.0.0.1:<port>` when the command gives no endpoint; a suite's [`Real::map`]
//! rewrites the playground's addresses and paths to the real ones in commands, and back in
//! outputs.

use etcd_playground::shell::Session;
use regex::Regex;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Instant;

pub struct Step {
    pub lines: Vec<String>,
    pub known: Option<String>,
}

pub fn parse_file(text: &str) -> Vec<Step> {
    let mut steps: Vec<Step> = Vec::new();
    for line in text.lines() {
        if let Some(c) = line.strip_prefix("$ ") {
            steps.push(Step { lines: vec![c.to_string()], known: None });
        } else if let (Some(c), Some(last)) = (line.strip_prefix("> ").or(if line == ">" { Some("") } else { None }), steps.last_mut()) {
            last.lines.push(c.to_string());
        } else if let (Some(k), Some(last)) = (line.strip_prefix("#~ "), steps.last_mut()) {
            last.known = Some(k.to_string());
        }
    }
    steps
}

/// A free 4-digit port, so that outputs keep the width of `127.0.0.1:2379` (tables!). Ports
/// are handed out once per test process, so parallel files never share one. `also` is another
/// loopback address the port must be free on.
pub fn free_port(also: Option<&str>) -> u16 {
    use std::sync::atomic::{AtomicU16, Ordering};
    static NEXT: AtomicU16 = AtomicU16::new(0);
    let base = 3000 + (std::process::id() % 600) as u16 * 10;
    loop {
        let n = NEXT.fetch_add(1, Ordering::SeqCst);
        assert!(n < 3000, "no free 4-digit port on 127.0.0.1");
        let port = 3000 + (base - 3000 + n) % 6999;
        if TcpListener::bind(("127.0.0.1", port)).is_ok() && also.is_none_or(|a| TcpListener::bind((a, port)).is_ok()) {
            return port;
        }
    }
}

/// A real process (etcd) killed, and its directory removed, when dropped.
pub struct Guard {
    pub child: Child,
    pub dir: PathBuf,
}

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A running real member and how to reach it.
pub struct Real {
    pub guard: Guard,
    /// The real `etcdctl` the wrapper runs.
    pub etcdctl: PathBuf,
    /// What the wrapper adds when a command names no endpoint (`127.0.0.1:<port>`).
    pub default_endpoint: String,
    /// Other programs put on PATH under their own name (`etcdutl`).
    pub tools: Vec<(String, PathBuf)>,
    /// (playground text, real text): applied in order to commands, and in order the other
    /// way round to outputs. Longer texts first.
    pub map: Vec<(String, String)>,
}

impl Real {
    pub fn dir(&self) -> &Path {
        &self.guard.dir
    }
}

/// Runs the whole transcript through one real bash, each command followed by a marker with
/// its exit status.
pub fn run_real(steps: &[Step], real: &Real) -> Vec<(String, i32)> {
    let dir = real.dir();
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let wrapper = bin.join("etcdctl");
    let ctl = real.etcdctl.display();
    std::fs::write(
        &wrapper,
        format!(
            "#!/bin/bash\nfor a in \"$@\"; do case \"$a\" in --endpoints*) exec {ctl} \"$@\";; esac; done\nif [ -n \"$ETCDCTL_ENDPOINTS\" ]; then exec {ctl} \"$@\"; fi\nexec {ctl} --endpoints={} \"$@\"\n",
            real.default_endpoint
        ),
    )
    .unwrap();
    Command::new("chmod").arg("+x").arg(&wrapper).status().unwrap();
    for (name, path) in &real.tools {
        let _ = std::fs::remove_file(bin.join(name));
        std::os::unix::fs::symlink(path, bin.join(name)).unwrap();
    }
    let home = dir.join("home");
    std::fs::create_dir_all(&home).unwrap();
    let mut script = String::from("exec 2>&1\n");
    for (i, s) in steps.iter().enumerate() {
        let mut cmd = s.lines.join("\n");
        for (sim, r) in &real.map {
            cmd = cmd.replace(sim.as_str(), r);
        }
        // A real watch or keep-alive never ends: it gets two seconds (time to connect over TLS
        // on a busy machine), and being stopped by `timeout` (exit 124) counts as the
        // playground's bounded end (exit 0).
        if is_streaming(&cmd) {
            script.push_str(&format!("timeout 2 {cmd}\nrc=$?; [ $rc = 124 ] && rc=0"));
        } else {
            script.push_str(&format!("{cmd}\nrc=$?"));
        }
        script.push_str(&format!("\necho \"<<<FIDELITY {i} $rc>>>\"\n"));
    }
    let script_path = dir.join("script.sh");
    std::fs::write(&script_path, &script).unwrap();
    let child = Command::new("/bin/bash")
        .arg(&script_path)
        .current_dir(&home)
        .env_clear()
        .env("PATH", format!("{}:/usr/local/bin:/usr/bin:/bin", bin.display()))
        .env("HOME", &home)
        .env("LANG", "C")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .expect("bash");
    let out = child.wait_with_output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let marker = Regex::new(r"<<<FIDELITY (\d+) (\d+)>>>\n").unwrap();
    let mut results = Vec::new();
    let mut last = 0;
    for m in marker.captures_iter(&text) {
        let whole = m.get(0).unwrap();
        let code: i32 = m[2].parse().unwrap();
        let cmd = steps.get(results.len()).map(|s| s.lines.join("\n")).unwrap_or_default();
        results.push((protobuf_dump(&cmd, &text[last..whole.start()]), code));
        last = whole.end();
    }
    assert_eq!(results.len(), steps.len(), "the real run stopped early:\n{text}");
    results
        .into_iter()
        .map(|(mut o, c)| {
            for (sim, r) in &real.map {
                o = o.replace(r.as_str(), sim);
            }
            (o, c)
        })
        .collect()
}

/// `etcdctl -w protobuf ... | base64` (or `> f; base64 f`): the output decoded and shown as a
/// protobuf tree (`field:value`, sub-messages in braces, byte strings quoted), so that the
/// comparison is of every byte of the message. Applied to both sides before ports and IDs are
/// normalized; [`normalize`] then replaces varints wider than 32 bits (member, cluster and
/// lease IDs).
pub fn protobuf_dump(cmd: &str, out: &str) -> String {
    use base64::Engine;
    if !(cmd.contains("protobuf") && cmd.contains("base64")) || out.is_empty() || !out.lines().all(|l| !l.is_empty() && l.bytes().all(|b| b.is_ascii_alphanumeric() || b"+/=".contains(&b))) {
        return out.to_string();
    }
    let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(out.replace('\n', "")) else { return out.to_string() };
    fn varint(b: &mut &[u8]) -> Option<u64> {
        let mut v = 0u64;
        for i in 0..10 {
            let (&c, rest) = b.split_first()?;
            *b = rest;
            v |= ((c & 0x7f) as u64) << (7 * i);
            if c < 0x80 {
                return Some(v);
            }
        }
        None
    }
    // A message: every field a varint or a length-delimited field numbered 1..=15.
    fn msg(mut b: &[u8]) -> Option<String> {
        let mut o = Vec::new();
        while !b.is_empty() {
            let tag = varint(&mut b)?;
            let (num, wire) = (tag >> 3, tag & 7);
            if !(1..=15).contains(&num) {
                return None;
            }
            match wire {
                0 => o.push(format!("{num}:{}", varint(&mut b)?)),
                2 => {
                    let n = varint(&mut b)? as usize;
                    if n > b.len() {
                        return None;
                    }
                    let (v, rest) = b.split_at(n);
                    b = rest;
                    o.push(match msg(v) {
                        Some(m) if !v.is_empty() => format!("{num}:{{{m}}}"),
                        _ => format!("{num}:{:?}", String::from_utf8_lossy(v)),
                    });
                }
                _ => return None,
            }
        }
        Some(o.join(" "))
    }
    match msg(&bytes) {
        Some(m) => format!("protobuf {m}\n"),
        None => format!("undecodable protobuf {bytes:?}\n"),
    }
}

pub fn is_streaming(cmd: &str) -> bool {
    let cmd = cmd.trim_start_matches(|c: char| c.is_ascii_uppercase() || c == '_' || c == '=' || c.is_ascii_digit() || c == ' ');
    if cmd.contains("--help") {
        return false;
    }
    (cmd.starts_with("etcdctl watch") && !cmd.contains("-i")) || (cmd.starts_with("etcdctl lease keep-alive") && !cmd.contains("--once"))
}

pub fn run_sim(steps: &[Step], scenario: &str) -> Vec<(String, i32)> {
    let mut s = Session::new(scenario).unwrap();
    // The real side is a bash script whose stdout is a pipe, not a terminal.
    s.stdout_piped = true;
    steps
        .iter()
        .map(|st| {
            let mut out = String::new();
            let mut code = 0;
            for l in &st.lines {
                let r = s.execute(l);
                out.push_str(&r.text());
                code = r.exit;
            }
            (protobuf_dump(&st.lines.join("\n"), &out), code)
        })
        .collect()
}

/// Replaces what differs between two runs of the same real etcd, and nothing else.
pub fn normalize(s: &str) -> String {
    static RULES: std::sync::OnceLock<Vec<(Regex, &str)>> = std::sync::OnceLock::new();
    let rules = RULES.get_or_init(|| compile(BASE_RULES));
    let mut out = replace_all(s, rules);
    // A lease's keys come from a Go map: their order is random. Sort them.
    let sorted = |items: &str, sep: &str| {
        let mut v: Vec<&str> = items.split(sep).collect();
        v.sort();
        v.join(sep)
    };
    out = Regex::new(r"attached keys\(\[([^\]]*)\]\)").unwrap().replace_all(&out, |c: &regex::Captures| format!("attached keys([{}])", sorted(&c[1], " "))).into_owned();
    out = Regex::new(r#""keys":\[([^\]]*)\]"#).unwrap().replace_all(&out, |c: &regex::Captures| format!("\"keys\":[{}]", sorted(&c[1], ","))).into_owned();
    out
}

/// Compiles (pattern, replacement) rules once (a debug build takes milliseconds per regex).
pub fn compile(rules: &[(&str, &'static str)]) -> Vec<(Regex, &'static str)> {
    rules.iter().map(|(p, r)| (Regex::new(p).unwrap_or_else(|e| panic!("{p}: {e}")), *r)).collect()
}

pub fn replace_all(s: &str, rules: &[(Regex, &str)]) -> String {
    let mut out = s.to_string();
    for (re, rep) in rules {
        out = re.replace_all(&out, *rep).into_owned();
    }
    out
}

const BASE_RULES: &[(&str, &str)] = &[
        (r#""ts":"[^"]*""#, r#""ts":"<TS>""#),
        (r#""ts":[0-9.e+]+"#, r#""ts":<TS>"#),
        (r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}", "<TS>"),
        (r"client-[0-9a-f-]{36}", "client-<UUID>"),
        // etcdctl 3.5's retry warning names its gRPC target by a Go pointer.
        (r"etcd-endpoints://0x[0-9a-f]+/", "etcd-endpoints://<PTR>/"),
        (r#""(cluster_id|member_id|ID|id|leader|memberID)":\d+"#, r#""$1":<ID>"#),
        (r#""(ClusterID|MemberID|ID|Leader)" : \d+"#, r#""$1" : <ID>"#),
        (r"memberID:\d+", "memberID:<ID>"),
        // The header in proto text form (`marshal unsupported for type ...`).
        (r"\b(cluster_id|member_id):\d+", "$1:<ID>"),
        // A decoded protobuf (protobuf_dump): varints wider than 32 bits are IDs.
        (r"\b(\d+):\d{11,20}\b", "$1:<ID>"),
        (r"\b[0-9a-f]{16}\b", "<HEX>"),
        // zap's hex IDs (`"cluster-id": "8b27c0d83df504a"`): random where the real member's
        // peer port is, and Go prints no leading zero nibble, so 1 time in 16 not 16 digits.
        (r#""((?:[a-z]+-)*)id": "[0-9a-f]{1,16}""#, r#""${1}id": "<HEX>""#),
        (r"took = [0-9.]+[µmn]?s", "took = <T>"),
        (r#""took":"[0-9.]+[µmn]?s""#, r#""took":"<T>""#),
        (r#""Took" : [0-9.]+[µmn]?s"#, r#""Took" : <T>"#),
        (r"\b\d+(\.\d+)? [kMG]?B\b", "<SIZE>"),
        (r#""(dbSize|dbSizeInUse)":\d+"#, r#""$1":<SIZE>"#),
        (r#""DBSize" : \d+"#, r#""DBSize" : <SIZE>"#),
        (r"remaining\(\d+s\)", "remaining(<N>s)"),
        (r#""ttl":\d+"#, r#""ttl":<N>"#),
        (r#""lease":\d+"#, r#""lease":<ID>"#),
        // snapshot: the file holds the member and cluster IDs (they depend on the real peer
        // port here), so its hash differs; its size and the fetch time too.
        (r#""hash":\d+,"revision":(\d+),"totalKey""#, r#""hash":<HASH>,"revision":$1,"totalKey""#),
        (r#""totalSize":\d+"#, r#""totalSize":<SIZE>"#),
        // `snapshot status -w table`: Go prints the hash with %x, so 1 hash in 16 has 7 digits
        // and narrows the first column; compare the column, not its width.
        (r"(?m)^\| [0-9a-f]{1,8} +(\| +\d+ \| +\d+ \|)", "| <HASH> $1"),
        (r"(?m)^\| +HASH +(\| REVISION \|)", "| HASH $1"),
        (r"(?m)^\+-+(\+-+\+-+\+-+\+)$", "+<HASH COLUMN>$1"),
        (r#""took":[0-9.e-]+"#, r#""took":<T>"#),
        // bash running the harness's script names it in its messages.
        (r"(?m)^/\S+/script\.sh: line \d+: ", "bash: "),
        (r#""TTL" : \d+"#, r#""TTL" : <N>"#),
];

/// One differential suite.
pub struct Suite {
    /// The name in the count line (`fidelity`, `fidelity35`).
    pub name: &'static str,
    /// The real release compared against.
    pub version: &'static str,
    /// The directory of `*.txt` files, relative to the crate.
    pub dir: &'static str,
    /// The playground scenario the commands run in.
    pub scenario: &'static str,
    pub min_commands: usize,
    /// Starts a real member for one file (its name is the tag).
    pub start: fn(&str) -> Real,
    /// Applied to both outputs before they are compared.
    pub normalize: fn(&str) -> String,
}

pub fn run_suite(suite: &Suite) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(suite.dir);
    let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).filter(|p| p.extension().is_some_and(|e| e == "txt")).collect();
    files.sort();
    let started = Instant::now();
    let (mut total, mut matched, mut known_diffs) = (0, 0, Vec::new());
    let mut failures = Vec::new();
    // Each file gets its own real member; the files run in parallel.
    let results: Vec<(String, Vec<Step>, Vec<(String, i32)>, Vec<(String, i32)>)> = std::thread::scope(|sc| {
        let handles: Vec<_> = files
            .iter()
            .map(|f| {
                sc.spawn(move || {
                    let steps = parse_file(&std::fs::read_to_string(f).unwrap());
                    let name = f.file_name().unwrap().to_string_lossy().into_owned();
                    let t = Instant::now();
                    let real = (suite.start)(&name);
                    let t_start = t.elapsed().as_secs_f64();
                    let out = run_real(&steps, &real);
                    drop(real);
                    let t_real = t.elapsed().as_secs_f64();
                    let sim = run_sim(&steps, suite.scenario);
                    eprintln!("  {name}: real member started in {t_start:.1}s, real commands {:.1}s, playground {:.1}s", t_real - t_start, t.elapsed().as_secs_f64() - t_real);
                    (name, steps, out, sim)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().expect("a fidelity file panicked")).collect()
    });
    for (name, steps, real, sim) in &results {
        for ((st, (r, rc)), (s, sc)) in steps.iter().zip(real).zip(sim) {
            total += 1;
            let (rn, sn) = ((suite.normalize)(r), (suite.normalize)(s));
            let same = rn == sn && rc == sc;
            let cmd = st.lines.join("\n> ");
            if same {
                matched += 1;
                if let Some(k) = &st.known {
                    failures.push(format!("{name}: `{cmd}` is marked as a known difference ({k}) but matches now: remove the mark"));
                }
            } else if let Some(k) = &st.known {
                known_diffs.push(format!("{name}: `{cmd}`: {k}"));
            } else {
                failures.push(format!("{name}: $ {cmd}\n--- real etcdctl (exit {rc})\n{rn}--- playground (exit {sc})\n{sn}"));
            }
        }
    }
    eprintln!("{}: {matched} of {total} commands print the same as real etcd {} ({:.1}s)", suite.name, suite.version, started.elapsed().as_secs_f64());
    for k in &known_diffs {
        eprintln!("  known difference: {k}");
    }
    assert!(failures.is_empty(), "{} commands differ from real etcd {}:\n\n{}", failures.len(), suite.version, failures.join("\n\n"));
    assert!(total >= suite.min_commands, "the {} suite must cover at least {} commands, has {total}", suite.name, suite.min_commands);
}
