// The disassembler against binutils' objdump: every 16-bit word, every table entry across its
// field values, every CSR under each privileged spec, ISA switches, the listing's layout rules,
// and whole ELF files other suites build. Listings must agree apart from white space, `<symbol>`
// annotations and `#` comments. Run: node --import tsx --test test/disasm/*.test.ts
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OBJDUMP, scratchDir, requireTools } from '../support/toolchain.js';
import { buildElf, chronosText, compareListings, objdumpInBackground, objdumpText, type BuildOptions, type Comparison } from './compare.js';
import * as fx from './fixtures.js';
import { decode } from '../../src/emulator/isa/decode.js';
import { INSTRUCTIONS } from '../../src/emulator/isa/table.js';

requireTools(OBJDUMP);
const HART = 'rv64imafdc_zicsr_zifencei';
/** An ISA without F and D, where objdump prints their encodings as raw words. */
const NO_FD = 'rv64imac_zicsr_zifencei';
let dir: string | undefined;
const scratch = (): string => (dir ??= scratchDir('disasm'));
/** The fixtures (some 20 MB) stay behind only when a comparison failed, to look at. */
let keepScratch = false;
after(() => { if (dir && !keepScratch) rmSync(dir, { recursive: true, force: true }); });

let compared = 0, instructions = 0;
/** Build `source`, list it both ways, and fail with the first differences. */
function check(name: string, source: string, o: BuildOptions = {}): Comparison {
  const elf = buildElf(scratch(), name, source, o);
  const c = compareListings(objdumpText(elf), chronosText(elf));
  assert.ok(c.lines > 0, `${name}: objdump printed nothing`);
  if (c.report) { keepScratch = true; assert.fail(`${name}: ${c.report}\n(fixtures kept in ${dir})`); }
  compared += c.lines; instructions += c.instructions;
  return c;
}

test('every 16-bit encoding, for the hart and without F and D', () => {
  const src = fx.all16();
  assert.ok(check('all16', src, { march: HART }).instructions >= 49152);
  check('all16-nofd', src, { march: NO_FD });
});

test('every halfword as a raw stream (32-bit and longer encodings, lengths, zero runs)', () => {
  check('halves', fx.halfStream(), { march: HART, stripMapping: true });
});

test('every table entry across its field values (every rounding mode of F and D), for the hart and without F and D', () => {
  const words = [...fx.entryWords(), ...fx.systemWords()];
  const covered = new Set([...words, ...fx.csrSweep()].map((w) => decode(w)?.def));
  for (const d of INSTRUCTIONS) assert.ok(covered.has(d), `no word exercises ${d.name}`);
  check('words', fx.wordsSource(words), { march: HART });
  // Without F and D: the same minus the SYSTEM sweep (F changes nothing there); their words print raw.
  check('words-nofd', fx.wordsSource(fx.entryWords()), { march: NO_FD });
});

test('F and D as GNU as writes them: rounding modes, pseudo-instructions, compressed loads and stores', () => {
  assert.ok(check('float', fx.floatCode(), { march: HART }).instructions >= 300);
});

test('every CSR under every CSR instruction, with and without F', () => {
  const src = fx.wordsSource(fx.csrSweep());
  check('csr', src, { march: HART });
  check('csr-nofd', src, { march: NO_FD });
});

test('CSR names follow the privileged spec the file records', () => {
  for (const spec of [[1, 9, 1], [1, 10, 0], [1, 11, 0], [1, 12, 0], undefined] as const) {
    check(`csrnames-${spec?.join('.') ?? 'none'}`, fx.csrNamesUnder(spec ? [...spec] : undefined), { march: HART });
  }
});

test('ISA switches: $x<isa> mapping symbols and the ELF attribute decide what decodes', () => {
  check('isa', fx.isaSwitches(), { march: HART });
  check('noattr', fx.noAttributes(), { march: HART, asFlags: ['-mno-arch-attr'] });
});

