//! The crate's layers, read from its own imports (issue 18). Every top-level module of `src/`
//! has a layer; a module may use modules of its own layer or below. An edge that runs up a
//! layer fails this test unless it is in `ALLOWED_UP`, each entry with the reason it still
//! exists. The list only shrinks: an allowed edge that no longer exists fails too, so whoever
//! removes one also removes its entry.
//!
//! What counts as an edge: a `crate::NAME` path in non-test code (a `use`, a call, a type),
//! `crate::{a, b::c}` groups included. Test modules (`#[cfg(test)] mod tests`) are left out.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Bottom to top. Peers in one layer may use each other.
const LAYERS: &[(&str, &[&str])] = &[
    ("foundation: data structures and formats", &["sort", "sorted_map", "decimal", "b64", "cbor", "i18n", "markdown", "gofmt", "cobra"]),
    ("engine: the MVCC store", &["engine"]),
    ("files", &["vfs"]),
    ("snapshot files", &["snapshot"]),
    ("the node around etcd", &["cluster"]),
    ("what programs act on, and jobs that keep running", &["world", "process", "facts", "jobs"]),
    ("programs", &["etcdctl", "etcdmain", "etcdutl", "kubectl", "kubeadm", "crictl", "openssl", "sed", "netless", "coreutils", "goreman"]),
    ("the program table", &["commands"]),
    ("the shell", &["shell"]),
    ("what the page and the CLI build on the shell", &["lessons", "persist", "session_file", "validate", "inspect", "file_view", "cluster_view", "term", "lazy", "page"]),
    ("the page (wasm only)", &["web"]),
];

/// Edges that run up a layer, each with why. Empty since issue 18 (the last, lazy -> web, went
/// when the split points moved into `web::chunks`): keep it so.
const ALLOWED_UP: &[(&str, &str, &str)] = &[];

fn layer_of() -> BTreeMap<&'static str, usize> {
    LAYERS.iter().enumerate().flat_map(|(i, (_, mods))| mods.iter().map(move |m| (*m, i))).collect()
}

/// Top-level module name of a file under src/ (`src/shell/parse.rs` → `shell`).
fn top_module(rel: &Path) -> Option<String> {
    let first = rel.components().next()?.as_os_str().to_str()?;
    let name = first.strip_suffix(".rs").unwrap_or(first);
    (!matches!(name, "lib" | "main" | "cli")).then(|| name.to_string())
}

fn without_tests_and_comments(src: &str) -> String {
    let code = match src.find("#[cfg(test)]\nmod tests") {
        Some(i) => &src[..i],
        None => src,
    };
    code.lines().map(|l| l.split("//").next().unwrap_or("")).collect::<Vec<_>>().join("\n")
}

fn edges(modules: &BTreeSet<String>) -> BTreeSet<(String, String)> {
    let path_re = regex::Regex::new(r"crate::([a-z_][a-z0-9_]*)").unwrap();
    let group_re = regex::Regex::new(r"crate::\{([^}]*)\}").unwrap();
    let mut out = BTreeSet::new();
    let mut stack = vec![Path::new("src").to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let p = entry.unwrap().path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            if p.extension().and_then(|e| e.to_str()) != Some("rs") {
                continue;
            }
            let Some(from) = top_module(p.strip_prefix("src").unwrap()) else { continue };
            let code = without_tests_and_comments(&std::fs::read_to_string(&p).unwrap());
            let mut targets: Vec<String> = path_re.captures_iter(&code).map(|c| c[1].to_string()).collect();
            for g in group_re.captures_iter(&code) {
                targets.extend(g[1].split(',').filter_map(|part| part.trim().split("::").next()).map(|s| s.trim().to_string()));
            }
            for to in targets {
                if to != from && modules.contains(&to) {
                    out.insert((from.clone(), to));
                }
            }
        }
    }
    out
}

fn modules() -> BTreeSet<String> {
    std::fs::read_dir("src")
        .unwrap()
        .filter_map(|e| top_module(Path::new(&e.unwrap().file_name())))
        .collect()
}

#[test]
fn every_module_has_a_layer_and_no_import_runs_up_a_layer() {
    let layer = layer_of();
    let mods = modules();
    let unplaced: Vec<&String> = mods.iter().filter(|m| !layer.contains_key(m.as_str())).collect();
    assert!(unplaced.is_empty(), "modules without a layer in tests/layers.rs (and ARCHITECTURE.md): {unplaced:?}");
    let gone: Vec<&&str> = layer.keys().filter(|m| !mods.contains(**m)).collect();
    assert!(gone.is_empty(), "layers name modules that no longer exist: {gone:?}");

    let found = edges(&mods);
    let allowed: BTreeSet<(String, String)> = ALLOWED_UP.iter().map(|(a, b, _)| (a.to_string(), b.to_string())).collect();
    let up: Vec<String> = found
        .iter()
        .filter(|(a, b)| layer[b.as_str()] > layer[a.as_str()] && !allowed.contains(&(a.clone(), b.clone())))
        .map(|(a, b)| format!("{a} (layer {}) -> {b} (layer {})", LAYERS[layer[a.as_str()]].0, LAYERS[layer[b.as_str()]].0))
        .collect();
    assert!(up.is_empty(), "imports that run up a layer:\n  {}", up.join("\n  "));
    let stale: Vec<String> = allowed.iter().filter(|e| !found.contains(*e)).map(|(a, b)| format!("{a} -> {b}")).collect();
    assert!(stale.is_empty(), "ALLOWED_UP lists edges that no longer exist (remove them): {stale:?}");
}

#[test]
fn the_graph_reader_sees_a_known_edge_and_skips_tests() {
    // The engine uses sorted_map (a real edge); a `crate::shell` inside a test module is not one.
    let mods = modules();
    let e = edges(&mods);
    assert!(e.contains(&("engine".to_string(), "sorted_map".to_string())));
    assert!(!e.iter().any(|(a, b)| a == "engine" && layer_of()[b.as_str()] > 1), "the engine imports nothing above it");
    let code = without_tests_and_comments("use crate::vfs;\n#[cfg(test)]\nmod tests {\n use crate::shell;\n}\n");
    assert!(code.contains("crate::vfs") && !code.contains("crate::shell"));
}
