//! CBOR decoding through `ciborium::Value`.
//!
//! Why not `ciborium::from_reader::<T>` directly: its streaming deserializer is instantiated
//! once per visitor type, ~1.8 KB of wasm for every struct in the session (51 of them), ~0.8 KB
//! per field-identifier visitor. Reading into one `Value` tree and deserializing from that keeps
//! the per-type code to a small `match`. Measured in the release wasm (session 2): the
//! first load went 17 KB (gzip) smaller when decoding moved to `Value`; encoding through
//! `Value` was 5.8 KB larger, so encoding stays streaming.
use serde::de::DeserializeOwned;

/// Decodes one CBOR item into `T`; any malformed input is an error message, never a panic.
pub fn from_slice<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, String> {
    let value: ciborium::Value = ciborium::from_reader(bytes).map_err(|e| e.to_string())?;
    value.deserialized().map_err(|e| e.to_string())
}

/// `#[serde(with = "crate::cbor::bytes")]` for a `Vec<u8>` field: written as a CBOR byte
/// string (serde's default is an array of numbers, up to twice the size and one `Value` per
/// byte when read back); read from either, so sessions saved before still load.
pub mod bytes {
    use serde::de::{Deserializer, SeqAccess, Visitor};
    use serde::Serializer;
    use std::fmt;

    pub fn serialize<S: Serializer>(data: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(data)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        struct BytesOrSeq;
        impl<'de> Visitor<'de> for BytesOrSeq {
            type Value = Vec<u8>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("bytes")
            }
            fn visit_bytes<E>(self, v: &[u8]) -> Result<Vec<u8>, E> {
                Ok(v.to_vec())
            }
            fn visit_byte_buf<E>(self, v: Vec<u8>) -> Result<Vec<u8>, E> {
                Ok(v)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<u8>, A::Error> {
                let mut out = Vec::new();
                while let Some(b) = seq.next_element::<u8>()? {
                    out.push(b);
                }
                Ok(out)
            }
        }
        d.deserialize_any(BytesOrSeq)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::types::KeyValue;
    use crate::vfs::Node;
    use serde::Serialize;

    fn encode<T: Serialize>(v: &T) -> Vec<u8> {
        let mut out = Vec::new();
        ciborium::into_writer(v, &mut out).unwrap();
        out
    }

    #[test]
    fn byte_fields_are_cbor_byte_strings_and_arrays_from_older_saves_still_load() {
        let kv = KeyValue { key: b"k1".to_vec(), create_revision: 2, mod_revision: 3, version: 2, value: vec![0xff; 300], lease: 0 };
        let bytes = encode(&kv);
        // 300 bytes >= 24 each would take 2 bytes as an array of numbers; as a byte string 1.
        assert!(bytes.len() < 400, "{} bytes", bytes.len());
        assert_eq!(from_slice::<KeyValue>(&bytes).unwrap(), kv);

        // The layout sessions were saved in before: every Vec<u8> an array of numbers.
        #[derive(Serialize)]
        struct OldKeyValue {
            key: Vec<u8>,
            create_revision: i64,
            mod_revision: i64,
            version: i64,
            value: Vec<u8>,
            lease: i64,
        }
        let old = OldKeyValue { key: kv.key.clone(), create_revision: 2, mod_revision: 3, version: 2, value: kv.value.clone(), lease: 0 };
        assert!(encode(&old).len() > 600);
        assert_eq!(from_slice::<KeyValue>(&encode(&old)).unwrap(), kv);

        #[derive(Serialize)]
        enum OldNode {
            #[allow(dead_code)]
            Dir,
            File { data: Vec<u8>, executable: bool },
        }
        let node: Node = from_slice(&encode(&OldNode::File { data: b"#!/bin/sh\n".to_vec(), executable: true })).unwrap();
        assert_eq!(node, Node::File { data: b"#!/bin/sh\n".to_vec(), executable: true });
    }

    #[test]
    fn malformed_input_is_an_error() {
        assert!(from_slice::<KeyValue>(&[]).is_err());
        assert!(from_slice::<KeyValue>(&[0xa1]).is_err());
        assert!(from_slice::<KeyValue>(&encode(&"text")).is_err());
        let cut = encode(&KeyValue::default());
        assert!(from_slice::<KeyValue>(&cut[..cut.len() - 1]).is_err());
    }
}
