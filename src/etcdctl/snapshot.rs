//! `etcdctl snapshot save|status|restore` — etcd's backup and restore, on real snapshot files
//! (see [`crate::snapshot`]).
//!
//! ```text
//! $ etcdctl --endpoints=127.0.0.1:2379 snapshot save snapshotdb
//! {"level":"info",...,"msg":"created temporary db file","path":"snapshotdb.part"}
//! ...
//! Snapshot saved at snapshotdb
//! $ etcdctl --write-out=table snapshot status snapshotdb
//! +----------+----------+------------+------------+
//! |   HASH   | REVISION | TOTAL KEYS | TOTAL SIZE |
//! +----------+----------+------------+------------+
//! | 5e2a6e3d |        2 |          5 |      16 kB |
//! +----------+----------+------------+------------+
//! $ etcdctl snapshot restore snapshotdb --data-dir /var/lib/etcd-from-backup
//! ```
//!
//! etcdctl 3.5 still runs `status` and `restore`, after a deprecation note pointing at
//! `etcdutl` (which [`crate::etcdutl`] simulates with the same code).

use super::{connect, parse_args, Globals};
use crate::process::Proc;
use crate::snapshot::restore::{self, Flavor, LogLine, RestoreConfig};
use crate::gofmt::{self, humanize_bytes};
use crate::snapshot::{self, SnapshotError, Status};
use crate::world::World;

pub use super::{EXIT_BAD_ARGS, EXIT_ERROR, EXIT_INTERRUPTED};

/// The simulated wall clock in Unix milliseconds ([`crate::cluster::clock`]).
pub fn unix_ms(world: &World) -> u64 {
    crate::cluster::clock::now_unix_ms(world.clock_ms).max(0) as u64
}

/// `args`: the subcommand (`save`, `status`, `restore`), then the rest of the command line
/// (flags already checked by etcdctl's parser, see [`super::flags`]).
pub fn run(world: &mut World, p: &mut Proc, g: &Globals, args: &[String]) -> i32 {
    let v35 = world.etcd.version.is_3_5();
    let sub = args.first().cloned().unwrap_or_default();
    let parsed = parse_args(&format!("snapshot {sub}"), args.get(1..).unwrap_or_default());
    let pos = &parsed.positionals;
    match sub.as_str() {
        "save" => save(world, p, g, pos),
        "status" => {
            if v35 {
                p.eprint("Deprecated: Use `etcdutl snapshot status` instead.\n\n");
            }
            status_command(world, p, &g.write_out, pos)
        }
        "restore" => {
            let flavor = if v35 {
                p.eprint("Deprecated: Use `etcdutl snapshot restore` instead.\n\n");
                Flavor::V35
            } else {
                Flavor::V34
            };
            let mut opts = RestoreOpts { skip_hash_check: parsed.bool("skip-hash-check"), ..Default::default() };
            for (name, slot) in [("data-dir", &mut opts.data_dir), ("wal-dir", &mut opts.wal_dir), ("name", &mut opts.name), ("initial-cluster", &mut opts.initial_cluster), ("initial-cluster-token", &mut opts.initial_cluster_token), ("initial-advertise-peer-urls", &mut opts.peer_urls)] {
                *slot = parsed.str(name);
            }
            restore_command(world, p, &opts, pos, flavor)
        }
        _ => {
            p.println(USAGE);
            0
        }
    }
}

const USAGE: &str = "NAME:
\tsnapshot - Manages etcd node snapshots

USAGE:
\tetcdctl snapshot <subcommand> [flags]

COMMANDS:
\trestore\tRestores an etcd member snapshot to an etcd directory
\tsave\tStores an etcd node backend snapshot to a given file
\tstatus\tGets backend snapshot status of a given file
";

fn bad_args(p: &mut Proc, msg: &str) -> i32 {
    p.eprintln(format!("Error: {msg}"));
    EXIT_BAD_ARGS
}

