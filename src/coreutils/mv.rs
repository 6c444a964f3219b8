//! `mv SOURCE... DEST`: a copy (see `cp.rs`) that keeps times and removes the source.

use crate::process::Proc;
use crate::world::World;

pub fn main(w: &mut World, p: &mut Proc) -> i32 {
    super::cp::copy_or_move(w, p, "mv", true)
}
