// gdb's `monitor COMMAND` (the qRcmd packet): Chronos's views of the machine as text, from the
// same inspectors the editor's Page Tables, Physical Frames and Heap views use (page tables
// through the hart's own SV39 walk; frames and heap through the kernel's debug descriptor).
import { satpMode, satpRootPpn, SATP_MODE_SV39 } from '../../emulator/cpu/sv39.js';
import { hex } from '../../emulator/hex.js';
import type { Machine } from '../../emulator/machine.js';
import { hartName } from '../harts.js';
import { locateDescriptor, readDescriptor } from '../inspectors/descriptor.js';
import { readFrames } from '../inspectors/frames.js';
import { readHeap } from '../inspectors/heap.js';
import { flatten, readTree, translateView, type PteNode } from '../inspectors/pageTables.js';
import { Symbols } from '../symbols.js';

export const MONITOR_HELP = `Chronos monitor commands (type them after gdb's "monitor"):
  help                      this list
  harts                     every hart: its thread, privilege, pc, satp and state
  pagetables [tree] [SATP]  the SV39 mappings under SATP (the selected thread's satp by default),
                            contiguous pages merged as in vmmap, or with "tree" the table tree
  translate ADDR [SATP]     the page walk for a virtual address (a number or a symbol), level by level
  frames                    the physical frame allocator: totals and the allocated ranges
  heap                      the kernel heap: totals and the free list
Frames and heap are read through the kernel's debug descriptor (docs/debug-descriptor.md).
`;

/** What the commands need: the machine, and the hart gdb has selected (Hg). */
export interface MonitorContext {
  machine: Machine;
  hart: number;
}

/** At most this many allocated ranges are listed by `frames`. */
const MAX_RANGES = 64;

export class Monitor {
  private symbols: Symbols | undefined;
  private symbolsOf: Machine | undefined;

  /** The command's output (always text, ending in a newline), errors included. */
  run(line: string, ctx: MonitorContext): string {
    const [command, ...args] = line.trim().split(/\s+/).filter(Boolean);
    switch (command) {
      case undefined: case 'help': return MONITOR_HELP;
      case 'harts': return this.harts(ctx);
      case 'pagetables': return this.pageTables(args, ctx);
      case 'translate': return this.translate(args, ctx);
      case 'frames': return this.frames(ctx);
      case 'heap': return this.heap(ctx);
      default: return `unknown monitor command '${command}'; "monitor help" lists them\n`;
    }
  }

  private harts({ machine: m }: MonitorContext): string {
    return m.harts.map((h, i) =>
      `thread ${i + 1}: ${hartName(m, i)}  pc ${hex(h.pc)}  satp ${hex(h.csr.satp)}\n`).join('');
  }

  private pageTables(args: string[], ctx: MonitorContext): string {
    const tree = args.includes('tree');
    const rest = args.filter((a) => a !== 'tree' && a !== 'flat');
    if (rest.length > 1) return 'usage: monitor pagetables [tree] [SATP]\n';
    const satp = rest.length ? this.number(rest[0], ctx) : ctx.machine.harts[ctx.hart].csr.satp;
    if (typeof satp === 'string') return satp;
    if (satpMode(satp) !== SATP_MODE_SV39) return `satp ${hex(satp)}: translation is off (Bare mode), virtual addresses are physical\n`;
    const root = satpRootPpn(satp);
    const { tree: nodes, truncated } = readTree(ctx.machine.debug, root);
    const head = `satp ${hex(satp)}: Sv39, root table at ${hex(root << 12n)}`;
    const tail = truncated ? '(stopped after 200000 entries)\n' : '';
    if (tree) return `${head}\n${treeLines(nodes, '  ').join('')}${tail}`;
    const flat = flatten(nodes);
    const lines = flat.map((r) => `  ${pad(r.vaStart)}-${pad(r.vaEnd)} -> ${pad(r.paStart)}  ${r.flags}  ${r.pages} page${r.pages === 1 ? '' : 's'}\n`);
    return `${head}, ${flat.length} mapping${flat.length === 1 ? '' : 's'}\n${lines.join('')}${tail}`;
  }

