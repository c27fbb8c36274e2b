// The two IEEE 754 binary formats the F and D extensions use, and the architectural codes of
// the floating-point CSRs (ISA manual vol. I, ch. "F" §fcsr: rounding modes, table of frm
// values; accrued exception flags, table of fflags bits).

/** frm values and an instruction's rm field. 5 and 6 are reserved; 7 (DYN) in rm means "use frm". */
export enum Rounding {
  RNE = 0, // to nearest, ties to even
  RTZ = 1, // towards zero
  RDN = 2, // down, towards -inf
  RUP = 3, // up, towards +inf
  RMM = 4, // to nearest, ties away from zero (to max magnitude)
  DYN = 7,
}

/** Rounding-mode names as the assembler spells them (index = rm). */
export const ROUNDING_NAMES = ['rne', 'rtz', 'rdn', 'rup', 'rmm', undefined, undefined, 'dyn'] as const;

/** A valid rounding mode for an operation: RNE..RMM. */
export const isRoundingMode = (rm: number): boolean => rm >= 0 && rm <= Rounding.RMM;

/** fflags bits. */
export enum FFlag {
  NX = 1,  // inexact
  UF = 2,  // underflow
  OF = 4,  // overflow
  DZ = 8,  // divide by zero
  NV = 16, // invalid operation
}

/** mstatus.FS / sstatus.FS (vol. II, "Extension Context Status"). */
export enum FsState { Off = 0, Initial = 1, Clean = 2, Dirty = 3 }

export interface FloatFormat {
  readonly name: 's' | 'd';
  readonly bits: 32 | 64;
  /** Precision in bits, the hidden bit included. */
  readonly p: number;
  readonly bias: number;
  /** Exponents of the smallest and largest normal numbers. */
  readonly emin: number;
  readonly emax: number;
  /** Field masks and constants, as bigints over `bits` bits. */
  readonly signBit: bigint;
  readonly expMask: bigint;   // the exponent field, in place
  readonly fracMask: bigint;  // the fraction field
  readonly quietBit: bigint;  // the fraction's top bit: set in a quiet NaN
  readonly canonicalNaN: bigint;
  readonly infinity: bigint;  // +inf
  readonly maxFinite: bigint; // the largest finite magnitude
}

function format(name: 's' | 'd', bits: 32 | 64, expBits: number): FloatFormat {
  const frac = bits - 1 - expBits;
  const bias = (1 << (expBits - 1)) - 1;
  const expMask = ((1n << BigInt(expBits)) - 1n) << BigInt(frac);
  const fracMask = (1n << BigInt(frac)) - 1n;
  const quietBit = 1n << BigInt(frac - 1);
  return {
    name, bits, p: frac + 1, bias, emin: 1 - bias, emax: bias,
    signBit: 1n << BigInt(bits - 1), expMask, fracMask, quietBit,
    // RISC-V's canonical NaN: positive, quiet, and no other fraction bit set.
    canonicalNaN: expMask | quietBit,
    infinity: expMask,
    maxFinite: (expMask - (1n << BigInt(frac))) | fracMask,
  };
}

export const F32 = format('s', 32, 8);
export const F64 = format('d', 64, 11);

/** The canonical NaNs as raw words: single (in its low 32 bits) and double. */
export const CANONICAL_NAN_S = 0x7fc00000;
export const CANONICAL_NAN_D = 0x7ff8000000000000n;
/** The upper half of a NaN-boxed single: all ones. */
export const BOX_HI = 0xffffffff;

/** fclass result bits (one-hot), in the order of the ISA manual's fclass table. */
export enum FClass {
  NegInf = 1 << 0, NegNormal = 1 << 1, NegSubnormal = 1 << 2, NegZero = 1 << 3,
  PosZero = 1 << 4, PosSubnormal = 1 << 5, PosNormal = 1 << 6, PosInf = 1 << 7,
  SignalingNaN = 1 << 8, QuietNaN = 1 << 9,
}
