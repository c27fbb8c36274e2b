// The fast paths of the commonest F/D operations, as JavaScript fragments translated code
// inlines (a call into the FPU costs more than most of these do). Each computes the
// operation with JavaScript's round-to-nearest arithmetic, proves the result correctly
// rounded and knows its flags (error-free transformations, fast.ts), or else runs `slow`:
// the FPU method, which takes the exact path. Round to nearest only, except the conversions
// to integers, which round in any mode. test/unit/fpuJit.test.ts runs every instruction
// through translated code against the exact reference.
//
// Names the fragments use, besides the block's (jit/codegen.ts): fp, the helpers of fast.ts.
// Their own locals (a1, b1, c1 for the operands) stay inside braces and never shadow the
// block's register views.
import { DEKKER_MIN, MIN_NORMAL_D, MIN_NORMAL_S, SPLIT, TWO_32, roundToInteger } from './fast.js';
import { FSCRATCH } from './fpu.js';

/**
 * What the fragments call (a plain object, so that the optimizing compiler may inline it). Only
 * the dynamic-mode conversion does: the error-free transformations are written out in the
 * fragments themselves, since a call that is not inlined returns its double boxed, and the
 * allocations cost more than the arithmetic.
 */
export const fastHelpers = { roundToInteger };
export type FastHelpers = typeof fastHelpers;

/** Statements declaring `e` = a * b - p exactly (Dekker's product, fast.ts productError); `k` keeps the locals apart. */
const dekker = (a: string, b: string, p: string, e: string, k: string): string =>
  `let c${k} = ${SPLIT} * ${a}; const ah${k} = c${k} - (c${k} - ${a}), al${k} = ${a} - ah${k};
  c${k} = ${SPLIT} * ${b}; const bh${k} = c${k} - (c${k} - ${b}), bl${k} = ${b} - bh${k};
  const ${e} = ((ah${k} * bh${k} - ${p}) + ah${k} * bl${k} + al${k} * bh${k}) + al${k} * bl${k};`;

/**
 * Statements rounding the variable `v` to odd when the exact value is v + e, e != 0 (fast.ts
 * toOdd), looking at its bits in the FP register file's scratch slot.
 */
const toOdd = (v: string, e: string): string => {
  const lo = `fu[${2 * FSCRATCH}]`, hi = `fu[${2 * FSCRATCH + 1}]`;
  return `if (${e} !== 0) { f64[${FSCRATCH}] = ${v};
    if ((${lo} & 1) === 0) { if ((${e} > 0) === (${v} > 0)) ${lo} |= 1; else if (${lo} !== 0) ${lo} -= 1; else { ${lo} = 0xffffffff; ${hi} -= 1; } ${v} = f64[${FSCRATCH}]; } }`;
};

const NX = 1;
const BOX = 4294967295;
const num = (v: number): string => String(v);

/** f[r] read as a double; a single boxed in f[r] as a double, or NaN when it is not boxed. */
const d = (r: number): string => `f64[${r}]`;
const s = (r: number): string => `(fu[${2 * r + 1}] === ${BOX} ? f32[${2 * r}] : NaN)`;

/**
 * Write the single rounded from `value` (exact, or rounded to odd in 53 bits, with `inexact`
 * telling whether it already differs from the exact result) unless the exact path must decide:
 * overflow, or a tiny inexact result.
 */
const finishS = (rd: number, value: string, inexact: string, slow: string): string =>
  `{ const r = Math.fround(${value}), nx = ${inexact} || r !== ${value};
  if (r - r === 0 && (!nx || r > ${num(MIN_NORMAL_S)} || r < -${num(MIN_NORMAL_S)})) { f32[${2 * rd}] = r; fu[${2 * rd + 1}] = ${BOX}; if (nx) fpu.flags |= ${NX}; }
  else ${slow} }`;

/** x + y and x - y: TwoSum gives the exact error; a finite sum of doubles is never tiny and inexact. */
export const sumD = (rd: number, a: number, b: number, negate: boolean, slow: string): string =>
  `{ const a1 = ${d(a)}, b1 = ${negate ? '-' : ''}${d(b)}, s = a1 + b1;
  if (s - s === 0) { const t = s - a1; if ((a1 - (s - t)) + (b1 - t) !== 0) fpu.flags |= ${NX}; f64[${rd}] = s; }
  else ${slow} }`;

