// RV64M multiply and divide (ISA manual vol. I, ch. 13). Division by zero and the one signed
// overflow case do not trap; they produce the values in the manual's table 13.1.
import { Op } from '../jit/wasm/encoder.js';
import type { Decoded, InsnDef, WasmEmit } from './types.js';
import { ALU_SLOT, type Gen } from '../jit/codegen.js';

const MR = 0xfe00707f;
const m = (name: string, f3: number, w: boolean, doc: string, body: (a: string, b: string) => string): InsnDef => ({
  name, ext: 'M', format: 'R', match: (w ? 0x3b : 0x33) | (1 << 25) | (f3 << 12), mask: MR,
  syntax: 'rd,rs1,rs2', flow: 'next', doc,
  emit: (d: Decoded, g: Gen) => `{ const a = ${g.reg(d.rs1)}, b = ${g.reg(d.rs2)}; ${g.set(d.rd, body('a', 'b'))} }`,
});

/**
 * An instruction whose semantics are written over more than its two operands as BigInts: the
 * 32-bit halves of its registers (the `u` and `i32` views: lo(r) is the low half's index, hi(r)
 * the high one's) or the scratch slots.
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
const MAX64 = '9223372036854775807n';
const M32 = '4294967295n';
/** The scratch slots (codegen.ts ALU_SLOT) as x[] elements. */
const S = [0, 1, 2, 3, 4].map((i) => `x[${ALU_SLOT + i}]`);

/**
 * The high 64 bits of a 128-bit product, in pieces V8 does in native 64-bit code: the 32-bit
 * halves of both operands and their four products through the scratch slots (a product of two
 * halves is below 2^64, so the slot's wrapped value has its high half right), then the carries.
 * The BigInt product `(a * b) >> 64n` ran at 34 ns, this at 8 (docs/performance.md). mulh and
 * mulhsu are mulhu less the other operand for each operand that is negative, modulo 2^64.
 */
const mulHigh = (signedA: boolean, signedB: boolean) => (d: Decoded, g: Gen): string => {
  const a = g.reg(d.rs1), b = g.reg(d.rs2);
  const [a0, a1, b0, b1, t] = S;
  const high = (v: string): string => `((${v} >> 32n) & ${M32})`;
  // a0 * b1 in t, a1 * b1 in b1, a1 * b0 in a1, a0 * b0 in b0, the middle column's sum in a0.
  const unsigned = `${a0} = ${a} & ${M32}; ${a1} = ${high(a)}; ${b0} = ${b} & ${M32}; ${b1} = ${high(b)};
  ${t} = ${a0} * ${b1}; ${b1} = ${a1} * ${b1}; ${a1} = ${a1} * ${b0}; ${b0} = ${a0} * ${b0};
  ${a0} = ${high(b0)} + (${t} & ${M32}) + (${a1} & ${M32});`;
  const fix = (signedA ? ` - (${b} & (${a} >> 63n))` : '') + (signedB ? ` - (${a} & (${b} >> 63n))` : '');
  return `{ ${unsigned} ${g.set(d.rd, `${b1} + ${high(t)} + ${high(a1)} + (${a0} >> 32n)${fix}`)} }`;
};

/** Whether register r is 0, or -1, from its halves (a BigInt compare with a constant is not lowered as well). */
const isZero = (g: Gen, r: number | string): string => `(u[${g.lo(r)}] | u[${g.hi(r)}]) === 0`;
const isMinusOne = (g: Gen, r: number | string): string => `(u[${g.lo(r)}] & u[${g.hi(r)}]) === 4294967295`;

/**
 * div and rem: V8 lowers a BigInt64Array element divided by another to the machine's 64-bit
 * division; what cost was the tests around it. Division by zero and by -1 (whose one overflow,
 * -2^63 / -1, the hardware would trap on) are decided on the halves.
 */
const divRemS = (rem: boolean) => (d: Decoded, g: Gen): string => {
  const a = g.reg(d.rs1), b = g.reg(d.rs2), set = (e: string): string => g.set(d.rd, e);
  return `if (${isZero(g, d.rs2)}) ${set(rem ? a : '-1n')}
  else if (${isMinusOne(g, d.rs2)}) ${set(rem ? '0n' : `0n - ${a}`)}
  else ${set(`${a} ${rem ? '%' : '/'} ${b}`)}`;
};

/**
 * divu and remu as the signed division when both operands are below 2^63, which V8 lowers.
 * For a dividend at or above 2^63 and a divisor below 2^62: half the dividend (so non-negative)
 * divided, doubled, and corrected by one from the remainder, which lies in [0, 2b), each step
 * through a scratch slot so that it stays lowered (BigInt.asUintN(64, ·) of a negative value
 * makes a heap BigInt every time). A divisor at or above 2^63 goes in once or not at all.
 */
