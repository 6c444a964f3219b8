//! The program table: which program runs for a name typed at the prompt, where the node keeps
//! its file, and whether its code is in the page's first load or in the programs chunk fetched
//! right after the first paint (`src/lazy.rs`).
//!
//! Adding a program is its module plus one line in the table below (`programs!`). Everything
//! else reads the table: [`lookup`] (a name or a path → the program), [`installed_path`] and
//! `which`, the node's files in /usr/bin and /usr/local/bin ([`install`]), Tab's first words
//! ([`first_words`]), which typed lines wait for the programs chunk ([`in_programs_chunk`]),
//! which programs leave a record in `World.facts` ([`is_tool`]), and the stubs that stand in
//! for the chunk's programs until it is here.
//!
//! ```
//! use etcd_playground::commands::{installed_path, Chunk, TABLE};
//! use etcd_playground::world::World;
//! let (world, _) = World::from_scenario("kubeadm").unwrap();
//! assert_eq!(installed_path(&world, "etcdctl").as_deref(), Some("/usr/local/bin/etcdctl"));
//! assert_eq!(installed_path(&world, "cd"), None); // a shell builtin, not a program
//! let grep = TABLE.iter().find(|p| p.name == "grep").unwrap();
//! assert_eq!(grep.chunk, Chunk::Programs); // the regex engine waits for the chunk
//! ```
//!
//! `which` and `xargs` live here, beside the table they read: `which` says where a program is,
//! `xargs` runs one. Neither is GNU coreutils (Debian's debianutils and GNU findutils).

pub mod which;
pub mod xargs;

use crate::process::Proc;
use crate::sorted_map::SortedMap;
use crate::world::World;

/// A program: it reads its arguments and stdin from `Proc`, acts on the world, writes into
/// `Proc`, and returns its exit status.
pub type CommandFn = fn(&mut World, &mut Proc) -> i32;

/// Where a program's package installs it: its file on the node, and the paths it runs from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dir {
    /// `/usr/bin`: Debian's packages (coreutils, grep, sed, curl, tar, openssl, kubectl, …).
    UsrBin,
    /// etcdctl: etcd's release tarball unpacks into /usr/local/bin on a 3.5 node (kubeadm);
    /// on a 3.4 node it is Debian's etcd-client in /usr/bin. `/usr/bin/etcdctl` runs it on both.
    EtcdClient,
    /// etcdutl: /usr/local/bin on a 3.5 node; 3.4's Debian packages have none (the playground
    /// still runs it by name).
    Etcdutl,
    /// crictl: /usr/bin on the kubeadm nodes, and only there does it run.
    KubeadmNode,
    /// goreman: `go install github.com/mattn/goreman`, copied to /usr/local/bin, on the
    /// three-member cluster node only.
    ClusterNode,
    /// etcd (the server): Debian's etcd-server in /usr/bin on the 3.4 cluster node (the
    /// Procfile runs it), and only there is it run by hand.
    EtcdServer,
    /// Nowhere: the code of a shell builtin (bash's `printf`), never looked up as a program.
    Builtin,
}

impl Dir {
    /// The directory on this node, if the program is installed there.
    fn path(self, world: &World) -> Option<&'static str> {
        let v3_5 = world.etcd.version.is_3_5();
        match self {
            Dir::UsrBin => Some("/usr/bin"),
            Dir::EtcdClient => Some(if v3_5 { "/usr/local/bin" } else { "/usr/bin" }),
            Dir::Etcdutl => v3_5.then_some("/usr/local/bin"),
            Dir::KubeadmNode => world.scenario.starts_with("kubeadm").then_some("/usr/bin"),
            Dir::ClusterNode => world.cluster.is_some().then_some("/usr/local/bin"),
            Dir::EtcdServer => world.cluster.is_some().then_some(if v3_5 { "/usr/local/bin" } else { "/usr/bin" }),
            Dir::Builtin => None,
        }
    }
}

/// Where a program's code is in the page's release build.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Chunk {
    /// In the first load: the shell needs it at once (`ls`, `cat`, `cp` …).
    First,
    /// In the programs chunk (`src/lazy.rs`), fetched right after the first paint; a typed line
    /// naming one waits for it.
    Programs,
}

