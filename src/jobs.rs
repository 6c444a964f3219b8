//! Commands that keep running: `etcdctl watch`, `etcdctl lease keep-alive` (without `--once`)
//! and a `snapshot save` that hangs on an endpoint nobody answers (the tutorial's
//! `--endpoints=[127.0.0.1:2379]`). The command prints its first output and leaves a [`Job`];
//! the shell keeps it as the foreground job of the terminal (see `Session::poll` and
//! `Session::interrupt`), or, where nothing can interrupt it (`run` mode, a pipe, `$(...)`),
//! ends it at once with [`Job::finish_bounded`].
//!
//! What real etcdctl 3.4.23 prints when Ctrl+C (SIGINT) stops it: nothing more, for all
//! three (checked with `timeout -s INT 3 etcdctl ...` on loopback); bash then sets `$?` to 130.
//! A hanging `snapshot save` leaves its `<file>.part` behind.
//!
//! The bounded end: the simulated clock advances in 1 s steps (leases expire, watch events
//! arrive, keep-alives renew) until [`IDLE_BOUND_MS`] pass with no new event and no lease is
//! due to expire within [`TOTAL_BOUND_MS`] (a watch), or [`IDLE_BOUND_MS`] pass (a
//! keep-alive: it renews on its own schedule, every TTL/3), or [`TOTAL_BOUND_MS`] in all;
//! then the job is stopped as Ctrl+C would stop it.

use crate::process::Chunk;
use crate::world::World;
use serde::{Deserialize, Serialize};

/// `run` mode stops a job after this much simulated time without new output.
pub const IDLE_BOUND_MS: u64 = 2_000;
/// ... and after this much simulated time in all.
pub const TOTAL_BOUND_MS: u64 = 30_000;
/// The exit status bash reports for a command stopped by Ctrl+C (128 + SIGINT).
pub const EXIT_SIGINT: i32 = 130;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Job {
    /// `etcdctl watch`: the engine's watcher collects events; each poll prints them.
    /// `pb`: `-w protobuf` (each response as binary; old saved sessions have none).
    Watch {
        watch_id: i64,
        json: bool,
        hex: bool,
        #[serde(default)]
        pb: bool,
    },
    /// `etcdctl lease keep-alive`: renews at `next_ms`, then every `every_ms` (TTL/3).
    KeepAlive {
        lease: i64,
        every_ms: u64,
        next_ms: u64,
        json: bool,
        renewals: u32,
        #[serde(default)]
        pb: bool,
    },
    /// Waiting for an answer that never comes. `bounded` is what `run` mode prints instead
    /// (the timeout and its diagnosis), at `bounded_clock_ms`; `interrupted` the explanation
    /// after Ctrl+C; `part` the temporary file a bounded end removes.
    Hang { bounded: Vec<Chunk>, bounded_exit: i32, bounded_clock_ms: u64, interrupted: Vec<Chunk>, part: Option<String> },
    /// A shell loop that has not ended (`while true; do ...; done`), run by the session a batch
    /// at a time (`Session::poll` → `shell::compound`); `last_ms`: where its last batch left the
    /// clock. Only the terminal's foreground holds one: elsewhere a loop is bounded at once.
    ShellLoop { cmd: Box<crate::shell::parse::Command>, last_ms: u64 },
}

/// What a poll produced: output, and the exit status if the job ended by itself.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Polled {
    pub chunks: Vec<Chunk>,
    pub ended: Option<i32>,
}

