//! A small parser for the subset of TOML that lesson files use, with the line of every value.
//!
//! Why not the `toml` crate: it added about 130 KB (gzip) to the page's wasm for features
//! lessons never need. This parser accepts: comments, `key = value` (bare, quoted and dotted
//! keys), `[table]` and `[[array.of.tables]]` headers, basic/literal/multi-line strings,
//! integers, booleans, arrays and inline tables. Floats and dates are refused with a clear
//! error. `tests/lessons.rs` checks that it reads every lesson file exactly as the `toml`
//! crate does.

/// A parsed value and the 1-based line where it starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Str(String),
    Int(i64),
    Bool(bool),
    Array(Vec<Node>),
    /// Keys in the order written.
    Table(Vec<(String, Node)>),
}

impl Value {
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Str(_) => "a string",
            Value::Int(_) => "an integer",
            Value::Bool(_) => "a boolean",
            Value::Array(_) => "an array",
            Value::Table(_) => "a table",
        }
    }
}

/// A syntax error at a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub line: usize,
    pub message: String,
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
    line: usize,
    /// How many arrays and inline tables enclose the value being read (see [`MAX_DEPTH`]).
    depth: usize,
}

/// Arrays and inline tables nest at most this deep: the parser recurses per level, and a
/// hostile file 20000 `[` deep must be an error naming its line, not a stack overflow (the
/// page's wasm stack is about 1 MiB). Lessons use two or three levels.
pub const MAX_DEPTH: usize = 64;

type R<T> = Result<T, SyntaxError>;

fn is_bare(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'-'
}

