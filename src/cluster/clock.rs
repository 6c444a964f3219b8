//! Wall-clock time of the simulated cluster. The session's `World.clock_ms` counts from the
//! moment the scenario starts; the kubeadm cluster was created [`SCENARIO_AGE_S`] before that,
//! so the seed's `AGE 8d` comes out of real timestamps and keeps advancing. Go's time layouts
//! and kubectl's ages live in [`crate::gofmt`]; here only the clock and the two non-Go dates.

use crate::gofmt::{parts, MONTHS};

/// 2025-01-06T09:12:41Z: when `kubeadm init` ran on docker-01.
pub const CLUSTER_CREATED: i64 = 1_736_154_761;
/// The session starts 8 days and 3 hours later (kubectl shows `8d` for the next 21 hours).
pub const SCENARIO_AGE_S: i64 = 8 * 86_400 + 3 * 3_600;

/// Unix seconds "now" for a world whose clock reads `clock_ms`.
pub fn now_unix(clock_ms: u64) -> i64 {
    CLUSTER_CREATED + SCENARIO_AGE_S + (clock_ms / 1000) as i64
}

/// Unix milliseconds "now": the one wall clock every simulated program reads (etcdctl's log
/// timestamps, certificate validity, kubectl ages).
pub fn now_unix_ms(clock_ms: u64) -> i64 {
    (CLUSTER_CREATED + SCENARIO_AGE_S) * 1000 + clock_ms as i64
}

/// The time column of GNU `ls -l`: `Jan 14 12:12` for the last six months, else `Jan 14  2024`
/// (also for a time in the future).
pub fn ls_time(t: i64, now: i64) -> String {
    // Gregorian year / 2, in seconds, as GNU ls counts six months.
    const SIX_MONTHS: i64 = 31_556_952 / 2;
    let (y, mo, d, h, mi, _, _) = parts(t);
    let month = MONTHS[(mo - 1) as usize];
    if now - SIX_MONTHS < t && t <= now {
        format!("{month} {d:>2} {h:02}:{mi:02}")
    } else {
        format!("{month} {d:>2}  {y}")
    }
}

/// openssl's `notBefore=Jan  6 09:12:41 2025 GMT` date form.
pub fn openssl_date(t: i64) -> String {
    let (y, mo, d, h, mi, s, _) = parts(t);
    format!("{} {d:>2} {h:02}:{mi:02}:{s:02} {y} GMT", MONTHS[(mo - 1) as usize])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ls_time_is_gnu_ls_long_format() {
        let now = now_unix(0); // 2025-01-14T12:12:41Z
        assert_eq!(ls_time(now, now), "Jan 14 12:12");
        assert_eq!(ls_time(CLUSTER_CREATED, now), "Jan  6 09:12");
        // Older than half a Gregorian year, or in the future: the year instead of the time.
        assert_eq!(ls_time(now - 31_556_952 / 2, now), "Jul 15  2024");
        assert_eq!(ls_time(now - 31_556_952 / 2 + 1, now), "Jul 15 21:18");
        assert_eq!(ls_time(now + 60, now), "Jan 14  2025");
    }

    #[test]
    fn openssl_dates() {
        assert_eq!(openssl_date(CLUSTER_CREATED), "Jan  6 09:12:41 2025 GMT");
    }
}
