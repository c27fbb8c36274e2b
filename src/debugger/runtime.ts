// The Chronos runtime: one emulated machine with a kernel, and the debugger's execution
// control over it (run in slices so pause answers at once; breakpoints, stepping, data and
// trap breakpoints) and its queries (registers, memory, the stack, variables, the inspectors).
// It knows nothing of the Debug Adapter Protocol: session.ts translates.
import { Priv, describeCause } from '../emulator/cpu/causes.js';
import { CSR } from '../emulator/isa/csrs.js';
import { ABI_NAMES } from '../emulator/isa/registers.js';
import { floatRegisterIndex } from './floatRegisters.js';
import { instructionAt } from './fetch.js';
import { decode } from '../emulator/isa/decode.js';
import { Emitter } from '../emulator/events.js';
import { ElfError, parseElf } from '../emulator/loader/elf.js';
import type { Machine, RunOptions, StopReason, Watchpoint } from '../emulator/machine.js';
import { History, HistoryError } from '../emulator/history/history.js';
import { satpMode, satpRootPpn, SATP_MODE_SV39, type WalkResult } from '../emulator/cpu/sv39.js';
import { HartStatus } from '../emulator/sbi/sbi.js';
import { hartName, PRIV_NAMES } from './harts.js';
import type { SourceLocation } from './dwarf/lineIndex.js';
import { evaluate, evaluatePath, ExpressionError, type EvalContext } from './expression.js';
import type { Locals, ValueNode } from './locals.js';
import { SourceValues, type FrameState } from './sourceValues.js';
import { Program, type HostFiles } from './program.js';
import { Breakpoints, type BreakpointOptions, type RuntimeStop, type SetResult } from './breakpoints.js';
import { PANIC_FILTER, PANIC_SYMBOLS, TRAP_FILTERS } from './trapFilters.js';
import { Unwinder, physicalOf, type Frame } from './unwind.js';
import { withInlinedFrames } from './inlineFrames.js';
import type { Die } from './dwarf/info.js';
import { deeper, nextInstruction, stepLine, stepOut, type StepControl } from './stepping.js';
import type { FramesView } from './inspectors/frames.js';
import type { HeapView } from './inspectors/heap.js';
import type { KernelProfile, ProcessesView } from './profiles/profile.js';
import { selectProfile } from './profiles/select.js';
import { flatten, readTree, translateView, type Mapping, type PteNode, type TranslationView } from './inspectors/pageTables.js';
import { describeStale, staleTranslations } from './inspectors/staleTlb.js';
import { MSTATUS } from '../emulator/isa/csrFields.js';
import { historyBudget, type LaunchOptions } from './launchConfig.js';
import type { Drive } from '../emulator/board/virtio.js';
import type { DriveSpec } from './driveSpec.js';
import { launchMachine, under } from './launchMachine.js';
import { loadUserPrograms, type UserProgram } from './userPrograms.js';
import { lastWriteSearch, type WriteTarget } from './lastWrite.js';
import { Timeline, type TimelineView } from './timeline.js';
import { BootError, bootFromArgs, type ReadFile } from './machineArgs.js';

export type { HostFiles, Frame, RuntimeStop };
export type { StopKind, BreakpointSpec } from './breakpoints.js';

/** Instructions per slice of a run: between slices the adapter answers requests (pause, the views). */
const SLICE = 2_000_000;
/** A run whose breakpoints keep declining (false conditions, logpoints) still yields this often. */
const YIELD_MS = 20;
const nextTick = (): Promise<void> => new Promise((r) => setImmediate(r));

export interface PageTablesView { satp: bigint; mode: 'Bare' | 'Sv39'; root?: bigint; tree: PteNode[]; flat: Mapping[]; truncated?: boolean }


/** How many instructions of the trap vector's entry code are followed at most (saving 31 registers takes far fewer). */
const TRAP_ENTRY_SCAN = 512;

/** How far a line step back goes before it gives up and stops where it is. */
const STEP_BACK_LIMIT = 100_000;
/** At most this many stale translations are named at one stop; the rest are counted. */
const STALE_LINES = 4;

/** Time travel as the views and clients see it: the recorded window and where the machine is. */
export interface HistoryInfo {
  enabled: boolean;
  /** The machine's position: instructions retired plus traps taken, on every hart. */
  position: number;
  /** The positions that can be rebuilt. */
  first?: number; last?: number;
  /** The machine is before the furthest position reached: it replays until it gets there. */
  inPast?: boolean;
  bytes?: number; checkpoints?: number;
  /** Why there is no history, when there is none. */
  reason?: string;
}

/** Why a run returned to its caller. */
type Outcome = 'arrived' | 'stopped' | 'exited' | 'superseded';

/**
 * Where a step's run ends: a hart at a pc, in a privilege mode, with sp at or above minSp
 * (a step's return address: a deeper recursion, or another hart running the same code, passes
 * by) and, for a user-mode target, in the address space whose root page number is `space`
 * (another process at the same virtual address passes by).
 */
interface RunTarget { pc: bigint; minSp: bigint; hart: number; mode: Priv; space?: bigint }

export class ChronosRuntime {
  machine!: Machine;
  program!: Program;
  /** The user programs of launch.json `symbols`. */
  userPrograms: UserProgram[] = [];
  private values!: SourceValues;
  /** The user programs' source values, by program. */
  private userValues = new Map<Program, SourceValues>();
  private kernelProfile: KernelProfile | undefined;
  private unwinder!: Unwinder;
  private breakpoints!: Breakpoints;
  private options!: LaunchOptions;
  /** The pcs a step or step-out runs to (breakpoints only while that run lasts). */
  private runTargets: bigint[] = [];
  private panicAddresses: bigint[] = [];
  /** What exceptionInfo reports after an exception stop. */
  private lastException: { id: string; description: string } | undefined;
  private panicEnabled = false;
  private trapFilterIds = new Set<string>();
  private running = false;
  private pauseRequested = false;
  /** Bumped by every command that runs the guest: a run loop that sees it change has been superseded. */
  private generation = 0;
  exited = false;
  private uartBuffer: number[] = [];
  /** The record time travel goes back through (launch.json history), when there is one. */
  private history: History | undefined;
  /** The data breakpoints the client set (a run back to a write watches its own bytes meanwhile). */
  private watchpoints: Watchpoint[] = [];
  /** Free frames, heap use and events over the run, for the Timeline view. */
  timeline: Timeline | undefined;
  private historyOff = 'history is false in the launch configuration';
  /** A drive of this launch writes to its file (no snapshot=on): nothing can undo that. */
  private writesToFile = false;
  /** Disk images the machine has open, closed at the next launch and at the end. */
  private disks: { close(): void }[] = [];

  readonly onStop = new Emitter<RuntimeStop>();
  readonly onOutput = new Emitter<string>();
  /** The stale TLB entries named in the console so far (nameStaleTranslations). */
  private readonly staleNamed = new Set<string>();
  readonly onExit = new Emitter<number>();

  constructor(private readonly files: HostFiles) {}

  get isRunning(): boolean { return this.running; }
  get symbols() { return this.program.symbols; }

  // ---- launch ---------------------------------------------------------------------------------

