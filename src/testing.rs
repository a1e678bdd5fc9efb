//! Scripted outcomes for component tests (`testing` feature; never in the npm build), the Rust
//! side of `vendo-connect/testing/page` (docs/testing.md#rust).
//!
//! A Leptos or Yew component test under `wasm-bindgen-test` scripts how the next flow ends,
//! then clicks the component's button. The flow runs unchanged, with every check. This module
//! runs the package's in-page kit, `pkg-template/testing-page.js` (one source for JS and Rust,
//! imported with `#[wasm_bindgen(module)]`): it wraps the page's `window.open` and `fetch`, so
//!
//! - the popup of [`connect`](crate::browser::connect) with [`base_url()`] as `base_url`, of
//!   [`authorize`](crate::browser::authorize) at the [`OAuthServer`]'s authorization endpoint,
//!   and of [`open_connect_link`](crate::browser::open_connect_link) for a link of
//!   [`mint_link`], opens as a blank window of the test page's own origin, which answers from
//!   inside its own realm as the real page at the end of the flow would (Vendo's callback page,
//!   docs/wire.md#messages; the app's callback page, docs/wire.md#callback-envelope): the
//!   message carries the popup as `event.source` and the expected origin;
//! - [`exchange_code`](crate::browser::exchange_code) and
//!   [`refresh_token`](crate::browser::refresh_token) at the [`OAuthServer`]'s token endpoint
//!   get a strict fake's answer (PKCE S256 against the challenge of the authorization request,
//!   single-use codes, the exact `redirect_uri`); every other request goes to the real `fetch`.
//!
//! ```no_run
//! use vendo_connect::testing::{self, Outcome};
//! // In a #[wasm_bindgen_test]: the component calls connect() with testing::base_url().
//! testing::next_connect(Outcome::Done { connection_id: "conn-1".into(), display_name: Some("Acme".into()) })
//!     .expect("the kit is installed");
//! // … click the component's button and await what it shows.
//! ```
//!
//! The runner's popup blocker must be off (ChromeDriver's default), since a test's click is
//! synthetic. Errors are the kit's messages (an outcome it refuses, a page without a window).

use std::cell::RefCell;

use js_sys::{Array, Function, Object, Reflect};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};

#[wasm_bindgen(module = "/pkg-template/testing-page.js")]
extern "C" {
    #[wasm_bindgen(catch, js_name = installPageFakes)]
    fn install_page_fakes(options: &JsValue) -> Result<JsValue, JsValue>;
}

/// How the next `connect()` ends.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// `vendo:oauth:done` with these fields (the provider and state are the flow's).
    Done {
        /// The new connection's id.
        connection_id: String,
        /// The account's display name (`None`: the kit's, `Acme {provider}`).
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
    /// The person closes the popup this many ms after it opened (give a person's time, e.g.
    /// 1000: a popup closed within 250 ms of showing its page reads as severed by COOP,
    /// docs/decisions.md#coop).
    CloseAfterMs(u32),
    /// The popup never answers: the flow ends by its timeout (or its signal).
    NoAnswer,
}

/// How the next `authorize()` ends: the popup ends as the app's callback page at the redirect
/// URI would, with the authorization server's answer in its query.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AuthorizeOutcome {
    /// `code`, `state` and `iss`: a code the token endpoint exchanges once, with the verifier.
    Done,
    /// `error` and `error_description` (RFC 6749 §4.1.2.1), with `state` and `iss`.
    Error {
        /// The OAuth error code, e.g. `server_error`.
        code: String,
        /// Its description, if any.
        detail: Option<String>,
    },
    /// The person refuses: `error=access_denied`.
    Denied,
    /// The person closes the popup this many ms after it opened (see [`Outcome::CloseAfterMs`]).
    CloseAfterMs(u32),
    /// The popup never answers: the flow ends by its timeout (or its signal).
    NoAnswer,
}

/// How the next hosted connect link ends: the link page's redirect to the redirect URI, as
/// the app's callback page there hands it to the opener (docs/wire.md#callback-query).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LinkOutcome {
    /// `status=ok&tool=…&connection_id=…` (`None`: the minted link's tool, a fresh id).
    Done {
        /// The connector's slug.
        tool: Option<String>,
        /// The new connection's id.
        connection_id: Option<String>,
    },
    /// `status=error&error=code` (docs/errors.md#vocobase-codes).
    Error {
        /// One of the hosted links' codes, e.g. `connection_failed`.
        code: String,
    },
    /// The person refuses at the provider: `error=oauth_denied`.
    Denied,
    /// The person closes the popup this many ms after it opened (see [`Outcome::CloseAfterMs`]).
    CloseAfterMs(u32),
    /// The popup never answers: the flow ends by its timeout (or its signal).
    NoAnswer,
}

