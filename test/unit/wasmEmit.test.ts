// Each integer kind's WebAssembly form (InsnDef.wasm, beside its `emit`) against its JavaScript
// form, on the same random instruction words (every register, x0 and aliased operands included)
// and operands chosen for the edges: zero, one, all ones, the most negative and positive values,
// 32-bit boundaries, random 64-bit values. One description per instruction means the two agree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { INSTRUCTIONS } from '../../src/emulator/isa/table.js';
import { decode } from '../../src/emulator/isa/decode.js';
import { Gen, REG_SLOTS } from '../../src/emulator/jit/codegen.js';
import { WasmGen } from '../../src/emulator/jit/wasm/wasmGen.js';
import { Code, encodeModule, Op } from '../../src/emulator/jit/wasm/encoder.js';
import { wasmApi } from '../../src/emulator/jit/wasm/api.js';
import type { Decoded, InsnDef } from '../../src/emulator/isa/types.js';

const EDGES = [0n, 1n, -1n, 2n, -2n, 31n, 32n, 63n, 64n, 0x7fffffffn, 0x80000000n, -0x80000000n, 0xffffffffn,
  (1n << 63n) - 1n, -(1n << 63n), 0x123456789abcdef0n, -0x5a5a5a5a5a5a5a5bn];

let seed = 0x2545f491;
const rand32 = (): number => { seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5; return seed >>> 0; };
const rand64 = (): bigint => BigInt.asIntN(64, (BigInt(rand32()) << 32n) | BigInt(rand32()));
const operand = (): bigint => (rand32() % 3 === 0 ? rand64() : EDGES[rand32() % EDGES.length]);

const PC = 0x80001234n;
const wasm = wasmApi()!;

function runJs(d: Decoded, regs: BigInt64Array): BigInt64Array {
  const buf = new ArrayBuffer(REG_SLOTS * 8), x = new BigInt64Array(buf);
  x.set(regs);
  const g = new Gen();
  g.calls = false; g.pc = PC; g.len = 4;
  new Function('x', 'u', 'i32', 'h', d.def.emit(d, g))(x, new Uint32Array(buf), new Int32Array(buf), undefined);
  return x.slice(0, 32);
}

function runWasm(d: Decoded, regs: BigInt64Array): BigInt64Array {
  const w = new WasmGen();
  w.pc = PC;
  d.def.wasm!(d, w);
  const c = new Code();
  for (let r = 1; r < 32; r++) if (w.regLocal[r] >= 0) c.i32(0).mem(Op.i64_load, 3, 8 * r).set(w.regLocal[r]);
  c.bytes(w.code.view());
  for (let r = 1; r < 32; r++) if (w.written[r]) c.i32(0).get(w.regLocal[r]).mem(Op.i64_store, 3, 8 * r);
  const memory = new wasm.Memory({ initial: 1 });
  new BigInt64Array(memory.buffer).set(regs);
  const bytes = encodeModule({ memory: { module: 'm', name: 'mem', minPages: 1 }, funcs: [{ type: { params: [], results: [] }, locals: w.locals, body: c, export: 'run' }] });
  (new wasm.Instance(new wasm.Module(bytes), { m: { mem: memory } }).exports.run as () => void)();
  return new BigInt64Array(memory.buffer, 0, 32).slice();
}

// Control flow and memory need a region (test/unit/wasmRegion.test.ts runs those); the AMOs, which
// regions leave out, the wasm interpreter (test/unit/wasmInterp.test.ts, test/isa/atomics.test.ts).
const withWasm = INSTRUCTIONS.filter((def) => def.wasm !== undefined && def.flow === 'next' && def.syntax !== 'rd,imm(rs1)' && def.format !== 'S' && def.format !== 'AMO');

test('the integer kinds have WebAssembly forms, and the rest none', () => {
  const names = withWasm.map((def) => def.name).sort();
  assert.ok(names.includes('add') && names.includes('divuw') && names.includes('sraiw') && names.includes('auipc') && names.includes('mulhsu'));
  assert.ok(!names.includes('ld') && !names.includes('csrrw') && !names.includes('fadd.d'));
  // Memory and control flow have forms too, which only a region can run (wasmRegion.test.ts).
  const all = INSTRUCTIONS.filter((def) => def.wasm !== undefined).map((def) => def.name);
  assert.ok(all.includes('ld') && all.includes('sd') && all.includes('jalr') && all.includes('bgeu') && all.includes('amoadd.w') && all.includes('amomaxu.d'));
  // Hart.amo watches swap and or for locks (the hand-off on several harts).
  assert.ok(!all.includes('csrrw') && !all.includes('amoswap.w') && !all.includes('amoor.d') && !all.includes('lr.d') && !all.includes('ecall'));
});

for (const def of withWasm) {
  test(`${def.name}: WebAssembly computes what the JavaScript form does`, () => {
    let tried = 0;
    for (let n = 0; tried < 300 && n < 100_000; n++) {
      const d = decode(((rand32() & ~def.mask) | def.match) >>> 0);
      if (!d || d.def !== def) continue;
      tried++;
      const regs = new BigInt64Array(32);
      for (let r = 1; r < 32; r++) regs[r] = operand();
      assert.deepEqual(runWasm(d, regs), runJs(d, regs), `${def.name} x${d.rd}, x${d.rs1}, x${d.rs2}/imm ${d.imm}: ${regs[d.rs1]}, ${regs[d.rs2]}`);
    }
    assert.ok(tried >= 100, `only ${tried} words decode to ${def.name}`);
    // Every pair of edge values, for the kinds of two registers (x3 = x1 op x2).
    if (def.format !== 'R') return;
    const d = decode((def.match | (3 << 7) | (1 << 15) | (2 << 20)) >>> 0)!;
    for (const a of EDGES) {
      for (const b of EDGES) {
        const regs = new BigInt64Array(32); regs[1] = a; regs[2] = b;
        assert.deepEqual(runWasm(d, regs), runJs(d, regs), `${def.name} ${a}, ${b}`);
      }
    }
  });
}

/** A kind given a wrong form fails here: the test above can fail. */
test('a wrong WebAssembly form is caught', () => {
  const add = INSTRUCTIONS.find((def) => def.name === 'add')!;
  const wrong: InsnDef = { ...add, wasm: (d, w) => w.rr(d.rd, d.rs1, d.rs2, Op.i64_or) };
  const d = { ...decode(add.match | (3 << 7) | (1 << 15) | (2 << 20))!, def: wrong };
  const regs = new BigInt64Array(32); regs[1] = 3n; regs[2] = 5n;
  assert.notDeepEqual(runWasm(d, regs), runJs(d, regs));
});
