// The vocabulary instruction semantics are written in. Each instruction's `emit` returns a
// JavaScript fragment; the block compiler strings fragments together into one function.
//
// Names visible to the fragments (bound by the compiler, see compiler.ts):
//   x    BigInt64Array: x0..x31 at 0..31, pc at PC_SLOT, scratch after it
//   u    Uint32Array over the same buffer (u[2*r] is the low half of register r)
//   i32  Int32Array over the same buffer
//   h    the Hart (slow paths: CSRs, traps, MMIO, AMOs)
//   r8 ru8 r16 ru16 r32 ru32 r64   views of RAM
//   tlR tlRh tlRo tlW tlWh tlWo    the read/write TLBs (tag low, tag high, RAM offset)
//   cc   one byte per CODE_CHUNK bytes of RAM, non-zero where translated code came from
//   ma   the hart's integer loads and stores for this privilege (memAccess.ts)
//   fpu  the hart's FPU (fpu/fpu.ts): fcsr, mstatus.FS as a number, the operations
//   f64 f32 fu fx   views of the floating-point registers (Float64, Float32, Uint32, BigInt64)
// V8 compiles BigInt64Array element arithmetic to native 64-bit code, which is why registers
// are BigInts here; see docs/performance.md for the measurements behind that choice.
import { EXC_HAND_OFF, EXC_LEAVE } from '../cpu/exits.js';

/** How a case of the interpreter's switch leaves the block (Gen.interpLoop; jit/interpreter.ts's epilogue). */
export const enum InterpExit {
  /** Off the block's end: every instruction retired, the pc after the block. */
  End = 0,
  /** At the instruction, not retired (a trap or a debugger stop is pending). */
  Fault = 1,
  /** Retired, to its pc plus its immediate (a taken branch, jal). */
  Taken = 2,
  /** Retired, to the next instruction (a hand-off). */
  Next = 3,
  /** Retired, the pc already written by the slow path. */
  Dynamic = 4,
}

export const PC_SLOT = 32;
/** Scratch slots: the address of a memory access and the value being stored. */
export const ADDR_SLOT = 33;
export const DATA_SLOT = 34;
/**
 * Five scratch slots (ALU_SLOT to ALU_SLOT + 4) for the pieces of one instruction's arithmetic that
 * V8 only lowers to native 64-bit code when they pass through BigInt64Array elements (isa/rv64m.ts).
 */
export const ALU_SLOT = 35;
/**
 * The wasm interpreter's chaining words (jit/wasm/interp.ts), as 32-bit words of the register
 * file: what the caller gives it (how many instructions the blocks it goes on to may retire,
 * the translation generation their links must be of) and what it hands back (the
 * instructions the blocks before the last retired; the front table entry, plus one, of the
 * block it last went into through the table, or 0; which link it took at each step after
 * that block, and how many such steps).
 */
export const CHAIN_SLOT = 40;
export const CHAIN_BUDGET = 2 * CHAIN_SLOT, CHAIN_GEN = CHAIN_BUDGET + 1, CHAIN_PRIOR = CHAIN_BUDGET + 2, CHAIN_PATH = CHAIN_BUDGET + 3,
  CHAIN_STEPS = CHAIN_BUDGET + 4, CHAIN_FRONT = CHAIN_BUDGET + 5;
export const REG_SLOTS = 44;
export const TLB_SIZE = 256;
/** log2 of the granule in which RAM is marked as holding translated code. */
export const CODE_CHUNK_SHIFT = 6;

/**
 * What a block translated into a region (jit/region.ts) knows of it: the blocks it can go on to
 * without the dispatcher (their start pc and their length in instructions), and for jumps
 * through a register the region's page (its pc's high half and the low half's page bits) and
 * its longest block.
 */
export interface RegionPlan {
  members: ReadonlyMap<bigint, number>;
  hi: number;
  pageLo: number;
  maxLen: number;
}

/**
 * A value known when the code is generated, or (in the interpreter) an expression that computes
 * it at run time.
 */
export type Value = bigint | string;

/**
 * A BigInt literal for a 64-bit value, in signed form so it round-trips through BigInt64Array;
 * an expression stays as it is.
 */
export const lit = (v: Value): string => (typeof v === 'string' ? v : `${BigInt.asIntN(64, v)}n`);

/**
 * An operand of a Decoded: its number when one instruction is translated, or, when the
 * interpreter's handler for a kind of instruction is generated, the name of the local that holds
 * it at run time (jit/interpreter.ts passes a Decoded whose fields are those names).
 */
