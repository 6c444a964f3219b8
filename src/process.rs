//! What a running command sees: its arguments, environment, working directory and stdin, and
//! where it writes. Commands (etcdctl, kubectl, coreutils) are `fn(&mut World, &mut Proc) -> i32`
//! so they know nothing of the shell that parsed them or the page that shows their output.

use serde::{Deserialize, Serialize};
use crate::i18n::Text;
use crate::sorted_map::SortedMap;

/// One piece of terminal output. `Explain` is the playground's own teaching note, shown apart
/// from what the real program prints, in both languages (the page picks one).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Chunk {
    Stdout(String),
    Stderr(String),
    Explain(Text),
    /// Stdout that is binary (`etcdctl -w protobuf`): a pipe or a `>` file gets these exact
    /// bytes; a terminal shows them as a real one would, invalid UTF-8 as U+FFFD.
    Bytes(Vec<u8>),
}

#[derive(Debug, Default)]
pub struct Proc {
    pub args: Vec<String>,
    pub env: SortedMap<String, String>,
    pub cwd: String,
    pub stdin: Vec<u8>,
    pub out: Vec<Chunk>,
    /// Stdout is the terminal (`isatty(1)`): last in its pipeline, not redirected, not in
    /// `$(...)`. `ls` prints columns only then, one name per line otherwise.
    pub stdout_tty: bool,
    /// A command that keeps running after its first output (`etcdctl watch`, `lease
    /// keep-alive`, a hanging `snapshot save`) leaves its job here; see [`crate::jobs`].
    pub job: Option<Box<dyn crate::jobs::Running>>,
}

impl Proc {
    pub fn print(&mut self, s: impl AsRef<str>) {
        let s = s.as_ref();
        if s.is_empty() {
            return;
        }
        if let Some(Chunk::Stdout(last)) = self.out.last_mut() {
            last.push_str(s);
        } else {
            self.out.push(Chunk::Stdout(s.to_string()));
        }
    }

    pub fn println(&mut self, s: impl AsRef<str>) {
        self.print(format!("{}\n", s.as_ref()));
    }

    pub fn eprint(&mut self, s: impl AsRef<str>) {
        let s = s.as_ref();
        if s.is_empty() {
            return;
        }
        if let Some(Chunk::Stderr(last)) = self.out.last_mut() {
            last.push_str(s);
        } else {
            self.out.push(Chunk::Stderr(s.to_string()));
        }
    }

    pub fn eprintln(&mut self, s: impl AsRef<str>) {
        self.eprint(format!("{}\n", s.as_ref()));
    }

    /// Writes binary data to stdout (see [`Chunk::Bytes`]).
    pub fn write_bytes(&mut self, b: &[u8]) {
        if b.is_empty() {
            return;
        }
        if let Some(Chunk::Bytes(last)) = self.out.last_mut() {
            last.extend_from_slice(b);
        } else {
            self.out.push(Chunk::Bytes(b.to_vec()));
        }
    }

    pub fn explain(&mut self, en: impl Into<String>, pt: impl Into<String>) {
        self.explain_text(Text::new(en, pt));
    }

    /// A teaching note already made elsewhere (both languages travel together).
    pub fn explain_text(&mut self, note: Text) {
        self.out.push(Chunk::Explain(note));
    }

    /// Resolves a path argument against the working directory.
    pub fn path(&self, p: &str) -> String {
        crate::vfs::normalize(&self.cwd, p)
    }

    /// All that went to stdout, concatenated (for pipes and command substitution).
    pub fn stdout_text(&self) -> String {
        self.out
            .iter()
            .filter_map(|c| match c {
                Chunk::Stdout(s) => Some(std::borrow::Cow::Borrowed(s.as_str())),
                Chunk::Bytes(b) => Some(String::from_utf8_lossy(b)),
                _ => None,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cbor<T: Serialize>(v: &T) -> Vec<u8> {
        let mut b = Vec::new();
        ciborium::into_writer(v, &mut b).unwrap();
        b
    }

    /// A saved session holds chunks (a hanging job's output): `Explain` was a struct variant
    /// `{en, pt}` before it held a [`Text`]; both write the same CBOR, so old saves still load.
    #[test]
    fn explain_keeps_its_saved_shape() {
        #[derive(Serialize)]
        enum Old {
            Stdout(String),
            Explain { en: String, pt: String },
        }
        let old = cbor(&Old::Explain { en: "why".into(), pt: "por quê".into() });
        assert_eq!(old, cbor(&Chunk::Explain(Text::new("why", "por quê"))));
        assert_eq!(crate::cbor::from_slice::<Chunk>(&old), Ok(Chunk::Explain(Text::new("why", "por quê"))));
        let list = cbor(&vec![Old::Stdout("out\n".into()), Old::Explain { en: "e".into(), pt: "p".into() }]);
        assert_eq!(crate::cbor::from_slice::<Vec<Chunk>>(&list), Ok(vec![Chunk::Stdout("out\n".into()), Chunk::Explain(Text::new("e", "p"))]));
    }
}
