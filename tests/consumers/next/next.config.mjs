// Next.js 16: nothing for vendo-connect. The build directory is chosen per bundler so that the
// webpack and Turbopack builds of this one app sit side by side (scripts/build-consumers.sh).
export default {
  distDir: process.env.NEXT_DIST_DIR || '.next',
  turbopack: { root: import.meta.dirname },
  outputFileTracingRoot: import.meta.dirname,
};
