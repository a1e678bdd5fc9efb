//! The three flows for Rust callers (docs/flows.md), one engine underneath.
//!
//! Each function checks every option, then opens the popup **synchronously, before it
//! returns** (no `await` between the click and `window.open`), and hands back a future
//! for the result. Call them straight from a click handler. Every rule it applies is the
//! core's (`validate`, `request`, `message::flow_channel`); this file puts them in the
//! documented order and carries them out.

use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use web_sys::{AbortSignal, Window};

use super::callback_page::own_origin;
use super::driver::{self, emit, EventHook, FlowEventKind, FlowFuture, Launch, Running};
use super::js_data::prop;
use super::popup;
use super::redirect;
use crate::error::{ConnectError, ErrorCode};
use crate::flow::{FlowConfig, Input, Protocol};
use crate::geometry::PopupOptions;
use crate::message::flow_channel;
use crate::pkce::CodeVerifier;
use crate::protocol::{AuthorizationProtocol, ConnectLinkProtocol, VendoProtocol};
use crate::redirect::{PendingRedirect, RecordFlow};
use crate::request::{authorization_url, vendo_authorize_url, with_query_param, AuthorizationRequest, VendoAuthorize};
use crate::results::{Authorization, Connection, LinkedTool};
use crate::url::HttpUrl;
use crate::validate::{
    required, state_or_fresh, validate_app_key, validate_base_url, validate_endpoint, validate_issuer,
    validate_provider_slug, validate_return_to, validate_state, validate_times,
};

/// Options every flow takes (docs/options.md#common). `Default` gives the documented
/// defaults, the same as the JS API's.
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

impl std::fmt::Debug for CommonOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CommonOptions")
            .field("timeout_ms", &self.timeout_ms)
            .field("signal", &self.signal.is_some())
            .field("popup", &self.popup)
            .field("window", &self.window.is_some())
            .field("closed_grace_ms", &self.closed_grace_ms)
            .field("detect_close", &self.detect_close)
            .field("close_popup", &self.close_popup)
            .field("on_event", &self.on_event.is_some())
            .finish()
    }
}

impl CommonOptions {
    /// Checks the common options by the core's rules ([`validate_times`], the popup's own).
    fn validate(&self) -> Result<(), ConnectError> {
        validate_times(self.timeout_ms, self.closed_grace_ms)?;
        self.popup.validate()
    }
}

fn browser_window() -> Result<Window, ConnectError> {
    super::window().ok_or_else(|| ConnectError::invalid_options("no window: flows need a browser page"))
}

/// What one flow needs to start, once every option has been checked.
struct Plan<'a> {
    common: &'a CommonOptions,
    url: &'a str,
    protocol: Box<dyn Protocol>,
    expected_origin: String,
    channel: Option<String>,
}

/// Checks the signal, supersedes the pending flow, opens (or adopts) the popup and starts.
fn launch(window: &Window, plan: Plan<'_>) -> Result<Rc<Running>, ConnectError> {
    let common = plan.common;
    if common.signal.as_ref().is_some_and(|s| prop(s, "aborted").as_bool() == Some(true)) {
        return Err(ConnectError::with_detail(ErrorCode::Aborted, "the signal was aborted already"));
    }
    driver::supersede_pending();
    let popup = match &common.window {
        Some(w) => popup::adopt(w, Some(plan.url).filter(|u| *u != "about:blank"))?,
        None => popup::open(window, plan.url, &common.popup)?,
    };
    emit(&common.on_event, FlowEventKind::PopupOpened, None);
    let config = FlowConfig {
        expected_origin: plan.expected_origin,
        accept_channel: plan.channel.is_some(),
        opened_at: js_sys::Date::now(),
        timeout_ms: common.timeout_ms,
        closed_grace_ms: common.closed_grace_ms,
        detect_close: common.detect_close,
        close_popup: common.close_popup,
        blank: plan.url == "about:blank",
    };
    Ok(driver::start(
        window,
        Launch {
            protocol: plan.protocol,
            config,
            popup,
            channel_name: plan.channel,
            signal: common.signal.clone(),
            on_event: common.on_event.clone(),
        },
    ))
}

fn settle_start<T>(started: Result<Rc<Running>, ConnectError>) -> FlowFuture<T> {
    match started {
        Ok(r) => FlowFuture::running(r),
        Err(e) => FlowFuture::failed(e),
    }
}

