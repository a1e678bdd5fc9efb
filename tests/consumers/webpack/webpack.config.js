// webpack 5: nothing for vendo-connect. webpack emits `new URL('vendo_connect_bg.wasm',
// import.meta.url)` (in the package) as an asset of its own and rewrites the URL; the wasm's
// JS copy (an `import()` in the package) becomes a chunk of its own that this page never
// loads. The second build is the same page without the package (../vite8/baseline/main.js),
// to measure what the package adds.
import path from 'node:path';

const build = (entry, dir) => ({
  mode: 'production',
  context: import.meta.dirname,
  entry,
  output: { path: path.join(import.meta.dirname, dir), filename: 'main.js', clean: true },
});

export default [build('./main.js', 'dist'), build('../vite8/baseline/main.js', 'baseline/dist')];
