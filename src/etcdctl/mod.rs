//! `etcdctl` (v3 API): global flags, connecting to the simulated etcd, and one module per
//! command (`put.rs`, `get.rs`, ...), each with its flags, parse and run.
//!
//! How a command line is taken apart, as cobra does it for the real etcdctl:
//! 1. `ETCDCTL_API` picks the API (unset or `3` → v3, `2` → the deprecated v2 client, else an
//!    error: `unsupported API version 4` in 3.4, `unsupported API version: 4` in 3.5).
//! 2. The command words are found among the arguments ([`flags::strip_flags`]).
//! 3. Every flag of that command and every global flag is parsed, wherever it appears
//!    ([`flags::parse`]); errors print pflag's message and the command's usage.
//! 4. The command runs; when it needs the server it calls [`connect`], which first applies
//!    `ETCDCTL_*` variables and checks `--write-out` ([`preflight`]), as `mustClientFromCmd` does.

pub mod alarm;
pub mod auth;
pub mod cluster_ctl;
pub mod compaction;
pub mod defrag;
pub mod del;
pub mod endpoint;
pub mod flags;
pub mod get;
pub mod help;
pub mod job;
pub mod lease;
pub mod member;
pub mod output;
pub mod printer_protobuf;
pub mod put;
pub mod snapshot;
pub mod txn;
pub mod v2;
pub mod version;
pub mod watch;

use crate::cluster::EtcdServer;
use crate::process::Proc;
use crate::world::World;
use flags::Value;
use std::cell::Cell;

/// etcdctl's exit codes (`ctlv3/command/error.go`).
pub const EXIT_ERROR: i32 = 1;
pub const EXIT_BAD_CONNECTION: i32 = 2;
pub const EXIT_INVALID_INPUT: i32 = 3;
pub const EXIT_BAD_FEATURE: i32 = 4;
pub const EXIT_INTERRUPTED: i32 = 5;
pub const EXIT_BAD_ARGS: i32 = 128;

/// Global flags shared by every command (etcdctl's `GlobalFlags`).
#[derive(Debug, Clone, Default)]
pub struct Globals {
    pub endpoints: Vec<String>,
    pub write_out: String,
    pub cacert: Option<String>,
    pub cert: Option<String>,
    pub key: Option<String>,
    pub insecure_skip_tls_verify: bool,
    pub insecure_transport: bool,
    pub user: Option<String>,
    pub password: Option<String>,
    pub dial_timeout_ms: u64,
    pub command_timeout_ms: u64,
    pub hex: bool,
    /// Flags given on the command line (long names), to detect env/flag conflicts.
    pub on_command_line: Vec<String>,
    /// `ETCDCTL_*` variables of the process, applied by [`preflight`].
    pub env: Vec<(String, String)>,
    /// The exit status a failed [`connect`] asks the command to return.
    pub exit: Cell<i32>,
    /// `endpoint status`/`hashkv`: the maintenance client dials each endpoint on its own
    /// connection (3.4: target `passthrough:///host:port`, and the warning names the dial
    /// error), and the command reports the failure itself instead of `Error: ...`.
    pub per_endpoint: bool,
    /// The request goes through raft (a write, a linearizable read): with several members it
    /// needs a quorum running (`cluster::members`).
    pub needs_quorum: bool,
    /// A linearizable `get`: a request the client retries when a member answers Unavailable
    /// (a learner's `rpc not supported for learner`: 100 attempts, measured with 3.4.23).
    pub retried_read: bool,
}

impl Globals {
    /// The exit status to return after [`connect`] gave `None`.
    pub fn failed(&self) -> i32 {
        match self.exit.get() {
            0 => EXIT_ERROR,
            c => c,
        }
    }

    fn from_parsed(a: &flags::Parsed, p: &Proc) -> Globals {
        let mut g = Globals {
            endpoints: vec!["127.0.0.1:2379".into()],
            write_out: "simple".into(),
            insecure_transport: true,
            dial_timeout_ms: 2000,
            command_timeout_ms: 5000,
            ..Default::default()
        };
        for (k, v) in &a.set {
            g.on_command_line.push(k.clone());
            g.apply(k, v.clone());
        }
        g.env = p.env.iter().filter(|(k, _)| k.starts_with("ETCDCTL_") && k.as_str() != "ETCDCTL_API").map(|(k, v)| (k.clone(), v.clone())).collect();
        // ETCDCTL_* fill the global flags not given on the command line; a value that does
        // not parse is ignored, as the real client does.
        for spec in flags::global_specs() {
            let var = format!("ETCDCTL_{}", spec.long.to_ascii_uppercase().replace('-', "_"));
            if g.on_command_line.contains(&spec.long) {
                continue;
            }
            if let Some(val) = p.env.get(&var) {
                if let Ok(a) = flags::parse_with(std::slice::from_ref(&spec), &[format!("--{}={val}", spec.long)]) {
                    if let Some(v) = a.set.get(&spec.long) {
                        g.apply(&spec.long, v.clone());
                    }
                }
            }
        }
        g
    }

