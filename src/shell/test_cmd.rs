//! `test EXPR` and `[ EXPR ]`, bash's builtins: what `if` and `while` usually test.
//!
//! ```text
//! [ -z "$X" ]   [ -n "$X" ]   [ "$a" = "$b" ]   [ "$a" != x ]   [ $n -lt 10 ]
//! [ -f FILE ]   [ -d DIR ]    [ -e PATH ]       [ ! -s FILE ]    [ a -a b ]   [ a -o b ]
//! ```
//!
//! As POSIX says (and bash does), the number of arguments decides first: one argument is true
//! when not empty, two are `! X` or a unary test, three a binary test (or `! A B`, `( A )`),
//! four `! A OP B` or `( A B )`; more go through the grammar `-o` < `-a` < `!` < primary.
//! Errors are bash's: `bash: [: a: integer expression expected` with status 2.

use crate::process::Proc;

const UNARY: &[&str] = &["-z", "-n", "-e", "-f", "-d", "-s", "-r", "-w", "-x", "-L", "-h", "-b", "-c", "-p", "-S", "-t", "-g", "-u", "-k", "-O", "-G", "-N", "-a", "-o", "-v"];
const BINARY: &[&str] = &["=", "==", "!=", "<", ">", "-eq", "-ne", "-lt", "-le", "-gt", "-ge", "-a", "-o", "-nt", "-ot", "-ef"];
/// How deep `( ( ... ) )` may nest here.
const MAX_PARENS: usize = 256;

struct Eval<'a> {
    p: &'a Proc,
    args: &'a [String],
    pos: usize,
    /// Only the node's files matter for -f/-d/-e; the shell passes them in.
    files: &'a dyn Fn(&str) -> Option<FileKind>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    File { empty: bool },
    Dir,
}

/// The builtin: `p.args[0]` is `test` or `[`; files are the node's.
pub fn main(w: &crate::world::World, p: &mut Proc) -> i32 {
    use crate::vfs::Node;
    let files = |path: &str| match w.vfs.get(path) {
        Some(Node::Dir) => Some(FileKind::Dir),
        Some(Node::File { data, .. }) => Some(FileKind::File { empty: data.is_empty() }),
        Some(Node::Live(_)) => Some(FileKind::File { empty: false }),
        None => None,
    };
    main_with(p, &files)
}

/// [`main`] with a way to look files up.
pub fn main_with(p: &mut Proc, files: &dyn Fn(&str) -> Option<FileKind>) -> i32 {
    let name = if p.args[0] == "[" { "[" } else { "test" };
    let mut args: Vec<String> = p.args[1..].to_vec();
    if name == "[" {
        if args.last().map(String::as_str) != Some("]") {
            p.eprintln("bash: [: missing `]'");
            return 2;
        }
        args.pop();
    }
    let r = {
        let e = Eval { p, args: &args, pos: 0, files };
        e.run()
    };
    match r {
        Ok(true) => 0,
        Ok(false) => 1,
        Err(msg) => {
            p.eprintln(format!("bash: {name}: {msg}"));
            2
        }
    }
}

