//! The MVCC key-value engine: an in-memory etcd v3 store with etcd's semantics.
//!
//! Layout follows etcd's `mvcc` package so a learner who later reads etcd recognises it:
//! [`revision`] (main/sub revisions), [`key_index`] (a key's generations), [`kvstore`]
//! (the store: index + revision-keyed [`backend`], put/range/delete), [`kvstore_txn`] (txn),
//! [`kvstore_compaction`] (compaction, HashKV), [`watchable_store`] (watchers), [`lease`]
//! (the lessor), [`quota`] (backend size estimate, NOSPACE alarm, defrag), and the
//! request/response types of `etcdserverpb` in [`types`].
//!
//! The entry points, all on [`Store`], named after the etcd requests they serve:
//!
//! | etcd request        | method                                                                   |
//! |---------------------|--------------------------------------------------------------------------|
//! | Range / Put / DeleteRange / Txn | `range`, `put`, `delete_range`, `txn`                       |
//! | Compact / HashKV    | `compact`, `hash_kv`                                                     |
//! | Watch               | `watch_create`, `watch_drain`, `watch_cancel`, `watch_progress`          |
//! | Lease*              | `lease_grant`, `lease_revoke`, `lease_keep_alive`, `lease_time_to_live`, `lease_list`, `expire_leases` |
//! | Alarm / Defragment / Status | `alarm_list`, `alarm_disarm`, `defrag`, `db_size`, `db_size_in_use`, `consistent_index`, `current_revision`, `compact_revision` |
//!
//! Errors are [`EngineError`]s whose `Display` is etcd's text. Time is the caller's: lease
//! methods take `now_ms`. Revisions, lease ids, hashes and sizes are deterministic.
//!
//! Architecture invariant: this module knows nothing of a shell, a browser or a lesson.

pub mod backend;
pub mod error;
pub mod key_index;
pub mod kvstore;
pub mod kvstore_compaction;
pub mod kvstore_txn;
pub mod lease;
pub mod limits;
pub mod quota;
pub mod revision;
pub mod types;
pub mod watchable_store;

pub use error::EngineError;
pub use kvstore::Store;
pub use revision::Revision;
pub use types::*;