/// How the next token request (`exchange_code`, `refresh_token`) is answered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TokenOutcome {
    /// An error body `{ error, error_description }` with this HTTP status (e.g. 400).
    Error {
        /// The OAuth error code, e.g. `invalid_grant`.
        code: String,
        /// Its description, if any.
        detail: Option<String>,
        /// The HTTP status.
        status: u16,
    },
    /// The normal answer, with these fields added (the app reads them in `extra`).
    Fields(Vec<(String, String)>),
}

/// What modifies an answer (all off by default).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Modifiers {
    /// The answer comes this many ms late (with `Done`, `Error` or `Denied`).
    pub after_ms: u32,
    /// First a message from a frame of another (opaque) origin and one with a wrong state,
    /// which the flow must ignore.
    pub noise: bool,
}

/// The authorization server the kit fakes for `authorize()` and the token helpers.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OAuthServer {
    /// The issuer identifier; also the `iss` of every authorization response.
    pub issuer: String,
    /// The one registered public client.
    pub client_id: String,
    /// The registered redirect URIs, compared exactly; on the test page's origin.
    pub redirect_uris: Vec<String>,
    /// Default `{issuer}/authorize`. Its popup is answered, never loaded.
    pub authorization_endpoint: Option<String>,
    /// Default `{issuer}/token`.
    pub token_endpoint: Option<String>,
}

/// The `base_url` to give `connect()` in a test, and the default origin of minted links:
/// the test page's own origin.
pub fn base_url() -> String {
    web_sys::window().and_then(|w| w.location().origin().ok()).unwrap_or_default()
}

thread_local! {
    /// The installed kit (`installPageFakes`'s result) and the OAuth server it fakes.
    static KIT: RefCell<Option<(JsValue, Option<OAuthServer>)>> = const { RefCell::new(None) };
}

fn object(pairs: &[(&str, JsValue)]) -> JsValue {
    let o = Object::new();
    for (k, v) in pairs {
        let _ = Reflect::set(&o, &JsValue::from_str(k), v);
    }
    o.into()
}

fn message(e: JsValue) -> String {
    Reflect::get(&e, &"message".into()).ok().and_then(|m| m.as_string()).unwrap_or_else(|| format!("{e:?}"))
}

fn str_or_undefined(v: &Option<String>) -> JsValue {
    v.as_deref().map_or(JsValue::UNDEFINED, JsValue::from_str)
}

/// Installs the kit for this page (again, when `oauth` changes): Vendo at [`base_url()`],
/// links of this origin, and `oauth` if given.
fn install(oauth: Option<OAuthServer>) -> Result<JsValue, String> {
    let origin = base_url();
    if origin.is_empty() {
        return Err("vendo_connect::testing runs in a browser page".into());
    }
    let mut options = vec![("vendo", JsValue::from_str(&origin)), ("links", JsValue::from_str(&origin))];
    if let Some(s) = &oauth {
        let uris: Array = s.redirect_uris.iter().map(|u| JsValue::from_str(u)).collect();
        options.push((
            "oauth",
            object(&[
                ("issuer", s.issuer.as_str().into()),
                ("clientId", s.client_id.as_str().into()),
                ("redirectUris", uris.into()),
                ("authorizationEndpoint", str_or_undefined(&s.authorization_endpoint)),
                ("tokenEndpoint", str_or_undefined(&s.token_endpoint)),
            ]),
        ));
    }
    install_page_fakes(&object(&options)).map_err(message)
}

/// Calls `fakes[service][method](...args)` on the installed kit (installing it first).
fn call(service: &str, method: &str, args: &[JsValue]) -> Result<JsValue, String> {
    KIT.with(|kit| {
        let mut kit = kit.try_borrow_mut().map_err(|_| "the kit is busy".to_owned())?;
        if kit.is_none() {
            *kit = Some((install(None)?, None));
        }
        let fakes = kit.as_ref().map(|(f, _)| f.clone()).unwrap_or_default();
        let target = Reflect::get(&fakes, &service.into()).unwrap_or_default();
        if !target.is_object() {
            return Err(format!("no {service} fake: call testing::serve_oauth first"));
        }
        let f: Function = Reflect::get(&target, &method.into())
            .ok()
            .and_then(|f| f.dyn_into().ok())
            .ok_or_else(|| format!("{service}.{method} is not a function"))?;
        f.apply(&target, &args.iter().collect::<Array>()).map_err(message)
    })
}

/// Fakes `server` for the flows of this page from now on (`authorize()` and the token
/// helpers), keeping the Vendo and link fakes. Call it before scripting `next_authorize`;
/// installing it drops what was queued.
pub fn serve_oauth(server: &OAuthServer) -> Result<(), String> {
    KIT.with(|kit| {
        let mut kit = kit.try_borrow_mut().map_err(|_| "the kit is busy".to_owned())?;
        if let Some((fakes, same)) = kit.as_ref() {
            if same.as_ref() == Some(server) {
                return Ok(());
            }
            let uninstall = Reflect::get(fakes, &"uninstall".into()).ok().and_then(|f| f.dyn_into::<Function>().ok());
            if let Some(f) = uninstall {
                f.call0(fakes).map_err(message)?;
            }
        }
        *kit = None;
        *kit = Some((install(Some(server.clone()))?, Some(server.clone())));
        Ok(())
    })
}

