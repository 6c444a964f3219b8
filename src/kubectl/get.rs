//! `kubectl get <resource> [name...] [-n NS | -A] [-o wide|yaml|json|name]` — reads the
//! objects' `/registry/...` keys and prints kubectl's table.
//!
//! ```text
//! $ kubectl get pods -n kube-system
//! NAME                                READY   STATUS    RESTARTS   AGE
//! coredns-66bff467f8-pfm2c            1/1     Running   0          8d
//! ```

use super::{age, api, not_found, resource_or_fail, tabwriter, Args};
use crate::cluster::kube::{self, Resource, Stored};
use crate::process::Proc;
use crate::world::World;
use serde_json::{json, Value};

pub fn run(world: &mut World, p: &mut Proc, a: &Args) -> i32 {
    let Some(what) = a.positional.first() else {
        p.eprintln("You must specify the type of resource to get. Use \"kubectl api-resources\" for a complete list of supported resources.\n\nerror: Required resource not specified.\nUse \"kubectl explain <resource>\" for a detailed description of that resource (e.g. kubectl explain pods).\nSee 'kubectl get -h' for help and examples");
        return 1;
    };
    // `kubectl get pod/etcd-docker-01` and `kubectl get pods,nodes` are out of scope but the
    // first form is common enough to accept.
    // `kubectl get all` is the workload types, in kubectl's order.
    let what = if what == "all" { "pods,services,daemonsets,deployments,replicasets".to_string() } else { what.clone() };
    // `kubectl get deploy,rs`: one table per type, names prefixed with the type.
    if what.contains(',') && !what.contains('/') {
        let types: Vec<&str> = what.split(',').filter(|t| !t.is_empty()).collect();
        for t in &types {
            if resource_or_fail(p, t).is_none() {
                return 1;
            }
        }
        let mut status = 0;
        let mut printed = false;
        for t in types {
            let mut sub = a.clone();
            sub.positional = vec![t.to_string()];
            let mut inner = Proc { args: Vec::new(), env: p.env.clone(), cwd: p.cwd.clone(), ..Default::default() };
            status = status.max(list_one(world, &mut inner, &sub, true));
            let text = inner.stdout_text();
            if !text.is_empty() && printed {
                p.print("\n");
            }
            printed |= !text.is_empty();
            for c in inner.out {
                match c {
                    crate::process::Chunk::Stderr(e) if e.starts_with("No resources found") => {}
                    c => p.out.push(c),
                }
            }
        }
        if !printed {
            p.eprintln(if a.all_namespaces { "No resources found".to_string() } else { format!("No resources found in {} namespace.", a.ns()) });
        }
        return status;
    }
    list_one(world, p, a, false)
}

