// One RV64 hart: its registers, CSRs, privilege, and every slow path the translated code
// falls back on (memory that is not a TLB hit, CSRs, atomics, traps). The fast paths live in
// the code the block compiler generates; see jit/codegen.ts.
import { ADDR_SLOT, DATA_SLOT, PC_SLOT, REG_SLOTS } from '../jit/codegen.js';
import { Bus, readRam, writeRam } from '../memory/bus.js';
import { Exception, Priv } from './causes.js';
import { CsrFile, type CsrState } from './csrFile.js';
import { EXC_HAND_OFF, EXC_LEAVE, EXC_NONE, EXC_STOP, EXC_TRAP } from './exits.js';
import { mret, sfenceVma, sret, wfi } from './privileged.js';
import { enterTrap } from './trap.js';
import { Tlb, TLB_BYTES, TLB_SIZE, vaddrOf } from './tlb.js';
import { FRONT_AT, HART_SLOT_BYTES, ownSlot, REGS_BYTES, type Slot } from '../memory/arena.js';
import { FrontTable } from '../jit/frontTable.js';
import type { Block } from '../jit/compiler.js';
import { OWN_RECORDS, type RecordPool } from '../jit/records.js';
import type { AmoOp } from '../isa/rv64a.js';
import type { CsrKind } from '../isa/system.js';
import { Fpu, type FpuState } from '../fpu/fpu.js';

const EMPTY_CHUNKS = new Uint16Array(0);
/** How many locks a hart remembers holding (Hart.heldLocks): kernels nest a few at most. */
const HELD_LOCKS = 4;

export { EXC_HAND_OFF, EXC_LEAVE, EXC_NONE, EXC_STOP, EXC_TRAP };

export type AccessKind = 'fetch' | 'load' | 'store';

/** Called on a slow-path access; returning true stops the machine before the access. */
export type WatchHook = (vaddr: bigint, paddr: bigint, size: number, kind: AccessKind) => boolean;

/** Receives writes to RAM that holds translated code. */
export interface CodeWatcher {
  /** Per 64-byte chunk of RAM, how many translated blocks hold code from it. */
  readonly codeChunks: Uint16Array;
  isCode(ramOffset: number, len: number): boolean;
  invalidateRange(ramOffset: number, len: number): void;
  clear(): void;
}

/** Everything about a hart that decides what it does next, for snapshots. */
export interface HartState {
  regs: BigInt64Array; priv: Priv; instret: number;
  exc: number; excCause: number; excTval: bigint; insn: number;
  waiting: boolean; reservation: bigint; reservationValue: bigint;
  heldLocks: bigint[]; spinLock: bigint;
  csr: CsrState;
  fpu: FpuState;
  /** Each privilege's TLB entries (Tlb.save). */
  tlb: Int32Array[];
}

export class Hart {
  // Registers: x0..x31, pc, scratch. Three views of one stretch of memory (see codegen.ts).
  readonly x: BigInt64Array;
  readonly u: Uint32Array;
  readonly i32: Int32Array;
  /** f0..f31 and fcsr (the debugger reads them here: fpu.bits(r), fpu.fcsr). */
  readonly fpu: Fpu;

  /** The software TLBs, one set per privilege (indexed by Priv; index 2 is unused). */
  readonly tlbs: readonly Tlb[];
  /** Where the registers and TLBs live: the machine's arena (memory/arena.ts) or a buffer of the hart's own. */
  readonly slot: Slot;
  /** The front table of the hart's block cache, in its slot, where the wasm interpreter reads it (jit/frontTable.ts). */
  readonly front: FrontTable<Block>;
  /**
   * Bumped whenever a virtual address may now translate differently for fetching (satp,
   * sfence.vma, PMP): translated blocks found by virtual pc are then checked against their
   * physical page before they run again (jit/blockCache.ts). They are not thrown away.
   */
  translationGeneration = 0;