  /** Load and boot; errors are thrown as messages for the client. */
  launch(given: LaunchOptions | undefined): void {
    const opts = given ?? {};
    this.options = opts;
    const budget = historyBudget(opts.history);
    const { args, programPath, stopOnEntry, notes } = launchMachine(opts);
    if (stopOnEntry && opts.stopOnEntry === undefined) this.options = { ...opts, stopOnEntry };
    const readFile: ReadFile = (path, what) => {
      if (!this.files.exists(path)) throw new Error(`${path === programPath ? 'program' : what} ${path} does not exist`);
      return this.files.readFile(path);
    };
    let booted;
    this.closeDisks();
    this.writesToFile = false;
    try {
      booted = bootFromArgs(args, readFile, (spec) => this.openDisk(spec));
    } catch (e) {
      if (e instanceof BootError) throw new Error(e.message);
      throw e;
    }
    const m = booted.machine;
    for (const slot of m.virtio) {
      slot.onGuestError = (msg) => { this.flushUart(); this.onOutput.fire(`\n[chronos] ${slot.name}: the guest's driver broke a virtio rule; the device stops until it is reset: ${msg}\n`); };
    }
    // The symbols come from the kernel when it is the program, else from the program's own file.
    let elf = m.elf && programPath === args.kernel ? m.elf : undefined;
    if (!elf) {
      try { elf = parseElf(readFile(programPath, 'program')); } catch (e) {
        if (e instanceof ElfError) throw new Error(`${programPath}: ${e.message}`);
        throw e;
      }
    }
    this.program = new Program(elf, programPath, this.files, opts.sourceMap ?? {});
    this.userPrograms = loadUserPrograms(opts.symbols, this.files, (p) => under(opts.cwd, p), opts.sourceMap ?? {});
    for (const n of [...notes, ...booted.report.notes]) this.onOutput.fire(`Chronos: ${n}\n`);
    this.machine = m;
    this.values = new SourceValues(this.program, (m) => this.onOutput.fire(m));
    this.userValues = new Map();
    this.kernelProfile = undefined;
    this.unwinder = new Unwinder(this.program, (a, n) => this.readScalar(a, n));
    this.breakpoints = new Breakpoints(this.program, this.userPrograms, (p, name) => this.valuesOf(p).debugInfo()?.inlinedEntries(name) ?? []);
    this.exited = false;
    if (opts.runTo) this.breakpoints.addTemporary(opts.runTo);
    // The first of them the kernel has; looking no further spares demangling every symbol at
    // launch when the first is there (a name that is not mangled-exact makes find demangle all).
    this.panicAddresses = [];
    for (const n of PANIC_SYMBOLS) {
      const a = this.symbols.find(n)?.address;
      if (a !== undefined) { this.panicAddresses.push(a); break; }
    }
    this.history = undefined;
    if (budget !== false) {
      if (this.writesToFile) this.historyOff = 'a drive writes to its file, which going back cannot undo (give it snapshot=on to keep its writes in memory)';
      else {
        try { this.history = new History(m, budget); } catch (e) {
          if (!(e instanceof HistoryError)) throw e;
          this.historyOff = e.message;
        }
      }
      if (!this.history) this.onOutput.fire(`Chronos: time travel is off: ${this.historyOff}\n`);
    }
    this.timeline?.dispose();
    this.timeline = new Timeline(m, () => this.profile, () => this.history?.replaying ?? false);
    // Output replayed on the way back to the present was shown when it was first made.
    m.onUartOutput.event((b) => { if (!this.history?.replaying) this.uartBuffer.push(b); });
    m.trapFilter = (cause) => TRAP_FILTERS.some((f) => this.trapFilterIds.has(f.id) && f.causes(cause));
    this.applyBreakpoints();
  }

  /** A disk the launch configuration names, opened through the host. */
  private openDisk(spec: DriveSpec): Drive {
    if (!this.files.openDisk) throw new Error('this debug host cannot open disk images (drive)');
    if (!this.files.exists(spec.path)) throw new Error(`drive ${spec.path} does not exist`);
    const opened = this.files.openDisk(spec);
    this.disks.push(opened);
    if (!spec.snapshot && !spec.readOnly) this.writesToFile = true;
    return opened.drive;
  }

  private closeDisks(): void {
    for (const d of this.disks.splice(0)) d.close();
  }

  private flushUart(): void {
    if (this.uartBuffer.length) {
      this.onOutput.fire(new TextDecoder().decode(Uint8Array.from(this.uartBuffer)));
      this.uartBuffer = [];
    }
  }

  localPath(dwarfPath: string): string { return this.program.localPath(dwarfPath); }

  // ---- breakpoints ---------------------------------------------------------------------------

  setSourceBreakpoints(path: string, specs: ({ line: number } & BreakpointOptions)[]): SetResult[] {
    const out = this.breakpoints.setSource(path, specs);
    this.applyBreakpoints();
    return out;
  }

  setFunctionBreakpoints(specs: ({ name: string } & BreakpointOptions)[]): SetResult[] {
    const out = this.breakpoints.setFunctions(specs);
    this.applyBreakpoints();
    return out;
  }

  setInstructionBreakpoints(specs: ({ address: bigint } & BreakpointOptions)[]): SetResult[] {
    const out = this.breakpoints.setInstructions(specs);
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
    const all = this.breakpoints.addresses();
    all.push(...this.runTargets);
    if (this.panicEnabled) all.push(...this.panicAddresses);
    this.machine.setBreakpoints(all);
  }

  // ---- state ---------------------------------------------------------------------------------

  /**
   * The hart the user looks at when a request names none (memory, the inspectors, the debug
   * console without a frame): the one that stopped last.
   */
  focus = 0;

  get harts(): number { return this.machine.harts.length; }
  get pc(): bigint { return this.pcOf(this.focus); }
  pcOf(hart: number): bigint { return BigInt.asUintN(64, this.machine.harts[hart].pc); }
  reg(i: number, hart = this.focus): bigint { return this.machine.harts[hart].x[i]; }

  /** Each hart as a thread: its number, its privilege, and whether the SBI has it stopped. */
  threads(): { hart: number; name: string }[] {
    const view = this.profile.kernel !== undefined ? this.processes() : undefined;
    return this.machine.harts.map((_, i) => {
      const pid = typeof view === 'object' ? view.harts.find((h) => h.hart === i)?.pid : undefined;
      const proc = pid !== undefined && typeof view === 'object' ? view.processes.find((p) => p.pid === pid) : undefined;
      return { hart: i, name: hartName(this.machine, i, proc && `${proc.name}, pid ${proc.pid}`) };
    });
  }

  /** A hart's registers as the Registers scope shows them. */
  registers(hart = this.focus): { pc: bigint; priv: string; x: bigint[] } {
    const h = this.machine.harts[hart];
    return { pc: BigInt.asUintN(64, h.pc), priv: PRIV_NAMES[h.priv], x: Array.from(h.x.subarray(0, 32)) };
  }

  /**
   * A hart's floating-point registers as raw bits, fcsr, and whether the FPU is on
   * (mstatus.FS not Off): with it off the registers keep their values but no instruction sees them.
   */
  floatRegisters(hart = this.focus): { f: bigint[]; fcsr: number; on: boolean } {
    const fpu = this.machine.harts[hart].fpu;
    return { f: Array.from({ length: 32 }, (_, r) => fpu.bits(r)), fcsr: fpu.fcsr, on: fpu.fs !== 0 };
  }

  setFloatRegister(index: number, bits: bigint, hart = this.focus): void {
    this.machine.harts[hart].fpu.setBits(index, bits);
    this.history?.edited();
  }

  /** Set pc or an integer register by ABI name; an error message when it cannot be set. */
  setRegister(name: string, value: bigint, hart = this.focus): string | undefined {
    const h = this.machine.harts[hart];
    const i = ABI_NAMES.indexOf(name);
    if (name === 'pc') h.pc = BigInt.asIntN(64, value);
    else if (i > 0) h.x[i] = BigInt.asIntN(64, value);
    else return `${name} cannot be changed`;
    this.history?.edited();
    return undefined;
  }

  /** A hart's CSR as M-mode reads it, without side effects. */
  csr(num: number, hart = this.focus): bigint | undefined { return this.machine.debug.peekCsr(num, hart); }
  /** Write a hart's CSR as M-mode would; false when it does not exist or is read-only. */
  setCsr(num: number, value: bigint, hart = this.focus): boolean {
    const ok = this.machine.debug.pokeCsr(num, value, hart);
    if (ok) this.history?.edited();
    return ok;
  }

  /** Guest memory as a hart sees it (through its satp), little-endian. */
  private readScalar(addr: bigint, size: number, hart = this.focus): bigint | undefined {
    const b = this.machine.debug.readVirt(BigInt.asUintN(64, addr), size, this.machine.harts[hart].csr.satp);
    if (!b) return undefined;
    let v = 0n;
    for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
    return v;
  }

  /** Virtual memory from `address` (as the focus hart sees it), up to the first page that cannot be read. */
  readMemory(address: bigint, count: number): { bytes: Uint8Array; unreadable: number } {
    const bytes = this.machine.debug.readVirtPrefix(BigInt.asUintN(64, address), count, this.satp());
    return { bytes, unreadable: count - bytes.length };
  }

