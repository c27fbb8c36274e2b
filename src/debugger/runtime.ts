// The Chronos runtime: one emulated machine with a kernel ELF, its line table and symbols,
// and the debugger's execution control (run in slices so pause answers at once; breakpoints
// with conditions, hit counts and logpoints; line and instruction stepping; data and trap
// breakpoints). It knows nothing of the Debug Adapter Protocol: session.ts translates.
import { describeCause } from '../emulator/cpu/causes.js';
import { decode } from '../emulator/isa/decode.js';
import { ABI_NAMES } from '../emulator/disasm/disasm.js';
import { Emitter } from '../emulator/events.js';
import { ElfError } from '../emulator/loader/elf.js';
import { Machine, type StopReason, type Watchpoint } from '../emulator/machine.js';
import { parseLineTable } from './dwarf/line.js';
import { LineIndex, type SourceLocation } from './dwarf/lineIndex.js';
import { FrameTable } from './dwarf/frame.js';
import { evaluate, type EvalContext } from './expression.js';
import { Symbols } from './symbols.js';
import { instructionAt } from './fetch.js';
import { locateDescriptor } from './inspectors/descriptor.js';
import { DebugInfo, type InfoSections } from './dwarf/info.js';
import { Locals, type FrameRegs, type ValueNode } from './locals.js';

export interface HostFiles {
  readFile(path: string): Uint8Array;
  exists(path: string): boolean;
}

export interface LaunchOptions {
  program: string;
  bios?: string;
  memory?: number;
  bootargs?: string;
  stopOnEntry?: boolean;
  /** Run to this function and stop there, once (a temporary breakpoint, as gdb's `start`). */
  runTo?: string;
  /** DWARF path prefix → local path prefix. */
  sourceMap?: Record<string, string>;
}

export type StopKind = 'entry' | 'breakpoint' | 'function breakpoint' | 'instruction breakpoint' | 'data breakpoint' | 'step' | 'pause' | 'exception';
export interface RuntimeStop { kind: StopKind; description?: string; text?: string; breakpointIds?: number[] }

export interface BreakpointSpec {
  id: number;
  kind: 'source' | 'function' | 'instruction';
  addresses: bigint[];
  condition?: string;
  hitCondition?: string;
  logMessage?: string;
  hits: number;
  /** Set by launch's runTo: removed when hit, and left alone when the client replaces its own. */
  temporary?: boolean;
}

export interface Frame { index: number; pc: bigint; fp: bigint; name: string; location?: SourceLocation }

/** RISC-V trap filters offered as exception breakpoints, by mcause. */
export const TRAP_FILTERS: { id: string; label: string; causes: (c: bigint) => boolean }[] = [
  { id: 'instruction-page-fault', label: 'Instruction page fault', causes: (c) => c === 12n },
  { id: 'load-page-fault', label: 'Load page fault', causes: (c) => c === 13n },
  { id: 'store-page-fault', label: 'Store/AMO page fault', causes: (c) => c === 15n },
  { id: 'illegal-instruction', label: 'Illegal instruction', causes: (c) => c === 2n },
  { id: 'breakpoint', label: 'Breakpoint (ebreak)', causes: (c) => c === 3n },
  { id: 'ecall-u', label: 'Environment call from U-mode', causes: (c) => c === 8n },
  { id: 'ecall-s', label: 'Environment call from S-mode', causes: (c) => c === 9n },
  { id: 'misaligned', label: 'Misaligned access', causes: (c) => c === 0n || c === 4n || c === 6n },
  { id: 'access-fault', label: 'Access fault', causes: (c) => c === 1n || c === 5n || c === 7n },
  { id: 'interrupt', label: 'Any interrupt', causes: (c) => c < 0n },
];
export const PANIC_FILTER = { id: 'panic', label: 'Kernel panic' };
const PANIC_SYMBOLS = ['rust_begin_unwind', 'panic', 'core::panicking::panic_fmt'];