/// A zap JSON log line as etcdctl 3.4 (`"ts"` in epoch seconds) or 3.5 (ISO time) prints it.
fn client_log(world: &World, caller: &str, msg: &str, fields: &[(&str, String)], logger: Option<&str>) -> String {
    let ms = unix_ms(world);
    let ts = if world.etcd.version.is_3_5() {
        format!("\"{}Z\"", gofmt::rfc3339_frac(ms as i64, 6))
    } else if logger.is_some() {
        format!("\"{}Z\"", gofmt::rfc3339_frac(ms as i64, 3))
    } else {
        let t = format!("{}.{:03}", ms / 1000, ms % 1000);
        t.trim_end_matches('0').trim_end_matches('.').to_string()
    };
    let mut s = format!("{{\"level\":\"info\",\"ts\":{ts}");
    if let (Some(l), true) = (logger, world.etcd.version.is_3_5()) {
        s.push_str(&format!(",\"logger\":\"{l}\""));
    }
    s.push_str(&format!(",\"caller\":\"{caller}\",\"msg\":\"{msg}\""));
    for (k, v) in fields {
        s.push_str(&format!(",\"{k}\":{v}"));
    }
    s.push('}');
    s
}

fn q(s: &str) -> String {
    format!("{s:?}")
}

/// `snapshot save <filename>`: fetches the member's database over the Snapshot RPC and
/// writes it with its SHA-256.
fn save(world: &mut World, p: &mut Proc, g: &Globals, args: &[String]) -> i32 {
    if args.len() != 1 {
        return bad_args(p, "snapshot save expects one argument");
    }
    if g.endpoints.len() != 1 {
        p.eprintln(format!("Error: snapshot must be requested to one selected node, not multiple [{}]", g.endpoints.join(" ")));
        return EXIT_INTERRUPTED;
    }
    let path = args[0].clone();
    let part = format!("{path}.part");
    let abs_part = p.path(&part);
    if let Err(e) = world.vfs.write(&abs_part, Vec::new()) {
        p.eprintln(format!("Error: could not open {part} (open {part}: {})", e.strerror().to_lowercase()));
        return EXIT_INTERRUPTED;
    }
    let v35 = world.etcd.version.is_3_5();
    let (c_tmp, c_fetching, c_fetched, c_saved) = if v35 { ("snapshot/v3_snapshot.go:65", "snapshot/v3_snapshot.go:73", "snapshot/v3_snapshot.go:88", "snapshot/v3_snapshot.go:97") } else { ("snapshot/v3_snapshot.go:119", "snapshot/v3_snapshot.go:127", "snapshot/v3_snapshot.go:142", "snapshot/v3_snapshot.go:152") };
    let (c_open, c_done) = if v35 { (format!("v3@v{}/maintenance.go:212", world.etcd.version.version), format!("v3@v{}/maintenance.go:220", world.etcd.version.version)) } else { ("clientv3/maintenance.go:200".to_string(), "clientv3/maintenance.go:208".to_string()) };
    p.eprintln(client_log(world, c_tmp, "created temporary db file", &[("path", q(&part))], None));
    // Without --command-timeout real etcdctl gives `snapshot save` no deadline: against an
    // endpoint it cannot reach it prints nothing more and waits for Ctrl+C, which leaves the
    // .part file behind (checked against 3.4.23).
    let no_deadline = !super::command_timeout_set(g);
    let before = p.out.len();
    let server = if no_deadline { super::connect_without_deadline(world, p, g) } else { connect(world, p, g) };
    let Some(server) = server else {
        if no_deadline && g.exit.get() == 130 {
            // It hangs: the terminal waits for Ctrl+C (see crate::jobs); `run` mode, a pipe or
            // `$(...)` stop it at once. The diagnosis comes after the stop.
            let notes: Vec<crate::process::Chunk> = p.out.split_off(before.min(p.out.len()));
            let mut bounded = notes.clone();
            bounded.push(crate::process::Chunk::Explain(crate::i18n::Text::new(
                "Real etcdctl gives `snapshot save` no deadline unless --command-timeout is set: here it would wait, silent, until you press Ctrl+C (exit status 130), leaving the .part file. The playground stops it for you.",
                "O etcdctl real não dá prazo ao `snapshot save` sem --command-timeout: aqui ele esperaria, calado, até você apertar Ctrl+C (status de saída 130), deixando o arquivo .part. O playground o interrompe por você.",
            )));
            let mut interrupted = notes;
            interrupted.push(crate::process::Chunk::Explain(crate::i18n::Text::new(
                "Real etcdctl gives `snapshot save` no deadline unless --command-timeout is set: against an endpoint it cannot reach it waits, silent, until you press Ctrl+C, and leaves the empty .part file behind.",
                "O etcdctl real não dá prazo ao `snapshot save` sem --command-timeout: diante de um endpoint inalcançável ele espera, calado, até você apertar Ctrl+C, e deixa para trás o arquivo .part vazio.",
            )));
            p.job = Some(Box::new(super::job::Job::Hang { bounded, bounded_exit: 130, bounded_clock_ms: world.clock_ms, interrupted, part: None }));
            return 130;
        }
        let _ = world.vfs.remove(&abs_part, false);
        if !no_deadline {
            p.explain(
                "With --command-timeout set, `snapshot save` gives up when that timeout expires.",
                "Com --command-timeout, o `snapshot save` desiste quando esse prazo acaba.",
            );
        }
        return EXIT_INTERRUPTED;
    };
    let file = snapshot::save(server);
    let endpoint = g.endpoints[0].clone();
    p.eprintln(client_log(world, &c_open, "opened snapshot stream; downloading", &[], Some("client")));
    p.eprintln(client_log(world, c_fetching, "fetching snapshot", &[("endpoint", q(&endpoint))], None));
    world.advance(3);
    p.eprintln(client_log(world, &c_done, "completed snapshot read; closing", &[], Some("client")));
    let took = if v35 { q("now") } else { "0.003".to_string() };
    p.eprintln(client_log(world, c_fetched, "fetched snapshot", &[("endpoint", q(&endpoint)), ("size", q(&humanize_bytes(file.len() as u64))), ("took", took)], None));
    let _ = world.vfs.remove(&abs_part, false);
    if let Err(e) = world.vfs.write(&p.path(&path), file) {
        p.eprintln(format!("Error: could not rename {part} to {path} (rename {part} {path}: {})", e.strerror().to_lowercase()));
        return EXIT_INTERRUPTED;
    }
    p.eprintln(client_log(world, c_saved, "saved", &[("path", q(&path))], None));
    p.println(format!("Snapshot saved at {path}"));
    0
}

