//! Request and response types, named and shaped after etcd's `etcdserverpb` and `mvccpb`
//! protobufs so that etcdctl's JSON output can be produced field for field.

use serde::{Deserialize, Serialize};

/// `mvccpb.KeyValue`: one version of one key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct KeyValue {
    // Saved as CBOR byte strings (arrays of numbers before; both load).
    #[serde(with = "crate::cbor::bytes")]
    pub key: Vec<u8>,
    pub create_revision: i64,
    pub mod_revision: i64,
    pub version: i64,
    #[serde(with = "crate::cbor::bytes")]
    pub value: Vec<u8>,
    pub lease: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum SortOrder {
    #[default]
    None,
    Ascend,
    Descend,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum SortTarget {
    #[default]
    Key,
    Version,
    Create,
    Mod,
    Value,
}

/// `etcdserverpb.RangeRequest`. `range_end` empty means the single key `key`;
/// `range_end == [0]` means every key >= `key`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct RangeRequest {
    pub key: Vec<u8>,
    pub range_end: Vec<u8>,
    pub limit: i64,
    /// 0 reads the current revision.
    pub revision: i64,
    pub sort_order: SortOrder,
    pub sort_target: SortTarget,
    pub serializable: bool,
    pub keys_only: bool,
    pub count_only: bool,
    pub min_mod_revision: i64,
    pub max_mod_revision: i64,
    pub min_create_revision: i64,
    pub max_create_revision: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct RangeResponse {
    pub kvs: Vec<KeyValue>,
    pub more: bool,
    pub count: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct PutRequest {
    pub key: Vec<u8>,
    pub value: Vec<u8>,
    pub lease: i64,
    pub prev_kv: bool,
    pub ignore_value: bool,
    pub ignore_lease: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct PutResponse {
    pub prev_kv: Option<KeyValue>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct DeleteRangeRequest {
    pub key: Vec<u8>,
    pub range_end: Vec<u8>,
    pub prev_kv: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct DeleteRangeResponse {
    pub deleted: i64,
    pub prev_kvs: Vec<KeyValue>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CompareResult {
    Equal,
    Greater,
    Less,
    NotEqual,
}

/// What a compare looks at, with the operand (etcd's `target` + `target_union`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum CompareTarget {
    Version(i64),
    Create(i64),
    Mod(i64),
    Value(Vec<u8>),
    Lease(i64),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Compare {
    pub result: CompareResult,
    pub target: CompareTarget,
    pub key: Vec<u8>,
    pub range_end: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum RequestOp {
    Range(RangeRequest),
    Put(PutRequest),
    DeleteRange(DeleteRangeRequest),
    Txn(TxnRequest),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ResponseOp {
    Range(RangeResponse),
    Put(PutResponse),
    DeleteRange(DeleteRangeResponse),
    Txn(TxnResponse),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct TxnRequest {
    pub compare: Vec<Compare>,
    pub success: Vec<RequestOp>,
    pub failure: Vec<RequestOp>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct TxnResponse {
    pub succeeded: bool,
    pub responses: Vec<ResponseOp>,
}

impl KeyValue {
    /// The protobuf encoding of `mvccpb.KeyValue`, byte for byte what etcd stores as the value
    /// in bbolt's `key` bucket (proto3: zero fields are left out).
    ///
    /// ```
    /// use etcd_playground::engine::KeyValue;
    /// let kv = KeyValue { key: b"a".to_vec(), create_revision: 2, mod_revision: 2, version: 1, value: b"1".to_vec(), lease: 0 };
    /// assert_eq!(kv.encode_proto(), vec![0x0a, 1, b'a', 0x10, 2, 0x18, 2, 0x20, 1, 0x2a, 1, b'1']);
    /// // A tombstone is stored as a KeyValue holding only the key.
    /// assert_eq!(KeyValue { key: b"a".to_vec(), ..Default::default() }.encode_proto(), vec![0x0a, 1, b'a']);
    /// ```
    pub fn encode_proto(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.key.len() + self.value.len() + 24);
        proto_bytes(&mut out, 1, &self.key);
        proto_varint_field(&mut out, 2, self.create_revision);
        proto_varint_field(&mut out, 3, self.mod_revision);
        proto_varint_field(&mut out, 4, self.version);
        proto_bytes(&mut out, 5, &self.value);
        proto_varint_field(&mut out, 6, self.lease);
        out
    }
}

impl KeyValue {
    /// `encode_proto().len()`, without encoding.
    ///
    /// ```
    /// use etcd_playground::engine::KeyValue;
    /// let kv = KeyValue { key: vec![b'k'; 200], create_revision: 300, mod_revision: 1 << 40, version: 1, value: vec![1; 5], lease: -1 };
    /// assert_eq!(kv.proto_len(), kv.encode_proto().len());
    /// ```
    pub fn proto_len(&self) -> usize {
        let bytes = |b: &[u8]| if b.is_empty() { 0 } else { 1 + varint_len(b.len() as u64) + b.len() };
        let int = |v: i64| if v == 0 { 0 } else { 1 + varint_len(v as u64) };
        bytes(&self.key) + int(self.create_revision) + int(self.mod_revision) + int(self.version) + bytes(&self.value) + int(self.lease)
    }
}

fn varint_len(v: u64) -> usize {
    (64 - (v | 1).leading_zeros() as usize).div_ceil(7)
}

fn proto_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn proto_varint_field(out: &mut Vec<u8>, field: u64, v: i64) {
    if v != 0 {
        proto_varint(out, field << 3);
        proto_varint(out, v as u64);
    }
}

fn proto_bytes(out: &mut Vec<u8>, field: u64, b: &[u8]) {
    if !b.is_empty() {
        proto_varint(out, (field << 3) | 2);
        proto_varint(out, b.len() as u64);
        out.extend_from_slice(b);
    }
}

/// `mvccpb.Event_EventType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum EventType {
    #[default]
    Put,
    Delete,
}

/// `mvccpb.Event`: one change seen by a watcher. For a delete, `kv` holds only the key and
/// the delete's `mod_revision` (as etcd sends it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Event {
    pub kind: EventType,
    pub kv: KeyValue,
    /// The key-value before this change, when the watcher asked for it and it still exists.
    pub prev_kv: Option<KeyValue>,
}

/// `etcdserverpb.WatchCreateRequest_FilterType`: events a watcher does not want.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum WatchFilter {
    NoPut,
    NoDelete,
}

/// `etcdserverpb.WatchCreateRequest`. `start_revision` 0 watches from the next revision;
/// `watch_id` 0 lets the store pick the lowest free id (etcd's `AutoWatchID`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct WatchCreate {
    pub key: Vec<u8>,
    pub range_end: Vec<u8>,
    pub start_revision: i64,
    pub prev_kv: bool,
    pub filters: Vec<WatchFilter>,
    pub progress_notify: bool,
    pub watch_id: i64,
}

/// `etcdserverpb.LeaseGrantResponse` (without the header).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct LeaseGrantResponse {
    pub id: i64,
    /// The TTL granted: the requested one raised to the minimum TTL.
    pub ttl: i64,
}

/// `etcdserverpb.LeaseTimeToLiveResponse` (without the header). As etcd's server does, an
/// unknown lease is answered with `ttl == -1` rather than an error (etcdctl then prints
/// `lease … already expired`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct LeaseTimeToLiveResponse {
    pub id: i64,
    /// Remaining seconds, truncated; -1 when the lease does not exist.
    pub ttl: i64,
    pub granted_ttl: i64,
    /// The attached keys (sorted; etcd returns them in map order), only when asked for.
    pub keys: Vec<Vec<u8>>,
}

/// `etcdserverpb.AlarmType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum AlarmType {
    NoSpace,
    Corrupt,
}

impl std::fmt::Display for AlarmType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            AlarmType::NoSpace => "NOSPACE",
            AlarmType::Corrupt => "CORRUPT",
        })
    }
}

/// `etcdserverpb.AlarmMember`: etcdctl prints it as `memberID:<id> alarm:NOSPACE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct AlarmMember {
    pub member_id: u64,
    pub alarm: AlarmType,
}

/// The range end that covers every key starting with `prefix` (etcd's `GetPrefixRangeEnd`):
/// the prefix with its last byte below 0xff incremented; `[0]` (all keys) when there is none.
///
/// ```
/// use etcd_playground::engine::types::prefix_end;
/// assert_eq!(prefix_end(b"/registry/"), b"/registry0".to_vec());
/// assert_eq!(prefix_end(b"a\xff"), b"b".to_vec());
/// assert_eq!(prefix_end(b"\xff"), vec![0]);
/// ```
pub fn prefix_end(prefix: &[u8]) -> Vec<u8> {
    let mut end = prefix.to_vec();
    while let Some(last) = end.pop() {
        if last < 0xff {
            end.push(last + 1);
            return end;
        }
    }
    vec![0]
}
