//! The YAML Kubernetes speaks, for manifests and `kubectl -o yaml`: [`to_yaml`] prints a JSON
//! value the way `sigs.k8s.io/yaml` (yaml.v2) does — keys sorted, sequences not indented under
//! their key, strings quoted only when they would read as something else — and [`parse`]
//! reads the block-style subset manifests are written in back into JSON.
//!
//! ```
//! use etcd_playground::cluster::yaml::{parse, to_yaml};
//! let v = parse("spec:\n  containers:\n  - name: etcd\n    command:\n    - etcd\n    - --data-dir=/var/lib/etcd\n").unwrap();
//! assert_eq!(v["spec"]["containers"][0]["command"][1], "--data-dir=/var/lib/etcd");
//! assert_eq!(to_yaml(&v), "spec:\n  containers:\n  - command:\n    - etcd\n    - --data-dir=/var/lib/etcd\n    name: etcd\n");
//! ```

use serde_json::{Map, Value};

/// A JSON value as YAML text (ends in a newline).
pub fn to_yaml(v: &Value) -> String {
    let mut out = String::new();
    match v {
        Value::Object(m) if !m.is_empty() => emit_map(m, 0, &mut out),
        Value::Array(a) if !a.is_empty() => emit_seq(a, 0, &mut out),
        other => {
            out.push_str(&scalar(other, 0));
            out.push('\n');
        }
    }
    out
}

fn emit_map(m: &Map<String, Value>, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    for (k, v) in m {
        out.push_str(&pad);
        out.push_str(&quote(k));
        out.push(':');
        emit_value(v, indent, indent + 2, out);
    }
}

/// Writes what follows `key:` (or `- `): inline scalar or a nested block.
fn emit_value(v: &Value, indent: usize, child_indent: usize, out: &mut String) {
    match v {
        Value::Object(c) if !c.is_empty() => {
            out.push('\n');
            emit_map(c, child_indent, out);
        }
        Value::Array(a) if !a.is_empty() => {
            out.push('\n');
            emit_seq(a, indent, out);
        }
        Value::String(s) if s.contains('\n') => {
            out.push_str(if s.ends_with('\n') { " |\n" } else { " |-\n" });
            for line in s.trim_end_matches('\n').split('\n') {
                if !line.is_empty() {
                    out.push_str(&" ".repeat(child_indent));
                    out.push_str(line);
                }
                out.push('\n');
            }
        }
        other => {
            out.push(' ');
            out.push_str(&scalar(other, child_indent));
            out.push('\n');
        }
    }
}

fn emit_seq(a: &[Value], indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    for v in a {
        out.push_str(&pad);
        out.push('-');
        match v {
            Value::Object(m) if !m.is_empty() => {
                // The first key sits on the dash line, the rest under it.
                let mut first = true;
                for (k, val) in m {
                    if first {
                        out.push(' ');
                        first = false;
                    } else {
                        out.push_str(&pad);
                        out.push_str("  ");
                    }
                    out.push_str(&quote(k));
                    out.push(':');
                    emit_value(val, indent + 2, indent + 4, out);
                }
            }
            Value::Array(inner) if !inner.is_empty() => {
                out.push('\n');
                emit_seq(inner, indent + 2, out);
            }
            other => emit_value(other, indent, indent + 2, out),
        }
    }
}

fn scalar(v: &Value, _indent: usize) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => number(n),
        Value::String(s) => quote(s),
        Value::Object(_) => "{}".into(),
        Value::Array(_) => "[]".into(),
    }
}

/// A string as yaml.v2 writes it: plain unless it would read back as another type or breaks
/// the syntax, then double-quoted.
fn quote(s: &str) -> String {
    let needs = s.is_empty()
        || !matches!(plain_scalar(s), Value::String(_))
        || looks_like_timestamp(s)
        || s.starts_with(|c: char| " -?:,[]{}#&*!|>'\"%@`".contains(c)) && !(s.starts_with('-') && s.len() > 1 && !s[1..].starts_with(' '))
        || s.ends_with(' ')
        || s.contains(": ")
        || s.contains(" #")
        || s.ends_with(':');
    if needs {
        serde_json::to_string(s).unwrap_or_default()
    } else {
        s.to_string()
    }
}

fn looks_like_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 10 && b[..4].iter().all(u8::is_ascii_digit) && b[4] == b'-' && b[7] == b'-'
}