/// Reads a file of the virtual filesystem for `snapshot status`, with the errors `os.Stat`
/// and `bolt.Open` give.
fn read_for_status(world: &World, p: &Proc, path: &str) -> Result<Vec<u8>, String> {
    match world.read(&p.path(path)) {
        Err(crate::vfs::VfsError::IsADirectory) => Err(format!("open {path}: is a directory")),
        Err(_) => Err(format!("stat {path}: no such file or directory")),
        Ok(data) => Ok(data.into_owned()),
    }
}

/// Why `snapshot status` refused a file: the line after `Error: `, and the playground's
/// explanation when it has one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusError {
    pub line: String,
    pub explain: Option<crate::i18n::Text>,
}

/// `snapshot status` on a file's bytes (`path` as the user named it): what the command prints
/// and the files panel shows come from here.
pub fn status_of(path: &str, data: &[u8]) -> Result<Status, StatusError> {
    if data.is_empty() {
        return Err(StatusError { line: format!("write {path}: bad file descriptor"), explain: None });
    }
    snapshot::status(data).map_err(|e| StatusError { line: e.to_string(), explain: error_explanation(&e) })
}

/// `snapshot status <filename>` (etcdctl 3.4/3.5 and etcdutl 3.5 share it); `args` are the
/// positional arguments.
pub fn status_command(world: &mut World, p: &mut Proc, write_out: &str, args: &[String]) -> i32 {
    if args.len() != 1 {
        return bad_args(p, "snapshot status requires exactly one argument");
    }
    if !matches!(write_out, "simple" | "json" | "table" | "fields" | "protobuf") {
        p.eprintln(format!("Error: unknown output format {write_out:?}"));
        return EXIT_ERROR;
    }
    if world.db_locked(&p.path(&args[0])) {
        // Checked against 3.4.23: status of a running member's db waits on bbolt's file lock.
        let why = (
            "A running etcd holds an exclusive lock (flock) on its member/snap/db, and `snapshot status` opens the file with bbolt, which waits for that lock: real etcdctl and etcdutl wait here, silent, until you press Ctrl+C (exit status 130). Copy the file first (`cp`), read a stopped member's db, or take a `snapshot save`.",
            "Um etcd em execução mantém uma trava exclusiva (flock) no seu member/snap/db, e `snapshot status` abre o arquivo com o bbolt, que espera essa trava: o etcdctl e o etcdutl reais esperam aqui, calados, até você apertar Ctrl+C (status de saída 130). Copie o arquivo antes (`cp`), leia o db de um membro parado, ou faça um `snapshot save`.",
        );
        let note = |extra: (&str, &str)| vec![crate::process::Chunk::Explain(crate::i18n::Text::new(format!("{}{}", why.0, extra.0), format!("{}{}", why.1, extra.1)))];
        p.job = Some(Box::new(super::job::Job::Hang {
            bounded: note((" The playground stops it for you.", " O playground o interrompe por você.")),
            bounded_exit: 130,
            bounded_clock_ms: world.clock_ms,
            interrupted: note(("", "")),
            part: None,
        }));
        return 130;
    }
    let data = match read_for_status(world, p, &args[0]) {
        Ok(d) => d,
        Err(e) => {
            p.eprintln(format!("Error: {e}"));
            return EXIT_ERROR;
        }
    };
    world.facts.note("op", "snapshot status");
    match status_of(&args[0], &data) {
        Ok(st) => {
            // What the file really holds, as computed here (lesson checks compare it with
            // the file again: an echoed table has no record).
            world.facts.note("path", p.path(&args[0]));
            world.facts.note("hash", st.hash);
            world.facts.note("revision", st.revision);
            world.facts.note("total_keys", st.total_key);
            print_status(p, write_out, &st)
        }
        Err(e) => {
            p.eprintln(format!("Error: {}", e.line));
            if let Some(why) = e.explain {
                p.out.push(crate::process::Chunk::Explain(why));
            }
            EXIT_ERROR
        }
    }
}

