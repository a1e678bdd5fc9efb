#!/usr/bin/env python3
"""`make size`'s breakdown: what each crate and each of our modules contributes to the npm
wasm, from `twiggy top` over target/size/named.wasm (the same optimised wasm as pkg/, with
its function names kept). Raw bytes are exact; the gzipped column shares the wasm's real
gzip -9 size out in proportion to raw bytes, so it is an estimate per row."""
import csv
import io
import re
import subprocess
import sys
from collections import Counter

named, wasm_gz = sys.argv[1], int(sys.argv[2])
rows = list(csv.DictReader(io.StringIO(subprocess.run(
    ["twiggy", "top", "-n", "1000000", "-f", "csv", named], check=True, capture_output=True, text=True).stdout)))
# Our `#[wasm_bindgen]` exports keep their JS names (`connect`, `tokenResult`): the exported
# functions that are not wasm-bindgen's own (`__wbindgen_…`).
exports = {m.group(1) for row in rows if (m := re.match(r'^export "([A-Za-z]\w*)"$', row["Name"]))}
exports = {e for e in exports if not e.startswith("__")}
groups = Counter()
for row in rows:
    name, size = row["Name"], int(row["ShallowSize"])
    if "names\" subsection" in name or name.startswith("\"module name\""):
        continue  # the names section is not in pkg/'s wasm
    # Names come mangled both ways: `core::x` and, for a std built from source,
    # `core[hash]::x`; impls read `<[u8]>::…` or `<[&str] as alloc::…>::…`.
    plain = re.sub(r"\[[0-9a-f]+\]", "", name).lstrip("<&[").replace("dyn ", "").replace("mut ", "")
    first = re.match(r"[A-Za-z_][\w]*", plain)
    head = first.group(0) if first else plain
    if head == "vendo_connect":
        parts = plain.split("::")
        parts = [re.split(r"[<>{(]", p)[0] for p in parts]
        key = "vendo_connect::" + "::".join(parts[1:3] if parts[1] == "browser" else parts[1:2])
    elif head == "vendo_connect_npm":
        parts = [re.split(r"[<>{(]", p)[0] for p in plain.split("::")]
        key = "vendo_connect_npm::" + parts[1]
    elif name.startswith("data segment"):
        key = "data (strings, tables)"
    elif re.match(r"^(import|export|type|table|elem|global|memory|code|custom)\b", name):
        key = "wasm sections (imports, exports, types)"
    elif head in exports:
        key = "vendo_connect_npm exports (+ inlined flow starts)"
    elif head in ("core", "alloc", "std", "__rustc", "str", "char", "T", "D", "usize", "u8", "u16", "u32", "f64", "i64", "memcmp", "memcpy", "memset"):
        key = "std (core, alloc)"
    else:
        key = head
    groups[key] += size
total = sum(groups.values())
print(f"{'where the wasm goes':44} {'raw':>8} {'≈gzip':>8} {'share':>6}")
for key, size in groups.most_common():
    if size < 64:
        continue
    print(f"{key:44} {size:8d} {round(wasm_gz * size / total):8d} {100 * size / total:5.1f}%")
print(f"{'(rows under 64 bytes)':44} {sum(s for s in groups.values() if s < 64):8d}")
