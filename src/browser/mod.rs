//! The thin browser layer (`wasm32` only): it opens popups, listens, and feeds the pure
//! `src/flow.rs` state machine, then carries out its decisions (docs/flows.md#engine).
//!
//! - `popup`: `window.open`, synchronously, centred and clamped.
//! - `driver`: one running flow (compiled once for every protocol), its RAII listeners
//!   and timer, superseding, and [`FlowFuture`], which cancels the flow when dropped.
//! - `flows`: `connect`, `authorize`, `open_connect_link` for Rust callers.
//! - `callback_page`: `complete_callback`, run by the app's callback page in the popup.
//! - `redirect`: same-tab mode: `popup_support`, the pending record, `complete_redirect`.
//! - `http`: the token endpoint calls over `fetch`.
//! - `js_data`: reads a JS value as [`crate::message::MessageData`] without throwing.
//! - `guards`: an event listener removed when dropped, a one-shot timer that frees itself.
//!
//! Everything a flow takes or gives is re-exported here, so one `use` line is enough.

pub(crate) mod callback_page;
pub(crate) mod driver;
pub(crate) mod flows;
mod guards;
pub(crate) mod http;
pub(crate) mod js_data;
pub(crate) mod popup;
pub(crate) mod redirect;

use wasm_bindgen::prelude::wasm_bindgen;
use web_sys::Window;

#[wasm_bindgen]
extern "C" {
    /// The page's `window`, or `None` where `typeof window` is `undefined`.
    #[wasm_bindgen(thread_local_v2, js_name = window)]
    static WINDOW: Option<Window>;
}

/// The page's window; `None` off a page (a worker, Node). One `typeof window` read, where
/// `web_sys::window()` searches four globals and checks `instanceof Window`.
pub(crate) fn window() -> Option<Window> {
    WINDOW.with(Option::clone)
}

pub use callback_page::{complete_callback, CallbackOptions, CallbackOutcome, Delivery};
pub use driver::{EventHook, FlowEvent, FlowEventKind, FlowFuture};
pub use flows::{
    authorize, authorize_redirect, connect, open_connect_link, open_connect_link_redirect, AuthorizeOptions,
    CommonOptions, ConnectLinkOptions, ConnectOptions, LinkFactory, LinkSource, LocalFuture,
};
pub use http::{exchange_code, refresh_token, revoke_token, ExchangeCode, RefreshToken, RevokeToken};
pub use redirect::{complete_redirect, popup_support, PopupSupport};

pub use crate::error::{ConnectError, ErrorCode};
pub use crate::geometry::PopupOptions;
pub use crate::pkce::CodeVerifier;
pub use crate::redirect::{Mode, RedirectResult};
pub use crate::results::{Authorization, Connection, LinkedTool, Outcome};
pub use crate::token::{BodyEncoding, TokenResponse};
