//! Token endpoint calls for public clients over `gloo-net` (SPEC §1.2; RFC 6749 §4.1.3,
//! §6; RFC 7009 §2). Bodies and responses are built and judged by [`crate::token`];
//! this module only moves bytes. Tokens travel in request bodies, never in URLs or logs.

use gloo_net::http::Request;

use crate::error::{ConnectError, ErrorCode};
use crate::token::{parse_revoke_response, parse_token_response, BodyEncoding, TokenRequest, TokenResponse};
use crate::validate::validate_endpoint;

/// `exchangeCode` options: trade an authorization code (and its verifier) for tokens.
#[derive(Clone, Debug)]
pub struct ExchangeCode {
    /// The token endpoint.
    pub token_endpoint: String,
    /// The public client's id.
    pub client_id: String,
    /// The authorization code.
    pub code: String,
    /// The PKCE code verifier.
    pub code_verifier: String,
    /// The redirect URI used in the authorization request.
    pub redirect_uri: String,
    /// `form` (RFC 6749) or `json` (Vendaze).
    pub body_encoding: BodyEncoding,
}

/// `refreshToken` options.
#[derive(Clone, Debug)]
pub struct RefreshToken {
    /// The token endpoint.
    pub token_endpoint: String,
    /// The public client's id.
    pub client_id: String,
    /// The refresh token.
    pub refresh_token: String,
    /// `form` or `json`.
    pub body_encoding: BodyEncoding,
}

/// `revokeToken` options.
#[derive(Clone, Debug)]
pub struct RevokeToken {
    /// The revocation endpoint.
    pub revocation_endpoint: String,
    /// The public client's id.
    pub client_id: String,
    /// The access or refresh token to revoke.
    pub token: String,
    /// `form` or `json`.
    pub body_encoding: BodyEncoding,
}

fn required(value: &str, name: &str) -> Result<(), ConnectError> {
    if value.is_empty() {
        return Err(ConnectError::invalid_options(format!("{name} is required")));
    }
    Ok(())
}

async fn post(endpoint: &str, what: &str, encoding: BodyEncoding, body: String) -> Result<(u16, String), ConnectError> {
    validate_endpoint(endpoint, what)?;
    let network = |_| ConnectError::with_detail(ErrorCode::NetworkError, format!("the {what} could not be reached"));
    let response = Request::post(endpoint)
        .header("Content-Type", encoding.content_type())
        .header("Accept", "application/json")
        .body(body)
        .map_err(network)?
        .send()
        .await
        .map_err(network)?;
    let status = response.status();
    let text = response.text().await.map_err(network)?;
    Ok((status, text))
}

/// Exchanges an authorization code for tokens (RFC 6749 §4.1.3, RFC 7636 §4.5).
pub async fn exchange_code(o: &ExchangeCode) -> Result<TokenResponse, ConnectError> {
    for (v, n) in [
        (&o.client_id, "clientId"),
        (&o.code, "code"),
        (&o.code_verifier, "codeVerifier"),
        (&o.redirect_uri, "redirectUri"),
    ] {
        required(v, n)?;
    }
    let body = TokenRequest::ExchangeCode {
        client_id: &o.client_id,
        code: &o.code,
        code_verifier: &o.code_verifier,
        redirect_uri: &o.redirect_uri,
    }
    .body(o.body_encoding);
    let (status, text) = post(&o.token_endpoint, "tokenEndpoint", o.body_encoding, body).await?;
    parse_token_response(status, &text, js_sys::Date::now())
}

/// Refreshes an access token (RFC 6749 §6).
pub async fn refresh_token(o: &RefreshToken) -> Result<TokenResponse, ConnectError> {
    required(&o.client_id, "clientId")?;
    required(&o.refresh_token, "refreshToken")?;
    let body = TokenRequest::Refresh { client_id: &o.client_id, refresh_token: &o.refresh_token, scope: None }
        .body(o.body_encoding);
    let (status, text) = post(&o.token_endpoint, "tokenEndpoint", o.body_encoding, body).await?;
    parse_token_response(status, &text, js_sys::Date::now())
}

/// Revokes a token (RFC 7009 §2).
pub async fn revoke_token(o: &RevokeToken) -> Result<(), ConnectError> {
    required(&o.client_id, "clientId")?;
    required(&o.token, "token")?;
    let body =
        TokenRequest::Revoke { client_id: &o.client_id, token: &o.token, token_type_hint: None }.body(o.body_encoding);
    let (status, text) = post(&o.revocation_endpoint, "revocationEndpoint", o.body_encoding, body).await?;
    parse_revoke_response(status, &text)
}
