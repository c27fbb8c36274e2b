// Guest RAM: one stretch of memory with a typed-array view per access width, so the translated
// code's fast path is a single indexed read. It lies in the machine's arena (memory/arena.ts),
// so not at byte 0 of its buffer: read it through the views, never `new X(buffer)`. Assumes a
// little-endian host, as every host VS Code runs on is.

import { DRAM } from '../board/virtMap.js';
import { DirtyPages, PAGE_SHIFT } from './dirtyPages.js';
import type { Slot } from './arena.js';

export const RAM_BASE = DRAM.base;

export class Ram {
  /** The buffer the views lie in, and where RAM starts in it. */
  readonly buffer: ArrayBuffer;
  readonly byteOffset: number;
  readonly r8: Int8Array; readonly ru8: Uint8Array;
  readonly r16: Int16Array; readonly ru16: Uint16Array;
  readonly r32: Int32Array; readonly ru32: Uint32Array;
  readonly r64: BigInt64Array;
  readonly view: DataView;
  /**
   * Pages written since time travel last took its record (memory/dirtyPages.ts). Code that
   * writes these arrays directly, not through the bus or DebugAccess, marks what it wrote.
   */
  readonly dirty: DirtyPages;

  /** `slot`: where it lives (size bytes there, 8-byte aligned), else in a buffer of its own. */
  constructor(readonly base: number, readonly size: number, slot?: Slot) {
    if (size <= 0 || size % 4096 !== 0) throw new Error(`RAM size must be a positive multiple of 4 KiB, not ${size}`);
    const b = slot?.buffer ?? new ArrayBuffer(size), o = slot?.offset ?? 0;
    this.buffer = b;
    this.byteOffset = o;
    this.r8 = new Int8Array(b, o, size); this.ru8 = new Uint8Array(b, o, size);
    this.r16 = new Int16Array(b, o, size >>> 1); this.ru16 = new Uint16Array(b, o, size >>> 1);
    this.r32 = new Int32Array(b, o, size >>> 2); this.ru32 = new Uint32Array(b, o, size >>> 2);
    this.r64 = new BigInt64Array(b, o, size >>> 3);
    this.view = new DataView(b, o, size);
    this.dirty = new DirtyPages(size >>> PAGE_SHIFT);
  }

  /** Offset of a physical address inside RAM, or -1 when [addr, addr+len) is not all RAM. */
  offsetOf(addr: bigint, len: number): number {
    // In doubles: exact below 2^53, and anything above that is far past RAM's end anyway.
    const off = Number(addr) - this.base;
    return off >= 0 && off + len <= this.size ? off : -1;
  }
}
