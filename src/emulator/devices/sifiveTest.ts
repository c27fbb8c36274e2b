// The sifive_test "finisher" on QEMU `virt`: the way a bare program or a kernel
// ends the run with a status. A 32-bit write of 0x5555 passes (status 0), (code << 16) | 0x3333
// fails with `code`, 0x7777 resets the machine. Other values are ignored, as on QEMU.
import type { Region } from '../board/virtMap.js';
import type { Device } from '../memory/bus.js';

export const FINISHER_PASS = 0x5555, FINISHER_FAIL = 0x3333, FINISHER_RESET = 0x7777;

export type FinisherEvent = { kind: 'exit'; status: number } | { kind: 'reset' };

export class SifiveTest implements Device {
  readonly name: string;
  readonly base: number;
  readonly size: number;
  onFinish: (e: FinisherEvent) => void = () => {};

  constructor(region: Region) {
    this.name = region.name; this.base = region.base; this.size = region.size;
  }

  read(): bigint { return 0n; }

  write(offset: number, size: number, value: bigint): void {
    if (offset !== 0 || size < 2) return;
    const v = Number(value & 0xffffffffn);
    switch (v & 0xffff) {
      case FINISHER_PASS: this.onFinish({ kind: 'exit', status: 0 }); break;
      case FINISHER_FAIL: this.onFinish({ kind: 'exit', status: v >>> 16 }); break;
      case FINISHER_RESET: this.onFinish({ kind: 'reset' }); break;
      default: break;
    }
  }
}
