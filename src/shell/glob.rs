//! Pathname expansion: an unquoted `*`, `?` or `[...]` in a word becomes the sorted list of
//! matching paths (`ls /etc/kubernetes/pki/etcd/*.crt`). As in bash without `nullglob`, a
//! pattern that matches nothing stays as typed, so `ls *.db` still says "No such file".
//! Names starting with `.` match only a pattern that starts with a literal `.`. Sorting is
//! byte order, the C locale (our `ls` sorts the same way).

use crate::vfs::{self, Vfs};

/// The paths `word` (as [`super::parse::expand_marked`] left it) names, or `None` when it has
/// no unquoted glob character or matches nothing.
/// The most bytes of paths one word may expand to: Linux's `ARG_MAX` (2 MiB), the most a
/// command line can carry. `echo /*/../*/../*/../*/../*/..` multiplies the root's entries six
/// times over (1.8 GB); bash would grow until the machine runs out of memory, the playground
/// stops at this budget with an error naming it.
pub const GLOB_BUDGET: usize = 2 * 1024 * 1024;

/// A word whose expansion passed [`GLOB_BUDGET`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooLarge;

pub fn expand_checked(word: &[(char, bool)], vfs: &Vfs, cwd: &str) -> Result<Option<Vec<String>>, TooLarge> {
    if !word.iter().any(|&(c, unquoted)| unquoted && matches!(c, '*' | '?' | '[')) {
        return Ok(None);
    }
    let absolute = word.first().map(|&(c, _)| c) == Some('/');
    let parts: Vec<&[(char, bool)]> = word.split(|&(c, _)| c == '/').collect();
    let dirs_only = parts.len() > 1 && parts.last().is_some_and(|p| p.is_empty());
    // (what the learner sees, the absolute path in the vfs)
    let mut found: Vec<(String, String)> = vec![(if absolute { "/".into() } else { String::new() }, if absolute { "/".into() } else { cwd.to_string() })];
    let parts: Vec<&[(char, bool)]> = parts.into_iter().filter(|p| !p.is_empty()).collect();
    for (i, part) in parts.iter().enumerate() {
        let last = i + 1 == parts.len();
        let mut next: Vec<(String, String)> = Vec::new();
        let mut bytes = 0usize;
        for (shown, path) in &found {
            if bytes > GLOB_BUDGET {
                return Err(TooLarge);
            }
            let sep = if shown.is_empty() || shown.ends_with('/') { "" } else { "/" };
            if part.iter().any(|&(c, u)| u && matches!(c, '*' | '?' | '[')) {
                let Ok(names) = vfs.list(path) else { continue };
                let dot_ok = part[0].0 == '.';
                for name in names {
                    if (name.starts_with('.') && !dot_ok) || !matches(part, &name.chars().collect::<Vec<_>>()) {
                        continue;
                    }
                    let full = vfs::normalize(path, &name);
                    if (!last || dirs_only) && !vfs.is_dir(&full) {
                        continue;
                    }
                    bytes += shown.len() + name.len() + 2;
                    next.push((format!("{shown}{sep}{name}"), full));
                }
            } else {
                let name: String = part.iter().map(|&(c, _)| c).collect();
                let full = vfs::normalize(path, &name);
                if vfs.exists(&full) {
                    bytes += shown.len() + name.len() + 2;
                    next.push((format!("{shown}{sep}{name}"), full));
                }
            }
        }
        if bytes > GLOB_BUDGET {
            return Err(TooLarge);
        }
        found = next;
    }
    let mut out: Vec<String> = found.into_iter().map(|(shown, _)| if dirs_only { format!("{shown}/") } else { shown }).collect();
    crate::sort::sort(&mut out);
    Ok((!out.is_empty()).then_some(out))
}

/// fnmatch for one path component: `*`, `?`, `[abc]`, `[a-z]`, `[!x]`/`[^x]`; quoted
/// characters match only themselves. Iterative, backing up only to the last `*`, so a pattern
/// of many stars stays linear-ish instead of exponential.
fn matches(pat: &[(char, bool)], name: &[char]) -> bool {
    let (mut p, mut n) = (0, 0);
    let mut last_star: Option<(usize, usize)> = None;
    while n < name.len() {
        if let Some(&(c, unquoted)) = pat.get(p) {
            if unquoted && c == '*' {
                last_star = Some((p, n));
                p += 1;
                continue;
            }
            let used = if unquoted && c == '?' {
                Some(1)
            } else if unquoted && c == '[' {
                match bracket(&pat[p + 1..], name[n]) {
                    Some((hit, used)) => hit.then_some(1 + used),
                    // No closing `]`: the `[` is an ordinary character.
                    None => (c == name[n]).then_some(1),
                }
            } else {
                (c == name[n]).then_some(1)
            };
            if let Some(used) = used {
                p += used;
                n += 1;
                continue;
            }
        }
        match last_star {
            Some((star, from)) => {
                last_star = Some((star, from + 1));
                p = star + 1;
                n = from + 1;
            }
            None => return false,
        }
    }
    pat[p..].iter().all(|&(c, unquoted)| unquoted && c == '*')
}

