// DWARF location expressions (src/debugger/dwarf/expr.ts), run on hand-assembled expressions
// of the kinds GCC and rustc emit at -O: registers, register-relative addresses, the frame base,
// pieces, computed values, entry values, branches; and the errors for what cannot be run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ExprError, runLocation, runValue, type ExprContext } from '../../src/debugger/dwarf/expr.js';

const REGS = new Map<number, bigint>([[2, 0x8000_1000n], [8, 0x8000_1040n], [10, 42n], [11, 0xffff_ffff_ffff_fffen]]);
const MEMORY = new Map<bigint, bigint>([[0x8000_1008n, 0x1234n]]);
const ctx: ExprContext = {
  reg: (n) => REGS.get(n),
  read: (a, size) => { const v = MEMORY.get(a); return v === undefined ? undefined : BigInt.asUintN(size * 8, v); },
  cfa: 0x8000_1050n,
  frameBase: () => 0x8000_1050n,
  entryValue: (inner) => (inner.length === 1 && inner[0] === 0x5a ? 7n : 'optimized out'),
};
const e = (...b: number[]): Uint8Array => new Uint8Array(b);

test('a register, a register-relative address, the frame base and the CFA', () => {
  assert.deepEqual(runLocation(e(0x5a), ctx), { place: { kind: 'register', reg: 10 } });           // DW_OP_reg10
  assert.deepEqual(runLocation(e(0x90, 40), ctx), { place: { kind: 'register', reg: 40 } });       // DW_OP_regx f8
  assert.deepEqual(runLocation(e(0x72, 0x08), ctx), { place: { kind: 'memory', address: 0x8000_1008n } }); // DW_OP_breg2 8
  assert.deepEqual(runLocation(e(0x78, 0x70), ctx), { place: { kind: 'memory', address: 0x8000_1030n } }); // DW_OP_breg8 -16
  assert.deepEqual(runLocation(e(0x91, 0x68), ctx), { place: { kind: 'memory', address: 0x8000_1038n } }); // DW_OP_fbreg -24
  assert.deepEqual(runLocation(e(0x9c), ctx), { place: { kind: 'memory', address: 0x8000_1050n } });      // DW_OP_call_frame_cfa
  assert.equal(runValue(e(0x58), ctx), 0x8000_1040n, 'a frame base in s0 is its value');                 // DW_OP_reg8
});

test('pieces: two registers, a computed value and a register, memory', () => {
  assert.deepEqual(runLocation(e(0x5a, 0x93, 4, 0x5b, 0x93, 4), ctx), {
    pieces: [{ place: { kind: 'register', reg: 10 }, bytes: 4 }, { place: { kind: 'register', reg: 11 }, bytes: 4 }],
  });
  assert.deepEqual(runLocation(e(0x10, 0x80, 0x20, 0x9f, 0x93, 8, 0x35, 0x9f, 0x93, 8), ctx), {
    pieces: [{ place: { kind: 'value', value: 4096n }, bytes: 8 }, { place: { kind: 'value', value: 5n }, bytes: 8 }],
  });
  assert.deepEqual(runLocation(e(0x72, 0x08, 0x93, 8, 0x93, 8), ctx), {
    pieces: [{ place: { kind: 'memory', address: 0x8000_1008n }, bytes: 8 }, { place: { kind: 'optimized' }, bytes: 8 }],
  }, 'a piece with nothing before it is a part the compiler dropped');
});

test('computed values: arithmetic, deref, entry values, a branch', () => {
  const value = (...b: number[]) => runValue(e(...b), ctx);
  assert.equal(value(0x7a, 0, 0x33, 0x1e, 0x9f), 126n);                 // breg10 0; lit3; mul; stack_value
  assert.equal(value(0x72, 0x08, 0x06, 0x9f), 0x1234n);                 // breg2 8; deref
  assert.equal(value(0x72, 0x08, 0x94, 1, 0x9f), 0x34n);                // deref_size 1
  assert.equal(value(0xf3, 1, 0x5a, 0x9f), 7n);                         // GNU_entry_value(reg10); stack_value
  assert.equal(value(0x7b, 0, 0x30, 0x2d, 0x28, 2, 0, 0x31, 0x9f, 0x32, 0x9f), 2n); // a1 < 0 ? 2 : 1
  assert.equal(value(0x11, 0x7f, 0x19, 0x9f), 1n);                      // consts -1; abs
  assert.equal(value(0x9e, 2, 0x34, 0x12), 0x1234n);                    // implicit_value
});

test('what cannot be run says why', () => {
  const fails = (b: Uint8Array, msg: RegExp) => assert.throws(() => runLocation(b, ctx), (err: unknown) => err instanceof ExprError && msg.test(err.message));
  fails(e(0x75, 0), /x5 is not known in this frame/);                  // breg5 (t0): a caller's clobbered register
  fails(e(0x72, 0x10, 0x06), /memory at 0x80001010 is not readable/);
  fails(e(0xa3, 1, 0x5b), /optimized out/);                              // entry_value(reg11): not known
  fails(e(0x06), /pops an empty stack/);
  fails(e(0xe0), /operation 0xe0 is not supported/);
  assert.deepEqual(runLocation(e(), ctx), { place: { kind: 'optimized' } }, 'an empty expression: optimised away');
});