fn error_explanation(e: &SnapshotError) -> Option<crate::i18n::Text> {
    Some(match e {
        SnapshotError::Bolt(snapshot::bolt::BoltError::Invalid) => crate::i18n::Text::new(
            "The file does not start with a bbolt meta page (magic 0xED0CDAED): it is not an etcd snapshot, or it was cut short.",
            "O arquivo não começa com uma página meta do bbolt (mágica 0xED0CDAED): não é um snapshot do etcd, ou foi cortado.",
        ),
        SnapshotError::Bolt(snapshot::bolt::BoltError::OutOfFile(_) | snapshot::bolt::BoltError::Corrupt(_)) => crate::i18n::Text::new(
            "The database points at pages its file does not have or cannot hold: the snapshot is truncated or corrupt. Real etcdctl crashes on such a file (it reads it through mmap); the playground reports it instead.",
            "O banco aponta para páginas que o arquivo não tem ou não comporta: o snapshot está truncado ou corrompido. O etcdctl real quebra com um arquivo assim (ele o lê via mmap); o playground mostra o erro.",
        ),
        SnapshotError::HashMismatch { .. } => crate::i18n::Text::new(
            "The SHA-256 that `snapshot save` appended does not match the database: the file changed after it was saved. --skip-hash-check skips this check (only for a db copied from a data dir).",
            "O SHA-256 que o `snapshot save` acrescentou não bate com o banco: o arquivo mudou depois de salvo. --skip-hash-check pula a verificação (só para um db copiado de um data dir).",
        ),
        SnapshotError::MissingHash => crate::i18n::Text::new(
            "A file made by `snapshot save` ends with a 32-byte SHA-256, so its size is 32 more than a multiple of 512. This one does not: it is a db copied from a data dir (then use --skip-hash-check) or not a snapshot.",
            "Um arquivo feito pelo `snapshot save` termina com um SHA-256 de 32 bytes, e seu tamanho é 32 a mais que um múltiplo de 512. Este não: é um db copiado de um data dir (use --skip-hash-check) ou não é um snapshot.",
        ),
        _ => return None,
    })
}

