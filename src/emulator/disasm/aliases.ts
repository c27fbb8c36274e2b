// The pseudo-instructions objdump prints in place of base instructions (binutils' INSN_ALIAS
// entries), as rules over decoded fields. The first rule that accepts wins; an instruction no
// rule accepts prints under its own name with its syntax's operands.
import type { Decoded } from '../isa/types.js';
import { csrName } from '../isa/csrs.js';

/** How to print: a mnemonic and its operands, each already in text. */
export interface Printed { mnemonic: string; operands: string[] }

type Rule = (d: Decoded, r: (n: number) => string, target: string) => Printed | undefined;

const p = (mnemonic: string, ...operands: string[]): Printed => ({ mnemonic, operands });
const csr = (n: number): string => csrName(n) ?? `0x${n.toString(16)}`;
const COUNTER_READS: Record<number, string> = { 0xc00: 'rdcycle', 0xc01: 'rdtime', 0xc02: 'rdinstret' };

const RULES: Record<string, Rule> = {
  addi: (d, r) => d.rd === 0 && d.rs1 === 0 && d.imm === 0 ? p('nop')
    : d.rs1 === 0 ? p('li', r(d.rd), String(d.imm))
    : d.imm === 0 ? p('mv', r(d.rd), r(d.rs1)) : undefined,
  andi: (d, r) => d.imm === 255 ? p('zext.b', r(d.rd), r(d.rs1)) : undefined,
  xori: (d, r) => d.imm === -1 ? p('not', r(d.rd), r(d.rs1)) : undefined,
  sltiu: (d, r) => d.imm === 1 ? p('seqz', r(d.rd), r(d.rs1)) : undefined,
  addiw: (d, r) => d.imm === 0 ? p('sext.w', r(d.rd), r(d.rs1)) : undefined,
  add: (d, r) => d.cname === 'c.mv' ? p('mv', r(d.rd), r(d.rs2)) : undefined,
  sub: (d, r) => d.rs1 === 0 ? p('neg', r(d.rd), r(d.rs2)) : undefined,
  subw: (d, r) => d.rs1 === 0 ? p('negw', r(d.rd), r(d.rs2)) : undefined,
  slt: (d, r) => d.rs2 === 0 ? p('sltz', r(d.rd), r(d.rs1)) : d.rs1 === 0 ? p('sgtz', r(d.rd), r(d.rs2)) : undefined,
  sltu: (d, r) => d.rs1 === 0 ? p('snez', r(d.rd), r(d.rs2)) : undefined,
  beq: (d, r, t) => d.rs2 === 0 ? p('beqz', r(d.rs1), t) : undefined,
  bne: (d, r, t) => d.rs2 === 0 ? p('bnez', r(d.rs1), t) : undefined,
  blt: (d, r, t) => d.rs2 === 0 ? p('bltz', r(d.rs1), t) : d.rs1 === 0 ? p('bgtz', r(d.rs2), t) : undefined,
  bge: (d, r, t) => d.rs1 === 0 ? p('blez', r(d.rs2), t) : d.rs2 === 0 ? p('bgez', r(d.rs1), t) : undefined,
  jal: (d, r, t) => d.rd === 0 ? p('j', t) : d.rd === 1 ? p('jal', t) : undefined,
  jalr: (d, r) => {
    const target = d.imm === 0 ? r(d.rs1) : `${d.imm}(${r(d.rs1)})`;
    if (d.rd === 0) return d.rs1 === 1 && d.imm === 0 ? p('ret') : p('jr', target);
    if (d.rd === 1) return p('jalr', target);
    return p('jalr', r(d.rd), target);
  },
  csrrw: (d, r) => d.rd === 0 ? (d.csr === 0xc00 && d.rs1 === 0 ? p('unimp') : p('csrw', csr(d.csr), r(d.rs1))) : undefined,
  csrrs: (d, r) => d.rs1 === 0 ? (COUNTER_READS[d.csr] ? p(COUNTER_READS[d.csr], r(d.rd)) : p('csrr', r(d.rd), csr(d.csr)))
    : d.rd === 0 ? p('csrs', csr(d.csr), r(d.rs1)) : undefined,
  csrrc: (d, r) => d.rd === 0 ? p('csrc', csr(d.csr), r(d.rs1)) : undefined,
  // The immediate forms print without their `i`, as the register forms' aliases do.
  csrrwi: (d, r) => d.rd === 0 ? p('csrw', csr(d.csr), String(d.imm)) : p('csrrw', r(d.rd), csr(d.csr), String(d.imm)),
  csrrsi: (d, r) => d.rd === 0 ? p('csrs', csr(d.csr), String(d.imm)) : p('csrrs', r(d.rd), csr(d.csr), String(d.imm)),
  csrrci: (d, r) => d.rd === 0 ? p('csrc', csr(d.csr), String(d.imm)) : p('csrrc', r(d.rd), csr(d.csr), String(d.imm)),
};

/**
 * binutils 2.40 prints the register-immediate ALU instructions under the register form's
 * name (`add a0,a1,5` for addi); slti and sltiu keep theirs.
 */
export const IMMEDIATE_NAMES: Record<string, string> = {
  addi: 'add', andi: 'and', ori: 'or', xori: 'xor', slli: 'sll', srli: 'srl', srai: 'sra',
  addiw: 'addw', slliw: 'sllw', srliw: 'srlw', sraiw: 'sraw',
};

/**
 * Compressed HINT encodings (ISA manual vol. I, table 16.3: rd = x0, or a zero immediate or
 * shift) execute as their base instruction, but objdump names them by their compressed form.
 */
const HINTS: Record<string, Rule> = {
  'c.nop': (d) => d.imm !== 0 ? p('c.nop', String(d.imm)) : undefined,
  'c.addi': (d, r) => d.imm === 0 ? p('add', r(d.rd), r(d.rd), '0') : undefined,
  'c.li': (d) => d.rd === 0 ? p('c.li', 'zero', String(d.imm)) : undefined,
  'c.lui': (d) => d.rd === 0 ? p('c.lui', 'zero', `0x${d.imm.toString(16)}`) : undefined,
  'c.slli': (d, r) => d.imm === 0 ? p('c.slli64', r(d.rd)) : d.rd === 0 ? p('c.slli', 'zero', `0x${d.imm.toString(16)}`) : undefined,
  'c.srli': (d, r) => d.imm === 0 ? p('c.srli64', r(d.rd)) : undefined,
  'c.srai': (d, r) => d.imm === 0 ? p('c.srai64', r(d.rd)) : undefined,
  'c.mv': (d, r) => d.rd === 0 ? p('c.mv', 'zero', r(d.rs2)) : undefined,
  'c.add': (d, r) => d.rd === 0 ? p('c.add', 'zero', r(d.rs2)) : undefined,
};

export function alias(d: Decoded, r: (n: number) => string, target: string): Printed | undefined {
  return (d.cname ? HINTS[d.cname]?.(d, r, target) : undefined) ?? RULES[d.def.name]?.(d, r, target);
}

/**
 * Reserved words objdump still names: c.unimp (all zeros, the canonical illegal instruction)
 * and c.addi16sp with a zero immediate, which binutils reads as an addi.
 */
export const RESERVED_NAMES: ReadonlyMap<number, Printed> = new Map([
  [0x0000, p('unimp')],
  [0x6101, p('add', 'sp', 'sp', '0')],
]);
