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

/** Round an integer-valued or any finite double to an integer in an RISC-V rounding mode (0-4). */
export function roundToInteger(x: number, rm: number): number {
  switch (rm) {
    case 0: { // to nearest, ties to even (Math.round sends ties up)
      const t = Math.round(x);
      return t - x === 0.5 && t % 2 !== 0 ? t - 1 : t;
    }
    case 1: return Math.trunc(x);
    case 2: return Math.floor(x);
    case 3: return Math.ceil(x);
    default: { // to nearest, ties away from zero; |x| >= 2^52 is already an integer
      const a = Math.abs(x);
      if (a >= 4503599627370496) return x;
      const t = Math.floor(a + 0.5);
      return x < 0 ? -t : t;
    }
  }
}
