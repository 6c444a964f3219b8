//! `printf FORMAT [ARGUMENT]...`, as bash's builtin prints it (and `/usr/bin/printf`, whose
//! only difference here is its error text).
//!
//! ```text
//! $ printf '%-10s|%5s|%05d|%x|%%|\101\n' key v 42 255
//! key       |    v|00042|ff|%|A
//! ```
//!
//! The format is used again while arguments remain; a missing argument is empty (or 0).
//! Escapes in the format: `\n \t \\ \" \a \b \f \r \v \e`, `\NNN` (1 to 3 octal digits),
//! `\xHH`; `%b` also takes `\0NNN` and stops everything at `\c`. Numbers: decimal, `0x` hex,
//! `0` octal, `'c` for a character's code; a bad one is reported and counts as its valid
//! prefix (status 1).

use crate::process::{Chunk, Proc};
use crate::world::World;

/// bash's builtin (the shell runs this for `printf`).
pub fn builtin(_w: &mut World, p: &mut Proc) -> i32 {
    run(p, true)
}

/// `/usr/bin/printf` (through `xargs`, `env`).
pub fn main(_w: &mut World, p: &mut Proc) -> i32 {
    run(p, false)
}

fn run(p: &mut Proc, bash: bool) -> i32 {
    let mut args: Vec<String> = p.args[1..].to_vec();
    if args.first().map(String::as_str) == Some("--") {
        args.remove(0);
    }
    let Some(fmt) = args.first().cloned() else {
        if bash {
            p.eprintln("printf: usage: printf [-v var] format [arguments]");
        } else {
            p.eprintln("printf: missing operand\nTry 'printf --help' for more information.");
        }
        return if bash { 2 } else { 1 };
    };
    let args = &args[1..];
    let fmt: Vec<char> = fmt.chars().collect();
    let mut out: Vec<u8> = Vec::new();
    let mut errors: Vec<String> = Vec::new();
    let mut ai = 0;
    let mut status = 0;
    'outer: loop {
        let start_ai = ai;
        let mut i = 0;
        while i < fmt.len() {
            let c = fmt[i];
            if c == '\\' {
                i += 1;
                let (stop, n) = escape(&fmt, i, &mut out, false);
                i = n;
                if stop {
                    break 'outer;
                }
                continue;
            }
            if c != '%' {
                push_char(&mut out, c);
                i += 1;
                continue;
            }
            // %[flags][width][.precision]conversion
            let mut j = i + 1;
            let mut flags = String::new();
            while j < fmt.len() && "-+ 0#".contains(fmt[j]) {
                flags.push(fmt[j]);
                j += 1;
            }
            let mut width: Option<i64> = None;
            if fmt.get(j) == Some(&'*') {
                width = Some(number(args.get(ai).map(String::as_str).unwrap_or(""), &mut errors, bash).0);
                ai += 1;
                j += 1;
            } else {
                let s = j;
                while j < fmt.len() && fmt[j].is_ascii_digit() {
                    j += 1;
                }
                if j > s {
                    width = fmt[s..j].iter().collect::<String>().parse().ok();
                }
            }
            let mut prec: Option<usize> = None;
            if fmt.get(j) == Some(&'.') {
                j += 1;
                if fmt.get(j) == Some(&'*') {
                    prec = Some(number(args.get(ai).map(String::as_str).unwrap_or(""), &mut errors, bash).0.max(0) as usize);
                    ai += 1;
                    j += 1;
                } else {
                    let s = j;
                    while j < fmt.len() && fmt[j].is_ascii_digit() {
                        j += 1;
                    }
                    prec = Some(fmt[s..j].iter().collect::<String>().parse().unwrap_or(0));
                }
            }
            // Length modifiers are accepted and ignored.
            while j < fmt.len() && "hlLqjzt".contains(fmt[j]) && !(fmt[j] == 'q' && j == i + 1) {
                j += 1;
            }
            let Some(&conv) = fmt.get(j) else {
                p.eprintln(if bash { "bash: printf: `%': missing format character".to_string() } else { "printf: %: invalid conversion specification".to_string() });
                status = 1;
                break 'outer;
            };
            if width.is_some_and(|w| w.unsigned_abs() > 1 << 20) || prec.is_some_and(|p| p > 1 << 20) {
                width = width.map(|w| w.clamp(-(1 << 20), 1 << 20));
                prec = prec.map(|p| p.min(1 << 20));
            }
            let left = flags.contains('-') || width.is_some_and(|w| w < 0);
            let width = width.map_or(0, |w| w.unsigned_abs() as usize);
            let arg = args.get(ai).map(String::as_str);
            let pad = |body: String, zero_ok: bool| -> String {
                let len = body.chars().count();
                if len >= width {
                    return body;
                }
                let fill = width - len;
                if left {
                    format!("{body}{}", " ".repeat(fill))
                } else if zero_ok && flags.contains('0') {
                    // Zeros go after the sign or 0x.
                    let (sign, digits) = split_sign(&body);
                    format!("{sign}{}{digits}", "0".repeat(fill))
                } else {
                    format!("{}{body}", " ".repeat(fill))
                }
            };
            match conv {
                '%' => out.push(b'%'),
                's' | 'q' => {
                    let mut s = arg.unwrap_or("").to_string();
                    if conv == 'q' {
                        s = shell_quote(&s);
                    }
                    if let Some(pr) = prec {
                        s = s.chars().take(pr).collect();
                    }
                    out.extend(pad(s, false).into_bytes());
                    ai += 1;
                }
                'b' => {
                    let a: Vec<char> = arg.unwrap_or("").chars().collect();
                    let mut bytes = Vec::new();
                    let mut k = 0;
                    let mut stop = false;
                    while k < a.len() {
                        if a[k] == '\\' {
                            let (s, n) = escape(&a, k + 1, &mut bytes, true);
                            k = n;
                            if s {
                                stop = true;
                                break;
                            }
                        } else {
                            push_char(&mut bytes, a[k]);
                            k += 1;
                        }
                    }
                    let body = String::from_utf8_lossy(&bytes).into_owned();
                    if body.len() == bytes.len() || std::str::from_utf8(&bytes).is_ok() {
                        out.extend(pad(body, false).into_bytes());
                    } else {
                        out.extend(bytes);
                    }
                    ai += 1;
                    if stop {
                        break 'outer;
                    }
                }
                'c' => {
                    let s: String = arg.unwrap_or("").chars().take(1).collect();
                    out.extend(pad(s, false).into_bytes());
                    ai += 1;
                }
                'd' | 'i' | 'u' | 'x' | 'X' | 'o' => {
                    let (n, ok) = number(arg.unwrap_or(""), &mut errors, bash);
                    if !ok {
                        status = 1;
                    }
                    let mut digits = match conv {
                        'x' => format!("{:x}", n),
                        'X' => format!("{:X}", n),
                        'o' => format!("{:o}", n),
                        'u' => (n as u64).to_string(),
                        _ => n.unsigned_abs().to_string(),
                    };
                    if let Some(pr) = prec {
                        if digits.len() < pr {
                            digits = format!("{}{digits}", "0".repeat(pr - digits.len()));
                        }
                    }
                    if flags.contains('#') && n != 0 {
                        match conv {
                            'x' => digits = format!("0x{digits}"),
                            'X' => digits = format!("0X{digits}"),
                            'o' if !digits.starts_with('0') => digits = format!("0{digits}"),
                            _ => {}
                        }
                    }
                    let sign = if matches!(conv, 'd' | 'i') {
                        if n < 0 {
                            "-"
                        } else if flags.contains('+') {
                            "+"
                        } else if flags.contains(' ') {
                            " "
                        } else {
                            ""
                        }
                    } else {
                        ""
                    };
                    out.extend(pad(format!("{sign}{digits}"), prec.is_none()).into_bytes());
                    ai += 1;
                }
                'f' | 'F' | 'e' | 'E' | 'g' | 'G' => {
                    let a = arg.unwrap_or("").trim();
                    let v: f64 = if a.is_empty() {
                        0.0
                    } else {
                        match a.parse::<f64>() {
                            Ok(v) => v,
                            Err(_) => {
                                let (n, _) = number(a, &mut errors, bash);
                                status = 1;
                                n as f64
                            }
                        }
                    };
                    let pr = prec.unwrap_or(6);
                    let mut body = match conv {
                        'f' | 'F' => format!("{v:.pr$}"),
                        'e' | 'E' => c_exp(v, pr),
                        _ => format!("{v}"),
                    };
                    if conv == 'E' {
                        body = body.to_uppercase();
                    }
                    if v >= 0.0 && flags.contains('+') {
                        body = format!("+{body}");
                    }
                    out.extend(pad(body, true).into_bytes());
                    ai += 1;
                }
                other => {
                    p.eprintln(if bash { format!("bash: printf: `{other}': invalid format character") } else { format!("printf: %{other}: invalid conversion specification") });
                    status = 1;
                    break 'outer;
                }
            }
            i = j + 1;
        }
        if ai == start_ai || ai >= args.len() {
            break;
        }
    }
    if !errors.is_empty() {
        status = 1;
    }
    match String::from_utf8(out) {
        Ok(s) => p.print(s),
        Err(e) => p.out.push(Chunk::Bytes(e.into_bytes())),
    }
    for e in errors {
        p.eprintln(e);
    }
    status
}

