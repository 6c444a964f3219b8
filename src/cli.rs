//! Native subcommands. Kept out of the library: the library must not touch the host.

use etcd_playground::i18n::Text;
use etcd_playground::process::Chunk;
use etcd_playground::shell::Session;
use std::io::{BufRead, Read, Write};

const USAGE: &str = "usage:
  etcd-playground run [--scenario NAME] [--echo] [--explain] [--lang en|pt]
                      [--import HOSTFILE=VPATH]... [--export VPATH=HOSTFILE]... [FILE|-]
  etcd-playground serve [--dir DIR] [--port PORT]
  etcd-playground lessons check [DIR]
  etcd-playground lessons index [DIR]
  etcd-playground lessons try LESSON_FILE STEP_ID [FILE|-]
  etcd-playground strip-wasm FILE...   (build step: drops a module's custom sections)";

pub fn main(args: Vec<String>) -> i32 {
    match args.first().map(String::as_str) {
        Some("run") => run(&args[1..]),
        Some("serve") => serve(&args[1..]),
        Some("lessons") => lessons(&args[1..]),
        Some("strip-wasm") if args.len() > 1 => strip_wasm(&args[1..]),
        _ => {
            eprintln!("{USAGE}");
            2
        }
    }
}

/// Runs each line of FILE (or stdin) as if typed in the browser terminal. Prints stdout to
/// stdout and stderr to stderr, in order; with `--echo` also the prompt and the line;
/// with `--explain` the playground's explanations (prefixed `# `) on stderr.
fn run(args: &[String]) -> i32 {
    let mut scenario = "kubeadm".to_string();
    let mut echo = false;
    let mut explain = false;
    let mut lang = "en".to_string();
    let mut file: Option<String> = None;
    let mut imports: Vec<(String, String)> = Vec::new();
    let mut exports: Vec<(String, String)> = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--scenario" => scenario = it.next().cloned().unwrap_or_default(),
            "--echo" => echo = true,
            "--explain" => explain = true,
            "--lang" => lang = it.next().cloned().unwrap_or_default(),
            "--import" | "--export" => {
                let Some((a1, b1)) = it.next().and_then(|v| v.split_once('=')).map(|(x, y)| (x.to_string(), y.to_string())) else {
                    eprintln!("etcd-playground run: {a} needs {}\n{USAGE}", if a == "--import" { "HOSTFILE=VPATH" } else { "VPATH=HOSTFILE" });
                    return 2;
                };
                if a == "--import" { imports.push((a1, b1)) } else { exports.push((a1, b1)) }
            }
            s if s.starts_with("--scenario=") => scenario = s["--scenario=".len()..].to_string(),
            s if s.starts_with("--") && s != "-" => {
                eprintln!("etcd-playground run: unknown flag {s}\n{USAGE}");
                return 2;
            }
            s => file = Some(s.to_string()),
        }
    }
    let mut session = match Session::new(&scenario) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("etcd-playground run: {e}");
            return 2;
        }
    };
    for (host, vpath) in &imports {
        if let Err(e) = import_file(&mut session, host, vpath) {
            eprintln!("etcd-playground run: --import {host}={vpath}: {e}");
            return 2;
        }
    }
    // Bytes: a line that is not UTF-8 is refused on its own, by number, and the rest run.
    let input: Vec<u8> = match file.as_deref() {
        None | Some("-") => {
            let mut s = Vec::new();
            if let Err(e) = std::io::stdin().read_to_end(&mut s) {
                eprintln!("etcd-playground run: stdin: {e}");
                return 2;
            }
            s
        }
        Some(path) => match std::fs::read(path) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("etcd-playground run: {path}: {e}");
                return 2;
            }
        },
    };
    let stdout = std::io::stdout();
    let stderr = std::io::stderr();
    let mut last = 0;
    let source = match file.as_deref() {
        None | Some("-") => "stdin",
        Some(path) => path,
    };
    for (no, raw) in script_lines(&input).into_iter().enumerate() {
        let Ok(line) = std::str::from_utf8(raw) else {
            let message = invalid_line(source, no + 1);
            eprintln!("{}", if lang == "pt" { message.pt } else { message.en });
            last = 2;
            continue;
        };
        let mut out = stdout.lock();
        if echo {
            let _ = writeln!(out, "{}{}", session.prompt(), line);
        }
        let r = session.execute(line);
        for c in &r.chunks {
            match c {
                Chunk::Stdout(s) => {
                    let _ = out.write_all(s.as_bytes());
                }
                Chunk::Bytes(b) => {
                    let _ = out.write_all(b);
                }
                Chunk::Stderr(s) => {
                    let _ = out.flush();
                    let _ = stderr.lock().write_all(s.as_bytes());
                }
                Chunk::Explain(t) if explain => {
                    let _ = out.flush();
                    let text = if lang == "pt" { &t.pt } else { &t.en };
                    let _ = writeln!(stderr.lock(), "# {text}");
                }
                Chunk::Explain(_) => {}
            }
        }
        let _ = out.flush();
        if !r.needs_more {
            last = r.exit;
        }
        if r.exited {
            break;
        }
    }
    // A compound command still open at the end of the script.
    let r = session.finish();
    for c in &r.chunks {
        if let Chunk::Stderr(s) = c {
            let _ = stderr.lock().write_all(s.as_bytes());
        }
    }
    if !r.chunks.is_empty() {
        last = r.exit;
    }
    for (vpath, host) in &exports {
        if let Err(e) = export_file(&session, vpath, host) {
            eprintln!("etcd-playground run: --export {vpath}={host}: {e}");
            return 2;
        }
    }
    last
}

