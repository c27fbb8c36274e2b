// The ELF fuzzer's long run (test/loader/fuzz.test.ts runs a few thousand cases in CI):
//   node --import tsx scripts/fuzz-elf.ts [--cases N] [--seed S] [--hang-ms MS] [--replay INDEX]
// Mutates the ELF files of test/loader/elfSeeds.ts, takes each mutant through the loader, the
// machine (load, boot, a short run) and the disassembler, and prints the figures: outcomes,
// where files were rejected, the most frequent messages, times, and every failure or hang with
// the case number that replays it.
import { buildSeeds } from '../test/loader/elfSeeds.js';
import { runCase } from '../test/loader/elfFuzz.js';
import { describeCase, fuzzElf } from '../test/loader/elfFuzzRun.js';

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isSafeInteger(v) || v < 0) { console.error(`fuzz-elf: ${name} takes a whole number`); process.exit(2); }
  return v;
}

async function main(): Promise<void> {
const cases = option('--cases', 100_000), seed = option('--seed', 1), hangMs = option('--hang-ms', 30_000), replay = option('--replay', -1);
const seeds = buildSeeds();

if (replay >= 0) {
  const d = describeCase(seeds, seed, replay);
  console.log(`case ${replay} (seed ${seed}): ${d.seed.name}, ${d.what}, ${d.bytes.length} bytes`);
  console.log(runCase(d.bytes, d.seed.bios));
} else {
  let last = Date.now();
  const r = await fuzzElf({
    seeds, cases, seed, hangMs,
    onProgress: (done) => { if (Date.now() - last > 10_000) { last = Date.now(); process.stderr.write(`fuzz-elf: ${done}/${cases}\n`); } },
  });
  console.log(`fuzz-elf: ${r.cases} cases, seed ${r.seed}, ${r.seconds.toFixed(0)} s (${(r.cases / r.seconds).toFixed(0)} cases/s)`);
  console.log(`  rejected with an ElfError or LoadError: ${r.rejected} (${Object.entries(r.rejectedAt).map(([k, v]) => `${k} ${v}`).join(', ')})`);
  console.log(`  loaded, booted and ran: ${r.ran} (stops: ${Object.entries(r.stops).map(([k, v]) => `${k} ${v}`).join(', ')})`);
  console.log(`  failures (other exceptions, unclear messages): ${r.failures.length}; hangs: ${r.hangs.length}`);
  console.log(`  time per case: median ${r.ms.median.toFixed(2)} ms, 99th percentile ${r.ms.p99.toFixed(2)} ms, max ${r.ms.max.toFixed(1)} ms`
    + (r.ms.slowest ? ` (case ${r.ms.slowest.index}: ${r.ms.slowest.seed}, ${r.ms.slowest.what})` : ''));
  console.log(`  cases per seed: ${Object.entries(r.perSeed).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  console.log(`  distinct messages: ${r.messages.length}; the most frequent:`);
  for (const [m, n] of r.messages.slice(0, 25)) console.log(`    ${String(n).padStart(7)}  ${m}`);
  for (const f of r.failures.slice(0, 20)) console.log(`FAILURE case ${f.index} (${f.seed}: ${f.what}) at ${f.result.stage}: ${f.result.message}`);
  for (const h of r.hangs) console.log(`HANG case ${h.index} (${h.seed}: ${h.what})`);
  process.exitCode = r.failures.length || r.hangs.length ? 1 : 0;
}
}

void main();