/** The sum of singles in a double, rounded to odd when inexact, then to 24 bits: one correct rounding. */
export const sumS = (rd: number, a: number, b: number, negate: boolean, slow: string): string =>
  `{ const a1 = ${s(a)}, b1 = ${negate ? '-' : ''}${s(b)}, v = a1 + b1;
  if (v - v === 0) { const t = v - a1, e = (a1 - (v - t)) + (b1 - t); let o = v; ${toOdd('o', 'e')} ${finishS(rd, 'o', 'e !== 0', slow)} }
  else ${slow} }`;

/** x * y: Dekker's product gives the exact error while the product is far from underflow. */
export const mulD = (rd: number, a: number, b: number, slow: string): string =>
  `{ const a1 = ${d(a)}, b1 = ${d(b)}, p = a1 * b1;
  if (p - p === 0 && (p >= ${num(DEKKER_MIN)} || p <= -${num(DEKKER_MIN)})) { ${dekker('a1', 'b1', 'p', 'e', 'm')}
    if (e - e === 0) { if (e !== 0) fpu.flags |= ${NX}; f64[${rd}] = p; } else ${slow} }
  else if (p === 0 && (a1 === 0 || b1 === 0)) f64[${rd}] = p;
  else ${slow} }`;

/** A product of singles is exact in a double. */
export const mulS = (rd: number, a: number, b: number, slow: string): string =>
  `{ const p = ${s(a)} * ${s(b)};
  if (p - p === 0) ${finishS(rd, 'p', 'false', slow)}
  else ${slow} }`;

/** x / y: the remainder x - q*y is exact (Dekker, then Sterbenz), so its sign and zero-ness are known. */
export const divD = (rd: number, a: number, b: number, slow: string): string =>
  `{ const a1 = ${d(a)}, b1 = ${d(b)}, q = a1 / b1;
  if (q - q === 0 && (q >= ${num(DEKKER_MIN)} || q <= -${num(DEKKER_MIN)}) && (a1 >= ${num(DEKKER_MIN)} || a1 <= -${num(DEKKER_MIN)})) {
    const p = q * b1; ${dekker('q', 'b1', 'p', 'pe', 'q')} const r = (a1 - p) - pe;
    if (r - r === 0) { if (r !== 0) fpu.flags |= ${NX}; f64[${rd}] = q; } else ${slow} }
  else if (a1 === 0 && b1 !== 0 && q - q === 0) f64[${rd}] = q;
  else ${slow} }`;

/** sqrt(x): Math.sqrt is correctly rounded; r*r against x, exactly, tells whether it is exact. */
export const sqrtD = (rd: number, a: number, slow: string): string =>
  `{ const a1 = ${d(a)};
  if (a1 >= ${num(DEKKER_MIN)} && a1 < Infinity) { const r = Math.sqrt(a1), p = r * r; ${dekker('r', 'r', 'p', 'e', 's')}
    if (p !== a1 || e !== 0) fpu.flags |= ${NX}; f64[${rd}] = r; }
  else ${slow} }`;

/**
 * (+/-)(x * y) (+/-) z with one rounding (Boldo and Melquiond's emulated FMA): the product
 * exactly as uh + ul, z + uh exactly as th + tl, then RN(th + RO(tl + ul)).
 */
export const fmaD = (rd: number, a: number, b: number, c: number, negateProduct: boolean, negateAddend: boolean, slow: string): string =>
  `{ const a1 = ${negateProduct ? '-' : ''}${d(a)}, b1 = ${d(b)}, c1 = ${negateAddend ? '-' : ''}${d(c)}, uh = a1 * b1;
  if (uh >= ${num(DEKKER_MIN)} || uh <= -${num(DEKKER_MIN)}) {
    ${dekker('a1', 'b1', 'uh', 'ul', 'f')}
    const th = c1 + uh, t1 = th - c1, tl = (c1 - (th - t1)) + (uh - t1);
    let v = tl + ul; const t2 = v - tl, ev = (tl - (v - t2)) + (ul - t2);
    ${toOdd('v', 'ev')}
    const r = th + v, t3 = r - th, er = (th - (r - t3)) + (v - t3);
    if (r - r === 0 && (r >= ${num(MIN_NORMAL_D)} || r <= -${num(MIN_NORMAL_D)} || (ev === 0 && er === 0))) { if (ev !== 0 || er !== 0) fpu.flags |= ${NX}; f64[${rd}] = r; }
    else ${slow} }
  else if ((a1 === 0 || b1 === 0) && a1 - a1 === 0 && b1 - b1 === 0 && c1 - c1 === 0) f64[${rd}] = uh + c1;
  else ${slow} }`;

