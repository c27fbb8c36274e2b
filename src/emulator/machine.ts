// The machine: RAM, devices and one hart laid out like QEMU's `virt` board, and the loop that
// runs translated blocks. It knows nothing of debuggers or editors; they drive it through
// run(budget), its stop reasons, breakpoints, watchpoints, trap filters and events.
import { Priv, describeCause } from './cpu/causes.js';
import { MIP } from './cpu/csrFile.js';
import { EXC_NONE, EXC_STOP, Hart, type HartState } from './cpu/hart.js';
import { CAUSE_INTERRUPT, enterTrap, pendingInterrupt } from './cpu/trap.js';
import { Clint } from './devices/clint.js';
import { Plic } from './devices/plic.js';
import { SifiveTest } from './devices/sifiveTest.js';
import { Uart16550 } from './devices/uart16550.js';
import { Emitter } from './events.js';
import { BlockCache } from './jit/blockCache.js';
import { compileBlock, MAX_BLOCK, type Block } from './jit/compiler.js';
import { checkSegments, parseElf, type ElfFile } from './loader/elf.js';
import { Bus } from './memory/bus.js';
import { RAM_BASE, Ram } from './memory/ram.js';
import { BuiltinSbi } from './sbi/sbi.js';
import { DebugAccess } from './debugAccess.js';
import { CLINT, PLIC, TEST, UART0 } from './board/virtMap.js';
import { bootBare, bootFirmware, bootUnderSbi, placeDeviceTree } from './board/boot.js';
import { Clock, NO_DEADLINE, type ClockState } from './clock.js';
import { BreakpointSet } from './breakpointSet.js';
import { Watchpoints, type Watchpoint } from './watchpoints.js';
import { attachVirtio, type Drive } from './board/virtio.js';
import type { VirtioMmio } from './devices/virtio/mmio.js';

export type { Watchpoint };
export { INSTRUCTIONS_PER_TICK } from './clock.js';

export type Bios = 'none' | 'builtin' | Uint8Array;

export interface MachineOptions {
  /** RAM size in MiB (default 128, as QEMU's default for `virt`). */
  memoryMiB?: number;
  /** Firmware: none (the ELF starts in M-mode), builtin SBI (the kernel starts in S-mode), or an image. */
  bios?: Bios;
  /** The kernel command line, in the device tree's /chosen/bootargs. */
  bootargs?: string;
  /** Time follows the host clock instead of the instruction count. */
  realtime?: boolean;
  /** Disks, one per virtio-mmio slot from 0x10001000 (board/virtio.ts). */
  drives?: Drive[];
  /** virtio-mmio version 1 (QEMU 7.2's default) instead of version 2. */
  virtioLegacy?: boolean;
}

export type StopReason =
  | { kind: 'exit'; status: number }
  | { kind: 'reset' }
  | { kind: 'budget' }
  | { kind: 'breakpoint'; pc: bigint }
  | { kind: 'watchpoint'; pc: bigint; address: bigint; size: number; access: 'read' | 'write' }
  | { kind: 'trap'; pc: bigint; cause: bigint; tval: bigint; description: string }
  | { kind: 'paused' }
  | { kind: 'idle'; pc: bigint };

/**
 * Everything that decides what the machine does next: restoring one and running gives the
 * same instructions, the same output and the same stops as the run it was taken from.
 */
export interface MachineSnapshot {
  hart: HartState; ram: Uint8Array; devices: Record<string, unknown>; clock: ClockState;
  sbiTimer: bigint; trapsTaken: number; trapAcknowledged: boolean; watchSkip: boolean;
}

export class Machine {
  readonly ram: Ram;
  readonly bus: Bus;
  readonly hart: Hart;
  readonly uart = new Uart16550(UART0);
  readonly finisher = new SifiveTest(TEST);
  readonly clint: Clint;
  readonly plic = new Plic(PLIC);
  readonly cache: BlockCache;
  readonly debug: DebugAccess;
  readonly clock: Clock;
  readonly options: Required<Omit<MachineOptions, 'bios' | 'drives' | 'virtioLegacy'>> & { bios: Bios };
  /** The eight virtio-mmio slots, in address order. */
  readonly virtio: VirtioMmio[];
  /** One-instruction blocks, for budgets shorter than a block. */
  private readonly singles = new Map<number, Block>();
  private readonly sbi: BuiltinSbi;

