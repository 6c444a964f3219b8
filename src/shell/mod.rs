//! The terminal's shell: one [`Session`] turns typed lines into command runs and output.
//! The browser terminal and `etcd-playground run` both feed lines to [`Session::execute`],
//! so they print the same thing.

pub mod builtins;
pub mod complete;
pub mod coreutils;
pub mod glob;
pub mod jobctl;
pub mod parse;

use crate::process::{Chunk, Proc};
use crate::world::World;
use parse::{Connector, RedirectOp, SimpleCommand};
use serde::{Deserialize, Serialize};
use crate::sorted_map::SortedMap;

/// A command implementation: it reads its arguments and stdin from `Proc`, acts on the world,
/// writes into `Proc`, and returns its exit status.
pub type CommandFn = fn(&mut World, &mut Proc) -> i32;

/// What one call to [`Session::execute`] produced.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Executed {
    pub chunks: Vec<Chunk>,
    /// The exit status of the last command (`$?`).
    pub exit: i32,
    /// The line was incomplete (trailing `\` or an open heredoc): more input is expected and
    /// the prompt is now the continuation prompt.
    pub needs_more: bool,
    /// `clear` ran: the terminal should drop what it shows.
    pub clear: bool,
    /// A job is running in the foreground (`etcdctl watch`): no prompt until it ends; the page
    /// calls [`Session::poll`] as time passes and [`Session::interrupt`] on Ctrl+C.
    pub running: bool,
}

impl Executed {
    /// The output as a terminal shows it, stdout and stderr interleaved, explanations left out.
    pub fn text(&self) -> String {
        self.chunks
            .iter()
            .filter_map(|c| match c {
                Chunk::Stdout(s) | Chunk::Stderr(s) => Some(std::borrow::Cow::Borrowed(s.as_str())),
                Chunk::Bytes(b) => Some(String::from_utf8_lossy(b)),
                Chunk::Explain { .. } => None,
            })
            .collect()
    }
}

/// The whole state of one terminal session: the simulated world plus the shell's own state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    pub world: World,
    pub vars: SortedMap<String, String>,
    pub exported: Vec<String>,
    pub cwd: String,
    pub home: String,
    pub history: Vec<String>,
    pub last_exit: i32,
    /// Lines typed so far of a command that is not complete yet.
    pending: Vec<String>,
    /// The foreground job still running (see [`crate::jobs`]).
    #[serde(default)]
    pub job: Option<crate::jobs::Job>,
    /// True while [`Session::execute_interactive`] runs a line: a job may stay in the foreground.
    #[serde(skip)]
    interactive: bool,
    /// True while the command being run may become the foreground job (alone in its pipeline).
    #[serde(skip)]
    fg_slot: bool,
    /// Background jobs (`cmd &`), see [`jobctl`].
    #[serde(default)]
    pub bg: Vec<jobctl::BgJob>,
    /// While a `cmd &` runs: where its job goes.
    #[serde(skip)]
    bg_new: Option<Option<crate::jobs::Job>>,
    /// The command being run is alone in its pipeline (it may become a background job).
    #[serde(skip)]
    fg_slot_bg: bool,
    /// The session's own output is not a terminal (native `run` mode into a pipe or a file, a
    /// test comparing with a script run by bash): commands at the end of a pipeline then see
    /// stdout as a pipe ([`Proc::stdout_tty`] false), as `ls` does in `$(...)`.
    #[serde(skip)]
    pub stdout_piped: bool,
}

impl Session {
    /// A fresh session on a named scenario (see [`crate::cluster::scenario::SCENARIOS`]).
    pub fn new(scenario: &str) -> Result<Session, String> {
        let (world, home) = World::from_scenario(scenario).ok_or_else(|| {
            format!("unknown scenario '{scenario}' (known: {})", crate::cluster::scenario::SCENARIOS.join(", "))
        })?;
        let mut vars = SortedMap::new();
        for (k, v) in [("HOME", home.as_str()), ("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"), ("USER", "root"), ("SHELL", "/bin/bash"), ("HOSTNAME", world.hostname.as_str())] {
            vars.insert(k.to_string(), v.to_string());
        }
        let exported = vars.keys().cloned().collect();
        Ok(Session { world, vars, exported, cwd: home.clone(), home, history: Vec::new(), last_exit: 0, pending: Vec::new(), job: None, interactive: false, fg_slot: false, bg: Vec::new(), bg_new: None, fg_slot_bg: false, stdout_piped: false })
    }

