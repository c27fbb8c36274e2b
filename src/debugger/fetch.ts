// Guest instructions as the debugger reads them: through its side-effect-free view of memory,
// 16 bits first, then the rest when the low bits say the instruction is 32 bits long.
import type { EvalContext } from './expression.js';

/** Anything that reads guest memory as the expression evaluator does. */
export type MemoryReader = Pick<EvalContext, 'read'>;

export function instructionAt(ctx: MemoryReader, addr: bigint): { word: number; len: 2 | 4 } | undefined {
  const half = ctx.read(addr, 2);
  if (half === undefined) return undefined;
  if ((Number(half) & 3) !== 3) return { word: Number(half), len: 2 };
  const word = ctx.read(addr, 4);
  return word === undefined ? undefined : { word: Number(word), len: 4 };
}
