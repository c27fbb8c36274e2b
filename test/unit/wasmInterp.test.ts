// The wasm interpreter (jit/wasm/interp.ts) in front of the JavaScript interpreter's loop.
// The ISA suites run every instruction through it one at a time against the model; this file
// adds what takes several instructions or one block's records: random straight-line blocks
// (register slots, x0, the page a load or store used last, branches) against the JavaScript
// loop alone and against one instruction at a time; the exits and stops of one call, read
// straight from its result; and the blocks whose records are outside the arena, which only
// the JavaScript loop runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Machine } from '../../src/emulator/machine.js';
import { Tier, type Tiering } from '../../src/emulator/jit/tiers.js';
import { wasmInterpreterFor } from '../../src/emulator/jit/wasm/interp.js';
import { WasmExit } from '../../src/emulator/jit/wasm/wasmGen.js';
import { CHAIN_BUDGET, CHAIN_FRONT, CHAIN_GEN, CHAIN_PATH, CHAIN_PRIOR, CHAIN_STEPS, PC_SLOT } from '../../src/emulator/jit/codegen.js';
import { H_LINK, header, LINK_WORDS, RECORD_CHUNK } from '../../src/emulator/jit/records.js';
import { frontIndex } from '../../src/emulator/jit/frontTable.js';
import type { Block } from '../../src/emulator/jit/compiler.js';
import { encode as e } from '../isa/encode.js';

const BASE = 0x80000000n, DATA = 0x80100000n, UART = 0x10000000n;
/** fence rw,rw; fence iorw,iorw; pause (fence w,0). */
const FENCE_RW_RW = 0x0330000f, FENCE_IORW = 0x0ff0000f, PAUSE = 0x0100000f;
/** Interpreted blocks only, never promoted: every block goes through the interpreters. */
const interpreted = (wasmInterpreter: boolean): Tiering =>
  ({ first: Tier.Interpreted, afterInterp: Tier.Inline, interpWork: Infinity, loopWork: Infinity, hotWork: Infinity, wasmInterpreter });

let seed = 0x6b8b4567;
const rand = (n: number): number => { seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5; return (seed >>> 0) % n; };
const EDGES = [0n, 1n, -1n, 0x7fffffffn, -0x80000000n, 0xffffffffn, (1n << 63n) - 1n, -(1n << 63n), 0x123456789abcdef0n];
const value = (): bigint => (rand(2) ? EDGES[rand(EDGES.length)] : BigInt.asIntN(64, (BigInt(rand(2 ** 32)) << 32n) | BigInt(rand(2 ** 32))));

const R = ['add', 'sub', 'sll', 'srl', 'sra', 'slt', 'sltu', 'xor', 'or', 'and', 'addw', 'subw', 'sllw', 'srlw', 'sraw',
  'mul', 'mulh', 'mulhsu', 'mulhu', 'mulw', 'div', 'divu', 'rem', 'remu', 'divw', 'divuw', 'remw', 'remuw'];
const I = ['addi', 'slti', 'sltiu', 'xori', 'ori', 'andi', 'addiw'];
const SHIFT = ['slli', 'srli', 'srai'], SHIFTW = ['slliw', 'srliw', 'sraiw'];
const LOADS: [string, number][] = [['lb', 1], ['lbu', 1], ['lh', 2], ['lhu', 2], ['lw', 4], ['lwu', 4], ['ld', 8]];
const STORES: [string, number][] = [['sb', 1], ['sh', 2], ['sw', 4], ['sd', 8]];
const BRANCHES = ['beq', 'bne', 'blt', 'bge', 'bltu', 'bgeu'];
/** s11 holds DATA, the page the loads and stores use; it is never written. */
const S11 = 27;
const reg = (): number => { const r = rand(31); return r === S11 ? 0 : r; };

