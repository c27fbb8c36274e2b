// Every register-register ALU and M-extension instruction on every pair of edge values,
// checked against the reference model: division by zero and overflow, sign extension of the
// *W forms, shifts by 0/31/32/63 and beyond, every mulh* form.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EDGE_VALUES, REFERENCE } from './reference.js';
import { runSnippet } from './support.js';
import { GCC, requireTools } from '../support/toolchain.js';

requireTools(GCC);

for (const op of Object.keys(REFERENCE)) {
  test(`${op} on edge values`, () => {
    const pairs: [bigint, bigint][] = [];
    for (const a of EDGE_VALUES) for (const b of EDGE_VALUES) pairs.push([a, b]);
    const body = pairs.map(([a, b], i) => `    li a0, ${a}\n    li a1, ${b}\n    ${op} a2, a0, a1\n    sd a2, ${8 * i}(s11)`).join('\n');
    // s11 moves every 200 results to stay within sd's 12-bit offset.
    const chunks: string[] = [];
    const lines = body.split('\n');
    for (let i = 0; i < pairs.length; i++) {
      const caseLines = lines.slice(4 * i, 4 * i + 4);
      caseLines[3] = `    sd a2, ${8 * (i % 200)}(s11)`;
      chunks.push(...caseLines);
      if (i % 200 === 199) chunks.push('    addi s11, s11, 1600');
    }
    const { results } = runSnippet(`alu-${op}`, chunks.join('\n'), pairs.length);
    const wrong = pairs.map(([a, b], i) => ({ a, b, want: REFERENCE[op](a, b), got: results[i] }))
      .filter((c) => c.want !== c.got)
      .map((c) => `${op}(${c.a}, ${c.b}) = ${c.want}, emulator gave ${c.got}`);
    assert.deepEqual(wrong.slice(0, 10), []);
  });
}

test('immediate shifts by 0, 1, 31, 32, 33 and 63, and their *W forms', () => {
  const cases: [string, bigint, number, bigint][] = [];
  const v = [0x8000000080000001n - (1n << 64n), 0x123456789abcdefn, -1n, 1n];
  for (const a of v) {
    for (const s of [0, 1, 31, 32, 33, 63]) {
      cases.push(['slli', a, s, REFERENCE.sll(a, BigInt(s))], ['srli', a, s, REFERENCE.srl(a, BigInt(s))], ['srai', a, s, REFERENCE.sra(a, BigInt(s))]);
      if (s < 32) cases.push(['slliw', a, s, REFERENCE.sllw(a, BigInt(s))], ['srliw', a, s, REFERENCE.srlw(a, BigInt(s))], ['sraiw', a, s, REFERENCE.sraw(a, BigInt(s))]);
    }
  }
  const body = cases.map(([op, a, s], i) => `    li a0, ${a}\n    ${op} a2, a0, ${s}\n    sd a2, ${8 * i}(s11)`).join('\n');
  const { results } = runSnippet('shift-imm', body, cases.length);
  cases.forEach(([op, a, s, want], i) => assert.equal(results[i], want, `${op} ${a}, ${s}`));
});

test('addiw, slti, sltiu, xori, ori, andi sign-extend their immediates', () => {
  const cases: [string, bigint, number, bigint][] = [];
  for (const a of [0n, -1n, 0x7fffffffn, -0x80000000n, 0xffffffffn, 5n]) {
    for (const imm of [0, 1, -1, 2047, -2048]) {
      const b = BigInt(imm);
      cases.push(['addiw', a, imm, REFERENCE.addw(a, b)], ['slti', a, imm, REFERENCE.slt(a, b)], ['sltiu', a, imm, REFERENCE.sltu(a, b)],
        ['xori', a, imm, REFERENCE.xor(a, b)], ['ori', a, imm, REFERENCE.or(a, b)], ['andi', a, imm, REFERENCE.and(a, b)], ['addi', a, imm, REFERENCE.add(a, b)]);
    }
  }
  const body = cases.map(([op, a, imm], i) => `    li a0, ${a}\n    ${op} a2, a0, ${imm}\n    sd a2, ${8 * i}(s11)`).join('\n');
  const { results } = runSnippet('imm', body, cases.length);
  cases.forEach(([op, a, imm, want], i) => assert.equal(results[i], want, `${op} ${a}, ${imm}`));
});
