// SV39 address translation (ISA manual vol. II, §10.3-10.4). Three levels of 512 eight-byte
// entries; a virtual address is VPN[2] (bits 38:30), VPN[1] (29:21), VPN[0] (20:12) and the
// page offset, and bits 63:39 must copy bit 38. A/D bits are set by the walk, as QEMU 7.2 does.
import { Exception, Priv } from './causes.js';
import { MPP_SHIFT, MSTATUS } from '../isa/csrFields.js';
import type { AccessKind, Hart } from './hart.js';

export const PTE = { V: 1n, R: 2n, W: 4n, X: 8n, U: 16n, G: 32n, A: 64n, D: 128n } as const;
export const SATP_MODE_BARE = 0n, SATP_MODE_SV39 = 8n;

const PAGE_FAULT: Record<AccessKind, Exception> = {
  fetch: Exception.InstructionPageFault, load: Exception.LoadPageFault, store: Exception.StorePageFault,
};
const ACCESS_FAULT: Record<AccessKind, Exception> = {
  fetch: Exception.InstructionAccessFault, load: Exception.LoadAccessFault, store: Exception.StoreAccessFault,
};

export interface Translator {
  /** Physical address for an access, or undefined after raising the fault on the hart. */
  translate(vaddr: bigint, kind: AccessKind): bigint | undefined;
}

/** One step of a walk, for the debugger's "translate address" view: the entry read at a level. */
export interface WalkStep { level: number; index: number; pteAddress: bigint; pte: bigint }

/** Bits 53:10 of a PTE: the physical page number (44 bits). */
export const pteToPpn = (pte: bigint): bigint => (pte >> 10n) & ((1n << 44n) - 1n);
/** Whether a valid PTE is a leaf (R or X set) rather than a pointer to the next level. */
export const isLeaf = (pte: bigint): boolean => (pte & (PTE.R | PTE.X)) !== 0n;
/** Bytes a leaf at `level` maps: 4 KiB, 2 MiB, 1 GiB. */
export const pageBytes = (level: number): bigint => 1n << BigInt(12 + 9 * level);
/** satp's PPN field: the root table. */
export const satpRootPpn = (satp: bigint): bigint => BigInt.asUintN(64, satp) & ((1n << 44n) - 1n);
export const satpMode = (satp: bigint): bigint => BigInt.asUintN(64, satp) >> 60n;
/** satp's ASID field (16 bits, as QEMU keeps them writable). */
export const satpAsid = (satp: bigint): bigint => (BigInt.asUintN(64, satp) >> 44n) & 0xffffn;

export type WalkResult =
  | { ok: true; paddr: bigint; pte: bigint; level: number; steps: WalkStep[] }
  | { ok: false; reason: string; steps: WalkStep[]; accessFault?: boolean };

/**
 * Walk the tables under `satp` for `vaddr`, reading PTEs with `read` (physical, 8 bytes, or
 * undefined where nothing answers). Checks structure only, not permissions.
 */
export function walk(satp: bigint, vaddr: bigint, read: (paddr: bigint) => bigint | undefined): WalkResult {
  const steps: WalkStep[] = [];
  const va = BigInt.asUintN(64, vaddr);
  if (BigInt.asIntN(39, va) !== BigInt.asIntN(64, va)) return { ok: false, reason: 'not canonical: bits 63:39 must copy bit 38', steps };
  let table = satpRootPpn(satp) << 12n;
  for (let level = 2; level >= 0; level--) {
    const index = Number((va >> BigInt(12 + 9 * level)) & 511n);
    const pteAddress = table + BigInt(index * 8);
    const pte = read(pteAddress);
    if (pte === undefined) return { ok: false, reason: `level-${level} table at 0x${table.toString(16)} is not in memory`, steps, accessFault: true };
    steps.push({ level, index, pteAddress, pte });
    if ((pte & PTE.V) === 0n) return { ok: false, reason: `level-${level} entry ${index} is not valid`, steps };
    if ((pte & PTE.R) === 0n && (pte & PTE.W) !== 0n) return { ok: false, reason: `level-${level} entry ${index} is writable but not readable (reserved)`, steps };
    const ppn = pteToPpn(pte);
    if (isLeaf(pte)) {
      // A leaf: at level 1 or 2 it is a superpage, and its PPN must be aligned to it.
      const low = (1n << BigInt(9 * level)) - 1n;
      if ((ppn & low) !== 0n) return { ok: false, reason: `misaligned ${level === 2 ? '1 GiB' : '2 MiB'} superpage`, steps };
      const offsetBits = BigInt(12 + 9 * level);
      const paddr = ((ppn >> BigInt(9 * level)) << offsetBits) | (va & ((1n << offsetBits) - 1n));
      return { ok: true, paddr, pte, level, steps };
    }
    if (level === 0) return { ok: false, reason: 'level-0 entry is not a leaf', steps };
    table = ppn << 12n;
  }
  return { ok: false, reason: 'unreachable', steps };
}