    fn apply(&mut self, name: &str, v: Value) {
        match (name, v) {
            ("endpoints", Value::StrSlice(e)) => self.endpoints = e,
            ("write-out", Value::Str(s)) => self.write_out = s,
            ("cacert", Value::Str(s)) => self.cacert = Some(s).filter(|s| !s.is_empty()),
            ("cert", Value::Str(s)) => self.cert = Some(s).filter(|s| !s.is_empty()),
            ("key", Value::Str(s)) => self.key = Some(s).filter(|s| !s.is_empty()),
            ("user", Value::Str(s)) => self.user = Some(s).filter(|s| !s.is_empty()),
            ("password", Value::Str(s)) => self.password = Some(s).filter(|s| !s.is_empty()),
            ("insecure-skip-tls-verify", Value::Bool(b)) => self.insecure_skip_tls_verify = b,
            ("insecure-transport", Value::Bool(b)) => self.insecure_transport = b,
            ("hex", Value::Bool(b)) => self.hex = b,
            ("dial-timeout", Value::Duration(d)) => self.dial_timeout_ms = d,
            ("command-timeout", Value::Duration(d)) => self.command_timeout_ms = d,
            _ => {}
        }
    }
}

/// Entry point: `etcdctl [global flags] <command> [flags] [args]`.
pub fn main(world: &mut World, p: &mut Proc) -> i32 {
    let api = p.env.get("ETCDCTL_API").cloned().unwrap_or_default();
    let is_3_5 = world.etcd.version.is_3_5();
    match api.as_str() {
        "" | "3" => {}
        // etcdctl 3.5 still ships the deprecated v2 client (3.6 removed it).
        "2" => return v2::main(world, p),
        other => {
            if is_3_5 {
                p.eprintln(format!("unsupported API version: {other}"));
            } else {
                p.eprintln(format!("unsupported API version {other}"));
            }
            return EXIT_ERROR;
        }
    }
    let args: Vec<String> = p.args.iter().skip(1).cloned().collect();
    run_args(world, p, &args)
}

/// Finds the command words in `args`: its path (`"lease grant"`) and the indices they used.
fn find_command(args: &[String], v3_5: bool) -> (String, Vec<usize>, Option<String>) {
    let root_specs = flags::specs_for("");
    let words = flags::strip_flags(args, &root_specs);
    let mut path = String::new();
    let mut used = Vec::new();
    let mut unknown = None;
    for (i, w) in words {
        let children = help::children_v(&path, v3_5);
        if children.contains(&w.as_str()) && !(path.is_empty() && w == "help") || (path.is_empty() && w == "help") {
            path = if path.is_empty() { w } else { format!("{path} {w}") };
            used.push(i);
            if path == "help" {
                break;
            }
        } else {
            if path.is_empty() {
                unknown = Some(w);
            }
            break;
        }
    }
    (path, used, unknown)
}

/// Help texts were captured from etcdctl 3.4.23; the running client's own version goes in
/// their VERSION and API VERSION sections (3.5's texts differ a little more: see the report).
fn print_help(p: &mut Proc, text: &str, v: &crate::cluster::EtcdVersion) {
    if v.version == "3.4.23" {
        p.print(text);
    } else {
        p.print(text.replace("VERSION:\n\t3.4.23\n", &format!("VERSION:\n\t{}\n", v.version)).replace("API VERSION:\n\t3.4\n", &format!("API VERSION:\n\t{}\n", v.api)));
    }
}

fn flag_error(p: &mut Proc, path: &str, e: &str, v: &crate::cluster::EtcdVersion) -> i32 {
    p.eprintln(format!("Error: {e}"));
    print_help(p, &help::full_v(path, v.is_3_5()), v);
    p.eprintln(format!("\nError: {e}"));
    EXIT_ERROR
}

