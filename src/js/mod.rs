//! The JS API (docs/flows.md, docs/options.md), a thin skin over the Rust API, compiled
//! only with the `js` cargo feature (the npm build). Results become plain objects, errors
//! `ConnectError` instances.
//!
//! The package's entry (`pkg-template/index.js`) reads the JS option objects and checks
//! their *types* (JS conventions: camelCase, `null`/`undefined` for absent); it passes the
//! values here in order. Every *value* rule and every default lives in the Rust API these
//! functions call, so Rust and JS callers get the same rules and details. The wasm side is
//! synchronous: the entry creates each Promise and passes its `resolve`/`reject`, awaits
//! the app's link function, and sends token requests with `fetch`, so the npm wasm links
//! no async executor and no option readers (docs/architecture.md#size).

mod convert;

use std::rc::Rc;

use js_sys::{Array, Function};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{AbortSignal, Window};

use self::convert::{error, object, opt};
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
use crate::geometry::PopupOptions;
use crate::pkce::{pkce_challenge, Pkce, METHOD};
use crate::protocol::Outcome;
use crate::redirect::Mode;
use crate::token::{parse_revoke_response, parse_token_response, BodyEncoding};
use crate::validate::{sanitize_return_to, validate_redirect_uri};

/// The common options (docs/options.md#common) from the entry's array `[timeoutMs,
/// closedGraceMs, detectClose, closePopup, width, height, name, window, signal, onEvent,
/// place]`, types already checked there; absent values (`undefined`) take the Rust
/// defaults. A popup size that is not a whole number reads as 0, which
/// `PopupOptions::validate` refuses. `place` marks a `window` the entry opened blank in the
/// click before the wasm loaded: it is sized and placed as a popup of ours would be.
fn common_options(a: &Array) -> CommonOptions {
    let d = CommonOptions::default();
    let num = |i| a.get(i).as_f64();
    let flag = |i| a.get(i).as_bool();
    let size = |i, default: u32| {
        num(i).map_or(default, |n: f64| if n.fract() == 0.0 && (0.0..=4e9).contains(&n) { n as u32 } else { 0 })
    };
    let some = |i| Some(a.get(i)).filter(|v| !v.is_undefined());
    let on_event = some(9).map(|f| -> browser::EventHook {
        let f: Function = f.unchecked_into();
        Rc::new(move |e| {
            // A throwing hook must not break the flow.
            let _ = f.call1(&JsValue::NULL, &convert::flow_event(e));
        })
    });
    let options = CommonOptions {
        timeout_ms: num(0).unwrap_or(d.timeout_ms),
        closed_grace_ms: num(1).unwrap_or(d.closed_grace_ms),
        detect_close: flag(2).unwrap_or(d.detect_close),
        close_popup: flag(3).unwrap_or(d.close_popup),
        popup: PopupOptions {
            width: size(4, d.popup.width),
            height: size(5, d.popup.height),
            name: a.get(6).as_string().unwrap_or(d.popup.name),
        },
        window: some(7).map(JsCast::unchecked_into::<Window>),
        signal: some(8).map(JsCast::unchecked_into::<AbortSignal>),
        on_event,
    };
    if flag(10) == Some(true) {
        if let (Some(page), Some(w)) = (web_sys::window(), options.window.as_ref()) {
            if options.popup.validate().is_ok() {
                browser::popup::place(&page, w, &options.popup);
            }
        }
    }
    options
}

/// The strings of an array the entry checked to hold only strings.
fn strings(a: &Array) -> Vec<String> {
    a.iter().filter_map(|v| v.as_string()).collect()
}