/** `count` random instructions (x0 among the destinations), then a spin; forward branches only. */
function randomCode(count: number): number[] {
  const code: number[] = [];
  for (let i = 0; i < count; i++) {
    const k = rand(20);
    if (k < 6) code.push(e(R[rand(R.length)], { rd: reg(), rs1: reg(), rs2: reg() }));
    else if (k < 9) code.push(e(I[rand(I.length)], { rd: reg(), rs1: reg(), imm: rand(4096) - 2048 }));
    else if (k < 10) code.push(e(SHIFT[rand(3)], { rd: reg(), rs1: reg(), imm: rand(64) }));
    else if (k < 11) code.push(e(SHIFTW[rand(3)], { rd: reg(), rs1: reg(), imm: rand(32) }));
    else if (k < 12) code.push(e(rand(2) ? 'lui' : 'auipc', { rd: reg(), imm: rand(2 ** 20) }));
    else if (k < 15) { const [name, size] = LOADS[rand(LOADS.length)]; code.push(e(name, { rd: reg(), rs1: S11, imm: rand(2048 / size) * size })); }
    else if (k < 18) { const [name, size] = STORES[rand(STORES.length)]; code.push(e(name, { rs1: S11, rs2: reg(), imm: rand(2048 / size) * size })); }
    else code.push(e(BRANCHES[rand(BRANCHES.length)], { rs1: reg(), rs2: reg(), imm: 4 * (2 + rand(3)) }));
  }
  // Branches near the end land on the spin's padding.
  for (let i = 0; i < 5; i++) code.push(e('addi', { rd: 0, rs1: 0, imm: 0 }));
  code.push(e('jal', { rd: 0, imm: 0 }));
  return code;
}

function machine(code: number[], regs: bigint[], data: BigInt64Array, wasmInterpreter: boolean): Machine {
  const m = new Machine({ memoryMiB: 16, tiering: interpreted(wasmInterpreter) });
  m.bootBare(BASE);
  code.forEach((w, i) => { m.ram.ru32[i] = w; });
  new BigInt64Array(m.ram.r64.buffer, m.ram.r64.byteOffset + Number(DATA - BASE), data.length).set(data);
  const h = m.harts[0];
  regs.forEach((v, r) => { h.x[r] = v; });
  h.x[S11] = BigInt.asIntN(64, DATA);
  h.pc = BigInt.asIntN(64, BASE);
  return m;
}

const blockAtBase = (m: Machine): Block | undefined => m.runners[0].blocks.find(0, Number(BASE & 0xffffffffn), 0, m.harts[0].priv);

const dataOf = (m: Machine, words: number): bigint[] => [...new BigInt64Array(m.ram.r64.buffer, m.ram.r64.byteOffset + Number(DATA - BASE), words)];

test('random straight-line blocks: the wasm interpreter, the JavaScript loop alone and one instruction at a time agree', { timeout: 120_000 }, () => {
  let wasmRan = 0;
  for (let round = 0; round < 60; round++) {
    const code = randomCode(8 + rand(56)), regs = [0n, ...Array.from({ length: 31 }, value)];
    const data = BigInt64Array.from({ length: 256 }, value);
    const fast = machine(code, regs, data, true), js = machine(code, regs, data, false), one = machine(code, regs, data, true);
    const spin = BASE + BigInt(4 * (code.length - 1));
    fast.run(100_000);
    js.run(100_000);
    for (let i = 0; i < 1000 && one.harts[0].pc !== BigInt.asIntN(64, spin); i++) one.step();
    for (const m of [fast, js, one]) assert.equal(BigInt.asUintN(64, m.harts[0].pc), spin, `round ${round}: reached the spin`);
    const state = (m: Machine): unknown => ({ x: [...m.harts[0].x.subarray(0, PC_SLOT + 1)], data: dataOf(m, 256) });
    assert.deepEqual(state(fast), state(one), `round ${round}: the wasm interpreter against stepping`);
    assert.deepEqual(state(js), state(one), `round ${round}: the JavaScript loop against stepping`);
    assert.equal(fast.harts[0].x[0], 0n);
    const first = blockAtBase(fast);
    if (first && first.wasmAt >= 0) wasmRan++;
  }
  assert.equal(wasmRan, 60, 'every first block had its records in the arena');
});

/**
 * A machine that has run `code` once as interpreted blocks (`regs` set first), with the block
 * at BASE; `wasmFirst` false runs it on the JavaScript loop alone, whose chain ends at every
 * block with no link yet, so that the dispatcher links each block to the next.
 */
function ranOnce(code: number[], budget = 10_000, regs: Record<number, bigint> = {}, wasmFirst = true): { m: Machine; b: Block; call: (at: number) => number } {
  const m = new Machine({ memoryMiB: 16, tiering: interpreted(wasmFirst) });
  m.bootBare(BASE);
  code.forEach((w, i) => { m.ram.ru32[i] = w; });
  Object.assign(m.harts[0].x, regs);
  m.harts[0].pc = BigInt.asIntN(64, BASE);
  m.run(budget);
  const b = blockAtBase(m);
  assert.ok(b && b.wasmAt >= 0, 'the block has its records in the arena');
  const wi = wasmInterpreterFor(m.harts[0], m.harts[0].priv);
  assert.ok(wi, 'the machine has a wasm interpreter');
  // One block per call: a budget of 0 follows no link.
  return { m, b, call: (at) => { m.harts[0].i32[CHAIN_BUDGET] = 0; return wi(at); } };
}