/// The outcome object of `vendo-connect/testing` (docs/testing.md#outcomes).
fn outcome(ending: (&str, JsValue), detail: Option<&str>, m: Modifiers) -> JsValue {
    let mut pairs = vec![ending];
    if let Some(d) = detail {
        pairs.push(("detail", d.into()));
    }
    if m.after_ms > 0 {
        pairs.push(("afterMs", m.after_ms.into()));
    }
    if m.noise {
        pairs.push(("noise", true.into()));
    }
    object(&pairs)
}

/// Queues `o` for the next `connect()` popup of this page.
pub fn next_connect(o: Outcome) -> Result<(), String> {
    next_connect_with(o, Modifiers::default())
}

/// [`next_connect`] with [`Modifiers`].
pub fn next_connect_with(o: Outcome, m: Modifiers) -> Result<(), String> {
    let v = match &o {
        Outcome::Done { connection_id, display_name } => {
            let mut done = vec![("connectionId", JsValue::from_str(connection_id))];
            if let Some(name) = display_name {
                done.push(("displayName", name.into()));
            }
            outcome(("done", object(&done)), None, m)
        }
        Outcome::Error { code, detail } => outcome(("error", code.into()), detail.as_deref(), m),
        Outcome::Denied => outcome(("denied", true.into()), None, m),
        Outcome::CloseAfterMs(ms) => outcome(("closeAfterMs", (*ms).into()), None, m),
        Outcome::NoAnswer => outcome(("noAnswer", true.into()), None, m),
    };
    call("vendo", "next", &[v]).map(drop)
}

/// Queues `o` for the next `authorize()` popup at the [`serve_oauth`] server.
pub fn next_authorize(o: AuthorizeOutcome) -> Result<(), String> {
    next_authorize_with(o, Modifiers::default())
}

/// [`next_authorize`] with [`Modifiers`].
pub fn next_authorize_with(o: AuthorizeOutcome, m: Modifiers) -> Result<(), String> {
    let v = match &o {
        AuthorizeOutcome::Done => outcome(("done", true.into()), None, m),
        AuthorizeOutcome::Error { code, detail } => outcome(("error", code.into()), detail.as_deref(), m),
        AuthorizeOutcome::Denied => outcome(("denied", true.into()), None, m),
        AuthorizeOutcome::CloseAfterMs(ms) => outcome(("closeAfterMs", (*ms).into()), None, m),
        AuthorizeOutcome::NoAnswer => outcome(("noAnswer", true.into()), None, m),
    };
    call("oauth", "next", &[v]).map(drop)
}

/// Queues the next answer of the [`serve_oauth`] server's token endpoint.
pub fn next_token(o: TokenOutcome) -> Result<(), String> {
    let v = match &o {
        TokenOutcome::Error { code, detail, status } => {
            object(&[("error", code.into()), ("detail", str_or_undefined(detail)), ("status", (*status).into())])
        }
        TokenOutcome::Fields(fields) => {
            let done: Vec<(&str, JsValue)> = fields.iter().map(|(k, v)| (k.as_str(), v.into())).collect();
            object(&[("done", object(&done))])
        }
    };
    call("oauth", "nextToken", &[v]).map(drop)
}

/// Queues `o` for the next hosted connect link of [`mint_link`] this page opens.
pub fn next_connect_link(o: LinkOutcome) -> Result<(), String> {
    next_connect_link_with(o, Modifiers::default())
}

/// [`next_connect_link`] with [`Modifiers`].
pub fn next_connect_link_with(o: LinkOutcome, m: Modifiers) -> Result<(), String> {
    let v = match &o {
        LinkOutcome::Done { tool, connection_id } => {
            let mut done = Vec::new();
            if let Some(t) = tool {
                done.push(("tool", JsValue::from_str(t)));
            }
            if let Some(c) = connection_id {
                done.push(("connectionId", JsValue::from_str(c)));
            }
            outcome(("done", object(&done)), None, m)
        }
        LinkOutcome::Error { code } => outcome(("error", code.into()), None, m),
        LinkOutcome::Denied => outcome(("denied", true.into()), None, m),
        LinkOutcome::CloseAfterMs(ms) => outcome(("closeAfterMs", (*ms).into()), None, m),
        LinkOutcome::NoAnswer => outcome(("noAnswer", true.into()), None, m),
    };
    call("links", "next", &[v]).map(drop)
}

/// A one-time hosted link for `redirect_uri` (on this page's origin), as the app's backend
/// would mint it: give it to `open_connect_link`, as a string or from the link function.
pub fn mint_link(redirect_uri: &str, tool: &str) -> Result<String, String> {
    let options = object(&[("redirectUri", redirect_uri.into()), ("tool", tool.into())]);
    call("links", "mint", &[options])?.as_string().ok_or_else(|| "mint gave no link".into())
}
