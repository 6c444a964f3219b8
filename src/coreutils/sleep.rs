//! `sleep N[smhd]...`.

use crate::process::Proc;
use crate::world::World;

/// `sleep N[smhd]`: the simulated clock jumps ahead ([`World::advance`]); nothing waits.
pub fn main(w: &mut World, p: &mut Proc) -> i32 {
    match sleep_ms(w, p) {
        Some(ms) => {
            w.advance(ms);
            0
        }
        None => 1,
    }
}

/// How long `sleep` sleeps (the shell's `sleep` lets it pass with its jobs); `None` after a
/// usage error.
pub fn sleep_ms(w: &World, p: &mut Proc) -> Option<u64> {
    let ops: Vec<String> = p.args[1..].to_vec();
    if ops.is_empty() {
        p.eprintln("sleep: missing operand\nTry 'sleep --help' for more information.");
        return None;
    }
    let mut total_ms: u64 = 0;
    for op in &ops {
        let (num, mult) = match op.chars().last() {
            Some('s') => (&op[..op.len() - 1], 1000),
            Some('m') => (&op[..op.len() - 1], 60_000),
            Some('h') => (&op[..op.len() - 1], 3_600_000),
            Some('d') => (&op[..op.len() - 1], 86_400_000),
            _ => (op.as_str(), 1000),
        };
        let num = num.strip_prefix('+').unwrap_or(num);
        // GNU sleep reads the number with strtod: `inf` and `infinity` sleep forever.
        let forever = ["inf", "infinity"].iter().any(|f| num.eq_ignore_ascii_case(f));
        match if forever { Some(u128::MAX) } else { crate::decimal::scaled(num, mult) } {
            Some(v) => total_ms = total_ms.saturating_add(u64::try_from(v).unwrap_or(u64::MAX)),
            _ => {
                p.eprintln(format!("sleep: invalid time interval ‘{op}’\nTry 'sleep --help' for more information."));
                return None;
            }
        }
    }
    let max = crate::world::MAX_CLOCK_MS;
    if total_ms > max.saturating_sub(w.clock_ms) {
        // GNU sleep would wait (practically) forever; the simulated clock stops at the last
        // instant every date here can show, so no time arithmetic can overflow.
        total_ms = max.saturating_sub(w.clock_ms);
        p.explain(
            "A real `sleep` this long would never return (stop it with Ctrl+C). The playground's clock stops at 9999-12-31 23:59:59 UTC, the last instant the tools can print: every lease has expired and every certificate is past its end.",
            "Um `sleep` real tão longo nunca voltaria (interrompa com Ctrl+C). O relógio do playground para em 9999-12-31 23:59:59 UTC, o último instante que as ferramentas conseguem mostrar: todo lease expirou e todo certificado passou da validade.",
        );
    }
    Some(total_ms)
}
