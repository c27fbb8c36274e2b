// How inspectors read guest memory: physical bytes, no side effects (DebugAccess underneath).

export interface PhysMemory {
  readPhys(paddr: bigint, len: number): Uint8Array | undefined;
}

export function u64(m: PhysMemory, pa: bigint): bigint | undefined {
  const b = m.readPhys(pa, 8);
  return b ? new DataView(b.buffer, b.byteOffset).getBigUint64(0, true) : undefined;
}

export { hex } from '../../emulator/hex.js';
