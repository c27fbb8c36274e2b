// One hart's floating-point unit: the 32 registers f0-f31, fcsr (frm and the accrued fflags),
// and the operations translated code calls. Each operation first tries a fast path on
// JavaScript doubles (round to nearest on operands and results well inside the normal range,
// with error-free transformations for the inexact flag) and otherwise hands the raw bits to the
// exact reference (exact.ts). test/unit/fpuJit.test.ts runs every instruction through
// translated code against the exact reference, bit for bit and flag for flag, over millions of
// operands.
//
// Registers are one buffer seen as doubles, singles, 32-bit halves and 64-bit integers. Bits
// that matter (moves, sign injection, loads, stores, NaNs) are moved as integers: a NaN's
// payload does not survive a trip through a JavaScript double. A single lives NaN-boxed in
// the low half of its register with the high half all ones (vol. I, "NaN Boxing of Narrower
// Values"); a single operand that is not boxed reads as the canonical NaN.
import * as X from './exact.js';
import { BOX_HI, CANONICAL_NAN_S, F32, F64, FFlag, FsState, Rounding } from './format.js';
import type { Result } from './exact.js';
import { DEKKER_MIN, MIN_NORMAL_D, MIN_NORMAL_S, TWO_32, productError, roundToInteger, sumError, toOdd } from './fast.js';

export const FREG_COUNT = 32;

/** The integer side of a conversion, numbered as the instructions' rs2 field numbers them. */
export enum IntType { W = 0, WU = 1, L = 2, LU = 3 }
type CompareOp = 'eq' | 'lt' | 'le';

/**
 * Each integer type's range, for the conversions' fast paths (outside them the exact path
 * saturates); the 64-bit bounds are the largest doubles below 2^63 and 2^64.
 */
const RANGE_LO = [-2147483648, 0, -(2 ** 63), 0];
const RANGE_HI = [2147483647, 4294967295, 2 ** 63 - 1024, 2 ** 64 - 2048];
const WIDTH = [32, 32, 64, 64] as const;
const SIGNED = [true, false, true, false];

/** f0..f31 as raw bits, and fcsr's two fields (FS lives in mstatus, which the CSR file saves). */
export interface FpuState { regs: BigInt64Array; flags: number; frm: number }

export class Fpu {
  readonly buf = new ArrayBuffer(FREG_COUNT * 8);
  readonly f64 = new Float64Array(this.buf);
  readonly f32 = new Float32Array(this.buf);
  /** 32-bit halves: fu[2r] is the low half of f[r] (a single's bits), fu[2r+1] the high half. */
  readonly fu = new Uint32Array(this.buf);
  readonly fx = new BigInt64Array(this.buf);

  /** fcsr.fflags: the accrued exceptions (FFlag bits). */
  flags = 0;
  /** fcsr.frm: the dynamic rounding mode (any 3-bit value; 5-7 make dynamic-rounding instructions illegal). */
  frm = 0;
  /**
   * mstatus.FS as translated code sees it. The CSR file keeps it in step with mstatus; an
   * instruction that writes FP state calls markDirty() when it is not Dirty yet.
   */
  fs: FsState = FsState.Off;
  /** Set by the CSR file: record Dirty in mstatus. */
  onDirty: () => void = () => {};

  /** The integer registers' 32-bit views, for conversions and compares that write them. */
  constructor(private readonly xu: Uint32Array, private readonly xi: Int32Array) {}

  // ---- state, as the debugger and snapshots read it ----------------------------------------------

  get fcsr(): number { return (this.frm << 5) | this.flags; }

  /** f[r] as 64 raw bits. */
  bits(r: number): bigint { return BigInt.asUintN(64, this.fx[r]); }

  setBits(r: number, v: bigint): void { this.fx[r] = BigInt.asIntN(64, v); }

  save(): FpuState {
    return { regs: this.fx.slice(), flags: this.flags, frm: this.frm };
  }

  restore(s: FpuState): void {
    this.fx.set(s.regs); this.flags = s.flags; this.frm = s.frm;
  }

  markDirty(): void {
    this.fs = FsState.Dirty;
    this.onDirty();
  }

  // ---- raw access for the exact path ----------------------------------------------------------------