    /// The prompt the terminal shows before the next line (none while a job runs).
    pub fn prompt(&self) -> String {
        if self.job.is_some() {
            return String::new();
        }
        if !self.pending.is_empty() {
            return "> ".to_string();
        }
        let dir = if self.cwd == self.home {
            "~".to_string()
        } else if let Some(rest) = self.cwd.strip_prefix(&format!("{}/", self.home)) {
            format!("~/{rest}")
        } else {
            self.cwd.clone()
        };
        format!("root@{}:{}# ", self.world.hostname, dir)
    }

    /// Drops a half-typed multi-line command (Ctrl+C at a `> ` prompt).
    pub fn cancel_pending(&mut self) {
        self.pending.clear();
    }

    /// Runs one line typed at the terminal: like [`Session::execute`], but a command that keeps
    /// running (`etcdctl watch`) stays as the foreground job (`running: true`) until
    /// [`Session::interrupt`] or until it ends by itself (seen by [`Session::poll`]). While a
    /// job runs, lines are not executed (a terminal shows them; the foreground process does
    /// not read them): the result is empty with `running: true`.
    pub fn execute_interactive(&mut self, line: &str) -> Executed {
        if self.job.is_some() {
            return Executed { exit: self.last_exit, running: true, ..Default::default() };
        }
        self.interactive = true;
        let r = self.execute(line);
        self.interactive = false;
        r
    }

    /// New output of the foreground job up to the world's clock (the caller advances
    /// `world.clock_ms`), and whether it still runs. Nothing when no job runs.
    pub fn poll(&mut self) -> Executed {
        let bg = if self.bg.is_empty() { Vec::new() } else { jobctl::poll_bg(self, true) };
        let Some(mut job) = self.job.take() else { return Executed { chunks: bg, exit: self.last_exit, ..Default::default() } };
        let mut p = job.poll(&mut self.world);
        if !bg.is_empty() {
            let mut chunks = bg;
            chunks.append(&mut p.chunks);
            p.chunks = chunks;
        }
        match p.ended {
            Some(code) => {
                self.last_exit = code;
                Executed { chunks: p.chunks, exit: code, ..Default::default() }
            }
            None => {
                self.job = Some(job);
                Executed { chunks: p.chunks, exit: self.last_exit, running: true, ..Default::default() }
            }
        }
    }

    /// Ctrl+C while a job runs: stops it (`$?` becomes 130). What real etcdctl prints then is
    /// nothing; the result may hold an explanation.
    pub fn interrupt(&mut self) -> Executed {
        let Some(job) = self.job.take() else { return Executed { exit: self.last_exit, ..Default::default() } };
        let chunks = job.interrupt(&mut self.world);
        self.last_exit = crate::jobs::EXIT_SIGINT;
        Executed { chunks, exit: self.last_exit, ..Default::default() }
    }

    /// Runs one line. Never panics on any input: errors become shell messages. A command that
    /// would keep running is ended at once by [`crate::jobs::Job::finish_bounded`] unless the
    /// line came through [`Session::execute_interactive`].
    pub fn execute(&mut self, line: &str) -> Executed {
        self.pending.push(line.to_string());
        let first = self.pending[0].clone();
        // A heredoc is complete when a line equal to its delimiter arrives.
        if let Some(delim) = parse::heredoc_delimiter(&first) {
            if self.pending.len() == 1 || self.pending.last().map(|l| l.trim_end()) != Some(delim.as_str()) {
                return Executed { needs_more: true, ..Default::default() };
            }
            let lines = std::mem::take(&mut self.pending);
            let body: String = lines[1..lines.len() - 1].iter().map(|l| format!("{l}\n")).collect();
            self.record_history(&lines.join("\n"));
            let r = self.run_line(&first, Some(&body));
            return self.with_bg_output(r);
        }
        if line.ends_with('\\') && !line.ends_with("\\\\") {
            return Executed { needs_more: true, ..Default::default() };
        }
        // Join continuation lines: each trailing backslash-newline disappears, as in bash.
        let lines = std::mem::take(&mut self.pending);
        let joined: String = lines.iter().map(|l| l.strip_suffix('\\').unwrap_or(l)).collect::<Vec<_>>().join("");
        self.record_history(&lines.join("\n"));
        let r = self.run_line(&joined, None);
        self.with_bg_output(r)
    }