/// How a plain (unquoted) scalar reads: YAML 1.1 booleans, null, numbers, else a string.
fn plain_scalar(s: &str) -> Value {
    match s {
        "null" | "Null" | "NULL" | "~" => return Value::Null,
        "true" | "True" | "TRUE" | "yes" | "Yes" | "on" | "On" => return Value::Bool(true),
        "false" | "False" | "FALSE" | "no" | "No" | "off" | "Off" => return Value::Bool(false),
        _ => {}
    }
    if let Ok(i) = s.parse::<i64>() {
        return Value::from(i);
    }
    // Floats stay strings: manifests have none, and float formatting would cost the page
    // ~20 KB of wasm (core's flt2dec/dec2flt).
    Value::String(s.to_string())
}

/// An integer as text without going through `Number`'s float-capable `Display`.
pub fn number(n: &serde_json::Number) -> String {
    match (n.as_i64(), n.as_u64()) {
        (Some(i), _) => i.to_string(),
        (None, Some(u)) => u.to_string(),
        _ => "0".to_string(),
    }
}

struct Line {
    indent: usize,
    text: String,
    no: usize,
}

/// Parses block-style YAML (maps, sequences, scalars, `|` blocks, `{}`/`[]`, simple flow
/// sequences). Errors name the line, as the kubelet's decoder does in its log.
pub fn parse(src: &str) -> Result<Value, String> {
    let raw: Vec<&str> = src.lines().collect();
    let mut lines = Vec::new();
    let mut i = 0;
    while i < raw.len() {
        let l = raw[i];
        let t = l.trim_start();
        if l.contains('\t') && l.trim_start_matches(' ').starts_with('\t') {
            return Err(format!("yaml: line {}: found character that cannot start any token", i + 1));
        }
        if t.is_empty() || t.starts_with('#') || t == "---" {
            i += 1;
            continue;
        }
        let indent = l.len() - t.len();
        let text = strip_comment(t).to_string();
        // A `|` block: keep the following more-indented lines verbatim in this line's text.
        if text.ends_with(": |") || text.ends_with(": |-") || text == "- |" {
            let keep_nl = !text.ends_with('-');
            let mut block = Vec::new();
            let mut j = i + 1;
            let mut bi = None;
            while j < raw.len() {
                let r = raw[j];
                let ri = r.len() - r.trim_start().len();
                if !r.trim().is_empty() && ri <= indent {
                    break;
                }
                let b = *bi.get_or_insert(ri);
                block.push(r.get(b..).unwrap_or_else(|| r.trim_start()));
                j += 1;
            }
            while block.last().is_some_and(|l| l.is_empty()) {
                block.pop();
            }
            let mut body = block.join("\n");
            if keep_nl {
                body.push('\n');
            }
            let head = text.trim_end_matches('-').trim_end_matches('|').trim_end();
            lines.push(Line { indent, text: format!("{head} {}", serde_json::to_string(&body).unwrap_or_default()), no: i + 1 });
            i = j;
            continue;
        }
        lines.push(Line { indent, text, no: i + 1 });
        i += 1;
    }
    if lines.is_empty() {
        return Ok(Value::Null);
    }
    let ind = lines[0].indent;
    let (v, next) = node(&mut lines, 0, ind)?;
    if next < lines.len() {
        return Err(format!("yaml: line {}: did not find expected key", lines[next].no));
    }
    Ok(v)
}

fn strip_comment(t: &str) -> &str {
    let mut in_s = false;
    let mut in_d = false;
    let b = t.as_bytes();
    for (i, &c) in b.iter().enumerate() {
        match c {
            b'\'' if !in_d => in_s = !in_s,
            b'"' if !in_s => in_d = !in_d,
            b'#' if !in_s && !in_d && i > 0 && b[i - 1] == b' ' => return t[..i].trim_end(),
            _ => {}
        }
    }
    t.trim_end()
}

fn is_seq_item(t: &str) -> bool {
    t == "-" || t.starts_with("- ")
}

/// Nesting deeper than this is refused (a hostile manifest must not exhaust the stack).
const MAX_DEPTH: usize = 64;

fn node(lines: &mut Vec<Line>, i: usize, indent: usize) -> Result<(Value, usize), String> {
    if indent > MAX_DEPTH * 4 || lines[i].text.starts_with("- ".repeat(MAX_DEPTH / 4).as_str()) {
        return Err(format!("yaml: line {}: exceeded max depth of {MAX_DEPTH}", lines[i].no));
    }
    if is_seq_item(&lines[i].text) {
        seq(lines, i, indent)
    } else if split_key(&lines[i].text).is_some() {
        map(lines, i, indent)
    } else {
        let v = value_of(&lines[i].text, lines[i].no)?;
        Ok((v, i + 1))
    }
}

