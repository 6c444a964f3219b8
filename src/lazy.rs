//! Code fetched after the first paint. The page's release build (feature `split`) is cut by
//! `wasm-split-cli` (see `build_dist` in scripts/setup.sh): everything reachable only through
//! the three split points moves out of the first load into wasm chunks the page fetches right
//! after it renders —
//! - **programs**: the program table's `lazy` lines (`src/commands/mod.rs`: etcdctl, etcdutl,
//!   kubectl, kubeadm, curl, tar, sed, grep with the regex engine, crictl, seq, xargs, printf —
//!   bash's builtin too: a line naming it waits like the others —, openssl, and the text
//!   filters cut, wc, sort, uniq, base64), the bbolt writer `World` reads a data dir's db with
//!   (and, from the page, its Cluster tab and the header's scenario choice);
//! - **codec**: saving and restoring sessions (all of serde's per-type code);
//! - **lessons**: reading lesson files and checking a step's state (and, from the page, the
//!   lesson panel's views).
//!
//! The split points themselves (`#[wasm_split]` functions) are the page's: `web::chunks` holds
//! them, fetches the chunks and fills this module's cells from above (`codec_arrived`,
//! `programs_arrived`, `lesson_code_arrived`); this module names nothing above it. The program
//! table points at its stubs (`commands`) and `World` at nothing until the programs chunk is
//! here; this module hands its code over to them when it arrives. The page waits for a chunk
//! before it needs it (`page::Model`: lines typed before the programs arrive wait). Without the
//! feature (native builds, wasm tests) every accessor answers at once with the code itself.

use crate::lessons::progress::{Class, ImportError};
use crate::lessons::{CheckResult, LastRun, Lesson, LessonError, Progress, Step};
use crate::persist::{LoadError, PageState};
use crate::session_file::SessionFileError;
use crate::shell::Session;

/// Saving and restoring sessions.
#[derive(Clone, Copy)]
pub struct Codec {
    /// The saved session's bytes (IndexedDB) and back.
    pub encode: fn(&Session, &PageState) -> Vec<u8>,
    pub decode: fn(&[u8]) -> Result<(Session, PageState), LoadError>,
    pub save_file: fn(&Session, &PageState) -> Vec<u8>,
    pub load_file: fn(&[u8]) -> Result<(Session, PageState), SessionFileError>,
}

/// The code itself: the split point (`web::chunks`) returns it, so what it reaches goes to the
/// chunk; without the feature the accessors below answer with it at once.
pub fn direct_codec() -> Codec {
    Codec {
        encode: crate::persist::encode,
        decode: crate::persist::decode,
        save_file: crate::session_file::save_playground,
        load_file: crate::session_file::load_playground,
    }
}

/// The programs chunk: every program's code and what `World` needs from it.
#[derive(Clone, Copy)]
pub struct Programs {
    /// The program table's code, line by line (`commands::entries`); the table's stubs run it.
    pub table: crate::commands::Entries,
    /// A data dir's `member/snap/db` made from the engine (`World::read`), its size, and the
    /// Explain after cat/head/tail read a file the node makes up (`world::Needs`).
    pub world: crate::world::Needs,
}

/// The code itself: the split point (`web::chunks`) returns it, so what it reaches goes to the
/// chunk; without the feature the accessors below answer with it at once.
pub fn direct_programs() -> Programs {
    Programs {
        table: crate::commands::entries(),
        world: crate::world::needs(),
    }
}

/// Reading lesson files and checking steps.
#[derive(Clone, Copy)]
pub struct LessonCode {
    pub parse_file: fn(&str, &str) -> Result<Lesson, LessonError>,
    pub evaluate: fn(&Step, &Session, &LastRun) -> Vec<CheckResult>,
    /// A lesson with its `[vars]` drawn from a seed (`lessons::exam`).
    pub instantiate: fn(&Lesson, u64) -> Lesson,
    /// Progress as a file, read back, and a class of such files (`lessons::progress`).
    pub export: fn(&Progress, &str, &[Lesson]) -> String,
    pub import: fn(&str) -> Result<(String, Progress), ImportError>,
    pub class: fn(&[(String, String)]) -> Class,
}

