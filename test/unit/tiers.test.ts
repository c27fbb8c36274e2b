// Blocks start in their cold form (integer loads and stores as calls, jit/memAccess.ts) and
// are translated again with them inline once they have done HOT_WORK instructions: both forms
// must do exactly the same. A loop over every load and store width runs long enough to be
// promoted on one machine and one instruction at a time (never promoted) on another; registers,
// memory and instruction counts must agree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Machine } from '../../src/emulator/machine.js';
import { HOT_WORK } from '../../src/emulator/runLoop.js';
import { encode } from '../isa/encode.js';

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

function machine(iterations: number): Machine {
  const m = new Machine({ memoryMiB: 16 });
  m.bootBare(BASE);
  program().forEach((w, i) => { m.ram.ru32[i] = w; });
  for (let i = 0; i < 8; i++) m.ram.r64[(Number(DATA - BASE) >> 3) + i] = BigInt.asIntN(64, 0x0123456789abcdefn * BigInt(i + 3));
  const h = m.harts[0];
  h.x[10] = BigInt.asIntN(64, DATA);
  h.x[11] = BigInt(iterations);
  h.pc = BigInt.asIntN(64, BASE); // past the reset ROM, which would set a0 and a1
  return m;
}

test('a block promoted to its inline form computes what the cold form does', () => {
  const iterations = Math.ceil((2 * HOT_WORK) / program().length);
  const fast = machine(iterations);
  const slow = machine(iterations);
  const total = iterations * (program().length - 1) + 1;
  const r = fast.run(total);
  for (let i = 0; i < total; i++) slow.step();
  assert.equal(r.kind, 'budget');
  assert.equal(fast.instret, slow.instret);
  assert.deepEqual([...fast.harts[0].x.slice(0, 33)], [...slow.harts[0].x.slice(0, 33)]);
  assert.deepEqual(fast.ram.ru8.slice(0x10000, 0x10040), slow.ram.ru8.slice(0x10000, 0x10040));
  assert.equal(fast.harts[0].x[11], 0n);
  // The loop body's block was promoted; the single-instruction blocks of the stepped run were not.
  const loop = fast.runners[0].blocks.find(0, Number(BASE & 0xffffffffn), 0, fast.harts[0].priv);
  assert.ok(loop, 'the loop was translated');
  assert.equal(loop.loops, false);
  assert.equal(loop.cold, false);
  // (Each retired one instruction per iteration: fewer than HOT_WORK, unless CHRONOS_HOT_WORK
  // made it tiny.)
  const single = slow.runners[0].singles.find(0, Number(BASE & 0xffffffffn), 0, slow.harts[0].priv);
  if (iterations < HOT_WORK) assert.equal(single?.cold, true);
});

test('a block that jumps back to its own start is a loop and inline from its first run', () => {
  const m = new Machine({ memoryMiB: 16 });
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
  assert.equal(b.cold, false);
});
