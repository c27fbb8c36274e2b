// Source-level stepping: into (one line, entering calls), over (calls run to completion) and
// out (to the caller). Built on two moves the runtime offers, one instruction and "run until
// the pc reaches this address with sp at or above this", so stepping has no run loop of its own.
import type { SourceLocation } from './dwarf/lineIndex.js';

/** What stepping needs from the runtime. Every move reports 'stopped' when something else stopped the guest first. */
export interface StepControl {
  pc(): bigint;
  sp(): bigint;
  line(pc: bigint): SourceLocation | undefined;
  /** The start of the function holding pc. */
  functionStart(pc: bigint): bigint | undefined;
  callAt(pc: bigint): { len: number } | undefined;
  /** One instruction (or one trap entry). */
  stepInstruction(): 'done' | 'stopped';
  runTo(target: bigint, minSp: bigint): Promise<'arrived' | 'stopped'>;
  /** Let the host breathe; false when the user paused or another command took over. */
  breathe(): Promise<boolean>;
  /** The caller's return address, when the stack has a caller. */
  returnAddress(): bigint | undefined;
}

/** How many instructions a line step may take before it gives up and stops where it is. */
const STEP_LIMIT = 2_000_000;

/** Step one source line; `over` runs calls to completion. Resolves 'done' at the new line. */
export async function stepLine(c: StepControl, over: boolean): Promise<'done' | 'stopped'> {
  const start = c.line(c.pc());
  const startFn = c.functionStart(c.pc());
  const startSp = c.sp();
  for (let n = 0; n < STEP_LIMIT; n++) {
    const pc = c.pc();
    const call = over || !start ? c.callAt(pc) : undefined;
    if (call && over) {
      if (await c.runTo(pc + BigInt(call.len), c.sp()) === 'stopped') return 'stopped';
    } else if (c.stepInstruction() === 'stopped') return 'stopped';
    const here = c.line(c.pc());
    if (!start) { if (here) break; continue; }
    if (here && (here.line !== start.line || here.file !== start.file)) {
      // Stepping over: a line inside a deeper call (sp below) is not where we stop.
      if (over && c.sp() < startSp && c.functionStart(c.pc()) !== startFn) continue;
      break;
    }
    if (n % 10_000 === 9_999 && !await c.breathe()) return 'stopped';
  }
  return 'done';
}

/** Run until the current function returns to its caller; with no caller, one instruction. */
export async function stepOut(c: StepControl): Promise<'done' | 'stopped'> {
  const ret = c.returnAddress();
  if (ret === undefined) return c.stepInstruction();
  // The caller's sp is at least ours (equal while our prologue has not run yet).
  return await c.runTo(ret, c.sp()) === 'arrived' ? 'done' : 'stopped';
}