fn seq(lines: &mut Vec<Line>, mut i: usize, indent: usize) -> Result<(Value, usize), String> {
    let mut items = Vec::new();
    while i < lines.len() && lines[i].indent == indent && is_seq_item(&lines[i].text) {
        let rest = lines[i].text[1..].trim_start().to_string();
        if rest.is_empty() {
            if i + 1 < lines.len() && lines[i + 1].indent > indent {
                let ci = lines[i + 1].indent;
                let (v, n) = node(lines, i + 1, ci)?;
                items.push(v);
                i = n;
            } else {
                items.push(Value::Null);
                i += 1;
            }
            continue;
        }
        // `- key: v` opens a map whose keys line up with `key`.
        let offset = lines[i].text.len() - rest.len();
        lines[i].indent = indent + offset;
        lines[i].text = rest;
        let ci = lines[i].indent;
        let (v, n) = node(lines, i, ci)?;
        items.push(v);
        i = n;
    }
    Ok((Value::Array(items), i))
}

/// `key: rest` → (key, rest); None when the line is not a mapping entry.
fn split_key(t: &str) -> Option<(String, String)> {
    let (k, rest) = if let Some(stripped) = t.strip_prefix('"') {
        let end = stripped.find('"')?;
        let after = &stripped[end + 1..];
        let rest = after.strip_prefix(':')?;
        (stripped[..end].to_string(), rest)
    } else if let Some(pos) = t.find(": ") {
        (t[..pos].to_string(), &t[pos + 1..])
    } else if let Some(k) = t.strip_suffix(':') {
        (k.to_string(), "")
    } else {
        return None;
    };
    if k.starts_with('[') || k.starts_with('{') {
        return None;
    }
    Some((k.trim().to_string(), rest.trim().to_string()))
}

fn map(lines: &mut Vec<Line>, mut i: usize, indent: usize) -> Result<(Value, usize), String> {
    let mut m = Map::new();
    while i < lines.len() && lines[i].indent == indent && !is_seq_item(&lines[i].text) {
        let no = lines[i].no;
        let Some((k, rest)) = split_key(&lines[i].text) else {
            return Err(format!("yaml: line {no}: could not find expected ':'"));
        };
        i += 1;
        let v = if !rest.is_empty() {
            value_of(&rest, no)?
        } else if i < lines.len() && lines[i].indent > indent {
            let ci = lines[i].indent;
            let (v, n) = node(lines, i, ci)?;
            i = n;
            v
        } else if i < lines.len() && lines[i].indent == indent && is_seq_item(&lines[i].text) {
            let (v, n) = seq(lines, i, indent)?;
            i = n;
            v
        } else {
            Value::Null
        };
        if m.insert(k.clone(), v).is_some() {
            return Err(format!("yaml: line {no}: key \"{k}\" already set in map"));
        }
    }
    if i < lines.len() && lines[i].indent > indent {
        return Err(format!("yaml: line {}: mapping values are not allowed in this context", lines[i].no));
    }
    Ok((Value::Object(m), i))
}

fn value_of(t: &str, no: usize) -> Result<Value, String> {
    let t = t.trim();
    if t.starts_with('"') {
        return serde_json::from_str::<String>(t).map(Value::String).map_err(|_| format!("yaml: line {no}: found unexpected end of stream"));
    }
    if let Some(inner) = t.strip_prefix('\'') {
        let Some(inner) = inner.strip_suffix('\'') else { return Err(format!("yaml: line {no}: found unexpected end of stream")) };
        return Ok(Value::String(inner.replace("''", "'")));
    }
    if t == "{}" {
        return Ok(Value::Object(Map::new()));
    }
    if t.starts_with('[') {
        let b = t.as_bytes();
        let mut pos = 0;
        let v = flow_seq(t, b, &mut pos, 1, no)?;
        if t[pos..].trim().is_empty() {
            return Ok(v);
        }
        return Err(format!("yaml: line {no}: did not find expected <document start>"));
    }
    if t.starts_with('{') || t.starts_with('&') || t.starts_with('*') {
        return Err(format!("yaml: line {no}: flow mappings and anchors are not supported here"));
    }
    if t.contains(": ") {
        return Err(format!("yaml: line {no}: mapping values are not allowed in this context"));
    }
    Ok(plain_scalar(t))
}

