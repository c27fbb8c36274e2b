// What an instruction's WebAssembly emitter (InsnDef.wasm, beside its JavaScript `emit`) writes
// into: the function's code, with the guest's integer registers as i64 locals. A function
// built from these loads the registers it uses from the hart's register file (in the arena,
// memory/arena.ts) at entry and stores those it wrote at exit. x0 reads as the constant 0 and a
// write to it is dropped, as the ISA says.
//
// Arithmetic on registers and immediates needs nothing else. Branches, jumps, loads and stores
// also need the region they are in (jit/wasm/region.ts sets `region` and the position fields):
// where the hart's state lies in the arena, which blocks a jump may go on to, and the labels of
// the function's loop and exit. Nothing in the function calls out: whatever would need the hart
// (a TLB miss, MMIO, a store into code, a misaligned access) leaves *before* the instruction,
// unretired, with the pc at it, and the dispatcher runs it in JavaScript; a kind without an
// emitter keeps its block out of the wasm region.
//
// The same emitters also make the wasm interpreter (jit/wasm/interp.ts): there the operands
// are the names of the fields of an instruction record (Operand), read at run time, the
// registers live in the hart's register file rather than in locals, and whatever would leave
// a region leaves the interpreter's function instead, which its caller reads as how the
// block ends.
import { Code, Op, ValType } from './encoder.js';
import { TLB_SIZE, TlbArray } from '../../cpu/tlb.js';
import { CODE_CHUNK_SHIFT, InterpExit, PC_SLOT } from '../codegen.js';
import { F_IMM, F_RAW, F_RD, F_RS1, F_RS2 } from '../records.js';

/** Where a region's function finds the hart's state: byte offsets in the arena. */
export interface WasmLayout {
  /** x0's slot; x1..x31 and the pc follow, 8 bytes each. */
  readonly regs: number;
  /** The TLB of the privilege the region runs at (its arrays in TlbArray order). */
  readonly tlb: number;
  /** The code-chunk marks, 2 bytes per 64 bytes of RAM. */
  readonly codeChunks: number;
  readonly ram: number;
}

/** A block of the region a jump can go on to: its pc, its case in the function, its length. */
export interface WasmMember { readonly pc: bigint; readonly index: number; readonly len: number }

/** What the region's code needs beyond the arithmetic (set by jit/wasm/region.ts). */
export interface WasmRegion {
  readonly layout: WasmLayout;
  readonly members: ReadonlyMap<bigint, WasmMember>;
  /** Nesting depths of the function's dispatch loop and of its exit block (see `br`). */
  readonly loopLevel: number;
  readonly exitLevel: number;
}

/** The function's fixed locals: its parameter, then what every region uses. */
export const enum L {
  /** Parameter: the instructions the run may retire (h.loopLimit - h.instret, clamped). */
  Budget = 0,
  /** Instructions retired so far, the function's result. */
  Retired = 1,
  /** The pc it leaves at, stored into the pc's slot at the exit. */
  PcOut = 2,
  /** The case (member index) the loop's br_table goes to next. */
  At = 3,
  /** A memory access's address, its low half, its TLB entry's byte index, its RAM offset. */
  Addr = 4,
  Lo = 5,
  Entry = 6,
  Off = 7,
  /**
   * The last page a load and a store went through the TLB to: its virtual page and RAM page
   * offset. Nothing inside the function changes the TLB, so for the rest of the call an
   * access to the same page needs one compare instead of the TLB's lookup. NO_PAGE when none
   * yet.
   */
  LoadPage = 8,
  LoadAt = 9,
  StorePage = 10,
  StoreAt = 11,
}
/**
 * LoadPage's and StorePage's value before the first access: translate compares the address
 * masked with the page and the alignment bits, which can be 1 (a misaligned halfword in page 0)
 * but never has bit 11 set.
 */
const NO_PAGE = 0x800n;
const FIXED: readonly ValType[] = [ValType.I32, ValType.I64, ValType.I32, ValType.I64, ValType.I32, ValType.I32, ValType.I32,
  ValType.I64, ValType.I32, ValType.I64, ValType.I32];

