// Differential test of F and D: hundreds of generated programs (floatGen.ts) run on QEMU and on
// Chronos; the bits and fflags of every result, every trap report, mstatus (FS, SD) and fcsr
// must agree. A failure names the seed, the case and the instruction whose result differs;
// replay it with
//   CHRONOS_FLOAT_SEED=<seed> CHRONOS_FLOAT_PROGRAMS=1 node --import tsx --test test/diff/float.test.ts
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateFloat, locateDifference, ROUNDED, ROUNDING_SUFFIXES, SITUATIONS, UNROUNDED } from './floatGen.js';
import { assemble, buildDir, ChronosPool, pool, runQemu } from './harness.js';
import { GCC, MARCH_FD, QEMU, requireTools } from '../support/toolchain.js';

const PROGRAMS = Number(process.env.CHRONOS_FLOAT_PROGRAMS ?? 250);
const BASE_SEED = Number(process.env.CHRONOS_FLOAT_SEED ?? 20261201);
const CASES = 6;
requireTools(QEMU, GCC);

test(`${PROGRAMS} generated F/D programs agree with QEMU, bit for bit and flag for flag`, { timeout: 900_000 }, async (t) => {
  const dir = buildDir('float');
  const started = Date.now();
  const failures: string[] = [];
  const counts = new Map<string, number>();
  let traps = 0, cases = 0, results = 0;
  const seeds = Array.from({ length: PROGRAMS }, (_, i) => BASE_SEED + i);
  const chronos = new ChronosPool(2);
  t.after(() => chronos.close());
  await pool(seeds, 3, async (seed) => {
    const prog = generateFloat(seed, { cases: CASES });
    for (const [k, v] of prog.counts) counts.set(k, (counts.get(k) ?? 0) + v);
    const src = join(dir, `float-${seed}.S`), elf = join(dir, `float-${seed}.elf`);
    writeFileSync(src, prog.source);
    await assemble(src, elf, MARCH_FD);
    const [q, c] = await Promise.all([runQemu(elf), chronos.run(elf, 50_000_000)]);
    traps += (q.output.match(/^T/gm) ?? []).length;
    cases += (q.output.match(/^C/gm) ?? []).length;
    results += prog.entries.reduce((n, e) => n + e.length, 0);
    if (q.output !== c.output || q.status !== c.status) {
      failures.push(`seed ${seed} (${src}): exit status qemu ${q.status}, chronos ${c.status}; ${locateDifference(q.output, c.output, prog)}`);
    }
  });
  const seconds = (Date.now() - started) / 1000;
  t.diagnostic(`${PROGRAMS} programs, ${cases} cases, ${results} logged results, ${traps} traps in ${seconds.toFixed(1)} s; seeds ${BASE_SEED}..${BASE_SEED + PROGRAMS - 1}`);
  assert.deepEqual(failures.slice(0, 5), [], `${failures.length} of ${PROGRAMS} programs differ from QEMU (replay one with CHRONOS_FLOAT_SEED=<seed> CHRONOS_FLOAT_PROGRAMS=1)`);
  assert.equal(cases, PROGRAMS * CASES, 'every case printed its log');
  if (PROGRAMS >= 100) {
    const modes = ROUNDING_SUFFIXES.map((s) => s || 'dyn');
    const wanted = [...ROUNDED.flatMap((m) => modes.map((s) => `${m}/${s}`)), ...UNROUNDED, ...SITUATIONS];
    assert.deepEqual(wanted.filter((k) => !counts.has(k)), [], 'operations, rounding modes or situations the generator never produced');
  }
});