const SLICE = 2_000_000;
const STEP_LIMIT = 2_000_000;
const nextTick = (): Promise<void> => new Promise((r) => setImmediate(r));

export class ChronosRuntime {
  machine!: Machine;
  symbols!: Symbols;
  private infoSections: InfoSections | undefined;
  private localsReader: Locals | undefined | null;
  /** The kernel's debug descriptor (docs/debug-descriptor.md), if it has one. */
  descriptorAddress: bigint | undefined;
  lines!: LineIndex;
  frames!: FrameTable;
  programPath = '';
  private options!: LaunchOptions;
  private readonly breakpoints = new Map<number, BreakpointSpec>();
  private nextId = 1;
  private tempBreakpoints: bigint[] = [];
  private panicAddresses: bigint[] = [];
  private panicEnabled = false;
  private trapFilterIds = new Set<string>();
  private watchpoints: Watchpoint[] = [];
  private running = false;
  private pauseRequested = false;
  private generationOfRun = 0;
  exited = false;
  private uartBuffer: number[] = [];

  readonly onStop = new Emitter<RuntimeStop>();
  readonly onOutput = new Emitter<string>();
  readonly onExit = new Emitter<number>();

  constructor(private readonly files: HostFiles) {}

  get isRunning(): boolean { return this.running; }

  /** Load and boot; errors are thrown as messages for the client. */
  launch(opts: LaunchOptions): void {
    this.options = opts;
    if (!opts.program) throw new Error('the launch configuration needs "program": the kernel ELF');
    if (!this.files.exists(opts.program)) throw new Error(`program ${opts.program} does not exist`);
    const bytes = this.files.readFile(opts.program);
    let bios: 'none' | 'builtin' | Uint8Array = 'builtin';
    if (opts.bios === 'none') bios = 'none';
    else if (opts.bios && opts.bios !== 'builtin') {
      if (!this.files.exists(opts.bios)) throw new Error(`firmware ${opts.bios} does not exist`);
      bios = this.files.readFile(opts.bios);
    }
    const m = new Machine({ memoryMiB: opts.memory ?? 128, bios, bootargs: opts.bootargs ?? '' });
    try {
      const elf = m.loadElf(bytes);
      m.boot();
      this.symbols = new Symbols(elf);
      this.descriptorAddress = locateDescriptor(elf, this.symbols);
      const sec = (n: string): Uint8Array | undefined => {
        const s = elf.sections.find((x) => x.name === n);
        return s ? elf.bytes.subarray(s.offset, s.offset + s.size) : undefined;
      };
      const debugLine = sec('.debug_line');
      this.lines = new LineIndex(debugLine ? parseLineTable({ debugLine, debugLineStr: sec('.debug_line_str'), debugStr: sec('.debug_str') }) : []);
      this.frames = new FrameTable(sec('.debug_frame'));
      const debugInfo = sec('.debug_info'), debugAbbrev = sec('.debug_abbrev');
      this.infoSections = debugInfo && debugAbbrev
        ? { debugInfo, debugAbbrev, debugStr: sec('.debug_str'), debugLineStr: sec('.debug_line_str'), debugRanges: sec('.debug_ranges'),
          debugRngLists: sec('.debug_rnglists'), debugStrOffsets: sec('.debug_str_offsets'), debugAddr: sec('.debug_addr') }
        : undefined;
      this.localsReader = undefined;
    } catch (e) {
      if (e instanceof ElfError) throw new Error(`${opts.program}: ${e.message}`);
      throw e;
    }
    this.machine = m;
    this.programPath = opts.program;
    this.exited = false;
    if (opts.runTo) {
      const sym = this.symbols.find(opts.runTo);
      if (!sym) throw new Error(`runTo: no function '${opts.runTo}' in the kernel's symbols`);
      const id = this.nextId++;
      this.breakpoints.set(id, { id, kind: 'function', addresses: [sym.address], hits: 0, temporary: true });
    }
    this.panicAddresses = PANIC_SYMBOLS.map((n) => this.symbols.find(n)?.address).filter((a): a is bigint => a !== undefined).slice(0, 1);
    m.onUartOutput.event((b) => this.uartBuffer.push(b));
    m.trapFilter = (cause) => TRAP_FILTERS.some((f) => this.trapFilterIds.has(f.id) && f.causes(cause));
    this.applyBreakpoints();
  }

