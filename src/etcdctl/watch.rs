//! `etcdctl watch [options] [key or prefix] [range_end] [--] [exec-command arg1 arg2 ...]` —
//! watches events stream on keys or prefixes.
//!
//! ```text
//! $ etcdctl watch k --prefix --rev 2
//! PUT
//! k1
//! AAA,BBB,CCC
//! ```
//!
//! The real command never ends by itself: it prints the history from `--rev` and then waits
//! for new events until Ctrl+C. Here it prints the replay and leaves a running
//! [`super::job::Job::Watch`]: the terminal streams new events until Ctrl+C, `run` mode
//! stops it after a bounded stretch of simulated time (see [`crate::jobs`]).

use super::output::{header, kv_json, simple_bytes, Obj};
use super::{bad_args, connect, Globals, EXIT_INTERRUPTED, EXIT_INVALID_INPUT};
use crate::engine::{Event, EventType, WatchCreate, WatchFilter};
use crate::process::Proc;
use crate::world::World;

pub fn run(world: &mut World, p: &mut Proc, g: &Globals, args: &[String]) -> i32 {
    // 3.5's flags (`--progress-notify`) come from its own help text.
    let v3_5 = world.etcd.version.is_3_5();
    let a = super::flags::parse_v("watch", args, v3_5).unwrap_or_default();
    if a.bool("interactive") {
        // 3.5 lower-cased the error (Go's error-string style), checked with 3.5.1.
        p.eprintln(if world.etcd.version.is_3_5() { "Error: error reading watch request line: EOF" } else { "Error: Error reading watch request line: EOF" });
        return EXIT_INVALID_INPUT;
    }
    // Words after `--` are a command to run on each event (not simulated).
    let dash = args.iter().position(|x| x == "--");
    let pos: Vec<String> = match dash {
        Some(i) => {
            let before = super::flags::parse_v("watch", &args[..i], v3_5).map(|x| x.positionals).unwrap_or_default();
            before
        }
        None => a.positionals.clone(),
    };
    if pos.is_empty() || pos.len() > 2 {
        return bad_args(p, "bad number of arguments");
    }
    let prefix = a.bool("prefix");
    if prefix && pos.len() == 2 {
        return bad_args(p, "unexpected range_end with --prefix");
    }
    let key = if pos[0].is_empty() && prefix { vec![0] } else { pos[0].clone().into_bytes() };
    let range_end = if prefix { if key.is_empty() { vec![0] } else { super::get::prefix_end(&key) } } else { pos.get(1).map(|s| s.clone().into_bytes()).unwrap_or_default() };
    if connect(world, p, g).is_none() {
        return g.failed();
    }
    if let Some(c) = super::auth::check(world, p, g, super::auth::Access::Kv { key: &key, range_end: &range_end, write: false }) {
        return c;
    }
    world.facts.note("key", String::from_utf8_lossy(&key));
    world.facts.note("range_end", String::from_utf8_lossy(&range_end));
    let s = &mut world.etcd;
    let req = WatchCreate { key, range_end, start_revision: a.int("rev"), prev_kv: a.bool("prev-kv"), filters: Vec::<WatchFilter>::new(), ..Default::default() };
    let (id, events) = match s.store.watch_create(req) {
        Ok(x) => x,
        Err(e) => {
            // etcdctl's printWatchCh: the note to stderr, then the canceled response goes
            // through the printer (nothing in simple: it has no events).
            p.eprintln(format!("watch was canceled ({e})"));
            let compact = s.store.compact_revision();
            match g.write_out.as_str() {
                "json" => p.println(format!("{{\"Header\":{},\"Events\":[],\"CompactRevision\":{compact},\"Canceled\":true,\"Created\":false}}", header(s, 0).build())),
                "protobuf" => {
                    use super::printer_protobuf as pb;
                    pb::print(p, pb::with_header(s, 0).bool(4, true).int(5, compact));
                }
                _ => {}
            }
            p.eprintln("Error: watch is canceled by the server");
            return EXIT_INTERRUPTED;
        }
    };
    // Events a real watch delivered (lesson checks); later ones are added by the job.
    world.facts.note("events", events.len());
    let s = &mut world.etcd;
    let pb = g.write_out == "protobuf";
    if pb {
        let b = format_events_pb(s, events, true);
        if !b.is_empty() {
            p.write_bytes(&b);
            super::printer_protobuf::explain(p);
        }
    } else if g.write_out == "fields" {
        p.print(format_events_fields(s, events));
    } else {
        p.print(format_events(s, events, g.write_out == "json", g.hex, true));
    }
    p.job = Some(Box::new(super::job::Job::Watch { watch_id: id, json: g.write_out == "json", hex: g.hex, pb }));
    0
}

