//! Watchers, after etcd's `watchable_store.go`: a watcher covers a key or a span and collects
//! the events of every later write; created with a past start revision, it first replays the
//! history still in the backend. Everything is synchronous: the caller drains a watcher's
//! pending events after each command.
//!
//! ```
//! use etcd_playground::engine::*;
//! let mut s = Store::new();
//! s.put(PutRequest { key: b"foo".to_vec(), value: b"1".to_vec(), ..Default::default() }).unwrap();
//! // Replay from revision 2, then follow new writes.
//! let (id, replay) = s.watch_create(WatchCreate { key: b"foo".to_vec(), start_revision: 2, prev_kv: true, ..Default::default() }).unwrap();
//! assert_eq!((id, replay.len()), (0, 1));
//! s.delete_range(DeleteRangeRequest { key: b"foo".to_vec(), ..Default::default() }).unwrap();
//! let evs = s.watch_drain(id);
//! assert_eq!(evs[0].kind, EventType::Delete);
//! assert_eq!((evs[0].kv.mod_revision, evs[0].prev_kv.as_ref().unwrap().value.as_slice()), (3, &b"1"[..]));
//! // A start revision below the compacted one is refused (etcd cancels the watch).
//! s.compact(3).unwrap();
//! let e = s.watch_create(WatchCreate { key: b"foo".to_vec(), start_revision: 2, ..Default::default() }).unwrap_err();
//! assert_eq!((e.to_string().as_str(), s.compact_revision()), ("etcdserver: mvcc: required revision has been compacted", 3));
//! ```

use super::kvstore::{in_range, Store};
use super::types::*;
use super::{EngineError, Revision};
use serde::{Deserialize, Serialize};
use crate::sorted_map::SortedMap;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Watcher {
    pub key: Vec<u8>,
    pub range_end: Vec<u8>,
    /// Events below this revision are not delivered (a watch on a future revision).
    pub min_rev: i64,
    pub prev_kv: bool,
    pub filters: Vec<WatchFilter>,
    pub progress_notify: bool,
    /// Events not yet drained.
    pub pending: Vec<Event>,
}

impl Watcher {
    fn wants(&self, ev: &Event) -> bool {
        ev.kv.mod_revision >= self.min_rev
            && in_range(&self.key, &self.range_end, &ev.kv.key)
            && !self.filters.iter().any(|f| match f {
                WatchFilter::NoPut => ev.kind == EventType::Put,
                WatchFilter::NoDelete => ev.kind == EventType::Delete,
            })
    }

    fn deliver(&mut self, ev: &Event) {
        let prev_kv = if self.prev_kv { ev.prev_kv.clone() } else { None };
        self.pending.push(Event { kind: ev.kind, kv: ev.kv.clone(), prev_kv });
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Watchers {
    pub by_id: SortedMap<i64, Watcher>,
    /// etcd's `watchStream.nextID`: auto ids take the lowest free id from here.
    pub next_id: i64,
}

impl Watchers {
    /// Hands the events of one committed write to every watcher that wants them.
    pub(crate) fn notify(&mut self, events: &[Event]) {
        for w in self.by_id.values_mut() {
            for ev in events {
                if w.wants(ev) {
                    w.deliver(ev);
                }
            }
        }
    }
}

impl Store {
    /// Creates a watcher and returns its id with the replayed history (events from
    /// `start_revision` up to the current revision). `start_revision` 0 (or a future one)
    /// replays nothing. Below the compacted revision it fails with `Compacted`; etcd then
    /// cancels the watch and reports [`Store::compact_revision`] as `compact_revision`.
    pub fn watch_create(&mut self, req: WatchCreate) -> Result<(i64, Vec<Event>), EngineError> {
        if req.start_revision > 0 && req.start_revision < self.compact_rev {
            return Err(EngineError::Compacted);
        }
        let id = if req.watch_id != 0 {
            if self.watchers.by_id.contains_key(&req.watch_id) {
                return Err(EngineError::WatcherDuplicateId);
            }
            req.watch_id
        } else {
            while self.watchers.by_id.contains_key(&self.watchers.next_id) {
                self.watchers.next_id += 1;
            }
            let id = self.watchers.next_id;
            self.watchers.next_id += 1;
            id
        };
        let min_rev = if req.start_revision <= 0 { self.current_rev + 1 } else { req.start_revision };
        let mut w = Watcher {
            key: req.key,
            range_end: req.range_end,
            min_rev,
            prev_kv: req.prev_kv,
            filters: req.filters,
            progress_notify: req.progress_notify,
            pending: Vec::new(),
        };
        let mut replay = Vec::new();
        if min_rev <= self.current_rev {
            for (rev, e) in self.backend.range(Revision::new(min_rev, 0)..) {
                if !in_range(&w.key, &w.range_end, &e.kv.key) {
                    continue;
                }
                let ev = self.event_of(*rev, e, w.prev_kv);
                if w.wants(&ev) {
                    replay.push(ev);
                }
            }
        }
        // Replay what was asked for; later writes arrive through `notify`.
        w.min_rev = w.min_rev.max(self.current_rev + 1);
        self.watchers.by_id.insert(id, w);
        Ok((id, replay))
    }

    /// The event a backend entry stands for; `prev_kv` is read at the revision before (gone
    /// when compacted away, as in etcd).
    fn event_of(&self, rev: Revision, e: &super::kvstore::BackendEntry, with_prev: bool) -> Event {
        let mut kv = e.kv.clone();
        let kind = if e.tombstone {
            kv.mod_revision = rev.main;
            EventType::Delete
        } else {
            EventType::Put
        };
        let created = kind == EventType::Put && kv.create_revision == kv.mod_revision;
        let prev_kv = if with_prev && !created && rev.main > self.compact_rev { self.kv_at(&kv.key, rev.main - 1) } else { None };
        Event { kind, kv, prev_kv }
    }

    /// Takes the events collected by watcher `id` since the last drain (none for an unknown id).
    pub fn watch_drain(&mut self, id: i64) -> Vec<Event> {
        self.watchers.by_id.get_mut(&id).map(|w| std::mem::take(&mut w.pending)).unwrap_or_default()
    }

    /// Cancels watcher `id`; false when there was no such watcher.
    pub fn watch_cancel(&mut self, id: i64) -> bool {
        self.watchers.by_id.remove(&id).is_some()
    }

    /// A progress notification's revision (etcd sends the current revision).
    pub fn watch_progress(&self) -> i64 {
        self.current_rev
    }
}
