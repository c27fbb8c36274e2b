// `chronos disasm`: every executable section of an ELF, laid out as `objdump -d` lays it out:
// a header per section, a `<symbol>:` line where a symbol starts, then one line per instruction
// (address, encoding, mnemonic, operands, and the target's symbol for branches and jumps).
import type { ElfFile, ElfSymbol, Section } from '../loader/elf.js';
import { disassemble, instructionLength } from './disasm.js';

const STT_FUNC = 2, STT_SECTION = 3, STT_FILE = 4, STB_LOCAL = 0;

/** Symbols that can label code: named, in a section, not mapping symbols ($x, $d) or files. */
function labels(elf: ElfFile, sectionIndex: number): ElfSymbol[] {
  return elf.symbols.filter((s) => s.shndx === sectionIndex && s.name !== '' && !s.name.startsWith('$') && s.type !== STT_FILE);
}

/** Where objdump would print one of several symbols at an address: functions, then globals. */
function rank(s: ElfSymbol): number {
  return (s.type === STT_SECTION ? 0 : 4) + (s.type === STT_FUNC ? 2 : 0) + (s.bind !== STB_LOCAL ? 1 : 0);
}

export class SymbolIndex {
  private readonly sorted: ElfSymbol[];

  constructor(symbols: ElfSymbol[]) {
    const best = new Map<bigint, ElfSymbol>();
    for (const s of symbols) {
      const cur = best.get(s.value);
      if (!cur || rank(s) > rank(cur)) best.set(s.value, s);
    }
    this.sorted = [...best.values()].sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
  }

  at(addr: bigint): ElfSymbol | undefined {
    const s = this.containing(addr);
    return s && s.value === addr ? s : undefined;
  }

  /** The nearest symbol at or below addr. */
  containing(addr: bigint): ElfSymbol | undefined {
    let lo = 0, hi = this.sorted.length - 1, found: ElfSymbol | undefined;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.sorted[mid].value <= addr) { found = this.sorted[mid]; lo = mid + 1; } else hi = mid - 1;
    }
    return found;
  }

  /** objdump's `<name+0xoff>` annotation. */
  annotate(addr: bigint): string {
    const s = this.containing(addr);
    if (!s) return '';
    const off = addr - s.value;
    return ` <${s.name}${off ? `+0x${off.toString(16)}` : ''}>`;
  }
}

/** The data regions inside a code section, from `$d` mapping symbols up to the next `$x`. */
function dataRegions(elf: ElfFile, sectionIndex: number): [bigint, bigint][] {
  const maps = elf.symbols.filter((s) => s.shndx === sectionIndex && /^\$[xd]/.test(s.name))
    .sort((a, b) => (a.value < b.value ? -1 : 1));
  const regions: [bigint, bigint][] = [];
  for (let i = 0; i < maps.length; i++) {
    if (!maps[i].name.startsWith('$d')) continue;
    const end = maps.slice(i + 1).find((m) => m.name.startsWith('$x'))?.value ?? BigInt(Number.MAX_SAFE_INTEGER);
    regions.push([maps[i].value, end]);
  }
  return regions;
}

const hex = (v: bigint | number): string => v.toString(16);

function sectionListing(elf: ElfFile, sec: Section, index: number): string[] {
  const out = ['', `Disassembly of section ${sec.name}:`];
  const here = new SymbolIndex(labels(elf, index));
  const everywhere = new SymbolIndex(elf.symbols.filter((s) => s.shndx !== 0 && s.name !== '' && !s.name.startsWith('$') && s.type !== STT_FILE && s.type !== STT_SECTION));
  const data = dataRegions(elf, index);
  const bytes = elf.bytes.subarray(sec.offset, sec.offset + sec.size);
  const width = Math.max(8, hex(sec.addr + BigInt(sec.size)).length);
  const inData = (a: bigint): bigint | undefined => data.find(([s, e]) => a >= s && a < e)?.[1];
  if (!here.at(sec.addr)) out.push('', `${hex(sec.addr).padStart(16, '0')} <${sec.name}>:`);
  const starts = labels(elf, index).map((l) => Number(l.value - sec.addr)).filter((o) => o > 0 && o < bytes.length).sort((a, b) => a - b);
  const nextLabel = (o: number): number => starts.find((x) => x > o) ?? bytes.length;
  let off = 0;
  while (off < bytes.length) {
    const addr = sec.addr + BigInt(off);
    const sym = here.at(addr);
    if (sym) out.push('', `${hex(addr).padStart(16, '0')} <${sym.name}>:`);
    const prefix = `    ${hex(addr).padStart(width)}:\t`;
    const dataEnd = inData(addr);
    if (dataEnd !== undefined) {
      const n = Math.min(4, bytes.length - off, Number(dataEnd - addr));
      const size = n >= 4 ? 4 : n >= 2 ? 2 : 1;
      let v = 0;
      for (let i = size - 1; i >= 0; i--) v = v * 256 + bytes[off + i];
      out.push(`${prefix}${hex(v).padStart(size * 2, '0').padEnd(18)}\t${size === 4 ? '.word' : size === 2 ? '.short' : '.byte'}\t0x${hex(v).padStart(size * 2, '0')}`);
      off += size;
      continue;
    }
    // objdump leaves out runs of zero bytes: 8 or more (rounded down to whole words when code
    // follows), or fewer than 3 that run up to the next symbol; it prints `...` instead.
    const stop = nextLabel(off);
    let z = off;
    while (z < stop && bytes[z] === 0) z++;
    if (z > off) {
      const run = z === stop ? z - off : (z - off) & ~3;
      if (run >= 8 || (z === stop && run < 3)) {
        out.push('\t...');
        off += run;
        continue;
      }
    }
    if (off + 2 > bytes.length) {
      out.push(`${prefix}${hex(bytes[off]).padStart(2, '0').padEnd(18)}\t.byte\t0x${hex(bytes[off]).padStart(2, '0')}`);
      off += 1;
      continue;
    }
    const half = bytes[off] | (bytes[off + 1] << 8);
    let len = instructionLength(half);
    if (off + len > bytes.length) len = 2;
    const word = len === 4 ? (half | (bytes[off + 2] << 16) | (bytes[off + 3] << 24)) >>> 0 : half;
    const d = disassemble(word, addr);
    const encoding = hex(word).padStart(len * 2, '0');
    const annotation = d.target !== undefined ? everywhere.annotate(d.target) : '';
    out.push(`${prefix}${encoding.padEnd(18)}\t${d.mnemonic}${d.operands ? `\t${d.operands}${annotation}` : ''}`);
    off += len;
  }
  return out;
}

export function disassembleElf(elf: ElfFile, fileName: string): string {
  const out = ['', `${fileName}:     file format elf64-littleriscv`, ''];
  elf.sections.forEach((sec, i) => {
    if (sec.executable && sec.type !== 8 /* NOBITS */ && sec.size > 0) out.push(...sectionListing(elf, sec, i));
  });
  return `${out.join('\n')}\n`;
}
