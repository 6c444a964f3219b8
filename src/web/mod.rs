//! The page (wasm only): a Yew app whose view is a function of the session state.
//! No etcd or shell logic lives here: every typed line goes through `Session::execute`, and
//! what the panels show is computed by `crate::inspect` / `crate::term`.

pub(crate) mod app;
mod autosave;
mod chunks;
pub(crate) mod cluster;
mod crash;
mod dom;
mod files;
mod inspector;
pub(crate) mod lessons;
pub(crate) mod state;
mod storage;
mod terminal;

use wasm_bindgen::prelude::*;

#[wasm_bindgen(start)]
pub fn start() {
    // A Rust panic shows the crash panel and reaches the console with its message.
    crash::install();
    wasm_bindgen_futures::spawn_local(async {
        // The saved session is read from IndexedDB (and this tab claims it) before the first render.
        storage::load_at_start().await;
        // A returning learner's saved session needs the codec's chunk before the first render.
        #[cfg(feature = "split")]
        if state::has_saved_session() {
            chunks::load_codec().await;
            chunks::load_lesson_code().await;
        }
        // Lines kept from a page closed before it could save run again at start: with their programs.
        #[cfg(feature = "split")]
        if state::stored_journal().is_some() {
            chunks::load_programs().await;
        }
        yew::Renderer::<app::App>::new().render();
        crash::arm_test_trigger();
    });
}
