// Renames the wasm's imports and exports to short names in the wasm-bindgen glue, after
// `wasm-opt --minify-imports-and-exports-and-modules` did so in the wasm and printed the
// mapping. wasm-bindgen's names carry 16-hex-digit hashes that gzip cannot compress, in
// both files (about 2 KB gzipped). Usage: node minify-glue.mjs MAP.json MIN.wasm GLUE.js
import { readFileSync, writeFileSync } from 'node:fs';

const [mapFile, wasmFile, glueFile] = process.argv.slice(2);
const map = JSON.parse(readFileSync(mapFile, 'utf8'));
const module = new WebAssembly.Module(readFileSync(wasmFile));
const modules = new Set(WebAssembly.Module.imports(module).map((i) => i.module));
if (modules.size !== 1) throw new Error(`expected one import module, found ${[...modules]}`);
const [newModule] = modules;
const imports = new Map(map.imports.map(([, from, to]) => [from, to]));
const exports = new Map(map.exports.map(([from, to]) => [from, to]));

let glue = readFileSync(glueFile, 'utf8');
let renamed = 0;
// Import functions are the keys of the imports object: `name: function(`.
glue = glue.replace(/^(\s+)([A-Za-z_$][\w$]*)(: function\()/gm, (all, indent, name, rest) => {
  const to = imports.get(name);
  if (to === undefined) return all;
  renamed++;
  return `${indent}${JSON.stringify(to)}${rest}`;
});
if (renamed !== imports.size) throw new Error(`renamed ${renamed} of ${imports.size} imports`);
const moduleKey = /"\.\/[\w.-]+_bg\.js": import0/;
if (!moduleKey.test(glue)) throw new Error('the import module key was not found');
glue = glue.replace(moduleKey, `${JSON.stringify(newModule)}: import0`);
// Exports are read as `wasm.name`.
glue = glue.replace(/\bwasm\.([A-Za-z_$][\w$]*)/g, (_all, name) => {
  const to = exports.get(name);
  if (to === undefined) throw new Error(`export ${name} has no new name`);
  return `wasm[${JSON.stringify(to)}]`;
});
writeFileSync(glueFile, glue);
console.log(`minify-glue: ${imports.size} imports and ${exports.size} exports renamed`);
