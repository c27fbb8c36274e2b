// Every AMO at 32 and 64 bits against the reference definitions, and LR/SC's success and
// failure paths.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runSnippet } from './support.js';
import { GCC, requireTools } from '../support/toolchain.js';

requireTools(GCC);
const VALUES = [0n, 1n, -1n, 0x7fffffffn, -0x80000000n, 0x80000000n, 0x7fffffffffffffffn, -(1n << 63n), 0x123456789n];

const AMO: Record<string, (a: bigint, b: bigint, bits: number) => bigint> = {
  amoswap: (_a, b) => b,
  amoadd: (a, b) => a + b,
  amoxor: (a, b) => a ^ b,
  amoand: (a, b) => a & b,
  amoor: (a, b) => a | b,
  amomin: (a, b, n) => (BigInt.asIntN(n, a) < BigInt.asIntN(n, b) ? a : b),
  amomax: (a, b, n) => (BigInt.asIntN(n, a) > BigInt.asIntN(n, b) ? a : b),
  amominu: (a, b, n) => (BigInt.asUintN(n, a) < BigInt.asUintN(n, b) ? a : b),
  amomaxu: (a, b, n) => (BigInt.asUintN(n, a) > BigInt.asUintN(n, b) ? a : b),
};

for (const [width, bits] of [['w', 32], ['d', 64]] as const) {
  for (const op of Object.keys(AMO)) {
    test(`${op}.${width}`, () => {
      const cases: [bigint, bigint][] = [];
      for (const a of VALUES) for (const b of VALUES) cases.push([a, b]);
      // For each case: memory := a, amo rd := old, then store rd and the new memory word.
      const body = cases.map(([a, b], i) => `    la s0, scratch
    li a0, ${a}
    sd a0, 0(s0)
    li a1, ${b}
    ${op}.${width} a2, a1, (s0)
    ld a3, 0(s0)
    sd a2, ${(16 * i) % 1600}(s11)
    sd a3, ${(16 * i) % 1600 + 8}(s11)${i % 100 === 99 ? '\n    addi s11, s11, 1600' : ''}`).join('\n');
      const { results } = runSnippet(`amo-${op}-${width}`, body, 2 * cases.length);
      cases.forEach(([a, b], i) => {
        const old = BigInt.asIntN(bits, a);
        const stored = BigInt.asUintN(bits, AMO[op](a, b, bits));
        const mem = bits === 32 ? BigInt.asIntN(64, (BigInt.asUintN(64, a) & ~0xffffffffn) | stored) : BigInt.asIntN(64, stored);
        assert.equal(results[2 * i], old, `${op}.${width} old value, memory ${a}, rs2 ${b}`);
        assert.equal(results[2 * i + 1], mem, `${op}.${width} memory after, memory ${a}, rs2 ${b}`);
      });
    });
  }
}

test('LR/SC: success, no reservation, another address, a second SC, a changed value', () => {
  const { results } = runSnippet('lrsc', `    la s0, scratch
    li a0, 5
    sd a0, 0(s0)
    sd a0, 8(s0)
    lr.d a1, (s0)
    li a2, 9
    sc.d a3, a2, (s0)        # succeeds: 0, memory 9
    sd a3, 0(s11)
    ld a4, 0(s0)
    sd a4, 8(s11)
    sc.d a3, a2, (s0)        # the reservation is gone: 1
    sd a3, 16(s11)
    lr.d a1, (s0)
    addi t0, s0, 8
    sc.d a3, a2, (t0)        # another address: 1, memory at +8 unchanged
    sd a3, 24(s11)
    ld a4, 8(s0)
    sd a4, 32(s11)
    lr.w a1, (s0)
    li a5, 77
    sw a5, 0(s0)             # the reserved word changes
    sc.w a3, a2, (s0)        # fails: 1
    sd a3, 40(s11)
    lr.w a1, (s0)
    sc.w a3, a2, (s0)        # succeeds: 0
    sd a3, 48(s11)
    sd a1, 56(s11)`, 8);
  assert.deepEqual(results, [0n, 9n, 1n, 1n, 5n, 1n, 0n, 77n]);
});
