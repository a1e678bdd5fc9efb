//! The boundary between the npm package's JS entry (`pkg-template/index.js`) and the wasm's
//! JS skin (`src/js/`), named once (docs/architecture.md#boundary).
//!
//! The entry passes each call's values to the wasm in one array (docs/architecture.md#size),
//! and picks a helper or token helper by number. Every position that crosses is a variant
//! here, whose discriminant is its position: the skin reads `values[Connect::BaseUrl]`, never
//! `values[3]`. The entry reads the same positions, the modes and the in-app browser table
//! from `pkg-template/boundary.js`, which [`js_module`] writes from these lists; a test
//! (`tests/boundary.rs`) fails when the committed file differs, so the two sides cannot
//! disagree in order. `UPDATE_BOUNDARY=1 cargo test --test boundary` rewrites it.
//!
//! Not an API for apps: the arrays are private to the entry, and may change in any release.

use crate::redirect::{Mode, IN_APP_BROWSERS, IOS_STANDALONE};

/// An ordered list of named positions: each variant's discriminant is its position.
macro_rules! positions {
    (
        $(#[$doc:meta])*
        $name:ident, $js_prefix:literal $(, after $head:ident)? {
            $first:ident = $first_js:literal $(, $variant:ident = $js:literal)* $(,)?
        }
    ) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        #[repr(u32)]
        pub enum $name {
            #[doc = concat!("`", $first_js, "`.")]
            $first = 0 $(+ $head::END)?,
            $(#[doc = concat!("`", $js, "`.")] $variant,)*
        }

        impl $name {
            /// Every position, in order.
            pub const ALL: &'static [$name] = &[$name::$first $(, $name::$variant)*];
            /// The JS names, in the order of [`Self::ALL`].
            pub const JS_NAMES: &'static [&'static str] = &[$first_js $(, $js)*];
            /// The prefix of the JS constants (`FLOW_MODE`, `COMMON_TIMEOUT_MS`, …).
            pub const JS_PREFIX: &'static str = $js_prefix;
            /// The position after the last one: where a list that follows this one starts.
            pub const END: u32 = (0 $(+ $head::END)?) + Self::ALL.len() as u32;

            /// The variant at a position the entry sent, if there is one.
            pub fn from_position(position: u32) -> Option<Self> {
                Self::ALL.iter().copied().find(|p| *p as u32 == position)
            }

            /// The JS name.
            pub fn js_name(self) -> &'static str {
                Self::JS_NAMES[(self as u32 - Self::ALL[0] as u32) as usize]
            }
        }

        impl From<$name> for u32 {
            fn from(p: $name) -> u32 {
                p as u32
            }
        }
    };
}

positions! {
    /// The head of every flow's array (`connect`, `authorize`, `openConnectLink`,
    /// `completeCallback`, `completeRedirect`); the flow's own values follow it.
    Head, "FLOW" {
        Mode = "mode",
        Unsupported = "unsupported",
        Common = "common",
    }
}

positions! {
    /// The common options' array (docs/options.md#common), at [`Head::Common`]. `width`,
    /// `height` and `name` come from the `popup` option; `place` is not an option: it marks a
    /// `window` the entry opened blank in the click, before the wasm loaded.
    Common, "COMMON" {
        TimeoutMs = "timeoutMs",
        ClosedGraceMs = "closedGraceMs",
        DetectClose = "detectClose",
        ClosePopup = "closePopup",
        Width = "width",
        Height = "height",
        Name = "name",
        Window = "window",
        Signal = "signal",
        OnEvent = "onEvent",
        Place = "place",
    }
}

positions! {
    /// `connect(options)`'s values (docs/flows.md#connect).
    Connect, "CONNECT", after Head {
        BaseUrl = "baseUrl",
        Provider = "provider",
        AppKey = "appKey",
        ReturnTo = "returnTo",
        State = "state",
    }
}

positions! {
    /// `authorize(options)`'s values (docs/flows.md#authorize): `scope` is an array of strings,
    /// `extraParams` one of name, value, name, value, ….
    Authorize, "AUTHORIZE", after Head {
        AuthorizationEndpoint = "authorizationEndpoint",
        ClientId = "clientId",
        RedirectUri = "redirectUri",
        Scope = "scope",
        ExtraParams = "extraParams",
        Issuer = "issuer",
        State = "state",
        Pkce = "pkce",
        AppState = "appState",
    }
}

