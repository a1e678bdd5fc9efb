//! The three flows for Rust callers (SPEC §1.1–§1.3), one engine underneath.
//!
//! Each function validates every option, then opens the popup **synchronously, before it
//! returns** (no `await` between the click and `window.open`), and hands back a future
//! for the result. Call them straight from a click handler.

use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use web_sys::{AbortSignal, Window};

use super::driver::{self, emit, EventHook, FlowFuture, Launch, Running};
use super::popup;
use crate::error::{ConnectError, ErrorCode};
use crate::flow::{FlowConfig, Input, Protocol};
use crate::geometry::{DEFAULT_HEIGHT, DEFAULT_WIDTH};
use crate::pkce::CodeVerifier;
use crate::protocol::{
    AuthorizationCode, AuthorizationProtocol, ConnectLinkProtocol, Connection, LinkedTool, VendoProtocol,
};
use crate::random::generate_state;
use crate::request::{authorization_url, vendo_authorize_url, with_query_param, AuthorizationRequest, VendoAuthorize};
use crate::validate::{validate_base_url, validate_endpoint, validate_provider_slug, validate_return_to};

/// Popup size and name (SPEC §2; default 500×650, a new window each time).
#[derive(Clone, Debug)]
pub struct PopupOptions {
    /// Width in CSS pixels.
    pub width: u32,
    /// Height in CSS pixels.
    pub height: u32,
    /// The window name (`window.open`'s target).
    pub name: String,
}

impl Default for PopupOptions {
    fn default() -> Self {
        PopupOptions { width: DEFAULT_WIDTH, height: DEFAULT_HEIGHT, name: "_blank".into() }
    }
}

/// Options every flow takes (SPEC §2).
#[derive(Clone)]
pub struct CommonOptions {
    /// Reject with `timeout` after this many milliseconds (default 300000).
    pub timeout_ms: f64,
    /// Reject with `aborted` when this signal fires.
    pub signal: Option<AbortSignal>,
    /// Size and name of the popup.
    pub popup: PopupOptions,
    /// A window the caller already opened, used instead of opening one.
    pub window: Option<Window>,
    /// How long a closed popup may still deliver its result (default 1500).
    pub closed_grace_ms: f64,
    /// Whether a closed popup ends the flow (default `true`).
    pub detect_close: bool,
    /// Whether the popup is closed when the flow settles (default `true`).
    pub close_popup: bool,
    /// Debug hook: every step of the flow, and why a message was ignored.
    pub on_event: Option<EventHook>,
}

impl Default for CommonOptions {
    fn default() -> Self {
        CommonOptions {
            timeout_ms: 300_000.0,
            signal: None,
            popup: PopupOptions::default(),
            window: None,
            closed_grace_ms: 1500.0,
            detect_close: true,
            close_popup: true,
            on_event: None,
        }
    }
}

/// The largest delay a browser timer honours (2^31 - 1 ms).
const MAX_MS: f64 = 2_147_483_647.0;

impl CommonOptions {
    fn validate(&self) -> Result<(), ConnectError> {
        if !(self.timeout_ms.is_finite() && self.timeout_ms > 0.0 && self.timeout_ms <= MAX_MS) {
            return Err(ConnectError::invalid_options("timeoutMs must be a positive number of milliseconds"));
        }
        if !(self.closed_grace_ms.is_finite() && self.closed_grace_ms >= 0.0 && self.closed_grace_ms <= MAX_MS) {
            return Err(ConnectError::invalid_options("closedGraceMs must be a non-negative number of milliseconds"));
        }
        let p = &self.popup;
        if !(1..=10_000).contains(&p.width) || !(1..=10_000).contains(&p.height) {
            return Err(ConnectError::invalid_options("popup.width and popup.height must be 1 to 10000"));
        }
        if p.name.is_empty() || p.name.len() > 256 || p.name.chars().any(char::is_control) {
            return Err(ConnectError::invalid_options("popup.name must be 1 to 256 printable characters"));
        }
        Ok(())
    }
}

/// Caller-supplied `state`: 1–1024 printable ASCII characters (it is percent-encoded
/// on the wire and compared exactly on the way back).
pub(crate) fn validate_state(state: &str) -> Result<(), ConnectError> {
    if state.is_empty() || state.len() > 1024 || !state.bytes().all(|b| (0x21..=0x7e).contains(&b)) {
        return Err(ConnectError::invalid_options("state must be 1 to 1024 printable ASCII characters"));
    }
    Ok(())
}

