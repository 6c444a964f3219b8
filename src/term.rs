//! The terminal's line-editing logic, apart from any browser code: the scrollback (capped so
//! long output stays fast), Ctrl+R reverse search over history, multi-line paste, and applying
//! Tab completion candidates (from `Session::complete`) to the line. The page (`web`) only wires keys and renders what these return.

use crate::i18n::Text;
use crate::process::Chunk;
use std::collections::VecDeque;

/// The scrollback keeps at most this many lines; older ones are dropped (like a terminal's
/// scrollback limit) and counted.
pub const MAX_LINES: usize = 10_000;
/// The page draws only the last this-many lines, so a 10k-line output does not freeze it.
pub const RENDER_LINES: usize = 1_000;

/// One line of scrollback.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineKind {
    /// A typed command after its prompt.
    Prompt(String, String),
    Out(String),
    Err(String),
    /// A teaching note, in both languages; the page shows the current one.
    Explain(Text),
    /// A message from the page itself (upload done, storage problem), in both languages.
    Note(Text),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// Unique and increasing: the page keys rendered lines by it.
    pub id: u64,
    pub kind: LineKind,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scrollback {
    pub lines: VecDeque<Line>,
    next_id: u64,
    /// Lines dropped off the top since the last clear.
    pub dropped: usize,
}

impl Scrollback {
    pub fn push(&mut self, kind: LineKind) {
        self.lines.push_back(Line { id: self.next_id, kind });
        self.next_id += 1;
        while self.lines.len() > MAX_LINES {
            self.lines.pop_front();
            self.dropped += 1;
        }
    }

    /// Appends a command's output, one scrollback line per output line.
    pub fn push_chunks(&mut self, chunks: &[Chunk]) {
        for c in chunks {
            match c {
                Chunk::Stdout(s) => s.strip_suffix('\n').unwrap_or(s).split('\n').for_each(|l| self.push(LineKind::Out(l.to_string()))),
                Chunk::Stderr(s) => s.strip_suffix('\n').unwrap_or(s).split('\n').for_each(|l| self.push(LineKind::Err(l.to_string()))),
                Chunk::Explain(t) => self.push(LineKind::Explain(t.clone())),
                Chunk::Bytes(b) => {
                    let s = String::from_utf8_lossy(b);
                    s.strip_suffix('\n').unwrap_or(&s).split('\n').for_each(|l| self.push(LineKind::Out(l.to_string())))
                }
            }
        }
    }

    /// The id the next line gets.
    pub fn next_id(&self) -> u64 {
        self.next_id
    }

    pub fn clear(&mut self) {
        self.lines.clear();
        self.dropped = 0;
    }

    /// The lines the page draws, and how many kept lines are above them (not drawn).
    pub fn visible(&self) -> (impl Iterator<Item = &Line>, usize) {
        let hidden = self.lines.len().saturating_sub(RENDER_LINES);
        (self.lines.iter().skip(hidden), hidden + self.dropped)
    }

    /// The drawn lines as id ranges `[lo, hi)` cut at multiples of [`BLOCK`]: a block whose
    /// range did not change draws the same, so the page redraws only the last block or two.
    pub fn blocks(&self) -> Vec<(u64, u64)> {
        let Some(last) = self.lines.back() else { return Vec::new() };
        let end = last.id + 1;
        let start = self.lines[self.lines.len().saturating_sub(RENDER_LINES)].id;
        let mut out = Vec::new();
        let mut lo = start;
        while lo < end {
            let hi = ((lo / BLOCK + 1) * BLOCK).min(end);
            out.push((lo, hi));
            lo = hi;
        }
        out
    }

    /// The kept lines whose ids are in `[lo, hi)` (ids are consecutive).
    pub fn range(&self, lo: u64, hi: u64) -> impl Iterator<Item = &Line> {
        let first = self.lines.front().map(|l| l.id).unwrap_or(0);
        let a = lo.saturating_sub(first) as usize;
        let b = (hi.saturating_sub(first) as usize).min(self.lines.len());
        self.lines.range(a.min(b)..b)
    }
}

/// Lines per drawn block (see [`Scrollback::blocks`]).
pub const BLOCK: u64 = 100;