/**
 * An operand: a register number or immediate, known when the code is made, or in the
 * interpreter the name of the record field it is read from at run time (interp.ts's symbolic
 * instruction, as the JavaScript interpreter's).
 */
export type Operand = number | string;

/** The record fields operands are read from (32-bit words). */
const FIELD: Readonly<Record<string, number>> = { rd: F_RD, rs1: F_RS1, rs2: F_RS2, imm: F_IMM };

/** How the interpreter's function ends a block (its result's low 3 bits; the index is above them). */
export const enum WasmExit {
  /** Off the block's end, every instruction retired. */
  End = 0,
  /** Retired, to its pc plus its immediate (a taken branch, jal), as the JavaScript loop's. */
  Taken = InterpExit.Taken,
  /** Retired, the target already in the pc's slot (jalr), as the JavaScript loop's. */
  Dynamic = InterpExit.Dynamic,
  /** Before the instruction, unretired: the JavaScript interpreter runs the block on from it. */
  Stop = 7,
}

/**
 * What the interpreter's emitters need beyond a region's: locals for where the block's pcs
 * are and for how it ends (a WasmExit), and the depth of the block its exits go to.
 */
export interface WasmInterp { readonly pcs: number; readonly temp: number; readonly exit: number; readonly endedLevel: number }

/** log2 of an access width. */
const LOG2 = { 1: 0, 2: 1, 4: 2, 8: 3 } as const;

export class WasmGen {
  readonly code = new Code();
  /** Local of each register used so far (index = register), -1 where none. */
  readonly regLocal = new Int32Array(32).fill(-1);
  /** Registers written, for the stores at exit. */
  readonly written = new Uint8Array(32);
  /** Every local's type, in order (the registers' and the scratch ones). */
  readonly locals: ValType[] = [];
  private readonly free = new Map<ValType, number[]>();

  /** The region being emitted into, when there is one (branches, jumps and memory need it). */
  region: WasmRegion | undefined = undefined;
  /**
   * Set in the interpreter (its region has no members, its loop is the one over the block's
   * records and its exit the stop): L.Budget is then the record's address, L.Retired the
   * record's index in its block and L.At the block's record count.
   */
  interp: WasmInterp | undefined = undefined;
  /** The current instruction: its index in its block, its pc and length. */
  index = 0;
  pc = 0n;
  len = 4;
  /** Blocks open around the current code (the region's cases and loop, and this emitter's own ifs). */
  nest = 0;
  /** The case being emitted, and the depth of the loop around its code: a jump to its own start goes round that. */
  member = -1;
  memberLoop = 0;

  /**
   * Locals before the first of this function's own (its parameters). With `fixed`, the
   * first of its own are a region's (enum L: one parameter, then the rest).
   */
  constructor(readonly params = 0, fixed = false) {
    if (fixed) for (const t of FIXED) this.local(t);
  }

  private local(type: ValType): number {
    this.locals.push(type);
    return this.params + this.locals.length - 1;
  }

  /** The local that holds register r (r > 0). */
  regIndex(r: number): number {
    if (this.regLocal[r] < 0) this.regLocal[r] = this.local(ValType.I64);
    return this.regLocal[r];
  }

  /** Push the record field an operand names (interpreter), as an i32. */
  private field(name: string): this {
    const f = FIELD[name];
    if (f === undefined) throw new Error(`wasm interpreter: no record field for operand ${name}`);
    this.code.get(L.Budget).mem(Op.i32_load, 2, 4 * f);
    return this;
  }

  /** The byte address of the register an operand names, in the register file (interpreter). */
  private slotOf(name: string): void {
    this.field(name).code.i32(3).op(Op.i32_shl);
  }

  /** Push register r's value. */
  reg(r: Operand): this {
    if (typeof r === 'string') { this.slotOf(r); this.code.mem(Op.i64_load, 3, this.r.layout.regs); } else if (r === 0) this.code.i64(0n);
    else this.code.get(this.regIndex(r));
    return this;
  }

