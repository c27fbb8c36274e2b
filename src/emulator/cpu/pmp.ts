// Physical memory protection (privileged spec §3.7): the pmpcfg/pmpaddr entries as ranges,
// rebuilt when software writes them and consulted only when a translation is made (a TLB
// fill), so the fast path never sees them. As on QEMU 7.2, an S- or U-mode access that no
// entry matches fails; M-mode is bound only by locked entries.
import { Priv } from './causes.js';
import type { AccessKind } from './hart.js';

interface Region { lo: bigint; hi: bigint; perm: number; locked: boolean }

const PERM: Record<AccessKind, number> = { load: 1, store: 2, fetch: 4 };
/** pmpaddr holds bits 55..2 of an address: 54 bits (RV64). */
export const PMPADDR_MASK = (1n << 54n) - 1n;

export class Pmp {
  private regions: Region[] = [];
  private anyLocked = false;

  /**
   * Rebuild from the CSRs: pmpcfg[0], [2], ... hold eight entries each (RV64); pmpaddr values
   * as the CSR file keeps them, already within PMPADDR_MASK.
   */
  update(pmpcfg: readonly bigint[], pmpaddr: readonly bigint[]): void {
    const regions: Region[] = [];
    for (let i = 0; i < pmpaddr.length; i++) {
      const cfg = Number((pmpcfg[(i >> 3) * 2] >> BigInt((i & 7) * 8)) & 0xffn);
      const mode = (cfg >> 3) & 3, addr = pmpaddr[i];
      let lo: bigint, hi: bigint;
      if (mode === 0) continue;
      if (mode === 1) { lo = i === 0 ? 0n : pmpaddr[i - 1] << 2n; hi = addr << 2n; }                // TOR
      else if (mode === 2) { lo = addr << 2n; hi = lo + 4n; }                                          // NA4
      else {                                                                                           // NAPOT
        let ones = 0n;
        while (ones < 54n && ((addr >> ones) & 1n)) ones++;
        lo = (addr & ~((1n << ones) - 1n)) << 2n;
        hi = lo + (1n << (ones + 3n));
      }
      if (hi > lo) regions.push({ lo, hi, perm: cfg & 7, locked: (cfg & 0x80) !== 0 });
    }
    this.regions = regions;
    this.anyLocked = regions.some((r) => r.locked);
  }

  /**
   * Whether every byte of the 4 KiB page at `pageBase` gets the same answer for every access
   * (no region starts or ends inside it), so that a check of one address in it holds for all.
   */
  uniformPage(pageBase: bigint): boolean {
    const end = pageBase + 4096n;
    for (const r of this.regions) if ((r.lo > pageBase && r.lo < end) || (r.hi > pageBase && r.hi < end)) return false;
    return true;
  }

  /** Whether `priv` may make this access to physical address `pa`. */
  allows(pa: bigint, kind: AccessKind, priv: Priv): boolean {
    if (priv === Priv.M && !this.anyLocked) return true;
    for (const r of this.regions) {
      if (pa < r.lo || pa >= r.hi) continue;
      if (priv === Priv.M && !r.locked) return true;
      return (r.perm & PERM[kind]) !== 0;
    }
    return priv === Priv.M;
  }
}