  /** Bytes the guest writes to the UART (directly or through the firmware's console). */
  readonly onUartOutput = new Emitter<number>();

  private stopReason: StopReason | undefined;
  private readonly breakpoints = new BreakpointSet();
  private readonly watchpoints = new Watchpoints();
  /** Trap causes (mcause values, interrupts negative) that stop the machine before the handler. */
  trapFilter: ((cause: bigint) => boolean) | undefined;
  /** Set after a stop before a trap, so resuming enters the handler instead of stopping again. */
  private trapAcknowledged = false;
  elf: ElfFile | undefined;
  /** Where the device tree was placed, when one was. */
  fdtAddr = 0n;

  /** The built-in firmware's S-mode timer deadline (SBI set_timer). */
  private sbiTimer = NO_DEADLINE;
  /** Interrupt state may have changed: recompute before the next block. */
  private irqDirty = true;
  private plicLines = [false, false];
  /** Exceptions and interrupts entered since power-on (see progress). */
  private trapsTaken = 0;
  /** The instruction count at which the next timer deadline falls. */
  private timerInstret = 0;

  constructor(opts: MachineOptions = {}) {
    this.options = { memoryMiB: opts.memoryMiB ?? 128, bios: opts.bios ?? 'none', bootargs: opts.bootargs ?? '', realtime: opts.realtime ?? false };
    const mib = this.options.memoryMiB;
    if (!Number.isInteger(mib) || mib < 1 || mib > 4096) throw new RangeError(`memory must be 1 to 4096 MiB, not ${mib}`);
    this.ram = new Ram(RAM_BASE, mib * 1024 * 1024);
    this.bus = new Bus(this.ram);
    this.hart = new Hart(this.bus);
    this.cache = new BlockCache(this.ram.size);
    this.hart.code = this.cache;
    this.clock = new Clock(this.options.realtime);
    this.clint = new Clint(CLINT, () => this.time());
    for (const d of [this.uart, this.finisher, this.clint, this.plic]) this.bus.attach(d);
    this.uart.onTransmit = (b) => this.onUartOutput.fire(b);
    this.uart.onInterrupt = (level) => this.plic.setLine(UART0.irq!, level);
    this.plic.onOutput = (ctx, pending) => { this.plicLines[ctx] = pending; this.interruptsChanged(); };
    this.clint.onChange = () => this.interruptsChanged();
    this.finisher.onFinish = (e) => this.stop(e.kind === 'exit' ? { kind: 'exit', status: e.status } : { kind: 'reset' });
    const csr = this.hart.csr;
    csr.time = () => this.time();
    csr.onInterruptState = () => this.interruptsChanged();
    csr.onTranslationChange = (addressSpace) => {
      this.hart.flushTlb();
      if (addressSpace) this.flushCode();
    };
    this.debug = new DebugAccess(this);
    this.virtio = attachVirtio({ bus: this.bus, plic: this.plic, memory: this.debug }, { drives: opts.drives ?? [], legacy: opts.virtioLegacy ?? false });
    this.sbi = new BuiltinSbi({
      putChar: (b) => this.onUartOutput.fire(b),
      getChar: () => this.uart.takeInput(),
      setTimer: (t) => { this.sbiTimer = t; this.irqDirty = true; },
      sendSoftwareInterrupt: () => { csr.mipSoft |= MIP.SSIP; this.irqDirty = true; },
      flushTranslations: () => { this.hart.flushTlb(); this.flushCode(); },
      reset: (kind, failure) => this.stop(kind === 'shutdown' ? { kind: 'exit', status: failure ? 1 : 0 } : { kind: 'reset' }),
      readPhys: (pa, len) => this.debug.readPhys(pa, len),
      writePhys: (pa, bytes) => this.debug.writePhys(pa, bytes),
    });
  }