/** A call's result: the instructions retired in the last block (at a stop, the index it stopped at) and how it left. */
const result = (index: number, exit: WasmExit): number => (index << 3) | exit;

test('one call: to the end, a taken branch, a jump through a register, and the stops before what it cannot run', () => {
  const T0 = 5, T1 = 6, A0 = 10;
  // Falls off the end of a block cut short by the next one's start (a branch target).
  const straight = ranOnce([e('addi', { rd: T0, rs1: 0, imm: 7 }), e('addi', { rd: 0, rs1: T0, imm: 1 }), e('beq', { rs1: 0, rs2: 0, imm: 0 })]);
  straight.m.harts[0].x[T0] = 0n;
  const r = straight.call(straight.b.wasmAt);
  assert.equal(r, result(3, WasmExit.Taken), 'two instructions, then the taken beq');
  assert.equal(straight.m.harts[0].x[T0], 7n);
  assert.equal(straight.m.harts[0].x[0], 0n, 'x0 stays 0');

  const notTaken = ranOnce([e('addi', { rd: T0, rs1: 0, imm: 1 }), e('bne', { rs1: 0, rs2: 0, imm: 8 }), e('jal', { rd: 0, imm: 0 })]);
  assert.equal(notTaken.call(notTaken.b.wasmAt), result(3, WasmExit.Taken), 'past the bne, to the taken jal');

  const dynamic = ranOnce([e('auipc', { rd: T1, imm: 0 }), e('jalr', { rd: A0, rs1: T1, imm: 12 }), e('addi', { rd: 0, rs1: 0, imm: 0 }), e('jal', { rd: 0, imm: 0 })]);
  const h = dynamic.m.harts[0];
  h.x[A0] = 0n;
  assert.equal(dynamic.call(dynamic.b.wasmAt), result(2, WasmExit.Dynamic));
  assert.equal(BigInt.asUintN(64, h.x[PC_SLOT]), BASE + 12n, 'jalr wrote its target into the pc slot');
  assert.equal(BigInt.asUintN(64, h.x[A0]), BASE + 8n, 'and the return address into rd');

  const stops: [string, number[], number][] = [
    ['a CSR', [e('addi', { rd: T0, rs1: 0, imm: 1 }), e('csrrs', { rd: T1, rs1: 0, csr: 0xf14 }), e('jal', { rd: 0, imm: 0 })], 1],
    ['MMIO (the UART)', [e('lui', { rd: A0, imm: Number(UART >> 12n) }), e('lbu', { rd: T0, rs1: A0, imm: 5 }), e('jal', { rd: 0, imm: 0 })], 1],
    // Masked with its alignment bits, address 1 is 1: never the page a load used last.
    ['a misaligned halfword in page 0', [e('addi', { rd: T1, rs1: 0, imm: 0 }), e('lh', { rd: T0, rs1: 0, imm: 1 }), e('jal', { rd: 0, imm: 0 })], 1],
    ['a misaligned doubleword in RAM', [e('auipc', { rd: T1, imm: Number((DATA - BASE) >> 12n) }), e('ld', { rd: T0, rs1: T1, imm: 3 }), e('jal', { rd: 0, imm: 0 })], 1],
    // A fence orders nothing here, but pause (fence w,0) may hand the turn over.
    ['pause, past fences', [FENCE_RW_RW, e('addi', { rd: T0, rs1: 0, imm: 1 }), FENCE_IORW, PAUSE, e('jal', { rd: 0, imm: 0 })], 3],
  ];
  for (const [what, code, at] of stops) {
    const run = ranOnce(code, 20);
    assert.equal(run.call(run.b.wasmAt), result(at, WasmExit.Stop), `stops before ${what}`);
  }

  // A store into the page's code-free half goes through (the TLB then has the page for
  // stores); into the block's own code it stops, before the store.
  const store = [e('sw', { rs1: T1, rs2: T0, imm: 0 }), e('jal', { rd: 0, imm: 0 })];
  const { m, b, call: wi } = ranOnce(store, 20, { [T0]: 0x12345678n, [T1]: BigInt.asIntN(64, BASE + 0x800n) });
  m.ram.ru32[0x200] = 0;
  assert.equal(wi(b.wasmAt), result(2, WasmExit.Taken), 'the store beside the code went through');
  assert.equal(m.ram.ru32[0x200], 0x12345678);
  m.harts[0].x[T1] = BigInt.asIntN(64, BASE + 4n);
  assert.equal(wi(b.wasmAt), result(0, WasmExit.Stop), 'stops before a store into translated code');
  assert.equal(m.ram.ru32[1], store[1], 'and stored nothing');

  // The same for an AMO, which reads and writes through the store's TLB entry: rd the old
  // word, sign-extended; and a swap, which can be a lock, is the hart's to run.
  const T2 = 7;
  const amo = [e('amoadd.w', { rd: T2, rs1: T1, rs2: T0 }), e('jal', { rd: 0, imm: 0 })];
  const a = ranOnce(amo, 20, { [T0]: 0x12345678n, [T1]: BigInt.asIntN(64, BASE + 0x800n) });
  a.m.ram.ru32[0x200] = 0xf0000000;
  assert.equal(a.call(a.b.wasmAt), result(2, WasmExit.Taken), 'the AMO beside the code went through');
  assert.deepEqual([a.m.ram.ru32[0x200], a.m.harts[0].x[T2]], [0x02345678, -0x10000000n]);
  a.m.harts[0].x[T1] = BigInt.asIntN(64, BASE + 4n);
  assert.equal(a.call(a.b.wasmAt), result(0, WasmExit.Stop), 'stops before an AMO on translated code');
  assert.equal(a.m.ram.ru32[1], amo[1], 'and changed nothing');
  const swap = ranOnce([e('amoswap.w', { rd: T2, rs1: T1, rs2: T0 }), e('jal', { rd: 0, imm: 0 })], 20, { [T1]: BigInt.asIntN(64, BASE + 0x800n) });
  assert.equal(swap.call(swap.b.wasmAt), result(0, WasmExit.Stop), 'stops before amoswap');
});

