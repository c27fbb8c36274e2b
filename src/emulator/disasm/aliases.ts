// The pseudo-instructions objdump prints in place of base instructions (binutils' INSN_ALIAS
// entries), as rules over decoded fields, in binutils' table order: the first rule that accepts
// and whose class the ISA has wins. An instruction no rule claims prints under its own name
// with its syntax's operands (operands.ts).
import type { Decoded } from '../isa/types.js';
import type { InsnClass } from './arch.js';
import { hex, type OperandContext } from './operands.js';

/** How to print: a mnemonic and its operands, each already in text. */
export interface Printed { mnemonic: string; operands: string[] }

export interface Alias {
  /** Whether the rule applies to these field values. */
  when: (d: Decoded) => boolean;
  print: (d: Decoded, c: OperandContext) => Printed;
  /** The class binutils files the alias under, when not its base instruction's. */
  cls?: InsnClass;
}

const p = (mnemonic: string, ...operands: string[]): Printed => ({ mnemonic, operands });
const rule = (when: Alias['when'], print: Alias['print'], cls?: Alias['cls']): Alias => ({ when, print, cls });
const zero = (...fields: ('rd' | 'rs1' | 'rs2' | 'imm')[]) => (d: Decoded): boolean => fields.every((f) => d[f] === 0);

const CYCLE = 0xc00, FFLAGS = 1, FRM = 2, FCSR = 3;
const COUNTERS: [number, string][] = [[CYCLE, 'rdcycle'], [0xc01, 'rdtime'], [0xc02, 'rdinstret']];
const FLOAT_CSRS: [number, string][] = [[FCSR, 'csr'], [FRM, 'rm'], [FFLAGS, 'flags']];

/** The F extension's CSR shorthands: frcsr/fscsr, frrm/fsrm/fsrmi, frflags/fsflags/fsflagsi. */
const floatCsr = (form: 'read' | 'write' | 'writeImm'): Alias[] => FLOAT_CSRS.flatMap(([num, sfx]): Alias[] => {
  if (form === 'read') return [rule((d) => d.csr === num && d.rs1 === 0, (d, c) => p(`fr${sfx}`, c.reg(d.rd)), 'f')];
  if (form === 'writeImm') {
    return num === FCSR ? [] : [rule((d) => d.csr === num, (d, c) => p(`fs${sfx}i`, c.reg(d.rd), String(d.imm)), 'f')];
  }
  return [rule((d) => d.csr === num, (d, c) => (d.rd === 0 ? p(`fs${sfx}`, c.reg(d.rs1)) : p(`fs${sfx}`, c.reg(d.rd), c.reg(d.rs1))), 'f')];
});

/** fmv, fneg and fabs: the sign injections of a register with itself. */
const signAliases = (prec: 's' | 'd'): Record<string, readonly Alias[]> => {
  const same = (d: Decoded): boolean => d.rs1 === d.rs2;
  return {
    [`fsgnj.${prec}`]: [rule(same, (d, c) => p(`fmv.${prec}`, c.freg(d.rd), c.freg(d.rs1)))],
    [`fsgnjn.${prec}`]: [rule(same, (d, c) => p(`fneg.${prec}`, c.freg(d.rd), c.freg(d.rs1)))],
    [`fsgnjx.${prec}`]: [rule(same, (d, c) => p(`fabs.${prec}`, c.freg(d.rd), c.freg(d.rs1)))],
  };
};

