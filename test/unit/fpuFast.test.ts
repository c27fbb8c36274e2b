// The FPU's fast paths against its exact reference: every operation the hart has, on random
// and edge operands and on constructed hard cases (ties, cancellation, results at the
// underflow and overflow thresholds), in every rounding mode; the result register's bits and
// the flags must be the same. The exact reference is itself checked against JavaScript's own
// arithmetic for round to nearest, and against QEMU by test/diff/float.test.ts.
// CHRONOS_FPU_CASES=N runs N cases per operation (default 20000; a release check runs 1e6).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Fpu, type IntConversion } from '../../src/emulator/fpu/fpu.js';
import { productError } from '../../src/emulator/fpu/fast.js';
import * as X from '../../src/emulator/fpu/exact.js';
import { F32, F64, Rounding, type FloatFormat } from '../../src/emulator/fpu/format.js';
import { D, Rng, S, bitsOfD, edges, operand, valueOfD, type Format } from '../support/floats.js';

const CASES = Number(process.env.CHRONOS_FPU_CASES ?? 20000);

const xbuf = new ArrayBuffer(32 * 8);
const xu = new Uint32Array(xbuf), xi = new Int32Array(xbuf), xr = new BigInt64Array(xbuf);
const fpu = new Fpu(xu, xi);
const BOX = 0xffffffff00000000n;
const CANON_S = 0x7fc00000n;

/** A single operand register: boxed, or now and then a raw 64-bit pattern that is not. */
function putS(r: number, bits: bigint, unboxed?: bigint): void { fpu.setBits(r, unboxed ?? (BOX | bits)); }
const readS = (r: number): bigint => (fpu.bits(r) >> 32n === 0xffffffffn ? fpu.bits(r) & 0xffffffffn : CANON_S);

interface Outcome { reg: bigint; flags: number }
function run(op: () => void, rd: number, intResult: boolean): Outcome {
  fpu.flags = 0;
  fpu.setBits(rd, 0x5a5a5a5a5a5a5a5an);
  xr[rd] = 0x1234n;
  op();
  return { reg: intResult ? BigInt.asUintN(64, xr[rd]) : fpu.bits(rd), flags: fpu.flags };
}
const fromResult = (f: FloatFormat, r: X.Result): Outcome => ({ reg: f === F32 ? BOX | r.bits : r.bits, flags: r.flags });

const failures: string[] = [];
let checked = 0;
function expectSame(what: string, got: Outcome, want: Outcome): void {
  checked++;
  if (got.reg === want.reg && got.flags === want.flags) return;
  if (failures.length < 20) {
    failures.push(`${what}: fast 0x${got.reg.toString(16)} flags ${got.flags.toString(2)}, exact 0x${want.reg.toString(16)} flags ${want.flags.toString(2)}`);
  }
}