/// Ctrl+R: the newest history entry before index `before` (all of history when `None`) that
/// contains `query`. An empty query matches nothing, as in bash.
pub fn reverse_search(history: &[String], query: &str, before: Option<usize>) -> Option<usize> {
    if query.is_empty() {
        return None;
    }
    let end = before.unwrap_or(history.len()).min(history.len());
    history[..end].iter().rposition(|h| h.contains(query))
}

/// A paste into the input line holding `value` with the caret at byte `cursor`: the complete
/// lines to run now (in order), and what stays in the input (text after the last newline),
/// as a terminal does with a multi-line paste. `None` when the paste has no newline.
pub fn split_paste(value: &str, cursor: usize, pasted: &str) -> Option<(Vec<String>, String)> {
    let pasted = pasted.replace("\r\n", "\n").replace('\r', "\n");
    if !pasted.contains('\n') {
        return None;
    }
    let cursor = floor_char_boundary(value, cursor);
    let text = format!("{}{}{}", &value[..cursor], pasted, &value[cursor..]);
    let mut lines: Vec<String> = text.split('\n').map(str::to_string).collect();
    let rest = lines.pop().unwrap_or_default();
    Some((lines, rest))
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// What Tab does to the input: the new text and caret, and the choices to list when the
/// word cannot be extended (more than one candidate).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    pub line: String,
    pub cursor: usize,
    pub choices: Vec<String>,
}

/// The word under the caret: its start byte.
fn word_start(line: &str, cursor: usize) -> usize {
    line[..cursor].rfind([' ', '\t', '=', '|', ';', '&']).map(|i| i + 1).unwrap_or(0)
}

/// Applies candidates (each a full replacement of the word before the caret) to the line.
/// One candidate completes it (with a space after, or nothing after a directory's `/`); several
/// extend it to their longest common prefix, or are listed when there is nothing to add.
pub fn apply_completion(line: &str, cursor: usize, candidates: &[String]) -> Completion {
    let cursor = floor_char_boundary(line, cursor);
    let start = word_start(line, cursor);
    let word = &line[start..cursor];
    let unchanged = Completion { line: line.to_string(), cursor, choices: Vec::new() };
    let fill = match candidates {
        [] => return unchanged,
        [one] => {
            if one.ends_with('/') || one.ends_with('=') {
                one.clone()
            } else {
                format!("{one} ")
            }
        }
        many => {
            let prefix = common_prefix(many);
            if prefix.len() <= word.len() {
                let mut choices = many.to_vec();
                crate::sort::sort(&mut choices);
                choices.dedup();
                return Completion { choices, ..unchanged };
            }
            prefix
        }
    };
    let new_line = format!("{}{}{}", &line[..start], fill, &line[cursor..]);
    Completion { cursor: start + fill.len(), line: new_line, choices: Vec::new() }
}

