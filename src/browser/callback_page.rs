//! `complete_callback` (docs/flows.md#callback-page): runs on the app's callback page inside the popup.
//!
//! 1. Strips the response from the address bar (`history.replaceState`) before anything else.
//! 2. Posts one `{ type: "vendo-connect:callback", state, query }` message to
//!    `window.opener` at this page's own origin (or `openerOrigin`), never `"*"`; with no
//!    opener (Cross-Origin-Opener-Policy severed it) on the `BroadcastChannel` named from
//!    the flow's state instead.
//! 3. Waits up to `ackTimeoutMs` for the opener's ack, then closes the window; with
//!    neither an ack nor an opener it leaves a short message for the person.
//!
//! The page never sees a code verifier: only the opener holds it. What to do at each step
//! is decided by the pure `src/handoff.rs`; this file carries it out.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use js_sys::{Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{BroadcastChannel, History, MessageEvent, Window};

use super::guards::{later, Listener};
use super::js_data::{object, prop, JsData};
use crate::error::ConnectError;
use crate::handoff::Handoff;
pub use crate::handoff::{CallbackOptions, CallbackOutcome, Delivery, ORPHAN_MESSAGE};
use crate::message::{parse_callback_ack, TYPE_CALLBACK};

/// Hands this page's callback to the opener. See the module docs for the steps.
///
/// # Examples
///
/// ```no_run
/// // On the app's callback page (the `redirect_uri`), at load:
/// wasm_bindgen_futures::spawn_local(async {
///     let _ = vendo_connect::browser::complete_callback(Default::default()).await;
/// });
/// ```
pub async fn complete_callback(options: CallbackOptions) -> Result<CallbackOutcome, ConnectError> {
    let slot = Rc::new(Slot::default());
    let filled = Rc::clone(&slot);
    start_callback(options, Box::new(move |r| filled.fill(r)));
    SlotFuture(slot).await
}

/// Told how [`start_callback`] ended.
pub(crate) type OnDone = Box<dyn FnOnce(Result<CallbackOutcome, ConnectError>)>;

/// What is held while the page waits for the opener's ack.
struct Waiting {
    window: Window,
    delivery: Delivery,
    /// The channel, when the envelope went on it; closed when the wait ends.
    channel: Option<BroadcastChannel>,
    listener: Listener,
    done: OnDone,
}

/// [`complete_callback`] with a completion callback instead of a future (the JS skin's
/// promise settles from it, so the npm build needs no async executor).
pub fn start_callback(options: CallbackOptions, done: OnDone) {
    let taken = super::window()
        .ok_or_else(|| ConnectError::invalid_options("no window"))
        .and_then(|window| take_response(&window).map(|(query, origin)| (window, query, origin)));
    match taken {
        Err(e) => done(Err(e)),
        Ok((window, query, origin)) => hand_off(options, window, query, origin, done),
    }
}

/// Hands a response already taken from the address bar to the opener (steps 2 and 3).
pub(crate) fn hand_off(options: CallbackOptions, window: Window, query: String, own_origin: String, done: OnDone) {
    match prepare(&options, window, query, own_origin) {
        Err(e) => done(Err(e)),
        Ok(p) => wait(p, options.ack_timeout_ms, done),
    }
}

/// Where the envelope goes.
enum Route {
    /// To `window.opener`, at the target origin.
    Opener(Window),
    /// On the flow's `BroadcastChannel` (no opener).
    Channel(BroadcastChannel),
}

/// The page's response, its hand-off decided ([`Handoff::plan`]), and the route it takes.
struct Prepared {
    window: Window,
    query: String,
    handoff: Handoff,
    route: Route,
}

fn prepare(
    options: &CallbackOptions,
    window: Window,
    query: String,
    own_origin: String,
) -> Result<Prepared, ConnectError> {
    let opener = prop(&window, "opener");
    let has_opener = !opener.is_null() && !opener.is_undefined();
    let route = Handoff::plan(options, own_origin, &query, has_opener).and_then(|handoff| {
        let route = match handoff.channel() {
            None => Route::Opener(opener.unchecked_into()),
            Some(name) => BroadcastChannel::new(&name)
                .map(Route::Channel)
                .map_err(|_| ConnectError::invalid_options("no BroadcastChannel"))?,
        };
        Ok((handoff, route))
    });
    match route {
        Ok((handoff, route)) => Ok(Prepared { window, query, handoff, route }),
        Err(e) => {
            leave_message(&window);
            Err(e)
        }
    }
}

