// The adapter under a seeded stream of random, wrong-typed, absurd and broken requests while a
// guest runs (test/dap/fuzz.ts): it must stay up, answer every request it can make out, never
// send a stack trace or an internal error, and still debug afterwards. scripts/fuzz-dap.ts
// runs the same for longer.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { GCC, requireTools } from '../support/toolchain.js';
import { ADAPTER } from './support.js';
import { fuzzAdapter, type FuzzTarget } from './fuzz.js';

const SRC = resolve('test/programs/spin.c');
const ELF = resolve('test/programs/build/fuzz-spin.elf');

/** Lines of spin.c the fuzzer sets breakpoints on: the loop's body, which runs forever. */
function lines(): number[] {
  const text = readFileSync(SRC, 'utf8').split('\n');
  const at = (s: string): number => text.findIndex((l) => l.includes(s)) + 1;
  return [at('state = mix(state, i);'), at('counter = counter + 1;'), at('table[i & 15] = y;'), at('puts_("spinning')];
}

before(() => {
  requireTools(GCC);
  execFileSync(process.execPath, ['esbuild.mjs']);
  mkdirSync(join('test', 'programs', 'build'), { recursive: true });
  execFileSync(GCC, ['-march=rv64imac_zicsr', '-mabi=lp64', '-mcmodel=medany', '-O0', '-g', '-ffreestanding', '-nostdlib', '-static',
    '-Wl,--no-warn-rwx-segments', '-T', 'test/programs/link.ld', 'test/programs/crt0.S', SRC, '-o', ELF]);
});

for (const seed of [1, 2]) {
  test(`fuzz seed ${seed}: 1,500 frames, the adapter survives, answers and still debugs`, { timeout: 240_000 }, async (t) => {
    const target: FuzzTarget = { adapter: ADAPTER, program: ELF, source: SRC, lines: lines() };
    const report = await fuzzAdapter(target, seed, 1500);
    t.diagnostic(`${report.sent} frames, ${report.requests} well-formed requests, ${report.answered} answered (${report.errors} with an error) in ${report.seconds.toFixed(1)} s`);
    assert.deepEqual(report.problems, []);
    assert.ok(report.answered >= report.requests, `${report.answered} answers for ${report.requests} requests`);
  });
}
