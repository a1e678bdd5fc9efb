//! An event listener that is removed when dropped: the RAII guard the driver and the
//! callback page hold for each `message` or `abort` listener.
//!
//! Plain `addEventListener` / `removeEventListener` through `web-sys`: the flows need no
//! listener options (`once`, `passive`, `capture`), so no options object is built.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{Event, EventTarget};

/// A listener on `target` for `kind` events, registered until this is dropped.
pub(crate) struct Listener {
    target: EventTarget,
    kind: &'static str,
    callback: Closure<dyn FnMut(&Event)>,
}

impl Listener {
    /// Registers `f` for `kind` events on `target`. Boxed by the caller, so one copy of
    /// this code serves every listener rather than one per closure type.
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