/// One line of the table.
#[derive(Debug)]
pub struct Program {
    /// The name typed at the prompt (and its file's name).
    pub name: &'static str,
    pub dir: Dir,
    pub chunk: Chunk,
    /// A tool leaves a record in `World.facts` when it runs (lesson checks read them); text
    /// utilities do not.
    pub tool: bool,
    /// Offered when Tab completes a first word.
    pub tab: bool,
    /// What runs: the program itself (first load), or its stub (programs chunk), which runs
    /// the chunk's code once it is here.
    pub run: CommandFn,
}

/// Builds the table from one line per program:
/// `ident[("name")][[same]]: Dir, first|lazy, tool|text, entry point[, no_tab];` — `("name")`
/// when the name is no identifier, `[same]` when the line runs another line's code (through
/// that line's stub, so the page names that program while its code downloads).
macro_rules! programs {
    (@name $id:ident) => { stringify!($id) };
    (@name $id:ident $name:literal) => { $name };
    (@chunk first) => { Chunk::First };
    (@chunk lazy) => { Chunk::Programs };
    (@tool tool) => { true };
    (@tool text) => { false };
    (@tab) => { true };
    (@tab no_tab) => { false };
    (@run first [$($id:ident)*] $entry:path) => { $entry };
    (@run lazy [$id:ident] $entry:path) => { stub::$id };
    (@run lazy [$id:ident $same:ident] $entry:path) => { stub::$same };
    ($($id:ident $(($name:literal))? $([$same:ident])?: $dir:ident, $chunk:ident, $kind:ident, $entry:path $(, $flag:ident)?;)*) => {
        /// Each line's position in [`TABLE`] and [`entries`].
        #[allow(non_camel_case_types)]
        #[derive(Clone, Copy)]
        enum Line { $($id),* }

        /// How many lines the table has.
        pub const COUNT: usize = [$(stringify!($id)),*].len();

        /// The table, in the order of its lines.
        pub static TABLE: [Program; COUNT] = [$(Program {
            name: programs!(@name $id $($name)?),
            dir: Dir::$dir,
            chunk: programs!(@chunk $chunk),
            tool: programs!(@tool $kind),
            tab: programs!(@tab $($flag)?),
            run: programs!(@run $chunk [$id $($same)?] $entry),
        }),*];

        /// Every line's code, in the table's order. In the page's release build only the
        /// programs chunk's split point (`web::chunks`, through `lazy::direct_programs`)
        /// reaches this, so code no first-load program reaches leaves the first load.
        pub fn entries() -> Entries {
            [$($entry as CommandFn),*]
        }

        /// One stub per line (the table uses those of the programs chunk's lines).
        mod stub {
            use crate::process::Proc;
            use crate::world::World;
            $(
                #[allow(dead_code)]
                pub fn $id(world: &mut World, proc: &mut Proc) -> i32 {
                    super::run_loaded(super::Line::$id as usize, world, proc)
                }
            )*
        }
    };
}

