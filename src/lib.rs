//! vendo-connect: "connect your account" popup flows for the browser (docs/README.md).
//!
//! The crate is two layers (docs/architecture.md):
//! - a **pure core** that compiles and is tested natively (private modules under `src/`, one
//!   rule each: PKCE, state, URL checks, request builders, message and callback parsing,
//!   token calls, popup placement, the sans-IO flow state machine, what each flow accepts, the
//!   callback page's hand-off, same-tab redirect mode). Its API is what this page re-exports:
//!   the results ([`Connection`], [`Authorization`], [`LinkedTool`]), [`ConnectError`] and
//!   [`ErrorCode`], and the pure helpers the npm package has too ([`Pkce`],
//!   [`generate_state`], [`parse_callback_url`], [`parse_vendo_message`],
//!   [`validate_redirect_uri`], [`sanitize_return_to`], the token calls [`ExchangeCode`],
//!   [`RefreshToken`], [`RevokeToken`]);
//! - a thin **browser layer** (`wasm32` only), `vendo_connect::browser`, that opens
//!   popups, listens, and feeds the state machine events. The npm package's JS skin sits
//!   on top of it in a crate of its own (`npm/` in the repository, with the npm build's
//!   allocator): a Rust app links none of it, and this crate sets no allocator.
//!
//! # Rust frontends
//!
//! Every flow (`browser::connect`, `browser::authorize`, `browser::open_connect_link`)
//! opens its popup **when it is called**, not when first polled, so call it straight from
//! the click handler, and returns a `browser::FlowFuture`:
//! - it is `#[must_use]`: await it, or drop it to cancel the flow (the popup closes and the
//!   flow's listeners, timer and channel are removed, as an `AbortSignal` would);
//! - it is not `Send` (browser objects live on the page's thread). Leptos' `Action::new`
//!   wants `Send` futures: use `Action::new_local`, or `spawn_local`, as below;
//! - options, results and errors are all re-exported from `vendo_connect::browser`, and
//!   `Default` gives the documented defaults (PKCE on, 300 s timeout, 500×650 popup).
//!
//! A Leptos 0.8 click handler; `spawn_local_scoped_with_cancellation` ties the flow to the
//! component, so unmounting it drops the future and closes the popup (this is
//! `examples/leptos`, clicked through in Chromium by `make test`):
//!
//! ```text
//! use leptos::prelude::*;
//! use leptos::task::spawn_local_scoped_with_cancellation;
//! use vendo_connect::browser::{connect, ConnectOptions};
//!
//! #[component]
//! fn ConnectNotion() -> impl IntoView {
//!     let (status, set_status) = signal(String::new());
//!     let on_click = move |_| {
//!         // Opens the popup now, inside the click. Nothing is awaited before this call.
//!         let flow = connect(ConnectOptions {
//!             base_url: "https://vendo.example".into(),
//!             provider: "notion".into(),
//!             ..Default::default()
//!         });
//!         spawn_local_scoped_with_cancellation(async move {
//!             match flow.await {
//!                 Ok(c) => set_status.set(format!("connected {}", c.connection_id)),
//!                 Err(e) => set_status.set(format!("failed: {}", e.code())),
//!             }
//!         });
//!     };
//!     view! { <button on:click=on_click>"Connect Notion"</button> <p>{status}</p> }
//! }
//! ```
//!
//! The same in Yew; keep the future in the component (e.g. a `use_mut_ref`) and drop it in
//! a `use_effect` cleanup to cancel on unmount:
//!
//! ```text
//! use vendo_connect::browser::{connect, ConnectOptions};
//! use yew::prelude::*;
//!
//! #[function_component]
//! fn ConnectNotion() -> Html {
//!     let status = use_state(String::new);
//!     let onclick = {
//!         let status = status.clone();
//!         Callback::from(move |_: MouseEvent| {
//!             let flow = connect(ConnectOptions {
//!                 base_url: "https://vendo.example".into(),
//!                 provider: "notion".into(),
//!                 ..Default::default()
//!             });
//!             let status = status.clone();
//!             wasm_bindgen_futures::spawn_local(async move {
//!                 match flow.await {
//!                     Ok(c) => status.set(format!("connected {}", c.connection_id)),
//!                     Err(e) => status.set(format!("failed: {}", e.code())),
//!                 }
//!             });
//!         })
//!     };
//!     html! { <><button {onclick}>{ "Connect Notion" }</button><p>{ (*status).clone() }</p></> }
//! }
//! ```
//!
//! With the `serde` feature, results, errors and the plain option types implement
//! `Serialize`/`Deserialize` (an `Authorization` then carries its code verifier: send it
//! only to your own server).
#![deny(missing_docs)]
#![deny(missing_debug_implementations)]
// The core's modules are private: the API is what this file re-exports (below) and
// `browser` (docs/architecture.md#api). Natively the browser layer is not compiled, so code
// only it uses reads as dead there: dead code is judged on wasm32 (clippy in `make test`).
#![cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]

mod ascii;
mod callback;
mod error;
mod flow;
mod geometry;
mod handoff;
mod message;
mod pkce;
mod protocol;
mod query;
mod random;
mod redirect;
mod request;
mod results;
mod token;
mod url;
mod validate;

#[cfg(all(test, not(target_arch = "wasm32")))]
mod contract;

#[cfg(target_arch = "wasm32")]
pub mod browser;
#[cfg(all(target_arch = "wasm32", feature = "testing"))]
pub mod testing;

#[doc(hidden)]
#[path = "skin.rs"]
pub mod __skin;

pub use callback::{parse_callback_query, parse_callback_url, AuthorizationResponse, Callback, ConnectLinkResponse};
pub use error::{ConnectError, ErrorCode, ErrorInfo};
pub use flow::FlowEventKind;
pub use geometry::PopupOptions;
pub use handoff::{CallbackOptions, CallbackOutcome, Delivery};
pub use message::{parse_vendo_message, Field, MessageData, VendoAck, VendoDone, VendoFailure, VendoMessage};
pub use pkce::{pkce_challenge, CodeVerifier, Pkce};
pub use random::generate_state;
pub use redirect::{Mode, RedirectResult};
pub use results::{Authorization, Connection, LinkedTool, Outcome};
pub use token::{
    parse_revoke_response, parse_token_response, BodyEncoding, ExchangeCode, RefreshToken, RevokeToken, TokenCall,
    TokenResponse,
};
pub use validate::{sanitize_return_to, validate_redirect_uri, RedirectUriRule};
