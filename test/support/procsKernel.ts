// The xv6-shaped test kernel (test/programs/procs): built with xv6's own flags (-O, frame
// pointers, DWARF of the version asked), for three harts.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { GCC, OBJCOPY } from './toolchain.js';

export const PROCS_SRC = resolve('test/programs/procs');

const OUT = resolve('test/programs/build/procs');
const CFLAGS = ['-march=rv64imac_zicsr_zifencei', '-mabi=lp64', '-mcmodel=medany', '-Wall', '-Werror', '-O', '-fno-omit-frame-pointer',
  '-ggdb', '-ffreestanding', '-fno-common', '-nostdlib', '-static', '-Wl,--no-warn-rwx-segments'];

/**
 * `stay`: the kernel idles when done instead of powering off (for the monitor's tests).
 * `user`: harts 1 and 2 then run the user programs sh and ls (procsUserPrograms) in U-mode.
 */
export function buildProcsKernel(dwarf: 2 | 4 | 5, stay = false, user = false): string {
  mkdirSync(OUT, { recursive: true });
  const elf = join(OUT, `kernel-dwarf${dwarf}${stay ? '-stay' : ''}${user ? '-user' : ''}.elf`);
  const smp = resolve('test/programs/smp');
  const images = user ? procsUserPrograms() : undefined;
  execFileSync(GCC, [...CFLAGS, `-gdwarf-${dwarf}`, '-DHARTS=3', ...(stay ? ['-DSTAY'] : []),
    ...(images ? ['-DUSER', `-DUSER_LS="${images.ls}.bin"`, `-DUSER_SH="${images.sh}.bin"`] : []),
    '-T', join(PROCS_SRC, 'kernel.ld'), join(smp, 'mcrt0.S'),
    ...['trap.S', 'main.c', 'kalloc.c', 'proc.c', 'trap.c', ...(user ? ['user.S', 'vm.c'] : [])].map((f) => join(PROCS_SRC, f)), '-o', elf]);
  return elf;
}

/** The two user programs (test/programs/procs/user), both linked at 0: their ELF files (and each one's image beside it, .bin). */
export function procsUserPrograms(): { ls: string; sh: string } {
  mkdirSync(OUT, { recursive: true });
  const user = join(PROCS_SRC, 'user');
  const build = (name: string): string => {
    const elf = join(OUT, `_${name}`);
    execFileSync(GCC, [...CFLAGS, '-gdwarf-2', '-T', join(user, 'user.ld'), join(user, 'start.S'), join(user, `${name}.c`), '-o', elf]);
    execFileSync(OBJCOPY, ['-O', 'binary', elf, `${elf}.bin`]);
    return elf;
  };
  return { ls: build('ls'), sh: build('sh') };
}

/** The line of a source file of the kernel that holds `marker` (a comment). */
export function procsLine(file: string, marker: string): number {
  const n = readFileSync(join(PROCS_SRC, file), 'utf8').split('\n').findIndex((l) => l.includes(marker)) + 1;
  if (n === 0) throw new Error(`no '${marker}' in ${file}`);
  return n;
}