programs! {
    // name                 installed in  chunk  kind  entry point
    etcdctl:                EtcdClient,   lazy,  tool, crate::etcdctl::main;
    // Left out of Tab on purpose: `etcd<Tab>` finishing `etcdctl` matters more to learners.
    etcdutl:                Etcdutl,      lazy,  tool, crate::etcdutl::main, no_tab;
    kubectl:                UsrBin,       lazy,  tool, crate::kubectl::main;
    kubeadm:                UsrBin,       lazy,  tool, crate::kubeadm::main;
    crictl:                 KubeadmNode,  lazy,  tool, crate::crictl::main;
    openssl:                UsrBin,       lazy,  tool, crate::openssl::main;
    curl:                   UsrBin,       lazy,  tool, crate::netless::curl::main;
    tar:                    UsrBin,       lazy,  tool, crate::netless::tar::main;
    sed:                    UsrBin,       lazy,  text, crate::sed::main;
    goreman:                ClusterNode,  lazy,  tool, crate::goreman::main, no_tab;
    etcd:                   EtcdServer,   lazy,  tool, crate::etcdmain::main, no_tab;
    grep:                   UsrBin,       lazy,  text, crate::coreutils::grep::main;
    egrep[grep]:            UsrBin,       lazy,  text, crate::coreutils::grep::main, no_tab;
    cut:                    UsrBin,       lazy,  text, crate::coreutils::cut::main;
    wc:                     UsrBin,       lazy,  text, crate::coreutils::wc::main;
    sort:                   UsrBin,       lazy,  text, crate::coreutils::sort::main;
    uniq:                   UsrBin,       lazy,  text, crate::coreutils::uniq::main;
    base64:                 UsrBin,       lazy,  text, crate::coreutils::base64::main;
    seq:                    UsrBin,       lazy,  text, crate::coreutils::seq::main;
    printf:                 UsrBin,       lazy,  text, crate::coreutils::printf::main;
    // bash's builtin (`shell::builtins`); a line naming printf waits for the chunk like the others.
    printf_builtin("printf"): Builtin,    lazy,  text, crate::coreutils::printf::builtin;
    xargs:                  UsrBin,       lazy,  text, crate::commands::xargs::main;
    cat:                    UsrBin,       first, text, crate::coreutils::cat::main;
    head:                   UsrBin,       first, text, crate::coreutils::head::main;
    tail:                   UsrBin,       first, text, crate::coreutils::tail::main;
    tr:                     UsrBin,       first, text, crate::coreutils::tr::main;
    ls:                     UsrBin,       first, text, crate::coreutils::ls::main;
    mkdir:                  UsrBin,       first, text, crate::coreutils::mkdir::main;
    rm:                     UsrBin,       first, text, crate::coreutils::rm::main;
    cp:                     UsrBin,       first, text, crate::coreutils::cp::main;
    mv:                     UsrBin,       first, text, crate::coreutils::mv::main;
    touch:                  UsrBin,       first, text, crate::coreutils::touch::main;
    sleep:                  UsrBin,       first, text, crate::coreutils::sleep::main;
    tee:                    UsrBin,       first, text, crate::coreutils::tee::main;
    which:                  UsrBin,       first, text, crate::commands::which::main;
}

/// The code of every line of the table (see [`entries`]).
pub type Entries = [CommandFn; COUNT];

/// The program (not a builtin's code) named `name`.
fn program(name: &str) -> Option<&'static Program> {
    TABLE.iter().find(|p| p.name == name && p.dir != Dir::Builtin)
}

/// Finds the program for `name` (a bare name searched in the simulated PATH, or a path).
pub fn lookup(world: &World, env: &SortedMap<String, String>, cwd: &str, name: &str) -> Option<CommandFn> {
    // A downloaded release binary (e.g. /tmp/etcd-download-test/etcdctl), by path or in PATH.
    if let Some(path) = crate::netless::find_executable(world, env.get("PATH").map(String::as_str), cwd, name) {
        if world.vfs.read(&path).is_ok_and(|d| crate::netless::parse_marker(d).is_some()) {
            return Some(downloaded_binary);
        }
    }
    let base = name.rsplit('/').next().unwrap_or(name);
    let p = program(base)?;
    // By path, a program runs from where its package installed it (see `installed_path`), and
    // etcdctl from either place (`/usr/bin` is Debian's etcd-client).
    if name.contains('/') && !(p.dir == Dir::EtcdClient && name == format!("/usr/bin/{base}")) && Some(name) != installed_path(world, base).as_deref() {
        return None;
    }
    // crictl runs only where it is installed (the kubeadm nodes).
    (p.dir != Dir::KubeadmNode || p.dir.path(world).is_some()).then_some(p.run)
}

/// Where the node's own copy of a simulated program lives (see [`Dir`]). `None` for names
/// that are not programs here (`cd` is a shell builtin).
pub fn installed_path(world: &World, name: &str) -> Option<String> {
    let dir = program(name)?.dir.path(world)?;
    Some(format!("{dir}/{name}"))
}

/// Puts a file for every program of the table where its package installed it (the programs
/// `which` names and `ls /usr/bin` lists): the shell does this to each new World.
pub fn install(world: &mut World) {
    for p in TABLE.iter().filter(|p| p.dir != Dir::Builtin) {
        if let Some(path) = installed_path(world, p.name) {
            world.vfs.install_live(&path, crate::vfs::Live::Program);
        }
    }
}

