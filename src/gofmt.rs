//! Go's way of printing and reading values, for the simulated Go programs (etcd, etcdctl,
//! etcdutl, kubectl, kubeadm, crictl): `%q` and `%v`, `strconv` and `time.ParseDuration` with
//! their error texts, go-humanize's byte sizes, the durations of apimachinery and docker's
//! go-units, and Go's time layouts in UTC. One place, so that `20 kB` or `"key"` is printed the
//! same way by every program.
//!
//! ```
//! use etcd_playground::gofmt;
//! assert_eq!(gofmt::quote("a\"b\n"), r#""a\"b\n""#);
//! assert_eq!(gofmt::humanize_bytes(20480), "20 kB");
//! assert_eq!(gofmt::parse_duration("1m30s"), Ok(90_000));
//! assert_eq!(gofmt::human_duration(190), "3m10s");
//! assert_eq!(gofmt::rfc3339(1_736_154_761), "2025-01-06T09:12:41Z");
//! ```
//!
//! Knows nothing above the foundation layer (only `decimal`).

// ---------------------------------------------------------------------------------------------
// %q and %v

/// Go's `%q` for the simple strings flags and keys carry: `"`, `\`, `\n`, `\t` escaped, other
/// control characters as `\xNN`.
pub fn quote(s: &str) -> String {
    let mut o = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            '\n' => o.push_str("\\n"),
            '\t' => o.push_str("\\t"),
            c if (c as u32) < 0x20 => o.push_str(&format!("\\x{:02x}", c as u32)),
            c => o.push(c),
        }
    }
    o.push('"');
    o
}

/// Go's `%q` of a `[]byte`: as [`quote`] when it is UTF-8, else printable ASCII kept and every
/// other byte as `\xNN`.
pub fn quote_bytes(b: &[u8]) -> String {
    match std::str::from_utf8(b) {
        Ok(s) => quote(s),
        Err(_) => {
            let mut o = String::from("\"");
            for &c in b {
                if c.is_ascii_graphic() || c == b' ' {
                    if c == b'"' || c == b'\\' {
                        o.push('\\');
                    }
                    o.push(c as char);
                } else {
                    o.push_str(&format!("\\x{c:02x}"));
                }
            }
            o.push('"');
            o
        }
    }
}

/// Go's `%q` of a `[]string`: `["a" "b"]`. (Each element quoted as Rust's `{:?}` does, which
/// agrees with Go's `%q` on the printable text it is used for: URLs.)
pub fn strings_q(list: &[String]) -> String {
    format!("[{}]", list.iter().map(|s| format!("{s:?}")).collect::<Vec<_>>().join(" "))
}

/// Go's `%v` of a `[]byte`: `[1 2 3]`.
pub fn bytes_v(b: &[u8]) -> String {
    format!("[{}]", b.iter().map(|x| x.to_string()).collect::<Vec<_>>().join(" "))
}

// ---------------------------------------------------------------------------------------------
// strconv and time.ParseDuration

/// Go's `strconv.ParseInt(s, 0, 64)` error text, or the value.
pub fn parse_int(s: &str) -> Result<i64, String> {
    let (neg, body) = match s.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    let digits = body.replace('_', "");
    let parsed = if let Some(h) = digits.strip_prefix("0x").or_else(|| digits.strip_prefix("0X")) {
        // Digits only: Rust's from_str_radix would take a sign (`0x-5`), Go's does not.
        if h.is_empty() || !h.bytes().all(|b| b.is_ascii_hexdigit()) {
            None
        } else {
            i128::from_str_radix(h, 16).ok().or(Some(i128::MAX))
        }
    } else if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        digits.parse::<i128>().ok().or(Some(i128::MAX))
    } else {
        None
    };
    match parsed {
        None => Err(format!("strconv.ParseInt: parsing {}: invalid syntax", quote(s))),
        Some(v) => {
            let v = if neg { -v } else { v };
            if v > i64::MAX as i128 || v < i64::MIN as i128 {
                Err(format!("strconv.ParseInt: parsing {}: value out of range", quote(s)))
            } else {
                Ok(v as i64)
            }
        }
    }
}

