// The F/D fast paths against the exact reference, as translated code runs them: every F/D
// instruction is compiled into a one-instruction block by the JIT (and run by the interpreter
// too, which must agree) on random and edge operands and on constructed hard cases (ties,
// cancellation, results at the underflow and overflow thresholds, NaN-boxing), in every
// rounding mode, static and dynamic; the result
// register's bits and fflags must be what the exact reference (fpu/exact.ts) gives. The exact
// reference is itself checked against JavaScript's arithmetic for round to nearest here, and
// against QEMU by test/diff/float.test.ts.
// CHRONOS_FPU_CASES=N runs N cases per group (default 20000; a release check runs 1e6).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Machine } from '../../src/emulator/machine.js';
import { compileBlock, type Block } from '../../src/emulator/jit/compiler.js';
import { Tier, type Tiering } from '../../src/emulator/jit/tiers.js';
import { BY_NAME } from '../../src/emulator/isa/table.js';
import { productError } from '../../src/emulator/fpu/fast.js';
import * as X from '../../src/emulator/fpu/exact.js';
import { F32, F64, Rounding, type FloatFormat } from '../../src/emulator/fpu/format.js';
import { D, Rng, S, bitsOfD, edges, operand, valueOfD, type Format } from '../support/floats.js';

const CASES = Number(process.env.CHRONOS_FPU_CASES ?? 20000);

// A machine with the FPU on (FS Dirty, so no instruction needs to mark it) and one instruction
// slot; each distinct instruction word is translated once.
const m = new Machine({ memoryMiB: 1 });
const SLOT = 0x80001000n;
m.bootBare(SLOT);
m.hart.csr.mstatus |= 0x6000n;
m.hart.csr.syncFs();
const h = m.hart, fpu = h.fpu, xr = h.x;
const blocks = new Map<number, [Block, Block]>();
const INLINE: Tiering = { first: Tier.Inline, afterInterp: Tier.Inline, interpWork: 0, loopWork: 0, hotWork: 0 };
const INTERPRETED: Tiering = { first: Tier.Interpreted, afterInterp: Tier.Inline, interpWork: Infinity, loopWork: Infinity, hotWork: 0 };

/**
 * Run the instruction \`word\` once on the registers as they are, translated; the interpreter
 * (jit/interpreter.ts) runs it too from the same state and must leave the same registers and
 * flags.
 */
function exec(word: number): void {
  let pair = blocks.get(word);
  if (!pair) {
    m.ram.view.setUint32(Number(SLOT - 0x80000000n), word, true);
    pair = [compileBlock(h, SLOT, 1, undefined, INLINE)!, compileBlock(h, SLOT, 1, undefined, INTERPRETED)!];
    blocks.set(word, pair);
  }
  const fpBefore = fpu.save(), xBefore = xr.slice(0, 33);
  h.pc = SLOT;
  pair[1].fn();
  if (h.exc !== 0) throw new Error(`0x${word.toString(16)} trapped in the interpreter (cause ${h.excCause})`);
  const fpInterpreted = fpu.save(), xInterpreted = xr.slice(0, 33);
  fpu.restore(fpBefore);
  xr.set(xBefore);
  h.pc = SLOT;
  pair[0].fn();
  if (h.exc !== 0) throw new Error(`0x${word.toString(16)} trapped (cause ${h.excCause})`);
  const fpNow = fpu.save();
  if (fpNow.flags !== fpInterpreted.flags || fpNow.frm !== fpInterpreted.frm || String(fpNow.regs) !== String(fpInterpreted.regs)
    || String(xr.slice(0, 33)) !== String(xInterpreted)) {
    throw new Error(`0x${word.toString(16)}: the interpreter's result differs from the translated one`);
  }
}

/** An instruction word from its table entry and fields. */
function encode(name: string, f: { rd?: number; rs1?: number; rs2?: number; rs3?: number; rm?: number }): number {
  const def = BY_NAME.get(name);
  if (!def) throw new Error(`no ${name}`);
  const fields = ((f.rd ?? 0) << 7) | ((f.rs1 ?? 0) << 15) | ((f.rs2 ?? 0) << 20) | ((f.rs3 ?? 0) << 27) | ((f.rm ?? 0) << 12);
  return (def.match | (fields & ~def.mask)) >>> 0;
}

