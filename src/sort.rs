//! One stable sort for the whole crate, to keep the wasm small.
//!
//! The standard library's stable sort is a large generic (driftsort): every element type
//! it is used with adds ~5 KB of code to the wasm. Here the sorting runs once, on indices,
//! through a `&mut dyn FnMut`; the per-type part left is the tiny in-place permutation.
//! The result is the same as `slice::sort_by` (stable: equal elements keep their order).

use std::cmp::Ordering;

/// Stable order of `0..n` under `cmp`: position k of the result holds the index of the
/// element that belongs at k.
#[inline(never)]
fn stable_order(n: usize, cmp: &mut dyn FnMut(usize, usize) -> Ordering) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..n).collect();
    idx.sort_by(|&a, &b| cmp(a, b));
    idx
}

/// Applies `order` (position k wants the element at `order[k]`) through `swap`, in place,
/// one cycle at a time (linear): slot j wants the element that started at order[j]; swapping
/// it in moves the displaced start element along the cycle until it reaches the slot that
/// wants it. Not generic: the only per-type code left is the `swap` closure.
#[inline(never)]
fn permute(order: &[usize], swap: &mut dyn FnMut(usize, usize)) {
    let mut done = vec![false; order.len()];
    for start in 0..order.len() {
        let mut j = start;
        while !done[j] {
            done[j] = true;
            let next = order[j];
            if next == start {
                break;
            }
            swap(j, next);
            j = next;
        }
    }
}

/// Like `v.sort_by(cmp)`.
pub fn sort_by<T>(v: &mut [T], mut cmp: impl FnMut(&T, &T) -> Ordering) {
    if v.len() < 2 {
        return;
    }
    let order = {
        let s: &[T] = v;
        stable_order(s.len(), &mut |a, b| cmp(&s[a], &s[b]))
    };
    permute(&order, &mut |a, b| v.swap(a, b));
}

/// Like `v.sort()`.
pub fn sort<T: Ord>(v: &mut [T]) {
    sort_by(v, |a, b| a.cmp(b))
}

/// Like `v.sort_by_key(key)`.
pub fn sort_by_key<T, K: Ord>(v: &mut [T], mut key: impl FnMut(&T) -> K) {
    sort_by(v, |a, b| key(a).cmp(&key(b)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_std_stable_sort() {
        // Deterministic pseudo-random data with many ties, keyed on part of the element so
        // stability shows.
        let mut x: u64 = 0x9E3779B97F4A7C15;
        for n in 0..200usize {
            let mut v: Vec<(u8, usize)> = (0..n)
                .map(|i| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    ((x % 7) as u8, i)
                })
                .collect();
            let mut want = v.clone();
            want.sort_by_key(|e| e.0);
            sort_by_key(&mut v, |e| e.0);
            assert_eq!(v, want, "n={n}");
            let mut want = v.clone();
            want.sort_by(|a, b| b.0.cmp(&a.0));
            sort_by(&mut v, |a, b| b.0.cmp(&a.0));
            assert_eq!(v, want, "n={n} desc");
        }
    }

    #[test]
    fn long_cycles_stay_linear() {
        // A rotation is one cycle through every slot.
        let n = 200_000;
        let mut v: Vec<usize> = (1..n).chain([0]).collect();
        sort(&mut v);
        assert!(v.iter().enumerate().all(|(i, &x)| i == x));
    }

    #[test]
    fn sorts_strings() {
        let mut v = vec!["b".to_string(), "a".into(), "c".into(), "a".into()];
        sort(&mut v);
        assert_eq!(v, ["a", "a", "b", "c"]);
    }
}
