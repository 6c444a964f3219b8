//! `SortedMap` and `SortedSet`: ordered maps on one sorted `Vec`, for the crate's small maps.
//!
//! Every `BTreeMap<K, V>` type brings its own copy of the B-tree's node code into the wasm
//! (~9 KB per key/value pair of types, ~20 of them): most of the session's maps hold a few to
//! a few hundred entries (users, roles, environment variables, lesson progress), where a
//! binary search on a `Vec` is as fast and the per-type code is a few hundred bytes. The
//! methods are the `BTreeMap`/`BTreeSet` ones callers use, in the same order, and the serde
//! form is the same (a map; a set is a sequence), so saved sessions load either way.
//! Inserting is O(n): keep the engine's big indexes in real trees.
//!
//! ```
//! use etcd_playground::sorted_map::{SortedMap, SortedSet};
//! let mut m = SortedMap::new();
//! m.insert("b".to_string(), 2);
//! m.insert("a".to_string(), 1);
//! *m.entry("c".to_string()).or_insert(0) += 3;
//! assert_eq!(m.get("a"), Some(&1));
//! assert_eq!(m.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>(), ["a=1", "b=2", "c=3"]);
//! let s: SortedSet<u8> = [3, 1, 3].into_iter().collect();
//! assert_eq!(s.iter().copied().collect::<Vec<_>>(), [1, 3]);
//! ```

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Serialize, Serializer};
use std::borrow::Borrow;
use std::fmt;
use std::marker::PhantomData;
use std::ops::{Bound, RangeBounds};

/// An ordered map: entries sorted by key, no key twice.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SortedMap<K, V> {
    entries: Vec<(K, V)>,
}

impl<K, V> Default for SortedMap<K, V> {
    fn default() -> Self {
        SortedMap { entries: Vec::new() }
    }
}

impl<K, V> SortedMap<K, V> {
    pub const fn new() -> Self {
        SortedMap { entries: Vec::new() }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn clear(&mut self) {
        self.entries.clear()
    }

    pub fn iter(&self) -> Iter<'_, K, V> {
        Iter(self.entries.iter())
    }

    pub fn iter_mut(&mut self) -> IterMut<'_, K, V> {
        IterMut(self.entries.iter_mut())
    }

    pub fn keys(&self) -> Keys<'_, K, V> {
        Keys(self.entries.iter())
    }

    pub fn values(&self) -> Values<'_, K, V> {
        Values(self.entries.iter())
    }

    pub fn values_mut(&mut self) -> impl DoubleEndedIterator<Item = &mut V> + ExactSizeIterator {
        self.entries.iter_mut().map(|e| &mut e.1)
    }

    pub fn into_keys(self) -> impl DoubleEndedIterator<Item = K> + ExactSizeIterator {
        self.entries.into_iter().map(|e| e.0)
    }

    pub fn into_values(self) -> impl DoubleEndedIterator<Item = V> + ExactSizeIterator {
        self.entries.into_iter().map(|e| e.1)
    }

    pub fn first_key_value(&self) -> Option<(&K, &V)> {
        self.entries.first().map(|e| (&e.0, &e.1))
    }

    pub fn last_key_value(&self) -> Option<(&K, &V)> {
        self.entries.last().map(|e| (&e.0, &e.1))
    }

    pub fn pop_first(&mut self) -> Option<(K, V)> {
        if self.entries.is_empty() {
            None
        } else {
            Some(self.entries.remove(0))
        }
    }

    pub fn pop_last(&mut self) -> Option<(K, V)> {
        self.entries.pop()
    }

    /// Keeps the entries `keep` says yes to, in order.
    pub fn retain(&mut self, mut keep: impl FnMut(&K, &mut V) -> bool) {
        self.entries.retain_mut(|(k, v)| keep(k, v))
    }
}

