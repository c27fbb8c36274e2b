// One hart as the run loop drives it: its translated blocks, the interrupt lines the devices
// drive into it (CLINT, PLIC contexts, the timers), its state in the SBI's hart state machine,
// and the debugger's per-hart stop state. runLoop.ts interleaves the harts.
import { MIP } from './cpu/csrFile.js';
import type { Hart } from './cpu/hart.js';
import { BlockCache } from './jit/blockCache.js';
import type { CodeMap } from './jit/codeMap.js';
import { HartStatus } from './sbi/sbi.js';
import { NO_DEADLINE } from './clock.js';

export interface HartRunnerState {
  sbiTimer: bigint; status: HartStatus; trapAcknowledged: boolean; watchSkip: boolean; plicLines: [boolean, boolean]; traps: number;
}

export class HartRunner {
  readonly blocks: BlockCache;
  /** One-instruction blocks, for budgets shorter than a block. */
  readonly singles: BlockCache;
  /** Interrupt state may have changed: recompute before the next block. */
  irqDirty = true;
  /** The hart's instruction count at which its next timer deadline falls. */
  deadlineInstret = 0;
  /** The built-in firmware's S-mode timer deadline for this hart (SBI set_timer), in ticks. */
  sbiTimer = NO_DEADLINE;
  /** Whether the hart runs, as the SBI's hart state machine sees it (bare machines start every hart). */
  status = HartStatus.Started;
  /** The PLIC's M-mode and S-mode outputs for this hart. */
  readonly plicLines: [boolean, boolean] = [false, false];
  /** A breakpoint at this pc does not stop the hart once: it is where the debugger resumes it. */
  passBreakpoint: bigint | undefined;
  /** Set after a stop before a trap, so resuming enters the handler instead of stopping again. */
  trapAcknowledged = false;
  /** Resuming from a watchpoint stop: the access that stopped goes through once. */
  watchSkip = false;
  /**
   * Traps this hart has entered. With its instructions retired, the hart's own progress, which
   * says where it last moved when several harts share the machine's (time travel's step back).
   */
  traps = 0;

  constructor(readonly hart: Hart, code: CodeMap) {
    this.blocks = new BlockCache(code, hart.front);
    this.singles = new BlockCache(code);
  }

  /**
   * The earliest timer deadline for this hart still to come after `now` (its mtimecmp,
   * stimecmp under Sstc, the SBI's timer), in ticks. One that has passed already raised its
   * line, which stays up until software moves the deadline (and says so): nothing to wait for.
   */
  nextDeadline(mtimecmp: bigint, now: bigint): bigint {
    const csr = this.hart.csr;
    let deadline = NO_DEADLINE;
    const m = BigInt.asUintN(64, mtimecmp);
    if (m > now && m < deadline) deadline = m;
    if (this.sbiTimer > now && this.sbiTimer < deadline) deadline = this.sbiTimer;
    if (csr.sstc) { const s = BigInt.asUintN(64, csr.stimecmp); if (s > now && s < deadline) deadline = s; }
    return deadline;
  }

  /** The hart's own progress: instructions retired plus traps entered. */
  get progress(): number { return this.hart.instret + this.traps; }

  /** Recompute the device-driven pending bits (mip) from the timers, the CLINT and the PLIC. */
  updateInterruptLines(now: bigint, mtimecmp: bigint, msip: boolean): void {
    const csr = this.hart.csr;
    let hw = 0n;
    if (now >= BigInt.asUintN(64, mtimecmp)) hw |= MIP.MTIP;
    if (msip) hw |= MIP.MSIP;
    if ((csr.sstc && now >= BigInt.asUintN(64, csr.stimecmp)) || now >= this.sbiTimer) hw |= MIP.STIP;
    if (this.plicLines[0]) hw |= MIP.MEIP;
    if (this.plicLines[1]) hw |= MIP.SEIP;
    csr.mipHw = hw;
  }

  save(): HartRunnerState {
    return { sbiTimer: this.sbiTimer, status: this.status, trapAcknowledged: this.trapAcknowledged, watchSkip: this.watchSkip, plicLines: [...this.plicLines], traps: this.traps };
  }

  restore(s: HartRunnerState): void {
    this.sbiTimer = s.sbiTimer; this.status = s.status; this.trapAcknowledged = s.trapAcknowledged; this.watchSkip = s.watchSkip; this.traps = s.traps;
    this.plicLines[0] = s.plicLines[0]; this.plicLines[1] = s.plicLines[1];
    this.passBreakpoint = undefined;
    this.irqDirty = true;
  }
}
