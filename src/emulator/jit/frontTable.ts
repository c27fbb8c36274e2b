// The block cache's front table (jit/blockCache.ts): direct-mapped by pc, each entry valid for
// one translation generation. Its numbers live in memory the wasm interpreter can read (the
// hart's slot in the arena), so that a block ending in a jump the block's two links do not
// cover (a return to one of many callers) goes on through the table, as the dispatcher's
// lookup would (jit/wasm/interp.ts); its blocks stay on the JavaScript side, where the
// interpreter finds the block a chain ended in by the entry's index.
import type { Records } from './records.js';

export const FRONT = 16384;
/** Words per entry: pc (lo, hi), generation, the block's records in the arena (0: none, or not to be chained into). */
export const ENTRY_WORDS = 4;
export const FRONT_BYTES = FRONT * ENTRY_WORDS * 4;
export const E_LO = 0, E_HI = 1, E_GEN = 2, E_RECORDS = 3;

/** A pc's entry (its low half, unsigned): compressed code makes every even pc a start. */
export const frontIndex = (lo: number): number => (lo >>> 1) & (FRONT - 1);

export class FrontTable<B extends Records & { readonly lo: number; readonly hi: number }> {
  /** lo and hi as unsigned halves, as the dispatcher reads the pc. */
  readonly u: Uint32Array;
  /** gen and records as signed words (-1: no generation). */
  readonly i: Int32Array;
  readonly blocks: (B | undefined)[] = new Array(FRONT).fill(undefined);
  /** The table's first byte in its buffer (the arena's memory, for the wasm interpreter). */
  readonly byteOffset: number;

  /** In `buffer` at `offset`, or a buffer of its own. */
  constructor(buffer: ArrayBuffer = new ArrayBuffer(FRONT_BYTES), offset = 0) {
    this.u = new Uint32Array(buffer, offset, FRONT * ENTRY_WORDS);
    this.i = new Int32Array(buffer, offset, FRONT * ENTRY_WORDS);
    this.byteOffset = offset;
    this.clear();
  }

  get(lo: number, hi: number, gen: number): B | undefined {
    const k = frontIndex(lo), e = k * ENTRY_WORDS;
    return this.u[e + E_LO] === lo && this.u[e + E_HI] === hi && this.i[e + E_GEN] === gen ? this.blocks[k] : undefined;
  }

  /** The block any lookup of its pc in generation gen answers; `chainable` false keeps the wasm interpreter from going into it. */
  set(b: B, gen: number, chainable: boolean): void {
    const k = frontIndex(b.lo), e = k * ENTRY_WORDS;
    this.u[e + E_LO] = b.lo; this.u[e + E_HI] = b.hi; this.i[e + E_GEN] = gen;
    this.i[e + E_RECORDS] = chainable && b.wasmAt > 0 ? b.wasmAt : 0;
    this.blocks[k] = b;
  }

  /** The block that sits in its pc's entry, if it is b (b is gone). */
  drop(b: B): void {
    const k = frontIndex(b.lo);
    if (this.blocks[k] !== b) return;
    this.i[k * ENTRY_WORDS + E_GEN] = -1;
    this.i[k * ENTRY_WORDS + E_RECORDS] = 0;
    this.blocks[k] = undefined;
  }

  clear(): void {
    // No pc is odd and no generation is -1: all ones matches nothing.
    this.u.fill(0xffffffff);
    for (let e = E_RECORDS; e < FRONT * ENTRY_WORDS; e += ENTRY_WORDS) this.i[e] = 0;
    this.blocks.fill(undefined);
  }
}