  private translate(args: string[], ctx: MonitorContext): string {
    if (args.length < 1 || args.length > 2) return 'usage: monitor translate ADDR [SATP]\n';
    const va = this.number(args[0], ctx);
    if (typeof va === 'string') return va;
    const satp = args.length > 1 ? this.number(args[1], ctx) : ctx.machine.harts[ctx.hart].csr.satp;
    if (typeof satp === 'string') return satp;
    const t = translateView(ctx.machine.debug, satp, va);
    const out = [`${t.va} under satp ${hex(satp)}${t.steps.length ? ':' : ' (Bare mode: no translation)'}\n`];
    for (const s of t.steps) out.push(`  level ${s.level} entry ${s.index} at ${s.pteAddress}: pte ${s.pte} ${s.flags}, ${s.meaning}\n`);
    out.push(t.pa !== undefined ? `  -> ${t.pa}${t.pageSize ? ` (in a ${t.pageSize} page)` : ''}\n` : `  fault: ${t.fault}\n`);
    return out.join('');
  }

  private frames(ctx: MonitorContext): string {
    const d = this.descriptor(ctx);
    if (typeof d === 'string') return `${d}\n`;
    const f = readFrames(ctx.machine.debug, d);
    if (typeof f === 'string') return `${f}\n`;
    const base = BigInt(f.basePpn);
    const runs: string[] = [];
    let count = 0;
    for (let i = 0; i < f.bitmap.length;) {
      if (f.bitmap[i] !== '1') { i++; continue; }
      let j = i;
      while (j < f.bitmap.length && f.bitmap[j] === '1') j++;
      if (count++ < MAX_RANGES) runs.push(`  ${hex((base + BigInt(i)) << 12n)}-${hex((base + BigInt(j)) << 12n)}  ${j - i} frame${j - i === 1 ? '' : 's'}\n`);
      i = j;
    }
    if (count > MAX_RANGES) runs.push(`  ... and ${count - MAX_RANGES} more ranges\n`);
    return `frames: ${f.total} total, ${f.free} free, ${f.allocated} allocated, peak ${f.peak}`
      + ` (first frame ${hex(base << 12n)}, ${f.frameCount} managed, generation ${f.generation})\n`
      + `allocated ranges: ${count}\n${runs.join('')}`;
  }

  private heap(ctx: MonitorContext): string {
    const d = this.descriptor(ctx);
    if (typeof d === 'string') return `${d}\n`;
    const h = readHeap(ctx.machine.debug, d);
    if (typeof h === 'string') return `${h}\n`;
    const lines = h.blocks.map((b) => `  ${b.address}  ${b.size} bytes  next ${b.next}\n`);
    return `heap at ${h.heapStart}, ${h.heapSize} bytes: ${h.used} used, ${h.totalFree} free in ${h.blocks.length} block${h.blocks.length === 1 ? '' : 's'}`
      + ` (largest ${h.largestFree}, fragmentation ${(h.fragmentation * 100).toFixed(1)}%, generation ${h.generation})\n`
      + `free list:\n${lines.join('')}${h.damage ? `damaged: ${h.damage}\n` : ''}`;
  }

  private descriptor(ctx: MonitorContext): ReturnType<typeof readDescriptor> {
    const elf = ctx.machine.elf;
    if (!elf) return 'no kernel ELF is loaded';
    return readDescriptor(ctx.machine.debug, locateDescriptor(elf, this.symbolsFor(ctx.machine)));
  }

  private symbolsFor(m: Machine): Symbols {
    if (!this.symbols || this.symbolsOf !== m) { this.symbols = new Symbols(m.elf!); this.symbolsOf = m; }
    return this.symbols;
  }

  /** A number (0x hex or decimal) or a symbol of the kernel; an error line if neither. */
  private number(text: string, ctx: MonitorContext): bigint | string {
    if (/^0x[0-9a-f]+$/i.test(text) || /^\d+$/.test(text)) {
      const v = BigInt(text);
      return v < 1n << 64n ? v : `${text} does not fit in 64 bits\n`;
    }
    const sym = ctx.machine.elf ? this.symbolsFor(ctx.machine).find(text) : undefined;
    return sym ? sym.address : `'${text}' is neither a number (0x... or decimal) nor a symbol of the kernel\n`;
  }
}

const pad = (h: string): string => `0x${h.slice(2).padStart(16, '0')}`;

function treeLines(nodes: PteNode[], indent: string): string[] {
  const out: string[] = [];
  for (const n of nodes) {
    const what = n.leaf ? `${n.size} page -> ${n.pa}` : `table at ${n.pa}`;
    out.push(`${indent}L${n.level}[${n.index}] ${pad(n.vaStart)}-${pad(n.vaEnd)} ${n.flags} ${what}\n`);
    if (n.children) out.push(...treeLines(n.children, `${indent}  `));
  }
  return out;
}
