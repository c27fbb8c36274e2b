// The programs the gdb suites debug, built once per suite: Chronos OS (npm run build:kernel),
// a bare M-mode loop that counts in memory forever, the bare hello program, the bare fpregs
// program built for the double-float ABI, the SMP lock program on three harts, the S-mode HSM
// program on two; and the CLI bundle they run under.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GCC, MARCH, MARCH_FD, requireTools, scratchDir } from '../support/toolchain.js';

export const GDB = 'gdb-multiarch';
export const KERNEL = 'kernel/target/riscv64gc-unknown-none-elf/release/chronos-kernel';

const BARE = [`-march=${MARCH}`, '-mabi=lp64', '-mcmodel=medany', '-g', '-ffreestanding', '-nostdlib', '-static', '-Wl,--no-warn-rwx-segments'];

/** A loop that adds one to `counter` forever; `bytes` holds the framing characters $ # } *. */
const SPIN = `
    .section .text.init
    .globl _start
_start:
    la      t1, counter
loop:
    ld      t0, 0(t1)
    addi    t0, t0, 1
store:
    sd      t0, 0(t1)
    j       loop
    .data
    # A page away from the code: a store beside translated code would retranslate it each time.
    .balign 4096
    .globl counter
counter: .dword 0
    .globl bytes
bytes: .ascii "chronos}#*$"
`;

export interface Programs { dir: string; spin: string; hello: string; fpregs: string; locks3: string; hsm2: string }

/** Build the CLI bundle, and the programs (the kernel too when asked); gdb must be installed. */
export function buildPrograms(opts: { kernel?: boolean } = {}): Programs {
  requireTools(GDB, GCC);
  execFileSync(process.execPath, ['esbuild.mjs']);
  if (opts.kernel) execFileSync('bash', ['scripts/build-kernel.sh'], { stdio: ['ignore', 'ignore', 'inherit'] });
  const dir = scratchDir('gdb');
  const spin = join(dir, 'spin.elf'), hello = join(dir, 'hello.elf'), fpregs = join(dir, 'fpregs.elf'), locks3 = join(dir, 'locks-3.elf'), hsm2 = join(dir, 'hsm-2.elf');
  writeFileSync(join(dir, 'spin.S'), SPIN);
  execFileSync(GCC, [...BARE, '-T', 'test/programs/link.ld', join(dir, 'spin.S'), '-o', spin]);
  execFileSync(GCC, [...BARE, '-O2', '-T', 'test/programs/link.ld', 'test/programs/crt0.S', 'test/programs/hello.c', '-o', hello]);
  const floatAbi = [...BARE.filter((f) => !f.startsWith('-march') && !f.startsWith('-mabi')), `-march=${MARCH_FD}`, '-mabi=lp64d'];
  execFileSync(GCC, [...floatAbi, '-O1', '-T', 'test/programs/link.ld', 'test/programs/crt0.S', 'test/programs/fpregs.c', '-o', fpregs]);
  execFileSync(GCC, [...BARE, '-O2', '-T', 'test/programs/smp/mlink.ld', '-DHARTS=3', 'test/programs/smp/mcrt0.S', 'test/programs/smp/locks.c', '-o', locks3]);
  execFileSync(GCC, [...BARE, '-O2', '-T', 'test/programs/smp/slink.ld', '-DHARTS=2', 'test/programs/smp/sentry.S', 'test/programs/smp/hsm.c', '-o', hsm2]);
  return { dir, spin, hello, fpregs, locks3, hsm2 };
}