fn push_char(out: &mut Vec<u8>, c: char) {
    let mut buf = [0; 4];
    out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
}

/// `-12` → ("-", "12"); `0xff` stays whole.
fn split_sign(s: &str) -> (&str, &str) {
    match s.chars().next() {
        Some('-' | '+' | ' ') => s.split_at(1),
        _ => ("", s),
    }
}

/// One backslash escape starting at `s[i]` (just after the `\`): appends its bytes, returns
/// (`\c` seen, the index after it). `in_b`: `%b`'s variant (`\0NNN`, `\c`).
fn escape(s: &[char], i: usize, out: &mut Vec<u8>, in_b: bool) -> (bool, usize) {
    let Some(&c) = s.get(i) else {
        out.push(b'\\');
        return (false, i);
    };
    let simple = match c {
        'n' => Some(b'\n'),
        't' => Some(b'\t'),
        '\\' => Some(b'\\'),
        '"' => Some(b'"'),
        '\'' => Some(b'\''),
        'a' => Some(7),
        'b' => Some(8),
        'f' => Some(12),
        'r' => Some(b'\r'),
        'v' => Some(11),
        'e' | 'E' => Some(27),
        '?' => Some(b'?'),
        _ => None,
    };
    if let Some(b) = simple {
        if !in_b || c != '"' {
            out.push(b);
        } else {
            out.extend_from_slice(b"\\\"");
        }
        return (false, i + 1);
    }
    if c == 'c' && in_b {
        return (true, i + 1);
    }
    if c.is_digit(8) {
        // %b: `\0NNN` takes up to three digits after the 0.
        let (start, max) = if in_b && c == '0' { (i + 1, 3) } else { (i, 3) };
        let mut v: u32 = 0;
        let mut k = start;
        while k < s.len() && k < start + max && s[k].is_digit(8) {
            v = v * 8 + s[k].to_digit(8).unwrap_or(0);
            k += 1;
        }
        out.push((v & 0xff) as u8);
        return (false, k);
    }
    if c == 'x' {
        let mut v: u32 = 0;
        let mut k = i + 1;
        while k < s.len() && k < i + 3 && s[k].is_ascii_hexdigit() {
            v = v * 16 + s[k].to_digit(16).unwrap_or(0);
            k += 1;
        }
        if k == i + 1 {
            out.extend_from_slice(b"\\x");
            return (false, k);
        }
        out.push(v as u8);
        return (false, k);
    }
    out.push(b'\\');
    push_char(out, c);
    (false, i + 1)
}

