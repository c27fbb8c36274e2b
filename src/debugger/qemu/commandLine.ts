// qemu-system-riscv64's command line, as kernel Makefiles write it, turned into Chronos's
// options: the machine (MachineArgs), the console and monitor, the gdb stub and the disks.
// Each option QEMU has and Chronos does not is refused with one line naming it; an option
// that changes nothing Chronos could do differently (a display, a device Chronos lacks) is
// accepted with a note saying what Chronos does instead. `chronos qemu` (src/cli/qemu.ts) and
// launch.json's qemuArgs (runtime.ts) both use this parser.
import { MAX_HARTS } from '../../emulator/machine.js';
import { VIRTIO_SLOTS } from '../../emulator/board/virtMap.js';
import { defaultMachineArgs, type LoadArg, type MachineArgs } from '../machineArgs.js';
import { KeyValError, parseBool, parseKeyVal, type KeyVal } from './keyval.js';

/** A disk on a virtio-mmio slot (-drive if=none with -device virtio-blk-device). */
export interface DiskArg {
  /** The virtio-mmio slot, 0-7 (virtio-mmio-bus.N, at 0x10001000 + N * 0x1000). */
  slot: number;
  file: string;
  snapshot: boolean;
  readonly: boolean;
  serial?: string;
}

export interface QemuOptions {
  machine: MachineArgs;
  /** Where the guest's UART goes: this terminal, or nowhere. */
  serial: 'stdio' | 'none';
  /** The monitor: on stdin/stdout of its own, multiplexed with the serial console (mon:stdio, Ctrl-A c), or none. */
  monitor: 'stdio' | 'mux' | 'none';
  /** Ctrl-A is the escape key on the console (Ctrl-A x quits, Ctrl-A c switches to the monitor), as QEMU's mon:stdio has it. */
  escapes: boolean;
  /** -S: the harts wait until the monitor's cont (or a debugger) starts them. */
  startStopped: boolean;
  /** -s / -gdb tcp::PORT: the gdb stub's port. */
  gdbPort?: number;
  /** -no-reboot: a reset the guest asks for ends the run instead of restarting the machine. */
  noReboot: boolean;
  disks: DiskArg[];
  /** The virtio-mmio transport's legacy interface (version 1), QEMU 7.2's default. */
  virtioLegacy: boolean;
  /** Options accepted although Chronos does something else: one line each, for stderr. */
  notes: string[];
  /** The same about the terminal (display, serial, monitor): only a front-end on a terminal shows them. */
  consoleNotes: string[];
  /** -help or -version: print that and do nothing else. */
  info?: 'help' | 'version';
}

export class QemuOptionError extends Error {
  override name = 'QemuOptionError';
}

const MiB = 1024 * 1024;
const SIZE_SUFFIX: Record<string, number> = { b: 1, k: 1024, m: MiB, g: 1024 * MiB, t: 1024 * 1024 * MiB };

/** QEMU's sizes (qemu_strtosz): a number, maybe with a fraction, and a suffix; `unit` when there is none. */
function parseSize(text: string, unit: number): number | undefined {
  const m = /^(\d+(?:\.\d+)?)([bBkKmMgGtT]?)$/.exec(text);
  if (!m) return undefined;
  return Math.round(Number(m[1]) * (m[2] ? SIZE_SUFFIX[m[2].toLowerCase()] : unit));
}

/** QEMU's integers (base 0, as strtoull: 0x hex, 0 octal, decimal). */
function parseNumber(text: string): bigint | undefined {
  if (/^0[xX][0-9a-fA-F]+$/.test(text) || /^\d+$/.test(text) && !/^0\d/.test(text)) return BigInt(text);
  if (/^0[0-7]+$/.test(text)) return BigInt(`0o${text.slice(1)}`);
  return undefined;
}

