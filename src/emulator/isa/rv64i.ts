// RV64I base integer instructions (ISA manual vol. I, ch. 2 and 5). Each entry is the whole
// description: encoding, operand syntax, control flow and semantics.
import type { InsnDef, WasmEmit } from './types.js';
import { Op } from '../jit/wasm/encoder.js';
import { lit, type Gen } from '../jit/codegen.js';
import type { Decoded } from './types.js';

const R = 'rd,rs1,rs2' as const;
const I = 'rd,rs1,imm' as const;

type Body = (d: Decoded, g: Gen) => string;

/** Zihintpause's `pause`: fence w,0 with fm, rd and rs1 all zero. */
const isPause = (d: Decoded): boolean => d.fm === 0 && d.pred === 0b0001 && d.succ === 0 && d.rd === 0 && d.rs1 === 0;
/** `pause` as a word: what the interpreter's fence handler tells it by (its fields are not in the record). */
const PAUSE = 0x0100000f;
const op = (name: string, format: InsnDef['format'], match: number, mask: number, syntax: InsnDef['syntax'],
  doc: string, emit: Body, flow: InsnDef['flow'] = 'next'): InsnDef =>
  ({ name, ext: 'I', format, match, mask, syntax, flow, emit, doc });

const MR = 0xfe00707f;   // funct7 + funct3 + opcode
const MI = 0x0000707f;   // funct3 + opcode
const MSH6 = 0xfc00707f; // funct6 + funct3 + opcode

const s32 = (e: string): string => `BigInt.asIntN(32, ${e})`;

/** A conditional branch: a side exit when taken, fall through otherwise. */
const branch = (name: string, f3: number, cond: (a: string, b: string) => string, doc: string): InsnDef =>
  op(name, 'B', 0x63 | (f3 << 12), MI, 'rs1,rs2,target', doc,
    (d, g) => `if (${cond(g.reg(d.rs1), g.reg(d.rs2))}) ${g.exit(g.target(d.imm))}`, 'branch');

const load = (name: string, f3: number, size: 1 | 2 | 4 | 8, signed: boolean, doc: string): InsnDef =>
  op(name, 'I', 0x03 | (f3 << 12), MI, 'rd,imm(rs1)', doc, (d, g) => g.load(d.rd, d.rs1, d.imm, size, signed));

const store = (name: string, f3: number, size: 1 | 2 | 4 | 8, doc: string): InsnDef =>
  op(name, 'S', 0x23 | (f3 << 12), MI, 'rs2,imm(rs1)', doc, (d, g) => g.store(d.rs2, d.rs1, d.imm, size));

/**
 * 64-bit shifts by a register amount, written over the 32-bit halves of the registers (the `u`
 * and `i32` views): V8 does not lower a BigInt shift by a variable amount (12-24 M ops/s), and a
 * call to a helper over the halves cost 1.9 ns a shift more than an xor, this 0.5 ns
 * (docs/performance.md). `(l >>> 1) >>> (31 - s)` is `l >>> (32 - s)` without its s = 0 case,
 * where JavaScript's shift by 32 would be a shift by 0.
 */
const shiftReg = (kind: 'sll' | 'srl' | 'sra') => (d: Decoded, g: Gen): string => shiftHalves(kind, d, g, `u[${g.lo(d.rs2)}] & 63`);

/**
 * A 64-bit shift by `amount` (0 to 63) over the registers' halves: by a register, and in the
 * interpreter by an immediate too, which there is a run-time value as well (a BigInt shift
 * by a BigInt variable allocates: 35-45 ns a shift against 4 in a scratch loop).
 */
const shiftHalves = (kind: 'sll' | 'srl' | 'sra', d: Decoded, g: Gen, amount: string): string => {
  if (d.rd === 0) return '';
  const lo = g.lo(d.rd), hi = g.hi(d.rd);
  const read = `const s = ${amount}, l = u[${g.lo(d.rs1)}], h = ${kind === 'sra' ? 'i32' : 'u'}[${g.hi(d.rs1)}];`;
  switch (kind) {
    case 'sll': return `{ ${read} if (s < 32) { u[${hi}] = (h << s) | ((l >>> 1) >>> (31 - s)); u[${lo}] = l << s; } else { u[${hi}] = l << s; u[${lo}] = 0; } }`;
    case 'srl': return `{ ${read} if (s < 32) { u[${lo}] = (l >>> s) | ((h << 1) << (31 - s)); u[${hi}] = h >>> s; } else { u[${lo}] = h >>> s; u[${hi}] = 0; } }`;
    case 'sra': return `{ ${read} if (s < 32) { u[${lo}] = (l >>> s) | ((h << 1) << (31 - s)); u[${hi}] = h >> s; } else { u[${lo}] = h >> s; u[${hi}] = h >> 31; } }`;
  }
};

