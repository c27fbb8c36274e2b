// Floating-point operands for tests: the edge values of each format (signed zeros, subnormals,
// the normal range's ends, infinities, quiet and signalling NaNs, integer-conversion edges,
// ties) and seeded random bit patterns, single or double, as raw bits.

import { Rng } from './rng.js';

export { Rng };

const buf = new ArrayBuffer(8);
const f64 = new Float64Array(buf), f32 = new Float32Array(buf), u64 = new BigUint64Array(buf), u32 = new Uint32Array(buf);

export const bitsOfD = (x: number): bigint => { f64[0] = x; return u64[0]; };
export const valueOfD = (b: bigint): number => { u64[0] = BigInt.asUintN(64, b); return f64[0]; };
export const bitsOfS = (x: number): bigint => { f32[0] = x; return BigInt(u32[0]); };
export const valueOfS = (b: bigint): number => { u32[0] = Number(BigInt.asUintN(32, b)); return f32[0]; };

export interface Format { bits: 32 | 64; p: number; bias: number }
export const S: Format = { bits: 32, p: 24, bias: 127 };
export const D: Format = { bits: 64, p: 53, bias: 1023 };

/** A value from sign, biased exponent and fraction fields. */
export function make(f: Format, sign: number, exp: number, frac: bigint): bigint {
  return (BigInt(sign) << BigInt(f.bits - 1)) | (BigInt(exp) << BigInt(f.p - 1)) | (frac & ((1n << BigInt(f.p - 1)) - 1n));
}

const maxExp = (f: Format): number => 2 * f.bias + 1;
const fracAll = (f: Format): bigint => (1n << BigInt(f.p - 1)) - 1n;

/** The format's special and boundary values, both signs. */
export function edges(f: Format): bigint[] {
  const top = fracAll(f), q = 1n << BigInt(f.p - 2);
  const mags = [
    make(f, 0, 0, 0n), make(f, 0, 0, 1n), make(f, 0, 0, 2n), make(f, 0, 0, top), make(f, 0, 0, q), // zero, subnormals
    make(f, 0, 1, 0n), make(f, 0, 1, 1n), make(f, 0, 1, top),                                      // smallest normals
    make(f, 0, f.bias, 0n), make(f, 0, f.bias, 1n), make(f, 0, f.bias - 1, top), make(f, 0, f.bias - 1, 0n), // 1, 1+ulp, 1-ulp/2, 0.5
    make(f, 0, f.bias + 1, 0n), make(f, 0, f.bias, q), make(f, 0, f.bias + 1, q),                 // 2, 1.5, 3
    make(f, 0, maxExp(f) - 1, top), make(f, 0, maxExp(f) - 1, 0n),                                 // the largest
    make(f, 0, maxExp(f), 0n),                                                                     // infinity
    make(f, 0, maxExp(f), q), make(f, 0, maxExp(f), q | 1n), make(f, 0, maxExp(f), top),           // quiet NaNs
    make(f, 0, maxExp(f), 1n), make(f, 0, maxExp(f), q - 1n),                                      // signalling NaNs
  ];
  // Integer-conversion edges: 2^31, 2^32, 2^63, 2^64 and their neighbours, and x.5 ties.
  for (const k of [31, 32, 52, 53, 63, 64]) {
    if (k + f.bias >= maxExp(f)) continue;
    mags.push(make(f, 0, f.bias + k, 0n), make(f, 0, f.bias + k - 1, top), make(f, 0, f.bias + k, 1n));
  }
  // Ties of the conversions to integers and their neighbours (0.5 - 2^-54 is the classic trap).
  for (const v of [0.5, 1.5, 2.5, 3.5, 2147483647.5, 2147483648.5, 4294967295.5, 0.25, 0.75, 1e-40, 3e38, 8388607.5, 4503599627370495.5]) {
    const b = f.bits === 64 ? bitsOfD(v) : bitsOfS(v);
    mags.push(b, b + 1n, b - 1n);
  }
  return [...mags, ...mags.map((m) => m | (1n << BigInt(f.bits - 1)))];
}

/** A random operand: an edge, a random pattern, or a value of moderate exponent (operations then interact). */
export function operand(r: Rng, f: Format, edgeList = edges(f)): bigint {
  const k = r.below(100);
  if (k < 20) return r.pick(edgeList);
  const raw = BigInt.asUintN(f.bits, r.u64());
  if (k < 45) return raw;
  // Exponent within +/-40 of 1 (or of the subnormal boundary), random fraction, some with short fractions.
  const near = r.chance(0.8) ? f.bias : r.below(60) + 1;
  let exp = near + r.below(81) - 40;
  if (exp < 0) exp = 0;
  if (exp >= maxExp(f)) exp = maxExp(f) - 1;
  let frac = raw;
  if (r.chance(0.3)) frac &= ~((1n << BigInt(r.below(f.p))) - 1n); // trailing zeros: exact results
  return make(f, r.below(2), exp, frac);
}
