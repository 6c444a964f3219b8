//! `$((EXPRESSION))`: bash's integer arithmetic, the part loops use — `i=$((i + 1))`,
//! `$((n * 2 % 7))`, comparisons, `&&`/`||`/`!`, `**`, parentheses; names are variables
//! (unset or not a number: 0), numbers decimal, `0x` hex or `0` octal. 64-bit, wrapping.
//!
//! ```text
//! $ i=4; echo $((i + 1)) $(( (i*3) % 5 )) $((2**10)) $((i > 3 && i < 9))
//! 5 2 1024 1
//! ```
//!
//! Errors are bash's: `bash: 1/0: division by 0 (error token is "0")`. Nesting is bounded
//! (bash's own `expression recursion level exceeded`).

use crate::sorted_map::SortedMap;

/// How deep an expression may nest (parentheses, unary operators).
const MAX_DEPTH: usize = 200;

#[derive(Debug, Clone, PartialEq)]
enum T {
    Num(i64),
    Name(String),
    Op(&'static str),
}

/// Evaluates `expr` (its `$VAR`s already expanded). `Err` is bash's message without `bash: `.
pub fn eval(expr: &str, vars: &SortedMap<String, String>) -> Result<i64, String> {
    let toks = lex(expr)?;
    if toks.is_empty() {
        return Ok(0);
    }
    let mut p = P { toks, pos: 0, depth: 0, expr, vars };
    let v = p.cond()?;
    if p.pos < p.toks.len() {
        return Err(p.error("syntax error in expression"));
    }
    Ok(v)
}

/// Tokens, each with the byte offset where it starts (for "error token is").
fn lex(expr: &str) -> Result<Vec<(T, usize)>, String> {
    const OPS: [&str; 20] = ["**", "<=", ">=", "==", "!=", "&&", "||", "+", "-", "*", "/", "%", "<", ">", "!", "(", ")", "~", "?", ":"];
    let b = expr.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        if c.is_ascii_digit() {
            while i < b.len() && b[i].is_ascii_alphanumeric() {
                i += 1;
            }
            let s = &expr[start..i];
            let v = if let Some(h) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
                i64::from_str_radix(h, 16).ok()
            } else if s.len() > 1 && s.starts_with('0') {
                i64::from_str_radix(&s[1..], 8).ok()
            } else {
                s.parse::<i64>().ok()
            };
            match v {
                Some(v) => out.push((T::Num(v), start)),
                None => return Err(format!("{expr}: value too great for base (error token is \"{}\")", &expr[start..])),
            }
            continue;
        }
        if c.is_ascii_alphabetic() || c == b'_' {
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                i += 1;
            }
            out.push((T::Name(expr[start..i].to_string()), start));
            continue;
        }
        match OPS.iter().find(|o| expr[i..].starts_with(**o)) {
            Some(o) => {
                out.push((T::Op(o), start));
                i += o.len();
            }
            None => return Err(format!("{expr}: syntax error: invalid arithmetic operator (error token is \"{}\")", &expr[start..])),
        }
    }
    Ok(out)
}

struct P<'a> {
    toks: Vec<(T, usize)>,
    pos: usize,
    depth: usize,
    expr: &'a str,
    vars: &'a SortedMap<String, String>,
}

