// A hart's software TLB for one privilege level: direct-mapped by virtual page, separately for
// loads, stores and instruction fetches, each entry mapping a virtual page to its RAM offset.
// The translated code reads the load and store arrays inline (jit/codegen.ts); the dispatcher
// reads the fetch arrays to find the physical page a block's code must come from. A tag that
// cannot match (1: not page-aligned) marks an empty entry.
//
// One set per privilege, so a trap or a trap return (U ↔ S ↔ M, thousands of times a second
// in a kernel with user programs) keeps every translation; satp writes, sfence.vma and changes
// of MPRV/SUM/MXR/PMP drop what they make stale (vol. II §10.2.1, §3.7.2).
export const TLB_SIZE = 256;

/** The virtual address of a low and a high 32-bit half, as TLB entries and translated code keep it. */
export const vaddrOf = (lo: number, hi: number): bigint => BigInt.asIntN(64, (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0));
const EMPTY = 1;

/**
 * Its nine arrays lie one after the other, each TLB_SIZE 32-bit words, in this order (the wasm
 * tier reads them at these offsets: jit/wasm/region.ts): r rh ro w wh wo x xh xo.
 */
export const TLB_BYTES = 9 * 4 * TLB_SIZE;
export const enum TlbArray { R, Rh, Ro, W, Wh, Wo, X, Xh, Xo }

export class Tlb {
  readonly r: Int32Array; readonly rh: Uint32Array; readonly ro: Int32Array;
  readonly w: Int32Array; readonly wh: Uint32Array; readonly wo: Int32Array;
  readonly x: Int32Array; readonly xh: Uint32Array; readonly xo: Int32Array;

  /** Its arrays at `offset` in `buffer` (TLB_BYTES there), or in a buffer of its own. */
  constructor(buffer: ArrayBuffer = new ArrayBuffer(TLB_BYTES), offset = 0) {
    const at = (k: TlbArray): number => offset + k * 4 * TLB_SIZE;
    this.r = new Int32Array(buffer, at(TlbArray.R), TLB_SIZE); this.rh = new Uint32Array(buffer, at(TlbArray.Rh), TLB_SIZE);
    this.ro = new Int32Array(buffer, at(TlbArray.Ro), TLB_SIZE);
    this.w = new Int32Array(buffer, at(TlbArray.W), TLB_SIZE); this.wh = new Uint32Array(buffer, at(TlbArray.Wh), TLB_SIZE);
    this.wo = new Int32Array(buffer, at(TlbArray.Wo), TLB_SIZE);
    this.x = new Int32Array(buffer, at(TlbArray.X), TLB_SIZE); this.xh = new Uint32Array(buffer, at(TlbArray.Xh), TLB_SIZE);
    this.xo = new Int32Array(buffer, at(TlbArray.Xo), TLB_SIZE);
    this.flush();
  }

  /**
   * Remember that the page of `vaddr` (lo, hi halves) lies at RAM offset `pageOffset`. Loads
   * and stores to one page always agree on its frame, as in QEMU, whose TLB entry serves both:
   * a store's translation also serves loads (W implies R), and a load's drops a store entry that
   * names another frame. The specification would let them differ after a PTE changed without
   * sfence.vma, and kernels that upgrade a copy-on-write page without one rely on QEMU's way.
   */
  fill(kind: 'load' | 'store' | 'fetch', lo: number, hi: number, pageOffset: number): void {
    const e = (lo >>> 12) & (TLB_SIZE - 1), tag = lo & -4096;
    if (kind === 'load') {
      this.r[e] = tag; this.rh[e] = hi; this.ro[e] = pageOffset;
      if (this.w[e] === tag && this.wh[e] === hi && this.wo[e] !== pageOffset) this.w[e] = EMPTY;
    } else if (kind === 'store') {
      this.w[e] = tag; this.wh[e] = hi; this.wo[e] = pageOffset;
      this.r[e] = tag; this.rh[e] = hi; this.ro[e] = pageOffset;
    } else { this.x[e] = tag; this.xh[e] = hi; this.xo[e] = pageOffset; }
  }

  /** The RAM offset of the fetch page holding (lo, hi), or -1 on a miss. */
  fetchPage(lo: number, hi: number): number {
    const e = (lo >>> 12) & (TLB_SIZE - 1);
    return this.x[e] === (lo & -4096) && this.xh[e] === hi ? this.xo[e] : -1;
  }

  flush(): void { this.r.fill(EMPTY); this.w.fill(EMPTY); this.x.fill(EMPTY); }

  /**
   * The entries in use, for a snapshot: four numbers each (kind × TLB_SIZE + index, tag, high
   * half, RAM offset). A kernel may lean on an entry that its page table no longer gives (a
   * mapping changed without sfence.vma, which the privileged spec allows a hart to go on
   * using), so replay from a snapshot is only exact with the entries put back.
   */
  save(): Int32Array {
    const out: number[] = [];
    this.kinds.forEach(([tag, hi, off], k) => {
      for (let e = 0; e < TLB_SIZE; e++) if (tag[e] !== EMPTY) out.push(k * TLB_SIZE + e, tag[e], hi[e] | 0, off[e]);
    });
    return Int32Array.from(out);
  }

  /** Put back what `save` returned. */
  restore(entries: Int32Array): void {
    this.flush();
    const kinds = this.kinds;
    for (let i = 0; i < entries.length; i += 4) {
      const [tag, hi, off] = kinds[Math.floor(entries[i] / TLB_SIZE)], e = entries[i] % TLB_SIZE;
      tag[e] = entries[i + 1]; hi[e] = entries[i + 2] >>> 0; off[e] = entries[i + 3];
    }
  }

  /** Drop the load and store entries of the pages `drop` names (virtual page halves, RAM offset). */
  dropData(drop: (lo: number, hi: number, pageOffset: number) => boolean): void {
    for (const [tag, hi, off] of this.kinds.slice(0, 2)) {
      for (let e = 0; e < TLB_SIZE; e++) if (tag[e] !== EMPTY && drop(tag[e], hi[e], off[e])) tag[e] = EMPTY;
    }
  }

  /** Calls `f` with the RAM offset of each page a store entry reaches. */
  forEachWritable(f: (pageOffset: number) => void): void {
    for (let e = 0; e < TLB_SIZE; e++) if (this.w[e] !== EMPTY) f(this.wo[e]);
  }

  private get kinds(): [Int32Array, Uint32Array, Int32Array][] {
    return [[this.r, this.rh, this.ro], [this.w, this.wh, this.wo], [this.x, this.xh, this.xo]];
  }

  /** Loads and stores only: what MPRV, SUM and MXR decide. */
  flushData(): void { this.r.fill(EMPTY); this.w.fill(EMPTY); }

  /** The entries of one virtual page (sfence.vma with an address). */
  flushPage(lo: number, hi: number): void {
    const e = (lo >>> 12) & (TLB_SIZE - 1), tag = lo & -4096;
    if (this.r[e] === tag && this.rh[e] === hi) this.r[e] = EMPTY;
    if (this.w[e] === tag && this.wh[e] === hi) this.w[e] = EMPTY;
    if (this.x[e] === tag && this.xh[e] === hi) this.x[e] = EMPTY;
  }
}
