//! Wall-clock time of the simulated cluster. The session's `World.clock_ms` counts from the
//! moment the scenario starts; the kubeadm cluster was created [`SCENARIO_AGE_S`] before that,
//! so the seed's `AGE 8d` comes out of real timestamps and keeps advancing.

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

/// `2006-01-02T15:04:05` with `frac` (0..=9) fractional digits, no zone.
pub fn rfc3339_frac(ms: i64, frac: usize) -> String {
    let (y, mo, d, h, mi, s, _) = parts(ms.div_euclid(1000));
    let mut out = format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}");
    if frac > 0 {
        let f = format!("{:03}000000", ms.rem_euclid(1000));
        out.push('.');
        out.push_str(&f[..frac.min(9)]);
    }
    out
}

/// Days since 1970-01-01 → (year, month, day) (Howard Hinnant's civil_from_days).
fn civil(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// (year, month, day, hour, minute, second, weekday 0=Sunday) in UTC.
pub fn parts(t: i64) -> (i64, u32, u32, u32, u32, u32, usize) {
    let days = t.div_euclid(86_400);
    let secs = t.rem_euclid(86_400);
    let (y, m, d) = civil(days);
    let wd = (days + 4).rem_euclid(7) as usize;
    (y, m, d, (secs / 3600) as u32, (secs / 60 % 60) as u32, (secs % 60) as u32, wd)
}

/// `2025-01-06T09:12:41Z` (Kubernetes' metav1.Time).
pub fn rfc3339(t: i64) -> String {
    let (y, mo, d, h, mi, s, _) = parts(t);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
}

/// `2025-01-06T09:12:41.000Z` with milliseconds (etcd's zap log `ts`).
pub fn rfc3339_ms(ms: i64) -> String {
    let (y, mo, d, h, mi, s, _) = parts(ms.div_euclid(1000));
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{:03}Z", ms.rem_euclid(1000))
}

const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// Go's `time.RFC1123Z` in UTC: `Mon, 06 Jan 2025 09:12:41 +0000` (kubectl describe).
pub fn rfc1123z(t: i64) -> String {
    let (y, mo, d, h, mi, s, wd) = parts(t);
    format!("{}, {d:02} {} {y} {h:02}:{mi:02}:{s:02} +0000", DAYS[wd], MONTHS[(mo - 1) as usize])
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

/// Parses `YYYY-MM-DDTHH:MM:SSZ` (fractions ignored) back to unix seconds.
pub fn parse_rfc3339(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() < 19 {
        return None;
    }
    let num = |r: std::ops::Range<usize>| s.get(r)?.parse::<i64>().ok();
    let (y, mo, d, h, mi, sec) = (num(0..4)?, num(5..7)?, num(8..10)?, num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) {
        return None;
    }
    let (yy, mm) = if mo <= 2 { (y - 1, mo + 9) } else { (y, mo - 3) };
    let era = yy.div_euclid(400);
    let yoe = yy - era * 400;
    let doy = (153 * mm + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some((era * 146_097 + doe - 719_468) * 86_400 + h * 3600 + mi * 60 + sec)
}

/// kubectl's `duration.HumanDuration`: `45s`, `3m12s`, `2h5m`, `8d`, `2y3d`.
pub fn human_duration(secs: i64) -> String {
    if secs < -1 {
        return "<invalid>".into();
    }
    if secs < 0 {
        return "0s".into();
    }
    let (m, h) = (secs / 60, secs / 3600);
    if secs < 120 {
        format!("{secs}s")
    } else if m < 10 {
        if secs % 60 == 0 { format!("{m}m") } else { format!("{m}m{}s", secs % 60) }
    } else if m < 180 {
        format!("{m}m")
    } else if h < 8 {
        if m % 60 == 0 { format!("{h}h") } else { format!("{h}h{}m", m % 60) }
    } else if h < 48 {
        format!("{h}h")
    } else if h < 24 * 8 {
        if h % 24 == 0 { format!("{}d", h / 24) } else { format!("{}d{}h", h / 24, h % 24) }
    } else if h < 24 * 365 * 2 {
        format!("{}d", h / 24)
    } else if h < 24 * 365 * 8 {
        let y = h / 24 / 365;
        if (h / 24) % 365 == 0 { format!("{y}y") } else { format!("{y}y{}d", (h / 24) % 365) }
    } else {
        format!("{}y", h / 24 / 365)
    }
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
    fn dates_round_trip_and_format() {
        assert_eq!(rfc3339(CLUSTER_CREATED), "2025-01-06T09:12:41Z");
        assert_eq!(parse_rfc3339("2025-01-06T09:12:41Z"), Some(CLUSTER_CREATED));
        assert_eq!(rfc1123z(CLUSTER_CREATED), "Mon, 06 Jan 2025 09:12:41 +0000");
        assert_eq!(openssl_date(CLUSTER_CREATED), "Jan  6 09:12:41 2025 GMT");
        assert_eq!(rfc3339_ms(CLUSTER_CREATED * 1000 + 7), "2025-01-06T09:12:41.007Z");
    }

    #[test]
    fn ages_like_kubectl() {
        assert_eq!(human_duration(SCENARIO_AGE_S), "8d");
        assert_eq!(human_duration(7 * 86_400 + 3600), "7d1h");
        assert_eq!(human_duration(65), "65s");
        assert_eq!(human_duration(190), "3m10s");
        assert_eq!(human_duration(3 * 3600 + 60 * 5), "3h5m");
        assert_eq!(human_duration(800 * 86_400), "2y70d");
    }
}
