//! Not API: what the npm package's wasm (`npm/`, docs/architecture.md#crates) uses from inside
//! this crate. Hidden from the docs and outside semver: it changes with the npm package, in
//! any release. Rust apps use the crate root and [`crate::browser`].
//!
//! The skin calls the browser layer's callback-style starts (the entry creates each Promise, so
//! the npm wasm links no async executor, docs/architecture.md#size) and reads the lists the
//! entry's generated `boundary.js` carries.

pub use crate::message::{TYPE_ACK, TYPE_DONE, TYPE_ERROR};
pub use crate::pkce::METHOD as PKCE_METHOD;
pub use crate::redirect::{IN_APP_BROWSERS, IOS_STANDALONE};
pub use crate::validate::js_detail;

#[cfg(target_arch = "wasm32")]
pub use crate::browser::{
    callback_page::start_callback,
    driver::Running,
    flows::{
        authorize_redirect, link_minted, link_redirect_minted, start_authorize, start_connect, start_link,
        start_link_redirect,
    },
    http::json_body,
    js_data::{object, JsData},
    popup::place,
    redirect::start_complete_redirect,
};

/// The page's window, or `None` off a page (`browser`'s own reader, not part of its API).
#[cfg(target_arch = "wasm32")]
pub fn window() -> Option<web_sys::Window> {
    crate::browser::window()
}
