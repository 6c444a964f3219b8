//! The shipped course: the lesson files under `lessons/`, built into the program so the page
//! needs no request to show them. `tests/lessons.rs` proves each one with its own solution.

use super::Lesson;

/// (file, text) of every shipped lesson, in course order.
pub const COURSE: &[(&str, &str)] = &[
    ("lessons/01-what-is-etcd.toml", include_str!("../../lessons/01-what-is-etcd.toml")),
    ("lessons/02-etcd-in-kubernetes.toml", include_str!("../../lessons/02-etcd-in-kubernetes.toml")),
    ("lessons/03-certificates.toml", include_str!("../../lessons/03-certificates.toml")),
    ("lessons/04-talking-to-etcd.toml", include_str!("../../lessons/04-talking-to-etcd.toml")),
    ("lessons/05-revisions.toml", include_str!("../../lessons/05-revisions.toml")),
    ("lessons/06-snapshot-plain.toml", include_str!("../../lessons/06-snapshot-plain.toml")),
    ("lessons/07-snapshot-tls.toml", include_str!("../../lessons/07-snapshot-tls.toml")),
    ("lessons/08-restore.toml", include_str!("../../lessons/08-restore.toml")),
    ("lessons/09-leases-and-watch.toml", include_str!("../../lessons/09-leases-and-watch.toml")),
    ("lessons/10-troubleshooting-tls.toml", include_str!("../../lessons/10-troubleshooting-tls.toml")),
    ("lessons/11-cka-practice.toml", include_str!("../../lessons/11-cka-practice.toml")),
];

/// The shipped lessons, parsed. A lesson that fails to parse is left out (the test suite
/// makes sure none does).
pub fn course() -> Vec<Lesson> {
    COURSE.iter().filter_map(|(f, t)| Lesson::parse_file(f, t).ok()).collect()
}
