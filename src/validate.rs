//! A loaded session is checked before it is trusted. A session file (the page's Load button,
//! `run --session`) and the page's own saved session both come from outside the running
//! program: a hand-edited or crafted one could break the engine's invariants (a key index
//! whose `modified` is not its last revision trips a `debug_assert`, a revision pointing at no
//! backend entry), put the clock where time arithmetic overflows (`crictl`'s ages of a
//! container created at `i64::MIN`), or hold paths the filesystem never makes. Both loaders
//! ([`crate::session_file`] and [`crate::persist`]) call [`session`]; a session that fails is
//! refused with the first problem found, in both languages, and the running session stays.
//!
//! The limits here are also the ones the running playground keeps: [`MAX_CLOCK_MS`] (`sleep`
//! stops the clock there), and the filesystem's own in [`crate::vfs`].
//!
//! ```
//! use etcd_playground::{shell::Session, validate};
//! let mut s = Session::new("plain").unwrap();
//! s.execute("etcdctl put k v");
//! assert!(validate::session(&s).is_ok());
//! s.world.etcd.store.index.get_mut(&b"k".to_vec()).unwrap().modified.main = 99;
//! assert!(validate::session(&s).unwrap_err().en.contains("key index"));
//! ```

use crate::engine::{Revision, Store};
use crate::i18n::Text;
use crate::shell::Session;

/// The latest time the simulated clock reaches (see [`crate::world::MAX_CLOCK_MS`]). Times in
/// a loaded session must lie in `0..=LOAD_LIMIT_MS`, so arithmetic on them cannot overflow.
pub use crate::world::MAX_CLOCK_MS;
/// The latest time a loaded session may hold: twice [`MAX_CLOCK_MS`], room for the seconds
/// commands still add after `sleep` stopped the clock, and far below where `i64` arithmetic on
/// milliseconds could overflow.
pub const LOAD_LIMIT_MS: u64 = 2 * MAX_CLOCK_MS;

/// Why a session was refused: one problem, in English and Brazilian Portuguese.
pub type Invalid = crate::i18n::Text;

fn bad<T>(en: impl Into<String>, pt: impl Into<String>) -> Result<T, Invalid> {
    Err(Invalid { en: en.into(), pt: pt.into() })
}

fn show(k: &[u8]) -> String {
    let s = String::from_utf8_lossy(k);
    let short: String = s.chars().take(60).collect();
    format!("{short:?}")
}

/// Checks everything a loaded session is trusted for (see the module docs).
pub fn session(s: &Session) -> Result<(), Invalid> {
    let w = &s.world;
    if w.clock_ms > LOAD_LIMIT_MS {
        return bad(
            format!("its clock ({} ms) is past the year 18000", w.clock_ms),
            format!("o relógio dela ({} ms) passa do ano 18000", w.clock_ms),
        );
    }
    for (name, dir) in [("cwd", &s.cwd), ("home", &s.home)] {
        if !is_normal_path(dir) {
            return bad(format!("the shell's {name} {dir:?} is not a normalized absolute path"), format!("o {name} do shell {dir:?} não é um caminho absoluto normalizado"));
        }
    }
    vfs(&w.vfs)?;
    store(&w.etcd.store, &Text::new("the running store", "o store em execução"))?;
    for (dir, st) in w.etcd.stores.iter() {
        store(st, &Text::new(format!("the store parked for {dir}"), format!("o store guardado para {dir}")))?;
    }
    let rt = &w.kubelet.runtime;
    let in_range = |t: i64| (0..=LOAD_LIMIT_MS as i64).contains(&t);
    for sb in &rt.sandboxes {
        if !in_range(sb.created_ms) {
            return bad(format!("pod sandbox {} has a creation time out of range ({})", sb.name, sb.created_ms), format!("o sandbox do pod {} tem um horário de criação fora do intervalo ({})", sb.name, sb.created_ms));
        }
    }
    for c in &rt.containers {
        if !in_range(c.created_ms) || c.finished_ms.is_some_and(|f| !in_range(f)) {
            return bad(format!("container {} has a time out of range", c.name), format!("o contêiner {} tem um horário fora do intervalo", c.name));
        }
    }
    Ok(())
}

/// An absolute path with no empty, `.` or `..` component and no trailing slash (`/` itself).
pub fn is_normal_path(p: &str) -> bool {
    p == "/" || (p.starts_with('/') && !p.ends_with('/') && p[1..].split('/').all(|c| !c.is_empty() && c != "." && c != ".."))
}

