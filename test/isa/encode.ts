// An instruction encoder written from the ISA manual's encoding tables (vol. I, ch. 2, 5, 13,
// 14 and "RV32/64G Instruction Set Listings"), independent of the emulator's decoder. Tests
// use it to build instruction words without an assembler.

export type Fmt = 'R' | 'I' | 'S' | 'B' | 'U' | 'J' | 'SH6' | 'SH5' | 'AMO' | 'LR' | 'FENCE' | 'SYS' | 'CSR' | 'CSRI';

export interface Op { name: string; fmt: Fmt; opcode: number; f3: number; f7: number }

const op = (name: string, fmt: Fmt, opcode: number, f3 = 0, f7 = 0): Op => ({ name, fmt, opcode, f3, f7 });

const LOAD = 0x03, LOAD_FP = 0x07, STORE_FP = 0x27, MISC_MEM = 0x0f, OP_IMM = 0x13, AUIPC = 0x17, OP_IMM_32 = 0x1b, STORE = 0x23, AMO = 0x2f,
  OP = 0x33, LUI = 0x37, OP_32 = 0x3b, BRANCH = 0x63, JALR = 0x67, JAL = 0x6f, SYSTEM = 0x73;

/**
 * Every RV64IMA + Zicsr + Zifencei instruction, and the F/D loads and stores: format, opcode,
 * funct3, funct7 (or funct5 for AMOs).
 */
export const OPS: Op[] = [
  op('lui', 'U', LUI), op('auipc', 'U', AUIPC), op('jal', 'J', JAL), op('jalr', 'I', JALR, 0),
  op('beq', 'B', BRANCH, 0), op('bne', 'B', BRANCH, 1), op('blt', 'B', BRANCH, 4), op('bge', 'B', BRANCH, 5),
  op('bltu', 'B', BRANCH, 6), op('bgeu', 'B', BRANCH, 7),
  op('lb', 'I', LOAD, 0), op('lh', 'I', LOAD, 1), op('lw', 'I', LOAD, 2), op('ld', 'I', LOAD, 3),
  op('lbu', 'I', LOAD, 4), op('lhu', 'I', LOAD, 5), op('lwu', 'I', LOAD, 6),
  op('sb', 'S', STORE, 0), op('sh', 'S', STORE, 1), op('sw', 'S', STORE, 2), op('sd', 'S', STORE, 3),
  op('flw', 'I', LOAD_FP, 2), op('fld', 'I', LOAD_FP, 3), op('fsw', 'S', STORE_FP, 2), op('fsd', 'S', STORE_FP, 3),
  op('addi', 'I', OP_IMM, 0), op('slti', 'I', OP_IMM, 2), op('sltiu', 'I', OP_IMM, 3), op('xori', 'I', OP_IMM, 4),
  op('ori', 'I', OP_IMM, 6), op('andi', 'I', OP_IMM, 7),
  op('slli', 'SH6', OP_IMM, 1, 0x00), op('srli', 'SH6', OP_IMM, 5, 0x00), op('srai', 'SH6', OP_IMM, 5, 0x20),
  op('add', 'R', OP, 0, 0), op('sub', 'R', OP, 0, 0x20), op('sll', 'R', OP, 1, 0), op('slt', 'R', OP, 2, 0),
  op('sltu', 'R', OP, 3, 0), op('xor', 'R', OP, 4, 0), op('srl', 'R', OP, 5, 0), op('sra', 'R', OP, 5, 0x20),
  op('or', 'R', OP, 6, 0), op('and', 'R', OP, 7, 0),
  op('addiw', 'I', OP_IMM_32, 0), op('slliw', 'SH5', OP_IMM_32, 1, 0), op('srliw', 'SH5', OP_IMM_32, 5, 0),
  op('sraiw', 'SH5', OP_IMM_32, 5, 0x20),
  op('addw', 'R', OP_32, 0, 0), op('subw', 'R', OP_32, 0, 0x20), op('sllw', 'R', OP_32, 1, 0),
  op('srlw', 'R', OP_32, 5, 0), op('sraw', 'R', OP_32, 5, 0x20),
  op('mul', 'R', OP, 0, 1), op('mulh', 'R', OP, 1, 1), op('mulhsu', 'R', OP, 2, 1), op('mulhu', 'R', OP, 3, 1),
  op('div', 'R', OP, 4, 1), op('divu', 'R', OP, 5, 1), op('rem', 'R', OP, 6, 1), op('remu', 'R', OP, 7, 1),
  op('mulw', 'R', OP_32, 0, 1), op('divw', 'R', OP_32, 4, 1), op('divuw', 'R', OP_32, 5, 1),
  op('remw', 'R', OP_32, 6, 1), op('remuw', 'R', OP_32, 7, 1),
  ...(['w', 'd'] as const).flatMap((w) => {
    const f3 = w === 'w' ? 2 : 3;
    return [
      op(`lr.${w}`, 'LR', AMO, f3, 0x02), op(`sc.${w}`, 'AMO', AMO, f3, 0x03),
      op(`amoswap.${w}`, 'AMO', AMO, f3, 0x01), op(`amoadd.${w}`, 'AMO', AMO, f3, 0x00),
      op(`amoxor.${w}`, 'AMO', AMO, f3, 0x04), op(`amoand.${w}`, 'AMO', AMO, f3, 0x0c),
      op(`amoor.${w}`, 'AMO', AMO, f3, 0x08), op(`amomin.${w}`, 'AMO', AMO, f3, 0x10),
      op(`amomax.${w}`, 'AMO', AMO, f3, 0x14), op(`amominu.${w}`, 'AMO', AMO, f3, 0x18),
      op(`amomaxu.${w}`, 'AMO', AMO, f3, 0x1c),
    ];
  }),
  op('fence', 'FENCE', MISC_MEM, 0), op('fence.i', 'FENCE', MISC_MEM, 1),
  op('ecall', 'SYS', SYSTEM, 0, 0x000), op('ebreak', 'SYS', SYSTEM, 0, 0x001),
  op('csrrw', 'CSR', SYSTEM, 1), op('csrrs', 'CSR', SYSTEM, 2), op('csrrc', 'CSR', SYSTEM, 3),
  op('csrrwi', 'CSRI', SYSTEM, 5), op('csrrsi', 'CSRI', SYSTEM, 6), op('csrrci', 'CSRI', SYSTEM, 7),
];

