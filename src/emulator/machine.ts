// The machine: RAM, devices and 1-8 harts laid out like QEMU's `virt` board. It knows nothing
// of debuggers or editors; they drive it through run(budget), its stop reasons, breakpoints,
// watchpoints, trap filters and events. The run loop is in runLoop.ts, boot in board/boot.ts,
// time in clock.ts.
import { Priv } from './cpu/causes.js';
import { MIP } from './cpu/csrFile.js';
import { Hart, type HartState } from './cpu/hart.js';
import { Clint } from './devices/clint.js';
import { Plic } from './devices/plic.js';
import { SifiveTest } from './devices/sifiveTest.js';
import { Uart16550 } from './devices/uart16550.js';
import { Emitter } from './events.js';
import { CodeMap } from './jit/codeMap.js';
import { TIERING, type Tiering } from './jit/tiers.js';
import { checkSegments, parseElf, type ElfFile } from './loader/elf.js';
import { Bus } from './memory/bus.js';
import { RAM_BASE, Ram } from './memory/ram.js';
import { BuiltinSbi, HartStatus } from './sbi/sbi.js';
import { DebugAccess } from './debugAccess.js';
import { CLINT, PLIC, TEST, UART0 } from './board/virtMap.js';
import { bootBare, bootBoard, placeDeviceTree, type Bios, type BootImages, type BootReport, type BootTarget } from './board/boot.js';
import { Clock, type ClockState } from './clock.js';
import { BreakpointSet } from './breakpointSet.js';
import { Watchpoints, type Watchpoint } from './watchpoints.js';
import { HartRunner, type HartRunnerState } from './hartRunner.js';
import { RunLoop, type RunOptions } from './runLoop.js';
import { attachVirtio, type Drive } from './board/virtio.js';
import type { VirtioMmio } from './devices/virtio/mmio.js';
import { Arena } from './memory/arena.js';

export type { Watchpoint, RunOptions, Bios, BootImages, BootReport };
export { INSTRUCTIONS_PER_TICK } from './clock.js';

export interface MachineOptions {
  /** RAM size in MiB (default 128, as QEMU's default for `virt`). */
  memoryMiB?: number;
  /** Firmware: none (the ELF starts in M-mode), builtin SBI (the kernel starts in S-mode), or an image. */
  bios?: Bios;
  /** The kernel command line, in the device tree's /chosen/bootargs. */
  bootargs?: string;
  /** Time follows the host clock instead of the instruction count. */
  realtime?: boolean;
  /** Harts, 1 to 8 (QEMU's -smp). */
  harts?: number;
  /** Disks, one per virtio-mmio slot from 0x10001000 (board/virtio.ts). */
  drives?: Drive[];
  /** virtio-mmio version 1 (QEMU 7.2's default) instead of version 2. */
  virtioLegacy?: boolean;
  /** The forms blocks run in and when they move on (jit/tiers.ts; the environment's by default). */
  tiering?: Tiering;
}

export const MAX_HARTS = 8;

/** Why run() returned; the stops a hart caused name it. */
export type StopReason =
  | { kind: 'exit'; status: number }
  | { kind: 'reset' }
  | { kind: 'budget' }
  | { kind: 'breakpoint'; pc: bigint; hart: number }
  | { kind: 'watchpoint'; pc: bigint; address: bigint; size: number; access: 'read' | 'write'; hart: number }
  | { kind: 'trap'; pc: bigint; cause: bigint; tval: bigint; description: string; hart: number }
  | { kind: 'paused' }
  | { kind: 'idle'; pc: bigint; hart: number };

/**
 * Everything that decides what the machine does next: restoring one and running gives the
 * same instructions, the same output and the same stops as the run it was taken from.
 */
export interface MachineSnapshot extends MachineState { ram: Uint8Array }

/** A snapshot without RAM: what time travel's checkpoints hold beside the pages written (history/). */
export interface MachineState {
  harts: HartState[]; runners: HartRunnerState[]; devices: Record<string, unknown>; clock: ClockState;
  trapsTaken: number; schedule: { current: number; sliceLeft: number; donee: number; resumeAt: number };
}

