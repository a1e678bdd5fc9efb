//! The thin browser layer (`wasm32` only): it opens popups, listens, and feeds the pure
//! [`crate::flow`] state machine, then carries out its decisions (SPEC §5).
//!
//! - [`popup`]: `window.open`, synchronously, centred and clamped.
//! - [`driver`]: one running flow, its RAII listeners and timer, and superseding.
//! - [`flows`]: `connect`, `authorize`, `open_connect_link` for Rust callers.
//! - [`callback_page`]: `complete_callback`, run by the app's callback page in the popup.
//! - [`http`]: the token endpoint calls over `gloo-net`.
//! - [`js_data`]: reads a JS value as [`crate::message::MessageData`] without throwing.

pub mod callback_page;
pub mod driver;
pub mod flows;
pub mod http;
pub mod js_data;
pub mod popup;

pub use callback_page::{complete_callback, CallbackOptions, CallbackOutcome, Delivery};
pub use driver::{EventHook, FlowEvent, FlowFuture};
pub use flows::{
    authorize, connect, open_connect_link, Authorization, AuthorizeOptions, CommonOptions, ConnectLinkOptions,
    ConnectOptions, LinkFactory, LinkSource, PopupOptions,
};
pub use http::{exchange_code, refresh_token, revoke_token, ExchangeCode, RefreshToken, RevokeToken};
