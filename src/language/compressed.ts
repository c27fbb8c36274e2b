// The C extension's own mnemonics (ISA manual vol. I, ch. 16), as GNU as accepts them when
// written out (`c.addi a0, 1`). Which names exist comes from the emulator's expansion table
// (rvc.ts), plus the F/D loads and stores and c.unimp, which the hart does not execute; the
// operand constraints (x8..x15 registers, scaled and non-zero immediates) are written here.
import { expandCompressed } from '../emulator/isa/rvc.js';
import { reg, signed, unsigned, type ImmKind, type OperandKind } from './operands.js';

export interface CompressedDef {
  name: string;
  /** The base instruction it abbreviates. */
  base: string;
  forms: OperandKind[][];
  ext: 'C' | 'D';
}

/** cname -> base, read off every 16-bit word the emulator expands. */
export function compressedNamesFromEmulator(): Map<string, string> {
  const names = new Map<string, string>();
  for (let w = 0; w < 0x10000; w++) {
    if ((w & 3) === 3) continue;
    const e = expandCompressed(w);
    if (e) names.set(e.cname, e.base);
  }
  return names;
}

const creg = (name: string, file: 'x' | 'f' = 'x'): OperandKind => reg(`${name}'`, file, { compressed: true });
const nz = (name: string, file: 'x' | 'f' = 'x'): OperandKind => reg(name, file, { nonzero: true });
const sp = reg('sp', 'x', { only: 2 });
const imm6 = signed('imm', 6);
const scaled = (name: string, bits: number, scale: bigint): ImmKind =>
  ({ ...unsigned(name, bits), align: scale });
const memOf = (offset: ImmKind, base: OperandKind & { kind: 'reg' }): OperandKind =>
  ({ kind: 'mem', name: `${offset.name}(${base.name})`, offset, base });
const cbase = creg('rs1') as OperandKind & { kind: 'reg' };
const spBase = sp as OperandKind & { kind: 'reg' };
const target: OperandKind = { kind: 'target', name: 'offset' };
const nzshamt: ImmKind = { ...unsigned('shamt', 6), nonzero: true };

const c = (name: string, base: string, forms: OperandKind[][], ext: 'C' | 'D' = 'C'): CompressedDef => ({ name, base, forms, ext });

export const COMPRESSED: readonly CompressedDef[] = [
  c('c.nop', 'addi', [[], [{ ...imm6, nonzero: true }]]),
  c('c.addi', 'addi', [[reg('rd'), imm6]]),
  c('c.addiw', 'addiw', [[nz('rd'), imm6]]),
  c('c.li', 'addi', [[reg('rd'), imm6]]),
  c('c.addi16sp', 'addi', [[sp, { ...signed('imm', 10), align: 16n, nonzero: true }]]),
  c('c.addi4spn', 'addi', [[creg('rd'), sp, { ...scaled('imm', 10, 4n), nonzero: true }]]),
  c('c.lui', 'lui', [[reg('rd', 'x', { nonzero: true, notSp: true }), { ...unsigned('imm', 5), nonzero: true, alsoRange: [0xfffe0n, 0xfffffn] }]]),
  c('c.slli', 'slli', [[reg('rd'), nzshamt]]),
  c('c.srli', 'srli', [[creg('rd'), nzshamt]]),
  c('c.srai', 'srai', [[creg('rd'), nzshamt]]),
  c('c.andi', 'andi', [[creg('rd'), imm6]]),
  ...['sub', 'xor', 'or', 'and', 'subw', 'addw'].map((op) => c(`c.${op}`, op, [[creg('rd'), creg('rs2')]])),
  c('c.mv', 'add', [[reg('rd'), nz('rs2')]]),
  c('c.add', 'add', [[reg('rd'), nz('rs2')]]),
  c('c.j', 'jal', [[target]]),
  c('c.beqz', 'beq', [[creg('rs1'), target]]),
  c('c.bnez', 'bne', [[creg('rs1'), target]]),
  c('c.jr', 'jalr', [[nz('rs1')]]),
  c('c.jalr', 'jalr', [[nz('rs1')]]),
  c('c.ebreak', 'ebreak', [[]]),
  c('c.unimp', 'unimp', [[]]),
  c('c.lw', 'lw', [[creg('rd'), memOf(scaled('offset', 7, 4n), cbase)]]),
  c('c.ld', 'ld', [[creg('rd'), memOf(scaled('offset', 8, 8n), cbase)]]),
  c('c.sw', 'sw', [[creg('rs2'), memOf(scaled('offset', 7, 4n), cbase)]]),
  c('c.sd', 'sd', [[creg('rs2'), memOf(scaled('offset', 8, 8n), cbase)]]),
  c('c.fld', 'fld', [[creg('rd', 'f'), memOf(scaled('offset', 8, 8n), cbase)]], 'D'),
  c('c.fsd', 'fsd', [[creg('rs2', 'f'), memOf(scaled('offset', 8, 8n), cbase)]], 'D'),
  c('c.lwsp', 'lw', [[nz('rd'), memOf(scaled('offset', 8, 4n), spBase)]]),
  c('c.ldsp', 'ld', [[nz('rd'), memOf(scaled('offset', 9, 8n), spBase)]]),
  c('c.swsp', 'sw', [[reg('rs2'), memOf(scaled('offset', 8, 4n), spBase)]]),
  c('c.sdsp', 'sd', [[reg('rs2'), memOf(scaled('offset', 9, 8n), spBase)]]),
  c('c.fldsp', 'fld', [[reg('rd', 'f'), memOf(scaled('offset', 9, 8n), spBase)]], 'D'),
  c('c.fsdsp', 'fsd', [[reg('rs2', 'f'), memOf(scaled('offset', 9, 8n), spBase)]], 'D'),
];
