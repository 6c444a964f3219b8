//! The native command line: `run` (feed lines to a session, print what the terminal shows)
//! and `serve` (a static file server on loopback for the built page).

#[cfg(not(target_arch = "wasm32"))]
mod cli;

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    std::process::exit(cli::main(std::env::args().skip(1).collect()));
}

#[cfg(target_arch = "wasm32")]
fn main() {}