impl Eval<'_> {
    fn run(mut self) -> Result<bool, String> {
        let a = self.args;
        let s = |i: usize| a[i].as_str();
        match a.len() {
            0 => Ok(false),
            1 => Ok(!a[0].is_empty()),
            2 if s(0) == "!" => Ok(a[1].is_empty()),
            2 if UNARY.contains(&s(0)) => self.unary(s(0), s(1)),
            2 => Err(format!("{}: unary operator expected", s(0))),
            3 if BINARY.contains(&s(1)) => self.binary(s(0), s(1), s(2)),
            3 if s(0) == "!" => Ok(!self.two(s(1), s(2))?),
            3 if s(0) == "(" && s(2) == ")" => Ok(!a[1].is_empty()),
            3 => Err(format!("{}: binary operator expected", s(1))),
            4 if s(0) == "!" && BINARY.contains(&s(2)) => Ok(!self.binary(s(1), s(2), s(3))?),
            4 if s(0) == "(" && s(3) == ")" => self.two(s(1), s(2)),
            _ => {
                let v = self.or(0)?;
                if self.pos < a.len() {
                    return Err("too many arguments".into());
                }
                Ok(v)
            }
        }
    }

    fn two(&self, a: &str, b: &str) -> Result<bool, String> {
        if a == "!" {
            Ok(b.is_empty())
        } else if UNARY.contains(&a) {
            self.unary(a, b)
        } else {
            Err(format!("{a}: unary operator expected"))
        }
    }

    fn peek(&self) -> Option<&str> {
        self.args.get(self.pos).map(String::as_str)
    }

    fn or(&mut self, depth: usize) -> Result<bool, String> {
        let mut v = self.and(depth)?;
        while self.peek() == Some("-o") {
            self.pos += 1;
            let r = self.and(depth)?;
            v = v || r;
        }
        Ok(v)
    }

    fn and(&mut self, depth: usize) -> Result<bool, String> {
        let mut v = self.not(depth)?;
        while self.peek() == Some("-a") {
            self.pos += 1;
            let r = self.not(depth)?;
            v = v && r;
        }
        Ok(v)
    }

    fn not(&mut self, depth: usize) -> Result<bool, String> {
        // `! ! ! X`: counted, not recursed.
        let mut negate = false;
        while self.peek() == Some("!") && self.pos + 1 < self.args.len() {
            self.pos += 1;
            negate = !negate;
        }
        Ok(self.primary(depth)? != negate)
    }

    fn primary(&mut self, depth: usize) -> Result<bool, String> {
        let Some(a) = self.peek().map(str::to_string) else { return Err("argument expected".into()) };
        if a == "(" {
            if depth >= MAX_PARENS {
                return Err("too many arguments".into());
            }
            self.pos += 1;
            let v = self.or(depth + 1)?;
            if self.peek() != Some(")") {
                return Err("`)' expected".into());
            }
            self.pos += 1;
            return Ok(v);
        }
        if let Some(op) = self.args.get(self.pos + 1).map(String::as_str) {
            if BINARY.contains(&op) && !matches!(op, "-a" | "-o") || (matches!(op, "-a" | "-o") && self.args.len() == self.pos + 2) {
                let Some(b) = self.args.get(self.pos + 2).cloned() else { return Err("argument expected".into()) };
                self.pos += 3;
                return self.binary(&a, op, &b);
            }
        }
        if UNARY.contains(&a.as_str()) && !matches!(a.as_str(), "-a" | "-o") {
            let Some(b) = self.args.get(self.pos + 1).cloned() else { return Err("argument expected".into()) };
            self.pos += 2;
            return self.unary(&a, &b);
        }
        self.pos += 1;
        Ok(!a.is_empty())
    }

    fn unary(&self, op: &str, x: &str) -> Result<bool, String> {
        let path = self.p.path(x);
        Ok(match op {
            "-z" => x.is_empty(),
            "-n" => !x.is_empty(),
            "-e" | "-a" | "-r" | "-w" => (self.files)(&path).is_some(),
            "-f" => matches!((self.files)(&path), Some(FileKind::File { .. })),
            "-d" => (self.files)(&path) == Some(FileKind::Dir),
            "-s" => matches!((self.files)(&path), Some(FileKind::File { empty: false }) | Some(FileKind::Dir)),
            "-x" => (self.files)(&path) == Some(FileKind::Dir) || (x.contains("/bin/") && (self.files)(&path).is_some()),
            "-v" => self.p.env.contains_key(x),
            "-t" => false,
            _ => false,
        })
    }

    fn binary(&self, a: &str, op: &str, b: &str) -> Result<bool, String> {
        let int = |s: &str| -> Result<i64, String> { s.trim().parse::<i64>().map_err(|_| format!("{s}: integer expression expected")) };
        Ok(match op {
            "=" | "==" => a == b,
            "!=" => a != b,
            "<" => a < b,
            ">" => a > b,
            "-eq" => int(a)? == int(b)?,
            "-ne" => int(a)? != int(b)?,
            "-lt" => int(a)? < int(b)?,
            "-le" => int(a)? <= int(b)?,
            "-gt" => int(a)? > int(b)?,
            "-ge" => int(a)? >= int(b)?,
            "-a" => !a.is_empty() && !b.is_empty(),
            "-o" => !a.is_empty() || !b.is_empty(),
            _ => false,
        })
    }
}
