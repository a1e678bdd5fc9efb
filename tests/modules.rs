//! The core's module structure (docs/decisions.md#an-acyclic-core): the `use crate::…`
//! imports of `src/*.rs` form no cycle, README.md's module map lists every core module, and the
//! core crate holds no JS skin and sets no allocator (docs/architecture.md#crates).
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeMap;

/// Each core module and the core modules its shipped code imports (`use crate::name`,
/// test modules cut off).
fn imports() -> BTreeMap<String, Vec<String>> {
    let mut graph = BTreeMap::new();
    for entry in std::fs::read_dir("src").unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let name = path.file_stem().unwrap().to_str().unwrap().to_owned();
        let text = std::fs::read_to_string(&path).unwrap();
        let shipped = text.split("#[cfg(all(test").next().unwrap();
        let mut deps: Vec<String> = shipped
            .lines()
            .filter_map(|l| l.trim_start().trim_start_matches("pub ").strip_prefix("use crate::"))
            .map(|rest| rest.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).next().unwrap().to_owned())
            .filter(|dep| *dep != name)
            .collect();
        deps.sort();
        deps.dedup();
        graph.insert(name, deps);
    }
    graph
}

/// A cycle through `node`, if any (depth-first, `path` the modules being visited).
fn cycle(
    graph: &BTreeMap<String, Vec<String>>,
    node: &str,
    path: &mut Vec<String>,
    done: &mut Vec<String>,
) -> Option<Vec<String>> {
    if let Some(at) = path.iter().position(|n| n == node) {
        let mut found = path[at..].to_vec();
        found.push(node.to_owned());
        return Some(found);
    }
    if done.iter().any(|n| n == node) {
        return None;
    }
    path.push(node.to_owned());
    for dep in graph.get(node).into_iter().flatten() {
        if let Some(found) = cycle(graph, dep, path, done) {
            return Some(found);
        }
    }
    path.pop();
    done.push(node.to_owned());
    None
}

#[test]
fn the_core_imports_form_no_cycle() {
    let graph = imports();
    // The reader sees the imports it should (a test that cannot fail is no test).
    assert!(
        graph["protocol"].contains(&"flow".to_owned()) && graph["flow"].contains(&"results".to_owned()),
        "{graph:?}"
    );
    let mut done = Vec::new();
    for node in graph.keys() {
        if let Some(found) = cycle(&graph, node, &mut Vec::new(), &mut done) {
            panic!("the core's imports form a cycle: {}", found.join(" → "));
        }
    }
    // And the check finds one when there is one.
    let mut with_cycle = graph.clone();
    with_cycle.get_mut("results").unwrap().push("protocol".to_owned());
    assert!(cycle(&with_cycle, "protocol", &mut Vec::new(), &mut Vec::new()).is_some());
}

#[test]
fn the_readme_module_map_lists_every_core_module() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    let map = readme.split("## Architecture").nth(1).unwrap().split("```").nth(1).unwrap();
    for module in imports().keys().filter(|m| *m != "lib") {
        let line = format!("  {module}.rs ");
        assert!(map.contains(&line), "README.md's Architecture block does not list src/{module}.rs");
    }
}

/// Every `.rs` file under `dir`, with its text.
fn sources(dir: &std::path::Path) -> Vec<(std::path::PathBuf, String)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(sources(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).unwrap();
            out.push((path, text));
        }
    }
    out
}

/// Whether `text` exports a function to JS: a `#[wasm_bindgen…]` attribute on a `pub fn`
/// (an `extern` block's attribute imports one).
fn exports_to_js(text: &str) -> bool {
    let lines: Vec<&str> = text.lines().map(str::trim_start).collect();
    lines.windows(2).any(|w| w[0].starts_with("#[wasm_bindgen") && w[1].starts_with("pub fn "))
}

/// A Rust app that depends on this crate links no JS skin and no allocator of ours
/// (docs/architecture.md#crates): both live in the npm crate (`npm/`), which depends on this
/// one, and this crate has no feature that would bring them in.
#[test]
fn the_core_crate_sets_no_allocator_and_holds_no_js_skin() {
    let manifest = std::fs::read_to_string("Cargo.toml").unwrap();
    let npm_manifest = std::fs::read_to_string("npm/Cargo.toml").unwrap();
    let allocator = "#[global_allocator]";
    for (path, text) in sources(std::path::Path::new("src")) {
        assert!(!text.contains(allocator), "{} sets a global allocator", path.display());
        assert!(!exports_to_js(&text), "{} exports a JS function", path.display());
    }
    assert!(!manifest.contains("lol_alloc"), "Cargo.toml depends on an allocator");
    let features = manifest.split("[features]").nth(1).unwrap().split("\n[").next().unwrap();
    assert!(!features.lines().any(|l| l.starts_with("js ")), "Cargo.toml has a `js` feature: {features}");
    // And the check reads the right things: the npm crate has both.
    let npm = sources(std::path::Path::new("npm/src"));
    assert!(npm.iter().any(|(_, t)| t.contains(allocator)) && npm.iter().any(|(_, t)| exports_to_js(t)));
    assert!(npm_manifest.contains("lol_alloc") && npm_manifest.contains("vendo-connect = { path = \"..\" }"));
}
