// RV64M multiply and divide (ISA manual vol. I, ch. 13). Division by zero and the one signed
// overflow case do not trap; they produce the values in the manual's table 13.1.
import type { Decoded, InsnDef } from './types.js';
import type { Gen } from '../jit/codegen.js';

const MR = 0xfe00707f;
const m = (name: string, f3: number, w: boolean, doc: string, body: (a: string, b: string) => string): InsnDef => ({
  name, ext: 'M', format: 'R', match: (w ? 0x3b : 0x33) | (1 << 25) | (f3 << 12), mask: MR,
  syntax: 'rd,rs1,rs2', flow: 'next', doc,
  emit: (d: Decoded, g: Gen) => `{ const a = ${g.reg(d.rs1)}, b = ${g.reg(d.rs2)}; ${g.set(d.rd, body('a', 'b'))} }`,
});

const U = (e: string): string => `BigInt.asUintN(64, ${e})`;
const MIN64 = '-9223372036854775808n';

export const RV64M: InsnDef[] = [
  m('mul', 0, false, 'rd = low 64 bits of rs1 * rs2', (a, b) => `${a} * ${b}`),
  m('mulh', 1, false, 'rd = high 64 bits of rs1 * rs2 (signed x signed)', (a, b) => `(${a} * ${b}) >> 64n`),
  m('mulhsu', 2, false, 'rd = high 64 bits of rs1 * rs2 (signed x unsigned)', (a, b) => `(${a} * ${U(b)}) >> 64n`),
  m('mulhu', 3, false, 'rd = high 64 bits of rs1 * rs2 (unsigned x unsigned)', (a, b) => `(${U(a)} * ${U(b)}) >> 64n`),
  m('div', 4, false, 'rd = rs1 / rs2 (signed, rounding toward zero)',
    (a, b) => `${b} === 0n ? -1n : (${b} === -1n && ${a} === ${MIN64}) ? ${a} : ${a} / ${b}`),
  m('divu', 5, false, 'rd = rs1 / rs2 (unsigned)', (a, b) => `${b} === 0n ? -1n : ${U(a)} / ${U(b)}`),
  m('rem', 6, false, 'rd = rs1 % rs2 (signed)',
    (a, b) => `${b} === 0n ? ${a} : (${b} === -1n && ${a} === ${MIN64}) ? 0n : ${a} % ${b}`),
  m('remu', 7, false, 'rd = rs1 % rs2 (unsigned)', (a, b) => `${b} === 0n ? ${a} : ${U(a)} % ${U(b)}`),
  m('mulw', 0, true, 'rd = sext32(rs1 * rs2)', (a, b) => `BigInt.asIntN(32, ${a} * ${b})`),
  m('divw', 4, true, 'rd = sext32(rs1[31:0] / rs2[31:0]) (signed)', (a, b) =>
    `((p, q) => q === 0n ? -1n : (q === -1n && p === -2147483648n) ? p : p / q)(BigInt.asIntN(32, ${a}), BigInt.asIntN(32, ${b}))`),
  m('divuw', 5, true, 'rd = sext32(rs1[31:0] / rs2[31:0]) (unsigned)', (a, b) =>
    `((p, q) => q === 0n ? -1n : BigInt.asIntN(32, p / q))(BigInt.asUintN(32, ${a}), BigInt.asUintN(32, ${b}))`),
  m('remw', 6, true, 'rd = sext32(rs1[31:0] % rs2[31:0]) (signed)', (a, b) =>
    `((p, q) => q === 0n ? p : (q === -1n && p === -2147483648n) ? 0n : p % q)(BigInt.asIntN(32, ${a}), BigInt.asIntN(32, ${b}))`),
  m('remuw', 7, true, 'rd = sext32(rs1[31:0] % rs2[31:0]) (unsigned)', (a, b) =>
    `((p, q) => q === 0n ? BigInt.asIntN(32, p) : BigInt.asIntN(32, p % q))(BigInt.asUintN(32, ${a}), BigInt.asUintN(32, ${b}))`),
];
