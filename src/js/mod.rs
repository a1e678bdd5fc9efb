//! The JS API (docs/flows.md, docs/options.md), a thin skin over the Rust API, compiled
//! only with the `js` cargo feature (the npm build). Results become plain objects, errors
//! `ConnectError` instances.
//!
//! The package's entry (`pkg-template/index.js`) reads the JS option objects and checks
//! their *types* (JS conventions: camelCase, `null`/`undefined` for absent); it passes the
//! values here in order, in one array per call. Every *value* rule and every default lives
//! in the Rust API these functions call, so Rust and JS callers get the same rules and
//! details. The wasm side is synchronous: the entry creates each Promise and passes its
//! `resolve`/`reject`, awaits the app's link function, and sends token requests with
//! `fetch`, so the npm wasm links no async executor and no option readers
//! (docs/architecture.md#size).
//!
//! These exports are private to the entry, so their shape is chosen for size: arrays and
//! plain JS values in, one JS value out. A helper that fails *returns* its `ConnectError`
//! and the entry throws it, so no export passes a Rust string or a `Result` through
//! wasm-bindgen's per-export glue.

/// A plain JS object: `object! { "name" => value, … }`. The names become one static list and
/// the values an array, which [`crate::browser::js_data::object`] pairs up: smaller at each use than a list
/// of (name, value) pairs.
macro_rules! object {
    ($($name:literal => $value:expr),* $(,)?) => {
        $crate::browser::js_data::object(&[$($name),*], &[$($value),*])
    };
}

mod convert;

use std::rc::Rc;

use js_sys::{Array, Function};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{AbortSignal, Window};

use self::convert::{error, opt, s};
use crate::browser::callback_page::start_callback;
use crate::browser::driver::Running;
use crate::browser::flows::{
    authorize_redirect, link_minted, link_redirect_minted, start_authorize, start_connect, start_link,
    start_link_redirect,
};
use crate::browser::http::json_body;
use crate::browser::redirect::start_complete_redirect;
use crate::browser::{self, AuthorizeOptions, CommonOptions, ConnectLinkOptions, ConnectOptions};
use crate::error::{ConnectError, ErrorCode};
use crate::pkce::{pkce_challenge, Pkce, METHOD};
use crate::redirect::Mode;
use crate::results::Outcome;
use crate::token::{parse_revoke_response, parse_token_response, BodyEncoding};
use crate::validate::{sanitize_return_to, validate_redirect_uri};

/// The entry's array of a call's values, read in order. For a flow it is `[mode,
/// unsupported, common, …the flow's own values]`: `unsupported` is why popups cannot work
/// here (the entry's `popupSupport()`), `common` the array [`common_options`] reads.
struct Values {
    array: Array,
    next: u32,
}

impl Values {
    fn new(array: Array) -> Self {
        Values { array, next: 0 }
    }

    /// The next value.
    fn any(&mut self) -> JsValue {
        self.next += 1;
        self.array.get(self.next - 1)
    }

    /// The next value if it is a string.
    fn text(&mut self) -> Option<String> {
        self.any().as_string()
    }

    /// The next value, a string the Rust API requires: absent reads as `""`, which its
    /// checks refuse with the option's name.
    fn required(&mut self) -> String {
        self.next += 1;
        string_at(&self.array, self.next - 1)
    }

    /// The next value, an array of strings.
    fn strings(&mut self) -> Vec<String> {
        strings(&self.any().unchecked_into())
    }

    /// A flow's head: its mode, why popups cannot work here, and its common options.
    fn head(&mut self) -> (Result<Mode, ConnectError>, Option<String>, CommonOptions) {
        let mode = Mode::parse(self.text().as_deref());
        let unsupported = self.text();
        (mode, unsupported, common_options(&self.any().unchecked_into()))
    }
}

