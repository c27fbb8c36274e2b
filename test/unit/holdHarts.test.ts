// RunOptions.hold: the harts a run holds stay where they are (a debugger resuming one thread
// while the others wait) while time and the other harts go on; a step can hold the others
// too; a machine whose every runnable hart is held has nothing to do and says so; and holding
// is deterministic, as every run is.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Machine } from '../../src/emulator/machine.js';

// addi t0, t0, 1 ; j -4 : every hart counts in t0 forever.
const LOOP = new Uint8Array([0x93, 0x82, 0x12, 0x00, 0x6f, 0xf0, 0xdf, 0xff]);
const T0 = 5;

function machine(harts: number): Machine {
  const m = new Machine({ harts, bios: 'none' });
  m.debug.writePhys(0x80000000n, LOOP);
  m.bootBare(0x80000000n);
  return m;
}

test('held harts do not move while the others run, and time goes on', () => {
  const m = machine(3);
  const t = m.time(), t0 = m.harts[1].x[T0];
  m.run(100_000, { hold: [1] });
  assert.equal(m.harts[1].instret, 0);
  assert.equal(m.harts[1].x[T0], t0);
  assert.equal(m.harts[1].pc, 0x80000000n);
  assert.ok(m.harts[0].instret > 0 && m.harts[2].instret > 0);
  assert.equal(m.harts[0].instret + m.harts[2].instret, 100_000, 'the budget counts the running harts only');
  assert.ok(m.time() > t);
  // Released, it takes its turns again.
  m.run(100_000);
  assert.ok(m.harts[1].instret > 0);
});

test('a step can hold the other harts', () => {
  const m = machine(2);
  m.run(30_000);
  const before = m.harts.map((h) => h.instret);
  const r = m.run(1_000_000, { stepHart: 1, hold: [0] });
  assert.equal(r.kind, 'budget');
  assert.equal(m.harts[1].instret, before[1] + 1);
  assert.equal(m.harts[0].instret, before[0], 'hart 0 held');
});

test('with every hart held there is nothing to run: an idle stop, nothing executed', () => {
  const m = machine(2);
  const r = m.run(1_000_000, { hold: [0, 1] });
  assert.equal(r.kind, 'idle');
  assert.equal(m.instret, 0);
});

test('runs that hold harts are repeatable', () => {
  const trace = (): number[] => {
    const m = machine(3);
    const out: number[] = [];
    for (const hold of [[0], [1, 2], [], [2], [0, 1]]) { m.run(25_001, { hold }); out.push(...m.harts.map((h) => h.instret), Number(m.time())); }
    return out;
  };
  assert.deepEqual(trace(), trace());
});
