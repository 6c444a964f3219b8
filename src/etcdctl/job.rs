//! etcdctl's commands that keep running (see [`crate::jobs`]): `watch` streams the events the
//! engine's watcher collects, `lease keep-alive` renews every TTL/3, and a `snapshot save`
//! that dials an endpoint nobody answers hangs (it leaves its `<file>.part` behind). They are
//! saved with the session (serde), in the shape they had when `jobs.rs` held them.

use crate::jobs::{Polled, Running, IDLE_BOUND_MS};
use crate::i18n::Text;
use crate::process::Chunk;
use crate::world::World;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Job {
    /// `etcdctl watch`: the engine's watcher collects events; each poll prints them.
    /// `pb`: `-w protobuf` (each response as binary; old saved sessions have none).
    Watch {
        watch_id: i64,
        json: bool,
        hex: bool,
        #[serde(default)]
        pb: bool,
    },
    /// `etcdctl lease keep-alive`: renews at `next_ms`, then every `every_ms` (TTL/3).
    KeepAlive {
        lease: i64,
        every_ms: u64,
        next_ms: u64,
        json: bool,
        renewals: u32,
        #[serde(default)]
        pb: bool,
    },
    /// Waiting for an answer that never comes. `bounded` is what `run` mode prints instead
    /// (the timeout and its diagnosis), at `bounded_clock_ms`; `interrupted` the explanation
    /// after Ctrl+C; `part` the temporary file a bounded end removes.
    Hang { bounded: Vec<Chunk>, bounded_exit: i32, bounded_clock_ms: u64, interrupted: Vec<Chunk>, part: Option<String> },
    /// Not etcdctl's: the `etcd` server program (`src/etcdmain.rs`) running member `name`
    /// until a signal (`kill %1`, Ctrl+C) stops it. It lives here because the shell keeps and
    /// saves one job type; it prints its log when it starts, nothing later.
    Server { name: String },
}

impl Running for Job {
    fn poll(&mut self, world: &mut World) -> Polled {
        let now = world.clock_ms;
        let mut out = Polled::default();
        match self {
            Job::Watch { watch_id, json, hex, pb } => {
                let events = world.etcd.store.watch_drain(*watch_id);
                let n = events.len() as u64;
                let before = out.chunks.len();
                if !events.is_empty() && *pb {
                    out.chunks.push(Chunk::Bytes(super::watch::format_events_pb(&world.etcd, events, false)));
                } else if !events.is_empty() {
                    out.chunks.push(Chunk::Stdout(super::watch::format_events(&world.etcd, events, *json, *hex, false)));
                }
                if n > 0 {
                    let text: String = out.chunks[before..].iter().map(crate::facts::chunk_text).collect();
                    world.facts.later("etcdctl", "watch", "events", n, &text);
                }
            }
            Job::KeepAlive { lease, every_ms, next_ms, json, renewals, pb } => {
                // A stopped etcd answers nothing: the client keeps waiting (and retrying).
                if !world.etcd.running {
                    return out;
                }
                let mut text = String::new();
                let mut bytes = Vec::new();
                let mut guard = 0;
                while *next_ms <= now && guard < 1000 {
                    guard += 1;
                    let at = *next_ms;
                    match world.etcd.store.lease_keep_alive(*lease, at) {
                        Ok(ttl) => {
                            if *pb {
                                bytes.extend(super::printer_protobuf::header(&world.etcd, world.etcd.store.current_revision()).build());
                            } else {
                                text.push_str(&super::lease::keepalive_line(&world.etcd, *lease, ttl, *json));
                            }
                            *renewals += 1;
                            *next_ms = at.saturating_add(*every_ms);
                        }
                        Err(_) => {
                            // The server answers TTL 0: the client closes the stream, and
                            // etcdctl (simple format only) says so and exits 0.
                            if !*json && !*pb {
                                text.push_str(&format!("lease {:016x} expired or revoked.\n", *lease));
                            }
                            out.ended = Some(0);
                            break;
                        }
                    }
                }
                if !text.is_empty() {
                    out.chunks.push(Chunk::Stdout(text));
                }
                if !bytes.is_empty() {
                    out.chunks.push(Chunk::Bytes(bytes));
                }
            }
            Job::Hang { .. } | Job::Server { .. } => {}
        }
        out
    }