  private flushUart(): void {
    if (this.uartBuffer.length) {
      this.onOutput.fire(new TextDecoder().decode(Uint8Array.from(this.uartBuffer)));
      this.uartBuffer = [];
    }
  }

  // ---- source paths ------------------------------------------------------------------------

  /** A DWARF path as a local one: sourceMap substitution, then relative paths against the program's ancestors. */
  localPath(dwarfPath: string): string {
    for (const [from, to] of Object.entries(this.options.sourceMap ?? {})) {
      if (dwarfPath.startsWith(from)) return to + dwarfPath.slice(from.length);
    }
    if (dwarfPath.startsWith('/')) return dwarfPath;
    let dir = this.programPath.replace(/\/[^/]*$/, '');
    for (let i = 0; i < 8 && dir; i++) {
      const candidate = `${dir}/${dwarfPath}`;
      if (this.files.exists(candidate)) return candidate;
      dir = dir.replace(/\/[^/]*$/, '');
    }
    return dwarfPath;
  }

  /** The line table's name for a local file. */
  private tableFile(localPath: string): string | undefined {
    let p = localPath;
    for (const [from, to] of Object.entries(this.options.sourceMap ?? {})) if (p.startsWith(to)) p = from + p.slice(to.length);
    return this.lines.resolveFile(p);
  }

  // ---- breakpoints ---------------------------------------------------------------------------

  setSourceBreakpoints(path: string, specs: { line: number; condition?: string; hitCondition?: string; logMessage?: string }[]):
  { id: number; verified: boolean; line: number; message?: string }[] {
    for (const [id, b] of this.breakpoints) if (b.kind === 'source' && (b as BreakpointSpec & { path?: string }).path === path) this.breakpoints.delete(id);
    const file = this.tableFile(path);
    const out = specs.map((s) => {
      const id = this.nextId++;
      if (!file) return { id, verified: false, line: s.line, message: 'no code from this file is in the kernel ELF (no DWARF line information for it)' };
      const found = this.lines.addressesFor(file, s.line);
      if (!found) return { id, verified: false, line: s.line, message: `no code at or after line ${s.line}` };
      const spec = { id, kind: 'source' as const, addresses: found.addresses, condition: s.condition, hitCondition: s.hitCondition, logMessage: s.logMessage, hits: 0, path };
      this.breakpoints.set(id, spec);
      return { id, verified: true, line: found.line };
    });
    this.applyBreakpoints();
    return out;
  }

  setFunctionBreakpoints(specs: { name: string; condition?: string; hitCondition?: string }[]): { id: number; verified: boolean; message?: string; address?: bigint }[] {
    for (const [id, b] of this.breakpoints) if (b.kind === 'function' && !b.temporary) this.breakpoints.delete(id);
    const out = specs.map((s) => {
      const id = this.nextId++;
      const sym = this.symbols.find(s.name);
      if (!sym) return { id, verified: false, message: `no function '${s.name}' in the kernel's symbols` };
      this.breakpoints.set(id, { id, kind: 'function', addresses: [sym.address], condition: s.condition, hitCondition: s.hitCondition, hits: 0 });
      return { id, verified: true, address: sym.address };
    });
    this.applyBreakpoints();
    return out;
  }

  setInstructionBreakpoints(specs: { address: bigint; condition?: string; hitCondition?: string }[]): { id: number; verified: boolean }[] {
    for (const [id, b] of this.breakpoints) if (b.kind === 'instruction') this.breakpoints.delete(id);
    const out = specs.map((s) => {
      const id = this.nextId++;
      this.breakpoints.set(id, { id, kind: 'instruction', addresses: [BigInt.asUintN(64, s.address)], condition: s.condition, hitCondition: s.hitCondition, hits: 0 });
      return { id, verified: true };
    });
    this.applyBreakpoints();
    return out;
  }

