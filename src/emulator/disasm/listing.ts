// `chronos disasm`: every executable section of an ELF, laid out as `objdump -d` (binutils 2.40)
// lays it out. The rules are objdump.c's disassemble_section/disassemble_bytes and riscv-dis.c's
// mapping-symbol handling:
//  - a `<symbol>:` header starts each run between labels; a section without a symbol at its
//    start is headed by the nearest one (`<sym-0x8>`), or by the section name;
//  - in a run headed by an object (not function) symbol the bytes are dumped, 16 a line;
//  - elsewhere `$d` mapping symbols mark data (`.word`, `.short`, `.byte`), `$x` code, and
//    `$x<isa>` code of another ISA; the ELF's attributes give the ISA and CSR names to start;
//  - runs of zero bytes print as `...`;
//  - a read past the next label prints objdump's "Address ... is out of bounds." and the
//    listing resumes at the label.
import type { ElfFile, ElfSymbol, Section } from '../loader/elf.js';
import { OBJDUMP_DEFAULT_ARCH, parseArch, type Arch } from './arch.js';
import { readAttributes } from './attributes.js';
import { privSpecOf, type PrivSpec } from './csrNames.js';
import { disassemble, instructionLength } from './disasm.js';
import { AddressAnnotator, isFunction, sanitize, SectionSymbols, STT_OBJECT, useful } from './symbols.js';

const SHT_NOBITS = 8;
/** Hex digits without a prefix, as objdump writes addresses. */
const digits = (v: bigint | number): string => v.toString(16);
const HEX2 = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));
const TWO32 = 2 ** 32;

/** What objdump carries from one line to the next. */
interface State {
  arch: Arch;
  privSpec: PrivSpec;
  hexTargets: boolean;
  /** disassemble_info.bytes_per_chunk as the last disassembly left it: raw bytes are grouped by it. */
  chunk: number;
}

/** One disassembled unit: its length and text, and how objdump groups its bytes. */
type Unit =
  | { ok: true; len: number; text: string; chunk: number; bytesPerLine: number }
  | { ok: false; chunk: number };

export function disassembleElf(elf: ElfFile, fileName: string): string {
  const attrs = readAttributes(elf);
  const st: State = {
    arch: parseArch(attrs?.arch ?? OBJDUMP_DEFAULT_ARCH),
    privSpec: privSpecOf(attrs?.privSpec ?? [0, 0, 0]),
    hexTargets: !elf.symbols.some(useful),
    chunk: 0,
  };
  const annotator = new AddressAnnotator(elf);
  const out = ['', `${fileName}:     file format elf64-littleriscv`, ''];
  elf.sections.forEach((sec, i) => {
    if (sec.executable && sec.type !== SHT_NOBITS && sec.size > 0) new SectionLister(elf, sec, i, st, annotator, out).list();
  });
  return `${out.join('\n')}\n`;
}

class SectionLister {
  private readonly bytes: Uint8Array;
  private readonly syms: SectionSymbols;
  /** How many leading address digits objdump drops for this section (whole groups of 4 zeros). */
  private readonly skipDigits: number;
  /** Index into syms.mapping of the first mapping symbol above the current address. */
  private mapIndex = 0;
  /** The section address in 32-bit halves, so that line addresses need no BigInt arithmetic. */
  private readonly addrHi: number;
  private readonly addrLo: number;

  constructor(elf: ElfFile, private readonly sec: Section, index: number, private readonly st: State,
    private readonly annotator: AddressAnnotator, private readonly out: string[]) {
    this.bytes = elf.bytes.subarray(sec.offset, sec.offset + sec.size);
    this.syms = new SectionSymbols(elf, index);
    const end = BigInt.asUintN(64, sec.addr + BigInt(sec.size)).toString(16).padStart(16, '0');
    const zeros = /^0*/.exec(end)![0].length;
    this.skipDigits = zeros === 16 && sec.addr !== 0n ? 0 : zeros ? (zeros - 1) & ~3 : 0;
    this.addrHi = Number(sec.addr >> 32n);
    this.addrLo = Number(sec.addr & 0xffffffffn);
  }