export const RULES: Readonly<Record<string, readonly Alias[]>> = {
  ...signAliases('s'),
  ...signAliases('d'),
  addi: [
    rule(zero('rd', 'rs1', 'imm'), () => p('nop')),
    rule(zero('rs1'), (d, c) => p('li', c.reg(d.rd), String(d.imm))),
    rule(zero('imm'), (d, c) => p('mv', c.reg(d.rd), c.reg(d.rs1))),
  ],
  andi: [rule((d) => d.imm === 255, (d, c) => p('zext.b', c.reg(d.rd), c.reg(d.rs1)))],
  xori: [rule((d) => d.imm === -1, (d, c) => p('not', c.reg(d.rd), c.reg(d.rs1)))],
  sltiu: [rule((d) => d.imm === 1, (d, c) => p('seqz', c.reg(d.rd), c.reg(d.rs1)))],
  addiw: [rule(zero('imm'), (d, c) => p('sext.w', c.reg(d.rd), c.reg(d.rs1)))],
  add: [rule((d) => d.cname === 'c.mv', (d, c) => p('mv', c.reg(d.rd), c.reg(d.rs2)))],
  sub: [rule(zero('rs1'), (d, c) => p('neg', c.reg(d.rd), c.reg(d.rs2)))],
  subw: [rule(zero('rs1'), (d, c) => p('negw', c.reg(d.rd), c.reg(d.rs2)))],
  slt: [
    rule(zero('rs2'), (d, c) => p('sltz', c.reg(d.rd), c.reg(d.rs1))),
    rule(zero('rs1'), (d, c) => p('sgtz', c.reg(d.rd), c.reg(d.rs2))),
  ],
  sltu: [rule(zero('rs1'), (d, c) => p('snez', c.reg(d.rd), c.reg(d.rs2)))],
  // bgt, ble, bgtu and bleu exist for the assembler only: binutils lists them after blt and
  // bge, so objdump never picks them.
  beq: [rule(zero('rs2'), (d, c) => p('beqz', c.reg(d.rs1), c.target))],
  bne: [rule(zero('rs2'), (d, c) => p('bnez', c.reg(d.rs1), c.target))],
  blt: [
    rule(zero('rs2'), (d, c) => p('bltz', c.reg(d.rs1), c.target)),
    rule(zero('rs1'), (d, c) => p('bgtz', c.reg(d.rs2), c.target)),
  ],
  bge: [
    rule(zero('rs1'), (d, c) => p('blez', c.reg(d.rs2), c.target)),
    rule(zero('rs2'), (d, c) => p('bgez', c.reg(d.rs1), c.target)),
  ],
  jal: [
    rule(zero('rd'), (_d, c) => p('j', c.target)),
    rule((d) => d.rd === 1, (_d, c) => p('jal', c.target)),
  ],
  jalr: [
    rule((d) => d.rd === 0 && d.rs1 === 1 && d.imm === 0, () => p('ret')),
    rule(zero('rd'), (d, c) => p('jr', jalrTarget(d, c))),
    rule((d) => d.rd === 1, (d, c) => p('jalr', jalrTarget(d, c))),
    rule(() => true, (d, c) => p('jalr', c.reg(d.rd), jalrTarget(d, c))),
  ],
  fence: [
    rule((d) => d.fm === 8 && d.pred === 3 && d.succ === 3, () => p('fence.tso')),
    rule((d) => d.fm === 0 && d.pred === 1 && d.succ === 0, () => p('pause'), 'zihintpause'),
    rule((d) => d.pred === 15 && d.succ === 15, () => p('fence')),
  ],
  // unimp (csrrw zero,cycle,zero) and the counter reads are base-ISA aliases in binutils: they
  // print even where Zicsr is absent.
  csrrw: [
    rule((d) => d.rd === 0 && d.csr === CYCLE && d.rs1 === 0, () => p('unimp'), 'i'),
    ...floatCsr('write'),
    rule(zero('rd'), (d, c) => p('csrw', c.csr(d.csr), c.reg(d.rs1))),
  ],
  csrrs: [
    ...COUNTERS.map(([num, name]) => rule((d) => d.csr === num && d.rs1 === 0, (d, c) => p(name, c.reg(d.rd)), 'i')),
    ...floatCsr('read'),
    rule(zero('rs1'), (d, c) => p('csrr', c.reg(d.rd), c.csr(d.csr))),
    rule(zero('rd'), (d, c) => p('csrs', c.csr(d.csr), c.reg(d.rs1))),
  ],
  csrrc: [rule(zero('rd'), (d, c) => p('csrc', c.csr(d.csr), c.reg(d.rs1)))],
  // The immediate forms print without their `i`, as the register forms do.
  csrrwi: [
    ...floatCsr('writeImm'),
    rule(zero('rd'), (d, c) => p('csrw', c.csr(d.csr), String(d.imm))),
    rule(() => true, (d, c) => p('csrrw', c.reg(d.rd), c.csr(d.csr), String(d.imm))),
  ],
  csrrsi: [
    rule(zero('rd'), (d, c) => p('csrs', c.csr(d.csr), String(d.imm))),
    rule(() => true, (d, c) => p('csrrs', c.reg(d.rd), c.csr(d.csr), String(d.imm))),
  ],
  csrrci: [
    rule(zero('rd'), (d, c) => p('csrc', c.csr(d.csr), String(d.imm))),
    rule(() => true, (d, c) => p('csrrc', c.reg(d.rd), c.csr(d.csr), String(d.imm))),
  ],
};

function jalrTarget(d: Decoded, c: OperandContext): string {
  return d.imm === 0 ? c.reg(d.rs1) : `${d.imm}(${c.reg(d.rs1)})`;
}

/**
 * binutils 2.40 prints the register-immediate ALU instructions under the register form's
 * name (`add a0,a1,5` for addi); slti and sltiu keep theirs.
 */
export const IMMEDIATE_NAMES: Readonly<Record<string, string>> = {
  addi: 'add', andi: 'and', ori: 'or', xori: 'xor', slli: 'sll', srli: 'srl', srai: 'sra',
  addiw: 'addw', slliw: 'sllw', srliw: 'srlw', sraiw: 'sraw',
};

/**
 * Compressed HINT encodings (ISA manual vol. I, table 16.3: rd = x0, or a zero immediate or
 * shift) execute as their base instruction, but objdump names them by their compressed form.
 * They come before the base rules, as binutils lists the C entries first.
 */
export const HINTS: Readonly<Record<string, readonly Alias[]>> = {
  'c.nop': [rule((d) => d.imm !== 0, (d) => p('c.nop', String(d.imm)))],
  'c.addi': [rule(zero('imm'), (d, c) => p('add', c.reg(d.rd), c.reg(d.rd), '0'))],
  'c.li': [rule(zero('rd'), (d) => p('c.li', 'zero', String(d.imm)))],
  'c.lui': [rule(zero('rd'), (d) => p('c.lui', 'zero', hex(d.imm)))],
  'c.slli': [
    rule(zero('imm'), (d, c) => p('c.slli64', c.reg(d.rd))),
    rule(zero('rd'), (d) => p('c.slli', 'zero', hex(d.imm))),
  ],
  'c.srli': [rule(zero('imm'), (d, c) => p('c.srli64', c.reg(d.rd)))],
  'c.srai': [rule(zero('imm'), (d, c) => p('c.srai64', c.reg(d.rd)))],
  'c.mv': [rule(zero('rd'), (d, c) => p('c.mv', 'zero', c.reg(d.rs2)))],
  'c.add': [rule(zero('rd'), (d, c) => p('c.add', 'zero', c.reg(d.rs2)))],
};
