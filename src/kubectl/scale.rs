//! `kubectl scale`.

use super::Args;
use crate::process::Proc;
use crate::world::World;

pub fn run(_world: &mut World, p: &mut Proc, _a: &Args) -> i32 {
    p.eprintln("error: not implemented yet");
    1
}