    /// After a line: what background jobs printed meanwhile, and bash's notices of ended jobs.
    fn with_bg_output(&mut self, mut r: Executed) -> Executed {
        if !self.bg.is_empty() {
            r.chunks.extend(jobctl::poll_bg(self, true));
        }
        r
    }

    fn record_history(&mut self, entry: &str) {
        if !entry.trim().is_empty() {
            self.history.push(entry.to_string());
        }
    }

    /// `$(command)` and `` `command` ``: runs the inner command and puts its output (trailing
    /// newlines removed) in its place — quoted inside double quotes, split into words outside.
    /// Its stderr goes to the terminal.
    fn substitute(&mut self, line: &str, depth: usize) -> (String, Vec<Chunk>) {
        let chars: Vec<char> = line.chars().collect();
        let mut out = String::new();
        let mut side = Vec::new();
        let (mut in_single, mut in_double) = (false, false);
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            let opens = !in_single && ((c == '$' && chars.get(i + 1) == Some(&'(') && chars.get(i + 2) != Some(&'(')) || c == '`');
            if opens && depth < 8 {
                let (start, close) = if c == '`' { (i + 1, '`') } else { (i + 2, ')') };
                let mut j = start;
                let mut nest = 0;
                while j < chars.len() {
                    if close == ')' && chars[j] == '(' {
                        nest += 1;
                    } else if chars[j] == close {
                        if nest == 0 {
                            break;
                        }
                        nest -= 1;
                    }
                    j += 1;
                }
                if j >= chars.len() {
                    out.extend(&chars[i..]);
                    break;
                }
                let inner: String = chars[start..j].iter().collect();
                let (inner, mut pre) = self.substitute(&inner, depth + 1);
                side.append(&mut pre);
                let interactive = std::mem::replace(&mut self.interactive, false);
                let piped = std::mem::replace(&mut self.stdout_piped, true);
                let r = self.run_line(&inner, None);
                self.interactive = interactive;
                self.stdout_piped = piped;
                let mut text = String::new();
                for ch in r.chunks {
                    match ch {
                        Chunk::Stdout(s) => text.push_str(&s),
                        Chunk::Bytes(b) => text.push_str(&String::from_utf8_lossy(&b)),
                        other => side.push(other),
                    }
                }
                let text = text.trim_end_matches('\n');
                // In `NAME=$(...)` the value is not split into words.
                let word_start = out.rfind(char::is_whitespace).map(|i| i + out[i..].chars().next().map_or(1, char::len_utf8)).unwrap_or(0);
                let word = &out[word_start..];
                let assignment = word.split_once('=').is_some_and(|(n, _)| !n.is_empty() && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') && !n.starts_with(|c: char| c.is_ascii_digit()));
                for ch in text.chars() {
                    if assignment && !in_double {
                        if !(ch.is_alphanumeric() || matches!(ch, '-' | '_' | '.' | '/' | ':' | ',' | '=' | '+')) {
                            out.push('\\');
                        }
                        out.push(ch);
                    } else if in_double {
                        if matches!(ch, '"' | '\\' | '$' | '`') {
                            out.push('\\');
                        }
                        out.push(ch);
                    } else if ch.is_whitespace() {
                        out.push(' ');
                    } else if ch.is_alphanumeric() || matches!(ch, '-' | '_' | '.' | '/' | ':' | ',' | '=' | '+') {
                        out.push(ch);
                    } else {
                        out.push('\\');
                        out.push(ch);
                    }
                }
                i = j + 1;
                continue;
            }
            match c {
                '\'' if !in_double => in_single = !in_single,
                '"' if !in_single => in_double = !in_double,
                '\\' if !in_single => {
                    out.push(c);
                    if let Some(&n) = chars.get(i + 1) {
                        out.push(n);
                    }
                    i += 2;
                    continue;
                }
                _ => {}
            }
            out.push(c);
            i += 1;
        }
        (out, side)
    }