test('a load and a store through the TLB, then on the same page without it, in one call', () => {
  const T0 = 5, T1 = 6, T2 = 7;
  const code = [e('auipc', { rd: T1, imm: Number((DATA - BASE) >> 12n) }), e('ld', { rd: T0, rs1: T1, imm: 0 }), e('ld', { rd: T2, rs1: T1, imm: 8 }),
    e('sd', { rs1: T1, rs2: T2, imm: 16 }), e('sd', { rs1: T1, rs2: T0, imm: 24 }), e('jal', { rd: 0, imm: 0 })];
  const run = ranOnce(code, 20);
  const at = Number(DATA - BASE) / 8, r64 = run.m.ram.r64;
  r64[at] = 0x1111n; r64[at + 1] = -2n; r64[at + 2] = 0n; r64[at + 3] = 0n;
  assert.equal(run.call(run.b.wasmAt), result(6, WasmExit.Taken), 'the TLB had the page from the first run');
  assert.deepEqual([r64[at + 2], r64[at + 3]], [-2n, 0x1111n]);
});

test('blocks whose records do not fit the arena run on the JavaScript loop alone, with the same results', () => {
  const code = randomCode(40), regs = [0n, ...Array.from({ length: 31 }, value)], data = BigInt64Array.from({ length: 256 }, value);
  const reference = machine(code, regs, data, false);
  reference.run(100_000);
  const m = machine(code, regs, data, true), pool = m.arena!.records;
  // Every chunk of the area taken (and held), so the blocks get buffers of their own.
  const held = [];
  while (pool.freeChunks > 0) held.push(pool.allocate(RECORD_CHUNK / 4));
  for (let i = 0; i < 8; i++) held.push(pool.allocate(RECORD_CHUNK / 4));
  m.run(100_000);
  const b = blockAtBase(m);
  assert.ok(b, 'the block was made');
  assert.equal(b.wasmAt, -1, 'its records are not in the arena');
  assert.deepEqual([...m.harts[0].x.subarray(0, PC_SLOT + 1)], [...reference.harts[0].x.subarray(0, PC_SLOT + 1)]);
  assert.deepEqual(dataOf(m, 256), dataOf(reference, 256));
  assert.ok(held.length > 0);
});

