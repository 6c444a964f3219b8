//! `kubectl describe pod|node NAME [-n NS]` — kubectl's describe layout (k8s 1.32's
//! `describe.go`), written through Go's tabwriter. A name that matches nothing falls back, as
//! real kubectl does, to every object whose name starts with it (the seed's
//! `kubectl describe pod kube-apiserver -n kube-system`).

use super::{age, api, not_found, resource_or_fail, tabwriter, Args};
use crate::gofmt::{parse_rfc3339, rfc1123z};
use crate::cluster::kube::{self, Stored};
use crate::process::Proc;
use crate::world::World;
use serde_json::Value;

pub fn run(world: &mut World, p: &mut Proc, a: &Args) -> i32 {
    let Some(what) = a.positional.first() else {
        p.eprintln("You must specify the type of resource to describe. Use \"kubectl api-resources\" for a complete list of supported resources.");
        return 1;
    };
    let (what, mut names): (String, Vec<String>) = match what.split_once('/') {
        Some((r, n)) => (r.to_string(), vec![n.to_string()]),
        None => (what.clone(), Vec::new()),
    };
    names.extend(a.positional[1..].iter().cloned());
    let Some(res) = resource_or_fail(p, &what) else { return 1 };
    if !matches!(res.plural, "pods" | "nodes") {
        p.eprintln(format!("error: describing {} is not supported in this playground (pods and nodes are)", res.plural));
        return 1;
    }
    let ns = a.ns();
    let Some(store) = api(world, p) else { return 1 };
    let scope = if a.all_namespaces || !res.namespaced { None } else { Some(ns.as_str()) };
    if names.is_empty() {
        let all = kube::list(store, res, scope);
        if all.is_empty() {
            p.eprintln(if res.namespaced && !a.all_namespaces { format!("No resources found in {ns} namespace.") } else { "No resources found".into() });
            return 0;
        }
        let texts: Vec<String> = all.iter().map(|o| describe(world, res.plural, o)).collect();
        p.print(texts.join("\n\n"));
        return 0;
    }
    let mut status = 0;
    let mut first = true;
    for name in &names {
        let store = &world.etcd.store;
        if let Some(o) = kube::get(store, res, &ns, name) {
            let text = describe(world, res.plural, &o);
            p.print(if first { text } else { format!("\n\n{text}") });
            first = false;
            continue;
        }
        // kubectl's fallback: every object whose name starts with the argument.
        let matches: Vec<Stored> = kube::list(store, res, scope).into_iter().filter(|o| o.obj["metadata"]["name"].as_str().is_some_and(|n| n.starts_with(name.as_str()))).collect();
        if matches.is_empty() {
            not_found(p, res, name);
            status = 1;
            continue;
        }
        for o in &matches {
            p.print(format!("{}\n", describe(world, res.plural, o)));
        }
    }
    status
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap_or("")
}

fn time(v: &Value) -> String {
    parse_rfc3339(s(v)).map(rfc1123z).unwrap_or_default()
}

fn describe(world: &World, plural: &str, o: &Stored) -> String {
    let text = if plural == "nodes" { node(world, &o.obj) } else { pod(&o.obj) };
    tabwriter::describe(&text)
}

/// `Labels:\tk=v\n\tk2=v2\n` (kubectl's printLabelsMultiline; `<none>` when empty).
fn multiline(out: &mut String, title: &str, m: &Value, sep: &str) {
    out.push_str(&format!("{title}:\t"));
    let Some(map) = m.as_object().filter(|m| !m.is_empty()) else {
        out.push_str("<none>\n");
        return;
    };
    let mut first = true;
    for (k, v) in map {
        if k == "kubectl.kubernetes.io/last-applied-configuration" {
            continue;
        }
        if !first {
            out.push('\t');
        }
        first = false;
        out.push_str(&format!("{k}{sep}{}\n", s(v)));
    }
}

fn probe(p: &Value) -> String {
    let h = &p["httpGet"];
    let n = |k: &str, d: i64| p[k].as_i64().unwrap_or(d);
    let attrs = format!("delay={}s timeout={}s period={}s #success={} #failure={}", n("initialDelaySeconds", 0), n("timeoutSeconds", 1), n("periodSeconds", 10), n("successThreshold", 1), n("failureThreshold", 3));
    if h.is_object() {
        let port = match &h["port"] {
            Value::Number(x) => crate::cluster::yaml::number(x),
            other => s(other).to_string(),
        };
        format!("http-get {}://{}:{port}{} {attrs}", s(&h["scheme"]).to_ascii_lowercase(), s(&h["host"]), s(&h["path"]))
    } else if let Some(c) = p["exec"]["command"].as_array() {
        format!("exec [{}] {attrs}", c.iter().map(s).collect::<Vec<_>>().join(" "))
    } else {
        format!("unknown {attrs}")
    }
}

