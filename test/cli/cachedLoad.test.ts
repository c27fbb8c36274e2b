// The loader in front of the CLI and the spawned adapter (src/cli/cachedLoad.ts), run as node
// runs dist/chronos.js, beside a bundle of our own: the bundle runs the same with a cache as
// without, a bundle rebuilt to the same length never runs the old one's code (V8 checks only
// the length), a cache made by a short run is made again by a long one, and an unwritable
// cache directory costs nothing but the cache.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { scratchDir } from '../support/toolchain.js';

let dir: string;

before(() => {
  execFileSync(process.execPath, ['esbuild.mjs']);
  dir = scratchDir('cached-load');
});

/** A fresh directory holding the CLI's loader and `bundle` as its cli.js. */
function setUp(name: string, bundle: string): string {
  const at = join(dir, name);
  rmSync(at, { recursive: true, force: true });
  mkdirSync(at, { recursive: true });
  copyFileSync('dist/chronos.js', join(at, 'chronos.js'));
  writeFileSync(join(at, 'cli.js'), bundle);
  return at;
}

const run = (at: string, ...args: string[]): string => {
  const r = spawnSync(process.execPath, [join(at, 'chronos.js'), ...args], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
};
const caches = (at: string): string[] => readdirSync(join(at, '.cache')).filter((f) => f.endsWith('.v8'));

// The module's own names, its arguments and a function compiled only when called.
const bundle = (word: string): string =>
  `const f = () => '${word}:' + process.argv.slice(2).join(','); console.log(f(), typeof require('node:path').join, module.exports === exports);\n`;

test('the bundle runs the same with its cache as without, and a rebuild of the same length runs its own code', () => {
  const at = setUp('rebuild', bundle('one'));
  assert.equal(run(at, 'a', 'b'), 'one:a,b function true\n');
  const [first] = caches(at);
  assert.ok(first && first.startsWith('cli.js.'), 'the first run made a cache');
  assert.equal(run(at, 'c'), 'one:c function true\n', 'with the cache');
  assert.deepEqual(caches(at), [first]);
  writeFileSync(join(at, 'cli.js'), bundle('two'));
  assert.equal(statSync(join(at, 'cli.js')).size, bundle('one').length);
  assert.equal(run(at, 'd'), 'two:d function true\n', 'the new text, not the cached code of the old');
  const now = caches(at);
  assert.equal(now.length, 1, 'the old build\'s cache is gone');
  assert.notEqual(now[0], first);
});

test('a long run makes again the cache a short run made', () => {
  // Runs for 400 ms when asked to.
  const at = setUp('outgrown', `if (process.argv[2] === 'long') { const end = Date.now() + 400; while (Date.now() < end); } console.log('ran');\n`);
  run(at);
  const file = join(at, '.cache', caches(at)[0]);
  const short = readFileSync(file).readUInt32LE(0);
  assert.ok(short < 300, `the short run took ${short} ms`);
  run(at, 'long');
  const long = readFileSync(file).readUInt32LE(0);
  assert.ok(long >= 400, `made again by the long run (${long} ms)`);
  run(at);
  assert.equal(readFileSync(file).readUInt32LE(0), long, 'and kept by the next short one');
});

test('where the cache cannot be written, the bundle runs without one', () => {
  const at = setUp('unwritable', bundle('ro'));
  // A file where the cache directory would be.
  writeFileSync(join(at, '.cache'), 'not a directory');
  assert.equal(run(at, 'x'), 'ro:x function true\n');
  assert.equal(run(at, 'y'), 'ro:y function true\n');
});