impl P<'_> {
    fn rest(&self) -> &str {
        self.toks.get(self.pos).map_or("", |(_, at)| &self.expr[*at..])
    }

    fn error(&self, what: &str) -> String {
        format!("{}: {what} (error token is \"{}\")", self.expr, self.rest())
    }

    fn op(&self) -> Option<&'static str> {
        match self.toks.get(self.pos) {
            Some((T::Op(o), _)) => Some(o),
            _ => None,
        }
    }

    fn binary(&mut self, ops: &[&str], next: fn(&mut Self) -> Result<i64, String>, apply: fn(&str, i64, i64) -> Option<i64>) -> Result<i64, String> {
        let mut v = next(self)?;
        while let Some(o) = self.op().filter(|o| ops.contains(o)) {
            self.pos += 1;
            let rhs_at = self.pos;
            let r = next(self)?;
            v = match apply(o, v, r) {
                Some(x) => x,
                None => {
                    self.pos = rhs_at;
                    return Err(self.error("division by 0"));
                }
            };
        }
        Ok(v)
    }

    /// `A ? B : C`.
    fn cond(&mut self) -> Result<i64, String> {
        let c = self.or()?;
        if self.op() != Some("?") {
            return Ok(c);
        }
        self.pos += 1;
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error("expression recursion level exceeded"));
        }
        let a = self.cond()?;
        if self.op() != Some(":") {
            return Err(self.error("`:' expected for conditional expression"));
        }
        self.pos += 1;
        let b = self.cond()?;
        self.depth -= 1;
        Ok(if c != 0 { a } else { b })
    }

    fn or(&mut self) -> Result<i64, String> {
        self.binary(&["||"], Self::and, |_, a, b| Some(i64::from(a != 0 || b != 0)))
    }

    fn and(&mut self) -> Result<i64, String> {
        self.binary(&["&&"], Self::eq, |_, a, b| Some(i64::from(a != 0 && b != 0)))
    }

    fn eq(&mut self) -> Result<i64, String> {
        self.binary(&["==", "!="], Self::rel, |o, a, b| Some(i64::from((a == b) == (o == "=="))))
    }

    fn rel(&mut self) -> Result<i64, String> {
        self.binary(&["<", "<=", ">", ">="], Self::add, |o, a, b| {
            Some(i64::from(match o {
                "<" => a < b,
                "<=" => a <= b,
                ">" => a > b,
                _ => a >= b,
            }))
        })
    }

    fn add(&mut self) -> Result<i64, String> {
        self.binary(&["+", "-"], Self::mul, |o, a, b| Some(if o == "+" { a.wrapping_add(b) } else { a.wrapping_sub(b) }))
    }

    fn mul(&mut self) -> Result<i64, String> {
        self.binary(&["*", "/", "%"], Self::unary, |o, a, b| match o {
            "*" => Some(a.wrapping_mul(b)),
            _ if b == 0 => None,
            "/" => Some(a.wrapping_div(b)),
            _ => Some(a.wrapping_rem(b)),
        })
    }

    fn unary(&mut self) -> Result<i64, String> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error("expression recursion level exceeded"));
        }
        let v = match self.op() {
            Some(o @ ("-" | "+" | "!" | "~")) => {
                self.pos += 1;
                let v = self.unary()?;
                match o {
                    "-" => v.wrapping_neg(),
                    "+" => v,
                    "!" => i64::from(v == 0),
                    _ => !v,
                }
            }
            _ => self.power()?,
        };
        self.depth -= 1;
        Ok(v)
    }

    fn power(&mut self) -> Result<i64, String> {
        let base = self.primary()?;
        if self.op() == Some("**") {
            self.pos += 1;
            let e = self.unary()?;
            if e < 0 {
                return Err(self.error("exponent less than 0"));
            }
            return Ok(base.wrapping_pow(e.min(u32::MAX as i64) as u32));
        }
        Ok(base)
    }

    fn primary(&mut self) -> Result<i64, String> {
        match self.toks.get(self.pos).cloned() {
            Some((T::Num(n), _)) => {
                self.pos += 1;
                Ok(n)
            }
            Some((T::Name(n), _)) => {
                self.pos += 1;
                Ok(self.vars.get(&n).and_then(|v| v.trim().parse::<i64>().ok()).unwrap_or(0))
            }
            Some((T::Op("("), _)) => {
                self.pos += 1;
                self.depth += 1;
                if self.depth > MAX_DEPTH {
                    return Err(self.error("expression recursion level exceeded"));
                }
                let v = self.cond()?;
                self.depth -= 1;
                if self.op() != Some(")") {
                    return Err(self.error("missing `)'"));
                }
                self.pos += 1;
                Ok(v)
            }
            _ => {
                // At the end, bash names the operator that wanted an operand.
                if self.pos >= self.toks.len() && self.pos > 0 {
                    self.pos -= 1;
                }
                Err(self.error("syntax error: operand expected"))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::eval;

    /// Results and messages checked against bash 5.2.
    #[test]
    fn evaluates_as_bash() {
        let vars = [("i".to_string(), "4".to_string())].into();
        for (e, want) in [("i + 1", 5), (" (i*3) % 5 ", 2), ("2**10", 1024), ("i > 3 && i < 9", 1), ("-i", -4), ("!0", 1), ("010 + 0x10", 24), ("", 0), ("nope + 1", 1), ("7/2", 3), ("-7%3", -1), ("i > 3 ? 10 : 20", 10), ("0 ? 1 : 0 ? 2 : 3", 3)] {
            assert_eq!(eval(e, &vars), Ok(want), "{e}");
        }
        assert_eq!(eval("1/0", &vars).unwrap_err(), "1/0: division by 0 (error token is \"0\")");
        assert_eq!(eval("1+", &vars).unwrap_err(), "1+: syntax error: operand expected (error token is \"+\")");
        let deep = format!("{}1{}", "(".repeat(100_000), ")".repeat(100_000));
        assert!(eval(&deep, &vars).unwrap_err().contains("expression recursion level exceeded"));
    }
}
