// Address translation. Bare mode (satp.MODE = 0, or M-mode without MPRV) maps virtual to
// physical one to one; the SV39 walk lives in sv39.ts and is installed by the privileged
// machine.
import type { AccessKind, Hart } from './hart.js';

export interface Translator {
  /** Physical address for an access, or undefined after raising the fault on the hart. */
  translate(vaddr: bigint, kind: AccessKind): bigint | undefined;
}

export class BareMmu implements Translator {
  constructor(private readonly hart: Hart) {}
  translate(vaddr: bigint, _kind: AccessKind): bigint | undefined {
    void this.hart;
    return BigInt.asUintN(64, vaddr);
  }
}