test('layout: symbols, sections, data in code, zero runs, objects, reads past a label', () => {
  check('layout', fx.layout(), { march: HART });
  // Local .L labels kept by the linker label lines too; a stripped file has only section names.
  check('layout-locals', fx.layout(), { march: HART, ldFlags: ['--discard-none'] });
  check('layout-stripped', fx.layout(), { march: HART, ldFlags: ['-s'] });
});

/** ELF files other suites build: test programs, the benchmark's and the kernel. */
function builtElfs(): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    if (!existsSync(d)) return;
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && e.name.endsWith('.elf')) out.push(p);
    }
  };
  walk(join('test', 'programs', 'build'));
  walk(join('build', 'bench'));
  const kernel = join('kernel', 'target', 'riscv64gc-unknown-none-elf', 'release', 'chronos-kernel');
  if (existsSync(kernel)) out.push(kernel);
  return out;
}

test('whole ELF files other suites build agree with objdump -d', async (t) => {
  const files = builtElfs();
  // npm test builds the kernel before any suite runs; the program suites add theirs.
  assert.ok(files.length > 0, 'no ELF files under test/programs/build or kernel/target: build the kernel (npm run build:kernel)');
  // objdump on the next few files runs in the background while this thread lists one.
  const ahead = 3;
  const theirs = new Map<number, Promise<string>>();
  const start = (i: number): void => { if (i < files.length) theirs.set(i, objdumpInBackground(files[i], join(scratch(), `objdump-${i % (ahead + 1)}.txt`))); };
  for (let i = 0; i < ahead; i++) start(i);
  const failures: string[] = [], unreadable: string[] = [];
  for (let i = 0; i < files.length; i++) {
    // Other suites may be rewriting a file right now: one objdump cannot read is noted, not compared.
    const [ours, text] = await Promise.allSettled([Promise.resolve().then(() => chronosText(files[i])), theirs.get(i)!]);
    start(i + ahead);
    if (text.status === 'rejected') { unreadable.push(`${files[i]}: ${(text.reason as Error).message}`); continue; }
    if (ours.status === 'rejected') { failures.push(`${files[i]}: objdump lists it, chronos fails: ${ours.reason}`); continue; }
    const c = compareListings(text.value, ours.value);
    compared += c.lines; instructions += c.instructions;
    if (c.report) failures.push(`${files[i]}: ${c.report}`);
  }
  if (unreadable.length) t.diagnostic(`not compared, unreadable: ${unreadable.join('; ')}`);
  t.diagnostic(`${files.length - unreadable.length} files compared`);
  if (failures.length) assert.fail(failures.join('\n\n'));
});

const CLI = join('dist', 'chronos.js');

/** The newest modification time of the sources the CLI bundles. */
function newestSource(d = 'src'): number {
  let t = 0;
  for (const e of readdirSync(d, { withFileTypes: true })) {
    const p = join(d, e.name);
    t = Math.max(t, e.isDirectory() ? newestSource(p) : statSync(p).mtimeMs);
  }
  return t;
}

test('chronos disasm prints the same listing and rejects a non-ELF file', () => {
  if (!existsSync(CLI) || statSync(CLI).mtimeMs < newestSource()) spawnSync(process.execPath, ['esbuild.mjs'], { stdio: 'inherit' });
  const elf = buildElf(scratch(), 'cli', fx.layout(), { march: HART });
  const r = spawnSync(process.execPath, [CLI, 'disasm', elf], { encoding: 'utf8', maxBuffer: 1 << 28 });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, chronosText(elf));
  const c = compareListings(objdumpText(elf), r.stdout);
  if (c.report) assert.fail(`chronos disasm: ${c.report}`);

  const junk = join(scratch(), 'not-an-elf.bin');
  writeFileSync(junk, 'this is not an ELF file\n');
  const bad = spawnSync(process.execPath, [CLI, 'disasm', junk], { encoding: 'utf8' });
  assert.equal(bad.status, 2);
  assert.equal(bad.stdout, '');
  assert.match(bad.stderr, /not-an-elf\.bin: not an ELF file/);
});

test('summary', (t) => {
  t.diagnostic(`${compared} listing lines compared with objdump, ${instructions} of them instructions or data`);
});