/// The common options (docs/options.md#common) from the entry's array `[timeoutMs,
/// closedGraceMs, detectClose, closePopup, width, height, name, window, signal, onEvent,
/// place]`, types already checked there; absent values (`undefined`) take the Rust
/// defaults. A popup size that is not a whole number reads as 0, which
/// `PopupOptions::validate` refuses. `place` marks a `window` the entry opened blank in the
/// click before the wasm loaded: it is sized and placed as a popup of ours would be.
fn common_options(a: &Array) -> CommonOptions {
    let mut o = CommonOptions::default();
    let some = |i| Some(a.get(i)).filter(|v| !v.is_undefined());
    let size = |n: f64| if n.fract() == 0.0 && (0.0..=4e9).contains(&n) { n as u32 } else { 0 };
    if let Some(n) = a.get(0).as_f64() {
        o.timeout_ms = n;
    }
    if let Some(n) = a.get(1).as_f64() {
        o.closed_grace_ms = n;
    }
    if let Some(b) = a.get(2).as_bool() {
        o.detect_close = b;
    }
    if let Some(b) = a.get(3).as_bool() {
        o.close_popup = b;
    }
    if let Some(n) = a.get(4).as_f64() {
        o.popup.width = size(n);
    }
    if let Some(n) = a.get(5).as_f64() {
        o.popup.height = size(n);
    }
    if let Some(name) = a.get(6).as_string() {
        o.popup.name = name;
    }
    o.window = some(7).map(JsCast::unchecked_into::<Window>);
    o.signal = some(8).map(JsCast::unchecked_into::<AbortSignal>);
    o.on_event = some(9).map(|f| -> browser::EventHook {
        let f: Function = f.unchecked_into();
        Rc::new(move |e| {
            // A throwing hook must not break the flow.
            let _ = f.call1(&JsValue::NULL, &convert::flow_event(e));
        })
    });
    if a.get(10).as_bool() == Some(true) {
        if let (Some(page), Some(w)) = (browser::window(), o.window.as_ref()) {
            if o.popup.validate().is_ok() {
                browser::popup::place(&page, w, &o.popup);
            }
        }
    }
    o
}

/// The strings of an array the entry checked to hold only strings.
fn strings(a: &Array) -> Vec<String> {
    (0..a.length()).map(|i| string_at(a, i)).collect()
}

/// Item `i` of an array the entry checked to hold only strings.
fn string_at(a: &Array, i: u32) -> String {
    a.get(i).as_string().unwrap_or_default()
}

/// Starts a flow and hands its result to `resolve`/`reject` (exactly one is called).
fn run_flow(started: Result<Rc<Running>, ConnectError>, resolve: Function, reject: Function) -> Option<Rc<Running>> {
    let settle = move |r: Result<Outcome, ConnectError>| settle(r.map(convert::outcome), &resolve, &reject);
    match started {
        Ok(running) => {
            running.on_settle(Box::new(settle));
            Some(running)
        }
        Err(e) => {
            settle(Err(e));
            None
        }
    }
}

/// `connect(options)` (docs/flows.md#connect); the entry wraps it in a Promise. `values`:
/// the head, then `[baseUrl, provider, appKey, returnTo, state]`.
#[wasm_bindgen(js_name = connect, skip_typescript)]
pub fn connect(values: Array, resolve: Function, reject: Function) {
    let mut v = Values::new(values);
    let (mode, unsupported, common) = v.head();
    let o = ConnectOptions {
        base_url: v.required(),
        provider: v.required(),
        app_key: v.text(),
        return_to: v.text(),
        state: v.text(),
        common,
    };
    let allowed = mode.and_then(|m| m.for_popup_only_flow(unsupported.as_deref()));
    run_flow(allowed.and_then(|()| start_connect(&o)), resolve, reject);
}

/// The mode a flow runs in, from the JS option and why popups cannot work here (the entry's
/// `popupSupport()`): `Ok(true)` for this tab.
fn same_tab(mode: Result<Mode, ConnectError>, unsupported: Option<String>) -> Result<bool, ConnectError> {
    mode.map(|m| m.same_tab(unsupported.as_deref()))
}

/// `appState` as JSON text: `JSON.stringify` of the app's value, which must give one.
fn app_state_text(value: JsValue) -> Result<Option<String>, ConnectError> {
    if value.is_undefined() {
        return Ok(None);
    }
    js_sys::JSON::stringify(&value)
        .ok()
        .and_then(|s| s.as_string())
        .map(Some)
        .ok_or_else(|| ConnectError::must_be("app_state", "a JSON value (JSON.stringify must accept it)"))
}

