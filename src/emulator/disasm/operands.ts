// One printer per operand syntax in the instruction table (types.ts `Syntax`): how objdump
// writes the operands of an instruction that no pseudo-instruction rule claims.
import type { Decoded, Syntax } from '../isa/types.js';
import { ROUNDING_NAMES, Rounding } from '../fpu/format.js';

/** What the printers need besides the decoded fields: register and CSR names, the target. */
export interface OperandContext {
  reg: (n: number) => string;
  freg: (n: number) => string;
  csr: (n: number) => string;
  /** A branch or jump target, already absolute and in objdump's hex. */
  target: string;
}

export { ABI_NAMES, FP_ABI_NAMES } from '../isa/registers.js';

export { hex } from '../hex.js';
import { hex } from '../hex.js';

/** A rounding-mode operand: none when dynamic (7), binutils' `unknown` for the reserved 5 and 6. */
const rounding = (d: Decoded): string[] => (d.rm === Rounding.DYN ? [] : [ROUNDING_NAMES[d.rm] ?? 'unknown']);

/** A fence's predecessor or successor set: `iorw` letters, `unknown` when empty. */
export const fenceSet = (bits: number): string =>
  bits === 0 ? 'unknown' : ['i', 'o', 'r', 'w'].filter((_, i) => bits & (8 >> i)).join('');

type Printer = (d: Decoded, c: OperandContext) => string[];

// Shift amounts print in hex, other immediates in decimal; U-immediates as the 20-bit field.
const PRINTERS: Record<Syntax, Printer> = {
  'rd,rs1,rs2': (d, c) => [c.reg(d.rd), c.reg(d.rs1), c.reg(d.rs2)],
  'rd,rs1,imm': (d, c) => [c.reg(d.rd), c.reg(d.rs1), d.def.format === 'SH6' || d.def.format === 'SH5' ? hex(d.imm) : String(d.imm)],
  'rd,imm(rs1)': (d, c) => [c.reg(d.rd), `${d.imm}(${c.reg(d.rs1)})`],
  'rd,imm(rs1)jalr': (d, c) => [c.reg(d.rd), `${d.imm}(${c.reg(d.rs1)})`],
  'rs2,imm(rs1)': (d, c) => [c.reg(d.rs2), `${d.imm}(${c.reg(d.rs1)})`],
  'rs1,rs2,target': (d, c) => [c.reg(d.rs1), c.reg(d.rs2), c.target],
  'rd,uimm20': (d, c) => [c.reg(d.rd), hex(d.imm)],
  'rd,target': (d, c) => [c.reg(d.rd), c.target],
  'rd,csr,rs1': (d, c) => [c.reg(d.rd), c.csr(d.csr), c.reg(d.rs1)],
  'rd,csr,zimm': (d, c) => [c.reg(d.rd), c.csr(d.csr), String(d.imm)],
  'rd,rs2,(rs1)': (d, c) => [c.reg(d.rd), c.reg(d.rs2), `(${c.reg(d.rs1)})`],
  'rd,(rs1)': (d, c) => [c.reg(d.rd), `(${c.reg(d.rs1)})`],
  // sfence.vma leaves out trailing zero registers.
  'rs1,rs2': (d, c) => (d.rs2 ? [c.reg(d.rs1), c.reg(d.rs2)] : d.rs1 ? [c.reg(d.rs1)] : []),
  'fence': (d) => [fenceSet(d.pred), fenceSet(d.succ)],
  '': () => [],
  'frd,imm(rs1)': (d, c) => [c.freg(d.rd), `${d.imm}(${c.reg(d.rs1)})`],
  'frs2,imm(rs1)': (d, c) => [c.freg(d.rs2), `${d.imm}(${c.reg(d.rs1)})`],
  'frd,frs1,frs2,rm': (d, c) => [c.freg(d.rd), c.freg(d.rs1), c.freg(d.rs2), ...rounding(d)],
  'frd,frs1,frs2,frs3,rm': (d, c) => [c.freg(d.rd), c.freg(d.rs1), c.freg(d.rs2), c.freg(d.rs3), ...rounding(d)],
  'frd,frs1,rm': (d, c) => [c.freg(d.rd), c.freg(d.rs1), ...rounding(d)],
  'frd,frs1,frs2': (d, c) => [c.freg(d.rd), c.freg(d.rs1), c.freg(d.rs2)],
  'rd,frs1,frs2': (d, c) => [c.reg(d.rd), c.freg(d.rs1), c.freg(d.rs2)],
  'rd,frs1,rm': (d, c) => [c.reg(d.rd), c.freg(d.rs1), ...rounding(d)],
  'frd,rs1,rm': (d, c) => [c.freg(d.rd), c.reg(d.rs1), ...rounding(d)],
  'rd,frs1': (d, c) => [c.reg(d.rd), c.freg(d.rs1)],
  'frd,rs1': (d, c) => [c.freg(d.rd), c.reg(d.rs1)],
  'frd,frs1': (d, c) => [c.freg(d.rd), c.freg(d.rs1)],
};

export const printOperands = (d: Decoded, c: OperandContext): string[] => PRINTERS[d.def.syntax](d, c);