type Operand = number | string;

export class Gen {
  /** Index of the current instruction within the block: instructions retired before it. */
  index = 0;
  /** Instructions already added to h.instret by an earlier sync() in this block. */
  committed = 0;
  pc = 0n;
  len = 4;
  /** The pc the block starts at, and whether any exit jumps back to it. */
  blockStart = -1n;
  loops = false;
  /**
   * What earlier floating-point instructions of this block already established (see
   * isa/float.ts): FS is not Off, frm holds a valid mode, FS is Dirty. Nothing inside a block
   * changes them, since CSR writes and traps end blocks.
   */
  fpEnabled = false;
  frmValid = false;
  fpDirty = false;
  /**
   * Integer loads and stores as calls to the hart's MemAccess (`ma`, jit/memAccess.ts) rather
   * than the TLB check spelled out inline: a block's cold form, which it is translated in
   * first; compiler.ts's promote() translates it again without.
   */
  calls = true;
  /**
   * The hart shares the machine with others (Hart.handOff): `pause` ends the block and the
   * hart's turn; without it, it emits nothing. (AMOs and SC always check h.exc after their slow
   * path, which also says when a device access must end the block: retiredCheck.)
   */
  handOff = false;
  /** The start of the wait loop the current instruction closes, if it closes one (waitLoop.ts). */
  waitStart: bigint | undefined = undefined;
  /**
   * Operands are read at run time rather than known: the fragment becomes the interpreter's
   * handler for every instruction of its kind (jit/interpreter.ts), a function that returns
   * false when it leaves the block. There the instruction's pc is `pcs[i]`, the next one's
   * `pcs[i + 1]`, its immediate as a BigInt `imms[i]`, and `n` counts the instructions of
   * the block retired before it (a fragment that syncs must leave the block); x0 may be
   * written and is zeroed after every instruction and at every exit.
   */
  interp = false;
  /**
   * In the interpreter, the field of an instruction's record (`ops[o + waitField]`) that is
   * non-zero when its taken exit is the back edge of a wait loop (Block.waitStarts): the
   * handler is shared by every instruction of its kind, so the hand-off is read at run time.
   */
  waitField = -1;
  /**
   * In the interpreter, the fragment is a case of the loop's switch rather than a handler: its
   * exits only name how they leave (`ex`, one of InterpExit) and break out of the loop, whose
   * one shared epilogue does the arithmetic. Every exit's own arithmetic would be a site whose
   * type feedback is empty until that exit is first taken, and V8 deoptimizes the whole
   * interpreter at the first run of such a site (the first page fault of an `sd`, the first
   * taken `bge`...).
   */
  interpLoop = false;
  /**
   * The current instruction's exits leave for the dispatcher whatever their target: its flow is
   * 'end' (CSR writes, fences, traps, xRET), after which the dispatcher must look at interrupts
   * and translations again.
   */
  leaves = false;
  /** The region the block is translated into, if any (jit/region.ts). */
  region: RegionPlan | undefined = undefined;

  /** Bring h.instret up to date before a slow path that reads it (CSRs, ecall). */
  sync(): string {
    if (this.interp) return 'h.instret += n; n = 0; ';
    const n = this.index - this.committed;
    this.committed = this.index;
    return n ? `h.instret += ${n}; ` : '';
  }

  get nextPc(): Value { return this.interp ? 'pcs[i + 1]' : BigInt.asIntN(64, this.pc + BigInt(this.len)); }

  /** The pc plus the immediate: a branch's or jal's target. */
  target(imm: Operand): Value {
    return this.interp ? '(pcs[i] + imms[i])' : BigInt.asIntN(64, this.pc + BigInt(imm));
  }

  /** lui's value: the 20-bit immediate in bits 31:12, sign-extended. */
  upper(imm: Operand): Value {
    return this.interp ? `BigInt(${imm} << 12)` : BigInt((Number(imm) << 12) | 0);
  }

  /** auipc's value: the pc plus the upper immediate. */
  pcUpper(imm: Operand): Value {
    return this.interp ? `(pcs[i] + BigInt(${imm} << 12))` : this.pc + BigInt((Number(imm) << 12) | 0);
  }

  /** The immediate as a BigInt expression (sign-extended), and as an unsigned 64-bit one. */
  big(imm: Operand): string { return this.interp ? 'imms[i]' : `${imm}n`; }
  ubig(imm: Operand): string { return this.interp ? 'BigInt.asUintN(64, imms[i])' : `${BigInt.asUintN(64, BigInt(imm))}n`; }