export class Machine {
  readonly ram: Ram;
  /** The one memory RAM, registers, TLBs and code marks share, where the host has WebAssembly (memory/arena.ts). */
  readonly arena: Arena | undefined;
  readonly bus: Bus;
  readonly harts: readonly Hart[];
  readonly runners: readonly HartRunner[];
  readonly uart = new Uart16550(UART0);
  readonly finisher = new SifiveTest(TEST);
  readonly clint: Clint;
  readonly plic: Plic;
  /** Which RAM holds translated code, for every hart's blocks. */
  readonly code: CodeMap;
  readonly debug: DebugAccess;
  readonly clock: Clock;
  readonly options: Required<Omit<MachineOptions, 'bios' | 'drives' | 'virtioLegacy' | 'tiering'>> & { bios: Bios };
  readonly tiering: Tiering;
  /** The eight virtio-mmio slots, in address order. */
  readonly virtio: VirtioMmio[];
  private readonly sbi: BuiltinSbi;
  private readonly loop: RunLoop;

  /** Bytes the guest writes to the UART (directly or through the firmware's console). */
  readonly onUartOutput = new Emitter<number>();

  /** Why the current run stops, once something asked (the run loop reads it). */
  stopReason: StopReason | undefined;
  readonly breakpoints = new BreakpointSet();
  private readonly watchpoints = new Watchpoints();
  /** Trap causes (mcause values, interrupts negative) that stop the machine before the handler. */
  trapFilter: ((cause: bigint) => boolean) | undefined;
  elf: ElfFile | undefined;
  /** Where the device tree was placed, when one was. */
  fdtAddr = 0n;
  /** Exceptions and interrupts entered since power-on (see progress). */
  trapsTaken = 0;
  /**
   * Told of every trap as its handler is entered (after it is counted in progress): a
   * debugger's timeline. Traps are rare next to instructions, so this costs only when set.
   */
  onTrapTaken: ((hart: number, cause: bigint) => void) | undefined;