export const RV64I: InsnDef[] = [
  op('lui', 'U', 0x37, 0x7f, 'rd,uimm20', 'rd = imm << 12 (sign-extended)',
    (d, g) => g.set(d.rd, lit(g.upper(d.imm)))),
  op('auipc', 'U', 0x17, 0x7f, 'rd,uimm20', 'rd = pc + (imm << 12)',
    (d, g) => g.set(d.rd, lit(g.pcUpper(d.imm)))),
  op('jal', 'J', 0x6f, 0x7f, 'rd,target', 'rd = pc + 4; jump to pc + offset',
    (d, g) => `${d.rd ? g.set(d.rd, lit(g.nextPc)) : ''} ${g.exit(g.target(d.imm))}`, 'jump'),
  op('jalr', 'I', 0x67, MI, 'rd,imm(rs1)jalr', 'rd = pc + 4; jump to (rs1 + offset) & ~1',
    (d, g) => `{ const t = (${g.reg(d.rs1)} + ${g.big(d.imm)}) & -2n; ${g.set(d.rd, lit(g.nextPc))} x[32] = t; } ${g.exitDynamic()}`, 'jump'),

  branch('beq', 0, (a, b) => `${a} === ${b}`, 'branch if rs1 == rs2'),
  branch('bne', 1, (a, b) => `${a} !== ${b}`, 'branch if rs1 != rs2'),
  branch('blt', 4, (a, b) => `${a} < ${b}`, 'branch if rs1 < rs2 (signed)'),
  branch('bge', 5, (a, b) => `${a} >= ${b}`, 'branch if rs1 >= rs2 (signed)'),
  op('bltu', 'B', 0x63 | (6 << 12), MI, 'rs1,rs2,target', 'branch if rs1 < rs2 (unsigned)',
    (d, g) => `if (${g.ltu(d.rs1, d.rs2)}) ${g.exit(g.target(d.imm))}`, 'branch'),
  op('bgeu', 'B', 0x63 | (7 << 12), MI, 'rs1,rs2,target', 'branch if rs1 >= rs2 (unsigned)',
    (d, g) => `if (!${g.ltu(d.rs1, d.rs2)}) ${g.exit(g.target(d.imm))}`, 'branch'),

  load('lb', 0, 1, true, 'load a sign-extended byte'),
  load('lh', 1, 2, true, 'load a sign-extended halfword'),
  load('lw', 2, 4, true, 'load a sign-extended word'),
  load('ld', 3, 8, true, 'load a doubleword'),
  load('lbu', 4, 1, false, 'load a zero-extended byte'),
  load('lhu', 5, 2, false, 'load a zero-extended halfword'),
  load('lwu', 6, 4, false, 'load a zero-extended word'),
  store('sb', 0, 1, 'store the low byte of rs2'),
  store('sh', 1, 2, 'store the low halfword of rs2'),
  store('sw', 2, 4, 'store the low word of rs2'),
  store('sd', 3, 8, 'store the doubleword rs2'),

  op('addi', 'I', 0x13, MI, I, 'rd = rs1 + imm', (d, g) => g.set(d.rd, `${g.reg(d.rs1)} + ${g.big(d.imm)}`)),
  op('slti', 'I', 0x2013, MI, I, 'rd = rs1 < imm (signed) ? 1 : 0', (d, g) => g.set(d.rd, `${g.reg(d.rs1)} < ${g.big(d.imm)} ? 1n : 0n`)),
  op('sltiu', 'I', 0x3013, MI, I, 'rd = rs1 < imm (unsigned) ? 1 : 0',
    (d, g) => g.set(d.rd, `${g.ltuImm(d.rs1, d.imm)} ? 1n : 0n`)),
  op('xori', 'I', 0x4013, MI, I, 'rd = rs1 ^ imm', (d, g) => g.set(d.rd, `${g.reg(d.rs1)} ^ ${g.big(d.imm)}`)),
  op('ori', 'I', 0x6013, MI, I, 'rd = rs1 | imm', (d, g) => g.set(d.rd, `${g.reg(d.rs1)} | ${g.big(d.imm)}`)),
  op('andi', 'I', 0x7013, MI, I, 'rd = rs1 & imm', (d, g) => g.set(d.rd, `${g.reg(d.rs1)} & ${g.big(d.imm)}`)),
  // Translated, a shift by a known amount, which V8 does in 64-bit integers; interpreted, the
  // amount is a run-time value, so the shift goes over the halves (shiftHalves).
  op('slli', 'SH6', 0x1013, MSH6, I, 'rd = rs1 << shamt', (d, g) => (g.interp
    ? shiftHalves('sll', d, g, `${d.imm}`) : g.set(d.rd, `${g.reg(d.rs1)} << ${g.big(d.imm)}`))),
  // The arithmetic shift with the copies of the sign masked off (BigInt.asUintN(64, ·) of a
  // negative value makes a heap BigInt every time).
  op('srli', 'SH6', 0x5013, MSH6, I, 'rd = rs1 >> shamt (logical)', (d, g) => (g.interp
    ? shiftHalves('srl', d, g, `${d.imm}`)
    : g.set(d.rd, d.imm === 0 ? g.reg(d.rs1) : `(${g.reg(d.rs1)} >> ${d.imm}n) & ${(1n << BigInt(64 - Number(d.imm))) - 1n}n`))),
  op('srai', 'SH6', 0x40005013, MSH6, I, 'rd = rs1 >> shamt (arithmetic)', (d, g) => (g.interp
    ? shiftHalves('sra', d, g, `${d.imm}`) : g.set(d.rd, `${g.reg(d.rs1)} >> ${g.big(d.imm)}`))),

  op('add', 'R', 0x33, MR, R, 'rd = rs1 + rs2', (d, g) => g.set(d.rd, `${g.reg(d.rs1)} + ${g.reg(d.rs2)}`)),
  op('sub', 'R', 0x40000033, MR, R, 'rd = rs1 - rs2', (d, g) => g.set(d.rd, `${g.reg(d.rs1)} - ${g.reg(d.rs2)}`)),
  op('sll', 'R', 0x1033, MR, R, 'rd = rs1 << (rs2 & 63)', shiftReg('sll')),
  op('slt', 'R', 0x2033, MR, R, 'rd = rs1 < rs2 (signed) ? 1 : 0', (d, g) => g.set(d.rd, `${g.reg(d.rs1)} < ${g.reg(d.rs2)} ? 1n : 0n`)),
  op('sltu', 'R', 0x3033, MR, R, 'rd = rs1 < rs2 (unsigned) ? 1 : 0',
    (d, g) => g.set(d.rd, `${g.ltu(d.rs1, d.rs2)} ? 1n : 0n`)),
  op('xor', 'R', 0x4033, MR, R, 'rd = rs1 ^ rs2', (d, g) => g.set(d.rd, `${g.reg(d.rs1)} ^ ${g.reg(d.rs2)}`)),
  op('srl', 'R', 0x5033, MR, R, 'rd = rs1 >> (rs2 & 63) (logical)', shiftReg('srl')),
  op('sra', 'R', 0x40005033, MR, R, 'rd = rs1 >> (rs2 & 63) (arithmetic)', shiftReg('sra')),
  op('or', 'R', 0x6033, MR, R, 'rd = rs1 | rs2', (d, g) => g.set(d.rd, `${g.reg(d.rs1)} | ${g.reg(d.rs2)}`)),
  op('and', 'R', 0x7033, MR, R, 'rd = rs1 & rs2', (d, g) => g.set(d.rd, `${g.reg(d.rs1)} & ${g.reg(d.rs2)}`)),

  op('addiw', 'I', 0x1b, MI, I, 'rd = sext32(rs1 + imm)', (d, g) => g.set(d.rd, s32(`${g.reg(d.rs1)} + ${g.big(d.imm)}`))),
  op('slliw', 'SH5', 0x101b, MR, I, 'rd = sext32(rs1 << shamt)', (d, g) => g.set(d.rd, `BigInt(i32[${g.lo(d.rs1)}] << ${d.imm})`)),
  op('srliw', 'SH5', 0x501b, MR, I, 'rd = sext32(rs1[31:0] >> shamt) (logical)', (d, g) => g.set(d.rd, `BigInt((u[${g.lo(d.rs1)}] >>> ${d.imm}) | 0)`)),
  op('sraiw', 'SH5', 0x4000501b, MR, I, 'rd = sext32(rs1[31:0] >> shamt) (arithmetic)', (d, g) => g.set(d.rd, `BigInt(i32[${g.lo(d.rs1)}] >> ${d.imm})`)),
  op('addw', 'R', 0x3b, MR, R, 'rd = sext32(rs1 + rs2)', (d, g) => g.set(d.rd, s32(`${g.reg(d.rs1)} + ${g.reg(d.rs2)}`))),
  op('subw', 'R', 0x4000003b, MR, R, 'rd = sext32(rs1 - rs2)', (d, g) => g.set(d.rd, s32(`${g.reg(d.rs1)} - ${g.reg(d.rs2)}`))),
  op('sllw', 'R', 0x103b, MR, R, 'rd = sext32(rs1 << (rs2 & 31))', (d, g) => g.set(d.rd, `BigInt(i32[${g.lo(d.rs1)}] << (u[${g.lo(d.rs2)}] & 31))`)),
  op('srlw', 'R', 0x503b, MR, R, 'rd = sext32(rs1[31:0] >> (rs2 & 31)) (logical)', (d, g) => g.set(d.rd, `BigInt((u[${g.lo(d.rs1)}] >>> (u[${g.lo(d.rs2)}] & 31)) | 0)`)),
  op('sraw', 'R', 0x4000503b, MR, R, 'rd = sext32(rs1[31:0] >> (rs2 & 31)) (arithmetic)', (d, g) => g.set(d.rd, `BigInt(i32[${g.lo(d.rs1)}] >> (u[${g.lo(d.rs2)}] & 31))`)),

  // Harts take turns and run in order, so a fence orders nothing. `pause` (Zihintpause) is the
  // fence with pred=W, succ=0: a spin-wait hint, which on several harts ends the hart's turn.
  op('fence', 'FENCE', 0x0f, MI, 'fence', 'order memory accesses (pause: a spin-wait hint)',
    (d, g) => (g.interp ? `if (raw === ${PAUSE}) ${g.handOffNow()}` : isPause(d) ? g.handOffNow() : '')),
  op('ecall', 'NONE', 0x00000073, 0xffffffff, '', 'environment call: trap to the more privileged mode',
    (_d, g) => `${g.sync()}h.ecall(); ${g.fault()}`, 'end'),
  op('ebreak', 'NONE', 0x00100073, 0xffffffff, '', 'breakpoint trap',
    (_d, g) => `h.exception(3, 0n); ${g.fault()}`, 'end'),
];

