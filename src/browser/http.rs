//! Token endpoint calls for public clients with the browser's `fetch` (docs/flows.md#tokens;
//! RFC 6749 §4.1.3, §6; RFC 7009 §2). Options are checked, bodies built and responses judged
//! by `src/token.rs` (`ExchangeCode::call`, …), the response body parsed with
//! `JSON.parse`; this module only moves bytes. Tokens travel in request bodies, never in URLs or logs.
//!
//! `fetch` through `web-sys` rather than `gloo-net`: one POST needs none of its builder,
//! `http` types or body helpers, and they cost about 3 KB of wasm (docs/decisions.md#dependencies).

use js_sys::{Object, Reflect, JSON};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{RequestInit, Response};

use super::js_data::JsData;
use crate::error::ConnectError;
use crate::token::{parse_revoke_response, parse_token_response, TokenCall, TokenResponse};
pub use crate::token::{ExchangeCode, RefreshToken, RevokeToken};

/// Sends a prepared call; the answer's status and its body parsed as JSON (`undefined`
/// when it is not JSON).
async fn post(p: TokenCall) -> Result<(u16, JsValue), ConnectError> {
    let network = |_| p.unreachable();
    let window = super::window().ok_or_else(|| ConnectError::invalid_options("no window: run this in a browser"))?;
    let headers = Object::new();
    let _ = Reflect::set(&headers, &"Content-Type".into(), &p.encoding.content_type().into());
    let _ = Reflect::set(&headers, &"Accept".into(), &"application/json".into());
    let init = RequestInit::new();
    init.set_method("POST");
    init.set_headers(&headers);
    init.set_body(&JsValue::from_str(&p.body));
    let response: Response =
        JsFuture::from(window.fetch_with_str_and_init(&p.endpoint, &init)).await.map_err(network)?.unchecked_into();
    let text = JsFuture::from(response.text().map_err(network)?).await.map_err(network)?;
    let json = text.as_string().and_then(|t| JSON::parse(&t).ok()).unwrap_or(JsValue::UNDEFINED);
    Ok((response.status(), json))
}

/// A JSON body as message data; `None` when the body was not JSON.
pub fn json_body(json: &JsValue) -> Option<JsData<'_>> {
    Some(JsData(json)).filter(|_| !json.is_undefined())
}

/// Exchanges an authorization code for tokens (RFC 6749 §4.1.3, RFC 7636 §4.5).
pub async fn exchange_code(o: &ExchangeCode) -> Result<TokenResponse, ConnectError> {
    let (status, json) = post(o.call()?).await?;
    parse_token_response(status, json_body(&json).as_ref().map(|b| b as _), js_sys::Date::now())
}

/// Refreshes an access token (RFC 6749 §6).
pub async fn refresh_token(o: &RefreshToken) -> Result<TokenResponse, ConnectError> {
    let (status, json) = post(o.call()?).await?;
    parse_token_response(status, json_body(&json).as_ref().map(|b| b as _), js_sys::Date::now())
}

/// Revokes a token (RFC 7009 §2).
pub async fn revoke_token(o: &RevokeToken) -> Result<(), ConnectError> {
    let (status, json) = post(o.call()?).await?;
    parse_revoke_response(status, json_body(&json).as_ref().map(|b| b as _))
}