fn pod(o: &Value) -> String {
    let (m, spec, st) = (&o["metadata"], &o["spec"], &o["status"]);
    let mut w = String::new();
    w.push_str(&format!("Name:\t{}\n", s(&m["name"])));
    w.push_str(&format!("Namespace:\t{}\n", s(&m["namespace"])));
    if let Some(pr) = spec["priority"].as_i64() {
        w.push_str(&format!("Priority:\t{pr}\n"));
    }
    if !s(&spec["priorityClassName"]).is_empty() {
        w.push_str(&format!("Priority Class Name:\t{}\n", s(&spec["priorityClassName"])));
    }
    if !s(&spec["serviceAccountName"]).is_empty() {
        w.push_str(&format!("Service Account:\t{}\n", s(&spec["serviceAccountName"])));
    }
    if s(&spec["nodeName"]).is_empty() {
        w.push_str("Node:\t<none>\n");
    } else {
        w.push_str(&format!("Node:\t{}/{}\n", s(&spec["nodeName"]), s(&st["hostIP"])));
    }
    if st["startTime"].is_string() {
        w.push_str(&format!("Start Time:\t{}\n", time(&st["startTime"])));
    }
    multiline(&mut w, "Labels", &m["labels"], "=");
    multiline(&mut w, "Annotations", &m["annotations"], ": ");
    w.push_str(&format!("Status:\t{}\n", s(&st["phase"])));
    if let Some(t) = spec["securityContext"]["seccompProfile"]["type"].as_str() {
        w.push_str(&format!("SeccompProfile:\t{t}\n"));
    }
    w.push_str(&format!("IP:\t{}\n", s(&st["podIP"])));
    match st["podIPs"].as_array().filter(|a| !a.is_empty()) {
        None => w.push_str("IPs:\t<none>\n"),
        Some(ips) => {
            w.push_str("IPs:\n");
            for ip in ips {
                w.push_str(&format!("  IP:\t{}\n", s(&ip["ip"])));
            }
        }
    }
    if let Some(owner) = m["ownerReferences"].as_array().and_then(|a| a.iter().find(|r| r["controller"] == true)) {
        w.push_str(&format!("Controlled By:\t{}/{}\n", s(&owner["kind"]), s(&owner["name"])));
    }
    w.push_str("Containers:\n");
    let statuses = st["containerStatuses"].as_array().cloned().unwrap_or_default();
    for c in spec["containers"].as_array().cloned().unwrap_or_default() {
        let status = statuses.iter().find(|x| x["name"] == c["name"]);
        w.push_str(&format!("  {}:\n", s(&c["name"])));
        if let Some(cs) = status {
            w.push_str(&format!("    Container ID:\t{}\n", s(&cs["containerID"])));
        }
        w.push_str(&format!("    Image:\t{}\n", s(&c["image"])));
        if let Some(cs) = status {
            w.push_str(&format!("    Image ID:\t{}\n", s(&cs["imageID"])));
        }
        let ports = c["ports"].as_array().cloned().unwrap_or_default();
        let cp: Vec<String> = ports.iter().map(|p| format!("{}/{}", p["containerPort"].as_i64().unwrap_or(0), s(&p["protocol"]))).collect();
        let hp: Vec<String> = ports.iter().map(|p| format!("{}/{}", p["hostPort"].as_i64().unwrap_or(0), s(&p["protocol"]))).collect();
        let (pl, hl) = if cp.len() > 1 { ("Ports", "Host Ports") } else { ("Port", "Host Port") };
        let none = |v: Vec<String>| if v.is_empty() { "<none>".to_string() } else { v.join(", ") };
        w.push_str(&format!("    {pl}:\t{}\n    {hl}:\t{}\n", none(cp), none(hp)));
        for (title, key) in [("Command", "command"), ("Args", "args")] {
            if let Some(list) = c[key].as_array().filter(|l| !l.is_empty()) {
                w.push_str(&format!("    {title}:\n"));
                for item in list {
                    for line in s(item).split('\n') {
                        w.push_str(&format!("      {line}\n"));
                    }
                }
            }
        }
        match status {
            Some(cs) => {
                let state = &cs["state"];
                if state["running"].is_object() {
                    w.push_str(&format!("    State:\tRunning\n      Started:\t{}\n", time(&state["running"]["startedAt"])));
                } else if state["waiting"].is_object() {
                    w.push_str(&format!("    State:\tWaiting\n      Reason:\t{}\n", s(&state["waiting"]["reason"])));
                } else {
                    w.push_str("    State:\tTerminated\n");
                }
                w.push_str(&format!("    Ready:\t{}\n", if cs["ready"] == true { "True" } else { "False" }));
                w.push_str(&format!("    Restart Count:\t{}\n", cs["restartCount"].as_i64().unwrap_or(0)));
            }
            None => w.push_str("    State:\tWaiting\n    Ready:\tFalse\n    Restart Count:\t0\n"),
        }
        for (title, key) in [("Limits", "limits"), ("Requests", "requests")] {
            if let Some(r) = c["resources"][key].as_object().filter(|r| !r.is_empty()) {
                w.push_str(&format!("    {title}:\n"));
                for (k, v) in r {
                    w.push_str(&format!("      {k}:\t{}\n", s(v)));
                }
            }
        }
        for (title, key) in [("Liveness", "livenessProbe"), ("Readiness", "readinessProbe"), ("Startup", "startupProbe")] {
            if c[key].is_object() {
                w.push_str(&format!("    {title}:\t{}\n", probe(&c[key])));
            }
        }
        match c["env"].as_array().filter(|e| !e.is_empty()) {
            None => w.push_str("    Environment:\t<none>\n"),
            Some(env) => {
                w.push_str("    Environment:\n");
                for e in env {
                    w.push_str(&format!("      {}:\t{}\n", s(&e["name"]), s(&e["value"])));
                }
            }
        }
        let mut mounts = c["volumeMounts"].as_array().cloned().unwrap_or_default();
        crate::sort::sort_by(&mut mounts, |a, b| s(&a["mountPath"]).cmp(s(&b["mountPath"])));
        w.push_str(if mounts.is_empty() { "    Mounts:\t<none>\n" } else { "    Mounts:\n" });
        for mnt in mounts {
            w.push_str(&format!("      {} from {} ({})\n", s(&mnt["mountPath"]), s(&mnt["name"]), if mnt["readOnly"] == true { "ro" } else { "rw" }));
        }
    }
    if let Some(conds) = st["conditions"].as_array().filter(|c| !c.is_empty()) {
        w.push_str("Conditions:\n  Type\tStatus\n");
        for c in conds {
            w.push_str(&format!("  {} \t{} \n", s(&c["type"]), s(&c["status"])));
        }
    }
    match spec["volumes"].as_array().filter(|v| !v.is_empty()) {
        None => w.push_str("Volumes:\t<none>\n"),
        Some(vols) => {
            w.push_str("Volumes:\n");
            for v in vols {
                w.push_str(&format!("  {}:\n", s(&v["name"])));
                if v["hostPath"].is_object() {
                    let t = if s(&v["hostPath"]["type"]).is_empty() { "<none>" } else { s(&v["hostPath"]["type"]) };
                    w.push_str(&format!("    Type:\tHostPath (bare host directory volume)\n    Path:\t{}\n    HostPathType:\t{t}\n", s(&v["hostPath"]["path"])));
                } else if v["configMap"].is_object() {
                    w.push_str(&format!("    Type:\tConfigMap (a volume populated by a ConfigMap)\n    Name:\t{}\n    Optional:\tfalse\n", s(&v["configMap"]["name"])));
                } else {
                    w.push_str("    Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n    Medium:\t\n    SizeLimit:\t<unset>\n");
                }
            }
        }
    }
    w.push_str(&format!("QoS Class:\t{}\n", s(&st["qosClass"])));
    multiline(&mut w, "Node-Selectors", &spec["nodeSelector"], "=");
    w.push_str("Tolerations:\t");
    let mut tols = spec["tolerations"].as_array().cloned().unwrap_or_default();
    if tols.is_empty() {
        w.push_str("<none>\n");
    }
    crate::sort::sort_by(&mut tols, |a, b| s(&a["key"]).cmp(s(&b["key"])));
    for (i, t) in tols.iter().enumerate() {
        if i > 0 {
            w.push('\t');
        }
        w.push_str(s(&t["key"]));
        if !s(&t["value"]).is_empty() {
            w.push_str(&format!("={}", s(&t["value"])));
        }
        if !s(&t["effect"]).is_empty() {
            w.push_str(&format!(":{}", s(&t["effect"])));
        }
        if t["operator"] == "Exists" && s(&t["value"]).is_empty() {
            w.push_str(if !s(&t["key"]).is_empty() || !s(&t["effect"]).is_empty() { " op=Exists" } else { "op=Exists" });
        }
        if let Some(secs) = t["tolerationSeconds"].as_i64() {
            w.push_str(&format!(" for {secs}s"));
        }
        w.push('\n');
    }
    w.push_str("Events:\t<none>\n");
    w
}

