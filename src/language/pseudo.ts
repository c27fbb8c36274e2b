// The assembler's pseudo-instructions (ISA manual vol. I, "RISC-V Assembly Programmer's
// Handbook" tables, and the extra ones GNU as accepts), with the instructions each stands for.
// Kept here, not in the emulator: the emulator never sees them, only their expansions.

export interface PseudoDef {
  name: string;
  /** Accepted operand lists, in the vocabulary of operands.ts; the first is the usual one. */
  forms: string[];
  expansion: string;
  doc: string;
  ext?: string;
}

const p = (name: string, forms: string | string[], expansion: string, doc: string, ext?: string): PseudoDef =>
  ({ name, forms: typeof forms === 'string' ? [forms] : forms, expansion, doc, ext });

const branchZero = (name: string, base: string, cond: string, swap = false): PseudoDef =>
  p(name, 'rs, offset', swap ? `${base} x0, rs, offset` : `${base} rs, x0, offset`, `branch if rs ${cond} 0`);
const branchSwap = (name: string, base: string, cond: string): PseudoDef =>
  p(name, 'rs, rt, offset', `${base} rt, rs, offset`, `branch if rs ${cond} rt`);
const csrWrite = (name: string, reg: string, imm: string, doc: string): PseudoDef[] => [
  p(name, ['csr, rs', 'csr, zimm'], `${reg} x0, csr, rs`, doc, 'Zicsr'),
  p(`${name}i`, 'csr, zimm', `${imm} x0, csr, zimm`, `${doc} (5-bit immediate)`, 'Zicsr'),
];
const fcsr = (name: string, csr: string, read: boolean, doc: string): PseudoDef =>
  read ? p(name, 'rd', `csrrs rd, ${csr}, x0`, doc, 'F')
    : p(name, ['rs', 'rd, rs'], `csrrw rd, ${csr}, rs`, doc, 'F');

/** The F and D pseudo-instructions, for one precision. */
const floatPseudo = (prec: 's' | 'd'): PseudoDef[] => {
  const ext = prec === 's' ? 'F' : 'D', words = prec === 's' ? 'single precision' : 'double precision';
  return [
    p(`fmv.${prec}`, 'frd, frs', `fsgnj.${prec} rd, rs, rs`, `copy a float register (${words})`, ext),
    p(`fabs.${prec}`, 'frd, frs', `fsgnjx.${prec} rd, rs, rs`, `absolute value (${words})`, ext),
    p(`fneg.${prec}`, 'frd, frs', `fsgnjn.${prec} rd, rs, rs`, `negate (${words})`, ext),
    p(`fgt.${prec}`, 'rd, frs1, frs2', `flt.${prec} rd, frs2, frs1`, `rd = (rs1 > rs2) (${words})`, ext),
    p(`fge.${prec}`, 'rd, frs1, frs2', `fle.${prec} rd, frs2, frs1`, `rd = (rs1 >= rs2) (${words})`, ext),
  ];
};

