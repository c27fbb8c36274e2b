// Which profile fits the kernel: Chronos OS when it has a debug descriptor, xv6-riscv when its
// debugging information has xv6's globals, otherwise none (each view says what it lacks).
import { NO_DESCRIPTOR } from '../inspectors/descriptor.js';
import type { PhysMemory } from '../inspectors/memory.js';
import type { Locals } from '../locals.js';
import { ChronosProfile } from './chronos.js';
import type { KernelProfile } from './profile.js';
import { looksLikeXv6, Xv6Profile } from './xv6.js';

export interface ProfileInputs {
  mem: PhysMemory;
  descriptor: bigint | undefined;
  /** The kernel's globals, read physically; undefined without debugging information. */
  values: Locals | undefined;
  /** The pages an xv6-like kalloc manages: from the kernel's `end` to the end of RAM. */
  pageRange: () => { start: bigint; end: bigint };
  harts: number;
}

const UNKNOWN = `${NO_DESCRIPTOR}. Nor is it xv6-riscv (no kmem, proc and cpus in its debugging information)`;

class NoProfile implements KernelProfile {
  readonly kernel = undefined;
  frames(): string { return NO_DESCRIPTOR; }
  heap(): string { return NO_DESCRIPTOR; }
  processes(): string { return UNKNOWN; }
}

export function selectProfile(k: ProfileInputs): KernelProfile {
  if (k.descriptor !== undefined) return new ChronosProfile(k.mem, k.descriptor);
  if (k.values && looksLikeXv6(k.values)) return new Xv6Profile(k.values, k.mem, k.pageRange, k.harts);
  return new NoProfile();
}
