// Control and status registers: their storage, and what reading and writing each one does
// (ISA manual vol. II, ch. 2-4). Trap entry and return are in trap.ts and privileged.ts.
// Every CSR access is a slow path; the translated code ends its block after one, so nothing
// here needs to be fast.
import { CSR } from '../isa/csrs.js';
import { MPP_SHIFT, MSTATUS, SSTATUS_MASK } from '../isa/csrFields.js';
import type { CsrKind } from '../isa/system.js';
import { Exception, Interrupt, Priv } from './causes.js';
import type { Hart } from './hart.js';
import type { Translator } from './sv39.js';
import { Pmp, PMPADDR_MASK } from './pmp.js';
import { TINFO, Triggers, type TriggerState } from './triggers.js';
import { Sv39 } from './sv39.js';

export { MSTATUS, SSTATUS_MASK };

const MSTATUS_WRITABLE = MSTATUS.SIE | MSTATUS.MIE | MSTATUS.SPIE | MSTATUS.MPIE | MSTATUS.SPP | MSTATUS.MPP |
  MSTATUS.FS | MSTATUS.MPRV | MSTATUS.SUM | MSTATUS.MXR | MSTATUS.TVM | MSTATUS.TW | MSTATUS.TSR;

/** Interrupt bits in mip/mie (vol. II §3.1.9): bit n is interrupt n. */
export const MIP = {
  SSIP: 1n << BigInt(Interrupt.SupervisorSoftware), MSIP: 1n << BigInt(Interrupt.MachineSoftware),
  STIP: 1n << BigInt(Interrupt.SupervisorTimer), MTIP: 1n << BigInt(Interrupt.MachineTimer),
  SEIP: 1n << BigInt(Interrupt.SupervisorExternal), MEIP: 1n << BigInt(Interrupt.MachineExternal),
} as const;
const S_INTERRUPTS = MIP.SSIP | MIP.STIP | MIP.SEIP;
const ALL_INTERRUPTS = S_INTERRUPTS | MIP.MSIP | MIP.MTIP | MIP.MEIP;
/** Exceptions that may be delegated to S-mode: every cause but ecall from M. */
const DELEGABLE_EXCEPTIONS = 0xffffn & ~(1n << BigInt(Exception.EcallFromM)) & ~(1n << 10n) & ~(1n << 14n);

/** menvcfg.STCE (Sstc): stimecmp drives STIP, and S-mode may access stimecmp. */
const MENVCFG_STCE = 1n << 63n;
/** menvcfg.PBMTE, kept writable as QEMU 7.2 does; and the low fields FIOM, CBIE, CBCFE, CBZE. */
const MENVCFG_WRITABLE = MENVCFG_STCE | (1n << 62n) | 0xf1n;

// misa: RV64 (MXL=2) with A, C, D, F, I, M, S, U.
const MISA = (2n << 62n) | (1n << 0n) | (1n << 2n) | (1n << 3n) | (1n << 5n) | (1n << 8n) | (1n << 12n) | (1n << 18n) | (1n << 20n);

/** The CSR file's scalar state, by field name. */
export const SCALAR_CSRS = [
  'mstatus', 'medeleg', 'mideleg', 'mie', 'mipSoft', 'mipHw', 'mtvec', 'mscratch', 'mepc', 'mcause', 'mtval',
  'mcounteren', 'menvcfg', 'mcountinhibit', 'stvec', 'sscratch', 'sepc', 'scause', 'stval', 'scounteren',
  'senvcfg', 'satp', 'stimecmp', 'cycleOffset', 'instretOffset',
] as const;
type ScalarCsr = typeof SCALAR_CSRS[number];
export type CsrState = Record<ScalarCsr, bigint> & { pmpcfg: bigint[]; pmpaddr: bigint[]; triggers: TriggerState };