impl Job {
    /// New output up to the world's clock (which the caller advances). Never blocks.
    pub fn poll(&mut self, world: &mut World) -> Polled {
        let now = world.clock_ms;
        let mut out = Polled::default();
        match self {
            Job::Watch { watch_id, json, hex, pb } => {
                if world.etcd.running {
                    world.etcd.store.expire_leases(now);
                }
                let events = world.etcd.store.watch_drain(*watch_id);
                let n = events.len() as u64;
                let before = out.chunks.len();
                if !events.is_empty() && *pb {
                    out.chunks.push(Chunk::Bytes(crate::etcdctl::watch::format_events_pb(&world.etcd, events, false)));
                } else if !events.is_empty() {
                    out.chunks.push(Chunk::Stdout(crate::etcdctl::watch::format_events(&world.etcd, events, *json, *hex, false)));
                }
                if n > 0 {
                    let text: String = out.chunks[before..].iter().map(crate::facts::chunk_text).collect();
                    world.facts.later("etcdctl", "watch", "events", n, &text);
                }
            }
            Job::KeepAlive { lease, every_ms, next_ms, json, renewals, pb } => {
                // A stopped etcd answers nothing: the client keeps waiting (and retrying).
                if !world.etcd.running {
                    return out;
                }
                let mut text = String::new();
                let mut bytes = Vec::new();
                let mut guard = 0;
                while *next_ms <= now && guard < 1000 {
                    guard += 1;
                    let at = *next_ms;
                    world.etcd.store.expire_leases(at);
                    match world.etcd.store.lease_keep_alive(*lease, at) {
                        Ok(ttl) => {
                            if *pb {
                                bytes.extend(crate::etcdctl::printer_protobuf::header(&world.etcd, world.etcd.store.current_revision()).build());
                            } else {
                                text.push_str(&crate::etcdctl::lease::keepalive_line(&world.etcd, *lease, ttl, *json));
                            }
                            *renewals += 1;
                            *next_ms = at.saturating_add(*every_ms);
                        }
                        Err(_) => {
                            // The server answers TTL 0: the client closes the stream, and
                            // etcdctl (simple format only) says so and exits 0.
                            if !*json && !*pb {
                                text.push_str(&format!("lease {:016x} expired or revoked.\n", *lease));
                            }
                            out.ended = Some(0);
                            break;
                        }
                    }
                }
                if !text.is_empty() {
                    out.chunks.push(Chunk::Stdout(text));
                }
                if !bytes.is_empty() {
                    out.chunks.push(Chunk::Bytes(bytes));
                }
            }
            Job::Hang { .. } | Job::ShellLoop { .. } => {}
        }
        out
    }

    /// The note shown when the job starts in the foreground of the terminal.
    pub fn started_note(&self) -> Option<Chunk> {
        match self {
            Job::Watch { .. } => Some(Chunk::Explain {
                en: "The watch keeps running: new events on these keys appear here as they happen (a lease running out, the kubelet, the controllers). Press Ctrl+C to stop it. To make changes yourself while watching, start it in the background: `etcdctl watch KEY &`, then `etcdctl put KEY value`, and `kill %1` when done.".into(),
                pt: "O watch continua rodando: novos eventos nessas chaves aparecem aqui quando acontecem (um lease expirando, o kubelet, os controllers). Aperte Ctrl+C para parar. Para fazer mudanças você mesmo enquanto observa, rode-o em segundo plano: `etcdctl watch CHAVE &`, depois `etcdctl put CHAVE valor`, e `kill %1` ao terminar.".into(),
            }),
            _ => None,
        }
    }

    /// Ctrl+C: stops the job. Returns what is printed after `^C` (real etcdctl prints nothing;
    /// the playground may add an explanation).
    pub fn interrupt(self, world: &mut World) -> Vec<Chunk> {
        match self {
            Job::Watch { watch_id, .. } => {
                world.etcd.store.watch_cancel(watch_id);
                Vec::new()
            }
            Job::KeepAlive { .. } | Job::ShellLoop { .. } => Vec::new(),
            Job::Hang { interrupted, .. } => interrupted,
        }
    }

