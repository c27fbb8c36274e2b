// The warm-up gives the interpreter's loop feedback for every path its guest takes, so that
// the user's kernel, running those paths, does not have V8 throw `interpret`'s optimized code
// away for want of it (warmup.ts PASSES). V8's own trace says so: in a child node with its
// compiles on the main thread (so at the same point every run), `--trace-deopt` lists the
// deoptimizations while the guest runs once more after the warm-up, on machines of its own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';

test('after the warm-up, its guest runs again without deoptimizing interpret for want of feedback', () => {
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--trace-opt', '--trace-deopt', '--single-threaded',
    'test/unit/warmupTiering.child.mjs'], { encoding: 'utf8' });
  assert.match(out, /reached true/);
  assert.match(out, /again true/);
  const [during, after] = out.split('--- after the warm-up');
  const ofInterpret = (s: string, what: string): string[] => s.split('\n').filter((l) => l.startsWith(what) && l.includes('<JSFunction interpret '));
  assert.deepEqual(ofInterpret(during, '[completed compiling').filter((l) => l.includes(' OSR ')), [], 'interpret compiled on stack in the warm-up');
  // A machine's own wasm interpreter is another call target for V8 (a deoptimization once per
  // hart and privilege the kernel runs, not per path); feedback missing is what the passes avoid.
  const unfed = ofInterpret(after, '[bailout').filter((l) => /Insufficient type feedback/.test(l));
  assert.deepEqual(unfed, [], 'paths the warm-up left without feedback');
  assert.ok(ofInterpret(out, '[completed compiling').length >= 1, 'interpret ran optimized, where a deoptimization would show');
});