  /** The index of register r's low and high 32-bit halves in the u, i32 and fu views. */
  lo(r: Operand): string { return typeof r === 'string' ? `(${r} << 1)` : `${2 * r}`; }
  hi(r: Operand): string { return typeof r === 'string' ? `((${r} << 1) | 1)` : `${2 * r + 1}`; }

  /** Whether an operand is 0, as a JavaScript boolean expression. */
  isZero(v: Operand): string { return typeof v === 'string' ? `(${v} === 0)` : String(v === 0); }

  reg(r: Operand): string { return r === 0 ? '0n' : `x[${r}]`; }

  /**
   * Whether a < b as unsigned 64-bit numbers, for registers (x0's halves read 0) or a constant
   * b: compared in 32-bit halves, since V8 makes a heap BigInt of every BigInt.asUintN(64, ·)
   * of a negative value (measured: 34 ns and garbage per compare against 4 ns).
   */
  ltu(a: Operand, b: Operand | bigint): string {
    const ah = `u[${this.hi(a)}]`, al = `u[${this.lo(a)}]`;
    let bh: string, bl: string;
    if (typeof b === 'bigint') {
      const v = BigInt.asUintN(64, b);
      bh = String(Number(v >> 32n)); bl = String(Number(v & 0xffffffffn));
    } else { bh = `u[${this.hi(b)}]`; bl = `u[${this.lo(b)}]`; }
    return `(${ah} < ${bh} || (${ah} === ${bh} && ${al} < ${bl}))`;
  }

  /**
   * Whether register a < the sign-extended immediate as unsigned 64-bit numbers (sltiu). In the
   * interpreter the immediate's halves come from its 32-bit local rather than from
   * BigInt.asUintN(64, ·), which allocates for a negative value.
   */
  ltuImm(a: Operand, imm: Operand): string {
    if (typeof imm === 'number') return this.ltu(a, BigInt(imm));
    const ah = `u[${this.hi(a)}]`, bh = `((${imm} >> 31) >>> 0)`;
    return `(${ah} < ${bh} || (${ah} === ${bh} && u[${this.lo(a)}] < (${imm} >>> 0)))`;
  }

  /** Assign a register; writes to x0 vanish but the value is still computed. */
  set(rd: Operand, expr: string): string {
    return rd === 0 ? `${expr};` : `x[${rd}] = ${expr};`;
  }

  /** Leave the block at a known pc, counting this instruction as retired. */
  exit(target: Value): string {
    if (this.interpLoop && target === this.target(0)) return `{ ex = ${InterpExit.Taken}; break run; }`;
    if (this.interpLoop && target === this.nextPc) return `{ ex = ${InterpExit.Next}; break run; }`;
    if (this.interp) {
      // Only a branch's or jal's target (pc + immediate) can close a wait loop.
      const wait = this.waitField >= 0 && target === this.target(0) ? ` if (ops[o + ${this.waitField}] !== 0) h.exc = ${EXC_HAND_OFF};` : '';
      return `{ h.instret += n + 1; x[${PC_SLOT}] = ${lit(target)}; x[0] = 0n;${wait} return false; }`;
    }
    const n = this.index + 1 - this.committed;
    const r = this.region;
    if (r && !this.leaves && typeof target === 'bigint') {
      const len = r.members.get(target);
      if (len !== undefined) {
        // Into another of the region's blocks, without the dispatcher: only while the whole of
        // that block fits the run's budget (as the dispatcher would ask) and no slow-path
        // access since the region was entered may have rewritten code or woken a device.
        // Through the switch even for a jump to the block's own start: V8's optimized code for
        // loops nested in the switch's cases ran at half the speed (docs/performance.md).
        const key = Number(BigInt.asUintN(12, target));
        return `{ h.instret += ${n}; if (sm === 0 && h.instret + ${len} <= h.loopLimit) { at = ${key}; continue loop; } x[${PC_SLOT}] = ${lit(target)}; return; }`;
      }
    }
    if (target === this.waitStart) {
      // The back edge of a wait loop: go round again on a later turn, after the others'.
      return `{ h.exc = ${EXC_HAND_OFF}; h.instret += ${n}; x[${PC_SLOT}] = ${lit(target)}; return; }`;
    }
    if (target === this.blockStart) {
      // A jump back to the block's own start (a tight loop) stays inside the function while a
      // whole further pass fits the run's budget; h.loopLimit drops to 0 when someone asks the
      // machine to stop. The compiler fills in the block's length.
      this.loops = true;
      return `{ h.instret += ${n}; if (h.instret + __BLOCK_LEN__ <= h.loopLimit) continue loop; x[${PC_SLOT}] = ${lit(target)}; return; }`;
    }
    return `{ h.instret += ${n}; x[${PC_SLOT}] = ${lit(target)}; return; }`;
  }