    /// Runs the job to a bounded end (see the module docs): output and exit status.
    pub fn finish_bounded(mut self, world: &mut World) -> (Vec<Chunk>, i32) {
        if let Job::Hang { bounded, bounded_exit, bounded_clock_ms, part, .. } = self {
            world.clock_ms = world.clock_ms.max(bounded_clock_ms);
            if let Some(part) = part {
                let _ = world.vfs.remove(&part, false);
            }
            return (bounded, bounded_exit);
        }
        let mut chunks = Vec::new();
        let (mut idle, mut total) = (0, 0);
        let end = world.clock_ms.saturating_add(TOTAL_BOUND_MS);
        let is_watch = matches!(self, Job::Watch { .. });
        // A watch also waits for leases that run out within the bound: their keys' deletions
        // are the events a learner watches for.
        let lease_due = |w: &World| is_watch && w.etcd.running && w.etcd.store.lessor.leases.values().any(|l| l.expiry_ms <= end);
        while (idle < IDLE_BOUND_MS || lease_due(world)) && total < TOTAL_BOUND_MS {
            world.clock_ms = world.clock_ms.saturating_add(1000);
            idle += 1000;
            total += 1000;
            let p = self.poll(world);
            if !p.chunks.is_empty() {
                // A keep-alive prints on its own schedule: it gets the idle bound in all.
                if is_watch {
                    idle = 0;
                }
                chunks.extend(p.chunks);
            }
            if let Some(code) = p.ended {
                return (chunks, code);
            }
        }
        let (en, pt) = match &self {
            Job::Watch { .. } => (
                format!("The real `etcdctl watch` keeps running until you press Ctrl+C, printing each new event on these keys. Here nothing can press Ctrl+C, so the playground let the simulated clock run ({}s) until {}s passed without a new event, then stopped it. In the browser terminal it keeps running until Ctrl+C.", total / 1000, IDLE_BOUND_MS / 1000),
                format!("O `etcdctl watch` real continua rodando até você apertar Ctrl+C, imprimindo cada novo evento nessas chaves. Aqui ninguém aperta Ctrl+C, então o playground deixou o relógio simulado correr ({}s) até passarem {}s sem evento novo, e parou. No terminal do navegador ele continua até Ctrl+C.", total / 1000, IDLE_BOUND_MS / 1000),
            ),
            Job::KeepAlive { every_ms, renewals, .. } => {
                let (times_en, times_pt) = if *renewals == 1 { ("once".to_string(), "uma vez".to_string()) } else { (format!("{renewals} times"), format!("{renewals} vezes")) };
                let every = crate::decimal::millis_as_seconds(*every_ms);
                (
                    format!("The real `etcdctl lease keep-alive` keeps running until Ctrl+C, renewing the lease every {every}s (a third of its TTL) and printing this line each time. Here nothing can press Ctrl+C: the playground renewed it {times_en} in {}s of simulated time and stopped. In the browser terminal it keeps running until Ctrl+C.", total / 1000),
                    format!("O `etcdctl lease keep-alive` real continua rodando até Ctrl+C, renovando o lease a cada {every}s (um terço do TTL) e imprimindo esta linha a cada vez. Aqui ninguém aperta Ctrl+C: o playground renovou {times_pt} em {}s de tempo simulado e parou. No terminal do navegador ele continua até Ctrl+C.", total / 1000),
                )
            }
            Job::Hang { .. } | Job::ShellLoop { .. } => (String::new(), String::new()),
        };
        chunks.extend(self.interrupt(world));
        chunks.push(Chunk::Explain { en, pt });
        (chunks, 0)
    }
}

#[cfg(test)]
mod tests {
    use crate::shell::Session;

    fn tick(s: &mut Session, ms: u64) -> String {
        s.world.clock_ms += ms;
        s.world.etcd.store.expire_leases(s.world.clock_ms);
        s.poll().text()
    }

    #[test]
    fn watch_streams_lease_expiry_until_ctrl_c() {
        let mut s = Session::new("plain").unwrap();
        let id = s.execute("etcdctl lease grant 5").text().split(' ').nth(1).unwrap().to_string();
        assert_eq!(s.execute(&format!("etcdctl put foo bar --lease={id}")).text(), "OK\n");
        let r = s.execute_interactive("etcdctl watch foo");
        assert!(r.running && r.text().is_empty(), "{r:?}");
        assert_eq!(s.prompt(), "");
        // A typed line is not run while the job is in the foreground.
        let r = s.execute_interactive("etcdctl put foo other");
        assert!(r.running && r.chunks.is_empty());
        assert_eq!(tick(&mut s, 1000), "");
        assert_eq!(tick(&mut s, 5000), "DELETE\nfoo\n\n");
        let r = s.interrupt();
        assert!(!r.running && r.exit == 130 && r.text().is_empty());
        assert!(s.prompt().starts_with("root@"));
        assert!(s.world.etcd.store.watchers.by_id.is_empty(), "Ctrl+C cancels the watcher");
        assert_eq!(s.execute("echo $?").text(), "130\n");
        assert_eq!(s.execute("etcdctl get foo").text(), "", "the typed put was never run");
    }

    #[test]
    fn keep_alive_renews_every_third_of_ttl() {
        let mut s = Session::new("plain").unwrap();
        let id = s.execute("etcdctl lease grant 6").text().split(' ').nth(1).unwrap().to_string();
        let r = s.execute_interactive(&format!("etcdctl lease keep-alive {id}"));
        let line = format!("lease {id} keepalived with TTL(6)\n");
        assert!(r.running);
        assert_eq!(r.text(), line);
        assert_eq!(tick(&mut s, 1000), "");
        assert_eq!(tick(&mut s, 1000), line);
        assert_eq!(tick(&mut s, 4000), line.repeat(2));
        // Still alive long after its TTL, thanks to the renewals.
        let many: String = (0..30).map(|_| tick(&mut s, 1000)).collect();
        assert_eq!(many, line.repeat(15));
        assert!(!s.interrupt().running);
        assert!(s.execute(&format!("etcdctl lease timetolive {id}")).text().contains("remaining("));
    }

