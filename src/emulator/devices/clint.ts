// The CLINT on QEMU `virt` (SiFive's core-local interruptor): msip at +0x0,
// mtimecmp at +0x4000, mtime at +0xbff8, for hart 0. It raises MSIP and MTIP; time itself
// comes from the machine's clock.
import type { Region } from '../board/virtMap.js';
import type { Device } from '../memory/bus.js';

export const TIMEBASE_HZ = 10_000_000;

export interface ClintState { msip: number; mtimecmp: bigint }

export class Clint implements Device {
  readonly name: string;
  readonly base: number;
  readonly size: number;
  msip = 0;
  mtimecmp = -1n & ((1n << 64n) - 1n);
  /** Told when msip or mtimecmp changed. */
  onChange: () => void = () => {};

  constructor(region: Region, private readonly now: () => bigint) {
    this.name = region.name; this.base = region.base; this.size = region.size;
  }

  read(offset: number, size: 1 | 2 | 4 | 8): bigint {
    const field = (value: bigint, at: number): bigint => {
      const shift = BigInt((offset - at) * 8);
      return (value >> shift) & ((1n << BigInt(size * 8)) - 1n);
    };
    if (offset < 4) return field(BigInt(this.msip), 0);
    if (offset >= 0x4000 && offset < 0x4008) return field(this.mtimecmp, 0x4000);
    if (offset >= 0xbff8 && offset < 0xc000) return field(this.now(), 0xbff8);
    return 0n;
  }

  write(offset: number, size: 1 | 2 | 4 | 8, value: bigint): void {
    const merge = (old: bigint, at: number): bigint => {
      const shift = BigInt((offset - at) * 8), mask = ((1n << BigInt(size * 8)) - 1n) << shift;
      return (old & ~mask) | ((value << shift) & mask);
    };
    if (offset < 4) this.msip = Number(value & 1n);
    else if (offset >= 0x4000 && offset < 0x4008) this.mtimecmp = BigInt.asUintN(64, merge(this.mtimecmp, 0x4000));
    // mtime is the machine's clock; writes to it are ignored.
    this.onChange();
  }

  save(): ClintState { return { msip: this.msip, mtimecmp: this.mtimecmp }; }
  restore(s: unknown): void { const st = s as ClintState; this.msip = st.msip; this.mtimecmp = st.mtimecmp; }
}