  list(): void {
    const { sec, syms, out } = this;
    out.push('', `Disassembly of section ${sanitize(sec.name)}:`);
    let li = syms.first(sec.addr);
    let sym: ElfSymbol | undefined = li >= 0 ? syms.labels[li] : undefined;
    const stop = this.bytes.length;
    for (let off = 0; off < stop;) {
      const addr = sec.addr + BigInt(off);
      out.push('', `${digits(addr).padStart(16, '0')} <${this.labelText(sym, addr)}>:`);
      let next: ElfSymbol | undefined;
      if (sym && sym.value > addr) next = sym;
      else if (sym) next = syms.labels[++li];
      const nextOff = next ? next.value - sec.addr : BigInt(stop);
      const end = nextOff > BigInt(stop) || nextOff <= BigInt(off) ? stop : Number(nextOff);
      // objdump dumps the bytes of a run its symbol says is an object, rather than decode them.
      const insns = !sym || sym.value > addr || sym.type !== STT_OBJECT || isFunction(sym);
      this.run(off, end, insns);
      off = end;
      sym = next;
    }
  }

  private labelText(sym: ElfSymbol | undefined, addr: bigint): string {
    if (!sym) return sanitize(this.sec.name);
    const d = addr - sym.value;
    return `${sanitize(sym.name)}${d > 0n ? `+0x${digits(d)}` : d < 0n ? `-0x${digits(-d)}` : ''}`;
  }

  /** A line's address as objdump prints it: 16 digits less the section's skipped ones, zeros as spaces. */
  private address(off: number): string {
    const lo = this.addrLo + off, hi = (this.addrHi + Math.floor(lo / TWO32)) % TWO32;
    const text = (hi.toString(16).padStart(8, '0') + (lo % TWO32).toString(16).padStart(8, '0')).slice(this.skipDigits);
    let i = 0;
    while (i < text.length - 1 && text[i] === '0') i++;
    return ' '.repeat(i) + text.slice(i);
  }

