// `info mem` and `info tlb` from the page-table inspector (inspectors/pageTables.ts).
// `info mem` prints what QEMU 7.2's RISC-V monitor prints (target/riscv/monitor.c): the leaves
// of the tree under the hart's satp in address order, runs merged while the virtual and
// physical addresses stay contiguous and the PTE's low byte (V R W X U G A D) stays the same;
// QEMU also starts a new run at the first leaf of every table it walks into, and so does this,
// so that the lines are the same. `info tlb` (which QEMU 7.2 has for other targets only) lists
// every leaf on its own line: each translation the hart's TLB could hold.
import { satpMode, satpRootPpn, SATP_MODE_SV39 } from '../../emulator/cpu/sv39.js';
import { readTree, type PteNode } from '../inspectors/pageTables.js';
import type { PhysMemory } from '../inspectors/memory.js';
import { hex16 } from '../../emulator/hex.js';

const VA_BITS = 39n;
const canonical = (va: bigint): bigint => BigInt.asUintN(64, BigInt.asIntN(Number(VA_BITS), va));
/** The PTE's low byte from the inspector's "VRWXUGAD" string. */
const attrOf = (flags: string): number => [...flags].reduce((a, c, i) => (c === '-' ? a : a | (1 << i)), 0);
const attrText = (a: number): string => ['r', 'w', 'x', 'u', 'g', 'a', 'd'].map((c, i) => (a & (2 << i) ? c : '-')).join('');
const PAGE: bigint[] = [0x1000n, 0x200000n, 0x40000000n];

export function infoMem(mem: PhysMemory, satp: bigint): string {
  if (satpMode(satp) !== SATP_MODE_SV39) return 'No translation or protection\n';
  const { tree } = readTree(mem, satpRootPpn(satp));
  let out = 'vaddr            paddr            size             attr\n---------------- ---------------- ---------------- -------\n';
  let vbase = -1n, pbase = -1n, lastPaddr = -1n, lastSize = 0n, lastAttr = 0;
  const print = (): void => {
    const size = lastPaddr + lastSize - pbase;
    if (vbase < 0n || vbase >= 1n << VA_BITS || size === 0n) return;
    out += `${hex16(canonical(vbase))} ${hex16(pbase)} ${hex16(size)} ${attrText(lastAttr)}\n`;
  };
  const visit = (nodes: PteNode[]): void => {
    let lastStart: bigint | undefined;
    for (const n of nodes) {
      const start = BigInt.asUintN(Number(VA_BITS), BigInt(n.vaStart));
      if (!n.leaf) { if (n.children) visit(n.children); continue; }
      const attr = attrOf(n.flags), pa = BigInt(n.pa), size = PAGE[n.level];
      if (attr !== lastAttr || lastPaddr + lastSize !== pa || lastStart === undefined || lastStart + lastSize !== start) {
        print();
        vbase = start; pbase = pa; lastAttr = attr;
      }
      lastStart = start; lastPaddr = pa; lastSize = size;
    }
  };
  visit(tree);
  print();
  return out;
}

export function infoTlb(mem: PhysMemory, satp: bigint): string {
  if (satpMode(satp) !== SATP_MODE_SV39) return 'No translation or protection (satp is Bare: virtual addresses are physical)\n';
  const { tree, truncated } = readTree(mem, satpRootPpn(satp));
  let out = 'vaddr            paddr            page attr\n';
  const visit = (nodes: PteNode[]): void => {
    for (const n of nodes) {
      if (n.leaf) out += `${hex16(BigInt(n.vaStart))} ${hex16(BigInt(n.pa))} ${n.size.padEnd(4)} ${n.flags}\n`;
      else if (n.children) visit(n.children);
    }
  };
  visit(tree);
  if (truncated) out += '(the tree has more entries than are listed)\n';
  return out;
}