// ---------------------------------------------------------------------------------------
// connect (docs/flows.md#connect)

/// Options of [`connect`] (docs/options.md#connect).
#[derive(Clone, Debug, Default)]
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

/// Runs the Vendo popup protocol (docs/flows.md#connect): opens
/// `{base_url}/api/oauth/{provider}/authorize` now, before it returns, and resolves with
/// the new connection.
///
/// # Examples
///
/// ```no_run
/// use vendo_connect::browser::{connect, ConnectOptions};
///
/// // In a click handler: the popup opens on this call.
/// let flow = connect(ConnectOptions {
///     base_url: "https://vendo.example".into(),
///     provider: "notion".into(),
///     ..Default::default()
/// });
/// wasm_bindgen_futures::spawn_local(async move {
///     match flow.await {
///         Ok(c) => web_sys::console::log_1(&c.connection_id.into()),
///         Err(e) => web_sys::console::warn_1(&e.code().as_str().into()),
///     }
/// });
/// ```
pub fn connect(options: ConnectOptions) -> FlowFuture<Connection> {
    settle_start(start_connect(&options))
}

/// Checks the options and opens the popup, now: the running flow, for [`connect`] or a
/// caller that takes the result by callback (`Running::on_settle`, the npm skin).
pub fn start_connect(o: &ConnectOptions) -> Result<Rc<Running>, ConnectError> {
    o.common.validate()?;
    let base = validate_base_url(&o.base_url)?;
    validate_provider_slug(&o.provider)?;
    if let Some(path) = &o.return_to {
        validate_return_to(path)?;
    }
    validate_app_key(o.app_key.as_deref())?;
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
    let protocol = Box::new(VendoProtocol { state, provider: o.provider.clone() });
    let plan = Plan { common: &o.common, url: &url, protocol, expected_origin: base.origin(), channel: None };
    launch(&window, plan).map_err(|e| e.for_provider(&o.provider))
}

// ---------------------------------------------------------------------------------------
// authorize (docs/flows.md#authorize)

/// Options of [`authorize`] (docs/options.md#authorize). There is deliberately no client
/// secret. `Default` gives the documented defaults: PKCE on, as in the JS API.
#[derive(Clone, Debug)]
pub struct AuthorizeOptions {
    /// The authorization endpoint.
    pub authorization_endpoint: String,
    /// The public client's id.
    pub client_id: String,
    /// The app's callback page; it calls `complete_callback`.
    pub redirect_uri: String,
    /// Scopes, joined with spaces.
    pub scope: Vec<String>,
    /// Extra query parameters (Aimable's `collection_id`, …); reserved names are refused.
    pub extra_params: Vec<(String, String)>,
    /// The expected `iss` (RFC 9207); checked when set.
    pub issuer: Option<String>,
    /// The flow's state; generated when absent.
    pub state: Option<String>,
    /// Send a PKCE S256 challenge (default `true`; there is no `plain`).
    pub pkce: bool,
    /// Common options.
    pub common: CommonOptions,
}

impl Default for AuthorizeOptions {
    fn default() -> Self {
        AuthorizeOptions {
            authorization_endpoint: String::new(),
            client_id: String::new(),
            redirect_uri: String::new(),
            scope: Vec::new(),
            extra_params: Vec::new(),
            issuer: None,
            state: None,
            pkce: true,
            common: CommonOptions::default(),
        }
    }
}

/// Runs an OAuth 2.1 authorization code flow with PKCE in a popup (docs/flows.md#authorize).
/// The popup opens now; the future resolves once the app's callback page has reported
/// back, with the code and the verifier for [`exchange_code`](super::exchange_code).
///
/// # Examples
///
/// ```no_run
/// use vendo_connect::browser::{authorize, exchange_code, AuthorizeOptions, ExchangeCode};
///
/// let flow = authorize(AuthorizeOptions {
///     authorization_endpoint: "https://as.example/authorize".into(),
///     client_id: "my-public-client".into(),
///     redirect_uri: "https://app.example/callback".into(),
///     scope: vec!["openid".into()],
///     issuer: Some("https://as.example".into()),
///     ..Default::default()
/// });
/// wasm_bindgen_futures::spawn_local(async move {
///     let Ok(auth) = flow.await else { return };
///     let tokens = exchange_code(&ExchangeCode {
///         token_endpoint: "https://as.example/token".into(),
///         client_id: "my-public-client".into(),
///         code: auth.code,
///         code_verifier: auth.code_verifier.map(|v| v.secret().to_owned()).unwrap_or_default(),
///         redirect_uri: auth.redirect_uri,
///         body_encoding: Default::default(),
///     })
///     .await;
///     let _ = tokens.map(|t| t.expires_in);
/// });
/// ```
pub fn authorize(options: AuthorizeOptions) -> FlowFuture<Authorization> {
    settle_start(start_authorize(options))
}

