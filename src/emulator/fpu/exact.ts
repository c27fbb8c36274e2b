// The exact reference for every F/D operation: operands become integers (significand and
// exponent as BigInt and number), the operation is carried out exactly, and one rounding step
// gives the result in any rounding mode together with its exception flags. Slow, but correct
// by construction; the fast paths (fast.ts) defer to it for every case they cannot prove, and
// property tests check them against it.
//
// The rules are IEEE 754-2008 as RISC-V narrows them (ISA manual vol. I, ch. "F"): results
// that are NaN are the canonical NaN; tininess is detected after rounding; an operation sets
// NV for signalling NaN inputs; min/max follow the 2019 minimumNumber/maximumNumber rules;
// conversions to integers saturate. Where QEMU 7.2 adds a choice the standard leaves open
// (fused multiply-add of inf * 0 plus a quiet NaN sets NV), it is RISC-V's choice too.
import { FClass, FFlag, Rounding, type FloatFormat } from './format.js';

/** A result: the raw bits (over the format's width, unsigned) and the flags it raises. */
export interface Result { bits: bigint; flags: number }

const enum Kind { Zero, Finite, Inf, QNaN, SNaN }

/** An operand: sign, and for finite values value = m * 2^e with m > 0. */
interface Unpacked { kind: Kind; sign: boolean; m: bigint; e: number }

export function unpack(f: FloatFormat, bits: bigint): Unpacked {
  const sign = (bits & f.signBit) !== 0n;
  const exp = Number((bits & f.expMask) >> BigInt(f.p - 1));
  const frac = bits & f.fracMask;
  if (exp === 2 * f.bias + 1) {
    if (frac === 0n) return { kind: Kind.Inf, sign, m: 0n, e: 0 };
    return { kind: (frac & f.quietBit) !== 0n ? Kind.QNaN : Kind.SNaN, sign, m: 0n, e: 0 };
  }
  if (exp === 0) {
    if (frac === 0n) return { kind: Kind.Zero, sign, m: 0n, e: 0 };
    return { kind: Kind.Finite, sign, m: frac, e: f.emin - f.p + 1 };
  }
  return { kind: Kind.Finite, sign, m: frac | (1n << BigInt(f.p - 1)), e: exp - f.bias - f.p + 1 };
}

const isNaN = (x: Unpacked): boolean => x.kind === Kind.QNaN || x.kind === Kind.SNaN;
const signOf = (f: FloatFormat, s: boolean): bigint => (s ? f.signBit : 0n);
const zero = (f: FloatFormat, s: boolean, flags = 0): Result => ({ bits: signOf(f, s), flags });
const inf = (f: FloatFormat, s: boolean, flags = 0): Result => ({ bits: signOf(f, s) | f.infinity, flags });
const invalid = (f: FloatFormat): Result => ({ bits: f.canonicalNaN, flags: FFlag.NV });

/** The result of an operation with a NaN operand: the canonical NaN, NV if any was signalling. */
function nanResult(f: FloatFormat, ...xs: Unpacked[]): Result {
  return { bits: f.canonicalNaN, flags: xs.some((x) => x.kind === Kind.SNaN) ? FFlag.NV : 0 };
}

export function bitLength(m: bigint): number {
  // Number of bits of a positive bigint, from its hex form (exact for any size).
  const h = m.toString(16);
  return 4 * (h.length - 1) + (32 - Math.clz32(parseInt(h[0], 16)));
}

/**
 * Round m * 2^e (m > 0) to a multiple of 2^lsb in mode rm. Returns the multiple and whether
 * anything was discarded.
 */
function roundAt(m: bigint, e: number, lsb: number, negative: boolean, rm: Rounding): { q: bigint; inexact: boolean } {
  const shift = lsb - e;
  if (shift <= 0) return { q: m << BigInt(-shift), inexact: false };
  const s = BigInt(shift);
  let q = m >> s;
  const rem = m - (q << s);
  if (rem === 0n) return { q, inexact: false };
  const half = 1n << (s - 1n);
  let up: boolean;
  switch (rm) {
    case Rounding.RNE: up = rem > half || (rem === half && (q & 1n) === 1n); break;
    case Rounding.RTZ: up = false; break;
    case Rounding.RDN: up = negative; break;
    case Rounding.RUP: up = !negative; break;
    default: up = rem >= half; break; // RMM
  }
  if (up) q += 1n;
  return { q, inexact: true };
}

/**
 * The one rounding step: (-1)^sign * m * 2^e, m > 0, to the format, with its flags. Tininess
 * is detected after rounding: the value is tiny when, rounded to p bits as though the exponent
 * range were unbounded, it is still below the smallest normal number.
 */
