// Which profile fits the kernel: Chronos OS when it has a debug descriptor; the description in
// launch.json's `kernel` when there is one; xv6-riscv when its debugging information has xv6's
// globals; otherwise none (each view says what it lacks).
import { NO_DESCRIPTOR } from '../inspectors/descriptor.js';
import type { PhysMemory } from '../inspectors/memory.js';
import type { Locals } from '../locals.js';
import { ChronosProfile } from './chronos.js';
import type { KernelProfile } from './profile.js';
import { checkSpec, TypedProfile, type ProfileSpec } from './typed.js';
import { looksLikeXv6, XV6 } from './xv6.js';

export interface ProfileInputs {
  mem: PhysMemory;
  descriptor: bigint | undefined;
  /**
   * The kernel's globals, read physically; undefined without debugging information. Asked
   * only when no descriptor decides: reading .debug_info costs a fifth of a second on Chronos
   * OS, which its descriptor-based profile never needs.
   */
  values: () => Locals | undefined;
  ramEnd: bigint;
  harts: number;
  symbol: (name: string) => bigint | undefined;
  /** launch.json's `kernel`: a description of a kernel Chronos does not know. */
  declared?: Record<string, unknown>;
}

const UNKNOWN = `${NO_DESCRIPTOR}. Nor is it xv6-riscv (no kmem, proc and cpus in its debugging information); launch.json's "kernel" can describe it (docs/kernel-profiles.md)`;

class NoProfile implements KernelProfile {
  readonly kernel = undefined;
  constructor(private readonly why = NO_DESCRIPTOR, private readonly whyProcesses = UNKNOWN) {}
  frames(): string { return this.why; }
  heap(): string { return this.why; }
  processes(): string { return this.whyProcesses; }
}

export function selectProfile(k: ProfileInputs): KernelProfile {
  if (k.descriptor !== undefined) return new ChronosProfile(k.mem, k.descriptor);
  const values = k.values();
  const inputs = values && { values, mem: k.mem, ramEnd: k.ramEnd, harts: k.harts, symbol: k.symbol };
  if (k.declared && Object.keys(k.declared).length) {
    const problem = checkSpec(k.declared);
    if (problem) return new NoProfile(problem, problem);
    if (!inputs) return new NoProfile('the kernel described in launch.json has no debugging information (.debug_info) to read it by');
    return new TypedProfile(k.declared as ProfileSpec, inputs);
  }
  if (inputs && looksLikeXv6(inputs.values)) return new TypedProfile(XV6, inputs);
  return new NoProfile();
}
