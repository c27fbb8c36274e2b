// Differential test: hundreds of generated programs (see generate.ts) run on QEMU and on
// Chronos; every register, every trap report and the exit status must agree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generate } from './generate.js';
import { firstDifference, runChronos, runQemu } from './harness.js';
import { GCC, MARCH, QEMU, have, scratchDir } from '../support/toolchain.js';

const PROGRAMS = Number(process.env.CHRONOS_DIFF_PROGRAMS ?? 300);
const BASE_SEED = Number(process.env.CHRONOS_DIFF_SEED ?? 20261124);
const skip = have(QEMU) && have(GCC) ? false : 'qemu-system-riscv64 or riscv64-unknown-elf-gcc is not installed';

function build(dir: string, seed: number): string {
  const src = join(dir, `gen-${seed}.S`), elf = join(dir, `gen-${seed}.elf`);
  writeFileSync(src, generate(seed).source);
  execFileSync(GCC, [`-march=${MARCH}`, '-mabi=lp64', '-nostdlib', '-static', '-Wl,--no-warn-rwx-segments',
    '-T', 'test/programs/link.ld', src, '-o', elf]);
  return elf;
}

test(`${PROGRAMS} generated programs agree with QEMU`, { skip, timeout: 600_000 }, async () => {
  const dir = scratchDir('diff');
  const failures: string[] = [];
  let traps = 0;
  const seeds = Array.from({ length: PROGRAMS }, (_, i) => BASE_SEED + i);
  // Two QEMUs at a time: the machine has two cores.
  const queue = [...seeds];
  const worker = async (): Promise<void> => {
    for (let seed = queue.shift(); seed !== undefined; seed = queue.shift()) {
      const elf = build(dir, seed);
      const [q, c] = [await runQemu(elf), runChronos(elf)];
      traps += (q.output.match(/^T/gm) ?? []).length;
      if (q.status !== c.status || q.output !== c.output) {
        failures.push(`seed ${seed} (${elf}): status qemu ${q.status} chronos ${c.status}; ${firstDifference(q.output, c.output)}`);
      }
    }
  };
  await Promise.all([worker(), worker()]);
  assert.ok(traps > PROGRAMS / 4, `too few traps exercised (${traps})`);
  assert.deepEqual(failures, [], `${failures.length} of ${PROGRAMS} programs differ (replay one with CHRONOS_DIFF_SEED=<seed> CHRONOS_DIFF_PROGRAMS=1)`);
});
