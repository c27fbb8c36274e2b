// The ELF fuzzer in CI: a few thousand mutants of real ELF files (elfSeeds.ts) through the
// loader, the machine and the disassembler; the only exceptions allowed are an ElfError or a
// LoadError with a clear message, and no case may hang. The long run is scripts/fuzz-elf.ts (100,000 cases).
// ELF_FUZZ_SEED and ELF_FUZZ_CASES change the run; a failure names the case that replays it.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { Machine } from '../../src/emulator/machine.js';
import { clearMessage, runCase, type SeedFile } from './elfFuzz.js';
import { fuzzElf } from './elfFuzzRun.js';
import { buildSeeds } from './elfSeeds.js';

const SEED = Number(process.env.ELF_FUZZ_SEED ?? 20_240);
const CASES = Number(process.env.ELF_FUZZ_CASES ?? 2_000);

let seeds: SeedFile[];
before(() => { seeds = buildSeeds(); });

test(`${CASES} mutated ELF files: ElfErrors or LoadErrors with clear messages, nothing else, no hang`, { timeout: 30 * 60_000 }, async () => {
  const r = await fuzzElf({ seeds, cases: CASES, seed: SEED, hangMs: 30_000 });
  const show = (c: { index: number; seed: string; what: string }): string => `case ${c.index} (${c.seed}: ${c.what}); replay: node --import tsx scripts/fuzz-elf.ts --seed ${SEED} --replay ${c.index}`;
  assert.deepEqual(r.failures.map((f) => `${show(f)}\n  at ${f.result.stage}: ${f.result.message}`), []);
  assert.deepEqual(r.hangs.map(show), []);
  assert.equal(r.rejected + r.ran, CASES);
  // The mutants reach both ends: most checks of the loader, and machines that boot and run.
  assert.ok(r.messages.length >= 20, `only ${r.messages.length} distinct messages`);
  assert.ok(r.ran > CASES / 10 && r.rejected > CASES / 10, `ran ${r.ran}, rejected ${r.rejected}`);
  assert.ok(Object.keys(r.perSeed).length === seeds.length, 'every seed was mutated');
});

test('the seeds themselves load, boot and run', () => {
  for (const s of seeds) {
    const r = runCase(s.bytes, s.bios);
    // The user programs are linked below RAM (the kernel loads them into their own address spaces).
    if (s.name.startsWith('init') || s.name.startsWith('sh')) assert.equal(r.outcome, 'rejected', s.name);
    else assert.equal(r.outcome, 'ran', `${s.name}: ${r.message}`);
  }
});

test('found by the fuzzer: an empty PT_LOAD segment anywhere is ignored, as checkSegments ignores it', () => {
  const kernel = seeds.find((s) => s.name === 'chronos-kernel')!;
  const b = Buffer.from(kernel.bytes);
  const phoff = Number(b.readBigUInt64LE(32)), size = b.readUInt16LE(54), n = b.readUInt16LE(56);
  // Turn a non-loadable header (the kernel has GNU_STACK and RISCV_ATTRIBUTES) into an empty load at 0.
  const i = Array.from({ length: n }, (_, k) => k).find((k) => b.readUInt32LE(phoff + k * size) !== 1)!;
  assert.ok(i !== undefined);
  const h = phoff + i * size;
  b.writeUInt32LE(1, h);
  b.writeBigUInt64LE(0n, h + 24);
  b.writeBigUInt64LE(0n, h + 32);
  b.writeBigUInt64LE(0n, h + 40);
  const m = new Machine({ bios: 'builtin' });
  m.loadElf(b);
  m.boot();
  assert.equal(m.run(100_000).kind, 'budget');
});

test('clear messages: the checker refuses what a user cannot act on', () => {
  assert.equal(clearMessage('segment 3 [0x0, 0x10) lies outside RAM [0x80000000, 0x88000000)'), true);
  for (const bad of ['', 'bad', 'offset undefined', 'size NaN', 'at [object Object]', 'two\nlines', 'x'.repeat(400)]) assert.equal(clearMessage(bad), false, bad);
});
