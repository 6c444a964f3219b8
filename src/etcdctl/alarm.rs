//! `etcdctl alarm list|disarm` — the cluster's alarms (NOSPACE when the backend passed its
//! quota). `disarm` clears them so writes are accepted again.
//!
//! ```text
//! $ etcdctl alarm list
//! memberID:10276657743932975437 alarm:NOSPACE
//! ```

use super::output::{header, Obj};
use super::{connect, Ctx, Globals};
use crate::process::Proc;
use crate::world::World;

pub fn run(world: &mut World, p: &mut Proc, g: &Globals, ctx: &Ctx) -> i32 {
    if connect(world, p, g).is_none() {
        return g.failed();
    }
    if let Some(c) = super::auth::check(world, p, g, super::auth::Access::Admin) {
        return c;
    }
    let s = &mut world.etcd;
    let alarms = if ctx.path == "alarm disarm" {
        s.store.alarm_disarm()
    } else {
        // The Alarm RPC is a raft request even to list (etcdserver's Alarm: raftRequest): one
        // entry in the log, as `endpoint status` shows after it (tests/fidelity/03_cluster.txt).
        s.store.applied();
        s.store.alarm_list()
    };
    let rev = s.store.current_revision();
    match g.write_out.as_str() {
        "json" => {
            // 3.4's maintenance server sends the alarm response without a header (3.5 fills
            // one in: server/etcdserver/api/v3rpc/maintenance.go, Alarm); nothing set: `{}`.
            let mut o = if s.version.is_3_5() { Obj::new().obj("header", header(s, rev)) } else { Obj::new() };
            let items = alarms.iter().map(|a| Obj::new().uint("memberID", a.member_id).int("alarm", alarm_number(a.alarm)).build()).collect();
            o = o.arr("alarms", items);
            p.println(o.build());
        }
        "protobuf" => {
            use super::printer_protobuf as pb;
            let mut m = if s.version.is_3_5() { pb::with_header(s, rev) } else { pb::Msg::new() };
            for a in &alarms {
                m = m.msg(2, pb::Msg::new().uint(1, a.member_id).int(2, alarm_number(a.alarm)));
            }
            pb::print(p, m);
        }
        _ => {
            for a in &alarms {
                p.println(format!("memberID:{} alarm:{}", a.member_id, a.alarm));
            }
        }
    }
    0
}

fn alarm_number(a: crate::engine::AlarmType) -> i64 {
    match a {
        crate::engine::AlarmType::NoSpace => 1,
        crate::engine::AlarmType::Corrupt => 2,
    }
}
