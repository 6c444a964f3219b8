//! `tar` (GNU tar 1.34) for the simulated release tarballs: `x` and `t`, with `z`, `v`, `f`,
//! `-C DIR` and `--strip-components=N`, in old (`xzvf`), short (`-xzvf`) and long forms.
//!
//! ```text
//! $ tar xzvf /tmp/etcd-v3.4.7-linux-amd64.tar.gz -C /tmp/etcd-download-test --strip-components=1
//! etcd-v3.4.7-linux-amd64/Documentation/
//! ...
//! etcd-v3.4.7-linux-amd64/etcd
//! etcd-v3.4.7-linux-amd64/etcdctl
//! ```
//!
//! The archive format is the playground's own (plain text, so it also flows through pipes):
//! a `ETCD-PLAYGROUND-TGZ 1` line, then entries `D path` or `F mode length path` followed by
//! `length` bytes of content. GNU tar prints the member names as stored, before stripping, and
//! leaves out members that stripping empties.

use super::{binary_marker, Release};
use crate::process::Proc;
use crate::world::World;

const MAGIC: &str = "ETCD-PLAYGROUND-TGZ 1\n";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub path: String,
    /// `None` for a directory.
    pub data: Option<Vec<u8>>,
    pub mode: u32,
}

/// Serializes entries into the simulated `.tar.gz` format.
pub fn pack(entries: &[Entry]) -> Vec<u8> {
    let mut out = MAGIC.as_bytes().to_vec();
    for e in entries {
        match &e.data {
            None => out.extend_from_slice(format!("D {}\n", e.path).as_bytes()),
            Some(d) => {
                out.extend_from_slice(format!("F {:o} {} {}\n", e.mode, d.len(), e.path).as_bytes());
                out.extend_from_slice(d);
            }
        }
    }
    out
}

/// Reads the simulated format; `None` when the data is not such an archive.
pub fn unpack(data: &[u8]) -> Option<Vec<Entry>> {
    let mut rest = data.strip_prefix(MAGIC.as_bytes())?;
    let mut entries = Vec::new();
    while !rest.is_empty() {
        let nl = rest.iter().position(|&b| b == b'\n')?;
        let head = std::str::from_utf8(&rest[..nl]).ok()?;
        rest = &rest[nl + 1..];
        if let Some(path) = head.strip_prefix("D ") {
            entries.push(Entry { path: path.to_string(), data: None, mode: 0o755 });
        } else {
            let mut it = head.strip_prefix("F ")?.splitn(3, ' ');
            let mode = u32::from_str_radix(it.next()?, 8).ok()?;
            let len: usize = it.next()?.parse().ok()?;
            let path = it.next()?.to_string();
            if rest.len() < len {
                return None;
            }
            entries.push(Entry { path, data: Some(rest[..len].to_vec()), mode });
            rest = &rest[len..];
        }
    }
    Some(entries)
}

const DOCS_3_4: &str = include_str!("docs-3.4.txt");
const DOCS_3_5: &str = include_str!("docs-3.5.txt");

/// `etcd-vX-linux-amd64.tar.gz` as etcd's `scripts/build-binary` packs it: the binaries, the
/// READMEs and the Documentation tree (file names from the release's tag; contents elided).
pub fn release_tarball(r: &Release) -> Vec<u8> {
    let top = format!("etcd-v{}-linux-amd64", r.version);
    let mut entries = vec![Entry { path: format!("{top}/"), data: None, mode: 0o755 }];
    let docs = if r.is_3_5() { DOCS_3_5 } else { DOCS_3_4 };
    for line in docs.lines().filter(|l| !l.is_empty()) {
        let path = format!("{top}/{line}");
        if line.ends_with('/') {
            entries.push(Entry { path, data: None, mode: 0o755 });
        } else {
            let text = format!("{line} from etcd v{} (the playground keeps the file name, not its text).\n", r.version);
            entries.push(Entry { path, data: Some(text.into_bytes()), mode: 0o644 });
        }
    }
    let mut readmes = vec!["README-etcdctl.md", "README.md", "READMEv2-etcdctl.md"];
    if r.is_3_5() {
        readmes.insert(1, "README-etcdutl.md");
    }
    for f in readmes {
        let text = format!("# {f} from etcd v{} (the playground keeps the file name, not its text).\n", r.version);
        entries.push(Entry { path: format!("{top}/{f}"), data: Some(text.into_bytes()), mode: 0o644 });
    }
    for prog in r.programs() {
        entries.push(Entry { path: format!("{top}/{prog}"), data: Some(binary_marker(prog, r.version).into_bytes()), mode: 0o755 });
    }
    pack(&entries)
}

/// Removes the first `n` path components; `None` when nothing is left.
fn strip(path: &str, n: usize) -> Option<String> {
    let parts: Vec<&str> = path.split('/').collect();
    let rest = parts.get(n..)?.join("/");
    (!rest.is_empty()).then_some(rest)
}

