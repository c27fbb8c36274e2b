// Blocks start in the interpreter (jit/interpreter.ts) and are translated once they have done
// enough work, first or directly in their inline form (jit/tiers.ts); a cold form (integer loads
// and stores as calls, jit/memAccess.ts) sits between when asked for. Every form must do exactly
// the same. A loop over every load and store width runs on machines that keep every block in
// one form, and on ones whose thresholds are low enough that its block changes form while it
// runs; registers, memory and instruction counts must agree with one instruction at a time.
// A second program faults, traps into a handler and rewrites its own code, in every form.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Machine } from '../../src/emulator/machine.js';
import { Tier, type Tiering } from '../../src/emulator/jit/tiers.js';
import { encode } from '../isa/encode.js';
import { skipTrappingInstruction } from '../support/trapHandler.js';

const BASE = 0x80000000n;
const DATA = 0x80010000n;
/** a0 = data, a1 = iterations; t-registers churn, s0 sums; every width loaded and stored. */
function program(): number[] {
  const e = encode;
  const body = [
    e('ld', { rd: 5, rs1: 10, imm: 0 }), e('add', { rd: 8, rs1: 8, rs2: 5 }),
    e('lw', { rd: 6, rs1: 10, imm: 12 }), e('add', { rd: 8, rs1: 8, rs2: 6 }),
    e('lwu', { rd: 6, rs1: 10, imm: 8 }), e('xor', { rd: 8, rs1: 8, rs2: 6 }),
    e('addi', { rd: 12, rs1: 10, imm: 64 }), e('lw', { rd: 6, rs1: 12, imm: -52 }), e('add', { rd: 8, rs1: 8, rs2: 6 }),
    e('lh', { rd: 7, rs1: 10, imm: 18 }), e('add', { rd: 8, rs1: 8, rs2: 7 }),
    e('lhu', { rd: 7, rs1: 10, imm: 16 }), e('xor', { rd: 8, rs1: 8, rs2: 7 }),
    e('lb', { rd: 28, rs1: 10, imm: 23 }), e('add', { rd: 8, rs1: 8, rs2: 28 }),
    e('lbu', { rd: 28, rs1: 10, imm: 22 }), e('xor', { rd: 8, rs1: 8, rs2: 28 }),
    e('lbu', { rd: 0, rs1: 10, imm: 21 }), // a load into x0 still loads
    e('slli', { rd: 29, rs1: 8, imm: 7 }), e('xor', { rd: 29, rs1: 29, rs2: 5 }),
    e('sd', { rs1: 10, rs2: 29, imm: 0 }),
    e('sw', { rs1: 10, rs2: 8, imm: 12 }),
    e('sh', { rs1: 10, rs2: 29, imm: 18 }),
    e('sb', { rs1: 10, rs2: 8, imm: 23 }),
    e('sb', { rs1: 10, rs2: 0, imm: 21 }),
    e('addi', { rd: 11, rs1: 11, imm: -1 }),
  ];
  // The loop's body ends in a jump to its branch, so its block does not jump back to its own
  // start (such a block is a loop, inline from the start) and is promoted by its work.
  const back = -4 * (body.length + 1);
  return [...body, e('jal', { rd: 0, imm: 4 }), e('bne', { rs1: 11, rs2: 0, imm: back }), e('ebreak')];
}

function machine(iterations: number, tiering?: Tiering): Machine {
  const m = new Machine({ memoryMiB: 16, tiering });
  m.bootBare(BASE);
  program().forEach((w, i) => { m.ram.ru32[i] = w; });
  for (let i = 0; i < 8; i++) m.ram.r64[(Number(DATA - BASE) >> 3) + i] = BigInt.asIntN(64, 0x0123456789abcdefn * BigInt(i + 3));
  const h = m.harts[0];
  h.x[10] = BigInt.asIntN(64, DATA);
  h.x[11] = BigInt(iterations);
  h.pc = BigInt.asIntN(64, BASE); // past the reset ROM, which would set a0 and a1
  return m;
}

const TIERINGS: [string, Tiering, Tier][] = [
  ['interpreted only', { first: Tier.Interpreted, afterInterp: Tier.Inline, interpWork: Infinity, loopWork: Infinity, hotWork: 0 }, Tier.Interpreted],
  ['interpreted, then inline', { first: Tier.Interpreted, afterInterp: Tier.Inline, interpWork: 3000, loopWork: 3000, hotWork: 0 }, Tier.Inline],
  ['interpreted, cold, inline', { first: Tier.Interpreted, afterInterp: Tier.Cold, interpWork: 2000, loopWork: 2000, hotWork: 3000 }, Tier.Inline],
  ['cold only', { first: Tier.Cold, afterInterp: Tier.Cold, interpWork: 0, loopWork: 0, hotWork: Infinity }, Tier.Cold],
  ['cold, then inline', { first: Tier.Cold, afterInterp: Tier.Cold, interpWork: 0, loopWork: 0, hotWork: 3000 }, Tier.Inline],
  ['inline only', { first: Tier.Inline, afterInterp: Tier.Inline, interpWork: 0, loopWork: 0, hotWork: 0 }, Tier.Inline],
];