  private bitsS(r: number): bigint {
    return this.fu[2 * r + 1] === BOX_HI ? BigInt(this.fu[2 * r]) : BigInt(CANONICAL_NAN_S);
  }

  private bitsD(r: number): bigint { return BigInt.asUintN(64, this.fx[r]); }

  private putS(rd: number, r: Result): void {
    this.fu[2 * rd] = Number(r.bits);
    this.fu[2 * rd + 1] = BOX_HI;
    this.flags |= r.flags;
  }

  private putD(rd: number, r: Result): void {
    this.fx[rd] = BigInt.asIntN(64, r.bits);
    this.flags |= r.flags;
  }

  /** A single operand's value: NaN when it is not boxed (the fast paths then step aside). */
  private valS(r: number): number {
    return this.fu[2 * r + 1] === BOX_HI ? this.f32[2 * r] : NaN;
  }

  private writeS(rd: number, v: number): void {
    this.f32[2 * rd] = v;
    this.fu[2 * rd + 1] = BOX_HI;
  }

  /**
   * A single result from d, the exact value rounded to odd in 53 bits (or exact), inexact
   * telling whether d already differs from the exact value. False when the exact path must
   * decide: overflow, or a tiny inexact result (underflow depends on the unrounded value).
   */
  private finishS(rd: number, d: number, inexact: boolean): boolean {
    const r = Math.fround(d);
    if (r !== d) inexact = true;
    if (r - r !== 0 || (inexact && Math.abs(r) <= MIN_NORMAL_S)) return false;
    this.writeS(rd, r);
    if (inexact) this.flags |= FFlag.NX;
    return true;
  }

  // ---- arithmetic -----------------------------------------------------------------------------------

  addD(rd: number, a: number, b: number, rm: number): void { this.sumD(rd, a, b, rm, false); }
  subD(rd: number, a: number, b: number, rm: number): void { this.sumD(rd, a, b, rm, true); }

  private sumD(rd: number, a: number, b: number, rm: number, negate: boolean): void {
    const f = this.f64, x = f[a], y = negate ? -f[b] : f[b], s = x + y;
    // A finite sum of doubles is never tiny and inexact, so only NX is possible here.
    if (rm === Rounding.RNE && s - s === 0) {
      if ((this.flags & FFlag.NX) === 0 && sumError(x, y, s) !== 0) this.flags |= FFlag.NX;
      f[rd] = s;
      return;
    }
    this.putD(rd, X.add(F64, this.bitsD(a), this.bitsD(b), rm, negate));
  }

  addS(rd: number, a: number, b: number, rm: number): void { this.sumS(rd, a, b, rm, false); }
  subS(rd: number, a: number, b: number, rm: number): void { this.sumS(rd, a, b, rm, true); }

  private sumS(rd: number, a: number, b: number, rm: number, negate: boolean): void {
    const x = this.valS(a), y = negate ? -this.valS(b) : this.valS(b), s = x + y;
    if (rm === Rounding.RNE && s - s === 0) {
      const e = sumError(x, y, s);
      if (this.finishS(rd, e === 0 ? s : toOdd(s, e), e !== 0)) return;
    }
    this.putS(rd, X.add(F32, this.bitsS(a), this.bitsS(b), rm, negate));
  }

  mulD(rd: number, a: number, b: number, rm: number): void {
    const f = this.f64, x = f[a], y = f[b], p = x * y;
    if (rm === Rounding.RNE && p - p === 0) {
      if (Math.abs(p) >= DEKKER_MIN) {
        // The error term only decides NX (p is finite and far from underflow, so OF and UF
        // cannot be), and NX stays raised until software clears it: most FP code computes with
        // it raised, so the error is worked out only while it is clear.
        if (this.flags & FFlag.NX) { f[rd] = p; return; }
        const e = productError(x, y, p);
        if (e - e === 0) { // finite: nothing in the splitting overflowed
          if (e !== 0) this.flags |= FFlag.NX;
          f[rd] = p;
          return;
        }
      } else if (x === 0 || y === 0) { f[rd] = p; return; }
    }
    this.putD(rd, X.mul(F64, this.bitsD(a), this.bitsD(b), rm));
  }

  mulS(rd: number, a: number, b: number, rm: number): void {
    // A product of singles is exact in a double.
    const p = this.valS(a) * this.valS(b);
    if (rm === Rounding.RNE && p - p === 0 && this.finishS(rd, p, false)) return;
    this.putS(rd, X.mul(F32, this.bitsS(a), this.bitsS(b), rm));
  }

