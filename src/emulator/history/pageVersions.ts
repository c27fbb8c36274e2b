// The contents of RAM pages at time travel's checkpoints. A checkpoint adds a copy of each page
// written since the checkpoint before it; a page's content at a checkpoint is then its latest
// copy at or before that checkpoint, and a page no checkpoint holds is all zeros (the first
// checkpoint copies every page that is not). Memory grows with the pages written, not with RAM.
import { PAGE_SHIFT } from '../memory/dirtyPages.js';

export const PAGE_SIZE = 1 << PAGE_SHIFT;

interface Version { at: number; data: Uint8Array }

export class PageVersions {
  /** Per page, its copies in the order of their checkpoints' positions (`at`). */
  private readonly versions = new Map<number, Version[]>();
  /** Bytes held in page copies. */
  bytes = 0;

  /**
   * Keep `data` (a page's copy, owned from now on) as the page's content at the checkpoint at
   * position `at`. Checkpoints may be added between others (a step back leaves some behind).
   */
  add(page: number, at: number, data: Uint8Array): void {
    let list = this.versions.get(page);
    if (!list) { list = []; this.versions.set(page, list); }
    let i = list.length;
    while (i > 0 && list[i - 1].at > at) i--;
    if (i > 0 && list[i - 1].at === at) { list[i - 1].data = data; return; }
    list.splice(i, 0, { at, data });
    this.bytes += PAGE_SIZE;
  }

  /** The page's content at the checkpoint at position `at`; undefined for a page of zeros. */
  at(page: number, at: number): Uint8Array | undefined {
    const list = this.versions.get(page);
    if (!list) return undefined;
    for (let i = list.length - 1; i >= 0; i--) if (list[i].at <= at) return list[i].data;
    return undefined;
  }

  /**
   * The oldest checkpoint (at `old`) is dropped; the one at `next` becomes the oldest. A page's
   * copy at `old` is still its content at `next` when `next` holds none of its own, so it moves
   * there. Returns the pages that moved (they join `next`'s list).
   */
  dropOldest(old: number, pages: Int32Array, next: number): number[] {
    const moved: number[] = [];
    for (const p of pages) {
      const list = this.versions.get(p);
      if (!list || list[0].at !== old) continue;
      if (list.length > 1 && list[1].at === next) { list.shift(); this.bytes -= PAGE_SIZE; }
      else { list[0].at = next; moved.push(p); }
    }
    return moved;
  }
}

/** Whether a page of RAM (Uint32 view, page index) holds only zeros. */
export function pageIsZero(words: Uint32Array, page: number): boolean {
  const start = page << (PAGE_SHIFT - 2), end = start + (PAGE_SIZE >>> 2);
  for (let i = start; i < end; i++) if (words[i] !== 0) return false;
  return true;
}
