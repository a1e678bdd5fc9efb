//! Scripted outcomes for component tests (`testing` feature; never in the npm build), the Rust
//! side of `vendo-connect/testing` (docs/testing.md#rust).
//!
//! A Leptos or Yew component test under `wasm-bindgen-test` scripts how the next
//! [`connect`](crate::browser::connect) flow ends, then clicks the component's button. The
//! flow runs unchanged, with every check: pass [`base_url()`] (the test page's own origin)
//! as `base_url`. The flow's `window.open` of `{base_url}/api/oauth/{provider}/authorize` then
//! opens a blank window of the test page's origin instead (a test server has no Vendo pages),
//! which answers from inside its own realm: its message carries the popup as `event.source`
//! and the expected origin, as a Vendo callback page's does (docs/wire.md#messages).
//!
//! ```no_run
//! use vendo_connect::testing::{self, Outcome};
//! // In a #[wasm_bindgen_test]: the component calls connect() with testing::base_url().
//! testing::next_connect(Outcome::Done { connection_id: "conn-1".into(), display_name: Some("Acme".into()) });
//! // … click the component's button and await what it shows.
//! ```
//!
//! The runner's popup blocker must be off (ChromeDriver's default), since a test's click is
//! synthetic.

use js_sys::{Function, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

/// How the next flow ends.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// `vendo:oauth:done` with these fields (the provider and state are the flow's).
    Done {
        /// The new connection's id.
        connection_id: String,
        /// The account's display name, if any.
        display_name: Option<String>,
    },
    /// `vendo:oauth:error` with this code and detail.
    Error {
        /// The error code (docs/errors.md#vendo-codes).
        code: String,
        /// Its detail, if any.
        detail: Option<String>,
    },
    /// The person refuses at the provider: `vendo:oauth:error` with `access_denied`.
    Denied,
    /// The person closes the popup this many ms after it opened.
    CloseAfterMs(u32),
    /// The popup never answers: the flow ends by its timeout (or its signal).
    NoAnswer,
}

/// The `base_url` to give `connect()` in a test: the test page's own origin.
pub fn base_url() -> String {
    web_sys::window().and_then(|w| w.location().origin().ok()).unwrap_or_default()
}

/// Queues `outcome` for the next `connect()` popup of this page.
pub fn next_connect(outcome: Outcome) {
    let o = Object::new();
    let set = |k: &str, v: JsValue| {
        let _ = Reflect::set(&o, &k.into(), &v);
    };
    let opt = |v: &Option<String>| v.as_deref().map_or(JsValue::NULL, JsValue::from_str);
    match &outcome {
        Outcome::Done { connection_id, display_name } => {
            set("type", "vendo:oauth:done".into());
            set("connection_id", connection_id.into());
            set("display_name", opt(display_name));
        }
        Outcome::Error { code, detail } => {
            set("type", "vendo:oauth:error".into());
            set("code", code.into());
            set("detail", opt(detail));
        }
        Outcome::Denied => {
            set("type", "vendo:oauth:error".into());
            set("code", "access_denied".into());
            set("detail", "the provider reported an error".into());
        }
        Outcome::CloseAfterMs(ms) => set("closeAfterMs", (*ms).into()),
        Outcome::NoAnswer => set("noAnswer", true.into()),
    }
    let queue: Function =
        Function::new_no_args(INSTALL).call0(&JsValue::NULL).map(JsCast::unchecked_into).unwrap_or_else(|_| {
            Function::new_no_args("") // not a browser page: nothing to script
        });
    let _ = queue.call1(&JsValue::NULL, &o);
}

/// Wraps this page's `window.open` once: a popup opened at `{origin}/api/oauth/{provider}/authorize`
/// takes the next queued outcome and, once its page has loaded, answers from inside it.
/// Returns the function that queues an outcome.
const INSTALL: &str = r#"
if (!window.__vendoConnectTesting) {
  const queue = [];
  const open = window.open;
  window.open = function (...args) {
    let url;
    try { url = new URL(String(args[0]), location.href); } catch { url = null; }
    const m = url && url.origin === location.origin && url.pathname.match(/\/api\/oauth\/([^/]+)\/authorize$/);
    if (!m || !queue.length) return open.apply(this, args);
    // The Vendo pages: a blank window of this origin, answered from inside.
    const popup = open.call(this, 'about:blank', ...args.slice(1));
    if (!popup) return popup;
    const outcome = queue.shift();
    if (outcome.closeAfterMs !== undefined) { setTimeout(() => popup.close(), outcome.closeAfterMs); return popup; }
    if (outcome.noAnswer) return popup;
    const payload = { ...outcome, provider: decodeURIComponent(m[1]), state: url.searchParams.get('state') };
    if (payload.type === 'vendo:oauth:done') Object.assign(payload, { external_id: null, return_url: url.searchParams.get('returnTo') });
    // Posted by the popup's own realm, after the flow listens: `event.source` is the popup.
    setTimeout(() => {
      if (!popup.closed) new popup.Function('payload', 'origin', 'opener.postMessage(payload, origin);')(payload, location.origin);
    }, 50);
    return popup;
  };
  window.__vendoConnectTesting = (outcome) => { queue.push(outcome); };
}
return window.__vendoConnectTesting;
"#;
