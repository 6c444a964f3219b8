//! The MVCC key-value engine: an in-memory etcd v3 store with etcd's semantics.
//!
//! Layout follows etcd's `mvcc` package so a learner who later reads etcd recognises it:
//! [`revision`] (main/sub revisions), [`key_index`] (a key's generations), [`kvstore`]
//! (the store: index + revision-keyed backend, put/range/delete), [`kvstore_txn`] (txn),
//! [`kvstore_compaction`] (compaction, HashKV), [`watchable_store`] (watchers), [`lease`]
//! (the lessor), [`quota`] (backend size estimate, NOSPACE alarm, defrag), and the
//! request/response types of `etcdserverpb` in [`types`].
//!
//! Architecture invariant: this module knows nothing of a shell, a browser or a lesson.

pub mod error;
pub mod key_index;
pub mod kvstore;
pub mod kvstore_compaction;
pub mod kvstore_txn;
pub mod lease;
pub mod quota;
pub mod revision;
pub mod types;
pub mod watchable_store;

pub use error::EngineError;
pub use kvstore::Store;
pub use revision::Revision;
pub use types::*;
