//! Background jobs: `cmd &`, `jobs`, `fg`, `kill %N` — bash's job control for the commands
//! that keep running ([`crate::jobs`]). A background `etcdctl watch` prints its events between
//! later commands (after each line, and as the page's clock ticks), which is how a learner
//! sees a watch react to their own `put` in one terminal.
//!
//! ```text
//! $ etcdctl watch foo &
//! [1] 4242
//! $ etcdctl put foo bar
//! OK
//! PUT
//! foo
//! bar
//! $ kill %1
//! [1]+  Terminated              etcdctl watch foo
//! ```
//!
//! Every job's process id is 4242 (as `$$`); the real order of a put's `OK` and the watch's
//! event varies, here the event always comes after the command's own output.

use super::Session;
use crate::jobs::Running;
use crate::process::{Chunk, Proc};
use serde::{Deserialize, Serialize};

/// A program's job as the shell keeps and saves it: etcdctl's are the only programs that
/// leave one (`watch`, `lease keep-alive`, a hanging `snapshot save`).
pub type ProgramJob = crate::etcdctl::job::Job;

/// The terminal's foreground job: a program's, or a shell loop the shell runs itself.
/// Saved as before the shell owned its loop job (`{"Watch": ...}`, `{"ShellLoop": ...}`), by
/// hand: `#[serde(untagged)]` would buffer through serde's `Content` (~9 KB gzip of wasm).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Foreground {
    Loop(LoopJob),
    Program(ProgramJob),
}

impl Serialize for Foreground {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Foreground::Loop(l) => l.serialize(s),
            Foreground::Program(p) => p.serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for Foreground {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(saved::ForegroundVisitor)
    }
}

/// Reading a [`Foreground`]: the one key of its map names the variant; `ShellLoop` is the
/// shell's, any other is handed to the program's job type as that enum's variant.
mod saved {
    use super::{Foreground, LoopJob, ProgramJob};
    use serde::de::{self, DeserializeSeed, Deserializer, EnumAccess, IntoDeserializer, MapAccess, VariantAccess, Visitor};
    use serde::Deserialize;
    use std::fmt;

    #[derive(Deserialize)]
    struct LoopFields {
        cmd: Box<crate::shell::parse::Command>,
        last_ms: u64,
    }

    pub(super) struct ForegroundVisitor;

