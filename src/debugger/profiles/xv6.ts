// xv6-riscv, recognised by its globals (`kmem` with a free list, the `proc` table, `cpus`) and
// read through their DWARF types, never through fixed offsets, so a changed struct proc or a
// course's variant of xv6 reads as well: free frames are the pages on kmem.freelist, the
// process table is `proc`, the process on each hart is cpus[i].proc.
import { ExprError } from '../dwarf/expr.js';
import type { Locals, ValueNode } from '../locals.js';
import type { FramesView } from '../inspectors/frames.js';
import { hex, type PhysMemory } from '../inspectors/memory.js';
import type { KernelProfile, ProcessInfo, ProcessesView } from './profile.js';

const PAGE = 4096n;

/** Whether the kernel's debugging information has xv6's globals. */
export function looksLikeXv6(values: Locals): boolean {
  const has = (n: string): boolean => values.info.findGlobal(n) !== undefined;
  return has('kmem') && has('proc') && has('cpus');
}

export class Xv6Profile implements KernelProfile {
  readonly kernel = 'xv6-riscv';

  /**
   * `values` reads kernel globals (physical memory: xv6 maps its kernel one to one); `range`
   * gives the pages kalloc manages: from `end` to the end of RAM, as kinit frees them.
   */
  constructor(private readonly values: Locals, private readonly mem: PhysMemory,
    private readonly range: () => { start: bigint; end: bigint }, private readonly harts: number) {}

  /** A profile's read of the kernel: a missing global or member is named in the answer. */
  private read<T>(what: string, f: () => T): T | string {
    try { return f(); } catch (e) {
      if (e instanceof ExprError) return `xv6 profile: ${what}: ${e.message}`;
      throw e;
    }
  }

  private global(name: string): ValueNode {
    const g = this.values.global(name);
    if (!g) throw new ExprError(`no global '${name}' in the kernel's debugging information`);
    return g;
  }

  private field(node: ValueNode, name: string): ValueNode { return this.values.member(node, name); }

  private num(node: ValueNode): bigint {
    if (node.scalar === undefined) throw new ExprError(`${node.name} is ${node.value}, not a number`);
    return node.scalar;
  }

  frames(): FramesView | string {
    return this.read('kmem.freelist', () => {
      const head = this.field(this.global('kmem'), 'freelist');
      const first = this.num(head);
      const { start, end } = this.range();
      const base = (start + PAGE - 1n) & ~(PAGE - 1n);
      const count = Number((end - base) / PAGE);
      if (count <= 0) throw new ExprError(`no pages between ${hex(start)} and ${hex(end)}`);
      const nextOffset = this.nextOffset(head);
      const free = new Uint8Array(count);
      let freeCount = 0, damage: string | undefined;
      for (let p = first, steps = 0; p !== 0n; steps++) {
        if (p % PAGE !== 0n) { damage = `${hex(p)} on the list is not a page address`; break; }
        if (p < base || p >= end) { damage = `${hex(p)} on the list lies outside the pages kalloc manages [${hex(base)}, ${hex(end)})`; break; }
        const i = Number((p - base) / PAGE);
        if (free[i]) { damage = `page ${hex(p)} is on the list twice: the list has a cycle`; break; }
        free[i] = 1;
        freeCount++;
        const b = this.mem.readPhys(p + nextOffset, 8);
        if (!b) { damage = `page ${hex(p)} is not readable`; break; }
        p = new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0, true);
        if (steps > count) { damage = 'the list is longer than the pages there are: a cycle'; break; }
      }
      let bitmap = '';
      for (let i = 0; i < count; i++) bitmap += free[i] ? '0' : '1';
      return {
        basePpn: hex(base >> 12n), frameCount: count, total: count, free: freeCount, allocated: count - freeCount,
        bitmap, generation: `${hex(first)}:${freeCount}`, damage,
      };
    });
  }

  /** The offset of `next` in struct run, from its type. */
  private nextOffset(head: ValueNode): bigint {
    const run = this.values.resolve(this.values.info.typeOf(this.values.resolve(head.typeDie)!));
    if (!run) throw new ExprError('kmem.freelist is not a pointer to a struct');
    const next = this.values.members(run).find((m) => m.name === 'next');
    if (!next) throw new ExprError(`${this.values.typeName(run)} has no member 'next'`);
    return BigInt(next.offset);
  }

  /** xv6's kernel stacks are mapped only in kernel_pagetable (a hart in user mode runs another). */
  kernelSatp(): bigint | undefined {
    const t = this.values.global('kernel_pagetable');
    return t?.scalar ? (8n << 60n) | (t.scalar >> 12n) : undefined;
  }

  heap(): string {
    return 'xv6-riscv has no kernel heap: kalloc hands out whole pages (see Physical Frames)';
  }

  processes(): ProcessesView | string {
    return this.read('proc and cpus', () => {
      const table = this.global('proc');
      const n = this.values.elementCount(table);
      if (n === undefined) throw new ExprError(`proc is ${table.type}, not an array`);
      const cpus = this.global('cpus');
      const running = new Map<bigint, number>();
      const harts: { hart: number; pid?: number }[] = [];
      for (let h = 0; h < this.harts; h++) {
        const cur = this.field(this.values.index(cpus, BigInt(h)), 'proc');
        const p = this.num(cur);
        if (p !== 0n) running.set(p, h);
        harts.push({ hart: h, pid: p !== 0n ? Number(this.num(this.field(this.values.deref(cur), 'pid'))) : undefined });
      }
      const processes: ProcessInfo[] = [];
      for (let i = 0; i < n; i++) {
        const slot = this.values.index(table, BigInt(i));
        const state = this.field(slot, 'state').value;
        if (state === 'UNUSED') continue;
        const name = this.field(slot, 'name').value;
        const pagetable = this.num(this.field(slot, 'pagetable'));
        const ctx = this.field(slot, 'context');
        const reg = (r: string): string => hex(this.num(this.field(ctx, r)));
        const parent = this.num(this.field(slot, 'parent'));
        const isRunning = slot.address !== undefined && running.has(slot.address);
        processes.push({
          pid: Number(this.num(this.field(slot, 'pid'))),
          name: name.startsWith('"') ? JSON.parse(name) as string : name,
          state: state.toLowerCase(),
          hart: isRunning ? running.get(slot.address!) : undefined,
          root: pagetable ? hex(pagetable) : undefined,
          parent: parent ? Number(this.num(this.values.member(this.values.deref(this.field(slot, 'parent')), 'pid'))) : undefined,
          kstack: hex(this.num(this.field(slot, 'kstack'))),
          context: isRunning ? undefined : { pc: reg('ra'), sp: reg('sp'), fp: reg('s0') },
        });
      }
      return { kernel: this.kernel, processes, harts };
    });
  }
}
