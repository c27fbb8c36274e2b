// Which backward branches close a wait loop (jit/waitLoop.ts): loops that only load, compute
// and compare, each pass starting afresh, are; loops that count, store, use atomics or jump
// into their own middle are not. Programs are built from instruction words (test/isa/encode.ts)
// and placed at a pc; the answer is the loop's start or undefined.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decode } from '../../src/emulator/isa/decode.js';
import { waitLoopStart } from '../../src/emulator/jit/waitLoop.js';
import { encode, type Fields } from '../isa/encode.js';

const A0 = 10, A1 = 11, A3 = 13, A4 = 14, A5 = 15, T0 = 5, T1 = 6;
const BASE = 0x80000100n;
type Insn = [string, Fields] | number;

/** Lay the instructions out from `at` (a number is a 16-bit compressed parcel); ask about the last. */
function ask(program: Insn[], at = BASE): bigint | undefined {
  const halves = new Map<bigint, number>();
  let pc = at, last = at, lastWord = 0;
  for (const i of program) {
    last = pc;
    if (typeof i === 'number') { halves.set(pc, i); lastWord = i; pc += 2n; continue; }
    const w = encode(i[0], i[1]);
    halves.set(pc, w & 0xffff); halves.set(pc + 2n, w >>> 16); lastWord = w;
    pc += 4n;
  }
  const d = decode(lastWord);
  assert.ok(d, 'the last instruction decodes');
  return waitLoopStart(d, last, (p) => halves.get(p) ?? 0);
}

test('a load and a branch back on its value is a wait loop (xv6: while (started == 0))', () => {
  assert.equal(ask([['lw', { rd: A5, rs1: A4 }], ['beq', { rs1: A5, rs2: 0, imm: -4 }]]), BASE);
});

test('a barrier waiting for a generation to change is a wait loop', () => {
  assert.equal(ask([['ld', { rd: A5, rs1: A1 }], ['beq', { rs1: A4, rs2: A5, imm: -4 }]]), BASE);
});

test('polling a device register through a mask is a wait loop', () => {
  assert.equal(ask([['lbu', { rd: T1, rs1: T0, imm: 5 }], ['andi', { rd: T1, rs1: T1, imm: 0x20 }], ['beq', { rs1: T1, rs2: 0, imm: -8 }]]), BASE);
});

test('a jump to itself is a wait loop, compressed or not', () => {
  assert.equal(ask([['jal', { rd: 0, imm: 0 }]]), BASE);
  assert.equal(ask([0xa001]), BASE); // c.j 0
});

test('a loop left by a forward branch and closed by a jump back is a wait loop', () => {
  assert.equal(ask([['lw', { rd: A5, rs1: A0 }], ['bne', { rs1: A5, rs2: 0, imm: 8 }], ['jal', { rd: 0, imm: -8 }]]), BASE);
});

test('a loop whose pass reads what the last pass wrote is not (a delay loop, a spin counter)', () => {
  assert.equal(ask([['addi', { rd: A0, rs1: A0, imm: -1 }], ['bne', { rs1: A0, rs2: 0, imm: -4 }]]), undefined);
  assert.equal(ask([['lw', { rd: A5, rs1: A4 }], ['addi', { rd: A3, rs1: A3, imm: 1 }], ['beq', { rs1: A5, rs2: 0, imm: -8 }]]), undefined);
});

test('a loop that stores, or uses an atomic, is not', () => {
  assert.equal(ask([['sw', { rs1: A0, rs2: 0 }], ['lw', { rd: A5, rs1: A4 }], ['beq', { rs1: A5, rs2: 0, imm: -8 }]]), undefined);
  assert.equal(ask([['lr.w', { rd: A5, rs1: A0 }], ['bne', { rs1: A5, rs2: 0, imm: -4 }]]), undefined);
  assert.equal(ask([['amoswap.w', { rd: A5, rs1: A0, rs2: A4 }], ['bne', { rs1: A5, rs2: 0, imm: -4 }]]), undefined);
});

test('a forward branch, a loop into its own middle, a long body and a body on another page are not', () => {
  assert.equal(ask([['beq', { rs1: A5, rs2: 0, imm: 8 }]]), undefined);
  assert.equal(ask([['lw', { rd: A5, rs1: A4 }], ['beq', { rs1: A5, rs2: 0, imm: 4 }], ['lw', { rd: A3, rs1: A4 }], ['jal', { rd: 0, imm: -12 }]]), undefined);
  const long: Insn[] = Array.from({ length: 17 }, () => ['lw', { rd: A5, rs1: A4 }] as Insn);
  assert.equal(ask([...long, ['beq', { rs1: A5, rs2: 0, imm: -68 }]]), undefined);
  // The loop starts 4 bytes before the edge's page.
  assert.equal(ask([['lw', { rd: A5, rs1: A4 }], ['beq', { rs1: A5, rs2: 0, imm: -4 }]], 0x80000ffcn), undefined);
});
