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
  const view = new DataView(m.ram.buffer);
  return { machine: m, symbol, results: Array.from({ length: results }, (_, i) => view.getBigInt64(base + 8 * i, true)) };
}
