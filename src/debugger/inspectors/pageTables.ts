// The SV39 page tables under a satp (or a root PPN): the tree root → level 2 → 1 → 0 with
// each entry's virtual range, physical address and flags, huge pages as leaves at their level;
// a flat list that merges contiguous mappings with equal flags (like vmmap); and a step-by-step
// translation through the hart's own walk.
import { PTE, SATP_MODE_SV39, isLeaf, pageBytes, pteToPpn, satpMode, walk } from '../../emulator/cpu/sv39.js';
import { hex, u64, type PhysMemory } from './memory.js';

export interface PteNode {
  level: number;
  index: number;
  vaStart: string;
  vaEnd: string;
  pa: string;
  /** Where the entry itself is (physical): what the hart's walk reads, and the kernel writes. */
  pteAddress: string;
  flags: string;
  leaf: boolean;
  /** Size of what the entry maps: 4K, 2M or 1G (leaves), or the table below it. */
  size: string;
  children?: PteNode[];
}

export interface Mapping { vaStart: string; vaEnd: string; paStart: string; flags: string; pages: number }

const FLAG_NAMES = 'VRWXUGAD';
export const flagString = (pte: bigint): string =>
  [...FLAG_NAMES].map((c, i) => ((pte >> BigInt(i)) & 1n ? c : '-')).join('');

const SIZES = ['4K', '2M', '1G'];
const signExtend = (va: bigint): bigint => BigInt.asUintN(64, BigInt.asIntN(39, va));

/** Read every valid entry of the tree rooted at `rootPpn` (bounded: at most `maxEntries`). */
export function readTree(mem: PhysMemory, rootPpn: bigint, maxEntries = 200_000): { tree: PteNode[]; truncated: boolean } {
  let count = 0;
  const visit = (ppn: bigint, level: number, vaBase: bigint, seen: Set<bigint>): PteNode[] => {
    const raw = mem.readPhys(ppn << 12n, 4096);
    if (!raw || seen.has(ppn)) return [];
    seen.add(ppn);
    const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const out: PteNode[] = [];
    for (let i = 0; i < 512 && count < maxEntries; i++) {
      const pte = dv.getBigUint64(i * 8, true);
      if ((pte & PTE.V) === 0n) continue;
      count++;
      const span = pageBytes(level);
      const va = signExtend(vaBase + BigInt(i) * span);
      const pa = pteToPpn(pte) << 12n;
      const leaf = isLeaf(pte);
      const node: PteNode = { level, index: i, vaStart: hex(va), vaEnd: hex(va + span), pa: hex(pa), pteAddress: hex((ppn << 12n) + BigInt(i * 8)), flags: flagString(pte), leaf, size: leaf ? SIZES[level] : 'table' };
      if (!leaf && level > 0) node.children = visit(pa >> 12n, level - 1, vaBase + BigInt(i) * span, new Set(seen));
      out.push(node);
    }
    return out;
  };
  const tree = visit(rootPpn, 2, 0n, new Set());
  return { tree, truncated: count >= maxEntries };
}

/** Leaves in address order, contiguous ones with the same flags merged. */
export function flatten(tree: PteNode[]): Mapping[] {
  const leaves: PteNode[] = [];
  const walk = (ns: PteNode[]): void => { for (const n of ns) { if (n.leaf) leaves.push(n); else if (n.children) walk(n.children); } };
  walk(tree);
  const out: Mapping[] = [];
  for (const l of leaves) {
    const vs = BigInt(l.vaStart), ve = BigInt(l.vaEnd), pa = BigInt(l.pa);
    const last = out[out.length - 1];
    if (last && BigInt(last.vaEnd) === vs && last.flags === l.flags && BigInt(last.paStart) + (BigInt(last.vaEnd) - BigInt(last.vaStart)) === pa) {
      last.vaEnd = hex(ve);
      last.pages += Number((ve - vs) >> 12n);
    } else {
      out.push({ vaStart: l.vaStart, vaEnd: l.vaEnd, paStart: l.pa, flags: l.flags, pages: Number((ve - vs) >> 12n) });
    }
  }
  return out;
}

export interface WalkStepView { level: number; index: number; pteAddress: string; pte: string; flags: string; meaning: string }
export interface TranslationView { va: string; steps: WalkStepView[]; pa?: string; fault?: string; pageSize?: string }

/**
 * A translation level by level, as the hart's own walk (cpu/sv39.ts) makes it, so the view can
 * never disagree with what the hart does. Bare mode maps one to one.
 */
export function translateView(mem: PhysMemory, satp: bigint, vaddr: bigint): TranslationView {
  const va = BigInt.asUintN(64, vaddr);
  if (satpMode(satp) !== SATP_MODE_SV39) return { va: hex(va), steps: [], pa: hex(va), fault: undefined, pageSize: undefined };
  const r = walk(satp, va, (pa) => u64(mem, pa));
  const steps = r.steps.map((s, i): WalkStepView => {
    const last = i === r.steps.length - 1;
    const meaning = (s.pte & PTE.V) === 0n ? 'invalid: the walk stops with a page fault'
      : isLeaf(s.pte) ? `leaf: a ${SIZES[s.level]} page at ${hex(pteToPpn(s.pte) << 12n)}`
        : last && !r.ok ? 'reserved encoding: the walk stops with a page fault'
          : `points to the level-${s.level - 1} table at ${hex(pteToPpn(s.pte) << 12n)}`;
    return { level: s.level, index: s.index, pteAddress: hex(s.pteAddress), pte: hex(s.pte), flags: flagString(s.pte), meaning };
  });
  return r.ok ? { va: hex(va), steps, pa: hex(r.paddr), pageSize: SIZES[r.level] } : { va: hex(va), steps, fault: r.reason };
}