    fn run_line(&mut self, line: &str, heredoc: Option<&str>) -> Executed {
        let (line, side) = if line.contains("$(") || line.contains('`') { self.substitute(line, 0) } else { (line.to_string(), Vec::new()) };
        let mut r = self.run_line_inner(&line, heredoc);
        if !side.is_empty() {
            let mut chunks = side;
            chunks.append(&mut r.chunks);
            r.chunks = chunks;
        }
        r
    }

    fn run_line_inner(&mut self, line: &str, heredoc: Option<&str>) -> Executed {
        let list = match parse::parse(line, heredoc) {
            Ok(l) => l,
            Err(e) => {
                self.last_exit = 2;
                return Executed { chunks: vec![Chunk::Stderr(format!("bash: {e}\n"))], exit: 2, ..Default::default() };
            }
        };
        let mut result = Executed::default();
        let mut run_next = true;
        for (pipeline, conn) in list.items {
            if conn == Connector::Background {
                // bash runs it and goes on at once; `[N] PID` first.
                if run_next {
                    let n = jobctl::next_number(self);
                    let command = pipeline.iter().map(|c| c.assigns.iter().chain(c.words.iter()).cloned().collect::<Vec<_>>().join(" ")).collect::<Vec<_>>().join(" | ");
                    result.chunks.push(Chunk::Stderr(format!("[{n}] 4242\n")));
                    self.bg_new = Some(None);
                    let (chunks, exit, _) = self.run_pipeline(&pipeline);
                    let job = self.bg_new.take().flatten();
                    result.chunks.extend(chunks);
                    let state = if job.is_some() { jobctl::BgState::Running } else { jobctl::BgState::Done(exit) };
                    self.bg.push(jobctl::BgJob { n, command, job, state });
                    self.last_exit = 0;
                }
                run_next = true;
                continue;
            }
            if run_next {
                let (chunks, exit, clear) = self.run_pipeline(&pipeline);
                result.chunks.extend(chunks);
                result.clear |= clear;
                self.last_exit = exit;
                if !self.bg.is_empty() {
                    // A background watch sees this pipeline's writes at once.
                    result.chunks.extend(jobctl::poll_bg(self, false));
                }
                if self.job.is_some() {
                    // The rest of the list waits for the job; Ctrl+C then drops it, as in bash.
                    result.running = true;
                    break;
                }
            }
            run_next = match conn {
                Connector::Always | Connector::Background => true,
                Connector::And => self.last_exit == 0,
                Connector::Or => self.last_exit != 0,
            };
        }
        result.exit = self.last_exit;
        result
    }

    fn special_vars(&self) -> SortedMap<String, String> {
        let mut v = self.vars.clone();
        v.insert("?".into(), self.last_exit.to_string());
        v.insert("$".into(), "4242".into());
        v.insert("PWD".into(), self.cwd.clone());
        v
    }

    fn run_pipeline(&mut self, pipeline: &[SimpleCommand]) -> (Vec<Chunk>, i32, bool) {
        let mut chunks = Vec::new();
        let mut stdin: Vec<u8> = Vec::new();
        let mut exit = 0;
        let mut clear = false;
        for (i, cmd) in pipeline.iter().enumerate() {
            let last = i + 1 == pipeline.len();
            self.fg_slot = self.interactive && pipeline.len() == 1;
            self.fg_slot_bg = pipeline.len() == 1;
            let tty = last && !self.stdout_piped;
            let (out, code, cleared) = self.run_simple(cmd, std::mem::take(&mut stdin), tty);
            self.fg_slot = false;
            self.fg_slot_bg = false;
            clear |= cleared;
            exit = code;
            for c in out {
                match c {
                    Chunk::Stdout(s) if !last => stdin.extend_from_slice(s.as_bytes()),
                    Chunk::Bytes(b) if !last => stdin.extend_from_slice(&b),
                    other => chunks.push(other),
                }
            }
        }
        (chunks, exit, clear)
    }