  /**
   * Pop a value into register rd (dropped for x0). In the interpreter a write to x0 lands in
   * its slot, which is zeroed after each instruction.
   */
  set(rd: Operand): this {
    if (typeof rd === 'string') {
      const t = this.interp!.temp;
      this.code.set(t);
      this.slotOf(rd);
      this.code.get(t).mem(Op.i64_store, 3, this.r.layout.regs);
      return this;
    }
    if (rd === 0) { this.code.op(Op.drop); return this; }
    this.written[rd] = 1;
    this.code.set(this.regIndex(rd));
    return this;
  }

  /** Push an immediate, sign-extended to 64 bits. */
  imm(v: Operand | bigint): this {
    if (typeof v === 'string') this.field(v).code.op(Op.i64_extend_i32_s); else this.code.i64(BigInt(v));
    return this;
  }

  /** Push an immediate as an i32. */
  imm32(v: Operand): this {
    if (typeof v === 'string') this.field(v); else this.code.i32(v);
    return this;
  }

  /** The pc of the instruction `k` records on from the current one (interpreter: from the block's pcs). */
  pcAt(k: 0 | 1): void {
    if (!this.interp) { this.imm(k === 0 ? this.pc : BigInt.asIntN(64, this.pc + BigInt(this.len))); return; }
    this.code.get(this.interp.pcs).get(L.Retired).i32(3).op(Op.i32_shl).op(Op.i32_add).mem(Op.i64_load, 3, 8 * k);
  }

  /** lui: rd = the 20-bit immediate shifted to bits 31..12, sign-extended. */
  upper(rd: Operand, imm: Operand): void {
    if (typeof imm === 'number') this.imm((imm << 12) | 0);
    else this.imm32(imm).code.i32(12).op(Op.i32_shl).op(Op.i64_extend_i32_s);
    this.set(rd);
  }

  /** auipc: rd = the instruction's pc plus the upper immediate. */
  pcUpper(rd: Operand, imm: Operand): void {
    if (typeof imm === 'number') this.imm(BigInt.asIntN(64, this.pc + BigInt((imm << 12) | 0)));
    else { this.pcAt(0); this.imm32(imm).code.i32(12).op(Op.i32_shl).op(Op.i64_extend_i32_s).op(Op.i64_add); }
    this.set(rd);
  }

  /** A scratch local of a type, for one emitter's use between take and give. */
  take(type: ValType): number {
    const pool = this.free.get(type);
    if (pool && pool.length > 0) return pool.pop()!;
    return this.local(type);
  }

  give(type: ValType, i: number): void {
    const pool = this.free.get(type) ?? [];
    pool.push(i);
    this.free.set(type, pool);
  }

  // ---- the shapes of most integer instructions ---------------------------------------

  /** rd = rs1 op rs2, and sign-extended from 32 bits when `word`. */
  rr(rd: Operand, rs1: Operand, rs2: Operand, op: Op, word = false): void {
    this.reg(rs1).reg(rs2).code.op(op);
    if (word) this.code.op(Op.i64_extend32_s);
    this.set(rd);
  }

  /** rd = rs1 op imm, and sign-extended from 32 bits when `word`. */
  ri(rd: Operand, rs1: Operand, imm: Operand | bigint, op: Op, word = false): void {
    this.reg(rs1).imm(imm).code.op(op);
    if (word) this.code.op(Op.i64_extend32_s);
    this.set(rd);
  }

  /** rd = (rs1 cmp rs2 or imm) ? 1 : 0. */
  compare(rd: Operand, rs1: Operand, b: { reg: Operand } | { imm: Operand }, cmp: Op): void {
    this.reg(rs1);
    if ('reg' in b) this.reg(b.reg); else this.imm(b.imm);
    this.code.op(cmp).op(Op.i64_extend_i32_u);
    this.set(rd);
  }