/// Calls `resolve` with the value, or `reject` with the `ConnectError`.
fn settle(r: Result<JsValue, ConnectError>, resolve: &Function, reject: &Function) {
    let _ = match r {
        Ok(value) => resolve.call1(&JsValue::NULL, &value),
        Err(e) => reject.call1(&JsValue::NULL, &error(e)),
    };
}

/// A same-tab start: resolves `null` once the tab is leaving, or rejects.
fn settle_leaving(left: Result<(), ConnectError>, resolve: &Function, reject: &Function) {
    settle(left.map(|()| JsValue::NULL), resolve, reject);
}

/// `authorize(options)` (docs/flows.md#authorize). `values`: the head, then
/// `[authorizationEndpoint, clientId, redirectUri, scope, extraParams, issuer, state, pkce,
/// appState]`; `scope` is an array of strings, `extraParams` one of name, value, name, value, ….
#[wasm_bindgen(js_name = authorize, skip_typescript)]
pub fn authorize(values: Array, resolve: Function, reject: Function) {
    let mut v = Values::new(values);
    let (mode, unsupported, common) = v.head();
    let o = AuthorizeOptions {
        authorization_endpoint: v.required(),
        client_id: v.required(),
        redirect_uri: v.required(),
        scope: v.strings(),
        extra_params: pairs(v.any().unchecked_into()),
        issuer: v.text(),
        state: v.text(),
        pkce: pkce_or_default(v.any().as_bool()),
        common,
    };
    let app_state = v.any();
    match same_tab(mode, unsupported) {
        Ok(false) => drop(run_flow(start_authorize(o), resolve, reject)),
        redirect => {
            let left = redirect.and_then(|_| app_state_text(app_state)).and_then(|a| authorize_redirect(o, a));
            settle_leaving(left, &resolve, &reject);
        }
    }
}

/// Name, value, name, value, … (strings, checked by the entry) as `(name, value)` pairs.
fn pairs(flat: Array) -> Vec<(String, String)> {
    (0..flat.length() / 2).map(|i| (string_at(&flat, 2 * i), string_at(&flat, 2 * i + 1))).collect()
}

/// `pkce` as given, else the Rust default (on).
fn pkce_or_default(pkce: Option<bool>) -> bool {
    pkce.unwrap_or(AuthorizeOptions::default().pkce)
}

/// `openConnectLink(link, options)` (docs/flows.md#connect-link). `values`: the head, then
/// `[link, redirectUri, state, appState]`, `link` `undefined` for a link function. With a
/// link string it returns `undefined`; with a link function it returns `[redirectUri,
/// minted]`: the entry calls the app's function with `redirectUri` inside the click, then
/// `minted(url)`, or `minted(undefined, true)` when the function failed.
#[wasm_bindgen(js_name = openConnectLink, skip_typescript)]
pub fn open_connect_link(values: Array, resolve: Function, reject: Function) -> JsValue {
    let mut v = Values::new(values);
    let (mode, unsupported, common) = v.head();
    let link = v.text();
    let o = ConnectLinkOptions { redirect_uri: v.text(), state: v.text(), common };
    let app_state = v.any();
    match same_tab(mode, unsupported) {
        Ok(false) => {}
        redirect => {
            let started =
                redirect.and_then(|_| app_state_text(app_state)).and_then(|a| start_link_redirect(link, &o, a));
            if let Ok(Some((pending, mint_for))) = started {
                return minting(
                    mint_for,
                    Box::new(move |minted| settle_leaving(link_redirect_minted(pending, minted), &resolve, &reject)),
                );
            }
            settle_leaving(started.map(drop), &resolve, &reject);
            return JsValue::UNDEFINED;
        }
    }
    let started = start_link(link, &o);
    let mint_for = started.as_ref().ok().and_then(|(_, m)| m.clone());
    let Some(running) = run_flow(started.map(|(r, _)| r), resolve, reject) else { return JsValue::UNDEFINED };
    let Some(redirect) = mint_for else { return JsValue::UNDEFINED };
    minting(redirect, Box::new(move |minted| link_minted(&running, minted)))
}

