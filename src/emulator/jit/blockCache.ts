// Translated blocks, found by the pc they start at. A small direct-mapped front table answers
// almost every lookup; a Map behind it holds the rest. Blocks are dropped page by page when
// the guest writes to a page they were translated from.
import type { CodeWatcher } from '../cpu/hart.js';
import type { Block } from './compiler.js';

const FRONT = 4096;

export class BlockCache implements CodeWatcher {
  private readonly frontLo = new Float64Array(FRONT).fill(-1);
  private readonly frontHi = new Float64Array(FRONT).fill(-1);
  private readonly frontBlock: (Block | undefined)[] = new Array(FRONT).fill(undefined);
  private readonly map = new Map<number, Block>();
  private readonly byPage = new Map<number, Block[]>();
  private codePages: Uint8Array;
  /** Called when a page becomes a code page, so the hart stops writing it on the fast path. */
  onNewCodePage: (page: number) => void = () => {};
  compiled = 0;

  constructor(ramPages: number) {
    this.codePages = new Uint8Array(ramPages);
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
    if (!this.codePages[b.page]) { this.codePages[b.page] = 1; this.onNewCodePage(b.page); }
    const i = (b.lo >>> 1) & (FRONT - 1);
    this.frontLo[i] = b.lo; this.frontHi[i] = b.hi; this.frontBlock[i] = b;
  }

  private forget(b: Block): void {
    const i = (b.lo >>> 1) & (FRONT - 1);
    if (this.frontBlock[i] === b) { this.frontLo[i] = -1; this.frontBlock[i] = undefined; }
    if (this.map.get(b.lo) === b) this.map.delete(b.lo);
  }

  isCodePage(page: number): boolean {
    return this.codePages[page] === 1;
  }

  /** Drop the blocks translated from one RAM page, or every block for page -1. */
  invalidatePage(page: number): void {
    if (page < 0) { this.clear(); return; }
    const list = this.byPage.get(page);
    if (list) for (const b of list) this.forget(b);
    this.byPage.delete(page);
    this.codePages[page] = 0;
  }

  clear(): void {
    this.frontLo.fill(-1);
    this.frontHi.fill(-1);
    this.frontBlock.fill(undefined);
    this.map.clear();
    this.byPage.clear();
    this.codePages.fill(0);
  }
}
