// `chronos run`'s command line, parsed into what the machine and the runner need.
import { MAX_HARTS } from '../emulator/machine.js';
import { VIRTIO_SLOTS } from '../emulator/board/virtMap.js';
import { DriveSpecError, parseDriveSpec, type DriveSpec } from '../debugger/driveSpec.js';
import { UsageError } from './errors.js';
import { GDB_HOST, parseGdbPort, type GdbOptions } from './gdb.js';

export interface RunArgs {
  bios: string;
  memoryMiB: number;
  harts: number;
  maxInstructions: number;
  stats: boolean;
  file: string;
  append: string;
  realtime: boolean;
  /** Disk images for the virtio-mmio slots, in slot order. */
  drives: DriveSpec[];
  virtioLegacy: boolean;
  /** The gdb stub, when asked for. */
  gdb: GdbOptions | undefined;
}

export const RUN_USAGE = `chronos run [--bios none|builtin|FILE] [--memory MiB] [--smp N] [--append ARGS] [--realtime]
              [--drive IMAGE[,snapshot=on][,readonly=on][,serial=ID]]... [--virtio-legacy]
              [--max-instructions N] [--stats] [--gdb PORT [--gdb-wait]] FILE.elf`;

export function parseRunArgs(argv: string[]): RunArgs {
  const a: RunArgs = { bios: 'builtin', memoryMiB: 128, harts: 1, maxInstructions: Infinity, stats: false, file: '', append: '', realtime: false, drives: [], virtioLegacy: false, gdb: undefined };
  let gdbWait = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${arg} needs a value`);
      return v;
    };
    const count = (what: string, lo: number, hi: number): number => {
      const v = value(), n = Number(v);
      if (!/^\d+$/.test(v) || n < lo || n > hi) throw new UsageError(`${arg} takes ${what} from ${lo} to ${hi}, not '${v}'`);
      return n;
    };
    switch (arg) {
      case '--bios': a.bios = value(); break;
      case '--memory': a.memoryMiB = count('a size in MiB', 1, 4096); break;
      case '--smp': a.harts = count('a number of harts', 1, MAX_HARTS); break;
      case '--max-instructions': {
        const v = value();
        if (!/^\d+$/.test(v)) throw new UsageError(`--max-instructions takes a whole number, not '${v}'`);
        a.maxInstructions = Number(v);
        break;
      }
      case '--stats': a.stats = true; break;
      case '--append': a.append = value(); break;
      case '--realtime': a.realtime = true; break;
      case '--drive': {
        const v = value();
        try { a.drives.push(parseDriveSpec(v)); } catch (e) {
          if (e instanceof DriveSpecError) throw new UsageError(`--drive ${v}: ${e.message}`);
          throw e;
        }
        if (a.drives.length > VIRTIO_SLOTS) throw new UsageError(`at most ${VIRTIO_SLOTS} drives (one per virtio-mmio slot)`);
        break;
      }
      case '--virtio-legacy': a.virtioLegacy = true; break;
      case '--gdb': a.gdb = { host: GDB_HOST, port: parseGdbPort(value(), arg), wait: false }; break;
      case '--gdb-wait': gdbWait = true; break;
      default:
        if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg}`);
        if (a.file) throw new UsageError(`one ELF file at a time (got '${a.file}' and '${arg}')`);
        a.file = arg;
    }
  }
  if (!a.file) throw new UsageError('no ELF file given');
  if (gdbWait) {
    if (!a.gdb) throw new UsageError('--gdb-wait holds the harts for gdb: it needs --gdb PORT');
    a.gdb.wait = true;
  }
  return a;
}
