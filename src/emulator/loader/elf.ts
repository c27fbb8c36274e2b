// ELF64 reading for RISC-V executables: the loadable segments, the entry point, sections
// and the symbol table. Every malformed input is an ElfError naming what is wrong; a hostile
// file never produces an exception of another kind and never reads outside the buffer.

export class ElfError extends Error {
  override name = 'ElfError';
}

export const EM_RISCV = 243;
const PT_LOAD = 1;
const SHT_SYMTAB = 2;
const SHF_EXECINSTR = 0x4;

export interface Segment {
  index: number;
  vaddr: bigint;
  paddr: bigint;
  offset: number;
  filesz: number;
  memsz: number;
  flags: number; // PF_X 1, PF_W 2, PF_R 4
}

export interface Section {
  name: string;
  type: number;
  flags: bigint;
  addr: bigint;
  offset: number;
  size: number;
  link: number;
  executable: boolean;
}

export interface ElfSymbol {
  name: string;
  value: bigint;
  size: number;
  type: number;   // STT_NOTYPE 0, OBJECT 1, FUNC 2, SECTION 3, FILE 4
  bind: number;   // STB_LOCAL 0, GLOBAL 1, WEAK 2
  shndx: number;
}

export interface ElfFile {
  bytes: Uint8Array;
  entry: bigint;
  type: number;
  flags: number;
  segments: Segment[];
  sections: Section[];
  /** The symbol table's named symbols, in its order. */
  symbols: ElfSymbol[];
}

const MACHINES: Record<number, string> = { 3: 'x86', 8: 'MIPS', 20: 'PowerPC', 40: 'ARM', 62: 'x86-64', 183: 'AArch64', 243: 'RISC-V' };

