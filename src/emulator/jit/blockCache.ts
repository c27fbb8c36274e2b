// Translated blocks, found by the pc they start at. A small direct-mapped front table answers
// almost every lookup; a Map behind it holds the rest. RAM that holds translated code is
// marked in 64-byte chunks, so the translated stores can tell in one lookup whether they are
// rewriting code; such a store drops exactly the blocks it overlaps. Data that shares a page
// with code (common in small programs) therefore costs nothing.
import type { CodeWatcher } from '../cpu/hart.js';
import { CODE_CHUNK_SHIFT } from './codegen.js';
import type { Block } from './compiler.js';

const FRONT = 4096;

export class BlockCache implements CodeWatcher {
  private readonly frontLo = new Float64Array(FRONT).fill(-1);
  private readonly frontHi = new Float64Array(FRONT).fill(-1);
  private readonly frontBlock: (Block | undefined)[] = new Array(FRONT).fill(undefined);
  private readonly map = new Map<number, Block>();
  private readonly byPage = new Map<number, Block[]>();
  /** One byte per chunk of RAM: non-zero while some live block's code lies in it. */
  readonly codeChunks: Uint8Array;
  compiled = 0;

  constructor(ramBytes: number) {
    this.codeChunks = new Uint8Array(Math.ceil(ramBytes / (1 << CODE_CHUNK_SHIFT)));
  }

  get(lo: number, hi: number): Block | undefined {
    const i = (lo >>> 1) & (FRONT - 1);
    if (this.frontLo[i] === lo && this.frontHi[i] === hi) return this.frontBlock[i];
    const b = this.map.get(lo);
    if (b === undefined || b.hi !== hi) return undefined;
    this.frontLo[i] = lo; this.frontHi[i] = hi; this.frontBlock[i] = b;
    return b;
  }

  put(b: Block): void {
    this.compiled++;
    const old = this.map.get(b.lo);
    if (old) this.forget(old);
    this.map.set(b.lo, b);
    let list = this.byPage.get(b.page);
    if (!list) { list = []; this.byPage.set(b.page, list); }
    list.push(b);
    this.mark(b);
    const i = (b.lo >>> 1) & (FRONT - 1);
    this.frontLo[i] = b.lo; this.frontHi[i] = b.hi; this.frontBlock[i] = b;
  }

  private chunks(b: Block): [number, number] {
    const first = b.ramOffset >>> CODE_CHUNK_SHIFT;
    const last = Math.min((b.ramOffset + b.bytes - 1) >>> CODE_CHUNK_SHIFT, this.codeChunks.length - 1);
    return [first, last];
  }

  private mark(b: Block): void {
    const [first, last] = this.chunks(b);
    for (let c = first; c <= last; c++) this.codeChunks[c] = 1;
  }

  /** Drop a block from the lookups (its page list is the caller's to mend). */
  private unlink(b: Block): void {
    const i = (b.lo >>> 1) & (FRONT - 1);
    if (this.frontBlock[i] === b) { this.frontLo[i] = -1; this.frontBlock[i] = undefined; }
    if (this.map.get(b.lo) === b) this.map.delete(b.lo);
  }

  /** Drop a block replaced by a new translation: from the lookups and from its page's list. */
  private forget(b: Block): void {
    this.unlink(b);
    const list = this.byPage.get(b.page);
    if (!list) return;
    const at = list.indexOf(b);
    if (at >= 0) list.splice(at, 1);
    if (list.length === 0) this.byPage.delete(b.page);
  }

  /** Whether [ramOffset, ramOffset + len) overlaps translated code. */
  isCode(ramOffset: number, len: number): boolean {
    const last = Math.min((ramOffset + len - 1) >>> CODE_CHUNK_SHIFT, this.codeChunks.length - 1);
    for (let c = ramOffset >>> CODE_CHUNK_SHIFT; c <= last; c++) if (this.codeChunks[c]) return true;
    return false;
  }

  /** Drop the blocks whose code overlaps [ramOffset, ramOffset + len). */
  invalidateRange(ramOffset: number, len: number): void {
    const end = ramOffset + len;
    for (let page = (ramOffset >>> 12) - 1; page <= (end - 1) >>> 12; page++) {
      const list = this.byPage.get(page);
      if (!list) continue;
      const keep: Block[] = [];
      for (const b of list) {
        if (b.ramOffset < end && ramOffset < b.ramOffset + b.bytes) this.unlink(b);
        else keep.push(b);
      }
      if (keep.length === list.length) continue;
      // Re-mark the page from the blocks that survive.
      const base = (page * 4096) >>> CODE_CHUNK_SHIFT;
      this.codeChunks.fill(0, Math.max(base, 0), Math.min(base + (4096 >>> CODE_CHUNK_SHIFT), this.codeChunks.length));
      for (const b of keep) this.mark(b);
      if (keep.length) this.byPage.set(page, keep); else this.byPage.delete(page);
    }
  }

  clear(): void {
    this.frontLo.fill(-1);
    this.frontHi.fill(-1);
    this.frontBlock.fill(undefined);
    this.map.clear();
    this.byPage.clear();
    this.codeChunks.fill(0);
  }
}
