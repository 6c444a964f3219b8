//! What the page's inspector and files panel show, computed from the state without any browser
//! code: the keyspace as rows and as a `/registry`-style tree, one key's history as timeline
//! events (with the drawing's geometry), and the virtual filesystem as a tree.

use crate::engine::Store;
use crate::vfs::{Node, Vfs};
use crate::sorted_map::SortedSet;

/// One live key as `etcdctl get -w json` would describe it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyRow {
    pub key: Vec<u8>,
    pub value: Vec<u8>,
    pub create_revision: i64,
    pub mod_revision: i64,
    pub version: i64,
    pub lease: i64,
}

/// Bytes as text for display: UTF-8 where valid, `\xNN` for the rest.
pub fn show_bytes(b: &[u8]) -> String {
    let mut out = String::new();
    for chunk in b.utf8_chunks() {
        out.push_str(chunk.valid());
        for x in chunk.invalid() {
            out.push_str(&format!("\\x{x:02x}"));
        }
    }
    out
}

/// A row of the keyspace tree: a directory (a key prefix ending in `/`, with how many live keys
/// are under it) or a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TreeRow {
    Dir { depth: usize, label: String, prefix: String, keys: usize, open: bool },
    Key { depth: usize, label: String, row: KeyRow },
}

/// The keyspace at the current revision whose keys start with `prefix`, as a tree: a key
/// starting with `/` is split on `/` into directories; a directory shows its children only when
/// its prefix is in `open`. At most `limit` key rows are produced; the second value counts all
/// matching live keys.
pub fn key_tree(store: &Store, prefix: &str, open: &SortedSet<String>, limit: usize) -> (Vec<TreeRow>, usize) {
    let mut rows: Vec<TreeRow> = Vec::new();
    // The directory rows on the path of the last key: (prefix bytes, index in rows).
    let mut stack: Vec<(Vec<u8>, usize)> = Vec::new();
    let mut total = 0;
    let mut shown = 0;
    let start = prefix.as_bytes();
    // Work on bytes and allocate only for rows that are drawn: with 10k keys this runs after
    // every command.
    for (key, ki) in store.index.range(start.to_vec()..).take_while(|(k, _)| k.starts_with(start)) {
        if !ki.is_live() {
            continue;
        }
        total += 1;
        // Leave directories this key is not under.
        while stack.last().is_some_and(|(p, _)| !key.starts_with(p)) {
            stack.pop();
        }
        // Directory prefixes of this key: "/a/", "/a/b/", ... (none without a leading /).
        let mut hidden = false;
        if key.first() == Some(&b'/') {
            for (i, _) in key.iter().enumerate().skip(1).filter(|(_, b)| **b == b'/') {
                let d = &key[..=i];
                if let Some((_, idx)) = stack.iter().find(|(p, _)| p.as_slice() == d) {
                    if let TreeRow::Dir { keys, open, .. } = &mut rows[*idx] {
                        *keys += 1;
                        if !*open {
                            hidden = true;
                            break;
                        }
                    }
                    continue;
                }
                if shown >= limit {
                    hidden = true;
                    break;
                }
                let parent_len = stack.last().map(|(p, _)| p.len()).unwrap_or(0);
                let text = show_bytes(d);
                let is_open = open.contains(&text);
                rows.push(TreeRow::Dir { depth: stack.len(), label: show_bytes(&d[parent_len..]), prefix: text, keys: 1, open: is_open });
                stack.push((d.to_vec(), rows.len() - 1));
                if !is_open {
                    hidden = true;
                    break;
                }
            }
        }
        if hidden || shown >= limit {
            continue;
        }
        let Some(entry) = store.backend.get(&ki.modified) else { continue };
        shown += 1;
        let parent_len = stack.last().map(|(p, _)| p.len()).unwrap_or(0);
        let kv = &entry.kv;
        rows.push(TreeRow::Key {
            depth: stack.len(),
            label: show_bytes(&key[parent_len..]),
            row: KeyRow { key: key.clone(), value: kv.value.clone(), create_revision: kv.create_revision, mod_revision: kv.mod_revision, version: kv.version, lease: kv.lease },
        });
    }
    (rows, total)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    Put,
    Delete,
}

/// One revision that changed a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub main: i64,
    pub sub: i64,
    pub kind: EventKind,
    /// Which generation (life between creation and deletion) it belongs to, from 0.
    pub generation: usize,
    /// The key's version after this write (0 for a delete).
    pub version: i64,
    pub value: Vec<u8>,
    /// At or below the compaction revision: a reader can no longer ask for it.
    pub compacted: bool,
}

