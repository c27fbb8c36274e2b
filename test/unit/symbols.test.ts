// Which symbol names an address: a function by its size, a label (no size) up to the end of
// its section, and nothing for code outside every section (xv6's trampoline page, say).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Symbols } from '../../src/debugger/symbols.js';
import type { ElfFile, ElfSymbol, Section } from '../../src/emulator/loader/elf.js';

const SHF_ALLOC = 2n, SHF_EXECINSTR = 4n;
const section = (name: string, addr: number, size: number, flags: bigint): Section =>
  ({ name, type: 1, flags, addr: BigInt(addr), offset: 0, size, link: 0, executable: (flags & SHF_EXECINSTR) !== 0n });
const sym = (name: string, value: number, size: number, type: number): ElfSymbol => ({ name, value: BigInt(value), size, type, bind: 1, shndx: 1 });

test('a sizeless label owns addresses to the end of its section, and a label after every section none', () => {
  const elf = {
    bytes: new Uint8Array(), entry: 0x8000_0000n, type: 2, flags: 0, segments: [],
    sections: [section('.text', 0x8000_0000, 0x1000, SHF_ALLOC | SHF_EXECINSTR), section('.bss', 0x8000_2000, 0x100, SHF_ALLOC)],
    symbols: [sym('main', 0x8000_0000, 0x40, 2), sym('trapvec', 0x8000_0100, 0, 0), sym('end', 0x8000_2100, 0, 0)],
  } as ElfFile;
  const s = new Symbols(elf);
  assert.equal(s.at(0x8000_0010n)?.sym.name, 'main');
  assert.equal(s.at(0x8000_0050n), undefined, 'past main, before the label');
  assert.deepEqual(s.at(0x8000_0180n), { sym: s.find('trapvec')!, offset: 0x80n });
  assert.equal(s.at(0x8000_1000n), undefined, 'past the end of .text');
  assert.equal(s.at(0x3f_ffff_f000n), undefined, 'the trampoline page is not `end`');
  assert.equal(s.find('end')?.address, 0x8000_2100n, 'the label is still found by name');
});
