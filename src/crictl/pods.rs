//! `crictl pods`: pod sandboxes, newest first (cri-tools `cmd/crictl/sandbox.go`,
//! `OutputPodSandboxes`).

use super::{ago, connect, fatal, last_flag, matches, newest_first, parse_flags, short, table, Endpoints};
use crate::cluster::clock::now_unix_ms;
use crate::process::Proc;
use crate::world::World;

const FLAGS: &[(&str, &str, bool)] = &[
    ("quiet", "q", false),
    ("verbose", "v", false),
    ("no-trunc", "", false),
    ("latest", "l", false),
    ("last", "n", true),
    ("name", "", true),
    ("namespace", "", true),
    ("id", "", true),
    ("state", "s", true),
    ("label", "", true),
    ("output", "o", true),
];

pub fn run(world: &mut World, p: &mut Proc, ep: &Endpoints, args: &[String]) -> i32 {
    let f = match parse_flags(args, FLAGS) {
        Ok(f) => f,
        Err(e) => return fatal(p, &e),
    };
    if let Err(code) = connect(world, p, ep, false) {
        return code;
    }
    let state = f.value("state").map(str::to_ascii_lowercase);
    if let Some(s) = &state {
        if !matches!(s.as_str(), "ready" | "notready") {
            return fatal(p, "--state should be ready or notready");
        }
    }
    let last = match last_flag(&f, p) {
        Ok(n) => n,
        Err(code) => return code,
    };
    let rt = &world.kubelet.runtime;
    let now = now_unix_ms(world.clock_ms);
    let mut list: Vec<_> = rt
        .sandboxes
        .iter()
        .filter(|s| {
            state.as_deref().is_none_or(|st| (st == "ready") == s.ready)
                && f.value("id").is_none_or(|id| s.id.starts_with(id))
                && matches(f.value("name"), &s.name)
                && matches(f.value("namespace"), &s.namespace)
        })
        .collect();
    newest_first(&mut list, |s| s.created_ms, f.has("latest"), last);
    if f.has("quiet") {
        for s in &list {
            p.println(&s.id);
        }
        return 0;
    }
    let mut rows = vec![["POD ID", "CREATED", "STATE", "NAME", "NAMESPACE", "ATTEMPT", "RUNTIME"].map(String::from).to_vec()];
    for s in &list {
        let id = if f.has("no-trunc") { s.id.clone() } else { short(&s.id).to_string() };
        rows.push(vec![id, ago(now, s.created_ms), if s.ready { "Ready" } else { "NotReady" }.into(), s.name.clone(), s.namespace.clone(), s.attempt.to_string(), "(default)".into()]);
    }
    p.print(table(&rows));
    0
}
