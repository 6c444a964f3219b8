//! Running compound commands: `for`, `while`/`until`, `if`, `{ }` (parsed in [`super::parse`]).
//!
//! A `while`/`until` loop that does not end by itself (`while true; do ...; done`) behaves as
//! `etcdctl watch` does (see [`crate::jobs`]): at the page's terminal it becomes the foreground
//! job and keeps running, a batch of iterations each time the page's clock ticks, until Ctrl+C
//! (its own `sleep`s pace it: `while true; do date; sleep 1; done` prints once a second).
//! Where nothing can press Ctrl+C (`run` mode, a transcript, a pipe, `$(...)`), it runs until
//! [`LOOP_MAX_ITERATIONS`] iterations or [`LOOP_MAX_MS`] of simulated time, then stops as
//! Ctrl+C would: `$?` is 130 and the rest of the line is skipped.
//!
//! ```text
//! $ for i in 1 2 3; do etcdctl put k$i v$i; done
//! OK
//! OK
//! OK
//! $ etcdctl get --prefix k --keys-only | while read k; do [ -n "$k" ] && echo "key $k"; done
//! key k1
//! key k2
//! key k3
//! ```

use super::parse::{Command, CommandList, Compound, RedirectOp, Redirects};
use super::{Executed, Flow, Session};
use crate::i18n::Text;
use crate::process::Chunk;

/// A `while`/`until` loop stops after this many iterations where nothing can interrupt it.
pub const LOOP_MAX_ITERATIONS: u64 = 10_000;
/// ... or after this much simulated time (a loop with `sleep` in it).
pub const LOOP_MAX_MS: u64 = crate::jobs::TOTAL_BOUND_MS;
/// At the terminal, iterations run per tick of the page's clock (a loop without `sleep`).
pub const TERMINAL_BATCH: u64 = 1_000;

/// How a `while` loop is paced.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Pace {
    /// Nothing can interrupt it: stop at the bound.
    Bounded,
    /// The foreground of the terminal: run until the clock reaches `until_ms` (or a batch),
    /// then keep running as a job.
    Terminal { until_ms: u64 },
}

/// What a list did to the loop running it.
enum Next {
    Go,
    Stop,
}

impl Session {
    pub(crate) fn run_compound(&mut self, c: &Compound, redirects: &Redirects, heredoc: Option<&str>, stdin: Option<Vec<u8>>) -> (Vec<Chunk>, i32, bool) {
        let vars = self.special_vars();
        let mut input = stdin;
        for (op, target) in redirects {
            match op {
                RedirectOp::In => match self.read_redirect(target, &vars) {
                    Ok(d) => input = Some(d),
                    Err(e) => return (vec![Chunk::Stderr(e)], 1, false),
                },
                RedirectOp::HereDoc => {
                    let body = heredoc.unwrap_or_default();
                    let quoted = target.contains(['\'', '"']);
                    input = Some(if quoted { body.as_bytes().to_vec() } else { super::parse::expand(&body.replace('"', "\\\""), &vars, true).into_bytes() });
                }
                _ => {}
            }
        }
        let cwd = self.cwd.clone();
        self.create_output_targets(redirects, &vars, &cwd);
        let redirected_out = redirects.iter().any(|(op, _)| matches!(op, RedirectOp::Out | RedirectOp::Append));
        let fg = self.fg_slot && redirects.is_empty() && input.is_none() && self.loop_depth == 0 && self.job.is_none();
        let pushed = input.is_some();
        if let Some(d) = input {
            self.inputs.push((d, 0));
        }
        let piped = self.stdout_piped;
        self.stdout_piped |= redirected_out;
        self.nesting += 1;
        let r = match c {
            Compound::For { var, words, body } => self.run_for(var, words, body),
            Compound::While { until, cond, body } => {
                let pace = if fg { Pace::Terminal { until_ms: self.world.clock_ms.saturating_add(1000) } } else { Pace::Bounded };
                let (r, suspended) = self.run_while(*until, cond, body, pace);
                if suspended {
                    let mut r = r;
                    self.job = Some(super::jobctl::Foreground::Loop(super::jobctl::LoopJob::ShellLoop { cmd: Box::new(Command::Compound(Box::new(c.clone()), Vec::new(), None)), last_ms: self.world.clock_ms }));
                    r.chunks.push(Chunk::Explain(Text::new(
                        "The loop keeps running, as it would in a real terminal: its output appears here as it goes (a `sleep` in it paces it in real time). Press Ctrl+C to stop it.",
                        "O laço continua rodando, como num terminal real: a saída aparece aqui conforme ele anda (um `sleep` dentro dele o ritma em tempo real). Aperte Ctrl+C para pará-lo.",
                    )));
                    r.running = true;
                    r
                } else {
                    r
                }
            }
            Compound::If { branches, otherwise } => self.run_if(branches, otherwise.as_ref()),
            Compound::Group(l) => self.run_list(l),
        };
        self.nesting -= 1;
        self.stdout_piped = piped;
        if pushed {
            self.inputs.pop();
        }
        match self.apply_output_redirects(None, redirects, &vars, r.chunks, &cwd) {
            Ok(chunks) => (chunks, r.exit, r.clear),
            Err(chunks) => (chunks, 1, r.clear),
        }
    }