fn vfs(v: &crate::vfs::Vfs) -> Result<(), Invalid> {
    use crate::vfs::Node;
    if !v.is_dir("/") {
        return bad("its filesystem has no root directory", "o sistema de arquivos dela não tem diretório raiz");
    }
    let mut total: u64 = 0;
    for (path, node) in v.paths() {
        if !is_normal_path(path) || path.len() > crate::vfs::PATH_MAX {
            return bad(format!("its filesystem holds the path {:?}, which is not a normalized absolute path", truncate(path)), format!("o sistema de arquivos dela tem o caminho {:?}, que não é um caminho absoluto normalizado", truncate(path)));
        }
        if path != "/" && !v.is_dir(crate::vfs::parent(path)) {
            return bad(format!("its filesystem holds {:?} without its parent directory", truncate(path)), format!("o sistema de arquivos dela tem {:?} sem o diretório pai", truncate(path)));
        }
        total += path.len() as u64;
        if let Node::File { data, .. } = node {
            total += data.len() as u64;
        }
    }
    if total > crate::vfs::BUDGET_BYTES {
        return bad(
            format!("its files take {total} bytes, over the filesystem's {} bytes", crate::vfs::BUDGET_BYTES),
            format!("os arquivos dela ocupam {total} bytes, acima dos {} bytes do sistema de arquivos", crate::vfs::BUDGET_BYTES),
        );
    }
    Ok(())
}

fn truncate(s: &str) -> String {
    s.chars().take(80).collect()
}

/// The engine's invariants: every key index is a well-formed history whose revisions are in
/// the backend under that key; revisions never pass the store's; leases and their keys agree.
fn store(st: &Store, what: &Text) -> Result<(), Invalid> {
    let fail = |why: Text| bad::<()>(format!("{}: {}", what.en, why.en), format!("{}: {}", what.pt, why.pt));
    if st.current_rev < 0 || st.compact_rev < -1 || st.compact_rev > st.current_rev {
        return fail(Text::new(
            format!("its revisions are inconsistent (current {}, compacted {})", st.current_rev, st.compact_rev),
            format!("as revisões são inconsistentes (atual {}, compactada {})", st.current_rev, st.compact_rev),
        ));
    }
    let mut prev: Option<Revision> = None;
    for rev in st.backend.keys() {
        if rev.main < 1 || rev.main > st.current_rev || rev.sub < 0 || prev.is_some_and(|p| p >= *rev) {
            return fail(Text::new(format!("the backend holds revision {}.{} out of order or range", rev.main, rev.sub), format!("o backend tem a revisão {}.{} fora de ordem ou do intervalo", rev.main, rev.sub)));
        }
        prev = Some(*rev);
    }
    for (key, ki) in &st.index {
        let key_bad = |why: Text| fail(Text::new(format!("the key index of {} {}", show(key), why.en), format!("o índice da chave {} {}", show(key), why.pt)));
        let Some(last) = ki.generations.last() else { return key_bad(Text::new("has no generation", "não tem geração")) };
        let _ = last;
        let mut prev: Option<Revision> = None;
        let n = ki.generations.len();
        for (gi, g) in ki.generations.iter().enumerate() {
            if g.revs.is_empty() {
                if gi + 1 != n {
                    return key_bad(Text::new("has an empty generation before its last", "tem uma geração vazia antes da última"));
                }
                continue;
            }
            if g.ver < g.revs.len() as i64 || g.created > g.revs[0] {
                return key_bad(Text::new("has a generation whose version or creation does not match its revisions", "tem uma geração cuja versão ou criação não bate com as revisões"));
            }
            for (ri, r) in g.revs.iter().enumerate() {
                if r.main < 1 || r.main > st.current_rev || r.sub < 0 || prev.is_some_and(|p| p >= *r) {
                    return key_bad(Text::new("holds revisions out of order or past the store's", "tem revisões fora de ordem ou além das do store"));
                }
                prev = Some(*r);
                let tombstone = gi + 1 < n && ri + 1 == g.revs.len();
                match st.backend.get(r) {
                    Some(e) if e.kv.key == *key && e.tombstone == tombstone => {}
                    _ => return key_bad(Text::new("names a revision the backend does not hold for it", "aponta uma revisão que o backend não tem para ela")),
                }
            }
        }
        if prev.is_none_or(|p| p != ki.modified) {
            return key_bad(Text::new("is broken: its modified revision is not its last one", "está quebrado: a revisão modificada não é a última"));
        }
    }
    for (id, lease) in st.lessor.leases.iter() {
        if *id != lease.id || lease.ttl < 0 || lease.ttl > crate::engine::lease::MAX_LEASE_TTL || lease.expiry_ms > LOAD_LIMIT_MS + 1000 * crate::engine::lease::MAX_LEASE_TTL as u64 {
            return fail(Text::new(format!("lease {id:x} is out of range"), format!("o lease {id:x} está fora do intervalo")));
        }
        // Sessions saved before `item_map` existed have it empty: the lessor then reads leases' keys.
        for k in lease.keys.iter().filter(|_| !st.lessor.item_map.is_empty()) {
            if st.lessor.item_map.get(k) != Some(id) {
                return fail(Text::new(format!("lease {id:x} and its key {} disagree", show(k)), format!("o lease {id:x} e a chave {} não concordam", show(k))));
            }
        }
    }
    for (k, id) in st.lessor.item_map.iter() {
        if !st.lessor.leases.get(id).is_some_and(|l| l.keys.contains(k)) {
            return fail(Text::new(format!("key {} is attached to lease {id:x}, which does not hold it", show(k)), format!("a chave {} está presa ao lease {id:x}, que não a tem", show(k))));
        }
    }
    Ok(())
}