  priv: Priv = Priv.M;
  instret = 0;
  /**
   * Translated loops keep iterating while instret is below this. The dispatcher sets it to the
   * end of the current run (or the next timer deadline); stopping the machine sets it to 0.
   */
  loopLimit = 0;
  /** Pending exit reason from translated code (EXC_*), and the trap it carries. */
  exc = EXC_NONE;
  excCause = 0;
  excTval = 0n;
  /**
   * The raw instruction a CSR or system slow path is running for (mtval of illegal-instruction),
   * as a signed 32-bit number: a word with bit 31 set (any CSR from 0x800 up: mhartid, time)
   * kept unsigned is a double, and the first one stored changed the field's representation,
   * deprecating the Hart's map and deoptimizing the dispatcher and a dozen functions at once.
   */
  insn = 0;
  /** Set by wfi: nothing to do until an interrupt is pending. */
  waiting = false;
  /**
   * Whether other harts share the machine, so that spinning (an AMO that finds its lock taken,
   * a failed SC, `pause`, the back edge of a wait loop: jit/waitLoop.ts) ends this hart's turn:
   * then the holder gets to run and release the lock instead of the spinner burning its whole
   * quantum. Fixed when the machine is made, and
   * the translated code is generated with or without the checks accordingly, so a lone hart
   * pays nothing for them.
   */
  handOff = false;
  /**
   * Physical addresses of the test-and-set locks this hart took with an AMO and has not yet
   * released with one, newest last (a few: the oldest is forgotten), so that a hart finding
   * one taken can hand its turn to the holder. A lock released by a plain store stays listed
   * until forgotten, which costs only a wrong guess. Only kept when handOff is on.
   */
  heldLocks: bigint[] = [];
  /** Set with EXC_HAND_OFF by an AMO that found its lock taken: the lock's physical address, else -1n. */
  spinLock = -1n;
  /** LR/SC reservation: the reserved (virtual) address, or -1n when none is held, and the value LR read. */
  reservation = -1n;
  reservationValue = 0n;

  readonly csr: CsrFile;
  watch: WatchHook | undefined;
  /**
   * Whether a TLB entry for this page would let accesses bypass the watch hook (the page holds
   * watched bytes): such pages stay on the slow path, every other page keeps its fast path.
   */
  watchedPage: ((vaddr: bigint, paddr: bigint) => boolean) | undefined;
  code: CodeWatcher | undefined;
  /** Environment calls the machine answers itself (the built-in SBI); true means handled. */
  ecallHandler: ((h: Hart) => boolean) | undefined;

  /** `records`: where its blocks' interpreter records go (the machine's arena's, jit/records.ts). */
  constructor(readonly bus: Bus, readonly hartId = 0, slot: Slot = ownSlot(HART_SLOT_BYTES), readonly records: RecordPool = OWN_RECORDS) {
    this.slot = slot;
    this.x = new BigInt64Array(slot.buffer, slot.offset, REG_SLOTS);
    this.u = new Uint32Array(slot.buffer, slot.offset, 2 * REG_SLOTS);
    this.i32 = new Int32Array(slot.buffer, slot.offset, 2 * REG_SLOTS);
    this.fpu = new Fpu(this.u, this.i32);
    this.tlbs = [0, 1, 2, 3].map((k) => new Tlb(slot.buffer, slot.offset + REGS_BYTES + k * TLB_BYTES));
    this.front = new FrontTable(slot.buffer, slot.offset + FRONT_AT);
    this.csr = new CsrFile(this);
  }

  get pc(): bigint { return this.x[PC_SLOT]; }
  set pc(v: bigint) { this.x[PC_SLOT] = v; }

  save(): HartState {
    return {
      regs: this.x.slice(0, PC_SLOT + 1), priv: this.priv, instret: this.instret,
      exc: this.exc, excCause: this.excCause, excTval: this.excTval, insn: this.insn,
      waiting: this.waiting, reservation: this.reservation, reservationValue: this.reservationValue,
      heldLocks: this.heldLocks.slice(), spinLock: this.spinLock,
      csr: this.csr.save(),
      fpu: this.fpu.save(),
      tlb: this.tlbs.map((t) => t.save()),
    };
  }