  /** Instructions retired (minstret and deterministic time follow it). */
  get instret(): number { return this.hart.instret; }
  /**
   * Instructions retired plus traps taken: the unit of run()'s budget, and of --max-instructions,
   * so that a guest whose every instruction faults still uses them up.
   */
  get progress(): number { return this.hart.instret + this.trapsTaken; }
  get pc(): bigint { return this.hart.pc; }

  /** The time CSR and CLINT mtime: timebase ticks since power-on. */
  time(): bigint { return this.clock.now(this.hart.instret); }

  private interruptsChanged(): void {
    this.irqDirty = true;
    this.hart.loopLimit = 0;
  }

  // ---- loading and booting -----------------------------------------------------------------

  /** Load an ELF's segments into RAM at their physical addresses; returns the parsed file. */
  loadElf(bytes: Uint8Array): ElfFile {
    const elf = parseElf(bytes);
    checkSegments(elf, BigInt(this.ram.base), BigInt(this.ram.size));
    for (const s of elf.segments) {
      const off = Number(s.paddr - BigInt(this.ram.base));
      this.ram.ru8.set(elf.bytes.subarray(s.offset, s.offset + s.filesz), off);
      this.ram.ru8.fill(0, off + s.filesz, off + s.memsz);
    }
    this.flushCode();
    this.elf = elf;
    return elf;
  }

  private get bootTarget() { return { ram: this.ram, bus: this.bus, hart: this.hart, bootargs: this.options.bootargs }; }

  /** Start a bare program in M-mode at its entry, as `qemu-system-riscv64 -bios none` does. */
  bootBare(entry: bigint): void {
    bootBare(this.bootTarget, entry);
    this.fdtAddr = placeDeviceTree(this.bootTarget);
  }

  /**
   * Boot the loaded kernel the way the bios option says: bare in M-mode, in S-mode under the
   * built-in SBI, or through a firmware image at 0x80000000.
   */
  boot(): void {
    if (!this.elf) throw new Error('boot: no kernel loaded');
    const bios = this.options.bios;
    if (bios === 'none') { this.bootBare(this.elf.entry); return; }
    this.fdtAddr = placeDeviceTree(this.bootTarget);
    if (bios === 'builtin') {
      bootUnderSbi(this.bootTarget, this.elf.entry, this.fdtAddr);
      this.hart.ecallHandler = (hart) => hart.priv === Priv.S && this.sbi.handle(hart);
      return;
    }
    bootFirmware(this.bootTarget, bios, this.elf.entry, this.fdtAddr);
    this.flushCode();
  }

  // ---- control ------------------------------------------------------------------------------

  /** Ask a running machine to stop at the next block boundary. */
  stop(reason: StopReason): void {
    if (!this.stopReason) this.stopReason = reason;
    this.hart.loopLimit = 0;
  }

  pause(): void { this.stop({ kind: 'paused' }); }

  setBreakpoints(pcs: Iterable<bigint>): void {
    // Translated blocks must start at every breakpoint: retranslate only the code around the
    // new ones (a removed breakpoint merely leaves a block boundary behind).
    for (const pc of this.breakpoints.replace(pcs)) {
      const t = this.debug.translate(pc);
      const off = t.ok ? this.ram.offsetOf(t.paddr, 2) : -1;
      if (off >= 0) this.cache.invalidateRange(off, 2);
    }
    this.singles.clear();
  }

  /** Watch memory: the machine stops before an access that touches a watched range. */
  setWatchpoints(list: Watchpoint[]): void {
    this.watchpoints.set(list);
    this.hart.watch = this.watchpoints.active ? (va, pa, size, kind) => {
      const hit = this.watchpoints.check(va, pa, size, kind);
      if (hit) this.stop({ kind: 'watchpoint', pc: this.hart.pc, ...hit });
      return hit !== undefined;
    } : undefined;
    this.hart.flushTlb();
  }

