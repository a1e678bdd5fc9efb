// The published TypeScript declarations: strict-mode usage compiles, and no `any` leaks
// into the public surface (pkg/index.d.ts, pkg/react.d.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const root = new URL('../../', import.meta.url).pathname;

for (const file of ['index.d.ts', 'react.d.ts']) {
  test(`pkg/${file} has no any`, () => {
    const dts = readFileSync(`${root}pkg/${file}`, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
    assert.doesNotMatch(dts, /\bany\b/);
  });
}

test('typical usage type-checks under tsc --strict', () => {
  execFileSync(`${root}node_modules/.bin/tsc`, ['-p', `${root}tests/types/tsconfig.json`], { stdio: 'pipe' });
});

test('the React hook (pkg/react.d.ts) type-checks in strict TSX', () => {
  execFileSync(`${root}node_modules/.bin/tsc`, ['-p', `${root}tests/types/tsconfig.react.json`], { stdio: 'pipe' });
});
