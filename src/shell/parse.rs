//! The bash subset learners type: words with quotes, `$VAR`, `$(...)`, `VAR=x cmd`, `;` `&&`
//! `||` `&`, `!`, pipes, `>` `>>` `<` `2>` `2>&1` redirects, `<<EOF` heredocs, and the compound
//! commands `for NAME in WORDS; do LIST; done`, `while`/`until LIST; do LIST; done`,
//! `if LIST; then LIST; [elif LIST; then LIST;]... [else LIST;] fi` and `{ LIST; }`.
//!
//! Parsing keeps each word raw (quotes and `$(...)` included); [`expand`] runs when the command
//! runs, so `export A=1; echo $A` sees the new value and `for i in 1 2; do echo $(echo $i); done`
//! runs the substitution once per iteration, as in bash.
//!
//! Every scan is linear: a word's quotes and substitutions are matched with an explicit stack,
//! never by searching ahead again for each opening. Compound commands nest at most
//! [`MAX_NESTING`] deep (the parser and the runner recurse once per level).

use crate::sorted_map::SortedMap;
use serde::{Deserialize, Serialize};

/// How deep compound commands (`for`, `while`, `if`, `{ }`) may nest, counted across `$(...)`
/// levels (each of which counts as [`SUBST_NESTING_COST`]): the parser and the runner recurse
/// once per level, and this keeps them inside a 1 MiB stack.
pub const MAX_NESTING: usize = 100;
/// What one `$(...)` level takes of [`MAX_NESTING`].
pub const SUBST_NESTING_COST: usize = 3;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum RedirectOp {
    Out,
    Append,
    In,
    ErrOut,
    ErrAppend,
    ErrToOut,
    /// `>&2` (`1>&2`): stdout goes where stderr goes.
    OutToErr,
    /// `<<DELIM`; the body is in [`SimpleCommand::heredoc`].
    HereDoc,
}

pub type Redirects = Vec<(RedirectOp, String)>;

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SimpleCommand {
    /// Leading `NAME=value` words, raw.
    pub assigns: Vec<String>,
    /// The command name and its arguments, raw.
    pub words: Vec<String>,
    pub redirects: Redirects,
    pub heredoc: Option<String>,
}

/// A compound command: its parts are lists, run by the shell itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Compound {
    /// `for VAR in WORDS; do BODY; done` (the words raw; `for VAR; do` has none).
    For { var: String, words: Vec<String>, body: CommandList },
    /// `while COND; do BODY; done`, or `until` when `until` is true.
    While { until: bool, cond: CommandList, body: CommandList },
    /// `if C1; then B1; elif C2; then B2; else E; fi`.
    If { branches: Vec<(CommandList, CommandList)>, otherwise: Option<CommandList> },
    /// `{ LIST; }`.
    Group(CommandList),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Command {
    Simple(SimpleCommand),
    /// A compound command, the redirects after it (`done < file`) and the body of a
    /// `done <<EOF` heredoc.
    Compound(Box<Compound>, Redirects, Option<String>),
}

impl Command {
    /// The command as `jobs` shows it.
    pub fn display(&self) -> String {
        match self {
            Command::Simple(c) => c.assigns.iter().chain(c.words.iter()).cloned().collect::<Vec<_>>().join(" "),
            Command::Compound(c, _, _) => match **c {
                Compound::For { .. } => "for ...".into(),
                Compound::While { until: false, .. } => "while ...".into(),
                Compound::While { until: true, .. } => "until ...".into(),
                Compound::If { .. } => "if ...".into(),
                Compound::Group(_) => "{ ... }".into(),
            },
        }
    }
}

/// Commands joined by `|`, maybe negated by a leading `!`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Pipeline {
    pub cmds: Vec<Command>,
    pub negate: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CommandList {
    pub items: Vec<(Pipeline, Connector)>,
}

/// Why a line did not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseError {
    /// bash's message, without the `bash: ` prefix.
    Syntax(String),
    /// A compound command is still open (`for i in 1 2; do`): more lines are needed.
    Incomplete,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Word(String),
    Op(&'static str),
}

/// What an open quote or substitution inside a word waits for.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Open {
    Single,
    Double,
    Backtick,
    Paren,
    Brace,
}

