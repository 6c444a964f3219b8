//! `etcdctl member list` — lists all members in the cluster: ID, status, name, peer URLs,
//! client URLs, is-learner.
//!
//! ```text
//! $ etcdctl member list
//! 8e9e05c52164694d, started, docker-01, http://127.0.0.1:2380, http://127.0.0.1:2379, false
//! ```

use super::output::{header, header_fields, json_str, table, Obj};
use super::{connect, Globals};
use crate::process::Proc;
use crate::world::World;

pub fn list(world: &mut World, p: &mut Proc, g: &Globals, _args: &[String]) -> i32 {
    if world.cluster.is_some() {
        if connect(world, p, g).is_none() {
            return g.failed();
        }
        return super::cluster_ctl::member_list(world, p, g);
    }
    let Some(s) = connect(world, p, g) else { return g.failed() };
    let id = format!("{:x}", s.member_id);
    let peers = s.peer_urls.join(",");
    let clients = s.advertise_client_urls.join(",");
    match g.write_out.as_str() {
        "json" if g.hex && s.version.is_3_5() => {
            // 3.5's printMemberListWithHexJSON writes the JSON by hand: the header's IDs in hex
            // strings too, and `clientURLS` (sic; checked with the real 3.5.1).
            let urls = |v: &[String]| format!("[{}]", v.iter().map(|u| json_str(u)).collect::<Vec<_>>().join(","));
            p.println(format!(
                "{{\"header\":{{\"cluster_id\":\"{:x}\",\"member_id\":\"{:x}\",\"raft_term\":{}}},\"members\":[{{\"ID\":\"{id}\",\"name\":{},\"peerURLs\":{},\"clientURLS\":{}}}]}}",
                s.cluster_id,
                s.member_id,
                s.raft_term,
                json_str(&s.name),
                urls(&s.peer_urls),
                urls(&s.advertise_client_urls)
            ));
        }
        "json" => {
            let urls = |v: &[String]| format!("[{}]", v.iter().map(|u| json_str(u)).collect::<Vec<_>>().join(","));
            let m = Obj::new().uint("ID", s.member_id).str("name", &s.name).raw("peerURLs", urls(&s.peer_urls)).raw("clientURLs", urls(&s.advertise_client_urls));
            p.println(Obj::new().obj("header", header(s, 0)).raw("members", format!("[{}]", m.build())).build());
        }
        "fields" => {
            let mut o = header_fields(s, 0);
            o.push_str(&format!("\"ID\" : {}\n\"Name\" : {}\n", s.member_id, json_str(&s.name)));
            for u in &s.peer_urls {
                o.push_str(&format!("\"PeerURL\" : {}\n", json_str(u)));
            }
            for u in &s.advertise_client_urls {
                o.push_str(&format!("\"ClientURL\" : {}\n", json_str(u)));
            }
            o.push_str("\"IsLearner\" : false\n\n");
            p.print(o);
        }
        "protobuf" => {
            use super::printer_protobuf as pb;
            let mut m = pb::Msg::new().uint(1, s.member_id).bytes(2, s.name.as_bytes());
            for u in &s.peer_urls {
                m = m.raw(3, u.as_bytes());
            }
            for u in &s.advertise_client_urls {
                m = m.raw(4, u.as_bytes());
            }
            pb::print(p, pb::with_header(s, 0).msg(2, m));
        }
        "table" => p.print(table(&["ID", "STATUS", "NAME", "PEER ADDRS", "CLIENT ADDRS", "IS LEARNER"], &[vec![id, "started".into(), s.name.clone(), peers, clients, "false".into()]])),
        _ => p.println(format!("{id}, started, {}, {peers}, {clients}, false", s.name)),
    }
    0
}

