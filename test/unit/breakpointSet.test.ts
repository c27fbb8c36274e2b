// The dispatcher looks at a pc's low 32 bits (a number) before it makes a BigInt of the pc:
// a breakpoint whose low half a block's pc shares, but not its high half, must not stop the
// run; one at the pc must, every time round a loop, and a resumed run passes it once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Machine } from '../../src/emulator/machine.js';
import { BreakpointSet } from '../../src/emulator/breakpointSet.js';
import { encode } from '../isa/encode.js';

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