fn common_prefix(words: &[String]) -> String {
    let first = &words[0];
    let mut n = first.len();
    for w in &words[1..] {
        n = n.min(first.bytes().zip(w.bytes()).take_while(|(a, b)| a == b).count());
    }
    first[..floor_char_boundary(first, n)].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrollback_caps_and_counts_dropped_lines() {
        let mut sb = Scrollback::default();
        let big: String = (1..=12_000).map(|i| format!("{i}\n")).collect();
        sb.push_chunks(&[Chunk::Stdout(big)]);
        assert_eq!(sb.lines.len(), MAX_LINES);
        assert_eq!(sb.dropped, 2_000);
        let (vis, hidden) = sb.visible();
        let vis: Vec<_> = vis.collect();
        assert_eq!(vis.len(), RENDER_LINES);
        assert_eq!(hidden, 11_000);
        assert_eq!(vis.last().unwrap().kind, LineKind::Out("12000".into()));
        // ids stay unique and increasing
        assert!(vis.windows(2).all(|w| w[0].id < w[1].id));
        // Blocks cover exactly the drawn lines, cut at multiples of BLOCK.
        let blocks = sb.blocks();
        let ids: Vec<u64> = blocks.iter().flat_map(|&(lo, hi)| sb.range(lo, hi).map(|l| l.id)).collect();
        let vis_ids: Vec<u64> = sb.visible().0.map(|l| l.id).collect();
        assert_eq!(ids, vis_ids);
        assert!(blocks.iter().all(|&(lo, hi)| hi > lo && (lo / BLOCK == (hi - 1) / BLOCK)));
        assert_eq!(blocks.len(), 10);
        sb.clear();
        assert_eq!(sb.visible().1, 0);
        assert!(sb.blocks().is_empty());
        sb.push(LineKind::Out("x".into()));
        assert_eq!(sb.blocks().len(), 1);
        assert_eq!(sb.range(0, u64::MAX).count(), 1);
    }

    #[test]
    fn output_lines_split_on_newlines_and_keep_empty_lines() {
        let mut sb = Scrollback::default();
        sb.push_chunks(&[Chunk::Stdout("a\n\nb\n".into()), Chunk::Stderr("oops\n".into())]);
        let kinds: Vec<_> = sb.lines.iter().map(|l| l.kind.clone()).collect();
        assert_eq!(kinds, vec![LineKind::Out("a".into()), LineKind::Out("".into()), LineKind::Out("b".into()), LineKind::Err("oops".into())]);
    }

    #[test]
    fn reverse_search_finds_newest_first_then_older() {
        let h: Vec<String> = ["etcdctl put a 1", "echo hi", "etcdctl get a", "ls"].iter().map(|s| s.to_string()).collect();
        assert_eq!(reverse_search(&h, "etcdctl", None), Some(2));
        assert_eq!(reverse_search(&h, "etcdctl", Some(2)), Some(0));
        assert_eq!(reverse_search(&h, "etcdctl", Some(0)), None);
        assert_eq!(reverse_search(&h, "", None), None);
        assert_eq!(reverse_search(&h, "nothing", None), None);
        assert_eq!(reverse_search(&h, "ls", Some(99)), Some(3));
    }

    #[test]
    fn paste_runs_complete_lines_and_keeps_the_tail() {
        assert_eq!(split_paste("ab", 2, "c"), None);
        let (run, rest) = split_paste("echo ", 5, "one\r\necho two\necho thr").unwrap();
        assert_eq!(run, vec!["echo one", "echo two"]);
        assert_eq!(rest, "echo thr");
        let (run, rest) = split_paste("", 0, "a\nb\n").unwrap();
        assert_eq!((run, rest), (vec!["a".to_string(), "b".to_string()], String::new()));
        // A caret inside a multi-byte character does not panic.
        assert!(split_paste("ção", 1, "x\ny").is_some());
    }

    #[test]
    fn completion_of_commands_subcommands_and_paths() {
        let s = crate::shell::Session::new("kubeadm").unwrap();
        let complete = |s: &crate::shell::Session, line: &str, cur: usize| s.complete(line, cur);
        assert_eq!(complete(&s, "etcd", 4), vec!["etcdctl"]);
        let c = apply_completion("etcd", 4, &complete(&s, "etcd", 4));
        assert_eq!((c.line.as_str(), c.cursor), ("etcdctl ", 8));
        assert_eq!(complete(&s, "etcdctl sn", 10), vec!["snapshot"]);
        let line = "cat /etc/kubernetes/pki/etcd/ca";
        let cands = complete(&s, line, line.len());
        assert_eq!(cands, vec!["/etc/kubernetes/pki/etcd/ca.crt", "/etc/kubernetes/pki/etcd/ca.key"]);
        let c = apply_completion(line, line.len(), &cands);
        assert_eq!(c.line, "cat /etc/kubernetes/pki/etcd/ca.");
        // Nothing more to add: the choices are listed, the line is unchanged.
        let c2 = apply_completion(&c.line, c.line.len(), &complete(&s, &c.line, c.line.len()));
        assert_eq!(c2.line, c.line);
        assert_eq!(c2.choices.len(), 2);
        // A directory completes with its slash and no space.
        let c = apply_completion("cd /et", 6, &complete(&s, "cd /et", 6));
        assert_eq!(c.line, "cd /etc/");
        // Text after the caret is kept.
        let c = apply_completion("etc get", 3, &complete(&s, "etc get", 3));
        assert_eq!(c.line, "etcdctl  get");
        assert!(complete(&s, "zzz", 3).is_empty());
    }
}