  setExceptionFilters(ids: string[]): void {
    this.trapFilterIds = new Set(ids);
    this.panicEnabled = ids.includes(PANIC_FILTER.id);
    this.applyBreakpoints();
  }

  setWatchpoints(list: Watchpoint[]): void {
    this.watchpoints = list;
    this.machine.setWatchpoints(list);
  }

  private applyBreakpoints(): void {
    if (!this.machine) return;
    const all: bigint[] = [...this.tempBreakpoints];
    for (const b of this.breakpoints.values()) all.push(...b.addresses);
    if (this.panicEnabled) all.push(...this.panicAddresses);
    this.machine.setBreakpoints(all);
  }

  // ---- state ---------------------------------------------------------------------------------

  get pc(): bigint { return BigInt.asUintN(64, this.machine.hart.pc); }
  reg(i: number): bigint { return this.machine.hart.x[i]; }

  evalContext(): EvalContext {
    const h = this.machine.hart;
    return {
      register: (name) => {
        if (name === 'pc') return BigInt.asUintN(64, h.pc);
        if (name === 'fp') return h.x[8];
        const i = ABI_NAMES.indexOf(name);
        if (i >= 0) return h.x[i];
        const m = /^x(\d+)$/.exec(name);
        if (m && Number(m[1]) < 32) return h.x[Number(m[1])];
        return undefined;
      },
      symbol: (name) => this.symbols.find(name)?.address,
      variable: (name) => this.locals(0)?.find((n) => n.name === name)?.scalar,
      read: (addr, size) => {
        const b = this.machine.debug.readVirt(BigInt.asUintN(64, addr), size);
        if (!b) return undefined;
        let v = 0n;
        for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
        return v;
      },
    };
  }

  evaluate(expr: string): bigint { return evaluate(expr, this.evalContext()); }

  location(pc: bigint): SourceLocation | undefined {
    const l = this.lines.lookup(pc);
    return l ? { ...l, file: this.localPath(l.file) } : undefined;
  }

  functionName(pc: bigint): string {
    const s = this.symbols.at(pc);
    return s ? s.sym.name : `0x${pc.toString(16)}`;
  }

  /**
   * The call stack from frame pointers: each frame keeps its return address at fp-8 and the
   * caller's fp at fp-16. A function whose prologue has not yet set fp (or whose epilogue has
   * restored the caller's) is detected from its code, and its caller found through ra.
   */
  stack(max = 64): Frame[] {
    return this.stackFromCfi(max) ?? this.stackFromFramePointers(max);
  }

  /**
   * The source variables in scope in a frame (0 = innermost): empty where the debugging
   * information describes no function; undefined when the kernel has no .debug_info or there
   * is no such frame. The entries are read on first use: a debug session that never looks at
   * variables never pays for them.
   */
  locals(frameIndex: number): ValueNode[] | undefined {
    const scope = this.localsScope(frameIndex);
    return scope && scope.reader.at(scope.pc, scope.regs);
  }

  /** Whether locals(frameIndex) has an answer, without reading any variable. */
  hasLocals(frameIndex: number): boolean {
    return this.localsScope(frameIndex) !== undefined;
  }