/** virtio-mmio devices QEMU has and Chronos does not: the slot is taken, the guest finds nothing there. */
const ABSENT_VIRTIO: Record<string, string> = {
  'virtio-net-device': 'a network card', 'virtio-gpu-device': 'a GPU', 'virtio-rng-device': 'a random-number device',
  'virtio-keyboard-device': 'a keyboard device', 'virtio-mouse-device': 'a mouse device', 'virtio-tablet-device': 'a tablet device',
  'virtio-serial-device': 'a virtio console', 'virtio-balloon-device': 'a memory balloon', 'virtio-input-host-device': 'an input device',
  'virtio-9p-device': 'a 9p file system', 'virtio-scsi-device': 'a SCSI controller', 'vhost-vsock-device': 'a vsock device',
};

/** Display options: Chronos has no window either way. */
const DISPLAYS = new Set(['none', 'gtk', 'sdl', 'curses', 'vnc', 'egl-headless', 'cocoa', 'spice-app', 'dbus']);

interface Drive { id: string; file: string; snapshot: boolean; readonly: boolean; used: boolean }

/** Options without a value. */
const FLAGS = new Set(['nographic', 's', 'S', 'no-reboot', 'no-shutdown', 'snapshot', 'help', 'h', 'version', 'enable-kvm',
  'nodefaults', 'daemonize', 'full-screen', 'no-user-config', 'no-hpet', 'no-acpi', 'preconfig', 'usb']);

/** Options with a value (an option neither here nor in FLAGS is refused before its value is read). */
const WITH_VALUE = new Set(['machine', 'M', 'cpu', 'm', 'smp', 'bios', 'kernel', 'initrd', 'dtb', 'append', 'drive', 'device',
  'global', 'serial', 'monitor', 'gdb', 'd', 'D', 'display', 'vga', 'name', 'rtc', 'netdev', 'nic', 'net', 'icount', 'accel',
  'L', 'k', 'parallel', 'boot', 'uuid', 'seed', 'audiodev', 'pidfile', 'trace',
  'chardev', 'object', 'mon', 'qmp', 'pflash', 'hda', 'hdb', 'hdc', 'hdd', 'cdrom', 'fda', 'sd', 'mtdblock', 'semihosting-config',
  'incoming', 'loadvm', 'plugin', 'readconfig', 'numa', 'blockdev', 'fsdev', 'virtfs', 'mem-path', 'fw_cfg', 'tpmdev']);

/** Refused options, with the reason for the user. */
const REFUSED: Record<string, string> = {
  'enable-kvm': 'Chronos emulates the hart itself; there is no KVM to enable',
  nodefaults: 'the virt board\'s UART is always there in Chronos',
  daemonize: 'Chronos stays in the foreground',
  preconfig: 'Chronos has no QMP to configure it with',
  chardev: 'character devices are not supported (the console is this terminal: -serial mon:stdio)',
  object: 'QEMU objects are not supported',
  mon: 'only -monitor stdio (or the monitor in -serial mon:stdio) is supported',
  qmp: 'Chronos has no QMP; its monitor takes the human commands (-monitor stdio)',
  pflash: 'the virt board\'s flash is not emulated',
  hda: 'IDE disks do not exist on the virt board; use -drive file=F,if=none,format=raw,id=ID -device virtio-blk-device,drive=ID',
  cdrom: 'the virt board has no CD drive',
  incoming: 'migration is not supported',
  loadvm: 'QEMU snapshots are not supported',
  plugin: 'TCG plugins are not supported',
  readconfig: 'configuration files are not supported; write the options on the command line',
  numa: 'NUMA nodes are not supported',
  blockdev: 'use -drive file=F,if=none,format=raw,id=ID',
  fsdev: 'host file systems are not supported',
  virtfs: 'host file systems are not supported',
  'semihosting-config': 'semihosting is not supported',
  'mem-path': 'RAM lives in Chronos\'s own memory',
  fw_cfg: 'the fw_cfg device is not emulated',
  tpmdev: 'TPMs are not supported',
};
for (const k of ['hdb', 'hdc', 'hdd', 'fda', 'sd', 'mtdblock']) REFUSED[k] = REFUSED.hda;