fn run_args(world: &mut World, p: &mut Proc, args: &[String]) -> i32 {
    let v3_5 = world.etcd.version.is_3_5();
    let root = if v3_5 { help::root_3_5() } else { help::ROOT.to_string() };
    let (path, used, unknown) = find_command(args, v3_5);
    if let Some(w) = unknown {
        let mut e = format!("unknown command {} for \"etcdctl\"", crate::gofmt::quote(&w));
        e.push_str(&crate::cobra::did_you_mean(&crate::cobra::suggestions_for(&w, help::children_v("", v3_5))));
        p.eprintln(format!("Error: {e}"));
        p.eprintln("Run 'etcdctl --help' for usage.");
        p.eprintln(format!("Error: {e}"));
        return EXIT_ERROR;
    }
    let rest: Vec<String> = args.iter().enumerate().filter(|(i, _)| !used.contains(i)).map(|(_, a)| a.clone()).collect();
    if path == "help" {
        let topic: Vec<String> = flags::parse_with(&flags::specs_for(""), &rest).map(|a| a.positionals).unwrap_or_default();
        let topic = topic.join(" ");
        if topic.is_empty() {
            print_help(p, &root, &world.etcd.version);
            return 0;
        }
        if help::local_v(&topic, v3_5).is_some() {
            print_help(p, &help::full_v(&topic, v3_5), &world.etcd.version);
        } else {
            p.println(format!("Unknown help topic [`{topic}`]"));
            // cobra's help command prints the root usage without the root's own -h line.
            print_help(p, &root.replace("  -h, --help[=false]\t\t\t\thelp for etcdctl\n", ""), &world.etcd.version);
        }
        return 0;
    }
    let parsed = match flags::parse_v(&path, &rest, world.etcd.version.is_3_5()) {
        Ok(a) => a,
        Err(e) => return flag_error(p, &path, &e, &world.etcd.version),
    };
    if parsed.bool("help") || path.is_empty() {
        print_help(p, &help::full_v(&path, v3_5), &world.etcd.version);
        return 0;
    }
    let mut g = Globals::from_parsed(&parsed, p);
    g.needs_quorum = matches!(path.as_str(), "put" | "del" | "txn" | "compaction" | "lease grant" | "lease revoke") || (path == "get" && parsed.str("consistency").as_deref() != Some("s"));
    g.retried_read = path == "get" && parsed.str("consistency").as_deref() != Some("s");
    if !help::children_v(&path, v3_5).is_empty() && path != "completion" {
        // A command group (`lease`, `member`, ...) typed without a subcommand: its help.
        print_help(p, &help::full_v(&path, v3_5), &world.etcd.version);
        return 0;
    }
    let ctx = Ctx { path: path.clone(), args: parsed };
    world.facts.note("op", &path);
    let code = match path.as_str() {
        "put" => put::run(world, p, &g, &rest),
        "get" => get::run(world, p, &g, &rest),
        "del" => del::run(world, p, &g, &rest),
        "txn" => txn::run(world, p, &g, &rest),
        "compaction" => compaction::run(world, p, &g, &rest),
        "defrag" => defrag::run(world, p, &g, &rest),
        "version" => version::run(world, p, &g, &rest),
        "watch" => watch::run(world, p, &g, &rest),
        "member list" => member::list(world, p, &g, &rest),
        "snapshot save" | "snapshot status" | "snapshot restore" => snapshot::run(world, p, &g, &[&[path["snapshot ".len()..].to_string()], &rest[..]].concat()),
        _ if path.starts_with("lease ") => lease::run(world, p, &g, &ctx),
        _ if path.starts_with("endpoint ") => endpoint::run(world, p, &g, &ctx),
        _ if path.starts_with("alarm ") => alarm::run(world, p, &g, &ctx),
        _ if path.starts_with("auth ") || path.starts_with("user ") || path.starts_with("role ") => auth::run(world, p, &g, &ctx),
        "member add" | "member remove" | "member update" | "member promote" | "move-leader" => match member::change(world, p, &g, &path, &rest) {
            Some(code) => code,
            None => not_simulated(p, &path),
        },
        other => not_simulated(p, other),
    };
    code
}

/// Commands the playground does not simulate (elect, lock, make-mirror, ...).
fn not_simulated(p: &mut Proc, other: &str) -> i32 {
    p.eprintln(format!("Error: {other}: not available in this playground"));
    p.explain(
        format!("`etcdctl {other}` exists in the real etcdctl, but this playground does not simulate it."),
        format!("`etcdctl {other}` existe no etcdctl real, mas este playground não o simula."),
    );
    EXIT_ERROR
}

/// After a failed [`connect`]: some commands word the timeout their own way
/// (`Error: failed to revoke lease (context deadline exceeded)`), or not at all (`None`).
pub fn reword_deadline(p: &mut Proc, wrap: Option<&str>) {
    for c in p.out.iter_mut().rev() {
        if let crate::process::Chunk::Stderr(s) = c {
            if let Some(i) = s.rfind("Error: context deadline exceeded\n") {
                let new = match wrap {
                    Some(w) => format!("Error: {w} (context deadline exceeded)\n"),
                    None => String::new(),
                };
                s.replace_range(i..i + "Error: context deadline exceeded\n".len(), &new);
                break;
            }
        }
    }
    p.out.retain(|c| !matches!(c, crate::process::Chunk::Stderr(s) if s.is_empty()));
}

/// A parsed command line for commands with subcommands (lease, endpoint, auth, ...).
pub struct Ctx {
    pub path: String,
    pub args: flags::Parsed,
}

/// Parses a command's arguments (already checked by [`main`], so this does not fail there).
pub fn parse_args(command: &str, args: &[String]) -> flags::Parsed {
    flags::parse(command, args).unwrap_or_default()
}

