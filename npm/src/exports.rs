//! The JS API (docs/flows.md, docs/options.md): the `#[wasm_bindgen]` exports, a thin skin
//! over the Rust API. Results become plain objects ([`crate::convert`]), errors `ConnectError`
//! instances.
//!
//! The package's entry (`pkg-template/index.js`) reads the JS option objects and checks
//! their *types* (JS conventions: camelCase, `null`/`undefined` for absent); it passes the
//! values here in one array per call, each at its named position ([`crate::boundary`]). Every *value* rule and every default lives
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

use std::rc::Rc;

use js_sys::{Array, Function};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{AbortSignal, Window};

use vendo_connect::__skin::{
    authorize_redirect, json_body, link_minted, link_redirect_minted, place, start_authorize, start_callback,
    start_complete_redirect, start_connect, start_link, start_link_redirect, window, JsData, Running,
};
use vendo_connect::browser::{self, AuthorizeOptions, CommonOptions, ConnectLinkOptions, ConnectOptions};
use vendo_connect::{
    parse_revoke_response, parse_token_response, pkce_challenge, sanitize_return_to, validate_redirect_uri,
    BodyEncoding, ConnectError, ErrorCode, Mode, Outcome, Pkce,
};

use crate::boundary::{
    Authorize, CallbackPage, Common, Connect, ConnectLink, ExchangeCodeValues, Head, Helper, Minting, PreparedRequest,
    RefreshTokenValues, RevokeTokenValues, TokenHelper, TokenRequest,
};
use crate::convert::{self, error, opt, s};

/// The entry's array of a call's values, read by position ([`crate::boundary`]). A flow's
/// starts with its [`Head`]: the mode, why popups cannot work here (the entry's
/// `popupSupport()`) and the array [`common_options`] reads; the flow's own values follow.
struct Values(Array);

impl Values {
    /// The value at a position.
    fn any(&self, at: impl Into<u32>) -> JsValue {
        self.0.get(at.into())
    }

    /// The value at a position if it is a string.
    fn text(&self, at: impl Into<u32>) -> Option<String> {
        self.any(at).as_string()
    }

    /// A string the Rust API requires: absent reads as `""`, which its checks refuse with
    /// the option's name.
    fn required(&self, at: impl Into<u32>) -> String {
        self.text(at).unwrap_or_default()
    }

    /// An array of strings.
    fn strings(&self, at: impl Into<u32>) -> Vec<String> {
        strings(&self.any(at).unchecked_into())
    }

    /// A flow's head: its mode, why popups cannot work here, and its common options.
    fn head(&self) -> (Result<Mode, ConnectError>, Option<String>, CommonOptions) {
        let mode = Mode::parse(self.text(Head::Mode).as_deref());
        (mode, self.text(Head::Unsupported), common_options(&self.any(Head::Common).unchecked_into()))
    }
}

