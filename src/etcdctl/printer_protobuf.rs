//! `-w protobuf`: etcdctl's `pbPrinter` (etcdctl/ctlv3/command/printer_protobuf.go, the same
//! in 3.4.23 and 3.5.16) writes the response message as gogoproto marshals it, with
//! `fmt.Print`: binary, no newline. Field numbers from etcd's `rpc.proto`, `kv.proto` and
//! `auth.proto`; the encoder is [`crate::snapshot::proto::Msg`].
//!
//! Which commands print what (checked against real etcdctl 3.4.23, and in printer.go):
//! - put, get, del, txn, member list, alarm, user/role commands: their response message.
//! - lease grant, keep-alive, timetolive, list: `clientv3`'s own structs are no protobuf
//!   messages, but they embed `*pb.ResponseHeader`, whose `Marshal` is promoted: the bytes of
//!   the header alone.
//! - lease revoke: `clientv3.LeaseRevokeResponse` has no `Marshal` at all: `Error: marshal
//!   unsupported for type ...`, exit 4 (after the lease is revoked).
//! - endpoint health/status/hashkv, snapshot status: `protobuf not supported as output
//!   format`, exit 4.
//! - compaction, defrag, version, auth enable/disable, snapshot save: they print their text
//!   without the printer.
//!
//! ```
//! use etcd_playground::etcdctl::printer_protobuf::kv;
//! use etcd_playground::engine::KeyValue;
//! let k = KeyValue { key: b"k1".to_vec(), create_revision: 2, mod_revision: 2, version: 1, value: b"v1".to_vec(), lease: 0 };
//! assert_eq!(kv(&k), b"\n\x02k1\x10\x02\x18\x02 \x01*\x02v1");
//! ```

use crate::cluster::EtcdServer;
use crate::engine::KeyValue;
use crate::process::Proc;
pub use crate::snapshot::proto::Msg;

/// `etcdserverpb.ResponseHeader`.
pub fn header(s: &EtcdServer, revision: i64) -> Msg {
    Msg::new()
        .uint(1, s.cluster_id)
        .uint(2, s.member_id)
        .int(3, revision)
        .uint(4, s.raft_term)
}

/// A response whose only field is its header (field 1).
pub fn with_header(s: &EtcdServer, revision: i64) -> Msg {
    Msg::new().msg(1, header(s, revision))
}

/// `mvccpb.KeyValue` (the snapshot's encoder: the same message).
pub fn kv(kv: &KeyValue) -> Vec<u8> {
    crate::snapshot::proto::encode_kv(kv)
}

/// `fmt.Print(string(b))`, and the playground's note on what these bytes are.
pub fn print(p: &mut Proc, m: Msg) {
    p.write_bytes(&m.build());
    explain(p);
}

pub fn explain(p: &mut Proc) {
    p.explain(
        "That is the response as binary protobuf (the gRPC message etcd sent, marshalled as is): meant for programs, not for people. A terminal shows its bytes as odd characters; redirect it to a file (`> out.pb`) or pipe it (`| base64`) to keep it intact.",
        "Isso é a resposta em protobuf binário (a mensagem gRPC que o etcd enviou, serializada como está): feita para programas, não para pessoas. Um terminal mostra os bytes como caracteres estranhos; redirecione para um arquivo (`> out.pb`) ou passe por um pipe (`| base64`) para mantê-la intacta.",
    );
}

/// Go's `%v` of a `ResponseHeader` pointer inside a struct: its proto text form.
pub fn header_text(s: &EtcdServer, revision: i64) -> String {
    let mut o = String::new();
    for (name, v) in [
        ("cluster_id", s.cluster_id),
        ("member_id", s.member_id),
        ("revision", revision as u64),
        ("raft_term", s.raft_term),
    ] {
        if v != 0 {
            if name == "revision" {
                o.push_str(&format!("{name}:{} ", v as i64));
            } else {
                o.push_str(&format!("{name}:{v} "));
            }
        }
    }
    o
}
