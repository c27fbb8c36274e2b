// Which instructions end a translated block to hand the hart's turn over (Hart.handOff), run
// as the JIT translates them: a two-instruction block (the instruction, then `addi a6, a6, 1`)
// either runs through, or leaves after the first with the pc past it and h.exc at
// EXC_HAND_OFF. On a machine with one hart nothing ever leaves early.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Machine } from '../../src/emulator/machine.js';
import { compileBlock } from '../../src/emulator/jit/compiler.js';
import { EXC_HAND_OFF, EXC_NONE } from '../../src/emulator/cpu/hart.js';
import { PC_SLOT } from '../../src/emulator/jit/codegen.js';

const SLOT = 0x80001000n, LOCK = 0x80002000n;
const A0 = 10, A4 = 14, A5 = 15, A6 = 16;
const amo = (funct5: number, rs2: number): number => ((funct5 << 27) | (rs2 << 20) | (A0 << 15) | (2 << 12) | (A5 << 7) | 0x2f) >>> 0;
const AMOSWAP_W = amo(0b00001, A4), AMOOR_W = amo(0b01000, A4), AMOADD_W = amo(0b00000, A4);
const LR_W = amo(0b00010, 0), SC_W = amo(0b00011, A4);
const PAUSE = 0x0100000f, FENCE = 0x0ff0000f;
const ADDI_A6 = ((1 << 20) | (A6 << 15) | (A6 << 7) | 0x13) >>> 0;

interface Outcome { handedOff: boolean; ranOn: boolean; pc: bigint; lock: number; a5: bigint }

/** Run [word, addi a6] once on a fresh machine of `harts` harts, the lock word holding `lock`. */
function runPair(harts: number, word: number, lock: number, a4 = 1n, prelude?: number): Outcome {
  const m = new Machine({ memoryMiB: 1, harts });
  m.bootBare(SLOT);
  const h = m.harts[0], view = m.ram.view, off = (a: bigint): number => Number(a - 0x80000000n);
  view.setUint32(off(LOCK), lock, true);
  h.x[A0] = LOCK; h.x[A4] = a4; h.x[A6] = 0n;
  if (prelude !== undefined) {
    // One instruction first, in a block of its own (lr.w before sc.w).
    view.setUint32(off(SLOT - 4n), prelude, true);
    const p = compileBlock(h, SLOT - 4n, 1)!;
    h.pc = SLOT - 4n;
    p.fn();
    assert.equal(h.exc, EXC_NONE);
  }
  view.setUint32(off(SLOT), word, true);
  view.setUint32(off(SLOT + 4n), ADDI_A6, true);
  const b = compileBlock(h, SLOT, 2)!;
  h.pc = SLOT;
  b.fn();
  const handedOff = h.exc === EXC_HAND_OFF;
  assert.ok(handedOff || h.exc === EXC_NONE, `exc ${h.exc}`);
  return { handedOff, ranOn: h.x[A6] === 1n, pc: h.x[PC_SLOT], lock: view.getUint32(off(LOCK), true), a5: h.x[A5] };
}

test('on two harts an amoswap that finds its lock taken leaves the block after it', () => {
  const o = runPair(2, AMOSWAP_W, 1);
  assert.deepEqual(o, { handedOff: true, ranOn: false, pc: SLOT + 4n, lock: 1, a5: 1n });
});

test('on two harts an amoor that finds the bit already set leaves the block after it', () => {
  const o = runPair(2, AMOOR_W, 1);
  assert.deepEqual(o, { handedOff: true, ranOn: false, pc: SLOT + 4n, lock: 1, a5: 1n });
});

test('an amoswap that takes a free lock, or releases one, runs on', () => {
  assert.deepEqual(runPair(2, AMOSWAP_W, 0), { handedOff: false, ranOn: true, pc: SLOT + 8n, lock: 1, a5: 0n });
  assert.deepEqual(runPair(2, AMOSWAP_W, 1, 0n), { handedOff: false, ranOn: true, pc: SLOT + 8n, lock: 0, a5: 1n });
  // Swapping in a different nonzero value changes memory: not a failed test-and-set.
  assert.equal(runPair(2, AMOSWAP_W, 1, 2n).handedOff, false);
});

test('an amoor that sets a new bit, and other AMOs, run on', () => {
  assert.equal(runPair(2, AMOOR_W, 2).handedOff, false);
  assert.equal(runPair(2, AMOADD_W, 1, 0n).handedOff, false);
});

test('on two harts a failed SC leaves the block; a successful one runs on', () => {
  const failed = runPair(2, SC_W, 0); // no reservation held
  assert.deepEqual(failed, { handedOff: true, ranOn: false, pc: SLOT + 4n, lock: 0, a5: 1n });
  const ok = runPair(2, SC_W, 0, 1n, LR_W);
  assert.deepEqual(ok, { handedOff: false, ranOn: true, pc: SLOT + 8n, lock: 1, a5: 0n });
});

test('on two harts pause leaves the block after it; a plain fence runs on', () => {
  assert.deepEqual(runPair(2, PAUSE, 0), { handedOff: true, ranOn: false, pc: SLOT + 4n, lock: 0, a5: 0n });
  assert.equal(runPair(2, FENCE, 0).ranOn, true);
});

test('on one hart nothing hands over: the same instructions run on', () => {
  for (const [word, lock] of [[AMOSWAP_W, 1], [AMOOR_W, 1], [SC_W, 0], [PAUSE, 0]]) {
    const o = runPair(1, word, lock);
    assert.equal(o.handedOff, false, `0x${word.toString(16)}`);
    assert.equal(o.ranOn, true, `0x${word.toString(16)}`);
    assert.equal(o.pc, SLOT + 8n);
  }
});