    fn run_simple(&mut self, cmd: &SimpleCommand, stdin: Vec<u8>, tty: bool) -> (Vec<Chunk>, i32, bool) {
        // What this command writes carries the simulated clock's time (`ls -l`).
        self.world.vfs.now = crate::cluster::clock::now_unix(self.world.clock_ms);
        let vars = self.special_vars();
        // An unquoted word that expands to nothing (`--endpoints $UNSET`) disappears, as in bash.
        // Unquoted `*`, `?` and `[...]` then become the matching paths (`ls pki/*.crt`).
        let mut words: Vec<String> = Vec::new();
        for w in &cmd.words {
            let marked = parse::expand_marked(w, &vars, true);
            match glob::expand_checked(&marked, &self.world.vfs, &self.cwd) {
                Err(glob::TooLarge) => {
                    let word: String = marked.iter().map(|&(c, _)| c).collect();
                    return (glob_too_large(&word), 1, false);
                }
                Ok(Some(paths)) => words.extend(paths),
                Ok(None) if !marked.is_empty() || w.contains(['\'', '"']) => words.push(marked.into_iter().map(|(c, _)| c).collect()),
                Ok(None) => {}
            }
        }
        let assigns: Vec<(String, String)> = cmd
            .assigns
            .iter()
            .map(|a| {
                let (k, v) = a.split_once('=').unwrap_or((a, ""));
                (k.to_string(), parse::expand(v, &vars, true))
            })
            .collect();
        if words.is_empty() {
            // `VAR=value` alone sets a shell variable.
            for (k, v) in assigns {
                self.vars.insert(k, v);
            }
            return (Vec::new(), 0, false);
        }
        let stdout_tty = tty && !cmd.redirects.iter().any(|(op, _)| matches!(op, RedirectOp::Out | RedirectOp::Append));
        let mut proc = Proc { args: words, cwd: self.cwd.clone(), stdin, stdout_tty, ..Default::default() };
        for k in &self.exported {
            if let Some(v) = self.vars.get(k) {
                proc.env.insert(k.clone(), v.clone());
            }
        }
        for (k, v) in assigns {
            proc.env.insert(k, v);
        }
        // Input redirects first, so the command sees them.
        for (op, target) in &cmd.redirects {
            match op {
                RedirectOp::HereDoc => {
                    let quoted = target.contains('\'') || target.contains('"');
                    let body = cmd.heredoc.clone().unwrap_or_default();
                    proc.stdin = if quoted { body.into_bytes() } else { parse::expand(&body.replace('"', "\\\""), &vars, true).into_bytes() };
                }
                RedirectOp::In => {
                    let path = proc.path(&parse::expand(target, &vars, true));
                    if path == "/dev/null" {
                        proc.stdin = Vec::new();
                        continue;
                    }
                    match self.world.read(&path) {
                        Ok(d) => proc.stdin = d.into_owned(),
                        Err(e) => {
                            let t = parse::expand(target, &vars, true);
                            return (vec![Chunk::Stderr(format!("bash: {t}: {}\n", e.strerror()))], 1, false);
                        }
                    }
                }
                _ => {}
            }
        }
        // bash opens `>`/`>>` targets before the command runs (`ls > f` lists f).
        for (op, target) in &cmd.redirects {
            if matches!(op, RedirectOp::Out | RedirectOp::Append) {
                let path = proc.path(&parse::expand(target, &vars, true));
                if path != "/dev/null" && (matches!(op, RedirectOp::Out) || !self.world.vfs.exists(&path)) {
                    let _ = self.world.vfs.write(&path, Vec::new());
                }
            }
        }
        let name = proc.args[0].clone();
        let mut clear = false;
        let code = match name.as_str() {
            "clear" => {
                clear = true;
                0
            }
            _ => match builtins::shell_builtin(&name) {
                Some(b) => b(self, &mut proc),
                None => match crate::commands::lookup(&self.world, &proc.env, &self.cwd, &name) {
                    Some(f) => f(&mut self.world, &mut proc),
                    None if name.contains('/') => match self.world.vfs.get(&proc.path(&name)) {
                        // bash's messages for a path that is missing or not executable.
                        Some(crate::vfs::Node::File { .. } | crate::vfs::Node::Live(_) | crate::vfs::Node::Dir) => {
                            let why = if self.world.vfs.is_dir(&proc.path(&name)) { "Is a directory" } else { "Permission denied" };
                            proc.eprintln(format!("bash: {name}: {why}"));
                            126
                        }
                        None => {
                            proc.eprintln(format!("bash: {name}: No such file or directory"));
                            127
                        }
                    },
                    None => {
                        proc.eprintln(format!("bash: {name}: command not found"));
                        if let Some((en, pt)) = missing_tool_note(&name) {
                            proc.explain(en, pt);
                        }
                        127
                    }
                },
            },
        };
        let mut code = code;
        if let Some(job) = proc.job.take() {
            let redirected = cmd.redirects.iter().any(|(op, _)| !matches!(op, RedirectOp::In | RedirectOp::HereDoc));
            if self.bg_new.is_some() && !redirected && self.fg_slot_bg {
                self.bg_new = Some(Some(job));
            } else if self.fg_slot && !redirected && self.job.is_none() {
                proc.out.extend(job.started_note());
                self.job = Some(job);
            } else {
                let (chunks, c) = job.finish_bounded(&mut self.world);
                proc.out.extend(chunks);
                code = c;
            }
        }
        let out = self.apply_output_redirects(cmd, &vars, proc.out, &proc.cwd);
        match out {
            Ok(chunks) => (chunks, code, clear),
            Err(chunks) => (chunks, 1, clear),
        }
    }

