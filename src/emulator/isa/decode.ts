// Decoding: a fetched word becomes a Decoded, or undefined when it is not an instruction this
// hart implements (the caller raises illegal-instruction with the word as mtval).
import type { Decoded, InsnDef } from './types.js';
import { BY_NAME, lookup } from './table.js';
import { expandCompressed } from './rvc.js';
import * as f from './fields.js';

function blank(def: InsnDef, raw: number, len: 2 | 4): Decoded {
  return { def, raw, len, rd: 0, rs1: 0, rs2: 0, imm: 0, csr: 0, aq: false, rl: false, pred: 0, succ: 0, fm: 0, rs3: 0, rm: 0 };
}

function decode32(w: number): Decoded | undefined {
  const def = lookup(w);
  if (!def) return undefined;
  const d = blank(def, w >>> 0, 4);
  d.rd = f.rd(w); d.rs1 = f.rs1(w); d.rs2 = f.rs2(w); d.rm = f.funct3(w);
  switch (def.format) {
    case 'I': d.imm = f.immI(w); break;
    case 'S': d.imm = f.immS(w); break;
    case 'B': d.imm = f.immB(w); break;
    case 'U': d.imm = f.immU20(w); break;
    case 'J': d.imm = f.immJ(w); break;
    case 'SH6': d.imm = (w >>> 20) & 63; break;
    case 'SH5': d.imm = (w >>> 20) & 31; break;
    case 'CSR': d.csr = f.csrNum(w); break;
    case 'CSRI': d.csr = f.csrNum(w); d.imm = d.rs1; break;
    case 'AMO': d.aq = ((w >>> 26) & 1) === 1; d.rl = ((w >>> 25) & 1) === 1; break;
    case 'R4': d.rs3 = f.rs3(w); break;
    case 'FENCE': d.fm = (w >>> 28) & 15; d.pred = (w >>> 24) & 15; d.succ = (w >>> 20) & 15; d.imm = f.immI(w); break;
    default: break;
  }
  return d;
}

function decode16(w: number): Decoded | undefined {
  const e = expandCompressed(w);
  if (!e) return undefined;
  const def = BY_NAME.get(e.base);
  if (!def) throw new Error(`rvc: ${e.cname} expands to unknown ${e.base}`);
  const d = blank(def, w & 0xffff, 2);
  d.rd = e.rd ?? 0; d.rs1 = e.rs1 ?? 0; d.rs2 = e.rs2 ?? 0; d.imm = e.imm ?? 0;
  d.cname = e.cname;
  return d;
}

/** Decode the instruction at the start of `word` (the low 16 bits alone when compressed). */
export function decode(word: number): Decoded | undefined {
  return (word & 3) === 3 ? decode32(word) : decode16(word & 0xffff);
}

export const isCompressed = (word: number): boolean => (word & 3) !== 3;

/**
 * Decodings shared by every block that holds the same word: a kernel's blocks repeat a few
 * thousand distinct words (the same `ld` of a stack slot, the same `ret`), and making a
 * block is most of what cold code costs. Compressed words index a table of all 65,536; full
 * words a direct-mapped table of as many entries, where a word takes the place of another
 * with the same low bits (a Map of them cost more than decoding: most words are beyond V8's
 * small integers). A shared Decoded must not be changed by its readers (nothing does:
 * emitters and the disassembler only read it); `null` remembers a word that is not an
 * instruction.
 */
const SHARED16: (Decoded | null | undefined)[] = new Array(1 << 16).fill(undefined);
const SHARED32: (Decoded | null | undefined)[] = new Array(1 << 16).fill(undefined);
const WORDS32 = new Int32Array(1 << 16);

/** decode(), from the shared decodings: the same result, one object per distinct word. */
export function decodeShared(word: number): Decoded | undefined {
  if ((word & 3) !== 3) {
    const w = word & 0xffff;
    let d = SHARED16[w];
    if (d === undefined) SHARED16[w] = d = decode16(w) ?? null;
    return d ?? undefined;
  }
  // Every field has a say in the index: opcode, registers, immediate.
  const e = ((word >>> 16) ^ (word >>> 2) ^ (word << 9)) & 0xffff;
  let d = SHARED32[e];
  if (d === undefined || WORDS32[e] !== (word | 0)) {
    SHARED32[e] = d = decode32(word) ?? null;
    WORDS32[e] = word | 0;
  }
  return d ?? undefined;
}