fn list_one(world: &mut World, p: &mut Proc, a: &Args, prefixed: bool) -> i32 {
    let what = a.positional[0].clone();
    let (what, mut names): (String, Vec<String>) = match what.split_once('/') {
        Some((r, n)) => (r.to_string(), vec![n.to_string()]),
        None => (what.clone(), Vec::new()),
    };
    names.extend(a.positional[1..].iter().cloned());
    let Some(res) = resource_or_fail(p, &what) else { return 1 };
    let output = a.output.clone().unwrap_or_default();
    if !matches!(output.as_str(), "" | "wide" | "yaml" | "json" | "name") {
        p.eprintln(format!("error: unable to match a printer suitable for the output format \"{output}\", allowed formats are: custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml"));
        return 1;
    }
    let ns = a.ns();
    let Some(store) = api(world, p) else { return 1 };
    let mut objs: Vec<Stored> = Vec::new();
    let mut status = 0;
    if names.is_empty() {
        let scope = if a.all_namespaces || !res.namespaced { None } else { Some(ns.as_str()) };
        objs = kube::list(store, res, scope);
        if let Some(sel) = a.flag("--selector") {
            match Selector::parse(sel) {
                Ok(sel) => objs.retain(|o| sel.matches(&o.obj["metadata"]["labels"])),
                Err(e) => {
                    p.eprintln(e);
                    return 1;
                }
            }
        }
    } else {
        for n in &names {
            match kube::get(store, res, &ns, n) {
                Some(o) => objs.push(o),
                None => {
                    not_found(p, res, n);
                    status = 1;
                }
            }
        }
    }
    let rev = store.current_revision();
    if objs.is_empty() {
        if names.is_empty() && output.is_empty() || output == "wide" {
            if res.namespaced && !a.all_namespaces {
                p.eprintln(format!("No resources found in {ns} namespace."));
            } else {
                p.eprintln("No resources found");
            }
        } else if names.is_empty() && (output == "json" || output == "yaml") {
            print_structured(p, &output, &list_of(&[], rev));
        }
        return status;
    }
    match output.as_str() {
        "name" => {
            for o in &objs {
                p.println(format!("{}/{}", type_name(res), o.obj["metadata"]["name"].as_str().unwrap_or("")));
            }
        }
        "json" | "yaml" => {
            let v = if names.len() == 1 { objs[0].obj.clone() } else { list_of(&objs, rev) };
            print_structured(p, &output, &v);
        }
        _ => {
            let with_ns = a.all_namespaces && res.namespaced;
            let mut text = table(world, res, &objs, output == "wide", with_ns);
            if prefixed {
                text = prefix_names(&text, &type_name(res), with_ns);
            }
            p.print(tabwriter::table(&text));
        }
    }
    status
}

/// `pod`, `deployment.apps`: the prefix `-o name` prints.
pub fn type_name(res: &Resource) -> String {
    match res.api_version.split_once('/') {
        Some((group, _)) => format!("{}.{group}", res.singular),
        None => res.singular.to_string(),
    }
}

fn list_of(objs: &[Stored], _rev: i64) -> Value {
    json!({"apiVersion": "v1", "items": objs.iter().map(|o| o.obj.clone()).collect::<Vec<_>>(), "kind": "List", "metadata": {"resourceVersion": ""}})
}

fn print_structured(p: &mut Proc, output: &str, v: &Value) {
    if output == "yaml" {
        p.print(crate::cluster::yaml::to_yaml(v));
    } else {
        let mut buf = Vec::new();
        let fmt = serde_json::ser::PrettyFormatter::with_indent(b"    ");
        let mut ser = serde_json::Serializer::with_formatter(&mut buf, fmt);
        if serde::Serialize::serialize(v, &mut ser).is_ok() {
            p.println(String::from_utf8_lossy(&buf));
        }
    }
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap_or("")
}

fn or_none(v: String) -> String {
    if v.is_empty() { "<none>".into() } else { v }
}

fn selector(v: &Value) -> String {
    v.as_object().map(|m| m.iter().map(|(k, v)| format!("{k}={}", s(v))).collect::<Vec<_>>().join(",")).unwrap_or_default()
}

fn containers(v: &Value) -> (String, String) {
    let cs = v.as_array().cloned().unwrap_or_default();
    (cs.iter().map(|c| s(&c["name"]).to_string()).collect::<Vec<_>>().join(","), cs.iter().map(|c| s(&c["image"]).to_string()).collect::<Vec<_>>().join(","))
}

fn n(v: &Value) -> i64 {
    v.as_i64().unwrap_or(0)
}