  /** A 32-bit operation on the low words (the *W shifts): rd = sext32(lo(rs1) op b). */
  word(rd: Operand, rs1: Operand, b: { reg: Operand } | { imm: Operand }, op: Op): void {
    this.reg(rs1).code.op(Op.i32_wrap_i64);
    if ('reg' in b) this.reg(b.reg).code.op(Op.i32_wrap_i64); else this.imm32(b.imm);
    this.code.op(op).op(Op.i64_extend_i32_s);
    this.set(rd);
  }

  /**
   * Division and remainder as RISC-V defines them where WebAssembly traps: by zero the
   * quotient is all ones and the remainder the dividend; the signed overflow (the most
   * negative value over -1) gives the dividend and a remainder of 0 (vol. I, §13.2). With
   * `word`, on the low 32 bits (sign- or zero-extended first) and the result sign-extended.
   */
  divide(rd: Operand, rs1: Operand, rs2: Operand, kind: 'div' | 'divu' | 'rem' | 'remu', word = false): void {
    const c = this.code, a = this.take(ValType.I64), b = this.take(ValType.I64);
    const signed = kind === 'div' || kind === 'rem', rem = kind === 'rem' || kind === 'remu';
    const widen = (r: Operand): void => {
      this.reg(r);
      if (word) c.op(Op.i32_wrap_i64).op(signed ? Op.i64_extend_i32_s : Op.i64_extend_i32_u);
    };
    widen(rs1); c.set(a);
    widen(rs2); c.set(b);
    c.get(b).op(Op.i64_eqz).block(Op.if, ValType.I64);
    if (rem) c.get(a); else c.i64(-1n);
    c.op(Op.else);
    // In 32 bits the overflow cannot happen in 64-bit arithmetic on the widened values.
    const overflow = signed && !word;
    if (overflow) {
      c.get(a).i64(-(1n << 63n)).op(Op.i64_eq).get(b).i64(-1n).op(Op.i64_eq).op(Op.i32_and).block(Op.if, ValType.I64);
      if (rem) c.i64(0n); else c.get(a);
      c.op(Op.else);
    }
    c.get(a).get(b).op(kind === 'div' ? Op.i64_div_s : kind === 'divu' ? Op.i64_div_u : kind === 'rem' ? Op.i64_rem_s : Op.i64_rem_u);
    if (overflow) c.end();
    c.end();
    if (word) c.op(Op.i64_extend32_s);
    this.set(rd);
    this.give(ValType.I64, a); this.give(ValType.I64, b);
  }

  /**
   * The high 64 bits of the 128-bit product (mulh, mulhsu, mulhu), which WebAssembly has no
   * instruction for: the unsigned product from four 32x32-bit ones, then for each signed
   * operand that is negative the other operand taken off (a - 2^64 for a's value).
   */
  mulHigh(rd: Operand, rs1: Operand, rs2: Operand, kind: 'mulh' | 'mulhsu' | 'mulhu'): void {
    const c = this.code, I64 = ValType.I64;
    const a = this.take(I64), b = this.take(I64), lo = this.take(I64), cross1 = this.take(I64), cross2 = this.take(I64);
    const half = (v: number, high: boolean): void => {
      c.get(v);
      if (high) c.i64(32n).op(Op.i64_shr_u); else c.i64(0xffffffffn).op(Op.i64_and);
    };
    this.reg(rs1); c.set(a);
    this.reg(rs2); c.set(b);
    half(a, false); half(b, false); c.op(Op.i64_mul).set(lo);
    half(a, false); half(b, true); c.op(Op.i64_mul).set(cross1);
    half(a, true); half(b, false); c.op(Op.i64_mul).set(cross2);
    // high(a)*high(b) + the crosses' high halves + the carry out of the middle 32 bits.
    half(a, true); half(b, true); c.op(Op.i64_mul);
    half(cross1, true); c.op(Op.i64_add);
    half(cross2, true); c.op(Op.i64_add);
    half(lo, true); half(cross1, false); c.op(Op.i64_add); half(cross2, false); c.op(Op.i64_add);
    c.i64(32n).op(Op.i64_shr_u).op(Op.i64_add);
    // Signed operands: a negative one counts as itself less 2^64, which takes the other off the high half.
    const fix = (neg: number, other: number): void => {
      c.get(other).i64(0n).get(neg).i64(0n).op(Op.i64_lt_s).op(Op.select).op(Op.i64_sub);
    };
    if (kind !== 'mulhu') fix(a, b);
    if (kind === 'mulh') fix(b, a);
    this.set(rd);
    for (const t of [a, b, lo, cross1, cross2]) this.give(I64, t);
  }

