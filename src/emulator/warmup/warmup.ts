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
  return { ...t, interpWork: low(t.interpWork), loopWork: low(t.loopWork), hotWork: low(t.hotWork) };
}

/** A scratch machine with the guest booted: where its image starts, and the pc of its end (`done`). */
export function guestMachine(tiering: Tiering): { machine: Machine; start: bigint; end: bigint } {
  const machine = new Machine({ memoryMiB: 8, bios: 'builtin', tiering });
  const { start } = machine.boot({ kernel: { format: 'flat', bytes: guestImage() } });
  return { machine, start, end: start + BigInt(GUEST_DONE) };
}

/**
 * The passes of the guest, each on a machine of its own: whether the wasm interpreter runs
 * its blocks. The JavaScript loop still runs every kind (the rest of a block after an
 * instruction the wasm interpreter stops at), so the first pass runs the guest on the loop
 * alone: with the wasm interpreter from the start, the kinds the loop had not seen cost
 * `interpret` an eager deoptimization each in the user's kernel. The second pass gives the
 * wasm interpreter's paths their feedback. Measured on the Chronos OS boot (10 runs each,
 * whole process): loop then wasm 0.86-0.93 s; wasm twice 0.96-1.42 s; wasm, loop, loop, wasm
 * 0.90-1.52 s (docs/performance.md, session 12).
 */
export const PASSES: readonly { readonly wasmInterpreter: boolean }[] = [{ wasmInterpreter: false }, { wasmInterpreter: true }];

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

/** Run the warm-up guest's PASSES; the last pass's machine is returned. */
export function warmUp(tiering: Tiering = TIERING): WarmUpResult {
  let last: { machine: Machine; reachedEnd: boolean } | undefined, reachedEnd = true;
  // A machine made without the wasm interpreter keeps it off in every pass.
  for (const form of PASSES) {
    last = pass({ ...tiering, wasmInterpreter: form.wasmInterpreter && tiering.wasmInterpreter !== false });
    reachedEnd &&= last.reachedEnd;
  }
  return { machine: last!.machine, reachedEnd, passes: PASSES.length };
}
