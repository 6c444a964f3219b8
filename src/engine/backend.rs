//! The backend: every revision's key-value, in revision order (etcd's bbolt `key` bucket).
//!
//! Writes only ever append (each write takes the next revision), so the entries live in one
//! sorted `Vec` rather than a `BTreeMap`: an append is a push (a `BTreeMap` fed in order
//! splits its nodes half full, so every put cost about twice the entry's size in fresh
//! memory), and a lookup guesses the position from the revision (revisions are dense: one
//! main revision per write transaction) before a short search. The methods are the
//! `BTreeMap` ones callers used, and the serde form is the same map (saved sessions load).
//!
//! ```
//! use etcd_playground::engine::{backend::Backend, kvstore::BackendEntry, KeyValue, Revision};
//! let mut b = Backend::default();
//! let e = |k: &str| BackendEntry { kv: KeyValue { key: k.into(), ..Default::default() }, tombstone: false };
//! b.insert(Revision::new(2, 0), e("a"));
//! b.insert(Revision::new(3, 0), e("b"));
//! b.insert(Revision::new(3, 1), e("c"));
//! assert_eq!(b.get(&Revision::new(3, 0)).map(|x| &x.kv.key[..]), Some(&b"b"[..]));
//! assert!(b.get(&Revision::new(2, 1)).is_none());
//! let revs: Vec<i64> = b.range(Revision::new(3, 0)..).map(|(r, _)| r.sub).collect();
//! assert_eq!(revs, vec![0, 1]);
//! ```

use super::kvstore::BackendEntry;
use super::Revision;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::cmp::Ordering;
use std::ops::{Bound, RangeBounds};

#[derive(Clone, Default, PartialEq, Eq)]
pub struct Backend {
    /// Sorted by revision, no revision twice.
    entries: Vec<(Revision, BackendEntry)>,
}

/// The iterator of [`Backend::iter`] and [`Backend::range`]: `(revision, entry)` pairs in
/// revision order, as a `BTreeMap`'s.
pub type Iter<'a> = std::iter::Map<std::slice::Iter<'a, (Revision, BackendEntry)>, Pair<'a>>;
type Pair<'a> = fn(&'a (Revision, BackendEntry)) -> (&'a Revision, &'a BackendEntry);

fn pair(e: &(Revision, BackendEntry)) -> (&Revision, &BackendEntry) {
    (&e.0, &e.1)
}

impl Backend {
    pub fn new() -> Self {
        Self::default()
    }