  // ---- control flow and memory: only inside a region -----------------------------------

  private get r(): WasmRegion {
    if (!this.region) throw new Error('a branch, jump or memory access needs its region');
    return this.region;
  }

  /** Branch out to the block at nesting depth `level`. */
  private br(level: number): void { this.code.br(Op.br, this.nest - level); }

  private retire(k: number): void {
    if (k !== 0) this.code.get(L.Retired).i32(k).op(Op.i32_add).set(L.Retired);
  }

  /** Leave before the current instruction, unretired, the pc at it: the dispatcher runs it. */
  exitBefore(): void {
    if (this.interp) { this.br(this.r.exitLevel); return; }
    this.retire(this.index);
    this.code.i64(this.pc).set(L.PcOut);
    this.br(this.r.exitLevel);
  }

  /**
   * Leave before the current instruction when it is the one raw word `word` (which the
   * instruction's wasm form does not cover): known here in a region (`is`), read from its
   * record in the interpreter.
   */
  exitBeforeWord(word: number, is: boolean): void {
    if (!this.interp) { if (is) this.exitBefore(); return; }
    this.code.get(L.Budget).mem(Op.i32_load, 2, 4 * F_RAW).i32(word | 0).op(Op.i32_eq);
    this.when(() => this.exitBefore());
  }

  /** Emit `then` inside `if` (the condition on the stack), keeping the nesting count. */
  private when(then: () => void): void {
    this.code.block(Op.if);
    this.nest++;
    then();
    this.code.end();
    this.nest--;
  }

  /**
   * On to member m's case, with the condition on the stack (that m fits the budget): round
   * the current case's own loop when m is that case, else through the br_table.
   */
  private goOn(m: WasmMember): void {
    this.when(() => {
      if (m.index === this.member) this.br(this.memberLoop);
      else { this.code.i32(m.index).set(L.At); this.br(this.r.loopLevel); }
    });
  }

  /**
   * The current instruction retired, go to `target`: on to its block in the region while the
   * whole of that block fits the budget (as the dispatcher would ask), else leave there.
   */
  jumpTo(target: bigint): void {
    const c = this.code, r = this.r;
    this.retire(this.index + 1);
    const m = r.members.get(target);
    if (m) {
      c.get(L.Retired).i32(m.len).op(Op.i32_add).get(L.Budget).op(Op.i32_le_s);
      this.goOn(m);
    }
    c.i64(target).set(L.PcOut);
    this.br(r.exitLevel);
  }

  /** The same for a target computed into PcOut (jalr): on in the region if a block starts there. */
  jumpDynamic(): void {
    const c = this.code, r = this.r;
    this.retire(this.index + 1);
    for (const m of r.members.values()) {
      c.get(L.PcOut).i64(m.pc).op(Op.i64_eq).get(L.Retired).i32(m.len).op(Op.i32_add).get(L.Budget).op(Op.i32_le_s).op(Op.i32_and);
      this.goOn(m);
    }
    this.br(r.exitLevel);
  }

  /**
   * Leave the interpreter's block after the current instruction, retired, the way `exit`
   * names, with the pc it goes to in PcOut (a taken branch's or jal's worked out here).
   */
  private leave(exit: WasmExit.Taken | WasmExit.Dynamic): void {
    const c = this.code, ip = this.interp!;
    if (exit === WasmExit.Taken) {
      this.pcAt(0);
      c.get(L.Budget).mem(Op.i32_load, 2, 4 * F_IMM).op(Op.i64_extend_i32_s).op(Op.i64_add).set(L.PcOut);
    }
    c.get(L.Retired).i32(1).op(Op.i32_add).set(L.Retired);
    c.i32(exit).set(ip.exit);
    this.br(ip.endedLevel);
  }

