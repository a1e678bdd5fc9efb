//! Same-tab redirect mode (docs/flows.md#redirect-mode): which mode a flow runs in, where
//! popups cannot work, the one pending record a same-tab flow leaves in `sessionStorage`,
//! and how the redirect page's response is judged against it.
//!
//! The record is the only thing the SDK ever stores, and only for a same-tab flow: it
//! holds what the popup flows keep in memory (the verifier, state, redirect URI, expected
//! issuer), an expiry and the app's `appState`. It is keyed by the flow's state, deleted
//! before it is judged (so it is usable once), and swept once expired
//! (docs/security.md#redirect-mode).

use crate::ascii::{decimal, push_decimal, split_at_str};
use crate::callback::{parse_callback_query, Callback};
use crate::error::{ConnectError, ErrorCode};
use crate::pkce::CodeVerifier;
use crate::protocol::{conclude_authorization, conclude_connect_link, envelope_state};
use crate::query::{append_pair, named_values, Refused};
use crate::results::Outcome;

/// How a flow reaches the person (docs/options.md#mode).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(rename_all = "lowercase"))]
pub enum Mode {
    /// A popup, with the result posted back to this page (the default).
    #[default]
    Popup,
    /// This tab navigates away and the result comes back to the redirect page.
    Redirect,
    /// Redirect where popups are known not to work (in-app browsers, an iOS home-screen web
    /// app: `browser::popup_support`), else popup.
    Auto,
}

impl Mode {
    /// The JS spellings, in declaration order (`index.d.ts` and `pkg-template/boundary.js` are
    /// tested against them).
    pub const JS_VALUES: [&'static str; 3] = ["popup", "redirect", "auto"];
    /// Every mode, in the order of [`Mode::JS_VALUES`].
    pub const ALL: [Mode; 3] = [Mode::Popup, Mode::Redirect, Mode::Auto];

    /// The JS spelling: the value of the `mode` option.
    pub fn as_str(self) -> &'static str {
        Self::JS_VALUES[self as usize]
    }

    /// Parses the JS option; absent is [`Mode::Popup`].
    pub fn parse(mode: Option<&str>) -> Result<Mode, ConnectError> {
        let Some(mode) = mode else { return Ok(Mode::Popup) };
        Self::ALL
            .into_iter()
            .find(|m| m.as_str() == mode)
            .ok_or_else(|| ConnectError::must_be("mode", "'popup', 'redirect' or 'auto'"))
    }

    /// Whether the flow runs in this tab, given why popups would not work here (if they
    /// would not).
    pub fn same_tab(self, popup_unsupported: Option<&str>) -> bool {
        match self {
            Mode::Popup => false,
            Mode::Redirect => true,
            Mode::Auto => popup_unsupported.is_some(),
        }
    }

    /// `connect()` has no same-tab mode: the Vendo protocol reports only through
    /// `window.opener` (docs/wire.md#messages, docs/flows.md#redirect-mode). `Redirect` is `invalid_options`; `Auto` where popups
    /// cannot work is `popup_unsupported`, rather than a popup that would never report.
    pub fn for_popup_only_flow(self, popup_unsupported: Option<&str>) -> Result<(), ConnectError> {
        match (self, popup_unsupported) {
            (Mode::Redirect, _) => Err(ConnectError::must_be(
                "mode",
                "'popup' or 'auto' for connect(): the Vendo server reports only to window.opener, so there is no same-tab mode",
            )),
            (Mode::Auto, Some(reason)) => Err(ConnectError::with_detail(ErrorCode::PopupUnsupported, reason)),
            _ => Ok(()),
        }
    }
}

/// User-agent tokens of in-app browsers whose popups are blocked, open detached, or lose
/// their opener, with the reason reported for each (docs/flows.md#redirect-mode).
pub const IN_APP_BROWSERS: [(&str, &str); 10] = [
    ("Instagram", "Instagram's in-app browser"),
    ("FBAN/", "Facebook's in-app browser"),
    ("FBAV/", "Facebook's in-app browser"),
    ("FB_IAB/", "Facebook's in-app browser"),
    ("LinkedInApp", "LinkedIn's in-app browser"),
    ("Line/", "LINE's in-app browser"),
    ("MicroMessenger/", "WeChat's in-app browser"),
    ("BytedanceWebview", "TikTok's in-app browser"),
    ("TikTok", "TikTok's in-app browser"),
    ("Snapchat", "Snapchat's in-app browser"),
];

/// The reason given for an iOS home-screen web app.
pub const IOS_STANDALONE: &str = "an iOS home-screen web app";