    /// After a loop's list ran: what `break`/`continue`/`exit` ask of this loop.
    fn loop_flow(&mut self) -> Next {
        match self.flow {
            None => Next::Go,
            Some(Flow::Break(n)) => {
                self.flow = (n > 1).then_some(Flow::Break(n - 1));
                Next::Stop
            }
            Some(Flow::Continue(n)) if n > 1 => {
                self.flow = Some(Flow::Continue(n - 1));
                Next::Stop
            }
            Some(Flow::Continue(_)) => {
                self.flow = None;
                Next::Go
            }
            Some(Flow::Exit(_) | Flow::Interrupt | Flow::Abort) => Next::Stop,
        }
    }

    fn run_for(&mut self, var: &str, words: &[String], body: &CommandList) -> Executed {
        let mut r = Executed::default();
        let words = match self.expand_words(words, &mut r.chunks) {
            Ok(w) => w,
            Err(e) => {
                r.chunks.extend(e);
                r.exit = 1;
                self.flow = Some(Flow::Abort);
                return r;
            }
        };
        self.loop_depth += 1;
        for w in words {
            self.vars.insert(var.to_string(), w);
            let b = self.run_list(body);
            r.chunks.extend(b.chunks);
            r.clear |= b.clear;
            r.exit = b.exit;
            if let Next::Stop = self.loop_flow() {
                break;
            }
            if self.job.is_some() {
                break;
            }
        }
        self.loop_depth -= 1;
        r
    }

    /// Runs a `while`/`until` loop; `true` when it is to go on as the terminal's job.
    fn run_while(&mut self, until: bool, cond: &CommandList, body: &CommandList, pace: Pace) -> (Executed, bool) {
        let mut r = Executed::default();
        let start_ms = self.world.clock_ms;
        let mut iterations: u64 = 0;
        self.loop_depth += 1;
        let mut suspended = false;
        loop {
            let c = self.run_list(cond);
            r.chunks.extend(c.chunks);
            if let Next::Stop = self.loop_flow() {
                break;
            }
            if (c.exit == 0) == until {
                break;
            }
            let b = self.run_list(body);
            r.chunks.extend(b.chunks);
            r.clear |= b.clear;
            r.exit = b.exit;
            if let Next::Stop = self.loop_flow() {
                break;
            }
            iterations += 1;
            let elapsed = self.world.clock_ms.saturating_sub(start_ms);
            match pace {
                Pace::Terminal { until_ms } if iterations >= TERMINAL_BATCH || self.world.clock_ms >= until_ms => {
                    suspended = true;
                    break;
                }
                Pace::Bounded if iterations >= LOOP_MAX_ITERATIONS || elapsed >= LOOP_MAX_MS => {
                    self.flow = Some(Flow::Interrupt);
                    r.exit = crate::jobs::EXIT_SIGINT;
                    let secs = elapsed / 1000;
                    r.chunks.push(Chunk::Explain(Text::new(
                        format!("This loop had not ended after {iterations} iterations ({secs}s of simulated time). A real one keeps running until you press Ctrl+C; here nothing can press Ctrl+C (a script, a pipe or `$(...)`), so the playground stopped it at its bound ({LOOP_MAX_ITERATIONS} iterations or {}s of simulated time) as Ctrl+C would: `$?` is 130 and the rest of the line is skipped (in a pipe, the commands after it still read what it printed). In the browser terminal it keeps running until Ctrl+C.", LOOP_MAX_MS / 1000),
                        format!("Este laço não tinha terminado depois de {iterations} iterações ({secs}s de tempo simulado). Um real continua rodando até você apertar Ctrl+C; aqui ninguém aperta Ctrl+C (um script, um pipe ou `$(...)`), então o playground o parou no limite ({LOOP_MAX_ITERATIONS} iterações ou {}s de tempo simulado) como o Ctrl+C faria: `$?` fica 130 e o resto da linha é pulado (num pipe, os comandos depois dele ainda leem o que ele imprimiu). No terminal do navegador ele continua até Ctrl+C.", LOOP_MAX_MS / 1000),
                    )));
                    break;
                }
                _ => {}
            }
            if self.job.is_some() {
                break;
            }
        }
        self.loop_depth -= 1;
        (r, suspended)
    }