fn node(world: &World, o: &Value) -> String {
    let (m, spec, st) = (&o["metadata"], &o["spec"], &o["status"]);
    let mut w = String::new();
    w.push_str(&format!("Name:\t{}\n", s(&m["name"])));
    let roles: Vec<&str> = m["labels"].as_object().map(|l| l.keys().filter_map(|k| k.strip_prefix("node-role.kubernetes.io/")).collect()).unwrap_or_default();
    w.push_str(&format!("Roles:\t{}\n", if roles.is_empty() { "<none>".to_string() } else { roles.join(",") }));
    multiline(&mut w, "Labels", &m["labels"], "=");
    multiline(&mut w, "Annotations", &m["annotations"], ": ");
    w.push_str(&format!("CreationTimestamp:\t{}\n", time(&m["creationTimestamp"])));
    w.push_str("Taints:\t");
    let taints = spec["taints"].as_array().cloned().unwrap_or_default();
    if taints.is_empty() {
        w.push_str("<none>\n");
    }
    for (i, t) in taints.iter().enumerate() {
        if i > 0 {
            w.push('\t');
        }
        let v = if s(&t["value"]).is_empty() { String::new() } else { format!("={}", s(&t["value"])) };
        w.push_str(&format!("{}{v}:{}\n", s(&t["key"]), s(&t["effect"])));
    }
    w.push_str(&format!("Unschedulable:\t{}\n", spec["unschedulable"] == true));
    w.push_str(&format!("Lease:\n  HolderIdentity:\t{}\n  AcquireTime:\t<unset>\n  RenewTime:\t{}\n", s(&m["name"]), rfc1123z(crate::cluster::clock::now_unix(world.clock_ms) - 3)));
    w.push_str("Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n  ----\t------\t-----------------\t------------------\t------\t-------\n");
    for c in st["conditions"].as_array().cloned().unwrap_or_default() {
        w.push_str(&format!("  {}\t{}\t{}\t{}\t{}\t{}\n", s(&c["type"]), s(&c["status"]), time(&c["lastHeartbeatTime"]), time(&c["lastTransitionTime"]), s(&c["reason"]), s(&c["message"])));
    }
    w.push_str("Addresses:\n");
    for a in st["addresses"].as_array().cloned().unwrap_or_default() {
        w.push_str(&format!("  {}:\t{}\n", s(&a["type"]), s(&a["address"])));
    }
    for (title, key) in [("Capacity", "capacity"), ("Allocatable", "allocatable")] {
        w.push_str(&format!("{title}:\n"));
        for (k, v) in st[key].as_object().cloned().unwrap_or_default() {
            w.push_str(&format!("  {k}:\t{}\n", s(&v)));
        }
    }
    let info = &st["nodeInfo"];
    w.push_str("System Info:\n");
    for (t, k) in [("Machine ID", "machineID"), ("System UUID", "systemUUID"), ("Boot ID", "bootID"), ("Kernel Version", "kernelVersion"), ("OS Image", "osImage"), ("Operating System", "operatingSystem"), ("Architecture", "architecture"), ("Container Runtime Version", "containerRuntimeVersion"), ("Kubelet Version", "kubeletVersion"), ("Kube-Proxy Version", "kubeProxyVersion")] {
        w.push_str(&format!("  {t}:\t{}\n", s(&info[k])));
    }
    let name = s(&m["name"]);
    let pods: Vec<Stored> = kube::list(&world.etcd.store, kube::resource("pods").expect("pods"), None).into_iter().filter(|p| p.obj["spec"]["nodeName"] == name).collect();
    w.push_str(&format!("Non-terminated Pods:\t({} in total)\n", pods.len()));
    w.push_str("  Namespace\tName\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n  ---------\t----\t------------\t----------\t---------------\t-------------\t---\n");
    let alloc_cpu = millicpu(s(&st["allocatable"]["cpu"]));
    let alloc_mem = bytes(s(&st["allocatable"]["memory"]));
    let pct = |x: i64, of: i64| if of > 0 { (i128::from(x) * 100 / i128::from(of)) as i64 } else { 0 };
    let mut totals = [0i64; 4];
    for p in &pods {
        let mut r = [0i64; 4];
        for c in p.obj["spec"]["containers"].as_array().cloned().unwrap_or_default() {
            let res = &c["resources"];
            r[0] = r[0].saturating_add(millicpu(s(&res["requests"]["cpu"])));
            r[1] = r[1].saturating_add(millicpu(s(&res["limits"]["cpu"])));
            r[2] = r[2].saturating_add(bytes(s(&res["requests"]["memory"])));
            r[3] = r[3].saturating_add(bytes(s(&res["limits"]["memory"])));
        }
        for i in 0..4 {
            totals[i] = totals[i].saturating_add(r[i]);
        }
        w.push_str(&format!(
            "  {}\t{}\t{} ({}%)\t{} ({}%)\t{} ({}%)\t{} ({}%)\t{}\n",
            s(&p.obj["metadata"]["namespace"]),
            s(&p.obj["metadata"]["name"]),
            cpu_text(r[0]), pct(r[0], alloc_cpu), cpu_text(r[1]), pct(r[1], alloc_cpu),
            mem_text(r[2]), pct(r[2], alloc_mem), mem_text(r[3]), pct(r[3], alloc_mem),
            age(world, &p.obj)
        ));
    }
    w.push_str("Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n  Resource\tRequests\tLimits\n  --------\t--------\t------\n");
    w.push_str(&format!("  cpu\t{} ({}%)\t{} ({}%)\n", cpu_text(totals[0]), pct(totals[0], alloc_cpu), cpu_text(totals[1]), pct(totals[1], alloc_cpu)));
    w.push_str(&format!("  memory\t{} ({}%)\t{} ({}%)\n", mem_text(totals[2]), pct(totals[2], alloc_mem), mem_text(totals[3]), pct(totals[3], alloc_mem)));
    w.push_str("  ephemeral-storage\t0 (0%)\t0 (0%)\n  hugepages-2Mi\t0 (0%)\t0 (0%)\n");
    w.push_str("Events:\t<none>\n");
    w
}