export class CsrFile {
  mstatus = (2n << 32n) | (2n << 34n);
  medeleg = 0n;
  mideleg = 0n;
  mie = 0n;
  /** Pending interrupts that software may set; device-driven bits are OR-ed in by the machine. */
  mipSoft = 0n;
  /** Device-driven interrupt lines (timer, external, software from CLINT). */
  mipHw = 0n;
  mtvec = 0n;
  mscratch = 0n;
  mepc = 0n;
  mcause = 0n;
  mtval = 0n;
  mcounteren = 0n;
  menvcfg = 0n;
  mcountinhibit = 0n;
  stvec = 0n;
  sscratch = 0n;
  sepc = 0n;
  scause = 0n;
  stval = 0n;
  scounteren = 0n;
  senvcfg = 0n;
  satp = 0n;
  stimecmp = -1n;
  cycleOffset = 0n;
  instretOffset = 0n;
  readonly pmpcfg = new Array<bigint>(16).fill(0n);
  readonly pmpaddr = new Array<bigint>(64).fill(0n);

  mmu: Translator;
  /** Current time in timebase ticks; the machine replaces this with its clock. */
  time: () => bigint = () => BigInt(this.hart.instret) / 10n;
  /** Told when a write may have changed what interrupts are pending or enabled. */
  onInterruptState: () => void = () => {};

  readonly pmp = new Pmp();
  readonly triggers = new Triggers();

  constructor(private readonly hart: Hart) {
    this.mmu = new Sv39(hart);
    hart.fpu.onDirty = () => this.markFsDirty();
  }

  /** Every CSR's stored state, for snapshots (test/unit/snapshot.test.ts checks none is missed). */
  save(): CsrState {
    const out = {} as Record<ScalarCsr, bigint>;
    for (const k of SCALAR_CSRS) out[k] = this[k];
    return { ...out, pmpcfg: [...this.pmpcfg], pmpaddr: [...this.pmpaddr], triggers: this.triggers.save() };
  }

  restore(s: CsrState): void {
    for (const k of SCALAR_CSRS) this[k] = s[k];
    this.pmpcfg.splice(0, this.pmpcfg.length, ...s.pmpcfg);
    this.pmpaddr.splice(0, this.pmpaddr.length, ...s.pmpaddr);
    this.pmp.update(this.pmpcfg, this.pmpaddr);
    this.triggers.restore(s.triggers);
    this.syncFs();
  }

  /** PMP entries changed: rebuild them, and drop translations (and code) made under the old ones. */
  pmpChanged(): void {
    this.pmp.update(this.pmpcfg, this.pmpaddr);
    this.hart.flushTranslations();
  }

  get mip(): bigint { return this.mipSoft | this.mipHw; }

  // ---- CSR instructions ------------------------------------------------------------------

  op(kind: CsrKind, num: number, rd: number, src: bigint, srcIsZero: boolean): boolean {
    const h = this.hart;
    const writes = kind === 'rw' || !srcIsZero;
    if (((num >>> 8) & 3) > h.priv) return h.illegal();
    if (writes && (num >>> 10) === 3) return h.illegal();
    const old = (kind === 'rw' && rd === 0) ? 0n : this.read(num);
    if (old === undefined) return h.illegal();
    if (writes) {
      const value = kind === 'rw' ? src : kind === 'rs' ? old | src : old & ~src;
      if (!this.write(num, BigInt.asIntN(64, value))) return h.illegal();
    }
    if (rd !== 0) h.x[rd] = BigInt.asIntN(64, old);
    return true;
  }

  private counterAllowed(bit: number): boolean {
    const h = this.hart;
    if (h.priv < Priv.M && ((this.mcounteren >> BigInt(bit)) & 1n) === 0n) return false;
    if (h.priv === Priv.U && ((this.scounteren >> BigInt(bit)) & 1n) === 0n) return false;
    return true;
  }

  /**
   * Sstc: below M, stimecmp needs both mcounteren.TM and menvcfg.STCE (as on QEMU). U-mode
   * never gets here: stimecmp is an S-level CSR.
   */
  private stimecmpAllowed(): boolean {
    return this.hart.priv === Priv.M || (this.counterAllowed(1) && this.sstc);
  }

