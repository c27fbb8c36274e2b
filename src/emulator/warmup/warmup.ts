// Warming the engine up before the user's kernel runs. V8 compiles the interpreter's loop and
// the dispatcher for what it has seen them do, and throws that code away the first time they
// take a path it had not seen: on a fresh process the first million instructions of Chronos
// OS's boot cost three times what they cost the second time (docs/performance.md). So before
// the first run a scratch machine runs a tiny guest (guest.S) that takes each of those paths
// once: every kind the interpreter runs inline, both exits of every branch, page faults at each
// inline load and store, SBI calls, traps, timer interrupts, an instruction across a page,
// budgets that end inside a block, a breakpoint, and blocks promoted to translated code. The
// scratch machine shares nothing with the user's but the code V8 made: results do not move.
import { Machine } from '../machine.js';
import { TIERING, type Tiering } from '../jit/tiers.js';
import { GUEST_DONE, GUEST_LENGTH, GUEST_PIECES } from './guestImage.js';

/** The guest's flat image. */
export function guestImage(): Uint8Array {
  const bytes = new Uint8Array(GUEST_LENGTH);
  for (const [at, base64] of GUEST_PIECES) {
    const s = atob(base64);
    for (let i = 0; i < s.length; i++) bytes[at + i] = s.charCodeAt(i);
  }
  return bytes;
}

/**
 * The machine's tiering with thresholds low enough that the guest's loop is translated: the
 * promotion and the translated blocks' paths run too. A form that never translates stays so.
 */
function scratchTiering(t: Tiering): Tiering {
  const low = (n: number): number => (n === Infinity ? n : Math.min(n, 200));
  return { first: t.first, afterInterp: t.afterInterp, interpWork: low(t.interpWork), loopWork: low(t.loopWork), hotWork: low(t.hotWork), regions: t.regions };
}

/** A scratch machine with the guest booted: where its image starts, and the pc of its end (`done`). */
export function guestMachine(tiering: Tiering): { machine: Machine; start: bigint; end: bigint } {
  const machine = new Machine({ memoryMiB: 8, bios: 'builtin', tiering });
  const { start } = machine.boot({ kernel: { format: 'flat', bytes: guestImage() } });
  return { machine, start, end: start + BigInt(GUEST_DONE) };
}

/**
 * Passes of the guest. One pass gives V8 the feedback, but not enough of `interpret`'s ticks
 * to optimize it: it was then optimized in the user's kernel, from inside a long call (a
 * chain of blocks, or a block of a dozen instructions: each iteration of its loop spends the
 * loop's whole bytecode, some 11 KB, of the tick budget), so compiled twice, on stack (OSR)
 * and then for its entry, each compile as costly as the other (docs/performance.md, session
 * 8). With a second pass it is optimized in the warm-up, from its entry, and compiled once.
 */
export const PASSES = 2;

/** What the warm-up ran, for the tests: every pass of the guest must have reached its end. */
export interface WarmUpResult { machine: Machine; reachedEnd: boolean; passes: number }

/** Run the guest once on a scratch machine of its own. */
function pass(tiering: Tiering): { machine: Machine; reachedEnd: boolean } {
  const { machine: m, end } = guestMachine(scratchTiering(tiering));
  // The debugger's paths: a trap filter to ask, a breakpoint to stop at.
  m.trapFilter = () => false;
  m.setBreakpoints([end]);
  // Budgets that end inside blocks first (the dispatcher then runs one-instruction blocks).
  for (let i = 0; i < 8; i++) m.run(7);
  let r = m.run(1);
  for (let i = 0; i < 50 && r.kind === 'budget'; i++) r = m.run(100_000);
  return { machine: m, reachedEnd: r.kind === 'breakpoint' && BigInt.asUintN(64, m.pc) === end };
}

/** Run the warm-up guest PASSES times; the last pass's machine is returned. */
export function warmUp(tiering: Tiering = TIERING): WarmUpResult {
  let last = pass(tiering), reachedEnd = last.reachedEnd;
  for (let i = 1; i < PASSES; i++) { last = pass(tiering); reachedEnd &&= last.reachedEnd; }
  return { machine: last.machine, reachedEnd, passes: PASSES };
}
