// The machine's time: ticks of the 10 MHz timebase that the time CSR and the CLINT's mtime
// read. Deterministic by default: time follows the instruction count (a nominal 100 MHz hart),
// plus the ticks skipped while every hart idles in wfi, so every run of a guest is identical
// instruction for instruction (tests and reproducible debugging rely on it). With `realtime`
// it follows the host clock instead.
import { TIMEBASE_HZ } from './devices/clint.js';

/** Instructions per timebase tick when time follows the instruction count: a 100 MHz hart. */
export const INSTRUCTIONS_PER_TICK = 10;
export const NO_DEADLINE = (1n << 64n) - 1n;

export interface ClockState { skippedTicks: bigint }

export class Clock {
  /** Ticks jumped over while idle (wfi fast-forward). */
  private skippedTicks = 0n;
  private readonly hostStart = Date.now();

  constructor(readonly realtime: boolean) {}

  /** Timebase ticks since power-on, for a machine that has retired `instret` instructions. */
  now(instret: number): bigint {
    if (this.realtime) return BigInt(Math.floor((Date.now() - this.hostStart) * (TIMEBASE_HZ / 1000))) + this.skippedTicks;
    return BigInt(Math.floor(instret / INSTRUCTIONS_PER_TICK)) + this.skippedTicks;
  }

  /**
   * The instruction count at which time reaches `deadline` (deterministic time), so translated
   * loops can leave in time for the timer interrupt; 0 when it has passed, MAX_SAFE_INTEGER for
   * no deadline.
   */
  instretAt(deadline: bigint): number {
    if (deadline >= NO_DEADLINE) return Number.MAX_SAFE_INTEGER;
    const ticks = deadline - this.skippedTicks;
    if (ticks <= 0n) return 0;
    const at = ticks * BigInt(INSTRUCTIONS_PER_TICK);
    return at > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(at);
  }

  /** Idle until `instret` would reach `at`: jump time forward instead of spinning (at least one tick). */
  skipTo(at: number, instret: number): void {
    const ticksNeeded = BigInt(Math.ceil(Math.max(0, at - instret) / INSTRUCTIONS_PER_TICK));
    this.skippedTicks += ticksNeeded > 0n ? ticksNeeded : 1n;
  }

  save(): ClockState { return { skippedTicks: this.skippedTicks }; }
  restore(s: ClockState): void { this.skippedTicks = s.skippedTicks; }
}
