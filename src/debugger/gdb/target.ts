// What the gdb stub drives: a machine that something else runs (the command line's Runner),
// which the stub may hold, release, step one hart, or end. Stops come back to the stub as
// TargetStops, the machine's own stop reasons plus the end of a step.
import type { Machine, StopReason } from '../../emulator/machine.js';

/** A step asked for with StubTarget.step() is done: the hart ran one instruction or entered one trap. */
export interface StepDone { kind: 'step'; hart: number }

export type TargetStop = StopReason | StepDone;

export interface StubTarget {
  /** The machine being debugged (read it each time: a reset may replace it). */
  readonly machine: Machine;
  /** Stop the guest between two slices and keep it stopped. */
  hold(): void;
  /** Let the guest run until something stops it; the harts in `keep` stay where they are. */
  release(keep?: readonly number[]): void;
  /**
   * Let one hart run one instruction, or enter one trap; the other harts take their turns
   * meanwhile, except those in `keep`.
   */
  step(hart: number, keep?: readonly number[]): void;
  /** gdb's kill: end chronos. */
  kill(): void;
}