/// The code of a shell builtin that lives in the table (bash's `printf`).
pub fn builtin(name: &str) -> Option<CommandFn> {
    TABLE.iter().find(|p| p.name == name && p.dir == Dir::Builtin).map(|p| p.run)
}

/// Whether running `base` leaves a record in `World.facts`: tools (and downloaded binaries),
/// not the text utilities. (bash's `echo` is a builtin; a file named so is no tool either.)
pub fn is_tool(base: &str) -> bool {
    base != "echo" && !TABLE.iter().any(|p| p.name == base && !p.tool)
}

/// The programs Tab offers as a first word.
pub fn first_words() -> impl Iterator<Item = &'static str> {
    TABLE.iter().filter(|p| p.tab).map(|p| p.name)
}

/// The names whose code is in the programs chunk.
pub fn in_programs_chunk() -> impl Iterator<Item = &'static str> {
    TABLE.iter().filter(|p| p.chunk == Chunk::Programs).map(|p| p.name)
}

/// Runs a downloaded release binary; what it does not answer itself is the playground's
/// etcdctl (it speaks 3.4 and 3.5 alike), through the table like any other run of etcdctl.
fn downloaded_binary(world: &mut World, p: &mut Proc) -> i32 {
    match crate::netless::run_binary(world, p) {
        Some(code) => code,
        None => program("etcdctl").map_or(127, |e| (e.run)(world, p)),
    }
}

/// Whether the programs chunk is here (see [`set_loaded`]).
#[derive(Clone, Copy)]
pub enum Load {
    Waiting,
    Ready(Entries),
    Failed,
}

/// Without the page's split build (native, wasm tests) every program is here at once.
#[cfg(not(all(target_arch = "wasm32", feature = "split")))]
fn loaded() -> Load {
    Load::Ready(entries())
}

#[cfg(all(target_arch = "wasm32", feature = "split"))]
thread_local! {
    static LOADED: std::cell::Cell<Load> = const { std::cell::Cell::new(Load::Waiting) };
}

#[cfg(all(target_arch = "wasm32", feature = "split"))]
fn loaded() -> Load {
    LOADED.with(std::cell::Cell::get)
}

/// `src/lazy.rs` hands over the programs chunk's code once it arrived (or says it failed).
#[cfg(all(target_arch = "wasm32", feature = "split"))]
pub fn set_loaded(load: Load) {
    LOADED.with(|c| c.set(load));
}

/// What a stub does: runs line `i`'s code once the chunk is here.
fn run_loaded(i: usize, world: &mut World, proc: &mut Proc) -> i32 {
    run_if(loaded(), i, world, proc)
}