  /** To pc + `offset` (a branch's or jal's immediate). */
  private jumpBy(offset: Operand): void {
    if (typeof offset === 'number') this.jumpTo(BigInt.asIntN(64, this.pc + BigInt(offset)));
    else this.leave(WasmExit.Taken);
  }

  /** A conditional branch: `cmp` over rs1 and rs2 (i64 comparison), taken to pc + `offset`. */
  branch(rs1: Operand, rs2: Operand, cmp: Op, offset: Operand): void {
    this.reg(rs1).reg(rs2).code.op(cmp);
    this.when(() => this.jumpBy(offset));
  }

  /** jal: rd = the next pc, on to pc + `offset`. */
  jump(rd: Operand, offset: Operand): void {
    if (rd !== 0) { this.pcAt(1); this.set(rd); }
    this.jumpBy(offset);
  }

  /** jalr: the target from rs1 before rd is written (they may be one register). */
  jumpReg(rd: Operand, rs1: Operand, imm: Operand): void {
    this.reg(rs1).imm(imm).code.op(Op.i64_add).i64(-2n).op(Op.i64_and).set(L.PcOut);
    if (rd !== 0) { this.pcAt(1); this.set(rd); }
    if (this.interp) this.leave(WasmExit.Dynamic); else this.jumpDynamic();
  }

  /**
   * Leave the RAM offset of rs1 + imm in Off: from the page the last access of its kind used
   * (page, at: L.LoadPage, L.LoadAt or the store's), else through the TLB's arrays `tag`,
   * `high` and `off` (TlbArray), which then becomes that page; or leave the region before the
   * instruction on a miss or a misaligned address.
   */
  private translate(rs1: Operand, imm: Operand, size: 1 | 2 | 4 | 8, page: L, pageAt: L, tag: TlbArray, high: TlbArray, off: TlbArray): void {
    const c = this.code, tlb = this.r.layout.tlb, at = (k: TlbArray): number => tlb + k * 4 * TLB_SIZE;
    // Masked with the alignment bits too, so a misaligned address never matches the page.
    this.reg(rs1).imm(imm).code.op(Op.i64_add).tee(L.Addr).i64(BigInt(-4096 | (size - 1))).op(Op.i64_and).get(page).op(Op.i64_eq)
      .block(Op.if, ValType.I32);
    this.nest++;
    c.get(L.Addr).op(Op.i32_wrap_i64).i32(4095).op(Op.i32_and).get(pageAt).op(Op.i32_add);
    c.op(Op.else);
    c.get(L.Addr).op(Op.i32_wrap_i64).tee(L.Lo)
      .i32(12).op(Op.i32_shr_u).i32(TLB_SIZE - 1).op(Op.i32_and).i32(2).op(Op.i32_shl).tee(L.Entry)
      .mem(Op.i32_load, 2, at(tag)).get(L.Lo).i32(-4096).op(Op.i32_and).op(Op.i32_ne)
      .get(L.Entry).mem(Op.i32_load, 2, at(high)).get(L.Addr).i64(32n).op(Op.i64_shr_u).op(Op.i32_wrap_i64).op(Op.i32_ne).op(Op.i32_or);
    if (size > 1) c.get(L.Lo).i32(size - 1).op(Op.i32_and).op(Op.i32_or);
    this.when(() => this.exitBefore());
    c.get(L.Addr).i64(-4096n).op(Op.i64_and).set(page);
    c.get(L.Entry).mem(Op.i32_load, 2, at(off)).tee(pageAt).get(L.Lo).i32(4095).op(Op.i32_and).op(Op.i32_add);
    c.end();
    this.nest--;
    c.set(L.Off);
  }