impl Open {
    fn closer(self) -> char {
        match self {
            Open::Single => '\'',
            Open::Double => '"',
            Open::Backtick => '`',
            Open::Paren => ')',
            Open::Brace => '}',
        }
    }
}

/// From `chars[i]`, an opening quote, `` ` ``, `$(` or `${`, to just after its match; nested
/// ones included, with an explicit stack (no recursion, one pass). The raw text goes to `word`.
fn scan_nested(chars: &[char], mut i: usize, word: &mut String) -> Result<usize, String> {
    let mut stack: Vec<Open> = Vec::new();
    loop {
        let c = match chars.get(i) {
            Some(&c) => c,
            None => {
                let top = stack.last().copied().unwrap_or(Open::Paren);
                return Err(format!("unexpected EOF while looking for matching `{}'", top.closer()));
            }
        };
        let top = stack.last().copied();
        let next = chars.get(i + 1).copied();
        let mut step = 1;
        match top {
            Some(Open::Single) => {
                if c == '\'' {
                    stack.pop();
                }
            }
            Some(Open::Backtick) if c == '`' => {
                stack.pop();
            }
            Some(Open::Backtick) if c == '\\' => step = 2,
            Some(Open::Backtick) => {}
            _ => {
                let in_double = top == Some(Open::Double);
                match c {
                    '\\' => step = 2,
                    '\'' if !in_double => stack.push(Open::Single),
                    '"' if in_double => {
                        stack.pop();
                    }
                    '"' => stack.push(Open::Double),
                    '`' => stack.push(Open::Backtick),
                    '$' if next == Some('(') => {
                        stack.push(Open::Paren);
                        step = 2;
                    }
                    '$' if next == Some('{') => {
                        stack.push(Open::Brace);
                        step = 2;
                    }
                    '(' if top == Some(Open::Paren) => stack.push(Open::Paren),
                    ')' if top == Some(Open::Paren) => {
                        stack.pop();
                    }
                    '}' if top == Some(Open::Brace) => {
                        stack.pop();
                    }
                    _ => {}
                }
            }
        }
        for k in i..(i + step).min(chars.len()) {
            word.push(chars[k]);
        }
        i += step;
        if stack.is_empty() {
            return Ok(i);
        }
    }
}