impl<K: Ord, V> SortedMap<K, V> {
    /// Where `key` is (`Ok`) or would go (`Err`).
    fn find<Q: Ord + ?Sized>(&self, key: &Q) -> Result<usize, usize>
    where
        K: Borrow<Q>,
    {
        self.entries.binary_search_by(|e| e.0.borrow().cmp(key))
    }

    /// A map from pairs in any order; of two with one key the later one stays (as when
    /// inserted one by one, and as serde fills a `BTreeMap`).
    pub fn from_entries(mut entries: Vec<(K, V)>) -> Self {
        if !entries.windows(2).all(|w| w[0].0 < w[1].0) {
            // Reversed, a stable sort puts the last of equal keys first, and dedup keeps it.
            entries.reverse();
            crate::sort::sort_by(&mut entries, |a, b| a.0.cmp(&b.0));
            entries.dedup_by(|later, kept| later.0 == kept.0);
        }
        SortedMap { entries }
    }

    pub fn get<Q: Ord + ?Sized>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| &self.entries[i].1)
    }

    pub fn get_key_value<Q: Ord + ?Sized>(&self, key: &Q) -> Option<(&K, &V)>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| (&self.entries[i].0, &self.entries[i].1))
    }

    pub fn get_mut<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| &mut self.entries[i].1)
    }

    pub fn contains_key<Q: Ord + ?Sized>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
    {
        self.find(key).is_ok()
    }

    /// Stores `value` at `key`, returning the value it replaced (the key stays, as in a
    /// `BTreeMap`).
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        match self.find(&key) {
            Ok(i) => Some(std::mem::replace(&mut self.entries[i].1, value)),
            Err(i) => {
                self.entries.insert(i, (key, value));
                None
            }
        }
    }

    pub fn remove<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
    {
        self.remove_entry(key).map(|e| e.1)
    }

    pub fn remove_entry<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<(K, V)>
    where
        K: Borrow<Q>,
    {
        let i = self.find(key).ok()?;
        Some(self.entries.remove(i))
    }

    pub fn entry(&mut self, key: K) -> Entry<'_, K, V> {
        let at = self.find(&key);
        Entry { map: self, key, at }
    }

    fn bounds<Q: Ord + ?Sized>(&self, start: Bound<&Q>, end: Bound<&Q>) -> (usize, usize)
    where
        K: Borrow<Q>,
    {
        let lo = match start {
            Bound::Included(k) => self.find(k).unwrap_or_else(|i| i),
            Bound::Excluded(k) => self.find(k).map(|i| i + 1).unwrap_or_else(|i| i),
            Bound::Unbounded => 0,
        };
        let hi = match end {
            Bound::Included(k) => self.find(k).map(|i| i + 1).unwrap_or_else(|i| i),
            Bound::Excluded(k) => self.find(k).unwrap_or_else(|i| i),
            Bound::Unbounded => self.entries.len(),
        };
        // A range whose end is before its start is empty (`BTreeMap::range` panics instead).
        (lo, hi.max(lo))
    }

    /// The entries whose keys fall in `range`, in order.
    pub fn range<Q: Ord + ?Sized, R: RangeBounds<Q>>(&self, range: R) -> Iter<'_, K, V>
    where
        K: Borrow<Q>,
    {
        let (lo, hi) = self.bounds(range.start_bound(), range.end_bound());
        Iter(self.entries[lo..hi].iter())
    }

    pub fn range_mut<Q: Ord + ?Sized, R: RangeBounds<Q>>(&mut self, range: R) -> IterMut<'_, K, V>
    where
        K: Borrow<Q>,
    {
        let (lo, hi) = self.bounds(range.start_bound(), range.end_bound());
        IterMut(self.entries[lo..hi].iter_mut())
    }
}

/// A place in a [`SortedMap`] for one key, filled or not (`BTreeMap::entry`).
pub struct Entry<'a, K, V> {
    map: &'a mut SortedMap<K, V>,
    key: K,
    at: Result<usize, usize>,
}