    /// Sends stdout/stderr to files for `>`, `>>`, `2>`, `2>&1`.
    fn apply_output_redirects(&mut self, cmd: &SimpleCommand, vars: &SortedMap<String, String>, chunks: Vec<Chunk>, cwd: &str) -> Result<Vec<Chunk>, Vec<Chunk>> {
        let mut stdout_to: Option<(String, bool)> = None;
        let mut stderr_to: Option<(String, bool)> = None;
        let mut err_to_out = false;
        for (op, target) in &cmd.redirects {
            let word = parse::expand(target, vars, true);
            if word.is_empty() && matches!(op, RedirectOp::Out | RedirectOp::Append | RedirectOp::ErrOut | RedirectOp::ErrAppend) {
                // `> ''` opens the empty path: ENOENT, not the working directory.
                return Err(vec![Chunk::Stderr("bash: : No such file or directory\n".into())]);
            }
            let path = crate::vfs::normalize(cwd, &word);
            match op {
                RedirectOp::Out => stdout_to = Some((path, false)),
                RedirectOp::Append => stdout_to = Some((path, true)),
                RedirectOp::ErrOut => stderr_to = Some((path, false)),
                RedirectOp::ErrAppend => stderr_to = Some((path, true)),
                RedirectOp::ErrToOut => err_to_out = true,
                _ => {}
            }
        }
        if stdout_to.is_none() && stderr_to.is_none() && !err_to_out {
            return Ok(chunks);
        }
        let mut kept = Vec::new();
        let mut out_buf = Vec::new();
        let mut err_buf = String::new();
        for c in chunks {
            match c {
                Chunk::Stdout(s) if stdout_to.is_some() => out_buf.extend_from_slice(s.as_bytes()),
                Chunk::Bytes(b) if stdout_to.is_some() => out_buf.extend_from_slice(&b),
                Chunk::Stderr(s) if err_to_out && stdout_to.is_some() => out_buf.extend_from_slice(s.as_bytes()),
                Chunk::Stderr(s) if err_to_out => kept.push(Chunk::Stdout(s)),
                Chunk::Stderr(s) if stderr_to.is_some() => err_buf.push_str(&s),
                other => kept.push(other),
            }
        }
        for (target, buf) in [(stdout_to, out_buf), (stderr_to, err_buf.into_bytes())] {
            if let Some((path, append)) = target {
                if path == "/dev/null" {
                    continue;
                }
                // `>>` onto a stored file appends in place (O(appended)); onto a made-up one it
                // reads what it stands for first.
                let written = if append && matches!(self.world.vfs.get(&path), Some(crate::vfs::Node::File { .. })) {
                    self.world.vfs.append(&path, &buf)
                } else {
                    let mut data = if append { self.world.read(&path).map(|d| d.into_owned()).unwrap_or_default() } else { Vec::new() };
                    data.extend_from_slice(&buf);
                    self.world.vfs.write(&path, data)
                };
                if let Err(e) = written {
                    if e == crate::vfs::VfsError::NoSpace {
                        // bash opened (and for `>` truncated) the file; the program's write failed.
                        if !append {
                            let _ = self.world.vfs.write(&path, Vec::new());
                        }
                        let name = cmd.words.first().map(|w| parse::expand(w, vars, true)).unwrap_or_default();
                        let shell = if matches!(name.as_str(), "echo" | "printf" | "pwd" | "type" | "history" | "jobs" | "set" | "export") { "bash: " } else { "" };
                        kept.push(Chunk::Stderr(format!("{shell}{name}: write error: No space left on device\n")));
                        return Err(kept);
                    }
                    kept.push(Chunk::Stderr(format!("bash: {path}: {}\n", e.strerror())));
                    return Err(kept);
                }
            }
        }
        Ok(kept)
    }
}

