// A kernel profile: what the kernel in front of the debugger is, as the views need it (its free
// frames, its heap's free list, its processes and which one each hart runs). Chronos OS is read
// through its debug descriptor, xv6-riscv through its own globals and their DWARF types; a
// kernel Chronos does not recognise gets a plain answer from each view.
import type { FramesView } from '../inspectors/frames.js';
import type { HeapView } from '../inspectors/heap.js';

export interface ProcessInfo {
  pid: number;
  name: string;
  /** The kernel's own word for it, lower case: running, sleeping, runnable, ready, zombie, ... */
  state: string;
  /** The hart it runs on now, when it is running. */
  hart?: number;
  /** Physical address of its root page table, when it has one. */
  root?: string;
  parent?: number;
  /** Its kernel stack (the lowest address, and the top when the kernel says). */
  kstack?: string;
  kstackTop?: string;
  /** Its kernel thread's saved registers while it is not running (pc = ra), for its call stack. */
  context?: { pc: string; sp: string; fp: string };
  /** A running process's user registers as its last trap from user mode saved them (its user frames under the kernel's). */
  trap?: { pc: string; sp: string; fp: string; ra: string; regs?: Record<string, string> };
}

export interface ProcessesView {
  kernel: string;
  processes: ProcessInfo[];
  /** For each hart: the pid it runs (none while it is in its scheduler or booting). */
  harts: { hart: number; pid?: number }[];
}

export interface Usage { freeFrames?: number; totalFrames?: number; heapUsed?: number; heapSize?: number; framesNote?: string; heapNote?: string }

export interface KernelProfile {
  /** Which kernel this is ("Chronos OS", "xv6-riscv"), or none that Chronos recognises. */
  readonly kernel: string | undefined;
  /** Each answers with the view, or a sentence saying why it cannot. */
  frames(): FramesView | string;
  heap(): HeapView | string;
  processes(): ProcessesView | string;
  /**
   * The totals alone (free and total frames, heap bytes in use and in all), cheaper than
   * frames() and heap(): what the timeline samples while the guest runs. Undefined fields are
   * ones the kernel does not show yet (an allocator not initialised).
   */
  usage?(): Usage;
  /** The pid hart `hart` runs (0 for none), without reading the whole table: for conditions on $pid. */
  currentPid?(hart: number): number | string;
  /** The satp under which a process's kernel stack is mapped, when it is not the hart's own. */
  kernelSatp?(): bigint | undefined;
}