  /** Drop all translated code (after breakpoints change or the guest is rewritten). */
  flushCode(): void {
    this.cache.clear();
    this.singles.clear();
  }

  private translate(pc: bigint, maxLen: number): Block | undefined {
    return compileBlock(this.hart, pc, maxLen, this.breakpoints.size ? (p) => this.breakpoints.has(p) : undefined);
  }

  // ---- time and interrupts ------------------------------------------------------------------

  /** The earliest timer deadline (CLINT mtimecmp, stimecmp under Sstc, the SBI's timer), in ticks. */
  private nextDeadline(): bigint {
    const csr = this.hart.csr;
    let deadline = BigInt.asUintN(64, this.clint.mtimecmp);
    if (this.sbiTimer < deadline) deadline = this.sbiTimer;
    if (csr.sstc) { const s = BigInt.asUintN(64, csr.stimecmp); if (s < deadline) deadline = s; }
    return deadline;
  }

  /** Recompute the device-driven pending bits (mip) from the timers, CLINT and PLIC. */
  private updateInterruptLines(): void {
    const csr = this.hart.csr, now = this.time();
    let hw = 0n;
    if (now >= BigInt.asUintN(64, this.clint.mtimecmp)) hw |= MIP.MTIP;
    if (this.clint.msip) hw |= MIP.MSIP;
    if ((csr.sstc && now >= BigInt.asUintN(64, csr.stimecmp)) || now >= this.sbiTimer) hw |= MIP.STIP;
    if (this.plicLines[0]) hw |= MIP.MEIP;
    if (this.plicLines[1]) hw |= MIP.SEIP;
    csr.mipHw = hw;
  }

  // ---- the run loop -----------------------------------------------------------------------------

  /**
   * Run at most `budget` instructions, each trap taken counting as one. Returns why it stopped.
   * A breakpoint at the pc the run starts from does not stop it (that is how a debugger resumes
   * from one).
   */
  run(budget: number, stepping = false): StopReason {
    const h = this.hart, u = h.u, cache = this.cache;
    // In units of h.instret, which the translated code advances. A trap retires nothing, so
    // taking one lowers the limit instead: a guest whose every instruction faults (a handler
    // where nothing answers) still uses up its budget, and the caller gets control back. The
    // blocks' own checks stay as they were.
    let limit = h.instret + budget;
    this.stopReason = undefined;
    if (this.watchpoints.skip) {
      // Let the access that stopped us go through: one instruction with watchpoints off.
      this.watchpoints.skip = false;
      const r = this.runOne();
      if (r || stepping) return r ?? { kind: 'budget' };
    }
    let first = true;
    this.irqDirty = true;
    for (;;) {
      if (h.exc !== EXC_NONE) {
        // A trap left pending by a block, a fetch, or a previous run stopped before its handler.
        if (h.exc === EXC_STOP) { h.exc = EXC_NONE; this.watchpoints.skip = (this.stopReason as StopReason | undefined)?.kind === 'watchpoint'; }
        else if (this.enterException()) return this.stopReason!;
        else {
          limit--;
          if (stepping) return { kind: 'budget' };
        }
      }
      if (this.stopReason) return this.stopReason;
      const left = limit - h.instret;
      if (left <= 0) return { kind: 'budget' };
      if (h.instret >= this.timerInstret) { this.irqDirty = true; }
      if (this.irqDirty || h.waiting) {
        this.irqDirty = false;
        this.updateInterruptLines();
        this.timerInstret = this.options.realtime ? h.instret + 10_000 : this.clock.instretAt(this.nextDeadline());
        const cause = pendingInterrupt(h);
        if (cause >= 0) {
          h.waiting = false;
          if (this.enterInterrupt(cause)) return this.stopReason!;
          limit--;
          if (stepping) return { kind: 'budget' };
          continue;
        }
        if (h.waiting) {
          // wfi: wake on any pending-and-enabled interrupt, even one globally disabled.
          if ((h.csr.mip & h.csr.mie) !== 0n) h.waiting = false;
          else if (!this.fastForward()) return { kind: 'idle', pc: h.pc };
          continue;
        }
      }
      h.loopLimit = Math.min(limit, this.timerInstret);
      const lo = u[64], hi = u[65];
      if (this.breakpoints.size !== 0 && !first && this.breakpoints.has(h.pc)) return { kind: 'breakpoint', pc: h.pc };
      first = false;
      let b = cache.get(lo, hi);
      if (b === undefined || b.priv !== h.priv) {
        b = this.translate(h.pc, MAX_BLOCK);
        if (b === undefined) continue; // the fetch fault is pending
        cache.put(b);
      }
      if (b.len > left) {
        let s = this.singles.get(lo);
        if (s === undefined || s.hi !== hi || s.priv !== h.priv) {
          s = this.translate(h.pc, 1);
          if (s === undefined) continue;
          this.singles.set(lo, s);
        }
        b = s;
      }
      b.fn();
      if (stepping && h.exc === EXC_NONE) return this.stopReason ?? { kind: 'budget' };
    }
  }