export const OP_BY_NAME = new Map(OPS.map((o) => [o.name, o]));

const chk = (v: number, bits: number, signed: boolean, what: string): number => {
  const lo = signed ? -(2 ** (bits - 1)) : 0, hi = signed ? 2 ** (bits - 1) - 1 : 2 ** bits - 1;
  if (!Number.isInteger(v) || v < lo || v > hi) throw new RangeError(`${what} ${v} does not fit ${bits} bits`);
  return v;
};

export interface Fields { rd?: number; rs1?: number; rs2?: number; imm?: number; aq?: boolean; rl?: boolean; csr?: number }

/** Encode one instruction; immediates are checked to fit. Returns an unsigned 32-bit word. */
export function encode(name: string, f: Fields = {}): number {
  const o = OP_BY_NAME.get(name);
  if (!o) throw new Error(`encode: unknown instruction ${name}`);
  const rd = f.rd ?? 0, rs1 = f.rs1 ?? 0, rs2 = f.rs2 ?? 0, imm = f.imm ?? 0;
  const base = o.opcode | (rd << 7) | (o.f3 << 12) | (rs1 << 15);
  let w: number;
  switch (o.fmt) {
    case 'R': w = o.opcode | (rd << 7) | (o.f3 << 12) | (rs1 << 15) | (rs2 << 20) | (o.f7 << 25); break;
    case 'I': w = base | ((chk(imm, 12, true, 'immediate') & 0xfff) << 20); break;
    case 'SH6': w = base | (chk(imm, 6, false, 'shift') << 20) | ((o.f7 >> 1) << 26); break;
    case 'SH5': w = base | (chk(imm, 5, false, 'shift') << 20) | (o.f7 << 25); break;
    case 'S': {
      const v = chk(imm, 12, true, 'offset') & 0xfff;
      w = o.opcode | ((v & 31) << 7) | (o.f3 << 12) | (rs1 << 15) | (rs2 << 20) | ((v >> 5) << 25);
      break;
    }
    case 'B': {
      if (imm & 1) throw new RangeError('branch offsets are even');
      const v = chk(imm, 13, true, 'branch offset') & 0x1fff;
      w = o.opcode | (((v >> 11) & 1) << 7) | (((v >> 1) & 15) << 8) | (o.f3 << 12) | (rs1 << 15) | (rs2 << 20) |
        (((v >> 5) & 63) << 25) | (((v >> 12) & 1) << 31);
      break;
    }
    case 'U': w = o.opcode | (rd << 7) | (chk(imm, 20, false, 'upper immediate') << 12); break;
    case 'J': {
      if (imm & 1) throw new RangeError('jump offsets are even');
      const v = chk(imm, 21, true, 'jump offset') & 0x1fffff;
      w = o.opcode | (rd << 7) | (((v >> 12) & 255) << 12) | (((v >> 11) & 1) << 20) | (((v >> 1) & 1023) << 21) | (((v >> 20) & 1) << 31);
      break;
    }
    case 'AMO': case 'LR':
      w = o.opcode | (rd << 7) | (o.f3 << 12) | (rs1 << 15) | ((o.fmt === 'LR' ? 0 : rs2) << 20) |
        ((f.rl ? 1 : 0) << 25) | ((f.aq ? 1 : 0) << 26) | (o.f7 << 27);
      break;
    case 'FENCE': w = base | ((imm & 0xfff) << 20); break;
    case 'SYS': w = o.opcode | (o.f7 << 20); break;
    case 'CSR': w = base | (chk(f.csr ?? 0, 12, false, 'csr') << 20); break;
    case 'CSRI': w = o.opcode | (rd << 7) | (o.f3 << 12) | (chk(imm, 5, false, 'zimm') << 15) | (chk(f.csr ?? 0, 12, false, 'csr') << 20); break;
  }
  return w >>> 0;
}
