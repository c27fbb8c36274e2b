// The launch attributes are defined once (src/debugger/launchConfig.ts): package.json's schema
// must be what the generator writes from it, and the README's table must list exactly them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { LAUNCH_ATTRIBUTES } from '../../src/debugger/launchConfig.js';

test('package.json\'s launch schema is generated from the one definition', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/gen-contributions.ts', '--check'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
});

test('the README\'s table lists every launch attribute, and only those', () => {
  const readme = readFileSync('README.md', 'utf8');
  const table = readme.slice(readme.indexOf('| attribute | meaning |'));
  const lines = table.split('\n').slice(2);
  const rows = lines.slice(0, lines.findIndex((l) => !l.startsWith('|'))).map((l) => /^\| `([^`]+)`/.exec(l)?.[1]);
  assert.deepEqual(rows, Object.keys(LAUNCH_ATTRIBUTES));
});
