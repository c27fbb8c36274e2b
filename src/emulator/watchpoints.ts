// Data watchpoints: ranges of memory a debugger watches for reads or writes. The hart makes no
// TLB entry for a page holding watched bytes (virtual pages for virtual watchpoints, physical
// ones for physical), so every access to such a page takes the slow path, where check() can
// stop the machine before the access happens; other pages keep their fast path. Resuming lets
// that one access through (skip).
import type { AccessKind } from './cpu/hart.js';

export interface Watchpoint { address: bigint; size: number; access: 'read' | 'write' | 'readWrite'; physical: boolean }

export interface WatchHit { address: bigint; size: number; access: 'read' | 'write' }

export class Watchpoints {
  private list: Watchpoint[] = [];
  /** Set when resuming from a watchpoint stop: the access that stopped goes through once. */
  skip = false;

  get active(): boolean { return this.list.length > 0; }

  set(list: Watchpoint[]): void {
    this.list = list.map((w) => ({ ...w, address: BigInt.asUintN(64, w.address) }));
  }

  /** Whether the page of vaddr (virtual watchpoints) or of paddr (physical ones) holds watched bytes. */
  onPage(vaddr: bigint, paddr: bigint): boolean {
    for (const w of this.list) {
      const page = BigInt.asUintN(64, w.physical ? paddr : vaddr) >> 12n;
      if (page >= w.address >> 12n && page <= (w.address + BigInt(Math.max(w.size, 1)) - 1n) >> 12n) return true;
    }
    return false;
  }

  /** The watched range an access touches, or undefined; fetches are never watched. */
  check(vaddr: bigint, paddr: bigint, size: number, kind: AccessKind): WatchHit | undefined {
    if (this.skip || kind === 'fetch') return undefined;
    const access = kind === 'load' ? 'read' : 'write';
    for (const w of this.list) {
      if (w.access !== 'readWrite' && w.access !== access) continue;
      const a = w.physical ? paddr : BigInt.asUintN(64, vaddr);
      if (a < w.address + BigInt(w.size) && w.address < a + BigInt(size)) return { address: a, size, access };
    }
    return undefined;
  }
}