/// The error for a word whose pathname expansion passed [`glob::GLOB_BUDGET`].
fn glob_too_large(word: &str) -> Vec<Chunk> {
    let word: String = word.chars().take(80).collect();
    let n = glob::GLOB_BUDGET;
    vec![
        Chunk::Stderr(format!("bash: {word}: pathname expansion over {n} bytes\n")),
        Chunk::Explain {
            en: format!("This pattern matches more paths than a command line can hold ({n} bytes, Linux's ARG_MAX). Real bash would keep expanding until memory runs out; the playground stops here. Narrow the pattern."),
            pt: format!("Este padrão casa com mais caminhos do que cabem numa linha de comando ({n} bytes, o ARG_MAX do Linux). O bash real continuaria expandindo até a memória acabar; o playground para aqui. Restrinja o padrão."),
        },
    ]
}

/// What to do instead, for tools a real control-plane node has but this one does not simulate.
fn missing_tool_note(name: &str) -> Option<(String, String)> {
    Some(match name {
        "vi" | "vim" | "nano" | "emacs" | "vim.tiny" => (
            format!("A real node has `{name}`; this terminal has no full-screen editor. Change a file with `sed -i 's#old#new#' FILE`, or open it in the Files panel: manifests open in an editor there, and saving one wakes the kubelet just like an edit on the node."),
            format!("Um nó real tem `{name}`; este terminal não tem editor de tela cheia. Altere um arquivo com `sed -i 's#velho#novo#' ARQUIVO`, ou abra-o no painel Arquivos: os manifestos abrem num editor ali, e salvar um deles acorda o kubelet como uma edição no nó."),
        ),
        "crictl" => (
            "This node runs etcd as a plain process, with no Kubernetes and no container runtime, so it has no `crictl`. The kubeadm scenario has one: `crictl ps -a`, `crictl logs <CONTAINER-ID>`.".into(),
            "Este nó roda o etcd como processo comum, sem Kubernetes nem runtime de contêineres, então não tem `crictl`. O cenário kubeadm tem: `crictl ps -a`, `crictl logs <ID-DO-CONTÊINER>`.".into(),
        ),
        "docker" | "ctr" | "nerdctl" => (
            format!("A kubeadm node with containerd has no `{name}`; its container tool is `crictl`: `crictl ps -a` shows whether etcd and the API server run, `crictl logs <CONTAINER-ID>` why not."),
            format!("Um nó kubeadm com containerd não tem `{name}`; a ferramenta de contêineres dele é o `crictl`: `crictl ps -a` mostra se o etcd e o API server estão rodando, `crictl logs <ID-DO-CONTÊINER>` por que não."),
        ),
        "systemctl" | "journalctl" | "service" => (
            format!("A real node has `{name}` (the kubelet runs as a systemd service); it is not simulated here. The kubelet here always runs and applies /etc/kubernetes/manifests as soon as a file changes."),
            format!("Um nó real tem `{name}` (o kubelet roda como serviço do systemd); ele não é simulado aqui. Aqui o kubelet está sempre rodando e aplica /etc/kubernetes/manifests assim que um arquivo muda."),
        ),
        _ => return None,
    })
}
