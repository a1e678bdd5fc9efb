// Vite 7. The production build needs nothing. The dev server pre-bundles dependencies into
// node_modules/.vite/deps/ and does not bring the wasm along (vitejs/vite#8427; Vite 8's
// pre-bundling does), so the package is left out of it: the README's line for Vite 7.
export default {
  optimizeDeps: { exclude: ['vendo-connect'] },
};