fn state_or_fresh(given: Option<&str>) -> Result<String, ConnectError> {
    match given {
        Some(s) => validate_state(s).map(|_| s.to_owned()),
        None => generate_state(),
    }
}

fn browser_window() -> Result<Window, ConnectError> {
    web_sys::window().ok_or_else(|| ConnectError::invalid_options("no window: flows run in a browser page"))
}

fn own_origin(window: &Window) -> Result<String, ConnectError> {
    window.location().origin().map_err(|_| ConnectError::invalid_options("cannot read this page's origin"))
}

/// The `BroadcastChannel` a redirect flow and its callback page share (SPEC §1.4).
pub fn channel_name(state: &str) -> String {
    format!("vendo-connect:{state}")
}

/// A started flow: its future and its driver.
type Started<P> = (FlowFuture<<P as Protocol>::Output>, Rc<Running<P>>);

/// Checks the signal, supersedes the pending flow, opens (or adopts) the popup and starts.
fn launch<P: Protocol + 'static>(
    window: &Window,
    common: &CommonOptions,
    url: &str,
    protocol: P,
    mut config: FlowConfig,
    channel_name: Option<String>,
) -> Result<Started<P>, ConnectError> {
    if common.signal.as_ref().is_some_and(AbortSignal::aborted) {
        return Err(ConnectError::with_detail(ErrorCode::Aborted, "the signal was already aborted"));
    }
    driver::supersede_pending();
    let popup = match &common.window {
        Some(w) => popup::adopt(w, Some(url).filter(|u| *u != "about:blank"))?,
        None => popup::open(window, url, &common.popup)?,
    };
    emit(&common.on_event, "popup_opened", None);
    config.deadline = js_sys::Date::now() + common.timeout_ms;
    Ok(driver::start(
        window,
        Launch {
            protocol,
            config,
            popup,
            channel_name,
            signal: common.signal.clone(),
            on_event: common.on_event.clone(),
        },
    ))
}

fn config(common: &CommonOptions, expected_origin: String, accept_channel: bool) -> FlowConfig {
    FlowConfig {
        expected_origin,
        accept_channel,
        deadline: f64::INFINITY,
        closed_grace_ms: common.closed_grace_ms,
        detect_close: common.detect_close,
        close_popup: common.close_popup,
    }
}

// ---------------------------------------------------------------------------------------
// connect (SPEC §1.1)

/// Options of [`connect`] (SPEC §1.1).
#[derive(Clone, Default)]
pub struct ConnectOptions {
    /// The Vendo deployment, e.g. `https://vendo.example`.
    pub base_url: String,
    /// The catalog slug, e.g. `notion`.
    pub provider: String,
    /// The App Key, for embed-mode auto-binding.
    pub app_key: Option<String>,
    /// A same-origin path to return to.
    pub return_to: Option<String>,
    /// The flow's state; generated (256 bits) when absent.
    pub state: Option<String>,
    /// Common options.
    pub common: CommonOptions,
}

/// Runs the Vendo popup protocol: opens `{baseUrl}/api/oauth/{provider}/authorize` now
/// and resolves with the new connection.
pub fn connect(options: ConnectOptions) -> FlowFuture<Connection> {
    start_connect(options).unwrap_or_else(FlowFuture::failed)
}

fn start_connect(o: ConnectOptions) -> Result<FlowFuture<Connection>, ConnectError> {
    o.common.validate()?;
    let base = validate_base_url(&o.base_url)?;
    validate_provider_slug(&o.provider)?;
    if let Some(path) = &o.return_to {
        validate_return_to(path)?;
    }
    if o.app_key.as_deref().is_some_and(|k| k.is_empty() || k.len() > 4096) {
        return Err(ConnectError::invalid_options("appKey must be a non-empty string"));
    }
    let state = state_or_fresh(o.state.as_deref())?;
    let window = browser_window()?;
    let opener_origin = own_origin(&window)?;
    let url = vendo_authorize_url(&VendoAuthorize {
        base: &base,
        provider: &o.provider,
        opener_origin: &opener_origin,
        state: &state,
        app_key: o.app_key.as_deref(),
        return_to: o.return_to.as_deref(),
    });
    let protocol = VendoProtocol { state, provider: o.provider.clone() };
    let cfg = config(&o.common, base.origin(), false);
    let (future, _) = launch(&window, &o.common, &url, protocol, cfg, None).map_err(|e| e.for_provider(&o.provider))?;
    Ok(future)
}