/// Why popups cannot work here, or `None` where they can. `ios_standalone` is whether the
/// page runs as an iOS home-screen web app (`navigator.standalone`); the browser layer
/// reads both values. A pure function of its inputs, so apps and tests can ask for any
/// user agent.
pub fn popup_unsupported_reason(user_agent: &str, ios_standalone: bool) -> Option<&'static str> {
    if ios_standalone {
        return Some(IOS_STANDALONE);
    }
    // `split_at_str` rather than `str::contains`, whose two-way searcher costs ~1 KB of wasm.
    IN_APP_BROWSERS.iter().find(|(token, _)| split_at_str(user_agent, token).is_some()).map(|(_, why)| *why)
}

/// Which flow a pending record belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecordFlow {
    /// `authorize`.
    Authorize,
    /// `openConnectLink`.
    ConnectLink,
}

impl RecordFlow {
    /// The JS spelling, in the record and in `completeRedirect()`'s `flow` field.
    pub fn as_str(self) -> &'static str {
        match self {
            RecordFlow::Authorize => "authorize",
            RecordFlow::ConnectLink => "connectLink",
        }
    }
}

/// The one record a same-tab flow keeps, in `sessionStorage` under [`storage_key`] of its
/// state, while the tab is away (docs/security.md#redirect-mode).
#[derive(Clone, Debug, PartialEq)]
pub struct PendingRedirect {
    /// Which flow it is.
    pub flow: RecordFlow,
    /// The flow's state (also the key).
    pub state: String,
    /// The PKCE verifier (authorize with PKCE).
    pub code_verifier: Option<CodeVerifier>,
    /// The redirect URI of the request, repeated in the result.
    pub redirect_uri: String,
    /// The expected `iss` (RFC 9207), when given.
    pub issuer: Option<String>,
    /// When the record stops being usable, in ms since the epoch (start + `timeoutMs`).
    pub expires_at: f64,
    /// The app's `appState`, as JSON text.
    pub app_state: Option<String>,
}

/// The prefix of every key the SDK writes to `sessionStorage`.
pub const STORAGE_PREFIX: &str = "vendo-connect:redirect:";

/// The `sessionStorage` key of a flow's record.
pub fn storage_key(state: &str) -> String {
    [STORAGE_PREFIX, state].concat()
}

/// The record's field names, in the order they are written.
const FIELDS: [&str; 7] = ["flow", "state", "code_verifier", "redirect_uri", "issuer", "expires_at", "app_state"];

impl PendingRedirect {
    /// The stored text: the fields form-encoded (the query codec the SDK has already, so
    /// the wasm needs no JSON writer; docs/decisions.md#redirect-record).
    pub fn encode(&self) -> String {
        let mut out = String::new();
        let mut expires = String::new();
        push_decimal(&mut expires, self.expires_at.max(0.0) as u64);
        let values = [
            Some(self.flow.as_str()),
            Some(self.state.as_str()),
            self.code_verifier.as_ref().map(CodeVerifier::secret),
            Some(self.redirect_uri.as_str()),
            self.issuer.as_deref(),
            Some(expires.as_str()),
            self.app_state.as_deref(),
        ];
        for (name, value) in FIELDS.iter().zip(values) {
            if let Some(v) = value {
                append_pair(&mut out, name, v);
            }
        }
        out
    }

    /// Reads a stored record back; `None` for anything the SDK did not write.
    pub fn decode(text: &str) -> Option<PendingRedirect> {
        let mut values: [Option<String>; FIELDS.len()] = Default::default();
        named_values(text, &FIELDS, &mut values, true).ok()?;
        // Taken out one by one, so a refusal drops what is left of `values` in one go.
        let [flow, state, verifier, redirect_uri, issuer, expires, app_state] = &mut values;
        let flow = flow.as_deref()?;
        let flow = [RecordFlow::Authorize, RecordFlow::ConnectLink].into_iter().find(|f| f.as_str() == flow)?;
        let expires_at = decimal(expires.as_deref()?.as_bytes(), 16)? as f64;
        let code_verifier = verifier.take().map(CodeVerifier::new).transpose().ok()?;
        Some(PendingRedirect {
            flow,
            state: state.take()?,
            code_verifier,
            redirect_uri: redirect_uri.take()?,
            issuer: issuer.take(),
            expires_at,
            app_state: app_state.take(),
        })
    }

    /// Whether the record can no longer be used at `now` (ms since the epoch).
    pub fn is_expired(&self, now: f64) -> bool {
        now > self.expires_at
    }
}