/// The code itself: the split point (`web::chunks`) returns it, so what it reaches goes to the
/// chunk; without the feature the accessors below answer with it at once.
pub fn direct_lesson_code() -> LessonCode {
    LessonCode {
        parse_file: Lesson::parse_file,
        evaluate: crate::lessons::evaluate,
        instantiate: crate::lessons::exam::instantiate,
        export: Progress::export,
        import: Progress::import,
        class: Class::read,
    }
}

#[cfg(not(all(target_arch = "wasm32", feature = "split")))]
mod imp {
    use super::*;
    pub fn codec() -> Option<Codec> {
        Some(direct_codec())
    }
    pub fn programs() -> Option<Programs> {
        Some(direct_programs())
    }
    pub fn lesson_code() -> Option<LessonCode> {
        Some(direct_lesson_code())
    }
    pub fn settled() -> bool {
        true
    }
    pub fn lesson_code_failed() -> bool {
        false
    }
}

#[cfg(all(target_arch = "wasm32", feature = "split"))]
mod imp {
    use super::*;
    use std::cell::Cell;

    #[derive(Clone, Copy)]
    enum Load<T> {
        Waiting,
        Ready(T),
        Failed,
    }

    /// One chunk's cell: `$get` answers once its code is here; `$arrived` is how the page's
    /// split point (`web::chunks`) fills it (`None`: the chunk could not be fetched).
    macro_rules! cell {
        ($cell:ident, $ty:ty, $get:ident, $arrived:ident, $then:expr) => {
            thread_local! {
                static $cell: Cell<Load<$ty>> = const { Cell::new(Load::Waiting) };
            }

            pub fn $get() -> Option<$ty> {
                match $cell.with(Cell::get) {
                    Load::Ready(c) => Some(c),
                    _ => None,
                }
            }

            pub fn $arrived(got: Option<$ty>) {
                $cell.with(|x| x.set(got.map_or(Load::Failed, Load::Ready)));
                ($then)(got);
            }
        };
    }
    cell!(CODEC, Codec, codec, codec_arrived, |_| {});
    cell!(PROGRAMS, Programs, programs, programs_arrived, hand_over);
    cell!(LESSONS, LessonCode, lesson_code, lesson_code_arrived, |_| {});

    /// The programs chunk arrived (or failed for good): the program table's stubs and `World`
    /// get its code (they cannot name this module: it sits above them).
    fn hand_over(p: Option<Programs>) {
        use crate::commands::{set_loaded, Load};
        set_loaded(p.map_or(Load::Failed, |p| Load::Ready(p.table)));
        if let Some(p) = p {
            crate::world::provide(p.world);
        }
    }

    /// The programs' chunk arrived or failed for good: typed lines need not wait any longer.
    pub fn settled() -> bool {
        !matches!(PROGRAMS.with(Cell::get), Load::Waiting)
    }

    /// The lessons' chunk could not be fetched (the lesson panel says so instead of waiting).
    pub fn lesson_code_failed() -> bool {
        matches!(LESSONS.with(Cell::get), Load::Failed)
    }
}

pub use imp::*;

