// RV64M multiply and divide (ISA manual vol. I, ch. 13). Division by zero and the one signed
// overflow case do not trap; they produce the values in the manual's table 13.1.
import type { Decoded, InsnDef } from './types.js';
import type { Gen } from '../jit/codegen.js';

const MR = 0xfe00707f;
const m = (name: string, f3: number, w: boolean, doc: string, body: (a: string, b: string) => string): InsnDef => ({
  name, ext: 'M', format: 'R', match: (w ? 0x3b : 0x33) | (1 << 25) | (f3 << 12), mask: MR,
  syntax: 'rd,rs1,rs2', flow: 'next', doc,
  emit: (d: Decoded, g: Gen) => `{ const a = ${g.reg(d.rs1)}, b = ${g.reg(d.rs2)}; ${g.set(d.rd, body('a', 'b'))} }`,
});

/**
 * An instruction whose semantics are written over the 32-bit halves of its registers (the `u`
 * and `i32` views: lo(r) is the low half's index, hi(r) the high one's) rather than BigInts.
 */
const mh = (name: string, f3: number, w: boolean, doc: string, emit: (d: Decoded, g: Gen) => string): InsnDef => ({
  name, ext: 'M', format: 'R', match: (w ? 0x3b : 0x33) | (1 << 25) | (f3 << 12), mask: MR,
  syntax: 'rd,rs1,rs2', flow: 'next', doc, emit,
});

// The 32-bit divisions in doubles: exact (the quotient of integers whose sum is below 2^53
// never rounds across an integer), with no BigInt made for the operands (4.3 ns against
// 6.6-8 ns, docs/performance.md). The same for divu and remu when both high halves are zero
// did not pay: writing the result's halves and reading it back as a BigInt cost 12-14 ns
// against 3.4-5.6 for V8's BigInt division.
const divW = (signed: boolean, rem: boolean) => (d: Decoded, g: Gen): string => {
  const v = signed ? 'i32' : 'u', p = `${v}[${g.lo(d.rs1)}]`, q = `${v}[${g.lo(d.rs2)}]`;
  const byZero = rem ? 'BigInt(p | 0)' : '-1n';
  // The one overflow, -2^31 / -1, gives -2^31 back (rem 0), which (p / q) | 0 also gives.
  const value = rem ? 'BigInt((p % q) | 0)' : `BigInt((p / q)${signed ? '' : ' >>> 0'} | 0)`;
  return `{ const p = ${p}, q = ${q}; ${g.set(d.rd, `q === 0 ? ${byZero} : ${value}`)} }`;
};

const U = (e: string): string => `BigInt.asUintN(64, ${e})`;

/**
 * divu and remu without BigInt.asUintN(64, ·) of a negative dividend (a heap BigInt each time)
 * when the divisor is in (0, 2^62]: half the dividend (as unsigned, so non-negative) divided
 * signed, doubled, and corrected by one from the remainder, which lies in [0, 2b) and so is
 * non-negative. 75-85 ns against 117-127 on random 64-bit dividends (docs/performance.md).
 */
const divRemU = (rem: boolean) => (d: Decoded, g: Gen): string => {
  const slow = rem ? `b === 0n ? a : ${U('a')} % ${U('b')}` : `b === 0n ? -1n : ${U('a')} / ${U('b')}`;
  const small = rem ? 'a % b' : 'a / b';
  const big = rem ? 'r >= b ? r - b : r' : 'r >= b ? q + 1n : q';
  return `{ const a = ${g.reg(d.rs1)}, b = ${g.reg(d.rs2)};
  if (b > 0n && b <= 4611686018427387904n) {
    if (a >= 0n) ${g.set(d.rd, small)}
    else { const q = (((a >> 1n) & 9223372036854775807n) / b) << 1n, r = BigInt.asIntN(64, a - q * b); ${g.set(d.rd, big)} }
  } else ${g.set(d.rd, slow)} }`;
};
const MIN64 = '-9223372036854775808n';

export const RV64M: InsnDef[] = [
  m('mul', 0, false, 'rd = low 64 bits of rs1 * rs2', (a, b) => `${a} * ${b}`),
  m('mulh', 1, false, 'rd = high 64 bits of rs1 * rs2 (signed x signed)', (a, b) => `(${a} * ${b}) >> 64n`),
  m('mulhsu', 2, false, 'rd = high 64 bits of rs1 * rs2 (signed x unsigned)', (a, b) => `(${a} * ${U(b)}) >> 64n`),
  m('mulhu', 3, false, 'rd = high 64 bits of rs1 * rs2 (unsigned x unsigned)', (a, b) => `(${U(a)} * ${U(b)}) >> 64n`),
  m('div', 4, false, 'rd = rs1 / rs2 (signed, rounding toward zero)',
    (a, b) => `${b} === 0n ? -1n : (${b} === -1n && ${a} === ${MIN64}) ? ${a} : ${a} / ${b}`),
  mh('divu', 5, false, 'rd = rs1 / rs2 (unsigned)', divRemU(false)),
  m('rem', 6, false, 'rd = rs1 % rs2 (signed)',
    (a, b) => `${b} === 0n ? ${a} : (${b} === -1n && ${a} === ${MIN64}) ? 0n : ${a} % ${b}`),
  mh('remu', 7, false, 'rd = rs1 % rs2 (unsigned)', divRemU(true)),
  m('mulw', 0, true, 'rd = sext32(rs1 * rs2)', (a, b) => `BigInt.asIntN(32, ${a} * ${b})`),
  mh('divw', 4, true, 'rd = sext32(rs1[31:0] / rs2[31:0]) (signed)', divW(true, false)),
  mh('divuw', 5, true, 'rd = sext32(rs1[31:0] / rs2[31:0]) (unsigned)', divW(false, false)),
  mh('remw', 6, true, 'rd = sext32(rs1[31:0] % rs2[31:0]) (signed)', divW(true, true)),
  mh('remuw', 7, true, 'rd = sext32(rs1[31:0] % rs2[31:0]) (unsigned)', divW(false, true)),
];