    /// The note shown when the job starts in the foreground of the terminal.
    fn started_note(&self) -> Option<Chunk> {
        match self {
            Job::Watch { .. } => Some(Chunk::Explain(Text::new(
                "The watch keeps running: new events on these keys appear here as they happen (a lease running out, the kubelet, the controllers). Press Ctrl+C to stop it. To make changes yourself while watching, start it in the background: `etcdctl watch KEY &`, then `etcdctl put KEY value`, and `kill %1` when done.",
                "O watch continua rodando: novos eventos nessas chaves aparecem aqui quando acontecem (um lease expirando, o kubelet, os controllers). Aperte Ctrl+C para parar. Para fazer mudanças você mesmo enquanto observa, rode-o em segundo plano: `etcdctl watch CHAVE &`, depois `etcdctl put CHAVE valor`, e `kill %1` ao terminar.",
            ))),
            Job::KeepAlive { .. } | Job::Hang { .. } | Job::Server { .. } => None,
        }
    }

    fn interrupt(&mut self, world: &mut World) -> Vec<Chunk> {
        match self {
            Job::Watch { watch_id, .. } => {
                world.etcd.store.watch_cancel(*watch_id);
                Vec::new()
            }
            Job::KeepAlive { .. } => Vec::new(),
            Job::Hang { interrupted, .. } => std::mem::take(interrupted),
            Job::Server { name } => {
                crate::etcdmain::stopped(world, name);
                Vec::new()
            }
        }
    }

    fn end_at_once(&mut self, world: &mut World) -> Option<(Vec<Chunk>, i32)> {
        let Job::Hang { bounded, bounded_exit, bounded_clock_ms, part, .. } = self else { return None };
        world.advance(bounded_clock_ms.saturating_sub(world.clock_ms));
        if let Some(part) = part.take() {
            let _ = world.vfs.remove(&part, false);
        }
        Some((std::mem::take(bounded), *bounded_exit))
    }

    fn paced(&self) -> bool {
        matches!(self, Job::KeepAlive { .. })
    }

    fn waits_for_events(&self) -> bool {
        matches!(self, Job::Watch { .. })
    }

    fn bounded_note(&self, total_ms: u64) -> Text {
        let total = total_ms / 1000;
        match self {
            Job::Watch { .. } => Text::new(
                format!("The real `etcdctl watch` keeps running until you press Ctrl+C, printing each new event on these keys. Here nothing can press Ctrl+C, so the playground let the simulated clock run ({}s) until {}s passed without a new event, then stopped it. In the browser terminal it keeps running until Ctrl+C.", total, IDLE_BOUND_MS / 1000),
                format!("O `etcdctl watch` real continua rodando até você apertar Ctrl+C, imprimindo cada novo evento nessas chaves. Aqui ninguém aperta Ctrl+C, então o playground deixou o relógio simulado correr ({}s) até passarem {}s sem evento novo, e parou. No terminal do navegador ele continua até Ctrl+C.", total, IDLE_BOUND_MS / 1000),
            ),
            Job::KeepAlive { every_ms, renewals, .. } => {
                let (times_en, times_pt) = if *renewals == 1 { ("once".to_string(), "uma vez".to_string()) } else { (format!("{renewals} times"), format!("{renewals} vezes")) };
                let every = crate::decimal::millis_as_seconds(*every_ms);
                Text::new(
                    format!("The real `etcdctl lease keep-alive` keeps running until Ctrl+C, renewing the lease every {every}s (a third of its TTL) and printing this line each time. Here nothing can press Ctrl+C: the playground renewed it {times_en} in {}s of simulated time and stopped. In the browser terminal it keeps running until Ctrl+C.", total),
                    format!("O `etcdctl lease keep-alive` real continua rodando até Ctrl+C, renovando o lease a cada {every}s (um terço do TTL) e imprimindo esta linha a cada vez. Aqui ninguém aperta Ctrl+C: o playground renovou {times_pt} em {}s de tempo simulado e parou. No terminal do navegador ele continua até Ctrl+C.", total),
                )
            }
            Job::Hang { .. } => Text::default(),
            Job::Server { name } => Text::new(
                format!("The real etcd keeps running until it gets a signal (Ctrl+C, `kill`). Here nothing can send one: the playground let {name} run for {total}s of simulated time, then stopped it as Ctrl+C would. To keep a member running, start it in the background: `etcd ... > {name}.log 2>&1 &`."),
                format!("O etcd real continua rodando até receber um sinal (Ctrl+C, `kill`). Aqui ninguém pode mandar um: o playground deixou o {name} rodar por {total}s de tempo simulado e o parou como o Ctrl+C faria. Para manter um membro rodando, inicie-o em segundo plano: `etcd ... > {name}.log 2>&1 &`."),
            ),
        }
    }

    fn prints_after_start(&self) -> bool {
        !matches!(self, Job::Server { .. })
    }
}
