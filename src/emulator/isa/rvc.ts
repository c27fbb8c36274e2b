// RV64C: each 16-bit encoding expands into the base instruction it abbreviates (ISA manual
// vol. I, ch. 16, tables 16.5-16.7), so compressed code costs a table and no new semantics.
// Reserved encodings decode to nothing and so raise illegal-instruction. The F/D loads and
// stores name floating-point registers in the same fields (RV64 has no c.flw/c.fsw: those
// encodings are c.ld/c.sd).
import { bits, sext } from './fields.js';

/** What a compressed word expands to: the base instruction's name and its operands. */
export interface Expansion {
  cname: string;
  base: string;
  rd?: number; rs1?: number; rs2?: number; imm?: number;
}

/** The 3-bit register fields of CIW/CL/CS/CA/CB formats name x8..x15. */
const r3 = (w: number, lo: number): number => 8 + ((w >>> lo) & 7);
const b = (w: number, i: number): number => (w >>> i) & 1;

// Immediate scramblings, one per format, named after the instructions that use them.
const immCI = (w: number): number => sext((b(w, 12) << 5) | bits(w, 6, 2), 6);
const uimmCI = (w: number): number => (b(w, 12) << 5) | bits(w, 6, 2);
const immCJ = (w: number): number => sext(
  (b(w, 12) << 11) | (b(w, 11) << 4) | (bits(w, 10, 9) << 8) | (b(w, 8) << 10) |
  (b(w, 7) << 6) | (b(w, 6) << 7) | (bits(w, 5, 3) << 1) | (b(w, 2) << 5), 12);
const immCB = (w: number): number => sext(
  (b(w, 12) << 8) | (bits(w, 11, 10) << 3) | (bits(w, 6, 5) << 6) | (bits(w, 4, 3) << 1) | (b(w, 2) << 5), 9);
const uimmCLW = (w: number): number => (bits(w, 12, 10) << 3) | (b(w, 6) << 2) | (b(w, 5) << 6);
const uimmCLD = (w: number): number => (bits(w, 12, 10) << 3) | (bits(w, 6, 5) << 6);
const uimmAddi4spn = (w: number): number =>
  (bits(w, 12, 11) << 4) | (bits(w, 10, 7) << 6) | (b(w, 6) << 2) | (b(w, 5) << 3);
const immAddi16sp = (w: number): number => sext(
  (b(w, 12) << 9) | (b(w, 6) << 4) | (b(w, 5) << 6) | (bits(w, 4, 3) << 7) | (b(w, 2) << 5), 10);
const uimmLwsp = (w: number): number => (b(w, 12) << 5) | (bits(w, 6, 4) << 2) | (bits(w, 3, 2) << 6);
const uimmLdsp = (w: number): number => (b(w, 12) << 5) | (bits(w, 6, 5) << 3) | (bits(w, 4, 2) << 6);
const uimmSwsp = (w: number): number => (bits(w, 12, 9) << 2) | (bits(w, 8, 7) << 6);
const uimmSdsp = (w: number): number => (bits(w, 12, 10) << 3) | (bits(w, 9, 7) << 6);