  /**
   * Put a saved state back, its TLB entries too. Translated blocks are checked against their
   * physical page before they run again, since they may come from another state.
   */
  restore(s: HartState): void {
    this.x.fill(0n);
    this.x.set(s.regs);
    this.priv = s.priv; this.instret = s.instret;
    this.exc = s.exc; this.excCause = s.excCause; this.excTval = s.excTval; this.insn = s.insn | 0;
    this.waiting = s.waiting; this.reservation = s.reservation; this.reservationValue = s.reservationValue;
    this.heldLocks = s.heldLocks.slice(); this.spinLock = s.spinLock;
    this.fpu.restore(s.fpu);
    this.csr.restore(s.csr);
    s.tlb.forEach((entries, priv) => this.tlbs[priv].restore(entries));
    // Entries saved before a watchpoint was set would let accesses to its page pass unseen.
    const watched = this.watchedPage, base = BigInt(this.bus.ram.base);
    if (watched) {
      for (const t of this.tlbs) t.dropData((lo, hi, off) => watched(vaddrOf(lo, hi), base + BigInt(off)));
    }
    this.recordWritablePages();
    this.translationGeneration++;
  }

  // ---- traps ---------------------------------------------------------------------------

  exception(cause: Exception, tval: bigint): void {
    this.exc = EXC_TRAP;
    this.excCause = cause;
    this.excTval = tval;
  }

  ecall(): void {
    const cause = this.priv === Priv.U ? Exception.EcallFromU : this.priv === Priv.S ? Exception.EcallFromS : Exception.EcallFromM;
    this.exception(cause, 0n);
  }

  /** Enter the pending exception's handler: pc is the faulting instruction. */
  takeException(): void {
    const cause = this.excCause, tval = this.excTval;
    this.exc = EXC_NONE;
    if ((cause === Exception.EcallFromS || cause === Exception.EcallFromM) && this.ecallHandler?.(this)) {
      this.pc = this.pc + 4n;
      return;
    }
    enterTrap(this, BigInt(cause), tval, false);
  }

  // ---- memory slow paths ----------------------------------------------------------------

  /** Translate a virtual address for an access; undefined after raising the fault. */
  translate(vaddr: bigint, kind: AccessKind): bigint | undefined {
    return this.csr.mmu.translate(vaddr, kind);
  }

  /** Every translation this hart cached: satp, sfence.vma for all addresses, PMP, a restore. */
  flushTranslations(): void {
    for (const t of this.tlbs) t.flush();
    this.translationGeneration++;
  }

  /** The translations of one virtual page (sfence.vma with an address). */
  flushPage(vaddr: bigint): void {
    const lo = Number(vaddr & 0xffffffffn) | 0, hi = Number((vaddr >> 32n) & 0xffffffffn);
    for (const t of this.tlbs) t.flushPage(lo, hi);
    this.translationGeneration++;
  }

  /**
   * Mark dirty the pages this hart's store entries reach: stores through them take no slow
   * path, so after the dirty record was taken (a checkpoint) or the entries were put back (a
   * restore) the record must hold them from the start. Dropping the entries instead would make
   * the next store walk the page table where the run recorded used the entry.
   */
  recordWritablePages(): void {
    const dirty = this.bus.ram.dirty;
    for (const t of this.tlbs) t.forEachWritable((off) => dirty.mark(off));
  }

  /** Load and store translations only: MPRV, MPP, SUM or MXR changed, or watchpoints. */
  flushDataTranslations(): void {
    for (const t of this.tlbs) t.flushData();
  }

  private fill(kind: AccessKind, vaddr: bigint, paddr: bigint): void {
    const off = this.bus.ram.offsetOf(paddr & ~0xfffn, 4096);
    if (off < 0) return;
    // Translated stores reach RAM only through write entries made here: marking the page now
    // records every store that will use the entry (memory/dirtyPages.ts).
    if (kind === 'store') this.bus.ram.dirty.mark(off);
    this.tlbs[this.priv].fill(kind, Number(vaddr & 0xffffffffn) | 0, Number((vaddr >> 32n) & 0xffffffffn), off);
  }

