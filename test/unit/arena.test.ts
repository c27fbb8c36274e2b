// The arena (memory/arena.ts): RAM, each hart's registers and TLBs and the code marks are views
// into one WebAssembly.Memory, none overlapping another, so that a wasm function sees the same
// machine state the JavaScript tiers do.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Machine } from '../../src/emulator/machine.js';
import { Code, encodeModule, Op, ValType } from '../../src/emulator/jit/wasm/encoder.js';
import { wasmApi } from '../../src/emulator/jit/wasm/api.js';

type View = { buffer: ArrayBufferLike; byteOffset: number; byteLength: number };

test('every view of a two-hart machine lies in its arena, and none overlaps another', () => {
  const m = new Machine({ harts: 2, memoryMiB: 16 });
  const arena = m.arena!;
  assert.ok(arena, 'Node has WebAssembly: the machine has an arena');
  const views: [string, View][] = [['ram', m.ram.r64], ['code marks', m.code.codeChunks]];
  m.harts.forEach((h, i) => {
    views.push([`x of hart ${i}`, h.x]);
    h.tlbs.forEach((t, p) => {
      for (const k of ['r', 'rh', 'ro', 'w', 'wh', 'wo', 'x', 'xh', 'xo'] as const) views.push([`tlb ${p}.${k} of hart ${i}`, t[k]]);
    });
  });
  for (const [name, v] of views) {
    assert.equal(v.buffer, arena.buffer, `${name} is in the arena`);
    assert.ok(v.byteOffset + v.byteLength <= arena.buffer.byteLength, `${name} ends inside it`);
  }
  const sorted = views.slice().sort((a, b) => a[1].byteOffset - b[1].byteOffset);
  for (let i = 1; i < sorted.length; i++) {
    const [pn, p] = sorted[i - 1], [n, v] = sorted[i];
    assert.ok(p.byteOffset + p.byteLength <= v.byteOffset, `${pn} ends before ${n} starts`);
  }
  assert.equal(m.ram.byteOffset % 65536, 0, 'RAM starts on a 64 KiB boundary');
  // The views that alias (u and i32 over x, the RAM widths) cover the same bytes.
  assert.equal(m.harts[1].u.byteOffset, m.harts[1].x.byteOffset);
  assert.equal(m.ram.ru8.byteOffset, m.ram.r64.byteOffset);
  assert.equal(m.ram.view.byteOffset, m.ram.byteOffset);
});

test('a wasm function over the arena reads a hart register and writes RAM the emulator reads', () => {
  const m = new Machine({ harts: 2, memoryMiB: 16 });
  const arena = m.arena!, h = m.harts[1], wasm = wasmApi()!;
  h.x[5] = 0x1122334455667788n;
  // ram[0x100] = x5 + 1, with x5 read at its place in the memory.
  const body = new Code().i32(0).i32(0).mem(Op.i64_load, 3, h.x.byteOffset + 5 * 8).i64(1n).op(Op.i64_add)
    .mem(Op.i64_store, 3, m.ram.byteOffset + 0x100);
  const bytes = encodeModule({ memory: { module: 'm', name: 'mem', minPages: arena.buffer.byteLength / 65536 },
    funcs: [{ type: { params: [], results: [] }, locals: [], body, export: 'f' }] });
  const f = new wasm.Instance(new wasm.Module(bytes), { m: { mem: arena.memory } }).exports.f as () => void;
  f();
  assert.equal(m.ram.view.getBigUint64(0x100, true), 0x1122334455667789n);
  assert.equal(m.ram.r64[0x20], 0x1122334455667789n);
  // A TLB fill lands where the memory has it.
  h.tlbs[1].fill('load', 0x4000_0000 | 0x123, 0, 0x5000);
  const e = (0x4000_0000 >>> 12) & 255;
  assert.equal(new Int32Array(arena.buffer, h.tlbs[1].ro.byteOffset, 256)[e], 0x5000);
});
