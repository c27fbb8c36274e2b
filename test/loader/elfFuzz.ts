// The ELF fuzzer: real ELF files (the test programs, Chronos OS and its user programs) mutated
// where a loader is easiest to fool (header fields, program and section headers, sizes and
// offsets, string and symbol tables, truncations, random bytes, copied regions, garbage at the
// end), each mutant then taken the way `chronos run` and `chronos disasm` take a file:
// parseElf and checkSegments, Machine.loadElf, boot and a short run, and the listing. The
// exceptions allowed are the two a user is shown as they are, with a clear message: an ElfError
// (the file) and a LoadError (placing its image on the board). Every case has its own generator,
// seeded from (seed, case number), so any case can be replayed alone.
import { disassembleElf } from '../../src/emulator/disasm/listing.js';
import { checkSegments, ElfError, parseElf } from '../../src/emulator/loader/elf.js';
import { LoadError } from '../../src/emulator/loader/image.js';
import { Machine } from '../../src/emulator/machine.js';

export interface SeedFile { name: string; bytes: Uint8Array; bios: 'none' | 'builtin' }

/** RAM as `chronos run` gives it by default. */
const RAM_BASE = 0x80000000n, RAM_MIB = 128;
/** Instructions (and traps) a loaded mutant runs. */
const RUN_BUDGET = 20_000;
/** Files up to this size are also disassembled (a listing of Chronos OS takes seconds). */
const DISASM_LIMIT = 256 * 1024;

// ---- a small generator (mulberry32) -------------------------------------------------------------

