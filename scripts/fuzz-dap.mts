// A long run of the DAP fuzzer (test/dap/fuzz.ts), outside CI:
//   node --import tsx scripts/fuzz-dap.mts [FRAMES_PER_SEED] [SEEDS] [FIRST_SEED]
// Needs `npm run build` and the spin program test/dap/fuzz.test.ts builds
// (test/programs/build/fuzz-spin.elf). Prints a line per seed and the totals; exits 1 on any problem.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fuzzAdapter } from '../test/dap/fuzz.js';

const [frames = 5000, seeds = 20, first = 100] = process.argv.slice(2).map(Number);
const SRC = resolve('test/programs/spin.c'), ELF = resolve('test/programs/build/fuzz-spin.elf'), ADAPTER = resolve('dist/debugAdapter.js');
if (!existsSync(ELF) || !existsSync(ADAPTER)) { console.error('fuzz-dap: run npm run build and node scripts/run-tests.mjs test/dap/fuzz.test.ts first'); process.exit(2); }
const text = readFileSync(SRC, 'utf8').split('\n');
const at = (s: string): number => text.findIndex((l) => l.includes(s)) + 1;
const lines = [at('state = mix(state, i);'), at('counter = counter + 1;'), at('table[i & 15] = y;')];
let total = 0, requests = 0, answered = 0, errors = 0, failed = 0;
const started = Date.now();
for (let seed = first; seed < first + seeds; seed++) {
  const r = await fuzzAdapter({ adapter: ADAPTER, program: ELF, source: SRC, lines }, seed, frames);
  total += r.sent; requests += r.requests; answered += r.answered; errors += r.errors;
  if (r.problems.length) failed++;
  console.log(`seed ${seed}: ${r.sent} frames, ${r.requests} requests, ${r.answered} answers (${r.errors} errors) in ${r.seconds.toFixed(1)} s${r.problems.length ? `\n  ${r.problems.join('\n  ')}` : ''}`);
}
console.log(`total: ${total} frames over ${seeds} seeds, ${requests} well-formed requests, ${answered} answers, ${errors} error answers, ${failed} seeds with problems, ${((Date.now() - started) / 1000).toFixed(0)} s`);
process.exit(failed ? 1 : 0);
