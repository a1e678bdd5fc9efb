//! The JS API (docs/flows.md, docs/options.md), a thin skin over the Rust API, compiled
//! only with the `js` cargo feature (the npm build): options are read from JS objects,
//! results become plain objects, errors become `ConnectError` instances. Flows return
//! Promises and never throw; their popup opens before they return. The wasm side is
//! synchronous: the package's entry (`pkg-template/index.js`) creates each Promise and
//! passes its `resolve`/`reject`, awaits the app's link function, and sends token requests
//! with `fetch`, so the npm wasm links no async executor (docs/architecture.md#size).
//! TypeScript declarations are hand-written in `pkg-template/index.d.ts`, checked against
//! the Rust lists by tests.

mod convert;
mod options;

use js_sys::Function;
use wasm_bindgen::prelude::*;

use self::convert::{error, object, opt};
use self::options::Opts;
use crate::browser::callback_page::start_callback;
use crate::browser::flows::{link_minted, start_authorize, start_connect, start_link};
use crate::browser::http::{json_body, Prepared};
use crate::browser::{self, AuthorizeOptions, ConnectLinkOptions, ConnectOptions};
use crate::error::{ConnectError, ErrorCode};
use crate::pkce::{pkce_challenge, Pkce, METHOD};
use crate::token::{parse_revoke_response, parse_token_response};
use crate::validate::{sanitize_return_to, validate_redirect_uri};

/// How a flow's promise settles: `resolve` with the plain result, `reject` with a `ConnectError`.
fn settle_with(resolve: Function, reject: Function) -> Box<dyn FnOnce(Result<crate::protocol::Outcome, ConnectError>)> {
    Box::new(move |r| {
        let _ = match r {
            Ok(o) => resolve.call1(&JsValue::NULL, &convert::outcome(o)),
            Err(e) => reject.call1(&JsValue::NULL, &error(e)),
        };
    })
}

/// Reads the options, starts the flow and hands its result to `resolve`/`reject`.
fn run_flow<O>(
    read: impl FnOnce() -> Result<O, ConnectError>,
    start: impl FnOnce(O) -> Result<std::rc::Rc<browser::driver::Running>, ConnectError>,
    resolve: Function,
    reject: Function,
) {
    let settle = settle_with(resolve, reject);
    match read().and_then(start) {
        Ok(running) => running.on_settle(settle),
        Err(e) => settle(Err(e)),
    }
}

/// Reads a token helper's options: never a client secret (docs/security.md#no-secrets).
fn token_options<O>(options: JsValue, build: impl FnOnce(&Opts) -> Result<O, ConnectError>) -> Result<O, ConnectError> {
    let o = Opts::new(options, "options")?;
    o.forbid("clientSecret", "secrets stay on servers")?;
    build(&o)
}

/// `connect(options)` (docs/flows.md#connect); the package's entry wraps it in a Promise.
#[wasm_bindgen(js_name = connect, skip_typescript)]
pub fn connect(options: JsValue, resolve: Function, reject: Function) {
    let read = || -> Result<ConnectOptions, ConnectError> {
        let o = Opts::new(options, "options")?;
        Ok(ConnectOptions {
            base_url: o.required("baseUrl")?,
            provider: o.required("provider")?,
            app_key: o.string("appKey")?,
            return_to: o.string("returnTo")?,
            state: o.string("state")?,
            common: o.common()?,
        })
    };
    run_flow(read, |o| start_connect(&o), resolve, reject);
}

/// `authorize(options)` (docs/flows.md#authorize).
#[wasm_bindgen(js_name = authorize, skip_typescript)]
pub fn authorize(options: JsValue, resolve: Function, reject: Function) {
    let read = || -> Result<AuthorizeOptions, ConnectError> {
        let o = Opts::new(options, "options")?;
        o.forbid("clientSecret", "secrets stay on servers; use a public client with PKCE")?;
        Ok(AuthorizeOptions {
            authorization_endpoint: o.required("authorizationEndpoint")?,
            client_id: o.required("clientId")?,
            redirect_uri: o.required("redirectUri")?,
            scope: o.strings("scope")?,
            extra_params: o.string_map("extraParams")?,
            issuer: o.string("issuer")?,
            state: o.string("state")?,
            pkce: o.boolean("pkce")?.unwrap_or(true),
            common: o.common()?,
        })
    };
    run_flow(read, start_authorize, resolve, reject);
}

