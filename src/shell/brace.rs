//! Brace expansion, the first expansion bash does: `{a,b,c}` and sequences `{1..5}`,
//! `{01..10}`, `{1..10..3}`, `{a..e}`, before variables, `$(...)` and globs.
//!
//! ```text
//! $ echo k{1..3}        → k1 k2 k3
//! $ echo {a,b}{x,y}     → ax ay bx by
//! $ echo {1..10..4} {e..a}  → 1 5 9 e d c b a
//! $ echo {a} {} '{a,b}' ${HOME} → {a} {} {a,b} /root
//! ```
//!
//! Braces pair up in one pass over the word (a stack), and each pair knows whether it holds a
//! comma at its own level, so a word of a million `{` costs one pass, not one per `{`.
//! A word expands to at most [`MAX_WORDS`] words; what is past that stays unexpanded.

/// The most words one word's braces expand to here.
pub const MAX_WORDS: usize = 100_000;

/// The words `raw` expands to (itself alone when it has no brace expression).
pub fn expand(raw: &str) -> Vec<String> {
    if !raw.contains('{') {
        return vec![raw.to_string()];
    }
    let mut out = Vec::new();
    // Words still to expand, the next one last (keeps bash's order).
    let mut todo = vec![raw.to_string()];
    while let Some(w) = todo.pop() {
        if out.len() + todo.len() >= MAX_WORDS {
            out.push(w);
            continue;
        }
        match first_group(&w) {
            None => out.push(w),
            Some(words) => todo.extend(words.into_iter().rev()),
        }
    }
    out
}

/// The words `w` becomes when its first brace expression expands (its other braces left for
/// the next round), or `None` when it has none.
fn first_group(w: &str) -> Option<Vec<String>> {
    let cs: Vec<char> = w.chars().collect();
    // (index of `{`, commas at its own level)
    let mut stack: Vec<(usize, Vec<usize>)> = Vec::new();
    let mut pairs: Vec<(usize, usize, Vec<usize>)> = Vec::new();
    let mut i = 0;
    let (mut single, mut double) = (false, false);
    while i < cs.len() {
        let c = cs[i];
        match c {
            '\\' if !single => {
                i += 2;
                continue;
            }
            '\'' if !double => single = !single,
            '"' if !single => double = !double,
            _ if single || double => {}
            '$' if matches!(cs.get(i + 1), Some('(' | '{')) => {
                // `$(...)` and `${...}` are not brace expressions: skip to their end.
                let mut raw = String::new();
                match super::parse::scan_nested_end(&cs, i, &mut raw) {
                    Ok(end) => i = end,
                    Err(_) => break,
                }
                continue;
            }
            '{' => stack.push((i, Vec::new())),
            ',' => {
                if let Some(top) = stack.last_mut() {
                    top.1.push(i);
                }
            }
            '}' => {
                if let Some((open, commas)) = stack.pop() {
                    pairs.push((open, i, commas));
                }
            }
            _ => {}
        }
        i += 1;
    }
    pairs.sort_by_key(|p| p.0);
    let text = |a: usize, b: usize| cs[a..b].iter().collect::<String>();
    for (open, close, commas) in pairs {
        let parts = if !commas.is_empty() {
            let mut parts = Vec::new();
            let mut start = open + 1;
            for c in commas.iter().copied().chain(std::iter::once(close)) {
                parts.push(text(start, c));
                start = c + 1;
            }
            parts
        } else if close - open <= 64 {
            match sequence(&text(open + 1, close)) {
                Some(seq) => seq,
                None => continue,
            }
        } else {
            continue;
        };
        // Back to a string: the prefix and suffix around the braces.
        let (pre, post) = (text(0, open), text(close + 1, cs.len()));
        let words = parts;
        return Some(words.into_iter().map(|p| format!("{pre}{p}{post}")).collect());
    }
    None
}

/// `1..5`, `05..1`, `1..10..2`, `a..e`: the words, or `None` when it is not a sequence.
fn sequence(body: &str) -> Option<Vec<String>> {
    let parts: Vec<&str> = body.split("..").collect();
    if parts.len() != 2 && parts.len() != 3 {
        return None;
    }
    let incr: i64 = match parts.get(2) {
        Some(s) => s.parse().ok()?,
        None => 1,
    };
    let step = incr.unsigned_abs().max(1) as i128;
    if let (Ok(a), Ok(b)) = (parts[0].parse::<i64>(), parts[1].parse::<i64>()) {
        // Zero-padded when either end has a leading zero: to the longer end's width.
        let padded = |s: &str| s.trim_start_matches('-').len() > 1 && s.trim_start_matches('-').starts_with('0');
        let width = if padded(parts[0]) || padded(parts[1]) { parts[0].len().max(parts[1].len()) } else { 0 };
        let (a, b) = (a as i128, b as i128);
        let count = (a - b).abs() / step + 1;
        if count > super::brace::MAX_WORDS as i128 {
            return None;
        }
        let dir = if b >= a { 1 } else { -1 };
        return Some((0..count).map(|k| a + dir * k * step).map(|n| if width > 0 { format_padded(n, width) } else { n.to_string() }).collect());
    }
    let (a, b) = (single_char(parts[0])?, single_char(parts[1])?);
    let (a, b) = (a as i128, b as i128);
    let dir = if b >= a { 1 } else { -1 };
    let count = (a - b).abs() / step + 1;
    Some((0..count).filter_map(|k| char::from_u32((a + dir * k * step) as u32)).map(|c| c.to_string()).collect())
}

fn single_char(s: &str) -> Option<char> {
    let mut it = s.chars();
    let c = it.next()?;
    (it.next().is_none() && c.is_ascii_alphabetic()).then_some(c)
}

fn format_padded(n: i128, width: usize) -> String {
    if n < 0 {
        format!("-{:0>w$}", -n, w = width - 1)
    } else {
        format!("{n:0>width$}")
    }
}

#[cfg(test)]
mod tests {
    use super::expand;

    #[test]
    fn expands_as_bash_does() {
        assert_eq!(expand("k{1..3}"), ["k1", "k2", "k3"]);
        assert_eq!(expand("{a,b}{x,y}"), ["ax", "ay", "bx", "by"]);
        assert_eq!(expand("{1..10..4}"), ["1", "5", "9"]);
        assert_eq!(expand("{e..c}"), ["e", "d", "c"]);
        assert_eq!(expand("{08..11}"), ["08", "09", "10", "11"]);
        assert_eq!(expand("{a,{b,c}d}"), ["a", "bd", "cd"]);
        for lit in ["{a}", "{}", "'{a,b}'", "${HOME}", "\\{a,b}", "{1..x}", "{a,b"] {
            assert_eq!(expand(lit), [lit], "{lit}");
        }
    }

    #[test]
    fn a_million_open_braces_is_one_pass() {
        let w = "{".repeat(1_000_000);
        assert_eq!(expand(&w), [w.clone()]);
        let w = format!("{}a,b{}", "{".repeat(100_000), "}".repeat(100_000));
        assert_eq!(expand(&w).len(), 2);
    }
}
