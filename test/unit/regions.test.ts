// Regions (jit/region.ts): a hot block translated with the blocks it goes on to, running from
// one to the next without the dispatcher. A loop over three blocks, one of them before the
// region's start, must do what one instruction at a time does: under budgets that end it in
// the middle, with a breakpoint set inside it once it is translated, when it rewrites its own
// code, and when a load inside it faults.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Machine } from '../../src/emulator/machine.js';
import { Tier, type Tiering } from '../../src/emulator/jit/tiers.js';
import { encode } from '../isa/encode.js';
import { skipTrappingInstruction } from '../support/trapHandler.js';

const BASE = 0x80000000n;
const e = encode;
const JS_REGIONS: Tiering = { first: Tier.Interpreted, afterInterp: Tier.Inline, interpWork: 300, loopWork: 300, hotWork: 0, regions: true, wasm: false };
const BLOCKS: Tiering = { ...JS_REGIONS, regions: false };
/** Every test runs with regions in each form: JavaScript (jit/region.ts) and WebAssembly (jit/wasm/region.ts). */
const FORMS: [string, Tiering, string][] = [
  ['JavaScript', JS_REGIONS, 'region_'],
  ['WebAssembly', { ...JS_REGIONS, wasm: true }, 'wasm_region_'],
];

/**
 * L2 -> L1 -> L3 -> L2 while a1 counts down: L2 (BASE+16) gets hot first and starts the region,
 * L1 (BASE+4) lies before it. When a1 reaches a5, L3 stores a4 over L1's `addi s3, s3, 1`.
 */
function loop(tiering: Tiering, passes: number, rewriteAt = -1): Machine {
  const m = new Machine({ memoryMiB: 16, tiering });
  m.bootBare(BASE);
  const code = [
    e('jal', { rd: 0, imm: 16 }), // -> L2
    e('addi', { rd: 8, rs1: 8, imm: 3 }), // L1
    e('addi', { rd: 19, rs1: 19, imm: 1 }), // rewritten to add 100
    e('jal', { rd: 0, imm: 16 }), // -> L3
    e('addi', { rd: 11, rs1: 11, imm: -1 }), // L2
    e('add', { rd: 9, rs1: 9, rs2: 11 }),
    e('jal', { rd: 0, imm: -20 }), // -> L1
    e('xor', { rd: 18, rs1: 18, rs2: 8 }), // L3
    e('bne', { rs1: 11, rs2: 15, imm: 8 }),
    e('sw', { rs1: 13, rs2: 14, imm: 0 }),
    e('bne', { rs1: 11, rs2: 0, imm: -24 }), // -> L2
    e('ebreak'),
  ];
  code.forEach((w, i) => { m.ram.ru32[i] = w; });
  const h = m.harts[0];
  for (let r = 1; r < 32; r++) h.x[r] = 0n;
  h.x[11] = BigInt(passes);
  h.x[13] = BigInt.asIntN(64, BASE + 8n);
  h.x[14] = BigInt(e('addi', { rd: 19, rs1: 19, imm: 100 }));
  h.x[15] = BigInt(rewriteAt);
  h.pc = BigInt.asIntN(64, BASE);
  return m;
}

/** The block at BASE + offset, if translated. */
function blockAt(m: Machine, offset: number) {
  return m.runners[0].blocks.find(offset, Number((BASE + BigInt(offset)) & 0xffffffffn), 0, m.harts[0].priv);
}

let prefix = 'region_';
const isRegion = (m: Machine, offset: number): boolean => blockAt(m, offset)?.fn.name.startsWith(prefix) ?? false;

/** `body` once per form of region, with REGIONS and isRegion's prefix set for it. */
let REGIONS: Tiering = JS_REGIONS;
function formTest(name: string, body: () => void): void {
  for (const [form, tiering, namePrefix] of FORMS) {
    // A region that never retires anything would spin the dispatcher for ever: fail instead.
    test(`${name} (${form})`, { timeout: 60_000 }, () => { REGIONS = tiering; prefix = namePrefix; body(); });
  }
}

function same(a: Machine, b: Machine, what: string): void {
  assert.equal(a.instret, b.instret, `${what}: instructions retired`);
  assert.deepEqual([...a.harts[0].x.slice(0, 33)], [...b.harts[0].x.slice(0, 33)], `${what}: registers and pc`);
}

/** The jump to L2, then nine instructions a pass (ten in the one that rewrites L1). */
const total = (passes: number, rewrites = false): number => 1 + 9 * passes + (rewrites ? 1 : 0);
const EBREAK = BigInt.asIntN(64, BASE + 44n);

formTest('a loop over three blocks becomes one region and computes what one instruction at a time does', () => {
  const m = loop(REGIONS, 2000), blocks = loop(BLOCKS, 2000), slow = loop(REGIONS, 2000);
  assert.equal(m.run(total(2000)).kind, 'budget');
  assert.equal(m.harts[0].pc, EBREAK);
  assert.ok(isRegion(m, 16), 'the block at L2 is a region');
  const entry = blockAt(m, 16)!;
  assert.equal(entry.codeBefore, 12, 'its code range reaches back to L1');
  blocks.run(total(2000));
  assert.ok(!isRegion(blocks, 16), 'regions: false keeps single blocks');
  while (slow.progress < m.progress) slow.step();
  same(m, slow, 'region against one at a time');
  same(m, blocks, 'region against blocks');
  assert.equal(m.harts[0].x[11], 0n);
  assert.equal(m.harts[0].x[19], 2000n);
});

