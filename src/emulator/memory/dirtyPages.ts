// Which pages of RAM have been written since someone last asked: the record time travel's
// checkpoints are made from (each holds only the pages written since the one before).
//
// Nothing here runs per store. Translated stores write through the hart's write TLB, and a
// write entry is only ever made by the slow path, which marks its page (cpu/hart.ts); when the
// record is taken, the pages the write entries reach are marked again at once
// (Hart.recordWritablePages), so every page a store can reach without the slow path is in the
// record from its start. Slow-path stores, the page walker's A/D updates (Bus.write), device
// DMA, the debugger's writes (DebugAccess.writePhys) and the loaders (board/placement.ts, the
// device tree, Machine.loadElf) mark the pages they touch. The record may hold pages that were
// not changed (a write entry no store used, a store of the same bytes), never miss one that was.
export const PAGE_SHIFT = 12;

export class DirtyPages {
  /** One byte per page: non-zero while the page is in the list. */
  private readonly flags: Uint8Array;
  private list: Int32Array;
  private count = 0;
  /**
   * Nothing was taken yet: the record holds every page written since RAM was made (all zeros),
   * so no page outside it can be anything but zeros. Time travel's first checkpoint reads only
   * these instead of scanning all of RAM.
   */
  sinceCreation = true;

  constructor(readonly pages: number) {
    this.flags = new Uint8Array(pages);
    this.list = new Int32Array(Math.min(pages, 1024));
  }

  /** Mark the pages of [ramOffset, ramOffset + len). */
  mark(ramOffset: number, len = 1): void {
    const last = Math.min((ramOffset + Math.max(len, 1) - 1) >>> PAGE_SHIFT, this.pages - 1);
    for (let p = ramOffset >>> PAGE_SHIFT; p <= last; p++) {
      if (this.flags[p]) continue;
      this.flags[p] = 1;
      if (this.count === this.list.length) {
        const grown = new Int32Array(Math.min(this.pages, this.list.length * 2));
        grown.set(this.list);
        this.list = grown;
      }
      this.list[this.count++] = p;
    }
  }

  /** Every page (after the whole of RAM was replaced). */
  markAll(): void { this.mark(0, this.pages << PAGE_SHIFT); }

  get size(): number { return this.count; }

  has(page: number): boolean { return this.flags[page] !== 0; }

  /** The marked pages, in the order they were first written, and an empty record from here on. */
  take(): Int32Array {
    this.sinceCreation = false;
    const out = this.list.slice(0, this.count);
    for (const p of out) this.flags[p] = 0;
    this.count = 0;
    return out;
  }
}
