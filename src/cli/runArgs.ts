// `chronos run`'s command line, parsed into what the machine and the runner need. `chronos
// qemu` (qemu.ts) builds the same RunArgs from qemu-system-riscv64's options.
import { MAX_HARTS } from '../emulator/machine.js';
import { VIRTIO_SLOTS } from '../emulator/board/virtMap.js';
import { DriveSpecError, parseDriveSpec } from '../debugger/driveSpec.js';
import { defaultMachineArgs, type MachineArgs } from '../debugger/machineArgs.js';
import { UsageError } from './errors.js';
import { GDB_HOST, parseGdbPort, type GdbOptions } from './gdb.js';

export interface RunArgs extends MachineArgs {
  maxInstructions: number;
  stats: boolean;
  /** The gdb stub, when asked for. */
  gdb: GdbOptions | undefined;
}

export const defaultRunArgs = (): RunArgs => ({ ...defaultMachineArgs(), maxInstructions: Infinity, stats: false, gdb: undefined });

export const RUN_USAGE = `chronos run [--bios none|builtin|FILE] [--memory MiB] [--smp N] [--append ARGS] [--realtime]
              [--kernel FILE] [--initrd FILE] [--dtb FILE] [--dump-dtb FILE] [--load FILE[@ADDR]]...
              [--drive IMAGE[,snapshot=on][,readonly=on][,serial=ID]]... [--virtio-legacy]
              [--max-instructions N] [--stats] [--gdb PORT [--gdb-wait]] [FILE.elf]`;

/** An address as QEMU's options write them: 0x hex, 0 octal or decimal (strtoull with base 0). */
export function parseAddress(text: string): bigint | undefined {
  if (/^0[xX][0-9a-fA-F]+$/.test(text) || /^[1-9]\d*$/.test(text) || text === '0') return BigInt(text);
  if (/^0[0-7]+$/.test(text)) return BigInt(`0o${text.slice(1)}`);
  return undefined;
}

export function parseRunArgs(argv: string[]): RunArgs {
  const a = defaultRunArgs();
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
    const kernel = (path: string, kind: 'elf' | 'any'): void => {
      if (a.kernel) throw new UsageError(`one kernel at a time (got '${a.kernel}' and '${path}')`);
      a.kernel = path;
      a.kernelKind = kind;
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
      case '--kernel': kernel(value(), 'any'); break;
      case '--initrd': a.initrd = value(); break;
      case '--dtb': a.dtb = value(); break;
      case '--dump-dtb': a.dumpDtb = value(); break;
      case '--load': {
        const v = value();
        const at = v.lastIndexOf('@');
        if (at < 0) { a.loads.push({ kind: 'file', path: v }); break; }
        const addr = parseAddress(v.slice(at + 1));
        if (at === 0 || addr === undefined) throw new UsageError(`--load takes FILE or FILE@ADDR (ADDR as 0x80200000), not '${v}'`);
        a.loads.push({ kind: 'file', path: v.slice(0, at), addr });
        break;
      }
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
        kernel(arg, 'elf');
    }
  }
  if (gdbWait) {
    if (!a.gdb) throw new UsageError('--gdb-wait holds the harts for gdb: it needs --gdb PORT');
    a.gdb.wait = true;
  }
  if (!a.kernel && a.bios !== 'none' && a.bios !== 'builtin') return a;
  if (!a.kernel && a.loads.length === 0) throw new UsageError('nothing to boot: give a kernel (FILE or --kernel FILE), a firmware image (--bios FILE) or --load FILE@ADDR');
  return a;
}
