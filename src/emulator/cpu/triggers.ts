// Debug triggers (Sdtrig, RISC-V Debug Specification §5) as QEMU 7.2 has them: two triggers,
// each an address match (mcontrol, type 2, or mcontrol6, type 6) on execute, load or store,
// for the privileges its U/S/M bits name. A match raises a breakpoint exception before the
// instruction runs or the access happens. Where QEMU 7.2 departs from the specification,
// Chronos follows it: mtval is 0 for a trigger's breakpoint, tdata3 reads 0 and ignores
// writes, there is no tcontrol, the triggers fire in M-mode whatever mstatus.MIE says, and a
// write of a type other than 2 or 6 leaves tdata1 as it was.
import type { Priv } from './causes.js';

export const TRIGGERS = 2;

const TYPE_SHIFT = 60n;
const TYPE_MCONTROL = 2n, TYPE_MCONTROL6 = 6n;
/** tinfo: the trigger types each trigger supports. */
export const TINFO = (1n << TYPE_MCONTROL) | (1n << TYPE_MCONTROL6);

const LOAD = 1n << 0n, STORE = 1n << 1n, EXECUTE = 1n << 2n;
/** The U, S and M bits sit at 3 + the privilege's number (U 0, S 1, M 3). */
const U = 1n << 3n, S = 1n << 4n, M = 1n << 6n;
const MODES = U | S | M, ACCESSES = LOAD | STORE | EXECUTE;
/** mcontrol6's VS and VU bits, kept (there is no hypervisor, so they never match). */
const VS6 = 1n << 23n, VU6 = 1n << 24n;
/** mcontrol's size: sizehi (22:21) above sizelo (17:16); mcontrol6's: bits 19:16. */
const SIZELO = 3n << 16n, SIZEHI = 3n << 21n, SIZE6 = 0xfn << 16n;

/** Bytes a size encoding matches (0: any access, watched as 8 bytes); -1 for encodings QEMU 7.2 does not take. */
const ACCESS_SIZE = [0, 1, 2, 4, -1, 8, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1];

export interface TriggerState { select: number; tdata1: bigint[]; tdata2: bigint[] }

export class Triggers {
  select = 0;
  readonly tdata1: bigint[] = new Array<bigint>(TRIGGERS).fill(TYPE_MCONTROL << TYPE_SHIFT);
  readonly tdata2: bigint[] = new Array<bigint>(TRIGGERS).fill(0n);
  /** Whether some trigger matches instruction fetches / loads or stores now (kept up to date on writes). */
  execArmed = false;
  dataArmed = false;

  /** Called when what the triggers match changed (the hart retranslates and drops data translations). */
  onChange: () => void = () => {};

  selectWrite(v: bigint): void {
    if (BigInt.asUintN(64, v) < BigInt(TRIGGERS)) this.select = Number(v);
  }

  writeTdata1(v: bigint): void {
    const type = BigInt.asUintN(64, v) >> TYPE_SHIFT;
    let next: bigint;
    if (type === TYPE_MCONTROL) {
      next = (TYPE_MCONTROL << TYPE_SHIFT) | (v & (MODES | ACCESSES));
      const size = Number(((v & SIZEHI) >> 19n) | ((v & SIZELO) >> 16n));
      if (ACCESS_SIZE[size] >= 0) next |= v & (SIZELO | SIZEHI);
    } else if (type === TYPE_MCONTROL6) {
      next = (TYPE_MCONTROL6 << TYPE_SHIFT) | (v & (VU6 | VS6 | MODES | ACCESSES));
      if (ACCESS_SIZE[Number((v & SIZE6) >> 16n)] >= 0) next |= v & SIZE6;
    } else return; // another type: the write is ignored
    this.tdata1[this.select] = BigInt.asIntN(64, next);
    this.update();
  }

  writeTdata2(v: bigint): void {
    this.tdata2[this.select] = v;
    this.update();
  }

  private update(): void {
    this.execArmed = this.tdata1.some((t) => (t & EXECUTE) !== 0n && (t & MODES) !== 0n);
    this.dataArmed = this.tdata1.some((t) => (t & (LOAD | STORE)) !== 0n && (t & MODES) !== 0n);
    this.onChange();
  }

  /** The pcs an execute trigger is set at (translated blocks must start there). */
  execAddresses(): bigint[] {
    return this.tdata1.flatMap((t, i) => ((t & EXECUTE) !== 0n && (t & MODES) !== 0n ? [BigInt.asUintN(64, this.tdata2[i])] : []));
  }

  /** Whether fetching the instruction at pc, in this privilege, fires a trigger. */
  execHit(pc: bigint, priv: Priv): boolean {
    const v = BigInt.asUintN(64, pc), mode = 1n << BigInt(3 + priv);
    for (let i = 0; i < TRIGGERS; i++) {
      const t = this.tdata1[i];
      if ((t & EXECUTE) !== 0n && (t & mode) !== 0n && BigInt.asUintN(64, this.tdata2[i]) === v) return true;
    }
    return false;
  }

  /** Whether an access of `size` bytes at vaddr fires a trigger watching [tdata2, tdata2 + its size). */
  dataHit(vaddr: bigint, size: number, store: boolean, priv: Priv): boolean {
    const v = BigInt.asUintN(64, vaddr), mode = 1n << BigInt(3 + priv), kind = store ? STORE : LOAD;
    for (let i = 0; i < TRIGGERS; i++) {
      const t = this.tdata1[i];
      if ((t & kind) === 0n || (t & mode) === 0n) continue;
      const six = (BigInt.asUintN(64, t) >> TYPE_SHIFT) === TYPE_MCONTROL6;
      const code = six ? Number((t & SIZE6) >> 16n) : Number(((t & SIZEHI) >> 19n) | ((t & SIZELO) >> 16n));
      const len = BigInt(ACCESS_SIZE[code] || 8);
      const a = BigInt.asUintN(64, this.tdata2[i]);
      if (v < a + len && a < v + BigInt(size)) return true;
    }
    return false;
  }

  save(): TriggerState { return { select: this.select, tdata1: [...this.tdata1], tdata2: [...this.tdata2] }; }

  restore(s: TriggerState): void {
    this.select = s.select;
    this.tdata1.splice(0, TRIGGERS, ...s.tdata1);
    this.tdata2.splice(0, TRIGGERS, ...s.tdata2);
    this.update();
  }
}
