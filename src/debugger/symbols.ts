// The ELF's symbols, demangled: function containing an address, address of a name.
import type { ElfFile, ElfSymbol } from '../emulator/loader/elf.js';
import { demangle } from './demangle.js';

const STT_OBJECT = 1, STT_FUNC = 2;

export interface Sym { name: string; mangled: string; address: bigint; size: number; isFunction: boolean }

export class Symbols {
  private readonly functions: Sym[];
  private readonly byName = new Map<string, Sym>();

  constructor(elf: ElfFile) {
    const all: Sym[] = elf.symbols
      .filter((s: ElfSymbol) => (s.type === STT_FUNC || s.type === STT_OBJECT || (s.type === 0 && s.shndx !== 0)) && s.name && !s.name.startsWith('$') && !s.name.startsWith('.L'))
      .map((s) => ({ name: demangle(s.name), mangled: s.name, address: BigInt.asUintN(64, s.value), size: s.size, isFunction: s.type === STT_FUNC }));
    for (const s of all) {
      if (!this.byName.has(s.name)) this.byName.set(s.name, s);
      this.byName.set(s.mangled, s);
    }
    this.functions = all.filter((s) => s.isFunction || s.size === 0).sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
    // A label without a size owns the code after it only up to the end of its section: `end`
    // (after .bss) must not name code that runs elsewhere, such as xv6's trampoline page.
    const SHF_ALLOC = 2n;
    const allocated = elf.sections.filter((sec) => (sec.flags & SHF_ALLOC) !== 0n && sec.size > 0);
    for (const f of this.functions) {
      if (f.size > 0) continue;
      const sec = allocated.find((x) => f.address >= x.addr && f.address < x.addr + BigInt(x.size));
      this.labelEnd.set(f, sec ? sec.addr + BigInt(sec.size) : f.address);
    }
  }

  private readonly labelEnd = new Map<Sym, bigint>();

  /** The function whose code holds `addr` (a symbol with a size, or the nearest label below). */
  at(addr: bigint): { sym: Sym; offset: bigint } | undefined {
    let lo = 0, hi = this.functions.length - 1, found: Sym | undefined;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.functions[mid].address <= addr) { found = this.functions[mid]; lo = mid + 1; } else hi = mid - 1;
    }
    if (!found) return undefined;
    const offset = addr - found.address;
    if (found.size > 0 && offset >= BigInt(found.size)) return undefined;
    if (found.size === 0 && addr >= (this.labelEnd.get(found) ?? addr + 1n)) return undefined;
    return { sym: found, offset };
  }

  /** A symbol by its demangled or mangled name, or by a unique path suffix (`heap::alloc`). */
  find(name: string): Sym | undefined {
    const exact = this.byName.get(name);
    if (exact) return exact;
    const matches = [...this.byName.values()].filter((s) => s.name === name || s.name.endsWith(`::${name}`));
    const unique = new Set(matches.map((m) => m.address));
    return unique.size === 1 ? matches[0] : undefined;
  }

  names(): string[] { return [...this.byName.keys()]; }
}
