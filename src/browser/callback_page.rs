//! `completeCallback()` (SPEC §1.4): runs on the app's callback page inside the popup.
//!
//! 1. Strips the response from the address bar (`history.replaceState`) before anything else.
//! 2. Posts one `{ type: "vendo-connect:callback", state, query }` message to
//!    `window.opener` at this page's own origin (or `openerOrigin`), never `"*"`; with no
//!    opener (Cross-Origin-Opener-Policy severed it) on the `BroadcastChannel` named from
//!    the flow's state instead.
//! 3. Waits up to `ackTimeoutMs` for the opener's ack, then closes the window; with
//!    neither an ack nor an opener it leaves a short message for the person.
//!
//! The page never sees a code verifier: only the opener holds it.

use std::cell::RefCell;
use std::rc::Rc;

use futures_channel::oneshot;
use gloo_events::EventListener;
use gloo_timers::callback::Timeout;
use js_sys::{Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{BroadcastChannel, MessageEvent, Window};

use super::flows::channel_name;
use super::js_data::JsData;
use crate::error::ConnectError;
use crate::message::{parse_callback_ack, TYPE_CALLBACK};
use crate::protocol::envelope_state;
use crate::url::HttpUrl;

/// Options of [`complete_callback`].
#[derive(Clone, Debug)]
pub struct CallbackOptions {
    /// The opener's origin when it differs from this page's (default: this page's origin).
    pub opener_origin: Option<String>,
    /// How long to wait for the opener's ack (default 2000 ms).
    pub ack_timeout_ms: u32,
}

impl Default for CallbackOptions {
    fn default() -> Self {
        CallbackOptions { opener_origin: None, ack_timeout_ms: 2000 }
    }
}

/// How the result left the page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Delivery {
    /// Posted to `window.opener`.
    Opener,
    /// Posted on the flow's `BroadcastChannel` (no opener).
    Channel,
}

/// What [`complete_callback`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CallbackOutcome {
    /// Where the message went.
    pub delivery: Delivery,
    /// Whether the opener acknowledged it in time.
    pub acknowledged: bool,
}

/// The text left for the person when nobody could be told.
pub const ORPHAN_MESSAGE: &str =
    "This sign-in window could not reach the page that opened it. You can close it and try again.";

/// Hands this page's callback to the opener. See the module docs for the steps.
pub async fn complete_callback(options: CallbackOptions) -> Result<CallbackOutcome, ConnectError> {
    let window = web_sys::window().ok_or_else(|| ConnectError::invalid_options("no window"))?;
    let (query, own_origin) = take_response(&window)?;
    let target = match options.opener_origin {
        Some(o) => checked_origin(&o)?,
        None => own_origin,
    };
    let state = match envelope_state(&query) {
        Some(s) => s,
        None => {
            leave_message(&window);
            return Err(ConnectError::invalid_response("the callback URL carries no single state"));
        }
    };
    let opener =
        window.opener().ok().filter(|o| !o.is_null() && !o.is_undefined()).map(JsCast::unchecked_into::<Window>);
    let channel =
        if opener.is_none() && !state.is_empty() { BroadcastChannel::new(&channel_name(&state)).ok() } else { None };
    let delivery = match (&opener, &channel) {
        (Some(_), _) => Delivery::Opener,
        (None, Some(_)) => Delivery::Channel,
        (None, None) => {
            leave_message(&window);
            return Err(ConnectError::invalid_options("no opener and no state to find it by"));
        }
    };

    let (tx, rx) = oneshot::channel::<bool>();
    let tx = Rc::new(RefCell::new(Some(tx)));
    let done = move |tx: &Rc<RefCell<Option<oneshot::Sender<bool>>>>, acked: bool| {
        if let Some(tx) = tx.borrow_mut().take() {
            let _ = tx.send(acked);
        }
    };
    let mut guards = Vec::new();
    {
        let (tx, state, target, opener) = (Rc::clone(&tx), state.clone(), target.clone(), opener.clone());
        guards.push(EventListener::new(&window, "message", move |e| {
            let Some(e) = e.dyn_ref::<MessageEvent>() else { return };
            let from_opener = opener.as_ref().zip(e.source()).is_some_and(|(o, s)| Object::is(&s, o.as_ref()));
            if e.origin() == target && from_opener && parse_callback_ack(&JsData(&e.data())).as_deref() == Some(&state)
            {
                done(&tx, true);
            }
        }));
    }
    if let Some(channel) = &channel {
        let (tx, state) = (Rc::clone(&tx), state.clone());
        guards.push(EventListener::new(channel, "message", move |e| {
            let Some(e) = e.dyn_ref::<MessageEvent>() else { return };
            if parse_callback_ack(&JsData(&e.data())).as_deref() == Some(&state) {
                done(&tx, true);
            }
        }));
    }
    let timer = {
        let tx = Rc::clone(&tx);
        Timeout::new(options.ack_timeout_ms, move || done(&tx, false))
    };

    let msg = envelope(&state, &query);
    match (&opener, &channel) {
        (Some(opener), _) => opener
            .post_message(&msg, &target)
            .map_err(|_| ConnectError::invalid_options("openerOrigin is not valid"))?,
        (None, Some(channel)) => {
            channel.post_message(&msg).map_err(|_| ConnectError::invalid_response("channel closed"))?
        }
        (None, None) => {}
    }

    let acknowledged = rx.await.unwrap_or(false);
    drop(timer);
    drop(guards);
    if let Some(channel) = channel {
        channel.close();
    }
    if acknowledged || opener.is_some() {
        let _ = window.close();
    } else {
        leave_message(&window);
    }
    Ok(CallbackOutcome { delivery, acknowledged })
}

/// Reads the query and strips it (and any fragment) from the address bar.
fn take_response(window: &Window) -> Result<(String, String), ConnectError> {
    let location = window.location();
    let search = location.search().unwrap_or_default();
    let path = location.pathname().unwrap_or_else(|_| "/".into());
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&path));
    }
    let origin = location.origin().map_err(|_| ConnectError::invalid_options("cannot read this page's origin"))?;
    Ok((search.strip_prefix('?').unwrap_or(&search).to_owned(), origin))
}

fn checked_origin(origin: &str) -> Result<String, ConnectError> {
    match HttpUrl::parse(origin) {
        Ok(u) if u.origin() == origin => Ok(origin.to_owned()),
        _ => Err(ConnectError::invalid_options("openerOrigin must be an origin such as https://app.example")),
    }
}

fn envelope(state: &str, query: &str) -> Object {
    let msg = Object::new();
    for (k, v) in [("type", TYPE_CALLBACK), ("state", state), ("query", query)] {
        let _ = Reflect::set(&msg, &JsValue::from_str(k), &JsValue::from_str(v));
    }
    msg
}

fn leave_message(window: &Window) {
    if let Some(body) = window.document().and_then(|d| d.body()) {
        body.set_text_content(Some(ORPHAN_MESSAGE));
    }
}
