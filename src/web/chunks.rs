//! The page's split points: the three `#[wasm_split]` functions `wasm-split-cli` cuts the
//! release build at (feature `split`, `build_dist` in scripts/setup.sh). Each returns the code
//! `crate::lazy` describes (programs, codec, lessons) together with the page's views that ride
//! in the same chunk — the Cluster tab and the header's scenario choice with the programs, the
//! lesson panel's views with the lesson code — so none of it is in the first load. On arrival
//! the lower half goes into `lazy`'s cells (`lazy::programs_arrived` …) and the views stay here:
//! `lazy` never names the page. Without the feature every accessor answers at once.

use super::state::Handle;
use crate::i18n::Lang;
use crate::lessons::course::Card;
use crate::lessons::progress::Class;
use crate::lessons::Lesson;
use yew::{Html, NodeRef};

/// The page's views in the programs chunk.
#[derive(Clone, Copy)]
pub struct ProgramViews {
    /// The Cluster tab (`web::cluster`), which no first paint shows.
    pub cluster_panel: fn(&Handle) -> Html,
    /// The header's scenario choice (`web::app::scenario_choice`): starting a cluster needs
    /// goreman and etcdctl, which come in this chunk anyway.
    pub scenario_choice: super::app::ScenarioChoice,
}

/// The page's views in the lessons chunk: an open lesson, the course, a class (`web::lessons`).
#[derive(Clone, Copy)]
pub struct LessonViews {
    pub lesson_view: fn(&Handle, &Lesson) -> Html,
    pub course_view: fn(&Handle, &NodeRef) -> Html,
    pub class_table: fn(Lang, &Class, &[Card]) -> Html,
}

fn direct_program_views() -> ProgramViews {
    ProgramViews { cluster_panel: super::cluster::cluster_panel, scenario_choice: super::app::scenario_choice }
}

fn direct_lesson_views() -> LessonViews {
    LessonViews {
        lesson_view: super::lessons::lesson_view,
        course_view: super::lessons::course_view,
        class_table: super::lessons::class_table,
    }
}

#[cfg(not(feature = "split"))]
mod imp {
    use super::*;
    pub fn program_views() -> Option<ProgramViews> {
        Some(direct_program_views())
    }
    pub fn lesson_views() -> Option<LessonViews> {
        Some(direct_lesson_views())
    }
    pub async fn load_codec() -> bool {
        true
    }
    pub async fn load_programs() -> bool {
        true
    }
    pub async fn load_lesson_code() -> bool {
        true
    }
}

#[cfg(feature = "split")]
mod imp {
    use super::*;
    use crate::lazy;
    use std::cell::Cell;
    use wasm_split_helpers::{wasm_split, SplitLoaderError};

    /// One split point: `$entry` is the function wasm-split cuts at (its chunk is named after
    /// `$module`: `split_$module.wasm`); `$load` fetches the chunk (a no-op once here; false when
    /// it cannot be fetched) and puts `lazy`'s part into `lazy` (`$arrived`); the page's views
    /// in the chunk, if any, stay here (`$views`, answered by `$get`).
    macro_rules! chunk {
        ($ty:ty, $module:ident, $entry:ident, $direct:expr, $here:path, $arrived:path, $load:ident) => {
            #[allow(improper_ctypes_definitions)]
            #[wasm_split($module, fallible)]
            fn $entry() -> Result<$ty, SplitLoaderError> {
                Ok($direct)
            }

            pub async fn $load() -> bool {
                if $here().is_none() {
                    $arrived($entry().await.ok());
                }
                $here().is_some()
            }
        };
        ($ty:ty, $module:ident, $entry:ident, $direct:expr, $here:path, $arrived:path, $load:ident, $views:ident: $vty:ty, $get:ident) => {
            thread_local! {
                static $views: Cell<Option<$vty>> = const { Cell::new(None) };
            }

            #[allow(improper_ctypes_definitions)]
            #[wasm_split($module, fallible)]
            fn $entry() -> Result<($ty, $vty), SplitLoaderError> {
                Ok($direct)
            }

            pub fn $get() -> Option<$vty> {
                $views.with(Cell::get)
            }

            pub async fn $load() -> bool {
                if $here().is_none() {
                    match $entry().await {
                        // The views first: whoever sees `lazy`'s part finds them here too.
                        Ok((code, views)) => {
                            $views.with(|x| x.set(Some(views)));
                            $arrived(Some(code))
                        }
                        Err(_) => $arrived(None),
                    }
                }
                $here().is_some()
            }
        };
    }
    chunk!(lazy::Codec, codec, codec_entry, lazy::direct_codec(), lazy::codec, lazy::codec_arrived, load_codec);
    chunk!(lazy::Programs, programs, programs_entry, (lazy::direct_programs(), direct_program_views()), lazy::programs, lazy::programs_arrived, load_programs, PROGRAMS: ProgramViews, program_views);
    chunk!(lazy::LessonCode, lessons, lessons_entry, (lazy::direct_lesson_code(), direct_lesson_views()), lazy::lesson_code, lazy::lesson_code_arrived, load_lesson_code, LESSONS: LessonViews, lesson_views);
}

pub use imp::*;