  /**
   * The RAM offset of an aligned data access at vaddr (lo, hi: its halves) through this
   * privilege's TLB, as translated code finds it: a load entry (or a store entry, `store`), or
   * -1 on a miss or while a data trigger is armed. An entry exists only where no watchpoint
   * needs to see the access, and a store entry only for a page already marked dirty, so an
   * access through one does what the same access from translated code does.
   */
  private tlbOffset(lo: number, hi: number, store: boolean): number {
    if (this.csr.triggers.dataArmed) return -1;
    const t = this.tlbs[this.priv], e = (lo >>> 12) & (TLB_SIZE - 1), tag = lo & -4096;
    if (store) return t.w[e] === tag && t.wh[e] === hi ? t.wo[e] + (lo & 4095) : -1;
    return t.r[e] === tag && t.rh[e] === hi ? t.ro[e] + (lo & 4095) : -1;
  }

  /** A guest store into RAM at `off` (found through the TLB): translated code there goes first. */
  private storeRam(off: number, size: 1 | 2 | 4 | 8, value: bigint): void {
    if (this.code?.isCode(off, size)) { this.code.invalidateRange(off, size); this.leaveIfAsked(); }
    writeRam(this.bus.ram, off, size, value);
  }

  /**
   * The RAM offset of the page code at vaddr is fetched from, through the fetch TLB (lo, hi:
   * the halves of vaddr); -1 after raising the fetch fault.
   */
  fetchPageOffset(lo: number, hi: number): number {
    const hit = this.tlbs[this.priv].fetchPage(lo, hi);
    if (hit >= 0) return hit;
    const vaddr = vaddrOf(lo, hi);
    const paddr = this.translate(vaddr, 'fetch');
    if (paddr === undefined) return -1;
    const off = this.bus.ram.offsetOf(paddr & ~0xfffn, 4096);
    if (off < 0) { this.exception(Exception.InstructionAccessFault, vaddr); return -1; }
    this.fill('fetch', vaddr, paddr);
    return off;
  }

  /**
   * Called from translated code: the address is in the ADDR scratch slot. After a trap or a
   * stop (h.exc below EXC_HAND_OFF) the value means nothing; with EXC_LEAVE it is the value
   * loaded, and the block leaves after writing it.
   */
  loadSlow(size: 1 | 2 | 4 | 8, signed: boolean): bigint {
    const vaddr = this.x[ADDR_SLOT];
    const v = this.load(vaddr, size);
    if (v === undefined) return 0n;
    return signed ? BigInt.asIntN(size * 8, v) : v;
  }

  /**
   * Called from translated code: address and value are in the scratch slots. True when the
   * block goes on; false after a trap or a stop (h.exc below EXC_HAND_OFF: the store did not
   * retire) or when it must leave after the store (EXC_LEAVE).
   */
  storeSlow(size: 1 | 2 | 4 | 8): boolean {
    // A store that hit its TLB entry but not the fast path writes into a chunk of translated
    // code: it drops those blocks, and needs no walk.
    const lo = this.u[2 * ADDR_SLOT] | 0;
    if ((lo & (size - 1)) === 0) {
      const off = this.tlbOffset(lo, this.u[2 * ADDR_SLOT + 1], true);
      if (off >= 0) { this.storeRam(off, size, this.x[DATA_SLOT]); return this.exc === EXC_NONE; }
    }
    return this.store(this.x[ADDR_SLOT], size, this.x[DATA_SLOT]) && this.exc === EXC_NONE;
  }

  /**
   * After an access that reached a device, or a store that dropped translated code: if it
   * changed one of this hart's interrupt lines, asked the machine to stop, or rewrote code,
   * which is what sets loopLimit to 0 while the hart runs (Machine.interruptsChanged,
   * Machine.stop, the code map's onDropped), the block leaves right after this instruction
   * (EXC_LEAVE), and the dispatcher takes the interrupt, stops, or fetches the new code, where
   * it would have after this instruction run alone. Without it the rest of the block would run
   * first, and what happened would depend on how the run was sliced into blocks and budgets.
   */
  private leaveIfAsked(): void {
    if (this.loopLimit === 0 && this.exc === EXC_NONE) this.exc = EXC_LEAVE;
  }

