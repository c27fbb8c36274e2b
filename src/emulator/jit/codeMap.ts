// Which RAM holds translated code, for every block cache of every hart: a count per 64-byte
// chunk, which the translated stores read inline (`cc`), so a store into code takes the slow
// path and drops exactly the blocks it overlaps (data beside code costs nothing). Device DMA
// and debugger writes come here too, so self-modifying code, a program loaded from disk and a
// patched instruction all retranslate.
import type { CodeWatcher } from '../cpu/hart.js';
import { CODE_CHUNK_SHIFT } from './codegen.js';
import type { BlockCache } from './blockCache.js';
import type { Slot } from '../memory/arena.js';

/** How many code-chunk marks RAM of this size has (one per 1 << CODE_CHUNK_SHIFT bytes). */
export const codeChunkCount = (ramBytes: number): number => Math.ceil(ramBytes / (1 << CODE_CHUNK_SHIFT));

export class CodeMap implements CodeWatcher {
  readonly codeChunks: Uint16Array;
  private readonly caches: BlockCache[] = [];

  /** `slot`: where the marks live (the machine's arena), else a buffer of their own. */
  constructor(ramBytes: number, slot?: Slot) {
    const n = codeChunkCount(ramBytes);
    this.codeChunks = slot ? new Uint16Array(slot.buffer, slot.offset, n) : new Uint16Array(n);
  }

  register(cache: BlockCache): void { this.caches.push(cache); }

  /** Count a block's code in (+1) or out (-1). */
  mark(ramOffset: number, bytes: number, delta: 1 | -1): void {
    const first = ramOffset >>> CODE_CHUNK_SHIFT;
    const last = Math.min((ramOffset + bytes - 1) >>> CODE_CHUNK_SHIFT, this.codeChunks.length - 1);
    for (let c = first; c <= last; c++) this.codeChunks[c] += delta;
  }

  /** Whether [ramOffset, ramOffset + len) overlaps translated code. */
  isCode(ramOffset: number, len: number): boolean {
    const last = Math.min((ramOffset + len - 1) >>> CODE_CHUNK_SHIFT, this.codeChunks.length - 1);
    for (let c = ramOffset >>> CODE_CHUNK_SHIFT; c <= last; c++) if (this.codeChunks[c]) return true;
    return false;
  }

  /** Drop every block, on every hart, whose code overlaps [ramOffset, ramOffset + len). */
  invalidateRange(ramOffset: number, len: number): void {
    if (!this.isCode(ramOffset, len)) return;
    let dropped = false;
    for (const c of this.caches) if (c.dropOverlapping(ramOffset, len)) dropped = true;
    if (dropped) this.onDropped?.();
  }

  /**
   * Code was dropped: the machine makes a running block leave after the instruction that did
   * it. A write into a granule that holds code but not at the bytes written drops nothing, and
   * the block goes on.
   */
  onDropped: (() => void) | undefined;

  /** Drop every block whose virtual range holds pc (a new breakpoint must start a block). */
  invalidateVirtual(pc: bigint): void {
    for (const c of this.caches) c.dropAtVirtual(pc);
  }

  clear(): void {
    for (const c of this.caches) c.clear();
    this.codeChunks.fill(0);
  }
}