// ---------------------------------------------------------------------------------------
// authorize (SPEC §1.2)

/// Options of [`authorize`] (SPEC §1.2). There is deliberately no client secret.
#[derive(Clone, Default)]
pub struct AuthorizeOptions {
    /// The authorization endpoint.
    pub authorization_endpoint: String,
    /// The public client's id.
    pub client_id: String,
    /// The app's callback page, on this page's origin; it calls `completeCallback()`.
    pub redirect_uri: String,
    /// Scopes, joined with spaces.
    pub scope: Vec<String>,
    /// Extra query parameters (Aimable's `collection_id`, …); reserved names are refused.
    pub extra_params: Vec<(String, String)>,
    /// The expected `iss` (RFC 9207); checked when set.
    pub issuer: Option<String>,
    /// The flow's state; generated when absent.
    pub state: Option<String>,
    /// Send a PKCE S256 challenge (default on; there is no `plain`).
    pub pkce: bool,
    /// Common options.
    pub common: CommonOptions,
}

/// An authorization code, with what the token request needs (SPEC §1.2).
#[derive(Debug)]
pub struct Authorization {
    /// The authorization code.
    pub code: String,
    /// The state, equal to the flow's.
    pub state: String,
    /// The code verifier (redacted in `Debug`), when PKCE was on.
    pub code_verifier: Option<CodeVerifier>,
    /// The redirect URI to repeat in the token request.
    pub redirect_uri: String,
    /// The `iss` the server sent (RFC 9207).
    pub iss: Option<String>,
}

type LocalFuture<T> = Pin<Box<dyn Future<Output = T>>>;

/// Runs an OAuth 2.1 authorization code flow with PKCE in a popup. The popup opens now;
/// the future resolves once the app's callback page has reported back.
pub fn authorize(options: AuthorizeOptions) -> LocalFuture<Result<Authorization, ConnectError>> {
    match start_authorize(options) {
        Err(e) => Box::pin(async move { Err(e) }),
        Ok((future, verifier, redirect_uri)) => Box::pin(async move {
            let c = future.await?;
            Ok(Authorization { code: c.code, state: c.state, code_verifier: verifier, redirect_uri, iss: c.iss })
        }),
    }
}

type AuthorizeStart = (FlowFuture<AuthorizationCode>, Option<CodeVerifier>, String);

fn start_authorize(o: AuthorizeOptions) -> Result<AuthorizeStart, ConnectError> {
    o.common.validate()?;
    validate_endpoint(&o.authorization_endpoint, "authorizationEndpoint")?;
    if o.client_id.is_empty() {
        return Err(ConnectError::invalid_options("clientId is required"));
    }
    let window = browser_window()?;
    let origin = own_origin(&window)?;
    let callback = callback_origin(&o.redirect_uri)?;
    if let Some(issuer) = &o.issuer {
        if issuer.is_empty() {
            return Err(ConnectError::invalid_options("issuer must be a non-empty string"));
        }
    }
    let state = state_or_fresh(o.state.as_deref())?;
    let verifier = if o.pkce { Some(CodeVerifier::generate()?) } else { None };
    let challenge = verifier.as_ref().map(CodeVerifier::challenge);
    let scope = crate::request::join_scope(&o.scope);
    let url = authorization_url(&AuthorizationRequest {
        endpoint: &o.authorization_endpoint,
        client_id: &o.client_id,
        redirect_uri: &o.redirect_uri,
        scope: Some(scope.as_str()).filter(|s| !s.is_empty()),
        state: &state,
        code_challenge: challenge.as_deref(),
        extra_params: &o.extra_params,
    })?;
    let protocol = AuthorizationProtocol { state: state.clone(), issuer: o.issuer };
    let same_origin = callback == origin;
    let cfg = config(&o.common, callback, same_origin);
    let channel = same_origin.then(|| channel_name(&state));
    let (future, _) = launch(&window, &o.common, &url, protocol, cfg, channel)?;
    Ok((future, verifier, o.redirect_uri))
}