/// The rows of kubectl's default table for one resource (tab-separated, before tabwriter).
fn table(world: &World, res: &Resource, objs: &[Stored], wide: bool, with_ns: bool) -> String {
    let (head, head_wide): (&str, &str) = match res.plural {
        "pods" => ("NAME\tREADY\tSTATUS\tRESTARTS\tAGE", "\tIP\tNODE\tNOMINATED NODE\tREADINESS GATES"),
        "nodes" => ("NAME\tSTATUS\tROLES\tAGE\tVERSION", "\tINTERNAL-IP\tEXTERNAL-IP\tOS-IMAGE\tKERNEL-VERSION\tCONTAINER-RUNTIME"),
        "namespaces" => ("NAME\tSTATUS\tAGE", ""),
        "deployments" => ("NAME\tREADY\tUP-TO-DATE\tAVAILABLE\tAGE", "\tCONTAINERS\tIMAGES\tSELECTOR"),
        "replicasets" => ("NAME\tDESIRED\tCURRENT\tREADY\tAGE", "\tCONTAINERS\tIMAGES\tSELECTOR"),
        "daemonsets" => ("NAME\tDESIRED\tCURRENT\tREADY\tUP-TO-DATE\tAVAILABLE\tNODE SELECTOR\tAGE", "\tCONTAINERS\tIMAGES\tSELECTOR"),
        "services" => ("NAME\tTYPE\tCLUSTER-IP\tEXTERNAL-IP\tPORT(S)\tAGE", "\tSELECTOR"),
        "secrets" => ("NAME\tTYPE\tDATA\tAGE", ""),
        "configmaps" => ("NAME\tDATA\tAGE", ""),
        "serviceaccounts" => ("NAME\tSECRETS\tAGE", ""),
        "endpoints" => ("NAME\tENDPOINTS\tAGE", ""),
        "leases" => ("NAME\tHOLDER\tAGE", ""),
        "clusterroles" | "roles" => ("NAME\tCREATED AT", ""),
        "clusterrolebindings" | "rolebindings" => ("NAME\tROLE\tAGE", "\tUSERS\tGROUPS\tSERVICEACCOUNTS"),
        "priorityclasses" => ("NAME\tVALUE\tGLOBAL-DEFAULT\tAGE\tPREEMPTIONPOLICY", ""),
        "apiservices" => ("NAME\tSERVICE\tAVAILABLE\tAGE", ""),
        "controllerrevisions" => ("NAME\tCONTROLLER\tREVISION\tAGE", ""),
        _ => ("NAME\tAGE", ""),
    };
    let mut out = String::new();
    if with_ns {
        out.push_str("NAMESPACE\t");
    }
    out.push_str(head);
    if wide {
        out.push_str(head_wide);
    }
    out.push('\n');
    for st in objs {
        let o = &st.obj;
        let name = s(&o["metadata"]["name"]).to_string();
        let ag = age(world, o);
        let (spec, status) = (&o["spec"], &o["status"]);
        let mut cols: Vec<String> = vec![name];
        let mut wide_cols: Vec<String> = Vec::new();
        match res.plural {
            "pods" => {
                let cs = status["containerStatuses"].as_array().cloned().unwrap_or_default();
                let total = spec["containers"].as_array().map_or(0, Vec::len);
                let ready = cs.iter().filter(|c| c["ready"] == true).count();
                let restarts: i64 = cs.iter().map(|c| n(&c["restartCount"])).fold(0, i64::saturating_add);
                let phase = if o["metadata"]["deletionTimestamp"].is_string() { "Terminating".to_string() } else { s(&status["phase"]).to_string() };
                cols.extend([format!("{ready}/{total}"), or_none(phase), restarts.to_string(), ag]);
                wide_cols.extend([or_none(s(&status["podIP"]).to_string()), or_none(s(&spec["nodeName"]).to_string()), "<none>".into(), "<none>".into()]);
            }
            "nodes" => {
                let ready = status["conditions"].as_array().and_then(|cs| cs.iter().find(|c| c["type"] == "Ready")).map(|c| if c["status"] == "True" { "Ready" } else { "NotReady" }).unwrap_or("Unknown");
                let roles: Vec<String> = o["metadata"]["labels"].as_object().map(|m| m.keys().filter_map(|k| k.strip_prefix("node-role.kubernetes.io/").map(str::to_string)).collect()).unwrap_or_default();
                cols.extend([ready.to_string(), or_none(roles.join(",")), ag, s(&status["nodeInfo"]["kubeletVersion"]).to_string()]);
                let ip = status["addresses"].as_array().and_then(|a| a.iter().find(|x| x["type"] == "InternalIP")).map(|x| s(&x["address"]).to_string()).unwrap_or_default();
                let info = &status["nodeInfo"];
                wide_cols.extend([or_none(ip), "<none>".into(), s(&info["osImage"]).to_string(), s(&info["kernelVersion"]).to_string(), s(&info["containerRuntimeVersion"]).to_string()]);
            }
            "namespaces" => cols.extend([s(&status["phase"]).to_string(), ag]),
            "deployments" => {
                cols.extend([format!("{}/{}", n(&status["readyReplicas"]), n(&spec["replicas"])), n(&status["updatedReplicas"]).to_string(), n(&status["availableReplicas"]).to_string(), ag]);
                let (c, i) = containers(&spec["template"]["spec"]["containers"]);
                wide_cols.extend([c, i, selector(&spec["selector"]["matchLabels"])]);
            }
            "replicasets" => {
                cols.extend([n(&spec["replicas"]).to_string(), n(&status["replicas"]).to_string(), n(&status["readyReplicas"]).to_string(), ag]);
                let (c, i) = containers(&spec["template"]["spec"]["containers"]);
                wide_cols.extend([c, i, selector(&spec["selector"]["matchLabels"])]);
            }
            "daemonsets" => {
                cols.extend([
                    n(&status["desiredNumberScheduled"]).to_string(),
                    n(&status["currentNumberScheduled"]).to_string(),
                    n(&status["numberReady"]).to_string(),
                    n(&status["updatedNumberScheduled"]).to_string(),
                    n(&status["numberAvailable"]).to_string(),
                    or_none(selector(&spec["template"]["spec"]["nodeSelector"])),
                    ag,
                ]);
                let (c, i) = containers(&spec["template"]["spec"]["containers"]);
                wide_cols.extend([c, i, selector(&spec["selector"]["matchLabels"])]);
            }
            "services" => {
                let ports: Vec<String> = spec["ports"].as_array().map(|ps| ps.iter().map(|p| format!("{}/{}", n(&p["port"]), s(&p["protocol"]))).collect()).unwrap_or_default();
                cols.extend([s(&spec["type"]).to_string(), or_none(s(&spec["clusterIP"]).to_string()), "<none>".into(), or_none(ports.join(",")), ag]);
                wide_cols.push(or_none(selector(&spec["selector"])));
            }
            "secrets" => cols.extend([s(&o["type"]).to_string(), o["data"].as_object().map_or(0, |m| m.len()).to_string(), ag]),
            "configmaps" => cols.extend([(o["data"].as_object().map_or(0, |m| m.len()) + o["binaryData"].as_object().map_or(0, |m| m.len())).to_string(), ag]),
            "serviceaccounts" => cols.extend([o["secrets"].as_array().map_or(0, Vec::len).to_string(), ag]),
            "endpoints" => {
                let mut eps = Vec::new();
                for sub in o["subsets"].as_array().cloned().unwrap_or_default() {
                    for port in sub["ports"].as_array().cloned().unwrap_or_default() {
                        for addr in sub["addresses"].as_array().cloned().unwrap_or_default() {
                            eps.push(format!("{}:{}", s(&addr["ip"]), n(&port["port"])));
                        }
                    }
                }
                let shown = if eps.len() > 3 { format!("{} + {} more...", eps[..3].join(","), eps.len() - 3) } else { eps.join(",") };
                cols.extend([or_none(shown), ag]);
            }
            "leases" => cols.extend([s(&spec["holderIdentity"]).to_string(), ag]),
            "clusterroles" | "roles" => cols.push(s(&o["metadata"]["creationTimestamp"]).to_string()),
            "clusterrolebindings" | "rolebindings" => {
                cols.extend([format!("{}/{}", s(&o["roleRef"]["kind"]), s(&o["roleRef"]["name"])), ag]);
                let subj = |kind: &str| o["subjects"].as_array().map(|a| a.iter().filter(|x| x["kind"] == kind).map(|x| if kind == "ServiceAccount" { format!("{}/{}", s(&x["namespace"]), s(&x["name"])) } else { s(&x["name"]).to_string() }).collect::<Vec<_>>().join(", ")).unwrap_or_default();
                wide_cols.extend([subj("User"), subj("Group"), subj("ServiceAccount")]);
            }
            "priorityclasses" => cols.extend([n(&o["value"]).to_string(), (o["globalDefault"] == true).to_string(), ag, s(&o["preemptionPolicy"]).to_string()]),
            "apiservices" => {
                let svc = if o["spec"]["service"].is_object() { format!("{}/{}", s(&o["spec"]["service"]["namespace"]), s(&o["spec"]["service"]["name"])) } else { "Local".into() };
                let avail = o["status"]["conditions"].as_array().and_then(|c| c.iter().find(|c| c["type"] == "Available")).map(|c| s(&c["status"]).to_string()).unwrap_or_else(|| "Unknown".into());
                cols.extend([svc, avail, ag]);
            }
            "controllerrevisions" => {
                let owner = o["metadata"]["ownerReferences"][0]["name"].as_str().map(|n| format!("daemonset.apps/{n}")).unwrap_or_else(|| format!("daemonset.apps/{}", s(&o["metadata"]["name"]).rsplit_once('-').map_or("", |(a, _)| a)));
                cols.extend([owner, n(&o["revision"]).to_string(), ag]);
            }
            _ => cols.push(ag),
        }
        if with_ns {
            out.push_str(s(&o["metadata"]["namespace"]));
            out.push('\t');
        }
        out.push_str(&cols.join("\t"));
        if wide {
            for c in wide_cols {
                out.push('\t');
                out.push_str(&c);
            }
        }
        out.push('\n');
    }
    out
}

