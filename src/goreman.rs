//! `goreman run start|stop|restart PROC`: the process manager etcd's docs run a local
//! three-member cluster with (`goreman -f Procfile start`; see `cluster::members`). Its `run`
//! is an RPC client of the running `goreman start` (127.0.0.1:8555): it prints nothing when
//! the call succeeds, `list` and `status` print the processes, and an error is printed as
//! `goreman: <error>` with exit status 1 (`unknown proc: NAME`, from stopProc/startProc; stop
//! sends os.Interrupt, SIGINT, so a stopping etcd leader hands over its leadership); anything else prints the usage and flag.PrintDefaults
//! (goreman 0.3.18's flags) on stderr, exit status 0 (mattn/goreman's main.go and rpc.go).

use crate::cluster::members;
use crate::process::Proc;
use crate::world::World;

const USAGE: &str = "Tasks:
  goreman check                      # Show entries in Procfile
  goreman help [TASK]                # Show this help
  goreman export [FORMAT] [LOCATION] # Export the apps to another process
                                       (upstart)
  goreman run COMMAND [PROCESS...]   # Run a command
                                       start
                                       stop
                                       stop-all
                                       restart
                                       restart-all
                                       list
                                       status
  goreman start [PROCESS]            # Start the application
  goreman version                    # Display Goreman version

