// What only the WebAssembly form of a region (jit/wasm/region.ts) has to get right beyond
// test/unit/regions.test.ts, which runs every region rule in both forms: an access that needs
// the hart (here a store to the UART, MMIO) leaves before the instruction and the dispatcher
// runs it; jumps through a register go on to a block of the region, with rd written after the
// target is read when rd is rs1; writes to x0 vanish. Compared with one instruction at a time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Machine } from '../../src/emulator/machine.js';
import { Tier, type Tiering } from '../../src/emulator/jit/tiers.js';
import { encode as e } from '../isa/encode.js';

const BASE = 0x80000000n, UART = 0x10000000n, SPIN = BASE + 36n;
const WASM: Tiering = { first: Tier.Interpreted, afterInterp: Tier.Inline, interpWork: 300, loopWork: 300, hotWork: 0, regions: true, wasm: true };
const A1 = 11, A2 = 12, T1 = 6, T2 = 7, T3 = 28, S2 = 18, RA = 1;

/** Nine instructions a pass (eleven in every sixteenth), `passes` passes, then a jump to the spin. */
function program(passes: number): { m: Machine; out: number[] } {
  const m = new Machine({ memoryMiB: 16, tiering: WASM });
  m.bootBare(BASE);
  const code = [
    e('andi', { rd: T1, rs1: A2, imm: 15 }), // L1
    e('bne', { rs1: T1, rs2: 0, imm: 12 }), // -> L2 but every sixteenth pass
    e('addi', { rd: T1, rs1: A2, imm: 65 }),
    e('sb', { rs1: A1, rs2: T1, imm: 0 }), // the UART: leaves the function
    e('jalr', { rd: RA, rs1: T2, imm: 0 }), // L2: to L3, its own return site
    e('addi', { rd: A2, rs1: A2, imm: -1 }), // L3
    e('addi', { rd: 0, rs1: A2, imm: 5 }),
    e('addi', { rd: T3, rs1: T2, imm: 24 }), // t3 = L4
    e('jalr', { rd: T3, rs1: T3, imm: 0 }), // rd = rs1: to the old t3 (L4), not to the new (the spin)
    e('jal', { rd: 0, imm: 0 }), // the spin, at SPIN
    e('addi', { rd: 0, rs1: 0, imm: 0 }),
    e('add', { rd: S2, rs1: S2, rs2: RA }), // L4
    e('bne', { rs1: A2, rs2: 0, imm: -48 }), // -> L1
    e('jal', { rd: 0, imm: -16 }), // -> the spin
  ];
  code.forEach((w, i) => { m.ram.ru32[i] = w; });
  const h = m.harts[0];
  for (let r = 1; r < 32; r++) h.x[r] = 0n;
  h.x[A1] = UART;
  h.x[A2] = BigInt(passes);
  h.x[T2] = BigInt.asIntN(64, BASE + 20n);
  h.pc = BigInt.asIntN(64, BASE);
  const out: number[] = [];
  m.onUartOutput.event((b) => out.push(b));
  return { m, out };
}

test('a WebAssembly region leaves at MMIO and goes on through jalr; x0 stays 0', { timeout: 60_000 }, () => {
  const passes = 640, fast = program(passes), slow = program(passes), total = 9 * passes + 2 * (passes / 16) + 1;
  let made = false;
  for (let i = 0; fast.m.instret < total; i++) {
    fast.m.run(Math.min(1 + ((i * 11) % 97), total - fast.m.instret), { resume: false });
    made ||= fast.m.runners[0].blocks.find(0, Number(BASE & 0xffffffffn), 0, fast.m.harts[0].priv)?.fn.name.startsWith('wasm_region_') ?? false;
  }
  assert.ok(made, 'the loop ran as a WebAssembly region');
  while (slow.m.progress < fast.m.progress) slow.m.step();
  assert.equal(fast.m.instret, total);
  assert.deepEqual([...fast.m.harts[0].x.slice(0, 33)], [...slow.m.harts[0].x.slice(0, 33)], 'registers and pc');
  assert.equal(fast.m.harts[0].pc, BigInt.asIntN(64, SPIN));
  assert.equal(fast.m.harts[0].x[T3], BigInt.asIntN(64, SPIN));
  assert.equal(fast.m.harts[0].x[0], 0n);
  assert.equal(fast.m.harts[0].x[S2], BigInt(passes) * BigInt.asIntN(64, BASE + 20n));
  assert.equal(String.fromCharCode(...fast.out), String.fromCharCode(...slow.out), 'the UART got every byte, in order');
  assert.equal(String.fromCharCode(...fast.out.slice(0, 2)), String.fromCharCode(640 + 65 & 255, 624 + 65 & 255));
  assert.equal(fast.out.length, passes / 16);
});