  /** objdump's disassemble_bytes over [start, stop). */
  private run(start: number, stop: number, insns: boolean): void {
    const { bytes, out, st } = this;
    let perLine = insns ? 4 : 16;
    for (let off = start; off < stop;) {
      let zeros = 0;
      while (off + zeros < stop && bytes[off + zeros] === 0) zeros++;
      if (zeros >= 8 || (off + zeros === stop && zeros < 3)) {
        // Before more code, skip whole words only, not to swallow an instruction's zero bytes.
        out.push('\t...');
        off += off + zeros === stop ? zeros : zeros & ~3;
        continue;
      }
      if (!insns) {
        const n = Math.min(perLine, stop - off);
        const ascii = Array.from(bytes.subarray(off, off + n), (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
        this.emit(off, stop, n, st.chunk || 1, perLine, `    ${ascii}`);
        off += n;
        continue;
      }
      const u = this.unit(off, stop);
      st.chunk = u.chunk;
      if (!u.ok) {
        // objdump prints the failed read's message with five bytes' worth of columns, then
        // steps past the run.
        this.emit(off, stop, 5, u.chunk || 1, perLine, `\tAddress 0x${digits(this.sec.addr + BigInt(off))} is out of bounds.`);
        out.push('');
        break;
      }
      perLine = u.bytesPerLine;
      this.emit(off, stop, u.len, u.chunk, perLine, `\t${u.text}`);
      off += u.len;
    }
  }

  /** A line (and its continuations) in objdump's columns: address, raw bytes by chunk, then text. */
  private emit(off: number, stop: number, octets: number, chunk: number, perLine: number, text: string): void {
    let shown = Math.min(octets, perLine);
    let line = `${this.address(off)}:\t${this.rawBytes(off, off + shown, chunk, stop)}`;
    for (let pad = shown; pad < perLine; pad += chunk) line += `${'  '.repeat(chunk)} `;
    this.out.push(line + text);
    while (shown < octets) {
      const from = off + shown;
      shown = Math.min(shown + perLine, octets);
      this.out.push(`${this.address(from)}:\t${this.rawBytes(from, off + shown, chunk, stop)}`);
    }
  }

  /** Bytes [from, to) in little-endian groups of `chunk`; a group reaching past `stop` shows blank. */
  private rawBytes(from: number, to: number, chunk: number, stop: number): string {
    let s = '';
    for (let j = from; j < to; j += chunk) {
      if (j + chunk <= stop) for (let k = chunk - 1; k >= 0; k--) s += HEX2[this.bytes[j + k]];
      s += ' ';
    }
    return s;
  }

  /** Disassemble the code or data at `off`, not reading at or past `stop`. */
  private unit(off: number, stop: number): Unit {
    const { bytes, st } = this;
    const addr = this.sec.addr + BigInt(off);
    if (this.inData(addr)) {
      const len = this.dataLength(addr);
      if (off + len > stop) return { ok: false, chunk: len };
      let v = 0;
      for (let i = len - 1; i >= 0; i--) v = v * 256 + bytes[off + i];
      const directive = len === 4 ? '.word' : len === 2 ? '.short' : '.byte';
      return { ok: true, len, text: `${directive}\t0x${digits(v).padStart(len * 2, '0')}`, chunk: len, bytesPerLine: len === 1 ? 6 : 8 };
    }
    if (off + 2 > stop) return { ok: false, chunk: 0 };
    const len = instructionLength(bytes[off] | (bytes[off + 1] << 8));
    if (off + len > stop) return { ok: false, chunk: 0 };
    const chunk = len % 4 === 0 ? 4 : 2;
    let text: string;
    if (len > 4) {
      // Longer encodings are none the table knows: objdump shows 64-bit ones as one number.
      const b = Array.from(bytes.subarray(off, off + len));
      text = len === 8 ? `.8byte\t0x${digits(b.reduceRight((v, x) => (v << 8n) | BigInt(x), 0n))}` : `.byte\t${b.map((x) => `0x${HEX2[x]}`).join(', ')}`;
    } else {
      let word = 0;
      for (let i = len - 1; i >= 0; i--) word = word * 256 + bytes[off + i];
      const d = disassemble(word, addr, st);
      const annotation = d.target !== undefined ? this.annotator.annotate(d.target) : '';
      text = d.operands ? `${d.mnemonic}\t${d.operands}${annotation}` : d.mnemonic;
    }
    return { ok: true, len, text, chunk, bytesPerLine: 8 };
  }

  /**
   * Whether `addr` is in data: the last mapping symbol at or below it says. Selecting an
   * `$x<isa>` symbol switches the ISA from there on (a plain `$x` keeps the current one).
   */
  private inData(addr: bigint): boolean {
    const map = this.syms.mapping;
    const before = this.mapIndex;
    while (this.mapIndex < map.length && map[this.mapIndex].value <= addr) this.mapIndex++;
    const current = map[this.mapIndex - 1];
    if (!current) return false;
    if (this.mapIndex !== before && current.name.startsWith('$xrv')) {
      // A numbered mapping symbol (`$xrv64i2p1.1`) names the same ISA.
      this.st.arch = parseArch(current.name.slice(2).replace(/\..*$/, ''));
    }
    return current.name === '$d';
  }

  /** Data prints a word at a time, but stops at the next mapping symbol or the section end; 3 bytes print as 2. */
  private dataLength(addr: bigint): number {
    const next = this.syms.mapping[this.mapIndex];
    const limit = next ? next.value - addr : this.sec.addr + BigInt(this.bytes.length) - addr;
    const len = limit < 4n ? Number(limit) : 4;
    return len === 3 ? 2 : len;
  }
}