const BOX = 0xffffffff00000000n;
const CANON_S = 0x7fc00000n;
/** A single operand register: boxed, or now and then a raw 64-bit pattern that is not. */
function putS(r: number, bits: bigint, unboxed?: bigint): void { fpu.setBits(r, unboxed ?? (BOX | bits)); }
const readS = (r: number): bigint => (fpu.bits(r) >> 32n === 0xffffffffn ? fpu.bits(r) & 0xffffffffn : CANON_S);

interface Outcome { reg: bigint; flags: number }
/**
 * Run `name` with rd 4 (or x5 for an integer result), sources 1, 2, 3 (or x6), in mode rm: a
 * static mode, or DYN with frm holding `frm`.
 */
function run(name: string, rm: number | undefined, intResult: boolean, intSource = false): Outcome {
  const dynamic = rm !== undefined && rm !== Rounding.DYN && (rm & 0x100) !== 0;
  const mode = rm === undefined ? 0 : dynamic ? Rounding.DYN : rm;
  if (dynamic) fpu.frm = rm! & 7;
  fpu.flags = 0;
  fpu.setBits(4, 0x5a5a5a5a5a5a5a5an);
  xr[5] = 0x1234n;
  exec(encode(name, { rd: intResult ? 5 : 4, rs1: intSource ? 6 : 1, rs2: 2, rs3: 3, rm: mode }));
  return { reg: intResult ? BigInt.asUintN(64, xr[5]) : fpu.bits(4), flags: fpu.flags };
}
const fromResult = (f: FloatFormat, r: X.Result): Outcome => ({ reg: f === F32 ? BOX | r.bits : r.bits, flags: r.flags });

const failures: string[] = [];
let checked = 0;
function expectSame(what: string, got: Outcome, want: Outcome): void {
  checked++;
  if (got.reg === want.reg && got.flags === want.flags) return;
  if (failures.length < 20) {
    failures.push(`${what}: translated 0x${got.reg.toString(16)} flags ${got.flags.toString(2)}, exact 0x${want.reg.toString(16)} flags ${want.flags.toString(2)}`);
  }
}

const hex = (b: bigint): string => `0x${b.toString(16)}`;
/**
 * Mostly round to nearest (the fast paths), every mode some of the time; half the time
 * dynamically (flagged 0x100: frm holds the mode, the instruction says DYN).
 */
function mode(r: Rng): { rm: number; mode: Rounding } {
  const m0 = r.chance(0.75) ? Rounding.RNE : r.pick([Rounding.RTZ, Rounding.RDN, Rounding.RUP, Rounding.RMM]);
  return { rm: r.chance(0.5) ? m0 | 0x100 : m0, mode: m0 };
}
const anyMode = (r: Rng): { rm: number; mode: Rounding } => {
  const m0 = r.pick([Rounding.RNE, Rounding.RTZ, Rounding.RDN, Rounding.RUP, Rounding.RMM]);
  return { rm: r.chance(0.5) ? m0 | 0x100 : m0, mode: m0 };
};
const modeName = (m0: { rm: number; mode: Rounding }): string => `rm ${m0.mode}${m0.rm & 0x100 ? ' (dyn)' : ''}`;

interface Fmt { name: 's' | 'd'; tf: Format; xf: FloatFormat; edges: bigint[] }
const FORMATS: Fmt[] = [{ name: 's', tf: S, xf: F32, edges: edges(S) }, { name: 'd', tf: D, xf: F64, edges: edges(D) }];

/** Put operands in f1..f3 (singles boxed, or 3% of the time not) and return what they read as. */
function load(r: Rng, fm: Fmt, ...vals: bigint[]): bigint[] {
  return vals.map((v, i) => {
    if (fm.name === 'd') { fpu.setBits(i + 1, v); return v; }
    const unboxed = r.chance(0.03) ? BigInt.asUintN(64, r.u64() & ~(0xffffffffn << 32n) | (BigInt(r.below(0xffff)) << 32n)) : undefined;
    putS(i + 1, v, unboxed);
    return readS(i + 1);
  });
}

