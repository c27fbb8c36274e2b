// Stop replies (gdb manual, "Stop Reply Packets"): T and a signal, then why and which thread
// (`swbreak:;`, `hwbreak:;`, `watch:ADDR;`, `rwatch:`, `awatch:`, `thread:ID;`); W and the exit
// status when the guest ends. Harts are threads 1..N (hart i is thread i + 1, as QEMU numbers
// its CPUs).
import type { TargetStop } from './target.js';

/** gdb's signal numbers (include/gdb/signals.def), the ones a stop reports. */
export enum Signal { INT = 2, TRAP = 5 }

export type WatchKind = 'watch' | 'rwatch' | 'awatch';

/** What the reply needs to know about the session: how each breakpoint and watchpoint was set. */
export interface StopContext {
  /** Whether gdb said it understands swbreak / hwbreak reasons (qSupported). */
  swbreak: boolean;
  hwbreak: boolean;
  /** How a breakpoint at this pc was inserted: Z0 (software) or Z1 (hardware). */
  breakpointKind(pc: bigint): 'sw' | 'hw' | undefined;
  /** The watchpoint an access hit: its kind and the address gdb knows it by. */
  watchHit(address: bigint, size: number, access: 'read' | 'write'): { kind: WatchKind; address: bigint } | undefined;
  /** The hart to name when a stop names none (a pause). */
  defaultHart: number;
}

const hex2 = (n: number): string => n.toString(16).padStart(2, '0');
export const threadId = (hart: number): string => (hart + 1).toString(16);

/** The hart a stop names, or `fallback` for the stops that name none. */
export function stopHart(stop: TargetStop, fallback: number): number {
  return 'hart' in stop ? stop.hart : fallback;
}

export function stopReply(stop: TargetStop, ctx: StopContext): string {
  const thread = (hart: number): string => `thread:${threadId(hart)};`;
  switch (stop.kind) {
    case 'exit': return `W${hex2(stop.status & 0xff)}`;
    case 'reset': return 'W00';
    case 'breakpoint': {
      const kind = ctx.breakpointKind(BigInt.asUintN(64, stop.pc));
      const reason = kind === 'hw' && ctx.hwbreak ? 'hwbreak:;' : kind === 'sw' && ctx.swbreak ? 'swbreak:;' : '';
      return `T${hex2(Signal.TRAP)}${reason}${thread(stop.hart)}`;
    }
    case 'watchpoint': {
      const hit = ctx.watchHit(stop.address, stop.size, stop.access);
      const reason = hit ? `${hit.kind}:${BigInt.asUintN(64, hit.address).toString(16)};` : '';
      return `T${hex2(Signal.TRAP)}${reason}${thread(stop.hart)}`;
    }
    case 'paused': return `T${hex2(Signal.INT)}${thread(stopHart(stop, ctx.defaultHart))}`;
    case 'budget': return `T${hex2(Signal.TRAP)}${thread(stopHart(stop, ctx.defaultHart))}`;
    case 'step': case 'trap': case 'idle': return `T${hex2(Signal.TRAP)}${thread(stop.hart)}`;
  }
}
