//! Tab completion: what the word under the cursor can become. Commands in the first word,
//! then for `etcdctl` its subcommands and flags (from the real help texts), keys for
//! `get/put/del/watch`, and paths in the virtual filesystem everywhere else.
//!
//! ```
//! use etcd_playground::shell::Session;
//! let mut s = Session::new("plain").unwrap();
//! s.execute("etcdctl put k1 v1");
//! assert_eq!(s.complete("etcdctl me", 10), vec!["member"]);
//! assert_eq!(s.complete("etcdctl member l", 16), vec!["list"]);
//! assert!(s.complete("etcdctl get --pre", 17).contains(&"--prefix".to_string()));
//! assert_eq!(s.complete("etcdctl get k", 13), vec!["k1"]);
//! assert_eq!(s.complete("ls /us", 6), vec!["/usr/"]);
//! assert_eq!(s.complete("for i in 1 2; do etcdctl me", 27), vec!["member"]);
//! assert_eq!(s.complete("whi", 3), vec!["which", "while"]);
//! s.execute("alias kgp='kubectl get pods'");
//! assert_eq!(s.complete("kg", 2), vec!["kgp"]);
//! assert_eq!(s.complete("una", 3), vec!["unalias"]);
//! ```

use super::Session;
use crate::etcdctl::{flags, help};

/// The shell's own first words (builtins and keywords); the programs come from the program
/// table (`commands::first_words`).
const SHELL_WORDS: &[&str] = &[
    "cd", "pwd", "echo", "env", "export", "history", "clear", "unset", "printenv", "true", "false", "test", "read", "exit", "break", "continue", "for", "while", "until", "if", "alias", "unalias", "type", "source",
];

impl Session {
    /// Candidates for the word that ends at `cursor` (a byte offset into `line`; clamped).
    /// Each candidate is the whole word; a directory ends in `/`. Sorted, without duplicates.
    pub fn complete(&self, line: &str, cursor: usize) -> Vec<String> {
        let mut cur = cursor.min(line.len());
        while !line.is_char_boundary(cur) {
            cur -= 1;
        }
        let before = &line[..cur];
        // The current simple command: after the last `|`, `;`, `&&`, `||`.
        let seg_start = before.rfind(['|', ';', '&']).map(|i| i + 1).unwrap_or(0);
        let seg = &before[seg_start..];
        let words: Vec<&str> = seg.split_whitespace().collect();
        let ends_with_space = seg.ends_with(' ') || seg.is_empty();
        let (done, word): (Vec<&str>, &str) = if ends_with_space { (words.clone(), "") } else { (words[..words.len().saturating_sub(1)].to_vec(), words.last().copied().unwrap_or("")) };
        // Skip the words that put a command after them (`do`, `then`, `if`, ...), then leading
        // VAR=value assignments.
        let done: Vec<&str> = done.into_iter().skip_while(|w| matches!(*w, "do" | "then" | "else" | "elif" | "{" | "!" | "while" | "until" | "if")).collect();
        let done: Vec<&str> = done.into_iter().skip_while(|w| w.contains('=') && !w.starts_with('-')).collect();
        let mut out: Vec<String> = if done.is_empty() {
            if word.contains('/') {
                self.paths(word, false)
            } else {
                SHELL_WORDS.iter().copied().chain(crate::commands::first_words()).map(String::from).chain(self.aliases.keys().cloned()).filter(|c| c.starts_with(word)).collect()
            }
        } else if done[0].rsplit('/').next() == Some("etcdctl") {
            self.complete_etcdctl(&done[1..], word)
        } else {
            self.paths(word, done[0] == "cd")
        };
        crate::sort::sort(&mut out);
        out.dedup();
        out
    }

    fn complete_etcdctl(&self, done: &[&str], word: &str) -> Vec<String> {
        let args: Vec<String> = done.iter().map(|s| s.to_string()).collect();
        let words = flags::strip_flags(&args, &flags::specs_for(""));
        let mut path = String::new();
        for (_, w) in &words {
            if help::children(&path).contains(&w.as_str()) {
                path = if path.is_empty() { w.clone() } else { format!("{path} {w}") };
            } else {
                break;
            }
        }
        if word.starts_with('-') {
            return flags::specs_for(&path).iter().map(|s| format!("--{}", s.long)).filter(|f| f.starts_with(word)).collect();
        }
        let children = help::children(&path);
        if !children.is_empty() {
            return children.iter().filter(|c| c.starts_with(word)).map(|c| c.to_string()).collect();
        }
        if matches!(path.as_str(), "get" | "put" | "del" | "watch") {
            let store = &self.world.etcd.store;
            return store.index.iter().filter(|(_, ki)| ki.is_live()).map(|(k, _)| String::from_utf8_lossy(k).into_owned()).filter(|k| k.starts_with(word)).take(200).collect();
        }
        self.paths(word, false)
    }

    /// Paths under the word's directory that start with its last part.
    fn paths(&self, word: &str, dirs_only: bool) -> Vec<String> {
        let (dir_part, base) = match word.rfind('/') {
            Some(i) => (&word[..=i], &word[i + 1..]),
            None => ("", word),
        };
        let dir = crate::vfs::normalize(&self.cwd, if dir_part.is_empty() { "." } else { dir_part });
        let Ok(names) = self.world.vfs.list(&dir) else { return Vec::new() };
        names
            .into_iter()
            .filter(|n| n.starts_with(base) && (!n.starts_with('.') || base.starts_with('.')))
            .filter_map(|n| {
                let full = crate::vfs::normalize(&dir, &n);
                let is_dir = self.world.vfs.is_dir(&full);
                if dirs_only && !is_dir {
                    return None;
                }
                Some(format!("{dir_part}{n}{}", if is_dir { "/" } else { "" }))
            })
            .collect()
    }
}