    impl<'de> Visitor<'de> for ForegroundVisitor {
        type Value = Foreground;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a job: a map with one key, its kind")
        }
        fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Foreground, M::Error> {
            let Some(key) = map.next_key::<String>()? else { return Err(de::Error::invalid_length(0, &self)) };
            if key == "ShellLoop" {
                let f: LoopFields = map.next_value()?;
                return Ok(Foreground::Loop(LoopJob::ShellLoop { cmd: f.cmd, last_ms: f.last_ms }));
            }
            ProgramJob::deserialize(Keyed { key, map }).map(Foreground::Program)
        }
    }

    /// An enum whose variant name was already read from a map: its value is the map's next.
    struct Keyed<M> {
        key: String,
        map: M,
    }

    impl<'de, M: MapAccess<'de>> Deserializer<'de> for Keyed<M> {
        type Error = M::Error;
        fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, M::Error> {
            visitor.visit_enum(self)
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
            option unit unit_struct newtype_struct seq tuple tuple_struct map struct enum
            identifier ignored_any
        }
    }

    impl<'de, M: MapAccess<'de>> EnumAccess<'de> for Keyed<M> {
        type Error = M::Error;
        type Variant = Self;
        fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Self), M::Error> {
            let v = seed.deserialize(self.key.as_str().into_deserializer())?;
            Ok((v, self))
        }
    }

    impl<'de, M: MapAccess<'de>> VariantAccess<'de> for Keyed<M> {
        type Error = M::Error;
        fn unit_variant(mut self) -> Result<(), M::Error> {
            self.map.next_value::<de::IgnoredAny>().map(|_| ())
        }
        fn newtype_variant_seed<T: DeserializeSeed<'de>>(mut self, seed: T) -> Result<T::Value, M::Error> {
            self.map.next_value_seed(seed)
        }
        fn tuple_variant<V: Visitor<'de>>(self, _len: usize, _visitor: V) -> Result<V::Value, M::Error> {
            Err(de::Error::custom("a job is never a tuple"))
        }
        fn struct_variant<V: Visitor<'de>>(mut self, fields: &'static [&'static str], visitor: V) -> Result<V::Value, M::Error> {
            self.map.next_value_seed(StructSeed { fields, visitor })
        }
    }

    struct StructSeed<V> {
        fields: &'static [&'static str],
        visitor: V,
    }

    impl<'de, V: Visitor<'de>> DeserializeSeed<'de> for StructSeed<V> {
        type Value = V::Value;
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<V::Value, D::Error> {
            d.deserialize_struct("", self.fields, self.visitor)
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum LoopJob {
    /// A loop that has not ended (`while true; do ...; done`), run a batch at a time as the
    /// page's clock ticks (`Session::tick` → `shell::compound`); `last_ms`: where its last batch
    /// left the clock. Only the terminal's foreground holds one: elsewhere a loop is bounded
    /// at once.
    ShellLoop { cmd: Box<super::parse::Command>, last_ms: u64 },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum BgState {
    Running,
    Done(i32),
    Terminated,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BgJob {
    /// The job number (`%1`).
    pub n: u32,
    /// The command as `jobs` shows it (without the `&`).
    pub command: String,
    pub job: Option<ProgramJob>,
    pub state: BgState,
}

/// The number the next background job gets (bash: one more than the highest in use).
pub fn next_number(s: &Session) -> u32 {
    s.bg.iter().map(|j| j.n).max().unwrap_or(0) + 1
}

/// Output of the background jobs up to the world's clock, then (with `report`, as bash does
/// before a prompt) the notices for the jobs that ended (`[1]+  Done   cmd`), which leave
/// the table.
pub fn poll_bg(s: &mut Session, report: bool) -> Vec<Chunk> {
    let mut chunks = Vec::new();
    for b in s.bg.iter_mut() {
        if let (BgState::Running, Some(job)) = (&b.state, b.job.as_mut()) {
            let p = job.poll(&mut s.world);
            chunks.extend(p.chunks);
            if let Some(code) = p.ended {
                b.state = BgState::Done(code);
                b.job = None;
            }
        }
    }
    if !report {
        return chunks;
    }
    let len = s.bg.len();
    let mut notes = String::new();
    for (i, b) in s.bg.iter().enumerate() {
        let state = match b.state {
            BgState::Running => continue,
            BgState::Done(0) => "Done".to_string(),
            BgState::Done(c) => format!("Exit {c}"),
            BgState::Terminated => "Terminated".to_string(),
        };
        notes.push_str(&format!("[{}]{}  {state:<24}{}\n", b.n, marker(i, len), b.command));
    }
    s.bg.retain(|b| b.state == BgState::Running);
    if !notes.is_empty() {
        chunks.push(Chunk::Stdout(notes));
    }
    chunks
}

/// `+` for the current job (the newest), `-` for the one before.
fn marker(i: usize, len: usize) -> char {
    if i + 1 == len {
        '+'
    } else if i + 2 == len {
        '-'
    } else {
        ' '
    }
}

/// The job a jobspec names: `%N`, `%%`, `%+`, `%-`, or the current job when none is given.
fn find(s: &Session, spec: Option<&str>) -> Option<usize> {
    let len = s.bg.len();
    match spec {
        None | Some("%%") | Some("%+") | Some("%") => len.checked_sub(1),
        Some("%-") => len.checked_sub(2).or(len.checked_sub(1)),
        Some(x) => {
            let n: u32 = x.strip_prefix('%')?.parse().ok()?;
            s.bg.iter().position(|b| b.n == n)
        }
    }
}

/// `sleep`: the time passes through [`Session::pass_time`], second by second while a
/// background keep-alive runs (it renews its lease before it would run out); a background
/// watch prints each expiry it saw.
pub fn sleep(s: &mut Session, p: &mut Proc) -> i32 {
    let Some(ms) = crate::coreutils::sleep::sleep_ms(&s.world, p) else { return 1 };
    let (out, _) = s.pass_time(ms);
    p.out.extend(out);
    0
}

/// `jobs`: the background jobs and their state.
pub fn jobs(s: &mut Session, p: &mut Proc) -> i32 {
    let len = s.bg.len();
    let mut out = String::new();
    for (i, b) in s.bg.iter().enumerate() {
        out.push_str(&format!("[{}]{}  {:<24}{} &\n", b.n, marker(i, len), "Running", b.command));
    }
    p.print(out);
    0
}

/// `fg [%N]`: the job comes to the foreground (it prints its command line, as bash does).
pub fn fg(s: &mut Session, p: &mut Proc) -> i32 {
    let spec = p.args.get(1).map(String::as_str);
    let Some(i) = find(s, spec) else {
        p.eprintln(format!("bash: fg: {}: no such job", spec.unwrap_or("current")));
        return 1;
    };
    let b = s.bg.remove(i);
    p.println(&b.command);
    p.job = b.job.map(|j| Box::new(j) as Box<dyn Running>);
    0
}

/// `kill [-SIGNAL] %N|PID`: stops a background job; bash reports `Terminated` after the line.
pub fn kill(s: &mut Session, p: &mut Proc) -> i32 {
    let mut targets = Vec::new();
    let mut skip_next = false;
    for a in p.args[1..].iter() {
        if skip_next {
            skip_next = false;
        } else if a == "-s" || a == "-n" {
            skip_next = true;
        } else if a.starts_with('-') && a.len() > 1 {
            // A signal (-9, -INT, -SIGTERM): every one ends the simulated job.
        } else {
            targets.push(a.clone());
        }
    }
    if targets.is_empty() {
        p.eprintln("kill: usage: kill [-s sigspec | -n signum | -sigspec] pid | jobspec ... or kill -l [sigspec]");
        return 2;
    }
    let mut code = 0;
    for t in targets {
        if t.starts_with('%') {
            match find(s, Some(&t)) {
                Some(i) => {
                    if let Some(mut job) = s.bg[i].job.take() {
                        let _ = job.interrupt(&mut s.world);
                    }
                    s.bg[i].state = BgState::Terminated;
                }
                None => {
                    p.eprintln(format!("bash: kill: {t}: no such job"));
                    code = 1;
                }
            }
        } else if t == "4242" && !s.bg.is_empty() {
            // Every simulated job has the shell's pid: end them all.
            for b in s.bg.iter_mut() {
                if let Some(mut job) = b.job.take() {
                    let _ = job.interrupt(&mut s.world);
                }
                b.state = BgState::Terminated;
            }
        } else if t.chars().all(|c| c.is_ascii_digit()) {
            p.eprintln(format!("bash: kill: ({t}) - No such process"));
            code = 1;
        } else {
            p.eprintln(format!("bash: kill: {t}: arguments must be process or job IDs"));
            code = 1;
        }
    }
    code
}

#[cfg(test)]
mod tests {
    use crate::shell::Session;

    #[test]
    fn a_background_watch_at_the_terminal_comes_to_the_foreground_and_stops() {
        let mut s = Session::new("plain").unwrap();
        let r = s.execute_interactive("etcdctl watch k &");
        assert!(!r.running);
        assert_eq!(r.text(), "[1] 4242\n");
        assert!(s.prompt().starts_with("root@"), "the prompt stays");
        // Time passes (the page's clock tick): a lease expiry reaches the background watch.
        let id = s.execute_interactive("etcdctl lease grant 2").text().split(' ').nth(1).unwrap().to_string();
        assert_eq!(s.execute_interactive(&format!("etcdctl put k v --lease={id}")).text(), "OK\nPUT\nk\nv\n");
        let r = s.tick(3000);
        assert_eq!((r.text().as_str(), r.running), ("DELETE\nk\n\n", false));
        let r = s.execute_interactive("fg %1");
        assert!(r.running);
        assert_eq!(r.text(), "etcdctl watch k\n");
        assert!(s.bg.is_empty() && s.job.is_some());
        assert_eq!(s.prompt(), "");
        assert_eq!(s.interrupt().exit, 130);
        assert!(s.world.etcd.store.watchers.by_id.is_empty());
    }

    #[test]
    fn kill_cancels_the_watcher_and_background_jobs_survive_save_and_load() {
        let mut s = Session::new("plain").unwrap();
        s.execute_interactive("etcdctl watch a &");
        s.execute_interactive("etcdctl watch b &");
        let mut t = crate::session_file::load(&crate::session_file::save(&s)).unwrap();
        assert_eq!(t.execute("jobs").text(), "[1]-  Running                 etcdctl watch a &\n[2]+  Running                 etcdctl watch b &\n");
        assert_eq!(t.execute("kill -9 %2").text(), "[2]+  Terminated              etcdctl watch b\n");
        assert_eq!(t.world.etcd.store.watchers.by_id.len(), 1);
        assert_eq!(t.execute("etcdctl put b 1; etcdctl put a 2").text(), "OK\nOK\nPUT\na\n2\n");
        assert_eq!(t.execute("kill 4242").text(), "[1]+  Terminated              etcdctl watch a\n");
        assert!(t.world.etcd.store.watchers.by_id.is_empty() && t.bg.is_empty());
    }

    /// The CBOR shape a saved job had when `jobs::Job` held every kind (the loop included):
    /// sessions saved then still load, and new saves write the same shape.
    #[test]
    fn jobs_load_and_save_in_the_shape_older_sessions_hold() {
        use super::{Foreground, LoopJob, ProgramJob};
        use ciborium::Value;
        let text = |s: &str| Value::Text(s.into());
        let map = |kv: Vec<(&str, Value)>| Value::Map(kv.into_iter().map(|(k, v)| (text(k), v)).collect());
        let cbor = |v: &Value| {
            let mut b = Vec::new();
            ciborium::into_writer(v, &mut b).unwrap();
            b
        };
        // A watch saved before `-w protobuf` existed (no `pb`).
        let old_watch = map(vec![("Watch", map(vec![("watch_id", Value::Integer(7.into())), ("json", Value::Bool(false)), ("hex", Value::Bool(true))]))]);
        let fg: Foreground = crate::cbor::from_slice(&cbor(&old_watch)).unwrap();
        assert_eq!(fg, Foreground::Program(ProgramJob::Watch { watch_id: 7, json: false, hex: true, pb: false }));
        let bg: ProgramJob = crate::cbor::from_slice(&cbor(&old_watch)).unwrap();
        assert!(matches!(bg, ProgramJob::Watch { watch_id: 7, .. }));
        let keep = map(vec![("KeepAlive", map(vec![("lease", Value::Integer(5.into())), ("every_ms", Value::Integer(2000.into())), ("next_ms", Value::Integer(4000.into())), ("json", Value::Bool(false)), ("renewals", Value::Integer(1.into()))]))]);
        let fg: Foreground = crate::cbor::from_slice(&cbor(&keep)).unwrap();
        assert!(matches!(fg, Foreground::Program(ProgramJob::KeepAlive { lease: 5, every_ms: 2000, .. })));
        // A loop job, as a session at the terminal saves it, writes and reads `{"ShellLoop": ...}`.
        let mut s = Session::new("plain").unwrap();
        assert!(s.execute_interactive("while :; do sleep 1; done").running);
        let job = s.job.clone().unwrap();
        assert!(matches!(job, Foreground::Loop(LoopJob::ShellLoop { .. })));
        let mut bytes = Vec::new();
        ciborium::into_writer(&job, &mut bytes).unwrap();
        let v: Value = ciborium::from_reader(&bytes[..]).unwrap();
        let Value::Map(entries) = &v else { panic!("{v:?}") };
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].0, text("ShellLoop"));
        let Value::Map(fields) = &entries[0].1 else { panic!("{v:?}") };
        assert_eq!(fields.iter().map(|(k, _)| k.clone()).collect::<Vec<_>>(), vec![text("cmd"), text("last_ms")]);
        let back: Foreground = crate::cbor::from_slice(&bytes).unwrap();
        assert_eq!(back, job);
        // And a program's job saves as it always did.
        let mut bytes = Vec::new();
        ciborium::into_writer(&Foreground::Program(ProgramJob::Watch { watch_id: 7, json: false, hex: true, pb: false }), &mut bytes).unwrap();
        let v: Value = ciborium::from_reader(&bytes[..]).unwrap();
        assert_eq!(v, map(vec![("Watch", map(vec![("watch_id", Value::Integer(7.into())), ("json", Value::Bool(false)), ("hex", Value::Bool(true)), ("pb", Value::Bool(false))]))]));
    }

    #[test]
    fn a_background_keep_alive_keeps_its_lease_through_sleep() {
        let mut s = Session::new("plain").unwrap();
        let id = s.execute("etcdctl lease grant 6").text().split(' ').nth(1).unwrap().to_string();
        s.execute(&format!("etcdctl put k v --lease={id}"));
        let r = s.execute(&format!("etcdctl lease keep-alive {id} &"));
        assert_eq!(r.text(), format!("[1] 4242\nlease {id} keepalived with TTL(6)\n"));
        let r = s.execute("sleep 20");
        assert_eq!(r.text(), format!("lease {id} keepalived with TTL(6)\n").repeat(10));
        assert_eq!(s.execute("etcdctl get k --print-value-only").text(), "v\n");
        assert_eq!(s.execute("sleep x").text(), "sleep: invalid time interval ‘x’\nTry 'sleep --help' for more information.\n");
        s.execute("kill %1");
        s.execute("sleep 7");
        assert_eq!(s.execute("etcdctl get k").text(), "", "without keep-alive the lease runs out");
    }
}
