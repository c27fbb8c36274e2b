// A kernel described by expressions over its own globals and their DWARF types: where its
// process table is and which member of a slot holds what, what each hart runs, and its list of
// free pages. xv6-riscv is one such description, built in (xv6.ts); any other kernel gets one
// from launch.json's `kernel` (docs/kernel-profiles.md). Nothing is read at a fixed offset.
import { ExprError } from '../dwarf/expr.js';
import { evaluate, evaluatePath, ExpressionError, type EvalContext, type Typed } from '../expression.js';
import type { Locals, ValueNode } from '../locals.js';
import type { FramesView } from '../inspectors/frames.js';
import { hex, type PhysMemory } from '../inspectors/memory.js';
import type { KernelProfile, ProcessInfo, ProcessesView } from './profile.js';
import { ABI_NAMES } from '../../emulator/isa/registers.js';

const PAGE = 4096n;

/** What a description may say; every value is an expression or a member path (docs/kernel-profiles.md). */
export const PROFILE_FIELDS = {
  name: 'the kernel\'s name, shown in the views',
  processes: 'the process table: an array global, e.g. proc',
  pid: 'a slot\'s pid, a member path, e.g. pid',
  procName: 'a slot\'s name (a char array or a C string), e.g. name',
  state: 'a slot\'s state (an enum, or a number), e.g. state',
  unused: 'the state of a free slot (an enumerator\'s name or a number); without it a slot whose pid is 0 is free',
  root: 'a slot\'s root page table (a physical address), e.g. pagetable',
  parent: 'a slot\'s parent (a pointer to a slot, or a pid), e.g. parent',
  kstack: 'a slot\'s kernel stack, e.g. kstack',
  contextPc: 'a slot\'s saved pc (the return address its switch saved), e.g. context.ra',
  contextSp: 'a slot\'s saved sp, e.g. context.sp',
  contextFp: 'a slot\'s saved frame pointer, e.g. context.s0',
  trapPc: 'a running slot\'s user pc, saved by its last trap from user mode, e.g. trapframe->epc',
  trapSp: 'that trap\'s saved user sp, e.g. trapframe->sp',
  trapFp: 'that trap\'s saved user frame pointer, e.g. trapframe->s0',
  trapRa: 'that trap\'s saved user return address, e.g. trapframe->ra',
  trapRegs: 'all of that trap\'s saved user registers: a struct (or a pointer to one) whose members are named as the registers are (ra, sp, gp, tp, t0, s0, a0, …), e.g. trapframe',
  current: 'what hart $hart runs: a pointer to a slot, or a pid (0, or a null pointer on the way, for none), e.g. cpus[$hart].proc',
  freePages: 'the first free page (a pointer), e.g. kmem.freelist',
  freePageNext: 'the member of a free page that points at the next, e.g. next',
  pagesStart: 'the first byte of the pages the allocator manages (rounded up to a page), e.g. &end',
  pagesEnd: 'the end of those pages, e.g. 0x88000000 (the end of RAM when not given)',
  kernelSatp: 'satp under which kernel stacks are mapped, e.g. (8 << 60) | (kernel_pagetable >> 12)',
} as const;

export type ProfileSpec = { [K in keyof typeof PROFILE_FIELDS]?: string };

/** A description's mistakes, each naming the field: unknown fields, missing companions. */
export function checkSpec(spec: Record<string, unknown>): string | undefined {
  for (const [k, v] of Object.entries(spec)) {
    if (!(k in PROFILE_FIELDS)) return `kernel.${k} is not a profile field (the fields are ${Object.keys(PROFILE_FIELDS).join(', ')})`;
    if (typeof v !== 'string' || !v.trim()) return `kernel.${k} must be an expression (a string), not ${JSON.stringify(v)}`;
  }
  if (spec.processes && !spec.pid) return 'kernel.processes needs kernel.pid: which member of a slot is its pid';
  if (spec.freePages && !spec.freePageNext) return 'kernel.freePages needs kernel.freePageNext: which member of a free page points at the next';
  return undefined;
}