  /** Execute one instruction with watchpoints off; a stop reason if it ended the run. */
  private runOne(): StopReason | undefined {
    const watch = this.hart.watch;
    this.hart.watch = undefined;
    try {
      const r = this.run(1, true);
      return r.kind === 'budget' ? undefined : r;
    } finally {
      this.hart.watch = watch;
      this.hart.flushTlb();
    }
  }

  /** Idle in wfi: jump time to the next timer deadline. False when nothing could wake the hart. */
  private fastForward(): boolean {
    const at = this.clock.instretAt(this.nextDeadline());
    if (at === Number.MAX_SAFE_INTEGER) return this.uart.rxPending > 0;
    this.clock.skipTo(at, this.hart.instret);
    this.irqDirty = true;
    return true;
  }

  /** Whether the debugger asks to stop before the handler of this trap; it asks once per trap. */
  private stopsBefore(cause: bigint, tval: bigint): boolean {
    if (this.trapFilter && !this.trapAcknowledged && this.trapFilter(cause)) {
      this.trapAcknowledged = true;
      this.stop({ kind: 'trap', pc: this.hart.pc, cause, tval, description: describeCause(cause) });
      return true;
    }
    this.trapAcknowledged = false;
    this.trapsTaken++;
    return false;
  }

  /** Take the pending exception, unless the debugger wants to stop first; true means stop. */
  private enterException(): boolean {
    const h = this.hart;
    if (this.stopsBefore(BigInt(h.excCause), h.excTval)) return true;
    h.takeException();
    return false;
  }

  private enterInterrupt(cause: number): boolean {
    if (this.stopsBefore(BigInt.asIntN(64, BigInt(cause) | CAUSE_INTERRUPT), 0n)) return true;
    enterTrap(this.hart, BigInt(cause), 0n, true);
    return false;
  }

  /** Execute exactly one instruction, or enter one trap handler. */
  step(): StopReason {
    return this.run(1, true);
  }

  // ---- snapshots ------------------------------------------------------------------------------

  snapshot(): MachineSnapshot {
    const devices: Record<string, unknown> = {};
    for (const d of this.bus.list()) if (d.save) devices[d.name] = d.save();
    return {
      hart: this.hart.save(), ram: this.ram.ru8.slice(), devices, clock: this.clock.save(),
      sbiTimer: this.sbiTimer, trapsTaken: this.trapsTaken, trapAcknowledged: this.trapAcknowledged,
      watchSkip: this.watchpoints.skip,
    };
  }

  restore(s: MachineSnapshot): void {
    this.hart.restore(s.hart);
    this.ram.ru8.set(s.ram);
    for (const d of this.bus.list()) if (d.restore && s.devices[d.name] !== undefined) d.restore(s.devices[d.name]);
    this.clock.restore(s.clock);
    this.sbiTimer = s.sbiTimer;
    this.trapsTaken = s.trapsTaken;
    this.trapAcknowledged = s.trapAcknowledged;
    this.watchpoints.skip = s.watchSkip;
    this.flushCode();
    this.irqDirty = true;
  }
}