  divD(rd: number, a: number, b: number, rm: number): void {
    const f = this.f64, x = f[a], y = f[b], q = x / y;
    if (rm === Rounding.RNE && q - q === 0) {
      if (Math.abs(q) >= DEKKER_MIN && Math.abs(x) >= DEKKER_MIN) {
        if (this.flags & FFlag.NX) { f[rd] = q; return; } // the remainder only decides NX (as in mulD)
        // The remainder x - q*y is a double and x - RN(q*y) is exact (Sterbenz), so this is it.
        const p = q * y, r = (x - p) - productError(q, y, p);
        if (r - r === 0) { // finite: nothing overflowed
          if (r !== 0) this.flags |= FFlag.NX;
          f[rd] = q;
          return;
        }
      } else if (x === 0 && y !== 0) { f[rd] = q; return; }
    }
    this.putD(rd, X.div(F64, this.bitsD(a), this.bitsD(b), rm));
  }

  divS(rd: number, a: number, b: number, rm: number): void {
    // RN53 then RN24 is the correctly rounded quotient (53 >= 2*24 + 2); a single result times
    // a single divisor is exact in a double, which tells whether it is exact.
    const x = this.valS(a), y = this.valS(b), q = x / y;
    if (rm === Rounding.RNE && q - q === 0) {
      const r = Math.fround(q);
      if (this.finishS(rd, r, r * y !== x)) return;
    }
    this.putS(rd, X.div(F32, this.bitsS(a), this.bitsS(b), rm));
  }

  sqrtD(rd: number, a: number, rm: number): void {
    const f = this.f64, x = f[a];
    if (rm === Rounding.RNE && x >= DEKKER_MIN && x < Infinity) {
      const r = Math.sqrt(x);
      if ((this.flags & FFlag.NX) === 0) {
        const p = r * r;
        if (p !== x || productError(r, r, p) !== 0) this.flags |= FFlag.NX;
      }
      f[rd] = r;
      return;
    }
    this.putD(rd, X.sqrt(F64, this.bitsD(a), rm));
  }

  sqrtS(rd: number, a: number, rm: number): void {
    // As for division: RN53 then RN24 is correct; r * r is exact in a double.
    const x = this.valS(a);
    if (rm === Rounding.RNE && x > 0 && x < Infinity) {
      const r = Math.fround(Math.sqrt(x));
      if (this.finishS(rd, r, r * r !== x)) return;
    }
    this.putS(rd, X.sqrt(F32, this.bitsS(a), rm));
  }

  /**
   * (+/-)(a * b) (+/-) c with one rounding. The double fast path is Boldo and Melquiond's
   * emulated FMA: the product split exactly into uh + ul, c + uh exactly into th + tl, then
   * RN(th + RO(tl + ul)).
   */
  fmaD(rd: number, a: number, b: number, c: number, rm: number, negateProduct: boolean, negateAddend: boolean): void {
    const f = this.f64;
    const x = negateProduct ? -f[a] : f[a], y = f[b], z = negateAddend ? -f[c] : f[c];
    if (rm === Rounding.RNE) {
      const uh = x * y;
      if (Math.abs(uh) >= DEKKER_MIN) {
        const ul = productError(x, y, uh);
        const th = z + uh, tl = sumError(z, uh, th);
        let v = tl + ul;
        const ev = sumError(tl, ul, v);
        if (ev !== 0) v = toOdd(v, ev);
        const r = th + v, er = sumError(th, v, r);
        if (r - r === 0 && (Math.abs(r) >= MIN_NORMAL_D || (ev === 0 && er === 0))) {
          if (ev !== 0 || er !== 0) this.flags |= FFlag.NX;
          f[rd] = r;
          return;
        }
      } else if ((x === 0 || y === 0) && x - x === 0 && y - y === 0 && z - z === 0) {
        // A zero product: the sum is z, or a zero whose sign IEEE's addition rules give.
        f[rd] = uh + z;
        return;
      }
    }
    this.putD(rd, X.fma(F64, this.bitsD(a), this.bitsD(b), this.bitsD(c), rm, negateProduct, negateAddend));
  }