/// Go's `strconv.ParseInt(s, base, 64)` for base 10 or 16: an optional sign, then digits only
/// (no `0x` prefix, no underscores); its error texts.
pub fn parse_int_base(s: &str, base: u32) -> Result<i64, String> {
    let syntax = || format!("strconv.ParseInt: parsing {}: invalid syntax", quote(s));
    let range = || format!("strconv.ParseInt: parsing {}: value out of range", quote(s));
    let (neg, body) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if body.is_empty() {
        return Err(syntax());
    }
    let mut n: u64 = 0;
    for c in body.chars() {
        let Some(d) = c.to_digit(base) else { return Err(syntax()) };
        n = match n.checked_mul(base as u64).and_then(|n| n.checked_add(d as u64)) {
            Some(n) => n,
            None => return Err(range()),
        };
    }
    match (neg, n) {
        (false, n) if n <= i64::MAX as u64 => Ok(n as i64),
        (true, n) if n <= 1 << 63 => Ok((n as i64).wrapping_neg()),
        _ => Err(range()),
    }
}

/// Go's `time.ParseDuration`, in milliseconds (a negative duration reads as 0).
pub fn parse_duration(s: &str) -> Result<u64, String> {
    let err = || format!("time: invalid duration {}", quote(s));
    if s == "0" {
        return Ok(0);
    }
    let body = s.strip_prefix('+').unwrap_or(s);
    if body.starts_with('-') {
        return Ok(0);
    }
    // Go sums exact nanoseconds and refuses anything past 1<<63 - 1 of them.
    let mut total_ns: u128 = 0;
    let mut rest = body;
    if rest.is_empty() {
        return Err(err());
    }
    while !rest.is_empty() {
        let n = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(rest.len());
        if n == 0 {
            return Err(err());
        }
        let num = &rest[..n];
        if crate::decimal::scaled(num, 1).is_none() {
            return Err(err());
        }
        rest = &rest[n..];
        let u = rest.find(|c: char| c.is_ascii_digit() || c == '.').unwrap_or(rest.len());
        let unit_ns: u128 = match &rest[..u] {
            "ns" => 1,
            "us" | "µs" | "μs" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            "" => return Err(format!("time: missing unit in duration {}", quote(s))),
            other => return Err(format!("time: unknown unit {} in duration {}", quote(other), quote(s))),
        };
        total_ns = crate::decimal::scaled(num, unit_ns).and_then(|v| total_ns.checked_add(v)).filter(|&t| t <= i64::MAX as u128).ok_or_else(err)?;
        rest = &rest[u..];
    }
    Ok((total_ns / 1_000_000) as u64)
}

// ---------------------------------------------------------------------------------------------
// Sizes and durations for people

/// go-humanize's `Bytes`: SI units, one decimal below 10 ("2.1 MB", "20 kB", "512 B").
///
/// ```
/// use etcd_playground::gofmt::humanize_bytes;
/// assert_eq!(humanize_bytes(5), "5 B");
/// assert_eq!(humanize_bytes(20480), "20 kB");
/// assert_eq!(humanize_bytes(2_101_248), "2.1 MB");
/// ```
pub fn humanize_bytes(s: u64) -> String {
    const SIZES: [&str; 7] = ["B", "kB", "MB", "GB", "TB", "PB", "EB"];
    if s < 10 {
        return format!("{s} B");
    }
    // Go: e = floor(log1000(s)); val = floor(s/1000^e*10 + 0.5) / 10; "%.1f" below 10, else
    // "%.0f" (which rounds an exact .5 to even). Integer arithmetic gives the same digits and
    // keeps float formatting (~20 KB of wasm) out of the build.
    let (s, mut e, mut unit) = (u128::from(s), 0usize, 1u128);
    while s >= unit * 1000 && e + 1 < SIZES.len() {
        unit *= 1000;
        e += 1;
    }
    let tenths = (20 * s + unit) / (2 * unit);
    let (whole, frac) = (tenths / 10, tenths % 10);
    if whole < 10 {
        format!("{whole}.{frac} {}", SIZES[e])
    } else {
        let rounded = if frac > 5 || (frac == 5 && whole % 2 == 1) { whole + 1 } else { whole };
        format!("{rounded} {}", SIZES[e])
    }
}

/// apimachinery's `duration.HumanDuration` (kubectl's AGE): `45s`, `3m12s`, `2h5m`, `8d`, `2y3d`.
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

/// apimachinery's `duration.ShortHumanDuration` of a whole number of seconds (kubeadm's
/// RESIDUAL TIME): `59s`, `59m`, `23h`, `364d`, `1y`.
pub fn short_human_duration(secs: i64) -> String {
    if secs < -1 {
        "<invalid>".into()
    } else if secs < 0 {
        "0s".into()
    } else if secs < 60 {
        format!("{secs}s")
    } else if secs < 3600 {
        format!("{}m", secs / 60)
    } else if secs < 86_400 {
        format!("{}h", secs / 3600)
    } else if secs / 3600 < 24 * 365 {
        format!("{}d", secs / 3600 / 24)
    } else {
        format!("{}y", secs / 86_400 / 365)
    }
}