const hex = (b: bigint): string => `0x${b.toString(16)}`;
/** Mostly round to nearest (the fast paths), every mode some of the time. */
const mode = (r: Rng): Rounding => (r.chance(0.75) ? Rounding.RNE : r.pick([Rounding.RTZ, Rounding.RDN, Rounding.RUP, Rounding.RMM]));

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
  const f = fm.xf, P = fm.name === 'd' ? 'D' : 'S';
  const call = (name: string, ...args: (number | boolean | string)[]) => (): void =>
    (fpu as unknown as Record<string, (...a: unknown[]) => void>)[`${name}${P}`](...args);

  test(`add, sub, mul, div (${fm.name})`, () => {
    ITER((r) => {
      const [a0, b0] = r.chance(0.3) ? hardPair(r, fm) : [operand(r, fm.tf, fm.edges), operand(r, fm.tf, fm.edges)];
      const [a, b] = load(r, fm, a0, b0);
      const rm = mode(r);
      const label = (op: string): string => `${op}.${fm.name} ${hex(a)} ${hex(b)} rm ${rm}`;
      expectSame(label('add'), run(call('add', 4, 1, 2, rm), 4, false), fromResult(f, X.add(f, a, b, rm)));
      expectSame(label('sub'), run(call('sub', 4, 1, 2, rm), 4, false), fromResult(f, X.sub(f, a, b, rm)));
      expectSame(label('mul'), run(call('mul', 4, 1, 2, rm), 4, false), fromResult(f, X.mul(f, a, b, rm)));
      expectSame(label('div'), run(call('div', 4, 1, 2, rm), 4, false), fromResult(f, X.div(f, a, b, rm)));
    }, 1);
  });

  test(`sqrt (${fm.name})`, () => {
    ITER((r) => {
      let v = operand(r, fm.tf, fm.edges);
      if (r.chance(0.7)) v &= ~(1n << BigInt(fm.tf.bits - 1));
      if (r.chance(0.2)) { // squares of short significands: exact roots
        const m = BigInt(r.below(1 << 12)) | 1n;
        const x = Number(m) * 2 ** (r.below(40) - 20);
        v = fm.name === 'd' ? bitsOfD(x * x) : BigInt(new Uint32Array(new Float32Array([x * x]).buffer)[0]);
      }
      const [a] = load(r, fm, v);
      const rm = mode(r);
      expectSame(`sqrt.${fm.name} ${hex(a)} rm ${rm}`, run(call('sqrt', 4, 1, rm), 4, false), fromResult(f, X.sqrt(f, a, rm)));
    }, 2);
  });

  test(`fused multiply-add, all four signs (${fm.name})`, () => {
    ITER((r) => {
      let [a0, b0, c0] = [operand(r, fm.tf, fm.edges), operand(r, fm.tf, fm.edges), operand(r, fm.tf, fm.edges)];
      if (r.chance(0.4) && fm.name === 'd') {
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
      } else if (r.chance(0.4) && fm.name === 's') {
        const [x, y] = [a0, b0].map((b) => new Float32Array(new Uint32Array([Number(b)]).buffer)[0]);
        const p = x * y;
        if (p - p === 0 && p !== 0) {
          const ulp = Math.abs(Math.fround(p)) * 2 ** -23;
          const mid = Math.fround(p) + (r.chance(0.5) ? ulp / 2 : -ulp / 2);
          c0 = BigInt(new Uint32Array(new Float32Array([Math.fround(mid - p)]).buffer)[0]);
        }
      }
      const [a, b, c] = load(r, fm, a0, b0, c0);
      const rm = mode(r);
      for (const [np, na] of [[false, false], [false, true], [true, false], [true, true]] as const) {
        expectSame(`fma.${fm.name} ${hex(a)} ${hex(b)} ${hex(c)} neg ${np} ${na} rm ${rm}`,
          run(call('fma', 4, 1, 2, 3, rm, np, na), 4, false), fromResult(f, X.fma(f, a, b, c, rm, np, na)));
      }
    }, 3);
  });

  test(`min, max, compares (${fm.name})`, () => {
    ITER((r) => {
      const [a, b] = load(r, fm, operand(r, fm.tf, fm.edges), r.chance(0.1) ? 0n : operand(r, fm.tf, fm.edges));
      for (const max of [false, true]) {
        expectSame(`${max ? 'max' : 'min'}.${fm.name} ${hex(a)} ${hex(b)}`, run(call('minMax', 4, 1, 2, max), 4, false), fromResult(f, X.minMax(f, a, b, max)));
      }
      for (const op of ['eq', 'lt', 'le'] as const) {
        const c = X.compare(f, a, b, op);
        expectSame(`${op}.${fm.name} ${hex(a)} ${hex(b)}`, run(call('cmp', 5, 1, 2, op), 5, true), { reg: BigInt(c.value), flags: c.flags });
      }
      expectSame(`class.${fm.name} ${hex(a)}`, run(call('class', 5, 1), 5, true), { reg: BigInt(X.classify(f, a)), flags: 0 });
    }, 4);
  });

  test(`conversions to and from integers, every rounding mode (${fm.name})`, () => {
    const INT_EDGES = [0n, 1n, -1n, 2n ** 31n - 1n, -(2n ** 31n), 2n ** 31n, 2n ** 32n - 1n, 2n ** 32n, 2n ** 53n + 1n, 2n ** 24n + 1n,
      2n ** 63n - 1n, -(2n ** 63n), 2n ** 64n - 1n, 2n ** 63n, 0x123456789n];
    const conversions: IntConversion[] = ['w', 'wu', 'l', 'lu'];
    ITER((r) => {
      const rm = r.pick([Rounding.RNE, Rounding.RTZ, Rounding.RDN, Rounding.RUP, Rounding.RMM]);
      const to = r.pick(conversions);
      const width = to === 'w' || to === 'wu' ? 32 : 64, signed = to === 'w' || to === 'l';
      const [a] = load(r, fm, operand(r, fm.tf, fm.edges));
      const want = X.toInt(f, a, rm, width, signed);
      expectSame(`fcvt.${to}.${fm.name} ${hex(a)} rm ${rm}`, run(call('toInt', 5, 1, rm, to), 5, true), { reg: BigInt.asUintN(64, want.value), flags: want.flags });

      const raw = r.chance(0.3) ? r.pick(INT_EDGES) : r.chance(0.5) ? r.u64() : BigInt(r.next()) << BigInt(r.below(33));
      xr[6] = BigInt.asIntN(64, raw);
      const v64 = BigInt.asUintN(64, raw);
      const value = to === 'w' ? BigInt.asIntN(32, v64) : to === 'wu' ? BigInt.asUintN(32, v64) : to === 'l' ? BigInt.asIntN(64, v64) : v64;
      expectSame(`fcvt.${fm.name}.${to} ${hex(v64)} rm ${rm}`, run(call('fromInt', 4, 6, rm, to), 4, false), fromResult(f, X.fromInt(f, value, rm)));
    }, 5);
  });
}

test('conversions between single and double', () => {
  const fs = FORMATS[0], fd = FORMATS[1];
  ITER((r) => {
    const rm = mode(r);
    const [d] = load(r, fd, r.chance(0.5) ? operand(r, D, fd.edges) : bitsOfD(Math.fround(valueOfD(operand(r, D, fd.edges))) * (1 + 2 ** -(24 + r.below(4)))));
    expectSame(`fcvt.s.d ${hex(d)} rm ${rm}`, run(() => fpu.toSingle(4, 1, rm), 4, false), fromResult(F32, X.convert(F64, F32, d, rm)));
    const [s] = load(r, fs, operand(r, S, fs.edges));
    expectSame(`fcvt.d.s ${hex(s)}`, run(() => fpu.toDouble(4, 1), 4, false), fromResult(F64, X.convert(F32, F64, s, Rounding.RNE)));
  }, 6);
});

test('sign injection on singles reads unboxed operands as the canonical NaN', () => {
  ITER((r) => {
    const [a, b] = load(r, FORMATS[0], operand(r, S, FORMATS[0].edges), operand(r, S, FORMATS[0].edges));
    const kind = r.pick([0, 1, 2] as const);
    const sign = kind === 0 ? b : kind === 1 ? ~b : a ^ b;
    const want = (a & 0x7fffffffn) | (sign & 0x80000000n);
    expectSame(`fsgnj(${kind}).s ${hex(a)} ${hex(b)}`, run(() => fpu.sgnjS(4, 1, 2, kind), 4, false), { reg: BOX | want, flags: 0 });
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
  t.diagnostic(`${checked} results compared, fast path against exact reference`);
  assert.deepEqual(failures, []);
});
