//! The npm package's wasm (docs/architecture.md#crates): the JS skin over `vendo-connect`'s
//! browser layer, and the allocator of this one build. Rust apps depend on `vendo-connect`
//! and link none of this.
//!
//! - [`boundary`]: the named positions of the arrays the package's entry
//!   (`pkg-template/index.js`) passes, and the generated `pkg-template/boundary.js`.
//! - `exports`: the `#[wasm_bindgen]` functions the entry calls (`connect`, `authorize`, …).
//! - `convert`: Rust results to plain JS objects, `ConnectError` to the JS class.
//!
//! `scripts/build-pkg.sh` builds it; natively only [`boundary`] and its tests compile.
// Natively the skin is not compiled, so the boundary's lists read as unused there.
#![cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]

pub mod boundary;

/// A plain JS object: `object! { "name" => value, … }`. The names become one static list and
/// the values an array, which `vendo_connect::__skin::object` pairs up: smaller at each use than a list of
/// (name, value) pairs.
#[cfg(target_arch = "wasm32")]
macro_rules! object {
    ($($name:literal => $value:expr),* $(,)?) => {
        vendo_connect::__skin::object(&[$($name),*], &[$($value),*])
    };
}

#[cfg(target_arch = "wasm32")]
mod convert;
#[cfg(target_arch = "wasm32")]
mod exports;

/// The allocator of this build only (docs/decisions.md#dependencies): a library never sets
/// one for Rust apps.
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: lol_alloc::AssumeSingleThreaded<lol_alloc::FreeListAllocator> =
    // SAFETY: the npm build is single-threaded (no `atomics` target feature, checked above).
    unsafe { lol_alloc::AssumeSingleThreaded::new(lol_alloc::FreeListAllocator::new()) };