/// `[redirectUri, minted]` for the entry: it calls the app's link function with
/// `redirectUri`, then `minted(url)`, or `minted(undefined, true)` when the function failed.
fn minting(redirect_uri: String, then: Box<dyn FnOnce(Result<String, ConnectError>)>) -> JsValue {
    let minted = Closure::once_into_js(move |url: JsValue, failed: bool| {
        then(match url.as_string() {
            _ if failed => Err(ConnectError::with_detail(ErrorCode::LinkFactoryFailed, "the link function failed")),
            Some(url) => Ok(url),
            None => Err(ConnectError::invalid_options("the link function must give a URL string")),
        })
    });
    js_sys::Array::of2(&s(redirect_uri), &minted).into()
}

/// `completeRedirect(options)` (docs/flows.md#redirect-mode), for the redirect page in
/// either mode: resolves `{ flow, …result, appState }`, or `null` when there is nothing for
/// this page to finish. `values` as for [`callback_options`].
#[wasm_bindgen(js_name = completeRedirect, skip_typescript)]
pub fn complete_redirect(values: Array, resolve: Function, reject: Function) {
    let options = match callback_options(values) {
        Ok(o) => o,
        Err(e) => return settle(Err(e), &resolve, &reject),
    };
    start_complete_redirect(
        options,
        Box::new(move |r| {
            settle(r.map(|done| done.map_or(JsValue::NULL, convert::redirect_result)), &resolve, &reject)
        }),
    );
}

/// The callback page's options, checked, from the flow head (unused: the page runs where
/// it is) and `[openerOrigin, ackTimeoutMs]`.
fn callback_options(values: Array) -> Result<browser::CallbackOptions, ConnectError> {
    let mut v = Values { array: values, next: 3 };
    let mut options = browser::CallbackOptions { opener_origin: v.text(), ..Default::default() };
    if let Some(ms) = v.any().as_f64() {
        if !(0.0..=60_000.0).contains(&ms) {
            return Err(ConnectError::must_be("ack_timeout_ms", "0 to 60000"));
        }
        options.ack_timeout_ms = ms as u32;
    }
    Ok(options)
}

/// `completeCallback(options)` (docs/flows.md#callback-page), for the app's callback page.
#[wasm_bindgen(js_name = completeCallback, skip_typescript)]
pub fn complete_callback(values: Array, resolve: Function, reject: Function) {
    let done = move |r: Result<browser::CallbackOutcome, ConnectError>| {
        let value = r.map(|out| {
            let via = match out.delivery {
                browser::Delivery::Opener => "opener",
                browser::Delivery::Channel => "broadcastChannel",
            };
            object! { "delivery" => JsValue::from_str(via), "acknowledged" => JsValue::from_bool(out.acknowledged) }
        });
        settle(value, &resolve, &reject)
    };
    match callback_options(values) {
        Ok(options) => start_callback(options, Box::new(done)),
        Err(e) => done(Err(e)),
    }
}

/// The token helpers, by number: `exchangeCode`, `refreshToken`, `revokeToken`.
const EXCHANGE: u8 = 0;
const REFRESH: u8 = 1;

/// `tokenRequest(kind, values)`: a token helper's checked request, `[url, body,
/// contentType, unreachable]`, or its `ConnectError` (docs/flows.md#tokens). `values` are
/// `bodyEncoding`, then the helper's string options in the order of its Rust struct. The
/// entry sends the request with `fetch` and hands the answer to `tokenResult`;
/// `unreachable` is the error for a failed `fetch`.
#[wasm_bindgen(js_name = tokenRequest, skip_typescript)]
pub fn token_request(kind: u8, values: Array) -> JsValue {
    let mut v = Values::new(values);
    let body_encoding = BodyEncoding::parse(v.text().as_deref());
    let mut next = || v.required();
    let prepared = body_encoding.and_then(|body_encoding| {
        let (endpoint, client_id) = (next(), next());
        match kind {
            EXCHANGE => browser::ExchangeCode {
                token_endpoint: endpoint,
                client_id,
                code: next(),
                code_verifier: next(),
                redirect_uri: next(),
                body_encoding,
            }
            .call(),
            REFRESH => {
                browser::RefreshToken { token_endpoint: endpoint, client_id, refresh_token: next(), body_encoding }
                    .call()
            }
            _ => browser::RevokeToken { revocation_endpoint: endpoint, client_id, token: next(), body_encoding }.call(),
        }
    });
    match prepared {
        Ok(p) => {
            let unreachable = error(p.unreachable());
            Array::of4(&s(p.endpoint), &s(p.body), &s(p.encoding.content_type()), &unreachable).into()
        }
        Err(e) => error(e),
    }
}