impl<'a> Parser<'a> {
    fn err<T>(&self, message: impl Into<String>) -> R<T> {
        Err(SyntaxError { line: self.line, message: message.into() })
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn starts(&self, p: &str) -> bool {
        self.s[self.i..].starts_with(p.as_bytes())
    }

    fn bump(&mut self) -> Option<u8> {
        let c = self.peek()?;
        self.i += 1;
        if c == b'\n' {
            self.line += 1;
        }
        Some(c)
    }

    /// Spaces and tabs only.
    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.i += 1;
        }
    }

    fn comment(&mut self) {
        if self.peek() == Some(b'#') {
            while !matches!(self.peek(), None | Some(b'\n')) {
                self.i += 1;
            }
        }
    }

    /// Whitespace, newlines and comments (inside arrays and inline tables).
    fn ws_nl(&mut self) {
        loop {
            self.ws();
            self.comment();
            match self.peek() {
                Some(b'\n') => {
                    self.bump();
                }
                Some(b'\r') if self.s.get(self.i + 1) == Some(&b'\n') => {
                    self.i += 1;
                }
                _ => return,
            }
        }
    }

    /// After a key-value pair or header: only a comment may follow on the line.
    fn end_of_line(&mut self) -> R<()> {
        self.ws();
        self.comment();
        match self.peek() {
            None => Ok(()),
            Some(b'\n') => {
                self.bump();
                Ok(())
            }
            Some(b'\r') if self.s.get(self.i + 1) == Some(&b'\n') => {
                self.i += 1;
                self.bump();
                Ok(())
            }
            Some(_) => self.err("expected the end of the line after a value (one key = value per line)"),
        }
    }

    fn key_part(&mut self) -> R<String> {
        match self.peek() {
            Some(b'"') => self.basic_string(),
            Some(b'\'') => self.literal_string(),
            Some(c) if is_bare(c) => {
                let start = self.i;
                while self.peek().is_some_and(is_bare) {
                    self.i += 1;
                }
                Ok(String::from_utf8_lossy(&self.s[start..self.i]).into_owned())
            }
            _ => self.err("expected a key"),
        }
    }

    /// `a.b."c d"`
    fn key(&mut self) -> R<Vec<String>> {
        let mut parts = vec![self.key_part()?];
        loop {
            self.ws();
            if self.peek() != Some(b'.') {
                return Ok(parts);
            }
            self.i += 1;
            self.ws();
            parts.push(self.key_part()?);
        }
    }

    fn escape(&mut self, out: &mut String) -> R<()> {
        let c = self.bump();
        match c {
            Some(b'n') => out.push('\n'),
            Some(b't') => out.push('\t'),
            Some(b'r') => out.push('\r'),
            Some(b'b') => out.push('\u{8}'),
            Some(b'f') => out.push('\u{c}'),
            Some(b'e') => out.push('\u{1b}'),
            Some(b'"') => out.push('"'),
            Some(b'\\') => out.push('\\'),
            Some(b'u') | Some(b'U') => {
                let n = if c == Some(b'u') { 4 } else { 8 };
                let hex = self.s.get(self.i..self.i + n).and_then(|h| std::str::from_utf8(h).ok()).unwrap_or("");
                match u32::from_str_radix(hex, 16).ok().and_then(char::from_u32) {
                    Some(ch) if hex.len() == n => {
                        out.push(ch);
                        self.i += n;
                    }
                    _ => return self.err("invalid unicode escape in a string"),
                }
            }
            _ => return self.err("invalid escape in a string (use \\\\ for a backslash)"),
        }
        Ok(())
    }

    /// Copies raw bytes from `start` to the current position into `out` (UTF-8 checked).
    fn take(&self, start: usize, out: &mut String) -> R<()> {
        match std::str::from_utf8(&self.s[start..self.i]) {
            Ok(t) => {
                out.push_str(t);
                Ok(())
            }
            Err(_) => self.err("the file is not valid UTF-8"),
        }
    }

    fn basic_string(&mut self) -> R<String> {
        if self.starts("\"\"\"") {
            return self.multiline_basic();
        }
        self.i += 1;
        let mut out = String::new();
        let mut start = self.i;
        loop {
            match self.peek() {
                None | Some(b'\n') => return self.err("unterminated string (a \"...\" string ends on its line; use \"\"\" for several lines)"),
                Some(b'"') => {
                    self.take(start, &mut out)?;
                    self.i += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.take(start, &mut out)?;
                    self.i += 1;
                    self.escape(&mut out)?;
                    start = self.i;
                }
                Some(_) => self.i += 1,
            }
        }
    }

    fn multiline_basic(&mut self) -> R<String> {
        let open = self.line;
        self.i += 3;
        self.skip_first_newline();
        let mut out = String::new();
        let mut start = self.i;
        loop {
            if self.starts("\"\"\"") {
                // Up to two quotes right before the closing delimiter belong to the string.
                let mut extra = 0;
                while extra < 2 && self.s.get(self.i + 3 + extra) == Some(&b'"') {
                    extra += 1;
                }
                self.i += extra;
                self.take(start, &mut out)?;
                self.i += 3;
                return Ok(out);
            }
            match self.peek() {
                None => return Err(SyntaxError { line: open, message: "unterminated \"\"\" string".into() }),
                Some(b'\\') => {
                    self.take(start, &mut out)?;
                    self.i += 1;
                    // A backslash at the end of a line joins it with the next non-blank text.
                    let save = (self.i, self.line);
                    self.ws();
                    if matches!(self.peek(), Some(b'\n' | b'\r')) {
                        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
                            self.bump();
                        }
                    } else {
                        (self.i, self.line) = save;
                        self.escape(&mut out)?;
                    }
                    start = self.i;
                }
                Some(_) => {
                    self.bump();
                }
            }
        }
    }

    fn skip_first_newline(&mut self) {
        if self.starts("\r\n") {
            self.i += 1;
        }
        if self.peek() == Some(b'\n') {
            self.bump();
        }
    }

    fn literal_string(&mut self) -> R<String> {
        let mut out = String::new();
        if self.starts("'''") {
            let open = self.line;
            self.i += 3;
            self.skip_first_newline();
            let start = self.i;
            loop {
                if self.starts("'''") {
                    let mut extra = 0;
                    while extra < 2 && self.s.get(self.i + 3 + extra) == Some(&b'\'') {
                        extra += 1;
                    }
                    self.i += extra;
                    self.take(start, &mut out)?;
                    self.i += 3;
                    return Ok(out);
                }
                if self.bump().is_none() {
                    return Err(SyntaxError { line: open, message: "unterminated ''' string".into() });
                }
            }
        }
        self.i += 1;
        let start = self.i;
        loop {
            match self.peek() {
                None | Some(b'\n') => return self.err("unterminated string (a '...' string ends on its line)"),
                Some(b'\'') => {
                    self.take(start, &mut out)?;
                    self.i += 1;
                    return Ok(out);
                }
                Some(_) => self.i += 1,
            }
        }
    }

    fn value(&mut self) -> R<Node> {
        if matches!(self.peek(), Some(b'[' | b'{')) && self.depth >= MAX_DEPTH {
            return self.err(format!("arrays and inline tables nest deeper than {MAX_DEPTH} levels"));
        }
        self.depth += 1;
        let v = self.value_inner();
        self.depth -= 1;
        v
    }

    fn value_inner(&mut self) -> R<Node> {
        let line = self.line;
        let value = match self.peek() {
            Some(b'"') => Value::Str(self.basic_string()?),
            Some(b'\'') => Value::Str(self.literal_string()?),
            Some(b'[') => {
                self.i += 1;
                let mut items = Vec::new();
                loop {
                    self.ws_nl();
                    if self.peek() == Some(b']') {
                        self.i += 1;
                        break;
                    }
                    items.push(self.value()?);
                    self.ws_nl();
                    match self.peek() {
                        Some(b',') => self.i += 1,
                        Some(b']') => {
                            self.i += 1;
                            break;
                        }
                        _ => return self.err("expected `,` or `]` in an array"),
                    }
                }
                Value::Array(items)
            }
            Some(b'{') => {
                self.i += 1;
                let mut table: Vec<(String, Node)> = Vec::new();
                self.ws_nl();
                if self.peek() == Some(b'}') {
                    self.i += 1;
                } else {
                    loop {
                        self.ws_nl();
                        let k = self.key()?;
                        self.ws();
                        if self.peek() != Some(b'=') {
                            return self.err("expected `=` after a key");
                        }
                        self.i += 1;
                        self.ws();
                        let v = self.value()?;
                        insert(&mut table, &k, v, self.line)?;
                        self.ws_nl();
                        match self.peek() {
                            Some(b',') => self.i += 1,
                            Some(b'}') => {
                                self.i += 1;
                                break;
                            }
                            _ => return self.err("expected `,` or `}` in an inline table"),
                        }
                    }
                }
                Value::Table(table)
            }
            Some(b't') if self.starts("true") => {
                self.i += 4;
                Value::Bool(true)
            }
            Some(b'f') if self.starts("false") => {
                self.i += 5;
                Value::Bool(false)
            }
            Some(c) if c.is_ascii_digit() || c == b'-' || c == b'+' => {
                let start = self.i;
                while self.peek().is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'+' | b'_' | b'.' | b':')) {
                    self.i += 1;
                }
                let text: String = String::from_utf8_lossy(&self.s[start..self.i]).replace('_', "");
                match text.parse::<i64>() {
                    Ok(n) => Value::Int(n),
                    Err(_) => return self.err(format!("unsupported value `{text}` (lessons use strings, integers, booleans, arrays and tables)")),
                }
            }
            _ => return self.err("expected a value (a \"string\", a number, true/false, [array] or {table})"),
        };
        Ok(Node { value, line })
    }
}

