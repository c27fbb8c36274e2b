// What only the WebAssembly form of a region (jit/wasm/region.ts) has to get right beyond
// test/unit/regions.test.ts, which runs every region rule in both forms: an access that needs
// the hart (here a store to the UART, MMIO) leaves before the instruction and the dispatcher
// runs it; jumps through a register go on to a block of the region, with rd written after the
// target is read when rd is rs1; writes to x0 vanish; every load and store width, signed and
// unsigned, and every branch on values where signed and unsigned disagree. Compared with one
// instruction at a time.
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

/**
 * One pass reads a doubleword with every byte's top bit set in every width, stores parts of
 * it back in every width, and runs each branch kind on -1 against 1 (where
 * signed and unsigned compares disagree), counting the taken ones in s5.
 */
function widths(passes: number): { m: Machine; end: number } {
  const m = new Machine({ memoryMiB: 16, tiering: WASM });
  m.bootBare(BASE);
  const A0 = 10, S3 = 19, S4 = 20, S5 = 21, T0 = 5;
  const acc = (r: number): number => e('add', { rd: S2, rs1: S2, rs2: r });
  const counted = (name: string): number[] => [e(name, { rs1: S3, rs2: S4, imm: 8 }), e('addi', { rd: S5, rs1: S5, imm: 1 })];
  const code = [
    e('ld', { rd: T0, rs1: A0, imm: 0 }), acc(T0),
    e('lb', { rd: T1, rs1: A0, imm: 1 }), acc(T1), e('lbu', { rd: T1, rs1: A0, imm: 1 }), acc(T1),
    e('lh', { rd: T1, rs1: A0, imm: 2 }), acc(T1), e('lhu', { rd: T1, rs1: A0, imm: 2 }), acc(T1),
    e('lw', { rd: T1, rs1: A0, imm: 4 }), acc(T1), e('lwu', { rd: T1, rs1: A0, imm: 4 }), acc(T1),
    e('add', { rd: T0, rs1: T0, rs2: S2 }),
    // Each store aligned for a wider one too, so that one of the wrong width would land.
    e('sb', { rs1: A0, rs2: T0, imm: 9 }), e('sh', { rs1: A0, rs2: T0, imm: 12 }),
    e('sw', { rs1: A0, rs2: T0, imm: 16 }), e('sd', { rs1: A0, rs2: T0, imm: 24 }),
    e('ld', { rd: T1, rs1: A0, imm: 8 }), acc(T1), e('ld', { rd: T1, rs1: A0, imm: 16 }), acc(T1),
    e('lwu', { rd: T1, rs1: A0, imm: 24 }), acc(T1),
    ...counted('beq'), ...counted('bne'), ...counted('blt'), ...counted('bge'), ...counted('bltu'), ...counted('bgeu'),
    e('addi', { rd: A2, rs1: A2, imm: -1 }),
  ];
  code.push(e('bne', { rs1: A2, rs2: 0, imm: -4 * code.length }), e('jal', { rd: 0, imm: 0 }));
  code.forEach((w, i) => { m.ram.ru32[i] = w; });
  const h = m.harts[0];
  for (let r = 1; r < 32; r++) h.x[r] = 0n;
  h.x[A0] = BigInt.asIntN(64, BASE + 0x2000n);
  h.x[A2] = BigInt(passes);
  h.x[S3] = -1n;
  h.x[S4] = 1n;
  m.ram.r64[0x2000 / 8] = BigInt.asIntN(64, 0x8182838485868788n);
  h.pc = BigInt.asIntN(64, BASE);
  // Every instruction but the spin each pass, less the three skipped by a taken branch.
  return { m, end: passes * (code.length - 1 - 3) };
}

test('a WebAssembly region loads and stores every width as one instruction at a time does, and branches alike, in any slices', { timeout: 60_000 }, () => {
  const { m: fast, end } = widths(500), { m: slow } = widths(500);
  // In slices that end anywhere in the pass: the loop goes round inside the function only while a whole pass fits.
  for (let i = 0; fast.instret < end; i++) {
    const before = fast.instret, budget = Math.min(1 + ((i * 13) % 71), end - before);
    assert.equal(fast.run(budget, { resume: false }).kind, 'budget');
    assert.equal(fast.instret, before + budget, `slice ${i} ran its whole budget of ${budget}, no more`);
  }
  assert.equal(fast.harts[0].pc, BigInt.asIntN(64, BASE + BigInt(4 * (end / 500 + 3))), 'at the spin after the last pass');
  assert.ok(fast.runners[0].blocks.find(0, Number(BASE & 0xffffffffn), 0, fast.harts[0].priv)?.fn.name.startsWith('wasm_region_'), 'the loop ran as a WebAssembly region');
  while (slow.progress < fast.progress) slow.step();
  assert.equal(fast.instret, slow.instret);
  assert.deepEqual([...fast.harts[0].x.slice(0, 33)], [...slow.harts[0].x.slice(0, 33)], 'registers and pc');
  assert.deepEqual([...fast.ram.r64.slice(0x2000 / 8, 0x2000 / 8 + 4)], [...slow.ram.r64.slice(0x2000 / 8, 0x2000 / 8 + 4)], 'what the stores wrote');
  // Taken: bne, blt, bgeu (-1 < 1 signed, and 2^64 - 1 >= 1 unsigned); the other three fall through and count.
  assert.equal(fast.harts[0].x[21], 3n * 500n);
});

test('a block that loops to itself is a WebAssembly function alone, and goes round only while a whole pass fits', { timeout: 60_000 }, () => {
  const make = (): Machine => {
    const m = new Machine({ memoryMiB: 16, tiering: WASM });
    m.bootBare(BASE);
    [e('addi', { rd: A2, rs1: A2, imm: -1 }), e('add', { rd: S2, rs1: S2, rs2: A2 }), e('xor', { rd: T1, rs1: T1, rs2: S2 }),
      e('bne', { rs1: A2, rs2: 0, imm: -12 }), e('jal', { rd: 0, imm: 0 })].forEach((w, i) => { m.ram.ru32[i] = w; });
    const h = m.harts[0];
    for (let r = 1; r < 32; r++) h.x[r] = 0n;
    h.x[A2] = 5000n;
    h.pc = BigInt.asIntN(64, BASE);
    return m;
  };
  const fast = make(), slow = make(), end = 4 * 5000 + 10;
  for (let i = 0; fast.instret < end; i++) {
    const before = fast.instret, budget = Math.min(1 + ((i * 29) % 173), end - before);
    fast.run(budget, { resume: false });
    assert.equal(fast.instret, before + budget, `slice ${i} ran its whole budget of ${budget}, no more`);
  }
  assert.ok(fast.runners[0].blocks.find(0, Number(BASE & 0xffffffffn), 0, fast.harts[0].priv)?.fn.name.startsWith('wasm_region_'), 'the loop is a WebAssembly function');
  while (slow.progress < fast.progress) slow.step();
  assert.deepEqual([...fast.harts[0].x.slice(0, 33)], [...slow.harts[0].x.slice(0, 33)], 'registers and pc');
  assert.equal(fast.harts[0].pc, BigInt.asIntN(64, BASE + 16n));
});
