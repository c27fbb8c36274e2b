// Error-free transformations on doubles: what lets the fast paths compute an operation with
// JavaScript's own round-to-nearest arithmetic and still know the exact rounding error, hence
// the inexact flag and, through rounding to odd, correctly rounded singles and fused
// multiply-adds. Each is exact under the conditions its comment gives; the callers check them
// (or let the infinity or NaN that every overflow here produces send them to the exact path).

/** 2^27 + 1: Veltkamp's constant, splitting a double into two 26-bit halves. */
const SPLIT = 134217729;

/** Products at least this large keep Dekker's error term exact (no underflow in it). */
export const DEKKER_MIN = 2 ** -968;
/** The smallest normal numbers. */
export const MIN_NORMAL_D = 2 ** -1022;
export const MIN_NORMAL_S = 2 ** -126;
export const TWO_32 = 4294967296;

/**
 * a + b - s for s = RN(a + b): exact whenever s does not overflow (Knuth's TwoSum; it never
 * overflows in its own steps when s does not).
 */
export function sumError(a: number, b: number, s: number): number {
  const t = s - a;
  return (a - (s - t)) + (b - t);
}

/**
 * a * b - p for p = RN(a * b) (Dekker's product): exact when |p| >= DEKKER_MIN; infinite or NaN
 * when a step overflows (|a|, |b| or |p| near the top of the range).
 */
export function productError(a: number, b: number, p: number): number {
  let c = SPLIT * a;
  const ah = c - (c - a), al = a - ah;
  c = SPLIT * b;
  const bh = c - (c - b), bl = b - bh;
  return ((ah * bh - p) + ah * bl + al * bh) + al * bl;
}

const scratch = new Float64Array(1);
const scratchU = new Uint32Array(scratch.buffer);

/**
 * Round to odd: given s = RN(x) and the exact error e = x - s != 0, the neighbour of x whose
 * last significand bit is 1. A value rounded to odd in 53 bits, then rounded to 24 (or to 53
 * again, one step later), gives the correctly rounded result of x (Boldo & Melquiond): the odd
 * bit stands in for everything below it. s must be finite and non-zero.
 */
export function toOdd(s: number, e: number): number {
  scratch[0] = s;
  if (scratchU[0] & 1) return s;
  // s is even: its two neighbours are odd; step towards x.
  if ((e > 0) === (s > 0)) scratchU[0] |= 1; // away from zero: +1 in the pattern, never a carry
  else if (scratchU[0] !== 0) scratchU[0] -= 1;
  else { scratchU[0] = 0xffffffff; scratchU[1] -= 1; }
  return scratch[0];
}

/**
 * Round a finite double to an integer in a RISC-V rounding mode (0-4). The fraction x - trunc(x)
 * is exact, so the ties are seen exactly (x + 0.5 is not exact: 0.5 - 2^-54 + 0.5 rounds to 1).
 */
export function roundToInteger(x: number, rm: number): number {
  const t = Math.trunc(x);
  const f = x - t;
  if (f === 0) return t;
  switch (rm) {
    case 0: { // to nearest, ties to even
      const a = Math.abs(f);
      return a > 0.5 || (a === 0.5 && t % 2 !== 0) ? t + Math.sign(f) : t;
    }
    case 1: return t;
    case 2: return f < 0 ? t - 1 : t;
    case 3: return f > 0 ? t + 1 : t;
    default: return Math.abs(f) >= 0.5 ? t + Math.sign(f) : t; // to nearest, ties away from zero
  }
}
