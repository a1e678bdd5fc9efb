//! The core's module structure (docs/decisions.md#an-acyclic-core): the `use crate::…`
//! imports of `src/*.rs` form no cycle, and README.md's module map lists every core module.
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
