// test/programs/inlined.c, built as a kernel built for speed is: GCC -O2 with debugging
// information of the DWARF version asked, so its static inline functions are inlined (nested).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { GCC } from './toolchain.js';

export const INLINED_SRC = resolve('test/programs/inlined.c');

export function buildInlined(dwarf: 4 | 5): string {
  const out = resolve('test/programs/build');
  mkdirSync(out, { recursive: true });
  const elf = join(out, `inlined-dwarf${dwarf}.elf`);
  execFileSync(GCC, ['-march=rv64imac_zicsr', '-mabi=lp64', '-mcmodel=medany', '-O2', `-gdwarf-${dwarf}`, '-Wall', '-Werror', '-ffreestanding', '-nostdlib',
    '-static', '-Wl,--no-warn-rwx-segments', '-T', 'test/programs/link.ld', 'test/programs/crt0.S', INLINED_SRC, '-o', elf]);
  return elf;
}

/** The line of inlined.c that holds `marker` (a comment), 1-based. */
export function inlinedLine(marker: string): number {
  const n = readFileSync(INLINED_SRC, 'utf8').split('\n').findIndex((l) => l.includes(marker)) + 1;
  if (n === 0) throw new Error(`no '${marker}' in inlined.c`);
  return n;
}
