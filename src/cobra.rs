//! What the simulated programs built on Go's spf13/cobra share (etcdctl and kubeadm):
//! the "Did you mean this?" that follows `unknown command "gt" for "etcdctl"`.
//!
//! cobra's `SuggestionsFor` offers every subcommand within Levenshtein distance 2 of what was
//! typed, or that starts with it, both compared in lower case:
//!
//! ```
//! use etcd_playground::cobra;
//! let names = ["get", "put", "del", "certs"];
//! assert_eq!(cobra::suggestions_for("gt", names), ["get", "put"]);
//! assert_eq!(cobra::suggestions_for("CERT", ["certs", "version"]), ["certs"]);
//! assert_eq!(cobra::did_you_mean(&["get"]), "\n\nDid you mean this?\n\tget\n");
//! assert_eq!(cobra::did_you_mean(&[]), "");
//! ```

/// The names cobra suggests for `typed`, in the order given.
pub fn suggestions_for<'a>(typed: &str, names: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let typed = typed.to_lowercase();
    names.into_iter().filter(|n| levenshtein(&typed, &n.to_lowercase()) <= 2 || n.to_lowercase().starts_with(&typed)).collect()
}

/// The text cobra appends to the error for these suggestions (nothing when there are none).
pub fn did_you_mean(hits: &[&str]) -> String {
    if hits.is_empty() {
        return String::new();
    }
    let mut s = "\n\nDid you mean this?\n".to_string();
    for h in hits {
        s.push('\t');
        s.push_str(h);
        s.push('\n');
    }
    s
}

/// Edit distance in characters (insertions, deletions, substitutions).
fn levenshtein(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut cur = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(levenshtein("kitten", "sitting"), 3);
        assert_eq!(levenshtein("", "abc"), 3);
        assert_eq!(levenshtein("get", "get"), 0);
        assert_eq!(levenshtein("gé", "ge"), 1, "characters, not bytes");
    }

    #[test]
    fn suggests_by_distance_or_prefix_ignoring_case() {
        let names = ["get", "put", "del", "watch", "snapshot"];
        assert_eq!(suggestions_for("pt", names), ["get", "put"]);
        assert_eq!(suggestions_for("SNAP", names), ["snapshot"]);
        assert_eq!(suggestions_for("xyzzy", names), Vec::<&str>::new());
        assert_eq!(did_you_mean(&["get", "put"]), "\n\nDid you mean this?\n\tget\n\tput\n");
    }
}