impl<'a, K, V> Entry<'a, K, V> {
    pub fn key(&self) -> &K {
        &self.key
    }

    pub fn or_insert_with(self, value: impl FnOnce() -> V) -> &'a mut V {
        let i = match self.at {
            Ok(i) => i,
            Err(i) => {
                self.map.entries.insert(i, (self.key, value()));
                i
            }
        };
        &mut self.map.entries[i].1
    }

    pub fn or_insert(self, value: V) -> &'a mut V {
        self.or_insert_with(|| value)
    }

    pub fn or_default(self) -> &'a mut V
    where
        V: Default,
    {
        self.or_insert_with(V::default)
    }

    pub fn and_modify(self, f: impl FnOnce(&mut V)) -> Self {
        if let Ok(i) = self.at {
            f(&mut self.map.entries[i].1);
        }
        self
    }
}

/// `(&key, &value)` in key order.
pub struct Iter<'a, K, V>(std::slice::Iter<'a, (K, V)>);

impl<'a, K, V> Clone for Iter<'a, K, V> {
    fn clone(&self) -> Self {
        Iter(self.0.clone())
    }
}

impl<'a, K, V> Iterator for Iter<'a, K, V> {
    type Item = (&'a K, &'a V);
    fn next(&mut self) -> Option<Self::Item> {
        self.0.next().map(|e| (&e.0, &e.1))
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

impl<K, V> DoubleEndedIterator for Iter<'_, K, V> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.0.next_back().map(|e| (&e.0, &e.1))
    }
}

impl<K, V> ExactSizeIterator for Iter<'_, K, V> {}

/// `(&key, &mut value)` in key order.
pub struct IterMut<'a, K, V>(std::slice::IterMut<'a, (K, V)>);

impl<'a, K, V> Iterator for IterMut<'a, K, V> {
    type Item = (&'a K, &'a mut V);
    fn next(&mut self) -> Option<Self::Item> {
        self.0.next().map(|e| (&e.0, &mut e.1))
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

impl<K, V> DoubleEndedIterator for IterMut<'_, K, V> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.0.next_back().map(|e| (&e.0, &mut e.1))
    }
}

impl<K, V> ExactSizeIterator for IterMut<'_, K, V> {}

/// The keys in order.
pub struct Keys<'a, K, V>(std::slice::Iter<'a, (K, V)>);

impl<'a, K, V> Clone for Keys<'a, K, V> {
    fn clone(&self) -> Self {
        Keys(self.0.clone())
    }
}

impl<'a, K, V> Iterator for Keys<'a, K, V> {
    type Item = &'a K;
    fn next(&mut self) -> Option<&'a K> {
        self.0.next().map(|e| &e.0)
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

impl<K, V> DoubleEndedIterator for Keys<'_, K, V> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.0.next_back().map(|e| &e.0)
    }
}

impl<K, V> ExactSizeIterator for Keys<'_, K, V> {}

/// The values in key order.
pub struct Values<'a, K, V>(std::slice::Iter<'a, (K, V)>);

impl<'a, K, V> Iterator for Values<'a, K, V> {
    type Item = &'a V;
    fn next(&mut self) -> Option<&'a V> {
        self.0.next().map(|e| &e.1)
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

impl<K, V> DoubleEndedIterator for Values<'_, K, V> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.0.next_back().map(|e| &e.1)
    }
}

impl<K, V> ExactSizeIterator for Values<'_, K, V> {}

impl<'a, K, V> IntoIterator for &'a SortedMap<K, V> {
    type Item = (&'a K, &'a V);
    type IntoIter = Iter<'a, K, V>;
    fn into_iter(self) -> Iter<'a, K, V> {
        self.iter()
    }
}

impl<'a, K, V> IntoIterator for &'a mut SortedMap<K, V> {
    type Item = (&'a K, &'a mut V);
    type IntoIter = IterMut<'a, K, V>;
    fn into_iter(self) -> IterMut<'a, K, V> {
        self.iter_mut()
    }
}