  writeMemory(address: bigint, bytes: Uint8Array): boolean {
    const ok = this.machine.debug.writeVirt(BigInt.asUintN(64, address), bytes, this.satp());
    if (ok) this.history?.edited();
    return ok;
  }

  /**
   * Why the machine cannot be changed now (registers, memory, UART input): it is in the past,
   * where a change would contradict the recorded future. Undefined when it can.
   */
  refusal(what: string): string | undefined {
    return this.history?.inPast ? `${what} is refused: ${this.history.pastMessage(what)}` : undefined;
  }

  /** A hart's satp: the address space its virtual addresses mean. */
  satp(hart = this.focus): bigint { return this.machine.harts[hart].csr.satp; }

  /**
   * Expressions as a hart sees them in one of its frames (the innermost by default): that
   * frame's registers (a caller's as the unwinder recovered them), the hart's address space,
   * the frame's source variables and the kernel's statics.
   */
  evalContext(hart = this.focus, frameIndex = 0): EvalContext {
    const h = this.machine.harts[hart];
    // A frame past the innermost is read with its own program and address space (frameScope).
    const scope = frameIndex > 0 ? this.frameScope(hart, frameIndex) : undefined;
    const program = scope?.program ?? this.programOn(hart), satp = scope?.satp ?? this.satp(hart);
    const values = this.valuesOf(program);
    const reader = values.reader(satp, (a, n) => this.machine.debug.readVirt(BigInt.asUintN(64, a), n, satp) ?? undefined);
    let state: FrameState | undefined;
    const frameState = (): FrameState => (state ??= scope?.state ?? { frames: this.stack(frameIndex + 3, hart), fpBits: (r) => h.fpu.bits(r) });
    const index = scope?.index ?? frameIndex;
    return {
      register: (name) => {
        const m = /^x(\d+)$/.exec(name);
        const i = name === 'fp' ? 8 : m && Number(m[1]) < 32 ? Number(m[1]) : ABI_NAMES.indexOf(name);
        const frame = frameIndex > 0 ? frameState().frames[index] : undefined;
        if (frameIndex > 0 && !frame) throw new ExpressionError(`there is no frame ${frameIndex}`);
        // An inlined call's frame in the innermost frame has the hart's registers.
        if (frame && physicalOf(frame) > 0) {
          // A caller's frame: its pc and the registers the unwinder recovered for it.
          if (name === 'pc') return frame.pc;
          if (i >= 0 || floatRegisterIndex(name) !== undefined) {
            const v = i === 0 ? 0n : i > 0 ? frame.regs?.get(i) ?? (i === 8 ? frame.fp : undefined) : undefined;
            if (v === undefined) throw new ExpressionError(`${name} is not known in frame ${frameIndex} (${frame.name}): the calls since did not preserve it`);
            return v;
          }
          return undefined;
        }
        if (name === 'pc') return BigInt.asUintN(64, h.pc);
        if (i >= 0) return h.x[i];
        const f = floatRegisterIndex(name);
        if (f !== undefined) return h.fpu.bits(f);
        return undefined;
      },
      symbol: (name) => program.symbols.find(name)?.address,
      variable: (name) => this.locals(frameIndex, hart)?.find((n) => n.name === name)?.scalar,
      read: (addr, size) => {
        const b = this.machine.debug.readVirt(BigInt.asUintN(64, addr), size, satp);
        return b ? b.reduceRight((v, x) => (v << 8n) | BigInt(x), 0n) : undefined;
      },
      special: (name) => this.special(name, hart),
      typed: reader && values.typedOps(reader, () => values.locals(frameState(), index, reader)),
    };
  }

  /**
   * What `$hart`, `$pid`, `$mode` and `$satp` are on a hart, for conditions that say where a
   * breakpoint should stop: its index, the pid the kernel's profile says it runs (0 for none),
   * its privilege as a character ('U', 'S', 'M'), its satp.
   */
  private special(name: string, hart: number): bigint | string | undefined {
    switch (name) {
      case 'hart': return BigInt(hart);
      case 'mode': return BigInt(PRIV_NAMES[this.machine.harts[hart].priv].charCodeAt(0));
      case 'satp': return this.satp(hart);
      case 'pid': {
        const current = this.profile.currentPid?.(hart);
        if (typeof current === 'number') return BigInt(current);
        if (typeof current === 'string') return current;
        const p = this.processes();
        if (typeof p === 'string') return p;
        return BigInt(p.harts.find((h) => h.hart === hart)?.pid ?? 0);
      }
      default: return undefined;
    }
  }

  evaluate(expr: string, hart = this.focus, frameIndex = 0): bigint { return evaluate(expr, this.evalContext(hart, frameIndex)); }

  /**
   * The source value an expression names when it is a path through variables (`kmem.freelist`,
   * `proc[1].name`, `*p`), to be shown with its type and members; undefined for other expressions.
   */
  evaluateValue(expr: string, hart = this.focus, frameIndex = 0): ValueNode | undefined {
    const v = evaluatePath(expr, this.evalContext(hart, frameIndex));
    return v && SourceValues.node(v);
  }

  location(pc: bigint): SourceLocation | undefined { return this.program.location(pc); }
  functionName(pc: bigint): string { return this.program.functionName(pc); }

  /**
   * A hart's call stack, innermost frame first: the frames its registers make, each with the
   * inlined calls at its pc as frames of their own in front of it: `max` of the former, so
   * that a frame's caller is in the stack whatever was inlined into it.
   */
  stack(max = 64, hart = this.focus): Frame[] {
    return this.withInlined(this.physicalStack(max, hart), hart);
  }

  /** Inlined calls as frames (inlineFrames.ts), each frame read with its own program's DWARF. */
  private withInlined(frames: Frame[], hart: number): Frame[] {
    const stop = this.stoppedIn && this.stoppedIn.hart === hart && frames[0]?.pc === this.stoppedIn.pc ? this.stoppedIn : undefined;
    const entered = stop?.functions ?? [];
    return withInlinedFrames(frames, (f) => {
      const program = f.user?.program ?? this.programOn(hart);
      const info = this.valuesOf(program).debugInfo();
      return info ? { info, localPath: (p) => program.localPath(p) } : undefined;
    }, (info, inlined) => !!stop?.all || entered.some((name) => info.isNamed(inlined, name.slice(name.indexOf('!') + 1))));
  }

  /**
   * What the last stop, on its hart at its pc, says of the inlined calls that begin there: the
   * functions of its function breakpoints (their copies' frames are shown), or all of them
   * (a step into a call, an instruction step, a source breakpoint on the inlined code's line).
   */
  private stoppedIn: { hart: number; pc: bigint; functions: string[]; all: boolean } | undefined;

  /** The name of the outermost inlined call the stop leaves out at a hart's pc (its first instruction), if there is one. */
  private inlinedNotShown(hart: number): string | undefined {
    const pc = this.pcOf(hart), program = this.codeAt(hart, pc);
    const info = this.valuesOf(program).debugInfo();
    const all = info?.inlinedAt(this.codeAddress(hart, pc)) ?? [];
    if (!info || !all.length) return undefined;
    const shown = this.stack(1, hart).filter((f) => physicalOf(f) === 0 && f.inlined).length;
    return shown < all.length ? info.qualifiedName(all[shown]) : undefined;
  }

  /**
   * The line and the inlined calls (outermost first) the innermost frame shows on a hart: at an
   * inlined call's first instruction, the caller at the call's line; `line` gives the pc's line
   * where no inlined call names one.
   */
  private shownAt(hart: number, line: () => SourceLocation | undefined): { line: SourceLocation | undefined; inlined: Die[] } {
    const frames = this.stack(1, hart).filter((f) => physicalOf(f) === 0);
    return { line: frames[0]?.callSite ?? line(), inlined: frames.flatMap((f) => (f.inlined ? [f.inlined] : [])).reverse() };
  }

