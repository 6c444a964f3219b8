//! Decimal numbers the way the simulated tools read and print them, in integers.
//!
//! Why not `f64`: float parsing and printing pull ~20 KB of code and tables into the wasm, and
//! Go's `time.ParseDuration`, GNU `sleep` and `sort -n` are exact decimal arithmetic anyway.
use std::cmp::Ordering;

/// `digits[.digits]` times `unit`, exactly, truncated toward zero: `scaled("1.5", 1000) ==
/// Some(1500)`. `None` for anything else (signs, exponents, empty, a lone `.`).
///
/// ```
/// use etcd_playground::decimal::scaled;
/// assert_eq!(scaled("1.5", 1000), Some(1500));
/// assert_eq!(scaled(".25", 1000), Some(250));
/// assert_eq!(scaled("2.", 60), Some(120));
/// assert_eq!(scaled("0.0001", 1000), Some(0));
/// assert_eq!(scaled(".", 1000), None);
/// assert_eq!(scaled("1e3", 1000), None);
/// ```
pub fn scaled(s: &str, unit: u128) -> Option<u128> {
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    if (int.is_empty() && frac.is_empty()) || !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut whole: u128 = 0;
    for b in int.bytes() {
        whole = whole.checked_mul(10)?.checked_add(u128::from(b - b'0'))?;
    }
    let mut value = whole.checked_mul(unit)?;
    // The fraction: each digit is worth unit/10^k; keep the remainder exact until the end.
    let mut scale: u128 = 1;
    let mut num: u128 = 0;
    for b in frac.bytes().take(30) {
        scale *= 10;
        num = num * 10 + u128::from(b - b'0');
    }
    value = value.checked_add(num.checked_mul(unit)? / scale)?;
    Some(value)
}

/// Seconds with as many decimals as needed, from milliseconds: `1500 → "1.5"`, `2000 → "2"`.
pub fn millis_as_seconds(ms: u64) -> String {
    let (s, frac) = (ms / 1000, ms % 1000);
    if frac == 0 {
        return s.to_string();
    }
    let f = format!("{frac:03}");
    format!("{s}.{}", f.trim_end_matches('0'))
}

/// GNU `sort -n` order of two lines: the leading number of each (blanks, an optional `-`,
/// digits, an optional `.` and digits; no number is 0), compared exactly.
pub fn cmp_numeric(a: &str, b: &str) -> Ordering {
    let (na, nb) = (Leading::of(a), Leading::of(b));
    match (na.negative, nb.negative) {
        (false, true) => Ordering::Greater,
        (true, false) => Ordering::Less,
        (false, false) => na.magnitude_cmp(&nb),
        (true, true) => nb.magnitude_cmp(&na),
    }
}

struct Leading<'a> {
    negative: bool,
    int: &'a str,
    frac: &'a str,
}

impl<'a> Leading<'a> {
    fn of(line: &'a str) -> Self {
        let s = line.trim_start_matches([' ', '\t']);
        let (negative, s) = match s.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, s),
        };
        let int_len = s.bytes().take_while(u8::is_ascii_digit).count();
        let int = s[..int_len].trim_start_matches('0');
        let rest = &s[int_len..];
        let frac = match rest.strip_prefix('.') {
            Some(f) => f[..f.bytes().take_while(u8::is_ascii_digit).count()].trim_end_matches('0'),
            None => "",
        };
        // `-0` and `-` sort as zero.
        let negative = negative && !(int.is_empty() && frac.is_empty());
        Leading { negative, int, frac }
    }

    fn magnitude_cmp(&self, other: &Self) -> Ordering {
        self.int.len().cmp(&other.int.len()).then_with(|| self.int.cmp(other.int)).then_with(|| self.frac.cmp(other.frac))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn millis() {
        assert_eq!(millis_as_seconds(1500), "1.5");
        assert_eq!(millis_as_seconds(2000), "2");
        assert_eq!(millis_as_seconds(3333), "3.333");
        assert_eq!(millis_as_seconds(50), "0.05");
    }

    #[test]
    fn numeric_order_is_exact_and_signed() {
        let mut v = vec!["10", "9", "-1", "abc", "2.50", "2.5", "-10", "0.001", "-0", " 3", "100000000000000000000001", "100000000000000000000000"];
        crate::sort::sort_by(&mut v, |a, b| cmp_numeric(a, b).then_with(|| a.cmp(b)));
        assert_eq!(v, ["-10", "-1", "-0", "abc", "0.001", "2.5", "2.50", " 3", "9", "10", "100000000000000000000000", "100000000000000000000001"]);
    }

    #[test]
    fn scaled_rejects_overflow() {
        assert_eq!(scaled("340282366920938463463374607431768211456", 1), None);
        assert_eq!(scaled("1000000000000000000000000000000", 1_000_000_000_000), None);
        assert_eq!(scaled("1000000000000000000000000000000", 1), Some(10u128.pow(30)));
    }
}