  /** A guest load (zero-extended), with translation, faults, watchpoints and TLB fill. */
  load(vaddr: bigint, size: 1 | 2 | 4 | 8): bigint | undefined {
    if (this.csr.triggers.dataArmed && this.csr.triggers.dataHit(vaddr, size, false, this.priv)) { this.exception(Exception.Breakpoint, 0n); return undefined; }
    if ((vaddr & BigInt(size - 1)) !== 0n) return this.loadMisaligned(vaddr, size);
    const paddr = this.translate(vaddr, 'load');
    if (paddr === undefined) return undefined;
    if (this.watch?.(vaddr, paddr, size, 'load')) { this.exc = EXC_STOP; return undefined; }
    const off = this.bus.ram.offsetOf(paddr, size);
    if (off < 0) {
      const v = this.bus.read(paddr, size);
      if (v === undefined) { this.exception(Exception.LoadAccessFault, vaddr); return undefined; }
      this.leaveIfAsked();
      return v;
    }
    if (!this.csr.triggers.dataArmed && !this.watchedPage?.(vaddr, paddr)) this.fill('load', vaddr, paddr);
    return readRam(this.bus.ram, off, size);
  }

  store(vaddr: bigint, size: 1 | 2 | 4 | 8, value: bigint): boolean {
    if (this.csr.triggers.dataArmed && this.csr.triggers.dataHit(vaddr, size, true, this.priv)) { this.exception(Exception.Breakpoint, 0n); return false; }
    if ((vaddr & BigInt(size - 1)) !== 0n) return this.storeMisaligned(vaddr, size, value);
    const paddr = this.translate(vaddr, 'store');
    if (paddr === undefined) return false;
    if (this.watch?.(vaddr, paddr, size, 'store')) { this.exc = EXC_STOP; return false; }
    const off = this.bus.ram.offsetOf(paddr, size);
    if (off >= 0) {
      if (this.code?.isCode(off, size)) { this.code.invalidateRange(off, size); this.leaveIfAsked(); }
      writeRam(this.bus.ram, off, size, value);
      this.bus.ram.dirty.mark(off, size);
      if (!this.csr.triggers.dataArmed && !this.watchedPage?.(vaddr, paddr)) this.fill('store', vaddr, paddr);
      return true;
    }
    if (!this.bus.write(paddr, size, value)) { this.exception(Exception.StoreAccessFault, vaddr); return false; }
    this.leaveIfAsked();
    return true;
  }

  // QEMU 7.2 performs misaligned loads and stores in software rather than trapping; so do we,
  // byte by byte, with each byte translated. When part of the access faults, mtval is the
  // address of the first byte that faults, as the specification asks and as QEMU 7.2 reports
  // for an access that runs onto a page that faults or past the end of RAM (checked against
  // qemu-system-riscv64 7.2). The one place QEMU departs: a misaligned load entirely where
  // nothing answers reports the address rounded down to the access size (QEMU splits it into
  // aligned loads); we keep the specification's rule there (test/diff/fuzz.test.ts accepts it).
  /**
   * Translate each byte of a misaligned access and give the watchpoints their say; undefined
   * after a fault (mtval is the first faulting byte's address) or a debugger stop.
   */
  private misalignedBytes(vaddr: bigint, size: number, kind: 'load' | 'store'): bigint[] | undefined {
    const paddrs: bigint[] = [];
    for (let i = 0; i < size; i++) {
      const p = this.translate(BigInt.asIntN(64, vaddr + BigInt(i)), kind);
      if (p === undefined) return undefined; // the fault names this byte
      paddrs.push(p);
    }
    if (this.watch?.(vaddr, paddrs[0], size, kind)) { this.exc = EXC_STOP; return undefined; }
    return paddrs;
  }

  private loadMisaligned(vaddr: bigint, size: number): bigint | undefined {
    const paddrs = this.misalignedBytes(vaddr, size, 'load');
    if (!paddrs) return undefined;
    // Lowest address first, so that a fault names the first missing byte.
    let v = 0n;
    for (let i = 0; i < size; i++) {
      const b = this.bus.read(paddrs[i], 1);
      if (b === undefined) { this.exception(Exception.LoadAccessFault, BigInt.asIntN(64, vaddr + BigInt(i))); return undefined; }
      v |= b << BigInt(8 * i);
    }
    this.leaveIfAsked(); // its bytes may be a device's
    return v;
  }

