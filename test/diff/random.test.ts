// Differential test: hundreds of generated programs (see generate.ts) run on QEMU and on
// Chronos; every register, every CSR of the dump, every trap report, the data area and the
// exit status must agree. A failure names the seed, the case, the instructions of the case
// and each field that differs; replay it with
//   CHRONOS_DIFF_SEED=<seed> CHRONOS_DIFF_PROGRAMS=1 node --import tsx --test test/diff/random.test.ts
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generate, REQUIRED } from './generate.js';
import { assemble, buildDir, ChronosPool, compareDumps, pool, runQemu } from './harness.js';
import { GCC, QEMU, requireTools } from '../support/toolchain.js';

const PROGRAMS = Number(process.env.CHRONOS_DIFF_PROGRAMS ?? 300);
const BASE_SEED = Number(process.env.CHRONOS_DIFF_SEED ?? 20261124);
const CASES = Number(process.env.CHRONOS_DIFF_CASES ?? 8);
requireTools(QEMU, GCC);

test(`${PROGRAMS} generated programs agree with QEMU`, { timeout: 900_000 }, async (t) => {
  const dir = buildDir('diff');
  const started = Date.now();
  const failures: string[] = [];
  const counts = new Map<string, number>();
  let traps = 0, interrupts = 0, cases = 0;
  const seeds = Array.from({ length: PROGRAMS }, (_, i) => BASE_SEED + i);
  const chronos = new ChronosPool(2);
  t.after(() => chronos.close());
  await pool(seeds, 3, async (seed) => {
    const prog = generate(seed, { cases: CASES });
    for (const [k, v] of prog.counts) counts.set(k, (counts.get(k) ?? 0) + v);
    const src = join(dir, `gen-${seed}.S`), elf = join(dir, `gen-${seed}.elf`);
    writeFileSync(src, prog.source);
    await assemble(src, elf);
    const [q, c] = await Promise.all([runQemu(elf), chronos.run(elf, 50_000_000)]);
    traps += (q.output.match(/^T/gm) ?? []).length;
    interrupts += (q.output.match(/^T8/gm) ?? []).length;
    cases += (q.output.match(/^C/gm) ?? []).length;
    const diff = compareDumps(q.output, c.output);
    if (diff || q.status !== c.status) {
      const lines = diff && diff.caseIndex >= 0 && diff.caseIndex < prog.cases.length
        ? `\n  instructions of case ${diff.caseIndex}:\n${prog.cases[diff.caseIndex].map((l) => `      ${l}`).join('\n')}` : '';
      failures.push(`seed ${seed} (${src}): exit status qemu ${q.status}, chronos ${c.status}\n  ${diff?.report.replaceAll('\n', '\n  ') ?? 'same output'}${lines}`);
    }
  });
  const seconds = (Date.now() - started) / 1000;
  t.diagnostic(`${PROGRAMS} programs, ${cases} cases, ${traps} traps (${interrupts} interrupts) in ${seconds.toFixed(1)} s; seeds ${BASE_SEED}..${BASE_SEED + PROGRAMS - 1}`);
  assert.deepEqual(failures.slice(0, 5), [], `${failures.length} of ${PROGRAMS} programs differ from QEMU (replay one with CHRONOS_DIFF_SEED=<seed> CHRONOS_DIFF_PROGRAMS=1)`);
  assert.equal(cases, PROGRAMS * CASES, 'every case printed its dump');
  assert.ok(traps > PROGRAMS, `too few traps exercised (${traps})`);
  if (PROGRAMS >= 100) {
    const missing = REQUIRED.filter((m) => !counts.has(m));
    assert.deepEqual(missing, [], 'instructions the generator never emitted');
  }
});