  fmaS(rd: number, a: number, b: number, c: number, rm: number, negateProduct: boolean, negateAddend: boolean): void {
    // The product of singles is exact in a double; the sum rounded to odd, then to 24 bits, is
    // the correctly rounded fused result.
    const x = this.valS(a), y = this.valS(b), z = this.valS(c);
    const p = (negateProduct ? -x : x) * y, zz = negateAddend ? -z : z, s = p + zz;
    if (rm === Rounding.RNE && s - s === 0) {
      const e = sumError(p, zz, s);
      if (this.finishS(rd, e === 0 ? s : toOdd(s, e), e !== 0)) return;
    }
    this.putS(rd, X.fma(F32, this.bitsS(a), this.bitsS(b), this.bitsS(c), rm, negateProduct, negateAddend));
  }

  // ---- sign injection, min/max, compares, classification -------------------------------------------

  /** fsgnj.s/fsgnjn.s/fsgnjx.s on the boxed values (an unboxed operand is the canonical NaN). */
  sgnjS(rd: number, a: number, b: number, kind: 0 | 1 | 2): void {
    const fu = this.fu;
    const x = fu[2 * a + 1] === BOX_HI ? fu[2 * a] : CANONICAL_NAN_S;
    const y = fu[2 * b + 1] === BOX_HI ? fu[2 * b] : CANONICAL_NAN_S;
    const sign = kind === 0 ? y : kind === 1 ? ~y : x ^ y;
    fu[2 * rd] = ((x & 0x7fffffff) | (sign & 0x80000000)) >>> 0;
    fu[2 * rd + 1] = BOX_HI;
  }

  minMaxD(rd: number, a: number, b: number, max: boolean): void {
    const f = this.f64, x = f[a], y = f[b];
    // Math.min/max order -0 below +0, as the 2019 rules do; NaNs need the bits.
    if (x === x && y === y) { f[rd] = max ? Math.max(x, y) : Math.min(x, y); return; }
    this.putD(rd, X.minMax(F64, this.bitsD(a), this.bitsD(b), max));
  }

  minMaxS(rd: number, a: number, b: number, max: boolean): void {
    const x = this.valS(a), y = this.valS(b);
    if (x === x && y === y) { this.writeS(rd, max ? Math.max(x, y) : Math.min(x, y)); return; }
    this.putS(rd, X.minMax(F32, this.bitsS(a), this.bitsS(b), max));
  }

  /** feq/flt/fle: writes 0 or 1 to integer register rd. */
  cmpD(rd: number, a: number, b: number, op: CompareOp): void {
    const x = this.f64[a], y = this.f64[b];
    if (x === x && y === y) this.setX(rd, op === 'eq' ? x === y : op === 'lt' ? x < y : x <= y);
    else this.putCompare(rd, X.compare(F64, this.bitsD(a), this.bitsD(b), op));
  }

  cmpS(rd: number, a: number, b: number, op: CompareOp): void {
    const x = this.valS(a), y = this.valS(b);
    if (x === x && y === y) this.setX(rd, op === 'eq' ? x === y : op === 'lt' ? x < y : x <= y);
    else this.putCompare(rd, X.compare(F32, this.bitsS(a), this.bitsS(b), op));
  }

  private putCompare(rd: number, c: X.Compared): void {
    this.flags |= c.flags;
    this.setX(rd, c.value === 1);
  }

  private setX(rd: number, v: boolean): void {
    if (rd === 0) return;
    this.xu[2 * rd] = v ? 1 : 0;
    this.xu[2 * rd + 1] = 0;
  }

  classD(rd: number, a: number): void { this.setXInt(rd, X.classify(F64, this.bitsD(a))); }
  classS(rd: number, a: number): void { this.setXInt(rd, X.classify(F32, this.bitsS(a))); }

  /** Write a 32-bit signed integer to x[rd], sign-extended. */
  private setXInt(rd: number, v: number): void {
    if (rd === 0) return;
    this.xi[2 * rd] = v;
    this.xi[2 * rd + 1] = v >> 31;
  }

  // ---- conversions -----------------------------------------------------------------------------------

  /** fcvt.{w,wu,l,lu}.d: f[a] to an integer in x[rd]. */
  toIntD(rd: number, a: number, rm: number, to: IntType): void {
    if (this.toIntFast(rd, this.f64[a], rm, to)) return;
    this.putInt(rd, X.toInt(F64, this.bitsD(a), rm, WIDTH[to], SIGNED[to]));
  }

