//! The boundary between the npm package's JS entry (`pkg-template/index.js`) and the wasm's
//! JS skin (`exports.rs`), named once (docs/architecture.md#boundary).
//!
//! The entry passes each call's values to the wasm in one array (docs/architecture.md#size),
//! and picks a helper or token helper by number. Every position that crosses is a variant
//! here, whose discriminant is its position: the skin reads `values[Connect::BaseUrl]`, never
//! `values[3]`. The entry reads the same positions, the modes and the in-app browser table
//! from `pkg-template/boundary.js`, which `js_module` (in the tests below) writes from these lists; a test
//! (the test below) fails when the committed file differs, so the two sides cannot
//! disagree in order. `UPDATE_BOUNDARY=1 cargo test -p vendo-connect-npm boundary` rewrites it.
//!
//! Not an API for apps: the arrays are private to the entry, and may change in any release.

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

/// `pkg-template/boundary.js`, which `index.js` imports, is generated from the lists above and
/// must be the text [`js_module`] writes now (docs/architecture.md#boundary). A change to either
/// side alone (a new option, two names swapped) fails here. To regenerate it:
/// `UPDATE_BOUNDARY=1 cargo test -p vendo-connect-npm boundary`.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use vendo_connect::__skin::{IN_APP_BROWSERS, IOS_STANDALONE};
    use vendo_connect::Mode;

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
            "// Generated from npm/src/boundary.rs by `UPDATE_BOUNDARY=1 cargo test -p vendo-connect-npm boundary`: do not edit.\n\
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

    const GENERATED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../pkg-template/boundary.js");

    #[test]
    fn the_generated_js_constants_are_current() {
        let now = js_module();
        if std::env::var_os("UPDATE_BOUNDARY").is_some() {
            std::fs::write(GENERATED, &now).unwrap();
            return;
        }
        let committed = std::fs::read_to_string(GENERATED).unwrap_or_default();
        if committed != now {
            let first = committed.lines().zip(now.lines()).position(|(a, b)| a != b);
            let line = first.map_or(committed.lines().count().min(now.lines().count()), |i| i) + 1;
            panic!(
                "{GENERATED} is not what src/boundary.rs generates (first difference at line {line}):\n  \
                 committed: {:?}\n  generated: {:?}\nRun `UPDATE_BOUNDARY=1 cargo test -p vendo-connect-npm boundary` and commit the file.",
                committed.lines().nth(line - 1).unwrap_or(""),
                now.lines().nth(line - 1).unwrap_or(""),
            );
        }
    }

    /// Each list's positions, from `first`, one after another, and its names distinct.
    fn assert_list<P: Copy + Into<u32> + std::fmt::Debug>(all: &[P], names: &[&str], first: u32, end: u32) {
        let positions: Vec<u32> = all.iter().map(|p| (*p).into()).collect();
        let expected: Vec<u32> = (first..end).collect();
        assert_eq!(positions, expected, "{all:?}");
        assert_eq!(names.len(), all.len());
        for (i, name) in names.iter().enumerate() {
            assert!(!names[..i].contains(name), "{name} is twice in {all:?}");
        }
    }

    #[test]
    fn every_list_is_a_run_of_positions() {
        assert_list(Head::ALL, Head::JS_NAMES, 0, Head::END);
        assert_list(Common::ALL, Common::JS_NAMES, 0, Common::END);
        assert_list(Helper::ALL, Helper::JS_NAMES, 0, Helper::END);
        assert_list(TokenHelper::ALL, TokenHelper::JS_NAMES, 0, TokenHelper::END);
        assert_list(TokenRequest::ALL, TokenRequest::JS_NAMES, 0, TokenRequest::END);
        assert_list(PreparedRequest::ALL, PreparedRequest::JS_NAMES, 0, PreparedRequest::END);
        assert_list(Minting::ALL, Minting::JS_NAMES, 0, Minting::END);
        // A flow's own values follow the head; a token helper's follow the body encoding.
        assert_list(Connect::ALL, Connect::JS_NAMES, Head::END, Connect::END);
        assert_list(Authorize::ALL, Authorize::JS_NAMES, Head::END, Authorize::END);
        assert_list(ConnectLink::ALL, ConnectLink::JS_NAMES, Head::END, ConnectLink::END);
        assert_list(CallbackPage::ALL, CallbackPage::JS_NAMES, Head::END, CallbackPage::END);
        assert_list(ExchangeCodeValues::ALL, ExchangeCodeValues::JS_NAMES, TokenRequest::END, ExchangeCodeValues::END);
        assert_list(RefreshTokenValues::ALL, RefreshTokenValues::JS_NAMES, TokenRequest::END, RefreshTokenValues::END);
        assert_list(RevokeTokenValues::ALL, RevokeTokenValues::JS_NAMES, TokenRequest::END, RevokeTokenValues::END);
    }

    #[test]
    fn positions_and_names_agree() {
        assert_eq!(Connect::BaseUrl as u32, 3);
        assert_eq!(Connect::from_position(3), Some(Connect::BaseUrl));
        assert_eq!(Connect::from_position(2), None, "the head's positions are not connect()'s");
        assert_eq!(Helper::from_position(Helper::END), None);
        assert_eq!(Common::Place.js_name(), "place");
        assert_eq!(Authorize::AppState.js_name(), "appState");
        assert_eq!(
            TokenHelper::RevokeToken.js_values(),
            ["bodyEncoding", "revocationEndpoint", "clientId", "token"],
            "the body encoding, then the helper's own options"
        );
    }

    /// The option names the entry passes are the package's option names (`index.d.ts`), so a
    /// list here cannot name an option the API does not have.
    #[test]
    fn every_option_position_is_a_declared_option() {
        let dts = include_str!("../../pkg-template/index.d.ts");
        let declared = |name: &str| dts.contains(&format!(" {name}?:")) || dts.contains(&format!(" {name}:"));
        let internal = ["mode", "unsupported", "common", "place", "link"];
        let mut names: Vec<&str> = [
            Head::JS_NAMES,
            Common::JS_NAMES,
            Connect::JS_NAMES,
            Authorize::JS_NAMES,
            ConnectLink::JS_NAMES,
            CallbackPage::JS_NAMES,
        ]
        .concat();
        for kind in TokenHelper::ALL {
            names.extend(kind.js_values());
        }
        for name in names.into_iter().filter(|n| !internal.contains(n)) {
            assert!(declared(name), "{name} is not an option in index.d.ts");
        }
        for helper in Helper::JS_NAMES.iter().chain(TokenHelper::JS_NAMES) {
            assert!(dts.contains(&format!("export function {helper}(")), "{helper} is not exported by index.d.ts");
        }
    }
}
