// Guest RAM: one ArrayBuffer with a typed-array view per access width, so the translated
// code's fast path is a single indexed read. Assumes a little-endian host, as every host
// VS Code runs on is.

import { DRAM } from '../board/virtMap.js';
import { DirtyPages, PAGE_SHIFT } from './dirtyPages.js';

export const RAM_BASE = DRAM.base;

export class Ram {
  readonly buffer: ArrayBuffer;
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

  constructor(readonly base: number, readonly size: number) {
    if (size <= 0 || size % 4096 !== 0) throw new Error(`RAM size must be a positive multiple of 4 KiB, not ${size}`);
    this.buffer = new ArrayBuffer(size);
    this.r8 = new Int8Array(this.buffer); this.ru8 = new Uint8Array(this.buffer);
    this.r16 = new Int16Array(this.buffer); this.ru16 = new Uint16Array(this.buffer);
    this.r32 = new Int32Array(this.buffer); this.ru32 = new Uint32Array(this.buffer);
    this.r64 = new BigInt64Array(this.buffer);
    this.view = new DataView(this.buffer);
    this.dirty = new DirtyPages(size >>> PAGE_SHIFT);
  }

  /** Offset of a physical address inside RAM, or -1 when [addr, addr+len) is not all RAM. */
  offsetOf(addr: bigint, len: number): number {
    // In doubles: exact below 2^53, and anything above that is far past RAM's end anyway.
    const off = Number(addr) - this.base;
    return off >= 0 && off + len <= this.size ? off : -1;
  }
}