/**
 * Harmless options: what Chronos does instead; undefined when Chronos does what was asked
 * (`-vga none`, `-net none`).
 */
const NOTED: Record<string, (v: string) => string | undefined> = {
  name: () => 'Chronos has no window to give the name to',
  'no-user-config': () => 'Chronos reads no configuration files anyway',
  'full-screen': () => 'Chronos has no display window',
  'no-hpet': () => 'the virt board has no HPET',
  'no-acpi': () => 'Chronos gives the guest a device tree, no ACPI tables',
  vga: (v) => (v === 'none' ? undefined : 'Chronos has no display'),
  parallel: (v) => (v === 'none' || v === 'null' ? undefined : 'the virt board has no parallel port'),
  rtc: () => 'Chronos\'s clock counts instructions (time is the same in every run)',
  icount: () => 'Chronos\'s time already follows the instruction count (10 instructions a timebase tick)',
  k: () => 'the keyboard layout is the terminal\'s',
  L: () => 'firmware is read from the path -bios gives',
  boot: () => 'there is no boot order to choose: the virt board boots -bios and -kernel',
  usb: () => 'the virt board has no USB in Chronos',
  uuid: () => 'the machine has no SMBIOS to show it',
  seed: () => 'Chronos runs are deterministic anyway',
  netdev: () => 'Chronos has no network',
  nic: (v) => (v === 'none' ? undefined : 'Chronos has no network'),
  net: (v) => (v === 'none' ? undefined : 'Chronos has no network'),
  audiodev: () => 'Chronos has no sound',
  pidfile: () => 'no pid file is written',
  trace: () => 'Chronos has no QEMU trace events',
};

