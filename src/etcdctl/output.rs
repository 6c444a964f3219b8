//! etcdctl's printers: `simple`, `json` (Go's `encoding/json` of the protobuf structs: fields
//! in declaration order, zero values left out, bytes as base64, uint64 ids as numbers),
//! `fields` (`"Name" : value` lines) and `table` (olekukonko/tablewriter's boxes).
//!
//! ```
//! use etcd_playground::etcdctl::output::{base64, table};
//! assert_eq!(base64(b"k1"), "azE=");
//! let t = table(&["ID", "NAME"], &[vec!["8e9e05c52164694d".into(), "default".into()]]);
//! assert_eq!(t, "+------------------+---------+\n|        ID        |  NAME   |\n+------------------+---------+\n| 8e9e05c52164694d | default |\n+------------------+---------+\n");
//! ```

use crate::cluster::EtcdServer;
use crate::engine::KeyValue;

/// Standard base64 with padding (Go's `json.Marshal` of `[]byte`).
pub use crate::b64::encode as base64;

/// Go's JSON string encoding (with its HTML-safe escapes), shared with the snapshot code.
pub use crate::snapshot::json_str;

/// A JSON object built field by field, leaving out zero values as `omitempty` does.
#[derive(Default)]
pub struct Obj(Vec<String>);

impl Obj {
    pub fn new() -> Self {
        Obj(Vec::new())
    }
    pub fn int(mut self, k: &str, v: i64) -> Self {
        if v != 0 {
            self.0.push(format!("\"{k}\":{v}"));
        }
        self
    }
    pub fn uint(mut self, k: &str, v: u64) -> Self {
        if v != 0 {
            self.0.push(format!("\"{k}\":{v}"));
        }
        self
    }
    /// A field written even when zero (no `omitempty`).
    pub fn raw(mut self, k: &str, v: impl std::fmt::Display) -> Self {
        self.0.push(format!("\"{k}\":{v}"));
        self
    }
    pub fn bytes(mut self, k: &str, v: &[u8]) -> Self {
        if !v.is_empty() {
            self.0.push(format!("\"{k}\":\"{}\"", base64(v)));
        }
        self
    }
    pub fn str(mut self, k: &str, v: &str) -> Self {
        if !v.is_empty() {
            self.0.push(format!("\"{k}\":{}", json_str(v)));
        }
        self
    }
    pub fn bool(mut self, k: &str, v: bool) -> Self {
        if v {
            self.0.push(format!("\"{k}\":true"));
        }
        self
    }
    pub fn obj(mut self, k: &str, v: Obj) -> Self {
        self.0.push(format!("\"{k}\":{}", v.build()));
        self
    }
    pub fn arr(mut self, k: &str, items: Vec<String>) -> Self {
        if !items.is_empty() {
            self.0.push(format!("\"{k}\":[{}]", items.join(",")));
        }
        self
    }
    pub fn build(self) -> String {
        format!("{{{}}}", self.0.join(","))
    }
}

/// `etcdserverpb.ResponseHeader` as JSON.
pub fn header(s: &EtcdServer, revision: i64) -> Obj {
    Obj::new().uint("cluster_id", s.cluster_id).uint("member_id", s.member_id).int("revision", revision).uint("raft_term", s.raft_term)
}

/// `mvccpb.KeyValue` as JSON.
pub fn kv_json(kv: &KeyValue) -> String {
    Obj::new()
        .bytes("key", &kv.key)
        .int("create_revision", kv.create_revision)
        .int("mod_revision", kv.mod_revision)
        .int("version", kv.version)
        .bytes("value", &kv.value)
        .int("lease", kv.lease)
        .build()
}

/// The header's lines in the `fields` format.
pub fn header_fields(s: &EtcdServer, revision: i64) -> String {
    format!("\"ClusterID\" : {}\n\"MemberID\" : {}\n\"Revision\" : {revision}\n\"RaftTerm\" : {}\n", s.cluster_id, s.member_id, s.raft_term)
}

/// A key-value in the `fields` format.
pub fn kv_fields(kv: &KeyValue, _hex: bool) -> String {
    let hex = false; // the fields printer quotes bytes with %q, --hex or not
    format!(
        "\"Key\" : {}\n\"CreateRevision\" : {}\n\"ModRevision\" : {}\n\"Version\" : {}\n\"Value\" : {}\n\"Lease\" : {}\n",
        quoted_bytes(&kv.key, hex),
        kv.create_revision,
        kv.mod_revision,
        kv.version,
        quoted_bytes(&kv.value, hex),
        kv.lease
    )
}

/// Go's `%q` of a byte string (or, with `--hex`, the `\x..` form in quotes).
pub fn quoted_bytes(b: &[u8], hex: bool) -> String {
    if hex {
        return format!("\"{}\"", hex_bytes(b));
    }
    crate::gofmt::quote_bytes(b)
}

/// `--hex`: every byte as `\xNN`.
pub fn hex_bytes(b: &[u8]) -> String {
    b.iter().map(|c| format!("\\x{c:02x}")).collect()
}

/// Bytes as the simple printer shows them (raw, or `\xNN` with `--hex`).
pub fn simple_bytes(b: &[u8], hex: bool) -> String {
    if hex {
        hex_bytes(b)
    } else {
        String::from_utf8_lossy(b).into_owned()
    }
}

/// A table as etcdctl draws it: headers centered, cells right-aligned.
pub fn table(headers: &[&str], rows: &[Vec<String>]) -> String {
    let n = headers.len();
    let mut w: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for r in rows {
        for (i, c) in r.iter().enumerate().take(n) {
            w[i] = w[i].max(c.chars().count());
        }
    }
    let line: String = format!("+{}\n", w.iter().map(|x| format!("{}+", "-".repeat(x + 2))).collect::<String>());
    let mut o = line.clone();
    o.push('|');
    for (i, h) in headers.iter().enumerate() {
        let pad = w[i] - h.chars().count();
        let left = pad / 2;
        o.push_str(&format!(" {}{}{} |", " ".repeat(left), h, " ".repeat(pad - left)));
    }
    o.push('\n');
    o.push_str(&line);
    for r in rows {
        o.push('|');
        for i in 0..n {
            let c = r.get(i).map(String::as_str).unwrap_or("");
            o.push_str(&format!(" {}{} |", " ".repeat(w[i] - c.chars().count()), c));
        }
        o.push('\n');
    }
    o.push_str(&line);
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_padding() {
        assert_eq!(base64(b"a"), "YQ==");
        assert_eq!(base64(b"v1"), "djE=");
        assert_eq!(base64(b"abc"), "YWJj");
    }
}
