// One hart's translated blocks. A block is found by the virtual pc it starts at, but it is only
// right while that pc still fetches from the RAM its code came from, under the same privilege.
// So blocks survive satp writes and sfence.vma (kernels switch address spaces on every trap
// into and out of user mode): a direct-mapped front table answers most lookups, valid for one
// translation generation of the hart; after satp, sfence.vma or PMP change the generation, a
// lookup translates the pc through the fetch TLB and finds the block by its physical start.
// Blocks of different address spaces at the same virtual address (every user program at 0)
// therefore live side by side.
import type { Block } from './compiler.js';
import type { CodeMap } from './codeMap.js';
import { CODE_CHUNK_SHIFT } from './codegen.js';
import { unchain } from './records.js';
import { frontIndex, FrontTable } from './frontTable.js';

export class BlockCache {
  /** Blocks by the RAM offset of their first byte; blocks sharing it are chained (`alias`). */
  private readonly byStart = new Map<number, Block>();
  /**
   * Blocks by the code-map granule (CODE_CHUNK_SHIFT) their code touches, for dropping the ones
   * a write overlaps: a store into code looks at the few blocks of its granule. (By page, every
   * store of the Linux boot's poisoning of its freed init text looked at a hundred blocks.)
   */
  private readonly byGranule = new Map<number, Block[]>();
  /** How many blocks were translated (for the statistics). */
  compiled = 0;

  /** `table`: the front table, the hart's (Hart.front) for the cache the wasm interpreter chains through. */
  constructor(private readonly code: CodeMap, private readonly table = new FrontTable<Block>()) {
    code.register(this);
  }

  /** The block the front table holds for this pc, valid in generation `gen`, or undefined. */
  front(lo: number, hi: number, gen: number): Block | undefined { return this.table.get(lo, hi, gen); }

  /** `chainable` false: the wasm interpreter must not go into it through the table (a breakpoint at its pc). */
  setFront(b: Block, gen: number, chainable = true): void { this.table.set(b, gen, chainable); }

  /** The block translated for this virtual pc and privilege from code at this RAM offset. */
  find(ramOffset: number, lo: number, hi: number, priv: number): Block | undefined {
    // After a satp write or a fence most lookups find the block the front table already holds
    // (every block in it is live: a dropped block leaves it), so check that one before the map.
    const f = this.table.blocks[frontIndex(lo)];
    if (f !== undefined && f.ramOffset === ramOffset && f.lo === lo && f.hi === hi && f.priv === priv) return f;
    for (let b = this.byStart.get(ramOffset); b; b = b.alias) if (b.lo === lo && b.hi === hi && b.priv === priv) return b;
    return undefined;
  }

  put(b: Block): void {
    this.compiled++;
    b.alias = this.byStart.get(b.ramOffset);
    this.byStart.set(b.ramOffset, b);
    this.mark(b, 1);
  }

  /**
   * Give a block of this cache the code range of the region it becomes (jit/region.ts), so
   * that a write into any of the region's code drops it; false if the block is not here.
   */
  respan(b: Block, codeBefore: number, bytes: number): boolean {
    if (this.find(b.ramOffset, b.lo, b.hi, b.priv) !== b) return false;
    this.mark(b, -1);
    b.codeBefore = codeBefore;
    b.bytes = b.firstBytes = bytes;
    this.mark(b, 1);
    return true;
  }

  /** Count a block's code in the code map (+1) or out (-1), and index it by its granules. */
  private mark(b: Block, delta: 1 | -1): void {
    this.code.mark(b.ramOffset - b.codeBefore, b.codeBefore + b.firstBytes, delta);
    this.index(b, b.ramOffset - b.codeBefore, b.codeBefore + b.firstBytes, delta);
    if (b.page2 >= 0) {
      this.code.mark(b.page2, b.bytes - b.firstBytes, delta);
      this.index(b, b.page2, b.bytes - b.firstBytes, delta);
    }
  }

  private index(b: Block, ramOffset: number, bytes: number, delta: 1 | -1): void {
    const last = (ramOffset + bytes - 1) >>> CODE_CHUNK_SHIFT;
    for (let g = ramOffset >>> CODE_CHUNK_SHIFT; g <= last; g++) {
      let list = this.byGranule.get(g);
      if (delta > 0) {
        // Once per granule: a block's second range (an instruction across a page) is on another page.
        if (list === undefined) this.byGranule.set(g, list = []);
        list.push(b);
      } else if (list !== undefined) {
        const k = list.indexOf(b);
        if (k < 0) continue;
        list[k] = list[list.length - 1];
        list.pop();
        if (list.length === 0) this.byGranule.delete(g);
      }
    }
  }

  private remove(b: Block): void {
    let head = this.byStart.get(b.ramOffset);
    if (head === b) {
      if (b.alias) this.byStart.set(b.ramOffset, b.alias); else this.byStart.delete(b.ramOffset);
    } else {
      while (head && head.alias !== b) head = head.alias;
      if (head) head.alias = b.alias;
    }
    b.alias = undefined;
    b.dropped = true;
    unchain(b);
    this.mark(b, -1);
    // The front table may still point at it, in the one entry its pc maps to.
    this.table.drop(b);
  }

  /** Drop the blocks whose code overlaps [ramOffset, ramOffset + len); whether there were any. */
  dropOverlapping(ramOffset: number, len: number): boolean {
    const end = ramOffset + len;
    let dropped = false;
    for (let g = ramOffset >>> CODE_CHUNK_SHIFT; g <= (end - 1) >>> CODE_CHUNK_SHIFT; g++) {
      const list = this.byGranule.get(g);
      if (list === undefined) continue;
      // From the end: remove() moves the list's last block into the place it empties.
      for (let k = list.length - 1; k >= 0; k--) {
        const b = list[k];
        if (overlaps(b, ramOffset, end)) { this.remove(b); dropped = true; }
      }
    }
    return dropped;
  }

  /** Every block of the cache, once each. */
  private all(): Block[] {
    const blocks: Block[] = [];
    for (const head of this.byStart.values()) for (let b: Block | undefined = head; b; b = b.alias) blocks.push(b);
    return blocks;
  }

  /** Drop the blocks whose virtual range (a region's, or a wait loop's before it, included) holds pc. */
  dropAtVirtual(pc: bigint): void {
    const v = BigInt.asUintN(64, pc);
    for (const b of this.all()) {
      const start = (BigInt(b.hi >>> 0) << 32n) | BigInt(b.lo >>> 0);
      if (v >= start - BigInt(b.codeBefore) && v < start + BigInt(b.bytes)) this.remove(b);
    }
  }

  /** Forget every block (CodeMap.clear, which calls this, zeroes the chunk counts). */
  clear(): void {
    for (const b of this.all()) { b.dropped = true; unchain(b); }
    this.table.clear();
    this.byStart.clear();
    this.byGranule.clear();
  }
}

function overlaps(b: Block, start: number, end: number): boolean {
  if (b.ramOffset - b.codeBefore < end && start < b.ramOffset + b.firstBytes) return true;
  return b.page2 >= 0 && b.page2 < end && start < b.page2 + (b.bytes - b.firstBytes);
}
