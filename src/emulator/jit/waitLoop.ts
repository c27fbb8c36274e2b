// Wait loops: a backward branch or jump closing a short loop that only loads, computes and
// compares, and whose every pass starts afresh (no register it writes is read before it is
// written in the same pass). Each pass then repeats the one before, so once the back edge is
// taken it stays taken until something else (another hart, a device, an interrupt) changes
// memory: `while (started == 0) {}`, a barrier's `while (*gen == g) {}`, `for (;;) {}`. On a
// machine with several harts taking that edge hands the hart's turn over (runLoop.ts).
//
// The answer depends on the code bytes from the loop's start to the edge and nothing else, so
// every block that holds the edge (a whole loop, a single step, a block a breakpoint split)
// gives the same answer, and runs, single steps and replays hand over at the same points.
import { decode } from '../isa/decode.js';
import type { Decoded, Format } from '../isa/types.js';

/** The longest loop body looked at, in bytes: wait loops are a handful of instructions. */
const MAX_BODY = 64;

/** The integer registers an instruction of a pure format reads (x0 left out by the caller). */
function sources(d: Decoded): number[] {
  switch (d.def.format) {
    case 'R': case 'B': return [d.rs1, d.rs2];
    case 'I': case 'SH6': case 'SH5': return [d.rs1];
    default: return [];
  }
}

const WRITES: ReadonlySet<Format> = new Set(['R', 'I', 'SH6', 'SH5', 'U']);

/** Whether an instruction may be in a wait loop's body: no store, no CSR, nothing but integer registers. */
function pure(d: Decoded, at: bigint, start: bigint, edge: bigint): boolean {
  if (d.def.ext !== 'I' && d.def.ext !== 'M') return false;
  if (d.def.flow === 'next') return WRITES.has(d.def.format);
  if (d.def.flow === 'branch') {
    // Leaving the loop, or going round again: not into its middle, where a pass would not start afresh.
    const target = at + BigInt(d.imm);
    return target <= start || target > edge;
  }
  return false;
}

/**
 * The loop's start when `d`, at `pc`, is the back edge of a wait loop, else undefined.
 * `half(pc)` reads the 16-bit parcel at a pc on the edge's page, from RAM.
 */
export function waitLoopStart(d: Decoded, pc: bigint, half: (pc: bigint) => number): bigint | undefined {
  const isEdge = d.def.format === 'B' || (d.def.name === 'jal' && d.rd === 0);
  if (!isEdge || d.imm > 0) return undefined;
  const start = pc + BigInt(d.imm);
  if (pc - start > MAX_BODY || (start >> 12n) !== (pc >> 12n)) return undefined;
  const body: Decoded[] = [];
  for (let at = start; at < pc;) {
    const lo = half(at);
    let word = lo;
    if ((lo & 3) === 3) {
      if (((at + 2n) >> 12n) !== (pc >> 12n)) return undefined;
      word = (lo | (half(at + 2n) << 16)) >>> 0;
    }
    const b = decode(word);
    if (b === undefined || !pure(b, at, start, pc)) return undefined;
    body.push(b);
    at += BigInt(b.len);
    if (at > pc) return undefined; // the edge is not on an instruction boundary from the start
  }
  // A pass starts afresh when nothing it reads was left by the pass before.
  const writtenInPass = new Set<number>();
  for (const b of body) if (WRITES.has(b.def.format) && b.rd !== 0) writtenInPass.add(b.rd);
  const written = new Set<number>();
  for (const b of [...body, d]) {
    for (const r of sources(b)) if (r !== 0 && writtenInPass.has(r) && !written.has(r)) return undefined;
    if (WRITES.has(b.def.format) && b.rd !== 0 && b !== d) written.add(b.rd);
  }
  return start;
}