  private localsScope(frameIndex: number): { reader: Locals; pc: bigint; regs: FrameRegs } | undefined {
    if (this.localsReader === undefined) {
      try {
        this.localsReader = this.infoSections
          ? new Locals(new DebugInfo(this.infoSections), (a, n) => this.machine.debug.readVirt(a, n) ?? undefined,
            (a) => { const s = this.symbols.at(a); return s && s.sym.address === a ? s.sym.name : undefined; })
          : null;
      } catch (e) {
        this.localsReader = null;
        this.onOutput.fire(`Chronos: cannot read the kernel's .debug_info (${(e as Error).message}); variables are not shown\n`);
      }
    }
    if (!this.localsReader) return undefined;
    const frame = this.stack(frameIndex + 1)[frameIndex];
    if (!frame) return undefined;
    const h = this.machine.hart;
    // Only the innermost frame's registers are all known; callers' frames have their fp.
    const reg = (n: number): bigint | undefined => frameIndex === 0 ? BigInt.asUintN(64, h.x[n]) : n === 8 ? frame.fp : undefined;
    const pc = frameIndex === 0 ? frame.pc : frame.pc - 2n;
    // GCC's frame base is the call-frame address (DW_OP_call_frame_cfa), from the CFI rule.
    const rule = this.frames?.ruleAt(pc);
    const cfaBase = rule ? reg(rule.cfaReg) : undefined;
    const cfa = rule && cfaBase !== undefined ? BigInt.asUintN(64, cfaBase + BigInt(rule.cfaOffset)) : undefined;
    return { reader: this.localsReader, pc, regs: { reg, cfa } };
  }

  /**
   * Unwinding with DWARF call-frame information: exact in prologues and epilogues. Undefined
   * when the kernel has no .debug_frame for the current pc (then frame pointers serve).
   */
  private stackFromCfi(max: number): Frame[] | undefined {
    if (!this.frames || this.frames.size === 0 || !this.frames.ruleAt(this.pc)) return undefined;
    const regs = this.hartRegisters();
    const read = (a: bigint): bigint | undefined => this.evalContext().read(a, 8);
    const out: Frame[] = [];
    let pc = this.pc;
    for (let depth = 0; depth < max; depth++) {
      const at = depth === 0 ? pc : pc - 2n;
      out.push({ index: depth, pc, fp: regs.get(8)!, name: this.functionName(pc), location: this.location(at) });
      const exit = depth === 0 ? this.epilogueExit(pc, regs) : undefined;
      if (exit) {
        const ra = exit.get(1)!;
        if (ra === 0n || ra === pc) break;
        pc = ra;
        for (const [k, v] of exit) regs.set(k, v);
        continue;
      }
      const rule = this.frames.ruleAt(at);
      if (!rule) break;
      const cfa = BigInt.asUintN(64, (regs.get(rule.cfaReg) ?? 0n) + BigInt(rule.cfaOffset));
      const next = new Map(regs);
      for (const [reg, off] of rule.saved) {
        const v = read(cfa + BigInt(off));
        if (v === undefined) return out;
        next.set(reg, BigInt.asUintN(64, v));
      }
      next.set(2, cfa);
      const ra = rule.saved.has(1) ? next.get(1)! : regs.get(1)!;
      if (ra === 0n || (ra === pc && cfa === regs.get(2))) break;
      pc = ra;
      for (const [k, v] of next) regs.set(k, v);
    }
    return out;
  }

  /** x0–x31 as the unwinders start from them, unsigned. */
  private hartRegisters(): Map<number, bigint> {
    const h = this.machine.hart;
    return new Map(Array.from({ length: 32 }, (_, i): [number, bigint] => [i, BigInt.asUintN(64, h.x[i])]));
  }

  private stackFromFramePointers(max: number): Frame[] {
    const h = this.machine.hart;
    const frames: Frame[] = [];
    let pc = this.pc, fp = BigInt.asUintN(64, h.x[8]);
    const word = (a: bigint): bigint | undefined => this.evalContext().read(a, 8);
    const sp = BigInt.asUintN(64, h.x[2]);
    frames.push({ index: 0, pc, fp, name: this.functionName(pc), location: this.location(pc) });
    const exit = this.epilogueExit(pc, this.hartRegisters());
    if (exit) {
      pc = exit.get(1)!;
      fp = exit.get(8)!;
      if (pc === 0n) return frames;
      frames.push({ index: 1, pc, fp, name: this.functionName(pc), location: this.location(pc - 2n) });
    } else if (!this.frameReady(pc)) {
      const ra = BigInt.asUintN(64, h.x[1]);
      if (ra === 0n) return frames;
      pc = ra;
      frames.push({ index: 1, pc, fp, name: this.functionName(pc), location: this.location(pc - 2n) });
    }
    while (frames.length < max) {
      if (fp === 0n || fp < sp || fp % 8n !== 0n) break;
      const ra = word(fp - 8n), prev = word(fp - 16n);
      if (ra === undefined || prev === undefined || ra === 0n) break;
      const retPc = BigInt.asUintN(64, ra);
      // The call is the instruction before the return address: its line is the caller's line.
      frames.push({ index: frames.length, pc: retPc, fp: BigInt.asUintN(64, prev), name: this.functionName(retPc), location: this.location(retPc - 2n) });
      if (BigInt.asUintN(64, prev) <= fp) break;
      fp = BigInt.asUintN(64, prev);
    }
    return frames;
  }

