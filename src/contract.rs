//! The published TypeScript declarations (`pkg-template/index.d.ts`) hold the same lists as
//! the Rust code: every error code, every flow event kind and every result field. Each list
//! has one source in Rust; this test fails when the hand-written `.d.ts` drifts from it,
//! in membership or in order (two names swapped on either side fail).
//! (Tests only: these read the crate's own lists, which are not public API.)

use crate::error::ErrorCode;
use crate::flow::FlowEventKind;
use crate::redirect::{Mode, RecordFlow, RedirectResult};
use crate::results::{Authorization, Connection, LinkedTool};
use crate::token::TokenResponse;

const DTS: &str = include_str!("../pkg-template/index.d.ts");

/// The text of `export <kind> <name>` up to its end (`;` at depth 0 for a type, the closing
/// brace for an interface).
fn declaration(kind: &str, name: &str) -> &'static str {
    let head = format!("export {kind} {name} ");
    let start = DTS.find(&head).unwrap_or_else(|| panic!("index.d.ts has no `{head}`"));
    let rest = &DTS[start + head.len()..];
    let mut depth = 0i32;
    for (i, c) in rest.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 && kind == "interface" {
                    return &rest[..=i];
                }
            }
            ';' if depth == 0 && kind == "type" => return &rest[..i],
            _ => {}
        }
    }
    panic!("`{head}` does not end")
}

/// The quoted string literals in a piece of TypeScript.
fn literals(ts: &str) -> Vec<String> {
    ts.split('\'').skip(1).step_by(2).map(str::to_owned).collect()
}

/// The property names of an interface (comments skipped).
fn properties(ts: &str) -> Vec<String> {
    let body = ts.trim().trim_start_matches('{').trim_end_matches('}');
    let mut names = Vec::new();
    let mut depth = 0;
    let code: String = body
        .lines()
        .map(|l| l.split("/**").next().unwrap_or(""))
        .filter(|l| !l.trim_start().starts_with('*'))
        .collect::<Vec<_>>()
        .join("\n");
    for part in code.split([';', '\n']) {
        let part = part.trim();
        if depth == 0 {
            if let Some((name, _)) = part.split_once(':') {
                let name = name.trim().trim_end_matches('?');
                if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                    names.push(name.to_owned());
                }
            }
        }
        depth += part.matches('{').count() as i32 - part.matches('}').count() as i32;
    }
    names
}

/// Each group of `ErrorCode` is the union type `index.d.ts` declares it as, code for code in
/// order, and `ConnectErrorCode` is the groups' union.
#[test]
fn error_codes_match() {
    for (union, codes) in ErrorCode::GROUPS {
        assert_eq!(literals(declaration("type", union)), *codes, "index.d.ts type {union} vs ErrorCode's group");
    }
    let grouped: Vec<&str> = ErrorCode::GROUPS.iter().flat_map(|(_, codes)| codes.iter().copied()).collect();
    assert_eq!(grouped, ErrorCode::KNOWN, "the groups, in order, are every known code");
    let all = declaration("type", "ConnectErrorCode");
    let unions: Vec<&str> = all.split(['|', '=']).map(str::trim).filter(|t| t.ends_with("ErrorCode")).collect();
    let groups: Vec<&str> = ErrorCode::GROUPS.iter().map(|(union, _)| *union).collect();
    assert_eq!(unions, groups, "ConnectErrorCode is the union of the groups");
}

#[test]
fn flow_event_kinds_match() {
    let kinds = declaration("interface", "FlowEvent");
    let kinds = kinds.split("kind:").nth(1).unwrap().split(';').next().unwrap();
    let declared = literals(kinds);
    let known: Vec<String> = FlowEventKind::ALL.iter().map(|k| k.as_str().to_owned()).collect();
    assert_eq!(declared, known, "FlowEvent['kind'] vs FlowEventKind::ALL");
}

/// Each result's fields, in order: the JS objects are built in this order (npm/src/convert.rs),
/// and `index.d.ts` declares them in it.
#[test]
fn result_fields_match() {
    for (name, fields) in [
        ("Connection", &Connection::JS_FIELDS[..]),
        ("Authorization", &Authorization::JS_FIELDS[..]),
        ("LinkedTool", &LinkedTool::JS_FIELDS[..]),
        ("TokenResponse", &TokenResponse::JS_FIELDS[..]),
    ] {
        assert_eq!(properties(declaration("interface", name)), fields, "interface {name} vs {name}::JS_FIELDS");
    }
}