/// Prints the status; `-w protobuf` is refused (`printerUnsupported.DBStatus`, in etcdctl
/// 3.4 and etcdutl 3.5 alike) after the file was read. Returns the exit status.
pub fn print_status(p: &mut Proc, write_out: &str, st: &Status) -> i32 {
    if write_out == "protobuf" {
        p.eprintln("Error: protobuf not supported as output format");
        return super::EXIT_BAD_FEATURE;
    }
    p.print(format_status(write_out, st));
    0
}

/// The cells under HASH, REVISION, TOTAL KEYS and TOTAL SIZE.
pub fn status_row(st: &Status) -> [String; 4] {
    [format!("{:x}", st.hash), st.revision.to_string(), st.total_key.to_string(), humanize_bytes(st.total_size as u64)]
}

/// `snapshot status -w FORMAT` as text, newline-terminated.
pub fn format_status(write_out: &str, st: &Status) -> String {
    let mut out = String::new();
    let mut ln = |s: &str| {
        out.push_str(s);
        out.push('\n');
    };
    let row = status_row(st);
    match write_out {
        "json" => ln(&format!("{{\"hash\":{},\"revision\":{},\"totalKey\":{},\"totalSize\":{}}}", st.hash, st.revision, st.total_key, st.total_size)),
        "table" => {
            let hdr = ["HASH", "REVISION", "TOTAL KEYS", "TOTAL SIZE"];
            let w: Vec<usize> = hdr.iter().zip(&row).map(|(h, c)| h.len().max(c.len())).collect();
            let sep = format!("+{}+", w.iter().map(|n| "-".repeat(n + 2)).collect::<Vec<_>>().join("+"));
            let head = hdr.iter().zip(&w).map(|(h, n)| {
                let gap = n - h.len();
                format!(" {}{}{} ", " ".repeat(gap / 2), h, " ".repeat(gap - gap / 2))
            });
            let cells = row.iter().zip(&w).map(|(c, n)| format!(" {c:>n$} "));
            ln(&sep);
            ln(&format!("|{}|", head.collect::<Vec<_>>().join("|")));
            ln(&sep);
            ln(&format!("|{}|", cells.collect::<Vec<_>>().join("|")));
            ln(&sep);
        }
        "fields" => ln(&format!("\"Hash\" : {}\n\"Revision\" : {}\n\"Keys\" : {}\n\"Size\" : {}", st.hash, st.revision, st.total_key, st.total_size)),
        _ => ln(&row.join(", ")),
    }
    out
}

/// The flags of `snapshot restore` as given (`None`: not given, the default applies).
#[derive(Debug, Clone, Default)]
pub struct RestoreOpts {
    pub data_dir: Option<String>,
    pub wal_dir: Option<String>,
    pub name: Option<String>,
    pub initial_cluster: Option<String>,
    pub initial_cluster_token: Option<String>,
    pub peer_urls: Option<String>,
    pub skip_hash_check: bool,
}

