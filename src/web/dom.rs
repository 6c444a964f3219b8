//! Small browser edges: the caret of an input, pasted text, file upload and download.

use super::state::{Action, Handle};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;

/// Files larger than this are refused on upload.
pub const MAX_UPLOAD: u64 = 16 * 1024 * 1024;
/// Session files may be larger (the page saves and loads 100 MB sessions); beyond this, refused.
pub const MAX_SESSION_FILE: u64 = 512 * 1024 * 1024;

/// The caret as a byte offset into `value` (the DOM counts UTF-16 units).
pub fn caret(input: &HtmlInputElement, value: &str) -> usize {
    let units = input.selection_start().ok().flatten().unwrap_or(value.len() as u32) as usize;
    let mut seen = 0;
    for (i, ch) in value.char_indices() {
        if seen >= units {
            return i;
        }
        seen += ch.len_utf16();
    }
    value.len()
}

/// The plain text of a paste event.
pub fn pasted_text(e: &web_sys::Event) -> Option<String> {
    let ce = e.dyn_ref::<web_sys::ClipboardEvent>()?;
    ce.clipboard_data()?.get_data("text/plain").ok()
}

/// Reads each file and writes it into the session's current directory; too-big files are
/// refused with a note.
pub fn upload(files: web_sys::FileList, state: Handle) {
    for i in 0..files.length() {
        let Some(file) = files.get(i) else { continue };
        let name = file.name().replace('/', "_");
        let size = file.size() as u64;
        if size > MAX_UPLOAD {
            state.dispatch(Action::note(
                format!("{name} is too big to upload ({size} bytes; the limit is {MAX_UPLOAD} bytes, 16 MiB)."),
                format!("{name} é grande demais para enviar ({size} bytes; o limite é {MAX_UPLOAD} bytes, 16 MiB)."),
            ));
            continue;
        }
        let path = crate::vfs::normalize(&state.model().session.cwd.clone(), &name);
        let file = gloo::file::File::from(file);
        // The reader must live until its callback runs; the callback then drops it.
        let holder: Rc<RefCell<Option<gloo::file::callbacks::FileReader>>> = Rc::new(RefCell::new(None));
        let h2 = holder.clone();
        let st = state.clone();
        let reader = gloo::file::callbacks::read_as_bytes(&file, move |res| {
            match res {
                Ok(data) => st.dispatch(Action::WriteFile { path, data, uploaded: true }),
                Err(e) => st.dispatch(Action::note(format!("Could not read {name}: {e}"), format!("Não foi possível ler {name}: {e}"))),
            }
            h2.borrow_mut().take();
        });
        *holder.borrow_mut() = Some(reader);
    }
}

/// Reads a file the learner picked and dispatches `to_action(bytes)`; too-big or unreadable
/// files get a note instead.
pub fn read_bytes(file: web_sys::File, state: Handle, to_action: fn(Vec<u8>) -> Action) {
    let name = file.name();
    let size = file.size() as u64;
    if size > MAX_SESSION_FILE {
        state.dispatch(Action::note(
            format!("{name} is too big ({size} bytes; the limit is {MAX_SESSION_FILE} bytes, 512 MiB)."),
            format!("{name} é grande demais ({size} bytes; o limite é {MAX_SESSION_FILE} bytes, 512 MiB)."),
        ));
        return;
    }
    let file = gloo::file::File::from(file);
    let holder: Rc<RefCell<Option<gloo::file::callbacks::FileReader>>> = Rc::new(RefCell::new(None));
    let h2 = holder.clone();
    let reader = gloo::file::callbacks::read_as_bytes(&file, move |res| {
        match res {
            // A session file needs the codec's chunk (crate::lazy); waiting costs nothing once it is here.
            Ok(data) => wasm_bindgen_futures::spawn_local(async move {
                super::chunks::load_codec().await;
                super::chunks::load_lesson_code().await; // its lessons are read too
                state.dispatch(to_action(data));
            }),
            Err(e) => state.dispatch(Action::note(format!("Could not read {name}: {e}"), format!("Não foi possível ler {name}: {e}"))),
        }
        h2.borrow_mut().take();
    });
    *holder.borrow_mut() = Some(reader);
}

/// Offers `data` as a download named `name` (a Blob behind a temporary anchor).
pub fn download(name: &str, data: &[u8]) {
    let blob = gloo::file::Blob::new_with_options(data, Some("application/octet-stream"));
    let url = gloo::file::ObjectUrl::from(blob);
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else { return };
    let Ok(a) = doc.create_element("a") else { return };
    let Ok(a) = a.dyn_into::<web_sys::HtmlAnchorElement>() else { return };
    a.set_href(&url);
    a.set_download(name);
    a.set_class_name("sr-only");
    if let Some(body) = doc.body() {
        let _ = body.append_child(&a);
        a.click();
        let _ = body.remove_child(&a);
    }
    // Keep the object URL alive while the browser starts the download.
    gloo::timers::callback::Timeout::new(30_000, move || drop(url)).forget();
}

/// Runs `f` once the next frame is on screen: a timeout queued from an animation-frame callback
/// fires after that frame is painted. (A hidden tab paints nothing, so `f` waits until shown.)
pub fn after_next_paint(f: impl FnOnce() + 'static) {
    use wasm_bindgen::closure::Closure;
    let slot = Rc::new(RefCell::new(Some(f)));
    let from_frame = slot.clone();
    let queue = Closure::once(move || {
        gloo::timers::callback::Timeout::new(0, move || from_frame.borrow_mut().take().into_iter().for_each(|f| f())).forget()
    });
    match web_sys::window().map(|w| w.request_animation_frame(queue.as_ref().unchecked_ref())) {
        Some(Ok(_)) => queue.forget(), // the browser owns the callback now
        // No animation frames to wait for: run on the next task instead.
        _ => {
            gloo::timers::callback::Timeout::new(0, move || slot.borrow_mut().take().into_iter().for_each(|f| f())).forget();
        }
    }
}