  /** The frames a hart's registers make, without inlined calls: unwinding. */
  private physicalStack(max = 64, hart = this.focus): Frame[] {
    const h = this.machine.harts[hart];
    const regs = new Map(Array.from({ length: 32 }, (_, i): [number, bigint] => [i, BigInt.asUintN(64, h.x[i])]));
    const user = this.userProgramOn(hart);
    const pc = this.pcOf(hart), at = this.codeAddress(hart, pc);
    if (at !== pc) {
      // Kernel code at a second address (a trampoline): named and placed by its ELF address, it
      // was jumped to, so what called it is the interrupted user code (the trap frame's).
      const f: Frame = { index: 0, pc, fp: regs.get(8)!, name: this.program.functionName(at), location: this.program.location(at), regs };
      return this.userFramesUnder([f], hart, max);
    }
    const frames = this.unwinderFor(hart).stack(regs, pc, max);
    return user ? untilEntry(frames, user.program) : this.withUserFrames(frames, hart, max);
  }

  /**
   * A kernel stack on a hart that trapped from a user program (launch.json `symbols`), with
   * that program's frames after the kernel's: the kernel frames up to the first that is in no
   * kernel function (the trap entry was jumped to, so the unwinder's next return address is
   * the user's), then the user frames unwound from the registers the trap saved (the profile's
   * trapPc, trapSp, trapFp, trapRa), read through the process's page table.
   */
  private withUserFrames(frames: Frame[], hart: number, max: number): Frame[] {
    if (!this.userPrograms.length || this.machine.harts[hart].priv === Priv.U || frames.length >= max) return frames;
    // The trap vector was jumped to: it is the kernel's outermost frame (what the unwinder
    // reads past it is the vector's own return address, or the user's).
    const vectors = [CSR.stvec, CSR.mtvec].map((c) => this.symbols.at(BigInt.asUintN(64, this.csr(c, hart) ?? 0n) & ~3n)?.sym).filter((v) => v !== undefined);
    const vector = frames.findIndex((f) => { const fn = this.symbols.at(f.pc)?.sym; return fn !== undefined && vectors.includes(fn); });
    const outside = frames.findIndex((f, i) => i > 0 && this.symbols.at(f.pc) === undefined);
    // Assembly without a frame (the way back to user mode, jumped to) seems to call itself: the
    // unwinder took its ra, which is its own pc.
    const jumped = frames.findIndex((f, i) => i > 0 && !f.location && f.pc === frames[i - 1].pc);
    const end = Math.min(...[vector + 1, outside, jumped].filter((i) => i > 0), frames.length);
    return this.userFramesUnder(frames.slice(0, end), hart, max);
  }

  /** Kernel frames, then the frames of the user program whose trap they serve (when there is one). */
  private userFramesUnder(kernel: Frame[], hart: number, max: number): Frame[] {
    const trapped = this.trappedUser(hart);
    if (!trapped || kernel.length >= max) return kernel;
    const { user, pc, regs, space, pcOnly } = trapped;
    const satp = (BigInt(SATP_MODE_SV39) << 60n) | space;
    const read = (a: bigint, n: number): bigint | undefined => {
      const b = this.machine.debug.readVirt(BigInt.asUintN(64, a), n, satp);
      return b ? b.reduceRight((v, x) => (v << 8n) | BigInt(x), 0n) : undefined;
    };
    const userFrames = pcOnly
      ? [{ index: 0, pc, fp: 0n, name: user.program.functionName(pc), location: user.program.location(pc), regs: new Map([[0, 0n]]) }]
      : new Unwinder(user.program, read).stack(regs, pc, max - kernel.length);
    return [...kernel, ...untilEntry(userFrames, user.program).map((f) => ({ ...f, index: f.index + kernel.length, user: { program: user.program, satp, first: kernel.length } }))];
  }

  private unwinderFor(hart: number): Unwinder {
    const program = this.programOn(hart);
    return hart === 0 && program === this.program ? this.unwinder : new Unwinder(program, (a, n) => this.readScalar(a, n, hart));
  }

  /**
   * The name of the process a hart runs: the one the kernel's profile puts on it, else the one
   * whose root page table is the hart's satp's. Undefined when the profile cannot say.
   */
  processNameOn(hart: number): string | undefined {
    const view = this.processes();
    if (typeof view === 'string') return undefined;
    const pid = view.harts.find((h) => h.hart === hart)?.pid;
    const onHart = pid !== undefined ? view.processes.find((p) => p.pid === pid) : view.processes.find((p) => p.hart === hart);
    if (onHart) return onHart.name;
    const satp = this.satp(hart);
    if (satpMode(satp) !== SATP_MODE_SV39) return undefined;
    const root = satpRootPpn(satp) << 12n;
    return view.processes.find((p) => p.root !== undefined && BigInt(p.root) === root)?.name;
  }

  /** The user program (launch.json `symbols`) a hart runs: only in user mode, and only when the profile says which process it is. */
  userProgramOn(hart: number): UserProgram | undefined {
    if (!this.userPrograms.length || this.machine.harts[hart].priv !== Priv.U) return undefined;
    const name = this.processNameOn(hart);
    return name === undefined ? undefined : this.userPrograms.find((u) => u.process === name);
  }

  /** The symbols and lines a hart's pc means: its user program's in user mode, the kernel's otherwise. */
  programOn(hart: number): Program { return this.userProgramOn(hart)?.program ?? this.program; }

  /** The program whose symbols and lines describe the code a hart runs at pc (see codeAddress). */
  private codeAt(hart: number, _pc: bigint): Program { return this.programOn(hart); }

  /**
   * The address to look pc up at in codeAt's program: pc itself, but kernel code the hart runs
   * at a second virtual address (xv6's trampoline page, mapped at the top of every address
   * space from the kernel's image) is looked up where the kernel's ELF has it, the physical
   * address the page maps.
   */
  private codeAddress(hart: number, pc: bigint): bigint {
    if (this.machine.harts[hart].priv === Priv.U || this.userProgramOn(hart) || this.symbols.at(pc)) return pc;
    const t = this.machine.debug.translate(pc, this.satp(hart));
    return t.ok && t.paddr !== pc && this.symbols.at(t.paddr) ? t.paddr : pc;
  }

  /**
   * The source variables in scope in a frame (0 = innermost): empty where the debugging
   * information describes no function; undefined when the kernel has no .debug_info or there
   * is no such frame. The entries are read on first use: a debug session that never looks at
   * variables never pays for them.
   */
  locals(frameIndex: number, hart = this.focus): ValueNode[] | undefined {
    const s = this.frameScope(hart, frameIndex);
    return s.values.locals(s.state, s.index, s.reader());
  }

  /** Whether locals(frameIndex) has an answer, without reading any variable. */
  hasLocals(frameIndex: number, hart = this.focus): boolean {
    const frame = this.stack(frameIndex + 1, hart)[frameIndex];
    return frame !== undefined && this.valuesOf(frame.user?.program ?? this.programOn(hart)).available;
  }

  /**
   * What a frame of a hart's stack is read with: the source values of its program (a user
   * program's for its frames, in user mode or under the kernel's frames of its trap), that
   * program's part of the stack with the frame's index in it (its innermost frame is 0), the
   * address space it runs in, and its symbols. Two callers more than the frame are unwound:
   * entry values are found in the caller's frame.
   */
  private frameScope(hart: number, frameIndex: number): { values: SourceValues; program: Program; state: FrameState; index: number; satp: bigint; reader: () => Locals | undefined } {
    const h = this.machine.harts[hart];
    const frames = this.stack(frameIndex + 3, hart);
    const user = frames[frameIndex]?.user;
    const program = user?.program ?? this.programOn(hart), values = this.valuesOf(program);
    const satp = user?.satp ?? this.satp(hart);
    const state: FrameState = user ? { frames: frames.slice(user.first) } : { frames, fpBits: (r) => h.fpu.bits(r) };
    const reader = () => values.reader(satp, (a, n) => this.machine.debug.readVirt(BigInt.asUintN(64, a), n, satp) ?? undefined);
    return { values, program, state, index: frameIndex - (user?.first ?? 0), satp, reader };
  }

  /** The source values of a program: the kernel's, or a user program's (read on first use). */
  private valuesOf(program: Program): SourceValues {
    if (program === this.program) return this.values;
    let v = this.userValues.get(program);
    if (!v) this.userValues.set(program, v = new SourceValues(program, (m) => this.onOutput.fire(m)));
    return v;
  }

  // ---- the inspectors ------------------------------------------------------------------------------