Options:
  -b uint
    	base number of port (default 5000)
  -basedir string
    	base directory
  -env string
    	Environment files to load, comma separated (default \".env\")
  -exit-on-error
    	Exit goreman if a subprocess quits with a nonzero return code
  -exit-on-stop
    	Exit goreman if all subprocesses stop (default true)
  -f string
    	proc file (default \"Procfile\")
  -logtime
    	show timestamp in log (default true)
  -p uint
    	port (default 8555)
  -rpc-server
    	Start an RPC server listening on 0.0.0.0 (default true)
  -set-ports
    	False to avoid setting PORT env var for each subprocess (default true)
";

pub fn main(world: &mut World, p: &mut Proc) -> i32 {
    let args: Vec<String> = p.args.iter().skip(1).cloned().collect();
    let prog = p.args.first().cloned().unwrap_or_else(|| "goreman".into());
    let Some((cmd, rest)) = args.split_first() else {
        p.eprint(USAGE);
        return 0;
    };
    if cmd != "run" || rest.is_empty() {
        p.eprint(USAGE);
        p.explain(
            "This playground's goreman only takes `goreman run start|stop|restart|list|status etcd1|etcd2|etcd3`: the cluster is already started from /root/Procfile.",
            "O goreman deste playground só aceita `goreman run start|stop|restart|list|status etcd1|etcd2|etcd3`: o cluster já foi iniciado a partir de /root/Procfile.",
        );
        return 0;
    }
    if world.cluster.is_none() {
        p.eprintln(format!("{prog}: dial tcp 127.0.0.1:8555: connect: connection refused"));
        p.explain(
            "goreman run talks to a running `goreman start`, and none runs on this node: it has one etcd member. Start the playground with --scenario cluster for three members run by goreman.",
            "O goreman run conversa com um `goreman start` em execução, e nenhum roda neste nó: ele tem um só membro do etcd. Inicie o playground com --scenario cluster para ter três membros rodando sob o goreman.",
        );
        return 1;
    }
    let (sub, procs) = (rest[0].as_str(), &rest[1..]);
    let names = ["etcd1", "etcd2", "etcd3"];
    match sub {
        "list" => {
            for n in names {
                p.println(n);
            }
            return 0;
        }
        "status" => {
            for n in names {
                let up = members::member_name_of_proc(n).is_some_and(|m| members::members(world).iter().any(|x| x.name == m && x.running));
                p.println(format!("{}{n}", if up { "*" } else { " " }));
            }
            return 0;
        }
        "start" | "stop" | "restart" => {}
        _ => {
            p.eprintln(format!("{prog}: Unknown command"));
            return 1;
        }
    }
    for proc in procs {
        let Some(name) = members::member_name_of_proc(proc) else {
            p.eprintln(format!("{prog}: unknown proc: {proc}"));
            return 1;
        };
        let leader_before = world.cluster.as_ref().map_or(0, |c| c.leader);
        let term_before = world.cluster.as_ref().map_or(0, |c| c.term);
        if sub != "start" {
            members::stop(world, &name);
            members::note_election(world, (leader_before, term_before), world.clock_ms, members::Why::LeaderStopped);
        }
        if sub != "stop" {
            let before = world.cluster.as_ref().map_or((0, 0), |c| (c.leader, c.term));
            start_member(world, p, &name);
            members::note_election(world, before, world.clock_ms, members::Why::Start);
        }
        explain_change(world, p, sub, &name, leader_before, term_before);
    }
    let all_running = members::members(world).iter().all(|m| m.running && !crate::cluster::recovery::cut_off(m, world.cluster.as_ref()));
    if let Some(c) = world.cluster.as_mut() {
        crate::cluster::recovery::settle(c, all_running);
    }
    0
}

/// Starts a member on whatever its data dir holds (`cluster::recovery`).
fn start_member(world: &mut World, p: &mut Proc, name: &str) {
    use crate::cluster::recovery;
    if let Some(cluster) = world.cluster.as_mut() {
        let parts = recovery::Parts { vfs: &mut world.vfs, clock_ms: world.clock_ms, etcd: &mut world.etcd, cluster };
        if let Some(note) = recovery::boot(parts, name) {
            p.explain_text(note);
        }
    }
    let leader_before = world.cluster.as_ref().map_or(0, |c| c.leader);
    members::start(world, name);
    let id = members::members(world).iter().find(|m| m.name == name).map_or(0, |m| m.member_id);
    let cut_off = members::members(world).iter().find(|m| m.name == name).is_some_and(|m| recovery::cut_off(m, world.cluster.as_ref()));
    if let Some(c) = world.cluster.as_mut() {
        if cut_off {
            // `members::start` counted its name published; it never reaches the others' log.
            if leader_before != 0 {
                c.extra_entries = c.extra_entries.saturating_sub(1);
            }
        } else {
            recovery::started(c, id);
        }
    }
}

/// What happened to the cluster, for the learner (never on stdout/stderr).
fn explain_change(world: &World, p: &mut Proc, sub: &str, name: &str, leader_before: u64, term_before: u64) {
    let Some(c) = &world.cluster else { return };
    let all = members::voters(world);
    let live = all.iter().filter(|m| m.running).count();
    let leader = all.iter().find(|m| m.member_id == c.leader).map(|m| m.name.clone());
    let (mut en, mut pt) = match sub {
        "stop" => (format!("{name} stopped (goreman sent it SIGINT). {live} of {} members run.", all.len()), format!("{name} parou (o goreman mandou SIGINT). {live} de {} membros rodam.", all.len())),
        _ => (format!("{name} runs again: it caught up with the leader's log and published its name (one more raft entry). {live} of {} members run.", all.len()), format!("{name} voltou a rodar: alcançou o log do líder e publicou seu nome (mais uma entrada no raft). {live} de {} membros rodam.", all.len())),
    };
    match &leader {
        Some(l) if c.leader != leader_before && leader_before == 0 => {
            en.push_str(&format!(" A quorum ({} of {}) runs again: the members elected {l} leader, term {} (was {term_before}).", all.len() / 2 + 1, all.len(), c.term));
            pt.push_str(&format!(" Um quórum ({} de {}) roda de novo: os membros elegeram {l} como líder, termo {} (era {term_before}).", all.len() / 2 + 1, all.len(), c.term));
        }
        Some(l) if c.leader != leader_before => {
            en.push_str(&format!(" {l} is the leader now, term {} (was {term_before}): a leader that stops hands leadership to the follower connected to it the longest.", c.term));
            pt.push_str(&format!(" {l} agora é o líder, termo {} (era {term_before}): um líder que para entrega a liderança ao seguidor conectado a ele há mais tempo.", c.term));
        }
        Some(l) => {
            en.push_str(&format!(" {l} leads (term {}); a quorum ({} of {}) runs, so writes go on.", c.term, all.len() / 2 + 1, all.len()));
            pt.push_str(&format!(" {l} lidera (termo {}); um quórum ({} de {}) roda, então as escritas continuam.", c.term, all.len() / 2 + 1, all.len()));
        }
        None => {
            en.push_str(" No quorum: there is no leader, writes and linearizable reads wait until the client gives up; `get --consistency=s` still answers from a live member.");
            pt.push_str(" Sem quórum: não há líder, escritas e leituras linearizáveis esperam até o cliente desistir; `get --consistency=s` ainda responde de um membro vivo.");
        }
    }
    p.explain(en, pt);
}

#[cfg(test)]
mod tests {
    use crate::shell::Session;

    #[test]
    fn any_order_of_stops_and_starts_keeps_one_leader_exactly_when_a_quorum_runs() {
        let mut s = Session::new("cluster").unwrap();
        let ops = ["stop etcd1", "stop etcd1", "restart etcd2", "stop etcd3", "start etcd1", "stop etcd2", "stop etcd1", "start etcd3", "restart etcd3", "start etcd2", "start etcd1", "stop etcd2", "start etcd2"];
        let mut last_term = 2;
        for op in ops {
            let r = s.execute(&format!("goreman run {op}"));
            assert_eq!((r.exit, r.text()), (0, String::new()), "{op}");
            let w = &s.world;
            let all = crate::cluster::members::members(w);
            let live = all.iter().filter(|m| m.running).count();
            let c = w.cluster.as_ref().unwrap();
            let leader = all.iter().find(|m| m.member_id == c.leader);
            assert_eq!(leader.is_some(), live >= 2, "{op}: {live} live, leader {:x}", c.leader);
            assert!(leader.is_none_or(|l| l.running), "{op}: a stopped leader");
            assert!(c.term >= last_term, "{op}: the term went down");
            last_term = c.term;
            // Every etcdctl command answers without panicking, whatever runs.
            for cmd in ["etcdctl endpoint status --cluster -w table", "etcdctl endpoint health --cluster", "etcdctl --endpoints=127.0.0.1:22379,127.0.0.1:32379 put k v", "etcdctl get k --consistency=s", "etcdctl member list -w json", "etcdctl move-leader fd422379fda50e48"] {
                s.execute(cmd);
            }
        }
    }

    #[test]
    fn usage_and_errors() {
        let mut s = Session::new("cluster").unwrap();
        let r = s.execute("goreman");
        assert_eq!(r.exit, 0);
        assert!(r.text().starts_with("Tasks:\n  goreman check"), "{}", r.text());
        assert_eq!(s.execute("goreman run").exit, 0);
        let r = s.execute("goreman run stop etcd1 etcd7");
        assert_eq!((r.exit, r.text()), (1, "goreman: unknown proc: etcd7\n".to_string()));
    }
}
