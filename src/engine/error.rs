//! Engine errors, each displaying the exact text etcd's server returns for it
//! (etcdctl prints them as `Error: <text>`). Every text was checked against etcd 3.4.23.
//!
//! ```
//! use etcd_playground::engine::EngineError;
//! assert_eq!(EngineError::Compacted.to_string(), "etcdserver: mvcc: required revision has been compacted");
//! ```

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum EngineError {
    /// A read, watch or compaction at a revision that compaction removed.
    Compacted,
    /// A read or compaction at a revision above the current one.
    FutureRev,
    /// A lease id that does not exist (or expired).
    LeaseNotFound,
    /// A lease id that is already taken at grant time.
    LeaseExists,
    /// The NOSPACE alarm is active, or this write would pass the backend quota.
    NoSpace,
    /// `put --ignore-value` / `--ignore-lease` on a key that does not exist.
    KeyNotFound,
    /// A txn with two writes to the same key.
    DuplicateKey,
    /// An empty key on put, range, delete or a txn compare.
    EmptyKey,
    /// `ignore_value` together with a value.
    ValueProvided,
    /// `ignore_lease` together with a lease.
    LeaseProvided,
    /// A txn with more than 128 operations in a branch (etcd's `--max-txn-ops` default).
    TooManyOps,
    /// A lease TTL above 9,000,000,000 seconds (etcd's `MaxLeaseTTL`).
    LeaseTtlTooLarge,
    /// `watch_create` with a watch id that is already in use.
    WatcherDuplicateId,
    /// A request over `--max-request-bytes` (1.5 MiB; see [`super::limits`]).
    RequestTooLarge,
}

impl std::fmt::Display for EngineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            EngineError::Compacted => "etcdserver: mvcc: required revision has been compacted",
            EngineError::FutureRev => "etcdserver: mvcc: required revision is a future revision",
            EngineError::LeaseNotFound => "etcdserver: requested lease not found",
            EngineError::LeaseExists => "etcdserver: lease already exists",
            EngineError::NoSpace => "etcdserver: mvcc: database space exceeded",
            EngineError::KeyNotFound => "etcdserver: key not found",
            EngineError::DuplicateKey => "etcdserver: duplicate key given in txn request",
            EngineError::EmptyKey => "etcdserver: key is not provided",
            EngineError::ValueProvided => "etcdserver: value is provided",
            EngineError::LeaseProvided => "etcdserver: lease is provided",
            EngineError::TooManyOps => "etcdserver: too many operations in txn request",
            EngineError::LeaseTtlTooLarge => "etcdserver: too large lease TTL",
            EngineError::WatcherDuplicateId => "mvcc: duplicate watch ID provided on the WatchStream",
            EngineError::RequestTooLarge => "etcdserver: request is too large",
        })
    }
}

impl std::error::Error for EngineError {}