    /// A backend from entries in any order; of two at one revision the later stays (as when
    /// inserted one by one). Sorted once: entries out of order (a damaged snapshot) would
    /// otherwise each shift the whole vector.
    pub fn from_entries(mut entries: Vec<(Revision, BackendEntry)>) -> Self {
        if !entries.windows(2).all(|w| w[0].0 < w[1].0) {
            // Stable: entries at one revision keep their order, and the last one is kept.
            crate::sort::sort_by(&mut entries, |a, b| a.0.cmp(&b.0));
            let mut unique: Vec<(Revision, BackendEntry)> = Vec::with_capacity(entries.len());
            for e in entries {
                match unique.last_mut() {
                    Some(last) if last.0 == e.0 => *last = e,
                    _ => unique.push(e),
                }
            }
            entries = unique;
        }
        Backend { entries }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Where `rev` is (`Ok`) or would go (`Err`), like `slice::binary_search`. The first probe
    /// is where `rev` would sit if every main revision held one entry; the search then widens
    /// from there (a few probes after compaction gaps or multi-key transactions).
    fn position(&self, rev: &Revision) -> Result<usize, usize> {
        let e = &self.entries;
        let (Some(first), Some(last)) = (e.first(), e.last()) else { return Err(0) };
        if *rev > last.0 {
            return Err(e.len());
        }
        if *rev < first.0 {
            return Err(0);
        }
        // In floating point: revisions read from a damaged snapshot may be anywhere in i64.
        let (lo, hi, at) = (first.0.main as f64, last.0.main as f64, rev.main as f64);
        let guess = (((at - lo) / (hi - lo).max(1.0) * (e.len() - 1) as f64) as usize).min(e.len() - 1);
        let search = |lo: usize, hi: usize| e[lo..hi].binary_search_by(|x| x.0.cmp(rev)).map(|i| lo + i).map_err(|i| lo + i);
        match e[guess].0.cmp(rev) {
            Ordering::Equal => Ok(guess),
            // e[lo - 1] < rev: widen to the right until an entry is >= rev.
            Ordering::Less => {
                let (mut lo, mut step) = (guess + 1, 1);
                loop {
                    let hi = (lo + step).min(e.len());
                    if hi == e.len() || e[hi - 1].0 >= *rev {
                        return search(lo, hi);
                    }
                    (lo, step) = (hi, step * 2);
                }
            }
            // e[hi] > rev: widen to the left until an entry is <= rev.
            Ordering::Greater => {
                let (mut hi, mut step) = (guess, 1);
                loop {
                    let lo = hi.saturating_sub(step);
                    if lo == 0 || e[lo].0 <= *rev {
                        return search(lo, hi);
                    }
                    (hi, step) = (lo, step * 2);
                }
            }
        }
    }

    pub fn get(&self, rev: &Revision) -> Option<&BackendEntry> {
        self.position(rev).ok().map(|i| &self.entries[i].1)
    }

    pub fn contains_key(&self, rev: &Revision) -> bool {
        self.position(rev).is_ok()
    }

    /// Stores `e` at `rev`, returning the entry it replaced (a push when `rev` is the newest).
    pub fn insert(&mut self, rev: Revision, e: BackendEntry) -> Option<BackendEntry> {
        if self.entries.last().is_none_or(|l| l.0 < rev) {
            self.entries.push((rev, e));
            return None;
        }
        match self.position(&rev) {
            Ok(i) => Some(std::mem::replace(&mut self.entries[i].1, e)),
            Err(i) => {
                self.entries.insert(i, (rev, e));
                None
            }
        }
    }

    pub fn remove(&mut self, rev: &Revision) -> Option<BackendEntry> {
        let i = self.position(rev).ok()?;
        Some(self.entries.remove(i).1)
    }

    /// Keeps the entries `keep` says yes to (in order), and gives back memory when most of
    /// it went (a compaction of a long history).
    pub fn retain(&mut self, mut keep: impl FnMut(&Revision, &BackendEntry) -> bool) {
        self.entries.retain(|(r, e)| keep(r, e));
        if self.entries.len() < self.entries.capacity() / 4 {
            self.entries.shrink_to_fit();
        }
    }

    pub fn iter(&self) -> Iter<'_> {
        self.entries.iter().map(pair as Pair)
    }

    /// The entries whose revisions fall in `range`, in order.
    pub fn range(&self, range: impl RangeBounds<Revision>) -> Iter<'_> {
        let (lo, hi) = self.bounds(range.start_bound(), range.end_bound());
        self.entries[lo..hi].iter().map(pair as Pair)
    }

    fn bounds(&self, start: Bound<&Revision>, end: Bound<&Revision>) -> (usize, usize) {
        let lo = match start {
            Bound::Included(r) => self.position(r).unwrap_or_else(|i| i),
            Bound::Excluded(r) => self.position(r).map(|i| i + 1).unwrap_or_else(|i| i),
            Bound::Unbounded => 0,
        };
        let hi = match end {
            Bound::Included(r) => self.position(r).map(|i| i + 1).unwrap_or_else(|i| i),
            Bound::Excluded(r) => self.position(r).unwrap_or_else(|i| i),
            Bound::Unbounded => self.entries.len(),
        };
        (lo, hi.max(lo))
    }

    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &Revision> + '_ {
        self.entries.iter().map(|e| &e.0)
    }

    pub fn values(&self) -> impl DoubleEndedIterator<Item = &BackendEntry> + '_ {
        self.entries.iter().map(|e| &e.1)
    }
}

