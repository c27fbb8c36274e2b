// The ELF's symbols, demangled: function containing an address, address of a name.
// A Rust kernel has tens of thousands of symbols (Chronos OS some 80,000), and demangling and
// indexing them all cost a quarter of a second at launch; so each index is built when a
// question first needs it, and a name is demangled when it is first read. The answers are the
// ones the indexes built at once would give (test/unit/symbols.test.ts compares them).
import type { ElfFile, ElfSymbol } from '../emulator/loader/elf.js';
import { demangle } from './demangle.js';

const STT_OBJECT = 1, STT_FUNC = 2;
const SHF_ALLOC = 2n;

export interface Sym { readonly name: string; readonly mangled: string; readonly address: bigint; readonly size: number; readonly isFunction: boolean }

/** A symbol whose readable name is worked out when it is first asked for. */
class ElfSym implements Sym {
  private demangled: string | undefined;
  constructor(readonly mangled: string, readonly address: bigint, readonly size: number, readonly isFunction: boolean) {}
  get name(): string { return (this.demangled ??= demangle(this.mangled)); }
}

export class Symbols {
  private readonly all: ElfSym[];
  private byMangledIndex: Map<string, Sym> | undefined;
  private byNameIndex: Map<string, Sym> | undefined;
  private functionsIndex: Sym[] | undefined;
  private readonly labelEnd = new Map<Sym, bigint>();

  constructor(private readonly elf: ElfFile) {
    this.all = [];
    for (const s of elf.symbols as ElfSymbol[]) {
      if ((s.type === STT_FUNC || s.type === STT_OBJECT || (s.type === 0 && s.shndx !== 0)) && s.name && !s.name.startsWith('$') && !s.name.startsWith('.L')) {
        this.all.push(new ElfSym(s.name, BigInt.asUintN(64, s.value), s.size, s.type === STT_FUNC));
      }
    }
  }

  /** Mangled name → symbol; of symbols sharing a mangled name, the last (as byName has it). */
  private get byMangled(): Map<string, Sym> {
    if (!this.byMangledIndex) {
      this.byMangledIndex = new Map();
      for (const s of this.all) this.byMangledIndex.set(s.mangled, s);
    }
    return this.byMangledIndex;
  }

  /**
   * Demangled and mangled names → symbol. A mangled name names its own symbol even when an
   * earlier symbol demangles to it; of symbols demangling alike, the first.
   */
  private get byName(): Map<string, Sym> {
    if (!this.byNameIndex) {
      this.byNameIndex = new Map();
      for (const s of this.all) {
        if (!this.byNameIndex.has(s.name)) this.byNameIndex.set(s.name, s);
        this.byNameIndex.set(s.mangled, s);
      }
    }
    return this.byNameIndex;
  }

  /** Functions and labels by address, each label's end noted. */
  private get functions(): Sym[] {
    if (!this.functionsIndex) {
      const fns = this.all.filter((s) => s.isFunction || s.size === 0);
      // Array.prototype.sort is stable, so symbols at one address keep the symbol table's order.
      fns.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
      // A label without a size owns the code after it only up to the end of its section: `end`
      // (after .bss) must not name code that runs elsewhere, such as xv6's trampoline page.
      const allocated = this.elf.sections.filter((sec) => (sec.flags & SHF_ALLOC) !== 0n && sec.size > 0);
      for (const f of fns) {
        if (f.size > 0) continue;
        const sec = allocated.find((x) => f.address >= x.addr && f.address < x.addr + BigInt(x.size));
        this.labelEnd.set(f, sec ? sec.addr + BigInt(sec.size) : f.address);
      }
      this.functionsIndex = fns;
    }
    return this.functionsIndex;
  }

  /** The function whose code holds `addr` (a symbol with a size, or the nearest label below). */
  at(addr: bigint): { sym: Sym; offset: bigint } | undefined {
    const functions = this.functions;
    let lo = 0, hi = functions.length - 1, found: Sym | undefined;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (functions[mid].address <= addr) { found = functions[mid]; lo = mid + 1; } else hi = mid - 1;
    }
    if (!found) return undefined;
    const offset = addr - found.address;
    if (found.size > 0 && offset >= BigInt(found.size)) return undefined;
    if (found.size === 0 && addr >= (this.labelEnd.get(found) ?? addr + 1n)) return undefined;
    return { sym: found, offset };
  }

  /** A symbol by its demangled or mangled name, or by a unique path suffix (`heap::alloc`). */
  find(name: string): Sym | undefined {
    // A mangled name (C's and #[no_mangle] names among them) is answered without demangling
    // anything: in the full index it names its own symbol too.
    const mangled = this.byMangled.get(name);
    if (mangled) return mangled;
    const exact = this.byName.get(name);
    if (exact) return exact;
    const matches = [...this.byName.values()].filter((s) => s.name === name || s.name.endsWith(`::${name}`));
    const unique = new Set(matches.map((m) => m.address));
    return unique.size === 1 ? matches[0] : undefined;
  }

  names(): string[] { return [...this.byName.keys()]; }
}