/// An integer argument: decimal, `0x` hex, `0` octal, `'c`; (value, valid). An invalid one
/// adds the error and counts as the number its valid prefix spells.
fn number(a: &str, errors: &mut Vec<String>, bash: bool) -> (i64, bool) {
    let t = a.trim_start();
    if t.is_empty() {
        return (0, true);
    }
    if let Some(rest) = t.strip_prefix('\'').or_else(|| t.strip_prefix('"')) {
        return (rest.chars().next().map_or(0, |c| c as i64), true);
    }
    let (neg, body) = match t.as_bytes()[0] {
        b'-' => (true, &t[1..]),
        b'+' => (false, &t[1..]),
        _ => (false, t),
    };
    let (radix, digits) = if let Some(h) = body.strip_prefix("0x").or_else(|| body.strip_prefix("0X")) {
        (16, h)
    } else if body.len() > 1 && body.starts_with('0') {
        (8, &body[1..])
    } else {
        (10, body)
    };
    let valid: String = digits.chars().take_while(|c| c.is_digit(radix)).collect();
    let v = i64::from_str_radix(&valid, radix).unwrap_or(if valid.is_empty() { 0 } else { i64::MAX });
    let v = if neg { v.wrapping_neg() } else { v };
    let ok = valid.len() == digits.len() && !(radix == 16 && valid.is_empty());
    if !ok {
        errors.push(if bash {
            format!("bash: printf: {a}: invalid number")
        } else if valid.is_empty() && radix == 10 {
            format!("printf: \u{2018}{a}\u{2019}: expected a numeric value")
        } else {
            format!("printf: \u{2018}{a}\u{2019}: value not completely converted")
        });
    }
    (v, ok)
}