/// The simulated wall clock ([`crate::cluster::clock`]) as etcdctl's logs print it: zap's
/// `ts` (RFC 3339 with milliseconds) and capnslog's `2025-01-14 12:12:41.000000`.
pub fn timestamp(world: &World) -> (String, String) {
    use crate::cluster::clock;
    let ms = clock::now_unix_ms(world.clock_ms);
    let (y, mo, d, h, mi, sec, _) = crate::gofmt::parts(ms.div_euclid(1000));
    (crate::gofmt::rfc3339_ms(ms), format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{sec:02}.{:06}", ms.rem_euclid(1000) * 1000))
}

/// The client's retry-interceptor warning, as etcdctl 3.4 (`clientv3/retry_interceptor.go:62`)
/// or 3.5 (`v3@v3.5.x/retry_interceptor.go:63`, logger `etcd-client`) writes it.
pub fn retry_warning(world: &World, target_ep: &str, code: &str, desc: &str) -> String {
    let (ts, _) = timestamp(world);
    let v = &world.etcd.version;
    let err = output::json_str(&format!("rpc error: code = {code} desc = {desc}"));
    if v.is_3_5() {
        warning_35(world, target_ep, &format!("rpc error: code = {code} desc = {desc}"))
    } else {
        format!(
            "{{\"level\":\"warn\",\"ts\":\"{ts}\",\"caller\":\"clientv3/retry_interceptor.go:62\",\"msg\":\"retrying of unary invoker failed\",\"target\":\"endpoint://client-{}/{target_ep}\",\"attempt\":0,\"error\":{err}}}",
            client_uuid(world)
        )
    }
}

/// etcd 3.5's `pkg/flags` logs through zap (3.4 through capnslog): `SetPflagsFromEnv` warns of
/// an `ETCDCTL_*` variable no flag has (flag.go:93), and `verifyEnv` stops the program when a
/// variable and its flag are both set (flag.go:85, zap's Fatal: a stack trace, exit status 1).
/// The message has its doubled `))` in the source. The trace names the release's build paths.
fn flags_log_35(world: &World, level: &str, line: u32, msg: &str, var: &str) -> String {
    let ts = format!("{}Z", crate::gofmt::rfc3339_frac(crate::cluster::clock::now_unix_ms(world.clock_ms), 6));
    let mut s = format!("{{\"level\":\"{level}\",\"ts\":\"{ts}\",\"caller\":\"flags/flag.go:{line}\",\"msg\":\"{msg}\",\"environment-variable\":{}", output::json_str(var));
    if level == "fatal" {
        let v = &world.etcd.version.version;
        let frames = [
            ("go.etcd.io/etcd/pkg/v3/flags.verifyEnv", format!("go.etcd.io/etcd/pkg/v3@v{v}/flags/flag.go:85")),
            ("go.etcd.io/etcd/pkg/v3/flags.SetPflagsFromEnv", format!("go.etcd.io/etcd/pkg/v3@v{v}/flags/flag.go:63")),
            ("go.etcd.io/etcd/etcdctl/v3/ctlv3/command.clientConfigFromCmd", "go.etcd.io/etcd/etcdctl/v3/ctlv3/command/global.go:128".to_string()),
            ("main.main", "go.etcd.io/etcd/etcdctl/v3/main.go:59".to_string()),
        ];
        let trace: Vec<String> = frames.iter().map(|(f, at)| format!("{f}\n\t{at}")).collect();
        s.push_str(&format!(",\"stacktrace\":{}", output::json_str(&trace.join("\n"))));
    }
    s.push('}');
    s
}

/// What `mustClientFromCmd` does before dialing: `ETCDCTL_*` variables fill flags not given on
/// the command line (a variable and its flag both set is fatal), then `--write-out` is checked.
pub fn preflight(world: &mut World, p: &mut Proc, g: &Globals) -> Result<Globals, i32> {
    let mut g2 = g.clone();
    let specs = flags::global_specs();
    let (_, log_ts) = timestamp(world);
    let mut used = Vec::new();
    for spec in &specs {
        let var = format!("ETCDCTL_{}", spec.long.to_ascii_uppercase().replace('-', "_"));
        let Some((_, val)) = g.env.iter().find(|(k, _)| *k == var) else { continue };
        used.push(var.clone());
        if g.on_command_line.contains(&spec.long) {
            if world.etcd.version.is_3_5() {
                p.eprintln(flags_log_35(world, "fatal", 85, "conflicting environment variable is shadowed by corresponding command-line flag (either unset environment variable or disable flag))", &var));
            } else {
                p.eprintln(format!("{log_ts} C | pkg/flags: conflicting environment variable {} is shadowed by corresponding command-line flag (either unset environment variable or disable flag)", crate::gofmt::quote(&var)));
            }
            return Err(EXIT_ERROR);
        }
        if let Ok(a) = flags::parse_with(std::slice::from_ref(spec), &[format!("--{}={val}", spec.long)]) {
            if let Some(v) = a.set.get(&spec.long) {
                g2.apply(&spec.long, v.clone());
            }
        }
    }
    for (k, v) in &g.env {
        if !used.contains(k) {
            if world.etcd.version.is_3_5() {
                p.eprintln(flags_log_35(world, "warn", 93, "unrecognized environment variable", &format!("{k}={v}")));
            } else {
                p.eprintln(format!("{log_ts} W | pkg/flags: unrecognized environment variable {k}={v}"));
            }
        }
    }
    if !matches!(g2.write_out.as_str(), "simple" | "json" | "table" | "fields" | "protobuf") {
        p.eprintln("Error: unsupported output format");
        return Err(EXIT_BAD_FEATURE);
    }
    Ok(g2)
}

/// Splits `--endpoints` the way the gRPC client sees each entry: `[127.0.0.1:2379]` (the
/// tutorial's brackets) stays one target that no resolver understands, so nothing answers.
pub fn endpoint_target(ep: &str, g: &Globals) -> (String, String) {
    match ep.split_once("://") {
        Some((s, hp)) => (s.to_string(), hp.to_string()),
        None => (if g.cacert.is_some() || g.cert.is_some() { "https" } else { "http" }.to_string(), ep.to_string()),
    }
}

/// The retry interceptor's warning as etcdctl 3.5.16 logs it, read from the v3.5.16 source (no
/// 3.5 client is installed here to compare with; the shape matches 3.5.14/3.5.17 logs quoted in
/// public issues):
/// - the client's own logger: `logutil.CreateDefaultZapLogger(...).Named("etcd-client")`
///   (client/v3/client.go:388-391), as etcdctl gives the client no logger;
/// - zap's JSON encoder with `DefaultZapLoggerConfig` (client/pkg/logutil/zap.go:49-66): keys
///   `level`, `ts`, `logger`, `caller`, `msg`, then the fields in call order; `ts` formatted
///   `2006-01-02T15:04:05.000000Z0700` (microseconds); caller `ShortCallerEncoder`, the module
///   directory and file: `v3@v3.5.16/retry_interceptor.go`;
/// - the call at client/v3/retry_interceptor.go:63: fields `target` (`cc.Target()`, built at
///   client/v3/client.go:317 as `etcd-endpoints://%p/<endpoint without scheme>`; `%p` is the
///   client's heap address, random per run), `attempt`, `error`.
fn warning_35(world: &World, target_ep: &str, error: &str) -> String {
    let ts = format!("{}Z", crate::gofmt::rfc3339_frac(crate::cluster::clock::now_unix_ms(world.clock_ms), 6));
    format!(
        "{{\"level\":\"warn\",\"ts\":\"{ts}\",\"logger\":\"etcd-client\",\"caller\":\"v3@v{}/retry_interceptor.go:63\",\"msg\":\"retrying of unary invoker failed\",\"target\":\"etcd-endpoints://0xc000{:03x}000/{target_ep}\",\"attempt\":0,\"error\":{}}}",
        world.etcd.version.version,
        (world.clock_ms / 7) % 0x1000,
        output::json_str(error)
    )
}

/// A dial error (3.4.23's words, see `cluster::tls::dial`) as etcdctl 3.5.16 reports it: its
/// grpc-go v1.59.0 (client/v3/go.mod:14) writes `transport: Error while dialing: <err>` (1.26
/// in 3.4 had no colon), and its Go 1.22.7 (.go-version) wraps a failed server-certificate
/// check as `tls: failed to verify certificate: x509: ...` (crypto/tls
/// CertificateVerificationError, Go 1.20+).
pub fn dial_error_35(e: &str, host_port: &str) -> String {
    if host_port.starts_with('[') && host_port.ends_with(']') {
        // `--endpoints=[127.0.0.1:2379]`: net.Dial's SplitHostPort finds no port after `]`.
        return format!("connection error: desc = \"transport: Error while dialing: dial tcp: address {host_port}: missing port in address\"");
    }
    e.replace("transport: Error while dialing dial ", "transport: Error while dialing: dial ").replace("authentication handshake failed: x509: ", "authentication handshake failed: tls: failed to verify certificate: x509: ")
}

/// A request that no server answered: after `--command-timeout` the client gives up, printing
/// the retry interceptor's warning and `context deadline exceeded`. `dial_error` is why the
/// connection failed (3.5 names it; 3.4 only says that no sub-connection is ready).
pub fn deadline_exceeded(world: &mut World, p: &mut Proc, g: &Globals, ep: &str, dial_error: &str) {
    world.advance(g.command_timeout_ms.max(1));
    if world.etcd.version.is_3_5() {
        // grpc-go 1.59's picker (picker_wrapper.go, pick): on the deadline, `latest balancer
        // error: ` + the base balancer's merged error `last connection error: <dial error>`.
        // A connection the server closes (plain http to a TLS port) records no error: then
        // only `context deadline exceeded`, as a 3.5 log in etcd-io/etcd#14324 shows.
        let err = if dial_error == "connection closed" {
            "rpc error: code = DeadlineExceeded desc = context deadline exceeded".to_string()
        } else {
            format!("rpc error: code = DeadlineExceeded desc = latest balancer error: last connection error: {}", dial_error_35(dial_error, ep))
        };
        p.eprintln(warning_35(world, ep, &err));
        if g.per_endpoint {
            return;
        }
        p.eprintln("Error: context deadline exceeded");
        return deadline_note(p, ep);
    }
    if g.per_endpoint {
        // 3.4.23's maintenance connection (checked with `--endpoints=127.0.0.1:1 endpoint
        // status`): grpc's passthrough resolver and the sub-connection's own error.
        let (ts, _) = timestamp(world);
        p.eprintln(format!(
            "{{\"level\":\"warn\",\"ts\":\"{ts}\",\"caller\":\"clientv3/retry_interceptor.go:62\",\"msg\":\"retrying of unary invoker failed\",\"target\":\"passthrough:///{ep}\",\"attempt\":0,\"error\":{}}}",
            output::json_str(&format!("rpc error: code = DeadlineExceeded desc = latest balancer error: {dial_error}"))
        ));
        return;
    }
    // 3.4: tests/tls_oracle.rs compares this line with the real 3.4.23 client.
    let (ts, _) = timestamp(world);
    p.eprintln(format!(
        "{{\"level\":\"warn\",\"ts\":\"{ts}\",\"caller\":\"clientv3/retry_interceptor.go:62\",\"msg\":\"retrying of unary invoker failed\",\"target\":\"endpoint://client-{}/{ep}\",\"attempt\":0,\"error\":\"rpc error: code = DeadlineExceeded desc = latest balancer error: all SubConns are in TransientFailure\"}}",
        client_uuid(world)
    ));
    p.eprintln("Error: context deadline exceeded");
    deadline_note(p, ep);
}

fn deadline_note(p: &mut Proc, ep: &str) {
    if ep.starts_with('[') {
        p.explain(
            format!("The endpoint '{ep}' has square brackets. In etcdctl's own help `--endpoints=[127.0.0.1:2379]` shows the default list; the brackets are not part of the syntax. The client took '[127.0.0.1' as a host name, could not connect, and gave up after --command-timeout. Write --endpoints=127.0.0.1:2379."),
            format!("O endpoint '{ep}' tem colchetes. Na ajuda do etcdctl, `--endpoints=[127.0.0.1:2379]` mostra a lista padrão; os colchetes não fazem parte da sintaxe. O cliente tomou '[127.0.0.1' como nome de host, não conectou e desistiu após o --command-timeout. Escreva --endpoints=127.0.0.1:2379."),
        );
    }
}

fn client_uuid(world: &World) -> String {
    let x = (world.clock_ms ^ 0x9e37_79b9_7f4a_7c15).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    let y = x.rotate_left(29).wrapping_mul(0x94d0_49bb_1331_11eb);
    format!("{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}", x >> 32, (x >> 16) & 0xffff, x & 0xfff, 0x8000 | (y >> 48 & 0x3fff), y & 0xffff_ffff_ffff)
}

/// Dials the first endpoint through the simulated TLS handshake ([`crate::cluster::tls`]);
/// on failure prints what etcdctl 3.4 prints (an immediate `Error: ...` for bad client files,
/// or the retry warning and `context deadline exceeded` after the 5 s command timeout) and the
/// real cause as an explanation.
pub fn connect<'w>(world: &'w mut World, p: &mut Proc, g: &Globals) -> Option<&'w mut EtcdServer> {
    connect_with(world, p, g, false)
}

