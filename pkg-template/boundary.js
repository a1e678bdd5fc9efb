// Generated from npm/src/boundary.rs by `UPDATE_BOUNDARY=1 cargo test -p vendo-connect-npm boundary`: do not edit.
// The positions of the arrays pkg-template/index.js passes to the wasm, its helper and token
// helper numbers, the modes and where popups cannot work (docs/architecture.md#boundary).
// esbuild inlines the numbers and strings where index.js uses them.

// Every flow's array starts with its head (boundary::Head); its own values follow.
export const FLOW_MODE = 0;
export const FLOW_UNSUPPORTED = 1;
export const FLOW_COMMON = 2;

// The common options' array, at FLOW_COMMON (boundary::Common).
export const COMMON_TIMEOUT_MS = 0;
export const COMMON_CLOSED_GRACE_MS = 1;
export const COMMON_DETECT_CLOSE = 2;
export const COMMON_CLOSE_POPUP = 3;
export const COMMON_WIDTH = 4;
export const COMMON_HEIGHT = 5;
export const COMMON_NAME = 6;
export const COMMON_WINDOW = 7;
export const COMMON_SIGNAL = 8;
export const COMMON_ON_EVENT = 9;
export const COMMON_PLACE = 10;

// connect() (boundary::Connect).
export const CONNECT_BASE_URL = 3;
export const CONNECT_PROVIDER = 4;
export const CONNECT_APP_KEY = 5;
export const CONNECT_RETURN_TO = 6;
export const CONNECT_STATE = 7;

// authorize() (boundary::Authorize).
export const AUTHORIZE_AUTHORIZATION_ENDPOINT = 3;
export const AUTHORIZE_CLIENT_ID = 4;
export const AUTHORIZE_REDIRECT_URI = 5;
export const AUTHORIZE_SCOPE = 6;
export const AUTHORIZE_EXTRA_PARAMS = 7;
export const AUTHORIZE_ISSUER = 8;
export const AUTHORIZE_STATE = 9;
export const AUTHORIZE_PKCE = 10;
export const AUTHORIZE_APP_STATE = 11;

// openConnectLink() (boundary::ConnectLink).
export const CONNECT_LINK_LINK = 3;
export const CONNECT_LINK_REDIRECT_URI = 4;
export const CONNECT_LINK_STATE = 5;
export const CONNECT_LINK_APP_STATE = 6;

// completeCallback() and completeRedirect() (boundary::CallbackPage).
export const CALLBACK_PAGE_OPENER_ORIGIN = 3;
export const CALLBACK_PAGE_ACK_TIMEOUT_MS = 4;

// The wasm's helper(number, a, b) (boundary::Helper).
export const HELPER_GENERATE_PKCE = 0;
export const HELPER_PKCE_CHALLENGE = 1;
export const HELPER_GENERATE_STATE = 2;
export const HELPER_PARSE_VENDO_MESSAGE = 3;
export const HELPER_PARSE_CALLBACK_URL = 4;
export const HELPER_VALIDATE_REDIRECT_URI = 5;
export const HELPER_SANITIZE_RETURN_TO = 6;

// The wasm's tokenRequest(kind, values) and tokenResult(kind, …) (boundary::TokenHelper).
export const TOKEN_EXCHANGE_CODE = 0;
export const TOKEN_REFRESH_TOKEN = 1;
export const TOKEN_REVOKE_TOKEN = 2;

// What tokenRequest() returns for a checked request (boundary::PreparedRequest).
export const PREPARED_URL = 0;
export const PREPARED_BODY = 1;
export const PREPARED_CONTENT_TYPE = 2;
export const PREPARED_UNREACHABLE = 3;

// What openConnectLink() returns for a link function (boundary::Minting).
export const MINTING_REDIRECT_URI = 0;
export const MINTING_MINTED = 1;

// Each token helper's values, by TOKEN_* kind: TOKEN_REQUEST_BODY_ENCODING, then its own options.
export const TOKEN_VALUES = [
  ['bodyEncoding', 'tokenEndpoint', 'clientId', 'code', 'codeVerifier', 'redirectUri'],
  ['bodyEncoding', 'tokenEndpoint', 'clientId', 'refreshToken'],
  ['bodyEncoding', 'revocationEndpoint', 'clientId', 'token'],
];

// The `mode` option's values (redirect::Mode).
export const MODE_POPUP = 'popup';
export const MODE_REDIRECT = 'redirect';
export const MODE_AUTO = 'auto';

// Where popups cannot work (docs/flows.md#redirect-mode): user-agent tokens of in-app browsers
// and the reason for each (redirect::IN_APP_BROWSERS), and an iOS home-screen web app's reason.
export const IN_APP_BROWSERS = [
  ['Instagram', "Instagram's in-app browser"],
  ['FBAN/', "Facebook's in-app browser"],
  ['FBAV/', "Facebook's in-app browser"],
  ['FB_IAB/', "Facebook's in-app browser"],
  ['LinkedInApp', "LinkedIn's in-app browser"],
  ['Line/', "LINE's in-app browser"],
  ['MicroMessenger/', "WeChat's in-app browser"],
  ['BytedanceWebview', "TikTok's in-app browser"],
  ['TikTok', "TikTok's in-app browser"],
  ['Snapchat', "Snapchat's in-app browser"],
];
export const IOS_STANDALONE = 'an iOS home-screen web app';