export function roundPack(f: FloatFormat, sign: boolean, m: bigint, e: number, rm: Rounding, flags = 0): Result {
  const top = e + bitLength(m) - 1; // exponent of the leading bit
  const normalLsb = top - f.p + 1;
  const lsb = Math.max(normalLsb, f.emin - f.p + 1);
  let { q, inexact } = roundAt(m, e, lsb, sign, rm);
  let resultLsb = lsb;
  if (q === 1n << BigInt(f.p)) { q >>= 1n; resultLsb++; }
  if (inexact) flags |= FFlag.NX;
  if (top < f.emin && inexact) {
    const tiny = top < f.emin - 1 || roundAt(m, e, normalLsb, sign, rm).q !== 1n << BigInt(f.p);
    if (tiny) flags |= FFlag.UF;
  }
  if (resultLsb + f.p - 1 > f.emax) {
    flags |= FFlag.OF | FFlag.NX;
    const toInf = rm === Rounding.RNE || rm === Rounding.RMM || (rm === Rounding.RUP && !sign) || (rm === Rounding.RDN && sign);
    return { bits: signOf(f, sign) | (toInf ? f.infinity : f.maxFinite), flags };
  }
  const hidden = 1n << BigInt(f.p - 1);
  if (q < hidden) return { bits: signOf(f, sign) | q, flags }; // subnormal, or zero
  const biased = BigInt(resultLsb + f.p - 1 + f.bias);
  return { bits: signOf(f, sign) | (biased << BigInt(f.p - 1)) | (q - hidden), flags };
}

// ---- arithmetic ---------------------------------------------------------------------------------

/** The sign of an exact zero sum of operands of opposite signs: +0, but -0 when rounding down. */
const cancelSign = (rm: Rounding): boolean => rm === Rounding.RDN;

/** x + y exactly, both finite and non-zero: the signed sum as one integer over a common exponent. */
function exactSum(xs: boolean, xm: bigint, xe: number, ys: boolean, ym: bigint, ye: number): { s: bigint; e: number } {
  const e = Math.min(xe, ye);
  const a = xm << BigInt(xe - e), b = ym << BigInt(ye - e);
  return { s: (xs ? -a : a) + (ys ? -b : b), e };
}

function sumOf(f: FloatFormat, xs: boolean, xm: bigint, xe: number, ys: boolean, ym: bigint, ye: number, rm: Rounding): Result {
  const { s, e } = exactSum(xs, xm, xe, ys, ym, ye);
  if (s === 0n) return zero(f, cancelSign(rm));
  return roundPack(f, s < 0n, s < 0n ? -s : s, e, rm);
}

export function add(f: FloatFormat, a: bigint, b: bigint, rm: Rounding, negateB = false): Result {
  const x = unpack(f, a), y = unpack(f, b);
  if (isNaN(x) || isNaN(y)) return nanResult(f, x, y);
  const ys = y.sign !== negateB;
  if (x.kind === Kind.Inf) return y.kind === Kind.Inf && ys !== x.sign ? invalid(f) : inf(f, x.sign);
  if (y.kind === Kind.Inf) return inf(f, ys);
  if (x.kind === Kind.Zero && y.kind === Kind.Zero) return zero(f, x.sign === ys ? x.sign : cancelSign(rm));
  if (y.kind === Kind.Zero) return { bits: a, flags: 0 };
  if (x.kind === Kind.Zero) return { bits: negateB ? b ^ f.signBit : b, flags: 0 };
  return sumOf(f, x.sign, x.m, x.e, ys, y.m, y.e, rm);
}

export const sub = (f: FloatFormat, a: bigint, b: bigint, rm: Rounding): Result => add(f, a, b, rm, true);

export function mul(f: FloatFormat, a: bigint, b: bigint, rm: Rounding): Result {
  const x = unpack(f, a), y = unpack(f, b);
  if (isNaN(x) || isNaN(y)) return nanResult(f, x, y);
  const s = x.sign !== y.sign;
  if (x.kind === Kind.Inf || y.kind === Kind.Inf) return x.kind === Kind.Zero || y.kind === Kind.Zero ? invalid(f) : inf(f, s);
  if (x.kind === Kind.Zero || y.kind === Kind.Zero) return zero(f, s);
  return roundPack(f, s, x.m * y.m, x.e + y.e, rm);
}

