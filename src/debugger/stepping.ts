// Source-level stepping: into (one line, entering calls), over (calls run to completion) and
// out (to the caller). Built on two moves the runtime offers, one instruction and "run until
// the pc reaches this address with sp at or above this", so stepping has no run loop of its own.
//
// A user program's `ecall` is a call into the kernel that no `ret` ends: stepping into it stops
// in the kernel's trap entry, stepping over it runs until the hart is back in user mode, in the
// same address space, at the next instruction (other processes may run meanwhile). A trap the
// step did not ask for (an interrupt, a page fault the kernel handles) is stepped over the same
// way, back to the instruction it interrupted.
import { Priv } from '../emulator/cpu/causes.js';
import type { SourceLocation } from './dwarf/lineIndex.js';

/** What stepping needs from the runtime. Every move reports 'stopped' when something else stopped the guest first. */
export interface StepControl {
  pc(): bigint;
  sp(): bigint;
  /** The hart's privilege now. */
  mode(): Priv;
  /** The address space the hart runs in now (its satp's root page number, 0 without paging). */
  space(): bigint;
  /** The source line of pc, as the code the hart runs now reads it (a user program's in user mode). */
  line(pc: bigint): SourceLocation | undefined;
  /** The start of the function holding pc. */
  functionStart(pc: bigint): bigint | undefined;
  /** Whether a statement (an is_stmt row of the line table) begins at pc. */
  statementAt(pc: bigint): boolean;
  callAt(pc: bigint): { len: number } | undefined;
  /** Whether the instruction at pc is an `ecall`. */
  ecallAt(pc: bigint): boolean;
  /** One instruction (or one trap entry). */
  stepInstruction(): 'done' | 'stopped';
  /**
   * Run until the pc reaches target with sp at or above minSp, in the mode the hart is in now
   * (in user mode, in this address space); in the kernel on a user program's behalf, a return
   * to that program's user code arrives too (the kernel may never come back to target).
   */
  runTo(target: bigint, minSp: bigint): Promise<'arrived' | 'stopped'>;
  /** Run until the hart is in user mode in address space `space` at one of pcs, with sp at or above minSp. */
  runToUser(pcs: bigint[], minSp: bigint, space: bigint): Promise<'arrived' | 'stopped'>;
  /** Let the host breathe; false when the user paused or another command took over. */
  breathe(): Promise<boolean>;
  /** The caller's return address, when the stack has a caller. */
  returnAddress(): bigint | undefined;
  /** The inlined calls whose code holds pc, outermost first (scopes that inScope tests). */
  inlined(pc: bigint): readonly object[];
  /** Whether pc is in the code of one of inlined()'s calls. */
  inScope(scope: object, pc: bigint): boolean;
  /** Where one of inlined()'s calls begins (its entry pc). */
  entryOf(scope: object): bigint | undefined;
  /**
   * The innermost frame as the stop shows it: its line and its inlined calls (outermost first).
   * At an inlined call's first instruction that is the caller's frame at the call's line.
   */
  shown(): { line: SourceLocation | undefined; inlined: readonly object[] };
}

/** Whether `now` is `start` with more inlined calls inside it: a line of a call made from the start's line. */
export function deeper(now: readonly object[], start: readonly object[]): boolean {
  return now.length > start.length && start.every((s, i) => now[i] === s);
}

/** How many instructions a line step may take before it gives up and stops where it is. */
const STEP_LIMIT = 2_000_000;

/** ecall is 4 bytes: there is no compressed form. */
const ECALL_LEN = 4n;

/**
 * Step one source line; `over` runs calls to completion. Resolves 'done' at the new line,
 * 'entered' at the first instruction of an inlined call made on the start's line (the stop
 * shows its frame).
 */
