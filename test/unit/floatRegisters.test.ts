// How the debugger prints and parses FP register values: singles by their own shortest
// decimal, NaNs and infinities by name with their bits, and typed values stored in the
// precision the register already holds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeFcsr, floatRegisterIndex, formatFloatRegister, parseFloatRegister } from '../../src/debugger/floatRegisters.js';

test('doubles and boxed singles print as the numbers they are, with their bits', () => {
  assert.equal(formatFloatRegister(0x3fb999999999999an), '0.1 (0x3fb999999999999a)');
  assert.equal(formatFloatRegister(0xffffffff3dcccccdn), '0.1 (single, 0xffffffff3dcccccd)');
  assert.equal(formatFloatRegister(0x8000000000000000n), '-0 (0x8000000000000000)');
  assert.equal(formatFloatRegister(0xffffffff00000001n), '1e-45 (single, 0xffffffff00000001)');
  assert.equal(formatFloatRegister(0x7ff0000000000000n), 'Infinity (0x7ff0000000000000)');
  // A NaN keeps its payload in the hex, whatever JavaScript does with it.
  assert.equal(formatFloatRegister(0x7ff4000000000001n), 'NaN (0x7ff4000000000001)');
  assert.equal(formatFloatRegister(0xffffffff7fc00000n), 'NaN (single, 0xffffffff7fc00000)');
  // The high half not all ones: a double, even if it looks like a single in the low half.
  assert.equal(formatFloatRegister(0x000000003f800000n), '5.263544247e-315 (0x3f800000)');
});

test('a typed value takes the precision the register holds; hex is raw bits; nonsense is refused', () => {
  assert.equal(parseFloatRegister('2.5', 0n), 0x4004000000000000n);
  assert.equal(parseFloatRegister('2.5', 0xffffffff00000000n), 0xffffffff40200000n);
  assert.equal(parseFloatRegister('-inf', 0n), 0xfff0000000000000n);
  assert.equal(parseFloatRegister('1e-3', 0n), 0x3f50624dd2f1a9fcn);
  assert.equal(parseFloatRegister('0x7ff4000000000001', 0xffffffff00000000n), 0x7ff4000000000001n);
  for (const bad of ['', 'two', '1.5.2', '0x1_0000_0000_0000_0000', '0x', '--1']) assert.equal(parseFloatRegister(bad, 0n), undefined, bad);
});

test('register names and fcsr in words', () => {
  assert.equal(floatRegisterIndex('fa0'), 10);
  assert.equal(floatRegisterIndex('f31'), 31);
  assert.equal(floatRegisterIndex('f32'), undefined);
  assert.equal(floatRegisterIndex('fp'), undefined);
  assert.deepEqual(describeFcsr(0), { frm: '0 (rne)', fflags: '0x0' });
  assert.deepEqual(describeFcsr((1 << 5) | 0x11), { frm: '1 (rtz)', fflags: '0x11 (NV NX)' });
  assert.deepEqual(describeFcsr(7 << 5), { frm: '7 (reserved)', fflags: '0x0' });
});
