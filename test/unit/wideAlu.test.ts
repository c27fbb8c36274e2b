// The 64-bit arithmetic V8 does not lower as it stands (shifts by a register, the high halves of
// 128-bit products, division and remainder) is emitted in pieces it does: 32-bit halves, scratch
// slots, checks on halves around a lowered division (isa/rv64i.ts, isa/rv64m.ts), each with
// several paths chosen by the operands' sizes and signs. Every one of them, in every form a
// block runs in, must give what plain BigInt arithmetic (test/isa/reference.ts) gives, over
// values that reach each path: 0, ±1, the 32-, 53-, 62- and 64-bit boundaries, and random
// values of every size and sign; with rd the same register as rs1 or rs2, rs1 the same as
// rs2, x0 as a source, and x0 as the destination (which must stay 0).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Machine } from '../../src/emulator/machine.js';
import { Tier, type Tiering } from '../../src/emulator/jit/tiers.js';
import { encode } from '../isa/encode.js';
import { REFERENCE } from '../isa/reference.js';

const BASE = 0x80000000n;
const PAIRS = 0x80100000n;
const RESULTS = 0x80200000n;
const MIN64 = -(1n << 63n);

/** The values every operation is tried on, each as dividend and divisor, shifted and shift amount. */
function values(): bigint[] {
  const p = (n: bigint): bigint => 1n << n;
  const v = [0n, 1n, -1n, 2n, 3n, -2n, 7n, 13n, -7n, 31n, 32n, 33n, 63n, 64n, 65n, 0x7fffffffn, -0x80000000n, 0x80000000n,
    0xffffffffn, p(32n), p(32n) + 1n, -(p(32n) + 1n), -p(32n), p(53n) - 1n, p(53n), p(53n) + 1n, -(p(53n) - 1n), -(p(53n) + 1n),
    p(62n) - 1n, p(62n), p(62n) + 1n, -p(62n), -p(62n) - 1n, p(63n) - 1n, MIN64, MIN64 + 1n, 0x5555555555555555n];
  let s = 0x9e3779b97f4a7c15n;
  for (let i = 0; i < 14; i++) {
    s ^= BigInt.asUintN(64, s << 13n); s ^= s >> 7n; s ^= BigInt.asUintN(64, s << 17n);
    v.push(BigInt.asIntN(64, s >> BigInt(i * 9 % 61)), BigInt.asIntN(64, s));
  }
  return [...new Set(v)];
}

const A0 = 10, A1 = 11, T0 = 5, T1 = 6, T2 = 7;
/** Per pair, the results stored: op(a, b) into a fresh register, rd = rs1, rd = rs2, op(a, a), into x0, op(0, b), op(a, 0). */
const STORED = 7;

/** A loop over the pairs at PAIRS storing STORED results per pair at RESULTS; the words and the pc it ends at. */
function program(op: string): { words: number[]; end: bigint } {
  const e = encode;
  const R = (rd: number, rs1: number, rs2: number): number => e(op, { rd, rs1, rs2 });
  const body = [
    e('ld', { rd: A0, rs1: T0, imm: 0 }), e('ld', { rd: A1, rs1: T0, imm: 8 }),
    R(12, A0, A1), e('sd', { rs1: T1, rs2: 12, imm: 0 }),
    e('addi', { rd: 13, rs1: A0, imm: 0 }), R(13, 13, A1), e('sd', { rs1: T1, rs2: 13, imm: 8 }),
    e('addi', { rd: 14, rs1: A1, imm: 0 }), R(14, A0, 14), e('sd', { rs1: T1, rs2: 14, imm: 16 }),
    R(15, A0, A0), e('sd', { rs1: T1, rs2: 15, imm: 24 }),
    R(0, A0, A1), e('sd', { rs1: T1, rs2: 0, imm: 32 }),
    R(16, 0, A1), e('sd', { rs1: T1, rs2: 16, imm: 40 }),
    R(17, A0, 0), e('sd', { rs1: T1, rs2: 17, imm: 48 }),
    e('addi', { rd: T0, rs1: T0, imm: 16 }), e('addi', { rd: T1, rs1: T1, imm: 8 * STORED }), e('addi', { rd: T2, rs1: T2, imm: -1 }),
  ];
  const words = [...body, e('bne', { rs1: T2, rs2: 0, imm: -4 * body.length }), e('jal', { rd: 0, imm: 0 })];
  return { words, end: BASE + BigInt(4 * (words.length - 1)) };
}