impl<'a> IntoIterator for &'a Backend {
    type Item = (&'a Revision, &'a BackendEntry);
    type IntoIter = Iter<'a>;
    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

/// `backend[&rev]`, as on a map (panics when there is no such entry: for tests).
impl std::ops::Index<&Revision> for Backend {
    type Output = BackendEntry;
    fn index(&self, rev: &Revision) -> &BackendEntry {
        self.get(rev).expect("no backend entry at that revision")
    }
}

impl std::fmt::Debug for Backend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

/// The same map a `BTreeMap<Revision, BackendEntry>` serializes as.
impl Serialize for Backend {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.iter())
    }
}

impl<'de> Deserialize<'de> for Backend {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Backend;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a map of revisions to backend entries")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Backend, A::Error> {
                // Capped: the hint comes from the input.
                let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(0).min(1 << 16));
                while let Some(pair) = map.next_entry()? {
                    entries.push(pair);
                }
                // Out of order or repeated: the map's rules (the later value wins).
                Ok(Backend::from_entries(entries))
            }
        }
        d.deserialize_map(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::KeyValue;
    use std::collections::BTreeMap;

    fn entry(k: &str, tombstone: bool) -> BackendEntry {
        BackendEntry { kv: KeyValue { key: k.into(), value: b"v".to_vec(), mod_revision: 3, ..Default::default() }, tombstone }
    }

    /// A deterministic shuffle of revisions with gaps and sub-revisions.
    fn revs() -> Vec<Revision> {
        let mut out = Vec::new();
        let mut x: u64 = 12345;
        for main in 2..400 {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            if x >> 61 == 0 {
                continue; // a gap, as compaction leaves
            }
            for sub in 0..=((x >> 40) % 3) as i64 {
                out.push(Revision::new(main, sub));
            }
        }
        out
    }

    /// Every operation agrees with a `BTreeMap` fed the same revisions, in order and shuffled.
    #[test]
    fn behaves_as_the_btreemap_it_replaces() {
        let all = revs();
        let mut shuffled = all.clone();
        let mut x: u64 = 99;
        for i in (1..shuffled.len()).rev() {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            shuffled.swap(i, (x >> 33) as usize % (i + 1));
        }
        for order in [&all, &shuffled] {
            let mut b = Backend::new();
            let mut m = BTreeMap::new();
            for (i, r) in order.iter().enumerate() {
                let e = entry(&format!("k{i}"), i % 5 == 0);
                assert_eq!(b.insert(*r, e.clone()), m.insert(*r, e));
            }
            // Replacing an existing entry returns the old one.
            let r = order[order.len() / 2];
            assert_eq!(b.insert(r, entry("new", false)), m.insert(r, entry("new", false)));
            assert_eq!(b.len(), m.len());
            assert!(b.iter().eq(m.iter()));
            for main in 0..402 {
                for sub in 0..4 {
                    let r = Revision::new(main, sub);
                    assert_eq!(b.get(&r), m.get(&r), "{r}");
                    assert_eq!(b.contains_key(&r), m.contains_key(&r));
                    assert!(b.range(r..).eq(m.range(r..)), "{r}..");
                    assert!(b.range(..r).eq(m.range(..r)), "..{r}");
                    assert!(b.range(..=r).eq(m.range(..=r)), "..={r}");
                    let r2 = Revision::new(main + 7, 1);
                    assert!(b.range(r..r2).eq(m.range(r..r2)), "{r}..{r2}");
                }
            }
            for r in order.iter().step_by(3) {
                assert_eq!(b.remove(r), m.remove(r));
                assert_eq!(b.remove(r), None);
            }
            assert!(b.iter().eq(m.iter()));
            assert!(b.keys().eq(m.keys()));
            b.retain(|r, e| r.main % 2 == 0 || e.tombstone);
            m.retain(|r, e| r.main % 2 == 0 || e.tombstone);
            assert!(b.iter().eq(m.iter()));
            assert_eq!(format!("{b:?}"), format!("{m:?}"));
        }
        assert_eq!(Backend::new().get(&Revision::new(1, 0)), None);
        // Revisions from a damaged snapshot can be anything.
        let mut b = Backend::new();
        let mut m = BTreeMap::new();
        for (i, main) in [i64::MIN, -5, 0, 3, i64::MAX - 1, i64::MAX].into_iter().enumerate() {
            b.insert(Revision::new(main, i64::MAX), entry("x", false));
            m.insert(Revision::new(main, i64::MAX), entry("x", false));
            b.insert(Revision::new(main, i as i64), entry("y", true));
            m.insert(Revision::new(main, i as i64), entry("y", true));
        }
        for main in [i64::MIN, i64::MIN + 1, -5, 0, 1, 3, i64::MAX - 1, i64::MAX] {
            for sub in [i64::MIN, 0, 2, i64::MAX] {
                let r = Revision::new(main, sub);
                assert_eq!(b.get(&r), m.get(&r), "{r}");
                assert!(b.range(r..).eq(m.range(r..)), "{r}..");
            }
        }
        assert!(Backend::new().range(..).next().is_none());
    }

    /// Entries in any order (a damaged snapshot) build the same backend as inserting them one
    /// by one into a map, in one sort.
    #[test]
    fn from_entries_sorts_once_and_keeps_the_later_of_equal_revisions() {
        let mut pairs = Vec::new();
        let mut m = BTreeMap::new();
        // Positive revisions first, then negative ones (the bytewise order of a bbolt bucket
        // whose keys were damaged), then repeats.
        for main in (1..3000).chain(-3000..0).chain([5, -7, 5]) {
            let e = entry(&format!("k{}", pairs.len()), false);
            pairs.push((Revision::new(main, 0), e.clone()));
            m.insert(Revision::new(main, 0), e);
        }
        let b = Backend::from_entries(pairs);
        assert!(b.iter().eq(m.iter()));
        assert_eq!(b.get(&Revision::new(5, 0)).map(|e| e.kv.key.clone()), m.get(&Revision::new(5, 0)).map(|e| e.kv.key.clone()));
    }

    /// Saved sessions hold the backend as a `BTreeMap` wrote it: the bytes are the same, and
    /// both load into each other (also from a map out of order, with a repeated revision).
    #[test]
    fn serializes_as_the_btreemap_it_replaces() {
        let mut b = Backend::new();
        let mut m = BTreeMap::new();
        for (i, r) in revs().into_iter().enumerate().take(50) {
            b.insert(r, entry(&format!("k{i}"), i % 4 == 0));
            m.insert(r, entry(&format!("k{i}"), i % 4 == 0));
        }
        let (from_b, from_m) = (cbor(&b), cbor(&m));
        assert_eq!(from_b, from_m);
        // Sessions load through one `ciborium::Value` (crate::cbor); streaming also works.
        let back: Backend = crate::cbor::from_slice(&from_m).unwrap();
        assert_eq!(back, b);
        let back: Backend = ciborium::from_reader(&from_m[..]).unwrap();
        assert_eq!(back, b);
        let back: BTreeMap<Revision, BackendEntry> = crate::cbor::from_slice(&from_b).unwrap();
        assert_eq!(back, m);

        // Out of order and repeated: the later value wins, as when a map deserializes.
        let pairs = vec![(Revision::new(5, 0), entry("a", false)), (Revision::new(3, 0), entry("b", false)), (Revision::new(5, 0), entry("c", true))];
        let back: Backend = crate::cbor::from_slice(&cbor(&Pairs(pairs))).unwrap();
        let keys: Vec<&[u8]> = back.values().map(|e| &e.kv.key[..]).collect();
        assert_eq!(keys, vec![&b"b"[..], &b"c"[..]]);
    }

    /// Writes pairs as a map, in the order given.
    struct Pairs(Vec<(Revision, BackendEntry)>);
    impl Serialize for Pairs {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.collect_map(self.0.iter().map(|(r, e)| (r, e)))
        }
    }

    fn cbor<T: Serialize>(v: &T) -> Vec<u8> {
        let mut buf = Vec::new();
        ciborium::into_writer(v, &mut buf).unwrap();
        buf
    }
}