test('one call goes on through the links: as far as the steps, the budget and the links allow', () => {
  const T0 = 5, T1 = 6, T2 = 7;
  // Two blocks that jump to each other until t0 reaches t2, then a spin.
  const code = [e('addi', { rd: T0, rs1: T0, imm: 1 }), e('jal', { rd: 0, imm: 8 }), e('addi', { rd: 0, rs1: 0, imm: 0 }),
    e('addi', { rd: T1, rs1: T1, imm: 1 }), e('bne', { rs1: T0, rs2: T2, imm: -16 }), e('jal', { rd: 0, imm: 0 })];
  const { m, b } = ranOnce(code, 10_000, { [T0]: 0n, [T1]: 0n, [T2]: 50n }, false);
  const h = m.harts[0], wi = wasmInterpreterFor(h, h.priv)!;
  assert.equal(h.x[T0], 50n, 'the loop ran to its end (and linked its blocks)');
  const from = (budget: number): number => {
    h.x[T0] = 0n; h.x[T1] = 0n; h.pc = BigInt.asIntN(64, BASE);
    h.i32[CHAIN_BUDGET] = budget; h.i32[CHAIN_GEN] = h.translationGeneration;
    return wi(b.wasmAt);
  };
  // 31 links followed, each the first of its block's; the 32nd block (the second) is the caller's.
  assert.equal(from(1000), result(2, WasmExit.Taken));
  assert.deepEqual([h.i32[CHAIN_STEPS], h.i32[CHAIN_PATH], h.i32[CHAIN_PRIOR]], [31, 0, 62]);
  assert.deepEqual([h.x[T0], h.x[T1], BigInt.asUintN(64, h.pc)], [16n, 16n, BASE], 'sixteen rounds, back at the start');
  // The budget: the blocks it goes on to must fit in 7 instructions, the first block's included.
  assert.equal(from(7), result(2, WasmExit.Taken));
  assert.deepEqual([h.i32[CHAIN_STEPS], h.i32[CHAIN_PRIOR], h.x[T0], h.x[T1]], [2, 4, 2n, 1n]);
  assert.equal(BigInt.asUintN(64, h.pc), BASE + 12n, 'left the first block again, for the second');
  // Another generation: no link holds.
  h.x[T0] = 0n; h.pc = BigInt.asIntN(64, BASE);
  h.i32[CHAIN_BUDGET] = 1000; h.i32[CHAIN_GEN] = h.translationGeneration + 1;
  assert.equal(wi(b.wasmAt), result(2, WasmExit.Taken));
  assert.deepEqual([h.i32[CHAIN_STEPS], h.i32[CHAIN_FRONT], h.x[T0]], [0, 0, 1n], 'nor does the front table');
  // Without the second block's links, its jump back goes through the front table's entry for
  // the first: the caller finds that block by the entry, and no link taken after it.
  const second = m.runners[0].blocks.find(12, Number(BASE & 0xffffffffn) + 12, 0, h.priv)!;
  second.words[header(second, H_LINK)] = 0;
  second.words[header(second, H_LINK + LINK_WORDS)] = 0;
  assert.equal(from(7), result(2, WasmExit.Taken));
  const entry = frontIndex(Number(BASE & 0xffffffffn));
  assert.deepEqual([h.i32[CHAIN_FRONT], h.i32[CHAIN_STEPS], h.i32[CHAIN_PRIOR], h.x[T0], h.x[T1]], [entry + 1, 0, 4, 2n, 1n]);
  assert.equal(h.front.blocks[entry], b);
  // With no entry for it either, the chain ends in the second block.
  h.front.drop(b);
  assert.equal(from(1000), result(2, WasmExit.Taken));
  assert.deepEqual([h.i32[CHAIN_FRONT], h.i32[CHAIN_STEPS], h.i32[CHAIN_PRIOR], h.x[T0], h.x[T1]], [0, 1, 2, 1n, 1n]);
});

test('a breakpoint stops each round where the chain would go through the front table to it', () => {
  const T0 = 5, T1 = 6, T2 = 7;
  // The same two blocks; the breakpoint at the second.
  const code = [e('addi', { rd: T0, rs1: T0, imm: 1 }), e('jal', { rd: 0, imm: 8 }), e('addi', { rd: 0, rs1: 0, imm: 0 }),
    e('addi', { rd: T1, rs1: T1, imm: 1 }), e('bne', { rs1: T0, rs2: T2, imm: -16 }), e('jal', { rd: 0, imm: 0 })];
  const { m } = ranOnce(code, 60, { [T0]: 0n, [T1]: 0n, [T2]: 50n });
  const h = m.harts[0];
  m.setBreakpoints([BASE + 12n]);
  const rounds: bigint[] = [];
  for (let i = 0; i < 5; i++) {
    assert.equal(m.run(10_000).kind, 'breakpoint', `round ${i}`);
    assert.equal(BigInt.asUintN(64, h.pc), BASE + 12n);
    rounds.push(h.x[T0]);
  }
  assert.deepEqual(rounds.map((t) => t - rounds[0]), [0n, 1n, 2n, 3n, 4n], 'one round per stop');
  assert.ok(rounds[4] < 50n);
});
