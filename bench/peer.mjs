// The peer: oidc-client-ts (pinned in package.json), bundled at bench time with esbuild
// (pinned too) into one minified ES module exporting UserManager, as an app would ship it.
import { readFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Builds `<outDir>/oidc-client-ts.js`; returns the versions used. */
export async function buildPeer(outDir) {
  await mkdir(outDir, { recursive: true });
  try {
    await esbuild.build({
      stdin: {
        contents: "export { UserManager } from 'oidc-client-ts';",
        resolveDir: root,
        sourcefile: 'peer-entry.js',
      },
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2020',
      minify: true,
      legalComments: 'none',
      outfile: path.join(outDir, 'oidc-client-ts.js'),
      logLevel: 'warning',
    });
  } finally {
    await esbuild.stop?.(); // no esbuild service process left behind
  }
  const pkg = JSON.parse(await readFile(path.join(root, 'node_modules', 'oidc-client-ts', 'package.json'), 'utf8'));
  return { peer: `oidc-client-ts ${pkg.version}`, esbuild: esbuild.version };
}