/// Inserts `value` at the dotted key `path` inside `table`, creating tables on the way.
fn insert(table: &mut Vec<(String, Node)>, path: &[String], value: Node, line: usize) -> R<()> {
    let (first, rest) = match path.split_first() {
        Some(x) => x,
        None => return Err(SyntaxError { line, message: "empty key".into() }),
    };
    let pos = table.iter().position(|(k, _)| k == first);
    if rest.is_empty() {
        if pos.is_some() {
            return Err(SyntaxError { line, message: format!("duplicate key `{first}`") });
        }
        table.push((first.clone(), value));
        return Ok(());
    }
    let idx = match pos {
        Some(i) => i,
        None => {
            table.push((first.clone(), Node { value: Value::Table(Vec::new()), line }));
            table.len() - 1
        }
    };
    match &mut table[idx].1.value {
        Value::Table(t) => insert(t, rest, value, line),
        _ => Err(SyntaxError { line, message: format!("key `{first}` is not a table") }),
    }
}

/// Finds (creating when missing) the table that a `[header]` or `[[header]]` names: for an
/// array of tables on the way, its last element.
fn table_at<'t>(root: &'t mut Vec<(String, Node)>, path: &[String], line: usize) -> R<&'t mut Vec<(String, Node)>> {
    let mut cur = root;
    for part in path {
        let idx = match cur.iter().position(|(k, _)| k == part) {
            Some(i) => i,
            None => {
                cur.push((part.clone(), Node { value: Value::Table(Vec::new()), line }));
                cur.len() - 1
            }
        };
        cur = match &mut cur[idx].1.value {
            Value::Table(t) => t,
            Value::Array(a) => match a.last_mut() {
                Some(Node { value: Value::Table(t), .. }) => t,
                _ => return Err(SyntaxError { line, message: format!("`{part}` is not a table") }),
            },
            _ => return Err(SyntaxError { line, message: format!("`{part}` is not a table") }),
        };
    }
    Ok(cur)
}

