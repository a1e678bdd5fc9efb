//! The JS API (SPEC §1–§3), a thin skin over the Rust API: options are read from JS
//! objects, results become plain objects, errors become `ConnectError` instances.
//! Flows return Promises and never throw; their popup opens before they return.
//! TypeScript declarations are hand-written in `pkg-template/index.d.ts`.

mod convert;
mod options;

use std::cell::RefCell;
use std::future::Future;
use std::rc::Rc;

use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{future_to_promise, JsFuture};

use self::convert::{error, object, opt};
use self::options::Opts;
use crate::browser::{self, AuthorizeOptions, ConnectLinkOptions, ConnectOptions, LinkSource};
use crate::error::{ConnectError, ErrorCode};
use crate::pkce::{pkce_challenge, Pkce, METHOD};
use crate::validate::{sanitize_return_to, validate_redirect_uri};

/// Runs `start` with the options read from JS; unreadable options reject the promise.
fn call<O, T: 'static, F>(read: Result<O, ConnectError>, start: impl FnOnce(O) -> F, to_js: fn(T) -> JsValue) -> Promise
where
    F: Future<Output = Result<T, ConnectError>> + 'static,
{
    match read {
        Ok(options) => {
            let fut = start(options);
            future_to_promise(async move { fut.await.map(to_js).map_err(error) })
        }
        Err(e) => Promise::reject(&error(e)),
    }
}

/// Reads a token helper's options: never a client secret (SPEC §1.2).
fn token_options<O>(options: JsValue, build: impl FnOnce(&Opts) -> Result<O, ConnectError>) -> Result<O, ConnectError> {
    let o = Opts::new(options, "options")?;
    o.forbid("clientSecret", "secrets stay on servers")?;
    build(&o)
}

/// `connect(options)` (SPEC §1.1).
#[wasm_bindgen(js_name = connect, skip_typescript)]
pub fn connect(options: JsValue) -> Promise {
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
    call(read(), browser::connect, convert::connection)
}

/// `authorize(options)` (SPEC §1.2).
#[wasm_bindgen(js_name = authorize, skip_typescript)]
pub fn authorize(options: JsValue) -> Promise {
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
    call(read(), browser::authorize, |a| {
        object(&[
            ("code", JsValue::from_str(&a.code)),
            ("state", JsValue::from_str(&a.state)),
            ("codeVerifier", opt(a.code_verifier.as_ref().map(|v| v.secret()))),
            ("redirectUri", JsValue::from_str(&a.redirect_uri)),
            ("iss", opt(a.iss)),
        ])
    })
}

/// `openConnectLink(link, options)` (SPEC §1.3). A factory that throws or rejects
/// makes the flow reject with that very error.
#[wasm_bindgen(js_name = openConnectLink, skip_typescript)]
pub fn open_connect_link(link: JsValue, options: JsValue) -> Promise {
    let factory_error: Rc<RefCell<Option<JsValue>>> = Rc::default();
    let read = || -> Result<(LinkSource, ConnectLinkOptions), ConnectError> {
        let o = Opts::new(options, "options")?;
        let source = if let Some(url) = link.as_string() {
            LinkSource::Url(url)
        } else if let Some(f) = link.dyn_ref::<Function>() {
            LinkSource::Factory(js_factory(f.clone(), Rc::clone(&factory_error)))
        } else {
            return Err(ConnectError::invalid_options("link must be a URL string or a function"));
        };
        let opts = ConnectLinkOptions {
            redirect_uri: o.string("redirectUri")?,
            state: o.string("state")?,
            common: o.common()?,
        };
        Ok((source, opts))
    };
    match read() {
        Err(e) => Promise::reject(&error(e)),
        Ok((source, opts)) => {
            let flow = browser::open_connect_link(source, opts);
            future_to_promise(async move {
                match flow.await {
                    Ok(l) => Ok(convert::linked(l)),
                    Err(e) => Err(factory_error.borrow_mut().take().unwrap_or_else(|| error(e))),
                }
            })
        }
    }
}

