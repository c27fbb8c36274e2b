// The instruction families F and D share (ISA manual vol. I, ch. "F" and "D"): one builder per
// family, given the precision, as rv64f.ts and rv64d.ts list them. Semantics live in the FPU
// (fpu/fpu.ts); the fragments here guard, then call it or move bits themselves.
//
// Every floating-point instruction is illegal while mstatus.FS is Off, and one with a rounding
// mode is illegal when that mode is reserved (rm 5 or 6, or DYN with frm 5-7). Writing an FP
// register sets FS to Dirty, as QEMU 7.2 does (stores, compares, classification, fmv.x.* and
// conversions to integers leave FS alone, even when they raise flags). The checks run at the
// first instruction of a block that needs them: nothing later in the block can change FS or
// frm, since CSR writes and traps end blocks.
import type { Decoded, Format, InsnDef, Syntax } from './types.js';
import type { Gen } from '../jit/codegen.js';
import { Rounding } from '../fpu/format.js';

export type Precision = 's' | 'd';

const OP_FP = 0x53;
const FMT: Record<Precision, number> = { s: 0, d: 1 };
/** funct7 and opcode: the rounding mode in funct3 is free. */
const M_RM = 0xfe00007f;
/** ... and rs2 fixed (unary operations, conversions). */
const M_RM_RS2 = 0xfff0007f;
/** funct7, funct3 and opcode. */
const M_F3 = 0xfe00707f;
/** funct7, rs2, funct3 and opcode. */
const M_F3_RS2 = 0xfff0707f;
const M_FUNCT3 = 0x0000707f;
const M_R4 = 0x0600007f;

const WORDS: Record<Precision, string> = { s: 'single', d: 'double' };

const opFp = (funct5: number, p: Precision, rs2 = 0, funct3 = 0): number =>
  (OP_FP | (funct5 << 27) | (FMT[p] << 25) | (rs2 << 20) | (funct3 << 12)) >>> 0;

/** An entry of precision p; its doc line names the precision unless `ext` is given (the conversions between them). */
const entry = (name: string, p: Precision, format: Format, match: number, mask: number, syntax: Syntax, doc: string,
  emit: InsnDef['emit'], ext?: 'D'): InsnDef =>
  ({ name, ext: ext ?? (p === 's' ? 'F' : 'D'), format, match, mask, syntax, flow: 'next', emit, doc: ext ? doc : `${doc} (${WORDS[p]} precision)` });

interface Needs {
  /** The instruction has a rounding mode (rm) field, which must name a valid mode. */
  rm?: boolean;
  /** It writes a floating-point register, which makes FS Dirty. */
  writesF?: boolean;
}

/** The rounding mode a fragment passes to the FPU: the static one, or frm at run time. */
const rmOf = (d: Decoded, g: Gen): string =>
  (g.interp ? `(${d.rm} === ${Rounding.DYN} ? fpu.frm : ${d.rm})` : d.rm === Rounding.DYN ? 'fpu.frm' : String(d.rm));

/**
 * The guard in front of a floating-point instruction's body: illegal while FS is Off or the
 * rounding mode is reserved; FS becomes Dirty before a body that writes FP state, or after it
 * (`dirtyAfter`) when the body may fault first (loads), so a faulting load leaves FS alone.
 */
function guarded(d: Decoded, g: Gen, needs: Needs, body: string, dirtyAfter = false): string {
  const illegal = `{ h.insn = ${d.raw} | 0; h.illegal(); ${g.fault()} }`;
  const checks: string[] = [];
  if (g.interp) {
    // The interpreter's handler serves every instruction of the kind: every check at run time.
    checks.push('fpu.fs === 0');
    if (needs.rm) checks.push(`${d.rm} === 5 || ${d.rm} === 6 || (${d.rm} === ${Rounding.DYN} && fpu.frm > 4)`);
    const dirty = needs.writesF ? 'if (fpu.fs !== 3) fpu.markDirty();\n' : '';
    const check = `if (${checks.join(' || ')}) ${illegal}\n`;
    return dirtyAfter ? `${check}${body}\n${dirty}` : `${check}${dirty}${body}`;
  }
  if (needs.rm && (d.rm === 5 || d.rm === 6)) return illegal;
  if (!g.fpEnabled) checks.push('fpu.fs === 0');
  if (needs.rm && d.rm === Rounding.DYN && !g.frmValid) checks.push('fpu.frm > 4');
  g.fpEnabled = true;
  if (needs.rm && d.rm === Rounding.DYN) g.frmValid = true;
  const check = checks.length ? `if (${checks.join(' || ')}) ${illegal}\n` : '';
  let dirty = '';
  if (needs.writesF && !g.fpDirty) { dirty = 'if (fpu.fs !== 3) fpu.markDirty();\n'; g.fpDirty = true; }
  return dirtyAfter ? `${check}${body}\n${dirty}` : `${check}${dirty}${body}`;
}

