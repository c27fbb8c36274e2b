// Chronos OS, through its debug descriptor (docs/debug-descriptor.md): the frame bitmap and
// the heap's free list since revision 1, the process table and the pid on each hart since
// revision 2.
import { readDescriptor, type Descriptor } from '../inspectors/descriptor.js';
import { readFrames } from '../inspectors/frames.js';
import { readHeap } from '../inspectors/heap.js';
import { hex, u64, type PhysMemory } from '../inspectors/memory.js';
import type { KernelProfile, ProcessInfo, ProcessesView, Usage } from './profile.js';
import { ABI_NAMES } from '../../emulator/isa/registers.js';

/** sepc's index in a TrapFrame (docs/debug-descriptor.md). */
const TRAP_FRAME_SEPC = 33;

/** Slot states as the descriptor numbers them. */
const STATES = ['unused', 'ready', 'running', 'sleeping', 'zombie'];

export class ChronosProfile implements KernelProfile {
  readonly kernel = 'Chronos OS';

  constructor(private readonly mem: PhysMemory, private readonly address: bigint) {}

  private descriptor(): Descriptor | string { return readDescriptor(this.mem, this.address); }

  frames() { const d = this.descriptor(); return typeof d === 'string' ? d : readFrames(this.mem, d); }
  heap() { const d = this.descriptor(); return typeof d === 'string' ? d : readHeap(this.mem, d); }

  usage(): Usage {
    const d = this.descriptor();
    if (typeof d === 'string') return { framesNote: d, heapNote: d };
    const u: Usage = {};
    if (d.stage < 2) u.framesNote = 'the frame allocator is not initialised yet';
    else {
      const stat = (i: number): number | undefined => { const v = u64(this.mem, d.frameStats + BigInt(8 * i)); return v === undefined ? undefined : Number(v); };
      u.totalFrames = stat(0); u.freeFrames = stat(1);
    }
    const heap = readHeap(this.mem, d);
    if (typeof heap === 'string') u.heapNote = heap;
    else { u.heapUsed = heap.used; u.heapSize = heap.heapSize; }
    return u;
  }

  currentPid(hart: number): number | string {
    const d = this.descriptor();
    if (typeof d === 'string') return d;
    if (!d.processes) return 'this Chronos OS has a revision-1 debug descriptor, which describes no processes (revision 2 does)';
    if (hart >= d.processes.maxHarts) return 0;
    const b = this.mem.readPhys(d.processes.currentPid + BigInt(4 * hart), 4);
    return b ? new DataView(b.buffer, b.byteOffset, 4).getUint32(0, true) : 'the pid of each hart (current_pid) is not readable';
  }

  /**
   * A running process's user registers as its TrapFrame holds them (x1..x31 at their register
   * numbers, sepc at index 33): what its last trap from user mode saved.
   */
  private trapRegisters(frame: bigint): ProcessInfo['trap'] {
    if (frame === 0n) return undefined;
    const x = (i: number): bigint | undefined => u64(this.mem, frame + BigInt(8 * i));
    const pc = x(TRAP_FRAME_SEPC), sp = x(2), fp = x(8), ra = x(1);
    const regs: Record<string, string> = {};
    for (let i = 1; i < 32; i++) { const v = x(i); if (v !== undefined) regs[ABI_NAMES[i]] = hex(v); }
    return pc === undefined || sp === undefined ? undefined : { pc: hex(pc), sp: hex(sp), fp: hex(fp ?? 0n), ra: hex(ra ?? 0n), regs };
  }

  processes(): ProcessesView | string {
    const d = this.descriptor();
    if (typeof d === 'string') return d;
    const t = d.processes;
    if (!t) return 'this Chronos OS has a revision-1 debug descriptor, which describes no processes (revision 2 does)';
    const u32 = (a: bigint): number | undefined => {
      const b = this.mem.readPhys(a, 4);
      return b ? new DataView(b.buffer, b.byteOffset, 4).getUint32(0, true) : undefined;
    };
    const harts: { hart: number; pid?: number }[] = [];
    for (let h = 0; h < t.maxHarts; h++) {
      const pid = u32(t.currentPid + BigInt(4 * h));
      harts.push({ hart: h, pid: pid ? pid : undefined });
    }
    const processes: ProcessInfo[] = [];
    for (let i = 0; i < t.slots; i++) {
      const slot = t.table + BigInt(i * t.stride);
      const raw = this.mem.readPhys(slot, t.stride);
      if (!raw) return `process slot ${i} at ${hex(slot)} is not readable`;
      const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
      const at = (field: keyof typeof t.off, size: 4 | 8): bigint => {
        const off = t.off[field];
        return size === 4 ? BigInt(dv.getUint32(off, true)) : dv.getBigUint64(off, true);
      };
      const pid = Number(at('pid', 4));
      if (pid === 0) continue;
      const state = Number(at('state', 4));
      const nameBytes = raw.subarray(t.off.name, t.off.name + t.nameLen);
      const end = nameBytes.indexOf(0);
      const root = at('rootPpn', 8);
      const ctx = slot + BigInt(t.off.context);
      const reg = (i: number): string => hex(u64(this.mem, ctx + BigInt(8 * i)) ?? 0n);
      processes.push({
        pid, name: new TextDecoder().decode(nameBytes.subarray(0, end < 0 ? nameBytes.length : end)),
        state: STATES[state] ?? `changing (state ${state})`,
        hart: state === 2 ? harts.find((h) => h.pid === pid)?.hart : undefined,
        root: root ? hex(root << 12n) : undefined,
        parent: Number(at('ppid', 4)) || undefined,
        kstack: hex(at('kstackBase', 8)), kstackTop: hex(at('kstackTop', 8)),
        context: state === 2 ? undefined : { pc: reg(0), sp: reg(1), fp: reg(2) },
        trap: state === 2 ? this.trapRegisters(at('trapFrame', 8)) : undefined,
      });
    }
    return { kernel: this.kernel, processes, harts };
  }
}