/// The watch responses these events arrive in, each with its header revision. The events
/// a new watcher catches up on (`--rev` in the past: `initial`) come in one response whose
/// header holds the store's current revision (etcd's syncWatchers batches a watcher's
/// unsynced events; checked with real 3.4.23: one json line); later events arrive one
/// response per revision.
fn responses(s: &crate::cluster::EtcdServer, events: Vec<Event>, initial: bool) -> Vec<(i64, Vec<Event>)> {
    if initial {
        return if events.is_empty() { Vec::new() } else { vec![(s.store.current_revision(), events)] };
    }
    let mut groups: Vec<(i64, Vec<Event>)> = Vec::new();
    for ev in events {
        match groups.last_mut() {
            Some((rev, gr)) if *rev == ev.kv.mod_revision => gr.push(ev),
            _ => groups.push((ev.kv.mod_revision, vec![ev])),
        }
    }
    groups
}

/// Events as `-w protobuf` prints them: each `etcdserverpb.WatchResponse` (header, then each
/// `mvccpb.Event`: type, kv, prev_kv), one after the other.
pub fn format_events_pb(s: &crate::cluster::EtcdServer, events: Vec<Event>, initial: bool) -> Vec<u8> {
    use super::printer_protobuf as pb;
    let mut out = Vec::new();
    for (rev, gr) in responses(s, events, initial) {
        let mut m = pb::with_header(s, rev);
        for e in &gr {
            let mut ev = pb::Msg::new().uint(1, (e.kind == EventType::Delete) as u64).raw(2, &pb::kv(&e.kv));
            if let Some(pk) = &e.prev_kv {
                ev = ev.raw(3, &pb::kv(pk));
            }
            m = m.msg(11, ev);
        }
        out.extend(m.build());
    }
    out
}

/// The events a new watcher catches up on, in the `fields` format (etcdctl's fieldsPrinter
/// Watch, checked with 3.4.23 and 3.5.1): the response's header, then per event `"Type"`, the
/// previous key-value's fields named `Prev...` (with --prev-kv), and the key-value's. Events
/// that come later print as `simple` does (the running watch keeps only json/protobuf apart).
fn format_events_fields(s: &crate::cluster::EtcdServer, events: Vec<Event>) -> String {
    let mut out = String::new();
    for (rev, gr) in responses(s, events, true) {
        out.push_str(&super::output::header_fields(s, rev));
        for e in &gr {
            out.push_str(if e.kind == EventType::Delete { "\"Type\" : DELETE\n" } else { "\"Type\" : PUT\n" });
            if let Some(pk) = &e.prev_kv {
                for line in super::output::kv_fields(pk, false).lines() {
                    out.push_str(&format!("\"Prev{}\n", &line[1..]));
                }
            }
            out.push_str(&super::output::kv_fields(&e.kv, false));
        }
    }
    out
}

/// Events as `etcdctl watch` prints them, response by response (simple: `PUT`/`DELETE`, then
/// prev key/value with --prev-kv, then key and value; json: one response object a line).
pub fn format_events(s: &crate::cluster::EtcdServer, events: Vec<Event>, json: bool, hex: bool, initial: bool) -> String {
    let groups = responses(s, events, initial);
    let mut out = String::new();
    for (rev, gr) in &groups {
        let rev = *rev;
        if json {
            let evs: Vec<String> = gr
                .iter()
                .map(|e| {
                    let mut o = Obj::new().int("type", if e.kind == EventType::Delete { 1 } else { 0 }).raw("kv", kv_json(&e.kv));
                    if let Some(pk) = &e.prev_kv {
                        o = o.raw("prev_kv", kv_json(pk));
                    }
                    o.build()
                })
                .collect();
            out.push_str(&format!("{{\"Header\":{},\"Events\":[{}],\"CompactRevision\":0,\"Canceled\":false,\"Created\":false}}\n", header(s, rev).build(), evs.join(",")));
        } else {
            for e in gr {
                out.push_str(if e.kind == EventType::Delete { "DELETE\n" } else { "PUT\n" });
                if let Some(pk) = &e.prev_kv {
                    out.push_str(&format!("{}\n{}\n", simple_bytes(&pk.key, hex), simple_bytes(&pk.value, hex)));
                }
                out.push_str(&format!("{}\n{}\n", simple_bytes(&e.kv.key, hex), simple_bytes(&e.kv.value, hex)));
            }
        }
    }
    out
}