/// A bracket expression after its `[`: whether `n` is in it, and how many pattern characters
/// it used (through the `]`), or `None` if it never closes.
fn bracket(pat: &[(char, bool)], n: char) -> Option<(bool, usize)> {
    let mut i = 0;
    let negate = matches!(pat.first(), Some(&('!' | '^', true)));
    if negate {
        i += 1;
    }
    let mut hit = false;
    let mut first = true;
    while i < pat.len() {
        let (c, _) = pat[i];
        if c == ']' && !first {
            return Some((hit != negate, i + 1));
        }
        first = false;
        if pat.get(i + 1).map(|p| p.0) == Some('-') && pat.get(i + 2).is_some_and(|p| p.0 != ']') {
            let hi = pat[i + 2].0;
            hit |= c <= n && n <= hi;
            i += 3;
        } else {
            hit |= c == n;
            i += 1;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unquoted(s: &str) -> Vec<(char, bool)> {
        s.chars().map(|c| (c, true)).collect()
    }

    fn fs() -> Vfs {
        let mut v = Vfs::default();
        for f in ["/pki/ca.crt", "/pki/ca.key", "/pki/server.crt", "/pki/.hidden.crt", "/pki/etcd/peer.crt", "/pki/etcd/ca.crt", "/root/snap1.db", "/root/snap2.db", "/root/a[1].txt"] {
            v.install(f, b"x".to_vec());
        }
        v
    }

    fn glob(word: &str, cwd: &str) -> Option<Vec<String>> {
        expand_checked(&unquoted(word), &fs(), cwd).unwrap()
    }

    #[test]
    fn stars_questions_and_brackets_match_like_bash() {
        assert_eq!(glob("/pki/*.crt", "/"), Some(vec!["/pki/ca.crt".into(), "/pki/server.crt".into()]));
        assert_eq!(glob("/pki/.*.crt", "/"), Some(vec!["/pki/.hidden.crt".into()]));
        assert_eq!(glob("snap?.db", "/root"), Some(vec!["snap1.db".into(), "snap2.db".into()]));
        assert_eq!(glob("snap[!1].db", "/root"), Some(vec!["snap2.db".into()]));
        assert_eq!(glob("snap[0-1].db", "/root"), Some(vec!["snap1.db".into()]));
        assert_eq!(glob("/pki/*/ca.*", "/"), Some(vec!["/pki/etcd/ca.crt".into()]));
        assert_eq!(glob("../pki/etcd/*", "/root"), Some(vec!["../pki/etcd/ca.crt".into(), "../pki/etcd/peer.crt".into()]));
        assert_eq!(glob("/pki/*/", "/"), Some(vec!["/pki/etcd/".into()]));
        assert_eq!(glob("/*", "/"), Some(vec!["/pki".into(), "/root".into()]));
        // An unclosed `[` is an ordinary character.
        assert_eq!(glob("a[1*", "/root"), Some(vec!["a[1].txt".into()]));
        assert_eq!(glob("*.nothing", "/root"), None);
        assert_eq!(glob("plain.txt", "/root"), None);
        assert_eq!(glob("*a*", "/root"), Some(vec!["a[1].txt".into(), "snap1.db".into(), "snap2.db".into()]));
        assert_eq!(glob("s*1*", "/root"), Some(vec!["snap1.db".into()]));
    }

    #[test]
    fn many_stars_do_not_explode() {
        let pat = unquoted(&format!("{}x", "*".repeat(40)));
        let name: Vec<char> = "a".repeat(60).chars().collect();
        let t = std::time::Instant::now();
        assert!(!matches(&pat, &name));
        // Backtracking would take years; the linear matcher takes microseconds. A ceiling, not a budget.
        assert!(t.elapsed().as_millis() < 2000, "{:?}", t.elapsed());
    }

    #[test]
    fn quoted_glob_characters_are_literal() {
        let mut word = unquoted("/pki/");
        word.push(('*', false));
        word.extend(unquoted(".crt"));
        assert_eq!(expand_checked(&word, &fs(), "/").unwrap(), None);
        // `a\[1].txt`: the bracket is quoted, so `[1]` is not a set.
        let word: Vec<(char, bool)> = vec![('a', true), ('[', false), ('1', true), (']', true), ('.', true), ('t', true), ('x', true), ('t', true), ('*', true)];
        assert_eq!(expand_checked(&word, &fs(), "/root").unwrap(), Some(vec!["a[1].txt".into()]));
    }

    #[test]
    fn an_expansion_past_the_budget_is_an_error() {
        let mut v = Vfs::default();
        for i in 0..40 {
            v.mkdir_p(&format!("/directory-{i:02}")).unwrap();
        }
        // 40^5 words of ~70 bytes: far over 2 MiB; stopped before it is built.
        assert_eq!(expand_checked(&unquoted("/*/../*/../*/../*/../*"), &v, "/"), Err(TooLarge));
        assert_eq!(expand_checked(&unquoted("/*/../*"), &v, "/").unwrap().unwrap().len(), 1600);
    }
}