  constructor(opts: MachineOptions = {}) {
    this.tiering = opts.tiering ?? TIERING;
    this.options = { memoryMiB: opts.memoryMiB ?? 128, bios: opts.bios ?? 'none', bootargs: opts.bootargs ?? '', realtime: opts.realtime ?? false, harts: opts.harts ?? 1 };
    const mib = this.options.memoryMiB, n = this.options.harts;
    if (!Number.isInteger(mib) || mib < 1 || mib > 4096) throw new RangeError(`memory must be 1 to 4096 MiB, not ${mib}`);
    if (!Number.isInteger(n) || n < 1 || n > MAX_HARTS) throw new RangeError(`harts must be 1 to ${MAX_HARTS}, not ${n}`);
    const arena = Arena.make(mib * 1024 * 1024);
    this.arena = arena;
    this.ram = new Ram(RAM_BASE, mib * 1024 * 1024, arena?.ram);
    this.bus = new Bus(this.ram);
    this.code = new CodeMap(this.ram.size, arena?.codeChunks);
    this.clock = new Clock(this.options.realtime, n);
    this.harts = Array.from({ length: n }, (_, id) => new Hart(this.bus, id, arena?.hart(id), arena?.records));
    // A spinning hart hands its turn over only when there is someone to hand it to.
    for (const h of this.harts) h.handOff = n > 1;
    this.runners = this.harts.map((h) => new HartRunner(h, this.code));
    // Rewritten code (a guest store, a device's DMA): the running block leaves after the
    // instruction that did it, as an interrupt line changed would (Hart.leaveIfAsked).
    this.code.onDropped = () => { for (const h of this.harts) h.loopLimit = 0; };
    this.clint = new Clint(CLINT, n, () => this.time());
    this.plic = new Plic(PLIC, n);
    for (const d of [this.uart, this.finisher, this.clint, this.plic]) this.bus.attach(d);
    this.uart.onTransmit = (b) => this.onUartOutput.fire(b);
    this.uart.onInterrupt = (level) => this.plic.setLine(UART0.irq!, level);
    this.plic.onOutput = (ctx, pending) => {
      const r = this.runners[ctx >> 1];
      if (r.plicLines[ctx & 1] !== pending) { r.plicLines[ctx & 1] = pending; this.interruptsChanged(r.hart.hartId); }
    };
    this.clint.onChange = (hart) => this.interruptsChanged(hart);
    this.finisher.onFinish = (e) => this.stop(e.kind === 'exit' ? { kind: 'exit', status: e.status } : { kind: 'reset' });
    for (const h of this.harts) {
      h.code = this.code;
      h.csr.triggers.onChange = () => {
        h.flushDataTranslations();
        for (const pc of h.csr.triggers.execAddresses()) this.code.invalidateVirtual(pc);
      };
      h.csr.time = () => this.time();
      h.csr.onInterruptState = () => this.interruptsChanged(h.hartId);
    }
    this.debug = new DebugAccess(this);
    this.virtio = attachVirtio({ bus: this.bus, plic: this.plic, memory: this.debug }, { drives: opts.drives ?? [], legacy: opts.virtioLegacy ?? false });
    this.sbi = new BuiltinSbi({
      harts: n,
      putChar: (b) => this.onUartOutput.fire(b),
      getChar: () => this.uart.takeInput(),
      setTimer: (hart, t) => { this.runners[hart].sbiTimer = t; this.interruptsChanged(hart); },
      sendSoftwareInterrupt: (hart) => { this.harts[hart].csr.mipSoft |= MIP.SSIP; this.interruptsChanged(hart); },
      clearSoftwareInterrupt: (hart) => { this.harts[hart].csr.mipSoft &= ~MIP.SSIP; this.interruptsChanged(hart); },
      flushTranslations: (hart, start, size) => {
        const h = this.harts[hart];
        if (start === undefined || size === undefined || size > 64n * 4096n) h.flushTranslations();
        else for (let a = start & ~0xfffn; a < start + size; a += 4096n) h.flushPage(a);
      },
      hartStatus: (hart) => this.runners[hart].status,
      hartStart: (hart, start, opaque) => this.startHart(hart, start, opaque),
      hartStop: (hart) => { this.runners[hart].status = HartStatus.Stopped; this.harts[hart].loopLimit = 0; },
      isExecutable: (addr) => this.ram.offsetOf(BigInt.asUintN(64, addr), 4) >= 0,
      readHartWord: (hart, va) => {
        const b = this.debug.readVirt(BigInt.asUintN(64, va), 8, this.harts[hart].csr.satp);
        return b && new DataView(b.buffer).getBigUint64(0, true);
      },
      reset: (kind, failure) => this.stop(kind === 'shutdown' ? { kind: 'exit', status: failure ? 1 : 0 } : { kind: 'reset' }),
      readPhys: (pa, len) => this.debug.readPhys(pa, len),
      writePhys: (pa, bytes) => this.debug.writePhys(pa, bytes),
    });
    this.loop = new RunLoop(this);
  }

  /** The boot hart (hart 0). */
  get hart(): Hart { return this.harts[0]; }

  /** Instructions retired by every hart. */
  get instret(): number {
    let n = 0;
    for (const h of this.harts) n += h.instret;
    return n;
  }

  /**
   * Instructions retired plus traps taken: the unit of run()'s budget, and of --max-instructions,
   * so that a guest whose every instruction faults still uses them up.
   */
  get progress(): number { return this.instret + this.trapsTaken; }
  get pc(): bigint { return this.hart.pc; }

  /** The time CSR and CLINT mtime: timebase ticks since power-on. */
  time(): bigint { return this.clock.now(this.instret); }

  /** Cycles until this hart's next timer deadline (MAX_SAFE_INTEGER for none). */
  cyclesToDeadline(r: HartRunner): number {
    const retired = this.instret;
    return this.clock.cyclesUntil(r.nextDeadline(this.clint.mtimecmp[r.hart.hartId], this.clock.now(retired)), retired);
  }

