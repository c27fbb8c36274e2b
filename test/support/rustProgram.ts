// A bare Rust program for the tests, built with the toolchain scripts/build-kernel.sh uses:
// rustup's when it has the riscv64gc-unknown-none-elf target, else Debian's rustc with the
// core/alloc sysroot that script builds under kernel/target/sysroot (run it first).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';

const TARGET = 'riscv64gc-unknown-none-elf';

export function buildRustProgram(source: string, crateName: string, linkScript: string, optLevel: number): string {
  const out = resolve('test/programs/build', `${crateName}.elf`);
  mkdirSync(resolve('test/programs/build'), { recursive: true });
  const rustup = spawnSync('rustup', ['target', 'list', '--installed'], { encoding: 'utf8' });
  const common = ['--edition', '2021', '--crate-name', crateName, '--crate-type', 'bin', '--target', TARGET, '-C', `opt-level=${optLevel}`, '-g',
    '-C', 'panic=abort', '-C', 'force-frame-pointers=yes', '-C', 'relocation-model=static',
    '-C', 'linker=riscv64-unknown-elf-ld', '-C', 'linker-flavor=ld', '-C', `link-arg=-T${resolve(linkScript)}`, resolve(source), '-o', out];
  if (rustup.status === 0 && rustup.stdout.split('\n').includes(TARGET)) {
    execFileSync('rustc', common);
  } else {
    const sysroot = resolve('kernel/target/sysroot');
    if (!existsSync('/usr/bin/rustc') || !existsSync(sysroot)) throw new Error(`no Rust toolchain for ${TARGET}: run scripts/build-kernel.sh (it builds ${sysroot})`);
    execFileSync('/usr/bin/rustc', ['--sysroot', sysroot, ...common], { env: { ...process.env, RUSTC_BOOTSTRAP: '1' } });
  }
  return out;
}