for (const [name, tiering, last] of TIERINGS) {
  test(`every form computes what one instruction at a time does: ${name}`, () => {
    const iterations = 400;
    const fast = machine(iterations, tiering);
    const slow = machine(iterations, tiering);
    const total = iterations * (program().length - 1) + 1;
    const r = fast.run(total);
    for (let i = 0; i < total; i++) slow.step();
    assert.equal(r.kind, 'budget');
    assert.equal(fast.instret, slow.instret);
    assert.deepEqual([...fast.harts[0].x.slice(0, 33)], [...slow.harts[0].x.slice(0, 33)]);
    assert.deepEqual(fast.ram.ru8.slice(0x10000, 0x10040), slow.ram.ru8.slice(0x10000, 0x10040));
    assert.equal(fast.harts[0].x[11], 0n);
    const loop = fast.runners[0].blocks.find(0, Number(BASE & 0xffffffffn), 0, fast.harts[0].priv);
    assert.ok(loop, 'the loop was translated');
    assert.equal(loop.loops, false);
    assert.equal(loop.tier, last, 'the loop body ends in the last form of its tiering');
  });
}

/**
 * Self-modifying code with a trap on the way: the load at BASE faults into the handler at
 * BASE + 0x100, which counts the trap in s1, steps mepc past the load and returns; the block
 * after it stores a new instruction over its own first one (`addi a2, a2, 1` becomes `addi a2,
 * a2, 100`) and loops back, so every pass after the first runs the rewritten block. ebreak at
 * the end traps too, and the handler returns to a jump to itself.
 */
function selfModifying(tiering: Tiering): Machine {
  const e = encode;
  const m = new Machine({ memoryMiB: 16, tiering });
  m.bootBare(BASE);
  const code = [
    e('ld', { rd: 5, rs1: 0, imm: 8 }), // faults: nothing at address 8
    e('addi', { rd: 12, rs1: 12, imm: 1 }),
    e('addi', { rd: 11, rs1: 11, imm: -1 }),
    e('sw', { rs1: 13, rs2: 14, imm: 0 }),
    e('addi', { rd: 6, rs1: 6, imm: 3 }),
    e('bne', { rs1: 11, rs2: 0, imm: -20 }),
    e('ebreak'),
    e('jal', { rd: 0, imm: 0 }),
  ];
  code.forEach((w, i) => { m.ram.ru32[i] = w; });
  const handler = skipTrappingInstruction(7, 9);
  handler.forEach((w, i) => { m.ram.ru32[0x40 + i] = w; });
  const h = m.harts[0];
  h.csr.mtvec = BASE + 0x100n;
  for (let r = 1; r < 32; r++) h.x[r] = 0n; // the reset ROM's a0-a2 too
  h.x[11] = 5n;
  h.x[13] = BigInt.asIntN(64, BASE + 4n);
  h.x[14] = BigInt(e('addi', { rd: 12, rs1: 12, imm: 100 }));
  h.pc = BigInt.asIntN(64, BASE);
  return m;
}

for (const [name, tiering] of TIERINGS) {
  test(`traps and self-modifying code do the same in every form: ${name}`, () => {
    const m = selfModifying(tiering);
    assert.equal(m.run(20_000).kind, 'budget');
    const slow = selfModifying(tiering);
    while (slow.progress < m.progress) slow.step();
    const h = m.harts[0];
    assert.equal(m.instret, slow.instret);
    assert.deepEqual([...h.x.slice(0, 33)], [...slow.harts[0].x.slice(0, 33)]);
    assert.equal(h.x[9], 6n, 'five faulting loads and the ebreak trapped');
    assert.equal(h.x[12], 1n + 4n * 100n, 'the rewritten instruction ran from the second pass on');
    assert.equal(h.x[6], 15n);
    assert.equal(h.pc, BigInt.asIntN(64, BASE + 28n));
  });
}

test('a block that jumps back to its own start is a loop: inline from its first run once translated, interpreted until then', () => {
  for (const [tiering, form] of [[TIERINGS[4][1], Tier.Inline], [TIERINGS[1][1], Tier.Interpreted]] as const) {
    const m = new Machine({ memoryMiB: 16, tiering });
    m.bootBare(BASE);
    m.ram.ru32[0] = encode('addi', { rd: 11, rs1: 11, imm: -1 });
    m.ram.ru32[1] = encode('bne', { rs1: 11, rs2: 0, imm: -4 });
    m.ram.ru32[2] = encode('ebreak');
    const h = m.harts[0];
    h.pc = BigInt.asIntN(64, BASE);
    h.x[11] = 10n;
    assert.equal(m.run(20).kind, 'budget');
    assert.equal(h.x[11], 0n);
    const b = m.runners[0].blocks.find(0, Number(BASE & 0xffffffffn), 0, h.priv);
    assert.ok(b);
    assert.equal(b.loops, true);
    assert.equal(b.tier, form);
  }
});
