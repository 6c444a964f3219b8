//! The terminal's shell: one [`Session`] turns typed lines into command runs and output.
//! The browser terminal and `etcd-playground run` both feed lines to [`Session::execute`],
//! so they print the same thing.

pub mod alias;
pub mod arith;
pub mod brace;
pub mod builtins;
pub mod complete;
pub mod compound;
pub mod glob;
pub mod jobctl;
pub mod parse;
pub mod test_cmd;

use crate::i18n::Text;
use crate::process::{Chunk, Proc};
use crate::world::World;
use parse::{Connector, RedirectOp, SimpleCommand};
use serde::{Deserialize, Serialize};
use crate::sorted_map::SortedMap;

pub use crate::commands::CommandFn;

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
    /// `exit` ended the shell (not at the page's terminal, which stays open): `run` mode stops
    /// reading the script.
    pub exited: bool,
}

/// How deep `$(...)` may nest, counted across every level.
pub const SUBST_DEPTH_LIMIT: usize = 32;

/// A tick of the page's clock: [`Session::poll`] lets this much simulated time pass.
pub const TICK_MS: u64 = 1000;

/// What stops a list before its end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// `break N`: leave N loops.
    Break(u32),
    /// `continue N`: the next iteration of the Nth loop out.
    Continue(u32),
    /// `exit N`.
    Exit(i32),
    /// A loop that did not end by itself was stopped at its bound, as Ctrl+C stops it.
    Interrupt,
    /// An expansion failed (`$((1/0))`): interactive bash drops the rest of the line, status 1.
    Abort,
}