  /**
   * Leave at the next instruction, this one retired, with h.exc left for the dispatcher (a
   * hand-off, or EXC_LEAVE): never on to another block of a loop or region.
   */
  private retired(): string {
    if (this.interpLoop) return `{ ex = ${InterpExit.Next}; break run; }`;
    if (this.interp) return `{ h.instret += n + 1; x[${PC_SLOT}] = pcs[i + 1]; x[0] = 0n; return false; }`;
    return `{ h.instret += ${this.index + 1 - this.committed}; x[${PC_SLOT}] = ${lit(this.nextPc)}; return; }`;
  }

  /**
   * After a slow path that retired its instruction but may ask to leave the block (an AMO, LR,
   * SC: a hand-off on a shared machine, or a device access that changed an interrupt line,
   * EXC_LEAVE): leave at the next instruction with h.exc left for the dispatcher.
   */
  retiredCheck(): string {
    return ` if (h.exc !== 0) ${this.retired()}`;
  }

  /**
   * After a load or store slow path that said the block does not go on: a trap or a stop
   * (h.exc below EXC_HAND_OFF, the instruction did not retire), or EXC_LEAVE (it retired).
   */
  private accessFailed(): string {
    if (this.interpLoop) return `{ ex = h.exc < ${EXC_HAND_OFF} ? ${InterpExit.Fault} : ${InterpExit.Next}; break run; }`;
    return `{ if (h.exc < ${EXC_HAND_OFF}) ${this.fault()} ${this.retired()} }`;
  }

  /** `pause`: leave at the next instruction and hand the turn over; nothing on one hart. */
  handOffNow(): string {
    if (this.interpLoop) return `if (h.handOff) { h.exc = ${EXC_HAND_OFF}; ex = ${InterpExit.Next}; break run; }`;
    if (this.interp) return `if (h.handOff) { h.exc = ${EXC_HAND_OFF}; h.instret += n + 1; x[${PC_SLOT}] = pcs[i + 1]; x[0] = 0n; return false; }`;
    if (!this.handOff) return '';
    return `{ h.exc = ${EXC_HAND_OFF}; h.instret += ${this.index + 1 - this.committed}; x[${PC_SLOT}] = ${lit(this.nextPc)}; return; }`;
  }

  /** Leave the block after the slow path has already written the pc (mret, jalr helper...). */
  exitDynamic(): string {
    if (this.interpLoop) return `{ ex = ${InterpExit.Dynamic}; break run; }`;
    if (this.interp) return '{ h.instret += n + 1; x[0] = 0n; return false; }';
    const r = this.region;
    if (r && !this.leaves) {
      // A jump through a register (a return, mostly) to the region's page goes on in the
      // region if a block of it starts there (the switch's default returns), while its
      // longest block fits the budget.
      const n = this.index + 1 - this.committed;
      return `{ h.instret += ${n}; if (sm === 0 && u[${2 * PC_SLOT + 1}] === ${r.hi} && (u[${2 * PC_SLOT}] & -4096) === ${r.pageLo} && h.instret + ${r.maxLen} <= h.loopLimit) { at = u[${2 * PC_SLOT}] & 4095; continue loop; } return; }`;
    }
    return `{ h.instret += ${this.index + 1 - this.committed}; return; }`;
  }

  /** Leave the block at this instruction without retiring it: a trap or a debugger stop is pending. */
  fault(): string {
    if (this.interpLoop) return `{ ex = ${InterpExit.Fault}; break run; }`;
    if (this.interp) return `{ h.instret += n; x[${PC_SLOT}] = pcs[i]; x[0] = 0n; return false; }`;
    return `{ h.instret += ${this.index - this.committed}; x[${PC_SLOT}] = ${lit(this.pc)}; return; }`;
  }

  /** Run a slow-path call that returns false when it raised a trap. */
  guard(call: string): string {
    return `if (!${call}) ${this.fault()}`;
  }

  /**
   * In a region, a slow-path access may have rewritten translated code (a store into it, or a
   * device's DMA): the region leaves at its next jump between blocks, as if each block had been
   * dispatched. (One that changed an interrupt line leaves at once: EXC_LEAVE.)
   */
  private slowMark(): string { return this.region ? 'sm = 1; ' : ''; }