/** Why an access is not allowed by a leaf PTE, or undefined when it is. */
export function permissionProblem(pte: bigint, kind: AccessKind, priv: Priv, sum: boolean, mxr: boolean): string | undefined {
  const user = (pte & PTE.U) !== 0n;
  if (priv === Priv.U && !user) return 'a supervisor page accessed from U-mode';
  if (priv === Priv.S && user && (kind === 'fetch' || !sum)) return kind === 'fetch' ? 'S-mode may not execute a user page' : 'a user page accessed from S-mode without SUM';
  switch (kind) {
    case 'fetch': return (pte & PTE.X) ? undefined : 'the page is not executable';
    case 'load': return (pte & PTE.R) || (mxr && (pte & PTE.X)) ? undefined : 'the page is not readable';
    case 'store': return (pte & PTE.W) ? undefined : 'the page is not writable';
  }
}

export class Sv39 implements Translator {
  constructor(private readonly hart: Hart) {}

  translate(vaddr: bigint, kind: AccessKind): bigint | undefined {
    const h = this.hart, csr = h.csr;
    // Loads and stores in M-mode with MPRV translate as the privilege in MPP (vol. II §3.1.6.3).
    let priv = h.priv;
    if (kind !== 'fetch' && priv === Priv.M && (csr.mstatus & MSTATUS.MPRV)) priv = Number((csr.mstatus & MSTATUS.MPP) >> MPP_SHIFT) as Priv;
    if (priv === Priv.M || satpMode(csr.satp) !== SATP_MODE_SV39) return this.checked(BigInt.asUintN(64, vaddr), vaddr, kind, priv);
    const quick = this.quickWalk(vaddr, kind, priv);
    if (quick >= 0) return this.checked(BigInt(quick), vaddr, kind, priv);
    const r = walk(csr.satp, vaddr, (pa) => h.bus.read(pa, 8));
    if (!r.ok) {
      h.exception(r.accessFault ? ACCESS_FAULT[kind] : PAGE_FAULT[kind], vaddr);
      return undefined;
    }
    if (permissionProblem(r.pte, kind, priv, (csr.mstatus & MSTATUS.SUM) !== 0n, (csr.mstatus & MSTATUS.MXR) !== 0n)) {
      h.exception(PAGE_FAULT[kind], vaddr);
      return undefined;
    }
    // Set A, and D for a store, in the PTE itself as QEMU does (no fault for clear A/D).
    const want = PTE.A | (kind === 'store' ? PTE.D : 0n);
    if ((r.pte & want) !== want) {
      const last = r.steps[r.steps.length - 1];
      h.bus.write(last.pteAddress, 8, r.pte | want);
    }
    return this.checked(r.paddr, vaddr, kind, priv);
  }

  /**
   * The walk of the common case in plain numbers, with nothing allocated: tables and leaf in
   * RAM, the leaf allowing the access, its A (and for a store D) bit already set. -1 for
   * anything else (a fault, a table outside RAM, a PTE to update), which the general walk then
   * does again with every check and its exact fault. Kernels refill TLBs after every satp
   * write and fence and take the slow path for every AMO's first access to a page, so this runs
   * often; the general walk builds a record of each step for the debugger's views.
   */
  private quickWalk(vaddr: bigint, kind: AccessKind, priv: Priv): number {
    const h = this.hart, csr = h.csr, ram = h.bus.ram, words = ram.ru32;
    const lo = Number(BigInt.asUintN(32, vaddr)), hi = Number(BigInt.asIntN(32, vaddr >> 32n));
    // Bits 63:39 must copy bit 38 (bit 6 of the high half).
    if ((hi >> 6) !== 0 && (hi >> 6) !== -1) return -1;
    let table = Number(satpRootPpn(csr.satp)) * 4096;
    for (let level = 2; level >= 0; level--) {
      const index = level === 2 ? ((hi & 0x7f) << 2) | (lo >>> 30) : (lo >>> (12 + 9 * level)) & 511;
      const at = table + index * 8 - ram.base;
      if (at < 0 || at + 8 > ram.size) return -1;
      const pteLo = words[at >>> 2], pteHi = words[(at >>> 2) + 1];
      // Valid, and not the reserved writable-but-not-readable form.
      if ((pteLo & 1) === 0 || (pteLo & 6) === 4) return -1;
      const ppn = (pteLo >>> 10) + (pteHi & 0x3fffff) * 0x400000;
      if ((pteLo & 0xa) === 0) { table = ppn * 4096; continue; }
      const span = level === 2 ? 0x40000 : level === 1 ? 0x200 : 1;
      if (ppn % span !== 0) return -1; // a misaligned superpage
      const user = (pteLo & 0x10) !== 0;
      if (priv === Priv.U ? !user : user && (kind === 'fetch' || (csr.mstatus & MSTATUS.SUM) === 0n)) return -1;
      const allowed = kind === 'fetch' ? pteLo & 8 : kind === 'store' ? pteLo & 4 : (pteLo & 2) || ((csr.mstatus & MSTATUS.MXR) !== 0n && (pteLo & 8));
      if (!allowed) return -1;
      const want = kind === 'store' ? 0xc0 : 0x40;
      if ((pteLo & want) !== want) return -1;
      return ppn * 4096 + (lo & (span * 4096 - 1));
    }
    return -1;
  }

  /** The physical address, if PMP lets this privilege make the access; else an access fault. */
  private checked(paddr: bigint, vaddr: bigint, kind: AccessKind, priv: Priv): bigint | undefined {
    if (this.hart.csr.pmp.allows(paddr, kind, priv)) return paddr;
    this.hart.exception(ACCESS_FAULT[kind], vaddr);
    return undefined;
  }
}
