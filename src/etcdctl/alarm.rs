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
    let alarms = if ctx.path == "alarm disarm" { s.store.alarm_disarm() } else { s.store.alarm_list() };
    let rev = s.store.current_revision();
    match g.write_out.as_str() {
        "json" => {
            if alarms.is_empty() {
                // An empty response has no header either: etcdctl prints `{}`.
                p.println("{}");
            } else {
                let items = alarms.iter().map(|a| Obj::new().uint("memberID", a.member_id).int("alarm", alarm_number(a.alarm)).build()).collect();
                p.println(Obj::new().obj("header", header(s, rev)).arr("alarms", items).build());
            }
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
