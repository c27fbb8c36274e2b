// Translations a hart's TLB still holds that its page table no longer gives: the kernel changed
// a PTE and did not run sfence.vma since. The privileged spec lets a hart go on using the old
// translation until it fences, and ours does, as QEMU does; real hardware may or may not, so
// such a kernel works here and fails there, or the other way round. The debugger names each
// one at a stop, where today a student would see only a load that reads the wrong frame.
//
// Only the TLB of the privilege the hart runs in is looked at: a kernel may change many user
// PTEs and fence once before it returns to user mode (Chronos OS's fork makes every page
// copy-on-write, then fences), and the user entries are stale meanwhile but never used.
//
// A pure check of the entries (Tlb.save's form) against a fresh walk, like the other
// inspectors: it reads memory through the debugger's side-effect-free access.
import { PTE, SATP_MODE_SV39, type WalkResult } from '../../emulator/cpu/sv39.js';
import { TLB_SIZE, vaddrOf } from '../../emulator/cpu/tlb.js';
import { hex } from './memory.js';

export type TlbKind = 'load' | 'store' | 'fetch';
const KINDS: readonly TlbKind[] = ['load', 'store', 'fetch'];

export interface StaleTranslation {
  privilege: 'U' | 'S';
  kind: TlbKind;
  vaddr: bigint;
  /** The physical page the TLB maps it to. */
  cached: bigint;
  /** What the page table says now. */
  now: string;
}

export interface TlbContext {
  satp: bigint;
  /** mstatus.SUM and MXR, which decide what S-mode loads and stores may reach. */
  sum: boolean;
  mxr: boolean;
  ramBase: bigint;
  walk: (vaddr: bigint) => WalkResult;
}

/**
 * The stale entries of the TLB a hart in privilege `priv` (0 U, 1 S) uses: `entries` as
 * Tlb.save gives them. Machine mode translates only under MPRV, and is not looked at.
 */
export function staleTranslations(priv: number, entries: Int32Array, c: TlbContext): StaleTranslation[] {
  // Without Sv39 the TLB maps pages one to one, which nothing can make stale.
  if ((BigInt.asUintN(64, c.satp) >> 60n) !== SATP_MODE_SV39 || (priv !== 0 && priv !== 1)) return [];
  const out: StaleTranslation[] = [], privilege = priv === 0 ? 'U' : 'S';
  for (let i = 0; i + 3 < entries.length; i += 4) {
    const kind = KINDS[Math.floor(entries[i] / TLB_SIZE)];
    if (!kind) continue;
    const vaddr = vaddrOf(entries[i + 1], entries[i + 2]);
    const cached = c.ramBase + BigInt(entries[i + 3]);
    const now = whatChanged(c.walk(vaddr), kind, privilege, cached, c);
    if (now) out.push({ privilege, kind, vaddr, cached, now });
  }
  return out;
}

/** How the page table's answer differs from the cached one; undefined when it does not. */
function whatChanged(w: WalkResult, kind: TlbKind, priv: 'U' | 'S', cached: bigint, c: TlbContext): string | undefined {
  if (!w.ok) return `it no longer maps it (${w.reason})`;
  const page = w.paddr & ~0xfffn;
  if (page !== cached) return `it maps it to ${hex(page)}`;
  const pte = w.pte, has = (bit: bigint): boolean => (pte & bit) !== 0n;
  const allowed = kind === 'fetch' ? has(PTE.X) : kind === 'store' ? has(PTE.W) : has(PTE.R) || (c.mxr && has(PTE.X));
  if (!allowed) return `its PTE no longer allows ${kind === 'fetch' ? 'execution' : kind === 'store' ? 'writes' : 'reads'} (${flagNames(pte)})`;
  if (priv === 'U' && !has(PTE.U)) return `its PTE is no longer a user page (${flagNames(pte)})`;
  if (priv === 'S' && has(PTE.U) && (kind === 'fetch' || !c.sum)) return `its PTE is now a user page (${flagNames(pte)})`;
  if (kind === 'store' && !has(PTE.D)) return 'its PTE\'s dirty bit was cleared, and writes through the cached translation will not set it';
  return undefined;
}

function flagNames(pte: bigint): string {
  return (['V', 'R', 'W', 'X', 'U', 'G', 'A', 'D'] as const).filter((f) => (pte & PTE[f]) !== 0n).join('') || 'no flags';
}

/** One line for the debug console. */
export function describeStale(hart: number, s: StaleTranslation): string {
  const what = s.kind === 'fetch' ? 'instruction fetches' : s.kind === 'store' ? 'stores' : 'loads';
  return `hart ${hart} still translates ${hex(s.vaddr)} for ${s.privilege}-mode ${what} to ${hex(s.cached)}, but the page table changed: ${s.now}. `
    + 'The kernel changed the PTE without sfence.vma since; until it fences, this hart may go on using the old translation (here and on QEMU it does; other harts and real hardware may not).';
}