  /** rd = the value at rs1 + imm, zero- or sign-extended to 64 bits. */
  load(rd: Operand, rs1: Operand, imm: Operand, size: 1 | 2 | 4 | 8, signed: boolean): void {
    this.translate(rs1, imm, size, L.LoadPage, L.LoadAt, TlbArray.R, TlbArray.Rh, TlbArray.Ro);
    const op = size === 8 ? Op.i64_load : size === 4 ? (signed ? Op.i64_load32_s : Op.i64_load32_u)
      : size === 2 ? (signed ? Op.i64_load16_s : Op.i64_load16_u) : (signed ? Op.i64_load8_s : Op.i64_load8_u);
    this.code.get(L.Off).mem(op, LOG2[size], this.r.layout.ram);
    this.set(rd);
  }

  /** Leave in Off the RAM offset a store to rs1 + imm writes, through the store's TLB; before translated code it leaves. */
  private storeTarget(rs1: Operand, imm: Operand, size: 1 | 2 | 4 | 8): void {
    this.translate(rs1, imm, size, L.StorePage, L.StoreAt, TlbArray.W, TlbArray.Wh, TlbArray.Wo);
    this.code.get(L.Off).i32(CODE_CHUNK_SHIFT).op(Op.i32_shr_u).i32(1).op(Op.i32_shl).mem(Op.i32_load16_u, 1, this.r.layout.codeChunks);
    this.when(() => this.exitBefore());
  }

  /** Store the low `size` bytes of rs2 at rs1 + imm; into translated code it leaves instead. */
  store(rs2: Operand, rs1: Operand, imm: Operand, size: 1 | 2 | 4 | 8): void {
    const c = this.code, layout = this.r.layout;
    this.storeTarget(rs1, imm, size);
    c.get(L.Off);
    this.reg(rs2);
    c.mem(size === 8 ? Op.i64_store : size === 4 ? Op.i64_store32 : size === 2 ? Op.i64_store16 : Op.i64_store8, LOG2[size], layout.ram);
  }

  /**
   * An AMO of `size` bytes at rs1 (rd = the old value, sign-extended) that needs nothing of the
   * hart (not swap or or, whose lock hand-off on several harts is Hart.amo's): read and written
   * through the store's TLB entry, as Hart.amo does, leaving before it on a miss, a misaligned
   * address or translated code. `combine` pushes the new value from the old (sign-extended to
   * 64 bits in local `old`) and rs2 (the same, in `src`); storing its low bytes is the width's
   * wrap-around.
   */
  amo(rd: Operand, rs1: Operand, rs2: Operand, size: 4 | 8, combine: (old: number, src: number) => void): void {
    const c = this.code, layout = this.r.layout;
    this.storeTarget(rs1, 0, size);
    const old = this.take(ValType.I64), src = this.take(ValType.I64);
    c.get(L.Off).mem(size === 8 ? Op.i64_load : Op.i64_load32_s, LOG2[size], layout.ram).set(old);
    this.reg(rs2);
    if (size === 4) c.op(Op.i64_extend32_s);
    c.set(src);
    c.get(L.Off);
    combine(old, src);
    c.mem(size === 8 ? Op.i64_store : Op.i64_store32, LOG2[size], layout.ram);
    c.get(old);
    this.set(rd);
    this.give(ValType.I64, src);
    this.give(ValType.I64, old);
  }

  /** The code that loads the registers used from their slots (the function's first). */
  prologue(): Code {
    const c = new Code(), regs = this.r.layout.regs;
    c.i64(NO_PAGE).set(L.LoadPage).i64(NO_PAGE).set(L.StorePage);
    for (let r = 1; r < 32; r++) if (this.regLocal[r] >= 0) c.i32(0).mem(Op.i64_load, 3, regs + 8 * r).set(this.regLocal[r]);
    return c;
  }

  /** Store what was written, and the pc left at, back into the slots; return the count. */
  epilogue(): void {
    const c = this.code, regs = this.r.layout.regs;
    for (let r = 1; r < 32; r++) if (this.written[r]) c.i32(0).get(this.regLocal[r]).mem(Op.i64_store, 3, regs + 8 * r);
    c.i32(0).get(L.PcOut).mem(Op.i64_store, 3, regs + 8 * PC_SLOT);
    c.get(L.Retired);
  }
}