    fn run_if(&mut self, branches: &[(CommandList, CommandList)], otherwise: Option<&CommandList>) -> Executed {
        let mut r = Executed::default();
        for (cond, body) in branches {
            let c = self.run_list(cond);
            r.chunks.extend(c.chunks);
            if self.flow.is_some() {
                r.exit = c.exit;
                return r;
            }
            if c.exit == 0 {
                let b = self.run_list(body);
                r.chunks.extend(b.chunks);
                r.clear |= b.clear;
                r.exit = b.exit;
                r.running = b.running;
                return r;
            }
        }
        if let Some(e) = otherwise {
            let b = self.run_list(e);
            r.chunks.extend(b.chunks);
            r.clear |= b.clear;
            r.exit = b.exit;
            r.running = b.running;
        }
        r
    }

    /// A tick of the page's clock while a loop is the foreground job ([`Session::tick`]): the
    /// iterations until the clock reaches `until_ms` (or a batch of them). The loop's own
    /// `sleep`s move the clock, so they pace it in real time; the tick lets the rest pass.
    pub(crate) fn run_loop_batch(&mut self, cmd: Command, until_ms: u64) -> Executed {
        let Command::Compound(c, _, _) = &cmd else { return Executed { exit: self.last_exit, ..Default::default() } };
        let Compound::While { until, cond, body } = &**c else { return Executed { exit: self.last_exit, ..Default::default() } };
        let (mut r, suspended) = self.run_while(*until, cond, body, Pace::Terminal { until_ms });
        let flow = self.flow.take();
        if suspended && self.job.is_none() {
            self.job = Some(super::jobctl::Foreground::Loop(super::jobctl::LoopJob::ShellLoop { cmd: Box::new(cmd), last_ms: self.world.clock_ms }));
            r.running = true;
            r.exit = self.last_exit;
        } else {
            if let Some(Flow::Exit(code)) = flow {
                r.exit = code;
            }
            self.last_exit = r.exit;
        }
        r
    }
}

#[cfg(test)]
mod tests {
    use crate::process::Chunk;
    use crate::shell::Session;

    fn explains(r: &crate::shell::Executed) -> Vec<String> {
        r.chunks.iter().filter_map(|c| if let Chunk::Explain(t) = c { assert!(!t.pt.is_empty()); Some(t.en.clone()) } else { None }).collect()
    }

    #[test]
    fn an_endless_loop_runs_at_the_terminal_until_ctrl_c() {
        let mut s = Session::new("plain").unwrap();
        let r = s.execute_interactive("while true; do echo y; done");
        assert!(r.running, "{r:?}");
        assert_eq!(r.text(), "y\n".repeat(super::TERMINAL_BATCH as usize));
        assert_eq!(s.prompt(), "");
        // A typed line is not run while the loop is in the foreground.
        assert!(s.execute_interactive("echo typed").chunks.is_empty());
        let r = s.poll();
        assert!(r.running);
        assert_eq!(r.text(), "y\n".repeat(super::TERMINAL_BATCH as usize));
        let r = s.interrupt();
        assert_eq!((r.exit, r.running), (130, false));
        assert!(s.prompt().starts_with("root@"));
        assert_eq!(s.execute("echo $?").text(), "130\n");
    }