impl<K, V> IntoIterator for SortedMap<K, V> {
    type Item = (K, V);
    type IntoIter = std::vec::IntoIter<(K, V)>;
    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

impl<K: Ord, V> FromIterator<(K, V)> for SortedMap<K, V> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        Self::from_entries(iter.into_iter().collect())
    }
}

impl<K: Ord, V> Extend<(K, V)> for SortedMap<K, V> {
    fn extend<I: IntoIterator<Item = (K, V)>>(&mut self, iter: I) {
        for (k, v) in iter {
            self.insert(k, v);
        }
    }
}

impl<K: Ord, V, const N: usize> From<[(K, V); N]> for SortedMap<K, V> {
    fn from(a: [(K, V); N]) -> Self {
        Self::from_entries(Vec::from(a))
    }
}

/// `map[&key]` (panics when the key is missing, as a `BTreeMap` does: for tests).
impl<K: Ord + Borrow<Q>, Q: Ord + ?Sized, V> std::ops::Index<&Q> for SortedMap<K, V> {
    type Output = V;
    fn index(&self, key: &Q) -> &V {
        self.get(key).expect("no entry for that key")
    }
}

impl<K: fmt::Debug, V: fmt::Debug> fmt::Debug for SortedMap<K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

/// The same map a `BTreeMap<K, V>` serializes as.
impl<K: Serialize, V: Serialize> Serialize for SortedMap<K, V> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.iter())
    }
}

/// Reads what a `BTreeMap<K, V>` wrote; pairs out of order or repeated follow the map's rules
/// (sorted; the later value wins).
impl<'de, K: Deserialize<'de> + Ord, V: Deserialize<'de>> Deserialize<'de> for SortedMap<K, V> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V_<K, V>(PhantomData<(K, V)>);
        impl<'de, K: Deserialize<'de> + Ord, V: Deserialize<'de>> Visitor<'de> for V_<K, V> {
            type Value = SortedMap<K, V>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a map")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                // Capped: the hint comes from the input.
                let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(0).min(1024));
                while let Some(pair) = map.next_entry()? {
                    entries.push(pair);
                }
                Ok(SortedMap::from_entries(entries))
            }
        }
        d.deserialize_map(V_(PhantomData))
    }
}

/// An ordered set on a sorted `Vec` (see [`SortedMap`]).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SortedSet<T> {
    map: SortedMap<T, ()>,
}

impl<T> Default for SortedSet<T> {
    fn default() -> Self {
        SortedSet { map: SortedMap::new() }
    }
}

impl<T> SortedSet<T> {
    pub const fn new() -> Self {
        SortedSet { map: SortedMap::new() }
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    pub fn clear(&mut self) {
        self.map.clear()
    }

    pub fn iter(&self) -> Keys<'_, T, ()> {
        self.map.keys()
    }

    pub fn first(&self) -> Option<&T> {
        self.map.first_key_value().map(|e| e.0)
    }

    pub fn last(&self) -> Option<&T> {
        self.map.last_key_value().map(|e| e.0)
    }

    pub fn pop_first(&mut self) -> Option<T> {
        self.map.pop_first().map(|e| e.0)
    }

    pub fn pop_last(&mut self) -> Option<T> {
        self.map.pop_last().map(|e| e.0)
    }

    pub fn retain(&mut self, mut keep: impl FnMut(&T) -> bool) {
        self.map.retain(|k, _| keep(k))
    }
}

impl<T: Ord> SortedSet<T> {
    /// Adds `value`; false when it was there already (the one there stays).
    pub fn insert(&mut self, value: T) -> bool {
        match self.map.find(&value) {
            Ok(_) => false,
            Err(i) => {
                self.map.entries.insert(i, (value, ()));
                true
            }
        }
    }

    pub fn contains<Q: Ord + ?Sized>(&self, value: &Q) -> bool
    where
        T: Borrow<Q>,
    {
        self.map.contains_key(value)
    }

