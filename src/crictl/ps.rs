//! `crictl ps`: containers, newest first (cri-tools `cmd/crictl/container.go`,
//! `OutputContainers`): running ones by default, all with `-a`.

use super::{ago, connect, fatal, last_flag, matches, newest_first, parse_flags, sandbox_of, short, table, Endpoints};
use crate::cluster::clock::now_unix_ms;
use crate::process::Proc;
use crate::world::World;

const FLAGS: &[(&str, &str, bool)] = &[
    ("all", "a", false),
    ("quiet", "q", false),
    ("verbose", "v", false),
    ("no-trunc", "", false),
    ("latest", "l", false),
    ("last", "n", true),
    ("name", "", true),
    ("namespace", "", true),
    ("id", "", true),
    ("pod", "p", true),
    ("state", "s", true),
    ("image", "", true),
    ("label", "", true),
    ("output", "o", true),
    ("resolve-image-path", "r", false),
];

pub fn run(world: &mut World, p: &mut Proc, ep: &Endpoints, args: &[String]) -> i32 {
    let f = match parse_flags(args, FLAGS) {
        Ok(f) => f,
        Err(e) => return fatal(p, &e),
    };
    if let Err(code) = connect(world, p, ep, true) {
        return code;
    }
    let state = f.value("state").map(str::to_ascii_lowercase);
    if let Some(s) = &state {
        if !matches!(s.as_str(), "created" | "running" | "exited" | "unknown") {
            return fatal(p, "--state should be one of created, running, exited or unknown");
        }
    }
    let last = match last_flag(&f, p) {
        Ok(n) => n,
        Err(code) => return code,
    };
    let latest = f.has("latest");
    let rt = &world.kubelet.runtime;
    let now = now_unix_ms(world.clock_ms);
    let mut list: Vec<_> = rt
        .containers
        .iter()
        .filter(|c| {
            let st = if c.finished_ms.is_some() { "exited" } else { "running" };
            let state_ok = if latest || last > 0 {
                true
            } else {
                match &state {
                    Some(s) => s == st,
                    None => f.has("all") || st == "running",
                }
            };
            let sb = sandbox_of(rt, c);
            state_ok
                && f.value("id").is_none_or(|id| c.id.starts_with(id))
                && f.value("pod").is_none_or(|pid| c.sandbox_id.starts_with(pid))
                && matches(f.value("name"), &c.name)
                && matches(f.value("namespace"), sb.map_or("", |s| s.namespace.as_str()))
                && f.value("image").is_none_or(|i| c.image == i || c.image_id.trim_start_matches("sha256:").starts_with(i.trim_start_matches("sha256:")))
        })
        .collect();
    newest_first(&mut list, |c| c.created_ms, latest, last);
    match f.value("output") {
        None | Some("table") => {}
        Some("json") | Some("yaml") => {
            p.explain(
                "crictl's json and yaml output is not simulated here; the table is.",
                "A saída json e yaml do crictl não é simulada aqui; a tabela é.",
            );
            return 1;
        }
        Some(o) => return fatal(p, &format!("listing containers: unsupported output format \"{o}\"")),
    }
    if f.has("quiet") {
        for c in &list {
            p.println(&c.id);
        }
        return 0;
    }
    let no_trunc = f.has("no-trunc");
    let mut rows = vec![["CONTAINER", "IMAGE", "CREATED", "STATE", "NAME", "ATTEMPT", "POD ID", "POD", "NAMESPACE"].map(String::from).to_vec()];
    for c in &list {
        let sb = sandbox_of(rt, c);
        let image = if f.has("resolve-image-path") { c.image.clone() } else if no_trunc { c.image_id.clone() } else { short(c.image_id.trim_start_matches("sha256:")).to_string() };
        let (id, pod_id) = if no_trunc { (c.id.clone(), c.sandbox_id.clone()) } else { (short(&c.id).to_string(), short(&c.sandbox_id).to_string()) };
        rows.push(vec![
            id,
            image,
            ago(now, c.created_ms),
            if c.finished_ms.is_some() { "Exited" } else { "Running" }.into(),
            c.name.clone(),
            c.attempt.to_string(),
            pod_id,
            sb.map_or(String::new(), |s| s.name.clone()),
            sb.map_or(String::new(), |s| s.namespace.clone()),
        ]);
    }
    p.print(table(&rows));
    // Teaching: etcd is missing from the running list because it keeps exiting.
    let crashing = rt.sandboxes.iter().filter(|s| s.ready).any(|s| {
        rt.containers.iter().filter(|c| c.sandbox_id == s.id && c.name == "etcd").max_by_key(|c| c.attempt).is_some_and(|c| c.finished_ms.is_some() && c.etcd.as_ref().is_some_and(|r| r.exit.is_some()))
    });
    if crashing && !f.has("all") && state.is_none() && !latest && last == 0 && !list.iter().any(|c| c.name == "etcd") {
        p.explain(
            "etcd is not in this list because it is not running: `crictl ps` shows running containers only. `crictl ps -a` shows the ones that exited too (with their ATTEMPT count).",
            "O etcd não está nesta lista porque não está rodando: `crictl ps` mostra só os contêineres em execução. `crictl ps -a` mostra também os que saíram (com a contagem em ATTEMPT).",
        );
    }
    // Teaching: etcd restarting over and over.
    if let Some(c) = list.iter().find(|c| c.etcd.as_ref().is_some_and(|r| r.exit.is_some()) && c.finished_ms.is_some() && sandbox_of(rt, c).is_some_and(|s| s.ready)) {
        let id = short(&c.id).to_string();
        p.explain(
            format!("etcd keeps exiting: the kubelet restarts it with a growing back-off (10 s, 20 s, 40 s … up to 5 min), and ATTEMPT counts the restarts. Its own last words say why: `crictl logs {id}` (etcd logs to stderr, so add `2>&1` before a `| grep`)."),
            format!("O etcd continua saindo: o kubelet o reinicia com espera crescente (10 s, 20 s, 40 s … até 5 min), e ATTEMPT conta os reinícios. As últimas linhas dele dizem por quê: `crictl logs {id}` (o etcd escreve no stderr, então use `2>&1` antes de um `| grep`)."),
        );
    }
    0
}
