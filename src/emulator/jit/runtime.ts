// Helpers the translated code calls for what V8 does not lower to native 64-bit code:
// shifts by a register amount. They work on the 32-bit halves of the register file
// (u[2r] low, u[2r+1] high) and never allocate.

export function sll(u: Uint32Array, rd: number, rs1: number, s: number): void {
  const lo = u[2 * rs1], hi = u[2 * rs1 + 1];
  if (s === 0) { u[2 * rd] = lo; u[2 * rd + 1] = hi; }
  else if (s < 32) { u[2 * rd + 1] = (hi << s) | (lo >>> (32 - s)); u[2 * rd] = lo << s; }
  else { u[2 * rd + 1] = lo << (s - 32); u[2 * rd] = 0; }
}

export function srl(u: Uint32Array, rd: number, rs1: number, s: number): void {
  const lo = u[2 * rs1], hi = u[2 * rs1 + 1];
  if (s === 0) { u[2 * rd] = lo; u[2 * rd + 1] = hi; }
  else if (s < 32) { u[2 * rd] = (lo >>> s) | (hi << (32 - s)); u[2 * rd + 1] = hi >>> s; }
  else { u[2 * rd] = hi >>> (s - 32); u[2 * rd + 1] = 0; }
}

export function sra(u: Uint32Array, rd: number, rs1: number, s: number): void {
  const lo = u[2 * rs1], hi = u[2 * rs1 + 1] | 0;
  if (s === 0) { u[2 * rd] = lo; u[2 * rd + 1] = hi; }
  else if (s < 32) { u[2 * rd] = (lo >>> s) | (hi << (32 - s)); u[2 * rd + 1] = hi >> s; }
  else { u[2 * rd] = hi >> (s - 32); u[2 * rd + 1] = hi >> 31; }
}

export const runtime = { sll, srl, sra };
export type Runtime = typeof runtime;