positions! {
    /// `openConnectLink(link, options)`'s values (docs/flows.md#connect-link): `link` is
    /// `undefined` for a link function.
    ConnectLink, "CONNECT_LINK", after Head {
        Link = "link",
        RedirectUri = "redirectUri",
        State = "state",
        AppState = "appState",
    }
}

positions! {
    /// The values of `completeCallback(options)` (docs/flows.md#callback-page) and
    /// `completeRedirect(options)` (docs/flows.md#redirect-mode).
    CallbackPage, "CALLBACK_PAGE", after Head {
        OpenerOrigin = "openerOrigin",
        AckTimeoutMs = "ackTimeoutMs",
    }
}

positions! {
    /// The pure helpers behind the wasm's one `helper(number, a, b)` export
    /// (docs/flows.md#helpers).
    Helper, "HELPER" {
        GeneratePkce = "generatePkce",
        PkceChallenge = "pkceChallenge",
        GenerateState = "generateState",
        ParseVendoMessage = "parseVendoMessage",
        ParseCallbackUrl = "parseCallbackUrl",
        ValidateRedirectUri = "validateRedirectUri",
        SanitizeReturnTo = "sanitizeReturnTo",
    }
}

positions! {
    /// The token helpers behind `tokenRequest(kind, values)` and `tokenResult(kind, …)`
    /// (docs/flows.md#tokens).
    TokenHelper, "TOKEN" {
        ExchangeCode = "exchangeCode",
        RefreshToken = "refreshToken",
        RevokeToken = "revokeToken",
    }
}

positions! {
    /// The head of every token helper's values: the request body's encoding (RFC 6749 §4.1.3
    /// form, or JSON); the helper's own options follow it.
    TokenRequest, "TOKEN_REQUEST" {
        BodyEncoding = "bodyEncoding",
    }
}

positions! {
    /// `exchangeCode(options)`'s options (RFC 6749 §4.1.3, RFC 7636 §4.5).
    ExchangeCodeValues, "EXCHANGE_CODE", after TokenRequest {
        TokenEndpoint = "tokenEndpoint",
        ClientId = "clientId",
        Code = "code",
        CodeVerifier = "codeVerifier",
        RedirectUri = "redirectUri",
    }
}

positions! {
    /// `refreshToken(options)`'s options (RFC 6749 §6).
    RefreshTokenValues, "REFRESH_TOKEN", after TokenRequest {
        TokenEndpoint = "tokenEndpoint",
        ClientId = "clientId",
        RefreshToken = "refreshToken",
    }
}

positions! {
    /// `revokeToken(options)`'s options (RFC 7009 §2.1).
    RevokeTokenValues, "REVOKE_TOKEN", after TokenRequest {
        RevocationEndpoint = "revocationEndpoint",
        ClientId = "clientId",
        Token = "token",
    }
}

positions! {
    /// What `tokenRequest` returns for a request it checked: the array the entry `fetch`es
    /// with, and the `network_error` to throw if the `fetch` fails.
    PreparedRequest, "PREPARED" {
        Url = "url",
        Body = "body",
        ContentType = "contentType",
        Unreachable = "unreachable",
    }
}

positions! {
    /// What `openConnectLink` returns for a link function: the redirect URI to mint the link
    /// for, and the function to call with the minted URL (docs/flows.md#connect-link).
    Minting, "MINTING" {
        RedirectUri = "redirectUri",
        Minted = "minted",
    }
}

impl TokenHelper {
    /// The JS names of the helper's values, in position order: [`TokenRequest`]'s, then its own.
    pub fn js_values(self) -> Vec<&'static str> {
        let own = match self {
            TokenHelper::ExchangeCode => ExchangeCodeValues::JS_NAMES,
            TokenHelper::RefreshToken => RefreshTokenValues::JS_NAMES,
            TokenHelper::RevokeToken => RevokeTokenValues::JS_NAMES,
        };
        [TokenRequest::JS_NAMES, own].concat()
    }
}

