// Why translated code left a block early (Hart.exc), in a file of its own so that the code
// generator can name them without importing the hart.

/** Nothing pending: the block ran to one of its exits. */
export const EXC_NONE = 0;
/** A trap is pending (Hart.excCause, excTval); the pc is the instruction that raised it. */
export const EXC_TRAP = 1;
/** The debugger asked for a stop (a watchpoint hit); the pc is the instruction it stopped before. */
export const EXC_STOP = 2;
/**
 * The hart is spinning on a lock another hart holds and hands the rest of its turn over
 * (runLoop.ts); the instruction retired and the pc is past it.
 */
export const EXC_HAND_OFF = 3;