    #[test]
    fn sleep_paces_a_terminal_loop_in_real_time() {
        let mut s = Session::new("plain").unwrap();
        let start = s.world.clock_ms;
        let r = s.execute_interactive("n=0; while true; do n=x$n; etcdctl put k $n; sleep 1; done");
        assert!(r.running);
        assert_eq!(r.text(), "OK\n");
        for second in 1..=5u64 {
            let r = s.poll();
            assert_eq!(r.text(), "OK\n", "second {second}");
            assert_eq!(s.world.clock_ms, start + 1000 * (second + 1), "the loop's sleep and the page's tick are the same second");
        }
        s.interrupt();
        assert_eq!(s.execute("etcdctl get k --print-value-only").text(), "xxxxxx0\n");
    }

    #[test]
    fn a_loop_that_ends_by_itself_at_the_terminal_gives_the_prompt_back() {
        let mut s = Session::new("plain").unwrap();
        let r = s.execute_interactive("for i in $(seq 5); do echo $i; done; i=; while [ \"$i\" != xxx ]; do i=x$i; done; echo $i");
        assert!(!r.running && s.job.is_none());
        assert_eq!(r.text(), "1\n2\n3\n4\n5\nxxx\n");
        // A loop reading a file is never the terminal's job: it ends with its input.
        let r = s.execute_interactive("seq 2500 > n; while read x; do last=$x; done < n; echo $last");
        assert!(!r.running);
        assert_eq!(r.text(), "2500\n");
    }

    #[test]
    fn an_endless_loop_is_bounded_in_run_mode() {
        let mut s = Session::new("plain").unwrap();
        let r = s.execute("while true; do echo y; done; echo after");
        assert!(!r.running && s.job.is_none());
        assert_eq!(r.exit, 130);
        assert_eq!(r.text(), "y\n".repeat(super::LOOP_MAX_ITERATIONS as usize), "the rest of the line is skipped, as after Ctrl+C");
        assert!(explains(&r).iter().any(|e| e.contains("10000 iterations")), "{:?}", explains(&r));
        assert_eq!(s.execute("echo $?").text(), "130\n");
        // With a sleep, the simulated clock is the bound.
        let start = s.world.clock_ms;
        let r = s.execute("until false; do echo t; sleep 1; done");
        assert_eq!(r.text(), "t\n".repeat(30));
        assert_eq!(s.world.clock_ms - start, 30_000);
        // Nested, in a pipe, in $(...): bounded all the same.
        assert_eq!(s.execute("while true; do while true; do echo z; done; done | wc -l").text(), "10000\n");
        let r = s.execute("X=$(while :; do echo q; done); echo ${#X} ok");
        assert!(r.text().ends_with("ok\n"), "{}", r.text());
        // In the terminal, a loop inside a pipe cannot be stopped by Ctrl+C either: bounded.
        let r = s.execute_interactive("while true; do echo y; done | head -2");
        assert!(!r.running);
        assert_eq!(r.text(), "y\ny\n");
    }

    #[test]
    fn a_loop_job_survives_a_save_and_load() {
        let mut s = Session::new("plain").unwrap();
        assert!(s.execute_interactive("while :; do etcdctl put a b > /dev/null; sleep 1; done").running);
        let bytes = crate::session_file::save(&s);
        let mut t = crate::session_file::load(&bytes).unwrap();
        assert!(t.job.is_some());
        assert!(t.poll().running);
        assert_eq!(t.interrupt().exit, 130);
    }

    #[test]
    fn exit_ends_run_mode_but_not_the_page_terminal() {
        let mut s = Session::new("plain").unwrap();
        let r = s.execute("for i in 1 2 3; do [ $i = 2 ] && exit 4; echo $i; done");
        assert!(r.exited);
        assert_eq!((r.text().as_str(), r.exit), ("1\n", 4));
        let r = s.execute_interactive("exit 3");
        assert!(!r.exited);
        assert_eq!((r.text().as_str(), r.exit), ("exit\n", 3));
        assert!(explains(&r).iter().any(|e| e.contains("keeps this terminal open")));
        assert_eq!(s.execute("echo $?").text(), "3\n");
        // In a pipe or `$(...)`, exit ends only that subshell.
        let r = s.execute("echo a | exit 5; echo $?; X=$(exit 6); echo $?");
        assert_eq!((r.text().as_str(), r.exited), ("5\n6\n", false));
    }
}