  private storeMisaligned(vaddr: bigint, size: number, value: bigint): boolean {
    const paddrs = this.misalignedBytes(vaddr, size, 'store');
    if (!paddrs) return false;
    // The bytes before a faulting one stay written, as on QEMU 7.2, which stores byte by byte.
    for (let i = 0; i < size; i++) {
      const off = this.bus.ram.offsetOf(paddrs[i], 1);
      if (off >= 0 && this.code?.isCode(off, 1)) this.code.invalidateRange(off, 1);
      if (!this.bus.write(paddrs[i], 1, (value >> BigInt(8 * i)) & 0xffn)) {
        this.exception(Exception.StoreAccessFault, BigInt.asIntN(64, vaddr + BigInt(i)));
        return false;
      }
    }
    this.leaveIfAsked(); // its bytes may be a device's
    return true;
  }

  /** Fetch 16 bits of instruction; undefined after raising the fetch fault. */
  fetch16(vaddr: bigint): number | undefined {
    const paddr = this.translate(vaddr, 'fetch');
    if (paddr === undefined) return undefined;
    const off = this.bus.ram.offsetOf(paddr, 2);
    if (off < 0) { this.exception(Exception.InstructionAccessFault, vaddr); return undefined; }
    return this.bus.ram.ru16[off >>> 1];
  }

  /** Physical RAM page (index from RAM base) that holds vaddr for fetching, or -1. */
  fetchPage(vaddr: bigint): number {
    const paddr = this.translate(vaddr, 'fetch');
    if (paddr === undefined) return -1;
    const off = this.bus.ram.offsetOf(paddr, 2);
    return off < 0 ? -1 : off >>> 12;
  }

  // ---- atomics ---------------------------------------------------------------------------

  // LR/SC as QEMU 7.2 models them: LR remembers the address and the value it loaded; SC
  // succeeds when it names the same address and memory still holds that value, and a failing
  // SC touches no memory (so it raises no alignment or access fault). Any SC ends the
  // reservation, and so does a trap.
  lr(size: 4 | 8, rd: number, rs1: number): boolean {
    const vaddr = this.x[rs1];
    if ((vaddr & BigInt(size - 1)) !== 0n) { this.exception(Exception.LoadMisaligned, vaddr); return false; }
    const off = this.tlbOffset(this.u[2 * rs1] | 0, this.u[2 * rs1 + 1], false);
    const v = off >= 0 ? readRam(this.bus.ram, off, size) : this.load(vaddr, size);
    if (v === undefined) return false;
    this.reservation = vaddr;
    this.reservationValue = v;
    if (rd !== 0) this.x[rd] = BigInt.asIntN(size * 8, v);
    return true;
  }

  sc(size: 4 | 8, rd: number, rs1: number, rs2: number): boolean {
    const vaddr = this.x[rs1];
    const held = this.reservation === vaddr;
    this.reservation = -1n;
    let ok = false;
    if (held) {
      const off = this.tlbOffset(this.u[2 * rs1] | 0, this.u[2 * rs1 + 1], true);
      if (off >= 0) {
        // A store entry: the page is writable RAM, so neither the read nor the write can fault.
        if (readRam(this.bus.ram, off, size) === this.reservationValue) { this.storeRam(off, size, this.x[rs2]); ok = true; }
      } else {
        const cur = this.load(vaddr, size);
        if (cur === undefined) {
          if (this.excCause === Exception.LoadPageFault) this.excCause = Exception.StorePageFault;
          return false;
        }
        if (cur === this.reservationValue) {
          if (!this.store(vaddr, size, this.x[rs2])) return false;
          ok = true;
        }
      }
    }
    if (rd !== 0) this.x[rd] = ok ? 0n : 1n;
    // Another hart got there first (or a trap came between): it is running, let it go on.
    if (!ok && this.handOff) this.exc = EXC_HAND_OFF;
    return true;
  }