/// `member add|remove|update|promote` and `move-leader`: their argument checks (as etcdctl 3.4
/// and 3.5 word them, exit status 128), and a member ID this cluster does not have (the
/// server's `member not found`). Changing the one member itself is not simulated.
pub fn change(world: &mut World, p: &mut Proc, g: &Globals, path: &str, args: &[String]) -> Option<i32> {
    let pos: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
    let peer_urls = args.iter().any(|a| a.starts_with("--peer-urls"));
    let bad = |p: &mut Proc, m: String| Some(super::bad_args(p, m));
    let hex_id = |s: &str| u64::from_str_radix(s, 16).map_err(|_| format!("strconv.ParseUint: parsing {}: invalid syntax", crate::gofmt::quote(s)));
    if world.cluster.is_some() {
        if let Some(code) = change_in_cluster(world, p, g, path, args) {
            return Some(code);
        }
    }
    match path {
        "member add" if pos.is_empty() => bad(p, "member name not provided".into()),
        "member add" if !peer_urls => bad(p, "member peer urls not provided".into()),
        "member remove" | "member update" | "member promote" => {
            let Some(id) = pos.first() else { return bad(p, "member ID is not provided".into()) };
            let id = match hex_id(id) {
                Ok(id) => id,
                Err(e) => return bad(p, format!("bad member ID arg ({e}), expecting ID in Hex")),
            };
            if path == "member update" && !peer_urls {
                return bad(p, "member peer urls not provided".into());
            }
            if id == world.etcd.member_id {
                return None;
            }
            if connect(world, p, g).is_none() {
                return Some(g.failed());
            }
            Some(super::grpc_fail(world, p, g, "NotFound", "etcdserver: member not found", None))
        }
        "move-leader" if pos.len() != 1 => bad(p, "move-leader command needs 1 argument".into()),
        "move-leader" => match hex_id(pos[0]) {
            Err(e) => bad(p, e),
            Ok(id) if world.cluster.is_some() => Some(super::cluster_ctl::move_leader(world, p, g, id)),
            Ok(_) => None,
        },
        _ => None,
    }
}

/// `--peer-urls`'s value (`--peer-urls=V` or `--peer-urls V`), and the positional arguments.
fn split_member_args(args: &[String]) -> (Option<String>, bool, Vec<String>) {
    let (mut urls, mut learner, mut pos) = (None, false, Vec::new());
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if let Some(v) = a.strip_prefix("--peer-urls=") {
            urls = Some(v.to_string());
        } else if a == "--peer-urls" {
            urls = it.next().cloned();
        } else if a == "--learner" || a == "--learner=true" {
            learner = true;
        } else if a == "--learner=false" {
            learner = false;
        } else if !a.starts_with('-') {
            pos.push(a.clone());
        }
    }
    (urls, learner, pos)
}

/// The membership commands on a cluster (`cluster_ctl`): etcdctl's argument checks first
/// (exit status 128), then the URLs (exit status 1), then the server. `None`: not one of them.
fn change_in_cluster(world: &mut World, p: &mut Proc, g: &Globals, path: &str, args: &[String]) -> Option<i32> {
    use super::cluster_ctl as cc;
    let (urls, learner, pos) = split_member_args(args);
    let urls = urls.filter(|u| !u.is_empty());
    let hex_id = |p: &mut Proc, s: Option<&String>| -> Result<u64, i32> {
        let Some(s) = s else { return Err(super::bad_args(p, "member ID is not provided")) };
        u64::from_str_radix(s, 16).map_err(|_| super::bad_args(p, format!("bad member ID arg (strconv.ParseUint: parsing {}: invalid syntax), expecting ID in Hex", crate::gofmt::quote(s))))
    };
    let parse = |p: &mut Proc, u: &str| cc::parse_peer_urls(u).map_err(|e| super::fail(p, e));
    Some(match path {
        "member add" => {
            let Some(name) = pos.first() else { return Some(super::bad_args(p, "member name not provided")) };
            if pos.len() > 1 {
                // etcdctl hints at the first extra argument that looks like a URL.
                let hint = pos.iter().find(|a| a.to_lowercase().starts_with("http")).map_or(String::new(), |u| format!(", did you mean --peer-urls={u}"));
                return Some(super::bad_args(p, format!("too many arguments{hint}")));
            }
            let Some(u) = urls else { return Some(super::bad_args(p, "member peer urls not provided")) };
            match parse(p, &u) {
                Ok(list) => cc::member_add(world, p, g, name, list, learner),
                Err(code) => code,
            }
        }
        "member remove" => match hex_id(p, pos.first()) {
            Ok(id) => cc::member_remove(world, p, g, id),
            Err(code) => code,
        },
        "member promote" => match hex_id(p, pos.first()) {
            Ok(id) => cc::member_promote(world, p, g, id),
            Err(code) => code,
        },
        "member update" => {
            let id = match hex_id(p, pos.first()) {
                Ok(id) => id,
                Err(code) => return Some(code),
            };
            let Some(u) = urls else { return Some(super::bad_args(p, "member peer urls not provided")) };
            match parse(p, &u) {
                Ok(list) => cc::member_update(world, p, g, id, list),
                Err(code) => code,
            }
        }
        _ => return None,
    })
}