/// docker/go-units' `HumanDuration` of a span in milliseconds (crictl's CREATED, with " ago"):
/// `Less than a second`, `About a minute`, `3 hours`, `2 weeks`.
pub fn units_human_duration(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let hours = ms.saturating_add(1_800_000).div_euclid(3_600_000);
    if secs < 1 {
        "Less than a second".to_string()
    } else if secs == 1 {
        "1 second".into()
    } else if secs < 60 {
        format!("{secs} seconds")
    } else if secs / 60 == 1 {
        "About a minute".into()
    } else if secs / 60 < 60 {
        format!("{} minutes", secs / 60)
    } else if hours == 1 {
        "About an hour".into()
    } else if hours < 48 {
        format!("{hours} hours")
    } else if hours < 24 * 7 * 2 {
        format!("{} days", hours / 24)
    } else if hours < 24 * 30 * 2 {
        format!("{} weeks", hours / 24 / 7)
    } else if hours < 24 * 365 * 2 {
        format!("{} months", hours / 24 / 30)
    } else {
        format!("{} years", secs / 3600 / 24 / 365)
    }
}

// ---------------------------------------------------------------------------------------------
// Time layouts (UTC)

/// Go's short day names, Sunday first.
pub const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
/// Go's short month names.
pub const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

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

/// Unix seconds → (year, month, day, hour, minute, second, weekday 0=Sunday) in UTC.
pub fn parts(t: i64) -> (i64, u32, u32, u32, u32, u32, usize) {
    let days = t.div_euclid(86_400);
    let secs = t.rem_euclid(86_400);
    let (y, m, d) = civil(days);
    let wd = (days + 4).rem_euclid(7) as usize;
    (y, m, d, (secs / 3600) as u32, (secs / 60 % 60) as u32, (secs % 60) as u32, wd)
}

/// `2006-01-02T15:04:05Z` (Kubernetes' metav1.Time) of unix seconds.
pub fn rfc3339(t: i64) -> String {
    let (y, mo, d, h, mi, s, _) = parts(t);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
}

/// `2006-01-02T15:04:05.000Z` of unix milliseconds (etcd's zap log `ts`).
pub fn rfc3339_ms(ms: i64) -> String {
    let (y, mo, d, h, mi, s, _) = parts(ms.div_euclid(1000));
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{:03}Z", ms.rem_euclid(1000))
}

/// `2006-01-02T15:04:05` of unix milliseconds with `frac` (0..=9) fractional digits, no zone.
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

