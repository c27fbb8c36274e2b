// The warm-up leaves the interpreter's loop optimized by V8 from its entry, so that the user's
// kernel does not have it compiled twice, on stack and then for its entry (warmup.ts PASSES).
// V8's own trace says so: in a child node with its compiles on the main thread (so at the
// same point every run), `--trace-opt` lists the compiles made during the warm-up.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';

test('the warm-up has V8 compile interpret from its entry, and not on stack', () => {
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--trace-opt', '--single-threaded',
    'test/unit/warmupTiering.child.mjs'], { encoding: 'utf8' });
  assert.match(out, /reached true/);
  const compiles = out.split('\n').filter((l) => l.startsWith('[completed compiling') && l.includes('<JSFunction interpret '));
  assert.equal(compiles.filter((l) => !l.includes(' OSR ')).length, 1, `compiles of interpret in the warm-up:\n${compiles.join('\n')}`);
  assert.equal(compiles.filter((l) => l.includes(' OSR ')).length, 0, 'interpret compiled on stack in the warm-up');
});
