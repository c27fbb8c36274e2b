// Why translated code left a block early (Hart.exc), in a file of its own so that the code
// generator can name them without importing the hart. Below EXC_HAND_OFF the instruction at the
// pc did not retire; from EXC_HAND_OFF up it retired and the pc is past it.

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
/**
 * An access changed what the dispatcher looks at between blocks (an interrupt line of this
 * hart, a stop the machine was asked for, translated code it rewrote): the instruction retired,
 * the pc is past it, and the dispatcher looks before the next one, as it would have after that
 * one instruction alone (Hart.leaveIfAsked).
 */
export const EXC_LEAVE = 4;