/** Expand a 16-bit word, or return undefined for a reserved or unsupported encoding. */
export function expandCompressed(w: number): Expansion | undefined {
  const quadrant = w & 3, f3 = (w >>> 13) & 7;
  const rd = (w >>> 7) & 31, rs2 = (w >>> 2) & 31;
  if (quadrant === 0) {
    switch (f3) {
      case 0: { const imm = uimmAddi4spn(w); return imm === 0 ? undefined : { cname: 'c.addi4spn', base: 'addi', rd: r3(w, 2), rs1: 2, imm }; }
      case 1: return { cname: 'c.fld', base: 'fld', rd: r3(w, 2), rs1: r3(w, 7), imm: uimmCLD(w) };
      case 2: return { cname: 'c.lw', base: 'lw', rd: r3(w, 2), rs1: r3(w, 7), imm: uimmCLW(w) };
      case 3: return { cname: 'c.ld', base: 'ld', rd: r3(w, 2), rs1: r3(w, 7), imm: uimmCLD(w) };
      case 5: return { cname: 'c.fsd', base: 'fsd', rs2: r3(w, 2), rs1: r3(w, 7), imm: uimmCLD(w) };
      case 6: return { cname: 'c.sw', base: 'sw', rs2: r3(w, 2), rs1: r3(w, 7), imm: uimmCLW(w) };
      case 7: return { cname: 'c.sd', base: 'sd', rs2: r3(w, 2), rs1: r3(w, 7), imm: uimmCLD(w) };
      default: return undefined; // the reserved 100
    }
  }
  if (quadrant === 1) {
    switch (f3) {
      case 0: return { cname: rd === 0 ? 'c.nop' : 'c.addi', base: 'addi', rd, rs1: rd, imm: immCI(w) };
      case 1: return rd === 0 ? undefined : { cname: 'c.addiw', base: 'addiw', rd, rs1: rd, imm: immCI(w) };
      case 2: return { cname: 'c.li', base: 'addi', rd, rs1: 0, imm: immCI(w) };
      case 3: {
        if (rd === 2) {
          const imm = immAddi16sp(w);
          return imm === 0 ? undefined : { cname: 'c.addi16sp', base: 'addi', rd: 2, rs1: 2, imm };
        }
        const imm = immCI(w);
        return imm === 0 ? undefined : { cname: 'c.lui', base: 'lui', rd, imm: imm & 0xfffff };
      }
      case 4: {
        const r = r3(w, 7);
        switch (bits(w, 11, 10)) {
          case 0: return { cname: 'c.srli', base: 'srli', rd: r, rs1: r, imm: uimmCI(w) };
          case 1: return { cname: 'c.srai', base: 'srai', rd: r, rs1: r, imm: uimmCI(w) };
          case 2: return { cname: 'c.andi', base: 'andi', rd: r, rs1: r, imm: immCI(w) };
          default: {
            const names = b(w, 12) ? ['subw', 'addw', undefined, undefined] : ['sub', 'xor', 'or', 'and'];
            const base = names[bits(w, 6, 5)];
            return base === undefined ? undefined : { cname: `c.${base}`, base, rd: r, rs1: r, rs2: r3(w, 2) };
          }
        }
      }
      case 5: return { cname: 'c.j', base: 'jal', rd: 0, imm: immCJ(w) };
      case 6: return { cname: 'c.beqz', base: 'beq', rs1: r3(w, 7), rs2: 0, imm: immCB(w) };
      default: return { cname: 'c.bnez', base: 'bne', rs1: r3(w, 7), rs2: 0, imm: immCB(w) };
    }
  }
  if (quadrant === 2) {
    switch (f3) {
      case 0: return { cname: 'c.slli', base: 'slli', rd, rs1: rd, imm: uimmCI(w) };
      case 1: return { cname: 'c.fldsp', base: 'fld', rd, rs1: 2, imm: uimmLdsp(w) }; // any f register, f0 too
      case 2: return rd === 0 ? undefined : { cname: 'c.lwsp', base: 'lw', rd, rs1: 2, imm: uimmLwsp(w) };
      case 3: return rd === 0 ? undefined : { cname: 'c.ldsp', base: 'ld', rd, rs1: 2, imm: uimmLdsp(w) };
      case 4:
        if (b(w, 12) === 0) {
          if (rs2 === 0) return rd === 0 ? undefined : { cname: 'c.jr', base: 'jalr', rd: 0, rs1: rd, imm: 0 };
          return { cname: 'c.mv', base: 'add', rd, rs1: 0, rs2 };
        }
        if (rs2 === 0) {
          return rd === 0 ? { cname: 'c.ebreak', base: 'ebreak' } : { cname: 'c.jalr', base: 'jalr', rd: 1, rs1: rd, imm: 0 };
        }
        return { cname: 'c.add', base: 'add', rd, rs1: rd, rs2 };
      case 5: return { cname: 'c.fsdsp', base: 'fsd', rs2, rs1: 2, imm: uimmSdsp(w) };
      case 6: return { cname: 'c.swsp', base: 'sw', rs2, rs1: 2, imm: uimmSwsp(w) };
      default: return { cname: 'c.sdsp', base: 'sd', rs2, rs1: 2, imm: uimmSdsp(w) };
    }
  }
  return undefined;
}
