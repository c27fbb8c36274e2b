// How Chronos writes numbers in hex everywhere (the disassembler, the debugger, the views):
// 0x and the digits of the value read as an unsigned 64-bit number.
export const hex = (v: bigint | number): string => `0x${BigInt.asUintN(64, BigInt(v)).toString(16)}`;

/** 16 digits and no 0x, as QEMU's monitor prints addresses and registers (TARGET_FMT_lx). */
export const hex16 = (v: bigint | number): string => BigInt.asUintN(64, BigInt(v)).toString(16).padStart(16, '0');
