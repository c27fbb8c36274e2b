// The physical address space: RAM plus memory-mapped devices, as on QEMU's `virt` board.
// Only the slow path comes here; RAM accesses normally go straight to typed arrays.
import { Ram } from './ram.js';

/** A memory-mapped device. Offsets are relative to its base; values are zero-extended. */
export interface Device {
  readonly name: string;
  readonly base: number;
  readonly size: number;
  read(offset: number, size: 1 | 2 | 4 | 8): bigint;
  write(offset: number, size: 1 | 2 | 4 | 8, value: bigint): void;
  /** Device state for snapshots. */
  save?(): unknown;
  restore?(state: unknown): void;
}

export class Bus {
  private readonly devices: Device[] = [];

  constructor(readonly ram: Ram) {}

  attach(dev: Device): void {
    for (const d of this.devices) {
      if (dev.base < d.base + d.size && d.base < dev.base + dev.size) throw new Error(`${dev.name} overlaps ${d.name}`);
    }
    this.devices.push(dev);
  }

  list(): readonly Device[] { return this.devices; }

  find(addr: bigint, len: number): { dev: Device; offset: number } | undefined {
    for (const dev of this.devices) {
      const off = addr - BigInt(dev.base);
      if (off >= 0n && off + BigInt(len) <= BigInt(dev.size)) return { dev, offset: Number(off) };
    }
    return undefined;
  }

  /** A physical read; undefined means nothing answers there (an access fault). */
  read(addr: bigint, size: 1 | 2 | 4 | 8): bigint | undefined {
    const off = this.ram.offsetOf(addr, size);
    if (off >= 0) return readRam(this.ram, off, size);
    const hit = this.find(addr, size);
    return hit ? hit.dev.read(hit.offset, size) : undefined;
  }

  /** A physical write; false means nothing answers there. */
  write(addr: bigint, size: 1 | 2 | 4 | 8, value: bigint): boolean {
    const off = this.ram.offsetOf(addr, size);
    if (off >= 0) { writeRam(this.ram, off, size, value); this.ram.dirty.mark(off, size); return true; }
    const hit = this.find(addr, size);
    if (!hit) return false;
    hit.dev.write(hit.offset, size, BigInt.asUintN(size * 8, value));
    return true;
  }
}

export function readRam(ram: Ram, off: number, size: 1 | 2 | 4 | 8): bigint {
  switch (size) {
    case 1: return BigInt(ram.ru8[off]);
    case 2: return BigInt(ram.view.getUint16(off, true));
    case 4: return BigInt(ram.view.getUint32(off, true));
    default: return ram.view.getBigUint64(off, true);
  }
}

export function writeRam(ram: Ram, off: number, size: 1 | 2 | 4 | 8, value: bigint): void {
  switch (size) {
    case 1: ram.ru8[off] = Number(value & 0xffn); break;
    case 2: ram.view.setUint16(off, Number(value & 0xffffn), true); break;
    case 4: ram.view.setUint32(off, Number(value & 0xffffffffn), true); break;
    default: ram.view.setBigUint64(off, BigInt.asUintN(64, value), true); break;
  }
}
