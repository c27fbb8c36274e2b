// Trap entry (ISA manual vol. II §3.1.6.1, §3.1.9, §3.3.1, §4.1.1): where a trap goes
// (delegation), what it saves (xepc, xcause, xtval, the previous privilege and interrupt
// enable), where the handler starts (xtvec, vectored for interrupts), and which pending
// interrupt is taken first.
import { MPP_SHIFT, MSTATUS } from '../isa/csrFields.js';
import { Interrupt, Priv } from './causes.js';
import type { Hart } from './hart.js';

/** Bit 63 of xcause: the trap is an interrupt. */
export const CAUSE_INTERRUPT = 1n << 63n;

/**
 * The order in which pending interrupts are taken when several are (vol. II §3.1.9): external,
 * then software, then timer; machine-level before supervisor-level.
 */
export const INTERRUPT_PRIORITY: readonly Interrupt[] = [
  Interrupt.MachineExternal, Interrupt.MachineSoftware, Interrupt.MachineTimer,
  Interrupt.SupervisorExternal, Interrupt.SupervisorSoftware, Interrupt.SupervisorTimer,
];

/** Enter a trap handler for an exception or interrupt; the hart's pc is the instruction to resume. */
export function enterTrap(h: Hart, cause: bigint, tval: bigint, interrupt: boolean): void {
  const csr = h.csr;
  const bit = 1n << cause;
  const delegated = h.priv <= Priv.S && ((interrupt ? csr.mideleg : csr.medeleg) & bit) !== 0n;
  const code = BigInt.asIntN(64, interrupt ? cause | CAUSE_INTERRUPT : cause);
  const from = h.priv;
  if (delegated) {
    csr.scause = code;
    csr.sepc = h.pc;
    csr.stval = tval;
    let s = csr.mstatus & ~(MSTATUS.SPP | MSTATUS.SPIE | MSTATUS.SIE);
    if (csr.mstatus & MSTATUS.SIE) s |= MSTATUS.SPIE;
    if (from === Priv.S) s |= MSTATUS.SPP;
    csr.replaceMstatus(s);
    h.priv = Priv.S;
    h.pc = vector(csr.stvec, cause, interrupt);
  } else {
    csr.mcause = code;
    csr.mepc = h.pc;
    csr.mtval = tval;
    let s = csr.mstatus & ~(MSTATUS.MPP | MSTATUS.MPIE | MSTATUS.MIE);
    if (csr.mstatus & MSTATUS.MIE) s |= MSTATUS.MPIE;
    s |= BigInt(from) << MPP_SHIFT;
    csr.replaceMstatus(s);
    h.priv = Priv.M;
    h.pc = vector(csr.mtvec, cause, interrupt);
  }
  h.reservation = -1n;
  csr.onInterruptState();
}

/** The interrupt to take now, or -1: pending, enabled, and not masked by the current privilege. */
export function pendingInterrupt(h: Hart): Interrupt | -1 {
  const csr = h.csr;
  const pending = csr.mip & csr.mie;
  if (pending === 0n) return -1;
  // An interrupt for a more privileged mode is always taken; one for the current mode only
  // when that mode's global enable is on; one for a less privileged mode never.
  const mEnabled = h.priv < Priv.M || (csr.mstatus & MSTATUS.MIE) !== 0n;
  const sEnabled = h.priv < Priv.S || (h.priv === Priv.S && (csr.mstatus & MSTATUS.SIE) !== 0n);
  const m = mEnabled ? pending & ~csr.mideleg : 0n;
  const s = sEnabled ? pending & csr.mideleg : 0n;
  const set = m !== 0n ? m : s;
  if (set === 0n) return -1;
  for (const c of INTERRUPT_PRIORITY) if (set & (1n << BigInt(c))) return c;
  return -1;
}

function vector(tvec: bigint, cause: bigint, interrupt: boolean): bigint {
  const base = tvec & ~3n;
  return interrupt && (tvec & 3n) === 1n ? base + 4n * cause : base;
}