/// Checks the options and opens the popup, now: the running flow, for [`authorize`] or a
/// caller that takes the result by callback (`Running::on_settle`, the npm skin).
pub fn start_authorize(o: AuthorizeOptions) -> Result<Rc<Running>, ConnectError> {
    let p = prepare_authorize(o)?;
    // The callback page posts from the redirect URI's origin, exactly.
    let channel = flow_channel(&p.callback, &p.origin, Some(&p.protocol.state));
    let plan =
        Plan { common: &p.common, url: &p.url, protocol: Box::new(p.protocol), expected_origin: p.callback, channel };
    launch(&p.window, plan)
}

/// An authorization request, every option checked, ready for either mode.
struct PreparedAuthorize {
    window: Window,
    common: CommonOptions,
    url: String,
    protocol: AuthorizationProtocol,
    callback: String,
    origin: String,
}

fn prepare_authorize(o: AuthorizeOptions) -> Result<PreparedAuthorize, ConnectError> {
    o.common.validate()?;
    let endpoint = validate_endpoint(&o.authorization_endpoint, "authorization_endpoint")?;
    required(&o.client_id, "client_id")?;
    let window = browser_window()?;
    let origin = own_origin(&window)?;
    let redirect = validate_endpoint(&o.redirect_uri, "redirect_uri")?;
    validate_issuer(o.issuer.as_deref())?;
    let state = state_or_fresh(o.state.as_deref())?;
    let verifier = if o.pkce { Some(CodeVerifier::generate()?) } else { None };
    let challenge = verifier.as_ref().map(CodeVerifier::challenge);
    let scope = crate::request::join_scope(&o.scope);
    let url = authorization_url(&AuthorizationRequest {
        endpoint: &endpoint,
        client_id: &o.client_id,
        redirect_uri: &o.redirect_uri,
        scope: Some(scope.as_str()).filter(|s| !s.is_empty()),
        state: &state,
        code_challenge: challenge.as_deref(),
        extra_params: &o.extra_params,
    })?;
    let protocol = AuthorizationProtocol { state, issuer: o.issuer, verifier, redirect_uri: o.redirect_uri };
    Ok(PreparedAuthorize { window, common: o.common, url, protocol, callback: redirect.origin(), origin })
}

/// The same-tab variant of [`authorize`] (docs/flows.md#redirect-mode): checks the options
/// exactly as `authorize` does, stores the flow's one pending record (verifier, state,
/// redirect URI, issuer, expiry from `common.timeout_ms`, and `app_state`, JSON text the
/// redirect page gets back) in `sessionStorage`, and navigates this tab to the
/// authorization server. The redirect page finishes it with
/// [`complete_redirect`](super::complete_redirect). Only `timeout_ms` of the common options
/// applies. To choose like the JS `mode: 'auto'`, call it when
/// [`popup_support`](super::popup_support) says popups cannot work.
///
/// # Examples
///
/// ```no_run
/// use vendo_connect::browser::{authorize, authorize_redirect, popup_support, AuthorizeOptions};
///
/// let options = AuthorizeOptions {
///     authorization_endpoint: "https://as.example/authorize".into(),
///     client_id: "my-public-client".into(),
///     redirect_uri: "https://app.example/callback".into(),
///     ..Default::default()
/// };
/// if popup_support().popup {
///     let _flow = authorize(options);
/// } else if let Err(e) = authorize_redirect(options, Some(r#"{"returnTo":"/settings"}"#.into())) {
///     web_sys::console::warn_1(&e.code().as_str().into());
/// }
/// ```
pub fn authorize_redirect(options: AuthorizeOptions, app_state: Option<String>) -> Result<(), ConnectError> {
    let p = prepare_authorize(options)?;
    let record = PendingRedirect {
        flow: RecordFlow::Authorize,
        state: p.protocol.state,
        code_verifier: p.protocol.verifier,
        redirect_uri: p.protocol.redirect_uri,
        issuer: p.protocol.issuer,
        expires_at: js_sys::Date::now() + p.common.timeout_ms,
        app_state,
    };
    redirect::leave(&p.window, &record, &p.url)
}

