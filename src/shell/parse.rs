//! The bash subset learners type: words with quotes and `$VAR`, `VAR=x cmd`, `;` `&&` `||`,
//! pipes, `>` `>>` `<` `2>` `2>&1` redirects, and `<<EOF` heredocs.
//!
//! Parsing keeps each word raw (quotes included); [`expand`] runs when the command runs, so
//! `export A=1; echo $A` sees the new value, as in bash.

use crate::sorted_map::SortedMap;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Connector {
    /// `;` or end of line: run the next one regardless.
    Always,
    /// `&&`: run the next one if this one succeeded.
    And,
    /// `||`: run the next one if this one failed.
    Or,
    /// `&`: run this one in the background, then the next one.
    Background,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RedirectOp {
    Out,
    Append,
    In,
    ErrOut,
    ErrAppend,
    ErrToOut,
    /// `<<DELIM`; the body is in [`SimpleCommand::heredoc`].
    HereDoc,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SimpleCommand {
    /// Leading `NAME=value` words, raw.
    pub assigns: Vec<String>,
    /// The command name and its arguments, raw.
    pub words: Vec<String>,
    pub redirects: Vec<(RedirectOp, String)>,
    pub heredoc: Option<String>,
}

pub type Pipeline = Vec<SimpleCommand>;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandList {
    pub items: Vec<(Pipeline, Connector)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Word(String),
    Op(&'static str),
}

/// Splits a line into raw words and operators. An unterminated quote is an error, with bash's
/// message.
fn tokenize(line: &str) -> Result<Vec<Tok>, String> {
    let chars: Vec<char> = line.chars().collect();
    let mut toks = Vec::new();
    let mut i = 0;
    let mut word = String::new();
    let mut in_word = false;
    macro_rules! flush {
        () => {
            if in_word {
                toks.push(Tok::Word(std::mem::take(&mut word)));
                in_word = false;
            }
        };
    }
    while i < chars.len() {
        let c = chars[i];
        match c {
            ' ' | '\t' | '\n' => {
                flush!();
                i += 1;
            }
            '#' if !in_word => break,
            '\'' => {
                in_word = true;
                word.push(c);
                i += 1;
                loop {
                    match chars.get(i) {
                        None => return Err("unexpected EOF while looking for matching `''".into()),
                        Some('\'') => {
                            word.push('\'');
                            i += 1;
                            break;
                        }
                        Some(&ch) => {
                            word.push(ch);
                            i += 1;
                        }
                    }
                }
            }
            '"' => {
                in_word = true;
                word.push(c);
                i += 1;
                loop {
                    match chars.get(i) {
                        None => return Err("unexpected EOF while looking for matching `\"'".into()),
                        Some('\\') => {
                            word.push('\\');
                            if let Some(&n) = chars.get(i + 1) {
                                word.push(n);
                            }
                            i += 2;
                        }
                        Some('"') => {
                            word.push('"');
                            i += 1;
                            break;
                        }
                        Some(&ch) => {
                            word.push(ch);
                            i += 1;
                        }
                    }
                }
            }
            '\\' => {
                in_word = true;
                word.push('\\');
                if let Some(&n) = chars.get(i + 1) {
                    word.push(n);
                }
                i += 2;
            }
            ';' | '|' | '&' | '>' | '<' => {
                // `2>` and `2>&1` only when the 2 stands alone as a word.
                if c == '>' && in_word && word == "2" {
                    word.clear();
                    in_word = false;
                    if chars.get(i + 1) == Some(&'&') && chars.get(i + 2) == Some(&'1') {
                        toks.push(Tok::Op("2>&1"));
                        i += 3;
                    } else if chars.get(i + 1) == Some(&'>') {
                        toks.push(Tok::Op("2>>"));
                        i += 2;
                    } else {
                        toks.push(Tok::Op("2>"));
                        i += 1;
                    }
                    continue;
                }
                flush!();
                let two: String = chars[i..chars.len().min(i + 2)].iter().collect();
                let op: &'static str = match two.as_str() {
                    "&&" => "&&",
                    "||" => "||",
                    ">>" => ">>",
                    "<<" => "<<",
                    _ => match c {
                        ';' => ";",
                        '|' => "|",
                        '&' => "&",
                        '>' => ">",
                        _ => "<",
                    },
                };
                i += op.len();
                toks.push(Tok::Op(op));
            }
            _ => {
                in_word = true;
                word.push(c);
                i += 1;
            }
        }
    }
    if in_word {
        toks.push(Tok::Word(word));
    }
    Ok(toks)
}

fn is_assignment(raw: &str) -> bool {
    match raw.find('=') {
        Some(0) | None => false,
        Some(eq) => raw[..eq].chars().all(|c| c.is_ascii_alphanumeric() || c == '_') && !raw.as_bytes()[0].is_ascii_digit(),
    }
}

/// The heredoc delimiter of a line's first `<<WORD`, if any (the session then reads body
/// lines until WORD).
pub fn heredoc_delimiter(line: &str) -> Option<String> {
    let toks = tokenize(line).ok()?;
    let pos = toks.iter().position(|t| *t == Tok::Op("<<"))?;
    match toks.get(pos + 1) {
        Some(Tok::Word(w)) => Some(unquote(w)),
        _ => None,
    }
}

/// Parses one logical line (a heredoc body, if any, is passed separately).
pub fn parse(line: &str, heredoc_body: Option<&str>) -> Result<CommandList, String> {
    let toks = tokenize(line)?;
    let mut items = Vec::new();
    let mut pipeline: Pipeline = Vec::new();
    let mut cmd = SimpleCommand::default();
    let mut iter = toks.into_iter().peekable();
    let syntax = |t: &str| format!("syntax error near unexpected token `{t}'");
    while let Some(tok) = iter.next() {
        match tok {
            Tok::Word(w) => {
                if cmd.words.is_empty() && is_assignment(&w) {
                    cmd.assigns.push(w);
                } else {
                    cmd.words.push(w);
                }
            }
            Tok::Op(op @ (">" | ">>" | "<" | "2>" | "2>>" | "<<")) => {
                let target = match iter.next() {
                    Some(Tok::Word(w)) => w,
                    Some(Tok::Op(o)) => return Err(syntax(o)),
                    None => return Err(syntax("newline")),
                };
                let rop = match op {
                    ">" => RedirectOp::Out,
                    ">>" => RedirectOp::Append,
                    "<" => RedirectOp::In,
                    "2>" => RedirectOp::ErrOut,
                    "2>>" => RedirectOp::ErrAppend,
                    _ => {
                        cmd.heredoc = Some(heredoc_body.unwrap_or("").to_string());
                        RedirectOp::HereDoc
                    }
                };
                cmd.redirects.push((rop, target));
            }
            Tok::Op("2>&1") => cmd.redirects.push((RedirectOp::ErrToOut, String::new())),
            Tok::Op(op @ ("|" | ";" | "&&" | "||" | "&")) => {
                if cmd.words.is_empty() && cmd.assigns.is_empty() {
                    return Err(syntax(op));
                }
                pipeline.push(std::mem::take(&mut cmd));
                if op != "|" {
                    let conn = match op {
                        "&&" => Connector::And,
                        "||" => Connector::Or,
                        "&" => Connector::Background,
                        _ => Connector::Always,
                    };
                    items.push((std::mem::take(&mut pipeline), conn));
                } else if iter.peek().is_none() {
                    return Err(syntax("newline"));
                }
            }
            Tok::Op(o) => return Err(syntax(o)),
        }
    }
    if !cmd.words.is_empty() || !cmd.assigns.is_empty() || !cmd.redirects.is_empty() {
        pipeline.push(cmd);
    }
    if !pipeline.is_empty() {
        items.push((pipeline, Connector::Always));
    } else if matches!(items.last(), Some((_, Connector::And | Connector::Or))) {
        return Err(syntax("newline"));
    }
    Ok(CommandList { items })
}

/// Removes quotes without expanding variables (heredoc delimiters).
pub fn unquote(raw: &str) -> String {
    expand(raw, &SortedMap::new(), false)
}

/// Expands `$VAR`, `${VAR}` and `$?`-style specials (given in `vars`) and removes quotes.
/// Single quotes keep everything literal; inside double quotes only `$`, `\"`, `\\` and
/// `` \` `` are special.
pub fn expand(raw: &str, vars: &SortedMap<String, String>, do_vars: bool) -> String {
    expand_marked(raw, vars, do_vars).into_iter().map(|(c, _)| c).collect()
}

/// [`expand`], with each resulting character marked `true` when it came from outside quotes
/// (only those can be glob characters: `ls *.crt` globs, `ls '*.crt'` does not).
pub fn expand_marked(raw: &str, vars: &SortedMap<String, String>, do_vars: bool) -> Vec<(char, bool)> {
    let chars: Vec<char> = raw.chars().collect();
    let mut out = Marked(Vec::new(), false);
    let mut i = 0;
    let mut in_double = false;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\'' if !in_double => {
                i += 1;
                out.1 = false;
                while i < chars.len() && chars[i] != '\'' {
                    out.push(chars[i]);
                    i += 1;
                }
                i += 1;
            }
            '"' => {
                in_double = !in_double;
                i += 1;
            }
            '\\' => {
                out.1 = false;
                match chars.get(i + 1) {
                    Some(&n) if !in_double || matches!(n, '"' | '\\' | '$' | '`') => out.push(n),
                    Some(&n) => {
                        out.push('\\');
                        out.push(n);
                    }
                    None => {}
                }
                i += 2;
            }
            '$' if do_vars => {
                let (name, next) = if chars.get(i + 1) == Some(&'{') {
                    match chars[i + 2..].iter().position(|&c| c == '}') {
                        Some(end) => (chars[i + 2..i + 2 + end].iter().collect::<String>(), i + 3 + end),
                        None => (String::new(), i + 1),
                    }
                } else if chars.get(i + 1).is_some_and(|c| *c == '?' || *c == '$' || *c == '#') {
                    (chars[i + 1].to_string(), i + 2)
                } else {
                    let len = chars[i + 1..].iter().take_while(|c| c.is_ascii_alphanumeric() || **c == '_').count();
                    (chars[i + 1..i + 1 + len].iter().collect(), i + 1 + len)
                };
                if name.is_empty() {
                    out.push('$');
                    i += 1;
                } else {
                    out.1 = !in_double;
                    out.push_str(vars.get(&name).map(String::as_str).unwrap_or(""));
                    i = next;
                }
            }
            _ => {
                out.1 = !in_double;
                out.push(c);
                i += 1;
            }
        }
    }
    out.0
}