/// A flow sequence `[a, [b, "c"], {}]` starting at `b[*pos] == b'['`; `depth` counts the
/// enclosing sequences and is capped at [`MAX_DEPTH`] (`labels: [[[…20000…]]]` is an error
/// naming the line, not a stack overflow).
fn flow_seq(t: &str, b: &[u8], pos: &mut usize, depth: usize, no: usize) -> Result<Value, String> {
    if depth > MAX_DEPTH {
        return Err(format!("yaml: line {no}: exceeded max depth of {MAX_DEPTH}"));
    }
    let unclosed = || format!("yaml: line {no}: did not find expected ',' or ']'");
    *pos += 1;
    let mut items = Vec::new();
    loop {
        while *pos < b.len() && b[*pos] == b' ' {
            *pos += 1;
        }
        match b.get(*pos) {
            None => return Err(unclosed()),
            Some(b']') if items.is_empty() => {
                *pos += 1;
                return Ok(Value::Array(items));
            }
            Some(b'[') => items.push(flow_seq(t, b, pos, depth + 1, no)?),
            Some(b'"') => {
                // A JSON-style string: up to the next unescaped quote.
                let start = *pos;
                *pos += 1;
                while *pos < b.len() && b[*pos] != b'"' {
                    *pos += if b[*pos] == b'\\' { 2 } else { 1 };
                }
                *pos = (*pos + 1).min(b.len());
                items.push(value_of(&t[start..*pos], no)?);
            }
            Some(_) => {
                let start = *pos;
                while *pos < b.len() && !matches!(b[*pos], b',' | b']' | b'[') {
                    *pos += 1;
                }
                let item = t[start..*pos].trim();
                if item.is_empty() {
                    return Err(format!("yaml: line {no}: did not find expected node content"));
                }
                items.push(value_of(item, no)?);
            }
        }
        while *pos < b.len() && b[*pos] == b' ' {
            *pos += 1;
        }
        match b.get(*pos) {
            Some(b',') => *pos += 1,
            Some(b']') => {
                *pos += 1;
                return Ok(Value::Array(items));
            }
            _ => return Err(unclosed()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_a_manifest_shape() {
        let src = "apiVersion: v1\nkind: Pod\nmetadata:\n  annotations:\n    a.io/x: https://172.17.0.2:2379\n  creationTimestamp: null\n  labels:\n    component: etcd\n  name: etcd\nspec:\n  containers:\n  - command:\n    - etcd\n    - --client-cert-auth=true\n    name: etcd\n    resources:\n      requests:\n        cpu: 100m\n  hostNetwork: true\n  priority: 2000001000\nstatus: {}\n";
        let v = parse(src).unwrap();
        assert_eq!(v["spec"]["priority"], 2000001000);
        assert_eq!(v["spec"]["hostNetwork"], true);
        assert_eq!(to_yaml(&v), src);
    }

    #[test]
    fn quotes_what_would_change_type_and_keeps_blocks() {
        let v = serde_json::json!({"t": "2025-01-06T09:12:41Z", "n": "2379", "e": "", "b": "true", "c": "a\nb\n"});
        assert_eq!(to_yaml(&v), "b: \"true\"\nc: |\n  a\n  b\ne: \"\"\nn: \"2379\"\nt: \"2025-01-06T09:12:41Z\"\n");
        assert_eq!(parse(&to_yaml(&v)).unwrap(), v);
    }

    #[test]
    fn bad_yaml_is_an_error_not_a_panic() {
        for bad in ["a: b: c", "a:\n  b: 1\n   c: 2", "- a\nb: 1", "a: \"open", "\tx: 1", "a: [1, 2"] {
            assert!(parse(bad).is_err(), "{bad:?} parsed");
        }
    }

    #[test]
    fn flow_sequences_nest_and_are_limited() {
        assert_eq!(parse("a: [1, [b, \"c,]\"], []]\n").unwrap(), serde_json::json!({"a": [1, ["b", "c,]"], []]}));
        assert_eq!(parse("a: [x, y]\n").unwrap(), serde_json::json!({"a": ["x", "y"]}));
        for bad in ["a: [1,", "a: [[1]", "a: [1]]", "a: [1,,2]"] {
            assert!(parse(bad).is_err(), "{bad:?} parsed");
        }
        // 20000 levels on a 1 MiB stack: an error naming the line.
        let doc = format!("kind: Pod\nlabels: {}{}\n", "[".repeat(20000), "]".repeat(20000));
        let r = std::thread::Builder::new().stack_size(1 << 20).spawn(move || parse(&doc)).unwrap().join().unwrap();
        assert_eq!(r.unwrap_err(), "yaml: line 2: exceeded max depth of 64");
        let ok = format!("a: {}{}\n", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(parse(&ok).is_ok());
    }
}
