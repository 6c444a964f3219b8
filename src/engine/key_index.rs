//! The history of one key as etcd's `keyIndex` keeps it: a list of generations.
//!
//! A generation is the life of a key from its creation to its deletion (tombstone).
//! For example `put(1.0); put(2.0); tombstone(3.0); put(4.0); tombstone(5.0)` leaves
//! generations `{1.0, 2.0, 3.0(t)} {4.0, 5.0(t)} {empty}`: the last generation is empty
//! because the key does not exist now, and a later put starts writing into it.
//!
//! ```
//! use etcd_playground::engine::{key_index::KeyIndex, Revision};
//! let mut ki = KeyIndex::default();
//! ki.put(Revision::new(1, 0));
//! ki.put(Revision::new(2, 0));
//! ki.tombstone(Revision::new(3, 0));
//! ki.put(Revision::new(4, 0));
//! ki.tombstone(Revision::new(5, 0));
//! assert_eq!(ki.generations.len(), 3);
//! assert!(ki.generations[2].revs.is_empty());
//! // At revision 2 the key existed (modified at 2.0, created at 1.0, version 2) ...
//! assert_eq!(ki.get(2), Some((Revision::new(2, 0), Revision::new(1, 0), 2)));
//! // ... at revision 3 it had been deleted, and at 4 it lived again, version 1.
//! assert_eq!(ki.get(3), None);
//! assert_eq!(ki.get(4), Some((Revision::new(4, 0), Revision::new(4, 0), 1)));
//! ```
//!
//! Compaction at `rev` removes the revisions at or below `rev` except the largest one of the
//! generation that was open at `rev`; a generation left with only its tombstone is dropped, and
//! a key index left with only the empty generation is removed from the index by the store.
//!
//! ```
//! use etcd_playground::engine::{key_index::KeyIndex, Revision};
//! let history = || {
//!     let mut ki = KeyIndex::default();
//!     ki.put(Revision::new(1, 0));
//!     ki.put(Revision::new(2, 0));
//!     ki.tombstone(Revision::new(3, 0));
//!     ki.put(Revision::new(4, 0));
//!     ki.tombstone(Revision::new(5, 0));
//!     ki
//! };
//! let revs = |ki: &KeyIndex| -> Vec<Vec<i64>> {
//!     ki.generations.iter().map(|g| g.revs.iter().map(|r| r.main).collect()).collect()
//! };
//! let mut kept = Vec::new();
//! let mut ki = history();
//! ki.compact(2, &mut kept); // {2.0, 3.0(t)} {4.0, 5.0(t)} {empty}
//! assert_eq!(revs(&ki), vec![vec![2, 3], vec![4, 5], vec![]]);
//! assert!(kept.contains(&Revision::new(2, 0)));
//! ki.compact(4, &mut kept); // {4.0, 5.0(t)} {empty}
//! assert_eq!(revs(&ki), vec![vec![4, 5], vec![]]);
//! ki.compact(5, &mut kept); // {empty}: the store removes the key
//! assert!(ki.is_empty());
//! let mut ki = history();
//! ki.compact(6, &mut kept);
//! assert!(ki.is_empty());
//! // The version is still counted from the whole generation after compaction.
//! let mut ki = KeyIndex::default();
//! for m in 1..=4 { ki.put(Revision::new(m, 0)); }
//! ki.compact(3, &mut kept);
//! assert_eq!(ki.get(3), Some((Revision::new(3, 0), Revision::new(1, 0), 3)));
//! assert_eq!(ki.get(4), Some((Revision::new(4, 0), Revision::new(1, 0), 4)));
//! ```