// ---------------------------------------------------------------------------------------
// openConnectLink (docs/flows.md#connect-link)

/// A future that stays on the page's thread.
pub type LocalFuture<T> = Pin<Box<dyn Future<Output = T>>>;

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

/// The kind of source only: a minted link may carry a one-time token.
impl std::fmt::Debug for LinkSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            LinkSource::Url(_) => "LinkSource::Url([redacted])",
            LinkSource::Factory(_) => "LinkSource::Factory",
        })
    }
}

/// Options of [`open_connect_link`] (docs/options.md#connect-link).
#[derive(Clone, Debug, Default)]
pub struct ConnectLinkOptions {
    /// The app's callback page (on this page's origin), before the SDK adds `vc_state`.
    /// Required with a factory.
    pub redirect_uri: Option<String>,
    /// With a link string: the `vc_state` its redirect URI carries, if any.
    pub state: Option<String>,
    /// Common options.
    pub common: CommonOptions,
}

/// Runs a hosted connect link in a popup (docs/flows.md#connect-link): the popup opens now
/// (blank when the link is still being minted) and is navigated once the link is known.
///
/// # Examples
///
/// ```no_run
/// use vendo_connect::browser::{open_connect_link, ConnectLinkOptions, LinkSource};
///
/// let flow = open_connect_link(
///     LinkSource::Factory(Box::new(|redirect_uri| {
///         Box::pin(async move {
///             // Ask your backend to mint a link for `redirect_uri` here.
///             Ok(format!("https://connect.example/link?redirect_uri={redirect_uri}"))
///         })
///     })),
///     ConnectLinkOptions { redirect_uri: Some("https://app.example/callback".into()), ..Default::default() },
/// );
/// wasm_bindgen_futures::spawn_local(async move {
///     if let Ok(linked) = flow.await {
///         web_sys::console::log_1(&linked.tool.into());
///     }
/// });
/// ```
pub fn open_connect_link(link: LinkSource, options: ConnectLinkOptions) -> FlowFuture<LinkedTool> {
    match link {
        LinkSource::Url(url) => settle_start(start_link(Some(url), &options).map(|(running, _)| running)),
        LinkSource::Factory(factory) => match start_link(None, &options) {
            Err(e) => FlowFuture::failed(e),
            Ok((running, redirect)) => {
                // Called now, inside the click, so the app's backend request starts at once.
                let pending = factory(redirect.unwrap_or_default());
                let r = Rc::clone(&running);
                wasm_bindgen_futures::spawn_local(async move { link_minted(&r, pending.await) });
                FlowFuture::running(running)
            }
        },
    }
}

/// Starts a connect-link flow: with `url`, a link minted already; without, a blank popup
/// that [`link_minted`] navigates later, and the redirect URI (with `vc_state`) to mint for.
pub fn start_link(url: Option<String>, o: &ConnectLinkOptions) -> Result<(Rc<Running>, Option<String>), ConnectError> {
    let p = prepare_link(url, o)?;
    let origin = own_origin(&p.window)?;
    let first_url = p.link.unwrap_or_else(|| "about:blank".to_owned());
    let callback = p.redirect.map_or(origin.clone(), |r| r.origin());
    let channel = flow_channel(&callback, &origin, p.state.as_deref());
    let protocol = Box::new(ConnectLinkProtocol { state: p.state });
    let plan = Plan { common: &o.common, url: &first_url, protocol, expected_origin: callback, channel };
    Ok((launch(&p.window, plan)?, p.mint_for))
}

/// A connect link's options, checked, for either mode.
struct PreparedLink {
    window: Window,
    redirect: Option<HttpUrl>,
    /// The flow's `vc_state`: generated with a link function, the caller's with a string.
    state: Option<String>,
    /// The link string given, if any.
    link: Option<String>,
    /// With a link function: the redirect URI (with `vc_state`) to mint for.
    mint_for: Option<String>,
}

