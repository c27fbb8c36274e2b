// The instruction table: every instruction this hart knows, in one list. The decoder, the
// block compiler, the disassembler and the assembly language server all read it.
import type { InsnDef } from './types.js';
import { RV64I } from './rv64i.js';
import { RV64M } from './rv64m.js';
import { RV64A } from './rv64a.js';
import { RV64F } from './rv64f.js';
import { RV64D } from './rv64d.js';
import { SYSTEM } from './system.js';

export const INSTRUCTIONS: readonly InsnDef[] = [...RV64I, ...RV64M, ...RV64A, ...RV64F, ...RV64D, ...SYSTEM];

export const BY_NAME: ReadonlyMap<string, InsnDef> = new Map(INSTRUCTIONS.map((d) => [d.name, d]));

/**
 * Entries bucketed by major opcode (bits 6:0), so decoding scans a handful, not all. No two
 * entries match one word (test/unit/table.test.ts), so the order within a bucket is free.
 */
const BY_OPCODE: InsnDef[][] = Array.from({ length: 128 }, () => []);
for (const d of INSTRUCTIONS) BY_OPCODE[d.match & 0x7f].push(d);

/** The one entry whose encoding matches the word, if any. */
export function lookup(word: number): InsnDef | undefined {
  for (const d of BY_OPCODE[word & 0x7f]) if (((word & d.mask) >>> 0) === (d.match >>> 0)) return d;
  return undefined;
}
