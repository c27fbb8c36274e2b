// The xv6-shaped test kernel (test/programs/procs): built with xv6's own flags (-O, frame
// pointers, DWARF of the version asked), for three harts.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { GCC } from './toolchain.js';

export const PROCS_SRC = resolve('test/programs/procs');

/** `stay`: the kernel idles when done instead of powering off (for the monitor's tests). */
export function buildProcsKernel(dwarf: 2 | 4 | 5, stay = false): string {
  const out = resolve('test/programs/build/procs');
  mkdirSync(out, { recursive: true });
  const elf = join(out, `kernel-dwarf${dwarf}${stay ? '-stay' : ''}.elf`);
  const smp = resolve('test/programs/smp');
  execFileSync(GCC, ['-march=rv64imac_zicsr_zifencei', '-mabi=lp64', '-mcmodel=medany', '-Wall', '-Werror', '-O', '-fno-omit-frame-pointer',
    '-ggdb', `-gdwarf-${dwarf}`, '-ffreestanding', '-fno-common', '-nostdlib', '-static', '-Wl,--no-warn-rwx-segments', '-DHARTS=3', ...(stay ? ['-DSTAY'] : []),
    '-T', join(PROCS_SRC, 'kernel.ld'), join(smp, 'mcrt0.S'),
    ...['trap.S', 'main.c', 'kalloc.c', 'proc.c', 'trap.c'].map((f) => join(PROCS_SRC, f)), '-o', elf]);
  return elf;
}

/** The line of a source file of the kernel that holds `marker` (a comment). */
export function procsLine(file: string, marker: string): number {
  const n = readFileSync(join(PROCS_SRC, file), 'utf8').split('\n').findIndex((l) => l.includes(marker)) + 1;
  if (n === 0) throw new Error(`no '${marker}' in ${file}`);
  return n;
}