  /**
   * A load through the TLB fast path: aligned RAM accesses on a page the TLB knows are one
   * compare and one typed-array read; everything else (MMIO, misaligned, TLB miss, a watched
   * page) goes to the hart's slow path, which may raise a trap.
   */
  load(rd: Operand, rs1: Operand, imm: Operand, size: 1 | 2 | 4 | 8, signed: boolean): string {
    if (this.calls) {
      const name = { 1: signed ? 'lb' : 'lbu', 2: signed ? 'lh' : 'lhu', 4: signed ? 'lw' : 'lwu', 8: 'ld' }[size];
      return `if (!ma.${name}(${rd}, ${rs1}, ${imm})) ${this.accessFailed()}`;
    }
    const view = { 1: signed ? 'r8' : 'ru8', 2: signed ? 'r16' : 'ru16', 4: signed ? 'r32' : 'ru32', 8: 'r64' }[size];
    const shift = { 1: 0, 2: 1, 4: 2, 8: 3 }[size];
    const read = size === 8 ? `${view}[o >>> 3]` : `BigInt(${view}[o${shift ? ` >>> ${shift}` : ''}])`;
    return this.loadVia(rs1, imm, size, this.set(rd, read), signed, this.set(rd, 'v'));
  }

  /**
   * The TLB check of a load: `hit` runs with the RAM byte offset in `o`, `miss` with the
   * zero- or sign-extended value from the slow path in `v`.
   */
  loadVia(rs1: Operand, imm: Operand, size: 1 | 2 | 4 | 8, hit: string, signed: boolean, miss: string): string {
    const align = size === 1 ? '' : ` && (lo & ${size - 1}) === 0`;
    return `x[${ADDR_SLOT}] = ${this.reg(rs1)} + ${this.big(imm)};
{ const lo = u[${2 * ADDR_SLOT}], e = (lo >>> 12) & ${TLB_SIZE - 1};
  if (tlR[e] === (lo & -4096) && tlRh[e] === u[${2 * ADDR_SLOT + 1}]${align}) { const o = tlRo[e] + (lo & 4095); ${hit} }
  else { ${this.slowMark()}const v = h.loadSlow(${size}, ${signed}); if (h.exc !== 0 && h.exc < ${EXC_HAND_OFF}) ${this.fault()} ${miss} if (h.exc === ${EXC_LEAVE}) ${this.retired()} } }`;
  }

  /** A store through the TLB fast path; a store into translated code takes the slow path. */
  store(rs2: Operand, rs1: Operand, imm: Operand, size: 1 | 2 | 4 | 8): string {
    if (this.calls) {
      const name = { 1: 'sb', 2: 'sh', 4: 'sw', 8: 'sd' }[size];
      return `if (!ma.${name}(${rs2}, ${rs1}, ${imm})) ${this.accessFailed()}`;
    }
    const view = { 1: 'ru8', 2: 'ru16', 4: 'r32', 8: 'r64' }[size];
    const shift = { 1: 0, 2: 1, 4: 2, 8: 3 }[size];
    const value = size === 8 ? this.reg(rs2) : size === 4 ? `i32[${this.lo(rs2)}]` : `u[${this.lo(rs2)}]`;
    return this.storeVia(rs1, imm, size, `${view}[o${shift ? ` >>> ${shift}` : ''}] = ${value};`, this.reg(rs2));
  }

  /**
   * The TLB check of a store: `hit` writes RAM at byte offset `o`; otherwise the slow path
   * stores `value` (a BigInt expression).
   */
  storeVia(rs1: Operand, imm: Operand, size: 1 | 2 | 4 | 8, hit: string, value: string): string {
    const align = size === 1 ? '' : ` && (lo & ${size - 1}) === 0`;
    return `x[${ADDR_SLOT}] = ${this.reg(rs1)} + ${this.big(imm)};
{ const lo = u[${2 * ADDR_SLOT}], e = (lo >>> 12) & ${TLB_SIZE - 1};
  let o = -1;
  if (tlW[e] === (lo & -4096) && tlWh[e] === u[${2 * ADDR_SLOT + 1}]${align}) { o = tlWo[e] + (lo & 4095); if (cc[o >>> ${CODE_CHUNK_SHIFT}] !== 0) o = -1; }
  if (o >= 0) ${hit}
  else { ${this.slowMark()}x[${DATA_SLOT}] = ${value}; if (!h.storeSlow(${size})) ${this.accessFailed()} } }`;
  }
}