  /** The page tables under `satp` (the focus hart's by default), or under an explicit root table. */
  pageTables(satp = this.satp(), rootAddress?: bigint): PageTablesView {
    if (rootAddress === undefined && satpMode(satp) !== SATP_MODE_SV39) return { satp, mode: 'Bare', tree: [], flat: [] };
    const root = rootAddress !== undefined ? rootAddress >> 12n : satpRootPpn(satp);
    const { tree, truncated } = readTree(this.machine.debug, root);
    return { satp, mode: 'Sv39', root: root << 12n, tree, flat: flatten(tree), truncated };
  }

  /** An address (an expression) translated step by step under `satp` (the focus hart's by default). */
  translate(address: string, satp = this.satp()): TranslationView {
    return translateView(this.machine.debug, satp, this.evaluate(address));
  }

  /** What the kernel is, for the views: chosen on first use (reading DWARF costs). */
  get profile(): KernelProfile {
    if (!this.kernelProfile) {
      this.kernelProfile = selectProfile({
        mem: this.machine.debug,
        descriptor: this.program.descriptorAddress,
        // Kernels without a descriptor (xv6) map their kernel one to one: globals are read at
        // their physical addresses, whichever satp a hart runs.
        values: () => this.values.reader(-1n, (a, n) => this.machine.debug.readPhys(BigInt.asUintN(64, a), n) ?? undefined),
        ramEnd: 0x8000_0000n + BigInt(this.options.memory ?? 128) * 1024n * 1024n,
        harts: this.harts,
        symbol: (name) => this.symbols.find(name)?.address,
        declared: this.options.kernel,
      });
    }
    return this.kernelProfile;
  }

  /** The free frames, as the kernel's profile finds them, or why they cannot be read. */
  frameBitmap(): FramesView | string { return this.profile.frames(); }

  /** The heap's free list, as the kernel's profile finds it, or why it cannot be read. */
  heap(): HeapView | string { return this.profile.heap(); }

  /** The process table and the process on each hart, or why they cannot be read. */
  processes(): ProcessesView | string { return this.profile.processes(); }

  /**
   * The kernel call stack of a process that is not running, unwound from the context its last
   * switch saved (pc = ra, sp, fp), in the address space where kernel stacks are mapped.
   */
  processStack(pid: number, max = 32): Frame[] | string {
    const v = this.processes();
    if (typeof v === 'string') return v;
    const p = v.processes.find((x) => x.pid === pid);
    if (!p) return `there is no process ${pid}`;
    if (!p.context) return p.hart !== undefined ? `pid ${pid} runs on hart ${p.hart}: its stack is that thread's` : `pid ${pid} has no saved context`;
    const pc = BigInt(p.context.pc);
    if (pc === 0n) return `pid ${pid} has not run yet: its saved context has no return address`;
    const satp = this.profile.kernelSatp?.() ?? this.satp();
    const read = (a: bigint, n: number): bigint | undefined => {
      const b = this.machine.debug.readVirt(BigInt.asUintN(64, a), n, satp);
      if (!b) return undefined;
      let x = 0n;
      for (let i = n - 1; i >= 0; i--) x = (x << 8n) | BigInt(b[i]);
      return x;
    };
    const regs = new Map<number, bigint>([[1, pc], [2, BigInt(p.context.sp)], [8, BigInt(p.context.fp)]]);
    return withInlinedFrames(new Unwinder(this.program, read).stack(regs, pc, max), () => {
      const info = this.values.debugInfo();
      return info ? { info, localPath: (path) => this.program.localPath(path) } : undefined;
    });
  }

  /**
   * What the last stop was for, when it was an exception (the trap about to be taken, before its
   * handler wrote any cause register, or a panic); otherwise the last trap the focus hart took,
   * from the cause register of the mode it is in.
   */
  exceptionInfo(): { id: string; description: string } {
    if (this.lastException) return this.lastException;
    const h = this.machine.harts[this.focus];
    const cause = this.machine.debug.peekCsr(h.priv === Priv.M ? CSR.mcause : CSR.scause, this.focus) ?? 0n;
    return { id: String(cause), description: `the last trap hart ${this.focus} took: ${describeCause(cause)}` };
  }

  stats(): { instructions: number; running: boolean; exited: boolean; history: HistoryInfo } {
    return { instructions: this.machine.instret, running: this.running, exited: this.exited, history: this.historyInfo() };
  }