  toIntS(rd: number, a: number, rm: number, to: IntType): void {
    if (this.toIntFast(rd, this.valS(a), rm, to)) return;
    this.putInt(rd, X.toInt(F32, this.bitsS(a), rm, WIDTH[to], SIGNED[to]));
  }

  /** In range: any rounding mode, on doubles. NaN, infinities and out-of-range values saturate (exact path). */
  private toIntFast(rd: number, x: number, rm: number, to: IntType): boolean {
    if (x - x !== 0) return false;
    const t = roundToInteger(x, rm);
    if (!(t >= RANGE_LO[to] && t <= RANGE_HI[to])) return false;
    if (t !== x) this.flags |= FFlag.NX;
    if (rd === 0) return true;
    if (to <= IntType.WU) { this.setXInt(rd, t | 0); return true; }
    const high = Math.floor(t / TWO_32);
    this.xi[2 * rd + 1] = high;
    this.xu[2 * rd] = t - high * TWO_32;
    return true;
  }

  private putInt(rd: number, r: X.IntResult): void {
    this.flags |= r.flags;
    if (rd === 0) return;
    const v = BigInt.asUintN(64, r.value);
    this.xu[2 * rd] = Number(v & 0xffffffffn);
    this.xu[2 * rd + 1] = Number(v >> 32n);
  }

  /** A 32-bit integer operand, exact as a double. */
  private int32(rs: number, from: IntType): number {
    return from === IntType.W ? this.xi[2 * rs] : this.xu[2 * rs];
  }

  /** The high half of a 64-bit integer operand, times 2^32: hi + lo then rounds once, correctly. */
  private high64(rs: number, from: IntType): number {
    return (from === IntType.L ? this.xi[2 * rs + 1] : this.xu[2 * rs + 1]) * TWO_32;
  }

  private intBits(rs: number, from: IntType): bigint {
    const v = (BigInt(this.xu[2 * rs + 1]) << 32n) | BigInt(this.xu[2 * rs]);
    switch (from) {
      case IntType.W: return BigInt.asIntN(32, v);
      case IntType.WU: return BigInt.asUintN(32, v);
      case IntType.L: return BigInt.asIntN(64, v);
      default: return v;
    }
  }

  /** fcvt.d.{w,wu,l,lu}. */
  fromIntD(rd: number, rs: number, rm: number, from: IntType): void {
    if (from <= IntType.WU) { this.f64[rd] = this.int32(rs, from); return; }
    const hi = this.high64(rs, from), lo = this.xu[2 * rs], v = hi + lo, e = sumError(hi, lo, v);
    if (e === 0 || rm === Rounding.RNE) {
      if (e !== 0) this.flags |= FFlag.NX;
      this.f64[rd] = v;
      return;
    }
    this.putD(rd, X.fromInt(F64, this.intBits(rs, from), rm));
  }

  /** fcvt.s.{w,wu,l,lu}. */
  fromIntS(rd: number, rs: number, rm: number, from: IntType): void {
    if (rm === Rounding.RNE) {
      if (from <= IntType.WU) { if (this.finishS(rd, this.int32(rs, from), false)) return; }
      else {
        const hi = this.high64(rs, from), lo = this.xu[2 * rs], v = hi + lo, e = sumError(hi, lo, v);
        if (this.finishS(rd, e === 0 ? v : toOdd(v, e), e !== 0)) return;
      }
    }
    this.putS(rd, X.fromInt(F32, this.intBits(rs, from), rm));
  }

  /** fcvt.s.d. */
  toSingle(rd: number, a: number, rm: number): void {
    const x = this.f64[a];
    if (rm === Rounding.RNE && x - x === 0 && this.finishS(rd, x, false)) return;
    this.putS(rd, X.convert(F64, F32, this.bitsD(a), rm));
  }

  /** fcvt.d.s: exact, but a NaN becomes the canonical NaN. */
  toDouble(rd: number, a: number): void {
    const x = this.valS(a);
    if (x === x) { this.f64[rd] = x; return; }
    this.putD(rd, X.convert(F32, F64, this.bitsS(a), Rounding.RNE));
  }
}
