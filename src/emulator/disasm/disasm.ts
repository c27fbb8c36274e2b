// Disassembly in the notation of `riscv64-unknown-elf-objdump -d` (binutils 2.40), derived from
// the instruction table: each operand syntax has one printer, and aliases.ts holds the
// pseudo-instruction rules. Words the table does not know print as objdump prints them.
import { decode } from '../isa/decode.js';
import { csrName } from '../isa/csrs.js';
import type { Decoded } from '../isa/types.js';
import { alias, IMMEDIATE_NAMES, RESERVED_NAMES } from './aliases.js';

export const ABI_NAMES = ['zero', 'ra', 'sp', 'gp', 'tp', 't0', 't1', 't2', 's0', 's1', 'a0', 'a1', 'a2', 'a3', 'a4', 'a5',
  'a6', 'a7', 's2', 's3', 's4', 's5', 's6', 's7', 's8', 's9', 's10', 's11', 't3', 't4', 't5', 't6'];

export interface Disassembly {
  mnemonic: string;
  operands: string;
  /** The absolute address a branch or jump goes to, for symbol annotation. */
  target?: bigint;
}

const reg = (n: number): string => ABI_NAMES[n];
const hex = (v: number | bigint): string => `0x${v.toString(16)}`;
const FENCE_SET = (bits: number): string =>
  bits === 0 ? 'unknown' : ['i', 'o', 'r', 'w'].filter((_, i) => bits & (8 >> i)).join('');

/** Undecodable words, as objdump shows them inside code. */
const rawWord = (word: number, len: 2 | 4): Disassembly =>
  ({ mnemonic: len === 4 ? '.4byte' : '.2byte', operands: hex(len === 4 ? word >>> 0 : word & 0xffff) });

/**
 * Encodings the hart executes but binutils insists have zero reserved fields: objdump shows
 * them as raw words, and so do we, so that listings agree.
 */
function strictlyInvalid(d: Decoded): boolean {
  switch (d.def.name) {
    case 'fence.i': return (d.raw & ~0x707f) !== 0;
    case 'sfence.vma': return d.rd !== 0;
    case 'fence': return d.rd !== 0 || d.rs1 !== 0 || (d.fm !== 0 && !(d.fm === 8 && d.pred === 3 && d.succ === 3));
    default: return false;
  }
}

function operands(d: Decoded, target: string): string[] {
  const imm = String(d.imm);
  switch (d.def.syntax) {
    case 'rd,rs1,rs2': return [reg(d.rd), reg(d.rs1), reg(d.rs2)];
    case 'rd,rs1,imm': return [reg(d.rd), reg(d.rs1), d.def.format === 'SH6' || d.def.format === 'SH5' ? hex(d.imm) : imm];
    case 'rd,imm(rs1)': case 'rd,imm(rs1)jalr': return [reg(d.rd), `${imm}(${reg(d.rs1)})`];
    case 'rs2,imm(rs1)': return [reg(d.rs2), `${imm}(${reg(d.rs1)})`];
    case 'rs1,rs2,target': return [reg(d.rs1), reg(d.rs2), target];
    case 'rd,uimm20': return [reg(d.rd), hex(d.imm)];
    case 'rd,target': return [reg(d.rd), target];
    case 'rd,csr,rs1': return [reg(d.rd), csrName(d.csr) ?? hex(d.csr), reg(d.rs1)];
    case 'rd,csr,zimm': return [reg(d.rd), csrName(d.csr) ?? hex(d.csr), imm];
    case 'rd,rs2,(rs1)': return [reg(d.rd), reg(d.rs2), `(${reg(d.rs1)})`];
    case 'rd,(rs1)': return [reg(d.rd), `(${reg(d.rs1)})`];
    case 'rs1,rs2': return d.rs2 ? [reg(d.rs1), reg(d.rs2)] : d.rs1 ? [reg(d.rs1)] : [];
    case 'fence': return [FENCE_SET(d.pred), FENCE_SET(d.succ)];
    default: return [];
  }
}

function mnemonicOf(d: Decoded): string {
  const n = d.def.name;
  if (d.def.ext === 'A') return `${n}${d.aq && d.rl ? '.aqrl' : d.aq ? '.aq' : d.rl ? '.rl' : ''}`;
  return IMMEDIATE_NAMES[n] ?? n;
}

export function formatDecoded(d: Decoded, pc: bigint): Disassembly {
  if (strictlyInvalid(d)) return rawWord(d.raw, d.len);
  const flow = d.def.syntax === 'rs1,rs2,target' || d.def.syntax === 'rd,target';
  const target = flow ? BigInt.asUintN(64, pc + BigInt(d.imm)) : undefined;
  const targetText = target === undefined ? '' : target.toString(16);
  if (d.def.name === 'fence' && d.fm === 8) return { mnemonic: 'fence.tso', operands: '' };
  if (d.def.name === 'fence' && d.pred === 15 && d.succ === 15) return { mnemonic: 'fence', operands: '' };
  const a = alias(d, reg, targetText);
  const printed = a ?? { mnemonic: mnemonicOf(d), operands: operands(d, targetText) };
  return { mnemonic: printed.mnemonic, operands: printed.operands.join(','), target };
}

/** Disassemble the instruction at the start of `word` (16 bits if compressed). */
export function disassemble(word: number, pc: bigint): Disassembly {
  const len = (word & 3) === 3 ? 4 : 2;
  const d = decode(word);
  if (d) return formatDecoded(d, pc);
  const named = len === 2 ? RESERVED_NAMES.get(word & 0xffff) : undefined;
  return named ? { mnemonic: named.mnemonic, operands: named.operands.join(',') } : rawWord(word, len);
}

/** Length in bytes of the instruction whose first halfword is `half`. */
export const instructionLength = (half: number): 2 | 4 => ((half & 3) === 3 ? 4 : 2);