  updateInterruptLines(r: HartRunner): void {
    const id = r.hart.hartId;
    r.updateInterruptLines(this.time(), this.clint.mtimecmp[id], this.clint.msip[id] !== 0);
  }

  /** A hart's interrupt state may have changed; the running hart leaves its translated loop. */
  private interruptsChanged(hart: number): void {
    this.runners[hart].irqDirty = true;
    this.harts[hart].loopLimit = 0;
  }

  /** SBI hart_start: a stopped hart begins in S-mode at `start`, a0 = its id, a1 = opaque. */
  private startHart(hart: number, start: bigint, opaque: bigint): void {
    const h = this.harts[hart], r = this.runners[hart];
    h.priv = Priv.S;
    h.pc = start;
    h.x[10] = BigInt(hart);
    h.x[11] = opaque;
    h.waiting = false;
    h.csr.satp = 0n;
    h.flushTranslations();
    r.status = HartStatus.Started;
    r.irqDirty = true;
  }

  // ---- loading and booting -----------------------------------------------------------------

  /** Load an ELF's segments into RAM at their physical addresses; returns the parsed file. */
  loadElf(bytes: Uint8Array): ElfFile {
    const elf = parseElf(bytes);
    checkSegments(elf, BigInt(this.ram.base), BigInt(this.ram.size));
    for (const s of elf.segments) {
      // An empty segment occupies no memory, wherever it claims to be (checkSegments skips it too).
      if (s.memsz === 0) continue;
      const off = Number(s.paddr - BigInt(this.ram.base));
      this.ram.ru8.set(elf.bytes.subarray(s.offset, s.offset + s.filesz), off);
      this.ram.ru8.fill(0, off + s.filesz, off + s.memsz);
      this.ram.dirty.mark(off, s.memsz);
    }
    this.flushCode();
    this.elf = elf;
    return elf;
  }

  private get bootTarget(): BootTarget {
    return { ram: this.ram, bus: this.bus, harts: this.harts };
  }

  /**
   * Start a program already in RAM on every hart in M-mode at `entry`, with the device tree
   * placed and the reset code's registers (for programs written into RAM directly).
   */
  bootBare(entry: bigint): void {
    this.fdtAddr = placeDeviceTree(this.bootTarget, this.options.bootargs);
    bootBare(this.bootTarget, entry, this.fdtAddr);
  }

  /**
   * Boot as qemu-system-riscv64 -machine virt boots with the machine's bios: bare in M-mode from
   * the start of RAM, through a firmware image there, or the kernel in S-mode under the built-in
   * SBI. The kernel is `images.kernel`, else the ELF loadElf loaded. Throws LoadError, ElfError
   * or FdtError for images that cannot be placed.
   */
  boot(images: BootImages = {}): BootReport {
    const kernel = images.kernel ?? (this.elf && { format: 'elf' as const, elf: this.elf });
    if (kernel?.format === 'elf') this.elf = kernel.elf;
    const bios = this.options.bios;
    const report = bootBoard(this.bootTarget, bios, { ...images, kernel, bootargs: images.bootargs ?? this.options.bootargs });
    this.fdtAddr = report.fdt.start;
    if (bios === 'builtin') {
      // As OpenSBI with HSM: the boot hart runs the kernel, the others wait for hart_start.
      this.runners.forEach((r, i) => { r.status = i === 0 ? HartStatus.Started : HartStatus.Stopped; });
      for (const h of this.harts) h.ecallHandler = (hart) => hart.priv === Priv.S && this.sbi.handle(hart);
    }
    for (const hart of report.loaderStarts.keys()) this.runners[hart].status = HartStatus.Started;
    this.flushCode();
    return report;
  }

  // ---- control ------------------------------------------------------------------------------