/// What the redirect page's URL carries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Response {
    /// No response parameters: nothing to finish (a reload of the stripped page, or any
    /// other visit).
    None,
    /// A response bound to this state (`vc_state`, else OAuth `state`; `""` when it has
    /// neither, which no record matches).
    Bound(String),
}

/// The parameters whose presence makes a query a flow's response.
const RESPONSE_PARAMS: [&str; 5] = ["code", "error", "status", "state", "vc_state"];

/// Reads the redirect page's query (without `?`): no response, or the state it is bound
/// to. A state given twice is `invalid_response`.
pub fn response_state(query: &str) -> Result<Response, ConnectError> {
    let mut found: [Option<String>; RESPONSE_PARAMS.len()] = Default::default();
    match named_values(query, &RESPONSE_PARAMS, &mut found, false) {
        Err(Refused::NotUtf8) => return Err(ConnectError::invalid_response("the callback is not valid UTF-8")),
        // A repeated name is one that is present.
        Ok(()) if found.iter().all(Option::is_none) => return Ok(Response::None),
        _ => {}
    }
    envelope_state(query)
        .map(Response::Bound)
        .ok_or_else(|| ConnectError::invalid_response("the callback repeats its state"))
}

/// A same-tab flow's result (docs/results.md#redirect-result).
#[derive(Debug, PartialEq)]
pub struct RedirectResult {
    /// The flow's result: an [`Outcome::Authorization`] or an [`Outcome::ConnectLink`].
    pub outcome: Outcome,
    /// The app's `appState`, as the JSON text it was stored as.
    pub app_state: Option<String>,
}

/// `invalid_state`: no flow here waits for the response (docs/errors.md).
pub fn no_pending_flow() -> ConnectError {
    ConnectError::with_detail(
        ErrorCode::InvalidState,
        "no flow in this tab is waiting for this response: it was used already, or its state is not one this tab sent",
    )
}

