//! etcd's request size limits, measured on the protobuf encoding as etcd measures them.
//!
//! **Server** (`--max-request-bytes`, default 1.5 MiB = 1572864): etcd refuses a proposal whose
//! marshalled `InternalRaftRequest` is larger, with `etcdserver: request is too large`
//! (gRPC `InvalidArgument`). That request is the operation plus a header carrying the request
//! ID (a 9-byte varint on a real member): on etcd 3.4.23 a put of key `k` took values up to
//! 1572840 bytes and refused 1572841; key `k2` up to 1572839.
//!
//! **Client** (gRPC's `MaxCallSendMsgSize`, 2 MiB = 2097152 in etcdctl): a request message
//! larger than that never leaves etcdctl — `rpc error: code = ResourceExhausted desc = trying
//! to send message larger than max (2097170 vs. 2097152)` for a put of key `k` and a
//! 2097162-byte value (see [`put_len`]).
//!
//! ```
//! use etcd_playground::engine::{limits, PutRequest};
//! let put = |k: &str, n: usize| PutRequest { key: k.into(), value: vec![b'x'; n], ..Default::default() };
//! assert!(limits::raft_put_len(&put("k", 1572840)) <= limits::MAX_REQUEST_BYTES);
//! assert!(limits::raft_put_len(&put("k", 1572841)) > limits::MAX_REQUEST_BYTES);
//! assert_eq!(limits::put_len(&put("k", 2097162)), 2097170);
//! ```

use super::types::*;

/// etcd's `--max-request-bytes` default.
pub const MAX_REQUEST_BYTES: usize = 1536 * 1024;
/// etcdctl's gRPC client send limit.
pub const MAX_CALL_SEND_MSG_SIZE: usize = 2 * 1024 * 1024;

/// The header every raft request carries: field 100 (a 2-byte tag), a 1-byte length, and a
/// `RequestHeader` holding the 9-byte varint request ID under a 1-byte tag.
const RAFT_HEADER: usize = 2 + 1 + 1 + 9;

fn varint_len(mut v: u64) -> usize {
    let mut n = 1;
    while v >= 0x80 {
        v >>= 7;
        n += 1;
    }
    n
}

fn bytes_field(len: usize) -> usize {
    if len == 0 {
        0
    } else {
        1 + varint_len(len as u64) + len
    }
}

fn int_field(v: i64) -> usize {
    if v == 0 {
        0
    } else {
        1 + varint_len(v as u64)
    }
}

fn bool_field(b: bool) -> usize {
    if b {
        2
    } else {
        0
    }
}

fn message_field(len: usize) -> usize {
    1 + varint_len(len as u64) + len
}

/// The encoded size of a `PutRequest`.
pub fn put_len(r: &PutRequest) -> usize {
    bytes_field(r.key.len()) + bytes_field(r.value.len()) + int_field(r.lease) + bool_field(r.prev_kv) + bool_field(r.ignore_value) + bool_field(r.ignore_lease)
}

fn delete_len(r: &DeleteRangeRequest) -> usize {
    bytes_field(r.key.len()) + bytes_field(r.range_end.len()) + bool_field(r.prev_kv)
}

fn range_len(r: &RangeRequest) -> usize {
    bytes_field(r.key.len()) + bytes_field(r.range_end.len()) + int_field(r.limit) + int_field(r.revision) + bool_field(r.serializable) + bool_field(r.keys_only) + bool_field(r.count_only)
}

fn compare_len(c: &Compare) -> usize {
    let target = match &c.target {
        CompareTarget::Version(v) | CompareTarget::Create(v) | CompareTarget::Mod(v) | CompareTarget::Lease(v) => 1 + varint_len(*v as u64),
        CompareTarget::Value(v) => 1 + varint_len(v.len() as u64) + v.len(),
    };
    // result and target enums (1 byte each with their tags when not zero), key, range_end (tag 64: 2 bytes).
    4 + bytes_field(c.key.len()) + if c.range_end.is_empty() { 0 } else { 1 + bytes_field(c.range_end.len()) } + target
}

/// The encoded size of a `TxnRequest` (nested txns are counted iteratively, not recursively).
pub fn txn_len(r: &TxnRequest) -> usize {
    let mut total = r.compare.iter().map(|c| message_field(compare_len(c))).sum::<usize>();
    let mut stack: Vec<&RequestOp> = r.success.iter().chain(r.failure.iter()).collect();
    while let Some(op) = stack.pop() {
        let inner = match op {
            RequestOp::Range(x) => range_len(x),
            RequestOp::Put(x) => put_len(x),
            RequestOp::DeleteRange(x) => delete_len(x),
            RequestOp::Txn(t) => {
                total += t.compare.iter().map(|c| message_field(compare_len(c))).sum::<usize>() + 4;
                stack.extend(t.success.iter().chain(t.failure.iter()));
                0
            }
        };
        total += message_field(message_field(inner));
    }
    total
}

/// The size of the raft request a put becomes.
pub fn raft_put_len(r: &PutRequest) -> usize {
    RAFT_HEADER + message_field(put_len(r))
}

pub fn raft_delete_len(r: &DeleteRangeRequest) -> usize {
    RAFT_HEADER + message_field(delete_len(r))
}

pub fn raft_txn_len(r: &TxnRequest) -> usize {
    RAFT_HEADER + message_field(txn_len(r))
}

/// `Err(RequestTooLarge)` when a raft request of `len` bytes is over `--max-request-bytes`.
pub fn check_request(len: usize) -> Result<(), super::EngineError> {
    if len > MAX_REQUEST_BYTES {
        Err(super::EngineError::RequestTooLarge)
    } else {
        Ok(())
    }
}