const TRY: &str = "Try 'tar --help' or 'tar --usage' for more information.";

pub fn main(world: &mut World, p: &mut Proc) -> i32 {
    let mut mode: Option<char> = None;
    let mut gzip = false;
    let mut verbose = false;
    let mut file: Option<String> = None;
    let mut dir: Option<String> = None;
    let mut strip_n = 0usize;
    let mut members = Vec::new();
    let args = p.args[1..].to_vec();
    let mut i = 0;
    // Option letters that take the next argument, in the order they appear.
    let mut wants: Vec<char> = Vec::new();
    let take = |c: char, v: String, file: &mut Option<String>, dir: &mut Option<String>| match c {
        'f' => *file = Some(v),
        _ => *dir = Some(v),
    };
    while i < args.len() {
        let a = args[i].clone();
        i += 1;
        let letters: Option<&str> = if i == 1 && !a.starts_with('-') {
            Some(&a) // old style: `tar xzvf FILE`
        } else if a.starts_with('-') && !a.starts_with("--") && a.len() > 1 {
            Some(&a[1..])
        } else {
            None
        };
        if let Some(letters) = letters {
            for (j, c) in letters.chars().enumerate() {
                match c {
                    'x' | 't' | 'c' => mode = Some(c),
                    'z' | 'j' | 'J' => gzip = true,
                    'v' => verbose = true,
                    'f' | 'C' => {
                        // In short form, the rest of the cluster is the value (`-fFILE`).
                        let inline = &letters[j + c.len_utf8()..];
                        if a.starts_with('-') && !inline.is_empty() {
                            take(c, inline.to_string(), &mut file, &mut dir);
                            break;
                        }
                        wants.push(c);
                    }
                    other => {
                        p.eprintln(format!("tar: invalid option -- '{other}'"));
                        p.eprintln(TRY);
                        return 2;
                    }
                }
            }
            for c in std::mem::take(&mut wants) {
                match args.get(i) {
                    Some(v) => {
                        take(c, v.clone(), &mut file, &mut dir);
                        i += 1;
                    }
                    None => {
                        p.eprintln(format!("tar: option requires an argument -- '{c}'"));
                        p.eprintln(TRY);
                        return 64;
                    }
                }
            }
            continue;
        }
        let (name, inline) = match a.split_once('=') {
            Some((n, v)) if a.starts_with("--") => (n.to_string(), Some(v.to_string())),
            _ => (a.clone(), None),
        };
        let needs_value = matches!(name.as_str(), "--file" | "--directory" | "--strip-components");
        let value = if needs_value {
            match inline.or_else(|| {
                i += 1;
                args.get(i - 1).cloned()
            }) {
                Some(v) => v,
                None => {
                    p.eprintln(format!("tar: option '{name}' requires an argument"));
                    p.eprintln(TRY);
                    return 64;
                }
            }
        } else {
            String::new()
        };
        match name.as_str() {
            "--extract" | "--get" => mode = Some('x'),
            "--list" => mode = Some('t'),
            "--gzip" | "--gunzip" | "--ungzip" => gzip = true,
            "--verbose" => verbose = true,
            "--file" => file = Some(value),
            "--directory" => dir = Some(value),
            "--strip-components" => match value.parse() {
                Ok(n) => strip_n = n,
                Err(_) => {
                    p.eprintln(format!("tar: Invalid number of elements: '{value}'"));
                    p.eprintln(TRY);
                    return 2;
                }
            },
            s if s.starts_with("--") => {
                p.eprintln(format!("tar: unrecognized option '{s}'"));
                p.eprintln(TRY);
                return 64;
            }
            _ => members.push(a),
        }
    }
    let mode = match mode {
        Some('c') => {
            p.eprintln("tar: Cowardly refusing to create an empty archive");
            p.eprintln(TRY);
            p.explain("Creating archives is not simulated; tar here only lists (t) and extracts (x).", "Criar arquivos tar não é simulado; aqui o tar só lista (t) e extrai (x).");
            return 2;
        }
        Some(m) => m,
        None => {
            p.eprintln("tar: You must specify one of the '-Acdtrux', '--delete' or '--test-label' options");
            p.eprintln(TRY);
            return 2;
        }
    };
    let fatal = "tar: Error is not recoverable: exiting now";
    let data: Vec<u8> = match file.as_deref() {
        None | Some("-") => p.stdin.clone(),
        Some(f) => match world.vfs.read(&p.path(f)) {
            Ok(d) => d.to_vec(),
            Err(e) => {
                if gzip {
                    p.eprintln(format!("tar (child): {f}: Cannot open: {}", e.strerror()));
                    p.eprintln("tar (child): Error is not recoverable: exiting now");
                    p.eprintln("tar: Child returned status 2");
                } else {
                    p.eprintln(format!("tar: {f}: Cannot open: {}", e.strerror()));
                }
                p.eprintln(fatal);
                return 2;
            }
        },
    };
    let target = dir.as_deref().map(|d| p.path(d)).unwrap_or_else(|| p.cwd.clone());
    if let Some(d) = dir.as_deref() {
        if !world.vfs.is_dir(&target) {
            let why = if world.vfs.exists(&target) { "Not a directory" } else { "No such file or directory" };
            p.eprintln(format!("tar: {d}: Cannot open: {why}"));
            p.eprintln(fatal);
            return 2;
        }
    }
    let Some(entries) = unpack(&data) else {
        if data.is_empty() {
            // What GNU tar and gzip print for an empty file.
            if !gzip {
                p.eprintln("tar: This does not look like a tar archive");
            }
            p.eprintln("\ngzip: stdin: unexpected end of file");
            p.eprintln("tar: Child returned status 1");
            p.eprintln(fatal);
            p.explain(
                "The archive is empty (0 bytes): the download did not bring the file. A GitHub URL needs curl -L to follow its redirect.",
                "O arquivo está vazio (0 bytes): o download não trouxe o arquivo. Uma URL do GitHub precisa de curl -L para seguir o redirecionamento.",
            );
            return 2;
        }
        if gzip || data.starts_with(&[0x1f, 0x8b]) {
            p.eprintln("\ngzip: stdin: not in gzip format");
            p.eprintln("tar: Child returned status 1");
            p.eprintln(fatal);
        } else {
            p.eprintln("tar: This does not look like a tar archive");
            p.eprintln("tar: Exiting with failure status due to previous errors");
        }
        let head = String::from_utf8_lossy(&data[..data.len().min(200)]).to_string();
        if head.starts_with("Not Found") || head.contains("<Error>") {
            p.explain(
                "This file is the web server's error page, not a tarball: curl saved the 404 answer because the URL names a release that does not exist. Check the version and download again.",
                "Este arquivo é a página de erro do servidor, não um tarball: o curl gravou a resposta 404 porque a URL aponta para uma versão que não existe. Confira a versão e baixe de novo.",
            );
        }
        return 2;
    };
    let wanted = |path: &str| members.is_empty() || members.iter().any(|m| path == m || path.trim_end_matches('/') == m || path.starts_with(&format!("{}/", m.trim_end_matches('/'))));
    let mut found = vec![false; members.len()];
    for e in &entries {
        if !wanted(&e.path) {
            continue;
        }
        for (k, m) in members.iter().enumerate() {
            if e.path == *m || e.path.trim_end_matches('/') == m || e.path.starts_with(&format!("{}/", m.trim_end_matches('/'))) {
                found[k] = true;
            }
        }
        let Some(rel) = strip(e.path.trim_end_matches('/'), strip_n) else { continue };
        if mode == 't' {
            p.println(&e.path);
            continue;
        }
        if verbose {
            p.println(&e.path);
        }
        let dest = crate::vfs::normalize(&target, &rel);
        let res = match &e.data {
            None => world.vfs.mkdir_p(&dest),
            Some(d) => {
                let parent = dest.rsplit_once('/').map(|(a, _)| if a.is_empty() { "/" } else { a }).unwrap_or("/").to_string();
                world.vfs.mkdir_p(&parent).and_then(|_| {
                    if world.vfs.is_dir(&dest) {
                        world.vfs.remove(&dest, true)?;
                    }
                    world.vfs.write(&dest, d.clone())
                })
            }
        };
        match res {
            Ok(()) => world.vfs.set_executable(&dest, e.data.is_some() && e.mode & 0o111 != 0),
            Err(err) => {
                p.eprintln(format!("tar: {rel}: Cannot open: {}", err.strerror()));
            }
        }
    }
    let mut status = 0;
    for (m, ok) in members.iter().zip(found) {
        if !ok {
            p.eprintln(format!("tar: {m}: Not found in archive"));
            status = 2;
        }
    }
    if status != 0 {
        p.eprintln("tar: Exiting with failure status due to previous errors");
    }
    status
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pack_and_unpack_round_trip() {
        let e = vec![Entry { path: "a/".into(), data: None, mode: 0o755 }, Entry { path: "a/b c".into(), data: Some(b"x\ny\n".to_vec()), mode: 0o644 }];
        assert_eq!(unpack(&pack(&e)), Some(e));
        assert_eq!(unpack(b"Not Found"), None);
        assert_eq!(unpack(b"ETCD-PLAYGROUND-TGZ 1\nF 644 99 x\nshort"), None);
    }

    #[test]
    fn strip_components_like_gnu_tar() {
        assert_eq!(strip("etcd-v3.4.7-linux-amd64", 1), None);
        assert_eq!(strip("etcd-v3.4.7-linux-amd64/etcd", 1).as_deref(), Some("etcd"));
        assert_eq!(strip("a/b", 3), None);
    }
}
