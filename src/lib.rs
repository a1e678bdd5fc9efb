//! vendo-connect: "connect your account" popup flows for the browser (docs/README.md).
//!
//! The crate is two layers (docs/architecture.md):
//! - a **pure core** that compiles and is tested natively: PKCE ([`pkce`]), state
//!   ([`random`]), URL checks ([`url`], [`validate`]), request builders ([`request`],
//!   [`query`]), message and callback parsing ([`message`], [`callback`]), token bodies
//!   ([`token`]), popup placement ([`geometry`]), the sans-IO flow state machine ([`flow`]),
//!   what each flow accepts as its answer ([`protocol`]), same-tab redirect mode
//!   ([`redirect`]) and the named positions the npm entry and the wasm exchange ([`boundary`]);
//! - a thin **browser layer** (`wasm32` only), `vendo_connect::browser`, that opens
//!   popups, listens, and feeds the state machine events. The npm package's JS skin sits
//!   on top of it behind the `js` cargo feature, which only the npm build turns on: a Rust
//!   app links none of it.
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

mod ascii;
pub mod boundary;
pub mod callback;
pub mod error;
pub mod flow;
pub mod geometry;
pub mod handoff;
pub mod message;
pub mod pkce;
pub mod protocol;
pub mod query;
pub mod random;
pub mod redirect;
pub mod request;
pub mod results;
pub mod token;
pub mod url;
pub mod validate;

#[cfg(target_arch = "wasm32")]
pub mod browser;
#[cfg(all(target_arch = "wasm32", feature = "js"))]
mod js;
#[cfg(all(target_arch = "wasm32", feature = "testing"))]
pub mod testing;

/// The npm build's allocator (docs/decisions.md#dependencies); Rust apps keep their own.
#[cfg(all(target_arch = "wasm32", feature = "js", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: lol_alloc::AssumeSingleThreaded<lol_alloc::FreeListAllocator> =
    // SAFETY: the npm build is single-threaded (no `atomics` target feature, checked above).
    unsafe { lol_alloc::AssumeSingleThreaded::new(lol_alloc::FreeListAllocator::new()) };

pub use error::{ConnectError, ErrorCode, ErrorInfo};