/// The positions of a list as JS constants: `export const {PREFIX}_{NAME} = {position};`.
fn js_positions<P: Copy + Into<u32>>(out: &mut String, doc: &str, all: &[P], names: &[&str], prefix: &str) {
    out.push_str(&format!("\n// {doc}\n"));
    for (p, name) in all.iter().zip(names) {
        out.push_str(&format!("export const {prefix}_{} = {};\n", screaming(name), (*p).into()));
    }
}

/// `timeoutMs` → `TIMEOUT_MS`.
fn screaming(camel: &str) -> String {
    let mut out = String::new();
    for c in camel.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
        }
        out.push(c.to_ascii_uppercase());
    }
    out
}

/// A JS string literal as Biome formats it: single quotes, or double quotes for a string
/// that holds a single quote (none of ours holds both, or a backslash).
fn js_string(s: &str) -> String {
    if s.contains('\'') {
        format!("\"{s}\"")
    } else {
        format!("'{s}'")
    }
}

/// The text of `pkg-template/boundary.js`: every list above as JS constants, the modes
/// ([`Mode`]) and where popups cannot work ([`IN_APP_BROWSERS`], [`IOS_STANDALONE`]), so the
/// entry's `popupSupport()` and `mode: 'auto'` answer inside the click, before the wasm is
/// ready.
pub fn js_module() -> String {
    let mut out = String::from(
        "// Generated from src/boundary.rs by `UPDATE_BOUNDARY=1 cargo test --test boundary`: do not edit.\n\
         // The positions of the arrays pkg-template/index.js passes to the wasm, its helper and token\n\
         // helper numbers, the modes and where popups cannot work (docs/architecture.md#boundary).\n\
         // esbuild inlines the numbers and strings where index.js uses them.\n",
    );
    macro_rules! list {
        ($doc:literal, $list:ident) => {
            js_positions(&mut out, $doc, $list::ALL, $list::JS_NAMES, $list::JS_PREFIX)
        };
    }
    list!("Every flow's array starts with its head (boundary::Head); its own values follow.", Head);
    list!("The common options' array, at FLOW_COMMON (boundary::Common).", Common);
    list!("connect() (boundary::Connect).", Connect);
    list!("authorize() (boundary::Authorize).", Authorize);
    list!("openConnectLink() (boundary::ConnectLink).", ConnectLink);
    list!("completeCallback() and completeRedirect() (boundary::CallbackPage).", CallbackPage);
    list!("The wasm's helper(number, a, b) (boundary::Helper).", Helper);
    list!("The wasm's tokenRequest(kind, values) and tokenResult(kind, …) (boundary::TokenHelper).", TokenHelper);
    list!("What tokenRequest() returns for a checked request (boundary::PreparedRequest).", PreparedRequest);
    list!("What openConnectLink() returns for a link function (boundary::Minting).", Minting);

    out.push_str(
        "\n// Each token helper's values, by TOKEN_* kind: TOKEN_REQUEST_BODY_ENCODING, then its own options.\n",
    );
    out.push_str("export const TOKEN_VALUES = [\n");
    for kind in TokenHelper::ALL {
        let names: Vec<String> = kind.js_values().iter().map(|n| js_string(n)).collect();
        out.push_str(&format!("  [{}],\n", names.join(", ")));
    }
    out.push_str("];\n");

    out.push_str("\n// The `mode` option's values (redirect::Mode).\n");
    for mode in Mode::ALL {
        out.push_str(&format!("export const MODE_{} = {};\n", screaming(mode.as_str()), js_string(mode.as_str())));
    }

    out.push_str(
        "\n// Where popups cannot work (docs/flows.md#redirect-mode): user-agent tokens of in-app browsers\n\
         // and the reason for each (redirect::IN_APP_BROWSERS), and an iOS home-screen web app's reason.\n",
    );
    out.push_str("export const IN_APP_BROWSERS = [\n");
    for (token, why) in IN_APP_BROWSERS {
        out.push_str(&format!("  [{}, {}],\n", js_string(token), js_string(why)));
    }
    out.push_str("];\n");
    out.push_str(&format!("export const IOS_STANDALONE = {};\n", js_string(IOS_STANDALONE)));
    out
}
