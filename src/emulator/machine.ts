// The machine: RAM, devices and one hart laid out like QEMU's `virt` board, and the loop that
// runs translated blocks. It knows nothing of debuggers or editors; they drive it through
// run(budget), its stop reasons, breakpoints, watchpoints, trap filters and events.
import { Exception, Priv, describeCause } from './cpu/causes.js';
import { MIP, MSTATUS } from './cpu/csrFile.js';
import { EXC_NONE, EXC_STOP, Hart, type AccessKind } from './cpu/hart.js';
import { PMPADDR_MASK } from './cpu/pmp.js';
import { Clint, TIMEBASE_HZ } from './devices/clint.js';
import { Plic } from './devices/plic.js';
import { Rom } from './devices/rom.js';
import { SifiveTest } from './devices/sifiveTest.js';
import { Uart16550 } from './devices/uart16550.js';
import { Emitter } from './events.js';
import { UART_IRQ, fdtAddress, virtDeviceTree } from './fdt/virt.js';
import { BlockCache } from './jit/blockCache.js';
import { compileBlock, MAX_BLOCK, type Block } from './jit/compiler.js';
import { checkSegments, parseElf, type ElfFile } from './loader/elf.js';
import { Bus } from './memory/bus.js';
import { RAM_BASE, Ram } from './memory/ram.js';
import { BuiltinSbi } from './sbi/sbi.js';
import { DebugAccess } from './debugAccess.js';

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

export interface Watchpoint { address: bigint; size: number; access: 'read' | 'write' | 'readWrite'; physical: boolean }

/** Instructions per timebase tick when time follows the instruction count: a 100 MHz hart. */
export const INSTRUCTIONS_PER_TICK = 10;
const MAX_TIME = (1n << 64n) - 1n;
const ROM_BASE = 0x1000, ROM_SIZE = 0xf000;

export interface MachineSnapshot {
  regs: BigInt64Array; priv: Priv; instret: number; csr: Record<string, unknown>; ram: Uint8Array;
  devices: Record<string, unknown>; skippedTicks: bigint; sbiTimer: bigint; reservation: bigint; reservationValue: bigint;
  trapsTaken: number;
  /** f0..f31 as raw bits, and fcsr's two fields. */
  fregs: BigInt64Array; fflags: number; frm: number;
}

export class Machine {
  readonly ram: Ram;
  readonly bus: Bus;
  readonly hart: Hart;
  readonly uart = new Uart16550();
  readonly finisher = new SifiveTest();
  readonly clint: Clint;
  readonly plic = new Plic();
  readonly cache: BlockCache;
  readonly debug: DebugAccess;
  readonly options: Required<Omit<MachineOptions, 'bios'>> & { bios: Bios };
  private readonly singles = new Map<number, Block>();
  private readonly sbi: BuiltinSbi;

  /** Bytes the guest writes to the UART (directly or through the firmware's console). */
  readonly onUartOutput = new Emitter<number>();

  private stopReason: StopReason | undefined;
  private readonly breakpoints = new Map<number, bigint[]>();
  private breakpointCount = 0;
  private watchpoints: Watchpoint[] = [];
  /** Resuming from a watchpoint stop: the access that stopped goes through once. */
  private watchSkip = false;
  /** Trap causes (mcause values, interrupts negative) that stop the machine before the handler. */
  trapFilter: ((cause: bigint) => boolean) | undefined;
  /** Set after a stop before a trap, so resuming enters the handler instead of stopping again. */
  private trapAcknowledged = false;
  elf: ElfFile | undefined;
  /** Where the device tree was placed, when one was. */
  fdtAddr = 0n;

  // Time: ticks of the 10 MHz timebase. Deterministic by default (from the instruction count,
  // plus ticks skipped while idle), or the host clock with --realtime.
  private skippedTicks = 0n;
  private readonly hostStart = Date.now();
  /** The built-in firmware's S-mode timer deadline (SBI set_timer). */
  private sbiTimer = MAX_TIME;
  /** Interrupt state may have changed: recompute before the next block. */
  private irqDirty = true;
  private plicLines = [false, false];
  /** Exceptions and interrupts entered since power-on (see progress). */
  private trapsTaken = 0;

