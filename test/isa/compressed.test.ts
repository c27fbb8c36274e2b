// Every compressed instruction does what the 32-bit instruction it abbreviates does: each
// form runs twice, once assembled compressed and once spelled out with `.option norvc`, from
// the same register state, and the two register files must agree. The 32-bit forms are
// checked against the reference model in arithmetic.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runSnippet } from './support.js';
import { GCC, requireTools } from '../support/toolchain.js';

requireTools(GCC);

/** Compressed forms and their expansions (ISA manual vol. I, ch. 16), with sample operands. */
const FORMS: [string, string][] = [
  ['c.addi4spn s1, sp, 16', 'addi s1, sp, 16'],
  ['c.lw a0, 4(s0)', 'lw a0, 4(s0)'], ['c.ld a0, 8(s0)', 'ld a0, 8(s0)'],
  ['c.sw a1, 4(s0)', 'sw a1, 4(s0)'], ['c.sd a1, 16(s0)', 'sd a1, 16(s0)'],
  ['c.addi a0, -7', 'addi a0, a0, -7'], ['c.addiw a1, 5', 'addiw a1, a1, 5'], ['c.addiw a1, 0', 'addiw a1, a1, 0'],
  ['c.li a2, -32', 'addi a2, zero, -32'], ['c.addi16sp sp, -64', 'addi sp, sp, -64'],
  ['c.lui a3, 0xfffe1', 'lui a3, 0xfffe1'], ['c.lui a3, 1', 'lui a3, 1'],
  ['c.srli a0, 33', 'srli a0, a0, 33'], ['c.srai a0, 63', 'srai a0, a0, 63'], ['c.andi a1, -3', 'andi a1, a1, -3'],
  ['c.sub a0, a1', 'sub a0, a0, a1'], ['c.xor a0, a1', 'xor a0, a0, a1'], ['c.or a0, a1', 'or a0, a0, a1'],
  ['c.and a0, a1', 'and a0, a0, a1'], ['c.subw a0, a1', 'subw a0, a0, a1'], ['c.addw a0, a1', 'addw a0, a0, a1'],
  ['c.slli a4, 63', 'slli a4, a4, 63'], ['c.lwsp a5, 12(sp)', 'lw a5, 12(sp)'], ['c.ldsp a5, 24(sp)', 'ld a5, 24(sp)'],
  ['c.swsp a1, 12(sp)', 'sw a1, 12(sp)'], ['c.sdsp a1, 40(sp)', 'sd a1, 40(sp)'],
  ['c.mv a0, a1', 'add a0, zero, a1'], ['c.add a0, a1', 'add a0, a0, a1'],
];

/** Control transfers: each must land on `2f` and link the same way. */
const JUMPS: [string, string][] = [
  ['c.j 2f', 'jal zero, 2f'], ['c.beqz a0, 2f', 'beq a0, zero, 2f'], ['c.bnez a0, 2f', 'bne a0, zero, 2f'],
  ['la t0, 2f\n    c.jr t0', 'la t0, 2f\n    jalr zero, 0(t0)'], ['la t0, 2f\n    c.jalr t0', 'la t0, 2f\n    jalr ra, 0(t0)'],
];

const INIT = `    la s0, scratch
    la sp, scratch
    addi sp, sp, 64
    li a0, 0x8000000000000001
    li a1, -0x123456789
    li a2, 0x7fffffff
    li a3, 3
    li a4, 0x55
    li a5, -1
    sd a1, 8(s0)
    sd a0, 16(s0)
    sd a5, 24(sp)
    sw a2, 12(sp)`;

const DUMP = ['a0', 'a1', 'a2', 'a3', 'a4', 'a5', 's1', 'sp', 'ra', 't0'].map((r, i) => `    sd ${r}, ${8 * i}(s11)`).join('\n')
  + '\n    ld t1, 8(s0)\n    sd t1, 80(s11)\n    ld t1, 16(s0)\n    sd t1, 88(s11)\n    ld t1, 24(sp)\n    sd t1, 96(s11)\n    ld t1, 8(sp)\n    sd t1, 104(s11)';

function run(name: string, insn: string, rvc: boolean, jump: boolean): bigint[] {
  const option = rvc ? '.option rvc' : '.option norvc';
  // Jumps go over a marker instruction; ra is compared as an offset from the jump.
  const body = jump
    ? `${INIT}\n    ${option}\n1:  ${insn}\n    li a5, 0x666\n2:  .option rvc\n    la t1, 1b\n    sub ra, ra, t1\n    li t0, 0\n${DUMP}`
    : `${INIT}\n    ${option}\n    ${insn}\n    .option rvc\n    li t0, 0\n${DUMP}`;
  return runSnippet(name, body, 14).results;
}

test('every compressed form equals its 32-bit expansion', () => {
  for (const [c, full] of FORMS) {
    assert.deepEqual(run('rvc', c, true, false), run('rvc-full', full, false, false), `${c} vs ${full}`);
  }
});

test('compressed jumps and branches land and link like their expansions', () => {
  for (const [c, full] of JUMPS) {
    const a = run('rvcj', c, true, true), b = run('rvcj-full', full, false, true);
    // ra holds the return offset: 2 bytes later for the compressed form.
    if (c.includes('c.jalr')) { assert.equal(a[8], b[8] - 2n, `${c}: link`); a[8] = b[8]; }
    assert.deepEqual(a, b, `${c} vs ${full}`);
  }
});