impl Event {
    /// The event in words, for the timeline's tooltip and screen readers: "revision 283:
    /// put (version 1), value red" — no "283.0" (the sub-revision is named only when the
    /// write was not the first of its transaction).
    pub fn describe(&self, lang: crate::i18n::Lang) -> String {
        use crate::i18n::Lang;
        let mut out = match lang {
            Lang::En => format!("revision {}", self.main),
            Lang::Pt => format!("revisão {}", self.main),
        };
        if self.sub > 0 {
            out.push_str(&match lang {
                Lang::En => format!(" (write {} of its transaction)", self.sub + 1),
                Lang::Pt => format!(" (escrita {} da transação)", self.sub + 1),
            });
        }
        out.push_str(&match (self.kind, lang) {
            (EventKind::Put, Lang::En) => format!(": put (version {}), value {}", self.version, show_bytes(&self.value)),
            (EventKind::Put, Lang::Pt) => format!(": put (versão {}), valor {}", self.version, show_bytes(&self.value)),
            (EventKind::Delete, Lang::En) => ": deleted (etcd keeps a tombstone: a marker that the key was deleted here)".to_string(),
            (EventKind::Delete, Lang::Pt) => ": apagada (o etcd guarda uma lápide, o tombstone: a marca de que a chave foi apagada aqui)".to_string(),
        });
        if self.compacted {
            out.push_str(lang.pick(" — compacted: no longer readable", " — compactada: não dá mais para ler"));
        }
        out
    }
}

/// A key's history as the store still knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyHistory {
    pub events: Vec<Event>,
    pub current_revision: i64,
    pub compact_revision: i64,
    /// True when the key does not exist now (its last write was a delete, or nothing is left).
    pub deleted: bool,
}

pub fn key_history(store: &Store, key: &[u8]) -> Option<KeyHistory> {
    let ki = store.index.get(key)?;
    let mut events = Vec::new();
    for (g, gen) in ki.generations.iter().enumerate() {
        let closed = g + 1 < ki.generations.len();
        for (i, rev) in gen.revs.iter().enumerate() {
            let is_tomb = closed && i + 1 == gen.revs.len();
            let entry = store.backend.get(rev);
            let tomb = is_tomb || entry.is_some_and(|e| e.tombstone);
            events.push(Event {
                main: rev.main,
                sub: rev.sub,
                kind: if tomb { EventKind::Delete } else { EventKind::Put },
                generation: g,
                version: if tomb { 0 } else { entry.map(|e| e.kv.version).unwrap_or(0) },
                value: if tomb { Vec::new() } else { entry.map(|e| e.kv.value.clone()).unwrap_or_default() },
                compacted: rev.main <= store.compact_revision(),
            });
        }
    }
    Some(KeyHistory { events, current_revision: store.current_revision(), compact_revision: store.compact_revision(), deleted: !ki.is_live() })
}

/// Geometry of the timeline drawing (SVG user units), computed here so it is tested natively.
#[derive(Debug, Clone, PartialEq)]
pub struct TimelineLayout {
    pub width: i32,
    pub height: i32,
    pub axis_y: i32,
    /// (x, event) for each drawn event, oldest first; events are spaced evenly.
    pub marks: Vec<(i32, Event)>,
    /// Events too old to draw (only the newest `max_marks` are).
    pub hidden: usize,
    /// Generation bars: (x from, x to, generation, still open).
    pub generations: Vec<(i32, i32, usize, bool)>,
    /// The greyed compacted band ends here (None: nothing drawn is compacted).
    pub compacted_until_x: Option<i32>,
    /// Where the "current revision" marker stands (right of the newest event).
    pub current_x: i32,
}

pub fn timeline_layout(h: &KeyHistory, max_marks: usize) -> TimelineLayout {
    // Integer user units: formatting floats would pull float printing into the wasm.
    const STEP: i32 = 56;
    const LEFT: i32 = 24;
    let hidden = h.events.len().saturating_sub(max_marks);
    let shown = &h.events[hidden..];
    let marks: Vec<(i32, Event)> = shown.iter().enumerate().map(|(i, e)| (LEFT + STEP * i as i32, e.clone())).collect();
    let current_x = LEFT + STEP * shown.len() as i32;
    let mut generations: Vec<(i32, i32, usize, bool)> = Vec::new();
    for (x, e) in &marks {
        match generations.last_mut() {
            Some(g) if g.2 == e.generation => g.1 = *x,
            _ => generations.push((*x, *x, e.generation, true)),
        }
    }
    // A generation is closed when it ends with a delete; the last one may still be open.
    for g in generations.iter_mut() {
        let last = marks.iter().rev().find(|(_, e)| e.generation == g.2).map(|(_, e)| e.kind);
        g.3 = last != Some(EventKind::Delete);
        if g.3 {
            g.1 = current_x;
        }
    }
    let compacted_until_x = marks.iter().rev().find(|(_, e)| e.compacted).map(|(x, _)| x + STEP / 2);
    TimelineLayout { width: current_x + 90, height: 96, axis_y: 48, marks, hidden, generations, compacted_until_x, current_x }
}

