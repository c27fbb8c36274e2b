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
import { Tier, type Tiering } from '../../src/emulator/jit/tiers.js';

const SLOT = 0x80001000n, LOCK = 0x80002000n;
const A0 = 10, A4 = 14, A5 = 15, A6 = 16;
const amo = (funct5: number, rs2: number): number => ((funct5 << 27) | (rs2 << 20) | (A0 << 15) | (2 << 12) | (A5 << 7) | 0x2f) >>> 0;
const AMOSWAP_W = amo(0b00001, A4), AMOOR_W = amo(0b01000, A4), AMOADD_W = amo(0b00000, A4);
const LR_W = amo(0b00010, 0), SC_W = amo(0b00011, A4);
const PAUSE = 0x0100000f, FENCE = 0x0ff0000f;
const ADDI_A6 = ((1 << 20) | (A6 << 15) | (A6 << 7) | 0x13) >>> 0;
/** jal x0, -4: back to the instruction before (with addi a6 before it, a count: no wait loop). */
const JAL_BACK_4 = 0xffdff06f;

interface Outcome { handedOff: boolean; ranOn: boolean; pc: bigint; lock: number; a5: bigint }

/** Run [word, addi a6] once on a fresh machine of `harts` harts, the lock word holding `lock`. */
function runPair(harts: number, word: number, lock: number, a4 = 1n, prelude?: number, tiering?: Tiering): Outcome {
  const m = new Machine({ memoryMiB: 1, harts, tiering });
  m.bootBare(SLOT);
  const h = m.harts[0], view = m.ram.view, off = (a: bigint): number => Number(a - 0x80000000n);
  view.setUint32(off(LOCK), lock, true);
  h.x[A0] = LOCK; h.x[A4] = a4; h.x[A6] = 0n;
  if (prelude !== undefined) {
    // One instruction first, in a block of its own (lr.w before sc.w).
    view.setUint32(off(SLOT - 4n), prelude, true);
    const p = compileBlock(h, SLOT - 4n, 1, undefined, m.tiering)!;
    h.pc = SLOT - 4n;
    p.fn();
    assert.equal(h.exc, EXC_NONE);
  }
  view.setUint32(off(SLOT), word, true);
  view.setUint32(off(SLOT + 4n), ADDI_A6, true);
  const b = compileBlock(h, SLOT, 2, undefined, m.tiering)!;
  if (tiering) assert.equal(b.tier, tiering.first);
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

test('a hart that finds a lock taken gives its turn to the hart holding it', () => {
  // Hart 2 holds the lock (taken with amoswap) and counts; hart 1 counts; hart 0 spins on the
  // lock. Hart 0's first attempt hands over, and the turn goes to hart 2, not to hart 1 whose
  // turn it would be; then the order goes on from hart 1.
  const m = new Machine({ memoryMiB: 1, harts: 3 });
  const view = m.ram.view, off = (a: bigint): number => Number(a - 0x80000000n);
  const SPIN = 0x80001000n, TAKE = 0x80001100n, COUNT = 0x80001200n;
  const BNEZ_A5_BACK = encodeBranchBack();
  const code: [bigint, number[]][] = [
    [SPIN, [AMOSWAP_W, BNEZ_A5_BACK]],
    [TAKE, [AMOSWAP_W, ADDI_A6, JAL_BACK_4]],
    [COUNT, [ADDI_A6, JAL_BACK_4]],
  ];
  m.bootBare(SPIN); // before the code: on 1 MiB the device tree lands at the bottom of RAM
  for (const [at, words] of code) words.forEach((w, i) => view.setUint32(off(at) + 4 * i, w, true));
  view.setUint32(off(LOCK), 0, true);
  m.harts.forEach((h) => { h.x[A0] = LOCK; h.x[A4] = 1n; });
  m.harts[1].pc = COUNT;
  m.harts[2].pc = TAKE;
  // Hart 2 takes the lock, as if it had in an earlier turn (one instruction, on its own).
  const take = compileBlock(m.harts[2], TAKE, 1)!;
  take.fn();
  assert.equal(view.getUint32(off(LOCK), true), 1);
  assert.equal(m.currentHart, 0);
  assert.equal(m.step().kind, 'budget'); // hart 0's amoswap: taken
  assert.deepEqual(m.harts.map((h) => h.instret), [1, 0, 1]);
  assert.equal(m.step().kind, 'budget');
  assert.deepEqual(m.harts.map((h) => h.instret), [1, 0, 2], 'the holder runs next');
  // The rest of hart 2's turn, then whole turns: which hart each one ran.
  const order: number[] = [];
  const ran = (budget: number): number[] => {
    const before = m.harts.map((h) => h.instret);
    assert.equal(m.run(budget).kind, 'budget');
    return m.harts.map((h, i) => h.instret - before[i]);
  };
  for (const budget of [9_999, 10_000, 10_000]) order.push(ran(budget).indexOf(budget));
  assert.deepEqual(order, [2, 1, 2]);
  // Hart 0's turn: it tries again (bnez, amoswap), finds the lock still taken, and hart 2 runs.
  assert.deepEqual(ran(10_000), [2, 0, 9_998]);
});

/** bnez a5, back to the instruction before. */
function encodeBranchBack(): number {
  const imm = -4 & 0x1fff;
  return ((((imm >> 12) & 1) << 31) | (((imm >> 5) & 63) << 25) | (0 << 20) | (A5 << 15) | (1 << 12) | (((imm >> 1) & 15) << 8) | (((imm >> 11) & 1) << 7) | 0x63) >>> 0;
}

const INTERPRETED: Tiering = { first: Tier.Interpreted, afterInterp: Tier.Inline, interpWork: Infinity, loopWork: Infinity, hotWork: 0 };
const INLINE: Tiering = { first: Tier.Inline, afterInterp: Tier.Inline, interpWork: 0, loopWork: 0, hotWork: 0 };

test('the interpreter hands over where translated code does: AMOs, SC, pause, on one hart and on two', () => {
  const cases: [number, number, bigint, number?][] = [
    [AMOSWAP_W, 1, 1n], [AMOSWAP_W, 0, 1n], [AMOSWAP_W, 1, 0n], [AMOOR_W, 1, 1n], [AMOOR_W, 2, 1n], [AMOADD_W, 1, 0n],
    [SC_W, 0, 1n], [SC_W, 0, 1n, LR_W], [PAUSE, 0, 1n], [FENCE, 0, 1n],
  ];
  for (const harts of [1, 2]) {
    for (const [word, lock, a4, prelude] of cases) {
      const what = `0x${word.toString(16)} lock ${lock} on ${harts} harts`;
      assert.deepEqual(runPair(harts, word, lock, a4, prelude, INTERPRETED), runPair(harts, word, lock, a4, prelude, INLINE), what);
    }
  }
  assert.equal(runPair(2, PAUSE, 0, 1n, undefined, INTERPRETED).handedOff, true);
});

test('the interpreter hands over at the back edge of a wait loop on two harts, and only there', () => {
  // bnez a5 back onto itself (a wait loop: a5 never changes), and the same branch after an
  // addi that counts (not one: each pass reads what the last wrote).
  const BNEZ_SELF = ((A5 << 15) | (1 << 12) | 0x63) >>> 0; // bnez a5, 0
  for (const tiering of [INTERPRETED, INLINE]) {
    for (const harts of [1, 2]) {
      const m = new Machine({ memoryMiB: 1, harts, tiering });
      m.bootBare(SLOT);
      const h = m.harts[0], view = m.ram.view, off = Number(SLOT - 0x80000000n);
      view.setUint32(off, BNEZ_SELF, true);
      h.x[A5] = 1n;
      const b = compileBlock(h, SLOT, 1, undefined, m.tiering)!;
      assert.equal(b.tier, tiering.first);
      h.pc = SLOT;
      b.fn();
      assert.equal(h.exc, harts === 2 ? EXC_HAND_OFF : EXC_NONE, `${harts} harts, tier ${tiering.first}`);
      assert.equal(h.pc, SLOT);
      assert.equal(h.instret, 1);
      h.exc = EXC_NONE;
      view.setUint32(off, ADDI_A6, true);
      view.setUint32(off + 4, encodeBranchBack(), true);
      m.flushCode();
      const counting = compileBlock(h, SLOT + 4n, 1, undefined, m.tiering)!;
      h.pc = SLOT + 4n;
      counting.fn();
      assert.equal(h.exc, EXC_NONE, 'a loop that counts is no wait loop');
    }
  }
});