  amo(op: AmoOp, size: 4 | 8, rd: number, rs1: number, rs2: number): boolean {
    const vaddr = this.x[rs1];
    // QEMU 7.2 checks an AMO's alignment as a load (mcause 4, load address misaligned),
    // although the specification names the store/AMO cause; we follow QEMU.
    if ((vaddr & BigInt(size - 1)) !== 0n) { this.exception(Exception.LoadMisaligned, vaddr); return false; }
    // Through a store entry of the TLB when there is one (the page is writable RAM, already
    // translated): kernels' atomics and locks hit the same few pages over and over.
    const off = this.tlbOffset(this.u[2 * rs1] | 0, this.u[2 * rs1 + 1], true);
    let paddr: bigint, raw: bigint | undefined;
    if (off >= 0) {
      paddr = BigInt(this.bus.ram.base + off);
      raw = readRam(this.bus.ram, off, size);
    } else {
      const p = this.translate(vaddr, 'store');
      if (p === undefined) return false;
      paddr = p;
      raw = this.load(vaddr, size);
      if (raw === undefined) {
        // QEMU 7.2 reports an AMO on an address with nothing behind it as a load access fault;
        // a page fault is the store/AMO kind, since the page must be writable.
        if (this.excCause === Exception.LoadPageFault) this.excCause = Exception.StorePageFault;
        return false;
      }
    }
    const bitsN = size * 8;
    const a = BigInt.asIntN(bitsN, raw), b = BigInt.asIntN(bitsN, this.x[rs2]);
    const ua = BigInt.asUintN(bitsN, a), ub = BigInt.asUintN(bitsN, b);
    let r: bigint;
    switch (op) {
      case 'swap': r = b; break;
      case 'add': r = a + b; break;
      case 'xor': r = a ^ b; break;
      case 'and': r = a & b; break;
      case 'or': r = a | b; break;
      case 'min': r = a < b ? a : b; break;
      case 'max': r = a > b ? a : b; break;
      case 'minu': r = ua < ub ? a : b; break;
      case 'maxu': r = ua > ub ? a : b; break;
    }
    if (off >= 0) this.storeRam(off, size, BigInt.asUintN(bitsN, r));
    else if (!this.store(vaddr, size, BigInt.asUintN(bitsN, r))) return false;
    if (rd !== 0) this.x[rd] = a;
    // A test-and-set that finds its lock taken (xv6's acquire: an amoswap of 1 that loads 1)
    // leaves memory unchanged and nonzero: some other hart holds it. One that loads 0 and
    // stores nonzero takes the lock; a swap of 0 releases it.
    if (this.handOff && (op === 'swap' || op === 'or')) {
      if (a !== 0n && r === a) { this.exc = EXC_HAND_OFF; this.spinLock = paddr; }
      else if (a === 0n && r !== 0n) { this.heldLocks.push(paddr); if (this.heldLocks.length > HELD_LOCKS) this.heldLocks.shift(); }
      else if (r === 0n) { const i = this.heldLocks.lastIndexOf(paddr); if (i >= 0) this.heldLocks.splice(i, 1); }
    }
    return true;
  }

  // ---- system ----------------------------------------------------------------------------

  illegal(): false {
    this.exception(Exception.IllegalInstruction, BigInt(this.insn >>> 0));
    return false;
  }

  csrOp(kind: CsrKind, num: number, rd: number, src: bigint | number, srcIsZero: boolean): boolean {
    return this.csr.op(kind, num, rd, BigInt(src), srcIsZero);
  }

  mret(): boolean { return mret(this); }
  sret(): boolean { return sret(this); }
  wfi(): boolean { return wfi(this); }
  sfenceVma(rs1: number, rs2: number): boolean { return sfenceVma(this, rs1, rs2); }

  /**
   * Nothing to do: every store into translated code, from a hart, a device's DMA or the
   * debugger, already drops the blocks it overlaps, so fetches always see the latest stores.
   */
  fenceI(): void { /* coherent already */ }

  /** The code-chunk map the translated stores consult (empty until a block cache is attached). */
  get codeChunks(): Uint16Array {
    return this.code?.codeChunks ?? EMPTY_CHUNKS;
  }
}