export function parseElf(bytes: Uint8Array): ElfFile {
  const size = bytes.length;
  if (size < 4 || bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) {
    throw new ElfError('not an ELF file (the first four bytes are not 7f 45 4c 46)');
  }
  if (size < 16) throw new ElfError(`truncated ELF identification: ${size} bytes, need 16`);
  if (bytes[4] === 1) throw new ElfError('a 32-bit ELF (ELFCLASS32): Chronos runs 64-bit RISC-V (RV64) programs only');
  if (bytes[4] !== 2) throw new ElfError(`unknown ELF class ${bytes[4]}`);
  if (bytes[5] !== 1) throw new ElfError(bytes[5] === 2 ? 'a big-endian ELF: RISC-V programs are little-endian' : `unknown ELF data encoding ${bytes[5]}`);
  if (size < 64) throw new ElfError(`truncated ELF header: ${size} bytes, need 64`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u16 = (o: number): number => dv.getUint16(o, true);
  const u32 = (o: number): number => dv.getUint32(o, true);
  const u64 = (o: number): bigint => dv.getBigUint64(o, true);
  const num = (v: bigint, what: string): number => {
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new ElfError(`${what} is absurdly large (${v})`);
    return Number(v);
  };

  const type = u16(16), machine = u16(18);
  if (machine !== EM_RISCV) {
    throw new ElfError(`built for ${MACHINES[machine] ?? `machine ${machine}`}, not RISC-V (e_machine ${machine}, expected ${EM_RISCV})`);
  }
  if (type !== 2 && type !== 3) throw new ElfError(`ELF type ${type} is not an executable (ET_EXEC) or position-independent executable (ET_DYN)`);
  const entry = u64(24);
  const phoff = num(u64(32), 'program header offset');
  const shoff = num(u64(40), 'section header offset');
  const flags = u32(48);
  const phentsize = u16(54), phnum = u16(56), shentsize = u16(58), shnum = u16(60), shstrndx = u16(62);

  const segments: Segment[] = [];
  if (phnum > 0) {
    if (phentsize < 56) throw new ElfError(`program header entries of ${phentsize} bytes are too small (need 56)`);
    if (phoff + phnum * phentsize > size) {
      throw new ElfError(`truncated: ${phnum} program headers at offset ${phoff} end past the end of the file (${size} bytes)`);
    }
    for (let i = 0; i < phnum; i++) {
      const o = phoff + i * phentsize;
      if (u32(o) !== PT_LOAD) continue;
      const seg: Segment = {
        index: i, flags: u32(o + 4), offset: num(u64(o + 8), `segment ${i} offset`),
        vaddr: u64(o + 16), paddr: u64(o + 24),
        filesz: num(u64(o + 32), `segment ${i} file size`), memsz: num(u64(o + 40), `segment ${i} memory size`),
      };
      if (seg.filesz > seg.memsz) throw new ElfError(`segment ${i}: file size ${seg.filesz} exceeds its memory size ${seg.memsz}`);
      if (seg.offset + seg.filesz > size) {
        throw new ElfError(`truncated: segment ${i} needs file bytes [${seg.offset}, ${seg.offset + seg.filesz}) but the file has ${size}`);
      }
      segments.push(seg);
    }
  }

  const sections: Section[] = [];
  if (shnum > 0 && shoff !== 0) {
    if (shentsize < 64) throw new ElfError(`section header entries of ${shentsize} bytes are too small (need 64)`);
    if (shoff + shnum * shentsize > size) {
      throw new ElfError(`truncated: ${shnum} section headers at offset ${shoff} end past the end of the file (${size} bytes)`);
    }
    const raw = [];
    for (let i = 0; i < shnum; i++) {
      const o = shoff + i * shentsize;
      raw.push({
        nameOff: u32(o), type: u32(o + 4), flags: u64(o + 8), addr: u64(o + 16),
        offset: num(u64(o + 24), `section ${i} offset`), size: num(u64(o + 32), `section ${i} size`), link: u32(o + 40),
      });
    }
    const strtab = shstrndx < raw.length ? raw[shstrndx] : undefined;
    for (const s of raw) {
      const name = strtab ? readString(bytes, strtab.offset, strtab.size, s.nameOff) : '';
      if (s.type !== 8 /* NOBITS */ && s.offset + s.size > size && s.type !== 0) {
        throw new ElfError(`truncated: section ${name || '?'} needs file bytes [${s.offset}, ${s.offset + s.size}) but the file has ${size}`);
      }
      sections.push({ name, type: s.type, flags: s.flags, addr: s.addr, offset: s.offset, size: s.size, link: s.link, executable: (s.flags & BigInt(SHF_EXECINSTR)) !== 0n });
    }
  }

  const symbols: ElfSymbol[] = [];
  const symtab = sections.find((s) => s.type === SHT_SYMTAB);
  if (symtab) {
    const str = sections[symtab.link];
    if (!str) throw new ElfError(`the symbol table links to string table ${symtab.link}, which does not exist`);
    for (let o = symtab.offset + 24; o + 24 <= symtab.offset + symtab.size; o += 24) {
      const info = bytes[o + 4];
      const name = readString(bytes, str.offset, str.size, u32(o));
      if (name === '') {
        // Most of a Rust kernel's 80,000 symbols are unnamed locals, which nothing looks up:
        // left out, their size still checked as a named one's is.
        if (u32(o + 20) > 0x1fffff) num(u64(o + 16), 'symbol size');
        continue;
      }
      symbols.push({
        name,
        type: info & 15, bind: info >> 4, shndx: u16(o + 6), value: u64(o + 8), size: num(u64(o + 16), 'symbol size'),
      });
    }
  }
  return { bytes, entry, type, flags, segments, sections, symbols };
}

const UTF8 = new TextDecoder();

function readString(bytes: Uint8Array, tabOff: number, tabSize: number, off: number): string {
  // Most of a Rust kernel's 80,000 symbols are unnamed locals: no decoder call for those.
  if (off >= tabSize || bytes[tabOff + off] === 0) return '';
  let end = tabOff + off;
  const limit = Math.min(tabOff + tabSize, bytes.length);
  while (end < limit && bytes[end] !== 0) end++;
  return UTF8.decode(bytes.subarray(tabOff + off, end));
}

/** Check the loadable segments fit a RAM window and do not overlap each other. */
export function checkSegments(elf: ElfFile, ramBase: bigint, ramSize: bigint): void {
  const spans = elf.segments.filter((s) => s.memsz > 0).map((s) => ({ s, lo: s.paddr, hi: s.paddr + BigInt(s.memsz) }));
  for (const { s, lo, hi } of spans) {
    if (lo < ramBase || hi > ramBase + ramSize) {
      throw new ElfError(`segment ${s.index} [0x${lo.toString(16)}, 0x${hi.toString(16)}) lies outside RAM [0x${ramBase.toString(16)}, 0x${(ramBase + ramSize).toString(16)})`);
    }
  }
  spans.sort((a, b) => (a.lo < b.lo ? -1 : 1));
  for (let i = 1; i < spans.length; i++) {
    if (spans[i].lo < spans[i - 1].hi) throw new ElfError(`segments ${spans[i - 1].s.index} and ${spans[i].s.index} overlap at 0x${spans[i].lo.toString(16)}`);
  }
}
