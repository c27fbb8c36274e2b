// The CLINT on QEMU `virt` (SiFive's core-local interruptor): one msip word per hart at
// +4 * hart, one mtimecmp per hart at +0x4000 + 8 * hart, and the shared mtime at +0xbff8.
// It raises each hart's MSIP and MTIP; time itself comes from the machine's clock.
import type { Region } from '../board/virtMap.js';
import type { Device } from '../memory/bus.js';

export const TIMEBASE_HZ = 10_000_000;
const MTIMECMP = 0x4000, MTIME = 0xbff8;
const NEVER = (1n << 64n) - 1n;

export interface ClintState { msip: number[]; mtimecmp: bigint[] }

export class Clint implements Device {
  readonly name: string;
  readonly base: number;
  readonly size: number;
  readonly msip: number[];
  readonly mtimecmp: bigint[];
  /** Told which hart's msip or mtimecmp changed. */
  onChange: (hart: number) => void = () => {};

  constructor(region: Region, readonly harts: number, private readonly now: () => bigint) {
    this.name = region.name; this.base = region.base; this.size = region.size;
    this.msip = new Array<number>(harts).fill(0);
    this.mtimecmp = new Array<bigint>(harts).fill(NEVER);
  }

  read(offset: number, size: 1 | 2 | 4 | 8): bigint {
    const field = (value: bigint, at: number): bigint => {
      const shift = BigInt((offset - at) * 8);
      return (value >> shift) & ((1n << BigInt(size * 8)) - 1n);
    };
    if (offset < 4 * this.harts) return field(BigInt(this.msip[offset >> 2]), offset & ~3);
    if (offset >= MTIMECMP && offset < MTIMECMP + 8 * this.harts) {
      const h = (offset - MTIMECMP) >> 3;
      return field(this.mtimecmp[h], MTIMECMP + 8 * h);
    }
    if (offset >= MTIME && offset < MTIME + 8) return field(this.now(), MTIME);
    return 0n;
  }

  write(offset: number, size: 1 | 2 | 4 | 8, value: bigint): void {
    const merge = (old: bigint, at: number): bigint => {
      const shift = BigInt((offset - at) * 8), mask = ((1n << BigInt(size * 8)) - 1n) << shift;
      return (old & ~mask) | ((value << shift) & mask);
    };
    if (offset < 4 * this.harts) {
      const h = offset >> 2;
      if ((offset & 3) === 0) this.msip[h] = Number(value & 1n);
      this.onChange(h);
    } else if (offset >= MTIMECMP && offset < MTIMECMP + 8 * this.harts) {
      const h = (offset - MTIMECMP) >> 3;
      this.mtimecmp[h] = BigInt.asUintN(64, merge(this.mtimecmp[h], MTIMECMP + 8 * h));
      this.onChange(h);
    }
    // mtime is the machine's clock; writes to it are ignored.
  }

  save(): ClintState { return { msip: [...this.msip], mtimecmp: [...this.mtimecmp] }; }
  restore(s: unknown): void {
    const st = s as ClintState;
    this.msip.splice(0, this.harts, ...st.msip);
    this.mtimecmp.splice(0, this.harts, ...st.mtimecmp);
  }
}
