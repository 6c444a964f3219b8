//! The shell against real bash: each `tests/shell_vs_bash/*.sh` runs under
//! `bash --norc --noprofile -O expand_aliases` (GNU coreutils, findutils and grep beside
//! it) in a temporary directory, and line by line in the playground (plain scenario, in an empty directory, its
//! stdout a pipe as bash's is here); stdout, stderr and the exit status must be the same.
//!
//! One normalization, for where the message comes from: bash running a script prefixes its
//! own errors with `SCRIPT: line N: `, the playground (an interactive bash) with `bash: `.
//! The scripts use only builtins and programs the playground has, and relative paths.

use etcd_playground::process::Chunk;
use etcd_playground::shell::Session;
use std::path::Path;
use std::process::Command;

struct Outcome {
    stdout: String,
    stderr: String,
    status: i32,
}

fn bash(script: &Path) -> Option<Outcome> {
    let dir = std::env::temp_dir().join(format!("shell_vs_bash_{}_{}", std::process::id(), script.file_stem()?.to_string_lossy()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).ok()?;
    let out = Command::new("bash")
        // The playground is an interactive bash, where aliases are on.
        .args(["--norc", "--noprofile", "-O", "expand_aliases"])
        .arg(script)
        .current_dir(&dir)
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("LC_ALL", "C.UTF-8")
        .env("HOME", &dir)
        .output()
        .ok()?;
    let _ = std::fs::remove_dir_all(&dir);
    let prefix = regex_lite::Regex::new(&format!(r"(?m)^{}: line \d+: ", regex_lite::escape(&script.to_string_lossy()))).unwrap();
    Some(Outcome {
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: prefix.replace_all(&String::from_utf8_lossy(&out.stderr), "bash: ").into_owned(),
        status: out.status.code().unwrap_or(-1),
    })
}

fn playground(script: &str) -> Outcome {
    let mut s = Session::new("plain").unwrap();
    s.stdout_piped = true;
    let setup = s.execute("mkdir -p /tmp/vs && cd /tmp/vs");
    assert_eq!(setup.exit, 0, "{setup:?}");
    let (mut stdout, mut stderr, mut status) = (String::new(), String::new(), 0);
    let mut take = |chunks: &[Chunk]| {
        for c in chunks {
            match c {
                Chunk::Stdout(t) => stdout.push_str(t),
                Chunk::Bytes(b) => stdout.push_str(&String::from_utf8_lossy(b)),
                Chunk::Stderr(t) => stderr.push_str(t),
                Chunk::Explain(_) => {}
            }
        }
    };
    for line in script.lines() {
        let r = s.execute(line);
        take(&r.chunks);
        if !r.needs_more {
            status = r.exit;
        }
        if r.exited {
            break;
        }
    }
    let r = s.finish();
    take(&r.chunks);
    if !r.chunks.is_empty() {
        status = r.exit;
    }
    Outcome { stdout, stderr, status }
}

#[test]
fn scripts_print_what_bash_prints() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/shell_vs_bash");
    let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).filter(|p| p.extension().is_some_and(|e| e == "sh")).collect();
    files.sort();
    assert!(files.len() >= 6, "scripts missing in {dir:?}");
    if Command::new("bash").arg("--version").output().is_err() {
        panic!("bash is needed for this test (the oracle of the shell)");
    }
    let mut failures = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        let real = bash(f).expect("bash ran");
        let ours = playground(&text);
        let name = f.file_name().unwrap().to_string_lossy();
        if real.stdout != ours.stdout {
            failures.push(format!("{name}: stdout differs\n{}", diff(&real.stdout, &ours.stdout)));
        }
        if real.stderr != ours.stderr {
            failures.push(format!("{name}: stderr differs\n{}", diff(&real.stderr, &ours.stderr)));
        }
        if real.status != ours.status {
            failures.push(format!("{name}: exit status bash {} playground {}", real.status, ours.status));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// The lines that differ, bash's first (`-`), then the playground's (`+`).
fn diff(real: &str, ours: &str) -> String {
    let (a, b): (Vec<&str>, Vec<&str>) = (real.lines().collect(), ours.lines().collect());
    let mut out = String::new();
    for k in 0..a.len().max(b.len()) {
        let (x, y) = (a.get(k), b.get(k));
        if x != y {
            out.push_str(&format!("line {}:\n- {:?}\n+ {:?}\n", k + 1, x, y));
            if out.len() > 3000 {
                break;
            }
        }
    }
    out
}