/// A CPU quantity in millicores (`100m` → 100, `2` → 2000).
fn millicpu(q: &str) -> i64 {
    match q.strip_suffix('m') {
        Some(m) => m.parse().unwrap_or(0),
        None => match q.split_once('.') {
            // `1.5` cores = 1500m, without floating point.
            Some((whole, frac)) => {
                let frac: String = frac.chars().chain("000".chars()).take(3).collect();
                whole.parse::<i64>().unwrap_or(0).saturating_mul(1000).saturating_add(frac.parse::<i64>().unwrap_or(0))
            }
            None => q.parse::<i64>().map(|c| c.saturating_mul(1000)).unwrap_or(0),
        },
    }
}

const BIN: [(&str, i64); 4] = [("Ti", 1 << 40), ("Gi", 1 << 30), ("Mi", 1 << 20), ("Ki", 1 << 10)];

/// A memory quantity in bytes (`70Mi`, `3921444Ki`, `1G`, `500`).
fn bytes(q: &str) -> i64 {
    for (suffix, mult) in BIN {
        if let Some(n) = q.strip_suffix(suffix) {
            return n.parse::<i64>().unwrap_or(0).saturating_mul(mult);
        }
    }
    for (suffix, mult) in [("T", 1_000_000_000_000i64), ("G", 1_000_000_000), ("M", 1_000_000), ("k", 1000)] {
        if let Some(n) = q.strip_suffix(suffix) {
            return n.parse::<i64>().unwrap_or(0).saturating_mul(mult);
        }
    }
    q.parse().unwrap_or(0)
}

fn cpu_text(m: i64) -> String {
    if m == 0 {
        "0".into()
    } else if m % 1000 == 0 {
        (m / 1000).to_string()
    } else {
        format!("{m}m")
    }
}

fn mem_text(b: i64) -> String {
    if b == 0 {
        return "0".into();
    }
    for (suffix, mult) in BIN {
        if b % mult == 0 {
            return format!("{}{suffix}", b / mult);
        }
    }
    b.to_string()
}
