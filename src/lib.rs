//! vendo-connect: "connect your account" popup flows for the browser.
//!
//! The crate is two layers (SPEC §5):
//! - a **pure core** that compiles and is tested natively: PKCE ([`pkce`]), state
//!   ([`random`]), URL checks ([`url`], [`validate`]), request builders ([`request`]),
//!   message and callback parsing ([`message`], [`callback`]), token bodies ([`token`]),
//!   popup placement ([`geometry`]), the sans-IO flow state machine ([`flow`]) and what
//!   each flow accepts as its answer ([`protocol`]);
//! - a thin **browser layer** (`wasm32` only) that opens popups, listens, and feeds the
//!   state machine events, exposed to Rust as futures (`browser::connect`, …) and to JS
//!   through a thin `#[wasm_bindgen]` skin.
//!
//! ```text
//! // In a Yew / Leptos / Dioxus click handler: the popup opens on this call, not on poll.
//! let flow = vendo_connect::browser::connect(ConnectOptions {
//!     base_url: "https://vendo.example".into(),
//!     provider: "notion".into(),
//!     ..Default::default()
//! });
//! wasm_bindgen_futures::spawn_local(async move {
//!     match flow.await {
//!         Ok(connection) => log(&connection.connection_id),
//!         Err(e) => log(e.code.as_str()),
//!     }
//! });
//! ```
#![deny(missing_docs)]

pub mod callback;
pub mod error;
pub mod flow;
pub mod geometry;
pub mod message;
pub mod pkce;
pub mod protocol;
pub mod query;
pub mod random;
pub mod request;
pub mod token;
pub mod url;
pub mod validate;

#[cfg(target_arch = "wasm32")]
pub mod browser;
#[cfg(all(target_arch = "wasm32", feature = "js"))]
mod js;

/// The npm build's allocator (docs/decisions.md#dependencies); Rust apps keep their own.
#[cfg(all(target_arch = "wasm32", feature = "js", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

pub use error::{ConnectError, ErrorCode};
