// Instructions the hart does not implement (or may not run: F/D while mstatus.FS is Off, as at
// reset) raise illegal-instruction with the instruction in mtval; ecall and ebreak raise their
// causes with mepc at the instruction.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runSnippet } from './support.js';
import { GCC, requireTools } from '../support/toolchain.js';

requireTools(GCC);

// Records mcause, mtval and mepc's offset from `probe`, then resumes after the instruction.
const HANDLER = `    csrr t3, mcause
    sd t3, 0(s11)
    csrr t3, mtval
    sd t3, 8(s11)
    csrr t3, mepc
    la t4, probe
    sub t3, t3, t4
    sd t3, 16(s11)
    la t3, after
    csrw mepc, t3
    mret`;

const CASES: [string, bigint, bigint][] = [
  ['.insn 2, 0x0000', 2n, 0n],                 // c.unimp
  ['.insn 2, 0x8000', 2n, 0x8000n],            // reserved quadrant-0 encoding
  ['.insn 2, 0x2000', 2n, 0x2000n],            // c.fld with the FPU off
  ['.insn 2, 0x6101', 2n, 0x6101n],            // c.addi16sp with a zero immediate (reserved)
  ['.insn 2, 0x4002', 2n, 0x4002n],            // c.lwsp with rd = x0 (reserved)
  ['.insn 4, 0x0000000b', 2n, 0xbn],           // custom-0
  ['csrr a0, 0x7c0', 2n, 0x7c002573n],         // a CSR that does not exist
  ['csrw mhartid, a0', 2n, 0xf1451073n],       // a read-only CSR
  ['.insn 4, 0x00043507', 2n, 0x00043507n],    // fld fa0, 0(s0) with the FPU off
  ['ecall', 11n, 0n],
  ['ebreak', 3n, 0n],
];

for (const [insn, cause, tval] of CASES) {
  test(`${insn} traps with mcause ${cause}`, () => {
    const { results } = runSnippet('trap', `    la s0, scratch\nprobe:\n    ${insn}\nafter:`, 3, HANDLER);
    assert.deepEqual(results, [cause, tval, 0n]);
  });
}
