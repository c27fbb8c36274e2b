// The disassembler against binutils' objdump: every 16-bit word, every table entry with many
// field values, and whole ELF files. Text must agree apart from white space, `<symbol>`
// annotations and `#` comments.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { disassemble } from '../../src/emulator/disasm/disasm.js';
import { disassembleElf } from '../../src/emulator/disasm/listing.js';
import { parseElf } from '../../src/emulator/loader/elf.js';
import { INSTRUCTIONS } from '../../src/emulator/isa/table.js';
import { OBJDUMP, assemble, have, objdump, parseListing, scratchDir, type ObjdumpLine } from '../support/toolchain.js';

const skip = have(OBJDUMP) ? false : 'riscv64-unknown-elf-objdump is not installed';

/** A reproducible stream of 32-bit values. */
function* xorshift(seed: number): Generator<number> {
  let x = seed >>> 0 || 1;
  for (;;) { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; yield x; }
}

function compare(lines: ObjdumpLine[], label: string): void {
  const bad: string[] = [];
  for (const l of lines) {
    const word = parseInt(l.encoding.replace(/ /g, ''), 16);
    const ours = disassemble(word, l.address);
    const theirs = `${l.mnemonic} ${l.operands}`.trim();
    const mine = `${ours.mnemonic} ${ours.operands.replace(/\s+/g, '')}`.trim();
    if (mine !== theirs) bad.push(`${l.encoding.padEnd(8)}  objdump: ${theirs.padEnd(32)} chronos: ${mine}`);
  }
  assert.ok(lines.length > 0, `${label}: objdump printed nothing`);
  assert.equal(bad.length, 0, `${label}: ${bad.length} of ${lines.length} differ, e.g.\n${bad.slice(0, 25).join('\n')}`);
}

test('every 16-bit word disassembles as objdump shows it', { skip }, () => {
  const dir = scratchDir('disasm16');
  const words: string[] = [];
  for (let w = 0; w < 0x10000; w++) if ((w & 3) !== 3) words.push(` .insn 2, 0x${w.toString(16)}`);
  const lines = objdump(assemble(dir, 'all16', `${words.join('\n')}\n`));
  assert.equal(lines.length, 49152);
  compare(lines, '16-bit');
});

test('every table entry, across its field values, disassembles as objdump shows it', { skip }, () => {
  const dir = scratchDir('disasm32');
  const rnd = xorshift(0xc0ffee);
  const words = new Set<number>();
  for (const d of INSTRUCTIONS) {
    const free = ~d.mask >>> 0;
    // Field values that exercise the aliases: all-zero, all-ones, single registers, random.
    for (const fill of [0, free, 0x00100000 | 0x8000 | 0x80, 0x00008000, 0x00100000, 0x00000080, 0x000000080 | 0x00100000]) {
      words.add(((d.match | (fill & free)) >>> 0));
    }
    for (let i = 0; i < 400; i++) words.add(((d.match | (rnd.next().value! & free)) >>> 0));
  }
  // Raw random words too: most are not instructions, and must print as objdump prints them.
  // (Words whose low five bits are all ones announce longer encodings; objdump rejects them.)
  for (let i = 0; i < 20000; i++) { const w = (rnd.next().value! | 3) >>> 0; if ((w & 0x1f) !== 0x1f) words.add(w); }
  const src = [...words].map((w) => ` .insn 4, 0x${w.toString(16)}`).join('\n');
  const lines = objdump(assemble(dir, 'all32', `${src}\n`));
  assert.equal(lines.length, words.size);
  compare(lines, '32-bit');
});

/** ELF files other suites build: test programs and the kernel. */
function elfFiles(): string[] {
  const out: string[] = [];
  // Only the programs built for the whole of RV64IMAC: objdump switches ISA per region when
  // an object says `.option norvc` (its $x mapping symbols), which listings of those differ on.
  const walk = (dir: string): void => {
    if (!existsSync(dir)) return;
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isFile() && e.name.endsWith('.elf')) out.push(join(dir, e.name));
    }
  };
  walk(join('build', 'bench'));
  walk(join('test', 'programs', 'build'));
  const kernel = join('kernel', 'target', 'riscv64gc-unknown-none-elf', 'release', 'chronos-kernel');
  if (existsSync(kernel)) out.push(kernel);
  return out;
}

test('whole ELF listings agree with objdump -d', { skip }, (t) => {
  const files = elfFiles();
  if (files.length === 0) { t.skip('no ELF files built yet'); return; }
  for (const f of files) {
    const ours = parseListing(disassembleElf(parseElf(readFileSync(f)), f));
    const theirs = objdump(f);
    const n = Math.max(ours.length, theirs.length);
    const bad: string[] = [];
    for (let i = 0; i < n && bad.length < 20; i++) {
      const a = ours[i], b = theirs[i];
      const ta = a ? `${a.address.toString(16)} ${a.encoding} ${a.mnemonic} ${a.operands}` : '(nothing)';
      const tb = b ? `${b.address.toString(16)} ${b.encoding} ${b.mnemonic} ${b.operands}` : '(nothing)';
      if (ta !== tb) bad.push(`objdump: ${tb}\nchronos: ${ta}`);
    }
    assert.equal(bad.length, 0, `${f}:\n${bad.join('\n')}`);
  }
});