/// Parses `snapshot restore`'s flags the simple way (for etcdutl, which has no pflag parser
/// here): `--flag value`, `--flag=value`, `--skip-hash-check[=bool]`. Returns the options and
/// the positional arguments, or the error line and exit status.
pub fn parse_restore_flags(args: &[String]) -> Result<(RestoreOpts, Vec<String>), (String, i32)> {
    let mut o = RestoreOpts::default();
    let mut positional = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if !a.starts_with("--") || a == "--" {
            positional.push(a.clone());
            continue;
        }
        let (name, inline) = match a.split_once('=') {
            Some((n, v)) => (n, Some(v.to_string())),
            None => (a.as_str(), None),
        };
        if name == "--skip-hash-check" {
            match inline.as_deref() {
                None | Some("true" | "1" | "t" | "T" | "TRUE" | "True") => o.skip_hash_check = true,
                Some("false" | "0" | "f" | "F" | "FALSE" | "False") => o.skip_hash_check = false,
                Some(v) => return Err((format!("invalid argument {v:?} for \"--skip-hash-check\" flag: strconv.ParseBool: parsing {v:?}: invalid syntax"), 1)),
            }
            continue;
        }
        let slot = match name {
            "--data-dir" => &mut o.data_dir,
            "--wal-dir" => &mut o.wal_dir,
            "--name" => &mut o.name,
            "--initial-cluster" => &mut o.initial_cluster,
            "--initial-cluster-token" => &mut o.initial_cluster_token,
            "--initial-advertise-peer-urls" => &mut o.peer_urls,
            _ => return Err((format!("unknown flag: {name}"), 1)),
        };
        match inline.or_else(|| it.next().cloned()) {
            Some(v) => *slot = Some(v),
            None => return Err((format!("flag needs an argument: {name}"), 1)),
        }
    }
    Ok((o, positional))
}