/// Splits a line into raw words and operators (`\n` is an operator: it ends a command as `;`
/// does). An unterminated quote is an error, with bash's message.
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
            ' ' | '\t' | '\r' => {
                flush!();
                i += 1;
            }
            '\n' => {
                flush!();
                toks.push(Tok::Op("\n"));
                i += 1;
            }
            '#' if !in_word => {
                // A comment runs to the end of its line.
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '\'' | '"' | '`' => {
                in_word = true;
                i = scan_nested(&chars, i, &mut word)?;
            }
            '$' if matches!(chars.get(i + 1), Some('(' | '{')) => {
                in_word = true;
                i = scan_nested(&chars, i, &mut word)?;
            }
            '\\' => {
                in_word = true;
                word.push('\\');
                if let Some(&n) = chars.get(i + 1) {
                    word.push(n);
                }
                i += 2;
            }
            '(' | ')' => {
                flush!();
                toks.push(Tok::Op(if c == '(' { "(" } else { ")" }));
                i += 1;
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
                // `>&2` and `1>&2`.
                if c == '>' && (!in_word || word == "1") && chars.get(i + 1) == Some(&'&') && chars.get(i + 2) == Some(&'2') {
                    if in_word {
                        word.clear();
                        in_word = false;
                    }
                    flush!();
                    toks.push(Tok::Op(">&2"));
                    i += 3;
                    continue;
                }
                flush!();
                let two: String = chars[i..chars.len().min(i + 2)].iter().collect();
                let op: &'static str = match two.as_str() {
                    "&&" => "&&",
                    "||" => "||",
                    ">>" => ">>",
                    "<<" => "<<",
                    ";;" => ";;",
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

/// [`scan_nested`] for the shell: from an opening `$(` or `` ` `` at `chars[i]`, the index just
/// after its match.
pub(crate) fn scan_nested_end(chars: &[char], i: usize, raw: &mut String) -> Result<usize, String> {
    scan_nested(chars, i, raw)
}

/// The words of an already substituted word (its quotes still in place), split where the
/// substitution left unquoted spaces.
pub(crate) fn split_words(s: &str) -> Vec<String> {
    match tokenize(s) {
        Ok(toks) => toks.into_iter().filter_map(|t| if let Tok::Word(w) = t { Some(w) } else { None }).collect(),
        Err(_) => vec![s.to_string()],
    }
}

fn is_assignment(raw: &str) -> bool {
    match raw.find('=') {
        Some(0) | None => false,
        Some(eq) => raw[..eq].chars().all(|c| c.is_ascii_alphanumeric() || c == '_') && !raw.as_bytes()[0].is_ascii_digit(),
    }
}

fn is_name(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') && !s.as_bytes()[0].is_ascii_digit()
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

/// Parses one logical line (a heredoc body, if any, is passed separately). An open compound
/// command is a syntax error here; [`parse_full`] tells it apart.
pub fn parse(line: &str, heredoc_body: Option<&str>) -> Result<CommandList, String> {
    parse_full(line, heredoc_body).map_err(|e| match e {
        ParseError::Syntax(s) => s,
        ParseError::Incomplete => "syntax error: unexpected end of file".to_string(),
    })
}

/// Parses one or more lines (joined with `\n`).
pub fn parse_full(line: &str, heredoc_body: Option<&str>) -> Result<CommandList, ParseError> {
    parse_within(line, heredoc_body, 0)
}

/// [`parse_full`] for a line run while `used` levels of the nesting budget are taken (the
/// compound commands and `$(...)` around it): its own compound commands get the rest.
pub fn parse_within(line: &str, heredoc_body: Option<&str>, used: usize) -> Result<CommandList, ParseError> {
    let toks = tokenize(line).map_err(ParseError::Syntax)?;
    let mut p = Parser { toks, pos: 0, depth: used, heredoc: heredoc_body.map(str::to_string) };
    let list = p.list(&[])?;
    match p.peek() {
        None => Ok(list),
        Some(t) => Err(syntax(&tok_text(t))),
    }
}

fn syntax(t: &str) -> ParseError {
    ParseError::Syntax(format!("syntax error near unexpected token `{t}'"))
}

fn tok_text(t: &Tok) -> String {
    match t {
        Tok::Word(w) => w.clone(),
        Tok::Op("\n") => "newline".into(),
        Tok::Op(o) => o.to_string(),
    }
}

struct Parser {
    toks: Vec<Tok>,
    pos: usize,
    depth: usize,
    heredoc: Option<String>,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }

    fn peek_word(&self) -> Option<&str> {
        match self.peek() {
            Some(Tok::Word(w)) => Some(w),
            _ => None,
        }
    }

    fn skip_newlines(&mut self) {
        while self.peek() == Some(&Tok::Op("\n")) {
            self.pos += 1;
        }
    }

    /// Commands until EOF or (at a command's start) one of the `stop` words.
    fn list(&mut self, stop: &[&str]) -> Result<CommandList, ParseError> {
        let mut items: Vec<(Pipeline, Connector)> = Vec::new();
        loop {
            self.skip_newlines();
            match self.peek() {
                None => return Ok(CommandList { items }),
                Some(Tok::Word(w)) if stop.contains(&w.as_str()) => return Ok(CommandList { items }),
                _ => {}
            }
            let pipeline = self.pipeline()?;
            let conn = match self.peek() {
                None => Connector::Always,
                Some(Tok::Op(op @ (";" | "\n" | "&" | "&&" | "||"))) => {
                    let op = *op;
                    self.pos += 1;
                    match op {
                        "&&" | "||" => {
                            self.skip_newlines();
                            if self.peek().is_none() {
                                return Err(if stop.is_empty() { syntax("newline") } else { ParseError::Incomplete });
                            }
                            if op == "&&" {
                                Connector::And
                            } else {
                                Connector::Or
                            }
                        }
                        "&" => Connector::Background,
                        _ => Connector::Always,
                    }
                }
                Some(Tok::Word(w)) if stop.contains(&w.as_str()) => Connector::Always,
                Some(t) => return Err(syntax(&tok_text(t))),
            };
            items.push((pipeline, conn));
        }
    }

    fn pipeline(&mut self) -> Result<Pipeline, ParseError> {
        let mut p = Pipeline::default();
        if self.peek_word() == Some("!") {
            self.pos += 1;
            p.negate = true;
            // `!` alone negates an empty command: status 1.
            if matches!(self.peek(), None | Some(Tok::Op(";" | "\n" | "&&" | "||" | "&"))) {
                return Ok(p);
            }
        }
        loop {
            p.cmds.push(self.command()?);
            if self.peek() == Some(&Tok::Op("|")) {
                self.pos += 1;
                self.skip_newlines();
                if self.peek().is_none() {
                    return Err(syntax("newline"));
                }
            } else {
                return Ok(p);
            }
        }
    }

    fn expect_word(&mut self, want: &str) -> Result<(), ParseError> {
        match self.peek() {
            Some(Tok::Word(w)) if w == want => {
                self.pos += 1;
                Ok(())
            }
            Some(t) => Err(syntax(&tok_text(t))),
            None => Err(ParseError::Incomplete),
        }
    }

    /// A list that must hold at least one command before its stop word.
    fn nonempty(&mut self, stop: &[&str]) -> Result<CommandList, ParseError> {
        let l = self.list(stop)?;
        match self.peek() {
            None => Err(ParseError::Incomplete),
            Some(t) if l.items.is_empty() => Err(syntax(&tok_text(t))),
            _ => Ok(l),
        }
    }

    fn command(&mut self) -> Result<Command, ParseError> {
        let first = match self.peek() {
            Some(Tok::Word(w)) => w.clone(),
            Some(Tok::Op(op)) if matches!(*op, ">" | ">>" | "<" | "2>" | "2>>" | "<<" | "2>&1" | ">&2") => String::new(),
            Some(t) => return Err(syntax(&tok_text(t))),
            None => return Err(syntax("newline")),
        };
        if !matches!(first.as_str(), "for" | "while" | "until" | "if" | "{") {
            if matches!(first.as_str(), "then" | "elif" | "else" | "fi" | "do" | "done" | "}" | "!" | "in") {
                return Err(syntax(&first));
            }
            return self.simple().map(Command::Simple);
        }
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(ParseError::Syntax(format!("syntax error: compound commands nested more than {MAX_NESTING} deep (the playground's limit)")));
        }
        self.pos += 1;
        let compound = match first.as_str() {
            "for" => {
                let var = match self.peek() {
                    Some(Tok::Word(w)) if is_name(w) => w.clone(),
                    Some(Tok::Word(w)) => return Err(ParseError::Syntax(format!("`{w}': not a valid identifier"))),
                    Some(t) => return Err(syntax(&tok_text(t))),
                    None => return Err(ParseError::Incomplete),
                };
                self.pos += 1;
                self.skip_newlines();
                let mut words = Vec::new();
                if self.peek_word() == Some("in") {
                    self.pos += 1;
                    while let Some(Tok::Word(w)) = self.peek() {
                        words.push(w.clone());
                        self.pos += 1;
                    }
                    match self.peek() {
                        Some(Tok::Op(";" | "\n")) => self.pos += 1,
                        Some(t) => return Err(syntax(&tok_text(t))),
                        None => return Err(ParseError::Incomplete),
                    }
                } else if self.peek() == Some(&Tok::Op(";")) {
                    self.pos += 1;
                }
                self.skip_newlines();
                self.expect_word("do")?;
                let body = self.nonempty(&["done"])?;
                self.expect_word("done")?;
                Compound::For { var, words, body }
            }
            "while" | "until" => {
                let cond = self.nonempty(&["do"])?;
                self.expect_word("do")?;
                let body = self.nonempty(&["done"])?;
                self.expect_word("done")?;
                Compound::While { until: first == "until", cond, body }
            }
            "if" => {
                let mut branches = Vec::new();
                let mut otherwise = None;
                loop {
                    let cond = self.nonempty(&["then"])?;
                    self.expect_word("then")?;
                    let body = self.nonempty(&["elif", "else", "fi"])?;
                    branches.push((cond, body));
                    match self.peek_word() {
                        Some("elif") => self.pos += 1,
                        Some("else") => {
                            self.pos += 1;
                            otherwise = Some(self.nonempty(&["fi"])?);
                            self.expect_word("fi")?;
                            break;
                        }
                        _ => {
                            self.expect_word("fi")?;
                            break;
                        }
                    }
                }
                Compound::If { branches, otherwise }
            }
            _ => {
                let l = self.nonempty(&["}"])?;
                self.expect_word("}")?;
                Compound::Group(l)
            }
        };
        self.depth -= 1;
        let mut redirects = Vec::new();
        let mut heredoc = None;
        while let Some(Tok::Op(op @ (">" | ">>" | "<" | "2>" | "2>>" | "2>&1" | ">&2" | "<<"))) = self.peek() {
            let op = *op;
            self.pos += 1;
            if op == "<<" {
                let target = self.redirect_target()?;
                heredoc = Some(self.heredoc.take().unwrap_or_default());
                redirects.push((RedirectOp::HereDoc, target));
                continue;
            }
            if op == "2>&1" || op == ">&2" {
                redirects.push((if op == "2>&1" { RedirectOp::ErrToOut } else { RedirectOp::OutToErr }, String::new()));
                continue;
            }
            let target = self.redirect_target()?;
            redirects.push((redirect_op(op), target));
        }
        if let Some(Tok::Word(w)) = self.peek() {
            return Err(syntax(w));
        }
        Ok(Command::Compound(Box::new(compound), redirects, heredoc))
    }

    fn redirect_target(&mut self) -> Result<String, ParseError> {
        match self.peek() {
            Some(Tok::Word(w)) => {
                let w = w.clone();
                self.pos += 1;
                Ok(w)
            }
            Some(t) => Err(syntax(&tok_text(t))),
            None => Err(syntax("newline")),
        }
    }

    fn simple(&mut self) -> Result<SimpleCommand, ParseError> {
        let mut cmd = SimpleCommand::default();
        loop {
            match self.peek() {
                Some(Tok::Word(w)) => {
                    if cmd.words.is_empty() && is_assignment(w) {
                        cmd.assigns.push(w.clone());
                    } else {
                        cmd.words.push(w.clone());
                    }
                    self.pos += 1;
                }
                Some(Tok::Op("2>&1")) => {
                    self.pos += 1;
                    cmd.redirects.push((RedirectOp::ErrToOut, String::new()));
                }
                Some(Tok::Op(">&2")) => {
                    self.pos += 1;
                    cmd.redirects.push((RedirectOp::OutToErr, String::new()));
                }
                Some(Tok::Op(op @ (">" | ">>" | "<" | "2>" | "2>>" | "<<"))) => {
                    let op = *op;
                    self.pos += 1;
                    let target = self.redirect_target()?;
                    if op == "<<" {
                        cmd.heredoc = Some(self.heredoc.take().unwrap_or_default());
                    }
                    cmd.redirects.push((redirect_op(op), target));
                }
                _ => break,
            }
        }
        Ok(cmd)
    }
}

fn redirect_op(op: &str) -> RedirectOp {
    match op {
        ">" => RedirectOp::Out,
        ">>" => RedirectOp::Append,
        "<" => RedirectOp::In,
        "2>" => RedirectOp::ErrOut,
        "2>>" => RedirectOp::ErrAppend,
        _ => RedirectOp::HereDoc,
    }
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
    // No `}` at or after this index: an unclosed `${` need not search again (linear).
    let mut no_close_from = usize::MAX;
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
                    match if i + 2 >= no_close_from { None } else { chars[i + 2..].iter().position(|&c| c == '}') } {
                        Some(end) => (chars[i + 2..i + 2 + end].iter().collect::<String>(), i + 3 + end),
                        None => {
                            no_close_from = no_close_from.min(i + 2);
                            (String::new(), i + 1)
                        }
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
                    out.push_str(&parameter(&name, vars, in_double));
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

/// The value of `${INNER}`: a name, `#NAME` (its length in characters), or a name with a
/// default or alternative word (`NAME:-word`, `NAME-word`, `NAME:+word`, `NAME+word`; with
/// the colon an empty value counts as unset, as in bash). The word is expanded in turn (one
/// level: the first `}` ended INNER), as quoted as the `${` was. Anything else is empty here, where bash says
/// `bad substitution`.
fn parameter(inner: &str, vars: &SortedMap<String, String>, in_double: bool) -> String {
    let name_len = if inner.starts_with(['?', '$', '#']) && inner.len() == 1 {
        1
    } else {
        inner.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').count()
    };
    if let Some(n) = inner.strip_prefix('#').filter(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')) {
        return vars.get(n).map_or(0, |v| v.chars().count()).to_string();
    }
    let (name, op) = inner.split_at(name_len);
    let value = vars.get(name);
    let set_and = |colon: bool| value.is_some_and(|v| !(colon && v.is_empty()));
    // Inside double quotes the word is too: its single quotes stay (`"${A:-'x'}"` is 'x').
    let word = |w: &str| if in_double { expand(&format!("\"{w}\""), vars, true) } else { expand(w, vars, true) };
    match op {
        "" => value.cloned().unwrap_or_default(),
        _ if op.starts_with(":-") => if set_and(true) { value.cloned().unwrap_or_default() } else { word(&op[2..]) },
        _ if op.starts_with(":+") => if set_and(true) { word(&op[2..]) } else { String::new() },
        _ if op.starts_with('-') => if set_and(false) { value.cloned().unwrap_or_default() } else { word(&op[1..]) },
        _ if op.starts_with('+') => if set_and(false) { word(&op[1..]) } else { String::new() },
        _ => String::new(),
    }
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
        assert_eq!(expand("${NOPE:-3}", &vars(), true), "3");
        assert_eq!(expand("${A:-3}", &vars(), true), "1");
        assert_eq!(expand("${NOPE:+y}${A:+y}", &vars(), true), "y");
        assert_eq!(expand("${#URL}", &vars(), true), "14");
        assert_eq!(expand("${NOPE-$A}", &vars(), true), "1");
    }

    #[test]
    fn parses_lists_pipes_and_redirects() {
        let l = parse("A=1 etcdctl get k | grep x > out && echo ok; echo done", None).unwrap();
        assert_eq!(l.items.len(), 3);
        assert_eq!(l.items[0].0.cmds.len(), 2);
        let simple = |c: &Command| match c {
            Command::Simple(s) => s.clone(),
            other => panic!("{other:?}"),
        };
        assert_eq!(simple(&l.items[0].0.cmds[0]).assigns, vec!["A=1"]);
        assert_eq!(simple(&l.items[0].0.cmds[1]).redirects, vec![(RedirectOp::Out, "out".to_string())]);
        assert_eq!(l.items[0].1, Connector::And);
    }

    #[test]
    fn syntax_errors_use_bash_text() {
        assert_eq!(parse("| a", None).unwrap_err(), "syntax error near unexpected token `|'");
        assert_eq!(parse("echo >", None).unwrap_err(), "syntax error near unexpected token `newline'");
        assert_eq!(parse("echo 'a", None).unwrap_err(), "unexpected EOF while looking for matching `''");
        assert_eq!(parse("for i in 1; do echo; done; done", None).unwrap_err(), "syntax error near unexpected token `done'");
        assert_eq!(parse("if true; then fi", None).unwrap_err(), "syntax error near unexpected token `fi'");
        assert_eq!(parse("while do", None).unwrap_err(), "syntax error near unexpected token `do'");
        assert_eq!(parse("echo a | ! cat", None).unwrap_err(), "syntax error near unexpected token `!'");
        assert_eq!(parse("for i in 1 2; do", None).unwrap_err(), "syntax error: unexpected end of file");
        assert_eq!(parse_full("if true; then\necho", None), Err(ParseError::Incomplete));
        assert_eq!(parse("echo $(echo \"a", None).unwrap_err(), "unexpected EOF while looking for matching `\"'");
        assert!(parse("!", None).is_ok_and(|l| l.items[0].0.negate && l.items[0].0.cmds.is_empty()));
    }
}
