// A machine as a command line describes it, with files by path: what `chronos run`'s options,
// `chronos qemu`'s (qemu/commandLine.ts) and launch.json's qemuArgs all come down to, and the
// one boot from it that the CLI and the debugger share. The emulator reads no files; this
// reads them through the caller's `readFile`.
import { ElfError, parseElf } from '../emulator/loader/elf.js';
import { classifyImage, LoadError, type KernelImage } from '../emulator/loader/image.js';
import { FdtError } from '../emulator/fdt/parse.js';
import { Machine, type Bios, type BootImages, type BootReport } from '../emulator/machine.js';
import type { Drive } from '../emulator/board/virtio.js';
import type { DriveSpec } from './driveSpec.js';

/** QEMU's generic loader (-device loader), with files by path. */
export type LoadArg =
  | { kind: 'file'; path: string; addr?: bigint; cpu?: number; raw?: boolean }
  | { kind: 'data'; addr: bigint; value: bigint; size: 1 | 2 | 4 | 8; bigEndian: boolean; cpu?: number }
  | { kind: 'pc'; addr: bigint; cpu: number };

export interface MachineArgs {
  /** 'none', 'builtin' (the built-in SBI), or a firmware image's path. */
  bios: string;
  memoryMiB: number;
  harts: number;
  /** The kernel's path ('' for none): an ELF, a Linux Image or a flat binary. */
  kernel: string;
  /** Whether the kernel must be an ELF file (`chronos run FILE.elf`, a debugger's program), or may be any image (QEMU's -kernel). */
  kernelKind: 'elf' | 'any';
  initrd: string;
  /** A device tree blob to boot with instead of the board's. */
  dtb: string;
  /** Write the device tree the machine would boot with to this file, and do not run. */
  dumpDtb: string;
  /** The kernel command line. */
  append: string;
  loads: LoadArg[];
  realtime: boolean;
  /** Disks by virtio-mmio slot (index n is slot n, virtio-mmio-bus.n; a hole is an empty slot). */
  drives: (DriveSpec | undefined)[];
  /** The virtio-mmio transport's legacy interface (version 1) instead of the modern one. */
  virtioLegacy: boolean;
}

export const defaultMachineArgs = (): MachineArgs => ({
  bios: 'builtin', memoryMiB: 128, harts: 1, kernel: '', kernelKind: 'elf', initrd: '', dtb: '', dumpDtb: '', append: '', loads: [], realtime: false,
  drives: [], virtioLegacy: false,
});

/** A machine that cannot be built as described: a message for the user. */
export class BootError extends Error {
  override name = 'BootError';
}

/** Reads a file the arguments name; throws the caller's own error for one that cannot be read. */
export type ReadFile = (path: string, what: string) => Uint8Array;
/** Opens a disk image for a slot; throws the caller's own error for one that cannot be opened. */
export type OpenDrive = (spec: DriveSpec) => Drive;

export interface Booted {
  machine: Machine;
  report: BootReport;
  /** The device tree blob as the guest sees it. */
  dtb: Uint8Array;
}

function classify(path: string, bytes: Uint8Array, elfOnly = false): KernelImage {
  try { return elfOnly ? { format: 'elf', elf: parseElf(bytes) } : classifyImage(bytes); } catch (e) {
    if (e instanceof ElfError || e instanceof LoadError) throw new BootError(`${path}: ${e.message}`);
    throw e;
  }
}

const valueBytes = (l: Extract<LoadArg, { kind: 'data' }>): Uint8Array => {
  const out = new Uint8Array(l.size);
  for (let i = 0; i < l.size; i++) out[l.bigEndian ? l.size - 1 - i : i] = Number((l.value >> BigInt(8 * i)) & 0xffn);
  return out;
};

/** Read the files, open the disks and boot. Throws BootError for what the user can fix. */
export function bootFromArgs(a: MachineArgs, readFile: ReadFile, openDrive?: OpenDrive): Booted {
  if (a.initrd && !a.kernel) throw new BootError('an initrd needs a kernel (-initrd is only allowed with -kernel)');
  const bios: Bios = a.bios === 'none' || a.bios === 'builtin' ? a.bios : readFile(a.bios, 'firmware');
  // Classified here first so that a file's problem names the file.
  if (bios instanceof Uint8Array) classify(a.bios, bios);
  const kernel = a.kernel ? classify(a.kernel, readFile(a.kernel, 'kernel'), a.kernelKind === 'elf') : undefined;
  const images: BootImages = {
    kernel,
    initrd: a.initrd ? readFile(a.initrd, 'initrd') : undefined,
    dtb: a.dtb ? readFile(a.dtb, 'device tree') : undefined,
    bootargs: a.append,
    loads: a.loads.map((l) => {
      switch (l.kind) {
        case 'file': {
          const bytes = readFile(l.path, 'loader file');
          if (!l.raw) classify(l.path, bytes);
          return { kind: 'file', name: l.path, bytes, addr: l.addr, cpu: l.cpu, raw: l.raw };
        }
        case 'data': return { kind: 'data', addr: l.addr, bytes: valueBytes(l), cpu: l.cpu };
        case 'pc': return l;
      }
    }),
  };
  if (a.drives.some((d) => d) && !openDrive) throw new BootError('this host cannot open disk images');
  const drives = a.drives.map((d) => (d ? openDrive!(d) : undefined)) as Drive[];
  const machine = new Machine({ memoryMiB: a.memoryMiB, harts: a.harts, bios, bootargs: a.append, realtime: a.realtime, drives, virtioLegacy: a.virtioLegacy });
  let report: BootReport;
  try {
    report = machine.boot(images);
  } catch (e) {
    if (e instanceof FdtError) throw new BootError(`${a.dtb}: ${e.message}`);
    if (e instanceof LoadError || e instanceof ElfError) throw new BootError(e.message);
    throw e;
  }
  const dtb = machine.debug.readPhys(report.fdt.start, Number(report.fdt.end - report.fdt.start)) ?? new Uint8Array(0);
  return { machine, report, dtb };
}