/// The lines of a script as `str::lines` splits them (`\n`, or `\r\n`), as bytes.
fn script_lines(input: &[u8]) -> Vec<&[u8]> {
    let mut v: Vec<&[u8]> = input.split(|&b| b == b'\n').map(|l| l.strip_suffix(b"\r").unwrap_or(l)).collect();
    if input.ends_with(b"\n") || input.is_empty() {
        v.pop();
    }
    v
}

/// The message for a script line that is not UTF-8 (the terminal only takes text).
fn invalid_line(source: &str, no: usize) -> Text {
    Text::new(
        format!("etcd-playground run: {source}:{no}: the line is not valid UTF-8; skipped"),
        format!("etcd-playground run: {source}:{no}: a linha não é UTF-8 válido; ignorada"),
    )
}

/// Copies a host file into the virtual filesystem (creating its directories).
fn import_file(session: &mut Session, host: &str, vpath: &str) -> Result<(), String> {
    let data = std::fs::read(host).map_err(|e| format!("{host}: {e}"))?;
    if !vpath.starts_with('/') {
        return Err(format!("{vpath}: the virtual path must be absolute"));
    }
    let path = etcd_playground::vfs::normalize("/", vpath);
    let parent = path.rsplit_once('/').map(|(p, _)| if p.is_empty() { "/" } else { p }).unwrap_or("/");
    let vfs = &mut session.world.vfs;
    vfs.mkdir_p(parent).map_err(|e| format!("{parent}: {}", e.strerror()))?;
    vfs.write(&path, data).map_err(|e| format!("{path}: {}", e.strerror()))
}

/// Copies a file of the virtual filesystem out to the host.
fn export_file(session: &Session, vpath: &str, host: &str) -> Result<(), String> {
    let path = etcd_playground::vfs::normalize(&session.cwd, vpath);
    let data = session.world.vfs.read(&path).map_err(|e| format!("{path}: {}", e.strerror()))?;
    std::fs::write(host, data).map_err(|e| format!("{host}: {e}"))
}

/// A minimal static server for the built page, on 127.0.0.1 only.
fn serve(args: &[String]) -> i32 {
    let mut dir = "dist".to_string();
    let mut port = "8080".to_string();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--dir" => dir = it.next().cloned().unwrap_or_default(),
            "--port" => port = it.next().cloned().unwrap_or_default(),
            s => {
                eprintln!("etcd-playground serve: unknown argument {s}\n{USAGE}");
                return 2;
            }
        }
    }
    let listener = match std::net::TcpListener::bind(format!("127.0.0.1:{port}")) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("etcd-playground serve: 127.0.0.1:{port}: {e}");
            return 1;
        }
    };
    let port = listener.local_addr().map(|a| a.port().to_string()).unwrap_or(port);
    println!("etcd-playground: serving {dir} on http://127.0.0.1:{port}/");
    let _ = std::io::stdout().flush();
    for stream in listener.incoming().flatten() {
        let dir = dir.clone();
        std::thread::spawn(move || handle(stream, &dir));
    }
    0
}

