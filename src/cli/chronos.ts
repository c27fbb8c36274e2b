// `chronos`: run a RISC-V ELF on the emulator, or disassemble one, from a terminal.
//   chronos run [--bios none|builtin|FILE] [--memory MiB] [--append ARGS] [--realtime]
//               [--drive IMAGE[,snapshot=on][,readonly=on][,serial=ID]]... [--virtio-legacy]
//               [--max-instructions N] [--stats] FILE.elf
//   chronos disasm FILE.elf
import { readFileSync } from 'node:fs';
import { Machine, type StopReason } from '../emulator/machine.js';
import { ElfError, parseElf } from '../emulator/loader/elf.js';
import { disassembleElf } from '../emulator/disasm/listing.js';
import { VIRTIO_SLOTS } from '../emulator/board/virtMap.js';
import { DriveSpecError, parseDriveSpec, type DriveSpec } from '../debugger/driveSpec.js';
import { openDrive } from '../debugger/fileDisk.js';

/** Exit status when --max-instructions runs out (as timeout(1) does when it kills a command). */
export const EXIT_BUDGET = 124;
/** Exit status for a usage error or a file Chronos cannot run. */
export const EXIT_USAGE = 2;

const USAGE = `usage:
  chronos run [--bios none|builtin|FILE] [--memory MiB] [--append ARGS] [--realtime]
              [--drive IMAGE[,snapshot=on][,readonly=on][,serial=ID]]... [--virtio-legacy]
              [--max-instructions N] [--stats] FILE.elf
  chronos disasm FILE.elf`;

class UsageError extends Error {}

interface RunArgs {
  bios: string; memoryMiB: number; maxInstructions: number; stats: boolean; file: string; append: string; realtime: boolean;
  drives: DriveSpec[]; virtioLegacy: boolean;
}

function parseRunArgs(argv: string[]): RunArgs {
  const a: RunArgs = { bios: 'builtin', memoryMiB: 128, maxInstructions: Infinity, stats: false, file: '', append: '', realtime: false, drives: [], virtioLegacy: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${arg} needs a value`);
      return v;
    };
    switch (arg) {
      case '--bios': a.bios = value(); break;
      case '--memory': {
        const v = value();
        a.memoryMiB = Number(v);
        if (!/^\d+$/.test(v) || a.memoryMiB < 1 || a.memoryMiB > 4096) throw new UsageError(`--memory takes a size in MiB from 1 to 4096, not '${v}'`);
        break;
      }
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
      default:
        if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg}`);
        if (a.file) throw new UsageError(`one ELF file at a time (got '${a.file}' and '${arg}')`);
        a.file = arg;
    }
  }
  if (!a.file) throw new UsageError('no ELF file given');
  return a;
}

function readFile(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(code === 'ENOENT' ? `${path}: no such file` : code === 'EISDIR' ? `${path}: is a directory` : `${path}: ${(e as Error).message}`);
  }
}

async function run(argv: string[]): Promise<number> {
  const args = parseRunArgs(argv);
  const bios = args.bios === 'none' || args.bios === 'builtin' ? args.bios : readFile(args.bios);
  const bytes = readFile(args.file);
  const drives = args.drives.map((d) => {
    try { return openDrive(d).drive; } catch (e) { throw new UsageError(`--drive: ${(e as Error).message}`); }
  });
  const m = new Machine({ memoryMiB: args.memoryMiB, bios, bootargs: args.append, realtime: args.realtime, drives, virtioLegacy: args.virtioLegacy });
  for (const slot of m.virtio) slot.onGuestError = (msg) => process.stderr.write(`chronos: ${slot.name}: the guest's driver broke a virtio rule, the device stops until reset: ${msg}\n`);
  try { m.loadElf(bytes); } catch (e) {
    if (e instanceof ElfError) throw new UsageError(`${args.file}: ${e.message}`);
    throw e;
  }
  try { m.boot(); } catch (e) {
    if (e instanceof ElfError || e instanceof RangeError) throw new UsageError(`${args.bios}: ${e.message}`);
    throw e;
  }

  const out: number[] = [];
  const flush = (): void => { if (out.length) { process.stdout.write(Buffer.from(out)); out.length = 0; } };
  m.onUartOutput.event((b) => { out.push(b); if (out.length >= 4096) flush(); });
  // Keyboard input goes to the UART; a guest idling in wfi waits for it.
  let stdinOpen = true;
  let wake: (() => void) | undefined;
  const stdinListener = (chunk: Buffer): void => { m.uart.receive(chunk); wake?.(); };
  process.stdin.on('data', stdinListener);
  process.stdin.on('end', () => { stdinOpen = false; wake?.(); });
  process.stdin.on('error', () => { stdinOpen = false; wake?.(); });

  const started = process.hrtime.bigint();
  const SLICE = 20_000_000;
  let reason: StopReason;
  for (;;) {
    const left = args.maxInstructions - m.progress;
    reason = m.run(Math.min(SLICE, left));
    flush();
    if (reason.kind === 'idle' && stdinOpen) {
      await new Promise<void>((r) => { wake = r; });
      wake = undefined;
      continue;
    }
    if (reason.kind !== 'budget') break;
    if (m.progress >= args.maxInstructions) break;
    // Let stdin and signals through between slices.
    await new Promise((r) => setImmediate(r));
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  process.stdin.off('data', stdinListener);
  process.stdin.pause();
  if (args.stats) {
    process.stderr.write(`instructions=${m.instret} seconds=${seconds.toFixed(3)} mips=${(m.instret / seconds / 1e6).toFixed(1)}\n`);
  }
  switch (reason.kind) {
    case 'exit': return reason.status & 0xff;
    case 'budget':
      process.stderr.write(`chronos: stopped after --max-instructions ${args.maxInstructions} at pc 0x${BigInt.asUintN(64, m.pc).toString(16)}\n`);
      return EXIT_BUDGET;
    case 'reset':
      process.stderr.write('chronos: the guest asked for a reset\n');
      return 0;
    case 'idle':
      process.stderr.write(`chronos: the guest waits for an interrupt that nothing will raise (wfi at pc 0x${BigInt.asUintN(64, reason.pc).toString(16)})\n`);
      return 1;
    default:
      process.stderr.write(`chronos: stopped: ${reason.kind}\n`);
      return 1;
  }
}

function disasm(argv: string[]): number {
  if (argv.length !== 1 || argv[0].startsWith('-')) throw new UsageError('disasm takes exactly one ELF file');
  const bytes = readFile(argv[0]);
  let elf;
  try { elf = parseElf(bytes); } catch (e) {
    if (e instanceof ElfError) throw new UsageError(`${argv[0]}: ${e.message}`);
    throw e;
  }
  process.stdout.write(disassembleElf(elf, argv[0]));
  return 0;
}

export async function main(argv: string[]): Promise<number> {
  try {
    const [cmd, ...rest] = argv;
    switch (cmd) {
      case 'run': return await run(rest);
      case 'disasm': return disasm(rest);
      case '-h': case '--help': case 'help': process.stdout.write(`${USAGE}\n`); return 0;
      default: throw new UsageError(cmd ? `unknown command '${cmd}'` : 'no command given');
    }
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`chronos: ${e.message}\n${e.message.includes(':') ? '' : `${USAGE}\n`}`);
      return EXIT_USAGE;
    }
    process.stderr.write(`chronos: internal error: ${(e as Error).stack ?? e}\n`);
    return 70;
  }
}

main(process.argv.slice(2)).then((code) => { process.exitCode = code; process.exit(code); });
