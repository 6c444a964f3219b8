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
    let Some(s) = connect(world, p, g) else { return g.failed() };
    let id = format!("{:x}", s.member_id);
    let peers = s.peer_urls.join(",");
    let clients = s.advertise_client_urls.join(",");
    match g.write_out.as_str() {
        "json" => {
            let urls = |v: &[String]| format!("[{}]", v.iter().map(|u| json_str(u)).collect::<Vec<_>>().join(","));
            let mut m = Obj::new();
            m = if g.hex && s.version.is_3_5() { m.raw("ID", format!("\"{id}\"")) } else { m.uint("ID", s.member_id) };
            let m = m.str("name", &s.name).raw("peerURLs", urls(&s.peer_urls)).raw("clientURLs", urls(&s.advertise_client_urls));
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
