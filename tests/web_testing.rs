//! `vendo_connect::testing` (the `testing` feature) driving the flows in a real browser
//! (headless Chromium through wasm-bindgen-test): each flow's popup is a blank window of the
//! test page's origin that answers from its own realm (docs/testing.md#rust), and the flows'
//! checks apply to it unchanged.
#![cfg(all(target_arch = "wasm32", feature = "testing"))]

use vendo_connect::browser::{
    authorize, connect, exchange_code, open_connect_link, refresh_token, AuthorizeOptions, CommonOptions,
    ConnectLinkOptions, ConnectOptions, ExchangeCode, LinkSource, RefreshToken,
};
use vendo_connect::testing::{self, AuthorizeOutcome, LinkOutcome, Modifiers, OAuthServer, Outcome, TokenOutcome};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const CLIENT_ID: &str = "kit-test";

fn callback() -> String {
    format!("{}/callback.html", testing::base_url())
}

/// Short waits: a person's close is read after `closed_grace_ms`.
fn common() -> CommonOptions {
    CommonOptions { timeout_ms: 5000.0, closed_grace_ms: 300.0, ..Default::default() }
}

fn server() -> OAuthServer {
    OAuthServer {
        issuer: format!("{}/as", testing::base_url()),
        client_id: CLIENT_ID.into(),
        redirect_uris: vec![callback()],
        ..Default::default()
    }
}

fn link_options() -> ConnectLinkOptions {
    ConnectLinkOptions { redirect_uri: Some(callback()), common: common(), ..Default::default() }
}

/// A link function that mints with the kit, as the app's backend would.
fn minting(tool: &'static str) -> LinkSource {
    LinkSource::Factory(Box::new(move |redirect_uri| {
        Box::pin(async move {
            testing::mint_link(&redirect_uri, tool).map_err(vendo_connect::ConnectError::invalid_options)
        })
    }))
}

#[wasm_bindgen_test]
async fn a_link_function_ends_with_the_scripted_connection() {
    testing::next_connect_link(LinkOutcome::Done { tool: None, connection_id: Some("conn-9".into()) }).unwrap();
    let linked = open_connect_link(minting("google_sheets"), link_options()).await.unwrap();
    assert_eq!((linked.tool.as_str(), linked.connection_id.as_str()), ("google_sheets", "conn-9"));
}

#[wasm_bindgen_test]
async fn a_minted_link_string_ends_with_the_scripted_error_after_noise() {
    let link = testing::mint_link(&callback(), "notion").unwrap();
    let noisy = Modifiers { noise: true, after_ms: 100 };
    testing::next_connect_link_with(LinkOutcome::Error { code: "connection_failed".into() }, noisy).unwrap();
    let e = open_connect_link(LinkSource::Url(link), link_options()).await.unwrap_err();
    assert_eq!(e.code().as_str(), "connection_failed");
}

#[wasm_bindgen_test]
async fn a_link_popup_the_person_closes_ends_in_popup_closed() {
    testing::next_connect_link(LinkOutcome::CloseAfterMs(1000)).unwrap();
    let e = open_connect_link(minting("slack"), link_options()).await.unwrap_err();
    assert_eq!(e.code().as_str(), "popup_closed");
}

#[wasm_bindgen_test]
async fn a_connect_popup_the_person_closes_ends_in_popup_closed_not_opener_lost() {
    testing::next_connect(Outcome::CloseAfterMs(1000)).unwrap();
    let options = ConnectOptions {
        base_url: testing::base_url(),
        provider: "notion".into(),
        common: common(),
        ..Default::default()
    };
    let e = connect(options).await.unwrap_err();
    assert_eq!(e.code().as_str(), "popup_closed");
}

fn authorize_options() -> AuthorizeOptions {
    let s = server();
    AuthorizeOptions {
        authorization_endpoint: format!("{}/authorize", s.issuer),
        client_id: CLIENT_ID.into(),
        redirect_uri: callback(),
        issuer: Some(s.issuer),
        common: common(),
        ..Default::default()
    }
}

fn exchange(a: &vendo_connect::Authorization) -> ExchangeCode {
    ExchangeCode {
        token_endpoint: format!("{}/token", server().issuer),
        client_id: CLIENT_ID.into(),
        code: a.code.clone(),
        code_verifier: a.code_verifier.as_ref().map(|v| v.secret().to_owned()).unwrap_or_default(),
        redirect_uri: a.redirect_uri.clone(),
        ..Default::default()
    }
}

#[wasm_bindgen_test]
async fn authorize_gives_a_code_the_token_endpoint_exchanges_once_with_its_verifier() {
    testing::serve_oauth(&server()).unwrap();
    testing::next_authorize(AuthorizeOutcome::Done).unwrap();
    let a = authorize(authorize_options()).await.unwrap();
    assert_eq!(a.iss.as_deref(), Some(server().issuer.as_str()));
    let tokens = exchange_code(&exchange(&a)).await.unwrap();
    assert_eq!(tokens.token_type, "Bearer");
    // A replayed code, and a wrong verifier, are refused as a real server refuses them.
    assert_eq!(exchange_code(&exchange(&a)).await.unwrap_err().code().as_str(), "invalid_grant");
    testing::next_authorize(AuthorizeOutcome::Done).unwrap();
    let b = authorize(authorize_options()).await.unwrap();
    let wrong = ExchangeCode { code_verifier: "x".repeat(43), ..exchange(&b) };
    assert_eq!(exchange_code(&wrong).await.unwrap_err().code().as_str(), "invalid_grant");
}

#[wasm_bindgen_test]
async fn refresh_tokens_rotate_and_a_scripted_token_error_is_the_answer() {
    testing::serve_oauth(&server()).unwrap();
    testing::next_authorize(AuthorizeOutcome::Done).unwrap();
    let a = authorize(authorize_options()).await.unwrap();
    let first = exchange_code(&exchange(&a)).await.unwrap().refresh_token.unwrap();
    let refresh = |token: &str| RefreshToken {
        token_endpoint: format!("{}/token", server().issuer),
        client_id: CLIENT_ID.into(),
        refresh_token: token.to_owned(),
        ..Default::default()
    };
    let second = refresh_token(&refresh(&first)).await.unwrap().refresh_token.unwrap();
    assert_ne!(first, second);
    // Each refresh token works once.
    assert_eq!(refresh_token(&refresh(&first)).await.unwrap_err().code().as_str(), "invalid_grant");
    let scripted = TokenOutcome::Error { code: "temporarily_unavailable".into(), detail: None, status: 503 };
    testing::next_token(scripted).unwrap();
    assert_eq!(refresh_token(&refresh(&second)).await.unwrap_err().code().as_str(), "temporarily_unavailable");
}

#[wasm_bindgen_test]
async fn authorize_ends_with_the_scripted_oauth_error() {
    testing::serve_oauth(&server()).unwrap();
    let error = AuthorizeOutcome::Error { code: "temporarily_unavailable".into(), detail: Some("try later".into()) };
    testing::next_authorize(error).unwrap();
    let e = authorize(authorize_options()).await.unwrap_err();
    assert_eq!((e.code().as_str(), e.detail()), ("temporarily_unavailable", Some("try later")));
}
