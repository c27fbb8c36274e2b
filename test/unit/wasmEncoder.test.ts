// The wasm tier's binary encoder (jit/wasm/encoder.ts): its integers are the specification's
// LEB128, and the modules it makes are valid and compute what the same arithmetic on BigInts does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Code, encodeModule, Op, ValType } from '../../src/emulator/jit/wasm/encoder.js';
import { wasmApi } from '../../src/emulator/jit/wasm/api.js';

test('the encoder writes LEB128 as the specification does, and its i64 code computes as BigInts do', () => {
  const c = new Code();
  c.u32(624485).s32(-123456).s32(-1).s32(63).s32(64).s64(-(1n << 63n)).s64((1n << 63n) - 1n);
  assert.deepEqual([...c.view()], [0xe5, 0x8e, 0x26, 0xc0, 0xbb, 0x78, 0x7f, 0x3f, 0xc0, 0x00,
    0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00]);
  const wasm = wasmApi()!, I64 = ValType.I64;
  const body = new Code().get(0).get(1).op(Op.i64_mul).i64(-0x7654321n).op(Op.i64_xor).get(1).op(Op.i64_shr_u);
  const bytes = encodeModule({ memory: { module: 'm', name: 'mem', minPages: 0 },
    funcs: [{ type: { params: [I64, I64], results: [I64] }, locals: [], body, export: 'f' }] });
  const memory = new wasm.Memory({ initial: 0 });
  const f = new wasm.Instance(new wasm.Module(bytes), { m: { mem: memory } }).exports.f as (a: bigint, b: bigint) => bigint;
  for (const [a, b] of [[3n, 5n], [-1n, 63n], [0x123456789abcdefn, 0xfedcba987n], [-(1n << 63n), -1n]]) {
    const want = BigInt.asIntN(64, BigInt.asUintN(64, (a * b) ^ -0x7654321n) >> (BigInt.asUintN(64, b) & 63n));
    assert.equal(f(a, b), want, `${a}, ${b}`);
  }
});