/// C's `%e`: `1.234500e+03`.
fn c_exp(v: f64, pr: usize) -> String {
    let s = format!("{v:.pr$e}");
    match s.split_once('e') {
        Some((m, e)) => {
            let (sign, digits) = match e.strip_prefix('-') {
                Some(d) => ('-', d),
                None => ('+', e),
            };
            format!("{m}e{sign}{digits:0>2}")
        }
        None => s,
    }
}

/// `%q`: the argument quoted for reuse as shell input, as bash writes it.
fn shell_quote(s: &str) -> String {
    if s.is_empty() {
        return "''".into();
    }
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() || "-_./:=@%+,".contains(c) {
            out.push(c);
        } else {
            out.push('\\');
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    fn run(args: &[&str]) -> (String, String, i32) {
        let mut p = crate::process::Proc { args: std::iter::once("printf").chain(args.iter().copied()).map(String::from).collect(), ..Default::default() };
        let code = super::run(&mut p, true);
        let (mut o, mut e) = (String::new(), String::new());
        for c in p.out {
            match c {
                crate::process::Chunk::Stdout(s) => o.push_str(&s),
                crate::process::Chunk::Stderr(s) => e.push_str(&s),
                crate::process::Chunk::Bytes(b) => o.push_str(&String::from_utf8_lossy(&b)),
                _ => {}
            }
        }
        (o, e, code)
    }

    /// Outputs checked against bash 5.2's builtin.
    #[test]
    fn widths_and_escapes_as_bash() {
        assert_eq!(run(&["%5s|%-5s|%05d|%x|%%|%o|%X|%3d|%-4d|%.2s|%c\\n", "ab", "cd", "42", "255", "8", "255", "7", "3", "abcdef", "xyz"]).0, "   ab|cd   |00042|ff|%|10|FF|  7|3   |ab|x\n");
        assert_eq!(run(&["\\101\\060\\n"]).0, "A0\n");
        assert_eq!(run(&["%b\\n", "a\\101\\0101"]).0, "aAA\n");
        assert_eq!(run(&["%s %s\\n", "a", "b", "c"]).0, "a b\nc \n");
        assert_eq!(run(&["%.3d|%+d|% d|%#x|%#o\\n", "5", "5", "5", "255", "8"]).0, "005|+5| 5|0xff|010\n");
        assert_eq!(run(&["%d|%d|%d|%x|%5.1f|%e\\n", "12", "'A", "0x1f", "010", "3.14159", "1234.5"]).0, "12|65|31|8|  3.1|1.234500e+03\n");
        assert_eq!(run(&["%d\\n", "12x"]), ("12\n".into(), "bash: printf: 12x: invalid number\n".into(), 1));
    }
}