formTest('a region leaves exactly where a budget ends, whatever the budget', () => {
  const m = loop(REGIONS, 3000), slow = loop(REGIONS, 3000);
  let sawRegion = false;
  for (let i = 0; m.instret < total(3000); i++) {
    const budget = Math.min(1 + ((i * 7) % 23), total(3000) - m.instret);
    const before = m.instret;
    m.run(budget, { resume: false });
    assert.equal(m.instret, before + budget, `slice ${i} ran its whole budget of ${budget}, no more`);
    while (slow.progress < m.progress) slow.step();
    same(m, slow, `after slice ${i} of ${budget}`);
    sawRegion ||= isRegion(m, 16);
  }
  assert.ok(sawRegion, 'the loop ran as a region');
  assert.equal(m.harts[0].pc, EBREAK);
});

formTest('a breakpoint set inside a translated region stops there, even before the region\'s start', () => {
  const m = loop(REGIONS, 2000);
  m.run(3000);
  assert.ok(isRegion(m, 16));
  m.setBreakpoints([BASE + 8n]);
  const r = m.run(1_000_000);
  assert.equal(r.kind, 'breakpoint');
  assert.equal(m.harts[0].pc, BigInt.asIntN(64, BASE + 8n));
  const slow = loop(REGIONS, 2000);
  while (slow.progress < m.progress) slow.step();
  same(m, slow, 'at the breakpoint');
  // And again on the next pass: the region translated since holds the breakpoint as a boundary.
  const again = m.run(1_000_000);
  assert.equal(again.kind, 'breakpoint');
  assert.equal(m.instret, slow.instret + 9, 'one pass later');
});

formTest('a region that rewrites its own code runs the new instruction from the next block on', () => {
  const m = loop(REGIONS, 2000, 1000), slow = loop(REGIONS, 2000, 1000);
  m.run(3000);
  assert.ok(isRegion(m, 16), 'the region was made before the rewrite');
  m.run(total(2000, true) - m.instret);
  assert.equal(m.harts[0].pc, EBREAK);
  while (slow.progress < m.progress) slow.step();
  same(m, slow, 'after the rewrite');
  assert.equal(m.harts[0].x[19], 1000n + 1000n * 100n, 'the first 1000 passes added 1, the rest 100');
});

/**
 * L2 -> L1 -> L3 -> L2 again, L1 loading through a2, which walks 4 KiB a pass off the end of
 * RAM after 256 passes: from then on the load faults inside the region, into a handler at
 * BASE + 0x100 that counts the trap in s4 and returns past the load.
 */
function faulting(tiering: Tiering, passes: number): Machine {
  const m = new Machine({ memoryMiB: 16, tiering });
  m.bootBare(BASE);
  const code = [
    e('jal', { rd: 0, imm: 16 }), // -> L2
    e('ld', { rd: 5, rs1: 12, imm: 0 }), // L1
    e('add', { rd: 12, rs1: 12, rs2: 16 }),
    e('jal', { rd: 0, imm: 16 }), // -> L3
    e('addi', { rd: 11, rs1: 11, imm: -1 }), // L2
    e('add', { rd: 9, rs1: 9, rs2: 5 }),
    e('jal', { rd: 0, imm: -20 }), // -> L1
    e('xor', { rd: 18, rs1: 18, rs2: 12 }), // L3
    e('bne', { rs1: 11, rs2: 0, imm: -16 }), // -> L2
    e('ebreak'),
  ];
  code.forEach((w, i) => { m.ram.ru32[i] = w; });
  const handler = skipTrappingInstruction(6, 20);
  handler.forEach((w, i) => { m.ram.ru32[0x40 + i] = w; });
  const h = m.harts[0];
  h.csr.mtvec = BASE + 0x100n;
  for (let r = 1; r < 32; r++) h.x[r] = 0n;
  h.x[11] = BigInt(passes);
  h.x[12] = BigInt.asIntN(64, BASE + BigInt(16 << 20) - 0x100000n);
  h.x[16] = 0x1000n;
  h.pc = BigInt.asIntN(64, BASE);
  return m;
}

formTest('a load that faults inside a region traps at its own pc, with the instructions before it retired', () => {
  const m = faulting(REGIONS, 1000), slow = faulting(REGIONS, 1000);
  m.run(2000);
  assert.ok(isRegion(m, 16), 'the region was made before the loads fault');
  assert.equal(m.harts[0].x[20], 0n);
  for (let i = 0; i < 400; i++) {
    m.run(1 + ((i * 5) % 17), { resume: false });
    while (slow.progress < m.progress) slow.step();
    same(m, slow, `slice ${i}`);
    assert.equal(m.harts[0].csr.mepc, slow.harts[0].csr.mepc, `slice ${i}: mepc`);
  }
  m.setBreakpoints([BASE + 36n]);
  assert.equal(m.run(1_000_000).kind, 'breakpoint', 'the ebreak after the loop is reached');
  while (slow.progress < m.progress) slow.step();
  same(m, slow, 'at the end');
  assert.equal(m.harts[0].csr.mepc, BigInt.asIntN(64, BASE + 8n), 'the last trap was at the load (BASE + 4), stepped past by the handler');
  assert.equal(m.harts[0].csr.mcause, 5n, 'a load access fault');
  assert.ok(m.harts[0].x[20] > 500n, `the loads faulted (${m.harts[0].x[20]} traps)`);
});
