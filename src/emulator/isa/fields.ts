// Bit-field extraction for the 32-bit base encodings (ISA manual vol. I, ch. 2 "Base
// Instruction Formats"). All immediate decoding lives here so no instruction repeats it.

export const bits = (w: number, hi: number, lo: number): number => (w >>> lo) & ((1 << (hi - lo + 1)) - 1 || -1);
export const sext = (v: number, width: number): number => (v << (32 - width)) >> (32 - width);

export const rd = (w: number): number => (w >>> 7) & 31;
export const rs1 = (w: number): number => (w >>> 15) & 31;
export const rs2 = (w: number): number => (w >>> 20) & 31;
export const rs3 = (w: number): number => w >>> 27;
export const funct3 = (w: number): number => (w >>> 12) & 7;

export const immI = (w: number): number => w >> 20;
export const immS = (w: number): number => ((w >> 25) << 5) | ((w >>> 7) & 31);
export const immB = (w: number): number =>
  ((w >> 31) << 12) | (((w >>> 7) & 1) << 11) | (((w >>> 25) & 63) << 5) | (((w >>> 8) & 15) << 1);
/** The U-immediate as the 20-bit field (auipc/lui print it this way). */
export const immU20 = (w: number): number => w >>> 12;
export const immJ = (w: number): number =>
  ((w >> 31) << 20) | (((w >>> 12) & 255) << 12) | (((w >>> 20) & 1) << 11) | (((w >>> 21) & 1023) << 1);
export const csrNum = (w: number): number => w >>> 20;