/** Translate qemu-system-riscv64's arguments. Throws QemuOptionError for what Chronos refuses. */
export function parseQemuArgs(argv: readonly string[]): QemuOptions {
  const machine: MachineArgs = { ...defaultMachineArgs(), kernelKind: 'any' };
  const o: QemuOptions = {
    machine, serial: 'stdio', monitor: 'none', escapes: false, startStopped: false, noReboot: false,
    disks: [], virtioLegacy: true, notes: [], consoleNotes: [],
  };
  const drives = new Map<string, Drive>();
  const slotsTaken = new Set<number>();
  let nographic = false, serialGiven: string | undefined, monitorGiven: string | undefined, displayGiven: string | undefined;
  let snapshotAll = false;
  const notes = o.notes;

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('-') || arg === '-') {
      throw new QemuOptionError(`${arg}: a file without an option (QEMU makes it an IDE disk, which the virt board lacks); for a disk use -drive file=${arg},if=none,format=raw,id=x0 -device virtio-blk-device,drive=x0`);
    }
    const name = arg.replace(/^--?/, '');
    const opt = `-${name}`;
    if (!FLAGS.has(name) && !WITH_VALUE.has(name)) throw new QemuOptionError(`${opt}: not supported by Chronos (chronos qemu -help lists the options it takes)`);
    if (REFUSED[name]) throw new QemuOptionError(`${opt}: not supported by Chronos: ${REFUSED[name]}`);
    let value = '';
    if (WITH_VALUE.has(name)) {
      if (i + 1 >= argv.length) throw new QemuOptionError(`${opt}: requires an argument`);
      value = argv[++i];
    }
    const kv = (implied?: string): KeyVal => {
      try { return parseKeyVal(value, implied); } catch (e) {
        if (e instanceof KeyValError) throw new QemuOptionError(`${opt} ${value}: ${e.message}`);
        throw e;
      }
    };
    const said = value ? `${opt} ${value.length > 48 ? `${value.slice(0, 45)}...` : value}` : opt;
    const refuse = (why: string): never => { throw new QemuOptionError(`${said}: ${why}`); };
    const note = (text: string): void => { notes.push(`${said}: ${text}`); };
    const consoleNote = (text: string): void => { o.consoleNotes.push(`${said}: ${text}`); };
    const bool = (k: KeyVal, key: string): boolean | undefined => {
      const v = k.get(key);
      if (v === undefined) return undefined;
      try { return parseBool(key, v); } catch (e) { return refuse((e as Error).message); }
    };
    const only = (k: KeyVal, allowed: string[]): void => {
      const extra = k.entries.find(([key]) => !allowed.includes(key));
      if (extra) refuse(`${extra[0]}=${extra[1]} is not supported by Chronos`);
    };

    switch (name) {
      case 'help': case 'h': o.info = 'help'; break;
      case 'version': o.info = 'version'; break;
      case 'nographic': nographic = true; break;
      case 's': o.gdbPort = 1234; break;
      case 'S': o.startStopped = true; break;
      case 'no-reboot': o.noReboot = true; break;
      case 'no-shutdown': note('Chronos ends the run when the guest powers off'); break;
      case 'snapshot': snapshotAll = true; break;

      case 'machine': case 'M': {
        const k = kv('type');
        const type = k.get('type');
        if (type === 'help' || type === '?') refuse('Chronos has one machine: virt (the board of QEMU 7.2\'s -machine virt)');
        if (type !== undefined && type !== 'virt' && type !== 'virt-7.2') refuse(`Chronos has the virt board only, not ${type}`);
        for (const [key, v] of k.entries) {
          if (key === 'type') continue;
          if (key === 'dumpdtb') machine.dumpDtb = v;
          else if (key === 'accel') { if (v !== 'tcg') refuse(`accel=${v}: Chronos emulates the hart itself (accel=tcg)`); } else if (key === 'aclint' || key === 'aia' || key === 'acpi') {
            const off = key === 'aia' ? v === 'none' : !parseBoolOr(v, true);
            if (!off) refuse(`${key}=${v} is not supported by Chronos (its virt board has the CLINT and the PLIC)`);
          } else refuse(`${key}=${v} is not supported by Chronos`);
        }
        break;
      }
      case 'accel': {
        const k = kv('accel');
        if (k.get('accel') !== 'tcg') refuse('Chronos emulates the hart itself (-accel tcg)');
        break;
      }
      case 'cpu':
        note(value === 'rv64' ? 'Chronos has one hart model (the device tree\'s riscv,isa lists its extensions)'
          : `Chronos has one hart model, not ${value.split(',')[0]} (the device tree's riscv,isa lists its extensions)`);
        break;
      case 'm': {
        const k = kv('size');
        only(k, ['size', 'slots', 'maxmem']);
        const size = k.get('size');
        const bytes = size === undefined ? undefined : parseSize(size, MiB);
        if (bytes === undefined) refuse('not a size (as 128M or 1G)');
        if (bytes! % MiB !== 0) refuse('Chronos takes RAM in whole MiB');
        const mib = bytes! / MiB;
        if (mib < 1 || mib > 4096) refuse('Chronos takes 1 MiB to 4 GiB of RAM');
        machine.memoryMiB = mib;
        if (k.has('maxmem') || k.has('slots')) note('Chronos has no memory hotplug: slots and maxmem change nothing');
        break;
      }
      case 'smp': {
        const k = kv('cpus');
        only(k, ['cpus', 'maxcpus', 'sockets', 'dies', 'clusters', 'cores', 'threads']);
        const num = (key: string): number | undefined => {
          const v = k.get(key);
          if (v === undefined) return undefined;
          if (!/^\d+$/.test(v)) refuse(`${key}=${v} is not a number`);
          return Number(v);
        };
        const topo = ['sockets', 'dies', 'clusters', 'cores', 'threads'].map(num);
        const product = topo.every((t) => t === undefined) ? undefined : topo.reduce<number>((a, t) => a * (t ?? 1), 1);
        const cpus = num('cpus') ?? product ?? 1;
        if (cpus < 1 || cpus > MAX_HARTS) refuse(`Chronos has 1 to ${MAX_HARTS} harts`);
        const max = num('maxcpus');
        if (max !== undefined && max !== cpus) note(`Chronos starts ${cpus} hart${cpus > 1 ? 's' : ''} and has no hotplug for more (maxcpus=${max})`);
        machine.harts = cpus;
        break;
      }
      case 'bios':
        if (value === 'default') note('Chronos\'s built-in SBI stands in for OpenSBI (the kernel starts in S-mode at its entry)');
        machine.bios = value === 'default' ? 'builtin' : value;
        break;
      case 'kernel': machine.kernel = value; break;
      case 'initrd': machine.initrd = value; break;
      case 'dtb': machine.dtb = value; break;
      case 'append': machine.append = value; break;

      case 'drive': {
        const k = kv();
        only(k, ['file', 'if', 'format', 'id', 'snapshot', 'readonly', 'media', 'cache', 'aio', 'discard', 'detect-zeroes', 'serial', 'werror', 'rerror', 'index']);
        const file = k.get('file');
        if (!file) refuse('needs file=IMAGE');
        const iface = k.get('if');
        if (iface !== 'none') {
          refuse(`${iface ? `if=${iface}` : 'without if=none, QEMU\'s virt board'} makes ${iface === 'pflash' ? 'a flash drive' : 'a PCI or IDE disk'}, which Chronos lacks; use if=none with -device virtio-blk-device,drive=ID`);
        }
        const format = k.get('format');
        if (format !== undefined && format !== 'raw') refuse(`format=${format}: Chronos takes raw images only (qemu-img convert -O raw makes one)`);
        if (format === undefined) note(`file=${file}: no format=raw given; Chronos reads it as a raw image, as QEMU guesses it`);
        const media = k.get('media');
        if (media !== undefined && media !== 'disk') refuse(`media=${media}: Chronos has disks only`);
        const id = k.get('id');
        if (!id) refuse('needs id=ID for -device virtio-blk-device,drive=ID');
        if (drives.has(id!)) refuse(`a second drive with id=${id}`);
        for (const key of ['cache', 'aio', 'discard', 'detect-zeroes', 'werror', 'rerror']) {
          if (k.has(key)) note(`${key}=${k.get(key)}: Chronos writes the image as the guest writes (no cache modes)`);
        }
        drives.set(id!, { id: id!, file: file!, snapshot: bool(k, 'snapshot') ?? false, readonly: bool(k, 'readonly') ?? false, used: false });
        break;
      }
      case 'device': {
        const k = kv('driver');
        const driver = k.get('driver') ?? '';
        const slotFor = (): number => {
          const bus = k.get('bus');
          if (bus !== undefined) {
            const m = /^virtio-mmio-bus\.(\d+)$/.exec(bus);
            if (!m || Number(m[1]) >= VIRTIO_SLOTS) refuse(`bus=${bus}: the virt board's virtio buses are virtio-mmio-bus.0 to virtio-mmio-bus.${VIRTIO_SLOTS - 1}`);
            const n = Number(m![1]);
            if (slotsTaken.has(n)) refuse(`bus ${bus} is full (another device is on it)`);
            slotsTaken.add(n);
            return n;
          }
          // As QEMU: a device without a bus takes the free slot with the highest address.
          for (let n = VIRTIO_SLOTS - 1; n >= 0; n--) if (!slotsTaken.has(n)) { slotsTaken.add(n); return n; }
          return refuse(`every virtio-mmio slot is taken (the virt board has ${VIRTIO_SLOTS})`);
        };
        if (driver === 'loader') { machine.loads.push(loaderArg(k, refuse, bool)); break; }
        if (driver === 'virtio-blk-device') {
          only(k, ['driver', 'drive', 'bus', 'serial', 'id']);
          const id = k.get('drive');
          if (!id) refuse('needs drive=ID (a -drive if=none,id=ID)');
          const d = drives.get(id!);
          if (!d) refuse(`drive=${id}: no -drive with id=${id} before it`);
          if (d!.used) refuse(`drive=${id} is already attached to another device`);
          d!.used = true;
          o.disks.push({ slot: slotFor(), file: d!.file, snapshot: d!.snapshot || snapshotAll, readonly: d!.readonly, serial: k.get('serial') });
          break;
        }
        if (ABSENT_VIRTIO[driver]) {
          const slot = slotFor();
          note(`Chronos has no ${driver} (${ABSENT_VIRTIO[driver]}); the guest finds virtio-mmio slot ${slot} empty`);
          break;
        }
        if (/-pci$|^pcie-|^pci-|^e1000|^rtl8139|^nvme|^ich9|^usb-|^qemu-xhci|^ramfb$|^VGA$|^bochs-display$/.test(driver)) {
          note(`Chronos has no PCI or USB bus: ${driver} is left out`);
          break;
        }
        refuse(driver === 'help' || driver === '?' ? 'Chronos takes loader, virtio-blk-device and notes the virtio-*-device it lacks'
          : `the device ${driver} is not supported by Chronos`);
        break;
      }
      case 'global': {
        const m = /^virtio-mmio\.force-legacy=(.*)$/.exec(value);
        if (!m) refuse('only virtio-mmio.force-legacy=on|off is supported by Chronos');
        try { o.virtioLegacy = parseBool('force-legacy', m![1]); } catch (e) { refuse((e as Error).message); }
        break;
      }
      case 'serial':
        if (serialGiven !== undefined) { consoleNote(`the virt board has one UART, already on ${serialGiven}`); break; }
        if (!['stdio', 'mon:stdio', 'none', 'null', 'vc', 'vc:80Cx24C'].includes(value)) refuse('Chronos puts the serial console on this terminal (stdio, mon:stdio) or nowhere (none)');
        serialGiven = value;
        break;
      case 'monitor':
        if (!['stdio', 'none', 'null', 'vc'].includes(value)) refuse('Chronos\'s monitor is on this terminal: -monitor stdio, or -serial mon:stdio for Ctrl-A c');
        monitorGiven = value;
        break;
      case 'display': {
        const type = value.split(',')[0];
        if (!DISPLAYS.has(type)) refuse(`not a display type Chronos knows (none, gtk, sdl, curses, vnc...)`);
        displayGiven = type;
        if (type !== 'none') consoleNote('Chronos has no display window: the serial console is on this terminal');
        break;
      }
      case 'gdb': {
        const m = /^tcp:(?:localhost|127\.0\.0\.1|0\.0\.0\.0|)?:(\d+)$/.exec(value);
        // Port 0 is Chronos's own: the system picks a free port and the stub prints it.
        if (!m || Number(m[1]) > 65535) refuse('Chronos\'s gdb stub takes tcp::PORT');
        o.gdbPort = Number(m![1]);
        break;
      }
      case 'd':
        note(`Chronos writes none of QEMU's logs (${value}); its debugger shows traps and instructions (chronos run in VS Code, or the monitor's info registers)`);
        break;
      case 'D': note(`no QEMU log is written to ${value}`); break;
      default: {
        const noted = NOTED[name];
        if (!noted) throw new QemuOptionError(`${opt}: not supported by Chronos (chronos qemu -help lists the options it takes)`);
        const why = noted(value);
        if (why) note(why);
      }
    }
  }

  // Disks: every -snapshot drive, and -drive if=none left without a device.
  for (const d of drives.values()) if (!d.used) o.notes.push(`-drive id=${d.id}: no -device virtio-blk-device,drive=${d.id} attaches it; the guest does not see it`);
  if (machine.append && !machine.kernel) throw new QemuOptionError('-append: only allowed with -kernel (as QEMU says)');
  if (machine.initrd && !machine.kernel) throw new QemuOptionError('-initrd: only allowed with -kernel (as QEMU says)');

  // The console and the monitor, as QEMU picks their defaults (vl.c): -nographic puts both on
  // stdio, multiplexed, unless -serial or -monitor says otherwise; without it both would be in
  // a window, which Chronos has not: the serial console stays on this terminal.
  const serial = serialGiven ?? (nographic ? (monitorGiven === undefined ? 'mon:stdio' : 'stdio') : 'vc');
  const monitor = monitorGiven ?? (serial === 'mon:stdio' ? 'mux' : nographic ? 'stdio' : 'vc');
  if (serial === 'mon:stdio' && monitor === 'stdio') throw new QemuOptionError('-monitor stdio: cannot use stdio by multiple character devices (the serial console has it: -serial mon:stdio)');
  if (serial === 'stdio' && monitor === 'stdio') {
    throw new QemuOptionError(serialGiven ? '-serial stdio: cannot use stdio by multiple character devices (the monitor has it)'
      : '-monitor stdio: cannot use stdio by multiple character devices (-nographic puts the serial console there; add -serial none, or use -serial mon:stdio for both)');
  }
  o.serial = serial === 'none' || serial === 'null' ? 'none' : 'stdio';
  o.escapes = serial === 'mon:stdio';
  o.monitor = monitor === 'mux' ? 'mux' : monitor === 'stdio' ? 'stdio' : 'none';
  if (serial === 'vc' || serial === 'vc:80Cx24C') {
    if (o.monitor === 'stdio') o.consoleNotes.push('-serial: Chronos has no window for the serial console: its output is shown here among the monitor\'s lines, and it gets no input');
    else if (!displayGiven) o.consoleNotes.push('no -nographic: Chronos has no display window, so the serial console is on this terminal');
  }
  if (monitorGiven === 'vc') o.consoleNotes.push('-monitor vc: Chronos has no window for the monitor; use -monitor stdio');
  return o;
}

