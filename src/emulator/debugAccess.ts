// The debugger's view of memory: translate a virtual address under any satp (step by step),
// and read or write virtual or physical memory, without side effects: no A/D updates, no guest
// faults, no TLB changes, no device registers touched. Failures are undefined or false.
import { walk, SATP_MODE_SV39, type WalkResult } from './cpu/sv39.js';
import type { Machine } from './machine.js';

export class DebugAccess {
  constructor(private readonly m: Machine) {}

  /** A hart's satp now (the boot hart's by default). */
  satp(hart = 0): bigint { return this.m.harts[hart].csr.satp; }

  /** Translate under `satp` (the hart's by default); bare mode maps one to one. */
  translate(vaddr: bigint, satp = this.satp()): WalkResult {
    if ((BigInt.asUintN(64, satp) >> 60n) !== SATP_MODE_SV39) return { ok: true, paddr: BigInt.asUintN(64, vaddr), pte: 0n, level: -1, steps: [] };
    return walk(satp, vaddr, (pa) => this.readPhysWord(pa));
  }

  private readPhysWord(paddr: bigint): bigint | undefined {
    // Page tables live in RAM: read the entry in place rather than through readPhys's copy
    // (a stop checks hundreds of TLB entries by walking, debugger/inspectors/staleTlb.ts).
    const ram = this.m.ram, off = ram.offsetOf(paddr, 8);
    if (off >= 0) return ram.view.getBigUint64(off, true);
    const b = this.readPhys(paddr, 8);
    return b ? new DataView(b.buffer).getBigUint64(0, true) : undefined;
  }

  /** RAM or ROM bytes; undefined if any byte lies elsewhere (device registers are never read). */
  readPhys(paddr: bigint, len: number): Uint8Array | undefined {
    if (len < 0 || len > 64 * 1024 * 1024) return undefined;
    const ram = this.m.ram;
    const off = ram.offsetOf(paddr, len);
    if (off >= 0) return ram.ru8.slice(off, off + len);
    const rom = this.m.bus.find(paddr, len);
    if (rom && rom.dev.name === 'mrom') {
      const out = new Uint8Array(len);
      for (let i = 0; i < len; i++) out[i] = Number(rom.dev.read(rom.offset + i, 1));
      return out;
    }
    return undefined;
  }

  /** Write RAM; translated code that overlaps is dropped. */
  writePhys(paddr: bigint, bytes: Uint8Array): boolean {
    const ram = this.m.ram;
    const off = ram.offsetOf(paddr, bytes.length);
    if (off < 0) return false;
    ram.ru8.set(bytes, off);
    ram.dirty.mark(off, bytes.length);
    this.m.code.invalidateRange(off, bytes.length);
    return true;
  }

  /** Read virtual memory page by page; undefined if any page is unmapped or not RAM. */
  readVirt(vaddr: bigint, len: number, satp = this.satp()): Uint8Array | undefined {
    const out = new Uint8Array(len);
    let done = 0;
    while (done < len) {
      const va = vaddr + BigInt(done);
      const chunk = Math.min(len - done, 4096 - Number(BigInt.asUintN(12, va)));
      const t = this.translate(va, satp);
      if (!t.ok) return undefined;
      const bytes = this.readPhys(t.paddr, chunk);
      if (!bytes) return undefined;
      out.set(bytes, done);
      done += chunk;
    }
    return out;
  }

  /** Read virtual memory from vaddr up to the first page that is unmapped or not RAM (possibly nothing). */
  readVirtPrefix(vaddr: bigint, len: number, satp = this.satp()): Uint8Array {
    const out = new Uint8Array(len);
    let done = 0;
    while (done < len) {
      const va = BigInt.asUintN(64, vaddr + BigInt(done));
      const chunk = Math.min(len - done, 4096 - Number(BigInt.asUintN(12, va)));
      const t = this.translate(va, satp);
      const bytes = t.ok ? this.readPhys(t.paddr, chunk) : undefined;
      if (!bytes) break;
      out.set(bytes, done);
      done += chunk;
    }
    return out.subarray(0, done);
  }

  writeVirt(vaddr: bigint, bytes: Uint8Array, satp = this.satp()): boolean {
    // Translate every page first, so a failure writes nothing.
    const parts: [bigint, Uint8Array][] = [];
    let done = 0;
    while (done < bytes.length) {
      const va = vaddr + BigInt(done);
      const chunk = Math.min(bytes.length - done, 4096 - Number(BigInt.asUintN(12, va)));
      const t = this.translate(va, satp);
      if (!t.ok || this.m.ram.offsetOf(t.paddr, chunk) < 0) return false;
      parts.push([t.paddr, bytes.subarray(done, done + chunk)]);
      done += chunk;
    }
    return parts.every(([pa, b]) => this.writePhys(pa, b));
  }

  /** Read a hart's CSR as M-mode would, with no side effects; undefined if it does not exist. */
  peekCsr(num: number, hart = 0): bigint | undefined {
    const h = this.m.harts[hart], saved = h.priv;
    h.priv = 3;
    try { return h.csr.read(num); } finally { h.priv = saved; }
  }

  /** Write a hart's CSR as M-mode would; false if it does not exist or is read-only. */
  pokeCsr(num: number, value: bigint, hart = 0): boolean {
    if ((num >>> 10) === 3) return false;
    const h = this.m.harts[hart], saved = h.priv;
    h.priv = 3;
    try { return h.csr.write(num, BigInt.asIntN(64, value)); } finally { h.priv = saved; h.flushTranslations(); }
  }
}