/// The origin the callback page will post from: the redirect URI's, exactly. It is
/// usually this page's own (then the `BroadcastChannel` fallback works too, SPEC §1.4); a
/// callback page on another origin must pass `openerOrigin` to `completeCallback()`.
fn callback_origin(redirect_uri: &str) -> Result<String, ConnectError> {
    Ok(validate_endpoint(redirect_uri, "redirectUri")?.origin())
}

// ---------------------------------------------------------------------------------------
// openConnectLink (SPEC §1.3)

/// Asks the app's backend to mint a link for the given redirect URI.
pub type LinkFactory = Box<dyn FnOnce(String) -> LocalFuture<Result<String, ConnectError>>>;

/// Where the hosted connect link comes from.
pub enum LinkSource {
    /// A link minted already. Its redirect URI cannot carry the SDK's `vc_state`, so the
    /// callback is accepted only from the popup itself (exact origin and source), never
    /// over the `BroadcastChannel`; pass `state` if the minted redirect URI has `vc_state`.
    Url(String),
    /// A function that mints one for the redirect URI it is given (with `vc_state`).
    Factory(LinkFactory),
}

/// Options of [`open_connect_link`] (SPEC §1.3).
#[derive(Clone, Default)]
pub struct ConnectLinkOptions {
    /// The app's callback page (on this page's origin), before the SDK adds `vc_state`.
    /// Required with a factory.
    pub redirect_uri: Option<String>,
    /// With a link string: the `vc_state` its redirect URI carries, if any.
    pub state: Option<String>,
    /// Common options.
    pub common: CommonOptions,
}

/// Runs a hosted connect link in a popup: the popup opens now (blank when the link is
/// still being minted) and is navigated once the link is known.
pub fn open_connect_link(link: LinkSource, options: ConnectLinkOptions) -> FlowFuture<LinkedTool> {
    start_link(link, options).unwrap_or_else(FlowFuture::failed)
}

fn start_link(link: LinkSource, o: ConnectLinkOptions) -> Result<FlowFuture<LinkedTool>, ConnectError> {
    o.common.validate()?;
    let window = browser_window()?;
    let origin = own_origin(&window)?;
    let (state, first_url, factory) = match link {
        LinkSource::Url(url) => {
            validate_endpoint(&url, "link")?;
            let state = o.state.as_deref().map(|s| validate_state(s).map(|_| s.to_owned())).transpose()?;
            (state, url, None)
        }
        LinkSource::Factory(f) => {
            let redirect = o.redirect_uri.as_deref().ok_or_else(|| {
                ConnectError::invalid_options("redirectUri is required when the link comes from a function")
            })?;
            let state = state_or_fresh(o.state.as_deref())?;
            let redirect = with_query_param(redirect, "vc_state", &state)?;
            (Some(state), "about:blank".to_owned(), Some((f, redirect)))
        }
    };
    let callback = o.redirect_uri.as_deref().map(callback_origin).transpose()?.unwrap_or_else(|| origin.clone());
    let use_channel = state.is_some() && callback == origin;
    let channel = state.as_deref().filter(|_| use_channel).map(channel_name);
    let protocol = ConnectLinkProtocol { state: state.clone() };
    let cfg = config(&o.common, callback, use_channel);
    let (future, running) = launch(&window, &o.common, &first_url, protocol, cfg, channel)?;
    if let Some((factory, redirect)) = factory {
        let pending = factory(redirect);
        wasm_bindgen_futures::spawn_local(navigate_when_minted(pending, running));
    }
    Ok(future)
}

async fn navigate_when_minted(
    pending: LocalFuture<Result<String, ConnectError>>,
    running: Rc<Running<ConnectLinkProtocol>>,
) {
    let minted = pending.await.and_then(|link| validate_endpoint(&link, "link").map(|_| link));
    if running.is_settled() {
        return;
    }
    match minted {
        Err(e) => running.dispatch(Input::Failed(e)),
        Ok(link) => {
            let navigated = running.popup().is_some_and(|p| p.location().set_href(&link).is_ok());
            if navigated {
                running.emit("popup_navigated", None);
            } else {
                running.dispatch(Input::Failed(ConnectError::with_detail(
                    ErrorCode::PopupClosed,
                    "the popup could not be navigated to the link",
                )));
            }
        }
    }
}
