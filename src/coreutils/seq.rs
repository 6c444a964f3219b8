//! `seq [-w] [-s SEP] [FIRST [INCR]] LAST`: numbers from FIRST to LAST, as GNU coreutils 9.1
//! prints them.
//!
//! ```text
//! $ seq 3          → 1 2 3 (one a line)
//! $ seq -w 8 10    → 08 09 10
//! $ seq -s, 0 0.5 1 → 0.0,0.5,1.0
//! ```
//!
//! Decimals are exact (fixed point, as many places as FIRST or INCR has). The output stops at
//! [`MAX_BYTES`] with an error naming that limit.

use crate::process::Proc;
use crate::world::World;

/// The most output one `seq` writes here (`seq 1 1000000000` would be 10 GB).
pub const MAX_BYTES: usize = 64 << 20;

fn usage_error(p: &mut Proc, msg: String) -> i32 {
    p.eprintln(format!("seq: {msg}\nTry 'seq --help' for more information."));
    1
}

/// A number as (value × 10^places, places).
fn parse_num(s: &str) -> Option<(i128, u32)> {
    let t = s.trim();
    if t.contains(['e', 'E']) {
        let v: f64 = t.parse().ok()?;
        if v.fract() == 0.0 && v.abs() < 1e30 {
            return Some((v as i128, 0));
        }
        return None;
    }
    let (neg, body) = match t.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    if (int.is_empty() && frac.is_empty()) || !int.chars().all(|c| c.is_ascii_digit()) || !frac.chars().all(|c| c.is_ascii_digit()) || frac.len() > 18 || int.len() > 30 {
        return None;
    }
    let digits = format!("{int}{frac}");
    let v: i128 = if digits.is_empty() { 0 } else { digits.parse().ok()? };
    Some((if neg { -v } else { v }, frac.len() as u32))
}

fn scale(v: (i128, u32), places: u32) -> i128 {
    v.0.saturating_mul(10i128.pow(places - v.1))
}

fn format_fixed(v: i128, places: u32) -> String {
    if places == 0 {
        return v.to_string();
    }
    let sign = if v < 0 { "-" } else { "" };
    let a = v.unsigned_abs();
    let p = 10u128.pow(places);
    format!("{sign}{}.{:0>w$}", a / p, a % p, w = places as usize)
}

pub fn main(_w: &mut World, p: &mut Proc) -> i32 {
    let mut sep = "\n".to_string();
    let mut width = false;
    let mut nums: Vec<String> = Vec::new();
    let args = p.args[1..].to_vec();
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        let numeric = a.len() > 1 && a.starts_with('-') && a[1..].starts_with(|c: char| c.is_ascii_digit() || c == '.');
        if a == "--" {
            nums.extend(args[i + 1..].iter().cloned());
            break;
        } else if a.starts_with('-') && a.len() > 1 && !numeric && nums.is_empty() {
            match a.as_str() {
                "-w" | "--equal-width" => width = true,
                "-s" => {
                    let Some(v) = args.get(i + 1) else { return usage_error(p, "option requires an argument -- 's'".into()) };
                    sep = v.clone();
                    i += 1;
                }
                s if s.starts_with("--separator=") => sep = s["--separator=".len()..].to_string(),
                s if s.starts_with("-s") => sep = s[2..].to_string(),
                s if s.starts_with("--") => return usage_error(p, format!("unrecognized option '{s}'")),
                s => {
                    let c = s[1..].chars().find(|c| *c != 'w').unwrap_or('w');
                    if s[1..].chars().all(|c| c == 'w') {
                        width = true;
                    } else {
                        return usage_error(p, format!("invalid option -- '{c}'"));
                    }
                }
            }
        } else {
            nums.push(a.clone());
        }
        i += 1;
    }
    if nums.is_empty() {
        return usage_error(p, "missing operand".into());
    }
    if nums.len() > 3 {
        return usage_error(p, format!("extra operand \u{2018}{}\u{2019}", nums[3]));
    }
    let mut parsed = Vec::new();
    for n in &nums {
        match parse_num(n) {
            Some(v) => parsed.push(v),
            None => return usage_error(p, format!("invalid floating point argument: \u{2018}{n}\u{2019}")),
        }
    }
    let (first, incr, last) = match parsed.len() {
        1 => ((1, 0), (1, 0), parsed[0]),
        2 => (parsed[0], (1, 0), parsed[1]),
        _ => (parsed[0], parsed[1], parsed[2]),
    };
    if incr.0 == 0 {
        return usage_error(p, format!("invalid Zero increment value: \u{2018}{}\u{2019}", nums[1]));
    }
    let places = first.1.max(incr.1);
    let all = places.max(last.1);
    let (f, s, l) = (scale(first, all), scale(incr, all), scale(last, all));
    let shown = |v: i128| format_fixed(v / 10i128.pow(all - places), places);
    let pad = if width { shown(f).len().max(format_fixed(l / 10i128.pow(all - places), places).len()) } else { 0 };
    let mut out = String::new();
    let mut v = f;
    let mut first_item = true;
    while (s > 0 && v <= l) || (s < 0 && v >= l) {
        if !first_item {
            out.push_str(&sep);
        }
        first_item = false;
        let mut t = shown(v);
        if t.len() < pad {
            let (sign, digits) = if let Some(d) = t.strip_prefix('-') { ("-", d.to_string()) } else { ("", t.clone()) };
            t = format!("{sign}{}{digits}", "0".repeat(pad - t.len()));
        }
        out.push_str(&t);
        if out.len() > MAX_BYTES {
            p.print(out);
            p.eprintln(format!("\nseq: stopped after {} MiB of output (the playground's limit)", MAX_BYTES >> 20));
            return 1;
        }
        v = match v.checked_add(s) {
            Some(n) => n,
            None => break,
        };
    }
    if !first_item {
        out.push('\n');
    }
    p.print(out);
    0
}