/// Posts the envelope, then listens for the ack (from the opener at the target origin, or
/// on the channel), and finishes on the ack or the timeout. Posting first misses nothing:
/// the ack can only arrive in a later task.
fn wait(p: Prepared, ack_timeout_ms: u32, done: OnDone) {
    let Prepared { window, query, handoff, route } = p;
    let msg = object(&["type", "state", "query"], &[TYPE_CALLBACK.into(), handoff.state.as_str().into(), query.into()]);
    let posted = match &route {
        Route::Opener(opener) => opener
            .post_message(&msg, &handoff.target)
            .map_err(|_| ConnectError::must_be("opener_origin", "an origin such as https://app.example")),
        Route::Channel(channel) => {
            channel.post_message(&msg).map_err(|_| ConnectError::invalid_response("the channel is closed"))
        }
    };
    if let Err(e) = posted {
        if let Route::Channel(channel) = route {
            channel.close();
        }
        return done(Err(e));
    }
    let waiting: Rc<RefCell<Option<Waiting>>> = Rc::new(RefCell::new(None));
    let w = Rc::clone(&waiting);
    let delivery = handoff.delivery;
    let (listener, channel) = match route {
        Route::Opener(opener) => {
            let on_message = move |e: &web_sys::Event| {
                let Some(e) = e.dyn_ref::<MessageEvent>() else { return };
                let origin = prop(e, "origin").as_string();
                let from_opener = Object::is(&prop(e, "source"), &opener);
                if handoff.is_ack(
                    origin.as_deref(),
                    from_opener,
                    parse_callback_ack(&JsData(&prop(e, "data"))).as_deref(),
                ) {
                    finish(&w, true);
                }
            };
            (Listener::new(&window, "message", Box::new(on_message)), None)
        }
        Route::Channel(channel) => {
            let on_message = move |e: &web_sys::Event| {
                let Some(e) = e.dyn_ref::<MessageEvent>() else { return };
                if handoff.is_ack(None, false, parse_callback_ack(&JsData(&prop(e, "data"))).as_deref()) {
                    finish(&w, true);
                }
            };
            (Listener::new(&channel, "message", Box::new(on_message)), Some(channel))
        }
    };
    let w = Rc::clone(&waiting);
    // Not cancelled: once the ack has come, `finish` finds nothing left to finish.
    later(ack_timeout_ms, Box::new(move || finish(&w, false)));
    if let Ok(mut slot) = waiting.try_borrow_mut() {
        *slot = Some(Waiting { window, delivery, channel, listener, done });
    };
}

/// Ends the wait once: releases the listener and channel, closes the window (or
/// leaves a message for the person), and reports.
fn finish(waiting: &RefCell<Option<Waiting>>, acknowledged: bool) {
    let Some(w) = waiting.try_borrow_mut().ok().and_then(|mut w| w.take()) else { return };
    let Waiting { window, delivery, channel, listener, done } = w;
    if let Some(channel) = channel {
        channel.close();
    }
    // We may be inside the listener: drop it after this turn of the event loop.
    later(0, Box::new(move || drop(listener)));
    if delivery.closes_page(acknowledged) {
        let _ = window.close();
    } else {
        leave_message(&window);
    }
    done(Ok(CallbackOutcome { delivery, acknowledged }));
}

/// A value that arrives once, for [`complete_callback`]'s future.
pub(crate) struct Slot<T> {
    value: RefCell<Option<T>>,
    waker: Cell<Option<Waker>>,
}

impl<T> Default for Slot<T> {
    fn default() -> Self {
        Slot { value: RefCell::new(None), waker: Cell::new(None) }
    }
}

impl<T> Slot<T> {
    pub(crate) fn fill(&self, value: T) {
        if let Ok(mut v) = self.value.try_borrow_mut() {
            *v = Some(value);
        }
        if let Some(w) = self.waker.take() {
            w.wake();
        }
    }
}

pub(crate) struct SlotFuture<T>(pub(crate) Rc<Slot<T>>);

impl<T> Future for SlotFuture<T> {
    type Output = T;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        match self.0.value.try_borrow_mut().ok().and_then(|mut v| v.take()) {
            Some(v) => Poll::Ready(v),
            None => {
                self.0.waker.set(Some(cx.waker().clone()));
                Poll::Pending
            }
        }
    }
}

/// Reads the query and strips it (and any fragment) from the address bar.
fn take_response(window: &Window) -> Result<(String, String), ConnectError> {
    let query = page_query(window);
    strip_response(window);
    Ok((query, own_origin(window)?))
}

/// A part of the page's address (`location.origin`, `.search`, `.pathname`).
fn location_part(window: &Window, key: &str) -> Option<String> {
    prop(&window.location(), key).as_string()
}

/// This page's origin.
pub(crate) fn own_origin(window: &Window) -> Result<String, ConnectError> {
    location_part(window, "origin").ok_or_else(|| ConnectError::invalid_options("no page origin"))
}

/// The page's query, without `?`.
pub(crate) fn page_query(window: &Window) -> String {
    let search = location_part(window, "search").unwrap_or_default();
    search.strip_prefix('?').unwrap_or(&search).to_owned()
}

/// Replaces the address bar's URL with its path alone, so the response is neither in the
/// history nor sent again by a reload (docs/security.md#callback-page).
pub(crate) fn strip_response(window: &Window) {
    let path = location_part(window, "pathname").unwrap_or_else(|| "/".into());
    let history = prop(window, "history");
    if history.is_object() {
        let _ = history.unchecked_into::<History>().replace_state_with_url(&JsValue::NULL, "", Some(&path));
    }
}

fn leave_message(window: &Window) {
    let body = prop(&prop(window, "document"), "body");
    if body.is_object() {
        let _ = Reflect::set(&body, &JsValue::from_str("textContent"), &JsValue::from_str(ORPHAN_MESSAGE));
    }
}
