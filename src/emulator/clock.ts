// The machine's time: ticks of the 10 MHz timebase that the time CSR and the CLINT's mtime
// read. Deterministic by default: time follows the machine's cycles (every instruction any hart
// retires, and every slot a hart spends waiting while others run), each hart a nominal 100 MHz
// core, plus the ticks skipped while every hart idles in wfi; so every run of a guest is
// identical instruction for instruction (tests and reproducible debugging rely on it). With
// `realtime` it follows the host clock instead.
import { TIMEBASE_HZ } from './devices/clint.js';

/** Instructions per timebase tick and hart when time follows the instruction count: 100 MHz. */
export const INSTRUCTIONS_PER_TICK = 10;
export const NO_DEADLINE = (1n << 64n) - 1n;

export interface ClockState { skippedTicks: bigint; idleCycles: number }

export class Clock {
  /** Ticks jumped over while every hart was idle (wfi fast-forward). */
  private skippedTicks = 0n;
  /** Cycles harts spent waiting in wfi (or stopped) while another hart ran. */
  idleCycles = 0;
  private readonly hostStart = Date.now();
  /** Cycles per tick: every hart gets INSTRUCTIONS_PER_TICK per tick. */
  private readonly perTick: number;

  constructor(readonly realtime: boolean, harts = 1) {
    this.perTick = INSTRUCTIONS_PER_TICK * harts;
  }

  /** Timebase ticks since power-on, when the harts have retired `retired` instructions in all. */
  now(retired: number): bigint {
    if (this.realtime) return BigInt(Math.floor((Date.now() - this.hostStart) * (TIMEBASE_HZ / 1000))) + this.skippedTicks;
    return BigInt(Math.floor((retired + this.idleCycles) / this.perTick)) + this.skippedTicks;
  }

  /**
   * How many more cycles until time reaches `deadline` (deterministic time), so translated
   * loops can leave in time for the timer interrupt: 0 when it has passed, MAX_SAFE_INTEGER for
   * no deadline.
   */
  cyclesUntil(deadline: bigint, retired: number): number {
    if (deadline >= NO_DEADLINE) return Number.MAX_SAFE_INTEGER;
    const ticks = deadline - this.skippedTicks;
    if (ticks <= 0n) return 0;
    const at = ticks * BigInt(this.perTick);
    if (at > BigInt(Number.MAX_SAFE_INTEGER)) return Number.MAX_SAFE_INTEGER;
    return Math.max(0, Number(at) - retired - this.idleCycles);
  }

  /** Every hart idles until `cycles` more would pass: jump time forward instead (at least one tick). */
  skip(cycles: number): void {
    const ticksNeeded = BigInt(Math.ceil(Math.max(0, cycles) / this.perTick));
    this.skippedTicks += ticksNeeded > 0n ? ticksNeeded : 1n;
  }

  save(): ClockState { return { skippedTicks: this.skippedTicks, idleCycles: this.idleCycles }; }
  restore(s: ClockState): void { this.skippedTicks = s.skippedTicks; this.idleCycles = s.idleCycles; }
}
