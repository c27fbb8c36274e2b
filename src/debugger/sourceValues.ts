// Source-level values of one program (the kernel, or a user program): its debugging
// information read once, on first use; each frame's variables with the registers the unwinder
// recovered for it (callers' from the CFI), its CFA and its caller for entry values; statics by
// path; and the typed side of expressions (paths through structs, arrays and pointers).
import { DebugInfo } from './dwarf/info.js';
import { ExprError } from './dwarf/expr.js';
import { Locals, type FrameRegs, type ValueNode } from './locals.js';
import type { Program } from './program.js';
import { physicalOf, type Frame } from './unwind.js';
import type { Typed, TypedOps } from './expression.js';
import { ExpressionError } from './expression.js';

/** Reads virtual memory of one address space. */
export type Memory = (address: bigint, size: number) => Uint8Array | undefined;

export interface FrameState {
  frames: Frame[];
  /** The innermost frame's FP registers, as raw bits (frame 0 only: callers' are not recovered). */
  fpBits?: (r: number) => bigint;
}

export class SourceValues {
  private info: DebugInfo | null | undefined;
  private readonly readers = new Map<bigint, Locals>();

  constructor(private readonly program: Program, private readonly warn: (message: string) => void) {}

  /** The program's .debug_info, parsed on first use; null when it has none or it cannot be read. */
  debugInfo(): DebugInfo | null {
    if (this.info === undefined) {
      try {
        const s = this.program.infoSections;
        this.info = s ? new DebugInfo(s) : null;
      } catch (e) {
        this.info = null;
        this.warn(`Chronos: cannot read the .debug_info of ${this.program.path} (${(e as Error).message}); variables are not shown\n`);
      }
    }
    return this.info;
  }

  get available(): boolean { return this.program.infoSections !== undefined; }

  /** The reader for one address space (a value's children, expanded later, read the space they came from). */
  reader(satp: bigint, memory: Memory): Locals | undefined {
    const info = this.debugInfo();
    if (!info) return undefined;
    let r = this.readers.get(satp);
    if (!r) {
      r = new Locals(info, memory, (a) => { const s = this.program.symbols.at(a); return s && s.sym.address === a ? s.sym.name : undefined; });
      if (this.readers.size > 16) this.readers.clear();
      this.readers.set(satp, r);
    }
    return r;
  }

  /**
   * What frame `index` of a stack knows: its registers, pc, CFA, and its caller. An inlined
   * call's frame has the registers of the frame it is part of, and its caller for entry values
   * is that frame's caller (DW_OP_entry_value means the physical function's entry).
   */
  frameRegs(state: FrameState, index: number): FrameRegs | undefined {
    const frame = state.frames[index];
    if (!frame) return undefined;
    const known = frame.regs;
    const innermost = physicalOf(frame) === physicalOf(state.frames[0]);
    const reg = (n: number): bigint | undefined => {
      if (n < 32) return n === 0 ? 0n : known ? known.get(n) : n === 8 ? frame.fp : undefined;
      return innermost && n < 64 ? state.fpBits?.(n - 32) : undefined;
    };
    // A return address points after the call: the call itself is the caller's code.
    const pc = innermost ? frame.pc : frame.pc - 2n;
    const rule = this.program.frames.ruleAt(pc);
    const cfaBase = rule ? reg(rule.cfaReg) : undefined;
    const cfa = rule && cfaBase !== undefined ? BigInt.asUintN(64, cfaBase + BigInt(rule.cfaOffset)) : undefined;
    let caller = index + 1;
    while (state.frames[caller] && physicalOf(state.frames[caller]) === physicalOf(frame)) caller++;
    return {
      reg, pc, cfa, inlined: frame.inlined,
      returnAddress: innermost ? undefined : frame.pc,
      caller: () => this.frameRegs(state, caller),
    };
  }

  /** The variables of frame `index`; undefined without debugging information or such a frame. */
  locals(state: FrameState, index: number, reader: Locals | undefined): ValueNode[] | undefined {
    const regs = this.frameRegs(state, index);
    return reader && regs ? reader.at(regs) : undefined;
  }

  /**
   * The typed side of expressions in one frame: its variables first, then statics by path.
   * `frameLocals` is computed only when a name is looked up.
   */
  typedOps(reader: Locals, frameLocals: () => ValueNode[] | undefined): TypedOps {
    type T = Typed & { node: ValueNode };
    const wrap = (node: ValueNode): T => ({ typed: true, node });
    const guard = <R>(f: () => R): R => {
      try { return f(); } catch (e) {
        if (e instanceof ExprError) throw new ExpressionError(e.message);
        throw e;
      }
    };
    let localsCache: ValueNode[] | undefined | null = null;
    return {
      lookup: (name) => {
        if (localsCache === null) localsCache = frameLocals();
        const local = localsCache?.find((n) => n.name === name);
        if (local) return wrap(local);
        const g = guard(() => reader.global(name));
        return g ? wrap(g) : undefined;
      },
      member: (v, name) => wrap(guard(() => reader.member((v as T).node, name))),
      index: (v, i) => wrap(guard(() => reader.index((v as T).node, i))),
      deref: (v) => wrap(guard(() => reader.deref((v as T).node))),
      address: (v) => guard(() => reader.addressOf((v as T).node)),
      scalar: (v) => {
        const n = (v as T).node;
        if (n.scalar !== undefined) return n.scalar;
        if (n.address !== undefined && n.children) return n.address; // an array or a struct: its address, as C's arrays decay
        throw new ExpressionError(`${n.name} is ${n.value}, not a number`);
      },
    };
  }

  /** The node a typed path evaluates to (for showing it with its children), or undefined when the text is not a path. */
  static node(v: Typed): ValueNode { return (v as Typed & { node: ValueNode }).node; }
}