impl RedirectResult {
    /// The fields `completeRedirect()` adds to the flow's own result (docs/results.md#redirect-result).
    pub const JS_FIELDS: [&'static str; 2] = ["flow", "appState"];

    /// Which flow this is.
    pub fn flow(&self) -> RecordFlow {
        match self.outcome {
            Outcome::Authorization(_) => RecordFlow::Authorize,
            _ => RecordFlow::ConnectLink,
        }
    }
}

/// Judges the redirect page's response against the record found under its state (already
/// removed from storage, so a second look finds none). No record is `invalid_state`: the
/// response was used already (a replay or a reload of the unstripped URL), its state was
/// tampered with, or the flow never started in this tab. An expired record is `timeout`.
/// Otherwise the same rules as the popup flows apply (state, `iss`, error codes).
pub fn finish(query: &str, record: Option<PendingRedirect>, now: f64) -> Result<RedirectResult, ConnectError> {
    let Some(record) = record else { return Err(no_pending_flow()) };
    if record.is_expired(now) {
        return Err(ConnectError::with_detail(ErrorCode::Timeout, "the same-tab flow expired (timeoutMs)"));
    }
    let callback = parse_callback_query(query)?;
    if callback.state() != Some(record.state.as_str()) {
        return Err(ConnectError::invalid_response("callback state does not match"));
    }
    let outcome = match record.flow {
        RecordFlow::Authorize => {
            conclude_authorization(callback, record.issuer.as_deref(), record.code_verifier, &record.redirect_uri)
        }
        RecordFlow::ConnectLink => match callback {
            Callback::ConnectLink(_) => conclude_connect_link(callback),
            _ => Err(ConnectError::invalid_response("the callback is of another kind")),
        },
    }?;
    Ok(RedirectResult { outcome, app_state: record.app_state })
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::results::{Authorization, LinkedTool};

    fn record(flow: RecordFlow) -> PendingRedirect {
        PendingRedirect {
            flow,
            state: "S".into(),
            code_verifier: (flow == RecordFlow::Authorize).then(|| CodeVerifier::new("v".repeat(43)).unwrap()),
            redirect_uri: "https://app.example/cb?x=1&y=a b".into(),
            issuer: (flow == RecordFlow::Authorize).then(|| "https://as.example".into()),
            expires_at: 1_800_000_000_000.0,
            app_state: Some(r#"{"returnTo":"/settings?tab=a&b=ü","n":[1,null]}"#.into()),
        }
    }

    #[test]
    fn modes_parse_from_their_js_spellings() {
        assert_eq!(Mode::parse(None).unwrap(), Mode::Popup);
        assert_eq!(Mode::parse(Some("popup")).unwrap(), Mode::Popup);
        assert_eq!(Mode::parse(Some("redirect")).unwrap(), Mode::Redirect);
        assert_eq!(Mode::parse(Some("auto")).unwrap(), Mode::Auto);
        for bad in ["", "Redirect", "tab", "same-tab"] {
            assert_eq!(*Mode::parse(Some(bad)).unwrap_err().code(), ErrorCode::InvalidOptions, "{bad}");
        }
        assert_eq!(Mode::default(), Mode::Popup);
    }

    #[test]
    fn auto_chooses_the_same_tab_only_where_popups_cannot_work() {
        assert!(!Mode::Popup.same_tab(Some("x")));
        assert!(Mode::Redirect.same_tab(None));
        assert!(Mode::Auto.same_tab(Some("x")));
        assert!(!Mode::Auto.same_tab(None));
    }

    #[test]
    fn connect_has_no_same_tab_mode() {
        let e = Mode::Redirect.for_popup_only_flow(None).unwrap_err();
        assert_eq!(*e.code(), ErrorCode::InvalidOptions);
        assert!(e.detail().unwrap().contains("window.opener"));
        let e = Mode::Auto.for_popup_only_flow(Some("Instagram's in-app browser")).unwrap_err();
        assert_eq!((e.code(), e.detail()), (&ErrorCode::PopupUnsupported, Some("Instagram's in-app browser")));
        assert!(Mode::Auto.for_popup_only_flow(None).is_ok());
        assert!(Mode::Popup.for_popup_only_flow(Some("x")).is_ok(), "popup mode is the caller's choice");
    }

    #[test]
    fn in_app_browsers_and_ios_home_screen_apps_are_recognised() {
        let cases = [
            ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Instagram 309.0.0.40.113 (iPhone14,5; iOS 17_0; en_US)", "Instagram"),
            ("Mozilla/5.0 (iPhone; CPU iPhone OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBDV/iPhone13,2;FBMD/iPhone;FBSN/iOS;FBSV/16.6;FBSS/3;FBID/phone;FBLC/en_US;FBOP/5]", "Facebook"),
            ("Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 [FB_IAB/FB4A;FBAV/428.0.0.26.108;]", "Facebook"),
            ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 LinkedInApp/9.29.8", "LinkedIn"),
            ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Safari Line/13.17.0", "LINE"),
            ("Mozilla/5.0 (Linux; Android 12; M2102J20SG) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/86.0.4240.99 XWEB/4317 MMWEBSDK/20220903 Mobile Safari/537.36 MMWEBID/6294 MicroMessenger/8.0.28.2240(0x28001C35) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64", "WeChat"),
            ("Mozilla/5.0 (Linux; Android 11; SM-G991B) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/108.0.5359.128 Mobile Safari/537.36 trill_290103 BytedanceWebview/d8a21c6", "TikTok"),
            ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 musical_ly_31.5.0 JsSdk/2.0 NetType/WIFI Channel/App Store ByteLocale/en Region/US TikTok", "TikTok"),
            ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Snapchat/12.60.0.40 (like Safari/8616.2.9.10.6, panda)", "Snapchat"),
        ];
        for (ua, who) in cases {
            let reason = popup_unsupported_reason(ua, false).unwrap_or_else(|| panic!("{ua}"));
            assert!(reason.starts_with(who), "{who}: {reason}");
        }
        for desktop in [
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36",
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Safari/605.1.15",
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
            "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1",
            "",
        ] {
            assert_eq!(popup_unsupported_reason(desktop, false), None, "{desktop}");
        }
        assert_eq!(popup_unsupported_reason("any", true), Some(IOS_STANDALONE));
    }

    #[test]
    fn records_round_trip_and_refuse_anything_else() {
        for flow in [RecordFlow::Authorize, RecordFlow::ConnectLink] {
            let r = record(flow);
            assert_eq!(PendingRedirect::decode(&r.encode()), Some(r));
        }
        let bare = PendingRedirect {
            flow: RecordFlow::ConnectLink,
            state: "S".into(),
            code_verifier: None,
            redirect_uri: String::new(),
            issuer: None,
            expires_at: 0.0,
            app_state: None,
        };
        assert_eq!(PendingRedirect::decode(&bare.encode()), Some(bare));
        let good = record(RecordFlow::Authorize).encode();
        for bad in [
            "",
            "garbage",
            "flow=other&state=S&redirect_uri=x&expires_at=1",
            "flow=authorize&redirect_uri=x&expires_at=1",
            "flow=authorize&state=S&redirect_uri=x&expires_at=soon",
            "flow=authorize&state=S&redirect_uri=x&expires_at=1&code_verifier=short",
            "flow=authorize&state=S&state=T&redirect_uri=x&expires_at=1",
            "flow=authorize&state=S&redirect_uri=x&expires_at=1&extra=1",
            &[good.as_str(), "&state=T"].concat(),
        ] {
            assert_eq!(PendingRedirect::decode(bad), None, "{bad}");
        }
        assert!(storage_key("S").starts_with(STORAGE_PREFIX));
    }

    #[test]
    fn the_response_is_found_by_its_state() {
        assert_eq!(response_state("").unwrap(), Response::None);
        assert_eq!(response_state("tab=settings&x=1").unwrap(), Response::None);
        assert_eq!(response_state("code=c&state=S").unwrap(), Response::Bound("S".into()));
        assert_eq!(response_state("status=ok&tool=t&connection_id=c&vc_state=V").unwrap(), Response::Bound("V".into()));
        assert_eq!(response_state("error=access_denied").unwrap(), Response::Bound(String::new()));
        assert_eq!(*response_state("code=c&state=S&state=T").unwrap_err().code(), ErrorCode::InvalidResponse);
        assert_eq!(response_state("code=a&code=b&state=S").unwrap(), Response::Bound("S".into()));
        assert_eq!(*response_state("x=1&x=2&%FF=1").unwrap_err().code(), ErrorCode::InvalidResponse);
        assert_eq!(*response_state("code=%FF").unwrap_err().code(), ErrorCode::InvalidResponse);
    }

    #[test]
    fn an_authorization_finishes_with_the_verifier_and_app_state() {
        let r =
            finish("code=abc&state=S&iss=https%3A%2F%2Fas.example", Some(record(RecordFlow::Authorize)), 1.0).unwrap();
        let Outcome::Authorization(Authorization { code, state, code_verifier, redirect_uri, iss }) = r.outcome else {
            panic!()
        };
        assert_eq!((code.as_str(), state.as_str(), iss.as_deref()), ("abc", "S", Some("https://as.example")));
        assert_eq!(code_verifier.unwrap().secret(), "v".repeat(43));
        assert_eq!(redirect_uri, "https://app.example/cb?x=1&y=a b");
        assert_eq!(r.app_state, record(RecordFlow::Authorize).app_state);
    }

    #[test]
    fn a_connect_link_finishes_with_its_tool() {
        let r = finish("status=ok&tool=gs&connection_id=c1&vc_state=S", Some(record(RecordFlow::ConnectLink)), 1.0);
        assert_eq!(
            r.unwrap().outcome,
            Outcome::ConnectLink(LinkedTool { tool: "gs".into(), connection_id: "c1".into() })
        );
        let e = finish("status=error&error=oauth_denied&vc_state=S", Some(record(RecordFlow::ConnectLink)), 1.0);
        assert_eq!(*e.unwrap_err().code(), ErrorCode::OauthDenied);
    }

    #[test]
    fn every_hostile_response_rejects_without_a_verifier() {
        let auth = || Some(record(RecordFlow::Authorize));
        let q = "code=abc&state=S&iss=https%3A%2F%2Fas.example";
        let cases: [(&str, Option<PendingRedirect>, f64, ErrorCode); 7] = [
            // replay / reload of the unstripped URL / tampered state: no record
            (q, None, 1.0, ErrorCode::InvalidState),
            // expired
            (q, auth(), 1_800_000_000_001.0, ErrorCode::Timeout),
            // wrong or missing iss
            ("code=abc&state=S&iss=https%3A%2F%2Fevil.example", auth(), 1.0, ErrorCode::InvalidResponse),
            ("code=abc&state=S", auth(), 1.0, ErrorCode::InvalidResponse),
            // a repeated parameter
            ("code=abc&code=def&state=S&iss=https%3A%2F%2Fas.example", auth(), 1.0, ErrorCode::InvalidResponse),
            // the other kind of response for the record's flow
            ("status=ok&tool=t&connection_id=c&vc_state=S", auth(), 1.0, ErrorCode::InvalidResponse),
            ("code=abc&state=S", Some(record(RecordFlow::ConnectLink)), 1.0, ErrorCode::InvalidResponse),
        ];
        for (query, rec, now, code) in cases {
            let e = finish(query, rec, now).unwrap_err();
            assert_eq!(*e.code(), code, "{query}");
            assert!(!e.to_string().contains(&"v".repeat(43)) && !e.to_string().contains("abc"), "{e}");
        }
        let denied = finish("error=access_denied&error_description=no&state=S", auth(), 1.0).unwrap_err();
        assert_eq!((denied.code(), denied.detail()), (&ErrorCode::AccessDenied, Some("no")));
    }
}