const P = (p: Precision): string => p.toUpperCase();

// ---- loads and stores -----------------------------------------------------------------------------

/** flw/fld: the loaded bits go to the register as they are (a single is NaN-boxed). */
export const loadF = (p: Precision): InsnDef => entry(p === 's' ? 'flw' : 'fld', p, 'I', 0x07 | ((p === 's' ? 2 : 3) << 12), M_FUNCT3,
  'frd,imm(rs1)', `load a ${WORDS[p]} from memory`, (d, g) => {
    const r = d.rd;
    const hit = p === 's' ? `fu[${g.lo(r)}] = ru32[o >>> 2]; fu[${g.hi(r)}] = 0xffffffff;`
      : `fu[${g.lo(r)}] = ru32[o >>> 2]; fu[${g.hi(r)}] = ru32[(o >>> 2) + 1];`;
    const miss = p === 's' ? `fu[${g.lo(r)}] = Number(v); fu[${g.hi(r)}] = 0xffffffff;` : `fx[${r}] = v;`;
    return guarded(d, g, { writesF: true }, g.loadVia(d.rs1, d.imm, p === 's' ? 4 : 8, hit, false, miss), true);
  });

/** fsw/fsd: the register's bits (a single's low half, boxed or not) go to memory unchanged. */
export const storeF = (p: Precision): InsnDef => entry(p === 's' ? 'fsw' : 'fsd', p, 'S', 0x27 | ((p === 's' ? 2 : 3) << 12), M_FUNCT3,
  'frs2,imm(rs1)', `store a ${WORDS[p]} to memory`, (d, g) => {
    const r = d.rs2;
    const hit = p === 's' ? `ru32[o >>> 2] = fu[${g.lo(r)}];` : `{ ru32[o >>> 2] = fu[${g.lo(r)}]; ru32[(o >>> 2) + 1] = fu[${g.hi(r)}]; }`;
    const value = p === 's' ? `BigInt(fu[${g.lo(r)}])` : `fx[${r}]`;
    return guarded(d, g, {}, g.storeVia(d.rs1, d.imm, p === 's' ? 4 : 8, hit, value));
  });

// ---- arithmetic -----------------------------------------------------------------------------------

const FMA_OPCODES = { fmadd: [0x43, false, false], fmsub: [0x47, false, true], fnmsub: [0x4b, true, false], fnmadd: [0x4f, true, true] } as const;
const FMA_DOCS = { fmadd: 'rd = rs1 * rs2 + rs3', fmsub: 'rd = rs1 * rs2 - rs3', fnmsub: 'rd = -(rs1 * rs2) + rs3', fnmadd: 'rd = -(rs1 * rs2) - rs3' };

/** The four fused multiply-adds, one rounding each. */
export const fusedMultiplyAdds = (p: Precision): InsnDef[] => (Object.keys(FMA_OPCODES) as (keyof typeof FMA_OPCODES)[]).map((op) => {
  const [opcode, negateProduct, negateAddend] = FMA_OPCODES[op];
  return entry(`${op}.${p}`, p, 'R4', opcode | (FMT[p] << 25), M_R4, 'frd,frs1,frs2,frs3,rm', `${FMA_DOCS[op]}, rounded once`,
    (d, g) => guarded(d, g, { rm: true, writesF: true }, `fpu.fma${P(p)}(${d.rd}, ${d.rs1}, ${d.rs2}, ${d.rs3}, ${rmOf(d, g)}, ${negateProduct}, ${negateAddend});`));
});

