//! Code fetched after the first paint: with the `split` feature, wasm-split cuts the programs
//! and the session codec out of the first load into chunks the page fetches right after it
//! renders. Without the feature (native builds, wasm tests) everything is direct.

use crate::persist::{LoadError, PageState};
use crate::session_file::SessionFileError;
use crate::shell::{CommandFn, Session};

/// Saving and restoring sessions: all of serde's per-type code lives behind these.
#[derive(Clone, Copy)]
pub struct Codec {
    pub encode: fn(&Session, &PageState) -> Result<String, String>,
    pub decode: fn(&str) -> Result<(Session, PageState), LoadError>,
    pub save_file: fn(&Session, &PageState) -> Vec<u8>,
    pub load_file: fn(&[u8]) -> Result<(Session, PageState), SessionFileError>,
}

fn direct_codec() -> Codec {
    Codec {
        encode: crate::persist::encode,
        decode: crate::persist::decode,
        save_file: crate::session_file::save_playground,
        load_file: crate::session_file::load_playground,
    }
}

#[derive(Clone, Copy)]
pub struct Programs {
    pub etcdctl: CommandFn,
    pub etcdutl: CommandFn,
    pub kubectl: CommandFn,
    pub curl: CommandFn,
    pub tar: CommandFn,
}

fn direct_programs() -> Programs {
    Programs {
        etcdctl: crate::etcdctl::main,
        etcdutl: crate::etcdutl::main,
        kubectl: crate::kubectl::main,
        curl: crate::netless::curl::main,
        tar: crate::netless::tar::main,
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
    pub fn settled() -> bool {
        true
    }
}

#[cfg(all(target_arch = "wasm32", feature = "split"))]
mod imp {
    use super::*;
    use std::cell::Cell;
    use wasm_split_helpers::{wasm_split, SplitLoaderError};

    #[derive(Clone, Copy)]
    enum Load<T> {
        Waiting,
        Ready(T),
        Failed,
    }

    thread_local! {
        static CODEC: Cell<Load<Codec>> = const { Cell::new(Load::Waiting) };
        static PROGRAMS: Cell<Load<Programs>> = const { Cell::new(Load::Waiting) };
    }

    // The split points: everything only these reach moves to a chunk of its own.
    #[allow(improper_ctypes_definitions)]
    #[wasm_split(codec, fallible)]
    fn codec_entry() -> Result<Codec, SplitLoaderError> {
        Ok(direct_codec())
    }

    #[allow(improper_ctypes_definitions)]
    #[wasm_split(programs, fallible)]
    fn programs_entry() -> Result<Programs, SplitLoaderError> {
        Ok(direct_programs())
    }

    pub fn codec() -> Option<Codec> {
        match CODEC.with(Cell::get) {
            Load::Ready(c) => Some(c),
            _ => None,
        }
    }
    pub fn programs() -> Option<Programs> {
        match PROGRAMS.with(Cell::get) {
            Load::Ready(p) => Some(p),
            _ => None,
        }
    }
    /// The programs' chunk arrived or failed for good: typed lines need not wait any longer.
    pub fn settled() -> bool {
        !matches!(PROGRAMS.with(Cell::get), Load::Waiting)
    }
    /// Fetches the codec's chunk (a no-op once it is here); false when it cannot be fetched.
    pub async fn load_codec() -> bool {
        if codec().is_some() {
            return true;
        }
        let got = codec_entry().await;
        CODEC.with(|x| x.set(got.map_or(Load::Failed, Load::Ready)));
        codec().is_some()
    }
    /// Fetches the programs' chunk; false when it cannot be fetched.
    pub async fn load_programs() -> bool {
        if programs().is_some() {
            return true;
        }
        let got = programs_entry().await;
        PROGRAMS.with(|x| x.set(got.map_or(Load::Failed, Load::Ready)));
        programs().is_some()
    }
}

pub use imp::*;

/// The programs whose code is in the chunk.
pub const PROGRAMS: [&str; 5] = ["etcdctl", "etcdutl", "kubectl", "curl", "tar"];

/// Whether a typed line may run one of [`PROGRAMS`] (so waits for the chunk). A plain
/// substring test errs on the side of waiting (`echo etcdctl` waits too); a script that runs
/// one without naming it finds the chunk missing and says so (see the stubs below).
pub fn needs_programs(line: &str) -> bool {
    PROGRAMS.iter().any(|p| line.contains(p))
}

macro_rules! stub {
    ($($name:ident),*) => {$(
        /// Runs the program once its code is here.
        pub fn $name(world: &mut crate::world::World, proc: &mut crate::process::Proc) -> i32 {
            match programs() {
                Some(p) => (p.$name)(world, proc),
                // No real program prints anything like this: it is the page speaking.
                None if !settled() => {
                    proc.explain(
                        concat!(stringify!($name), "'s code is still downloading: run the command again in a moment."),
                        concat!("O código do ", stringify!($name), " ainda está sendo baixado: rode o comando de novo daqui a pouco."),
                    );
                    1
                }
                None => {
                    proc.explain(
                        concat!("The page could not download ", stringify!($name), "'s code (are you offline?). Reload the page when the network is back."),
                        concat!("A página não conseguiu baixar o código do ", stringify!($name), " (está sem rede?). Recarregue a página quando a rede voltar."),
                    );
                    1
                }
            }
        }
    )*};
}
stub!(etcdctl, etcdutl, kubectl, curl, tar);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_lazy_program_is_a_program_and_lines_naming_one_wait() {
        let (world, _) = crate::world::World::from_scenario("kubeadm").unwrap();
        let env = std::collections::BTreeMap::new();
        for p in PROGRAMS {
            assert!(crate::commands::lookup(&world, &env, "/", p).is_some(), "{p} is not in the program table");
            assert!(needs_programs(&format!("FOO=1 {p} --help | head")));
        }
        assert!(!needs_programs("ls -l /etc/kubernetes && cat /etc/hosts"));
    }

    #[test]
    fn natively_everything_is_here_at_once() {
        assert!(settled() && programs().is_some() && codec().is_some());
        let mut s = Session::new("plain").unwrap();
        let r = s.execute("etcdctl put k v");
        assert_eq!(r.text(), "OK\n");
        let c = codec().unwrap();
        let text = (c.encode)(&s, &PageState::default()).unwrap();
        let (back, _) = (c.decode)(&text).unwrap();
        assert_eq!(back.world.etcd.store.current_revision(), s.world.etcd.store.current_revision());
    }
}