    pub fn get<Q: Ord + ?Sized>(&self, value: &Q) -> Option<&T>
    where
        T: Borrow<Q>,
    {
        self.map.get_key_value(value).map(|e| e.0)
    }

    pub fn remove<Q: Ord + ?Sized>(&mut self, value: &Q) -> bool
    where
        T: Borrow<Q>,
    {
        self.map.remove(value).is_some()
    }

    pub fn take<Q: Ord + ?Sized>(&mut self, value: &Q) -> Option<T>
    where
        T: Borrow<Q>,
    {
        self.map.remove_entry(value).map(|e| e.0)
    }

    pub fn range<Q: Ord + ?Sized, R: RangeBounds<Q>>(&self, range: R) -> impl DoubleEndedIterator<Item = &T> + ExactSizeIterator
    where
        T: Borrow<Q>,
    {
        self.map.range(range).map(|e| e.0)
    }
}

impl<'a, T> IntoIterator for &'a SortedSet<T> {
    type Item = &'a T;
    type IntoIter = Keys<'a, T, ()>;
    fn into_iter(self) -> Keys<'a, T, ()> {
        self.iter()
    }
}

impl<T> IntoIterator for SortedSet<T> {
    type Item = T;
    type IntoIter = std::iter::Map<std::vec::IntoIter<(T, ())>, fn((T, ())) -> T>;
    fn into_iter(self) -> Self::IntoIter {
        fn key<T>(e: (T, ())) -> T {
            e.0
        }
        self.map.entries.into_iter().map(key as fn((T, ())) -> T)
    }
}

impl<T: Ord> FromIterator<T> for SortedSet<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        SortedSet { map: iter.into_iter().map(|v| (v, ())).collect() }
    }
}

impl<T: Ord> Extend<T> for SortedSet<T> {
    fn extend<I: IntoIterator<Item = T>>(&mut self, iter: I) {
        for v in iter {
            self.insert(v);
        }
    }
}

impl<T: Ord, const N: usize> From<[T; N]> for SortedSet<T> {
    fn from(a: [T; N]) -> Self {
        a.into_iter().collect()
    }
}

impl<T: fmt::Debug> fmt::Debug for SortedSet<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

/// The same sequence a `BTreeSet<T>` serializes as.
impl<T: Serialize> Serialize for SortedSet<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

