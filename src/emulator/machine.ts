// The machine: RAM, devices and one hart laid out like QEMU's `virt` board, and the loop that
// runs translated blocks. It knows nothing of debuggers or editors; they drive it through
// run(budget), its stop reasons, breakpoints and events.
import { Exception, Priv, describeCause } from './cpu/causes.js';
import { EXC_NONE, EXC_STOP, Hart } from './cpu/hart.js';
import { Uart16550 } from './devices/uart16550.js';
import { SifiveTest } from './devices/sifiveTest.js';
import { Emitter } from './events.js';
import { BlockCache } from './jit/blockCache.js';
import { compileBlock, MAX_BLOCK, type Block } from './jit/compiler.js';
import { checkSegments, parseElf, type ElfFile } from './loader/elf.js';
import { Bus } from './memory/bus.js';
import { RAM_BASE, Ram } from './memory/ram.js';

export interface MachineOptions {
  /** RAM size in MiB (default 128, as QEMU's default for `virt`). */
  memoryMiB?: number;
}

export type StopReason =
  | { kind: 'exit'; status: number }
  | { kind: 'reset' }
  | { kind: 'budget' }
  | { kind: 'breakpoint'; pc: bigint }
  | { kind: 'watchpoint'; pc: bigint; address: bigint; size: number; access: 'load' | 'store' }
  | { kind: 'trap'; pc: bigint; cause: bigint; tval: bigint; description: string }
  | { kind: 'paused' }
  | { kind: 'idle'; pc: bigint };

export class Machine {
  readonly ram: Ram;
  readonly bus: Bus;
  readonly hart: Hart;
  readonly uart = new Uart16550();
  readonly finisher = new SifiveTest();
  readonly cache: BlockCache;
  private readonly singles = new Map<number, Block>();

  /** Bytes the guest writes to the UART. */
  readonly onUartOutput = new Emitter<number>();

  private stopReason: StopReason | undefined;
  private readonly breakpoints = new Map<number, bigint[]>();
  private breakpointCount = 0;
  /** Trap causes (mcause values, interrupts negative) that stop the machine before the handler. */
  trapFilter: ((cause: bigint) => boolean) | undefined;
  /** Set after a stop before a trap, so resuming enters the handler instead of stopping again. */
  private trapAcknowledged = false;
  elf: ElfFile | undefined;

  constructor(opts: MachineOptions = {}) {
    const mib = opts.memoryMiB ?? 128;
    if (!Number.isInteger(mib) || mib < 1 || mib > 4096) throw new RangeError(`memory must be 1 to 4096 MiB, not ${mib}`);
    this.ram = new Ram(RAM_BASE, mib * 1024 * 1024);
    this.bus = new Bus(this.ram);
    this.hart = new Hart(this.bus);
    this.cache = new BlockCache(this.ram.size);
    this.hart.code = this.cache;
    this.bus.attach(this.uart);
    this.bus.attach(this.finisher);
    this.uart.onTransmit = (b) => this.onUartOutput.fire(b);
    this.finisher.onFinish = (e) => this.stop(e.kind === 'exit' ? { kind: 'exit', status: e.status } : { kind: 'reset' });
  }

  get instret(): number { return this.hart.instret; }
  get pc(): bigint { return this.hart.pc; }

  /** Load an ELF's segments into RAM at their physical addresses; returns the parsed file. */
  loadElf(bytes: Uint8Array): ElfFile {
    const elf = parseElf(bytes);
    checkSegments(elf, BigInt(this.ram.base), BigInt(this.ram.size));
    for (const s of elf.segments) {
      const off = Number(s.paddr - BigInt(this.ram.base));
      this.ram.ru8.set(elf.bytes.subarray(s.offset, s.offset + s.filesz), off);
      this.ram.ru8.fill(0, off + s.filesz, off + s.memsz);
    }
    this.cache.clear();
    this.elf = elf;
    return elf;
  }

  /** Start a bare program in M-mode at its entry, as `qemu-system-riscv64 -bios none` does. */
  bootBare(entry: bigint): void {
    const h = this.hart;
    h.priv = Priv.M;
    h.pc = entry;
  }

  /** Ask a running machine to stop at the next block boundary. */
  stop(reason: StopReason): void {
    if (!this.stopReason) this.stopReason = reason;
    this.hart.loopLimit = 0;
  }

  pause(): void { this.stop({ kind: 'paused' }); }

  // ---- breakpoints: blocks are translated so that every breakpoint starts a block --------

  setBreakpoints(pcs: Iterable<bigint>): void {
    this.breakpoints.clear();
    this.breakpointCount = 0;
    for (const pc of pcs) {
      const v = BigInt.asUintN(64, pc);
      const lo = Number(v & 0xffffffffn);
      const list = this.breakpoints.get(lo) ?? [];
      list.push(v >> 32n);
      this.breakpoints.set(lo, list);
      this.breakpointCount++;
    }
    this.flushCode();
  }

  private isBreakpoint(pc: bigint): boolean {
    const v = BigInt.asUintN(64, pc);
    return this.breakpoints.get(Number(v & 0xffffffffn))?.includes(v >> 32n) ?? false;
  }

  /** Drop all translated code (after breakpoints change or the guest is rewritten). */
  flushCode(): void {
    this.cache.clear();
    this.singles.clear();
  }

  private translate(pc: bigint, maxLen: number): Block | undefined {
    return compileBlock(this.hart, pc, maxLen, this.breakpointCount ? (p) => this.isBreakpoint(p) : undefined);
  }

  /**
   * Run at most `budget` instructions. Returns why it stopped. A breakpoint at the pc the run
   * starts from does not stop it (that is how a debugger resumes from one).
   */
  run(budget: number, stepping = false): StopReason {
    const h = this.hart, u = h.u, cache = this.cache;
    const limit = h.instret + budget;
    this.stopReason = undefined;
    h.loopLimit = limit;
    let first = true;
    for (;;) {
      if (h.exc !== EXC_NONE) {
        // A trap left pending by the previous run (stopped before its handler) or by a fetch.
        if (h.exc === EXC_STOP) h.exc = EXC_NONE;
        else if (this.enterTrap()) return this.stopReason!;
        else if (stepping) return { kind: 'budget' };
      }
      if (this.stopReason) return this.stopReason;
      const left = limit - h.instret;
      if (left <= 0) return { kind: 'budget' };
      if (h.waiting) h.waiting = false; // no interrupt sources yet: wfi is a hint
      const lo = u[64], hi = u[65];
      if (this.breakpointCount !== 0 && !first && this.isBreakpoint(h.pc)) return { kind: 'breakpoint', pc: h.pc };
      first = false;
      let b = cache.get(lo, hi);
      if (b === undefined) {
        b = this.translate(h.pc, MAX_BLOCK);
        if (b === undefined) continue; // the fetch fault is pending
        cache.put(b);
      }
      if (b.len > left) {
        let s = this.singles.get(lo);
        if (s === undefined || s.hi !== hi) {
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

  /** Take the pending exception, unless the debugger wants to stop first; true means stop. */
  private enterTrap(): boolean {
    const h = this.hart;
    const cause = BigInt(h.excCause);
    if (this.trapFilter && !this.trapAcknowledged && this.trapFilter(cause)) {
      this.trapAcknowledged = true;
      this.stop({ kind: 'trap', pc: h.pc, cause, tval: h.excTval, description: describeCause(cause) });
      return true;
    }
    this.trapAcknowledged = false;
    h.takeException();
    return false;
  }

  /** Execute exactly one instruction, or enter one trap handler. */
  step(): StopReason {
    return this.run(1, true);
  }
}

export { Exception };