    #[test]
    fn keep_alive_ends_when_the_lease_is_revoked() {
        let mut s = Session::new("plain").unwrap();
        let id = s.execute("etcdctl lease grant 9").text().split(' ').nth(1).unwrap().to_string();
        assert!(s.execute_interactive(&format!("etcdctl lease keep-alive {id}")).running);
        s.world.etcd.store.lease_revoke(i64::from_str_radix(&id, 16).unwrap() as i64).unwrap();
        s.world.clock_ms += 3000;
        let r = s.poll();
        assert!(!r.running && r.exit == 0);
        assert_eq!(r.text(), format!("lease {id} expired or revoked.\n"));
        assert!(s.job.is_none());
    }

    #[test]
    fn bounded_watch_in_run_mode_sees_lease_expiry_then_stops() {
        let mut s = Session::new("plain").unwrap();
        let id = s.execute("etcdctl lease grant 3").text().split(' ').nth(1).unwrap().to_string();
        s.execute(&format!("etcdctl put foo bar --lease={id}"));
        let start = s.world.clock_ms;
        let r = s.execute("etcdctl watch foo; echo after");
        assert!(!r.running && s.job.is_none());
        assert_eq!(r.text(), "DELETE\nfoo\n\nafter\n");
        // 3 s until the expiry, then 2 s without events.
        assert_eq!(s.world.clock_ms - start, 5000);
        assert!(r.chunks.iter().any(|c| matches!(c, crate::process::Chunk::Explain { en, .. } if en.contains("without a new event"))));
        assert!(s.world.etcd.store.watchers.by_id.is_empty());
    }

    #[test]
    fn a_watch_in_a_pipe_is_bounded_even_at_the_terminal() {
        let mut s = Session::new("plain").unwrap();
        s.execute("etcdctl put foo bar");
        let r = s.execute_interactive("etcdctl watch foo --rev 1 | head -1");
        assert!(!r.running && s.job.is_none());
        assert_eq!(r.text(), "PUT\n");
    }

    #[test]
    fn bracketed_snapshot_save_hangs_until_ctrl_c() {
        let mut s = Session::new("plain").unwrap();
        let r = s.execute_interactive("etcdctl --endpoints=[127.0.0.1:2379] snapshot save snapshotdb");
        assert!(r.running, "{r:?}");
        assert!(r.text().contains("created temporary db file"));
        assert!(!r.text().contains("deadline"), "{}", r.text());
        assert_eq!(tick(&mut s, 60_000), "");
        let r = s.interrupt();
        assert_eq!((r.exit, r.text().as_str()), (130, ""));
        assert!(r.chunks.iter().any(|c| matches!(c, crate::process::Chunk::Explain { en, .. } if en.contains("square brackets"))));
        assert_eq!(s.execute("ls").text(), "snapshotdb.part\n", "the real client leaves its .part file");
    }

    #[test]
    fn bracketed_snapshot_save_is_stopped_at_once_in_run_mode() {
        let mut s = Session::new("plain").unwrap();
        let r = s.execute("etcdctl --endpoints=[127.0.0.1:2379] snapshot save snapshotdb");
        assert!(!r.running && r.exit == 130 && s.job.is_none());
        assert!(r.text().contains("created temporary db file") && !r.text().contains("deadline"), "{}", r.text());
        assert!(r.chunks.iter().any(|c| matches!(c, crate::process::Chunk::Explain { en, .. } if en.contains("square brackets"))));
        assert_eq!(s.execute("ls").text(), "snapshotdb.part\n");
    }

    #[test]
    fn a_job_survives_a_save_and_load() {
        let mut s = Session::new("plain").unwrap();
        assert!(s.execute_interactive("etcdctl watch foo").running);
        let bytes = crate::session_file::save(&s);
        let mut t = crate::session_file::load(&bytes).unwrap();
        assert!(t.job.is_some());
        assert!(t.interrupt().exit == 130);
    }
}