/** Hard cases for the sums: b near half an ulp of a (ties), b cancelling a, and near-overflow. */
function hardPair(r: Rng, fm: Fmt): [bigint, bigint] {
  const a = operand(r, fm.tf, fm.edges) & ~(1n << BigInt(fm.tf.bits - 1));
  const expA = Number(a >> BigInt(fm.tf.p - 1));
  const shift = fm.tf.p - r.below(4); // a's ulp, halved once or twice, or a little more
  const expB = Math.max(0, expA - shift);
  const fracB = r.chance(0.5) ? 0n : BigInt(r.below(4));
  const sign = r.below(2);
  const b = (BigInt(sign) << BigInt(fm.tf.bits - 1)) | (BigInt(expB) << BigInt(fm.tf.p - 1)) | fracB;
  if (r.chance(0.2)) return [a, a ^ (1n << BigInt(fm.tf.bits - 1)) ^ BigInt(r.below(3))]; // cancellation
  return [a, b];
}

const ITER = (f: (r: Rng, i: number) => void, seed: number): void => { const r = new Rng(seed); for (let i = 0; i < CASES; i++) f(r, i); };

for (const fm of FORMATS) {
  const f = fm.xf, p = fm.name;

  test(`fadd, fsub, fmul, fdiv (${p})`, () => {
    ITER((r) => {
      const [a0, b0] = r.chance(0.3) ? hardPair(r, fm) : [operand(r, fm.tf, fm.edges), operand(r, fm.tf, fm.edges)];
      const [a, b] = load(r, fm, a0, b0);
      const rm = mode(r);
      const label = (op: string): string => `${op}.${p} ${hex(a)} ${hex(b)} ${modeName(rm)}`;
      expectSame(label('fadd'), run(`fadd.${p}`, rm.rm, false), fromResult(f, X.add(f, a, b, rm.mode)));
      expectSame(label('fsub'), run(`fsub.${p}`, rm.rm, false), fromResult(f, X.sub(f, a, b, rm.mode)));
      expectSame(label('fmul'), run(`fmul.${p}`, rm.rm, false), fromResult(f, X.mul(f, a, b, rm.mode)));
      expectSame(label('fdiv'), run(`fdiv.${p}`, rm.rm, false), fromResult(f, X.div(f, a, b, rm.mode)));
    }, 1);
  });

  test(`fsqrt (${p})`, () => {
    ITER((r) => {
      let v = operand(r, fm.tf, fm.edges);
      if (r.chance(0.7)) v &= ~(1n << BigInt(fm.tf.bits - 1));
      if (r.chance(0.2)) { // squares of short significands: exact roots
        const mm = BigInt(r.below(1 << 12)) | 1n;
        const x = Number(mm) * 2 ** (r.below(40) - 20);
        v = p === 'd' ? bitsOfD(x * x) : BigInt(new Uint32Array(new Float32Array([x * x]).buffer)[0]);
      }
      const [a] = load(r, fm, v);
      const rm = mode(r);
      expectSame(`fsqrt.${p} ${hex(a)} ${modeName(rm)}`, run(`fsqrt.${p}`, rm.rm, false), fromResult(f, X.sqrt(f, a, rm.mode)));
    }, 2);
  });

  test(`fmadd, fmsub, fnmsub, fnmadd (${p})`, () => {
    ITER((r) => {
      let [a0, b0, c0] = [operand(r, fm.tf, fm.edges), operand(r, fm.tf, fm.edges), operand(r, fm.tf, fm.edges)];
      if (r.chance(0.4) && p === 'd') {
        // c close to -a*b, or at a distance from a tie of the rounded product.
        const x = valueOfD(a0), y = valueOfD(b0), uh = x * y;
        if (uh - uh === 0 && uh !== 0) {
          const ulp = 2 ** (Number((bitsOfD(uh) >> 52n) & 0x7ffn) - 1075);
          const ul = productError(x, y, uh);
          const k = r.below(6);
          // k = 5: (uh + ulp/2) - a*b, so that the exact sum is a tie (when that difference is a double).
          const c = k === 0 ? -uh : k === 1 ? -uh * (1 + 2 ** -(r.below(52) + 1)) : k === 2 ? ulp / 2 : k === 3 ? -ulp / 2 - uh * 2 ** -60
            : k === 4 ? (r.chance(0.5) ? 1 : -1) * ulp * 2 ** -r.below(60) : (r.chance(0.5) ? ulp / 2 : -ulp / 2) - ul;
          c0 = bitsOfD(c);
        }
      } else if (r.chance(0.4) && p === 's') {
        const [x, y] = [a0, b0].map((b) => new Float32Array(new Uint32Array([Number(b)]).buffer)[0]);
        const pr = x * y;
        if (pr - pr === 0 && pr !== 0) {
          const ulp = Math.abs(Math.fround(pr)) * 2 ** -23;
          const mid = Math.fround(pr) + (r.chance(0.5) ? ulp / 2 : -ulp / 2);
          c0 = BigInt(new Uint32Array(new Float32Array([Math.fround(mid - pr)]).buffer)[0]);
        }
      }
      const [a, b, c] = load(r, fm, a0, b0, c0);
      const rm = mode(r);
      for (const [name, np, na] of [['fmadd', false, false], ['fmsub', false, true], ['fnmsub', true, false], ['fnmadd', true, true]] as const) {
        expectSame(`${name}.${p} ${hex(a)} ${hex(b)} ${hex(c)} ${modeName(rm)}`,
          run(`${name}.${p}`, rm.rm, false), fromResult(f, X.fma(f, a, b, c, rm.mode, np, na)));
      }
    }, 3);
  });

  test(`fmin, fmax, feq, flt, fle, fclass, fsgnj* (${p})`, () => {
    ITER((r) => {
      const [a, b] = load(r, fm, operand(r, fm.tf, fm.edges), r.chance(0.1) ? 0n : operand(r, fm.tf, fm.edges));
      for (const max of [false, true]) {
        expectSame(`${max ? 'fmax' : 'fmin'}.${p} ${hex(a)} ${hex(b)}`, run(`${max ? 'fmax' : 'fmin'}.${p}`, undefined, false), fromResult(f, X.minMax(f, a, b, max)));
      }
      for (const op of ['eq', 'lt', 'le'] as const) {
        const c = X.compare(f, a, b, op);
        expectSame(`f${op}.${p} ${hex(a)} ${hex(b)}`, run(`f${op}.${p}`, undefined, true), { reg: BigInt(c.value), flags: c.flags });
      }
      expectSame(`fclass.${p} ${hex(a)}`, run(`fclass.${p}`, undefined, true), { reg: BigInt(X.classify(f, a)), flags: 0 });
      const signBit = 1n << BigInt(fm.tf.bits - 1);
      for (const [name, sign] of [['fsgnj', b], ['fsgnjn', ~b], ['fsgnjx', a ^ b]] as const) {
        const want = (a & (signBit - 1n)) | (sign & signBit);
        expectSame(`${name}.${p} ${hex(a)} ${hex(b)}`, run(`${name}.${p}`, undefined, false), { reg: p === 's' ? BOX | want : want, flags: 0 });
      }
    }, 4);
  });

  test(`conversions to and from integers, every rounding mode (${p})`, () => {
    const INT_EDGES = [0n, 1n, -1n, 2n ** 31n - 1n, -(2n ** 31n), 2n ** 31n, 2n ** 32n - 1n, 2n ** 32n, 2n ** 53n + 1n, 2n ** 24n + 1n,
      2n ** 63n - 1n, -(2n ** 63n), 2n ** 64n - 1n, 2n ** 63n, 0x123456789n];
    const conversions = ['w', 'wu', 'l', 'lu'] as const;
    ITER((r) => {
      const rm = anyMode(r);
      const to = r.pick(conversions);
      const width = to === 'w' || to === 'wu' ? 32 : 64, signed = to === 'w' || to === 'l';
      const [a] = load(r, fm, operand(r, fm.tf, fm.edges));
      const want = X.toInt(f, a, rm.mode, width, signed);
      expectSame(`fcvt.${to}.${p} ${hex(a)} ${modeName(rm)}`, run(`fcvt.${to}.${p}`, rm.rm, true), { reg: BigInt.asUintN(64, want.value), flags: want.flags });

      const raw = r.chance(0.3) ? r.pick(INT_EDGES) : r.chance(0.5) ? r.u64() : BigInt(r.next()) << BigInt(r.below(33));
      xr[6] = BigInt.asIntN(64, raw);
      const v64 = BigInt.asUintN(64, raw);
      const value = to === 'w' ? BigInt.asIntN(32, v64) : to === 'wu' ? BigInt.asUintN(32, v64) : to === 'l' ? BigInt.asIntN(64, v64) : v64;
      expectSame(`fcvt.${p}.${to} ${hex(v64)} ${modeName(rm)}`, run(`fcvt.${p}.${to}`, rm.rm, false, true), fromResult(f, X.fromInt(f, value, rm.mode)));
    }, 5);
  });
}