/// Parses a document into its root table.
pub fn parse(text: &str) -> Result<Vec<(String, Node)>, SyntaxError> {
    let mut p = Parser { s: text.as_bytes(), i: 0, line: 1, depth: 0 };
    let mut root: Vec<(String, Node)> = Vec::new();
    // The header path of the table that key-value pairs go into.
    let mut current: Vec<String> = Vec::new();
    let mut defined: Vec<Vec<String>> = Vec::new();
    loop {
        p.ws_nl();
        let Some(c) = p.peek() else { break };
        let line = p.line;
        if c == b'[' {
            let array = p.starts("[[");
            p.i += if array { 2 } else { 1 };
            p.ws();
            let path = p.key()?;
            p.ws();
            if !p.starts(if array { "]]" } else { "]" }) {
                return p.err(if array { "expected `]]` to close the header" } else { "expected `]` to close the header" });
            }
            p.i += if array { 2 } else { 1 };
            p.end_of_line()?;
            let (last, parent) = match path.split_last() {
                Some(x) => x,
                None => return Err(SyntaxError { line, message: "empty header".into() }),
            };
            let parent_table = table_at(&mut root, parent, line)?;
            if array {
                let idx = match parent_table.iter().position(|(k, _)| k == last) {
                    Some(i) => i,
                    None => {
                        parent_table.push((last.clone(), Node { value: Value::Array(Vec::new()), line }));
                        parent_table.len() - 1
                    }
                };
                match &mut parent_table[idx].1.value {
                    Value::Array(a) => a.push(Node { value: Value::Table(Vec::new()), line }),
                    _ => return Err(SyntaxError { line, message: format!("`{last}` is already defined and is not an array of tables") }),
                }
                defined.retain(|d| !d.starts_with(&path));
            } else {
                if defined.contains(&path) {
                    return Err(SyntaxError { line, message: format!("table `{}` is defined twice", path.join(".")) });
                }
                match parent_table.iter().position(|(k, _)| k == last) {
                    None => parent_table.push((last.clone(), Node { value: Value::Table(Vec::new()), line })),
                    Some(i) if matches!(parent_table[i].1.value, Value::Table(_)) => parent_table[i].1.line = line,
                    Some(_) => return Err(SyntaxError { line, message: format!("`{last}` is already defined and is not a table") }),
                }
                defined.push(path.clone());
            }
            current = path;
            continue;
        }
        let key = p.key()?;
        p.ws();
        if p.peek() != Some(b'=') {
            return p.err("expected `=` after a key");
        }
        p.i += 1;
        p.ws();
        let v = p.value()?;
        p.end_of_line()?;
        let table = table_at(&mut root, &current, line)?;
        insert(table, &key, v, line)?;
    }
    Ok(root)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get<'a>(t: &'a [(String, Node)], k: &str) -> &'a Node {
        &t.iter().find(|(x, _)| x == k).unwrap().1
    }

    #[test]
    fn parses_the_lesson_subset_with_lines() {
        let doc = "# c\nid = \"a\" # c\nn = 1_000\nb = true\n[t]\nen = '''\nx\\y\n'''\npt = \"\"\"\nl1 \\\n   l2\"\"\"\n[[s]]\nv = [\"a\", # c\n 'b',]\n[[s]]\ni = { en = \"q\\\"\", pt = \"\\u00e9\" }\n";
        let r = parse(doc).unwrap();
        assert_eq!(get(&r, "id").value, Value::Str("a".into()));
        assert_eq!(get(&r, "n").value, Value::Int(1000));
        let Value::Table(t) = &get(&r, "t").value else { panic!() };
        assert_eq!(get(t, "en").value, Value::Str("x\\y\n".into()));
        assert_eq!(get(t, "pt").value, Value::Str("l1 l2".into()));
        assert_eq!(get(t, "pt").line, 9);
        let Value::Array(s) = &get(&r, "s").value else { panic!() };
        assert_eq!(s.len(), 2);
        assert_eq!(s[1].line, 15);
        let Value::Table(s1) = &s[1].value else { panic!() };
        let Value::Table(i) = &get(s1, "i").value else { panic!() };
        assert_eq!(get(i, "en").value, Value::Str("q\"".into()));
        assert_eq!(get(i, "pt").value, Value::Str("é".into()));
    }

    #[test]
    fn errors_name_the_line() {
        assert_eq!(parse("a = 1\nb = \"x\n").unwrap_err().line, 2);
        assert_eq!(parse("a = 1\na = 2\n").unwrap_err().message, "duplicate key `a`");
        assert_eq!(parse("a = 1.5\n").unwrap_err().line, 1);
        assert_eq!(parse("[t]\n[t]\n").unwrap_err().line, 2);
        assert!(parse("x = \"\"\"\nopen").is_err());
        assert!(parse("[[a]]\n[a.b]\nc=1\n[[a]]\n[a.b]\nc=2\n").is_ok());
    }

    #[test]
    fn nesting_is_limited_with_the_line() {
        // 20000 levels on line 3: an error naming line 3 and the limit, on a 1 MiB stack.
        for open in ["[", "{a="] {
            let doc = format!("a = 1\n\nx = {}\n", open.repeat(20000));
            let r = std::thread::Builder::new().stack_size(1 << 20).spawn(move || parse(&doc)).unwrap().join().unwrap();
            let e = r.unwrap_err();
            assert_eq!(e.line, 3);
            assert_eq!(e.message, "arrays and inline tables nest deeper than 64 levels");
        }
        // The limit itself still parses.
        let ok = format!("x = {}{}\n", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(parse(&ok).is_ok());
        let over = format!("x = {}{}\n", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
        assert!(parse(&over).is_err());
    }
}