use super::Revision;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Generation {
    /// The revision that created the key in this generation.
    pub created: Revision,
    /// How many times the key was written in this generation (the `version` field).
    pub ver: i64,
    /// Every revision that wrote the key in this generation; the last one is the tombstone
    /// if the generation is closed.
    pub revs: Vec<Revision>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyIndex {
    /// The latest revision that wrote the key (put or tombstone).
    pub modified: Revision,
    pub generations: Vec<Generation>,
}

impl Default for KeyIndex {
    fn default() -> Self {
        KeyIndex { modified: Revision::default(), generations: vec![Generation::default()] }
    }
}

/// Takes back a revision `do_compact` recorded: the last one pushed, unless a caller mixed
/// lists (then wherever it is).
fn unkeep(available: &mut Vec<Revision>, rev: Revision) {
    if let Some(i) = available.iter().rposition(|r| *r == rev) {
        available.swap_remove(i);
    }
}

impl KeyIndex {
    /// Records a put at `rev` in the current (last) generation.
    pub fn put(&mut self, rev: Revision) {
        if self.generations.is_empty() {
            self.generations.push(Generation::default());
        }
        let Some(g) = self.generations.last_mut() else { return };
        if g.revs.is_empty() {
            g.created = rev;
        }
        g.revs.push(rev);
        g.ver += 1;
        self.modified = rev;
    }

    /// Records a delete at `rev`: the tombstone closes the generation and opens an empty one.
    pub fn tombstone(&mut self, rev: Revision) {
        self.put(rev);
        self.generations.push(Generation::default());
    }

    /// True when the key currently exists (the last generation is open and non-empty).
    pub fn is_live(&self) -> bool {
        self.generations.last().is_some_and(|g| !g.revs.is_empty())
    }

    /// The (modified, created, version) of the key as of main revision `at`, or `None` when
    /// the key did not exist then.
    pub fn get(&self, at: i64) -> Option<(Revision, Revision, i64)> {
        // Reads at or after the last write (every put, most gets) need only the last
        // generation's header: `modified` is its last revision when it is open, and the key
        // is deleted when it is empty. This skips the scan of `revs` (two cache misses on a
        // long history).
        if at >= self.modified.main {
            let latest = self.generations.last().filter(|g| !g.revs.is_empty()).map(|g| (self.modified, g.created, g.ver));
            debug_assert_eq!(latest, self.get_by_scan(at), "key index invariant: modified is the last revision");
            return latest;
        }
        self.get_by_scan(at)
    }

    /// [`KeyIndex::get`] the long way: find the generation, then the revision in it.
    fn get_by_scan(&self, at: i64) -> Option<(Revision, Revision, i64)> {
        let g = self.find_generation(at)?;
        let idx = g.revs.iter().rposition(|r| r.main <= at)?;
        // `ver` counts every rev of the generation; revs removed by compaction are not in
        // `revs` any more, so the version is derived from the end of the list.
        let version = g.ver - (g.revs.len() - 1 - idx) as i64;
        Some((g.revs[idx], g.created, version))
    }

    /// The generation that was open at main revision `at`, if the key lived then.
    fn find_generation(&self, at: i64) -> Option<&Generation> {
        let last = self.generations.len().checked_sub(1)?;
        for (i, g) in self.generations.iter().enumerate().rev() {
            let (Some(first), Some(tomb)) = (g.revs.first(), g.revs.last()) else { continue };
            // A closed generation whose tombstone is at or before `at`: the key was deleted.
            if i != last && tomb.main <= at {
                return None;
            }
            if first.main <= at {
                return Some(g);
            }
        }
        None
    }

    /// True when nothing of the key is left (only the empty generation): etcd removes such a
    /// key index from the tree after compaction.
    pub fn is_empty(&self) -> bool {
        self.generations.len() <= 1 && self.generations.first().is_none_or(|g| g.revs.is_empty())
    }

    /// etcd's `doCompact`: the generation that holds `at` (or the first created after it),
    /// and the index in it of the largest revision at or below `at` (added to `available`).
    fn do_compact(&self, at: i64, available: &mut Vec<Revision>) -> (usize, Option<usize>) {
        let mut gen_idx = 0;
        while gen_idx + 1 < self.generations.len() {
            match self.generations[gen_idx].revs.last() {
                Some(tomb) if tomb.main > at => break,
                _ => gen_idx += 1,
            }
        }
        let g = &self.generations[gen_idx];
        let rev_idx = g.revs.iter().rposition(|r| r.main <= at);
        if let Some(i) = rev_idx {
            available.push(g.revs[i]);
        }
        (gen_idx, rev_idx)
    }

    /// Removes the revisions at or below `at` except the largest one, recording the revisions
    /// that stay (whose backend entries must survive) in `available`, as etcd's
    /// `keyIndex.compact` does. `available` is a list in no order (a revision belongs to one
    /// key, so it holds none twice): the store sorts it once, after the whole index.
    pub fn compact(&mut self, at: i64, available: &mut Vec<Revision>) {
        if self.generations.is_empty() {
            self.generations.push(Generation::default());
            return;
        }
        let (mut gen_idx, rev_idx) = self.do_compact(at, available);
        let last = self.generations.len() - 1;
        let g = &mut self.generations[gen_idx];
        if !g.revs.is_empty() {
            if let Some(i) = rev_idx {
                g.revs.drain(..i);
            }
            // A closed generation left with only its tombstone goes away entirely.
            if g.revs.len() == 1 && gen_idx != last {
                unkeep(available, g.revs[0]);
                gen_idx += 1;
            }
        }
        self.generations.drain(..gen_idx);
    }

    /// The revisions a compaction at `at` would keep (etcd's `keyIndex.keep`, used by HashKV).
    pub fn keep(&self, at: i64, available: &mut Vec<Revision>) {
        if self.is_empty() {
            return;
        }
        let (gen_idx, rev_idx) = self.do_compact(at, available);
        let g = &self.generations[gen_idx];
        if let Some(i) = rev_idx {
            if i + 1 == g.revs.len() && gen_idx + 1 != self.generations.len() {
                unkeep(available, g.revs[i]);
            }
        }
    }
}