/** The product of singles is exact in a double; the sum rounded to odd, then to 24 bits. */
export const fmaS = (rd: number, a: number, b: number, c: number, negateProduct: boolean, negateAddend: boolean, slow: string): string =>
  `{ const p = ${negateProduct ? '-' : ''}${s(a)} * ${s(b)}, c1 = ${negateAddend ? '-' : ''}${s(c)}, v = p + c1;
  if (v - v === 0) { const t = v - p, e = (p - (v - t)) + (c1 - t); let o = v; ${toOdd('o', 'e')} ${finishS(rd, 'o', 'e !== 0', slow)} }
  else ${slow} }`;

const COMPARE: Record<'eq' | 'lt' | 'le', string> = { eq: '===', lt: '<', le: '<=' };

/** feq/flt/fle without NaNs: no flags; x[rd] = 0 or 1. */
export const compare = (rd: number, a: number, b: number, op: 'eq' | 'lt' | 'le', single: boolean, slow: string): string => {
  const read = single ? s : d;
  const write = rd === 0 ? '' : `u[${2 * rd}] = a1 ${COMPARE[op]} b1 ? 1 : 0; u[${2 * rd + 1}] = 0;`;
  return `{ const a1 = ${read(a)}, b1 = ${read(b)};
  if (a1 === a1 && b1 === b1) { ${write} }
  else ${slow} }`;
};

/** The integer types of the conversions, in rs2 order (fpu.ts IntType): w, wu, l, lu. */
const RANGE_LO = [-2147483648, 0, -(2 ** 63), 0];
const RANGE_HI = [2147483647, 4294967295, 2 ** 63 - 1024, 2 ** 64 - 2048];

/**
 * fast.ts roundToInteger for each static mode, written out: the fraction a1 - trunc(a1) is
 * exact, so ties are seen exactly.
 */
const ROUND_INLINE: Record<string, string> = {
  0: 'const t0 = Math.trunc(a1), f0 = a1 - t0, t = f0 > 0.5 || f0 < -0.5 || ((f0 === 0.5 || f0 === -0.5) && t0 % 2 !== 0) ? t0 + Math.sign(f0) : t0;',
  1: 'const t = Math.trunc(a1);',
  2: 'const t = Math.floor(a1);',
  3: 'const t = Math.ceil(a1);',
  4: 'const t0 = Math.trunc(a1), f0 = a1 - t0, t = f0 >= 0.5 || f0 <= -0.5 ? t0 + Math.sign(f0) : t0;',
};

/** fcvt.{w,wu,l,lu}.{s,d} in range, in any rounding mode (the expression `rm`); NaN and out of range saturate on the slow path. */
export const toInt = (rd: number, a: number, rm: string, type: number, single: boolean, slow: string): string => {
  const write = rd === 0 ? '' : type < 2 ? `i32[${2 * rd}] = t; i32[${2 * rd + 1}] = i32[${2 * rd}] >> 31;`
    : `const hi = Math.floor(t / ${TWO_32}); i32[${2 * rd + 1}] = hi; u[${2 * rd}] = t - hi * ${TWO_32};`;
  const round = ROUND_INLINE[rm] ?? `const t = fp.roundToInteger(a1, ${rm});`;
  return `{ const a1 = ${single ? s(a) : d(a)};
  if (a1 - a1 === 0) { ${round}
    if (t >= ${num(RANGE_LO[type])} && t <= ${num(RANGE_HI[type])}) { if (t !== a1) fpu.flags |= ${NX}; ${write} }
    else ${slow} }
  else ${slow} }`;
};