fn handle(mut stream: std::net::TcpStream, dir: &str) {
    let mut reader = std::io::BufReader::new(match stream.try_clone() {
        Ok(s) => s,
        Err(_) => return,
    });
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    // Drain the headers; we answer GET only.
    let mut line = String::new();
    while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
        line.clear();
    }
    let path = request_line.split_whitespace().nth(1).unwrap_or("/");
    let path = path.split(['?', '#']).next().unwrap_or("/");
    let rel = if path.ends_with('/') { format!("{path}index.html") } else { path.to_string() };
    let (status, body, mime) = if rel.contains("..") {
        ("400 Bad Request", b"bad path".to_vec(), "text/plain")
    } else {
        match std::fs::read(format!("{dir}{rel}")) {
            Ok(b) => ("200 OK", b, mime_of(&rel)),
            Err(_) => ("404 Not Found", b"not found".to_vec(), "text/plain"),
        }
    };
    let head = format!("HTTP/1.1 {status}\r\nContent-Type: {mime}\r\nContent-Length: {}\r\nCache-Control: no-cache\r\nConnection: close\r\n\r\n", body.len());
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(&body);
}

fn mime_of(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" => "text/javascript",
        "wasm" => "application/wasm",
        "css" => "text/css",
        "svg" => "image/svg+xml",
        "json" => "application/json",
        "toml" | "md" | "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// `lessons index [DIR]`: prints `lessons/index.json` for the page — the list of `DIR/*.toml`
/// with titles, summaries and step ids (see `lessons::course::index_json`). A file that does
/// not parse is reported on stderr and fails the command (exit 1), so a build stops on it.
fn lessons_index(files: &[std::path::PathBuf]) -> i32 {
    use etcd_playground::lessons::{course::index_json, validate_set, Lesson};
    let mut parsed = Vec::new();
    let mut failed = false;
    for path in files {
        let name = path.display().to_string();
        match std::fs::read_to_string(path).map_err(|e| format!("{name}: {e}")).and_then(|t| Lesson::parse_file(&name, &t).map_err(|e| e.to_string())) {
            Ok(l) => parsed.push(l),
            Err(e) => {
                eprintln!("{e}");
                failed = true;
            }
        }
    }
    for e in validate_set(&parsed) {
        eprintln!("{e}");
        failed = true;
    }
    if failed {
        return 1;
    }
    print!("{}", index_json(&parsed));
    0
}

/// `lessons try LESSON_FILE STEP_ID [FILE|-]`: plays the lesson up to the step (its start,
/// the earlier steps' starts and reference solutions), runs the commands of FILE (default
/// stdin; one per line, `\`-continued and heredoc lines as in the shell), prints their output,
/// then each check's verdict. Exits 0 when the step passes, 1 when it does not, 2 on a usage
/// or file error.
fn lessons_try(args: &[String]) -> i32 {
    use etcd_playground::lessons::{try_step, Lesson};
    if args.len() < 2 || args.len() > 3 {
        eprintln!("{USAGE}");
        return 2;
    }
    let text = match std::fs::read_to_string(&args[0]) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("etcd-playground lessons try: {}: {e}", args[0]);
            return 2;
        }
    };
    let lesson = match Lesson::parse_file(&args[0], &text) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("{e}");
            return 2;
        }
    };
    let input = match args.get(2).map(String::as_str) {
        None | Some("-") => {
            let mut s = String::new();
            if let Err(e) = std::io::stdin().read_to_string(&mut s) {
                eprintln!("etcd-playground lessons try: stdin: {e}");
                return 2;
            }
            s
        }
        Some(f) => match std::fs::read_to_string(f) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("etcd-playground lessons try: {f}: {e}");
                return 2;
            }
        },
    };
    let commands: Vec<String> = input.lines().map(str::to_string).collect();
    match try_step(&lesson, &args[1], &commands) {
        Ok(r) => {
            print!("{}", r.output);
            if !r.output.is_empty() && !r.output.ends_with('\n') {
                println!();
            }
            println!("--- step `{}` (last exit status {}):", args[1], r.exit);
            for (label, ok) in &r.checks {
                println!("{} {}", if *ok { "pass" } else { "FAIL" }, label.en);
            }
            if r.passed() {
                println!("the step passes");
                0
            } else {
                println!("the step does not pass");
                1
            }
        }
        Err(e) => {
            eprintln!("etcd-playground lessons try: {e}");
            2
        }
    }
}

