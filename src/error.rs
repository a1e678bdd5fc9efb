//! `ConnectError` and its stable codes (docs/errors.md; RFC 6749 §4.1.2.1, §5.2; RFC 7009 §2.2.1).
//!
//! Codes the SDK raises itself, codes the Vendo and Vocobase servers document, and the
//! standard OAuth error codes are enum variants; anything else a server sends passes
//! through unchanged as [`ErrorCode::Other`].

use std::fmt;

macro_rules! error_codes {
    ($(
        $(#[$group_doc:meta])* $group:ident = $union:literal {
            $($(#[$doc:meta])* $variant:ident = $text:literal,)*
        }
    )*) => {
        /// A stable, machine-readable error code. `as_str()` gives the wire spelling.
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum ErrorCode {
            $($($(#[$doc])* $variant,)*)*
            /// A code this SDK does not know, passed through unchanged from the server.
            Other(String),
        }

        /// The known codes' positions in [`ErrorCode::KNOWN`].
        #[allow(non_camel_case_types, clippy::enum_variant_names)]
        #[derive(Clone, Copy)]
        enum Position { $($($variant,)*)* }

        impl ErrorCode {
            /// The code as it appears on the wire and in JS (`error.code`).
            pub fn as_str(&self) -> &str {
                // The variant's position, then the table: a few instructions of wasm, where
                // a `match` returning each string is a jump table of 45 arms.
                let position = match self {
                    $($(ErrorCode::$variant => Position::$variant,)*)*
                    ErrorCode::Other(s) => return s,
                };
                Self::KNOWN[position as usize]
            }

            /// Maps a wire code to its variant; unknown codes become [`ErrorCode::Other`].
            pub fn from_wire(code: &str) -> Self {
                match Self::KNOWN.iter().position(|known| *known == code) {
                    $($(Some(i) if i == Position::$variant as usize => ErrorCode::$variant,)*)*
                    _ => ErrorCode::Other(code.to_owned()),
                }
            }

            /// Every known code, in declaration order (for docs and the TypeScript union).
            pub const KNOWN: &'static [&'static str] = &[$($($text,)*)*];

            $(
                $(#[$group_doc])*
                pub const $group: &'static [&'static str] = &[$($text,)*];
            )*

            /// Each group's name in `index.d.ts` (the union type that declares it) and its
            /// codes, in the order of [`ErrorCode::KNOWN`].
            pub const GROUPS: &'static [(&'static str, &'static [&'static str])] = &[$(($union, Self::$group),)*];
        }
    };
}

error_codes! {
    /// The codes the SDK raises itself (docs/options.md#common).
    SDK = "SdkErrorCode" {
        /// `window.open` returned null, or a window that is already closed.
        PopupBlocked = "popup_blocked",
        /// The person closed the popup (reported after `closedGraceMs`).
        PopupClosed = "popup_closed",
        /// The popup read closed before its first page loaded: Cross-Origin-Opener-Policy cut
        /// it from this page, and the flow has no other way to hear back (`connect()`, a callback
        /// page on another origin; docs/decisions.md#coop). Reported after `closedGraceMs`.
        OpenerLost = "opener_lost",
        /// `timeoutMs` passed without a result.
        Timeout = "timeout",
        /// The caller's `AbortSignal` fired.
        Aborted = "aborted",
        /// A new flow started while this one was pending.
        Superseded = "superseded",
        /// An option failed validation; nothing was opened.
        InvalidOptions = "invalid_options",
        /// A request could not be sent or answered at the network level.
        NetworkError = "network_error",
        /// A server answered with something that is not the documented shape.
        InvalidResponse = "invalid_response",
        /// The browser has no CSPRNG (`crypto.getRandomValues`); there is no fallback.
        CryptoUnavailable = "crypto_unavailable",
        /// JS: a synchronous helper was called before the wasm loaded (`await ready()` first).
        NotReady = "not_ready",
        /// JS: the wasm could not be loaded (network, Content-Security-Policy, MIME type); the
        /// likely cause is in the detail.
        LoadFailed = "load_failed",
        /// JS: a flow was called outside a browser page (Node, a server render).
        UnsupportedEnvironment = "unsupported_environment",
        /// `mode: 'auto'` for `connect()` where popups cannot work (an in-app browser, an iOS
        /// home-screen app); the reason is in the detail (docs/flows.md#redirect-mode).
        PopupUnsupported = "popup_unsupported",
        /// `openConnectLink`'s link function threw or rejected. JS rejects with the function's
        /// own error instead (docs/decisions.md#link-function-failures); this code is what the
        /// `onEvent` hook's `rejected` event reports.
        LinkFactoryFailed = "link_factory_failed",
    }
    /// The codes a Vendo server sends in `vendo:oauth:error` (docs/errors.md#vendo-codes).
    VENDO = "VendoErrorCode" {
        /// Vendo: the slug is not in the catalog.
        ProviderUnknown = "provider_unknown",
        /// Vendo: the callback lacked `code`/`state`.
        MissingParams = "missing_params",
        /// Vendo: the state cookie did not match.
        OauthStateInvalid = "oauth_state_invalid",
        /// Vendo: the provider's token exchange failed.
        OauthExchangeFailed = "oauth_exchange_failed",
        /// Vendo: the connection row could not be written.
        DbInsertFailed = "db_insert_failed",
        /// Vendo: `INTEGRATION_ENCRYPTION_KEY` is unset.
        EncryptionKeyUnavailable = "encryption_key_unavailable",
        /// Vendo (Composio): the callback lacked `cstate`.
        MissingCstate = "missing_cstate",
        /// Vendo (Composio): no connected-account id came back.
        MissingComposioAccountId = "missing_composio_account_id",
        /// Vendo (Composio): reading the connected account failed.
        ComposioGetFailed = "composio_get_failed",
        /// Vendo (Composio): the connected account is not active.
        ComposioNotActive = "composio_not_active",
    }
    /// The `error` codes of a hosted connect link's callback (docs/errors.md#vocobase-codes).
    CONNECT_LINK = "ConnectLinkErrorCode" {
        /// Vocobase: the customer rejected the consent screen.
        OauthDenied = "oauth_denied",
        /// Vocobase: the customer was archived between mint and authorize.
        CustomerArchived = "customer_archived",
        /// Vocobase: the connect-link session expired or was consumed. Also raised by
        /// `completeRedirect()` when no same-tab flow in the tab has the response's state (a
        /// replay, a reload of the unstripped URL, a tampered state).
        InvalidState = "invalid_state",
        /// Vocobase: the connector does not exist on the account.
        ToolNotFound = "tool_not_found",
        /// Vocobase: the connector is not active on the account.
        ToolNotAvailable = "tool_not_available",
        /// Vocobase: the OAuth provider did not match the tool.
        ProviderMismatch = "provider_mismatch",
        /// Vocobase: the provider's code exchange failed.
        ConnectionFailed = "connection_failed",
        /// Vocobase (Shopify): the issued token failed the smoke test.
        TokenSmokeTestFailed = "token_smoke_test_failed",
        /// Vocobase (Shopify): the callback HMAC did not match.
        InvalidHmac = "invalid_hmac",
    }
    /// The OAuth 2.0 codes (RFC 6749 §4.1.2.1, §5.2; RFC 7009 §2.2.1).
    OAUTH = "OAuthErrorCode" {
        /// The resource owner or server denied the request.
        AccessDenied = "access_denied",
        /// The request is missing or repeats a parameter, or is otherwise malformed.
        InvalidRequest = "invalid_request",
        /// Client authentication failed.
        InvalidClient = "invalid_client",
        /// The grant (code, refresh token) is invalid, expired or revoked.
        InvalidGrant = "invalid_grant",
        /// The client may not use this grant or response type.
        UnauthorizedClient = "unauthorized_client",
        /// The grant type is not supported.
        UnsupportedGrantType = "unsupported_grant_type",
        /// The response type is not supported.
        UnsupportedResponseType = "unsupported_response_type",
        /// The requested scope is invalid.
        InvalidScope = "invalid_scope",
        /// The authorization server had an internal error.
        ServerError = "server_error",
        /// The authorization server is temporarily unavailable.
        TemporarilyUnavailable = "temporarily_unavailable",
        /// RFC 7009: the token type cannot be revoked.
        UnsupportedTokenType = "unsupported_token_type",
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for ErrorCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for ErrorCode {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let code = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Ok(ErrorCode::from_wire(&code))
    }
}

/// The one error type of every flow and helper (docs/errors.md). Its `Display` is
/// `code` or `code: detail`, the same text as the JS `ConnectError`'s `message`.
///
/// It is read, not rewritten: `e.code()`, `e.detail()`, `e.provider()`, or `into_info()` for
/// the owned [`ErrorInfo`]. It is made by its constructors ([`ConnectError::new`],
/// [`ConnectError::with_detail`], …, [`ConnectError::for_provider`]) or from an
/// [`ErrorInfo`] built by name. The error is one pointer to its fields, so a `Result` of it
/// travels in a register: 2.4 KB less wasm than the three fields moved by value through
/// every `?` (docs/decisions.md#size).
#[derive(Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(transparent))]
pub struct ConnectError(Box<ErrorInfo>);

/// What a [`ConnectError`] says, owned: `e.into_info()`, or `ConnectError::from(ErrorInfo { … })`
/// to make one with every field named.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ErrorInfo {
    /// Stable code; see [`ErrorCode`].
    pub code: ErrorCode,
    /// Human-readable detail, never containing secrets.
    pub detail: Option<String>,
    /// The provider slug, where known.
    pub provider: Option<String>,
}

impl From<ErrorInfo> for ConnectError {
    fn from(info: ErrorInfo) -> Self {
        ConnectError(Box::new(info))
    }
}

impl ConnectError {
    /// An error with a code and no detail.
    pub fn new(code: ErrorCode) -> Self {
        ErrorInfo { code, detail: None, provider: None }.into()
    }

    /// An error with a code and a detail.
    pub fn with_detail(code: ErrorCode, detail: impl Into<String>) -> Self {
        ErrorInfo { code, detail: Some(detail.into()), provider: None }.into()
    }

    /// Shorthand for `invalid_options` with a detail.
    pub fn invalid_options(detail: impl Into<String>) -> Self {
        Self::with_detail(ErrorCode::InvalidOptions, detail)
    }

    /// Shorthand for `invalid_response` with a detail.
    pub fn invalid_response(detail: impl Into<String>) -> Self {
        Self::with_detail(ErrorCode::InvalidResponse, detail)
    }

    /// `invalid_options` for a field: `"{field} must be {what}"`.
    pub fn must_be(field: &str, what: &str) -> Self {
        Self::invalid_options([field, " must be ", what].concat())
    }

    /// Attaches the provider slug.
    pub fn for_provider(mut self, provider: impl Into<String>) -> Self {
        self.0.provider = Some(provider.into());
        self
    }

    /// The stable code.
    pub fn code(&self) -> &ErrorCode {
        &self.0.code
    }

    /// The human-readable detail, if any; never a secret.
    pub fn detail(&self) -> Option<&str> {
        self.0.detail.as_deref()
    }

    /// The provider slug, where known.
    pub fn provider(&self) -> Option<&str> {
        self.0.provider.as_deref()
    }

    /// The code, detail and provider, owned.
    pub fn into_info(self) -> ErrorInfo {
        *self.0
    }
}

impl fmt::Debug for ConnectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConnectError")
            .field("code", &self.0.code)
            .field("detail", &self.0.detail)
            .field("provider", &self.0.provider)
            .finish()
    }
}

