// NX is sticky: once raised it stays until software clears it, so the double fast paths skip
// working out an operation's rounding error while it is raised (fpu.ts). That may change
// nothing: for every operand pair, the result's bits with NX raised beforehand are the bits with
// it clear, and the flags are those the operation raises from clear, plus NX.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Fpu } from '../../src/emulator/fpu/fpu.js';
import { FFlag } from '../../src/emulator/fpu/format.js';
import { D, operand, Rng } from '../support/floats.js';

const RNE = 0;
const ops: [string, (f: Fpu) => void][] = [
  ['fadd.d', (f) => f.addD(3, 1, 2, RNE)],
  ['fsub.d', (f) => f.subD(3, 1, 2, RNE)],
  ['fmul.d', (f) => f.mulD(3, 1, 2, RNE)],
  ['fdiv.d', (f) => f.divD(3, 1, 2, RNE)],
  ['fsqrt.d', (f) => f.sqrtD(3, 1, RNE)],
];

test('with NX already raised, the double operations give the same bits and the same other flags', () => {
  const fpu = new Fpu(new Uint32Array(64), new Int32Array(64));
  const r = new Rng(20261202);
  let inexact = 0;
  for (let i = 0; i < 20_000; i++) {
    const a = operand(r, D), b = operand(r, D);
    for (const [name, op] of ops) {
      const run = (flags: number): [bigint, number] => {
        fpu.fx[1] = BigInt.asIntN(64, a); fpu.fx[2] = BigInt.asIntN(64, b); fpu.fx[3] = 0n;
        fpu.flags = flags;
        op(fpu);
        return [fpu.fx[3], fpu.flags];
      };
      const [clearBits, clearFlags] = run(0), [setBits, setFlags] = run(FFlag.NX);
      if (clearFlags & FFlag.NX) inexact++;
      assert.equal(setBits, clearBits, `${name} ${a.toString(16)}, ${b.toString(16)}: the result`);
      assert.equal(setFlags, clearFlags | FFlag.NX, `${name} ${a.toString(16)}, ${b.toString(16)}: the flags`);
    }
  }
  assert.ok(inexact > 20_000, `most operations were inexact, which is the case this is about (${inexact})`);
});
