// Run a snippet of assembly bare on the emulator and read back what it stored.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Machine } from '../../src/emulator/machine.js';
import { GCC, MARCH_FD, scratchDir } from '../support/toolchain.js';

export interface Ran { machine: Machine; results: bigint[]; symbol: (name: string) => bigint }

/**
 * Assemble `body` between a prologue that points s11 at a results area and an epilogue that
 * powers off; `body` stores results with `sd reg, 8*i(s11)`.
 */
export function runSnippet(name: string, body: string, results: number, trapHandler = ''): Ran {
  const dir = scratchDir(name);
  const src = join(dir, `${name}.S`), elf = join(dir, `${name}.elf`);
  writeFileSync(src, `    .section .text.init
    .globl _start
_start:
    la t0, trap
    csrw mtvec, t0
    la s11, results
${body}
    li t0, 0x100000
    li t1, 0x5555
    sw t1, 0(t0)
1:  j 1b
    .balign 4
trap:
${trapHandler || '    j trap'}
    .data
    .balign 4096
results: .zero ${8 * Math.max(results, 1)}
scratch: .zero 64
`);
  execFileSync(GCC, [`-march=${MARCH_FD}`, '-mabi=lp64', '-nostdlib', '-static', '-Wl,--no-warn-rwx-segments', '-T', 'test/programs/link.ld', src, '-o', elf]);
  const m = new Machine();
  const file = m.loadElf(readFileSync(elf));
  m.bootBare(file.entry);
  const r = m.run(10_000_000);
  if (r.kind !== 'exit' || r.status !== 0) throw new Error(`${name}: ended with ${JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? v.toString(16) : v))}`);
  const symbol = (s: string): bigint => {
    const found = file.symbols.find((x) => x.name === s);
    if (!found) throw new Error(`no symbol ${s}`);
    return found.value;
  };
  const base = Number(symbol('results') - 0x80000000n);
  const view = m.ram.view;
  return { machine: m, symbol, results: Array.from({ length: results }, (_, i) => view.getBigInt64(base + 8 * i, true)) };
}

/**
 * A trap handler for snippets: appends mcause, mtval and mepc to the log at s10 (t6 counts
 * entries) and resumes after the trapping instruction, or, for an instruction fetch fault, at
 * the address in ra (where a `jalr ra` came from). Snippets leave t5, t6, s8, s9 and s10 alone.
 */
const LOGGING_HANDLER = `    csrr t5, mcause
    sd t5, 0(s10)
    csrr t5, mtval
    sd t5, 8(s10)
    csrr t5, mepc
    sd t5, 16(s10)
    addi s10, s10, 24
    addi t6, t6, 1
    csrr t5, mcause
    bltz t5, 2f              # an interrupt: clear the software-pending S-level bits and resume
    li s9, 1
    bne t5, s9, 3f
    csrw mepc, ra            # instruction access fault: back to the caller
    mret
3:  csrr t5, mepc
    lhu s9, 0(t5)
    andi s9, s9, 3
    addi t5, t5, 2
    li s8, 3
    bne s9, s8, 1f
    addi t5, t5, 2
1:  csrw mepc, t5
    mret
2:  li s9, 0x222
    csrc mip, s9
    mret`;

export interface Trap { cause: bigint; tval: bigint; epc: bigint }

/** Run `body` with the logging handler; returns what it stored at 8*i(s11) and the traps it took. */
export function runLogged(name: string, body: string, results: number): { r: bigint[]; traps: Trap[]; ran: Ran } {
  const ran = runSnippet(name, `    la s10, tlog\n    li t6, 0\n${body}\n    j 9f\n    .data\n    .balign 8\ntlog: .zero 768\n    .text\n9:  sd t6, ${8 * results}(s11)`, results + 1, LOGGING_HANDLER);
  const n = Number(ran.results[results]);
  const base = Number(ran.symbol('tlog') - 0x80000000n);
  const view = ran.machine.ram.view;
  const traps: Trap[] = Array.from({ length: n }, (_, i) => ({
    cause: view.getBigUint64(base + 24 * i, true), tval: view.getBigUint64(base + 24 * i + 8, true), epc: view.getBigUint64(base + 24 * i + 16, true),
  }));
  return { r: ran.results.slice(0, results), traps, ran };
}