  /** Whether Sstc is on (menvcfg.STCE): then stimecmp alone drives mip.STIP. */
  get sstc(): boolean { return (this.menvcfg & MENVCFG_STCE) !== 0n; }

  /** A CSR's value as software reads it, or undefined when it does not exist here. */
  read(num: number): bigint | undefined {
    const h = this.hart;
    switch (num) {
      case CSR.fflags: return this.fpAllowed() ? BigInt(h.fpu.flags) : undefined;
      case CSR.frm: return this.fpAllowed() ? BigInt(h.fpu.frm) : undefined;
      case CSR.fcsr: return this.fpAllowed() ? BigInt(h.fpu.fcsr) : undefined;
      case CSR.cycle: return this.counterAllowed(0) ? BigInt(h.instret) + this.cycleOffset : undefined;
      case CSR.time: return this.counterAllowed(1) ? this.time() : undefined;
      case CSR.instret: return this.counterAllowed(2) ? BigInt(h.instret) + this.instretOffset : undefined;
      case CSR.mcycle: return BigInt(h.instret) + this.cycleOffset;
      case CSR.minstret: return BigInt(h.instret) + this.instretOffset;
      case CSR.mvendorid: case CSR.marchid: case CSR.mimpid: case CSR.mconfigptr: return 0n;
      case CSR.mhartid: return BigInt(h.hartId);
      case CSR.mstatus: return this.mstatusValue();
      case CSR.misa: return MISA;
      case CSR.medeleg: return this.medeleg;
      case CSR.mideleg: return this.mideleg;
      case CSR.mie: return this.mie;
      case CSR.mip: return this.mip;
      case CSR.mtvec: return this.mtvec;
      case CSR.mcounteren: return this.mcounteren;
      case CSR.menvcfg: return this.menvcfg;
      case CSR.mcountinhibit: return this.mcountinhibit;
      case CSR.mscratch: return this.mscratch;
      case CSR.mepc: return this.mepc;
      case CSR.mcause: return this.mcause;
      case CSR.mtval: return this.mtval;
      case CSR.sstatus: return this.mstatusValue() & SSTATUS_MASK;
      case CSR.sie: return this.mie & this.mideleg;
      case CSR.sip: return this.mip & this.mideleg;
      case CSR.stvec: return this.stvec;
      case CSR.scounteren: return this.scounteren;
      case CSR.senvcfg: return this.senvcfg;
      case CSR.sscratch: return this.sscratch;
      case CSR.sepc: return this.sepc;
      case CSR.scause: return this.scause;
      case CSR.stval: return this.stval;
      case CSR.satp:
        if (h.priv === Priv.S && (this.mstatus & MSTATUS.TVM)) return undefined;
        return this.satp;
      case CSR.stimecmp: return this.stimecmpAllowed() ? this.stimecmp : undefined;
      case CSR.tselect: return BigInt(this.triggers.select);
      case CSR.tdata1: return this.triggers.tdata1[this.triggers.select];
      case CSR.tdata2: return this.triggers.tdata2[this.triggers.select];
      case CSR.tdata3: return 0n;
      case CSR.tinfo: return TINFO;
      default:
        if (num >= 0x3a0 && num < 0x3b0) return (num & 1) ? undefined : this.pmpcfg[num - 0x3a0];
        if (num >= 0x3b0 && num < 0x3f0) return this.pmpaddr[num - 0x3b0];
        // Hardware performance counters and events exist and read as zero (as on QEMU).
        if ((num >= 0xb03 && num < 0xb20) || (num >= 0x323 && num < 0x340)) return 0n;
        if (num >= 0xc03 && num < 0xc20) return this.counterAllowed(num - 0xc00) ? 0n : undefined;
        return undefined;
    }
  }