/** A boolean with a default for anything else. */
function parseBoolOr(v: string, dflt: boolean): boolean {
  try { return parseBool('', v); } catch { return dflt; }
}

/** -device loader's three forms (docs/system/generic-loader.rst). */
function loaderArg(k: KeyVal, refuse: (why: string) => never, bool: (k: KeyVal, key: string) => boolean | undefined): LoadArg {
  const extra = k.entries.find(([key]) => !['driver', 'file', 'addr', 'cpu-num', 'force-raw', 'data', 'data-len', 'data-be', 'id'].includes(key));
  if (extra) refuse(`${extra[0]}=${extra[1]} is not a property of the loader`);
  const num = (key: string): bigint | undefined => {
    const v = k.get(key);
    if (v === undefined) return undefined;
    const n = parseNumber(v);
    if (n === undefined || n >= 1n << 64n) refuse(`${key}=${v} is not a number`);
    return n;
  };
  const addr = num('addr');
  const cpuBig = num('cpu-num');
  if (cpuBig !== undefined && cpuBig >= BigInt(MAX_HARTS)) refuse(`cpu-num=${cpuBig}: Chronos has at most ${MAX_HARTS} harts`);
  const cpu = cpuBig === undefined ? undefined : Number(cpuBig);
  const file = k.get('file');
  if (file !== undefined) {
    if (k.has('data') || k.has('data-len')) refuse('file= and data= cannot be used together');
    return { kind: 'file', path: file, addr, cpu, raw: bool(k, 'force-raw') };
  }
  if (k.has('data')) {
    const value = num('data'), len = num('data-len');
    if (addr === undefined) refuse('data= needs addr=');
    if (len === undefined || ![1n, 2n, 4n, 8n].includes(len)) refuse('data-len= must be 1, 2, 4 or 8');
    return { kind: 'data', addr: addr!, value: value!, size: Number(len) as 1 | 2 | 4 | 8, bigEndian: bool(k, 'data-be') ?? false, cpu };
  }
  if (addr !== undefined && cpu !== undefined) return { kind: 'pc', addr, cpu };
  return refuse('needs file=, data= with data-len=, or addr= with cpu-num=');
}