function expected(op: string, a: bigint, b: bigint): bigint[] {
  const f = REFERENCE[op];
  return [f(a, b), f(a, b), f(a, b), f(a, a), 0n, f(0n, b), f(a, 0n)].map((v) => BigInt.asIntN(64, v));
}

const TIERINGS: [string, Tiering][] = [
  ['interpreted', { first: Tier.Interpreted, afterInterp: Tier.Inline, interpWork: Infinity, loopWork: Infinity, hotWork: 0 }],
  ['cold', { first: Tier.Cold, afterInterp: Tier.Cold, interpWork: 0, loopWork: 0, hotWork: Infinity }],
  ['inline', { first: Tier.Inline, afterInterp: Tier.Inline, interpWork: 0, loopWork: 0, hotWork: 0 }],
  ['inline without regions', { first: Tier.Inline, afterInterp: Tier.Inline, interpWork: 0, loopWork: 0, hotWork: 0, regions: false }],
  ['interpreted, then inline while it runs', { first: Tier.Interpreted, afterInterp: Tier.Inline, interpWork: 5000, loopWork: 5000, hotWork: 0 }],
];

const OPS = ['sll', 'srl', 'sra', 'mul', 'mulh', 'mulhsu', 'mulhu', 'div', 'divu', 'rem', 'remu',
  'sllw', 'srlw', 'sraw', 'mulw', 'divw', 'divuw', 'remw', 'remuw'];

const VALUES = values();
const PAIR_LIST: [bigint, bigint][] = VALUES.flatMap((a) => VALUES.map((b): [bigint, bigint] => [a, b]));

for (const [form, tiering] of TIERINGS) {
  test(`shifts by a register, mulh*, div and rem against BigInt arithmetic: ${form}`, () => {
    const wrong: string[] = [];
    for (const op of OPS) {
      const m = new Machine({ memoryMiB: 16, tiering });
      m.bootBare(BASE);
      const { words, end } = program(op);
      words.forEach((w, i) => { m.ram.ru32[i] = w; });
      const at = Number(PAIRS - BASE) >> 3;
      PAIR_LIST.forEach(([a, b], i) => { m.ram.r64[at + 2 * i] = a; m.ram.r64[at + 2 * i + 1] = b; });
      const h = m.harts[0];
      h.x[T0] = BigInt.asIntN(64, PAIRS);
      h.x[T1] = BigInt.asIntN(64, RESULTS);
      h.x[T2] = BigInt(PAIR_LIST.length);
      h.pc = BigInt.asIntN(64, BASE);
      const r = m.run(PAIR_LIST.length * (words.length - 1) + 1);
      assert.equal(r.kind, 'budget', `${op}: ${JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? v.toString(16) : v))}`);
      assert.equal(h.pc, BigInt.asIntN(64, end), `${op}: the loop ran to its end`);
      assert.equal(h.x[0], 0n);
      const out = Number(RESULTS - BASE) >> 3;
      PAIR_LIST.forEach(([a, b], i) => {
        expected(op, a, b).forEach((want, k) => {
          const got = m.ram.r64[out + STORED * i + k];
          if (got !== want) wrong.push(`${op}(${a}, ${b}) #${k}: want ${want}, got ${got}`);
        });
      });
    }
    assert.deepEqual(wrong.slice(0, 12), [], `${wrong.length} results wrong`);
  });
}

test('the value list reaches every path of the division: divisors below 2^32, to 2^62, to 2^63, negative, zero, -1; dividends negative and not', () => {
  const has = (f: (v: bigint) => boolean): boolean => VALUES.some(f);
  assert.ok(has((v) => v > 0n && v < 1n << 32n) && has((v) => v > 1n << 32n && v < 1n << 62n) && has((v) => v >= 1n << 62n));
  assert.ok(has((v) => v === 0n) && has((v) => v === -1n) && has((v) => v === MIN64) && has((v) => v < -(1n << 62n)));
  assert.ok(PAIR_LIST.length > 2000);
});
