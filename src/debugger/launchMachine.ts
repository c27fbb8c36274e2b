// The machine a launch configuration describes: from its attributes (program, bios, memory,
// smp, bootargs), or from qemuArgs, the Makefile's QEMU line, read by the parser `chronos qemu`
// uses, with the attributes that are given on top. The program (an ELF with its symbols) is
// the `program` attribute, else the ELF that -kernel names. Relative paths are taken from the
// `cwd` attribute when it is given (as make runs QEMU in the Makefile's directory).
import { defaultMachineArgs, type MachineArgs } from './machineArgs.js';
import { DriveSpecError, parseDriveSpec, type DriveSpec } from './driveSpec.js';
import { parseQemuArgs, QemuOptionError } from './qemu/commandLine.js';
import { splitCommandLine, SplitError } from './qemu/split.js';
import type { LaunchOptions } from './launchConfig.js';

export interface LaunchMachine {
  args: MachineArgs;
  /** The ELF whose symbols and DWARF the debugger reads. */
  programPath: string;
  /** -S in qemuArgs: stop before the first instruction. */
  stopOnEntry: boolean;
  /** What qemuArgs asked for that the debugger does otherwise, for the debug console. */
  notes: string[];
}

/** A path as the host reads it: a relative one under `cwd`, when there is one. */
export function under(cwd: string | undefined, path: string): string {
  if (!cwd || !path || path.startsWith('/') || path.startsWith('\\') || /^[A-Za-z]:[\\/]/.test(path)) return path;
  return `${cwd.replace(/[\\/]+$/, '')}/${path}`;
}

/** Every file the machine reads, under `cwd`. */
function filesUnder(cwd: string | undefined, a: MachineArgs): MachineArgs {
  if (!cwd) return a;
  const at = (p: string): string => under(cwd, p);
  return {
    ...a,
    bios: a.bios === 'none' || a.bios === 'builtin' ? a.bios : at(a.bios),
    kernel: at(a.kernel), initrd: at(a.initrd), dtb: at(a.dtb),
    loads: a.loads.map((l) => (l.kind === 'file' ? { ...l, path: at(l.path) } : l)),
    drives: a.drives.map((d) => (d ? { ...d, path: at(d.path) } : d)),
  };
}

/** The `drive` attribute: a disk for the first virtio-mmio slot. */
function driveAttribute(text: string): DriveSpec {
  try { return parseDriveSpec(text); } catch (e) {
    if (e instanceof DriveSpecError) throw new Error(`drive "${text}": ${e.message}`);
    throw e;
  }
}

export function launchMachine(opts: LaunchOptions): LaunchMachine {
  const attributes = (a: MachineArgs): MachineArgs => {
    const drives = [...a.drives];
    if (opts.drive) drives[0] = driveAttribute(opts.drive);
    return {
      ...a, drives, virtioLegacy: opts.virtioLegacy ?? a.virtioLegacy,
      bios: opts.bios ?? a.bios, memoryMiB: opts.memory ?? a.memoryMiB, harts: opts.smp ?? a.harts, append: opts.bootargs ?? a.append,
    };
  };
  if (opts.qemuArgs === undefined) {
    if (!opts.program) throw new Error('the launch configuration needs "program" (the kernel ELF) or "qemuArgs" (the Makefile\'s QEMU options)');
    const args = filesUnder(opts.cwd, attributes({ ...defaultMachineArgs(), kernel: opts.program, kernelKind: 'elf' }));
    return { args, programPath: args.kernel, stopOnEntry: false, notes: [] };
  }
  let o;
  try {
    o = parseQemuArgs(splitCommandLine(opts.qemuArgs));
  } catch (e) {
    if (e instanceof QemuOptionError || e instanceof SplitError) throw new Error(`qemuArgs: ${e.message}`);
    throw e;
  }
  if (o.info) throw new Error(`qemuArgs: -${o.info} prints and exits; it boots nothing`);
  const notes = [...o.notes];
  if (o.gdbPort !== undefined) notes.push(`-gdb tcp::${o.gdbPort}: VS Code is the debugger here; no gdb port is opened`);
  if (o.machine.dumpDtb) throw new Error('qemuArgs: dumpdtb= writes the device tree and exits; it boots nothing');
  const drives: (DriveSpec | undefined)[] = [];
  for (const d of o.disks) drives[d.slot] = { path: d.file, snapshot: d.snapshot, readOnly: d.readonly, serial: d.serial };
  const args = filesUnder(opts.cwd, attributes({ ...o.machine, drives, virtioLegacy: o.virtioLegacy }));
  if (opts.program && !args.kernel && args.loads.length === 0 && (args.bios === 'none' || args.bios === 'builtin')) {
    // Only the machine in qemuArgs: the program is the kernel.
    args.kernel = under(opts.cwd, opts.program);
    args.kernelKind = 'elf';
  }
  const programPath = opts.program === undefined ? args.kernel : under(opts.cwd, opts.program);
  if (!programPath) throw new Error('qemuArgs has no -kernel: give "program", the kernel ELF whose symbols the debugger reads');
  return { args, programPath, stopOnEntry: o.startStopped, notes };
}
