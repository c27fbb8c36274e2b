// Finding the kernel's debug descriptor as docs/debug-descriptor.md orders it: the symbol, the
// section, then the magic in the image, on Chronos OS and on copies of it with the earlier
// clues removed by objcopy; and the plain answer for a program without one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Machine } from '../../src/emulator/machine.js';
import { Symbols } from '../../src/debugger/symbols.js';
import { NO_DESCRIPTOR, locateDescriptor, readDescriptor } from '../../src/debugger/inspectors/descriptor.js';
import { GCC, requireTools } from '../support/toolchain.js';

const KERNEL = resolve('kernel/target/riscv64gc-unknown-none-elf/release/chronos-kernel');
const OUT = resolve('test/programs/build');
const OBJCOPY = 'riscv64-unknown-elf-objcopy';
requireTools(OBJCOPY, GCC);

function load(path: string): { address: bigint | undefined; read: ReturnType<typeof readDescriptor> } {
  const m = new Machine({ bios: 'builtin' });
  const elf = m.loadElf(readFileSync(path));
  const address = locateDescriptor(elf, new Symbols(elf));
  return { address, read: readDescriptor(m.debug, address) };
}

function variant(name: string, args: string[]): string {
  mkdirSync(OUT, { recursive: true });
  const out = join(OUT, name);
  execFileSync(OBJCOPY, [...args, KERNEL, out]);
  return out;
}

test('the symbol, the section and the magic all lead to the same descriptor', () => {
  const bySymbol = load(KERNEL);
  assert.ok(bySymbol.address !== undefined);
  assert.equal(typeof bySymbol.read, 'object');
  assert.equal((bySymbol.read as { heapSize: bigint }).heapSize, 8n << 20n);

  const bySection = load(variant('kernel-no-symbol.elf', ['--strip-symbol=CHRONOS_DEBUG']));
  assert.equal(bySection.address, bySymbol.address);

  const byMagic = load(variant('kernel-no-clues.elf', ['--strip-all', '--rename-section', '.chronos_debug=.rodata.renamed']));
  assert.equal(byMagic.address, bySymbol.address);
  assert.deepEqual(byMagic.read, bySymbol.read);
});

test('a program without a descriptor gets the plain answer', () => {
  const elf = join(OUT, 'hello-nodesc.elf');
  mkdirSync(OUT, { recursive: true });
  execFileSync(GCC, ['-march=rv64imac_zicsr', '-mabi=lp64', '-mcmodel=medany', '-O2', '-ffreestanding', '-nostdlib', '-static',
    '-Wl,--no-warn-rwx-segments', '-T', 'test/programs/link.ld', 'test/programs/crt0.S', 'test/programs/hello.c', '-o', elf]);
  const r = load(elf);
  assert.equal(r.address, undefined);
  assert.equal(r.read, NO_DESCRIPTOR);
});

test('a damaged descriptor is reported, not read', () => {
  const m = new Machine({ bios: 'builtin' });
  const elf = m.loadElf(readFileSync(KERNEL));
  const at = locateDescriptor(elf, new Symbols(elf))!;
  m.debug.writePhys(at + 14n, new Uint8Array([9])); // paging mode SV48
  assert.match(String(readDescriptor(m.debug, at)), /paging mode 9/);
  m.debug.writePhys(at, new Uint8Array([0]));
  assert.equal(readDescriptor(m.debug, at), 'the descriptor has the wrong magic');
});