/**
 * The WebAssembly form of the integer kinds that need neither memory nor the hart: the same
 * semantics as `emit` above, as jit/wasm/wasmGen.ts writes them (test/unit/wasmEmit.test.ts
 * runs both on the same operands), and the branches, jumps, loads and stores a region's function
 * runs (jit/wasm/region.ts). WebAssembly's shifts take their amount modulo the width, as
 * RISC-V's do.
 */
const WASM_I: Record<string, WasmEmit> = {
  lui: (d, w) => w.upper(d.rd, d.imm),
  auipc: (d, w) => w.pcUpper(d.rd, d.imm),
  addi: (d, w) => w.ri(d.rd, d.rs1, d.imm, Op.i64_add),
  slti: (d, w) => w.compare(d.rd, d.rs1, { imm: d.imm }, Op.i64_lt_s),
  sltiu: (d, w) => w.compare(d.rd, d.rs1, { imm: d.imm }, Op.i64_lt_u),
  xori: (d, w) => w.ri(d.rd, d.rs1, d.imm, Op.i64_xor),
  ori: (d, w) => w.ri(d.rd, d.rs1, d.imm, Op.i64_or),
  andi: (d, w) => w.ri(d.rd, d.rs1, d.imm, Op.i64_and),
  slli: (d, w) => w.ri(d.rd, d.rs1, d.imm, Op.i64_shl),
  srli: (d, w) => w.ri(d.rd, d.rs1, d.imm, Op.i64_shr_u),
  srai: (d, w) => w.ri(d.rd, d.rs1, d.imm, Op.i64_shr_s),
  add: (d, w) => w.rr(d.rd, d.rs1, d.rs2, Op.i64_add),
  sub: (d, w) => w.rr(d.rd, d.rs1, d.rs2, Op.i64_sub),
  sll: (d, w) => w.rr(d.rd, d.rs1, d.rs2, Op.i64_shl),
  slt: (d, w) => w.compare(d.rd, d.rs1, { reg: d.rs2 }, Op.i64_lt_s),
  sltu: (d, w) => w.compare(d.rd, d.rs1, { reg: d.rs2 }, Op.i64_lt_u),
  xor: (d, w) => w.rr(d.rd, d.rs1, d.rs2, Op.i64_xor),
  srl: (d, w) => w.rr(d.rd, d.rs1, d.rs2, Op.i64_shr_u),
  sra: (d, w) => w.rr(d.rd, d.rs1, d.rs2, Op.i64_shr_s),
  or: (d, w) => w.rr(d.rd, d.rs1, d.rs2, Op.i64_or),
  and: (d, w) => w.rr(d.rd, d.rs1, d.rs2, Op.i64_and),
  addiw: (d, w) => w.ri(d.rd, d.rs1, d.imm, Op.i64_add, true),
  slliw: (d, w) => w.word(d.rd, d.rs1, { imm: d.imm }, Op.i32_shl),
  srliw: (d, w) => w.word(d.rd, d.rs1, { imm: d.imm }, Op.i32_shr_u),
  sraiw: (d, w) => w.word(d.rd, d.rs1, { imm: d.imm }, Op.i32_shr_s),
  addw: (d, w) => w.rr(d.rd, d.rs1, d.rs2, Op.i64_add, true),
  subw: (d, w) => w.rr(d.rd, d.rs1, d.rs2, Op.i64_sub, true),
  sllw: (d, w) => w.word(d.rd, d.rs1, { reg: d.rs2 }, Op.i32_shl),
  srlw: (d, w) => w.word(d.rd, d.rs1, { reg: d.rs2 }, Op.i32_shr_u),
  sraw: (d, w) => w.word(d.rd, d.rs1, { reg: d.rs2 }, Op.i32_shr_s),
  // No effect, but `pause` hands the turn over on several harts: the JavaScript forms do that.
  fence: (d, w) => w.exitBeforeWord(PAUSE, isPause(d)),
  // Inside a region or the wasm interpreter only: they need its labels and the arena's layout.
  jal: (d, w) => w.jump(d.rd, d.imm),
  jalr: (d, w) => w.jumpReg(d.rd, d.rs1, d.imm),
  beq: (d, w) => w.branch(d.rs1, d.rs2, Op.i64_eq, d.imm),
  bne: (d, w) => w.branch(d.rs1, d.rs2, Op.i64_ne, d.imm),
  blt: (d, w) => w.branch(d.rs1, d.rs2, Op.i64_lt_s, d.imm),
  bge: (d, w) => w.branch(d.rs1, d.rs2, Op.i64_ge_s, d.imm),
  bltu: (d, w) => w.branch(d.rs1, d.rs2, Op.i64_lt_u, d.imm),
  bgeu: (d, w) => w.branch(d.rs1, d.rs2, Op.i64_ge_u, d.imm),
  lb: (d, w) => w.load(d.rd, d.rs1, d.imm, 1, true),
  lbu: (d, w) => w.load(d.rd, d.rs1, d.imm, 1, false),
  lh: (d, w) => w.load(d.rd, d.rs1, d.imm, 2, true),
  lhu: (d, w) => w.load(d.rd, d.rs1, d.imm, 2, false),
  lw: (d, w) => w.load(d.rd, d.rs1, d.imm, 4, true),
  lwu: (d, w) => w.load(d.rd, d.rs1, d.imm, 4, false),
  ld: (d, w) => w.load(d.rd, d.rs1, d.imm, 8, true),
  sb: (d, w) => w.store(d.rs2, d.rs1, d.imm, 1),
  sh: (d, w) => w.store(d.rs2, d.rs1, d.imm, 2),
  sw: (d, w) => w.store(d.rs2, d.rs1, d.imm, 4),
  sd: (d, w) => w.store(d.rs2, d.rs1, d.imm, 8),
};
// Every entry gets the field, undefined where there is no form, so the table's objects keep one shape.
for (const def of RV64I) def.wasm = WASM_I[def.name];