const ARITH = { add: [0, '+'], sub: [1, '-'], mul: [2, '*'], div: [3, '/'] } as const;

/** fadd, fsub, fmul, fdiv. */
export const arithmetic = (p: Precision): InsnDef[] => (Object.keys(ARITH) as (keyof typeof ARITH)[]).map((op) =>
  entry(`f${op}.${p}`, p, 'R', opFp(ARITH[op][0], p), M_RM, 'frd,frs1,frs2,rm', `rd = rs1 ${ARITH[op][1]} rs2`,
    (d, g) => guarded(d, g, { rm: true, writesF: true }, `fpu.${op}${P(p)}(${d.rd}, ${d.rs1}, ${d.rs2}, ${rmOf(d, g)});`)));

export const squareRoot = (p: Precision): InsnDef => entry(`fsqrt.${p}`, p, 'R', opFp(11, p), M_RM_RS2, 'frd,frs1,rm', 'rd = sqrt(rs1)',
  (d, g) => guarded(d, g, { rm: true, writesF: true }, `fpu.sqrt${P(p)}(${d.rd}, ${d.rs1}, ${rmOf(d, g)});`));

// ---- sign injection, min/max, compares, classification -------------------------------------------

const SGNJ = [['fsgnj', 'rd = rs1 with the sign of rs2'], ['fsgnjn', 'rd = rs1 with the opposite of the sign of rs2'],
  ['fsgnjx', 'rd = rs1 with the sign of rs1 xor the sign of rs2']] as const;

/** The sign of a double is bit 31 of its high half; the rest of its bits move unchanged. */
function signInjectD(d: Decoded, g: Gen, kind: number): string {
  const a = `fu[${g.hi(d.rs1)}]`, b = `fu[${g.hi(d.rs2)}]`;
  const sign = kind === 0 ? `(${b} & 0x80000000)` : kind === 1 ? `(~${b} & 0x80000000)` : `((${a} ^ ${b}) & 0x80000000)`;
  return `{ const hi = (${a} & 0x7fffffff) | ${sign}; fu[${g.lo(d.rd)}] = fu[${g.lo(d.rs1)}]; fu[${g.hi(d.rd)}] = hi; }`;
}

export const signInjections = (p: Precision): InsnDef[] => SGNJ.map(([name, doc], kind) =>
  entry(`${name}.${p}`, p, 'R', opFp(4, p, 0, kind), M_F3, 'frd,frs1,frs2', doc,
    (d, g) => guarded(d, g, { writesF: true }, p === 'd' ? signInjectD(d, g, kind) : `fpu.sgnjS(${d.rd}, ${d.rs1}, ${d.rs2}, ${kind});`)));

export const minMax = (p: Precision): InsnDef[] => (['min', 'max'] as const).map((op, f3) =>
  entry(`f${op}.${p}`, p, 'R', opFp(5, p, 0, f3), M_F3, 'frd,frs1,frs2', `rd = the ${op === 'min' ? 'smaller' : 'larger'} of rs1 and rs2 (a NaN gives way to a number)`,
    (d, g) => guarded(d, g, { writesF: true }, `fpu.minMax${P(p)}(${d.rd}, ${d.rs1}, ${d.rs2}, ${op === 'max'});`)));

const COMPARES = [['fle', 'le', 0, 'rd = (rs1 <= rs2)'], ['flt', 'lt', 1, 'rd = (rs1 < rs2)'], ['feq', 'eq', 2, 'rd = (rs1 == rs2)']] as const;

export const compares = (p: Precision): InsnDef[] => COMPARES.map(([name, op, f3, doc]) =>
  entry(`${name}.${p}`, p, 'R', opFp(20, p, 0, f3), M_F3, 'rd,frs1,frs2', doc,
    (d, g) => guarded(d, g, {}, `fpu.cmp${P(p)}(${d.rd}, ${d.rs1}, ${d.rs2}, '${op}');`)));

export const classify = (p: Precision): InsnDef => entry(`fclass.${p}`, p, 'R', opFp(28, p, 0, 1), M_F3_RS2, 'rd,frs1',
  'classify rs1 into a one-hot mask of 10 classes', (d, g) => guarded(d, g, {}, `fpu.class${P(p)}(${d.rd}, ${d.rs1});`));

