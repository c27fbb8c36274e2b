// The debugger's symbol index is built on first use (names demangled when first read, the
// address order sorted when an address is first asked about) to keep it out of the adapter's
// start-up: on Chronos OS's ELF (some 80,000 symbols), its answers must be the ones an index
// built at once gives. The reference below is that eager index, as the adapter had it.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parseElf, type ElfFile } from '../../src/emulator/loader/elf.js';
import { Symbols } from '../../src/debugger/symbols.js';
import { demangle } from '../../src/debugger/demangle.js';

const KERNEL = 'kernel/target/riscv64gc-unknown-none-elf/release/chronos-kernel';

before(() => {
  execFileSync('bash', ['scripts/build-kernel.sh'], { stdio: ['ignore', 'ignore', 'inherit'] });
});

interface RefSym { name: string; mangled: string; address: bigint; size: number; isFunction: boolean }

/** Every symbol demangled and indexed at once. */
function eager(elf: ElfFile): { byName: Map<string, RefSym>; functions: RefSym[] } {
  const all: RefSym[] = elf.symbols
    .filter((s) => (s.type === 2 || s.type === 1 || (s.type === 0 && s.shndx !== 0)) && s.name && !s.name.startsWith('$') && !s.name.startsWith('.L'))
    .map((s) => ({ name: demangle(s.name), mangled: s.name, address: BigInt.asUintN(64, s.value), size: s.size, isFunction: s.type === 2 }));
  const byName = new Map<string, RefSym>();
  for (const s of all) {
    if (!byName.has(s.name)) byName.set(s.name, s);
    byName.set(s.mangled, s);
  }
  const functions = all.filter((s) => s.isFunction || s.size === 0).sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  return { byName, functions };
}

/** The function holding `addr` in the eager index: the last one starting at or below it, if it reaches `addr`. */
function refAt(elf: ElfFile, functions: RefSym[], addr: bigint): { sym: RefSym; offset: bigint } | undefined {
  let found: RefSym | undefined;
  for (const f of functions) { if (f.address <= addr) found = f; else break; }
  if (!found) return undefined;
  const offset = addr - found.address;
  if (found.size > 0) return offset < BigInt(found.size) ? { sym: found, offset } : undefined;
  const sec = elf.sections.find((x) => (x.flags & 2n) !== 0n && x.size > 0 && found!.address >= x.addr && found!.address < x.addr + BigInt(x.size));
  return sec && addr < sec.addr + BigInt(sec.size) ? { sym: found, offset } : undefined;
}

const plain = (s: { name: string; mangled: string; address: bigint; size: number } | undefined) =>
  s && { name: s.name, mangled: s.mangled, address: s.address, size: s.size };

test('Chronos OS: symbols indexed on first use answer as the eager index does', () => {
  const elf = parseElf(readFileSync(KERNEL));
  const ref = eager(elf);
  assert.ok(ref.byName.size > 2_000, `only ${ref.byName.size} names`);

  // The launch's own questions first (a #[no_mangle] name, the debug descriptor), on a fresh index.
  const lazy = new Symbols(elf);
  for (const n of ['rust_begin_unwind', 'CHRONOS_DEBUG', 'rust_main']) assert.deepEqual(plain(lazy.find(n)), plain(ref.byName.get(n)), n);

  // Every name, demangled and mangled, names the same symbol; and the names are the same set.
  for (const [name, s] of ref.byName) assert.deepEqual(plain(lazy.find(name)), plain(s), name);
  assert.deepEqual(new Set(lazy.names()), new Set(ref.byName.keys()));

  // Path suffixes (`frame_allocator::alloc_frame`) and a name nobody has.
  assert.equal(lazy.find('frame_allocator::alloc_frame')?.name, 'chronos_kernel::mm::frame_allocator::alloc_frame');
  assert.equal(lazy.find('no_such_function_anywhere'), undefined);

  // Addresses: a sample of functions' starts, middles and ends, on a second fresh index (whose
  // first question is an address), against a linear search of the eager index.
  const byAddress = new Symbols(elf);
  const text = elf.sections.find((s) => s.name === '.text')!;
  const sized = ref.functions.filter((f) => f.isFunction && f.size > 0);
  let checked = 0;
  for (let i = 0; i < sized.length; i += 7) {
    const f = sized[i];
    for (const a of [f.address, f.address + BigInt(f.size >> 1), f.address + BigInt(f.size)]) {
      const got = byAddress.at(a), want = refAt(elf, ref.functions, a);
      assert.deepEqual(got && { ...plain(got.sym), offset: got.offset }, want && { ...plain(want.sym), offset: want.offset }, `0x${a.toString(16)}`);
      checked++;
    }
  }
  assert.ok(checked > 1000, `only ${checked} addresses checked`);
  assert.equal(byAddress.at(text.addr - 4n), undefined, 'below .text');
});