/// Whether a typed line may run a program of the programs chunk (the program table's
/// `Chunk::Programs` lines), so waits for the chunk: a word of it is such a program's name,
/// or a command names one by its path (`/usr/local/bin/etcdctl`). That errs on the side of
/// waiting (`echo etcdctl` waits too) but not for a path that merely ends in one's name
/// (`ls /etc/kubernetes/pki/etcd`, now that `etcd` is a program); a script that runs one
/// without naming it finds the chunk missing and says so (the table's stubs,
/// `commands::run_loaded`).
pub fn needs_programs(line: &str) -> bool {
    let lazy: Vec<&str> = crate::commands::in_programs_chunk().collect();
    let unquoted: String = line.chars().filter(|c| !matches!(c, '\'' | '"' | '\\')).collect();
    unquoted.split(|c: char| ";|&()`\n{}".contains(c)).any(|segment| {
        let mut words = segment.split_whitespace().skip_while(|w| {
            let assignment = w.split_once('=').is_some_and(|(n, _)| !n.is_empty() && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
            assignment || matches!(*w, "if" | "then" | "else" | "elif" | "do" | "while" | "until" | "!" | "time")
        });
        let command = words.next().map(|w| w.rsplit('/').next().unwrap_or(w));
        command.is_some_and(|c| lazy.contains(&c)) || words.any(|w| lazy.contains(&w))
    })
}

/// A lesson file read, or `None` while the lessons chunk is not here.
pub fn parse_lesson_file(file: &str, text: &str) -> Option<Result<Lesson, LessonError>> {
    lesson_code().map(|c| (c.parse_file)(file, text))
}

/// A step's check results, or `None` while the lessons chunk is not here (nothing passes).
pub fn evaluate(step: &Step, session: &Session, last: &LastRun) -> Option<Vec<CheckResult>> {
    lesson_code().map(|c| (c.evaluate)(step, session, last))
}

/// The lesson as the learner's attempt sees it (its `[vars]` drawn from the attempt's seed);
/// the lesson itself when it has no variables or the lessons chunk is not here.
pub fn instance(lesson: &Lesson, progress: &Progress) -> Lesson {
    match lesson_code() {
        Some(c) if !lesson.vars.is_empty() => (c.instantiate)(lesson, progress.lessons.get(&lesson.id).map_or(0, |p| p.seed)),
        _ => lesson.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_lazy_program_is_a_program_and_lines_naming_one_wait() {
        let (world, _) = crate::world::World::from_scenario("kubeadm").unwrap();
        let env = crate::sorted_map::SortedMap::new();
        for p in crate::commands::in_programs_chunk() {
            assert!(crate::commands::lookup(&world, &env, "/", p).is_some(), "{p} is not in the program table");
            assert!(needs_programs(&format!("FOO=1 {p} --help | head")));
        }
        assert!(!needs_programs("ls -l /etc/kubernetes && cat /etc/hosts"));
        assert!(!needs_programs("cat /etc/kubernetes/manifests/etcd.yaml; ls /var/lib/etcd/member"));
        assert!(!needs_programs("ls -1 /etc/kubernetes/pki/etcd && cd /var/lib/etcd"));
        assert!(needs_programs("ls | xargs etcdctl get"));
        assert!(needs_programs("for i in 1; do /usr/local/bin/etcdctl version; done"));
        assert!(needs_programs("echo \"$(etcd --version)\""));
        assert!(needs_programs("x=$(/usr/local/bin/etcdctl version)"));
        assert!(needs_programs("ETCDCTL_API=3 etcdctl get k"));
        assert!(needs_programs("echo 1 && kubectl get pods"));
    }

    #[test]
    fn natively_everything_is_here_at_once() {
        assert!(settled() && programs().is_some() && codec().is_some() && lesson_code().is_some());
        let lesson = parse_lesson_file("x.toml", crate::lessons::course::COURSE[0].1).unwrap().unwrap();
        assert!(!lesson.steps.is_empty());
        let mut s = Session::new("plain").unwrap();
        let r = s.execute("etcdctl put k v");
        assert_eq!(r.text(), "OK\n");
        let c = codec().unwrap();
        let bytes = (c.encode)(&s, &PageState::default());
        let (back, _) = (c.decode)(&bytes).unwrap();
        assert_eq!(back.world.etcd.store.current_revision(), s.world.etcd.store.current_revision());
    }
}
