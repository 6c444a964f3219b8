//! Engine errors, each displaying the exact text etcd's server returns for it
//! (etcdctl prints them as `Error: <text>`).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum EngineError {
    /// A read or compaction at a revision at or below the compacted one.
    Compacted,
    /// A read or compaction at a revision above the current one.
    FutureRev,
    /// A lease id that does not exist (or expired).
    LeaseNotFound,
    /// A lease id that is already taken at grant time.
    LeaseExists,
    /// The NOSPACE alarm is active.
    NoSpace,
    /// `put --ignore-value` / `--ignore-lease` on a key that does not exist.
    KeyNotFound,
    /// A txn with two writes to the same key.
    DuplicateKey,
    /// An empty key on put.
    EmptyKey,
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
        })
    }
}

impl std::error::Error for EngineError {}
