//! Runs every `tests/transcripts/*.txt`: commands in, expected terminal output out.
//!
//! Format: `#! scenario: NAME` header lines, then `$ command` lines (a `> ` line continues the
//! command before it), each followed by the exact output the terminal shows (stdout and stderr
//! interleaved). `#? text` lines expect an explanation containing `text` (English).
//! Lines starting with `## ` are comments.

use etcd_playground::process::Chunk;
use etcd_playground::shell::Session;
use std::path::Path;

fn run_transcript(path: &Path) -> Result<(), String> {
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let mut scenario = "kubeadm".to_string();
    let mut steps: Vec<(Vec<String>, String, Vec<String>)> = Vec::new();
    for line in text.lines() {
        if let Some(h) = line.strip_prefix("#! scenario: ") {
            scenario = h.trim().to_string();
        } else if line.starts_with("## ") {
        } else if let Some(cmd) = line.strip_prefix("$ ") {
            steps.push((vec![cmd.to_string()], String::new(), Vec::new()));
        } else if let (Some(cont), Some(last)) = (line.strip_prefix("> "), steps.last_mut()) {
            if last.1.is_empty() {
                last.0.push(cont.to_string());
            } else {
                last.1.push_str(line);
                last.1.push('\n');
            }
        } else if let (Some(ex), Some(last)) = (line.strip_prefix("#? "), steps.last_mut()) {
            last.2.push(ex.to_string());
        } else if let Some(last) = steps.last_mut() {
            last.1.push_str(line);
            last.1.push('\n');
        } else if !line.trim().is_empty() {
            return Err(format!("output before any command: {line:?}"));
        }
    }
    let mut session = Session::new(&scenario)?;
    let mut failures = Vec::new();
    for (lines, expected, explains) in steps {
        let mut got = String::new();
        let mut got_explains = Vec::new();
        for l in &lines {
            let r = session.execute(l);
            got.push_str(&r.text());
            for c in r.chunks {
                if let Chunk::Explain(etcd_playground::i18n::Text { en, pt }) = c {
                    assert!(!pt.is_empty(), "explanation without Portuguese: {en}");
                    got_explains.push(en);
                }
            }
        }
        if got != expected {
            failures.push(format!("$ {}\n--- expected\n{expected}--- got\n{got}", lines.join("\n> ")));
        }
        for want in explains {
            if !got_explains.iter().any(|e| e.contains(&want)) {
                failures.push(format!("$ {}\nmissing explanation containing {want:?}; got {got_explains:?}", lines.join("\n> ")));
            }
        }
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures.join("\n\n"))
    }
}

#[test]
fn transcripts() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/transcripts");
    let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).filter(|p| p.extension().is_some_and(|e| e == "txt")).collect();
    files.sort();
    assert!(!files.is_empty(), "no transcripts in {dir:?}");
    let mut failed = Vec::new();
    for f in &files {
        if let Err(e) = run_transcript(f) {
            failed.push(format!("=== {}\n{e}", f.display()));
        }
    }
    assert!(failed.is_empty(), "{} of {} transcripts failed:\n{}", failed.len(), files.len(), failed.join("\n"));
}

/// The `run` subcommand is the contract other tests and instructors rely on: same output as
/// the session, stdout and stderr separated, the last exit status returned.
#[test]
fn run_mode_prints_what_the_terminal_shows() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_etcd-playground"))
        .args(["run", "--scenario", "plain", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            use std::io::Write;
            c.stdin.take().unwrap().write_all(b"etcdctl put k1 AAA,BBB,CCC\netcdctl get k1\nnope\n")?;
            c.wait_with_output()
        })
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "OK\nk1\nAAA,BBB,CCC\n");
    assert_eq!(String::from_utf8_lossy(&out.stderr), "bash: nope: command not found\n");
    assert_eq!(out.status.code(), Some(127));
}

#[test]
fn unknown_scenario_is_an_error() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_etcd-playground")).args(["run", "--scenario", "nope", "/dev/null"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown scenario 'nope'"));
}
