// Reading the kernel's debug descriptor (docs/debug-descriptor.md, version 1, revisions 1 and 2).
import type { ElfFile } from '../../emulator/loader/elf.js';
import type { Symbols } from '../symbols.js';
import { u64, type PhysMemory } from './memory.js';

export interface Descriptor {
  address: bigint;
  stage: number;
  generation: bigint;
  memStart: bigint;
  memEnd: bigint;
  heapStart: bigint;
  heapSize: bigint;
  bitmap: bigint;
  bitmapWords: number;
  basePpn: bigint;
  frameCount: number;
  frameStats: bigint;
  rootPpn: bigint;
  heapHead: bigint;
  nodeOffSize: number;
  nodeOffNext: number;
  minBlock: number;
  /** Revision 2: the process table and the pid on each hart. */
  processes?: ProcessTable;
}

/** Where a process slot's fields are (offsets in a slot), in the descriptor's order. */
const PROC_FIELDS = ['pid', 'state', 'ppid', 'exitCode', 'rootPpn', 'name', 'nameLen', 'frames', 'quota', 'kstackBase', 'kstackTop',
  'trapFrame', 'wait', 'killed', 'wakeAt', 'heapStart', 'brk', 'context'] as const;
type ProcField = Exclude<(typeof PROC_FIELDS)[number], 'nameLen'>;

export interface ProcessTable {
  table: bigint;
  slots: number;
  stride: number;
  off: Record<ProcField, number>;
  nameLen: number;
  maxHarts: number;
  /** Address of one u32 per hart: the pid it runs, 0 for none. */
  currentPid: bigint;
}

export const NO_DESCRIPTOR = 'this kernel has no Chronos debug descriptor (no CHRONOS_DEBUG symbol, no .chronos_debug section, no CHRNDBG magic in its image); see docs/debug-descriptor.md';

const MAGIC = [0x43, 0x48, 0x52, 0x4e, 0x44, 0x42, 0x47, 0x00]; // "CHRNDBG\0"
const SIZE = 208;
/** Revision 2's size: the fields from 208 on. */
const SIZE_V2 = 344;

/**
 * Where the descriptor is, found once per kernel as the contract orders it: the symbol, then
 * the section, then the magic anywhere in a loadable segment (8-byte aligned), for kernels
 * stripped of symbols or linked by other scripts.
 */
export function locateDescriptor(elf: ElfFile, symbols: Symbols): bigint | undefined {
  const sym = symbols.find('CHRONOS_DEBUG');
  if (sym) return sym.address;
  const sec = elf.sections.find((s) => s.name === '.chronos_debug' && s.size >= SIZE);
  if (sec) return sec.addr;
  const b = elf.bytes;
  for (const seg of elf.segments) {
    const start = seg.offset + ((8 - Number(seg.vaddr & 7n)) & 7);
    for (let o = start; o + SIZE <= seg.offset + seg.filesz; o += 8) {
      if (b[o] !== 0x43) continue;
      let i = 1;
      while (i < 8 && b[o + i] === MAGIC[i]) i++;
      // The magic alone also matches the string constants that spell it (a self-test's, say):
      // a descriptor also names its size, pointer size and page shift.
      const size = b[o + 10] | (b[o + 11] << 8);
      if (i === 8 && size >= SIZE && b[o + 12] === 8 && b[o + 13] === 12) return seg.vaddr + BigInt(o - seg.offset);
    }
  }
  return undefined;
}

export function readDescriptor(mem: PhysMemory, address: bigint | undefined): Descriptor | string {
  if (address === undefined) return NO_DESCRIPTOR;
  const head = mem.readPhys(address, SIZE);
  if (!head) return `the descriptor at 0x${address.toString(16)} is not in memory`;
  const declared = head[10] | (head[11] << 8);
  const raw = declared >= SIZE_V2 ? mem.readPhys(address, SIZE_V2) ?? head : head;
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  if (MAGIC.some((c, i) => raw[i] !== c)) return 'the descriptor has the wrong magic';
  const version = dv.getUint16(8, true), size = dv.getUint16(10, true);
  if (version !== 1) return `descriptor version ${version} is not supported (this debugger reads version 1)`;
  if (size < SIZE) return `the descriptor is too small (${size} bytes)`;
  if (raw[12] !== 8 || raw[13] !== 12 || raw[14] !== 8) {
    return `the descriptor describes a machine this debugger does not read (pointer size ${raw[12]}, page shift ${raw[13]}, paging mode ${raw[14]}; expected 8, 12, SV39)`;
  }
  const p = (off: number): bigint => dv.getBigUint64(off, true);
  const deref = (off: number): bigint => u64(mem, p(off)) ?? 0n;
  const stageWord = mem.readPhys(p(16), 4);
  return {
    address,
    stage: stageWord ? new DataView(stageWord.buffer, stageWord.byteOffset).getUint32(0, true) : 0,
    generation: deref(24), memStart: deref(32), memEnd: deref(40), heapStart: deref(64), heapSize: p(72),
    bitmap: p(80), bitmapWords: Number(p(88)), basePpn: deref(96), frameCount: Number(deref(104)), frameStats: p(112),
    rootPpn: deref(120), heapHead: p(128), nodeOffSize: dv.getUint16(146, true), nodeOffNext: dv.getUint16(148, true),
    minBlock: dv.getUint16(150, true),
    processes: raw.length >= SIZE_V2 && dv.getUint16(152, true) >= 2 ? processTable(dv) : undefined,
  };
}

function processTable(dv: DataView): ProcessTable {
  const off = {} as Record<ProcField, number>;
  let nameLen = 0;
  PROC_FIELDS.forEach((f, i) => {
    const v = dv.getUint16(224 + 2 * i, true);
    if (f === 'nameLen') nameLen = v; else off[f] = v;
  });
  return {
    table: dv.getBigUint64(176, true), slots: dv.getUint32(216, true), stride: dv.getUint32(220, true), off, nameLen,
    maxHarts: dv.getUint16(260, true), currentPid: dv.getBigUint64(264, true),
  };
}
