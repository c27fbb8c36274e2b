// Exception breakpoints: the RISC-V traps a user can stop on before the handler runs, by cause
// (vol. II table 3.6), and kernel panics (a breakpoint on the panic handler's symbol).
import { Exception } from '../emulator/cpu/causes.js';

export interface TrapFilter { id: string; label: string; causes: (cause: bigint) => boolean }

const is = (...causes: Exception[]) => (c: bigint): boolean => causes.some((e) => c === BigInt(e));

export const TRAP_FILTERS: readonly TrapFilter[] = [
  { id: 'instruction-page-fault', label: 'Instruction page fault', causes: is(Exception.InstructionPageFault) },
  { id: 'load-page-fault', label: 'Load page fault', causes: is(Exception.LoadPageFault) },
  { id: 'store-page-fault', label: 'Store/AMO page fault', causes: is(Exception.StorePageFault) },
  { id: 'illegal-instruction', label: 'Illegal instruction', causes: is(Exception.IllegalInstruction) },
  { id: 'breakpoint', label: 'Breakpoint (ebreak)', causes: is(Exception.Breakpoint) },
  { id: 'ecall-u', label: 'Environment call from U-mode', causes: is(Exception.EcallFromU) },
  { id: 'ecall-s', label: 'Environment call from S-mode', causes: is(Exception.EcallFromS) },
  { id: 'misaligned', label: 'Misaligned access', causes: is(Exception.InstructionMisaligned, Exception.LoadMisaligned, Exception.StoreMisaligned) },
  { id: 'access-fault', label: 'Access fault', causes: is(Exception.InstructionAccessFault, Exception.LoadAccessFault, Exception.StoreAccessFault) },
  // Interrupts are the causes with bit 63 set, negative as signed numbers.
  { id: 'interrupt', label: 'Any interrupt', causes: (c) => c < 0n },
];

export const PANIC_FILTER = { id: 'panic', label: 'Kernel panic' };
/** Where a panic goes, in the order looked for: Rust's panic handler, then C kernels' panic(). */
export const PANIC_SYMBOLS = ['rust_begin_unwind', 'panic', 'core::panicking::panic_fmt'];
