// `chronos run`: boot a RISC-V ELF on the machine and run it to its end.
import { readFileSync } from 'node:fs';
import { Machine } from '../emulator/machine.js';
import { ElfError } from '../emulator/loader/elf.js';
import { openDrive } from '../debugger/fileDisk.js';
import { EXIT_BUDGET, UsageError } from './errors.js';
import { parseRunArgs, type RunArgs } from './runArgs.js';
import { Runner } from './runner.js';
import { startGdbStub } from './gdb.js';

export function readFile(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(code === 'ENOENT' ? `${path}: no such file` : code === 'EISDIR' ? `${path}: is a directory` : `${path}: ${(e as Error).message}`);
  }
}

/** A machine booted as the arguments say; file problems are usage errors. */
export function bootMachine(args: RunArgs): Machine {
  const bios = args.bios === 'none' || args.bios === 'builtin' ? args.bios : readFile(args.bios);
  const bytes = readFile(args.file);
  const drives = args.drives.map((d) => {
    try { return openDrive(d).drive; } catch (e) { throw new UsageError(`--drive: ${(e as Error).message}`); }
  });
  const m = new Machine({ memoryMiB: args.memoryMiB, harts: args.harts, bios, bootargs: args.append, realtime: args.realtime, drives, virtioLegacy: args.virtioLegacy });
  for (const slot of m.virtio) slot.onGuestError = (msg) => process.stderr.write(`chronos: ${slot.name}: the guest's driver broke a virtio rule, the device stops until reset: ${msg}\n`);
  try { m.loadElf(bytes); } catch (e) {
    if (e instanceof ElfError) throw new UsageError(`${args.file}: ${e.message}`);
    throw e;
  }
  try { m.boot(); } catch (e) {
    if (e instanceof ElfError || e instanceof RangeError) throw new UsageError(`${args.bios}: ${e.message}`);
    throw e;
  }
  return m;
}

export async function run(argv: string[]): Promise<number> {
  const args = parseRunArgs(argv);
  const runner = new Runner(bootMachine(args), args.maxInstructions);
  const gdb = args.gdb ? await startGdbStub(runner, args.gdb) : undefined;
  const started = process.hrtime.bigint();
  const reason = await runner.run();
  await gdb?.close(reason);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const m = runner.machine;
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