export interface TypedInputs {
  values: Locals;
  mem: PhysMemory;
  /** The end of RAM, for pagesEnd when the description does not give it. */
  ramEnd: bigint;
  harts: number;
  /** The kernel's symbols, for expressions that name one without debugging information. */
  symbol: (name: string) => bigint | undefined;
}

/** A field's failure: the field, its expression, and what went wrong. */
class FieldError extends Error {}

export class TypedProfile implements KernelProfile {
  readonly kernel: string;

  constructor(private readonly spec: ProfileSpec, private readonly k: TypedInputs) {
    this.kernel = spec.name ?? 'the kernel described in launch.json';
  }

  /** Runs a view's reads; a field that fails is named with its expression. */
  private read<T>(f: () => T): T | string {
    try { return f(); } catch (e) {
      if (e instanceof FieldError) return e.message;
      throw e;
    }
  }

  private fail(field: keyof ProfileSpec, message: string): never {
    throw new FieldError(`kernel profile: ${field} (${JSON.stringify(this.spec[field])}): ${message}`);
  }

  private guard<T>(field: keyof ProfileSpec, f: () => T): T {
    try { return f(); } catch (e) {
      if (e instanceof ExprError || e instanceof ExpressionError) this.fail(field, e.message);
      throw e;
    }
  }

  /** Expressions over the kernel's globals (read physically), with $hart. */
  private context(hart = 0): EvalContext {
    const v = this.k.values;
    type T = Typed & { node: ValueNode };
    const wrap = (node: ValueNode): T => ({ typed: true, node });
    return {
      register: () => undefined,
      symbol: this.k.symbol,
      read: (a, n) => { const b = this.k.mem.readPhys(a, n); let x = 0n; if (!b) return undefined; for (let i = n - 1; i >= 0; i--) x = (x << 8n) | BigInt(b[i]); return x; },
      special: (name) => (name === 'hart' ? BigInt(hart) : undefined),
      typed: {
        lookup: (name) => { const g = v.global(name); return g ? wrap(g) : undefined; },
        member: (x, name) => wrap(v.member((x as T).node, name)),
        index: (x, i) => wrap(v.index((x as T).node, i)),
        deref: (x) => wrap(v.deref((x as T).node)),
        address: (x) => v.addressOf((x as T).node),
        scalar: (x) => {
          const n = (x as T).node;
          if (n.scalar !== undefined) return n.scalar;
          if (n.address !== undefined && n.children) return n.address;
          throw new ExprError(`${n.name} is ${n.value}, not a number`);
        },
      },
    };
  }

  private node(field: keyof ProfileSpec, hart = 0): ValueNode {
    const text = this.spec[field]!;
    return this.guard(field, () => {
      const t = evaluatePath(text, this.context(hart));
      if (!t) throw new ExprError('is not a variable or a path through one');
      return (t as Typed & { node: ValueNode }).node;
    });
  }

  private number(field: keyof ProfileSpec, hart = 0): bigint {
    return this.guard(field, () => BigInt.asUintN(64, evaluate(this.spec[field]!, this.context(hart))));
  }

  /** A member path (`context.ra`) inside a slot. */
  private member(field: keyof ProfileSpec, slot: ValueNode): ValueNode {
    return this.guard(field, () => {
      let n = slot;
      for (const part of this.spec[field]!.split(/\.|->/).map((p) => p.trim())) n = this.k.values.member(n, part);
      return n;
    });
  }

  /** A slot's saved user registers by ABI name (trapRegs), those its struct has; undefined without trapRegs or a readable struct. */
  private trapRegs(slot: ValueNode): Record<string, string> | undefined {
    if (!this.spec.trapRegs) return undefined;
    let frame: ValueNode;
    try { frame = this.member('trapRegs', slot); } catch { return undefined; }
    const regs: Record<string, string> = {};
    for (const name of ABI_NAMES.slice(1)) {
      try {
        const v = this.k.values.member(frame, name).scalar;
        if (v !== undefined) regs[name] = hex(BigInt.asUintN(64, v));
      } catch { /* a register the struct does not hold */ }
    }
    return regs;
  }

  private scalarOf(field: keyof ProfileSpec, n: ValueNode): bigint {
    if (n.scalar === undefined) this.fail(field, `${n.name} is ${n.value}, not a number`);
    return n.scalar;
  }