/// [`connect`] for a request without a deadline (`snapshot save` when `--command-timeout` is
/// not set): when nothing answers, the real client prints nothing more and waits until the
/// user presses Ctrl+C. Then this explains why (the brackets, the missing TLS…) and sets
/// `g.exit` to 130, the status bash gives a command stopped by Ctrl+C.
pub fn connect_without_deadline<'w>(world: &'w mut World, p: &mut Proc, g: &Globals) -> Option<&'w mut EtcdServer> {
    connect_with(world, p, g, true)
}

/// Whether `--command-timeout` (or `ETCDCTL_COMMAND_TIMEOUT`) was given.
pub fn command_timeout_set(g: &Globals) -> bool {
    g.on_command_line.iter().any(|f| f == "command-timeout") || g.env.iter().any(|(k, _)| k == "ETCDCTL_COMMAND_TIMEOUT")
}

/// Any request to a member cut off from its peers (its data dir is another cluster's: see
/// `cluster::recovery`): it never had a leader, never published its name, so it is not ready
/// and serves nothing, not even a serializable read, until the client's deadline.
fn cut_off(world: &mut World, p: &mut Proc, g: &Globals) {
    world.advance(g.command_timeout_ms.max(1));
    let ep = g.endpoints.first().cloned().unwrap_or_default();
    let hp = ep.split_once("://").map_or(ep.as_str(), |(_, hp)| hp).to_string();
    p.eprintln(retry_warning(world, &hp, "DeadlineExceeded", "context deadline exceeded"));
    p.eprintln("Error: context deadline exceeded");
    p.explain(
        format!("{} runs, but its data dir belongs to cluster {:x} and its peers run another cluster ID: they drop its raft messages, it has no leader and never became ready, so it answers nothing (not even --consistency=s reads) and the client gave up after --command-timeout. Stop it, restore its data dir from the same snapshot with the same --initial-cluster and --initial-cluster-token as the others, and start it again.", world.etcd.name, world.etcd.cluster_id),
        format!("{} roda, mas o diretório de dados dele pertence ao cluster {:x} e os pares rodam outro ID de cluster: eles descartam as mensagens raft dele, ele não tem líder e nunca ficou pronto, então não responde nada (nem leituras --consistency=s) e o cliente desistiu após o --command-timeout. Pare-o, restaure o diretório de dados dele do mesmo snapshot com os mesmos --initial-cluster e --initial-cluster-token dos outros e inicie-o de novo.", world.etcd.name, world.etcd.cluster_id),
    );
}