/// `snapshot restore <filename> [options]` (etcdctl 3.4, or etcdutl 3.5 behind etcdctl 3.5).
pub fn restore_command(world: &mut World, p: &mut Proc, opts: &RestoreOpts, positional: &[String], flavor: Flavor) -> i32 {
    let d = RestoreConfig::default();
    let name = opts.name.clone().unwrap_or(d.name.clone());
    let mut cfg = RestoreConfig {
        // etcdctl derives the default --initial-cluster from the default name only.
        initial_cluster: opts.initial_cluster.clone().unwrap_or(d.initial_cluster.clone()),
        initial_cluster_token: opts.initial_cluster_token.clone().unwrap_or(d.initial_cluster_token.clone()),
        data_dir: opts.data_dir.clone().unwrap_or_default(),
        wal_dir: opts.wal_dir.clone().unwrap_or_default(),
        skip_hash_check: opts.skip_hash_check,
        name,
        ..d
    };
    let peer_urls = opts.peer_urls.clone().unwrap_or_else(|| "http://localhost:2380".into());
    if positional.len() != 1 {
        return bad_args(p, "snapshot restore requires exactly one argument");
    }
    cfg.snapshot_path = positional[0].clone();
    cfg.peer_urls = peer_urls.split(',').map(str::to_string).collect();
    let data = match world.read(&p.path(&cfg.snapshot_path)) {
        Ok(data) => Ok(data.into_owned()),
        Err(crate::vfs::VfsError::IsADirectory) => Err(format!("read {}: is a directory", cfg.snapshot_path)),
        Err(_) => Err(format!("open {}: no such file or directory", cfg.snapshot_path)),
    };
    let cwd = p.cwd.clone();
    let out = restore::restore(&mut world.vfs, &cwd, &cfg, data.as_deref().map_err(|e| e.clone()), flavor);
    let ms = unix_ms(world);
    for line in &out.log {
        p.eprintln(format_log(line, ms, flavor));
    }
    world.facts.note("op", "snapshot restore");
    match out.result {
        Ok(()) if world.cluster.is_some() => {
            world.facts.note("path", p.path(&cfg.snapshot_path));
            world.facts.note("data_dir", crate::vfs::normalize(&cwd, &cfg.data_dir));
            p.explain(
                "The data directory now holds the snapshot's keys in member/snap/db and a new raft log in member/wal whose metadata names this member and the new cluster (their IDs come from --initial-cluster, --initial-cluster-token and --name). Nothing runs on it yet. The Procfile gives its members no --data-dir: each runs on infraN.etcd where goreman started (/root). With every member stopped, each infraN.etcd must be a dir restored from the same snapshot with the same --initial-cluster and --initial-cluster-token; then start them with goreman.",
                "O diretório de dados agora tem as chaves do snapshot em member/snap/db e um novo log raft em member/wal cujos metadados nomeiam este membro e o novo cluster (os IDs vêm de --initial-cluster, --initial-cluster-token e --name). Nada roda nele ainda. O Procfile não passa --data-dir aos membros: cada um roda em infraN.etcd onde o goreman foi iniciado (/root). Com todos os membros parados, cada infraN.etcd precisa ser um diretório restaurado do mesmo snapshot com os mesmos --initial-cluster e --initial-cluster-token; depois inicie-os com o goreman.",
            );
            0
        }
        Ok(()) => {
            world.facts.note("path", p.path(&cfg.snapshot_path));
            world.facts.note("data_dir", crate::vfs::normalize(&cwd, &cfg.data_dir));
            p.explain(
                "The data directory now holds the snapshot's keys in member/snap/db and a new one-member raft log in member/wal. Nothing runs on it yet. In a kubeadm cluster the simplest switch is the etcd-data volume's hostPath in /etc/kubernetes/manifests/etcd.yaml: the container still sees the new directory at /var/lib/etcd, so --data-dir stays as it is. If you change --data-dir instead, change the volume's mountPath to match — a --data-dir the container does not mount starts an empty etcd, and the cluster's objects seem gone.",
                "O diretório de dados agora tem as chaves do snapshot em member/snap/db e um novo log raft de um membro em member/wal. Nada roda nele ainda. Num cluster kubeadm, a troca mais simples é o hostPath do volume etcd-data em /etc/kubernetes/manifests/etcd.yaml: o contêiner continua vendo o diretório novo em /var/lib/etcd, então o --data-dir fica como está. Se em vez disso você mudar o --data-dir, mude também o mountPath do volume para o mesmo caminho — um --data-dir que o contêiner não monta sobe um etcd vazio, e os objetos do cluster parecem ter sumido.",
            );
            0
        }
        Err(e) => {
            p.eprintln(format!("Error: {e}"));
            if e.starts_with("couldn't find local name") {
                p.explain(
                    "--name must be one of the names in --initial-cluster: the restore looks this member up there to get its peer URLs and so its member ID. For the Procfile cluster the names are infra1, infra2 and infra3 (not goreman's etcd1…).",
                    "O --name precisa ser um dos nomes de --initial-cluster: o restore procura este membro ali para obter as URLs de peer e, com elas, o ID do membro. No cluster do Procfile os nomes são infra1, infra2 e infra3 (não os etcd1… do goreman).",
                );
            } else if e.starts_with("data-dir") && flavor == Flavor::V34 {
                p.explain(
                    "etcdctl 3.4 never restores into a directory that exists, so a member's data cannot be overwritten by mistake. Pick a --data-dir that does not exist yet (for example /var/lib/etcd-from-backup).",
                    "O etcdctl 3.4 nunca restaura num diretório que já existe, para que os dados de um membro não sejam sobrescritos por engano. Escolha um --data-dir que ainda não exista (por exemplo /var/lib/etcd-from-backup).",
                );
            } else if e.starts_with("data-dir") {
                p.explain(
                    "etcdutl 3.5 restores only into a directory that does not exist or is empty, so a member's data cannot be overwritten by mistake. Pick a new --data-dir (for example /var/lib/etcd-from-backup).",
                    "O etcdutl 3.5 só restaura num diretório que não existe ou está vazio, para que os dados de um membro não sejam sobrescritos por engano. Escolha um --data-dir novo (por exemplo /var/lib/etcd-from-backup).",
                );
            }
            EXIT_ERROR
        }
    }
}

fn format_log(line: &LogLine, unix_ms: u64, flavor: Flavor) -> String {
    match flavor {
        Flavor::V34 => restore::format_json(line, unix_ms),
        Flavor::V35 => restore::format_console(line, &format!("{}Z", gofmt::rfc3339_frac(unix_ms as i64, 0))),
    }
}