/// `openConnectLink(link, options)` (docs/flows.md#connect-link). With a link string it
/// returns `undefined`; with a link function (`link` is `null`) it returns
/// `[redirectUri, minted]`: the entry calls the app's function with `redirectUri` inside
/// the click, then `minted(url)`, or `minted(undefined, true)` when the function failed.
#[wasm_bindgen(js_name = openConnectLink, skip_typescript)]
pub fn open_connect_link(link: JsValue, options: JsValue, resolve: Function, reject: Function) -> JsValue {
    let settle = settle_with(resolve, reject);
    let read = || -> Result<(Option<String>, ConnectLinkOptions), ConnectError> {
        let o = Opts::new(options, "options")?;
        let url = match link.as_string() {
            Some(url) => Some(url),
            None if link.is_null() => None,
            None => return Err(ConnectError::invalid_options("link must be a URL string or a function")),
        };
        Ok((
            url,
            ConnectLinkOptions {
                redirect_uri: o.string("redirectUri")?,
                state: o.string("state")?,
                common: o.common()?,
            },
        ))
    };
    match read().and_then(|(url, o)| start_link(url, &o)) {
        Err(e) => {
            settle(Err(e));
            JsValue::UNDEFINED
        }
        Ok((running, mint_for)) => {
            running.on_settle(settle);
            let Some(redirect) = mint_for else { return JsValue::UNDEFINED };
            let minted = Closure::once_into_js(move |url: JsValue, failed: bool| {
                let minted = match url.as_string() {
                    _ if failed => Err(ConnectError::with_detail(
                        ErrorCode::Other("link_factory_failed".into()),
                        "the link function failed",
                    )),
                    Some(url) => Ok(url),
                    None => Err(ConnectError::invalid_options("the link function must return a URL string")),
                };
                link_minted(&running, minted);
            });
            js_sys::Array::of2(&JsValue::from_str(&redirect), &minted).into()
        }
    }
}

/// `completeCallback(options)` (docs/flows.md#callback-page), for the app's callback page.
#[wasm_bindgen(js_name = completeCallback, skip_typescript)]
pub fn complete_callback(options: JsValue, resolve: Function, reject: Function) {
    let read = || -> Result<browser::CallbackOptions, ConnectError> {
        let o = Opts::new(options, "options")?;
        let mut c = browser::CallbackOptions { opener_origin: o.string("openerOrigin")?, ..Default::default() };
        if let Some(ms) = o.number("ackTimeoutMs")? {
            if !(0.0..=60_000.0).contains(&ms) {
                return Err(ConnectError::must_be("ackTimeoutMs", "0 to 60000"));
            }
            c.ack_timeout_ms = ms as u32;
        }
        Ok(c)
    };
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
    match read() {
        Ok(o) => start_callback(o, Box::new(done)),
        Err(e) => done(Err(e)),
    }
}

/// The token helpers, by number: `exchangeCode`, `refreshToken`, `revokeToken`.
const EXCHANGE: u8 = 0;
const REFRESH: u8 = 1;

/// `tokenRequest(kind, options)`: a token helper's checked request, `{ url, body,
/// contentType, unreachable }` (docs/flows.md#tokens). The entry sends it with `fetch` and
/// hands the answer to `tokenResult`; `unreachable` is the error for a failed `fetch`.
#[wasm_bindgen(js_name = tokenRequest, skip_typescript)]
pub fn token_request(kind: u8, options: JsValue) -> Result<JsValue, JsValue> {
    let prepared: Result<Prepared, ConnectError> = match kind {
        EXCHANGE => token_options(options, |o| {
            Ok(browser::ExchangeCode {
                token_endpoint: o.required("tokenEndpoint")?,
                client_id: o.required("clientId")?,
                code: o.required("code")?,
                code_verifier: o.required("codeVerifier")?,
                redirect_uri: o.required("redirectUri")?,
                body_encoding: o.body_encoding()?,
            })
        })
        .and_then(|o| o.prepare()),
        REFRESH => token_options(options, |o| {
            Ok(browser::RefreshToken {
                token_endpoint: o.required("tokenEndpoint")?,
                client_id: o.required("clientId")?,
                refresh_token: o.required("refreshToken")?,
                body_encoding: o.body_encoding()?,
            })
        })
        .and_then(|o| o.prepare()),
        _ => token_options(options, |o| {
            Ok(browser::RevokeToken {
                revocation_endpoint: o.required("revocationEndpoint")?,
                client_id: o.required("clientId")?,
                token: o.required("token")?,
                body_encoding: o.body_encoding()?,
            })
        })
        .and_then(|o| o.prepare()),
    };
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
// Pure helpers (docs/flows.md#helpers). Synchronous; they throw `ConnectError` where SPEC says so.

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
pub fn validate_redirect_uri_js(uri: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    let o = Opts::new(options, "options").map_err(error)?;
    let hosts = o.strings("allowedHosts").map_err(error)?;
    let verdict = match uri.as_string() {
        None => Err(crate::validate::RedirectUriRule::InvalidUrl),
        Some(uri) => validate_redirect_uri(&uri, &hosts).map(|_| ()),
    };
    Ok(match verdict {
        Ok(()) => object(&[("ok", JsValue::TRUE), ("code", JsValue::NULL)]),
        Err(rule) => object(&[("ok", JsValue::FALSE), ("code", JsValue::from_str(rule.code()))]),
    })
}

/// `sanitizeReturnTo(path)`: the path when it is a safe same-origin path, else `null`.
#[wasm_bindgen(js_name = sanitizeReturnTo, skip_typescript)]
pub fn sanitize_return_to_js(path: JsValue) -> JsValue {
    opt(path.as_string().and_then(|p| sanitize_return_to(&p)))
}
