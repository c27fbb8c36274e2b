// What the monitor's `info processes` asks of a kernel profile: the knowledge of one kernel's
// data structures (xv6's proc table, Chronos OS's task list) that turns guest memory into a
// process list. The profiles are the views' own (src/debugger/profiles/monitorProfile.ts
// adapts them); for a kernel none matches, the monitor says there is none.
import type { DebugAccess } from '../../emulator/debugAccess.js';
import { hex16 } from '../../emulator/hex.js';

export interface ProcessInfo {
  pid: number;
  name: string;
  /** The kernel's own word for it: running, runnable, sleeping, zombie... */
  state: string;
  /** The process's address space, when it has its own. */
  satp?: bigint;
  /** The hart it runs on, when it runs. */
  hart?: number;
}

export interface KernelProfile {
  /** The kernel it describes, for messages ("xv6-riscv"). */
  readonly name: string;
  /** The processes, read without side effects, or why they cannot be read now. */
  processes(memory: DebugAccess): ProcessInfo[] | string;
}

export const NO_PROFILE = 'no kernel profile for this kernel';

/** `info processes`: one line per process, or why there are none to show. */
export function formatProcesses(profile: KernelProfile | undefined, memory: DebugAccess): string {
  if (!profile) return `${NO_PROFILE}\n`;
  const list = profile.processes(memory);
  if (typeof list === 'string') return `${profile.name}: ${list}\n`;
  let out = '  PID STATE      HART SATP             NAME\n';
  for (const p of list) {
    const satp = p.satp === undefined ? '-'.padEnd(16) : hex16(p.satp);
    out += `${String(p.pid).padStart(5)} ${p.state.padEnd(10)} ${(p.hart === undefined ? '-' : String(p.hart)).padStart(4)} ${satp} ${p.name}\n`;
  }
  return out;
}