/// Go's `time.RFC1123Z` in UTC: `Mon, 06 Jan 2025 09:12:41 +0000` (kubectl describe).
pub fn rfc1123z(t: i64) -> String {
    let (y, mo, d, h, mi, s, wd) = parts(t);
    format!("{}, {d:02} {} {y} {h:02}:{mi:02}:{s:02} +0000", DAYS[wd], MONTHS[(mo - 1) as usize])
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

#[cfg(test)]
mod tests {
    use super::*;

    /// 2025-01-06T09:12:41Z.
    const T: i64 = 1_736_154_761;

    #[test]
    fn quotes_like_go() {
        assert_eq!(quote("a\"b\\c\n\t\u{1}é"), "\"a\\\"b\\\\c\\n\\t\\x01é\"");
        assert_eq!(quote_bytes(b"k\xffv\"\n"), "\"k\\xffv\\\"\\x0a\"");
        assert_eq!(quote_bytes(b"key"), "\"key\"");
        assert_eq!(bytes_v(&[1, 2, 255]), "[1 2 255]");
        assert_eq!(bytes_v(&[]), "[]");
        assert_eq!(strings_q(&["http://a:2380".into(), "http://b:2380".into()]), "[\"http://a:2380\" \"http://b:2380\"]");
    }

    #[test]
    fn parses_ints_like_strconv() {
        assert_eq!(parse_int("0x10"), Ok(16));
        assert_eq!(parse_int("1_000"), Ok(1000));
        assert_eq!(parse_int("0x-5"), Err("strconv.ParseInt: parsing \"0x-5\": invalid syntax".into()));
        assert_eq!(parse_int("99999999999999999999"), Err("strconv.ParseInt: parsing \"99999999999999999999\": value out of range".into()));
        assert_eq!(parse_int_base("ff", 16), Ok(255));
        assert_eq!(parse_int_base("-9223372036854775808", 10), Ok(i64::MIN));
        assert_eq!(parse_int_base("9223372036854775808", 10), Err("strconv.ParseInt: parsing \"9223372036854775808\": value out of range".into()));
        assert_eq!(parse_int_base("0x1", 16), Err("strconv.ParseInt: parsing \"0x1\": invalid syntax".into()));
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("5s"), Ok(5000));
        assert_eq!(parse_duration("1m30s"), Ok(90_000));
        assert_eq!(parse_duration("250ms"), Ok(250));
        assert!(parse_duration("5").is_err());
        assert_eq!(parse_duration("1.5s"), Ok(1500));
        assert_eq!(parse_duration(".5m"), Ok(30_000));
        assert_eq!(parse_duration("1h0.5ms999us"), Ok(3_600_001));
        assert_eq!(parse_duration("2562047h"), Ok(2_562_047 * 3_600_000));
        assert_eq!(parse_duration("2562048h"), Err("time: invalid duration \"2562048h\"".to_string()));
        assert_eq!(parse_duration("."), Err("time: invalid duration \".\"".to_string()));
        assert_eq!(parse_duration("5x"), Err("time: unknown unit \"x\" in duration \"5x\"".to_string()));
    }

    #[test]
    fn humanize_matches_go_humanize() {
        for (n, s) in [(0, "0 B"), (9, "9 B"), (10, "10 B"), (999, "999 B"), (1000, "1.0 kB"), (20480, "20 kB"), (20512, "20 kB"), (20_500, "20 kB"), (21_500, "22 kB"), (1_000_000, "1.0 MB"), (2_101_248, "2.1 MB"), (9_950_000, "10 MB"), (123_456_789, "124 MB"), (122_456_789, "122 MB"), (999_999, "1000 kB"), (999_949, "1000 kB"), (999_950_000, "1000 MB"), (1_000_000_000, "1.0 GB"), (9_949_999, "9.9 MB"), (u64::MAX, "18 EB")] {
            assert_eq!(humanize_bytes(n), s, "{n}");
        }
    }

    #[test]
    fn ages_like_kubectl() {
        assert_eq!(human_duration(8 * 86_400 + 3 * 3_600), "8d");
        assert_eq!(human_duration(7 * 86_400 + 3600), "7d1h");
        assert_eq!(human_duration(65), "65s");
        assert_eq!(human_duration(190), "3m10s");
        assert_eq!(human_duration(3 * 3600 + 60 * 5), "3h5m");
        assert_eq!(human_duration(800 * 86_400), "2y70d");
    }

    #[test]
    fn residual_time_prints_like_short_human_duration() {
        assert_eq!(short_human_duration(-2), "<invalid>");
        assert_eq!(short_human_duration(-1), "0s");
        assert_eq!(short_human_duration(59), "59s");
        assert_eq!(short_human_duration(3599), "59m");
        assert_eq!(short_human_duration(86_399), "23h");
        assert_eq!(short_human_duration(364 * 86_400 + 3600), "364d");
        assert_eq!(short_human_duration(365 * 86_400), "1y");
        assert_eq!(short_human_duration(9 * 365 * 86_400 + 20 * 86_400), "9y");
    }

    #[test]
    fn ages_like_go_units() {
        let s = 1000;
        for (d, want) in [(0, "Less than a second"), (s, "1 second"), (59 * s, "59 seconds"), (119 * s, "About a minute"), (120 * s, "2 minutes"), (3_599 * s, "59 minutes"), (5_400 * s, "2 hours"), (47 * 3_600 * s, "47 hours"), (8 * 86_400 * s, "8 days"), (20 * 86_400 * s, "2 weeks"), (90 * 86_400 * s, "3 months"), (800 * 86_400 * s, "2 years")] {
            assert_eq!(units_human_duration(d), want, "{d}");
        }
    }

    #[test]
    fn dates_round_trip_and_format() {
        assert_eq!(rfc3339(T), "2025-01-06T09:12:41Z");
        assert_eq!(parse_rfc3339("2025-01-06T09:12:41Z"), Some(T));
        assert_eq!(parse_rfc3339("2025-13-06T09:12:41Z"), None);
        assert_eq!(rfc1123z(T), "Mon, 06 Jan 2025 09:12:41 +0000");
        assert_eq!(rfc3339_ms(T * 1000 + 7), "2025-01-06T09:12:41.007Z");
        assert_eq!(rfc3339_frac(0, 0), "1970-01-01T00:00:00");
        assert_eq!(rfc3339_frac(1_795_616_688_102, 3), "2026-11-25T14:24:48.102");
        assert_eq!(rfc3339_frac(951_782_400_000, 6), "2000-02-29T00:00:00.000000");
        assert_eq!(parts(T).6, 1, "a Monday");
    }
}