  /**
   * When the code from pc to the next `ret` only reloads registers from the stack and moves sp
   * (an epilogue), the registers as that `ret` will find them, from running those instructions
   * on a copy. Undefined otherwise. Exact, since the path is straight; needed because LLVM
   * before 16 writes no call-frame information for RISC-V epilogues, so the prologue's rule
   * (often CFA = s0) reads the wrong frame once s0 is restored, and frame pointers lose one
   * frame there too.
   */
  private epilogueExit(pc: bigint, regs: Map<number, bigint>): Map<number, bigint> | undefined {
    const ctx = this.evalContext();
    const r = new Map(regs);
    let a = pc;
    for (let n = 0; n < 16; n++) {
      const insn = instructionAt(ctx, a);
      const d = insn && decode(insn.word);
      if (!insn || !d) return undefined;
      const name = d.def.name, imm = BigInt(d.imm);
      if (name === 'jalr' && d.rd === 0 && d.rs1 === 1 && d.imm === 0) return r;
      if (name === 'ld' && d.rs1 === 2 && d.rd !== 0) {
        const v = ctx.read(BigInt.asUintN(64, r.get(2)! + imm), 8);
        if (v === undefined) return undefined;
        r.set(d.rd, BigInt.asUintN(64, v));
      } else if (name === 'addi' && d.rd === 2 && (d.rs1 === 2 || d.rs1 === 8)) {
        r.set(2, BigInt.asUintN(64, r.get(d.rs1)! + imm));
      } else return undefined;
      a += BigInt(insn.len);
    }
    return undefined;
  }

  /**
   * Whether the function at pc has set up its own frame pointer by now: whether pc is past the
   * prologue's `addi s0, sp, N`. (Epilogues, where s0 is the caller's again, are found first by
   * epilogueExit; a linear scan cannot tell them apart, since the compiler may lay one out
   * before code that still runs in the frame.)
   */
  private frameReady(pc: bigint): boolean {
    const f = this.symbols.at(pc);
    if (!f) return true;
    let a = f.sym.address;
    const ctx = this.evalContext();
    for (let n = 0; a < pc && n < 64; n++) {
      const insn = instructionAt(ctx, a);
      if (!insn) return true;
      const d = decode(insn.word);
      if (d && d.def.name === 'addi' && d.rd === 8 && d.rs1 === 2) return true;
      a += BigInt(insn.len);
    }
    return a < pc;
  }

  // ---- execution -------------------------------------------------------------------------------

  /** Start after launch: stop on entry, or run. */
  start(): void {
    if (this.options.stopOnEntry) this.emitStop({ kind: 'entry' });
    else void this.continue();
  }

  pause(): void {
    if (this.running) { this.pauseRequested = true; this.machine.pause(); }
  }

  private emitStop(s: RuntimeStop): void {
    this.flushUart();
    this.onStop.fire(s);
  }

  private finish(r: StopReason): boolean {
    if (r.kind === 'exit' || r.kind === 'reset') {
      this.flushUart();
      this.exited = true;
      this.running = false;
      this.onExit.fire(r.kind === 'exit' ? r.status : 0);
      return true;
    }
    return false;
  }

