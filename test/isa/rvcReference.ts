// The RV64C expansions, written from the ISA manual's tables (vol. I, "C" chapter, tables of
// the RVC opcode map and the per-instruction expansions), independent of the emulator's
// decoder: a 16-bit word becomes the 32-bit instruction it stands for, or undefined when it is
// reserved.
import { encode } from './encode.js';

const bit = (h: number, i: number): number => (h >>> i) & 1;
const field = (h: number, hi: number, lo: number): number => (h >>> lo) & ((1 << (hi - lo + 1)) - 1);
const signed = (v: number, width: number): number => (v << (32 - width)) >> (32 - width);
/** rd', rs1', rs2': three bits naming x8..x15. */
const prime = (h: number, lo: number): number => 8 + field(h, lo + 2, lo);

export interface Expansion { name: string; word: number }

export function expandReference(h: number): Expansion | undefined {
  const op = h & 3, f3 = field(h, 15, 13);
  const rd = field(h, 11, 7), rs2 = field(h, 6, 2);
  const ci = signed((bit(h, 12) << 5) | field(h, 6, 2), 6);          // imm[5] | imm[4:0]
  const shamt = (bit(h, 12) << 5) | field(h, 6, 2);
  const e = (name: string, f: Parameters<typeof encode>[1], cname: string): Expansion => ({ name: cname, word: encode(name, f) });
  if (op === 0) {
    const lwImm = (field(h, 12, 10) << 3) | (bit(h, 6) << 2) | (bit(h, 5) << 6);
    const ldImm = (field(h, 12, 10) << 3) | (field(h, 6, 5) << 6);
    switch (f3) {
      case 0: {
        const imm = (field(h, 12, 11) << 4) | (field(h, 10, 7) << 6) | (bit(h, 6) << 2) | (bit(h, 5) << 3);
        return imm === 0 ? undefined : e('addi', { rd: prime(h, 2), rs1: 2, imm }, 'c.addi4spn');
      }
      case 2: return e('lw', { rd: prime(h, 2), rs1: prime(h, 7), imm: lwImm }, 'c.lw');
      case 3: return e('ld', { rd: prime(h, 2), rs1: prime(h, 7), imm: ldImm }, 'c.ld');
      case 1: return e('fld', { rd: prime(h, 2), rs1: prime(h, 7), imm: ldImm }, 'c.fld');
      case 5: return e('fsd', { rs2: prime(h, 2), rs1: prime(h, 7), imm: ldImm }, 'c.fsd');
      case 6: return e('sw', { rs2: prime(h, 2), rs1: prime(h, 7), imm: lwImm }, 'c.sw');
      case 7: return e('sd', { rs2: prime(h, 2), rs1: prime(h, 7), imm: ldImm }, 'c.sd');
      default: return undefined; // 4: reserved
    }
  }
  if (op === 1) {
    switch (f3) {
      case 0: return e('addi', { rd, rs1: rd, imm: ci }, rd === 0 ? 'c.nop' : 'c.addi');
      case 1: return rd === 0 ? undefined : e('addiw', { rd, rs1: rd, imm: ci }, 'c.addiw');
      case 2: return e('addi', { rd, rs1: 0, imm: ci }, 'c.li');
      case 3: {
        if (rd === 2) {
          const imm = signed((bit(h, 12) << 9) | (bit(h, 6) << 4) | (bit(h, 5) << 6) | (field(h, 4, 3) << 7) | (bit(h, 2) << 5), 10);
          return imm === 0 ? undefined : e('addi', { rd: 2, rs1: 2, imm }, 'c.addi16sp');
        }
        return ci === 0 ? undefined : e('lui', { rd, imm: ci & 0xfffff }, 'c.lui');
      }
      case 4: {
        const r = prime(h, 7);
        switch (field(h, 11, 10)) {
          case 0: return e('srli', { rd: r, rs1: r, imm: shamt }, 'c.srli');
          case 1: return e('srai', { rd: r, rs1: r, imm: shamt }, 'c.srai');
          case 2: return e('andi', { rd: r, rs1: r, imm: ci }, 'c.andi');
          default: {
            const names = bit(h, 12) === 0 ? ['sub', 'xor', 'or', 'and'] : ['subw', 'addw'];
            const name = names[field(h, 6, 5)];
            return name ? e(name, { rd: r, rs1: r, rs2: prime(h, 2) }, `c.${name}`) : undefined;
          }
        }
      }
      case 5: {
        const imm = signed((bit(h, 12) << 11) | (bit(h, 11) << 4) | (field(h, 10, 9) << 8) | (bit(h, 8) << 10) | (bit(h, 7) << 6) |
          (bit(h, 6) << 7) | (field(h, 5, 3) << 1) | (bit(h, 2) << 5), 12);
        return e('jal', { rd: 0, imm }, 'c.j');
      }
      default: {
        const imm = signed((bit(h, 12) << 8) | (field(h, 11, 10) << 3) | (field(h, 6, 5) << 6) | (field(h, 4, 3) << 1) | (bit(h, 2) << 5), 9);
        return e(f3 === 6 ? 'beq' : 'bne', { rs1: prime(h, 7), rs2: 0, imm }, f3 === 6 ? 'c.beqz' : 'c.bnez');
      }
    }
  }
  if (op === 2) {
    switch (f3) {
      case 0: return e('slli', { rd, rs1: rd, imm: shamt }, 'c.slli');
      case 2: return rd === 0 ? undefined : e('lw', { rd, rs1: 2, imm: (bit(h, 12) << 5) | (field(h, 6, 4) << 2) | (field(h, 3, 2) << 6) }, 'c.lwsp');
      case 3: return rd === 0 ? undefined : e('ld', { rd, rs1: 2, imm: (bit(h, 12) << 5) | (field(h, 6, 5) << 3) | (field(h, 4, 2) << 6) }, 'c.ldsp');
      case 1: return e('fld', { rd, rs1: 2, imm: (bit(h, 12) << 5) | (field(h, 6, 5) << 3) | (field(h, 4, 2) << 6) }, 'c.fldsp');
      case 5: return e('fsd', { rs2, rs1: 2, imm: (field(h, 12, 10) << 3) | (field(h, 9, 7) << 6) }, 'c.fsdsp');
      case 4:
        if (bit(h, 12) === 0) {
          if (rs2 === 0) return rd === 0 ? undefined : e('jalr', { rd: 0, rs1: rd, imm: 0 }, 'c.jr');
          return e('add', { rd, rs1: 0, rs2 }, 'c.mv');
        }
        if (rs2 === 0) return rd === 0 ? e('ebreak', {}, 'c.ebreak') : e('jalr', { rd: 1, rs1: rd, imm: 0 }, 'c.jalr');
        return e('add', { rd, rs1: rd, rs2 }, 'c.add');
      case 6: return e('sw', { rs2, rs1: 2, imm: (field(h, 12, 9) << 2) | (field(h, 8, 7) << 6) }, 'c.swsp');
      default: return e('sd', { rs2, rs1: 2, imm: (field(h, 12, 10) << 3) | (field(h, 9, 7) << 6) }, 'c.sdsp');
    }
  }
  return undefined;
}