/// `tokenResult(kind, status, json)`: judges a token endpoint's answer (`json` is
/// `undefined` when the body was not JSON): the tokens, `undefined` for a revocation, or the
/// `ConnectError`.
#[wasm_bindgen(js_name = tokenResult, skip_typescript)]
pub fn token_result(kind: u8, status: u16, json: JsValue) -> JsValue {
    let body = json_body(&json);
    let body = body.as_ref().map(|b| b as _);
    match kind {
        EXCHANGE | REFRESH => parse_token_response(status, body, js_sys::Date::now()).map(convert::tokens),
        _ => parse_revoke_response(status, body).map(|()| JsValue::UNDEFINED),
    }
    .unwrap_or_else(error)
}

// ---------------------------------------------------------------------------------------
// Pure helpers (docs/flows.md#helpers). Synchronous; where docs/flows.md#helpers says they
// throw, they return the `ConnectError` and the entry throws it.

/// The pure helpers behind one export, by their number here; `a` and `b` are the helper's
/// arguments.
#[wasm_bindgen(js_name = helper, skip_typescript)]
pub fn helper(number: u8, a: JsValue, b: JsValue) -> JsValue {
    match number {
        0 => generate_pkce(),
        1 => pkce_challenge_js(a),
        2 => generate_state(),
        3 => parse_vendo_message(a),
        4 => parse_callback_url(a),
        5 => validate_redirect_uri_js(a, b.unchecked_into()),
        _ => sanitize_return_to_js(a),
    }
}

/// `generatePkce()` → `{ codeVerifier, codeChallenge, codeChallengeMethod: "S256" }`.
fn generate_pkce() -> JsValue {
    Pkce::generate().map_or_else(error, |p| {
        object! {
            "codeVerifier" => JsValue::from_str(p.verifier.secret()),
            "codeChallenge" => s(p.challenge),
            "codeChallengeMethod" => JsValue::from_str(METHOD),
        }
    })
}

/// `pkceChallenge(verifier)`: the S256 challenge; throws `invalid_options` outside RFC 7636 §4.1.
fn pkce_challenge_js(verifier: JsValue) -> JsValue {
    let v = verifier.as_string().ok_or_else(|| ConnectError::invalid_options("verifier must be a string"));
    v.and_then(|v| pkce_challenge(&v)).map_or_else(error, s)
}

/// `generateState()`: 256 fresh CSPRNG bits, base64url.
fn generate_state() -> JsValue {
    crate::random::generate_state().map_or_else(error, s)
}

/// `parseVendoMessage(data)`: the typed message, or `null`. Never throws.
fn parse_vendo_message(data: JsValue) -> JsValue {
    crate::message::parse_vendo_message(&browser::js_data::JsData(&data)).map_or(JsValue::NULL, convert::vendo_message)
}

/// `parseCallbackUrl(url)`: the typed callback; throws `invalid_response`.
fn parse_callback_url(url: JsValue) -> JsValue {
    let url = url.as_string().ok_or_else(|| ConnectError::invalid_response("url must be a string"));
    url.and_then(|url| crate::callback::parse_callback_url(&url)).map_or_else(error, convert::callback)
}

/// `validateRedirectUri(uri, { allowedHosts })` → `{ ok, code }`; `code` is `null` when ok.
fn validate_redirect_uri_js(uri: JsValue, hosts: Array) -> JsValue {
    let hosts = strings(&hosts);
    let verdict = match uri.as_string() {
        None => Err(crate::validate::RedirectUriRule::InvalidUrl),
        Some(uri) => validate_redirect_uri(&uri, &hosts).map(|_| ()),
    };
    match verdict {
        Ok(()) => object! { "ok" => JsValue::TRUE, "code" => JsValue::NULL },
        Err(rule) => object! { "ok" => JsValue::FALSE, "code" => JsValue::from_str(rule.code()) },
    }
}

