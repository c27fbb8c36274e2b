// The kernel heap's free list, through the descriptor, walked defensively: a damaged list (a
// cycle, a block outside the heap, overlapping or unsorted blocks) is reported, never followed
// forever.
import type { Descriptor } from './descriptor.js';
import { hex, u64, type PhysMemory } from './memory.js';

export interface FreeBlock { address: string; size: number; next: string }

export interface HeapView {
  heapStart: string; heapSize: number;
  blocks: FreeBlock[];
  totalFree: number; largestFree: number; used: number;
  /** 1 - largest / total free: 0 when the free space is one block. */
  fragmentation: number;
  /** Why the walk stopped early, when the list is damaged. */
  damage?: string;
  generation: string;
}

export function readHeap(mem: PhysMemory, d: Descriptor): HeapView | string {
  if (d.stage < 1 || d.heapStart === 0n) return 'the heap is not initialised yet';
  const start = d.heapStart, end = d.heapStart + d.heapSize;
  const blocks: FreeBlock[] = [];
  let damage: string | undefined;
  let node = u64(mem, d.heapHead + BigInt(d.nodeOffNext));
  let prevEnd = start;
  const limit = Number(d.heapSize) / Math.max(d.minBlock, 16) + 1;
  while (node !== undefined && node !== 0n) {
    if (blocks.length > limit) { damage = `more than ${limit} blocks: the list has a cycle`; break; }
    if (node < start || node >= end) { damage = `block ${hex(node)} lies outside the heap [${hex(start)}, ${hex(end)})`; break; }
    if (node < prevEnd) {
      damage = blocks.length && node < BigInt(blocks[blocks.length - 1].address)
        ? `block ${hex(node)} comes after a higher address: the list is not sorted`
        : `block ${hex(node)} overlaps the block before it`;
      break;
    }
    const size = u64(mem, node + BigInt(d.nodeOffSize));
    const next = u64(mem, node + BigInt(d.nodeOffNext));
    if (size === undefined || next === undefined) { damage = `block ${hex(node)} is not readable`; break; }
    if (size === 0n || size % BigInt(d.minBlock) !== 0n || node + size > end) { damage = `block ${hex(node)} has an impossible size ${size}`; break; }
    blocks.push({ address: hex(node), size: Number(size), next: hex(next) });
    prevEnd = node + size;
    node = next;
  }
  const totalFree = blocks.reduce((s, b) => s + b.size, 0);
  const largestFree = blocks.reduce((m, b) => Math.max(m, b.size), 0);
  return {
    heapStart: hex(start), heapSize: Number(d.heapSize), blocks, totalFree, largestFree,
    used: Number(d.heapSize) - totalFree, fragmentation: totalFree ? 1 - largestFree / totalFree : 0, damage,
    generation: d.generation.toString(),
  };
}
