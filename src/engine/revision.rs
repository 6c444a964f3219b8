//! A revision is etcd's logical clock: `main` counts write transactions since the store was
//! created (it starts at 1 for an empty store), `sub` orders the writes inside one transaction.
//!
//! ```
//! use etcd_playground::engine::Revision;
//! // Two puts in one txn at main revision 5 are 5.0 and 5.1; the next txn starts 6.0.
//! assert!(Revision::new(5, 0) < Revision::new(5, 1));
//! assert!(Revision::new(5, 1) < Revision::new(6, 0));
//! ```

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default)]
pub struct Revision {
    pub main: i64,
    pub sub: i64,
}

impl Revision {
    pub const fn new(main: i64, sub: i64) -> Self {
        Revision { main, sub }
    }
}

impl std::fmt::Display for Revision {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.main, self.sub)
    }
}
