// The real ELF files the ELF fuzzer mutates: bare M-mode test programs and an S-mode test
// kernel (built here with GCC), two harts' lock program, and Chronos OS (whole, and without its
// DWARF) with two of its user programs (stripped, as the kernel embeds them, and with symbols).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GCC, MARCH, requireTools, scratchDir } from '../support/toolchain.js';
import type { SeedFile } from './elfFuzz.js';

const OBJCOPY = 'riscv64-unknown-elf-objcopy';
const KERNEL = 'kernel/target/riscv64gc-unknown-none-elf/release/chronos-kernel';
const USER = 'kernel/user/target/riscv64gc-unknown-none-elf/release';
const BARE = [`-march=${MARCH}`, '-mabi=lp64', '-mcmodel=medany', '-O2', '-g', '-ffreestanding', '-nostdlib', '-static', '-Wl,--no-warn-rwx-segments'];

export function buildSeeds(): SeedFile[] {
  requireTools(GCC, OBJCOPY);
  execFileSync('bash', ['scripts/build-kernel.sh'], { stdio: ['ignore', 'ignore', 'inherit'] });
  const dir = scratchDir('elf-seeds');
  const out = (name: string): string => join(dir, name);
  const bare = (name: string, ...sources: string[]): void => {
    execFileSync(GCC, [...BARE, '-T', 'test/programs/link.ld', 'test/programs/crt0.S', 'test/programs/libc.c', ...sources, '-o', out(name)]);
  };
  bare('hello.elf', 'test/programs/hello.c');
  bare('sort.elf', 'test/programs/sort.c');
  bare('recursion.elf', 'test/programs/recursion.c');
  execFileSync(GCC, [...BARE, '-T', 'test/programs/smp/mlink.ld', '-DHARTS=2', 'test/programs/smp/mcrt0.S', 'test/programs/smp/locks.c', '-o', out('locks-2.elf')]);
  execFileSync(GCC, [...BARE, '-T', 'test/programs/skernel/link.ld', 'test/programs/skernel/entry.S', 'test/programs/skernel/kernel.c', '-o', out('skernel.elf')]);
  execFileSync(OBJCOPY, ['--strip-debug', KERNEL, out('chronos-kernel.nodebug')]);
  execFileSync(OBJCOPY, ['--strip-debug', `${USER}/sh`, out('sh.nodebug')]);
  const file = (name: string, path: string, bios: SeedFile['bios']): SeedFile => ({ name, bytes: new Uint8Array(readFileSync(path)), bios });
  return [
    file('hello', out('hello.elf'), 'none'), file('sort', out('sort.elf'), 'none'), file('recursion', out('recursion.elf'), 'none'),
    file('locks-2', out('locks-2.elf'), 'none'), file('skernel', out('skernel.elf'), 'builtin'),
    file('chronos-kernel', KERNEL, 'builtin'), file('chronos-kernel (no DWARF)', out('chronos-kernel.nodebug'), 'builtin'),
    file('init (stripped)', 'kernel/user/target/embed/init', 'builtin'), file('sh (symbols)', out('sh.nodebug'), 'builtin'),
  ];
}
