//! `ls [-1adlt] [FILE]...`: GNU ls's listing, long format with sizes, modes and times.

use super::{split_opts, has};
use crate::process::Proc;
use crate::world::World;

pub fn main(w: &mut World, p: &mut Proc) -> i32 {
    let (opts, mut ops) = split_opts(&p.args[1..]);
    let all = has(&opts, 'a');
    let long = has(&opts, 'l');
    if ops.is_empty() {
        ops.push(".".into());
    }
    let mut out = String::new();
    let mut code = 0;
    let multi = ops.len() > 1;
    // (path, name as shown) → the lines of one listing; with -l the size column is as wide as
    // its widest entry, right-aligned, as GNU ls pads it.
    // When each path last changed: during the session, or when the scenario's node was set up.
    let now = crate::cluster::clock::now_unix(w.clock_ms);
    let mtime = |w: &World, path: &str| w.mtime(path);
    let by_time = has(&opts, 't');
    // The lines, and with -l the disk use in KiB (4 KiB blocks: a directory takes one, a file
    // what its size needs).
    let entries = |w: &World, mut items: Vec<(String, String)>| -> (Vec<String>, u64) {
        if by_time {
            // -t: newest first, ties by name (the items come sorted by name).
            crate::sort::sort_by(&mut items, |a, b| mtime(w, &b.0).cmp(&mtime(w, &a.0)));
        }
        if !long {
            return (items.into_iter().map(|(_, name)| name).collect(), 0);
        }
        // Each size once: a database's is worked out from the engine.
        let sizes: Vec<u64> = items.iter().map(|(path, _)| w.file_size(path).unwrap_or(4096)).collect();
        let width = sizes.iter().map(|s| s.to_string().len()).max().unwrap_or(0);
        let kib = sizes.iter().map(|s| s.div_ceil(4096) * 4).sum();
        let lines = items
            .into_iter()
            .zip(sizes)
            .map(|((path, name), size)| {
                use crate::vfs::{Live, Node};
                let mode = match w.vfs.get(&path) {
                    Some(Node::Dir) => "drwxr-xr-x 2",
                    Some(Node::File { executable: true, .. } | Node::Live(Live::Program)) => "-rwxr-xr-x 1",
                    // etcd creates its database and WAL files 0600.
                    Some(Node::Live(_)) => "-rw------- 1",
                    _ => "-rw-r--r-- 1",
                };
                format!("{mode} root root {size:>width$} {} {name}", crate::cluster::clock::ls_time(mtime(w, &path), now))
            })
            .collect();
        (lines, kib)
    };
    // GNU ls: missing operands are reported first; then the files given, as one listing; then
    // each directory, under a `dir:` header when there was more than one operand.
    let columns = !(long || has(&opts, '1') || !p.stdout_tty);
    let listing = |entries: Vec<String>| -> String {
        if entries.is_empty() {
            String::new()
        } else if columns {
            format!("{}\n", entries.join("  "))
        } else {
            entries.iter().map(|e| format!("{e}\n")).collect()
        }
    };
    let (mut files, mut dirs) = (Vec::new(), Vec::new());
    for op in &ops {
        let path = p.path(op);
        match w.vfs.get(&path) {
            None => {
                p.eprintln(format!("ls: cannot access '{op}': No such file or directory"));
                code = 2;
            }
            Some(crate::vfs::Node::File { .. } | crate::vfs::Node::Live(_)) => files.push((op.clone(), path)),
            // -d: a directory is listed as itself, not its contents.
            Some(crate::vfs::Node::Dir) if has(&opts, 'd') => files.push((op.clone(), path)),
            Some(crate::vfs::Node::Dir) => dirs.push((op.clone(), path)),
        }
    }
    crate::sort::sort_by(&mut files, |a, b| a.0.cmp(&b.0));
    // ls -lt FILES lists them newest first too (the `entries` sort keeps this order for ties).
    crate::sort::sort_by(&mut dirs, |a, b| a.0.cmp(&b.0));
    out.push_str(&listing(entries(w, files.iter().map(|(op, path)| (path.clone(), op.clone())).collect()).0));
    for (i, (op, path)) in dirs.iter().enumerate() {
        if multi {
            out.push_str(&format!("{}{op}:\n", if i > 0 || !files.is_empty() { "\n" } else { "" }));
        }
        let mut names = w.vfs.list(path).unwrap_or_default();
        if all {
            names.insert(0, "..".into());
            names.insert(0, ".".into());
        }
        names.retain(|n| all || !n.starts_with('.'));
        let (lines, kib) = entries(w, names.into_iter().map(|n| (crate::vfs::normalize(path, &n), n)).collect());
        if long {
            out.push_str(&format!("total {kib}\n"));
        }
        out.push_str(&listing(lines));
    }
    p.print(out);
    code
}
