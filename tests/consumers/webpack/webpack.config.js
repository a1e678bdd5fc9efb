// webpack 5: nothing for vendo-connect. webpack emits `new URL('vendo_connect_bg.wasm',
// import.meta.url)` (in the package) as an asset of its own and rewrites the URL.
import path from 'node:path';

export default {
  mode: 'production',
  context: import.meta.dirname,
  entry: './main.js',
  output: { path: path.join(import.meta.dirname, 'dist'), filename: 'main.js', clean: true },
};