/// The common options (docs/options.md#common) from the entry's array ([`Common`]), types
/// already checked there; absent values (`undefined`) take the Rust defaults. A popup size
/// that is not a whole number reads as 0, which `PopupOptions::validate` refuses. `place`
/// marks a `window` the entry opened blank in the click before the wasm loaded: it is sized
/// and placed as a popup of ours would be.
fn common_options(a: &Array) -> CommonOptions {
    let mut o = CommonOptions::default();
    let at = |slot: Common| a.get(slot as u32);
    let some = |slot| Some(at(slot)).filter(|v| !v.is_undefined());
    let size = |n: f64| if n.fract() == 0.0 && (0.0..=4e9).contains(&n) { n as u32 } else { 0 };
    if let Some(n) = at(Common::TimeoutMs).as_f64() {
        o.timeout_ms = n;
    }
    if let Some(n) = at(Common::ClosedGraceMs).as_f64() {
        o.closed_grace_ms = n;
    }
    if let Some(b) = at(Common::DetectClose).as_bool() {
        o.detect_close = b;
    }
    if let Some(b) = at(Common::ClosePopup).as_bool() {
        o.close_popup = b;
    }
    if let Some(n) = at(Common::Width).as_f64() {
        o.popup.width = size(n);
    }
    if let Some(n) = at(Common::Height).as_f64() {
        o.popup.height = size(n);
    }
    if let Some(name) = at(Common::Name).as_string() {
        o.popup.name = name;
    }
    o.window = some(Common::Window).map(JsCast::unchecked_into::<Window>);
    o.signal = some(Common::Signal).map(JsCast::unchecked_into::<AbortSignal>);
    o.on_event = some(Common::OnEvent).map(|f| -> browser::EventHook {
        let f: Function = f.unchecked_into();
        Rc::new(move |e| {
            // A throwing hook must not break the flow.
            let _ = f.call1(&JsValue::NULL, &convert::flow_event(e));
        })
    });
    if at(Common::Place).as_bool() == Some(true) {
        if let (Some(page), Some(w)) = (window(), o.window.as_ref()) {
            if o.popup.validate().is_ok() {
                place(&page, w, &o.popup);
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
/// the head, then [`Connect`].
#[wasm_bindgen(js_name = connect, skip_typescript)]
pub fn connect(values: Array, resolve: Function, reject: Function) {
    let v = Values(values);
    let (mode, unsupported, common) = v.head();
    let o = ConnectOptions {
        base_url: v.required(Connect::BaseUrl),
        provider: v.required(Connect::Provider),
        app_key: v.text(Connect::AppKey),
        return_to: v.text(Connect::ReturnTo),
        state: v.text(Connect::State),
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

/// `authorize(options)` (docs/flows.md#authorize). `values`: the head, then [`Authorize`];
/// `scope` is an array of strings, `extraParams` one of name, value, name, value, ….
#[wasm_bindgen(js_name = authorize, skip_typescript)]
pub fn authorize(values: Array, resolve: Function, reject: Function) {
    let v = Values(values);
    let (mode, unsupported, common) = v.head();
    let o = AuthorizeOptions {
        authorization_endpoint: v.required(Authorize::AuthorizationEndpoint),
        client_id: v.required(Authorize::ClientId),
        redirect_uri: v.required(Authorize::RedirectUri),
        scope: v.strings(Authorize::Scope),
        extra_params: pairs(v.any(Authorize::ExtraParams).unchecked_into()),
        issuer: v.text(Authorize::Issuer),
        state: v.text(Authorize::State),
        pkce: pkce_or_default(v.any(Authorize::Pkce).as_bool()),
        common,
    };
    let app_state = v.any(Authorize::AppState);
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
/// [`ConnectLink`], `link` `undefined` for a link function. With a link string it returns
/// `undefined`; with a link function it returns [`Minting`]: the entry calls the app's
/// function with the redirect URI inside the click, then `minted(url)`, or
/// `minted(undefined, true)` when the function failed.
#[wasm_bindgen(js_name = openConnectLink, skip_typescript)]
pub fn open_connect_link(values: Array, resolve: Function, reject: Function) -> JsValue {
    let v = Values(values);
    let (mode, unsupported, common) = v.head();
    let link = v.text(ConnectLink::Link);
    let o = ConnectLinkOptions {
        redirect_uri: v.text(ConnectLink::RedirectUri),
        state: v.text(ConnectLink::State),
        common,
    };
    let app_state = v.any(ConnectLink::AppState);
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

/// [`Minting`] for the entry: it calls the app's link function with the redirect URI, then
/// `minted(url)`, or `minted(undefined, true)` when the function failed.
fn minting(redirect_uri: String, then: Box<dyn FnOnce(Result<String, ConnectError>)>) -> JsValue {
    let minted = Closure::once_into_js(move |url: JsValue, failed: bool| {
        then(match url.as_string() {
            _ if failed => Err(ConnectError::with_detail(ErrorCode::LinkFactoryFailed, "the link function failed")),
            Some(url) => Ok(url),
            None => Err(ConnectError::invalid_options("the link function must give a URL string")),
        })
    });
    let out = Array::new();
    out.set(Minting::RedirectUri.into(), s(redirect_uri));
    out.set(Minting::Minted.into(), minted);
    out.into()
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
/// it is) and [`CallbackPage`].
fn callback_options(values: Array) -> Result<browser::CallbackOptions, ConnectError> {
    let v = Values(values);
    let mut options =
        browser::CallbackOptions { opener_origin: v.text(CallbackPage::OpenerOrigin), ..Default::default() };
    if let Some(ms) = v.any(CallbackPage::AckTimeoutMs).as_f64() {
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

/// `tokenRequest(kind, values)`: a token helper's checked request ([`PreparedRequest`]), or
/// its `ConnectError` (docs/flows.md#tokens). `kind` is a
/// [`TokenHelper`]; `values` are [`TokenRequest`], then the helper's own options
/// ([`ExchangeCodeValues`], …). The entry sends the request with `fetch` and hands the
/// answer to `tokenResult`; `unreachable` is the error for a failed `fetch`.
#[wasm_bindgen(js_name = tokenRequest, skip_typescript)]
pub fn token_request(kind: u32, values: Array) -> JsValue {
    let v = Values(values);
    let body_encoding = BodyEncoding::parse(v.text(TokenRequest::BodyEncoding).as_deref());
    let prepared = body_encoding.and_then(|body_encoding| match TokenHelper::from_position(kind) {
        Some(TokenHelper::ExchangeCode) => browser::ExchangeCode {
            token_endpoint: v.required(ExchangeCodeValues::TokenEndpoint),
            client_id: v.required(ExchangeCodeValues::ClientId),
            code: v.required(ExchangeCodeValues::Code),
            code_verifier: v.required(ExchangeCodeValues::CodeVerifier),
            redirect_uri: v.required(ExchangeCodeValues::RedirectUri),
            body_encoding,
        }
        .call(),
        Some(TokenHelper::RefreshToken) => browser::RefreshToken {
            token_endpoint: v.required(RefreshTokenValues::TokenEndpoint),
            client_id: v.required(RefreshTokenValues::ClientId),
            refresh_token: v.required(RefreshTokenValues::RefreshToken),
            body_encoding,
        }
        .call(),
        Some(TokenHelper::RevokeToken) => browser::RevokeToken {
            revocation_endpoint: v.required(RevokeTokenValues::RevocationEndpoint),
            client_id: v.required(RevokeTokenValues::ClientId),
            token: v.required(RevokeTokenValues::Token),
            body_encoding,
        }
        .call(),
        None => Err(ConnectError::invalid_options("the token helper is unknown")),
    });
    match prepared {
        Ok(p) => {
            let out = Array::new();
            // First: it reads `p`, whose fields the others move.
            out.set(PreparedRequest::Unreachable.into(), error(p.unreachable()));
            out.set(PreparedRequest::Url.into(), s(p.endpoint));
            out.set(PreparedRequest::Body.into(), s(p.body));
            out.set(PreparedRequest::ContentType.into(), s(p.encoding.content_type()));
            out.into()
        }
        Err(e) => error(e),
    }
}

/// `tokenResult(kind, status, json)`: judges a token endpoint's answer (`json` is
/// `undefined` when the body was not JSON): `undefined` for a revocation (RFC 7009 §2.2),
/// else the tokens (RFC 6749 §5.1); or the `ConnectError`.
#[wasm_bindgen(js_name = tokenResult, skip_typescript)]
pub fn token_result(kind: u32, status: u16, json: JsValue) -> JsValue {
    let body = json_body(&json);
    let body = body.as_ref().map(|b| b as _);
    if TokenHelper::from_position(kind) == Some(TokenHelper::RevokeToken) {
        parse_revoke_response(status, body).map(|()| JsValue::UNDEFINED)
    } else {
        parse_token_response(status, body, js_sys::Date::now()).map(convert::tokens)
    }
    .unwrap_or_else(error)
}

// ---------------------------------------------------------------------------------------
// Pure helpers (docs/flows.md#helpers). Synchronous; where docs/flows.md#helpers says they
// throw, they return the `ConnectError` and the entry throws it.

/// The pure helpers behind one export, by their number ([`Helper`]); `a` and `b` are the
/// helper's arguments.
#[wasm_bindgen(js_name = helper, skip_typescript)]
pub fn helper(number: u32, a: JsValue, b: JsValue) -> JsValue {
    match Helper::from_position(number) {
        Some(Helper::GeneratePkce) => generate_pkce(),
        Some(Helper::PkceChallenge) => pkce_challenge_js(a),
        Some(Helper::GenerateState) => generate_state(),
        Some(Helper::ParseVendoMessage) => parse_vendo_message(a),
        Some(Helper::ParseCallbackUrl) => parse_callback_url(a),
        Some(Helper::ValidateRedirectUri) => validate_redirect_uri_js(a, b.unchecked_into()),
        Some(Helper::SanitizeReturnTo) => sanitize_return_to_js(a),
        None => JsValue::UNDEFINED,
    }
}

/// `generatePkce()` → `{ codeVerifier, codeChallenge, codeChallengeMethod: "S256" }`.
fn generate_pkce() -> JsValue {
    Pkce::generate().map_or_else(error, |p| {
        object! {
            "codeVerifier" => JsValue::from_str(p.verifier.secret()),
            "codeChallenge" => s(p.challenge),
            "codeChallengeMethod" => JsValue::from_str(vendo_connect::__skin::PKCE_METHOD),
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
    vendo_connect::generate_state().map_or_else(error, s)
}

/// `parseVendoMessage(data)`: the typed message, or `null`. Never throws.
fn parse_vendo_message(data: JsValue) -> JsValue {
    vendo_connect::parse_vendo_message(&JsData(&data)).map_or(JsValue::NULL, convert::vendo_message)
}

/// `parseCallbackUrl(url)`: the typed callback; throws `invalid_response`.
fn parse_callback_url(url: JsValue) -> JsValue {
    let url = url.as_string().ok_or_else(|| ConnectError::invalid_response("url must be a string"));
    url.and_then(|url| vendo_connect::parse_callback_url(&url)).map_or_else(error, convert::callback)
}

/// `validateRedirectUri(uri, { allowedHosts })` → `{ ok, code }`; `code` is `null` when ok.
fn validate_redirect_uri_js(uri: JsValue, hosts: Array) -> JsValue {
    let hosts = strings(&hosts);
    let verdict = match uri.as_string() {
        None => Err(vendo_connect::RedirectUriRule::InvalidUrl),
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
    use vendo_connect::PopupOptions;
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

    /// An array filled by position, as the entry fills it.
    fn filled(at: &[(u32, JsValue)]) -> Array {
        let a = Array::new();
        for (position, value) in at {
            a.set(*position, value.clone());
        }
        a
    }

    /// The entry's arrays are read by position: absent values are `None` (a required string
    /// reads as `""`, which the Rust API refuses with the option's name), and so is a value
    /// of another type.
    #[wasm_bindgen_test]
    fn values_are_read_at_the_positions_the_entry_writes_them() {
        let v = Values(filled(&[
            (Head::Mode.into(), "redirect".into()),
            (Head::Unsupported.into(), "an in-app browser".into()),
            (Head::Common.into(), Array::new().into()),
            (Authorize::ClientId.into(), 3.0.into()),
            (Authorize::Scope.into(), Array::of2(&"a".into(), &"b".into()).into()),
        ]));
        let (mode, unsupported, common) = v.head();
        assert_eq!(mode.unwrap(), Mode::Redirect);
        assert_eq!(unsupported.as_deref(), Some("an in-app browser"));
        assert_eq!(common.timeout_ms, CommonOptions::default().timeout_ms);
        assert_eq!(v.required(Authorize::AuthorizationEndpoint), "");
        assert_eq!(v.text(Authorize::ClientId), None, "a number is not a string");
        assert_eq!(v.strings(Authorize::Scope), ["a", "b"]);
        assert!(v.any(Authorize::AppState).is_undefined(), "past the end");
        let flat = Array::of4(&"n1".into(), &"v1".into(), &"n2".into(), &"v2".into());
        assert_eq!(pairs(flat), [("n1".into(), "v1".into()), ("n2".into(), "v2".into())]);

        let bad_mode =
            Values(filled(&[(Head::Mode.into(), "sideways".into()), (Head::Common.into(), Array::new().into())]));
        assert_eq!(*bad_mode.head().0.unwrap_err().code(), ErrorCode::InvalidOptions);
    }

    #[wasm_bindgen_test]
    fn given_js_options_override_the_defaults() {
        let c = common_options(&filled(&[
            (Common::TimeoutMs.into(), 5.0.into()),
            (Common::ClosedGraceMs.into(), 0.0.into()),
            (Common::DetectClose.into(), false.into()),
            (Common::ClosePopup.into(), false.into()),
            (Common::Width.into(), 320.0.into()),
            (Common::Height.into(), 240.5.into()),
            (Common::Name.into(), "named".into()),
        ]));
        assert_eq!((c.timeout_ms, c.closed_grace_ms, c.detect_close, c.close_popup), (5.0, 0.0, false, false));
        assert_eq!((c.popup.width, c.popup.height, c.popup.name.as_str()), (320, 0, "named"), "240.5 reads as 0");
        assert!(c.popup.validate().is_err(), "a fractional size is refused where the rule lives");
        assert!(!pkce_or_default(Some(false)));
    }
}