/// Starts a flow and hands its result to `resolve`/`reject` (exactly one is called).
fn run_flow(started: Result<Rc<Running>, ConnectError>, resolve: Function, reject: Function) -> Option<Rc<Running>> {
    let settle = move |r: Result<Outcome, ConnectError>| {
        let _ = match r {
            Ok(o) => resolve.call1(&JsValue::NULL, &convert::outcome(o)),
            Err(e) => reject.call1(&JsValue::NULL, &error(e)),
        };
    };
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

/// `connect(options)` (docs/flows.md#connect); the entry wraps it in a Promise.
#[wasm_bindgen(js_name = connect, skip_typescript)]
#[allow(clippy::too_many_arguments)]
pub fn connect(
    base_url: String,
    provider: String,
    app_key: Option<String>,
    return_to: Option<String>,
    state: Option<String>,
    mode: Option<String>,
    unsupported: Option<String>,
    common: Array,
    resolve: Function,
    reject: Function,
) {
    let o = ConnectOptions { base_url, provider, app_key, return_to, state, common: common_options(&common) };
    let allowed = Mode::parse(mode.as_deref()).and_then(|m| m.for_popup_only_flow(unsupported.as_deref()));
    run_flow(allowed.and_then(|()| start_connect(&o)), resolve, reject);
}

/// The mode a flow runs in, from the JS option and why popups cannot work here (the entry's
/// `popupSupport()`): `Ok(true)` for this tab.
fn same_tab(mode: Option<String>, unsupported: Option<String>) -> Result<bool, ConnectError> {
    Mode::parse(mode.as_deref()).map(|m| m.same_tab(unsupported.as_deref()))
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

/// A same-tab start: resolves `null` once the tab is leaving, or rejects.
fn settle_leaving(left: Result<(), ConnectError>, resolve: &Function, reject: &Function) {
    let _ = match left {
        Ok(()) => resolve.call1(&JsValue::NULL, &JsValue::NULL),
        Err(e) => reject.call1(&JsValue::NULL, &error(e)),
    };
}

/// `authorize(options)` (docs/flows.md#authorize); `extra_params` comes as name, value, name, value, ….
#[wasm_bindgen(js_name = authorize, skip_typescript)]
#[allow(clippy::too_many_arguments)]
pub fn authorize(
    authorization_endpoint: String,
    client_id: String,
    redirect_uri: String,
    scope: Array,
    extra_params: Array,
    issuer: Option<String>,
    state: Option<String>,
    pkce: Option<bool>,
    mode: Option<String>,
    unsupported: Option<String>,
    app_state: JsValue,
    common: Array,
    resolve: Function,
    reject: Function,
) {
    let mut extra = strings(&extra_params).into_iter();
    let extra_params = std::iter::from_fn(|| Some((extra.next()?, extra.next()?))).collect();
    let o = AuthorizeOptions {
        authorization_endpoint,
        client_id,
        redirect_uri,
        scope: strings(&scope),
        extra_params,
        issuer,
        state,
        pkce: pkce_or_default(pkce),
        common: common_options(&common),
    };
    match same_tab(mode, unsupported) {
        Ok(false) => drop(run_flow(start_authorize(o), resolve, reject)),
        redirect => {
            let left = redirect.and_then(|_| app_state_text(app_state)).and_then(|a| authorize_redirect(o, a));
            settle_leaving(left, &resolve, &reject);
        }
    }
}

/// `pkce` as given, else the Rust default (on).
fn pkce_or_default(pkce: Option<bool>) -> bool {
    pkce.unwrap_or(AuthorizeOptions::default().pkce)
}

/// `openConnectLink(link, options)` (docs/flows.md#connect-link). With a link string it
/// returns `undefined`; with a link function (`link` is `None`) it returns
/// `[redirectUri, minted]`: the entry calls the app's function with `redirectUri` inside
/// the click, then `minted(url)`, or `minted(undefined, true)` when the function failed.
#[wasm_bindgen(js_name = openConnectLink, skip_typescript)]
#[allow(clippy::too_many_arguments)]
pub fn open_connect_link(
    link: Option<String>,
    redirect_uri: Option<String>,
    state: Option<String>,
    mode: Option<String>,
    unsupported: Option<String>,
    app_state: JsValue,
    common: Array,
    resolve: Function,
    reject: Function,
) -> JsValue {
    let o = ConnectLinkOptions { redirect_uri, state, common: common_options(&common) };
    match same_tab(mode, unsupported) {
        Ok(false) => {}
        redirect => {
            let started =
                redirect.and_then(|_| app_state_text(app_state)).and_then(|a| start_link_redirect(link, &o, a));
            if let Ok(Some((pending, mint_for))) = started {
                return minting(mint_for, move |minted| {
                    settle_leaving(link_redirect_minted(pending, minted), &resolve, &reject)
                });
            }
            settle_leaving(started.map(drop), &resolve, &reject);
            return JsValue::UNDEFINED;
        }
    }
    let started = start_link(link, &o);
    let mint_for = started.as_ref().ok().and_then(|(_, m)| m.clone());
    let Some(running) = run_flow(started.map(|(r, _)| r), resolve, reject) else { return JsValue::UNDEFINED };
    let Some(redirect) = mint_for else { return JsValue::UNDEFINED };
    minting(redirect, move |minted| link_minted(&running, minted))
}

/// `[redirectUri, minted]` for the entry: it calls the app's link function with
/// `redirectUri`, then `minted(url)`, or `minted(undefined, true)` when the function failed.
fn minting(redirect_uri: String, then: impl FnOnce(Result<String, ConnectError>) + 'static) -> JsValue {
    let minted = Closure::once_into_js(move |url: JsValue, failed: bool| {
        then(match url.as_string() {
            _ if failed => Err(ConnectError::with_detail(
                ErrorCode::Other("link_factory_failed".into()),
                "the link function failed",
            )),
            Some(url) => Ok(url),
            None => Err(ConnectError::invalid_options("the link function must give a URL string")),
        })
    });
    js_sys::Array::of2(&JsValue::from_str(&redirect_uri), &minted).into()
}

/// `completeRedirect(options)` (docs/flows.md#redirect-mode), for the redirect page in
/// either mode: resolves `{ flow, …result, appState }`, or `null` when there is nothing for
/// this page to finish.
#[wasm_bindgen(js_name = completeRedirect, skip_typescript)]
pub fn complete_redirect(
    opener_origin: Option<String>,
    ack_timeout_ms: Option<f64>,
    resolve: Function,
    reject: Function,
) {
    let options = match callback_options(opener_origin, ack_timeout_ms) {
        Ok(o) => o,
        Err(e) => return drop(reject.call1(&JsValue::NULL, &error(e))),
    };
    start_complete_redirect(
        options,
        Box::new(move |r| {
            let _ = match r {
                Ok(done) => resolve.call1(&JsValue::NULL, &done.map_or(JsValue::NULL, convert::redirect_result)),
                Err(e) => reject.call1(&JsValue::NULL, &error(e)),
            };
        }),
    );
}

/// The callback page's options, checked.
fn callback_options(
    opener_origin: Option<String>,
    ack_timeout_ms: Option<f64>,
) -> Result<browser::CallbackOptions, ConnectError> {
    let mut options = browser::CallbackOptions { opener_origin, ..Default::default() };
    if let Some(ms) = ack_timeout_ms {
        if !(0.0..=60_000.0).contains(&ms) {
            return Err(ConnectError::must_be("ack_timeout_ms", "0 to 60000"));
        }
        options.ack_timeout_ms = ms as u32;
    }
    Ok(options)
}

/// `completeCallback(options)` (docs/flows.md#callback-page), for the app's callback page.
#[wasm_bindgen(js_name = completeCallback, skip_typescript)]
pub fn complete_callback(
    opener_origin: Option<String>,
    ack_timeout_ms: Option<f64>,
    resolve: Function,
    reject: Function,
) {
    let done = move |r: Result<browser::CallbackOutcome, ConnectError>| {
        let _ = match r {
            Ok(out) => {
                let via = match out.delivery {
                    browser::Delivery::Opener => "opener",
                    browser::Delivery::Channel => "broadcastChannel",
                };
                let value = object(&[
                    ("delivery", JsValue::from_str(via)),
                    ("acknowledged", JsValue::from_bool(out.acknowledged)),
                ]);
                resolve.call1(&JsValue::NULL, &value)
            }
            Err(e) => reject.call1(&JsValue::NULL, &error(e)),
        };
    };
    match callback_options(opener_origin, ack_timeout_ms) {
        Ok(options) => start_callback(options, Box::new(done)),
        Err(e) => done(Err(e)),
    }
}

/// The token helpers, by number: `exchangeCode`, `refreshToken`, `revokeToken`.
const EXCHANGE: u8 = 0;
const REFRESH: u8 = 1;

/// `tokenRequest(kind, fields, bodyEncoding)`: a token helper's checked request, `{ url,
/// body, contentType, unreachable }` (docs/flows.md#tokens). `fields` are the helper's
/// string options in the order of its Rust struct. The entry sends the request with
/// `fetch` and hands the answer to `tokenResult`; `unreachable` is the error for a failed
/// `fetch`.
#[wasm_bindgen(js_name = tokenRequest, skip_typescript)]
pub fn token_request(kind: u8, fields: Array, body_encoding: Option<String>) -> Result<JsValue, JsValue> {
    let mut v = strings(&fields).into_iter();
    let mut next = || v.next().unwrap_or_default();
    let prepared = BodyEncoding::parse(body_encoding.as_deref()).and_then(|body_encoding| {
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
            .prepare(),
            REFRESH => {
                browser::RefreshToken { token_endpoint: endpoint, client_id, refresh_token: next(), body_encoding }
                    .prepare()
            }
            _ => browser::RevokeToken { revocation_endpoint: endpoint, client_id, token: next(), body_encoding }
                .prepare(),
        }
    });
    let p = prepared.map_err(error)?;
    Ok(object(&[
        ("url", JsValue::from_str(&p.endpoint)),
        ("body", JsValue::from_str(&p.body)),
        ("contentType", JsValue::from_str(p.encoding.content_type())),
        ("unreachable", error(p.unreachable())),
    ]))
}

/// `tokenResult(kind, status, json)`: judges a token endpoint's answer (`json` is
/// `undefined` when the body was not JSON); throws the `ConnectError`.
#[wasm_bindgen(js_name = tokenResult, skip_typescript)]
pub fn token_result(kind: u8, status: u16, json: JsValue) -> Result<JsValue, JsValue> {
    let body = json_body(&json);
    let body = body.as_ref().map(|b| b as _);
    match kind {
        EXCHANGE | REFRESH => parse_token_response(status, body, js_sys::Date::now()).map(convert::tokens),
        _ => parse_revoke_response(status, body).map(|()| JsValue::UNDEFINED),
    }
    .map_err(error)
}

// ---------------------------------------------------------------------------------------
// Pure helpers (docs/flows.md#helpers). Synchronous; they throw `ConnectError` where docs/flows.md#helpers says so.

/// `generatePkce()` → `{ codeVerifier, codeChallenge, codeChallengeMethod: "S256" }`.
#[wasm_bindgen(js_name = generatePkce, skip_typescript)]
pub fn generate_pkce() -> Result<JsValue, JsValue> {
    let p = Pkce::generate().map_err(error)?;
    Ok(object(&[
        ("codeVerifier", JsValue::from_str(p.verifier.secret())),
        ("codeChallenge", JsValue::from_str(&p.challenge)),
        ("codeChallengeMethod", JsValue::from_str(METHOD)),
    ]))
}

/// `pkceChallenge(verifier)`: the S256 challenge; throws `invalid_options` outside RFC 7636 §4.1.
#[wasm_bindgen(js_name = pkceChallenge, skip_typescript)]
pub fn pkce_challenge_js(verifier: JsValue) -> Result<String, JsValue> {
    let v = verifier.as_string().ok_or_else(|| error(ConnectError::invalid_options("verifier must be a string")))?;
    pkce_challenge(&v).map_err(error)
}

/// `generateState()`: 256 fresh CSPRNG bits, base64url.
#[wasm_bindgen(js_name = generateState, skip_typescript)]
pub fn generate_state() -> Result<String, JsValue> {
    crate::random::generate_state().map_err(error)
}

/// `parseVendoMessage(data)`: the typed message, or `null`. Never throws.
#[wasm_bindgen(js_name = parseVendoMessage, skip_typescript)]
pub fn parse_vendo_message(data: JsValue) -> JsValue {
    crate::message::parse_vendo_message(&browser::js_data::JsData(&data)).map_or(JsValue::NULL, convert::vendo_message)
}

/// `parseCallbackUrl(url)`: the typed callback; throws `invalid_response`.
#[wasm_bindgen(js_name = parseCallbackUrl, skip_typescript)]
pub fn parse_callback_url(url: JsValue) -> Result<JsValue, JsValue> {
    let url = url.as_string().ok_or_else(|| error(ConnectError::invalid_response("url must be a string")))?;
    crate::callback::parse_callback_url(&url).map(convert::callback).map_err(error)
}

/// `validateRedirectUri(uri, { allowedHosts })` → `{ ok, code }`; `code` is `null` when ok.
#[wasm_bindgen(js_name = validateRedirectUri, skip_typescript)]
pub fn validate_redirect_uri_js(uri: JsValue, hosts: Array) -> JsValue {
    let hosts = strings(&hosts);
    let verdict = match uri.as_string() {
        None => Err(crate::validate::RedirectUriRule::InvalidUrl),
        Some(uri) => validate_redirect_uri(&uri, &hosts).map(|_| ()),
    };
    match verdict {
        Ok(()) => object(&[("ok", JsValue::TRUE), ("code", JsValue::NULL)]),
        Err(rule) => object(&[("ok", JsValue::FALSE), ("code", JsValue::from_str(rule.code()))]),
    }
}

/// `sanitizeReturnTo(path)`: the path when it is a safe same-origin path, else `null`.
#[wasm_bindgen(js_name = sanitizeReturnTo, skip_typescript)]
pub fn sanitize_return_to_js(path: JsValue) -> JsValue {
    opt(path.as_string().and_then(|p| sanitize_return_to(&p)))
}

#[cfg(test)]
mod tests {
    use super::*;
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
