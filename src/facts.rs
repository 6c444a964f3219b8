//! What was executed: a short log of structured facts written by the programs themselves.
//!
//! Lesson checks must tie a step to work really done, not to text on the screen (an `echo` of a
//! status table prints the same characters). So each tool program (etcdctl, etcdutl, kubectl,
//! kubeadm, crictl, openssl, curl, tar, a downloaded release binary) that the shell runs leaves
//! a [`Ran`] record: its name, exit status, the output it printed itself, and *notes* the
//! program adds about what it did — `op = get`, `key = color`, `rev = 2`, `value = red`;
//! `op = snapshot status` with the hash, revision and key count it computed from the file;
//! `events = 2` for a watch that delivered two events. `kubectl exec` marks the etcdctl it
//! runs inside a pod with `pod`. Text tools (`echo`, `printf`, `cat`, ...) leave nothing.
//!
//! Records belong to the top-level command line that started them ([`FactLog::command`] counts
//! lines); a watch that delivers events later (a background job) moves its record to the line
//! during which the events arrived. Checks look at the records of the last line only.
//!
//! The log is an observer's note, not the machine's state: it is bounded ([`KEEP`] records,
//! [`MAX_OUTPUT`] bytes of output each) and two logs always compare equal, so a `World`
//! before and after a command that changed nothing is still "unchanged".

use serde::{Deserialize, Serialize};

/// Records kept (the oldest go first).
pub const KEEP: usize = 16;
/// Bytes of a program's own output kept in its record.
pub const MAX_OUTPUT: usize = 16 * 1024;

/// One program run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Ran {
    /// The program's base name (`etcdctl`, `kubectl`, ...).
    pub program: String,
    /// The top-level command line (see [`FactLog::command`]) it belongs to.
    pub command: u64,
    /// Its exit status (`None` while it runs).
    pub exit: Option<i32>,
    /// What it printed itself (stdout and stderr, explanations left out), bounded.
    pub output: String,
    /// `namespace/name` of the pod it ran in (`kubectl exec`), None on the node.
    pub pod: Option<String>,
    /// What the program says it did, in order (a key may repeat: the last one counts).
    pub notes: Vec<(String, String)>,
}

impl Ran {
    pub fn note(&self, key: &str) -> Option<&str> {
        self.notes.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }
}

/// The log (see the module docs).
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct FactLog {
    /// Top-level command lines run so far in this session.
    pub command: u64,
    /// Finished and running records, oldest first.
    pub ran: Vec<Ran>,
    /// Indices into `ran` of the records still open (innermost last).
    #[serde(default)]
    open: Vec<usize>,
}

/// Always equal: the log is not part of the simulated machine's state (see the module docs).
impl PartialEq for FactLog {
    fn eq(&self, _: &FactLog) -> bool {
        true
    }
}
impl Eq for FactLog {}

impl FactLog {
    /// A new top-level command line starts.
    pub fn next_command(&mut self) {
        self.command += 1;
        self.open.clear();
    }

    /// A program starts: opens its record. Returns a token for [`FactLog::finish`].
    pub fn start(&mut self, program: &str, pod: Option<String>) -> usize {
        if self.ran.len() >= KEEP && self.open.is_empty() {
            let drop = self.ran.len() + 1 - KEEP;
            self.ran.drain(..drop);
        }
        self.ran.push(Ran { program: program.to_string(), command: self.command, exit: None, output: String::new(), pod, notes: Vec::new() });
        let i = self.ran.len() - 1;
        self.open.push(i);
        i
    }

    /// The program ended with `exit`, having printed `output`.
    pub fn finish(&mut self, token: usize, exit: i32, output: &str) {
        self.open.retain(|&i| i != token);
        if let Some(r) = self.ran.get_mut(token) {
            r.exit = Some(exit);
            push_bounded(&mut r.output, output);
        }
    }

    /// A note about what the running program does (ignored when no program is open).
    pub fn note(&mut self, key: &str, value: impl ToString) {
        if let Some(r) = self.open.last().and_then(|&i| self.ran.get_mut(i)) {
            r.notes.push((key.to_string(), value.to_string()));
        }
    }

    /// The most recent record of `program` whose note `op` is `op`: a job (a watch) reports
    /// what it delivered later, after its program returned. The record moves to the current
    /// command line: what the last line saw includes those events.
    pub fn later(&mut self, program: &str, op: &str, key: &str, add: u64, output: &str) {
        let now = self.command;
        if let Some(r) = self.ran.iter_mut().rev().find(|r| r.program == program && r.note("op") == Some(op)) {
            let n = r.note(key).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0) + add;
            r.notes.push((key.to_string(), n.to_string()));
            push_bounded(&mut r.output, output);
            r.command = now;
        }
    }

    /// The records of the last command line.
    pub fn last_command(&self) -> impl Iterator<Item = &Ran> {
        let now = self.command;
        self.ran.iter().filter(move |r| r.command == now)
    }
}

fn push_bounded(s: &mut String, more: &str) {
    let room = MAX_OUTPUT.saturating_sub(s.len());
    if room == 0 {
        return;
    }
    let mut end = more.len().min(room);
    while !more.is_char_boundary(end) {
        end -= 1;
    }
    s.push_str(&more[..end]);
}

/// The text of an output chunk as a terminal shows it (explanations are not output).
pub fn chunk_text(c: &crate::process::Chunk) -> String {
    use crate::process::Chunk;
    match c {
        Chunk::Stdout(s) | Chunk::Stderr(s) => s.clone(),
        Chunk::Bytes(b) => String::from_utf8_lossy(b).into_owned(),
        Chunk::Explain(_) => String::new(),
    }
}


#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_nest_and_belong_to_their_line() {
        let mut f = FactLog::default();
        f.next_command();
        let a = f.start("kubectl", None);
        f.note("op", "exec");
        let b = f.start("etcdctl", Some("kube-system/etcd".into()));
        f.note("op", "put");
        f.finish(b, 0, "OK\n");
        f.finish(a, 0, "");
        assert_eq!(f.ran[1].note("op"), Some("put"));
        assert_eq!(f.ran[0].note("op"), Some("exec"));
        assert_eq!(f.last_command().count(), 2);
        f.next_command();
        assert_eq!(f.last_command().count(), 0);
        f.note("op", "nothing open");
        assert!(f.ran.iter().all(|r| r.note("op") != Some("nothing open")));
        for _ in 0..40 {
            let t = f.start("etcdctl", None);
            f.finish(t, 0, &"x".repeat(MAX_OUTPUT + 5));
        }
        assert_eq!(f.ran.len(), KEEP);
        assert!(f.ran.iter().all(|r| r.output.len() <= MAX_OUTPUT));
    }

    #[test]
    fn later_events_move_the_watch_to_the_current_line() {
        let mut f = FactLog::default();
        f.next_command();
        let w = f.start("etcdctl", None);
        f.note("op", "watch");
        f.note("events", 0);
        f.finish(w, 0, "");
        f.next_command();
        f.later("etcdctl", "watch", "events", 2, "PUT\nk\nv\n");
        let r: Vec<&Ran> = f.last_command().collect();
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].note("events"), Some("2"));
    }
}