export function div(f: FloatFormat, a: bigint, b: bigint, rm: Rounding): Result {
  const x = unpack(f, a), y = unpack(f, b);
  if (isNaN(x) || isNaN(y)) return nanResult(f, x, y);
  const s = x.sign !== y.sign;
  if (x.kind === Kind.Inf) return y.kind === Kind.Inf ? invalid(f) : inf(f, s);
  if (y.kind === Kind.Inf) return zero(f, s);
  if (y.kind === Kind.Zero) return x.kind === Kind.Zero ? invalid(f) : inf(f, s, FFlag.DZ);
  if (x.kind === Kind.Zero) return zero(f, s);
  // Enough quotient bits for the rounding (p + 2), then one sticky bit for a non-zero remainder.
  const k = Math.max(0, f.p + 3 + bitLength(y.m) - bitLength(x.m));
  const n = x.m << BigInt(k);
  let q = n / y.m;
  let e = x.e - y.e - k;
  if (q * y.m !== n) { q = (q << 1n) | 1n; e--; }
  return roundPack(f, s, q, e, rm);
}

/** floor(sqrt(n)) for n >= 0, by Newton's method from a close first guess. */
export function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  const bl = bitLength(n);
  // A guess above the root: 2^ceil(bl/2).
  let x = 1n << BigInt((bl + 1) >> 1);
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

export function sqrt(f: FloatFormat, a: bigint, rm: Rounding): Result {
  const x = unpack(f, a);
  if (isNaN(x)) return nanResult(f, x);
  if (x.kind === Kind.Zero) return { bits: a, flags: 0 }; // sqrt(-0) = -0
  if (x.sign) return invalid(f);
  if (x.kind === Kind.Inf) return { bits: a, flags: 0 };
  let m = x.m, e = x.e;
  if (e & 1) { m <<= 1n; e--; }
  // Scale by 4^k so the root has at least p + 2 bits, then a sticky bit for a non-zero remainder.
  const k = Math.max(0, Math.ceil((2 * (f.p + 2) - bitLength(m) + 1) / 2));
  const n = m << BigInt(2 * k);
  let r = isqrt(n);
  let re = (e - 2 * k) / 2;
  if (r * r !== n) { r = (r << 1n) | 1n; re--; }
  return roundPack(f, false, r, re, rm);
}

/**
 * Fused multiply-add with one rounding: (+/-)(a * b) (+/-) c, the signs as the four FMA
 * instructions negate product and addend (fmadd: a*b+c, fmsub: a*b-c, fnmsub: -a*b+c,
 * fnmadd: -a*b-c). The negations apply to the operands before the operation, so an exact
 * zero result takes its sign from them.
 */
export function fma(f: FloatFormat, a: bigint, b: bigint, c: bigint, rm: Rounding, negateProduct: boolean, negateAddend: boolean): Result {
  const x = unpack(f, a), y = unpack(f, b), z = unpack(f, c);
  const infTimesZero = (x.kind === Kind.Inf && y.kind === Kind.Zero) || (x.kind === Kind.Zero && y.kind === Kind.Inf);
  if (isNaN(x) || isNaN(y) || isNaN(z)) {
    const r = nanResult(f, x, y, z);
    return infTimesZero ? { bits: r.bits, flags: FFlag.NV } : r;
  }
  if (infTimesZero) return invalid(f);
  const ps = (x.sign !== y.sign) !== negateProduct, zs = z.sign !== negateAddend;
  if (x.kind === Kind.Inf || y.kind === Kind.Inf) return z.kind === Kind.Inf && zs !== ps ? invalid(f) : inf(f, ps);
  if (z.kind === Kind.Inf) return inf(f, zs);
  if (x.kind === Kind.Zero || y.kind === Kind.Zero) {
    if (z.kind === Kind.Zero) return zero(f, ps === zs ? ps : cancelSign(rm));
    return { bits: negateAddend ? c ^ f.signBit : c, flags: 0 };
  }
  if (z.kind === Kind.Zero) return roundPack(f, ps, x.m * y.m, x.e + y.e, rm);
  return sumOf(f, ps, x.m * y.m, x.e + y.e, zs, z.m, z.e, rm);
}

// ---- comparisons, min/max, classification ---------------------------------------------------------

/** Order two non-NaN operands: -1, 0, 1; -0 and +0 are equal unless `zeroSigned`. */
function order(x: Unpacked, y: Unpacked, zeroSigned: boolean): number {
  const xz = x.kind === Kind.Zero, yz = y.kind === Kind.Zero;
  if (xz && yz) return zeroSigned && x.sign !== y.sign ? (x.sign ? -1 : 1) : 0;
  if (x.sign !== y.sign) return x.sign ? -1 : 1;
  const mag = magnitude(x, y);
  return x.sign ? -mag : mag;
}

/** Compare magnitudes of two non-NaN operands. */
function magnitude(x: Unpacked, y: Unpacked): number {
  const rank = (u: Unpacked): number => (u.kind === Kind.Zero ? 0 : u.kind === Kind.Inf ? 2 : 1);
  if (rank(x) !== rank(y)) return rank(x) < rank(y) ? -1 : 1;
  if (x.kind !== Kind.Finite) return 0;
  const e = Math.min(x.e, y.e);
  const a = x.m << BigInt(x.e - e), b = y.m << BigInt(y.e - e);
  return a < b ? -1 : a > b ? 1 : 0;
}