  private mstatusValue(): bigint {
    const dirty = (this.mstatus & MSTATUS.FS) === MSTATUS.FS;
    return dirty ? this.mstatus | MSTATUS.SD : this.mstatus;
  }

  /** Write a CSR; false means the write is illegal. */
  write(num: number, v: bigint): boolean {
    const h = this.hart;
    switch (num) {
      case CSR.fflags: case CSR.frm: case CSR.fcsr: return this.writeFcsr(num, v);
      case CSR.mstatus: this.setMstatus(v, MSTATUS_WRITABLE); return true;
      case CSR.sstatus: this.setMstatus(v, SSTATUS_MASK & MSTATUS_WRITABLE); return true;
      case CSR.misa: return true; // WARL: the extensions are fixed
      case CSR.medeleg: this.medeleg = v & DELEGABLE_EXCEPTIONS; return true;
      case CSR.mideleg: this.mideleg = v & S_INTERRUPTS; this.onInterruptState(); return true;
      case CSR.mie: this.mie = v & ALL_INTERRUPTS; this.onInterruptState(); return true;
      case CSR.mip: {
        // Under Sstc (menvcfg.STCE) STIP is stimecmp's alone, read-only to software.
        const w = this.sstc ? S_INTERRUPTS & ~MIP.STIP : S_INTERRUPTS;
        this.mipSoft = (this.mipSoft & ~w) | (v & w);
        this.onInterruptState();
        return true;
      }
      case CSR.sie: this.mie = (this.mie & ~this.mideleg) | (v & this.mideleg); this.onInterruptState(); return true;
      case CSR.sip: {
        // Only SSIP is writable through sip.
        const m = this.mideleg & MIP.SSIP;
        this.mipSoft = (this.mipSoft & ~m) | (v & m);
        this.onInterruptState();
        return true;
      }
      case CSR.mtvec: if ((v & 3n) < 2n) this.mtvec = v; return true;
      case CSR.stvec: if ((v & 3n) < 2n) this.stvec = v; return true;
      case CSR.mcounteren: this.mcounteren = v & 0xffffffffn; return true;
      case CSR.scounteren: this.scounteren = v & 0xffffffffn; return true;
      case CSR.menvcfg:
        this.menvcfg = v & MENVCFG_WRITABLE;
        // Turning Sstc on hands STIP to stimecmp: a bit software left there no longer counts.
        if (this.sstc) this.mipSoft &= ~MIP.STIP;
        this.onInterruptState();
        return true;
      case CSR.senvcfg: this.senvcfg = v & 0xf1n; return true;
      case CSR.mcountinhibit: this.mcountinhibit = v & 0xfffffffdn; return true;
      case CSR.mscratch: this.mscratch = v; return true;
      case CSR.sscratch: this.sscratch = v; return true;
      case CSR.mepc: this.mepc = v & ~1n; return true;
      case CSR.sepc: this.sepc = v & ~1n; return true;
      case CSR.mcause: this.mcause = v; return true;
      case CSR.scause: this.scause = v; return true;
      case CSR.mtval: this.mtval = v; return true;
      case CSR.stval: this.stval = v; return true;
      // The counter is read after this instruction retires, so the offset accounts for it.
      case CSR.mcycle: this.cycleOffset = v - BigInt(h.instret) - 1n; return true;
      case CSR.minstret: this.instretOffset = v - BigInt(h.instret) - 1n; return true;
      case CSR.satp: {
        if (h.priv === Priv.S && (this.mstatus & MSTATUS.TVM)) return false;
        const mode = BigInt.asUintN(64, v) >> 60n;
        if (mode !== 0n && mode !== 8n) return true; // unsupported modes leave satp unchanged (WARL)
        this.satp = BigInt.asUintN(64, v) & ((0xfn << 60n) | (0xffffn << 44n) | 0xfffffffffffn);
        // QEMU keeps 16 ASID bits writable; PPN is 44 bits.
        this.satp = BigInt.asIntN(64, this.satp);
        this.hart.flushTranslations();
        return true;
      }
      case CSR.stimecmp:
        if (!this.stimecmpAllowed()) return false;
        this.stimecmp = v; this.onInterruptState(); return true;
      case CSR.tselect: this.triggers.selectWrite(v); return true;
      case CSR.tdata1: this.triggers.writeTdata1(v); return true;
      case CSR.tdata2: this.triggers.writeTdata2(v); return true;
      case CSR.tdata3: case CSR.tinfo: return true; // as on QEMU 7.2: tdata3 reads 0, tinfo is fixed
      default:
        if (num >= 0x3a0 && num < 0x3b0) { if (num & 1) return false; this.pmpcfg[num - 0x3a0] = v; this.pmpChanged(); return true; }
        if (num >= 0x3b0 && num < 0x3f0) { this.pmpaddr[num - 0x3b0] = v & PMPADDR_MASK; this.pmpChanged(); return true; }
        if ((num >= 0xb03 && num < 0xb20) || (num >= 0x323 && num < 0x340)) return true;
        return false;
    }
  }

