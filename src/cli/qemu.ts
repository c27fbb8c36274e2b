// `chronos qemu QEMU-OPTIONS...` (also the `chronos-qemu` command): a drop-in for
// qemu-system-riscv64 as kernel Makefiles run it (`make qemu QEMU='npx chronos qemu'`). The
// options are translated by debugger/qemu/commandLine.ts; this runs the machine with the
// console and the monitor where the options put them, restarts it when the guest resets
// (unless -no-reboot), and ends as QEMU ends: with the guest's exit status, on the monitor's
// quit, or on Ctrl-A x.
import { Monitor, type MonitorHost } from '../debugger/monitor/monitor.js';
import type { KernelProfile as MonitorKernelProfile } from '../debugger/monitor/kernelProfile.js';
import { monitorProfile } from '../debugger/profiles/monitorProfile.js';
import { parseQemuArgs, QemuOptionError, type QemuOptions } from '../debugger/qemu/commandLine.js';
import type { StopReason } from '../emulator/machine.js';
import { UsageError } from './errors.js';
import { QEMU_HELP, QEMU_VERSION } from './qemuHelp.js';
import { QemuConsole, type ConsoleMode } from './qemuConsole.js';
import { GDB_HOST, startGdbStub } from './gdb.js';
import { bootMachine, dumpDeviceTree } from './run.js';
import { defaultRunArgs, type RunArgs } from './runArgs.js';
import { Runner } from './runner.js';

const COMMAND = 'chronos qemu';

/** The disks by slot, as the machine takes them. */
function drivesBySlot(o: QemuOptions): RunArgs['drives'] {
  const drives: RunArgs['drives'] = [];
  for (const d of o.disks) drives[d.slot] = { path: d.file, snapshot: d.snapshot, readOnly: d.readonly, serial: d.serial };
  return drives;
}

export async function qemu(argv: string[]): Promise<number> {
  let o: QemuOptions;
  try {
    o = parseQemuArgs(argv);
  } catch (e) {
    if (e instanceof QemuOptionError) throw new UsageError(e.message, COMMAND);
    throw e;
  }
  if (o.info === 'help') { process.stdout.write(QEMU_HELP); return 0; }
  if (o.info === 'version') { process.stdout.write(QEMU_VERSION); return 0; }
  const m = o.machine;
  if (!m.kernel && m.loads.length === 0 && (m.bios === 'none' || m.bios === 'builtin') && !m.dumpDtb) {
    throw new UsageError(`nothing to boot: no -kernel, no -bios FILE and no -device loader (QEMU would run ${m.bios === 'none' ? 'the empty RAM at 0x80000000' : 'OpenSBI with no next stage'})`, COMMAND);
  }
  for (const n of [...o.notes, ...o.consoleNotes]) process.stderr.write(`${COMMAND}: ${n}\n`);
  if (o.startStopped && o.monitor === 'none' && o.gdbPort === undefined) {
    process.stderr.write(`${COMMAND}: -S: with no monitor and no gdb nothing can start the harts${o.escapes ? ' (Ctrl-A x quits)' : ''}\n`);
  }

  const args: RunArgs = { ...defaultRunArgs(), ...m, drives: drivesBySlot(o), virtioLegacy: o.virtioLegacy };
  let booted = bootMachine(args, COMMAND);
  if (args.dumpDtb) { dumpDeviceTree(booted, args.dumpDtb, COMMAND); return 0; }

  const runner = new Runner(booted.machine);
  const reboot = (): void => { booted = bootMachine(args, COMMAND, false); runner.replace(booted.machine); };
  // A reset the guest asks for reboots the machine, as QEMU does, unless -no-reboot.
  runner.onReset = o.noReboot ? undefined : () => { booted = bootMachine(args, COMMAND, false); return booted.machine; };
  let status: number | undefined;
  let launched = !o.startStopped;
  let profile: MonitorKernelProfile | undefined | null = null;
  const host: MonitorHost = {
    get machine() { return runner.machine; },
    get status() { return runner.isHeld ? (launched ? 'paused' : 'prelaunch') : 'running'; },
    get elf() { return runner.machine.elf; },
    // Chosen once from the booted ELF; it reads whichever machine runs now (a reboot replaces it).
    get profile() {
      const elf = runner.machine.elf;
      if (profile === null && elf) profile = monitorProfile(elf, { readPhys: (a, n) => runner.machine.debug.readPhys(a, n) }, args.memoryMiB, args.harts);
      return profile ?? undefined;
    },
    stop: () => runner.hold(),
    cont: () => { launched = true; runner.release(); },
    reset: reboot,
    quit: () => { status = 0; runner.finish({ kind: 'exit', status: 0 }); },
  };
  const monitor = o.monitor === 'none' ? undefined : new Monitor(host);
  const mode: ConsoleMode = o.escapes ? 'mux' : o.monitor === 'stdio' ? 'monitor' : 'serial';
  const tty = process.stdin.isTTY === true;
  const console = new QemuConsole(mode, {
    type: (bytes) => runner.typeIntoGuest(bytes),
    write: (text) => { runner.flush(); process.stdout.write(text); },
    terminate: (message) => { runner.flush(); process.stdout.write(message); status = 0; runner.finish({ kind: 'exit', status: 0 }); },
  }, monitor, tty);
  runner.onInput = (chunk) => console.input(chunk);
  if (o.serial === 'none') runner.onOutput = () => {};
  if (o.startStopped) runner.hold();
  // -S with -s holds the harts for gdb and for the monitor alike: either one's continue starts them.
  const gdb = o.gdbPort === undefined ? undefined : await startGdbStub(runner, { host: GDB_HOST, port: o.gdbPort, wait: o.startStopped });

  // On a terminal the keys go to the guest (or the monitor) as typed, Ctrl-C included.
  const restore = tty ? rawMode() : () => {};
  try {
    console.start();
    const reason: StopReason = await runner.run();
    await gdb?.close(reason);
    return status ?? exitStatus(reason);
  } finally {
    restore();
  }
}

function rawMode(): () => void {
  process.stdin.setRawMode(true);
  const restore = (): void => { if (process.stdin.isTTY) process.stdin.setRawMode(false); };
  process.once('exit', restore);
  return restore;
}

/** How a run ends, as QEMU ends: the finisher's status; a reset with -no-reboot is a clean exit. */
function exitStatus(reason: StopReason): number {
  switch (reason.kind) {
    case 'exit': return reason.status & 0xff;
    case 'reset': return 0;
    case 'idle':
      process.stderr.write(`${COMMAND}: the guest waits for an interrupt that nothing will raise (wfi at pc 0x${BigInt.asUintN(64, reason.pc).toString(16)}) and the input has ended\n`);
      return 1;
    default:
      process.stderr.write(`${COMMAND}: stopped: ${reason.kind}\n`);
      return 1;
  }
}