export interface Compared { value: 0 | 1; flags: number }

/** feq (quiet: NV only for a signalling NaN), flt and fle (signalling: NV for any NaN). */
export function compare(f: FloatFormat, a: bigint, b: bigint, op: 'eq' | 'lt' | 'le'): Compared {
  const x = unpack(f, a), y = unpack(f, b);
  if (isNaN(x) || isNaN(y)) {
    const signalling = op !== 'eq' || x.kind === Kind.SNaN || y.kind === Kind.SNaN;
    return { value: 0, flags: signalling ? FFlag.NV : 0 };
  }
  const o = order(x, y, false);
  return { value: (op === 'eq' ? o === 0 : op === 'lt' ? o < 0 : o <= 0) ? 1 : 0, flags: 0 };
}

/**
 * fmin/fmax as the ISA has them since 2019 (IEEE 754-2019 minimumNumber/maximumNumber): a NaN
 * operand gives way to the other operand, two NaNs give the canonical NaN, a signalling NaN
 * raises NV, and -0 is less than +0.
 */
export function minMax(f: FloatFormat, a: bigint, b: bigint, max: boolean): Result {
  const x = unpack(f, a), y = unpack(f, b);
  const flags = x.kind === Kind.SNaN || y.kind === Kind.SNaN ? FFlag.NV : 0;
  if (isNaN(x) && isNaN(y)) return { bits: f.canonicalNaN, flags };
  if (isNaN(x)) return { bits: b, flags };
  if (isNaN(y)) return { bits: a, flags };
  const o = order(x, y, true);
  return { bits: (max ? o >= 0 : o <= 0) ? a : b, flags };
}

export function classify(f: FloatFormat, a: bigint): FClass {
  const x = unpack(f, a);
  switch (x.kind) {
    case Kind.QNaN: return FClass.QuietNaN;
    case Kind.SNaN: return FClass.SignalingNaN;
    case Kind.Inf: return x.sign ? FClass.NegInf : FClass.PosInf;
    case Kind.Zero: return x.sign ? FClass.NegZero : FClass.PosZero;
    default: {
      const subnormal = (a & f.expMask) === 0n;
      if (subnormal) return x.sign ? FClass.NegSubnormal : FClass.PosSubnormal;
      return x.sign ? FClass.NegNormal : FClass.PosNormal;
    }
  }
}

// ---- conversions ----------------------------------------------------------------------------------

/** An integer conversion's result as the 64-bit register receives it (32-bit results sign-extended). */
export interface IntResult { value: bigint; flags: number }

/**
 * fcvt.{w,wu,l,lu}.{s,d}: round to an integer in mode rm; out of range and NaN inputs give
 * RISC-V's saturated values (NaN as the largest positive) with NV and nothing else. A negative
 * value that rounds to zero converts to an unsigned 0, inexact but valid.
 */
export function toInt(f: FloatFormat, a: bigint, rm: Rounding, width: 32 | 64, signed: boolean): IntResult {
  const x = unpack(f, a);
  const max = signed ? (1n << BigInt(width - 1)) - 1n : (1n << BigInt(width)) - 1n;
  const min = signed ? -(1n << BigInt(width - 1)) : 0n;
  const out = (v: bigint, flags: number): IntResult => ({ value: BigInt.asIntN(width, v), flags });
  if (isNaN(x)) return out(max, FFlag.NV);
  if (x.kind === Kind.Inf) return out(x.sign ? min : max, FFlag.NV);
  if (x.kind === Kind.Zero) return out(0n, 0);
  const { q, inexact } = roundAt(x.m, x.e, 0, x.sign, rm);
  const v = x.sign ? -q : q;
  if (v > max) return out(max, FFlag.NV);
  if (v < min) return out(min, FFlag.NV);
  return out(v, inexact ? FFlag.NX : 0);
}

/** fcvt.{s,d}.{w,wu,l,lu}: the integer's value, rounded in mode rm. */
export function fromInt(f: FloatFormat, v: bigint, rm: Rounding): Result {
  if (v === 0n) return zero(f, false);
  return roundPack(f, v < 0n, v < 0n ? -v : v, 0, rm);
}

/** fcvt.s.d and fcvt.d.s: NaNs become the canonical NaN (NV when signalling). */
export function convert(from: FloatFormat, to: FloatFormat, a: bigint, rm: Rounding): Result {
  const x = unpack(from, a);
  if (isNaN(x)) return nanResult(to, x);
  if (x.kind === Kind.Inf) return inf(to, x.sign);
  if (x.kind === Kind.Zero) return zero(to, x.sign);
  return roundPack(to, x.sign, x.m, x.e, rm);
}