export const PSEUDO: readonly PseudoDef[] = [
  p('nop', '', 'addi x0, x0, 0', 'no operation'),
  p('li', 'rd, imm64', 'lui/addi(w)/slli sequence', 'load any 64-bit constant into rd'),
  p('la', 'rd, offset', 'auipc rd, %pcrel_hi(symbol); addi rd, rd, %pcrel_lo(...)', 'load the address of a symbol (through the GOT when compiling PIC)'),
  p('lla', 'rd, offset', 'auipc rd, %pcrel_hi(symbol); addi rd, rd, %pcrel_lo(...)', 'load the pc-relative address of a local symbol'),
  p('la.tls.ie', 'rd, symbol', 'auipc rd, %tls_ie_pcrel_hi(symbol); ld rd, %pcrel_lo(...)(rd)', 'load the tp offset of a thread-local symbol (initial-exec)'),
  p('la.tls.gd', 'rd, symbol', 'auipc rd, %tls_gd_pcrel_hi(symbol); addi rd, rd, %pcrel_lo(...)', 'load the address of a thread-local symbol\'s GOT entry (global-dynamic)'),
  p('mv', 'rd, rs', 'addi rd, rs, 0', 'copy a register'),
  p('not', 'rd, rs', 'xori rd, rs, -1', 'one\'s complement'),
  p('neg', 'rd, rs', 'sub rd, x0, rs', 'two\'s complement'),
  p('negw', 'rd, rs', 'subw rd, x0, rs', 'two\'s complement of the low word, sign-extended'),
  p('sext.w', 'rd, rs', 'addiw rd, rs, 0', 'sign-extend the low word'),
  p('sext.b', 'rd, rs', 'slli rd, rs, 56; srai rd, rd, 56', 'sign-extend the low byte'),
  p('sext.h', 'rd, rs', 'slli rd, rs, 48; srai rd, rd, 48', 'sign-extend the low halfword'),
  p('zext.b', 'rd, rs', 'andi rd, rs, 255', 'zero-extend the low byte'),
  p('zext.h', 'rd, rs', 'slli rd, rs, 48; srli rd, rd, 48', 'zero-extend the low halfword'),
  p('zext.w', 'rd, rs', 'slli rd, rs, 32; srli rd, rd, 32', 'zero-extend the low word'),
  p('seqz', 'rd, rs', 'sltiu rd, rs, 1', 'rd = (rs == 0)'),
  p('snez', 'rd, rs', 'sltu rd, x0, rs', 'rd = (rs != 0)'),
  p('sltz', 'rd, rs', 'slt rd, rs, x0', 'rd = (rs < 0)'),
  p('sgtz', 'rd, rs', 'slt rd, x0, rs', 'rd = (rs > 0)'),
  p('sgt', 'rd, rs, rt', 'slt rd, rt, rs', 'rd = (rs > rt) signed'),
  p('sgtu', 'rd, rs, rt', 'sltu rd, rt, rs', 'rd = (rs > rt) unsigned'),
  branchZero('beqz', 'beq', '=='),
  branchZero('bnez', 'bne', '!='),
  branchZero('blez', 'bge', '<=', true),
  branchZero('bgez', 'bge', '>='),
  branchZero('bltz', 'blt', '<'),
  branchZero('bgtz', 'blt', '>', true),
  branchSwap('bgt', 'blt', '>'),
  branchSwap('ble', 'bge', '<='),
  branchSwap('bgtu', 'bltu', '> (unsigned)'),
  branchSwap('bleu', 'bgeu', '<= (unsigned)'),
  p('j', 'offset', 'jal x0, offset', 'jump'),
  p('jr', ['rs', 'offset(rs1)', 'rs, imm'], 'jalr x0, 0(rs)', 'jump to the address in a register'),
  p('ret', '', 'jalr x0, 0(ra)', 'return from a function'),
  p('call', ['offset', 'rd, offset'], 'auipc ra, %pcrel_hi(offset); jalr ra, %pcrel_lo(...)(ra)', 'call a function anywhere within ±2 GiB (ra, or rd, holds the return address)'),
  p('tail', 'offset', 'auipc t1, %pcrel_hi(offset); jalr x0, %pcrel_lo(...)(t1)', 'tail call: jump to a function anywhere within ±2 GiB'),
  p('jump', 'offset, rt', 'auipc rt, %pcrel_hi(offset); jalr x0, %pcrel_lo(...)(rt)', 'jump anywhere within ±2 GiB, using rt as scratch'),
  p('fence.tso', '', 'fence rw, rw (fm = TSO)', 'total-store-order fence: orders everything but store-to-load'),
  p('unimp', '', 'csrrw x0, cycle, x0 (c.unimp with C)', 'an instruction that always raises illegal-instruction'),
  p('scall', '', 'ecall', 'the old name of ecall'),
  p('sbreak', '', 'ebreak', 'the old name of ebreak'),
  p('csrr', 'rd, csr', 'csrrs rd, csr, x0', 'read a CSR', 'Zicsr'),
  ...csrWrite('csrw', 'csrrw', 'csrrwi', 'write a CSR'),
  ...csrWrite('csrs', 'csrrs', 'csrrsi', 'set bits in a CSR'),
  ...csrWrite('csrc', 'csrrc', 'csrrci', 'clear bits in a CSR'),
  p('rdcycle', 'rd', 'csrrs rd, cycle, x0', 'read the cycle counter', 'Zicsr'),
  p('rdtime', 'rd', 'csrrs rd, time, x0', 'read the real-time counter', 'Zicsr'),
  p('rdinstret', 'rd', 'csrrs rd, instret, x0', 'read the instructions-retired counter', 'Zicsr'),
  fcsr('frcsr', 'fcsr', true, 'read the floating-point control and status register'),
  fcsr('fscsr', 'fcsr', false, 'write fcsr (rd gets the old value)'),
  fcsr('frrm', 'frm', true, 'read the rounding mode'),
  fcsr('fsrm', 'frm', false, 'write the rounding mode (rd gets the old value)'),
  fcsr('frflags', 'fflags', true, 'read the accrued exception flags'),
  fcsr('fsflags', 'fflags', false, 'write the accrued exception flags (rd gets the old value)'),
  p('fsrmi', ['zimm', 'rd, zimm'], 'csrrwi rd, frm, zimm', 'write the rounding mode from an immediate', 'F'),
  p('fsflagsi', ['zimm', 'rd, zimm'], 'csrrwi rd, fflags, zimm', 'write the exception flags from an immediate', 'F'),
  ...floatPseudo('s'),
  ...floatPseudo('d'),
  p('fmv.x.s', 'rd, frs1', 'fmv.x.w rd, rs1', 'the old name of fmv.x.w', 'F'),
  p('fmv.s.x', 'frd, rs1', 'fmv.w.x rd, rs1', 'the old name of fmv.w.x', 'F'),
];
