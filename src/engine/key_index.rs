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

impl KeyIndex {
    /// Records a put at `rev` in the current (last) generation.
    pub fn put(&mut self, rev: Revision) {
        let g = self.generations.last_mut().expect("a key index always has a generation");
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
        let g = self.find_generation(at)?;
        let idx = g.revs.iter().rposition(|r| r.main <= at)?;
        // `ver` counts every rev of the generation; revs removed by compaction are not in
        // `revs` any more, so the version is derived from the end of the list.
        let version = g.ver - (g.revs.len() - 1 - idx) as i64;
        Some((g.revs[idx], g.created, version))
    }

    /// The generation that was open at main revision `at`, if the key lived then.
    fn find_generation(&self, at: i64) -> Option<&Generation> {
        let last = self.generations.len() - 1;
        for (i, g) in self.generations.iter().enumerate().rev() {
            if g.revs.is_empty() {
                continue;
            }
            let tomb = *g.revs.last().unwrap();
            // A closed generation whose tombstone is at or before `at`: the key was deleted.
            if i != last && tomb.main <= at {
                return None;
            }
            if g.revs[0].main <= at {
                return Some(g);
            }
        }
        None
    }
}