fn prepare_link(url: Option<String>, o: &ConnectLinkOptions) -> Result<PreparedLink, ConnectError> {
    o.common.validate()?;
    let window = browser_window()?;
    let redirect = o.redirect_uri.as_deref().map(|r| validate_endpoint(r, "redirect_uri")).transpose()?;
    let (state, mint_for) = match &url {
        Some(url) => {
            validate_endpoint(url, "link")?;
            (o.state.as_deref().map(|s| validate_state(s).map(|_| s.to_owned())).transpose()?, None)
        }
        None => {
            let redirect: &HttpUrl = redirect
                .as_ref()
                .ok_or_else(|| ConnectError::invalid_options("redirect_uri is required with a link function"))?;
            let state = state_or_fresh(o.state.as_deref())?;
            let mint_for = with_query_param(redirect, "vc_state", &state);
            (Some(state), Some(mint_for))
        }
    };
    Ok(PreparedLink { window, redirect, state, link: url, mint_for })
}

/// A same-tab connect link waiting for its link function (docs/flows.md#redirect-mode).
#[derive(Debug)]
pub struct PendingLink {
    window: Window,
    record: PendingRedirect,
}

/// Starts a same-tab connect-link flow: with `url`, stores the record and leaves now
/// (`Ok(None)`); without, hands back what to mint for (the redirect URI with `vc_state`)
/// and the flow to [`link_redirect_minted`]. A link string needs `state`: its callback must
/// carry a `vc_state` to find the record by.
pub fn start_link_redirect(
    url: Option<String>,
    o: &ConnectLinkOptions,
    app_state: Option<String>,
) -> Result<Option<(PendingLink, String)>, ConnectError> {
    let p = prepare_link(url, o)?;
    let state = p.state.ok_or_else(|| {
        ConnectError::invalid_options(
            "state is required for a link string in redirect mode: the vc_state its redirect URI carries (or pass a link function)",
        )
    })?;
    let record = PendingRedirect {
        flow: RecordFlow::ConnectLink,
        state,
        code_verifier: None,
        redirect_uri: o.redirect_uri.clone().unwrap_or_default(),
        issuer: None,
        expires_at: js_sys::Date::now() + o.common.timeout_ms,
        app_state,
    };
    match (p.link, p.mint_for) {
        (Some(link), _) => redirect::leave(&p.window, &record, &link).map(|()| None),
        (None, mint_for) => Ok(Some((PendingLink { window: p.window, record }, mint_for.unwrap_or_default()))),
    }
}

/// The same-tab variant of [`open_connect_link`] (docs/flows.md#redirect-mode): with a
/// link function, the link is minted first (there is no popup to protect), then the flow's
/// record is stored and this tab navigates to the link. A link string needs
/// `options.state`, the `vc_state` its redirect URI carries. The redirect page finishes it
/// with [`complete_redirect`](super::complete_redirect). Resolves once the tab is leaving.
pub async fn open_connect_link_redirect(
    link: LinkSource,
    options: ConnectLinkOptions,
    app_state: Option<String>,
) -> Result<(), ConnectError> {
    match link {
        LinkSource::Url(url) => start_link_redirect(Some(url), &options, app_state).map(drop),
        LinkSource::Factory(factory) => match start_link_redirect(None, &options, app_state)? {
            None => Ok(()),
            Some((pending, mint_for)) => link_redirect_minted(pending, factory(mint_for).await),
        },
    }
}

/// The link function gave its link (or failed): store the record and leave the tab.
pub fn link_redirect_minted(pending: PendingLink, minted: Result<String, ConnectError>) -> Result<(), ConnectError> {
    let link = minted?;
    validate_endpoint(&link, "link")?;
    redirect::leave(&pending.window, &pending.record, &link)
}

/// The minted link arrived (or minting failed): navigate the blank popup, or end the flow.
pub fn link_minted(running: &Running, minted: Result<String, ConnectError>) {
    let minted = minted.and_then(|link| validate_endpoint(&link, "link").map(|_| link));
    if running.is_settled() {
        return;
    }
    match minted {
        Err(e) => running.dispatch(Input::Failed(e)),
        Ok(link) => {
            let navigated = running.popup().is_some_and(|p| p.location().set_href(&link).is_ok());
            if navigated {
                running.dispatch(Input::Navigated);
                running.emit(FlowEventKind::PopupNavigated, None);
            } else {
                running.dispatch(Input::Failed(ConnectError::with_detail(
                    ErrorCode::PopupClosed,
                    "the popup could not open the link",
                )));
            }
        }
    }
}