  frames(): FramesView | string {
    if (!this.spec.freePages) return `${this.kernel}: its profile does not say where free pages are (kernel.freePages)`;
    return this.read(() => {
      const head = this.node('freePages');
      const first = this.scalarOf('freePages', head);
      const start = this.spec.pagesStart ? this.number('pagesStart') : undefined;
      if (start === undefined) this.fail('freePages', 'kernel.pagesStart is needed too: where the pages the allocator manages begin');
      const end = this.spec.pagesEnd ? this.number('pagesEnd') : this.k.ramEnd;
      const base = (start + PAGE - 1n) & ~(PAGE - 1n);
      const count = Number((end - base) / PAGE);
      if (count <= 0) this.fail('pagesStart', `no pages between ${hex(start)} and ${hex(end)}`);
      const nextOffset = this.nextOffset(head);
      const free = new Uint8Array(count);
      let freeCount = 0, damage: string | undefined;
      for (let p = first, steps = 0; p !== 0n; steps++) {
        if (p % PAGE !== 0n) { damage = `${hex(p)} on the list is not a page address`; break; }
        if (p < base || p >= end) { damage = `${hex(p)} on the list lies outside the pages the allocator manages [${hex(base)}, ${hex(end)})`; break; }
        const i = Number((p - base) / PAGE);
        if (free[i]) { damage = `page ${hex(p)} is on the list twice: the list has a cycle`; break; }
        free[i] = 1;
        freeCount++;
        const b = this.k.mem.readPhys(p + nextOffset, 8);
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

  /** The offset of the `next` member in what the free-page pointer points at, from its type. */
  private nextOffset(head: ValueNode): bigint {
    const v = this.k.values;
    const run = v.resolve(v.info.typeOf(v.resolve(head.typeDie)!));
    if (!run) this.fail('freePages', `${head.name} is not a pointer to a struct`);
    const m = v.members(run).find((x) => x.name === this.spec.freePageNext);
    if (!m) this.fail('freePageNext', `${v.typeName(run)} has no member '${this.spec.freePageNext}' (it has ${v.members(run).map((x) => x.name).join(', ')})`);
    return BigInt(m.offset);
  }

  heap(): string {
    return `${this.kernel}: the profile describes no kernel heap (its allocator hands out whole pages: see Physical Frames)`;
  }

  kernelSatp(): bigint | undefined {
    if (!this.spec.kernelSatp) return undefined;
    const r = this.read(() => this.number('kernelSatp'));
    // Before the kernel built its table the expression names no table (a PPN of 0).
    return typeof r === 'string' || (r & ((1n << 44n) - 1n)) === 0n ? undefined : r;
  }

  currentPid(hart: number): number | string {
    if (!this.spec.current) return `${this.kernel}: its profile does not say what a hart runs (kernel.current)`;
    if (!this.spec.pid) return `${this.kernel}: its profile does not say where a slot's pid is (kernel.pid)`;
    // A pointer to a slot is read through, without walking the table.
    return this.read(() => this.currentNode(hart, (field, node) => {
      const x = this.scalarOf(field, node);
      if (x === 0n) return 0;
      if (!/^\*/.test(node.type)) return Number(x);
      return Number(this.scalarOf('pid', this.member('pid', this.guard(field, () => this.k.values.deref(node)))));
    }));
  }

  /** What hart h runs, as asPid reads it; a null pointer on the way (cpus[h].proc->pid with no proc) is none. */
  private currentNode(h: number, asPid: (field: keyof ProfileSpec, node: ValueNode) => number): number {
    let node: ValueNode;
    try {
      node = evaluatePath(this.spec.current!, this.context(h)) as unknown as ValueNode;
    } catch (e) {
      if (e instanceof ExprError && /is a null pointer$/.test(e.message)) return 0;
      if (e instanceof ExpressionError && /is a null pointer$/.test(e.message)) return 0;
      throw e instanceof ExprError || e instanceof ExpressionError ? new FieldError(`kernel profile: current (${JSON.stringify(this.spec.current)}): ${e.message}`) : e;
    }
    if (!node) this.fail('current', 'is not a variable or a path through one');
    return asPid('current', (node as unknown as Typed & { node: ValueNode }).node);
  }

  processes(): ProcessesView | string {
    if (!this.spec.processes) return `${this.kernel}: its profile does not say where the process table is (kernel.processes)`;
    return this.read(() => {
      const v = this.k.values;
      const table = this.node('processes');
      const n = v.elementCount(table);
      if (n === undefined) this.fail('processes', `${table.name} is ${table.type}, not an array`);
      const slotAt = new Map<bigint, number>();
      const pidOfSlot = new Map<bigint, number>();
      const slots: ValueNode[] = [];
      for (let i = 0; i < n; i++) {
        const slot = this.guard('processes', () => v.index(table, BigInt(i)));
        slots.push(slot);
        if (slot.address !== undefined) slotAt.set(slot.address, i);
      }
      const pidOf = (slot: ValueNode): number => Number(this.scalarOf('pid', this.member('pid', slot)));
      for (const s of slots) if (s.address !== undefined) pidOfSlot.set(s.address, pidOf(s));
      /** A pointer to a slot, or a pid, as the pid it means (0 for none). */
      const asPid = (field: keyof ProfileSpec, node: ValueNode): number => {
        const x = this.scalarOf(field, node);
        if (x === 0n) return 0;
        const isPointer = /^\*/.test(node.type);
        if (!isPointer) return Number(x);
        const pid = pidOfSlot.get(x);
        if (pid === undefined) this.fail(field, `${hex(x)} is not a slot of ${this.spec.processes}`);
        return pid;
      };
      const harts: { hart: number; pid?: number }[] = [];
      for (let h = 0; h < this.k.harts; h++) {
        const pid = this.spec.current ? this.currentNode(h, asPid) : 0;
        harts.push({ hart: h, pid: pid || undefined });
      }
      const processes: ProcessInfo[] = [];
      for (const slot of slots) {
        const pid = pidOf(slot);
        const stateNode = this.spec.state ? this.member('state', slot) : undefined;
        const state = stateNode?.value ?? (pid ? 'used' : 'unused');
        if (this.spec.unused ? state === this.spec.unused || String(stateNode?.scalar) === this.spec.unused : pid === 0) continue;
        const hart = harts.find((h) => h.pid === pid && pid !== 0)?.hart;
        let name = this.spec.procName ? this.member('procName', slot).value : '';
        name = name.replace(/^0x[0-9a-f]+ /, '');
        if (name.startsWith('"')) name = JSON.parse(name.replace(/…$/, '')) as string;
        const num = (field: keyof ProfileSpec): bigint | undefined => (this.spec[field] ? this.scalarOf(field, this.member(field, slot)) : undefined);
        const root = num('root');
        const parent = this.spec.parent ? asPid('parent', this.member('parent', slot)) : 0;
        const kstack = num('kstack');
        const pc = num('contextPc'), sp = num('contextSp'), fp = num('contextFp');
        // A trap frame a process not yet trapped has may be a null pointer: then it has none.
        const trapNum = (field: keyof ProfileSpec): bigint | undefined => { try { return num(field); } catch { return undefined; } };
        const trapPc = hart !== undefined ? trapNum('trapPc') : undefined;
        const trapSp = trapPc !== undefined ? trapNum('trapSp') : undefined;
        processes.push({
          trap: trapPc !== undefined && trapSp !== undefined ? { pc: hex(trapPc), sp: hex(trapSp), fp: hex(trapNum('trapFp') ?? 0n), ra: hex(trapNum('trapRa') ?? 0n), regs: this.trapRegs(slot) } : undefined,
          pid, name, state: state.toLowerCase(), hart,
          root: root ? hex(root) : undefined,
          parent: parent || undefined,
          kstack: kstack !== undefined ? hex(kstack) : undefined,
          context: hart === undefined && pc !== undefined && sp !== undefined ? { pc: hex(pc), sp: hex(sp), fp: hex(fp ?? 0n) } : undefined,
        });
      }
      return { kernel: this.kernel, processes, harts };
    });
  }
}