  /** Decide whether a stop at a breakpoint address is for the user (conditions, hit counts, logpoints). */
  private breakpointStop(pc: bigint): RuntimeStop | undefined {
    if (this.panicEnabled && this.panicAddresses.includes(pc)) return { kind: 'exception', description: 'kernel panic', text: 'The kernel panicked' };
    let stop: RuntimeStop | undefined;
    for (const b of this.breakpoints.values()) {
      if (!b.addresses.includes(pc)) continue;
      if (b.condition) {
        try { if (this.evaluate(b.condition) === 0n) continue; } catch { /* a broken condition stops, so the user sees it */ }
      }
      b.hits++;
      if (b.hitCondition) {
        const m = /^\s*(>=|>|==|%)?\s*(\d+)\s*$/.exec(b.hitCondition);
        if (m) {
          const n = Number(m[2]), op = m[1] ?? '>=';
          const ok = op === '>=' ? b.hits >= n : op === '>' ? b.hits > n : op === '==' ? b.hits === n : b.hits % n === 0;
          if (!ok) continue;
        }
      }
      if (b.temporary) {
        this.breakpoints.delete(b.id);
        this.applyBreakpoints();
        stop = { kind: 'entry', description: `Stopped at ${this.options.runTo}`, breakpointIds: stop?.breakpointIds };
        continue;
      }
      if (b.logMessage) {
        this.flushUart();
        this.onOutput.fire(`${this.interpolate(b.logMessage)}\n`);
        continue;
      }
      const kind: StopKind = b.kind === 'function' ? 'function breakpoint' : b.kind === 'instruction' ? 'instruction breakpoint' : 'breakpoint';
      stop = { kind, breakpointIds: [...(stop?.breakpointIds ?? []), b.id] };
    }
    return stop;
  }