impl Executed {
    /// The output as a terminal shows it, stdout and stderr interleaved, explanations left out.
    pub fn text(&self) -> String {
        self.chunks
            .iter()
            .filter_map(|c| match c {
                Chunk::Stdout(s) | Chunk::Stderr(s) => Some(std::borrow::Cow::Borrowed(s.as_str())),
                Chunk::Bytes(b) => Some(String::from_utf8_lossy(b)),
                Chunk::Explain(_) => None,
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
    pub job: Option<jobctl::Foreground>,
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
    bg_new: Option<Option<jobctl::ProgramJob>>,
    /// The command being run is alone in its pipeline (it may become a background job).
    #[serde(skip)]
    fg_slot_bg: bool,
    /// The session's own output is not a terminal (native `run` mode into a pipe or a file, a
    /// test comparing with a script run by bash): commands at the end of a pipeline then see
    /// stdout as a pipe ([`Proc::stdout_tty`] false), as `ls` does in `$(...)`.
    #[serde(skip)]
    pub stdout_piped: bool,
    /// `break`, `continue`, `exit` or a loop's bound, on its way out of the lists.
    #[serde(skip)]
    pub(crate) flow: Option<Flow>,
    /// How many loops the command being run is inside.
    #[serde(skip)]
    pub(crate) loop_depth: usize,
    /// How many `$(...)` the command being run is inside.
    #[serde(skip)]
    subst_depth: usize,
    /// How much of [`parse::MAX_NESTING`] the compound commands and `$(...)` being run take.
    #[serde(skip)]
    pub(crate) nesting: usize,
    /// The shell's own stdin inside a compound command with input (`done < file`, `cmd |
    /// while ...`): the bytes and how far `read` got.
    #[serde(skip)]
    pub(crate) inputs: Vec<(Vec<u8>, usize)>,
    /// The command being run reads the shell's stdin (`read` takes one line of it).
    #[serde(skip)]
    pub(crate) read_inherited: bool,
    /// `alias NAME=TEXT` (see [`alias`]); sessions saved before aliases load with none.
    #[serde(default)]
    pub aliases: SortedMap<String, String>,
    /// Where each program run by name was found (bash's hash table: `type` says `hashed`).
    #[serde(default)]
    pub hashed: SortedMap<String, String>,
}

impl Session {
    /// A fresh session on a named scenario (see [`crate::cluster::scenario::SCENARIOS`]).
    pub fn new(scenario: &str) -> Result<Session, String> {
        let (mut world, home) = World::from_scenario(scenario).ok_or_else(|| {
            format!("unknown scenario '{scenario}' (known: {})", crate::cluster::scenario::SCENARIOS.join(", "))
        })?;
        // The programs `which` names are files where their packages put them.
        crate::commands::install(&mut world);
        let mut vars = SortedMap::new();
        for (k, v) in [("HOME", home.as_str()), ("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"), ("USER", "root"), ("SHELL", "/bin/bash"), ("HOSTNAME", world.hostname.as_str())] {
            vars.insert(k.to_string(), v.to_string());
        }
        let exported = vars.keys().cloned().collect();
        Ok(Session { world, vars, exported, cwd: home.clone(), home, history: Vec::new(), last_exit: 0, pending: Vec::new(), job: None, interactive: false, fg_slot: false, bg: Vec::new(), bg_new: None, fg_slot_bg: false, stdout_piped: false, flow: None, loop_depth: 0, subst_depth: 0, nesting: 0, inputs: Vec::new(), read_inherited: false, aliases: SortedMap::new(), hashed: SortedMap::new() })
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

    /// The page's clock tick: a second of simulated time passes ([`Session::tick`]).
    pub fn poll(&mut self) -> Executed {
        self.tick(TICK_MS)
    }

    /// Simulated time passes at the terminal: `ms` of it, through [`World::advance`] in steps
    /// of at most a second while jobs run, each job (foreground or `&`) printing what each
    /// step brought; then bash's notices of ended background jobs. A foreground loop runs its
    /// batch first (its own `sleep`s move the clock), then the rest of the time passes.
    /// Returns the output and whether the foreground job still runs.
    ///
    /// [`World::advance`]: crate::world::World::advance
    pub fn tick(&mut self, ms: u64) -> Executed {
        let until = self.world.clock_ms.saturating_add(ms);
        let mut r = match self.job.take() {
            Some(jobctl::Foreground::Loop(jobctl::LoopJob::ShellLoop { cmd, .. })) => self.run_loop_batch(*cmd, until),
            job => {
                self.job = job;
                Executed { exit: self.last_exit, ..Default::default() }
            }
        };
        let (chunks, ended) = self.pass_time(until.saturating_sub(self.world.clock_ms));
        r.chunks.extend(chunks);
        if let Some(code) = ended {
            r.exit = code;
        }
        if !self.bg.is_empty() {
            r.chunks.extend(jobctl::poll_bg(self, true));
        }
        r.running = self.job.is_some();
        r
    }

    /// `ms` of simulated time pass ([`crate::world::World::advance`]): second by second while
    /// a job needs it ([`crate::jobs::Running::paced`]: a keep-alive renews before its lease
    /// runs out), else in one step; the jobs are polled after each step. Returns their
    /// output, and the exit status of a foreground job that ended by itself.
    pub(crate) fn pass_time(&mut self, ms: u64) -> (Vec<Chunk>, Option<i32>) {
        let end = self.world.clock_ms.saturating_add(ms);
        let mut out = Vec::new();
        let mut ended = None;
        let mut steps = 0u32;
        loop {
            let left = end.saturating_sub(self.world.clock_ms);
            let paced = |j: &jobctl::ProgramJob| crate::jobs::Running::paced(j);
            let jobs = self.bg.iter().any(|b| b.job.as_ref().is_some_and(paced)) || matches!(&self.job, Some(jobctl::Foreground::Program(j)) if paced(j));
            steps += 1;
            self.world.advance(if jobs && steps <= 100_000 { left.min(1000) } else { left });
            if !self.bg.is_empty() {
                out.extend(jobctl::poll_bg(self, false));
            }
            if let Some(jobctl::Foreground::Program(job)) = self.job.as_mut() {
                let p = crate::jobs::Running::poll(job, &mut self.world);
                out.extend(p.chunks);
                if let Some(code) = p.ended {
                    self.job = None;
                    self.last_exit = code;
                    ended = Some(code);
                }
            }
            if self.world.clock_ms >= end {
                return (out, ended);
            }
        }
    }

    /// Ctrl+C while a job runs: stops it (`$?` becomes 130). What real etcdctl prints then is
    /// nothing; the result may hold an explanation.
    pub fn interrupt(&mut self) -> Executed {
        let Some(job) = self.job.take() else { return Executed { exit: self.last_exit, ..Default::default() } };
        let chunks = match job {
            jobctl::Foreground::Program(mut job) => crate::jobs::Running::interrupt(&mut job, &mut self.world),
            jobctl::Foreground::Loop(_) => Vec::new(),
        };
        self.last_exit = crate::jobs::EXIT_SIGINT;
        Executed { chunks, exit: self.last_exit, ..Default::default() }
    }

    /// Runs one line. Never panics on any input: errors become shell messages. A command that
    /// would keep running is ended at once by [`crate::jobs::finish_bounded`] unless the
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
            self.world.facts.next_command();
            let r = self.run_line(&first, Some(&body));
            return self.with_bg_output(r);
        }
        if line.ends_with('\\') && !line.ends_with("\\\\") {
            return Executed { needs_more: true, ..Default::default() };
        }
        // Join continuation lines: each trailing backslash-newline disappears, as in bash; other
        // lines (of a `for ... do` still open) keep their newline.
        let mut joined = String::new();
        for (k, l) in self.pending.iter().enumerate() {
            match l.strip_suffix('\\') {
                Some(s) if !l.ends_with("\\\\") => joined.push_str(s),
                _ => {
                    joined.push_str(l);
                    if k + 1 < self.pending.len() {
                        joined.push('\n');
                    }
                }
            }
        }
        if parse::parse_full(&joined, None) == Err(parse::ParseError::Incomplete) {
            return Executed { needs_more: true, ..Default::default() };
        }
        let lines = std::mem::take(&mut self.pending);
        self.record_history(&lines.join("\n"));
        self.world.facts.next_command();
        let r = self.run_line(&joined, None);
        self.with_bg_output(r)
    }

    /// The end of the input (`run` mode): a compound command still open is bash's
    /// `syntax error: unexpected end of file`.
    pub fn finish(&mut self) -> Executed {
        if self.pending.is_empty() {
            return Executed { exit: self.last_exit, ..Default::default() };
        }
        self.pending.clear();
        self.last_exit = 2;
        Executed { chunks: vec![Chunk::Stderr("bash: syntax error: unexpected end of file\n".into())], exit: 2, ..Default::default() }
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

    /// `$(command)` and `` `command` `` in one raw word: runs the inner command and puts its
    /// output (trailing newlines removed) in its place — quoted inside double quotes, escaped
    /// so that it splits into words outside them. Its stderr goes to the terminal. Nesting is
    /// capped at [`SUBST_DEPTH_LIMIT`] across every level (an inner `$(...)` runs through
    /// [`Session::run_line`] again): deeper, the error names the limit.
    fn substitute(&mut self, line: &str) -> Result<(String, Vec<Chunk>), String> {
        let chars: Vec<char> = line.chars().collect();
        let mut out = String::new();
        let mut side = Vec::new();
        let (mut in_single, mut in_double) = (false, false);
        // Where the current word of `out` starts (for `NAME=$(...)`), kept as we go: linear.
        let mut word_start = 0;
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if !in_single && c == '$' && chars.get(i + 1) == Some(&'(') && chars.get(i + 2) == Some(&'(') {
                // `$((expression))`: substitutions and variables inside first, then arithmetic.
                let mut raw = String::new();
                if let Ok(end) = parse::scan_nested_end(&chars, i, &mut raw) {
                    if end >= i + 5 && chars[end - 2] == ')' {
                        if self.subst_depth >= SUBST_DEPTH_LIMIT || self.nesting + parse::SUBST_NESTING_COST > parse::MAX_NESTING {
                            return Err(format!("bash: command substitution: nested more than {SUBST_DEPTH_LIMIT} deep (the playground's limit)\n"));
                        }
                        let inner: String = chars[i + 3..end - 2].iter().collect();
                        self.subst_depth += 1;
                        self.nesting += parse::SUBST_NESTING_COST;
                        let r = self.substitute(&inner);
                        self.nesting -= parse::SUBST_NESTING_COST;
                        self.subst_depth -= 1;
                        let (s, mut more) = r?;
                        side.append(&mut more);
                        let vars = self.special_vars();
                        let expr = parse::expand(&s, &vars, true);
                        match arith::eval(&expr, &vars) {
                            Ok(v) => out.push_str(&v.to_string()),
                            Err(e) => return Err(format!("bash: {e}\n")),
                        }
                        i = end;
                        continue;
                    }
                }
            }
            let opens = !in_single && ((c == '$' && chars.get(i + 1) == Some(&'(') && chars.get(i + 2) != Some(&'(')) || c == '`');
            if opens {
                let mut raw = String::new();
                let Ok(end) = parse::scan_nested_end(&chars, i, &mut raw) else {
                    out.extend(&chars[i..]);
                    break;
                };
                let (start, stop) = if c == '`' { (i + 1, end - 1) } else { (i + 2, end - 1) };
                if self.subst_depth >= SUBST_DEPTH_LIMIT || self.nesting + parse::SUBST_NESTING_COST > parse::MAX_NESTING {
                    return Err(format!("bash: command substitution: nested more than {SUBST_DEPTH_LIMIT} deep (the playground's limit)\n"));
                }
                let inner: String = chars[start..stop].iter().collect();
                let interactive = std::mem::replace(&mut self.interactive, false);
                let piped = std::mem::replace(&mut self.stdout_piped, true);
                let flow = self.flow.take();
                let loops = std::mem::replace(&mut self.loop_depth, 0);
                let inputs = std::mem::take(&mut self.inputs);
                let saved = (self.vars.clone(), self.exported.clone(), self.cwd.clone());
                self.subst_depth += 1;
                self.nesting += parse::SUBST_NESTING_COST;
                let r = self.run_line(&inner, None);
                self.nesting -= parse::SUBST_NESTING_COST;
                self.subst_depth -= 1;
                (self.vars, self.exported, self.cwd) = saved;
                self.inputs = inputs;
                self.loop_depth = loops;
                self.flow = flow;
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
                self.last_exit = r.exit;
                let text = text.trim_end_matches('\n');
                // In `NAME=$(...)` the value is not split into words.
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
                    } else if matches!(ch, ' ' | '\t' | '\n') {
                        out.push(' ');
                        word_start = out.len();
                    } else if ch.is_alphanumeric() || matches!(ch, '-' | '_' | '.' | '/' | ':' | ',' | '=' | '+') {
                        out.push(ch);
                    } else {
                        out.push('\\');
                        out.push(ch);
                    }
                }
                i = end;
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
        Ok((out, side))
    }

    /// Parses and runs one line (or several joined with `\n`).
    pub(crate) fn run_line(&mut self, line: &str, heredoc: Option<&str>) -> Executed {
        let parsed = parse::parse_within(line, heredoc, self.nesting).map_err(|e| match e {
            parse::ParseError::Syntax(s) => s,
            parse::ParseError::Incomplete => "syntax error: unexpected end of file".to_string(),
        });
        let mut list = match parsed {
            Ok(l) => l,
            Err(e) => {
                self.last_exit = 2;
                return Executed { chunks: vec![Chunk::Stderr(format!("bash: {e}\n"))], exit: 2, ..Default::default() };
            }
        };
        // bash expands aliases as it reads the line, before any of it runs.
        alias::expand(&mut list, &self.aliases);
        let mut r = self.run_list(&list);
        if self.subst_depth == 0 && self.loop_depth == 0 {
            match self.flow.take() {
                Some(Flow::Exit(code)) => {
                    r.exited = true;
                    r.exit = code;
                    self.last_exit = code;
                    if self.interactive {
                        r.chunks.push(Chunk::Stderr("exit\n".into()));
                        r.chunks.push(Chunk::Explain(Text::new(
                            format!("`exit` ends the shell: in a real terminal the window (or the SSH session to the node) closes. The playground keeps this terminal open so you can go on; `$?` is now {code}. In a script (`etcd-playground run`), `exit` ends the script there."),
                            format!("`exit` encerra o shell: num terminal real a janela (ou a sessão SSH com o nó) se fecha. O playground mantém este terminal aberto para você continuar; `$?` agora é {code}. Num script (`etcd-playground run`), o `exit` termina o script ali."),
                        )));
                        r.exited = false;
                    }
                }
                Some(Flow::Interrupt) => {
                    r.exit = crate::jobs::EXIT_SIGINT;
                    self.last_exit = r.exit;
                }
                Some(Flow::Abort) => {
                    r.exit = 1;
                    self.last_exit = 1;
                }
                _ => {}
            }
        }
        r
    }

    /// Runs a list: `&&`, `||`, `;`, `&` between pipelines. Stops early when `break`,
    /// `continue`, `exit` or a bounded loop's stop is under way ([`Session::flow`]).
    pub(crate) fn run_list(&mut self, list: &parse::CommandList) -> Executed {
        let mut result = Executed::default();
        let mut run_next = true;
        for (pipeline, conn) in &list.items {
            if self.flow.is_some() {
                break;
            }
            if *conn == Connector::Background {
                // bash runs it and goes on at once; `[N] PID` first.
                if run_next {
                    let n = jobctl::next_number(self);
                    let command = pipeline.cmds.iter().map(parse::Command::display).collect::<Vec<_>>().join(" | ");
                    result.chunks.push(Chunk::Stderr(format!("[{n}] 4242\n")));
                    self.bg_new = Some(None);
                    let (chunks, exit, _) = self.run_pipeline(pipeline);
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
                let (chunks, exit, clear) = self.run_pipeline(pipeline);
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

    fn run_pipeline(&mut self, pipeline: &parse::Pipeline) -> (Vec<Chunk>, i32, bool) {
        let mut chunks = Vec::new();
        // The first command reads the shell's own input (a loop's `< file`, or nothing).
        let mut stdin: Option<Vec<u8>> = None;
        let mut exit = 0;
        let mut clear = false;
        let n = pipeline.cmds.len();
        for (i, cmd) in pipeline.cmds.iter().enumerate() {
            let last = i + 1 == n;
            self.fg_slot = self.interactive && n == 1 && self.loop_depth == 0;
            self.fg_slot_bg = n == 1 && self.loop_depth == 0;
            let tty = last && !self.stdout_piped;
            // Each command of a real pipeline runs in a subshell: what it sets (`read x`,
            // `cd`, variables in a `while read` loop, `exit`) is gone afterwards.
            let saved = (n > 1).then(|| (self.vars.clone(), self.exported.clone(), self.cwd.clone(), self.flow.take()));
            let piped = self.stdout_piped;
            self.stdout_piped = piped || !last;
            let (out, code, cleared) = self.run_command(cmd, stdin.take(), tty);
            self.stdout_piped = piped;
            let code = if let Some((vars, exported, cwd, flow)) = saved {
                (self.vars, self.exported, self.cwd) = (vars, exported, cwd);
                match std::mem::replace(&mut self.flow, flow) {
                    Some(Flow::Exit(c)) => c,
                    // A bounded loop stopped: the commands after it in the pipe still read
                    // what it wrote (`while true; do ...; done | head -2`); last, it stops the line.
                    Some(Flow::Interrupt) if last => {
                        self.flow = Some(Flow::Interrupt);
                        code
                    }
                    _ => code,
                }
            } else {
                code
            };
            self.fg_slot = false;
            self.fg_slot_bg = false;
            clear |= cleared;
            exit = code;
            let mut next = Vec::new();
            for c in out {
                match c {
                    Chunk::Stdout(s) if !last => next.extend_from_slice(s.as_bytes()),
                    Chunk::Bytes(b) if !last => next.extend_from_slice(&b),
                    other => chunks.push(other),
                }
            }
            if !last {
                stdin = Some(next);
            }
        }
        if pipeline.negate {
            exit = i32::from(exit == 0);
        }
        (chunks, exit, clear)
    }

    fn run_command(&mut self, cmd: &parse::Command, stdin: Option<Vec<u8>>, tty: bool) -> (Vec<Chunk>, i32, bool) {
        match cmd {
            parse::Command::Simple(c) => self.run_simple(c, stdin, tty),
            parse::Command::Compound(c, redirects, heredoc) => self.run_compound(c, redirects, heredoc.as_deref(), stdin),
        }
    }

    /// The words of raw `words` as the command sees them: braces, `$(...)`, variables,
    /// splitting of unquoted expansions, then globs. Stderr of substitutions goes to `side`;
    /// `Err` is what to print for a substitution nested too deep or a glob past its budget.
    pub(crate) fn expand_words(&mut self, words: &[String], side: &mut Vec<Chunk>) -> Result<Vec<String>, Vec<Chunk>> {
        let mut out: Vec<String> = Vec::new();
        for raw in words {
            for w in brace::expand(raw) {
                let pieces = if w.contains("$(") || w.contains('`') {
                    let (s, mut chunks) = self.substitute(&w).map_err(|e| vec![Chunk::Stderr(e)])?;
                    side.append(&mut chunks);
                    let split = parse::split_words(&s);
                    if split.is_empty() && w.contains(['"', '\'']) {
                        vec![String::new()]
                    } else {
                        split
                    }
                } else {
                    vec![w]
                };
                let vars = self.special_vars();
                for w in pieces {
                    let marked = parse::expand_marked(&w, &vars, true);
                    // Unquoted expansions split at whitespace, as with bash's default IFS.
                    let mut fields: Vec<Vec<(char, bool)>> = vec![Vec::new()];
                    let mut splits = false;
                    for &(c, unquoted) in &marked {
                        if unquoted && matches!(c, ' ' | '\t' | '\n') {
                            splits = true;
                            if !fields.last().is_some_and(Vec::is_empty) {
                                fields.push(Vec::new());
                            }
                        } else {
                            fields.last_mut().map(|f| f.push((c, unquoted)));
                        }
                    }
                    if splits && fields.last().is_some_and(Vec::is_empty) {
                        fields.pop();
                    }
                    for f in fields {
                        match glob::expand_checked(&f, &self.world.vfs, &self.cwd) {
                            Err(glob::TooLarge) => return Err(glob_too_large(&f.iter().map(|&(c, _)| c).collect::<String>())),
                            Ok(Some(paths)) => out.extend(paths),
                            // An unquoted word that expands to nothing disappears, as in bash.
                            Ok(None) if !f.is_empty() || (!splits && w.contains(['\'', '"'])) => out.push(f.into_iter().map(|(c, _)| c).collect()),
                            Ok(None) => {}
                        }
                    }
                }
            }
        }
        Ok(out)
    }

    /// One word with `$(...)` and variables expanded, not split (a redirect target, an
    /// assignment's value).
    fn expand_one(&mut self, raw: &str, side: &mut Vec<Chunk>) -> Result<String, String> {
        let s = if raw.contains("$(") || raw.contains('`') {
            let (s, mut chunks) = self.substitute(raw)?;
            side.append(&mut chunks);
            s
        } else {
            raw.to_string()
        };
        Ok(parse::expand(&s, &self.special_vars(), true))
    }

    /// The input of a command that reads the shell's own stdin: inside `while read ...; done
    /// < file` (or `cmd | while ...`) the rest of that input, which a filter then consumes.
    fn inherited_input(&mut self, name: &str) -> Vec<u8> {
        let Some((data, pos)) = self.inputs.last_mut() else { return Vec::new() };
        let rest = data.get(*pos..).unwrap_or_default().to_vec();
        if matches!(name, "cat" | "grep" | "egrep" | "head" | "tail" | "wc" | "sort" | "uniq" | "cut" | "tr" | "sed" | "base64" | "tee" | "xargs") {
            *pos = data.len();
        }
        rest
    }

    fn run_simple(&mut self, cmd: &SimpleCommand, stdin: Option<Vec<u8>>, tty: bool) -> (Vec<Chunk>, i32, bool) {
        // What this command writes carries the simulated clock's time (`ls -l`).
        self.world.vfs.now = crate::cluster::clock::now_unix(self.world.clock_ms);
        let mut side = Vec::new();
        let words = match self.expand_words(&cmd.words, &mut side) {
            Ok(w) => w,
            Err(e) => {
                side.extend(e);
                self.flow = Some(Flow::Abort);
                return (side, 1, false);
            }
        };
        let mut assigns: Vec<(String, String)> = Vec::new();
        for a in &cmd.assigns {
            let (k, v) = a.split_once('=').unwrap_or((a, ""));
            match self.expand_one(v, &mut side) {
                Ok(v) => assigns.push((k.to_string(), v)),
                Err(e) => {
                    side.push(Chunk::Stderr(e));
                    self.flow = Some(Flow::Abort);
                    return (side, 1, false);
                }
            }
        }
        let vars = self.special_vars();
        if words.is_empty() {
            // `VAR=value` alone sets a shell variable; `$?` is then that of its last `$(...)`.
            let code = if cmd.assigns.iter().any(|a| a.contains("$(") || a.contains('`')) { self.last_exit } else { 0 };
            for (k, v) in assigns {
                self.vars.insert(k, v);
            }
            return (side, code, false);
        }
        let inherited = stdin.is_none();
        let stdin = match stdin {
            Some(s) => s,
            None => self.inherited_input(&words[0]),
        };
        let stdout_tty = tty && !cmd.redirects.iter().any(|(op, _)| matches!(op, RedirectOp::Out | RedirectOp::Append));
        let mut proc = Proc { args: words, cwd: self.cwd.clone(), stdin, stdout_tty, ..Default::default() };
        proc.out = side;
        for k in &self.exported {
            if let Some(v) = self.vars.get(k) {
                proc.env.insert(k.clone(), v.clone());
            }
        }
        for (k, v) in assigns {
            proc.env.insert(k, v);
        }
        // Input redirects first, so the command sees them.
        let mut redirected_in = false;
        for (op, target) in &cmd.redirects {
            match op {
                RedirectOp::HereDoc => {
                    redirected_in = true;
                    let quoted = target.contains('\'') || target.contains('"');
                    let body = cmd.heredoc.clone().unwrap_or_default();
                    proc.stdin = if quoted { body.into_bytes() } else { parse::expand(&body.replace('"', "\\\""), &vars, true).into_bytes() };
                }
                RedirectOp::In => {
                    redirected_in = true;
                    match self.read_redirect(target, &vars) {
                        Ok(d) => proc.stdin = d,
                        Err(e) => {
                            proc.out.push(Chunk::Stderr(e));
                            return (proc.out, 1, false);
                        }
                    }
                }
                _ => {}
            }
        }
        self.read_inherited = inherited && !redirected_in;
        // bash opens `>`/`>>` targets before the command runs (`ls > f` lists f).
        self.create_output_targets(&cmd.redirects, &vars, &proc.cwd);
        let name = proc.args[0].clone();
        let mut clear = false;
        let mut fact: Option<usize> = None;
        let code = match name.as_str() {
            "clear" => {
                clear = true;
                0
            }
            _ => match builtins::shell_builtin(&name) {
                Some(b) => b(self, &mut proc),
                None => match crate::commands::lookup(&self.world, &proc.env, &self.cwd, &name) {
                    Some(f) => {
                        if !name.contains('/') && !self.hashed.contains_key(&name) {
                            if let Some(path) = crate::commands::which::locate(&self.world, proc.env.get("PATH").map(String::as_str), &self.cwd, &name) {
                                self.hashed.insert(name.clone(), path);
                            }
                        }
                        let base = name.rsplit('/').next().unwrap_or(&name).to_string();
                        if crate::commands::is_tool(&base) {
                            fact = Some(self.world.facts.start(&base, None));
                        }
                        f(&mut self.world, &mut proc)
                    }
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
                        if let Some(note) = missing_tool_note(&name) {
                            proc.out.push(Chunk::Explain(note));
                        }
                        127
                    }
                },
            },
        };
        self.read_inherited = false;
        let mut code = code;
        if let Some(job) = proc.job.take() {
            let redirected = job.prints_after_start() && cmd.redirects.iter().any(|(op, _)| !matches!(op, RedirectOp::In | RedirectOp::HereDoc));
            let kept = !redirected && ((self.bg_new.is_some() && self.fg_slot_bg) || (self.fg_slot && self.job.is_none()));
            // A job the shell cannot keep (redirected, in a pipe, or of a kind it cannot save)
            // ends at once.
            match if kept { crate::jobs::downcast::<jobctl::ProgramJob>(job) } else { Err(job) } {
                Ok(job) if self.bg_new.is_some() && self.fg_slot_bg => self.bg_new = Some(Some(job)),
                Ok(job) => {
                    proc.out.extend(crate::jobs::Running::started_note(&job));
                    self.job = Some(jobctl::Foreground::Program(job));
                }
                Err(mut job) => {
                    let (chunks, c) = crate::jobs::finish_bounded(&mut *job, &mut self.world);
                    proc.out.extend(chunks);
                    code = c;
                }
            }
        }
        if let Some(token) = fact {
            let text: String = proc.out.iter().map(crate::facts::chunk_text).collect();
            self.world.facts.finish(token, code, &text);
        }
        let out = self.apply_output_redirects(Some(&name), &cmd.redirects, &vars, proc.out, &proc.cwd);
        match out {
            Ok(chunks) => (chunks, code, clear),
            Err(chunks) => (chunks, 1, clear),
        }
    }

    /// The bytes a `< target` redirect reads, or bash's message.
    fn read_redirect(&mut self, target: &str, vars: &SortedMap<String, String>) -> Result<Vec<u8>, String> {
        let t = parse::expand(target, vars, true);
        let path = crate::vfs::normalize(&self.cwd, &t);
        if path == "/dev/null" {
            return Ok(Vec::new());
        }
        match self.world.read(&path) {
            Ok(d) => Ok(d.into_owned()),
            Err(e) => Err(format!("bash: {t}: {}\n", e.strerror())),
        }
    }

    fn create_output_targets(&mut self, redirects: &parse::Redirects, vars: &SortedMap<String, String>, cwd: &str) {
        for (op, target) in redirects {
            if matches!(op, RedirectOp::Out | RedirectOp::Append) {
                let path = crate::vfs::normalize(cwd, &parse::expand(target, vars, true));
                if path != "/dev/null" && (matches!(op, RedirectOp::Out) || !self.world.vfs.exists(&path)) {
                    let _ = self.world.vfs.write(&path, Vec::new());
                }
            }
        }
    }

    /// Sends stdout/stderr to files for `>`, `>>`, `2>`, `2>&1`.
    /// `writer` names the program whose output this is, for its write-error message (`None`:
    /// a compound command's output, which bash reports for the shell itself).
    fn apply_output_redirects(&mut self, writer: Option<&str>, redirects: &parse::Redirects, vars: &SortedMap<String, String>, chunks: Vec<Chunk>, cwd: &str) -> Result<Vec<Chunk>, Vec<Chunk>> {
        let mut stdout_to: Option<(String, bool)> = None;
        let mut stderr_to: Option<(String, bool)> = None;
        let mut err_to_out = false;
        let mut out_to_err = false;
        for (op, target) in redirects {
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
                // bash applies redirects left to right: `>&2` points stdout at stderr's target now.
                RedirectOp::OutToErr => {
                    stdout_to = stderr_to.clone();
                    out_to_err = stdout_to.is_none();
                }
                _ => {}
            }
        }
        if stdout_to.is_none() && stderr_to.is_none() && !err_to_out && !out_to_err {
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
                Chunk::Stdout(s) if out_to_err => kept.push(Chunk::Stderr(s)),
                Chunk::Bytes(b) if out_to_err => kept.push(Chunk::Stderr(String::from_utf8_lossy(&b).into_owned())),
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
                        let name = writer.unwrap_or("bash");
                        let shell = if matches!(name, "echo" | "printf" | "pwd" | "type" | "history" | "jobs" | "set" | "export") { "bash: " } else { "" };
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
        Chunk::Explain(Text::new(
            format!("This pattern matches more paths than a command line can hold ({n} bytes, Linux's ARG_MAX). Real bash would keep expanding until memory runs out; the playground stops here. Narrow the pattern."),
            format!("Este padrão casa com mais caminhos do que cabem numa linha de comando ({n} bytes, o ARG_MAX do Linux). O bash real continuaria expandindo até a memória acabar; o playground para aqui. Restrinja o padrão."),
        )),
    ]
}

/// What to do instead, for tools a real control-plane node has but this one does not simulate.
fn missing_tool_note(name: &str) -> Option<Text> {
    Some(match name {
        "vi" | "vim" | "nano" | "emacs" | "vim.tiny" => Text::new(
            format!("A real node has `{name}`; this terminal has no full-screen editor. Change a file with `sed -i 's#old#new#' FILE`, or open it in the Files panel: manifests open in an editor there, and saving one wakes the kubelet just like an edit on the node."),
            format!("Um nó real tem `{name}`; este terminal não tem editor de tela cheia. Altere um arquivo com `sed -i 's#velho#novo#' ARQUIVO`, ou abra-o no painel Arquivos: os manifestos abrem num editor ali, e salvar um deles acorda o kubelet como uma edição no nó."),
        ),
        "crictl" => Text::new(
            "This node runs etcd as a plain process, with no Kubernetes and no container runtime, so it has no `crictl`. The kubeadm scenario has one: `crictl ps -a`, `crictl logs <CONTAINER-ID>`.",
            "Este nó roda o etcd como processo comum, sem Kubernetes nem runtime de contêineres, então não tem `crictl`. O cenário kubeadm tem: `crictl ps -a`, `crictl logs <ID-DO-CONTÊINER>`.",
        ),
        "docker" | "ctr" | "nerdctl" => Text::new(
            format!("A kubeadm node with containerd has no `{name}`; its container tool is `crictl`: `crictl ps -a` shows whether etcd and the API server run, `crictl logs <CONTAINER-ID>` why not."),
            format!("Um nó kubeadm com containerd não tem `{name}`; a ferramenta de contêineres dele é o `crictl`: `crictl ps -a` mostra se o etcd e o API server estão rodando, `crictl logs <ID-DO-CONTÊINER>` por que não."),
        ),
        "systemctl" | "journalctl" | "service" => Text::new(
            format!("A real node has `{name}` (the kubelet runs as a systemd service); it is not simulated here. The kubelet here always runs and applies /etc/kubernetes/manifests as soon as a file changes."),
            format!("Um nó real tem `{name}` (o kubelet roda como serviço do systemd); ele não é simulado aqui. Aqui o kubelet está sempre rodando e aplica /etc/kubernetes/manifests assim que um arquivo muda."),
        ),
        _ => return None,
    })
}