export class Rng {
  constructor(private s: number) {}
  next(): number {
    this.s = (this.s + 0x6d2b79f5) | 0;
    let t = Math.imul(this.s ^ (this.s >>> 15), 1 | this.s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number { return Math.floor(this.next() * n); }
  pick<T>(xs: readonly T[]): T { return xs[this.int(xs.length)]; }
  chance(p: number): boolean { return this.next() < p; }
}

/** The generator for one case: independent of every other case. */
export function caseRng(seed: number, index: number): Rng {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  h = Math.imul(h ^ index, 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return new Rng((h ^ (h >>> 16)) | 0);
}

// ---- where things are in a seed ---------------------------------------------------------------

interface Layout {
  phoff: number; phentsize: number; phnum: number;
  shoff: number; shentsize: number; shnum: number;
  sections: { header: number; type: number; offset: number; size: number; entsize: number }[];
}

const SHT_SYMTAB = 2, SHT_STRTAB = 3, SHT_DYNSYM = 11;

function layout(b: Uint8Array): Layout {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const phoff = Number(dv.getBigUint64(32, true)), shoff = Number(dv.getBigUint64(40, true));
  const l: Layout = { phoff, phentsize: dv.getUint16(54, true), phnum: dv.getUint16(56, true), shoff, shentsize: dv.getUint16(58, true), shnum: dv.getUint16(60, true), sections: [] };
  for (let i = 0; i < l.shnum; i++) {
    const h = shoff + i * l.shentsize;
    l.sections.push({ header: h, type: dv.getUint32(h + 4, true), offset: Number(dv.getBigUint64(h + 24, true)), size: Number(dv.getBigUint64(h + 32, true)), entsize: Number(dv.getBigUint64(h + 56, true)) });
  }
  return l;
}

/** [offset, size, name] of each field. */
const EHDR: readonly [number, number, string][] = [
  [4, 1, 'EI_CLASS'], [5, 1, 'EI_DATA'], [6, 1, 'EI_VERSION'], [7, 1, 'EI_OSABI'], [16, 2, 'e_type'], [18, 2, 'e_machine'],
  [20, 4, 'e_version'], [24, 8, 'e_entry'], [32, 8, 'e_phoff'], [40, 8, 'e_shoff'], [48, 4, 'e_flags'], [52, 2, 'e_ehsize'],
  [54, 2, 'e_phentsize'], [56, 2, 'e_phnum'], [58, 2, 'e_shentsize'], [60, 2, 'e_shnum'], [62, 2, 'e_shstrndx'],
];
const PHDR: readonly [number, number, string][] = [
  [0, 4, 'p_type'], [4, 4, 'p_flags'], [8, 8, 'p_offset'], [16, 8, 'p_vaddr'], [24, 8, 'p_paddr'], [32, 8, 'p_filesz'], [40, 8, 'p_memsz'], [48, 8, 'p_align'],
];
const SHDR: readonly [number, number, string][] = [
  [0, 4, 'sh_name'], [4, 4, 'sh_type'], [8, 8, 'sh_flags'], [16, 8, 'sh_addr'], [24, 8, 'sh_offset'], [32, 8, 'sh_size'],
  [40, 4, 'sh_link'], [44, 4, 'sh_info'], [48, 8, 'sh_addralign'], [56, 8, 'sh_entsize'],
];
const SYM: readonly [number, number, string][] = [[0, 4, 'st_name'], [4, 1, 'st_info'], [6, 2, 'st_shndx'], [8, 8, 'st_value'], [16, 8, 'st_size']];

function readField(b: Uint8Array, off: number, size: number): bigint {
  let v = 0n;
  for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[off + i] ?? 0);
  return v;
}

function writeField(b: Uint8Array, off: number, size: number, v: bigint): void {
  for (let i = 0; i < size && off + i < b.length; i++) { b[off + i] = Number(v & 0xffn); v >>= 8n; }
}

/** A value a loader may mishandle, for a field of `size` bytes holding `old`. */
function interesting(rng: Rng, size: number, old: bigint, fileSize: number): bigint {
  const max = (1n << BigInt(size * 8)) - 1n;
  const choices = [
    () => 0n, () => 1n, () => max, () => max - 1n, () => 1n << BigInt(size * 8 - 1), () => (1n << BigInt(size * 8 - 1)) - 1n,
    () => old + BigInt(rng.int(17) - 8), () => old * 2n, () => old ^ (1n << BigInt(rng.int(size * 8))),
    () => BigInt(fileSize), () => BigInt(fileSize + rng.int(65) - 32), () => BigInt(rng.int(fileSize + 1)),
    () => 1n << BigInt(rng.int(size * 8)), () => BigInt(Math.floor(rng.next() * 2 ** 32)) * BigInt(rng.int(2 ** 20)),
    () => 0x80000000n + BigInt(rng.int(0x10000000)), () => BigInt(rng.int(256)),
  ];
  return rng.pick(choices)() & max;
}

// ---- mutations ----------------------------------------------------------------------------------

type Mutator = (b: Uint8Array, l: Layout, rng: Rng) => { bytes: Uint8Array; what: string };

function setField(b: Uint8Array, base: number, [off, size, name]: readonly [number, number, string], rng: Rng, label: string): { bytes: Uint8Array; what: string } {
  const at = base + off;
  const old = readField(b, at, size), v = interesting(rng, size, old, b.length);
  writeField(b, at, size, v);
  return { bytes: b, what: `${label}${name} 0x${old.toString(16)} -> 0x${v.toString(16)}` };
}

const headerField: Mutator = (b, _l, rng) => setField(b, 0, rng.pick(EHDR), rng, '');

const programHeaderField: Mutator = (b, l, rng) => {
  if (l.phnum === 0) return headerField(b, l, rng);
  const i = rng.int(l.phnum);
  return setField(b, l.phoff + i * l.phentsize, rng.pick(PHDR), rng, `phdr ${i} `);
};

const sectionHeaderField: Mutator = (b, l, rng) => {
  if (l.shnum === 0) return headerField(b, l, rng);
  const i = rng.int(l.shnum);
  return setField(b, l.shoff + i * l.shentsize, rng.pick(SHDR), rng, `shdr ${i} `);
};

const stringTable: Mutator = (b, l, rng) => {
  const tables = l.sections.filter((s) => s.type === SHT_STRTAB && s.size > 0 && s.offset + s.size <= b.length);
  if (tables.length === 0) return randomBytes(b, l, rng);
  const t = rng.pick(tables);
  const start = t.offset + rng.int(t.size), len = Math.min(1 + rng.int(64), t.offset + t.size - start);
  const kind = rng.int(3);
  // No terminators (names run on), random bytes (invalid UTF-8), or all terminators.
  for (let i = 0; i < len; i++) b[start + i] = kind === 0 ? (b[start + i] === 0 ? 0x41 : b[start + i]) : kind === 1 ? rng.int(256) : 0;
  return { bytes: b, what: `string table at ${t.offset}: ${['unterminated', 'random', 'zeroed'][kind]} [${start}, +${len})` };
};

const symbolEntry: Mutator = (b, l, rng) => {
  const tabs = l.sections.filter((s) => (s.type === SHT_SYMTAB || s.type === SHT_DYNSYM) && s.size >= 24 && s.offset + s.size <= b.length);
  if (tabs.length === 0) return sectionHeaderField(b, l, rng);
  const t = rng.pick(tabs);
  const i = rng.int(Math.floor(t.size / 24));
  return setField(b, t.offset + i * 24, rng.pick(SYM), rng, `symbol ${i} `);
};

const truncate: Mutator = (b, l, rng) => {
  // Cut at a structure boundary (nearby) or anywhere.
  const marks = [16, 64, l.phoff, l.phoff + l.phnum * l.phentsize, l.shoff, ...l.sections.map((s) => s.offset)].filter((x) => x > 0 && x < b.length);
  const at = rng.chance(0.6) && marks.length ? Math.max(0, rng.pick(marks) + rng.int(17) - 8) : rng.int(b.length);
  return { bytes: b.slice(0, at), what: `truncated to ${at} of ${b.length}` };
};

function randomBytes(b: Uint8Array, l: Layout, rng: Rng): { bytes: Uint8Array; what: string } {
  const n = 1 + rng.int(32);
  // Mostly where the structure is: the header, the two tables, the first page.
  const regions = [[0, 64], [l.phoff, l.phnum * l.phentsize], [l.shoff, l.shnum * l.shentsize], [0, Math.min(4096, b.length)], [0, b.length]]
    .filter(([o, s]) => s > 0 && o + s <= b.length);
  for (let i = 0; i < n; i++) {
    const [o, s] = rng.pick(regions);
    b[o + rng.int(s)] = rng.int(256);
  }
  return { bytes: b, what: `${n} random bytes` };
}

const copyRegion: Mutator = (b, _l, rng) => {
  const len = 1 + rng.int(256), from = rng.int(b.length), to = rng.int(b.length);
  b.copyWithin(to, from, from + len);
  return { bytes: b, what: `copied ${len} bytes from ${from} to ${to}` };
};

const appendGarbage: Mutator = (b, _l, rng) => {
  const extra = new Uint8Array(1 + rng.int(4096)).map(() => rng.int(256));
  const out = new Uint8Array(b.length + extra.length);
  out.set(b);
  out.set(extra, b.length);
  return { bytes: out, what: `${extra.length} bytes appended` };
};

const SINGLE: readonly [Mutator, number][] = [
  [headerField, 15], [programHeaderField, 20], [sectionHeaderField, 20], [stringTable, 5], [symbolEntry, 8],
  [truncate, 8], [randomBytes, 10], [copyRegion, 4], [appendGarbage, 3],
];
const TOTAL = SINGLE.reduce((s, [, w]) => s + w, 0);

function pickMutator(rng: Rng): Mutator {
  let x = rng.int(TOTAL);
  for (const [m, w] of SINGLE) { if (x < w) return m; x -= w; }
  return randomBytes;
}

/** One mutant of a seed: one mutation, or (one case in twelve) two to four stacked. */
export function mutate(seed: SeedFile, rng: Rng): { bytes: Uint8Array; what: string } {
  let bytes: Uint8Array = seed.bytes.slice();
  const l = layout(seed.bytes);
  const n = rng.chance(1 / 12) ? 2 + rng.int(3) : 1;
  const what: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = pickMutator(rng)(bytes, l, rng);
    bytes = r.bytes;
    what.push(r.what);
  }
  return { bytes, what: what.join('; ') };
}

// ---- one case -----------------------------------------------------------------------------------

export type Stage = 'parse' | 'segments' | 'load' | 'boot' | 'run' | 'disasm';

export interface CaseResult {
  /** rejected: an ElfError or a LoadError (the expected end for most); ran: loaded, booted and ran; failed: anything else. */
  outcome: 'rejected' | 'ran' | 'failed';
  stage: Stage;
  /** The ElfError's or LoadError's message, or the failure (with its stack). */
  message?: string;
  /** Why the short run stopped. */
  stop?: string;
}

/** Whether a user can act on the message: one line, no JavaScript leaking through. */
export function clearMessage(m: string): boolean {
  return m.length > 10 && m.length < 300 && !m.includes('\n') && !/undefined|NaN|\[object|Infinity|null/.test(m);
}

export function runCase(bytes: Uint8Array, bios: SeedFile['bios']): CaseResult {
  let stage: Stage = 'parse';
  try {
    const elf = parseElf(bytes);
    stage = 'segments';
    checkSegments(elf, RAM_BASE, BigInt(RAM_MIB) << 20n);
    stage = 'load';
    const m = new Machine({ memoryMiB: RAM_MIB, bios });
    m.loadElf(bytes);
    stage = 'boot';
    m.boot();
    stage = 'run';
    const r = m.run(RUN_BUDGET);
    if (bytes.length <= DISASM_LIMIT) { stage = 'disasm'; disassembleElf(elf, 'fuzz.elf'); }
    return { outcome: 'ran', stage, stop: r.kind };
  } catch (e) {
    if (e instanceof ElfError || e instanceof LoadError) {
      if (!clearMessage(e.message)) return { outcome: 'failed', stage, message: `unclear ${e.name} message: ${JSON.stringify(e.message)}` };
      return { outcome: 'rejected', stage, message: e.message };
    }
    return { outcome: 'failed', stage, message: (e as Error)?.stack ?? String(e) };
  }
}

/** A message with its numbers masked, to count messages by kind. */
export const messageKind = (m: string): string => m.replace(/0x[0-9a-f]+|\d+/g, 'N').replace(/'[^']*'/g, "'…'");