/// A raft request (a write, a linearizable read) to a learner that runs: it serves only
/// serializable reads and status. The client gives up on a write at once and retries a read
/// 100 times (measured with 3.4.23 through a learner's endpoint alone; given several, 3.4's
/// balancer picks one round-robin, the playground the first that runs).
fn learner_refuses(world: &mut World, p: &mut Proc, g: &Globals) {
    let ep = g.endpoints.first().cloned().unwrap_or_default();
    let hp = ep.split_once("://").map_or(ep.as_str(), |(_, hp)| hp).to_string();
    let desc = "etcdserver: rpc not supported for learner";
    let attempts = if g.retried_read { 100 } else { 1 };
    let warning = retry_warning(world, &hp, "Unavailable", desc);
    for i in 0..attempts {
        p.eprintln(warning.replacen("\"attempt\":0,", &format!("\"attempt\":{i},"), 1));
    }
    p.eprintln(format!("Error: {desc}"));
    p.explain(
        format!("{} is a learner: it receives the raft log but does not vote, and it refuses writes and linearizable reads. Send them to a voting member (list it first in --endpoints), read with --consistency=s from the learner, or promote it once it has caught up (`etcdctl member promote {:x}`).", world.etcd.name, world.etcd.member_id),
        format!("{} é um learner: recebe o log do raft mas não vota, e recusa escritas e leituras linearizáveis. Mande-as a um membro votante (o primeiro em --endpoints), leia do learner com --consistency=s, ou promova-o quando tiver alcançado o líder (`etcdctl member promote {:x}`).", world.etcd.name, world.etcd.member_id),
    );
}

