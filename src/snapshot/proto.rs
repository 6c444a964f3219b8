//! The two protobuf messages a snapshot stores, encoded by hand (a few varints are smaller in
//! wasm than a protobuf library): `mvccpb.KeyValue` in the `key` bucket and `leasepb.Lease`
//! in the `lease` bucket. Like gogoproto, fields holding their zero value are left out.
//! [`Msg`] builds any other message the same way (etcdctl's `-w protobuf` responses).
//!
//! ```
//! use etcd_playground::snapshot::proto;
//! use etcd_playground::engine::KeyValue;
//! let kv = KeyValue { key: b"k1".to_vec(), create_revision: 2, mod_revision: 2, version: 1, value: b"v1".to_vec(), lease: 0 };
//! // What etcd 3.4 writes for `etcdctl put k1 v1` on a fresh member:
//! assert_eq!(proto::encode_kv(&kv), b"\n\x02k1\x10\x02\x18\x02 \x01*\x02v1");
//! assert_eq!(proto::decode_kv(&proto::encode_kv(&kv)).unwrap(), kv);
//! ```

use crate::engine::KeyValue;

/// `leasepb.Lease` as stored in the `lease` bucket (keyed by the 8-byte big-endian ID).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LeaseRecord {
    pub id: i64,
    pub ttl: i64,
    pub remaining_ttl: i64,
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// A field's key: its number and wire type, as one varint (fields 16 and up take two bytes).
fn put_tag(out: &mut Vec<u8>, field: u32, wire: u8) {
    put_varint(out, (u64::from(field) << 3) | u64::from(wire));
}

fn put_int(out: &mut Vec<u8>, field: u32, v: i64) {
    if v != 0 {
        put_tag(out, field, 0);
        put_varint(out, v as u64);
    }
}

fn put_bytes(out: &mut Vec<u8>, field: u32, v: &[u8]) {
    if !v.is_empty() {
        put_tag(out, field, 2);
        put_varint(out, v.len() as u64);
        out.extend_from_slice(v);
    }
}

/// A protobuf message built field by field in field-number order, as gogoproto's `Marshal`
/// writes proto3: scalars holding their zero value are left out; a set sub-message, and each
/// item of a repeated field, is written even when empty.
///
/// ```
/// use etcd_playground::snapshot::proto::Msg;
/// // etcdserverpb.ResponseHeader{revision: 3, raft_term: 2} inside a PutResponse (field 1):
/// let h = Msg::new().uint(1, 0).int(3, 3).uint(4, 2);
/// assert_eq!(Msg::new().msg(1, h).build(), b"\n\x04\x18\x03\x20\x02");
/// ```
#[derive(Debug, Default, Clone)]
pub struct Msg(Vec<u8>);

impl Msg {
    pub fn new() -> Self {
        Msg(Vec::new())
    }
    /// `int64` (negative values take ten bytes, as in Go).
    pub fn int(mut self, field: u32, v: i64) -> Self {
        put_int(&mut self.0, field, v);
        self
    }
    /// `uint64` and enums.
    pub fn uint(self, field: u32, v: u64) -> Self {
        self.int(field, v as i64)
    }
    pub fn bool(self, field: u32, v: bool) -> Self {
        self.int(field, v as i64)
    }
    /// `bytes` and `string`.
    pub fn bytes(mut self, field: u32, v: &[u8]) -> Self {
        put_bytes(&mut self.0, field, v);
        self
    }
    /// A sub-message or one item of a repeated field: written even when empty.
    pub fn raw(mut self, field: u32, v: &[u8]) -> Self {
        put_tag(&mut self.0, field, 2);
        put_varint(&mut self.0, v.len() as u64);
        self.0.extend_from_slice(v);
        self
    }
    pub fn msg(self, field: u32, m: Msg) -> Self {
        self.raw(field, &m.0)
    }
    pub fn build(self) -> Vec<u8> {
        self.0
    }
}

pub fn encode_kv(kv: &KeyValue) -> Vec<u8> {
    let mut out = Vec::with_capacity(kv.key.len() + kv.value.len() + 24);
    put_bytes(&mut out, 1, &kv.key);
    put_int(&mut out, 2, kv.create_revision);
    put_int(&mut out, 3, kv.mod_revision);
    put_int(&mut out, 4, kv.version);
    put_bytes(&mut out, 5, &kv.value);
    put_int(&mut out, 6, kv.lease);
    out
}

pub fn encode_lease(l: &LeaseRecord) -> Vec<u8> {
    let mut out = Vec::with_capacity(24);
    put_int(&mut out, 1, l.id);
    put_int(&mut out, 2, l.ttl);
    put_int(&mut out, 3, l.remaining_ttl);
    out
}

