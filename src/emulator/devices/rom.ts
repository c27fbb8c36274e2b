// Read-only memory: QEMU's MROM holds the reset vector and the fw_dynamic_info a firmware
// may read. Only data is read from it here; the reset code's effect is applied directly when
// the machine boots (see board/boot.ts), which also rewrites `bytes` at every boot.
import type { Region } from '../board/virtMap.js';
import type { Device } from '../memory/bus.js';

export class Rom implements Device {
  readonly name: string;
  readonly base: number;
  readonly size: number;
  constructor(region: Region, readonly bytes: Uint8Array) {
    this.name = region.name; this.base = region.base; this.size = region.size;
  }

  read(offset: number, size: 1 | 2 | 4 | 8): bigint {
    let v = 0n;
    for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(this.bytes[offset + i] ?? 0);
    return v;
  }

  write(): void { /* read-only */ }
}