  historyInfo(): HistoryInfo {
    const h = this.history, position = this.machine.progress;
    if (!h) return { enabled: false, position, reason: this.historyOff };
    const w = h.window;
    return { enabled: true, position, first: w.first, last: w.last, inPast: h.inPast, bytes: w.bytes, checkpoints: w.checkpoints };
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

  /** Report a stop; the guest is stopped by the time a client hears of it. */
  private emitStop(s: RuntimeStop): void {
    this.flushUart();
    this.running = false;
    const stop = { ...s, hart: s.hart ?? this.machine.currentHart };
    this.timeline?.sample(true);
    const at = this.machine.progress;
    if (stop.exception?.id === 'panic') this.timeline?.note({ at, kind: 'panic', hart: stop.hart, text: stop.exception.description });
    else if (stop.kind.endsWith('breakpoint')) this.timeline?.note({ at, kind: 'breakpoint', hart: stop.hart, text: `${stop.kind} in ${this.functionName(this.pcOf(stop.hart))}` });
    this.focus = stop.hart;
    const pc = this.pcOf(stop.hart);
    const onLine = !!stop.lines?.length && stop.lines.includes(this.codeAt(stop.hart, pc).lines.lookup(this.codeAddress(stop.hart, pc))?.line ?? -1);
    this.stoppedIn = stop.functions?.length || stop.allInlined || onLine
      ? { hart: stop.hart, pc, functions: stop.functions ?? [], all: !!stop.allInlined || onLine } : undefined;
    this.lastException = stop.exception;
    this.nameStaleTranslations();
    this.onStop.fire(stop);
  }

  /**
   * Name in the console, once each, the TLB entries whose page table no longer gives them
   * (inspectors/staleTlb.ts): a kernel that forgot sfence.vma works here on the old mapping.
   */
  private nameStaleTranslations(): void {
    const lines: string[] = [];
    this.machine.harts.forEach((h, hart) => {
      // A page's load, store and fetch entries ask the same walk.
      const satp = h.csr.satp, mstatus = h.csr.mstatus, walks = new Map<bigint, WalkResult>();
      const found = staleTranslations(h.priv, h.tlbs[h.priv].save(), {
        satp, sum: (mstatus & MSTATUS.SUM) !== 0n, mxr: (mstatus & MSTATUS.MXR) !== 0n,
        ramBase: BigInt(this.machine.ram.base),
        walk: (va) => walks.get(va) ?? walks.set(va, this.machine.debug.translate(va, satp)).get(va)!,
      });
      for (const s of found) {
        const key = `${hart} ${s.privilege} ${s.kind} ${s.vaddr} ${s.cached} ${s.now}`;
        if (this.staleNamed.has(key)) continue;
        this.staleNamed.add(key);
        lines.push(describeStale(hart, s));
      }
    });
    if (lines.length === 0) return;
    const shown = lines.slice(0, STALE_LINES);
    if (lines.length > shown.length) shown.push(`and ${lines.length - shown.length} more stale translations`);
    this.onOutput.fire(shown.map((l) => `Chronos: ${l}\n`).join(''));
  }

  /** The guest ended (powered off or asked for a reset): true when it did. */
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

  /** The stop the user sees for a machine stop, or undefined when the run should go on. */
  private stopFor(r: StopReason): RuntimeStop | undefined {
    switch (r.kind) {
      case 'breakpoint': {
        const pc = BigInt.asUintN(64, r.pc);
        if (this.panicEnabled && this.panicAddresses.includes(pc)) {
          return { kind: 'exception', description: 'kernel panic', text: 'The kernel panicked', hart: r.hart, exception: { id: 'panic', description: `kernel panic (in ${this.functionName(pc)})` } };
        }
        const { stop, changed } = this.breakpoints.hit(pc, {
          evaluate: (e) => this.evaluate(e, r.hart),
          userProcess: () => this.userProgramOn(r.hart)?.process,
          log: (text) => { this.flushUart(); this.onOutput.fire(text); },
        });
        if (changed) this.applyBreakpoints();
        return stop && { ...stop, hart: r.hart };
      }
      case 'watchpoint': return { kind: 'data breakpoint', description: `${r.access} of ${r.size} bytes at 0x${r.address.toString(16)}`, hart: r.hart };
      case 'trap': {
        const where = `at pc 0x${BigInt.asUintN(64, r.pc).toString(16)}, tval 0x${BigInt.asUintN(64, r.tval).toString(16)}`;
        return {
          kind: 'exception', description: r.description, text: `${r.description} (mcause ${r.cause}) ${where}`, hart: r.hart,
          exception: { id: String(r.cause), description: `${r.description} (cause ${BigInt.asUintN(64, r.cause) >> 63n ? `interrupt ${BigInt.asUintN(63, r.cause)}` : r.cause}) ${where}, before the handler runs` },
        };
      }
      case 'paused': return { kind: 'pause' };
      case 'idle': return { kind: 'pause', description: 'every hart waits for an interrupt (wfi) that nothing will raise', hart: r.hart };
      default: return undefined;
    }
  }

  /**
   * The one run loop: run in slices until something stops the guest (emitting that stop), the
   * guest ends, a newer command supersedes this one, or, with a target, the hart reaches the
   * target pc with sp at or above minSp (a step's return address: a deeper recursion, or another
   * hart running the same code, passes by).
   */
  private async runUntil(generation: number, targets: RunTarget[] = []): Promise<Outcome> {
    if (targets.length) { this.runTargets = [...new Set(targets.map((t) => t.pc))]; this.applyBreakpoints(); }
    let lastYield = Date.now();
    // The first slice resumes from a stop (the hart there passes its breakpoint once), and so
    // does every slice after a stop that did not end the run; a slice after a used-up budget
    // carries on where it was.
    let resume = true;
    try {
      for (;;) {
        const r = this.run(SLICE, { resume });
        resume = r.kind !== 'budget';
        this.flushUart();
        if (this.finish(r)) return 'exited';
        if (r.kind !== 'budget') {
          if (r.kind === 'breakpoint' && targets.some((t) => this.at(t, r.hart, BigInt.asUintN(64, r.pc)))) return 'arrived';
          const s = this.stopFor(r);
          if (s) { this.emitStop(s); return 'stopped'; }
          // A breakpoint that declined: run on, yielding now and then so pause still answers.
          if (Date.now() - lastYield < YIELD_MS) continue;
        }
        await nextTick();
        lastYield = Date.now();
        if (generation !== this.generation || this.exited) return 'superseded';
        if (this.pauseRequested) { this.emitStop({ kind: 'pause' }); return 'stopped'; }
      }
    } finally {
      if (targets.length) { this.runTargets = []; this.applyBreakpoints(); }
    }
  }

  /** Whether a hart stopped at pc is where a run target wants it. */
  private at(t: RunTarget, hart: number, pc: bigint): boolean {
    const h = this.machine.harts[hart];
    return t.hart === hart && t.pc === pc && h.priv === t.mode && BigInt.asUintN(64, h.x[2]) >= t.minSp
      && (t.space === undefined || this.spaceOf(hart) === t.space);
  }

  /** The root page number of a hart's address space (0 without paging). */
  private spaceOf(hart: number): bigint {
    const satp = this.satp(hart);
    return satpMode(satp) === SATP_MODE_SV39 ? satpRootPpn(satp) : 0n;
  }

  /**
   * Where the process a hart serves in the kernel goes back to user mode, when it runs a user
   * program of launch.json `symbols`: the pc its trap saved, or the next instruction (a system
   * call returns past its ecall), under its own page table with its user sp.
   */
  private userReturn(hart: number): RunTarget[] {
    if (!this.userPrograms.length || this.machine.harts[hart].priv === Priv.U) return [];
    const trap = this.trappedUser(hart);
    if (!trap) return [];
    const { pc, regs } = trap;
    return [pc, pc + 4n].map((p) => ({ pc: p, minSp: regs.get(2) ?? 0n, hart, mode: Priv.U, space: trap.space }));
  }

  /**
   * The user program a hart in the kernel serves (its process's trap from user mode), with the
   * registers that trap saved and the process's address space; undefined when the profile
   * cannot say or the process runs no program of `symbols`.
   */
  private trappedUser(hart: number): { user: UserProgram; pc: bigint; regs: Map<number, bigint>; space: bigint; pcOnly?: boolean } | undefined {
    const view = this.processes();
    if (typeof view === 'string') return undefined;
    const pid = view.harts.find((h) => h.hart === hart)?.pid;
    const proc = view.processes.find((p) => p.pid === pid);
    const user = proc?.trap && this.userPrograms.find((u) => u.process === proc.name);
    if (!proc?.trap || !user || proc.root === undefined) return undefined;
    const t = proc.trap, space = BigInt(proc.root) >> 12n;
    const h = this.machine.harts[hart];
    const pc = BigInt.asUintN(64, h.pc), vector = this.trapVector(hart);
    const epc = BigInt.asUintN(64, this.csr(h.priv === Priv.M ? CSR.mepc : CSR.sepc, hart) ?? 0n);
    if (h.priv !== Priv.U && pc === vector) {
      // At the vector's first instruction nothing is saved yet (the trap frame holds the last
      // trap's registers): the user's are still the hart's, and its pc is in xepc.
      return { user, pc: epc, regs: new Map(Array.from({ length: 32 }, (_, i): [number, bigint] => [i, BigInt.asUintN(64, h.x[i])])), space };
    }
    if (h.priv !== Priv.U && this.inTrapEntry(hart, pc, vector)) {
      // Inside the vector, saving: the trap frame is still the last trap's and the hart's
      // registers are being replaced. Only the pc, in xepc, is known.
      return { user, pc: epc, regs: new Map([[0, 0n]]), space, pcOnly: true };
    }
    // Every register the profile has from the trap (all of them, with trapRegs), at least ra, sp and fp.
    const regs = new Map<number, bigint>([[0, 0n], [1, BigInt(t.ra)], [2, BigInt(t.sp)], [8, BigInt(t.fp)]]);
    for (const [name, v] of Object.entries(t.regs ?? {})) { const i = ABI_NAMES.indexOf(name); if (i > 0) regs.set(i, BigInt(v)); }
    return { user, pc: BigInt(t.pc), regs, space };
  }

  /**
   * Whether pc is in the code a trap enters before the kernel proper: reached from the vector
   * by its own branches and jumps, with no call on the way (xv6's uservec up to its jump to
   * usertrap; Chronos OS's __trap_entry and the __user_trap it branches to, laid out after the
   * kernel-trap path's call). A vector that calls its handler returns after that call, with
   * the trap frame complete; an indirect jump or xret leaves the entry code.
   */
  private inTrapEntry(hart: number, pc: bigint, vector: bigint): boolean {
    // An M-mode hart fetches without translation, whatever satp holds (a kernel on its way in may not have switched it yet).
    const satp = this.machine.harts[hart].priv === Priv.M ? 0n : this.satp(hart);
    const read = (x: bigint, n: number): bigint | undefined => {
      const b = this.machine.debug.readVirt(BigInt.asUintN(64, x), n, satp);
      return b ? b.reduceRight((v, y) => (v << 8n) | BigInt(y), 0n) : undefined;
    };
    const seen = new Set<bigint>();
    const todo = [vector];
    while (todo.length && seen.size < TRAP_ENTRY_SCAN) {
      const a = todo.pop()!;
      if (seen.has(a)) continue;
      seen.add(a);
      if (a === pc) return true;
      const insn = instructionAt({ read }, a);
      const d = insn && decode(insn.word);
      if (!insn || !d) continue;
      const name = d.def.name;
      if (name === 'jal' && d.rd !== 1) todo.push(BigInt.asUintN(64, a + BigInt(d.imm)));
      else if (d.def.format === 'B') todo.push(BigInt.asUintN(64, a + BigInt(d.imm)), a + BigInt(insn.len));
      else if (name !== 'jal' && name !== 'jalr' && name !== 'mret' && name !== 'sret') todo.push(a + BigInt(insn.len));
    }
    return false;
  }

  /** The address a hart's traps enter at (xtvec's base, of the mode it is in). */
  private trapVector(hart: number): bigint {
    const tvec = this.csr(this.machine.harts[hart].priv === Priv.M ? CSR.mtvec : CSR.stvec, hart) ?? 0n;
    return BigInt.asUintN(64, tvec) & ~3n;
  }

  /** Machine.run, through the history when there is one (it records, and replays in the past). */
  private run(budget: number, opts: RunOptions): StopReason {
    const r = this.history ? this.history.run(budget, opts) : this.machine.run(budget, opts);
    this.timeline?.sample();
    return r;
  }

  /** Begin a command that runs the guest: newer than any run loop still going. */
  private begin(): number {
    this.running = true;
    this.pauseRequested = false;
    return ++this.generation;
  }

  /** Run until something stops the guest; resolves when it stopped (or exited). */
  async continue(): Promise<void> {
    if (this.exited) return;
    const generation = this.begin();
    try {
      await this.runUntil(generation);
    } finally {
      if (generation === this.generation) this.running = false;
    }
  }

  /**
   * One instruction of a hart, or one trap entry (the other harts run their turns meanwhile);
   * 'stopped' when a stop other than the step was emitted.
   */
  private stepOnce(hart: number): 'done' | 'stopped' | 'exited' {
    const h = this.machine.harts[hart];
    const before = h.instret, traps = this.machine.trapsTaken, pc = h.pc;
    for (let resume = true; ;) {
      const r = this.run(SLICE, { stepHart: hart, resume });
      resume = r.kind !== 'budget';
      this.flushUart();
      if (this.finish(r)) return 'exited';
      if (r.kind !== 'budget' && !(r.kind === 'breakpoint' && r.hart === hart)) {
        const s = this.stopFor(r);
        if (s) { this.emitStop(s); return 'stopped'; }
      }
      if (h.instret !== before || h.pc !== pc || this.machine.trapsTaken !== traps) return 'done';
      if (this.machine.runners[hart].status !== HartStatus.Started && r.kind === 'budget') {
        this.emitStop({ kind: 'pause', description: `hart ${hart} is stopped (SBI HSM): it has no instruction to step`, hart });
        return 'stopped';
      }
    }
  }

  stepInstruction(hart = this.focus): void {
    if (this.exited) return;
    ++this.generation;
    if (this.stepOnce(hart) === 'done') this.emitStop({ kind: 'step', hart, allInlined: true });
  }

  /** One instruction, but a user program's ecall is stepped over: back in user mode at the next instruction. */
  async nextInstruction(hart = this.focus): Promise<void> {
    if (this.exited) return;
    const generation = this.begin();
    try {
      if (await nextInstruction(this.stepControl(generation, hart)) === 'done') this.emitStop({ kind: 'step', hart, allInlined: true });
    } finally {
      if (generation === this.generation) this.running = false;
    }
  }

  private stepControl(generation: number, hart: number): StepControl {
    const arrived = async (targets: RunTarget[]): Promise<'arrived' | 'stopped'> => await this.runUntil(generation, targets) === 'arrived' ? 'arrived' : 'stopped';
    return {
      pc: () => this.pcOf(hart),
      sp: () => BigInt.asUintN(64, this.reg(2, hart)),
      mode: () => this.machine.harts[hart].priv,
      space: () => this.spaceOf(hart),
      line: (pc) => this.codeAt(hart, pc)?.lines.lookup(this.codeAddress(hart, pc)),
      functionStart: (pc) => this.codeAt(hart, pc)?.symbols.at(this.codeAddress(hart, pc))?.sym.address,
      statementAt: (pc) => this.codeAt(hart, pc).lines.statementAt(this.codeAddress(hart, pc)),
      callAt: (pc) => this.unwinderFor(hart).callAt(pc),
      ecallAt: (pc) => this.unwinderFor(hart).ecallAt(pc),
      stepInstruction: () => this.stepOnce(hart) === 'done' ? 'done' : 'stopped',
      runTo: (pc, minSp) => {
        const h = this.machine.harts[hart];
        const space = h.priv === Priv.U ? this.spaceOf(hart) : undefined;
        return arrived([{ pc, minSp, hart, mode: h.priv, space }, ...this.userReturn(hart)]);
      },
      runToUser: (pcs, minSp, space) => arrived(pcs.map((pc) => ({ pc, minSp, hart, mode: Priv.U, space }))),
      breathe: async () => {
        await nextTick();
        if (generation !== this.generation || this.exited) return false;
        if (this.pauseRequested) { this.emitStop({ kind: 'pause' }); return false; }
        return true;
      },
      returnAddress: () => this.physicalStack(2, hart)[1]?.pc,
      inlined: (pc) => this.valuesOf(this.codeAt(hart, pc)).debugInfo()?.inlinedAt(this.codeAddress(hart, pc)) ?? [],
      shown: () => this.shownAt(hart, () => {
        const pc = this.pcOf(hart);
        return this.codeAt(hart, pc)?.lines.lookup(this.codeAddress(hart, pc));
      }),
      entryOf: (scope) => this.valuesOf(this.programOn(hart)).debugInfo()?.entryPc(scope as Die),
      inScope: (scope, pc) => this.valuesOf(this.codeAt(hart, pc)).debugInfo()?.covers(scope as Die, this.codeAddress(hart, pc)) ?? false,
    };
  }

  /**
   * Step a hart by source line: `over` runs calls to completion. Stepping into an inlined call
   * the stop shows at its call's line (at the call's first instruction) enters its frame
   * without running anything, as gdb does: the call's code begins right there.
   */
  async stepLine(over: boolean, hart = this.focus): Promise<void> {
    if (this.exited) return;
    const entering = over ? undefined : this.inlinedNotShown(hart);
    if (entering !== undefined) {
      ++this.generation;
      const before = this.stoppedIn?.hart === hart && this.stoppedIn.pc === this.pcOf(hart) ? this.stoppedIn.functions : [];
      this.emitStop({ kind: 'step', hart, functions: [...before, entering] });
      return;
    }
    const generation = this.begin();
    try {
      const r = await stepLine(this.stepControl(generation, hart), over);
      if (r !== 'stopped') this.emitStop({ kind: 'step', hart, allInlined: r === 'entered' });
    } finally {
      if (generation === this.generation) this.running = false;
    }
  }

  /** Run until a hart's current function returns to its caller. */
  async stepOut(hart = this.focus): Promise<void> {
    if (this.exited) return;
    const generation = this.begin();
    try {
      if (await stepOut(this.stepControl(generation, hart)) === 'done') this.emitStop({ kind: 'step', hart });
    } finally {
      if (generation === this.generation) this.running = false;
    }
  }

  /** A run that failed inside Chronos: the guest is left stopped where it is, and the client told so. */
  stopAfterFailure(reason: string): void {
    ++this.generation;
    this.running = false;
    if (!this.exited) this.emitStop({ kind: 'pause', description: reason });
  }

  /** UART input from the client (refused in the past: see refusal). */
  sendInput(text: string): void {
    const bytes = new TextEncoder().encode(text);
    if (this.history) this.history.uartInput(bytes);
    else this.machine.uart.receive(bytes);
  }

  // ---- time travel -------------------------------------------------------------------------------

  /** Why the machine cannot go back, or undefined when it can. */
  get cannotGoBack(): string | undefined {
    return this.history ? undefined : `there is no history to go back through: ${this.historyOff}`;
  }

  private get travel(): History {
    if (!this.history) throw new Error(this.cannotGoBack);
    return this.history;
  }

  /** The stop at the start of the recorded window, when going back reaches it. */
  private atStartOfHistory(hart: number): boolean {
    if (this.machine.progress > this.travel.window.first) return false;
    this.emitStop({ kind: 'step', description: `the start of the recorded history (instruction ${this.travel.window.first})`, hart });
    return true;
  }

  /**
   * Back to before `hart`'s last instruction or trap entry: the machine's last one when the hart
   * is alone, else the latest position at which the hart had not made it yet (the other harts
   * went back as far). At the start of the recorded history, or when the hart made no step in
   * it, the machine goes to that start, and the answer is false.
   */
  private backOne(hart: number): boolean {
    const h = this.travel, m = this.machine;
    if (m.progress <= h.window.first) return false;
    if (m.harts.length === 1) { h.seek(m.progress - 1); return true; }
    if (h.backOn(hart)) return true;
    h.seek(h.window.first);
    return false;
  }

  /**
   * Step back: one instruction or trap entry of `hart` (the other harts go back to where they
   * were then), or one source line of `hart` (calls it made on that line are stepped back over,
   * as reverse-next does).
   */
  async stepBack(granularity: 'instruction' | 'line', hart = this.focus): Promise<void> {
    const h = this.travel;
    const generation = this.begin();
    try {
      if (this.atStartOfHistory(hart)) return;
      if (granularity === 'instruction') {
        if (this.backOne(hart)) this.emitStop({ kind: 'step', hart });
        else this.atStartOfHistory(hart);
        return;
      }
      const line = (): SourceLocation | undefined => this.program.lines.lookup(this.pcOf(hart));
      const sp = (): bigint => BigInt.asUintN(64, this.reg(2, hart));
      const same = (a?: { line: number; file: string }, b?: { line: number; file: string }): boolean => !!a && !!b && a.line === b.line && a.file === b.file;
      const info = this.values.debugInfo();
      const fn = (): bigint | undefined => this.symbols.at(this.pcOf(hart))?.sym.address;
      const shown = (): { line: SourceLocation | undefined; inlined: Die[] } => this.shownAt(hart, line);
      const first = shown();
      const start = first.line, startSp = sp(), startFn = fn();
      let target: { line: number; file: string } | undefined;
      for (let n = 0; n < STEP_BACK_LIMIT; n++) {
        if (!this.backOne(hart)) { this.atStartOfHistory(hart); return; }
        const here = line();
        // An inlined call made from the start's frame is stepped back over, as a call is: at
        // its first instruction the frame shows the call's line, which is where to stop.
        const chain = here && info && sp() === startSp && fn() === startFn ? info.inlinedAt(this.pcOf(hart)) : [];
        if (deeper(chain, first.inlined)) {
          if (info!.entryPc(chain[first.inlined.length]) !== this.pcOf(hart)) continue;
          const now = shown();
          if (!deeper(now.inlined, first.inlined) && now.line && !same(now.line, start)) { target = now.line; break; }
          continue;
        }
        // A line of this function or a caller's (a callee's lines are inside a deeper frame).
        if (here && !same(here, start) && sp() >= startSp) { target = here; break; }
        if (n % 2000 === 1999) {
          await nextTick();
          if (generation !== this.generation || this.exited) return;
          if (this.pauseRequested) { this.emitStop({ kind: 'pause' }); return; }
        }
      }
      // Back to where that line began (an inlined call's line may have code of its own before the call).
      for (let n = 0; target && n < STEP_BACK_LIMIT && this.machine.progress > h.window.first; n++) {
        const at = this.machine.progress, depth = sp();
        if (!this.backOne(hart) || !same(line(), target) || sp() < depth) { h.seek(at); break; }
      }
      this.emitStop({ kind: 'step', hart });
    } finally {
      if (generation === this.generation) this.running = false;
    }
  }

  /**
   * Run backwards to the latest earlier point where going forward would have stopped: a
   * breakpoint whose condition holds, a data breakpoint's access, a trap an exception filter
   * takes, a panic; or to the start of the recorded history when there is none.
   */
  async reverseContinue(): Promise<void> {
    const h = this.travel;
    const generation = this.begin();
    try {
      const search = h.searchBack(this.machine.progress, (r) => this.reverseStopFor(r) !== undefined);
      for (;;) {
        const n = search.next();
        if (n.done) {
          const stop = n.value && this.reverseStopFor(n.value);
          if (stop) { this.emitStop(stop); return; }
          h.seek(h.window.first);
          this.emitStop({ kind: 'step', description: `the start of the recorded history (instruction ${h.window.first}): nothing earlier stops` });
          return;
        }
        await nextTick();
        if (generation !== this.generation || this.exited) { search.return(undefined); return; }
        if (this.pauseRequested) { search.return(undefined); this.emitStop({ kind: 'pause' }); return; }
      }
    } finally {
      if (generation === this.generation) this.running = false;
    }
  }

  /** The stop a machine stop met going backwards is: as going forward, but nothing is counted or logged. */
  private reverseStopFor(r: StopReason): RuntimeStop | undefined {
    if (r.kind === 'breakpoint') {
      const pc = BigInt.asUintN(64, r.pc);
      if (this.panicEnabled && this.panicAddresses.includes(pc)) return this.stopFor(r);
      const stop = this.breakpoints.wouldStop(pc, (e) => this.evaluate(e, r.hart));
      return stop && { ...stop, hart: r.hart };
    }
    if (r.kind === 'watchpoint' || r.kind === 'trap') return this.stopFor(r);
    return undefined;
  }

  /**
   * Run back to the instruction that last wrote the target's bytes before here (chronos/lastWrite),
   * and stop there, before the write, with the writer's stack. Only the target is watched
   * meanwhile (the client's data breakpoints come back after). When nothing in the recorded
   * window wrote the bytes, the machine stays where it was and the answer says so.
   */
  async runBackToWrite(t: WriteTarget): Promise<{ found: boolean; position: number; message: string }> {
    const h = this.travel;
    const generation = this.begin();
    const from = this.machine.progress;
    const what = `${t.label} (${t.size} byte${t.size === 1 ? '' : 's'} at ${t.physical ? 'physical ' : ''}0x${t.address.toString(16)}${t.bit === undefined ? '' : `, bit ${t.bit}`})`;
    const notFound = (): { found: boolean; position: number; message: string } => ({
      found: false, position: this.machine.progress,
      message: `nothing in the recorded window (instructions ${h.window.first} to ${from}) wrote ${what}${t.bit === undefined ? '' : ' so that the bit changed'}`,
    });
    this.machine.setWatchpoints([{ address: t.address, size: t.size, access: 'write', physical: t.physical }]);
    try {
      const { accept, settle } = lastWriteSearch(this.machine, t);
      const search = h.searchBack(from, accept, settle);
      for (;;) {
        const n = search.next();
        if (n.done) {
          if (!n.value || n.value.kind !== 'watchpoint') return notFound();
          const r = n.value;
          const message = `the last write of ${what}: instruction ${this.machine.progress}, pc 0x${BigInt.asUintN(64, r.pc).toString(16)} in ${this.functionName(BigInt.asUintN(64, r.pc))}`;
          this.emitStop({ kind: 'data breakpoint', description: message, hart: r.hart });
          return { found: true, position: this.machine.progress, message };
        }
        await nextTick();
        if (generation !== this.generation || this.exited) { search.return(undefined); return { found: false, position: this.machine.progress, message: 'the search was superseded by another command' }; }
        if (this.pauseRequested) { search.return(undefined); this.emitStop({ kind: 'pause' }); return { found: false, position: this.machine.progress, message: 'paused before the write was found' }; }
      }
    } finally {
      this.machine.setWatchpoints(this.watchpoints);
      if (generation === this.generation) this.running = false;
    }
  }

  /** The Timeline view's data (chronos/timeline): the record between two positions, the window and where the machine is. */
  timelineView(from?: number, to?: number, points?: number): TimelineView & { position: number; history: HistoryInfo } {
    const v = this.timeline!.view(from, to, points);
    return { ...v, position: this.machine.progress, history: this.historyInfo() };
  }

  /** Go to a recorded position (chronos/goto): instructions retired plus traps taken. */
  goto(position: number): void {
    const h = this.travel;
    ++this.generation;
    h.seek(position);
    this.emitStop({ kind: 'step', description: `instruction ${position}` });
  }

  terminate(): void {
    this.generation++;
    this.running = false;
    this.exited = true;
    this.closeDisks();
  }

  describeCause(c: bigint): string { return describeCause(c); }
}

/**
 * A user program's frames up to its entry function's: nothing called the entry, so what the
 * unwinder reads past it is the stack's garbage (a return address that may even land in code),
 * as it is past a frame in none of the program's functions.
 */
function untilEntry(frames: Frame[], program: Program): Frame[] {
  const entry = program.symbols.at(program.elf.entry)?.sym;
  const out: Frame[] = [];
  for (const [i, f] of frames.entries()) {
    // A caller's pc is a return address: the call before it is in the caller's function (a
    // call that ends a function returns to the next one's first byte).
    const fn = program.symbols.at(i === 0 ? f.pc : f.pc - 2n)?.sym;
    if (out.length > 0 && fn === undefined) break;
    out.push(f);
    if (entry !== undefined && fn === entry) break;
  }
  return out;
}