/// Characters being expanded, and whether the ones pushed now are unquoted.
struct Marked(Vec<(char, bool)>, bool);

impl Marked {
    fn push(&mut self, c: char) {
        self.0.push((c, self.1));
    }

    fn push_str(&mut self, s: &str) {
        for c in s.chars() {
            self.push(c);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars() -> SortedMap<String, String> {
        [("A".to_string(), "1".to_string()), ("URL".to_string(), "https://x:2379".to_string())].into()
    }

    #[test]
    fn expands_like_bash() {
        assert_eq!(expand("'$A'", &vars(), true), "$A");
        assert_eq!(expand("\"$A b\"", &vars(), true), "1 b");
        assert_eq!(expand("${URL}/v", &vars(), true), "https://x:2379/v");
        assert_eq!(expand("a\\ b", &vars(), true), "a b");
        assert_eq!(expand("$NOPE-x", &vars(), true), "-x");
    }

    #[test]
    fn parses_lists_pipes_and_redirects() {
        let l = parse("A=1 etcdctl get k | grep x > out && echo ok; echo done", None).unwrap();
        assert_eq!(l.items.len(), 3);
        assert_eq!(l.items[0].0.len(), 2);
        assert_eq!(l.items[0].0[0].assigns, vec!["A=1"]);
        assert_eq!(l.items[0].0[1].redirects, vec![(RedirectOp::Out, "out".to_string())]);
        assert_eq!(l.items[0].1, Connector::And);
    }

    #[test]
    fn syntax_errors_use_bash_text() {
        assert_eq!(parse("| a", None).unwrap_err(), "syntax error near unexpected token `|'");
        assert_eq!(parse("echo >", None).unwrap_err(), "syntax error near unexpected token `newline'");
        assert_eq!(parse("echo 'a", None).unwrap_err(), "unexpected EOF while looking for matching `''");
    }
}
