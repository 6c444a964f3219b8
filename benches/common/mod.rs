//! What every bench here shares: the clock criterion reads.
//!
//! Time is the benchmark thread's CPU time (Linux `CLOCK_THREAD_CPUTIME_ID`): this machine has
//! two cores shared with other builds, and wall time also counts the stretches the thread waits
//! for a core, which moves the numbers with whatever the neighbours do. CPU time counts only
//! the work (page faults included: they are the thread's CPU time too). `BENCH_CLOCK=wall`
//! measures wall time instead (and it is the only clock off Linux); the page's own budget, a
//! frame, is wall time in the browser, measured by `tests/bench/page.bench.mjs`.

use criterion::measurement::{Measurement, ValueFormatter, WallTime};
use std::time::{Duration, Instant};

/// The clock the benches read (see the header).
pub struct BenchClock {
    cpu: bool,
}

impl BenchClock {
    pub fn from_env() -> Self {
        let wall = std::env::var("BENCH_CLOCK").is_ok_and(|c| c == "wall");
        let clock = BenchClock { cpu: cfg!(target_os = "linux") && !wall };
        // Said once per bench binary, so every report says what its numbers are.
        eprintln!("bench clock: {}", clock.name());
        clock
    }

    pub fn name(&self) -> &'static str {
        if self.cpu {
            "thread CPU time"
        } else {
            "wall clock"
        }
    }
}

#[cfg(target_os = "linux")]
fn thread_cpu_ns() -> u64 {
    #[repr(C)]
    struct Timespec {
        sec: i64,
        nsec: i64,
    }
    extern "C" {
        fn clock_gettime(clock: i32, ts: *mut Timespec) -> i32;
    }
    const CLOCK_THREAD_CPUTIME_ID: i32 = 3;
    let mut ts = Timespec { sec: 0, nsec: 0 };
    // SAFETY: clock_gettime writes one timespec through a valid pointer.
    let rc = unsafe { clock_gettime(CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0, "clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed");
    ts.sec as u64 * 1_000_000_000 + ts.nsec as u64
}

#[cfg(not(target_os = "linux"))]
fn thread_cpu_ns() -> u64 {
    0
}

static WALL: WallTime = WallTime;

impl Measurement for BenchClock {
    type Intermediate = (Instant, u64);
    type Value = Duration;
    fn start(&self) -> (Instant, u64) {
        (Instant::now(), if self.cpu { thread_cpu_ns() } else { 0 })
    }
    fn end(&self, (wall, cpu): (Instant, u64)) -> Duration {
        if self.cpu {
            Duration::from_nanos(thread_cpu_ns() - cpu)
        } else {
            wall.elapsed()
        }
    }
    fn add(&self, a: &Duration, b: &Duration) -> Duration {
        *a + *b
    }
    fn zero(&self) -> Duration {
        Duration::ZERO
    }
    fn to_f64(&self, v: &Duration) -> f64 {
        v.as_nanos() as f64
    }
    fn formatter(&self) -> &dyn ValueFormatter {
        WALL.formatter()
    }
}
