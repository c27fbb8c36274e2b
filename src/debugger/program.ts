// The kernel being debugged, as its ELF file describes it: symbols, the line table, call-frame
// information, the debugging-information entries (read on first use), the debug descriptor's
// address, and the mapping between the paths the DWARF names and the files on this machine.
import type { ElfFile } from '../emulator/loader/elf.js';
import { parseLineTable } from './dwarf/line.js';
import { LineIndex, type SourceLocation } from './dwarf/lineIndex.js';
import { LineTable } from './dwarf/lineTable.js';
import { FrameTable } from './dwarf/frame.js';
import type { InfoSections } from './dwarf/info.js';
import { Symbols } from './symbols.js';
import { locateDescriptor } from './inspectors/descriptor.js';
import type { Drive } from '../emulator/board/virtio.js';
import type { DriveSpec } from './driveSpec.js';

export interface HostFiles {
  readFile(path: string): Uint8Array;
  exists(path: string): boolean;
  /** Open a disk image for the guest (launch.json `drive`); hosts without one cannot give disks. */
  openDisk?(spec: DriveSpec): { drive: Drive; close(): void };
}

/**
 * A section's bytes as a plain Uint8Array over the file's memory. The file is often a Node
 * Buffer, and a Buffer's subarray is a Buffer, several times slower to make than a Uint8Array's:
 * the readers cut thousands of pieces from these (one per FDE in .debug_frame, say).
 */
function sectionBytes(elf: ElfFile, name: string): Uint8Array | undefined {
  const s = elf.sections.find((x) => x.name === name);
  if (!s) return undefined;
  // Clamped to the file as subarray would (a NOBITS section's offset may lie past its end).
  const start = Math.min(s.offset, elf.bytes.length);
  return new Uint8Array(elf.bytes.buffer, elf.bytes.byteOffset + start, Math.max(0, Math.min(s.size, elf.bytes.length - start)));
}

/** The sections the debugging-information reader needs, when the ELF has .debug_info. */
export function infoSections(elf: ElfFile): InfoSections | undefined {
  const sec = (n: string): Uint8Array | undefined => sectionBytes(elf, n);
  const debugInfo = sec('.debug_info'), debugAbbrev = sec('.debug_abbrev');
  return debugInfo && debugAbbrev
    ? { debugInfo, debugAbbrev, debugStr: sec('.debug_str'), debugLineStr: sec('.debug_line_str'), debugRanges: sec('.debug_ranges'),
      debugRngLists: sec('.debug_rnglists'), debugStrOffsets: sec('.debug_str_offsets'), debugAddr: sec('.debug_addr'),
      debugLoc: sec('.debug_loc'), debugLocLists: sec('.debug_loclists'), debugLine: sec('.debug_line') }
    : undefined;
}

export class Program {
  readonly symbols: Symbols;
  readonly lines: LineIndex;
  readonly frames: FrameTable;
  /** The sections Locals reads, when the kernel has .debug_info. */
  readonly infoSections: InfoSections | undefined;
  /** The kernel's debug descriptor (docs/debug-descriptor.md), if it has one. */
  readonly descriptorAddress: bigint | undefined;

  constructor(readonly elf: ElfFile, readonly path: string, private readonly files: HostFiles,
    private readonly sourceMap: Record<string, string> = {}) {
    const sec = (n: string): Uint8Array | undefined => sectionBytes(elf, n);
    this.symbols = new Symbols(elf);
    this.descriptorAddress = locateDescriptor(elf, this.symbols);
    const debugLine = sec('.debug_line');
    this.lines = new LineIndex(debugLine ? parseLineTable({ debugLine, debugLineStr: sec('.debug_line_str'), debugStr: sec('.debug_str') }) : new LineTable());
    this.frames = new FrameTable(sec('.debug_frame'));
    this.infoSections = infoSections(elf);
  }

  /** A DWARF path as a local one: sourceMap substitution, then relative paths against the program's ancestors. */
  localPath(dwarfPath: string): string {
    for (const [from, to] of Object.entries(this.sourceMap)) {
      if (dwarfPath.startsWith(from)) return to + dwarfPath.slice(from.length);
    }
    if (dwarfPath.startsWith('/')) return dwarfPath;
    let dir = this.path.replace(/\/[^/]*$/, '');
    for (let i = 0; i < 8 && dir; i++) {
      const candidate = `${dir}/${dwarfPath}`;
      if (this.files.exists(candidate)) return candidate;
      dir = dir.replace(/\/[^/]*$/, '');
    }
    return dwarfPath;
  }

  /** The line table's name for a local file. */
  tableFile(localPath: string): string | undefined {
    let p = localPath;
    for (const [from, to] of Object.entries(this.sourceMap)) if (p.startsWith(to)) p = from + p.slice(to.length);
    return this.lines.resolveFile(p);
  }

  /** The source line of an address, with a local path. */
  location(pc: bigint): SourceLocation | undefined {
    const l = this.lines.lookup(pc);
    return l ? { ...l, file: this.localPath(l.file) } : undefined;
  }

  functionName(pc: bigint): string {
    const s = this.symbols.at(pc);
    return s ? s.sym.name : `0x${pc.toString(16)}`;
  }
}
