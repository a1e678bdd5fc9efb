//! What the driver, the callback page and the popup hold: an event listener removed when
//! dropped, and [`later`], a one-shot timer that frees itself once it has run.
//!
//! Listeners are plain `addEventListener` / `removeEventListener` through `web-sys`: the
//! flows need no listener options (`once`, `passive`, `capture`), so no options object is
//! built. Both take boxed closures, so one copy of the registration code serves every call.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Event, EventTarget};

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(handler: &JsValue, ms: u32);
}

/// A listener on `target` for `kind` events, registered until this is dropped.
pub(crate) struct Listener {
    target: EventTarget,
    kind: &'static str,
    callback: Closure<dyn FnMut(&Event)>,
}

impl Listener {
    /// Registers `f` for `kind` events on `target`.
    pub(crate) fn new(target: &EventTarget, kind: &'static str, f: Box<dyn FnMut(&Event)>) -> Self {
        let callback = Closure::wrap(f);
        let _ = target.add_event_listener_with_callback(kind, callback.as_ref().unchecked_ref());
        Listener { target: target.clone(), kind, callback }
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = self.target.remove_event_listener_with_callback(self.kind, self.callback.as_ref().unchecked_ref());
    }
}

/// Runs `f` once after `ms` milliseconds. Its closure is freed when it runs, where a
/// forgotten `gloo_timers` `Timeout` would keep its closure in wasm-bindgen's table for good (a few
/// hundred bytes of heap per flow, docs/decisions.md#memory).
pub(crate) fn later(ms: u32, f: Box<dyn FnOnce()>) {
    set_timeout(&Closure::once_into_js(f), ms);
}
