// Reading the kernel's debug descriptor (docs/debug-descriptor.md, version 1).
import type { Symbols } from '../symbols.js';
import { u64, type PhysMemory } from './memory.js';

export interface Descriptor {
  address: bigint;
  stage: number;
  generation: bigint;
  memStart: bigint;
  memEnd: bigint;
  heapStart: bigint;
  heapSize: bigint;
  bitmap: bigint;
  bitmapWords: number;
  basePpn: bigint;
  frameCount: number;
  frameStats: bigint;
  rootPpn: bigint;
  heapHead: bigint;
  nodeOffSize: number;
  nodeOffNext: number;
  minBlock: number;
}

export const NO_DESCRIPTOR = 'this kernel has no Chronos debug descriptor (the symbol CHRONOS_DEBUG); see docs/debug-descriptor.md';

export function readDescriptor(mem: PhysMemory, symbols: Symbols): Descriptor | string {
  const sym = symbols.find('CHRONOS_DEBUG');
  if (!sym) return NO_DESCRIPTOR;
  const raw = mem.readPhys(sym.address, 208);
  if (!raw) return `the descriptor at 0x${sym.address.toString(16)} is not in memory`;
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  if (new TextDecoder().decode(raw.subarray(0, 8)) !== 'CHRNDBG\0') return 'the descriptor has the wrong magic';
  const version = dv.getUint16(8, true), size = dv.getUint16(10, true);
  if (version !== 1) return `descriptor version ${version} is not supported (this debugger reads version 1)`;
  if (size < 208) return `the descriptor is too small (${size} bytes)`;
  const p = (off: number): bigint => dv.getBigUint64(off, true);
  const deref = (off: number): bigint => u64(mem, p(off)) ?? 0n;
  const stageWord = mem.readPhys(p(16), 4);
  return {
    address: sym.address,
    stage: stageWord ? new DataView(stageWord.buffer, stageWord.byteOffset).getUint32(0, true) : 0,
    generation: deref(24), memStart: deref(32), memEnd: deref(40), heapStart: deref(64), heapSize: p(72),
    bitmap: p(80), bitmapWords: Number(p(88)), basePpn: deref(96), frameCount: Number(deref(104)), frameStats: p(112),
    rootPpn: deref(120), heapHead: p(128), nodeOffSize: dv.getUint16(146, true), nodeOffNext: dv.getUint16(148, true),
    minBlock: dv.getUint16(150, true),
  };
}