  constructor(opts: MachineOptions = {}) {
    this.options = { memoryMiB: opts.memoryMiB ?? 128, bios: opts.bios ?? 'none', bootargs: opts.bootargs ?? '', realtime: opts.realtime ?? false };
    const mib = this.options.memoryMiB;
    if (!Number.isInteger(mib) || mib < 1 || mib > 4096) throw new RangeError(`memory must be 1 to 4096 MiB, not ${mib}`);
    this.ram = new Ram(RAM_BASE, mib * 1024 * 1024);
    this.bus = new Bus(this.ram);
    this.hart = new Hart(this.bus);
    this.cache = new BlockCache(this.ram.size);
    this.hart.code = this.cache;
    this.clint = new Clint(() => this.time());
    for (const d of [this.uart, this.finisher, this.clint, this.plic]) this.bus.attach(d);
    this.uart.onTransmit = (b) => this.onUartOutput.fire(b);
    this.uart.onInterrupt = (level) => this.plic.setLine(UART_IRQ, level);
    this.plic.onOutput = (ctx, pending) => { this.plicLines[ctx] = pending; this.irqDirty = true; this.hart.loopLimit = 0; };
    this.clint.onChange = () => { this.irqDirty = true; this.hart.loopLimit = 0; };
    this.finisher.onFinish = (e) => this.stop(e.kind === 'exit' ? { kind: 'exit', status: e.status } : { kind: 'reset' });
    const csr = this.hart.csr;
    csr.time = () => this.time();
    csr.onInterruptState = () => { this.irqDirty = true; this.hart.loopLimit = 0; };
    csr.onTranslationChange = (addressSpace) => {
      this.hart.flushTlb();
      if (addressSpace) this.flushCode();
    };
    this.debug = new DebugAccess(this);
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
  time(): bigint {
    if (this.options.realtime) return BigInt(Math.floor((Date.now() - this.hostStart) * (TIMEBASE_HZ / 1000))) + this.skippedTicks;
    return BigInt(Math.floor(this.hart.instret / INSTRUCTIONS_PER_TICK)) + this.skippedTicks;
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

  /** Start a bare program in M-mode at its entry, as `qemu-system-riscv64 -bios none` does. */
  bootBare(entry: bigint): void {
    const h = this.hart;
    h.priv = Priv.M;
    h.pc = entry;
    this.placeDeviceTree();
  }

  /**
   * Boot the loaded kernel the way the bios option says: bare in M-mode, in S-mode under the
   * built-in SBI, or through a firmware image at 0x80000000.
   */
  boot(): void {
    if (!this.elf) throw new Error('boot: no kernel loaded');
    const bios = this.options.bios;
    if (bios === 'none') { this.bootBare(this.elf.entry); return; }
    const fdt = this.placeDeviceTree();
    const h = this.hart, csr = h.csr;
    if (bios === 'builtin') {
      // M-mode as OpenSBI leaves it for the kernel: exceptions the kernel handles itself and the
      // S-mode interrupts delegated, counters and Sstc open to S-mode, PMP allowing everything,
      // the FPU on.
      csr.medeleg = 0xb1ffn; // all but ecalls from S and M (the firmware answers those)
      csr.mideleg = MIP.SSIP | MIP.STIP | MIP.SEIP;
      csr.mcounteren = 7n;
      csr.menvcfg = (1n << 63n) | (1n << 62n);
      csr.pmpcfg[0] = 0x1fn; csr.pmpaddr[0] = PMPADDR_MASK; csr.pmpChanged();
      csr.mstatus = (csr.mstatus & ~MSTATUS.MPP) | (BigInt(Priv.S) << 11n);
      // OpenSBI turns the FPU on for the kernel (FS Dirty, fcsr 0): kernels built for rv64gc
      // use it without asking.
      csr.mstatus |= MSTATUS.FS;
      csr.syncFs();
      h.ecallHandler = (hart) => hart.priv === Priv.S && this.sbi.handle(hart);
      h.priv = Priv.S;
      h.pc = this.elf.entry;
      h.x[10] = 0n;
      h.x[11] = fdt;
      return;
    }
    // A firmware image (raw, or an ELF) at the start of RAM, entered as QEMU's reset vector does.
    if (bios.length >= 4 && bios[0] === 0x7f && bios[1] === 0x45 && bios[2] === 0x4c && bios[3] === 0x46) {
      const fw = parseElf(bios);
      checkSegments(fw, BigInt(this.ram.base), BigInt(this.ram.size));
      for (const s of fw.segments) this.ram.ru8.set(fw.bytes.subarray(s.offset, s.offset + s.filesz), Number(s.paddr - BigInt(this.ram.base)));
    } else {
      if (bios.length > 0x200000) throw new RangeError('firmware image larger than the 2 MiB before the kernel');
      this.ram.ru8.set(bios, 0);
    }
    this.flushCode();
    this.attachResetRom(fdt);
    h.priv = Priv.M;
    h.pc = BigInt(this.ram.base);
    h.x[5] = BigInt(this.ram.base);
    h.x[10] = 0n;
    h.x[11] = fdt;
    h.x[12] = BigInt(ROM_BASE + 0x28);
  }

  private placeDeviceTree(): bigint {
    const dtb = virtDeviceTree({ ramBase: this.ram.base, ramSize: this.ram.size, bootargs: this.options.bootargs });
    const at = fdtAddress(this.ram.base, this.ram.size, dtb.length);
    if (at < this.ram.base) return 0n;
    this.ram.ru8.set(dtb, at - this.ram.base);
    this.fdtAddr = BigInt(at);
    return this.fdtAddr;
  }

  /** QEMU's MROM: the reset code, its two addresses, and fw_dynamic_info for the firmware. */
  private attachResetRom(fdt: bigint): void {
    if (this.bus.list().some((d) => d.name === 'mrom')) return;
    const rom = new Uint8Array(ROM_SIZE);
    const dv = new DataView(rom.buffer);
    const code = [0x00000297, 0x02828613, 0xf1402573, 0x0202b583, 0x0182b283, 0x00028067];
    code.forEach((w, i) => dv.setUint32(4 * i, w, true));
    dv.setBigUint64(0x18, BigInt(this.ram.base), true);
    dv.setBigUint64(0x20, fdt, true);
    // fw_dynamic_info: magic "OSBI", version 2, next address (the kernel), next mode S, options, boot hart.
    dv.setBigUint64(0x28, 0x4942534fn, true);
    dv.setBigUint64(0x30, 2n, true);
    dv.setBigUint64(0x38, this.elf ? BigInt.asUintN(64, this.elf.entry) : 0x80200000n, true);
    dv.setBigUint64(0x40, 1n, true);
    dv.setBigUint64(0x48, 0n, true);
    dv.setBigUint64(0x50, 0n, true);
    this.bus.attach(new Rom(ROM_BASE, ROM_SIZE, rom));
  }

  // ---- control ------------------------------------------------------------------------------

  /** Ask a running machine to stop at the next block boundary. */
  stop(reason: StopReason): void {
    if (!this.stopReason) this.stopReason = reason;
    this.hart.loopLimit = 0;
  }

  pause(): void { this.stop({ kind: 'paused' }); }

  setBreakpoints(pcs: Iterable<bigint>): void {
    const before = new Set<bigint>();
    for (const [lo, his] of this.breakpoints) for (const hi of his) before.add((hi << 32n) | BigInt(lo));
    const wanted = [...pcs].map((pc) => BigInt.asUintN(64, pc));
    this.breakpoints.clear();
    this.breakpointCount = 0;
    for (const pc of wanted) {
      const v = BigInt.asUintN(64, pc);
      const lo = Number(v & 0xffffffffn);
      const list = this.breakpoints.get(lo) ?? [];
      list.push(v >> 32n);
      this.breakpoints.set(lo, list);
      this.breakpointCount++;
    }
    // Translated blocks must start at every breakpoint: retranslate only the code around the
    // new ones (a removed breakpoint merely leaves a block boundary behind).
    for (const pc of wanted) {
      if (before.has(pc)) continue;
      const t = this.debug.translate(pc);
      const off = t.ok ? this.ram.offsetOf(t.paddr, 2) : -1;
      if (off >= 0) this.cache.invalidateRange(off, 2);
    }
    this.singles.clear();
  }

  private isBreakpoint(pc: bigint): boolean {
    const v = BigInt.asUintN(64, pc);
    return this.breakpoints.get(Number(v & 0xffffffffn))?.includes(v >> 32n) ?? false;
  }

  /** Watch memory: the machine stops before an access that touches a watched range. */
  setWatchpoints(list: Watchpoint[]): void {
    this.watchpoints = list.map((w) => ({ ...w, address: BigInt.asUintN(64, w.address) }));
    this.hart.watch = this.watchpoints.length ? (va, pa, size, kind) => this.checkWatch(va, pa, size, kind) : undefined;
    this.hart.flushTlb();
  }

  private checkWatch(vaddr: bigint, paddr: bigint, size: number, kind: AccessKind): boolean {
    if (this.watchSkip || kind === 'fetch') return false;
    const access = kind === 'load' ? 'read' : 'write';
    for (const w of this.watchpoints) {
      if (w.access !== 'readWrite' && w.access !== access) continue;
      const a = w.physical ? paddr : BigInt.asUintN(64, vaddr);
      if (a < w.address + BigInt(w.size) && w.address < a + BigInt(size)) {
        this.stop({ kind: 'watchpoint', pc: this.hart.pc, address: a, size, access });
        return true;
      }
    }
    return false;
  }

  /** Drop all translated code (after breakpoints change or the guest is rewritten). */
  flushCode(): void {
    this.cache.clear();
    this.singles.clear();
  }

  private translate(pc: bigint, maxLen: number): Block | undefined {
    return compileBlock(this.hart, pc, maxLen, this.breakpointCount ? (p) => this.isBreakpoint(p) : undefined);
  }

  // ---- time and interrupts ------------------------------------------------------------------

  /** Instruction count at which the earliest timer deadline falls (deterministic time). */
  private nextTimerInstret(): number {
    const csr = this.hart.csr;
    let deadline = BigInt.asUintN(64, this.clint.mtimecmp);
    if (this.sbiTimer < deadline) deadline = this.sbiTimer;
    if ((csr.menvcfg >> 63n) & 1n) { const s = BigInt.asUintN(64, csr.stimecmp); if (s < deadline) deadline = s; }
    if (deadline >= MAX_TIME) return Number.MAX_SAFE_INTEGER;
    const ticks = deadline - this.skippedTicks;
    if (ticks <= 0n) return 0;
    const at = ticks * BigInt(INSTRUCTIONS_PER_TICK);
    return at > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(at);
  }

  /** Recompute the device-driven pending bits (mip) from the timers, CLINT and PLIC. */
  private updateInterruptLines(): void {
    const csr = this.hart.csr, now = this.time();
    let hw = 0n;
    if (now >= BigInt.asUintN(64, this.clint.mtimecmp)) hw |= MIP.MTIP;
    if (this.clint.msip) hw |= MIP.MSIP;
    const stce = ((csr.menvcfg >> 63n) & 1n) === 1n;
    if ((stce && now >= BigInt.asUintN(64, csr.stimecmp)) || now >= this.sbiTimer) hw |= MIP.STIP;
    if (this.plicLines[0]) hw |= MIP.MEIP;
    if (this.plicLines[1]) hw |= MIP.SEIP;
    csr.mipHw = hw;
  }

  private timerInstret = 0;

  // ---- the run loop -----------------------------------------------------------------------------

  /**
   * Run at most `budget` instructions, each trap taken counting as one. Returns why it stopped.
   * A breakpoint at the pc the run starts from does not stop it (that is how a debugger resumes
   * from one).
   */
  run(budget: number, stepping = false): StopReason {
    const h = this.hart, u = h.u, cache = this.cache, csr = h.csr;
    // In units of h.instret, which the translated code advances. A trap retires nothing, so
    // taking one lowers the limit instead: a guest whose every instruction faults (a handler
    // where nothing answers) still uses up its budget, and the caller gets control back. The
    // blocks' own checks stay as they were.
    let limit = h.instret + budget;
    this.stopReason = undefined;
    if (this.watchSkip) {
      // Let the access that stopped us go through: one instruction with watchpoints off.
      const r = this.runOne();
      this.watchSkip = false;
      if (r || stepping) return r ?? { kind: 'budget' };
    }
    let first = true;
    this.irqDirty = true;
    for (;;) {
      if (h.exc !== EXC_NONE) {
        // A trap left pending by a block, a fetch, or a previous run stopped before its handler.
        if (h.exc === EXC_STOP) { h.exc = EXC_NONE; this.watchSkip = (this.stopReason as StopReason | undefined)?.kind === 'watchpoint'; }
        else if (this.enterTrap(false)) return this.stopReason!;
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
        this.timerInstret = this.options.realtime ? h.instret + 10_000 : this.nextTimerInstret();
        const cause = csr.pendingInterrupt();
        if (cause >= 0) {
          h.waiting = false;
          if (this.enterInterrupt(cause)) return this.stopReason!;
          limit--;
          if (stepping) return { kind: 'budget' };
          continue;
        }
        if (h.waiting) {
          // wfi: wake on any pending-and-enabled interrupt, even one globally disabled.
          if ((csr.mip & csr.mie) !== 0n) h.waiting = false;
          else if (!this.fastForward()) return { kind: 'idle', pc: h.pc };
          continue;
        }
      }
      h.loopLimit = Math.min(limit, this.timerInstret);
      const lo = u[64], hi = u[65];
      if (this.breakpointCount !== 0 && !first && this.isBreakpoint(h.pc)) return { kind: 'breakpoint', pc: h.pc };
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
    const at = this.nextTimerInstret();
    if (at === Number.MAX_SAFE_INTEGER) return this.uart.rxPending > 0;
    const ticksNeeded = BigInt(Math.ceil(Math.max(0, at - this.hart.instret) / INSTRUCTIONS_PER_TICK));
    this.skippedTicks += ticksNeeded > 0n ? ticksNeeded : 1n;
    this.irqDirty = true;
    return true;
  }

  /** Take the pending exception, unless the debugger wants to stop first; true means stop. */
  private enterTrap(_interrupt: boolean): boolean {
    const h = this.hart;
    const cause = BigInt(h.excCause);
    if (this.trapFilter && !this.trapAcknowledged && this.trapFilter(cause)) {
      this.trapAcknowledged = true;
      this.stop({ kind: 'trap', pc: h.pc, cause, tval: h.excTval, description: describeCause(cause) });
      return true;
    }
    this.trapAcknowledged = false;
    this.trapsTaken++;
    h.takeException();
    return false;
  }

  private enterInterrupt(cause: number): boolean {
    const code = BigInt(cause) | (1n << 63n);
    if (this.trapFilter && !this.trapAcknowledged && this.trapFilter(BigInt.asIntN(64, code))) {
      this.trapAcknowledged = true;
      this.stop({ kind: 'trap', pc: this.hart.pc, cause: BigInt.asIntN(64, code), tval: 0n, description: describeCause(BigInt.asIntN(64, code)) });
      return true;
    }
    this.trapAcknowledged = false;
    this.trapsTaken++;
    this.hart.csr.enterTrap(BigInt(cause), 0n, true);
    return false;
  }

  /** Execute exactly one instruction, or enter one trap handler. */
  step(): StopReason {
    return this.run(1, true);
  }

  // ---- snapshots ------------------------------------------------------------------------------

  snapshot(): MachineSnapshot {
    const h = this.hart, csr = h.csr as unknown as Record<string, unknown>;
    const csrState: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(csr)) {
      if (typeof v === 'bigint') csrState[k] = v;
      else if (Array.isArray(v)) csrState[k] = [...v];
    }
    const devices: Record<string, unknown> = {};
    for (const d of this.bus.list()) if (d.save) devices[d.name] = d.save();
    return {
      regs: h.x.slice(), priv: h.priv, instret: h.instret, csr: csrState, ram: this.ram.ru8.slice(), devices,
      skippedTicks: this.skippedTicks, sbiTimer: this.sbiTimer, reservation: h.reservation, reservationValue: h.reservationValue,
      trapsTaken: this.trapsTaken,
      fregs: h.fpu.fx.slice(), fflags: h.fpu.flags, frm: h.fpu.frm,
    };
  }

  restore(s: MachineSnapshot): void {
    const h = this.hart, csr = h.csr as unknown as Record<string, unknown>;
    h.x.set(s.regs);
    h.priv = s.priv;
    h.instret = s.instret;
    h.exc = EXC_NONE;
    h.waiting = false;
    h.reservation = s.reservation;
    h.reservationValue = s.reservationValue;
    for (const [k, v] of Object.entries(s.csr)) csr[k] = Array.isArray(v) ? [...v] : v;
    h.csr.pmp.update(h.csr.pmpcfg, h.csr.pmpaddr);
    h.fpu.fx.set(s.fregs);
    h.fpu.flags = s.fflags;
    h.fpu.frm = s.frm;
    h.csr.syncFs();
    this.ram.ru8.set(s.ram);
    for (const d of this.bus.list()) if (d.restore && s.devices[d.name] !== undefined) d.restore(s.devices[d.name]);
    this.skippedTicks = s.skippedTicks;
    this.sbiTimer = s.sbiTimer;
    this.trapsTaken = s.trapsTaken;
    h.flushTlb();
    this.flushCode();
    this.irqDirty = true;
  }
}

export { Exception };