/// Calls the JS factory synchronously (so the app's backend request starts inside the
/// click), then awaits whatever it returned.
fn js_factory(f: Function, slot: Rc<RefCell<Option<JsValue>>>) -> browser::LinkFactory {
    Box::new(move |redirect_uri: String| {
        let called = f.call1(&JsValue::NULL, &JsValue::from_str(&redirect_uri));
        Box::pin(async move {
            let failed = |value: JsValue, slot: &Rc<RefCell<Option<JsValue>>>| {
                *slot.borrow_mut() = Some(value);
                ConnectError::with_detail(ErrorCode::Other("link_factory_failed".into()), "the link function failed")
            };
            let value = match called {
                Err(thrown) => return Err(failed(thrown, &slot)),
                Ok(v) if v.is_instance_of::<Promise>() => {
                    JsFuture::from(v.unchecked_into::<Promise>()).await.map_err(|e| failed(e, &slot))?
                }
                Ok(v) => v,
            };
            value.as_string().ok_or_else(|| ConnectError::invalid_options("the link function must return a URL string"))
        })
    })
}

/// `completeCallback(options)` (SPEC §1.4), for the app's callback page.
#[wasm_bindgen(js_name = completeCallback, skip_typescript)]
pub fn complete_callback(options: JsValue) -> Promise {
    let read = || -> Result<browser::CallbackOptions, ConnectError> {
        let o = Opts::new(options, "options")?;
        let mut c = browser::CallbackOptions { opener_origin: o.string("openerOrigin")?, ..Default::default() };
        if let Some(ms) = o.number("ackTimeoutMs")? {
            if !(0.0..=60_000.0).contains(&ms) {
                return Err(ConnectError::invalid_options("ackTimeoutMs must be 0 to 60000"));
            }
            c.ack_timeout_ms = ms as u32;
        }
        Ok(c)
    };
    call(read(), browser::complete_callback, |out| {
        let via = match out.delivery {
            browser::Delivery::Opener => "opener",
            browser::Delivery::Channel => "broadcastChannel",
        };
        object(&[("delivery", JsValue::from_str(via)), ("acknowledged", JsValue::from_bool(out.acknowledged))])
    })
}

/// `exchangeCode(options)` (SPEC §1.2).
#[wasm_bindgen(js_name = exchangeCode, skip_typescript)]
pub fn exchange_code(options: JsValue) -> Promise {
    let read = token_options(options, |o| {
        Ok(browser::ExchangeCode {
            token_endpoint: o.required("tokenEndpoint")?,
            client_id: o.required("clientId")?,
            code: o.required("code")?,
            code_verifier: o.required("codeVerifier")?,
            redirect_uri: o.required("redirectUri")?,
            body_encoding: o.body_encoding()?,
        })
    });
    call(read, |o| async move { browser::exchange_code(&o).await }, convert::tokens)
}

/// `refreshToken(options)` (SPEC §1.2).
#[wasm_bindgen(js_name = refreshToken, skip_typescript)]
pub fn refresh_token(options: JsValue) -> Promise {
    let read = token_options(options, |o| {
        Ok(browser::RefreshToken {
            token_endpoint: o.required("tokenEndpoint")?,
            client_id: o.required("clientId")?,
            refresh_token: o.required("refreshToken")?,
            body_encoding: o.body_encoding()?,
        })
    });
    call(read, |o| async move { browser::refresh_token(&o).await }, convert::tokens)
}

/// `revokeToken(options)` (SPEC §1.2); resolves with `undefined`.
#[wasm_bindgen(js_name = revokeToken, skip_typescript)]
pub fn revoke_token(options: JsValue) -> Promise {
    let read = token_options(options, |o| {
        Ok(browser::RevokeToken {
            revocation_endpoint: o.required("revocationEndpoint")?,
            client_id: o.required("clientId")?,
            token: o.required("token")?,
            body_encoding: o.body_encoding()?,
        })
    });
    call(read, |o| async move { browser::revoke_token(&o).await }, |()| JsValue::UNDEFINED)
}

// ---------------------------------------------------------------------------------------
// Pure helpers (SPEC §3). Synchronous; they throw `ConnectError` where SPEC says so.

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