/// `endpoint status` on a member cut off from its peers (`cluster::recovery`): 3.4.23's
/// maintenance connection gives up at the deadline (measured in
/// tests/fidelity_recovery/21_recovery_mismatch.txt).
pub fn cut_off_status(world: &mut World, p: &mut Proc, g: &Globals, host_port: &str) {
    world.advance(g.command_timeout_ms.max(1));
    let (ts, _) = timestamp(world);
    p.eprintln(format!(
        "{{\"level\":\"warn\",\"ts\":\"{ts}\",\"caller\":\"clientv3/retry_interceptor.go:62\",\"msg\":\"retrying of unary invoker failed\",\"target\":\"passthrough:///{host_port}\",\"attempt\":0,\"error\":\"rpc error: code = DeadlineExceeded desc = context deadline exceeded\"}}"
    ));
}

fn connect_with<'w>(world: &'w mut World, p: &mut Proc, g: &Globals, no_deadline: bool) -> Option<&'w mut EtcdServer> {
    use crate::cluster::tls;
    let g2 = match preflight(world, p, g) {
        Ok(g2) => g2,
        Err(code) => {
            g.exit.set(code);
            return None;
        }
    };
    world.catch_up();
    let reached = crate::cluster::members::focus(world, &g2.endpoints).unwrap_or(0);
    let ep = g2.endpoints.get(reached).cloned().unwrap_or_default();
    let client = tls::ClientTls { cacert: g2.cacert.clone(), cert: g2.cert.clone(), key: g2.key.clone() };
    match tls::dial_with(world, &ep, &client, g2.insecure_skip_tls_verify) {
        Ok(()) if crate::cluster::recovery::cut_off(&world.etcd, world.cluster.as_ref()) => {
            cut_off(world, p, &g2);
            None
        }
        Ok(()) if g.needs_quorum && world.cluster.is_some() && !crate::cluster::members::has_quorum(world) => {
            cluster_ctl::no_quorum(world, p, &g2);
            None
        }
        Ok(()) if g.needs_quorum && crate::cluster::members::is_running_learner(world, world.etcd.member_id) => {
            learner_refuses(world, p, &g2);
            None
        }
        Ok(()) => Some(&mut world.etcd),
        Err(f) if no_deadline && f.kind == tls::FailureKind::Timeout => {
            if ep.starts_with('[') {
                p.explain(
                    format!("The endpoint '{ep}' has square brackets. In etcdctl's own help `--endpoints=[127.0.0.1:2379]` shows the default list; the brackets are not part of the syntax. The client takes '[127.0.0.1' as a host name and never connects. Write --endpoints=127.0.0.1:2379."),
                    format!("O endpoint '{ep}' tem colchetes. Na ajuda do etcdctl, `--endpoints=[127.0.0.1:2379]` mostra a lista padrão; os colchetes não fazem parte da sintaxe. O cliente toma '[127.0.0.1' como nome de host e nunca conecta. Escreva --endpoints=127.0.0.1:2379."),
                );
            } else {
                p.explain(f.cause.en, f.cause.pt);
            }
            g.exit.set(130);
            None
        }
        Err(f) => {
            if f.kind == tls::FailureKind::Timeout {
                // The gRPC target names host:port without the scheme (checked against 3.4.23).
                let (_, host_port) = tls::split_endpoint(&ep, &client);
                deadline_exceeded(world, p, &g2, &host_port, &f.error);
            } else {
                p.eprintln(format!("Error: {}", f.error));
                g.exit.set(EXIT_BAD_ARGS);
            }
            if !ep.starts_with('[') {
                p.explain(f.cause.en, f.cause.pt);
            }
            None
        }
    }
}

