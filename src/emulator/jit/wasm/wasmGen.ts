// What an instruction's WebAssembly emitter (InsnDef.wasm, beside its JavaScript `emit`) writes
// into: the function's code, with the guest's integer registers as i64 locals. A function
// built from these loads the registers it uses from the hart's register file (in the arena,
// memory/arena.ts) at entry and stores those it wrote at exit. x0 reads as the constant 0 and a
// write to it is dropped, as the ISA says.
//
// Only what stays inside the function is here: integer arithmetic on registers and immediates.
// Everything that would need the hart (a CSR, a trap, a slow path) is an exit the caller
// writes; a kind without an emitter keeps its region in JavaScript.
import { Code, Op, ValType } from './encoder.js';

export class WasmGen {
  readonly code = new Code();
  /** Local of each register used so far (index = register), -1 where none. */
  readonly regLocal = new Int32Array(32).fill(-1);
  /** Registers written, for the stores at exit. */
  readonly written = new Uint8Array(32);
  /** Every local's type, in order (the registers' and the scratch ones). */
  readonly locals: ValType[] = [];
  private readonly free = new Map<ValType, number[]>();

  /** Locals before the first of this function's own (its parameters). */
  constructor(readonly params = 0) {}

  private local(type: ValType): number {
    this.locals.push(type);
    return this.params + this.locals.length - 1;
  }

  /** The local that holds register r (r > 0). */
  regIndex(r: number): number {
    if (this.regLocal[r] < 0) this.regLocal[r] = this.local(ValType.I64);
    return this.regLocal[r];
  }

  /** Push register r's value. */
  reg(r: number): this {
    if (r === 0) this.code.i64(0n);
    else this.code.get(this.regIndex(r));
    return this;
  }

  /** Pop a value into register rd (dropped for x0). */
  set(rd: number): this {
    if (rd === 0) { this.code.op(Op.drop); return this; }
    this.written[rd] = 1;
    this.code.set(this.regIndex(rd));
    return this;
  }

  imm(v: number | bigint): this { this.code.i64(BigInt(v)); return this; }

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
  rr(rd: number, rs1: number, rs2: number, op: Op, word = false): void {
    this.reg(rs1).reg(rs2).code.op(op);
    if (word) this.code.op(Op.i64_extend32_s);
    this.set(rd);
  }

  /** rd = rs1 op imm, and sign-extended from 32 bits when `word`. */
  ri(rd: number, rs1: number, imm: number | bigint, op: Op, word = false): void {
    this.reg(rs1).imm(imm).code.op(op);
    if (word) this.code.op(Op.i64_extend32_s);
    this.set(rd);
  }

  /** rd = (rs1 cmp rs2 or imm) ? 1 : 0. */
  compare(rd: number, rs1: number, b: { reg: number } | { imm: number }, cmp: Op): void {
    this.reg(rs1);
    if ('reg' in b) this.reg(b.reg); else this.imm(b.imm);
    this.code.op(cmp).op(Op.i64_extend_i32_u);
    this.set(rd);
  }

  /** A 32-bit operation on the low words (the *W shifts): rd = sext32(lo(rs1) op b). */
  word(rd: number, rs1: number, b: { reg: number } | { imm: number }, op: Op): void {
    this.reg(rs1).code.op(Op.i32_wrap_i64);
    if ('reg' in b) this.reg(b.reg).code.op(Op.i32_wrap_i64); else this.code.i32(b.imm);
    this.code.op(op).op(Op.i64_extend_i32_s);
    this.set(rd);
  }

  /**
   * Division and remainder as RISC-V defines them where WebAssembly traps: by zero the
   * quotient is all ones and the remainder the dividend; the signed overflow (the most
   * negative value over -1) gives the dividend and a remainder of 0 (vol. I, §13.2). With
   * `word`, on the low 32 bits (sign- or zero-extended first) and the result sign-extended.
   */
  divide(rd: number, rs1: number, rs2: number, kind: 'div' | 'divu' | 'rem' | 'remu', word = false): void {
    const c = this.code, a = this.take(ValType.I64), b = this.take(ValType.I64);
    const signed = kind === 'div' || kind === 'rem', rem = kind === 'rem' || kind === 'remu';
    const widen = (r: number): void => {
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
}