#[test]
fn modes_and_redirect_results_match() {
    let declared = literals(declaration("type", "Mode"));
    assert_eq!(declared, Mode::JS_VALUES, "type Mode vs Mode::JS_VALUES");
    for (name, flow) in
        [("AuthorizeRedirectResult", RecordFlow::Authorize), ("ConnectLinkRedirectResult", RecordFlow::ConnectLink)]
    {
        let d = declaration("interface", name);
        let body = &d[d.find('{').unwrap()..];
        assert_eq!(properties(body), RedirectResult::JS_FIELDS, "interface {name} adds RedirectResult::JS_FIELDS");
        assert!(d.contains(&format!("flow: '{}'", flow.as_str())), "{name}: flow is '{}'", flow.as_str());
    }
}

#[test]
fn every_js_option_name_is_declared() {
    for (rust, js) in crate::validate::OPTION_NAMES {
        assert!(
            DTS.contains(&format!(" {js}?:")) || DTS.contains(&format!(" {js}:")),
            "{js} ({rust}) is not in index.d.ts"
        );
    }
}

#[test]
fn the_parser_of_this_test_sees_what_it_should() {
    // Guard against a test that cannot fail: the helpers find known members.
    assert!(literals(declaration("type", "SdkErrorCode")).contains(&"popup_blocked".to_owned()));
    assert!(properties(declaration("interface", "Connection")).contains(&"connectionId".to_owned()));
    assert!(properties("{ a: string; b?: number }") == ["a", "b"]);
}

/// The text of every `.rs` file under `dir`, test modules cut off (they build made-up codes).
fn shipped_rust(dir: &std::path::Path, out: &mut Vec<(String, String)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            shipped_rust(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).unwrap();
            let shipped = text.split("#[cfg(all(test").next().unwrap_or("").split("#[cfg(test)]").next().unwrap_or("");
            out.push((path.display().to_string(), shipped.to_owned()));
        }
    }
}

/// Every code the SDK can raise is in `ErrorCode` (and so, by `error_codes_match`, in
/// index.d.ts and docs/errors.md): the JS entry's `new ConnectError('…')` literals, and, in
/// the Rust sources, no code made from a literal outside the list (`ErrorCode::Other` and
/// `from_wire` are for codes a server sends).
#[test]
fn every_code_the_sdk_raises_is_known() {
    let known = |code: &str| ErrorCode::KNOWN.contains(&code);
    let mut js_codes = Vec::new();
    for file in ["pkg-template/index.js", "pkg-template/react.js"] {
        let text = std::fs::read_to_string(file).unwrap();
        for call in text.split("ConnectError(").skip(1) {
            let call = call.trim_start();
            let Some(quote) = call.chars().next().filter(|c| matches!(c, '\'' | '"' | '`')) else {
                panic!("{file}: a ConnectError whose code is not a literal: ConnectError({call:.40}")
            };
            let code = call[1..].split(quote).next().unwrap();
            js_codes.push(code.to_owned());
        }
    }
    let seen = |code: &str| js_codes.iter().any(|c| c == code);
    assert!(seen("not_ready") && seen("load_failed"), "the codes the JS entry raises are found: {js_codes:?}");
    for code in &js_codes {
        assert!(known(code), "index.js raises `{code}`, which ErrorCode does not list");
    }

    let mut files = Vec::new();
    shipped_rust(std::path::Path::new("src"), &mut files);
    assert!(files.len() > 10);
    for (path, text) in &files {
        for pattern in ["ErrorCode::Other(", "from_wire("] {
            for call in text.split(pattern).skip(1) {
                let call = call.trim_start();
                assert!(
                    !call.starts_with('"'),
                    "{path}: {pattern}{:.40}: a code the SDK raises belongs in ErrorCode (src/error.rs)",
                    call
                );
            }
        }
    }
}

#[test]
fn the_npm_readme_lists_every_error_code() {
    let readme = include_str!("../pkg-template/README.md");
    let errors = readme.split("\n## Errors\n").nth(1).expect("the npm README has an Errors section");
    let errors = errors.split("\n## ").next().unwrap_or_default();
    for code in ErrorCode::KNOWN {
        assert!(errors.contains(&format!("`{code}`")), "the npm README's Errors section does not list `{code}`");
    }
}
