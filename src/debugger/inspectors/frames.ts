// The physical frame bitmap, through the descriptor: totals and one state per frame.
import type { Descriptor } from './descriptor.js';
import { u64, type PhysMemory } from './memory.js';

export interface FramesView {
  basePpn: string;
  frameCount: number;
  total: number; free: number; allocated: number;
  /** The most frames ever allocated, when the kernel keeps count. */
  peak?: number;
  /** Why the free list could not be read to its end (a kernel that keeps one), when it is damaged. */
  damage?: string;
  /** Where the bitmap is (physical), when the kernel keeps one: frame i is bit i % 8 of its byte i / 8. */
  bitmapAddress?: string;
  /** One character per frame: '1' allocated, '0' free. */
  bitmap: string;
  generation: string;
}

export function readFrames(mem: PhysMemory, d: Descriptor): FramesView | string {
  if (d.stage < 2) return 'the frame allocator is not initialised yet';
  const words = Math.ceil(d.frameCount / 64);
  const raw = mem.readPhys(d.bitmap, words * 8);
  if (!raw) return 'the frame bitmap is not readable';
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  let bits = '';
  for (let w = 0; w < words; w++) {
    const v = dv.getBigUint64(w * 8, true);
    for (let b = 0; b < 64 && w * 64 + b < d.frameCount; b++) bits += (v >> BigInt(b)) & 1n ? '1' : '0';
  }
  const stat = (i: number): number => Number(u64(mem, d.frameStats + BigInt(8 * i)) ?? 0n);
  return { basePpn: `0x${d.basePpn.toString(16)}`, frameCount: d.frameCount, total: stat(0), free: stat(1), allocated: stat(2), peak: stat(3), bitmapAddress: `0x${d.bitmap.toString(16)}`, bitmap: bits, generation: d.generation.toString() };
}
