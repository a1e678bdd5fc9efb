// Rollup with @rollup/plugin-node-resolve, nothing else: Rollup leaves
// `new URL('vendo_connect_bg.wasm', import.meta.url)` as it is, so scripts/build-consumers.sh
// copies the wasm next to the bundle (the README's line for Rollup).
import path from 'node:path';
import { nodeResolve } from '@rollup/plugin-node-resolve';

export default {
  input: path.join(import.meta.dirname, 'main.js'),
  output: { dir: path.join(import.meta.dirname, 'dist'), format: 'es' },
  plugins: [nodeResolve({ browser: true })],
};
