//! vendo-connect: "connect your account" popup flows for the browser.
//!
//! The crate is two layers (SPEC §5):
//! - a **pure core** that compiles and is tested natively: PKCE ([`pkce`]), state
//!   ([`random`]), URL checks ([`url`], [`validate`]), request builders ([`request`]),
//!   message and callback parsing ([`message`], [`callback`]), token bodies ([`token`]),
//!   and the sans-IO flow state machine ([`flow`]);
//! - a thin **browser layer** (`wasm32` only) that opens popups, listens, and feeds the
//!   state machine events, exposed to Rust as `async` flows and to JS through `js`.
#![deny(missing_docs)]

pub mod callback;
pub mod error;
pub mod flow;
pub mod geometry;
pub mod message;
pub mod pkce;
pub mod protocol;
pub mod random;
pub mod request;
pub mod token;
pub mod url;
pub mod validate;

#[cfg(target_arch = "wasm32")]
pub mod browser;
#[cfg(target_arch = "wasm32")]
mod js;

pub use error::{ConnectError, ErrorCode};