/// Prints an engine error the way etcdctl does and returns its exit status.
pub fn fail(p: &mut Proc, err: impl std::fmt::Display) -> i32 {
    p.eprintln(format!("Error: {err}"));
    1
}

/// Wrong arguments for a command: `Error: <text>`, exit status 128 (`ExitBadArgs`).
pub fn bad_args(p: &mut Proc, err: impl std::fmt::Display) -> i32 {
    p.eprintln(format!("Error: {err}"));
    EXIT_BAD_ARGS
}

/// A request the server refused: the client's retry interceptor logs a warning with the gRPC
/// code, then etcdctl prints `Error: <prefix><text>`.
pub fn grpc_fail(world: &World, p: &mut Proc, g: &Globals, code: &str, err: impl std::fmt::Display, wrap: Option<&str>) -> i32 {
    let ep = g.endpoints.first().cloned().unwrap_or_default();
    let ep = ep.split_once("://").map(|x| x.1.to_string()).unwrap_or(ep);
    p.eprintln(retry_warning(world, &ep, code, &err.to_string()));
    match wrap {
        Some(w) => p.eprintln(format!("Error: {w} ({err})")),
        None => p.eprintln(format!("Error: {err}")),
    }
    EXIT_ERROR
}

/// The gRPC status code etcd sends with an engine error.
pub fn grpc_code(e: &crate::engine::EngineError) -> &'static str {
    use crate::engine::EngineError::*;
    match e {
        Compacted | FutureRev => "OutOfRange",
        LeaseNotFound => "NotFound",
        LeaseExists => "FailedPrecondition",
        NoSpace => "ResourceExhausted",
        _ => "InvalidArgument",
    }
}

#[cfg(test)]
mod tests {
    use crate::shell::Session;
    use proptest::prelude::*;

    const WORDS: &[&str] = &[
        "etcdctl", "get", "put", "del", "txn", "watch", "lease", "grant", "revoke", "timetolive", "keep-alive", "list", "member", "endpoint", "health", "status", "hashkv", "alarm",
        "disarm", "defrag", "compaction", "auth", "enable", "disable", "user", "role", "add", "grant-role", "grant-permission", "version", "help", "snapshot", "--prefix", "--from-key",
        "--limit", "--rev", "-w", "json", "table", "fields", "protobuf", "--write-out=", "--endpoints", "--endpoints=[127.0.0.1:2379]", "--user", "root:pw", "--hex", "--keys",
        "--once", "--", "-", "-h", "--help", "k1", "\"\"", "''", "0", "-1", "99999999999999999999", "ffffffffffffffffff", "abc", "\\", "|", "&&", ";", "$(", ")", "`", "<<EOF",
        ">", "/dev/null", "grep", "head", "-n", "cut", "-d", "-f", "sort", "base64", "-d", "ls", "rm", "-r", "/", "cd", "..", "sleep", "printf", "%s", "é", "\u{0}", "readwrite",
        "--sort-by=VALUE", "--order=DESCEND", "--consistency=s", "--print-value-only", "--count-only", "ETCDCTL_API=2", "ETCDCTL_WRITE_OUT=json", "--dial-timeout=1x",
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]
        /// No input may panic: random lines made of etcdctl words, flags, shell operators
        /// and garbage run through the whole session.
        #[test]
        fn garbage_never_panics(idx in proptest::collection::vec(0usize..WORDS.len(), 0..12), junk in ".{0,20}") {
            let mut s = Session::new("plain").unwrap();
            s.execute("etcdctl put k1 v1");
            let mut line: Vec<&str> = vec!["etcdctl"];
            line.extend(idx.iter().map(|i| WORDS[*i]));
            let text = format!("{} {junk}", line.join(" "));
            let _ = s.execute(&text);
            let _ = s.execute("EOF");
            let _ = s.complete(&text, text.len() / 2);
            let mut k = Session::new("kubeadm").unwrap();
            let _ = k.execute(&text);
        }
    }
}