const divRemU = (rem: boolean) => (d: Decoded, g: Gen): string => {
  const a = g.reg(d.rs1), b = g.reg(d.rs2), set = (e: string): string => g.set(d.rd, e);
  const ah = `i32[${g.hi(d.rs1)}]`, bh = `i32[${g.hi(d.rs2)}]`, [q, r] = S;
  const below = g.ltu(d.rs1, d.rs2);
  return `if (${bh} >= 0 && ${bh} < 1073741824 && !(${isZero(g, d.rs2)})) {
    if (${ah} >= 0) ${set(`${a} ${rem ? '%' : '/'} ${b}`)}
    else { ${q} = (${a} >> 1n) & ${MAX64}; ${q} = ${q} / ${b}; ${q} = ${q} << 1n; ${r} = ${a} - ${q} * ${b};
      ${set(rem ? `${r} >= ${b} ? ${r} - ${b} : ${r}` : `${r} >= ${b} ? ${q} + 1n : ${q}`)} }
  } else if (${bh} < 0) ${set(rem ? `${below} ? ${a} : ${a} - ${b}` : `${below} ? 0n : 1n`)}
  else if (${isZero(g, d.rs2)}) ${set(rem ? a : '-1n')}
  else ${set(`${U(a)} ${rem ? '%' : '/'} ${b}`)}`;
};

export const RV64M: InsnDef[] = [
  m('mul', 0, false, 'rd = low 64 bits of rs1 * rs2', (a, b) => `${a} * ${b}`),
  mh('mulh', 1, false, 'rd = high 64 bits of rs1 * rs2 (signed x signed)', mulHigh(true, true)),
  mh('mulhsu', 2, false, 'rd = high 64 bits of rs1 * rs2 (signed x unsigned)', mulHigh(true, false)),
  mh('mulhu', 3, false, 'rd = high 64 bits of rs1 * rs2 (unsigned x unsigned)', mulHigh(false, false)),
  mh('div', 4, false, 'rd = rs1 / rs2 (signed, rounding toward zero)', divRemS(false)),
  mh('divu', 5, false, 'rd = rs1 / rs2 (unsigned)', divRemU(false)),
  mh('rem', 6, false, 'rd = rs1 % rs2 (signed)', divRemS(true)),
  mh('remu', 7, false, 'rd = rs1 % rs2 (unsigned)', divRemU(true)),
  m('mulw', 0, true, 'rd = sext32(rs1 * rs2)', (a, b) => `BigInt.asIntN(32, ${a} * ${b})`),
  mh('divw', 4, true, 'rd = sext32(rs1[31:0] / rs2[31:0]) (signed)', divW(true, false)),
  mh('divuw', 5, true, 'rd = sext32(rs1[31:0] / rs2[31:0]) (unsigned)', divW(false, false)),
  mh('remw', 6, true, 'rd = sext32(rs1[31:0] % rs2[31:0]) (signed)', divW(true, true)),
  mh('remuw', 7, true, 'rd = sext32(rs1[31:0] % rs2[31:0]) (unsigned)', divW(false, true)),
];

/**
 * The WebAssembly form of the kinds it has one for (jit/wasm/wasmGen.ts), the same semantics as
 * `emit`; WebAssembly has no 128-bit product, so mulh, mulhsu and mulhu are built from 32-bit ones.
 */
const WASM_M: Record<string, WasmEmit> = {
  mul: (d, w) => w.rr(d.rd, d.rs1, d.rs2, Op.i64_mul),
  mulw: (d, w) => w.rr(d.rd, d.rs1, d.rs2, Op.i64_mul, true),
  mulh: (d, w) => w.mulHigh(d.rd, d.rs1, d.rs2, 'mulh'),
  mulhsu: (d, w) => w.mulHigh(d.rd, d.rs1, d.rs2, 'mulhsu'),
  mulhu: (d, w) => w.mulHigh(d.rd, d.rs1, d.rs2, 'mulhu'),
  div: (d, w) => w.divide(d.rd, d.rs1, d.rs2, 'div'),
  divu: (d, w) => w.divide(d.rd, d.rs1, d.rs2, 'divu'),
  rem: (d, w) => w.divide(d.rd, d.rs1, d.rs2, 'rem'),
  remu: (d, w) => w.divide(d.rd, d.rs1, d.rs2, 'remu'),
  divw: (d, w) => w.divide(d.rd, d.rs1, d.rs2, 'div', true),
  divuw: (d, w) => w.divide(d.rd, d.rs1, d.rs2, 'divu', true),
  remw: (d, w) => w.divide(d.rd, d.rs1, d.rs2, 'rem', true),
  remuw: (d, w) => w.divide(d.rd, d.rs1, d.rs2, 'remu', true),
};
for (const def of RV64M) def.wasm = WASM_M[def.name];