/// One row of the files tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileRow {
    pub path: String,
    pub name: String,
    pub depth: usize,
    pub is_dir: bool,
    pub size: usize,
    pub open: bool,
}

/// The filesystem as an indented list; a directory's children appear only when it is open
/// (`closed` lists directories the learner folded).
pub fn file_tree(vfs: &Vfs, closed: &SortedSet<String>) -> Vec<FileRow> {
    let mut rows = Vec::new();
    let mut skip: Option<String> = None;
    // Sorted by path components so a directory's children come right after it ("/etc/x"
    // before "/etc-old"), which plain string order does not give.
    let mut paths: Vec<(&String, &Node)> = vfs.paths().collect();
    crate::sort::sort_by(&mut paths, |a, b| a.0.split('/').cmp(b.0.split('/')));
    for (path, node) in paths {
        if path == "/" {
            continue;
        }
        if let Some(s) = &skip {
            if path.starts_with(s.as_str()) {
                continue;
            }
            skip = None;
        }
        let depth = path.matches('/').count() - 1;
        let name = path.rsplit('/').next().unwrap_or(path).to_string();
        let (is_dir, size) = match node {
            Node::Dir => (true, 0),
            Node::File { data, .. } => (false, data.len()),
            // Made up when read (a database from the engine): not worth building per render.
            Node::Live(_) => (false, 0),
        };
        let open = is_dir && !closed.contains(path);
        if is_dir && !open {
            skip = Some(format!("{path}/"));
        }
        rows.push(FileRow { path: path.clone(), name, depth, is_dir, size, open });
    }
    rows
}