  private interpolate(msg: string): string {
    return msg.replace(/\{([^}]+)\}/g, (_m, e: string) => {
      try { return `0x${BigInt.asUintN(64, this.evaluate(e)).toString(16)}`; } catch (err) { return `<${(err as Error).message}>`; }
    });
  }

  private stopFor(r: StopReason): RuntimeStop | undefined {
    switch (r.kind) {
      case 'breakpoint': return this.breakpointStop(BigInt.asUintN(64, r.pc));
      case 'watchpoint': return { kind: 'data breakpoint', description: `${r.access} of ${r.size} bytes at 0x${r.address.toString(16)}` };
      case 'trap': return { kind: 'exception', description: r.description, text: `${r.description} (mcause ${r.cause}) at pc 0x${BigInt.asUintN(64, r.pc).toString(16)}, tval 0x${BigInt.asUintN(64, r.tval).toString(16)}` };
      case 'paused': return { kind: 'pause' };
      case 'idle': return { kind: 'pause', description: 'the hart waits for an interrupt (wfi) that nothing will raise' };
      default: return undefined;
    }
  }

  /** Run until something stops the guest; resolves when it stopped (or exited). */
  async continue(): Promise<void> {
    if (this.exited) return;
    this.running = true;
    this.pauseRequested = false;
    const run = ++this.generationOfRun;
    for (;;) {
      const r = this.machine.run(SLICE);
      this.flushUart();
      if (this.finish(r)) return;
      if (r.kind !== 'budget') {
        const s = this.stopFor(r);
        if (s) { this.running = false; this.emitStop(s); return; }
        continue; // a breakpoint whose condition said no, or a logpoint
      }
      await nextTick();
      if (run !== this.generationOfRun || this.exited) return;
      if (this.pauseRequested) { this.running = false; this.emitStop({ kind: 'pause' }); return; }
    }
  }

  /** One instruction; stops at a trap entry too. */
  stepInstruction(): void {
    if (this.exited) return;
    const r = this.machine.step();
    this.flushUart();
    if (this.finish(r)) return;
    const s = r.kind === 'budget' || r.kind === 'breakpoint' ? undefined : this.stopFor(r);
    this.emitStop(s ?? { kind: 'step' });
  }

  private isCall(pc: bigint): { len: number } | undefined {
    const insn = instructionAt(this.evalContext(), pc);
    const d = insn && decode(insn.word);
    return d && (d.def.name === 'jal' || d.def.name === 'jalr') && d.rd === 1 ? { len: insn.len } : undefined;
  }

  /** Run until pc reaches `target` with sp at or above `minSp` (returning from a call). */
  private async runTo(target: bigint, minSp: bigint): Promise<'arrived' | 'stopped' | 'exited'> {
    this.tempBreakpoints = [target];
    this.applyBreakpoints();
    try {
      for (;;) {
        const r = this.machine.run(SLICE);
        this.flushUart();
        if (this.finish(r)) return 'exited';
        if (r.kind === 'breakpoint' && BigInt.asUintN(64, r.pc) === target && BigInt.asUintN(64, this.reg(2)) >= minSp) return 'arrived';
        if (r.kind !== 'budget' && r.kind !== 'breakpoint') { const s = this.stopFor(r); if (s) { this.emitStop(s); return 'stopped'; } }
        if (r.kind === 'breakpoint' && BigInt.asUintN(64, r.pc) !== target) { const s = this.breakpointStop(BigInt.asUintN(64, r.pc)); if (s) { this.emitStop(s); return 'stopped'; } }
        await nextTick();
        if (this.pauseRequested) { this.emitStop({ kind: 'pause' }); return 'stopped'; }
      }
    } finally {
      this.tempBreakpoints = [];
      this.applyBreakpoints();
    }
  }

  /** Step by source line: `over` runs calls to completion. */
  async stepLine(over: boolean): Promise<void> {
    if (this.exited) return;
    this.running = true;
    this.pauseRequested = false;
    const start = this.lines.lookup(this.pc);
    const startFn = this.symbols.at(this.pc)?.sym.address;
    const startSp = BigInt.asUintN(64, this.reg(2));
    try {
      for (let n = 0; n < STEP_LIMIT; n++) {
        const pc = this.pc;
        const call = over || !start ? this.isCall(pc) : undefined;
        if (call && over) {
          const r = await this.runTo(pc + BigInt(call.len), BigInt.asUintN(64, this.reg(2)));
          if (r !== 'arrived') return;
        } else {
          const r = this.machine.step();
          this.flushUart();
          if (this.finish(r)) return;
          if (r.kind !== 'budget' && r.kind !== 'breakpoint') { const s = this.stopFor(r); if (s) { this.emitStop(s); return; } }
        }
        const here = this.lines.lookup(this.pc);
        if (!start) { if (here) break; continue; }
        if (here && (here.line !== start.line || here.file !== start.file)) {
          // Stepping over: a line inside a deeper call (sp below) is not where we stop.
          if (over && BigInt.asUintN(64, this.reg(2)) < startSp && this.symbols.at(this.pc)?.sym.address !== startFn) continue;
          break;
        }
        if (n % 10_000 === 9_999) {
          await nextTick();
          if (this.pauseRequested) { this.emitStop({ kind: 'pause' }); return; }
        }
      }
      this.emitStop({ kind: 'step' });
    } finally {
      this.running = false;
    }
  }

  /** Run until the current function returns to its caller. */
  async stepOut(): Promise<void> {
    if (this.exited) return;
    const frames = this.stack(2);
    if (frames.length < 2) { this.stepInstruction(); return; }
    this.running = true;
    this.pauseRequested = false;
    try {
      // The caller's sp is at least ours (equal while our prologue has not run yet).
      const r = await this.runTo(frames[1].pc, BigInt.asUintN(64, this.reg(2)));
      if (r === 'arrived') this.emitStop({ kind: 'step' });
    } finally {
      this.running = false;
    }
  }

  /** UART input from the client. */
  sendInput(text: string): void {
    this.machine.uart.receive(new TextEncoder().encode(text));
  }

  terminate(): void {
    this.generationOfRun++;
    this.running = false;
    this.exited = true;
  }

  describeCause(c: bigint): string { return describeCause(c); }
}