/// A field as decoded: its number and either an integer or a byte string.
enum Field<'a> {
    Int(u32, u64),
    Bytes(u32, &'a [u8]),
}

/// Errors are gogoproto's texts (`proto: ...`).
fn fields(mut b: &[u8]) -> Result<Vec<Field<'_>>, String> {
    fn varint(b: &mut &[u8]) -> Result<u64, String> {
        let mut v: u64 = 0;
        for i in 0..10 {
            let Some((&byte, rest)) = b.split_first() else { return Err("unexpected EOF".into()) };
            *b = rest;
            v |= ((byte & 0x7f) as u64) << (7 * i);
            if byte < 0x80 {
                return Ok(v);
            }
        }
        Err("proto: integer overflow".into())
    }
    let mut out = Vec::new();
    while !b.is_empty() {
        let tag = varint(&mut b)?;
        let (num, wire) = ((tag >> 3) as u32, tag & 7);
        if num == 0 {
            return Err("proto: illegal tag 0 (wire type 0)".into());
        }
        match wire {
            0 => out.push(Field::Int(num, varint(&mut b)?)),
            1 | 5 => {
                let n = if wire == 1 { 8 } else { 4 };
                if b.len() < n {
                    return Err("unexpected EOF".into());
                }
                b = &b[n..];
            }
            2 => {
                let n = varint(&mut b)?;
                if n > b.len() as u64 {
                    return Err("unexpected EOF".into());
                }
                let (v, rest) = b.split_at(n as usize);
                out.push(Field::Bytes(num, v));
                b = rest;
            }
            w => return Err(format!("proto: illegal wireType {w}")),
        }
    }
    Ok(out)
}

pub fn decode_kv(b: &[u8]) -> Result<KeyValue, String> {
    let mut kv = KeyValue::default();
    for f in fields(b)? {
        match f {
            Field::Bytes(1, v) => kv.key = v.to_vec(),
            Field::Int(2, v) => kv.create_revision = v as i64,
            Field::Int(3, v) => kv.mod_revision = v as i64,
            Field::Int(4, v) => kv.version = v as i64,
            Field::Bytes(5, v) => kv.value = v.to_vec(),
            Field::Int(6, v) => kv.lease = v as i64,
            _ => {}
        }
    }
    Ok(kv)
}

pub fn decode_lease(b: &[u8]) -> Result<LeaseRecord, String> {
    let mut l = LeaseRecord::default();
    for f in fields(b)? {
        match f {
            Field::Int(1, v) => l.id = v as i64,
            Field::Int(2, v) => l.ttl = v as i64,
            Field::Int(3, v) => l.remaining_ttl = v as i64,
            _ => {}
        }
    }
    Ok(l)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lease_matches_etcd_bytes() {
        // From a real etcd 3.4.23 snapshot: lease 3cb5a21319506e0a, TTL 600.
        let l = LeaseRecord { id: 0x3cb5a21319506e0a, ttl: 600, remaining_ttl: 0 };
        assert_eq!(encode_lease(&l), b"\x08\x8a\xdc\xc1\xca\xb1\xc2\xe8\xda<\x10\xd8\x04");
        assert_eq!(decode_lease(&encode_lease(&l)).unwrap(), l);
    }

    #[test]
    fn negative_and_truncated() {
        let kv = KeyValue { key: b"a".to_vec(), lease: -1, ..Default::default() };
        assert_eq!(decode_kv(&encode_kv(&kv)).unwrap(), kv);
        let enc = encode_kv(&KeyValue { key: b"abc".to_vec(), value: b"xyz".to_vec(), ..Default::default() });
        for n in 0..enc.len() - 1 {
            let _ = decode_kv(&enc[..n]);
        }
        assert!(decode_kv(&enc[..enc.len() - 1]).is_err());
    }

    #[test]
    fn fields_from_16_up_take_a_two_byte_key() {
        // protobuf's key is varint(field << 3 | wire): field 16 of wire type 0 is 0x80 0x01, and
        // of wire type 2 is 0x82 0x01 (a u8 shift wrapped both to 0x00 / 0x02).
        assert_eq!(Msg::new().int(16, 1).build(), b"\x80\x01\x01");
        assert_eq!(Msg::new().bytes(16, b"x").build(), b"\x82\x01\x01x");
        assert_eq!(Msg::new().raw(31, b"").build(), b"\xfa\x01\x00");
        assert_eq!(Msg::new().int(15, 1).build(), b"\x78\x01");
    }
}
