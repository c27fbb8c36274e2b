// `chronos run`: boot a RISC-V ELF on the machine and run it to its end.
import { readFileSync, writeFileSync } from 'node:fs';
import { BootError, bootFromArgs, type Booted } from '../debugger/machineArgs.js';
import { openDrive } from '../debugger/fileDisk.js';
import { EXIT_BUDGET, UsageError } from './errors.js';
import { parseRunArgs, type RunArgs } from './runArgs.js';
import { Runner } from './runner.js';
import { startGdbStub } from './gdb.js';
import { warmUpOnce } from '../debugger/warmUp.js';

export function readFile(path: string, command = 'chronos'): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(code === 'ENOENT' ? `${path}: no such file` : code === 'EISDIR' ? `${path}: is a directory` : `${path}: ${(e as Error).message}`, command, false);
  }
}

/**
 * A machine booted as the arguments say; file problems are usage errors. Notes on how it
 * booted go to stderr (not again when the same machine boots again).
 */
export function bootMachine(args: RunArgs, command = 'chronos', notes = true): Booted {
  let booted: Booted;
  try {
    booted = bootFromArgs(args, (path) => readFile(path, command), (spec) => {
      try { return openDrive(spec).drive; } catch (e) { throw new UsageError(`--drive: ${(e as Error).message}`, command, false); }
    });
  } catch (e) {
    if (e instanceof BootError) throw new UsageError(e.message, command, false);
    throw e;
  }
  for (const slot of booted.machine.virtio) {
    slot.onGuestError = (msg) => process.stderr.write(`${command}: ${slot.name}: the guest's driver broke a virtio rule, the device stops until reset: ${msg}
`);
  }
  if (notes) for (const n of booted.report.notes) process.stderr.write(`${command}: note: ${n}
`);
  return booted;
}

/** --dump-dtb: the device tree the machine would boot with, written to a file (as QEMU's dumpdtb, which then exits). */
export function dumpDeviceTree(booted: Booted, path: string, command = 'chronos'): void {
  try { writeFileSync(path, booted.dtb); } catch (e) {
    throw new UsageError(`${path}: ${(e as Error).message}`, command, false);
  }
  process.stderr.write(`${command}: device tree written to ${path}\n`);
}

export async function run(argv: string[]): Promise<number> {
  const args = parseRunArgs(argv);
  return runBooted(args, bootMachine(args));
}

/** Run a booted machine to its end as the arguments say; the exit status. */
export async function runBooted(args: RunArgs, booted: Booted): Promise<number> {
  if (args.dumpDtb) { dumpDeviceTree(booted, args.dumpDtb); return 0; }
  // After the boot's loading, as the debugger does at the end of its launch (warmUp.ts).
  warmUpOnce();
  const runner = new Runner(booted.machine, args.maxInstructions);
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
