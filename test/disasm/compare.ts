// Building fixture ELFs with the GNU toolchain and comparing our listing with objdump's.
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { disassembleElf } from '../../src/emulator/disasm/listing.js';
import { parseElf } from '../../src/emulator/loader/elf.js';
import { AS, MARCH, OBJDUMP } from '../support/toolchain.js';

const LD = 'riscv64-unknown-elf-ld';
const OBJCOPY = 'riscv64-unknown-elf-objcopy';

export interface BuildOptions {
  march?: string;
  asFlags?: string[];
  ldFlags?: string[];
  /** Drop the $x/$d mapping symbols, so that objdump decodes `.half`/`.word` data as code. */
  stripMapping?: boolean;
}

/** Assemble and link `source` at 0x80000000; returns the ELF's path. */
export function buildElf(dir: string, name: string, source: string, o: BuildOptions = {}): string {
  const src = join(dir, `${name}.S`), obj = join(dir, `${name}.o`), elf = join(dir, `${name}.elf`);
  writeFileSync(src, source);
  const run = (cmd: string, args: string[]): void => { execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] }); };
  run(AS, [`-march=${o.march ?? MARCH}`, ...(o.asFlags ?? []), src, '-o', obj]);
  run(LD, ['-Ttext=0x80000000', '-e', '0x80000000', '--no-warn-rwx-segments', ...(o.ldFlags ?? []), obj, '-o', elf]);
  if (o.stripMapping) run(OBJCOPY, ['--wildcard', '-N', '$d', '-N', '$x*', elf]);
  return elf;
}

export const objdumpText = (file: string): string =>
  execFileSync(OBJDUMP, ['-d', file], { maxBuffer: 1 << 30 }).toString();

/**
 * objdump's listing of `file`, run in the background into `out` (a file, not a pipe, so that it
 * runs on while this thread is busy listing the same file its own way).
 */
export function objdumpInBackground(file: string, out: string): Promise<string> {
  const fd = openSync(out, 'w');
  const child = spawn(OBJDUMP, ['-d', file], { stdio: ['ignore', fd, 'inherit'] });
  closeSync(fd);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(readFileSync(out, 'utf8')) : reject(new Error(`objdump -d ${file}: exit ${code}`))));
  });
}

export const chronosText = (file: string): string => disassembleElf(parseElf(readFileSync(file)), file);

/** An instruction line: address, raw bytes, mnemonic, operands. Headers, `...` and byte dumps are not. */
const INSN = /^\s*([0-9a-f]+):\t([0-9a-f ]+)\t(\S+)(?:\t(.*))?$/;

/**
 * A listing reduced to what must agree: no blank lines, white space collapsed, and in
 * instruction lines no `<symbol>` annotations or `#` comments.
 */
export function normalize(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split('\n')) {
    const line = (raw.includes('<') || raw.includes('#')) && INSN.test(raw) ? raw.replace(/\s+#.*$/, '').replace(/\s*<[^>]*>/g, '') : raw;
    const n = line.replace(/\s+/g, ' ').trim();
    if (n) out.push(n);
  }
  return out;
}

/** A normalized instruction line: address, raw bytes, a mnemonic or directive. */
const INSN_LINE = /^[0-9a-f]+: (?:[0-9a-f]+ )+[.a-z]/;

export interface Comparison {
  lines: number;
  /** Of those, instruction (and data directive) lines. */
  instructions: number;
  /** The first differences, as text; empty when the listings agree. */
  report: string;
}

/** Compare two listings line by line. */
export function compareListings(theirs: string, ours: string): Comparison {
  const a = normalize(theirs), b = normalize(ours);
  const bad: string[] = [];
  let differing = 0, instructions = 0;
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== undefined && INSN_LINE.test(a[i])) instructions++;
    if (a[i] === b[i]) continue;
    differing++;
    if (bad.length < 12) {
      bad.push(`line ${i + 1}:`, `  objdump: ${a[i] ?? '(end of listing)'}`, `  chronos: ${b[i] ?? '(end of listing)'}`);
    }
  }
  const report = differing ? `${differing} of ${a.length} lines differ; the first:\n${bad.join('\n')}` : '';
  return { lines: a.length, instructions, report };
}