/// Prefixes the NAME column with the type (`deployment.apps/coredns`), as kubectl does when
/// one `get` lists several types.
fn prefix_names(text: &str, ty: &str, with_ns: bool) -> String {
    let col = usize::from(with_ns);
    text.lines()
        .enumerate()
        .map(|(i, l)| {
            let mut cells: Vec<String> = l.split('\t').map(str::to_string).collect();
            if i > 0 {
                if let Some(c) = cells.get_mut(col) {
                    *c = format!("{ty}/{c}");
                }
            }
            cells.join("\t") + "\n"
        })
        .collect()
}

/// A label selector: `k=v`, `k==v`, `k!=v`, `k`, `!k`, comma-separated (all must hold).
pub struct Selector(Vec<(String, Option<String>, bool)>);

impl Selector {
    pub fn parse(s: &str) -> Result<Selector, String> {
        let mut terms = Vec::new();
        for t in s.split(',').map(str::trim).filter(|t| !t.is_empty()) {
            let term = if let Some((k, v)) = t.split_once("!=") {
                (k.to_string(), Some(v.to_string()), false)
            } else if let Some((k, v)) = t.split_once("==").or_else(|| t.split_once('=')) {
                (k.to_string(), Some(v.to_string()), true)
            } else if let Some(k) = t.strip_prefix('!') {
                (k.to_string(), None, false)
            } else {
                (t.to_string(), None, true)
            };
            if term.0.is_empty() || term.0.contains(' ') {
                return Err(format!("error: unable to parse requirement: found '{t}', expected: identifier"));
            }
            terms.push(term);
        }
        Ok(Selector(terms))
    }

    pub fn matches(&self, labels: &Value) -> bool {
        self.0.iter().all(|(k, v, eq)| {
            let have = labels.get(k).and_then(Value::as_str);
            match (v, eq) {
                (Some(v), true) => have == Some(v.as_str()),
                (Some(v), false) => have != Some(v.as_str()),
                (None, true) => have.is_some(),
                (None, false) => have.is_none(),
            }
        })
    }
}
