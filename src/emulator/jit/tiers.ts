// The forms a block runs in, and when it moves from one to the next. Every form has the same
// effects instruction for instruction; they differ only in what they cost to make and to run
// (docs/performance.md has the measurements behind the thresholds).
//
// Where there is a `process`, the environment picks them, so that the test suites can run with
// every block in one form and the thresholds can be measured:
//   CHRONOS_TIER=interp   every block stays in the interpreter
//   CHRONOS_TIER=cold     translated at once in the cold form, then inline after HOT_WORK
//   CHRONOS_TIER=inline   translated at once, inline (what CHRONOS_HOT_WORK=1 did before)
//   (unset)               interpreted, then translated inline after INTERP_WORK (LOOP_WORK
//                         for a block that loops back to its own start)
//   CHRONOS_INTERP_WORK=N, CHRONOS_LOOP_WORK=N, CHRONOS_HOT_WORK=N   the thresholds
//   CHRONOS_REGIONS=0     inline blocks stay single blocks (no regions, jit/region.ts)
//   CHRONOS_WASM=0        regions stay JavaScript (by default they are WebAssembly functions
//                         where they can be, jit/wasm/region.ts); CHRONOS_WASM=1 forces them on
//   CHRONOS_WASM_INTERP=0 interpreted blocks run in JavaScript only (by default the wasm
//                         interpreter, jit/wasm/interp.ts, runs them as far as it can)

export enum Tier {
  /** The decoded instructions, run by the interpreter (jit/interpreter.ts). */
  Interpreted,
  /** Translated, integer loads and stores as calls to a MemAccess (jit/memAccess.ts). */
  Cold,
  /** Translated, every access inline: what hot code wants. */
  Inline,
}

export interface Tiering {
  /** The form a new block starts in. */
  readonly first: Tier;
  /** The form an interpreted block is translated to once it has done `interpWork` instructions. */
  readonly afterInterp: Tier;
  readonly interpWork: number;
  /**
   * The same for a block that jumps back to its own start: a loop inside one block is where hot
   * code spends its time, and the sooner it is translated the sooner V8 optimizes it.
   */
  readonly loopWork: number;
  /** Instructions a cold block retires before it is translated inline. */
  readonly hotWork: number;
  /** Whether an inline block becomes a region with the blocks it goes on to (jit/region.ts); yes unless false. */
  readonly regions?: boolean;
  /** Whether a region is made a WebAssembly function where it can be (jit/wasm/region.ts); no unless true (the default tiering's is). */
  readonly wasm?: boolean;
  /** Whether interpreted blocks run in the wasm interpreter as far as it can (jit/wasm/interp.ts); yes unless false. */
  readonly wasmInterpreter?: boolean;
}

const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {};

function count(setting: string | undefined, otherwise: number): number {
  const n = Number(setting);
  return setting !== undefined && setting !== '' && Number.isFinite(n) && n >= 0 ? n : otherwise;
}

/** Regions are WebAssembly by default where the host has it: the CPU bench 2-3x, the boots within 1% (docs/performance.md). */
const WASM_REGIONS = true;

/** The tiering a machine gets unless told otherwise. */
export function defaultTiering(): Tiering {
  const interpWork = count(env.CHRONOS_INTERP_WORK, 1_000_000), hotWork = count(env.CHRONOS_HOT_WORK, 20_000);
  const loopWork = count(env.CHRONOS_LOOP_WORK, 20_000), regions = env.CHRONOS_REGIONS !== '0';
  const wasm = env.CHRONOS_WASM === '1' ? true : env.CHRONOS_WASM === '0' ? false : WASM_REGIONS;
  const wasmInterpreter = env.CHRONOS_WASM_INTERP !== '0';
  switch (env.CHRONOS_TIER) {
    case 'interp': return { first: Tier.Interpreted, afterInterp: Tier.Inline, interpWork: Infinity, loopWork: Infinity, hotWork, regions, wasm, wasmInterpreter };
    case 'cold': return { first: Tier.Cold, afterInterp: Tier.Cold, interpWork, loopWork, hotWork, regions, wasm, wasmInterpreter };
    case 'inline': return { first: Tier.Inline, afterInterp: Tier.Inline, interpWork, loopWork, hotWork, regions, wasm, wasmInterpreter };
    default: return { first: Tier.Interpreted, afterInterp: Tier.Inline, interpWork, loopWork, hotWork, regions, wasm, wasmInterpreter };
  }
}

export const TIERING = defaultTiering();
/** Kept for the callers that read the cold form's threshold. */
export const HOT_WORK = TIERING.hotWork;
