//! Commands that keep running, whatever program they belong to: `etcdctl watch`, `etcdctl
//! lease keep-alive` (without `--once`) and a `snapshot save` that hangs on an endpoint nobody
//! answers (their state is `etcdctl::job::Job`). A command prints its first output and leaves
//! a [`Running`] job in `Proc.job`; the shell keeps it as the foreground job of the terminal
//! (see `Session::tick` and `Session::interrupt`) or in the background (`cmd &`), or, where
//! nothing can interrupt it (`run` mode, a pipe, `$(...)`), ends it at once with
//! [`finish_bounded`]. Time reaches a job only through [`World::advance`]: the job prints
//! what the world's clock brought.
//!
//! What real etcdctl 3.4.23 prints when Ctrl+C (SIGINT) stops it: nothing more, for all
//! three (checked with `timeout -s INT 3 etcdctl ...` on loopback); bash then sets `$?` to 130.
//!
//! The bounded end: the simulated clock advances in 1 s steps (leases expire, watch events
//! arrive, keep-alives renew) until [`IDLE_BOUND_MS`] pass with no new event and no lease is
//! due to expire within [`TOTAL_BOUND_MS`] (a job that [`Running::waits_for_events`]: a
//! watch), or [`IDLE_BOUND_MS`] pass (a keep-alive: it renews on its own schedule, every
//! TTL/3), or [`TOTAL_BOUND_MS`] in all; then the job is stopped as Ctrl+C would stop it.

use crate::process::Chunk;
use crate::world::World;
use std::any::Any;

/// `run` mode stops a job after this much simulated time without new output.
pub const IDLE_BOUND_MS: u64 = 2_000;
/// ... and after this much simulated time in all.
pub const TOTAL_BOUND_MS: u64 = 30_000;
/// The exit status bash reports for a command stopped by Ctrl+C (128 + SIGINT).
pub const EXIT_SIGINT: i32 = 130;

/// What a poll produced: output, and the exit status if the job ended by itself.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Polled {
    pub chunks: Vec<Chunk>,
    pub ended: Option<i32>,
}

/// A command still running. The program that started it fills it in; the shell keeps it
/// (a concrete, serde type, so that a saved session keeps its jobs).
pub trait Running: Any {
    /// New output up to the world's clock (which [`World::advance`] moves). Never blocks.
    fn poll(&mut self, world: &mut World) -> Polled;
    /// Ctrl+C: stops the job. What is printed after `^C` (real etcdctl prints nothing; the
    /// playground may add an explanation).
    fn interrupt(&mut self, world: &mut World) -> Vec<Chunk>;
    /// The note shown when the job starts in the foreground of the terminal.
    fn started_note(&self) -> Option<Chunk> {
        None
    }
    /// A job whose bounded end is known at once (a hang that times out): its output and
    /// status. `None`: the bounded end lets time pass (see the module docs).
    fn end_at_once(&mut self, _world: &mut World) -> Option<(Vec<Chunk>, i32)> {
        None
    }
    /// Whether new output restarts the idle bound and leases due within the bound extend it
    /// (a watch waits for the deletions a learner watches for).
    fn waits_for_events(&self) -> bool {
        false
    }
    /// Whether simulated time must reach the job second by second, as at the terminal (a
    /// keep-alive renews its lease before it runs out). Else one jump brings the same output
    /// (a watch prints the same events, in order), and a long `sleep` stays cheap.
    fn paced(&self) -> bool {
        false
    }
    /// The explanation after a bounded end that let `total_ms` of simulated time pass.
    fn bounded_note(&self, total_ms: u64) -> crate::i18n::Text;
    /// Whether the job prints after it started: one that does not (a server whose log went to
    /// a file) stays a job when its output is redirected.
    fn prints_after_start(&self) -> bool {
        true
    }
}

/// What `{:?}` of a `Proc` shows for its job: its kind only (a derived `Debug` of every job
/// type would be reachable through the vtable and land in the first load).
impl std::fmt::Debug for dyn Running {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Running")
    }
}

/// Runs a job to a bounded end (see the module docs): output and exit status.
pub fn finish_bounded(job: &mut dyn Running, world: &mut World) -> (Vec<Chunk>, i32) {
    if let Some(end) = job.end_at_once(world) {
        return end;
    }
    let mut chunks = Vec::new();
    let (mut idle, mut total) = (0, 0);
    let end = world.clock_ms.saturating_add(TOTAL_BOUND_MS);
    let waits = job.waits_for_events();
    let lease_due = |w: &World| waits && w.etcd.running && w.etcd.store.lessor.leases.values().any(|l| l.expiry_ms <= end);
    while (idle < IDLE_BOUND_MS || lease_due(world)) && total < TOTAL_BOUND_MS {
        world.advance(1000);
        idle += 1000;
        total += 1000;
        let p = job.poll(world);
        if !p.chunks.is_empty() {
            // A keep-alive prints on its own schedule: it gets the idle bound in all.
            if waits {
                idle = 0;
            }
            chunks.extend(p.chunks);
        }
        if let Some(code) = p.ended {
            return (chunks, code);
        }
    }
    let note = job.bounded_note(total);
    chunks.extend(job.interrupt(world));
    if !note.en.is_empty() {
        chunks.push(Chunk::Explain(note));
    }
    (chunks, 0)
}

/// The concrete job behind a `Proc.job` (for the shell, which saves it), or the job itself
/// when it is of another type.
pub fn downcast<T: Running>(job: Box<dyn Running>) -> Result<T, Box<dyn Running>> {
    if (&*job as &dyn Any).is::<T>() {
        let any: Box<dyn Any> = job;
        if let Ok(t) = any.downcast::<T>() {
            return Ok(*t);
        }
        unreachable!("checked with is::<T>()");
    }
    Err(job)
}

#[cfg(test)]
mod tests {
    use crate::shell::Session;

    fn tick(s: &mut Session, ms: u64) -> String {
        s.tick(ms).text()
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
        let r = s.tick(3000);
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
        assert!(r.chunks.iter().any(|c| matches!(c, crate::process::Chunk::Explain(t) if t.en.contains("without a new event"))));
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
        assert!(r.chunks.iter().any(|c| matches!(c, crate::process::Chunk::Explain(t) if t.en.contains("square brackets"))));
        assert_eq!(s.execute("ls").text(), "snapshotdb.part\n", "the real client leaves its .part file");
    }

    #[test]
    fn bracketed_snapshot_save_is_stopped_at_once_in_run_mode() {
        let mut s = Session::new("plain").unwrap();
        let r = s.execute("etcdctl --endpoints=[127.0.0.1:2379] snapshot save snapshotdb");
        assert!(!r.running && r.exit == 130 && s.job.is_none());
        assert!(r.text().contains("created temporary db file") && !r.text().contains("deadline"), "{}", r.text());
        assert!(r.chunks.iter().any(|c| matches!(c, crate::process::Chunk::Explain(t) if t.en.contains("square brackets"))));
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
