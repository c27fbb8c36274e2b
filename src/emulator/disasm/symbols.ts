// Symbols the way objdump uses them in a listing (binutils/objdump.c): which symbols count,
// their order (compare_symbols), the one that labels an address, and the mapping symbols
// ($x, $d, $x<isa>) that say where code, data and ISA changes are.
import type { ElfFile, ElfSymbol } from '../loader/elf.js';

export const STT_OBJECT = 1, STT_FUNC = 2, STT_SECTION = 3, STT_FILE = 4, STT_GNU_IFUNC = 10;
const STB_LOCAL = 0, STB_GLOBAL = 1;
const SHN_UNDEF = 0, SHN_COMMON = 0xfff2;

/** Names as objdump prints them (sanitize_string): control characters become `^A`...`^_`. */
export const sanitize = (name: string): string =>
  name.replace(/[\x00-\x1f]/g, (c) => `^${String.fromCharCode(c.charCodeAt(0) + 0x40)}`);

/** RISC-V mapping symbols (binutils' riscv_elf_is_mapping_symbols), never labels. */
export const isMappingSymbol = (name: string): boolean => name === '$x' || name === '$d' || name.startsWith('$xrv');

export const isFunction = (s: ElfSymbol): boolean => s.type === STT_FUNC || s.type === STT_GNU_IFUNC;

/** objdump's remove_useless_symbols: unnamed, section, file, undefined and common symbols go. */
export function useful(s: ElfSymbol): boolean {
  return s.name !== '' && s.type !== STT_SECTION && s.type !== STT_FILE && s.shndx !== SHN_UNDEF && s.shndx !== SHN_COMMON;
}

/** Names objdump sorts after the rest: compiler markers and file names (`foo.o`, `libc.a`). */
const compilerMarker = (n: string): boolean => n.includes('gnu_compiled') || n.includes('gcc2_compiled');
const fileLike = (n: string): boolean => n.length >= 2 && n[n.length - 2] === '.' && (n.endsWith('o') || n.endsWith('a'));

/**
 * objdump's compare_symbols for symbols of one value and section: functions first, then
 * objects, then globals, then weak, then locals; larger first; names starting with '.' last;
 * then by name.
 */
function compareSameAddress(a: ElfSymbol, b: ElfSymbol): number {
  const keys = (s: ElfSymbol): number[] => [
    compilerMarker(s.name) ? 1 : 0, fileLike(s.name) ? 1 : 0, isFunction(s) ? 0 : 1, s.type === STT_OBJECT ? 0 : 1,
    s.bind === STB_LOCAL ? 1 : 0, s.bind === STB_GLOBAL ? 0 : 1, -s.size, s.name.startsWith('.') ? 1 : 0,
  ];
  const ka = keys(a), kb = keys(b);
  for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i] - kb[i];
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

const byValue = (a: ElfSymbol, b: ElfSymbol): number =>
  a.value < b.value ? -1 : a.value > b.value ? 1 : a.shndx !== b.shndx ? a.shndx - b.shndx : compareSameAddress(a, b);

/** One section's symbols in objdump's order. */
export class SectionSymbols {
  /** Symbols that may label a line, one per address (the one objdump prefers), by address. */
  readonly labels: ElfSymbol[];
  /** Mapping symbols by address; at one address the last in objdump's order is the one that counts. */
  readonly mapping: ElfSymbol[];

  constructor(elf: ElfFile, sectionIndex: number) {
    const mine = elf.symbols.filter((s) => s.shndx === sectionIndex && useful(s)).sort(byValue);
    this.mapping = mine.filter((s) => isMappingSymbol(s.name));
    // The fake labels gas makes for DWARF and relaxation (".L0 ") never label anything either.
    this.labels = mine.filter((s) => !isMappingSymbol(s.name) && s.name !== '.L0 ')
      .filter((s, i, all) => i === 0 || all[i - 1].value !== s.value);
  }

  /**
   * Where a section's listing starts: the index of the nearest label at or below `addr`, else
   * of the nearest above it (objdump prints that one as `<sym-0x...>`), else -1 (`<.text>`).
   */
  first(addr: bigint): number {
    let i = 0;
    while (i + 1 < this.labels.length && this.labels[i + 1].value <= addr) i++;
    return this.labels.length ? i : -1;
  }
}

/** All symbols of a file, for objdump's `<sym+0x...>` annotation of branch targets. */
export class AddressAnnotator {
  private readonly sorted: ElfSymbol[];

  constructor(elf: ElfFile) {
    const first = new Map<bigint, ElfSymbol>();
    for (const s of elf.symbols.filter((x) => useful(x) && !isMappingSymbol(x.name)).sort(byValue)) {
      if (!first.has(s.value)) first.set(s.value, s);
    }
    this.sorted = [...first.values()];
  }

  annotate(addr: bigint): string {
    let lo = 0, hi = this.sorted.length - 1, found: ElfSymbol | undefined;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.sorted[mid].value <= addr) { found = this.sorted[mid]; lo = mid + 1; } else hi = mid - 1;
    }
    found ??= this.sorted[0];
    if (!found) return '';
    const off = addr - found.value;
    return ` <${sanitize(found.name)}${off > 0n ? `+0x${off.toString(16)}` : off < 0n ? `-0x${(-off).toString(16)}` : ''}>`;
  }
}