export async function stepLine(c: StepControl, over: boolean): Promise<'done' | 'entered' | 'stopped'> {
  const shown = c.shown();
  const start = shown.line;
  const startFn = c.functionStart(c.pc());
  const startSp = c.sp(), startMode = c.mode(), startSpace = c.space();
  const startInlined = shown.inlined;
  for (let n = 0; n < STEP_LIMIT; n++) {
    const pc = c.pc(), sp = c.sp(), inUser = c.mode() === Priv.U;
    const ecall = inUser && c.ecallAt(pc);
    const call = (over || !start) && !ecall ? c.callAt(pc) : undefined;
    if (ecall && over) {
      if (await c.runToUser([pc + ECALL_LEN], sp, c.space()) === 'stopped') return 'stopped';
    } else if (call && over) {
      if (await c.runTo(pc + BigInt(call.len), sp) === 'stopped') return 'stopped';
    } else {
      const space = c.space();
      if (c.stepInstruction() === 'stopped') return 'stopped';
      // A trap the step did not ask for: back to the instruction it interrupted.
      if (inUser && c.mode() !== Priv.U && !ecall && await c.runToUser([pc], sp, space) === 'stopped') return 'stopped';
    }
    const here = c.line(c.pc());
    if (!start) { if (here) break; continue; }
    if (here && (here.line !== start.line || here.file !== start.file)) {
      // Stepping over: a line inside a deeper call (sp below) is not where we stop; across a
      // change of mode (into user code, or another address space) the stacks are not comparable.
      const sameFrame = c.mode() === startMode && c.space() === startSpace;
      if (over && sameFrame && c.sp() < startSp && c.functionStart(c.pc()) !== startFn) continue;
      // Nor is a line of a call inlined into the start's line: it is a deeper frame as well,
      // in the same registers.
      const inlined = over && sameFrame && c.functionStart(c.pc()) === startFn ? c.inlined(c.pc()) : [];
      if (deeper(inlined, startInlined)) {
        // Except at an inlined call's first instruction, which shows as its call's line in
        // the start's frame: a line of its own there (gdb stops there too).
        if (c.entryOf(inlined[startInlined.length]) !== c.pc()) continue;
        const now = c.shown();
        if (!deeper(now.inlined, startInlined) && now.line && (now.line.line !== start.line || now.line.file !== start.file)) break;
        continue;
      }
      // Optimised code interleaves its lines (line 10's code, a load of line 11's, line 10's
      // again): in the same function a step stops only where a statement begins, so it
      // neither stops in moved code nor comes back to the line it left.
      if (sameFrame && c.functionStart(c.pc()) === startFn && !c.statementAt(c.pc())) continue;
      // Stepping into an inlined call's first instruction, which shows as its call's line: on
      // the start's own line the step went into the call (its frame is shown), on another it
      // stops at that line (a further step goes in).
      if (!over) {
        const now = c.shown();
        if (now.line && now.line.line === start.line && now.line.file === start.file && now.inlined.length < c.inlined(c.pc()).length) return 'entered';
      }
      break;
    }
    if (n % 10_000 === 9_999 && !await c.breathe()) return 'stopped';
  }
  return 'done';
}

/** One instruction, stepping over a user program's `ecall` (to the next instruction, back in user mode). */
export async function nextInstruction(c: StepControl): Promise<'done' | 'stopped'> {
  const pc = c.pc();
  if (c.mode() === Priv.U && c.ecallAt(pc)) return await c.runToUser([pc + ECALL_LEN], c.sp(), c.space()) === 'arrived' ? 'done' : 'stopped';
  return c.stepInstruction();
}

/**
 * Run until the current function returns to its caller; with no caller, one instruction. Out
 * of an inlined call, until its code is left (see stepOutOfInlined).
 */
export async function stepOut(c: StepControl): Promise<'done' | 'stopped'> {
  const chain = c.shown().inlined;
  if (chain.length) return stepOutOfInlined(c, chain[chain.length - 1]);
  const ret = c.returnAddress();
  if (ret === undefined) return c.stepInstruction();
  // The caller's sp is at least ours (equal while our prologue has not run yet). A caller in
  // user code (the kernel's outermost frame of a trap) is reached by runTo's return to user mode.
  return await c.runTo(ret, c.sp()) === 'arrived' ? 'done' : 'stopped';
}

/**
 * Out of an inlined call: nothing returns from it, so run on (the calls it makes run to
 * completion) until the pc is outside its code where a statement begins, or the function it
 * was inlined into has returned. Optimised code interleaves the caller's instructions with the
 * inlined body's; the first statement outside the body is where the caller carries on.
 */
async function stepOutOfInlined(c: StepControl, scope: object): Promise<'done' | 'stopped'> {
  const fn = c.functionStart(c.pc()), sp = c.sp();
  for (let n = 0; n < STEP_LIMIT; n++) {
    const pc = c.pc();
    const call = c.callAt(pc);
    if (call) {
      if (await c.runTo(pc + BigInt(call.len), c.sp()) === 'stopped') return 'stopped';
    } else if (c.stepInstruction() === 'stopped') return 'stopped';
    const here = c.pc();
    if (c.functionStart(here) !== fn || c.sp() > sp) return 'done';
    if (!c.inScope(scope, here) && c.statementAt(here)) return 'done';
    if (n % 10_000 === 9_999 && !await c.breathe()) return 'stopped';
  }
  return 'done';
}