impl fmt::Display for ConnectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code().as_str())?;
        if let Some(detail) = self.detail() {
            f.write_str(": ")?;
            f.write_str(detail)?;
        }
        Ok(())
    }
}

impl std::error::Error for ConnectError {}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn known_codes_round_trip() {
        for code in ErrorCode::KNOWN {
            let parsed = ErrorCode::from_wire(code);
            assert!(!matches!(parsed, ErrorCode::Other(_)), "{code}");
            assert_eq!(parsed.as_str(), *code);
        }
    }

    #[test]
    fn unknown_codes_pass_through_unchanged() {
        let code = ErrorCode::from_wire("Weird Code/ü");
        assert_eq!(code, ErrorCode::Other("Weird Code/ü".into()));
        assert_eq!(code.as_str(), "Weird Code/ü");
    }

    #[test]
    fn an_error_is_one_pointer_read_through_accessors() {
        // docs/decisions.md#size: a `Result` of it travels in a register.
        assert_eq!(std::mem::size_of::<ConnectError>(), std::mem::size_of::<usize>());
        assert_eq!(std::mem::size_of::<Result<(), ConnectError>>(), std::mem::size_of::<usize>());
        let e = ConnectError::with_detail(ErrorCode::Timeout, "d").for_provider("notion");
        assert_eq!((e.code(), e.detail(), e.provider()), (&ErrorCode::Timeout, Some("d"), Some("notion")));
        let info = e.clone().into_info();
        assert_eq!(ConnectError::from(info), e);
        assert_eq!(format!("{e:?}"), r#"ConnectError { code: Timeout, detail: Some("d"), provider: Some("notion") }"#);
    }

    #[test]
    fn display_includes_detail() {
        let e = ConnectError::with_detail(ErrorCode::Timeout, "after 5 ms");
        assert_eq!(e.to_string(), "timeout: after 5 ms");
        assert_eq!(ConnectError::new(ErrorCode::Aborted).to_string(), "aborted");
    }
}