  /**
   * Trap entry and return rewrite mstatus whole: drop data translations when that changes what
   * M-mode loads and stores translate as (MPRV, with MPP naming the privilege).
   */
  replaceMstatus(next: bigint): void {
    const changed = next ^ this.mstatus;
    if ((changed & (MSTATUS.MPRV | MSTATUS.MPP)) !== 0n && ((this.mstatus | next) & MSTATUS.MPRV) !== 0n) this.hart.flushDataTranslations();
    this.mstatus = next;
    this.syncFs();
  }

  /** The FP CSRs exist while mstatus.FS is not Off (vol. II, "Extension Context Status"). */
  private fpAllowed(): boolean {
    return (this.mstatus & MSTATUS.FS) !== 0n;
  }

  /** fflags, frm, fcsr: frm keeps any 3-bit value (a reserved one makes dynamic rounding illegal). */
  private writeFcsr(num: number, v: bigint): boolean {
    if (!this.fpAllowed()) return false;
    const fpu = this.hart.fpu, bits = Number(v & 0xffn);
    if (num === CSR.fflags || num === CSR.fcsr) fpu.flags = bits & 0x1f;
    if (num === CSR.frm) fpu.frm = bits & 7;
    if (num === CSR.fcsr) fpu.frm = bits >> 5;
    this.markFsDirty();
    return true;
  }

  /** FP state changed: FS becomes Dirty (and SD reads as 1). */
  markFsDirty(): void {
    this.mstatus |= MSTATUS.FS;
    this.syncFs();
  }

  /** Give the FPU's copy of mstatus.FS, which translated code reads, its current value. */
  syncFs(): void {
    this.hart.fpu.fs = Number((this.mstatus & MSTATUS.FS) >> 13n);
  }

  private setMstatus(v: bigint, mask: bigint): void {
    let next = (this.mstatus & ~mask) | (v & mask);
    // MPP is WARL over {U, S, M}: the reserved value 2 keeps the old field.
    if (((next & MSTATUS.MPP) >> MPP_SHIFT) === 2n) next = (next & ~MSTATUS.MPP) | (this.mstatus & MSTATUS.MPP);
    const translationBits = MSTATUS.MPRV | MSTATUS.SUM | MSTATUS.MXR | MSTATUS.MPP;
    const changed = next ^ this.mstatus;
    this.mstatus = next;
    this.syncFs();
    if (changed & translationBits) this.hart.flushDataTranslations();
    // Only an enable that turns on can let an interrupt in: one that was pending and enabled
    // was taken when it became so (the dispatcher looks at every such change before the next
    // block), so turning one off leaves nothing to look at. Kernels turn S-mode interrupts
    // off around every critical section (Linux's local_irq_save, a csrrci of sstatus.SIE,
    // some 14,000 times in its boot), and each look reads the clock and the timers.
    if (changed & next & (MSTATUS.MIE | MSTATUS.SIE)) this.onInterruptState();
  }
}