/// Whether a file's bytes can be shown and edited as text.
pub fn is_text(data: &[u8]) -> bool {
    std::str::from_utf8(data).is_ok() && !data.contains(&0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_are_described_in_words_in_both_languages() {
        use crate::i18n::Lang;
        let put = Event { main: 283, sub: 0, kind: EventKind::Put, generation: 0, version: 1, value: b"red".to_vec(), compacted: false };
        assert_eq!(put.describe(Lang::En), "revision 283: put (version 1), value red");
        assert_eq!(put.describe(Lang::Pt), "revisão 283: put (versão 1), valor red");
        let del = Event { main: 290, sub: 1, kind: EventKind::Delete, generation: 0, version: 0, value: vec![], compacted: true };
        let en = del.describe(Lang::En);
        assert!(en.starts_with("revision 290 (write 2 of its transaction): deleted") && en.ends_with("compacted: no longer readable"), "{en}");
        let pt = del.describe(Lang::Pt);
        assert!(pt.starts_with("revisão 290 (escrita 2 da transação): apagada") && !pt.contains("delete"), "{pt}");
    }
    use crate::engine::{DeleteRangeRequest, PutRequest};

    fn put(s: &mut Store, k: &str, v: &str) {
        s.put(PutRequest { key: k.into(), value: v.into(), ..Default::default() }).unwrap();
    }
    fn del(s: &mut Store, k: &str) {
        s.delete_range(DeleteRangeRequest { key: k.into(), ..Default::default() }).unwrap();
    }

    fn labels(rows: &[TreeRow]) -> Vec<String> {
        rows.iter()
            .map(|r| match r {
                TreeRow::Dir { depth, label, keys, .. } => format!("{}{label} ({keys})", " ".repeat(*depth)),
                TreeRow::Key { depth, label, row } => format!("{}{label}={}", " ".repeat(*depth), show_bytes(&row.value)),
            })
            .collect()
    }

    #[test]
    fn tree_folds_registry_directories_and_counts_keys() {
        let mut s = Store::new();
        put(&mut s, "/registry/pods/kube-system/etcd", "p1");
        put(&mut s, "/registry/pods/default/web", "p2");
        put(&mut s, "/registry/namespaces/default", "ns");
        put(&mut s, "k1", "AAA");
        put(&mut s, "gone", "x");
        del(&mut s, "gone");
        let (rows, total) = key_tree(&s, "", &SortedSet::new(), 100);
        assert_eq!(total, 4);
        assert_eq!(labels(&rows), vec!["/registry/ (3)", "k1=AAA"]);
        let open: SortedSet<String> = ["/registry/", "/registry/pods/"].iter().map(|s| s.to_string()).collect();
        let (rows, _) = key_tree(&s, "", &open, 100);
        assert_eq!(labels(&rows), vec!["/registry/ (3)", " namespaces/ (1)", " pods/ (2)", "  default/ (1)", "  kube-system/ (1)", "k1=AAA"]);
        // The prefix filter narrows; the limit caps key rows but still counts.
        let (rows, total) = key_tree(&s, "k", &open, 100);
        assert_eq!((labels(&rows), total), (vec!["k1=AAA".to_string()], 1));
        let mut s2 = Store::new();
        for i in 0..50 {
            put(&mut s2, &format!("key{i:02}"), "v");
        }
        let (rows, total) = key_tree(&s2, "", &SortedSet::new(), 10);
        assert_eq!((rows.len(), total), (10, 50));
    }

    #[test]
    fn key_rows_carry_revisions_version_and_lease() {
        let mut s = Store::new();
        put(&mut s, "k1", "a");
        put(&mut s, "k1", "b");
        s.lease_grant(0x77, 60, 0).unwrap();
        s.put(PutRequest { key: "k2".into(), value: "c".into(), lease: 0x77, ..Default::default() }).unwrap();
        let (rows, _) = key_tree(&s, "", &SortedSet::new(), 10);
        let TreeRow::Key { row, .. } = &rows[0] else { panic!("a key row") };
        assert_eq!((row.create_revision, row.mod_revision, row.version, row.lease), (2, 3, 2, 0));
        let TreeRow::Key { row, .. } = &rows[1] else { panic!("a key row") };
        assert_eq!(row.lease, 0x77);
    }

    #[test]
    fn history_has_generations_tombstones_and_compaction() {
        let mut s = Store::new();
        put(&mut s, "k", "v1"); // 2
        put(&mut s, "k", "v2"); // 3
        del(&mut s, "k"); // 4
        put(&mut s, "k", "v3"); // 5
        let h = key_history(&s, b"k").unwrap();
        let got: Vec<_> = h.events.iter().map(|e| (e.main, e.kind, e.generation, e.version, e.compacted)).collect();
        assert_eq!(
            got,
            vec![(2, EventKind::Put, 0, 1, false), (3, EventKind::Put, 0, 2, false), (4, EventKind::Delete, 0, 0, false), (5, EventKind::Put, 1, 1, false)]
        );
        // Compacting at 3 drops revision 2 (etcd keeps the newest revision at or below the
        // compaction point), and what is left at or below 3 is greyed.
        s.compact(3).unwrap();
        let h = key_history(&s, b"k").unwrap();
        let got: Vec<_> = h.events.iter().map(|e| (e.main, e.kind, e.generation, e.version, e.compacted)).collect();
        assert_eq!(got, vec![(3, EventKind::Put, 0, 2, true), (4, EventKind::Delete, 0, 0, false), (5, EventKind::Put, 1, 1, false)]);
        assert!(!h.deleted);
        assert_eq!(h.current_revision, 5);
        let l = timeline_layout(&h, 100);
        assert_eq!(l.marks.len(), 3);
        assert!(l.marks.windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(l.generations.len(), 2);
        assert!(!l.generations[0].3, "generation 0 ends with its delete");
        assert!(l.generations[1].3 && l.generations[1].1 == l.current_x, "generation 1 is open up to now");
        let cx = l.compacted_until_x.unwrap();
        assert!(cx > l.marks[0].0 && cx < l.marks[1].0);
        let l2 = timeline_layout(&h, 2);
        assert_eq!((l2.marks.len(), l2.hidden), (2, 1));
        del(&mut s, "k");
        assert!(key_history(&s, b"k").unwrap().deleted);
        assert!(key_history(&s, b"nope").is_none());
    }

    #[test]
    fn files_tree_folds_directories() {
        let mut v = Vfs::default();
        v.install("/etc/kubernetes/pki/ca.crt", b"x".to_vec());
        v.install("/etc/hosts", b"127.0.0.1 localhost\n".to_vec());
        v.install("/etc-old/x", b"".to_vec());
        let rows = file_tree(&v, &SortedSet::new());
        let names: Vec<_> = rows.iter().map(|r| format!("{}{}", " ".repeat(r.depth), r.name)).collect();
        assert_eq!(names, vec!["etc", " hosts", " kubernetes", "  pki", "   ca.crt", "etc-old", " x"]);
        assert_eq!(rows[1].size, 20);
        let closed: SortedSet<String> = ["/etc/kubernetes".to_string()].into();
        let rows = file_tree(&v, &closed);
        assert_eq!(rows.len(), 5);
        assert!(!rows[2].open);
        assert!(is_text(b"apiVersion: v1\n") && !is_text(&[0xff, 0]));
        assert_eq!(show_bytes(&[b'a', 0xff]), "a\\xff");
    }
}
