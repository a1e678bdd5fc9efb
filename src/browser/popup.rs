//! Opening the popup (docs/flows.md#popup): synchronously, in the caller's stack, centred
//! on the opener window and clamped to the screen. A blocked popup is reported at once.

use wasm_bindgen::JsValue;
use web_sys::Window;

use super::guards::later;
use super::js_data::prop;
use crate::error::{ConnectError, ErrorCode};
use crate::flow::CLOSE_RETRY_GAPS_MS;
use crate::geometry::{features, popup_rect, PopupOptions, Rect};

fn num(target: &JsValue, key: &str) -> f64 {
    prop(target, key).as_f64().unwrap_or(f64::NAN)
}

fn opener_rect(window: &Window) -> Rect {
    let w: &JsValue = window.as_ref();
    Rect { left: num(w, "screenX"), top: num(w, "screenY"), width: num(w, "outerWidth"), height: num(w, "outerHeight") }
}

fn screen_rect(window: &Window) -> Rect {
    let screen = prop(window, "screen");
    let or_zero = |v: f64| if v.is_finite() { v } else { 0.0 };
    Rect {
        left: or_zero(num(&screen, "availLeft")),
        top: or_zero(num(&screen, "availTop")),
        width: num(&screen, "availWidth"),
        height: num(&screen, "availHeight"),
    }
}

/// Whether `w` is a usable, open window: `closed` must read exactly `false`
/// (null, a closed window, or a `closed` that is not a boolean count as blocked).
pub fn is_open(w: &JsValue) -> bool {
    w.is_object() && closed(w) == Some(false)
}

/// `w.closed`, when it reads as a boolean.
pub(crate) fn closed(w: &JsValue) -> Option<bool> {
    prop(w, "closed").as_bool()
}

/// Opens `url` in a popup. Never awaits: call it straight from a click handler.
pub fn open(window: &Window, url: &str, opts: &PopupOptions) -> Result<Window, ConnectError> {
    let rect = popup_rect(opener_rect(window), screen_rect(window), opts.width, opts.height);
    let blocked = || ConnectError::with_detail(ErrorCode::PopupBlocked, "the browser blocked the popup");
    let popup = window
        .open_with_url_and_target_and_features(url, &opts.name, &features(rect))
        .ok()
        .flatten()
        .ok_or_else(blocked)?;
    if !is_open(popup.as_ref()) {
        return Err(blocked());
    }
    Ok(popup)
}

/// Sizes and places a window opened blank before the wasm loaded (the JS entry opens it in
/// the click), as `open` would have: centred on the opener, clamped to the screen.
pub fn place(window: &Window, w: &Window, opts: &PopupOptions) {
    let rect = popup_rect(opener_rect(window), screen_rect(window), opts.width, opts.height);
    let _ = w.resize_to(rect.width as i32, rect.height as i32);
    let _ = w.move_to(rect.left as i32, rect.top as i32);
}

/// Uses a window the caller opened itself (`options.window`), navigating it to `url`.
pub fn adopt(w: &Window, url: Option<&str>) -> Result<Window, ConnectError> {
    if !is_open(w.as_ref()) {
        return Err(ConnectError::with_detail(ErrorCode::PopupBlocked, "the window is closed"));
    }
    if let Some(url) = url {
        w.location()
            .set_href(url)
            .map_err(|_| ConnectError::with_detail(ErrorCode::PopupBlocked, "the window cannot be navigated"))?;
    }
    Ok(w.clone())
}

/// Whether the popup shows a page: anything but its initial `about:blank` (a page of
/// another origin, whose address cannot be read, counts).
pub(crate) fn loaded(w: &JsValue) -> bool {
    prop(&prop(w, "location"), "href").as_string().as_deref() != Some("about:blank")
}

/// Closes a popup, ignoring a window that is already gone.
pub fn close(w: &Window) {
    let _ = w.close();
}

/// Closes a popup after `delay_ms`, and again after each of [`CLOSE_RETRY_GAPS_MS`] while it
/// is still open: a short chain of one-shot timers that ends by itself.
pub fn close_surely(w: Window, delay_ms: u32) {
    fn attempt(w: Window, wait_ms: u32, retry: usize) {
        let run = move || {
            close(&w);
            if let Some(&gap) = CLOSE_RETRY_GAPS_MS.get(retry) {
                if is_open(&w) {
                    attempt(w, gap, retry + 1);
                }
            }
        };
        if wait_ms == 0 {
            run();
        } else {
            later(wait_ms, Box::new(run));
        }
    }
    attempt(w, delay_ms, 0);
}
