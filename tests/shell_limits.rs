//! Inputs that once crashed or hung the shell (issue 17 part 4), each run on a thread with a
//! 1 MiB stack (as tight as wasm's): depth limits give an error naming the limit, and long
//! inputs go through linear scans (no timing assertion: the harness's timeout is the bound).

use etcd_playground::process::Chunk;
use etcd_playground::shell::{Executed, Session};

/// Runs `line` in a fresh plain session on a 1 MiB stack: (stdout, stderr, exit).
fn run_small_stack(line: String) -> (String, String, i32) {
    std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(move || {
            let mut s = Session::new("plain").unwrap();
            let r: Executed = s.execute(&line);
            let (mut out, mut err) = (String::new(), String::new());
            for c in &r.chunks {
                match c {
                    Chunk::Stdout(t) => out.push_str(t),
                    Chunk::Stderr(t) => err.push_str(t),
                    _ => {}
                }
            }
            (out, err, r.exit)
        })
        .unwrap()
        .join()
        .expect("the shell overflowed a 1 MiB stack or panicked")
}

#[test]
fn substitutions_nested_3000_deep_stop_at_the_limit() {
    let line = format!("echo {}x{}", "$(".repeat(3000), ")".repeat(3000));
    let (out, err, _) = run_small_stack(line);
    assert_eq!(err, "bash: command substitution: nested more than 32 deep (the playground's limit)\n");
    assert_eq!(out, "\n");
    // Within the limit, nesting works.
    let mut line = "echo deep".to_string();
    for _ in 0..32 {
        line = format!("echo $({line})");
    }
    let (out, err, code) = run_small_stack(line);
    assert_eq!((out.as_str(), err.as_str(), code), ("deep\n", "", 0));
}

#[test]
fn backquotes_nested_through_substitutions_hit_the_same_limit() {
    let mut line = "echo x".to_string();
    for _ in 0..200 {
        line = format!("echo $({line})");
    }
    let (_, err, _) = run_small_stack(line);
    assert!(err.contains("nested more than 32 deep"), "{err}");
}

#[test]
fn compound_commands_nested_20000_deep_are_a_syntax_error() {
    for (open, close) in [("for i in 1; do ", "; done"), ("if true; then ", "; fi"), ("while false; do ", "; done"), ("{ ", "; }")] {
        let line = format!("{}echo x{}", open.repeat(20_000), close.repeat(20_000));
        let (out, err, code) = run_small_stack(line);
        assert_eq!((out.as_str(), code), ("", 2), "{open}");
        assert_eq!(err, "bash: syntax error: compound commands nested more than 100 deep (the playground's limit)\n", "{open}");
    }
    // 100 deep runs.
    let line = format!("{}echo in{}", "if true; then ".repeat(100), "; fi".repeat(100));
    assert_eq!(run_small_stack(line), ("in\n".to_string(), String::new(), 0));
}

#[test]
fn a_megabyte_of_unclosed_braces_is_an_error_at_once() {
    let (out, err, code) = run_small_stack(format!("echo {}", "${".repeat(500_000)));
    assert_eq!((out.as_str(), err.as_str(), code), ("", "bash: unexpected EOF while looking for matching `}'\n", 2));
    // Quoted, and without the `$`: literal text, echoed back (brace expansion pairs in one pass).
    let (out, _, code) = run_small_stack(format!("echo '{}'", "${".repeat(500_000)));
    assert_eq!((out.len(), code), (1_000_001, 0));
    let (out, _, code) = run_small_stack(format!("echo {}", "{".repeat(1_000_000)));
    assert_eq!((out.len(), code), (1_000_001, 0));
}

#[test]
fn a_hundred_thousand_substitutions_in_one_word() {
    let (out, err, code) = run_small_stack(format!("echo {}", "$(echo a)".repeat(100_000)));
    assert_eq!((err.as_str(), code), ("", 0));
    assert_eq!(out, format!("{}\n", "a".repeat(100_000)));
}

#[test]
fn deep_test_parentheses_and_negations_do_not_recurse_without_bound() {
    let line = format!("[ {} a {} ]", "\\( ".repeat(20_000), "\\) ".repeat(20_000));
    let (_, err, code) = run_small_stack(line);
    assert_eq!((err.as_str(), code), ("bash: [: too many arguments\n", 2));
    let line = format!("[ {}a ]; echo $?", "! ".repeat(20_001));
    assert_eq!(run_small_stack(line).0, "1\n");
}

#[test]
fn deep_compound_commands_inside_deep_substitutions_share_one_budget() {
    let mut line = "echo x".to_string();
    for _ in 0..40 {
        line = format!("{}echo $({line}){}", "if true; then ".repeat(100), "; fi".repeat(100));
    }
    let (_, err, _) = run_small_stack(line);
    assert!(err.contains("the playground's limit"), "{}", &err[..err.len().min(300)]);
}

#[test]
fn a_file_that_sources_itself_stops_at_the_nesting_limit() {
    let line = "printf 'echo level\\nsource self.sh\\n' > self.sh; source self.sh | sort | uniq -c; echo alive".to_string();
    let (out, err, code) = run_small_stack(line);
    // Each level printed before it sourced the next; the innermost one said why it stopped.
    assert_eq!(out, "     33 level\nalive\n");
    assert!(err.ends_with("sourced files nested too deep (the playground's limit)\n"), "{err}");
    assert_eq!(code, 0);
    let (out, err, code) = run_small_stack("printf 'source self.sh\\n' > self.sh; source self.sh".to_string());
    assert_eq!((out.as_str(), code), ("", 1));
    assert!(err.ends_with("bash: self.sh: sourced files nested too deep (the playground's limit)\n"), "{err}");
}
