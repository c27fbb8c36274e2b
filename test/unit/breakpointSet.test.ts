// The dispatcher looks at a pc's low 32 bits (a number) before it makes a BigInt of the pc:
// a breakpoint whose low half a block's pc shares, but not its high half, must not stop the
// run; one at the pc must, every time round a loop, and a resumed run passes it once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Machine } from '../../src/emulator/machine.js';
import { BreakpointSet } from '../../src/emulator/breakpointSet.js';
import { encode } from '../isa/encode.js';
import { Tier, type Tiering } from '../../src/emulator/jit/tiers.js';

const BASE = 0x80000000n;

/**
 * A loop of `n` rounds: a1 counts down at BASE + 4, the branch at BASE + 12 goes back to it.
 * (The body ends in a jump to the branch so that no block jumps back to its own start: such a
 * block loops inside its translation.)
 */
function machine(n: number): Machine {
  const m = new Machine({ memoryMiB: 16 });
  m.bootBare(BASE);
  [encode('addi', { rd: 12, rs1: 0, imm: 0 }), encode('addi', { rd: 11, rs1: 11, imm: -1 }),
    encode('jal', { rd: 0, imm: 4 }), encode('bne', { rs1: 11, rs2: 0, imm: -8 }), encode('ebreak')].forEach((w, i) => { m.ram.ru32[i] = w; });
  m.harts[0].x[11] = BigInt(n);
  m.harts[0].pc = BigInt.asIntN(64, BASE);
  return m;
}

test('the set answers by low half and by whole pc', () => {
  const s = new BreakpointSet();
  s.replace([0x1_8000_0004n, 0xffff_ffff_8000_0010n]);
  assert.equal(s.hasLow(0x8000_0004), true);
  assert.equal(s.hasLow(0x8000_0010), true);
  assert.equal(s.hasLow(0x8000_0008), false);
  assert.equal(s.has(0x8000_0004n), false, 'same low half, another high half');
  assert.equal(s.has(0x1_8000_0004n), true);
  assert.equal(s.has(-0x7fff_fff0n), true, 'a sign-extended pc is the same address');
});

test('a breakpoint sharing only the low half of the loop\'s pc does not stop it; one at the pc stops each round', () => {
  const far = machine(5);
  far.setBreakpoints([0x1_8000_0004n]);
  const r = far.run(1000);
  assert.notEqual(r.kind, 'breakpoint', JSON.stringify(r, (_, v) => (typeof v === 'bigint' ? v.toString(16) : v)));
  assert.equal(far.harts[0].x[11], 0n, 'the loop ran to its end');

  const near = machine(5);
  near.setBreakpoints([BASE + 4n]);
  const rounds: bigint[] = [];
  for (let i = 0; i < 5; i++) {
    const s = near.run(1000);
    assert.equal(s.kind, 'breakpoint');
    assert.equal(BigInt.asUintN(64, near.harts[0].pc), BASE + 4n);
    rounds.push(near.harts[0].x[11]);
  }
  assert.deepEqual(rounds, [5n, 4n, 3n, 2n, 1n], 'stopped before each round, resumed past the breakpoint once each time');
  assert.notEqual(near.run(1000).kind, 'breakpoint');
});

/**
 * A tight loop whose block jumps back to its own start: `addi a1, a1, -1; bne a1, x0, -4` at
 * BASE + 4. Translated, such a block loops inside its function, so a breakpoint at its start
 * must keep it from doing so (the dispatcher stops only where it is asked for a block).
 */
function tightLoop(n: number, tiering: Tiering): Machine {
  const m = new Machine({ memoryMiB: 16, tiering });
  m.bootBare(BASE);
  [encode('addi', { rd: 12, rs1: 0, imm: 0 }), encode('addi', { rd: 11, rs1: 11, imm: -1 }),
    encode('bne', { rs1: 11, rs2: 0, imm: -4 }), encode('ebreak')].forEach((w, i) => { m.ram.ru32[i] = w; });
  m.harts[0].x[11] = BigInt(n);
  m.harts[0].pc = BigInt.asIntN(64, BASE);
  return m;
}

for (const [name, tiering] of [
  ['translated inline at once', { first: Tier.Inline, afterInterp: Tier.Inline, interpWork: 0, loopWork: 0, hotWork: 0 }],
  ['translated cold at once', { first: Tier.Cold, afterInterp: Tier.Cold, interpWork: 0, loopWork: 0, hotWork: Infinity }],
  ['interpreted', { first: Tier.Interpreted, afterInterp: Tier.Inline, interpWork: Infinity, loopWork: Infinity, hotWork: 0 }],
] as [string, Tiering][]) {
  test(`a breakpoint at the start of a block that loops to itself stops each round (${name})`, () => {
    const m = tightLoop(5, tiering);
    m.setBreakpoints([BASE + 4n]);
    const rounds: bigint[] = [];
    for (let i = 0; i < 5; i++) {
      const s = m.run(1000);
      assert.equal(s.kind, 'breakpoint', `round ${i}: ${JSON.stringify(s, (_, v) => (typeof v === 'bigint' ? v.toString(16) : v))}`);
      assert.equal(BigInt.asUintN(64, m.harts[0].pc), BASE + 4n);
      rounds.push(m.harts[0].x[11]);
    }
    assert.deepEqual(rounds, [5n, 4n, 3n, 2n, 1n]);
    assert.notEqual(m.run(1000).kind, 'breakpoint');
    assert.equal(m.harts[0].x[11], 0n);
    // Without the breakpoint the loop runs inside its block again.
    const free = tightLoop(5, tiering);
    assert.notEqual(free.run(1000).kind, 'breakpoint');
    assert.equal(free.harts[0].x[11], 0n);
  });
}
