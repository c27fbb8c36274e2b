// How a hart is named to a user, in the Call Stack view's threads and in gdb's: its number,
// its privilege, and whether it waits in wfi or the SBI holds it stopped (HSM).
import type { Machine } from '../emulator/machine.js';
import { HartStatus } from '../emulator/sbi/sbi.js';

/** Privilege levels by number (0 U, 1 S, 3 M; 2 is reserved). */
export const PRIV_NAMES = ['U', 'S', '?', 'M'];

/** `hart 1 (S-mode, in wfi)`, or with the process it runs, `hart 2 (U-mode, ls, pid 3)`. */
export function hartName(m: Machine, hart: number, process?: string): string {
  const h = m.harts[hart];
  const state = m.runners[hart].status === HartStatus.Started ? (h.waiting ? ', in wfi' : '') : ', stopped (HSM)';
  return `hart ${hart} (${PRIV_NAMES[h.priv]}-mode${process ? `, ${process}` : ''}${state})`;
}
