//! Stand-ins for the vendo-connect calls, used only by `--no-default-features` builds
//! (the size measurement in scripts/build-examples.sh): same names and shapes, no crate.
//! Every flow fails at once with a value the optimizer cannot see through, so the app's
//! success paths stay in the binary and the difference is the crate alone.

use std::future::{ready, Ready};
use std::hint::black_box;

pub struct ErrorCode(&'static str);

impl ErrorCode {
    pub fn as_str(&self) -> &str {
        self.0
    }
}

pub struct ConnectError {
    pub code: ErrorCode,
    pub detail: Option<String>,
}

type Flow<T> = Ready<Result<T, ConnectError>>;

fn stubbed<T>(value: impl FnOnce() -> T) -> Flow<T> {
    let fail = black_box(true);
    ready(if fail {
        Err(ConnectError { code: ErrorCode("stubbed"), detail: Some("built without vendo-connect".into()) })
    } else {
        Ok(value())
    })
}

#[derive(Default)]
pub struct ConnectOptions {
    pub base_url: String,
    pub provider: String,
    pub state: Option<String>,
}

pub struct Connection {
    pub connection_id: String,
    pub display_name: Option<String>,
}

pub fn connect(o: ConnectOptions) -> Flow<Connection> {
    stubbed(|| Connection {
        connection_id: black_box(o.base_url),
        display_name: black_box(o.state).or(Some(o.provider)),
    })
}

#[derive(Default)]
pub struct AuthorizeOptions {
    pub authorization_endpoint: String,
    pub client_id: String,
    pub redirect_uri: String,
    pub scope: Vec<String>,
    pub issuer: Option<String>,
    pub state: Option<String>,
}

pub struct CodeVerifier(String);

impl CodeVerifier {
    pub fn secret(&self) -> &str {
        &self.0
    }
}

pub struct Authorization {
    pub code: String,
    pub code_verifier: Option<CodeVerifier>,
    pub redirect_uri: String,
    pub iss: Option<String>,
}

pub fn authorize(o: AuthorizeOptions) -> Flow<Authorization> {
    stubbed(|| Authorization {
        code: black_box(o.client_id),
        code_verifier: Some(CodeVerifier(black_box(o.authorization_endpoint))),
        redirect_uri: black_box(o.redirect_uri),
        iss: black_box(o.issuer).or(black_box(o.scope).pop()).or(o.state),
    })
}

#[derive(Default)]
pub struct ExchangeCode {
    pub token_endpoint: String,
    pub client_id: String,
    pub code: String,
    pub code_verifier: String,
    pub redirect_uri: String,
    pub body_encoding: (),
}

pub struct TokenResponse {
    pub access_token: String,
    pub token_type: String,
    pub expires_in: Option<f64>,
    pub refresh_token: Option<String>,
}

pub async fn exchange_code(o: &ExchangeCode) -> Result<TokenResponse, ConnectError> {
    let o = black_box(o);
    stubbed(|| TokenResponse {
        access_token: o.code.clone(),
        token_type: o.token_endpoint.clone() + &o.client_id + &o.code_verifier,
        expires_in: Some(black_box(3600.0)),
        refresh_token: Some(o.redirect_uri.clone() + &format!("{:?}", o.body_encoding)),
    })
    .await
}

#[derive(Default)]
pub struct CallbackOptions {
    pub opener_origin: Option<String>,
}

pub async fn complete_callback(o: CallbackOptions) -> Result<Option<String>, ConnectError> {
    stubbed(|| black_box(o.opener_origin)).await
}