fn run_if(load: Load, i: usize, world: &mut World, proc: &mut Proc) -> i32 {
    let shown = TABLE[i].name;
    match load {
        Load::Ready(code) => code[i](world, proc),
        // No real program prints anything like this: it is the page speaking.
        Load::Waiting => {
            proc.explain(
                format!("{shown}'s code is still downloading: run the command again in a moment."),
                format!("O código do {shown} ainda está sendo baixado: rode o comando de novo daqui a pouco."),
            );
            1
        }
        Load::Failed => {
            proc.explain(
                format!("The page could not download {shown}'s code (are you offline?). Reload the page when the network is back."),
                format!("A página não conseguiu baixar o código do {shown} (está sem rede?). Recarregue a página quando a rede voltar."),
            );
            1
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The table says what the hand-written lists said before it (issue 18 changed no behaviour).
    #[test]
    fn the_table_keeps_what_the_lists_before_it_said() {
        let mut lazy: Vec<&str> = in_programs_chunk().collect();
        lazy.sort();
        lazy.dedup();
        let mut old = vec!["etcdctl", "etcdutl", "kubectl", "kubeadm", "curl", "tar", "sed", "goreman", "grep", "egrep", "crictl", "seq", "xargs", "printf", "openssl", "cut", "wc", "sort", "uniq", "base64", "etcd"];
        old.sort();
        assert_eq!(lazy, old);
        let mut tools: Vec<&str> = TABLE.iter().filter(|p| p.tool).map(|p| p.name).collect();
        tools.sort();
        assert_eq!(tools, ["crictl", "curl", "etcd", "etcdctl", "etcdutl", "goreman", "kubeadm", "kubectl", "openssl", "tar"]);
        for text in ["cat", "grep", "sed", "printf", "echo", "which", "xargs", "seq", "sleep"] {
            assert!(!is_tool(text), "{text}");
        }
        let mut words: Vec<&str> = first_words().collect();
        words.sort();
        words.dedup();
        let mut old = vec![
            "etcdctl", "kubectl", "kubeadm", "crictl", "openssl", "sed", "curl", "tar", "which", "cat", "grep", "head", "tail", "wc", "sort", "uniq", "base64", "cut", "tr", "ls", "mkdir", "rm", "cp", "mv", "touch", "sleep", "printf", "tee", "seq", "xargs",
        ];
        old.sort();
        assert_eq!(words, old);
    }

    #[test]
    fn until_the_chunk_is_here_a_stub_says_whose_code_is_missing() {
        let (mut w, _) = World::from_scenario("plain").unwrap();
        let explained = |load: Load, line: Line, w: &mut World| {
            let mut p = Proc { args: vec!["x".into()], ..Default::default() };
            let code = run_if(load, line as usize, w, &mut p);
            let texts: Vec<String> = p.out.iter().map(|c| format!("{c:?}")).collect();
            (code, texts.join(""))
        };
        let (code, text) = explained(Load::Waiting, Line::grep, &mut w);
        assert_eq!(code, 1);
        assert!(text.contains("grep's code is still downloading") && text.contains("O código do grep ainda"), "{text}");
        let (_, text) = explained(Load::Failed, Line::printf_builtin, &mut w);
        assert!(text.contains("could not download printf's code") && text.contains("baixar o código do printf"), "{text}");
        // egrep runs grep's code through grep's stub, so the page says "grep" for it too.
        assert_eq!(TABLE[Line::egrep as usize].run as usize, TABLE[Line::grep as usize].run as usize);
    }

    #[test]
    fn where_programs_are_and_run_from() {
        let env = SortedMap::new();
        let (plain, _) = World::from_scenario("plain").unwrap();
        let (kubeadm, _) = World::from_scenario("kubeadm").unwrap();
        assert_eq!(installed_path(&plain, "etcdctl").as_deref(), Some("/usr/bin/etcdctl"));
        assert_eq!(installed_path(&kubeadm, "etcdctl").as_deref(), Some("/usr/local/bin/etcdctl"));
        assert_eq!(installed_path(&plain, "etcdutl"), None);
        assert_eq!(installed_path(&kubeadm, "etcdutl").as_deref(), Some("/usr/local/bin/etcdutl"));
        assert_eq!(installed_path(&plain, "crictl"), None);
        assert_eq!(installed_path(&kubeadm, "crictl").as_deref(), Some("/usr/bin/crictl"));
        assert_eq!(installed_path(&plain, "printf").as_deref(), Some("/usr/bin/printf"));
        assert_eq!(installed_path(&plain, "cd"), None);
        // By name everywhere but crictl on plain; by path only from where it is installed, and
        // etcdctl from Debian's /usr/bin too.
        assert!(lookup(&plain, &env, "/", "etcdutl").is_some());
        assert!(lookup(&plain, &env, "/", "crictl").is_none() && lookup(&kubeadm, &env, "/", "crictl").is_some());
        assert!(lookup(&kubeadm, &env, "/", "/usr/bin/etcdctl").is_some());
        assert!(lookup(&kubeadm, &env, "/", "/usr/local/bin/etcdctl").is_some());
        assert!(lookup(&plain, &env, "/", "/usr/local/bin/etcdctl").is_none());
        assert!(lookup(&plain, &env, "/", "/bin/cat").is_none() && lookup(&plain, &env, "/", "/usr/bin/cat").is_some());
        assert!(lookup(&plain, &env, "/", "printf_builtin").is_none() && lookup(&plain, &env, "/", "cd").is_none());
        assert!(builtin("printf").is_some() && builtin("cat").is_none());
    }
}
