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

test('mistakes fail to compile, with a message that says why (tests/types/errors.ts)', () => {
  const lines = readFileSync(`${root}tests/types/errors.ts`, 'utf8').split('\n');
  const expected = new Map(
    lines.flatMap((l, i) => {
      const m = !l.startsWith('//') && l.match(/\/\/ error: (.+)$/);
      return m ? [[i + 1, m[1]]] : [];
    }),
  );
  assert.ok(expected.size >= 7, 'errors.ts marks its lines');
  let out = '';
  assert.throws(() => {
    try {
      execFileSync(
        `${root}node_modules/.bin/tsc`,
        ['-p', `${root}tests/types/tsconfig.errors.json`, '--pretty', 'false'],
        { stdio: 'pipe', encoding: 'utf8' },
      );
    } catch (e) {
      out = e.stdout;
      throw e;
    }
  }, 'tsc accepted every mistake');
  // Each diagnostic: its line, then its message with the lines tsc indents under it.
  const found = new Map();
  let line;
  for (const l of out.split('\n')) {
    const head = l.match(/errors\.ts\((\d+),\d+\): error TS\d+: (.*)$/);
    if (head) {
      line = Number(head[1]);
      found.set(line, `${found.get(line) ?? ''}${head[2]}\n`);
    } else if (/^\s/.test(l) && line) {
      found.set(line, `${found.get(line)}${l.trim()}\n`);
    }
  }
  assert.deepEqual(
    [...found.keys()].sort((a, b) => a - b),
    [...expected.keys()],
    `lines tsc refused:\n${out}`,
  );
  for (const [n, text] of expected)
    assert.ok(found.get(n).includes(text), `line ${n}: tsc said\n${found.get(n)}\nwithout "${text}"`);
});
