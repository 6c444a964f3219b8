//! Lesson 13 (the timed CKA exam): an exam with six tasks whose paths and names differ between
//! attempts. Its negative cases and alternatives live in the lesson file; `lessons check`
//! (tests/lessons.rs) plays them under every draw of its variables. Here: a draw's commands
//! reach the state a task checks.

use etcd_playground::lessons::exam::{draw, instantiate};
use etcd_playground::lessons::progress::state_before;
use etcd_playground::lessons::{course, enter_step, evaluate, LastRun, Lesson};

fn exam() -> Lesson {
    let (f, t) = course::COURSE.iter().find(|(f, _)| f.contains("13-cka-exam")).unwrap();
    Lesson::parse_file(f, t).unwrap()
}

/// Plays `cmds` at the start of task `step` of the attempt `seed`; true when the task passes.
fn passes(seed: u64, step: usize, cmds: &[&str]) -> bool {
    let raw = exam();
    let vals = draw(&raw, seed);
    let l = instantiate(&raw, seed);
    let (mut s, mut last) = state_before(&l, step).unwrap();
    if let Some(fresh) = enter_step(&mut s, &l.steps[step]).unwrap() {
        last = fresh;
    }
    for c in cmds {
        let mut c = c.to_string();
        for (k, v) in &vals {
            c = c.replace(&format!("{{{{{k}}}}}"), v);
        }
        last = LastRun::from(&s.execute(&c));
    }
    evaluate(&l.steps[step], &s, &last).iter().all(|r| r.passed)
}

const TLS: &str = "--endpoints=https://127.0.0.1:2379 --cacert=/etc/kubernetes/pki/etcd/ca.crt --cert=/etc/kubernetes/pki/etcd/server.crt --key=/etc/kubernetes/pki/etcd/server.key";

#[test]
fn the_exam_is_an_exam_with_six_tasks_and_per_attempt_names() {
    let l = exam();
    assert!(l.exam && l.time_limit_minutes.is_some());
    assert!(l.steps.len() >= 6);
    let a = instantiate(&l, 1);
    let differ = (2..12).any(|s| instantiate(&l, s).steps[0].instructions.en != a.steps[0].instructions.en);
    assert!(differ, "attempts must not all get the same backup path");
}

#[test]
fn a_task_passes_with_the_values_of_its_own_draw_only() {
    // The same commands with another attempt's path must not pass: memorised answers fail.
    let save = |p: &str| format!("etcdctl {TLS} snapshot save {p}");
    let own = passes(3, 0, &[&save("{{backup}}")]);
    assert!(own);
    let l = exam();
    let here = draw(&l, 3).into_iter().find(|(k, _)| k == "backup").unwrap().1;
    let other = (0..40).map(|s| draw(&l, s).into_iter().find(|(k, _)| k == "backup").unwrap().1).find(|b| *b != here).unwrap();
    assert!(!passes(3, 0, &[&format!("mkdir -p $(dirname {other})"), &save(&other)]));
}