/// `lessons check [DIR]`: validates every `DIR/*.toml` (default `lessons`) and plays each
/// reference solution from the lesson's scenario. Prints `ok FILE` or `FILE:LINE: problem`
/// lines; exits 1 if anything failed.
fn lessons(args: &[String]) -> i32 {
    use etcd_playground::lessons::{validate_set, verify, Lesson};
    let sub = args.first().map(String::as_str).unwrap_or("");
    if sub == "try" {
        return lessons_try(&args[1..]);
    }
    if !matches!(sub, "check" | "index") || args.len() > 2 {
        eprintln!("{USAGE}");
        return 2;
    }
    let dir = args.get(1).cloned().unwrap_or_else(|| "lessons".to_string());
    let mut files: Vec<std::path::PathBuf> = match std::fs::read_dir(&dir) {
        Ok(rd) => rd.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "toml")).collect(),
        Err(e) => {
            eprintln!("etcd-playground lessons {sub}: {dir}: {e}");
            return 2;
        }
    };
    files.sort();
    if files.is_empty() {
        eprintln!("etcd-playground lessons {sub}: {dir}: no *.toml lesson files");
        return 1;
    }
    if sub == "index" {
        return lessons_index(&files);
    }
    let mut failed = 0;
    let mut parsed = Vec::new();
    for path in &files {
        let name = path.display().to_string();
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) => {
                println!("{name}: {e}");
                failed += 1;
                continue;
            }
        };
        match Lesson::parse_file(&name, &text).and_then(|l| verify(&l).map(|_| l)) {
            Ok(l) => {
                println!("ok {name} ({} steps)", l.steps.len());
                parsed.push(l);
            }
            Err(e) => {
                println!("{e}");
                failed += 1;
            }
        }
    }
    for e in validate_set(&parsed) {
        println!("{e}");
        failed += 1;
    }
    if failed > 0 {
        println!("{failed} of {} lesson files failed", files.len());
        1
    } else {
        println!("ok: {} lessons", files.len());
        0
    }
}

/// Rewrites each wasm file without its custom sections (names, producers): the chunks
/// wasm-split writes keep their function names, which the page does not need.
fn strip_wasm(files: &[String]) -> i32 {
    for f in files {
        let stripped = std::fs::read(f).map_err(|e| e.to_string()).and_then(|b| without_custom_sections(&b));
        match stripped.and_then(|b| std::fs::write(f, b).map_err(|e| e.to_string())) {
            Ok(()) => {}
            Err(e) => {
                eprintln!("strip-wasm: {f}: {e}");
                return 1;
            }
        }
    }
    0
}

/// The module with every custom section (id 0) left out; an error if it is not a wasm module.
fn without_custom_sections(wasm: &[u8]) -> Result<Vec<u8>, String> {
    if wasm.len() < 8 || &wasm[..4] != b"\0asm" {
        return Err("not a wasm module".into());
    }
    let mut out = wasm[..8].to_vec();
    let mut i = 8;
    while i < wasm.len() {
        let id = wasm[i];
        let (len, body) = leb128_u32(wasm, i + 1).ok_or("truncated section header")?;
        let end = body.checked_add(len as usize).filter(|&e| e <= wasm.len()).ok_or("truncated section")?;
        if id != 0 {
            out.extend_from_slice(&wasm[i..end]);
        }
        i = end;
    }
    Ok(out)
}

/// An unsigned LEB128 at `at`: the value and the offset just past it.
fn leb128_u32(b: &[u8], at: usize) -> Option<(u32, usize)> {
    let mut v: u32 = 0;
    for k in 0..5 {
        let byte = *b.get(at + k)?;
        v |= u32::from(byte & 0x7f) << (7 * k);
        if byte & 0x80 == 0 {
            return Some((v, at + k + 1));
        }
    }
    None
}

#[cfg(test)]
mod strip_tests {
    use super::*;

    #[test]
    fn custom_sections_go_and_the_rest_stays_byte_for_byte() {
        let header = b"\0asm\x01\0\0\0";
        let type_section = [1u8, 4, 1, 0x60, 0, 0];
        let name_section = [0u8, 5, 4, b'n', b'a', b'm', b'e'];
        let mut wasm = header.to_vec();
        wasm.extend_from_slice(&name_section);
        wasm.extend_from_slice(&type_section);
        wasm.extend_from_slice(&name_section);
        let mut want = header.to_vec();
        want.extend_from_slice(&type_section);
        assert_eq!(without_custom_sections(&wasm).unwrap(), want);
    }

    #[test]
    fn garbage_is_refused_not_truncated() {
        assert!(without_custom_sections(b"hello world").is_err());
        assert!(without_custom_sections(b"\0asm\x01\0\0\0\x01\x7f").is_err());
        assert!(without_custom_sections(b"\0asm\x01\0\0\0\x01\xff\xff\xff\xff\xff").is_err());
    }
}