/// Reads what a `BTreeSet<T>` wrote; elements out of order or repeated are sorted and kept once.
impl<'de, T: Deserialize<'de> + Ord> Deserialize<'de> for SortedSet<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V_<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de> + Ord> Visitor<'de> for V_<T> {
            type Value = SortedSet<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a sequence")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut entries = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
                while let Some(v) = seq.next_element()? {
                    entries.push((v, ()));
                }
                Ok(SortedSet { map: SortedMap::from_entries(entries) })
            }
        }
        d.deserialize_seq(V_(PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::{BTreeMap, BTreeSet};

    fn cbor<T: Serialize>(v: &T) -> Vec<u8> {
        let mut out = Vec::new();
        ciborium::into_writer(v, &mut out).unwrap();
        out
    }

    #[derive(Debug, Clone)]
    enum Op {
        Insert(u8, u16),
        Remove(u8),
        Entry(u8, u16),
        Retain(u8),
        PopFirst,
        PopLast,
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            (any::<u8>(), any::<u16>()).prop_map(|(k, v)| Op::Insert(k % 64, v)),
            any::<u8>().prop_map(|k| Op::Remove(k % 64)),
            (any::<u8>(), any::<u16>()).prop_map(|(k, v)| Op::Entry(k % 64, v)),
            any::<u8>().prop_map(|m| Op::Retain(m % 5 + 2)),
            Just(Op::PopFirst),
            Just(Op::PopLast),
        ]
    }

    fn bound(kind: u8, k: u8) -> Bound<u8> {
        match kind % 3 {
            0 => Bound::Included(k),
            1 => Bound::Excluded(k),
            _ => Bound::Unbounded,
        }
    }

    proptest! {
        /// Every operation answers as on a `BTreeMap` fed the same operations, and the two
        /// hold the same entries in the same order after each.
        #[test]
        fn map_agrees_with_btreemap(ops in prop::collection::vec(op(), 0..200), probes in prop::collection::vec((any::<u8>(), any::<u8>(), any::<u8>(), any::<u8>()), 0..20)) {
            let mut m = SortedMap::new();
            let mut b = BTreeMap::new();
            for op in ops {
                match op {
                    Op::Insert(k, v) => prop_assert_eq!(m.insert(k, v), b.insert(k, v)),
                    Op::Remove(k) => prop_assert_eq!(m.remove(&k), b.remove(&k)),
                    Op::Entry(k, v) => {
                        let x = m.entry(k).and_modify(|x| *x = x.wrapping_add(1)).or_insert(v);
                        let y = b.entry(k).and_modify(|x| *x = x.wrapping_add(1)).or_insert(v);
                        prop_assert_eq!(*x, *y);
                    }
                    Op::Retain(n) => {
                        m.retain(|k, v| { *v = v.wrapping_mul(3); k % n != 0 });
                        b.retain(|k, v| { *v = v.wrapping_mul(3); k % n != 0 });
                    }
                    Op::PopFirst => prop_assert_eq!(m.pop_first(), b.pop_first()),
                    Op::PopLast => prop_assert_eq!(m.pop_last(), b.pop_last()),
                }
                prop_assert_eq!(m.len(), b.len());
                prop_assert!(m.iter().eq(b.iter()));
            }
            prop_assert!(m.keys().rev().eq(b.keys().rev()));
            prop_assert!(m.values().eq(b.values()));
            prop_assert_eq!(m.first_key_value(), b.first_key_value());
            prop_assert_eq!(m.last_key_value(), b.last_key_value());
            for (k, lk, hk, h) in probes {
                let k = k % 70;
                prop_assert_eq!(m.get(&k), b.get(&k));
                prop_assert_eq!(m.contains_key(&k), b.contains_key(&k));
                let (lo, hi) = (bound(lk, k), bound(hk, h % 70));
                // BTreeMap::range panics when start > end, or both ends exclude one key;
                // ours is empty then.
                let backwards = match (lo, hi) {
                    (Bound::Included(a) | Bound::Excluded(a), Bound::Included(z) | Bound::Excluded(z)) => a > z || (a == z && matches!((lo, hi), (Bound::Excluded(_), Bound::Excluded(_)))),
                    _ => false,
                };
                if backwards {
                    prop_assert_eq!(m.range((lo, hi)).count(), 0);
                } else {
                    prop_assert!(m.range((lo, hi)).eq(b.range((lo, hi))));
                    prop_assert!(m.range((lo, hi)).rev().eq(b.range((lo, hi)).rev()));
                }
            }
            prop_assert_eq!(format!("{m:?}"), format!("{b:?}"));
            // The serde form is the map's, both ways.
            prop_assert_eq!(cbor(&m), cbor(&b));
            let back: SortedMap<u8, u16> = crate::cbor::from_slice(&cbor(&b)).unwrap();
            prop_assert_eq!(&back, &m);
            let back: BTreeMap<u8, u16> = crate::cbor::from_slice(&cbor(&m)).unwrap();
            prop_assert_eq!(&back, &b);
            prop_assert!(m.clone().into_iter().eq(b.clone().into_iter()));
        }

        /// Pairs in any order, repeated: sorted, and the later value of a key wins, as when
        /// collected into (or deserialized as) a `BTreeMap`.
        #[test]
        fn from_unsorted_pairs_follows_btreemap(pairs in prop::collection::vec((any::<u8>(), any::<u16>()), 0..100)) {
            let m: SortedMap<u8, u16> = pairs.iter().copied().collect();
            let b: BTreeMap<u8, u16> = pairs.iter().copied().collect();
            prop_assert!(m.iter().eq(b.iter()));
            // Stored input can be in any order: a CBOR map written by hand.
            let raw = ciborium::Value::Map(pairs.iter().map(|&(k, v)| (ciborium::Value::from(k), ciborium::Value::from(v))).collect());
            let bytes = cbor(&raw);
            let m: SortedMap<u8, u16> = crate::cbor::from_slice(&bytes).unwrap();
            let b: BTreeMap<u8, u16> = crate::cbor::from_slice(&bytes).unwrap();
            prop_assert!(m.iter().eq(b.iter()));
            let mut e = SortedMap::new();
            e.extend(pairs.iter().copied());
            prop_assert_eq!(e, m);
        }

        #[test]
        fn set_agrees_with_btreeset(ops in prop::collection::vec((any::<bool>(), any::<u8>()), 0..200), extra in prop::collection::vec(any::<u8>(), 0..50)) {
            let mut s = SortedSet::new();
            let mut b = BTreeSet::new();
            for (add, v) in ops {
                let v = v % 64;
                if add {
                    prop_assert_eq!(s.insert(v), b.insert(v));
                } else {
                    prop_assert_eq!(s.remove(&v), b.remove(&v));
                }
                prop_assert!(s.iter().eq(b.iter()));
            }
            for v in &extra {
                prop_assert_eq!(s.contains(v), b.contains(v));
                prop_assert!(s.range(v..).eq(b.range(v..)));
            }
            prop_assert_eq!(s.first(), b.first());
            prop_assert_eq!(s.last(), b.last());
            prop_assert_eq!(format!("{s:?}"), format!("{b:?}"));
            prop_assert_eq!(cbor(&s), cbor(&b));
            let back: SortedSet<u8> = crate::cbor::from_slice(&cbor(&b)).unwrap();
            prop_assert_eq!(&back, &s);
            // Out of order and repeated in storage: sorted, kept once.
            let raw = ciborium::Value::Array(extra.iter().map(|&v| ciborium::Value::from(v)).collect());
            let s2: SortedSet<u8> = crate::cbor::from_slice(&cbor(&raw)).unwrap();
            let b2: BTreeSet<u8> = extra.iter().copied().collect();
            prop_assert!(s2.iter().eq(b2.iter()));
            prop_assert!(s2.clone().into_iter().eq(b2.into_iter()));
        }
    }

    #[test]
    fn string_keys_are_found_by_str() {
        let mut m: SortedMap<String, i32> = SortedMap::new();
        m.insert("b".into(), 2);
        m.insert("a".into(), 1);
        assert_eq!(m.get("b"), Some(&2));
        assert_eq!(m["a"], 1);
        assert!(m.remove("a").is_some());
        assert!(!m.contains_key("a"));
        let keys: Vec<&String> = m.range::<str, _>((Bound::Excluded("a"), Bound::Unbounded)).map(|e| e.0).collect();
        assert_eq!(keys, ["b"]);
        let mut s: SortedSet<String> = SortedSet::new();
        assert!(s.insert("x".into()));
        assert!(!s.insert("x".into()));
        assert!(s.contains("x"));
    }

    #[test]
    fn wrong_shapes_in_storage_are_errors_not_panics() {
        let bytes = cbor(&vec![1u8, 2, 3]);
        assert!(crate::cbor::from_slice::<SortedMap<u8, u8>>(&bytes).is_err());
        let bytes = cbor(&BTreeMap::from([(1u8, 2u8)]));
        assert!(crate::cbor::from_slice::<SortedSet<u8>>(&bytes).is_err());
        let bytes = cbor(&BTreeMap::from([("k", "v")]));
        assert!(crate::cbor::from_slice::<SortedMap<u8, u8>>(&bytes).is_err());
    }
}
