// Hand-written C programs, built with riscv64-unknown-elf-gcc -march=rv64imac, print the same
// and end with the same status on QEMU and on Chronos.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { firstDifference, runChronos, runQemu } from './harness.js';
import { GCC, QEMU, have } from '../support/toolchain.js';

const skip = have(QEMU) && have(GCC) ? false : 'qemu-system-riscv64 or riscv64-unknown-elf-gcc is not installed';
const OUT = join('test', 'programs', 'build');

function build(name: string, sources: string[], defines: string[] = [], opt = '-O2'): string {
  mkdirSync(OUT, { recursive: true });
  const elf = join(OUT, `${name}.elf`);
  execFileSync(GCC, ['-march=rv64imac_zicsr_zifencei', '-mabi=lp64', '-mcmodel=medany', opt, '-g', '-ffreestanding', '-nostdlib',
    '-static', '-Wl,--no-warn-rwx-segments', '-T', 'test/programs/link.ld', ...defines, 'test/programs/crt0.S', ...sources, '-o', elf]);
  return elf;
}

const PROGRAMS: [string, () => string][] = [
  ['hello', () => build('hello', ['test/programs/hello.c'])],
  ['mix -O2', () => build('mix', ['test/programs/mix.c'])],
  ['mix -O0', () => build('mix-O0', ['test/programs/mix.c'], [], '-O0')],
  ['mix -O1', () => build('mix-O1', ['test/programs/mix.c'], [], '-O1')],
  ['bench guest', () => build('cpu', ['test/bench/cpu.c'], ['-DROUNDS=3'])],
];

for (const [name, make] of PROGRAMS) {
  test(`${name}: same output and status as QEMU`, { skip }, async () => {
    const elf = make();
    const q = await runQemu(elf);
    const c = runChronos(elf);
    assert.ok(q.output.length > 0, 'QEMU printed nothing');
    assert.equal(c.status, q.status, 'exit status');
    assert.equal(c.output, q.output, firstDifference(q.output, c.output));
  });
}