test('conversions between single and double', () => {
  const fs = FORMATS[0], fd = FORMATS[1];
  ITER((r) => {
    const rm = mode(r);
    const [d] = load(r, fd, r.chance(0.5) ? operand(r, D, fd.edges) : bitsOfD(Math.fround(valueOfD(operand(r, D, fd.edges))) * (1 + 2 ** -(24 + r.below(4)))));
    expectSame(`fcvt.s.d ${hex(d)} ${modeName(rm)}`, run('fcvt.s.d', rm.rm, false), fromResult(F32, X.convert(F64, F32, d, rm.mode)));
    const [s] = load(r, fs, operand(r, S, fs.edges));
    expectSame(`fcvt.d.s ${hex(s)} ${modeName(rm)}`, run('fcvt.d.s', rm.rm, false), fromResult(F64, X.convert(F32, F64, s, rm.mode)));
  }, 6);
});

test('moves: raw bits, NaN-boxed singles, sign-extended words', () => {
  ITER((r) => {
    const v = BigInt.asUintN(64, r.u64());
    fpu.setBits(1, v);
    xr[6] = BigInt.asIntN(64, v);
    expectSame(`fmv.x.d ${hex(v)}`, run('fmv.x.d', undefined, true), { reg: v, flags: 0 });
    expectSame(`fmv.x.w ${hex(v)}`, run('fmv.x.w', undefined, true), { reg: BigInt.asUintN(64, BigInt.asIntN(32, v)), flags: 0 });
    expectSame(`fmv.d.x ${hex(v)}`, run('fmv.d.x', undefined, false, true), { reg: v, flags: 0 });
    expectSame(`fmv.w.x ${hex(v)}`, run('fmv.w.x', undefined, false, true), { reg: BOX | (v & 0xffffffffn), flags: 0 });
  }, 7);
});

test('the exact reference agrees with JavaScript arithmetic in round to nearest', () => {
  const r = new Rng(8);
  for (let i = 0; i < CASES; i++) {
    const a = operand(r, D, FORMATS[1].edges), b = operand(r, D, FORMATS[1].edges);
    const x = valueOfD(a), y = valueOfD(b);
    const pairs: [string, X.Result, number][] = [['add', X.add(F64, a, b, 0), x + y], ['mul', X.mul(F64, a, b, 0), x * y],
      ['div', X.div(F64, a, b, 0), x / y], ['sqrt', X.sqrt(F64, a, 0), Math.sqrt(x)]];
    for (const [op, got, js] of pairs) {
      const want = js !== js ? 0x7ff8000000000000n : bitsOfD(js);
      checked++;
      if (got.bits !== want && failures.length < 20) failures.push(`exact ${op} ${hex(a)} ${hex(b)}: 0x${got.bits.toString(16)}, JavaScript 0x${want.toString(16)}`);
    }
  }
});

test('summary', (t) => {
  t.diagnostic(`${checked} results compared, translated code against the exact reference; ${blocks.size} instruction words translated`);
  assert.deepEqual(failures, []);
});
