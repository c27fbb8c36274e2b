// `npm run package`: chronos-<version>.vsix with the bundled extension (dist/, made by
// esbuild.mjs) and a demo: the Chronos OS kernel ELF with its sources, so that "Chronos: Open
// Demo Kernel" works for someone without a Rust toolchain.
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const kernel = join(root, 'kernel');
const elf = join(kernel, 'target/riscv64gc-unknown-none-elf/release/chronos-kernel');
const demo = join(root, 'dist/demo');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

for (const need of [elf, join(root, 'dist/extension.js')]) {
  if (!existsSync(need)) {
    console.error(`package: ${need} is missing; run npm run build and npm run build:kernel first`);
    process.exit(1);
  }
}

rmSync(demo, { recursive: true, force: true });
mkdirSync(demo, { recursive: true });
cpSync(elf, join(demo, 'chronos-kernel'));
for (const part of ['Cargo.toml', 'Cargo.lock', 'linker.ld', 'src', 'mmcore/Cargo.toml', 'mmcore/src']) {
  cpSync(join(kernel, part), join(demo, part), { recursive: true });
}
// The ELF's DWARF names its sources under the folder it was built in; the demo's launch
// configuration maps that folder onto wherever the user unpacks the demo.
writeFileSync(join(demo, 'chronos-demo.json'), `${JSON.stringify({ builtIn: kernel, program: 'chronos-kernel' }, null, 2)}\n`);

const out = join(root, `chronos-${version}.vsix`);
execFileSync(join(root, 'node_modules/.bin/vsce'), ['package', '--no-dependencies', '--no-rewrite-relative-links', '--skip-license', '--allow-missing-repository', '--out', out],
  { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
console.log(`package: ${out}`);
