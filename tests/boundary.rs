//! The npm entry and the wasm read the same positions (docs/architecture.md#boundary):
//! `pkg-template/boundary.js`, which `index.js` imports, is generated from `src/boundary.rs`
//! and must be the text [`boundary::js_module`] writes now. A change to either side alone
//! (a new option, two names swapped) fails here. To regenerate it:
//! `UPDATE_BOUNDARY=1 cargo test --test boundary`.
#![cfg(not(target_arch = "wasm32"))]

use vendo_connect::boundary::{self, *};

const GENERATED: &str = "pkg-template/boundary.js";

#[test]
fn the_generated_js_constants_are_current() {
    let now = boundary::js_module();
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
             committed: {:?}\n  generated: {:?}\nRun `UPDATE_BOUNDARY=1 cargo test --test boundary` and commit the file.",
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
    let dts = include_str!("../pkg-template/index.d.ts");
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