  /** Ask a running machine to stop at the next block boundary. */
  stop(reason: StopReason): void {
    if (!this.stopReason) this.stopReason = reason;
    for (const h of this.harts) h.loopLimit = 0;
  }

  pause(): void { this.stop({ kind: 'paused' }); }

  setBreakpoints(pcs: Iterable<bigint>): void {
    // Translated blocks must start at every breakpoint: drop only the blocks that hold a new one
    // (a removed breakpoint merely leaves a block boundary behind).
    for (const pc of this.breakpoints.replace(pcs)) this.code.invalidateVirtual(pc);
    // Direct links between blocks (runLoop.ts) were made for the old set: none may lead past
    // a new breakpoint, so they all go, with the front tables, as if the address space changed.
    for (const h of this.harts) h.translationGeneration++;
  }

  /** Watch memory: the machine stops before an access that touches a watched range. */
  setWatchpoints(list: Watchpoint[]): void {
    this.watchpoints.set(list);
    for (const h of this.harts) {
      h.watch = this.watchpoints.active ? (va, pa, size, kind) => {
        const hit = this.watchpoints.check(va, pa, size, kind);
        if (hit) this.stop({ kind: 'watchpoint', pc: h.pc, ...hit, hart: h.hartId });
        return hit !== undefined;
      } : undefined;
      h.watchedPage = this.watchpoints.active ? (va, pa) => this.watchpoints.onPage(va, pa) : undefined;
      h.flushDataTranslations();
    }
  }

  /** Drop all translated code (after the guest's memory is replaced). */
  flushCode(): void {
    this.code.clear();
  }

  /**
   * Run at most `budget` units of progress (instructions retired plus traps taken, over all
   * harts). Returns why it stopped. A breakpoint at the pc the run resumes from does not stop
   * it (that is how a debugger resumes from one), unless `resume` is false.
   */
  run(budget: number, opts: RunOptions | boolean = {}): StopReason {
    return this.loop.run(budget, typeof opts === 'boolean' ? { stepping: opts } : opts);
  }

  /** Execute exactly one instruction, or enter one trap handler, on the hart whose turn it is. */
  step(): StopReason {
    return this.run(1, { stepping: true });
  }

  /** The hart whose turn it is in the schedule. */
  get currentHart(): number { return this.loop.current; }

  // ---- snapshots ------------------------------------------------------------------------------

  snapshot(): MachineSnapshot {
    return { ...this.saveState(), ram: this.ram.ru8.slice() };
  }

  restore(s: MachineSnapshot): void {
    this.restoreState(s);
    this.ram.ru8.set(s.ram);
    this.ram.dirty.markAll();
    this.flushCode();
  }

  /** Everything snapshot() holds but RAM. */
  saveState(): MachineState {
    const devices: Record<string, unknown> = {};
    for (const d of this.bus.list()) if (d.save) devices[d.name] = d.save();
    return {
      harts: this.harts.map((h) => h.save()), runners: this.runners.map((r) => r.save()), devices,
      clock: this.clock.save(), trapsTaken: this.trapsTaken, schedule: { current: this.loop.current, sliceLeft: this.loop.sliceLeft, donee: this.loop.donee, resumeAt: this.loop.resumeAt },
    };
  }

  /**
   * Put back everything but RAM. Translated code stays: it depends on RAM alone, and whoever
   * changes RAM with this drops the code of the pages it rewrites (code.invalidateRange).
   */
  restoreState(s: MachineState): void {
    this.harts.forEach((h, i) => h.restore(s.harts[i]));
    this.runners.forEach((r, i) => r.restore(s.runners[i]));
    for (const d of this.bus.list()) if (d.restore && s.devices[d.name] !== undefined) d.restore(s.devices[d.name]);
    this.clock.restore(s.clock);
    this.trapsTaken = s.trapsTaken;
    this.loop.current = s.schedule.current;
    this.loop.sliceLeft = s.schedule.sliceLeft;
    this.loop.donee = s.schedule.donee;
    this.loop.resumeAt = s.schedule.resumeAt;
    this.stopReason = undefined;
  }
}
