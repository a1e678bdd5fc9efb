// webpack 5: nothing for vendo-connect. webpack emits `new URL('vendo_connect_bg.wasm',
// import.meta.url)` (in the package) as an asset of its own and rewrites the URL; the wasm's
// JS copy (an `import()` in the package) becomes a chunk of its own that this page never
// loads. `webpack serve --config-name app` is the dev server, with the app's page from this
// folder and neither hot reload nor its client script. `preload` is the same app with the npm
// README's preload recipe (preload.html). `baseline` is the same page without the package
// (../vite8/baseline/main.js), to measure what the package adds.
import path from 'node:path';

const build = (name, entry, dir) => ({
  name,
  mode: 'production',
  context: import.meta.dirname,
  entry,
  output: { path: path.join(import.meta.dirname, dir), filename: 'main.js', clean: true },
});

export default [
  {
    ...build('app', './main.js', 'dist'),
    devServer: { static: import.meta.dirname, hot: false, liveReload: false, client: false },
  },
  {
    ...build('preload', './main.js', 'preload/dist'),
    module: {
      rules: [
        // The package's wasm under its own name, which the page's preload link can give.
        { test: /vendo_connect_bg\.wasm$/, type: 'asset/resource', generator: { filename: '[name][ext]' } },
      ],
    },
  },
  build('baseline', '../vite8/baseline/main.js', 'baseline/dist'),
];