/// `sanitizeReturnTo(path)`: the path when it is a safe same-origin path, else `null`.
fn sanitize_return_to_js(path: JsValue) -> JsValue {
    opt(path.as_string().and_then(|p| sanitize_return_to(&p)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geometry::PopupOptions;
    use wasm_bindgen_test::*;

    wasm_bindgen_test_configure!(run_in_browser);

    /// The JS API's defaults are the Rust API's: an option the entry passes as absent takes
    /// `CommonOptions::default()` / `AuthorizeOptions::default()`, which hold the documented
    /// values (docs/options.md#common, docs/options.md#rust-defaults).
    #[wasm_bindgen_test]
    fn absent_js_options_take_the_documented_rust_defaults() {
        let js = common_options(&Array::new());
        let rust = CommonOptions::default();
        let documented =
            (300_000.0, 1500.0, true, true, PopupOptions { width: 500, height: 650, name: "_blank".into() });
        for c in [&js, &rust] {
            assert_eq!((c.timeout_ms, c.closed_grace_ms, c.detect_close, c.close_popup, c.popup.clone()), documented);
            assert!(c.window.is_none() && c.signal.is_none() && c.on_event.is_none());
        }
        assert!(AuthorizeOptions::default().pkce, "PKCE is on by default in Rust");
        assert_eq!(pkce_or_default(None), AuthorizeOptions::default().pkce, "and in JS");
        assert_eq!(browser::CallbackOptions::default().ack_timeout_ms, 2000);
        assert_eq!(BodyEncoding::default(), BodyEncoding::Form);
    }

    /// The entry's arrays are read in order: absent values are `None` (a required string
    /// reads as `""`, which the Rust API refuses with the option's name), and so is a value
    /// of another type.
    #[wasm_bindgen_test]
    fn values_are_read_in_the_order_the_entry_writes_them() {
        let a = Array::of5(
            &"redirect".into(),
            &"an in-app browser".into(),
            &Array::new(),
            &JsValue::UNDEFINED,
            &3.0.into(),
        );
        a.push(&Array::of2(&"a".into(), &"b".into()));
        let mut v = Values::new(a);
        let (mode, unsupported, common) = v.head();
        assert_eq!(mode.unwrap(), Mode::Redirect);
        assert_eq!(unsupported.as_deref(), Some("an in-app browser"));
        assert_eq!(common.timeout_ms, CommonOptions::default().timeout_ms);
        assert_eq!(v.required(), "");
        assert_eq!(v.text(), None, "a number is not a string");
        assert_eq!(v.strings(), ["a", "b"]);
        assert!(v.any().is_undefined(), "past the end");
        let flat = Array::of4(&"n1".into(), &"v1".into(), &"n2".into(), &"v2".into());
        assert_eq!(pairs(flat), [("n1".into(), "v1".into()), ("n2".into(), "v2".into())]);

        let mut bad_mode = Values::new(Array::of3(&"sideways".into(), &JsValue::UNDEFINED, &Array::new()));
        assert_eq!(bad_mode.head().0.unwrap_err().code, ErrorCode::InvalidOptions);
    }

    #[wasm_bindgen_test]
    fn given_js_options_override_the_defaults() {
        let a = Array::of5(&5.0.into(), &0.0.into(), &false.into(), &false.into(), &320.0.into());
        a.push(&240.5.into());
        a.push(&"named".into());
        let c = common_options(&a);
        assert_eq!((c.timeout_ms, c.closed_grace_ms, c.detect_close, c.close_popup), (5.0, 0.0, false, false));
        assert_eq!((c.popup.width, c.popup.height, c.popup.name.as_str()), (320, 0, "named"), "240.5 reads as 0");
        assert!(c.popup.validate().is_err(), "a fractional size is refused where the rule lives");
        assert!(!pkce_or_default(Some(false)));
    }
}