// ---- conversions and moves -------------------------------------------------------------------------

/** In the order of the rs2 field that selects them (fpu.ts IntType). */
const INTS = [['w', 'signed word'], ['wu', 'unsigned word'], ['l', 'signed doubleword'], ['lu', 'unsigned doubleword']] as const;

/** fcvt.{w,wu,l,lu}.p: to an integer register, saturating. */
export const toIntegers = (p: Precision): InsnDef[] => INTS.map(([t, what], rs2) =>
  entry(`fcvt.${t}.${p}`, p, 'R', opFp(24, p, rs2), M_RM_RS2, 'rd,frs1,rm', `convert rs1 to a ${what}`,
    (d, g) => guarded(d, g, { rm: true }, `fpu.toInt${P(p)}(${d.rd}, ${d.rs1}, ${rmOf(d, g)}, ${rs2});`)));

/**
 * fcvt.p.{w,wu,l,lu}. A word always fits a double exactly; binutils 2.40 then knows only the
 * rm = 0 encoding, but the hart, as QEMU, takes any valid rounding mode.
 */
export const fromIntegers = (p: Precision): InsnDef[] => INTS.map(([t, what], rs2) =>
  entry(`fcvt.${p}.${t}`, p, 'R', opFp(26, p, rs2), M_RM_RS2, p === 'd' && rs2 < 2 ? 'frd,rs1' : 'frd,rs1,rm', `convert the ${what} in rs1`,
    (d, g) => guarded(d, g, { rm: true, writesF: true }, `fpu.fromInt${P(p)}(${d.rd}, ${d.rs1}, ${rmOf(d, g)}, ${rs2});`)));

/** fcvt.s.d (rounds) and fcvt.d.s (exact; binutils 2.40 knows only its rm = 0 encoding). */
export const precisionConversions = (): InsnDef[] => [
  entry('fcvt.s.d', 's', 'R', opFp(8, 's', 1), M_RM_RS2, 'frd,frs1,rm', 'convert the double in rs1 to a single',
    (d, g) => guarded(d, g, { rm: true, writesF: true }, `fpu.toSingle(${d.rd}, ${d.rs1}, ${rmOf(d, g)});`), 'D'),
  entry('fcvt.d.s', 'd', 'R', opFp(8, 'd', 0), M_RM_RS2, 'frd,frs1', 'convert the single in rs1 to a double',
    (d, g) => guarded(d, g, { rm: true, writesF: true }, `fpu.toDouble(${d.rd}, ${d.rs1});`), 'D'),
];

/** fmv.x.w/fmv.x.d and fmv.w.x/fmv.d.x: raw bits between the register files. */
export const moves = (p: Precision): InsnDef[] => {
  const mem = p === 's' ? 'w' : 'd';
  return [
    entry(`fmv.x.${mem}`, p, 'R', opFp(28, p), M_F3_RS2, 'rd,frs1', `move the raw bits of rs1 to an integer register${p === 's' ? ', sign-extended' : ''}`,
      (d, g) => guarded(d, g, {}, d.rd === 0 ? '' : p === 's'
        ? `i32[${g.lo(d.rd)}] = fu[${g.lo(d.rs1)}]; i32[${g.hi(d.rd)}] = i32[${g.lo(d.rd)}] >> 31;`
        : `u[${g.lo(d.rd)}] = fu[${g.lo(d.rs1)}]; u[${g.hi(d.rd)}] = fu[${g.hi(d.rs1)}];`)),
    entry(`fmv.${mem}.x`, p, 'R', opFp(30, p), M_F3_RS2, 'frd,rs1', `move raw bits from integer register rs1${p === 's' ? ', NaN-boxed' : ''}`,
      (d, g) => guarded(d, g, { writesF: true }, p === 's'
        ? `fu[${g.lo(d.rd)}] = u[${g.lo(d.rs1)}]; fu[${g.hi(d.rd)}] = 0xffffffff;`
        : `fu[${g.lo(d.rd)}] = u[${g.lo(d.rs1)}]; fu[${g.hi(d.rd)}] = u[${g.hi(d.rs1)}];`)),
  ];
};
