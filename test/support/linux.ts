// The small Linux of scripts/linux-image.sh as a workload: building (or finding) it, booting it
// on Chronos (the CLI, as a user runs it) and on QEMU, and putting the two consoles side by side
// with the differences we know of, each with its reason. The test (test/linux) and the bench
// (test/bench) share it.
import { execFileSync, spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';

export const CHRONOS = resolve('dist/chronos.js');
export const FW_JUMP = '/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin';
/** The RAM both machines get: QEMU's -m 128M is what the image was sized for. */
export const MEMORY_MIB = 128;

/** Where the built image is: Image (to boot) and vmlinux (its ELF). Builds it when it is not cached. */
export function linuxImage(): { dir: string; image: string; vmlinux: string } {
  const dir = execFileSync('bash', ['scripts/linux-image.sh'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim().split('\n').pop()!;
  return { dir, image: join(dir, 'Image'), vmlinux: join(dir, 'vmlinux') };
}

export interface Boot {
  console: string;
  status: number | null;
  stderr: string;
  /** Wall-clock and CPU seconds of the whole process (user + system, from the shell's `times`). */
  wallSeconds: number;
  cpuSeconds: number;
}

/**
 * Runs one command to its end under `sh`, whose `times` gives the child's CPU time (Node has no
 * getrusage for children), and coreutils' `timeout` ends it if it runs too long. The console is
 * its stdout.
 */
export function runTimed(command: string, args: string[], timeoutMs: number): Boot {
  const quoted = [command, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  // The command's status is kept across `times`, whose report goes to a descriptor of its own.
  const script = `timeout -s KILL ${Math.ceil(timeoutMs / 1000)} ${quoted} </dev/null; s=$?; times >&3; exit $s`;
  const t0 = process.hrtime.bigint();
  const r = spawnSync('sh', ['-c', script], { stdio: ['ignore', 'pipe', 'pipe', 'pipe'], encoding: 'latin1', maxBuffer: 1 << 26 });
  const wallSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.error) throw r.error;
  // `times` prints the shell's own user and system time, then its children's.
  const children = String(r.output[3] ?? '').trim().split('\n').pop() ?? '';
  const cpuSeconds = [...children.matchAll(/(\d+)m([\d.]+)s/g)].reduce((sum, m) => sum + Number(m[1]) * 60 + Number(m[2]), 0);
  return { console: String(r.stdout), status: r.status, stderr: String(r.stderr), wallSeconds, cpuSeconds };
}

export type Firmware = 'builtin' | 'fw_jump';

/** Linux on Chronos: `chronos run --kernel Image`, with the built-in SBI or Debian's OpenSBI. */
export function bootOnChronos(image: string, opts: { firmware: Firmware; smp: number; timeoutMs: number }): Boot {
  return runTimed(process.execPath, [CHRONOS, 'run', '--stats', '--memory', String(MEMORY_MIB), '--smp', String(opts.smp),
    '--bios', opts.firmware === 'builtin' ? 'builtin' : FW_JUMP, '--kernel', image], opts.timeoutMs);
}

/** Linux on QEMU: its own OpenSBI (fw_dynamic, -bios default) or Debian's fw_jump. */
export function bootOnQemu(image: string, opts: { firmware: Firmware | 'default'; smp: number; timeoutMs: number }): Boot {
  return runTimed('qemu-system-riscv64', ['-machine', 'virt', '-nographic', '-m', `${MEMORY_MIB}M`, '-smp', String(opts.smp),
    '-bios', opts.firmware === 'fw_jump' ? FW_JUMP : 'default', '-kernel', image], opts.timeoutMs);
}

/** `instructions=N` from `chronos run --stats`. */
export function instructionsOf(boot: Boot): number {
  const m = /instructions=(\d+)/.exec(boot.stderr);
  if (!m) throw new Error(`chronos printed no --stats line; its stderr:\n${boot.stderr}`);
  return Number(m[1]);
}

/** The lines every boot of the image prints last: init ran and Linux powered the machine off. */
export const INIT_LINES = ['chronos-init: hello from user space, pid 1', 'chronos-init: powering off', 'reboot: Power down'];

/** A difference between the two consoles that we expect, and why. */
export interface KnownDifference { name: string; line: RegExp; why: string }

export const KNOWN_DIFFERENCES: KnownDifference[] = [
  { name: 'SBI version', line: /^SBI specification v\S+ detected$/,
    why: 'the built-in SBI implements SBI v2.0; OpenSBI 1.1 (QEMU\'s) v1.0' },
  { name: 'SBI implementation', line: /^SBI implementation ID=0x[0-9a-f]+ Version=0x[0-9a-f]+$/,
    why: 'the built-in SBI has its own implementation ID (0x43484e) and version; OpenSBI is ID 1' },
  { name: 'ISA extensions', line: /^riscv: base ISA extensions [a-z]+$/,
    why: 'QEMU\'s rv64 hart has the hypervisor extension (h); Chronos\'s has none' },
  { name: 'OpenSBI base ISA', line: /^Boot HART Base ISA +: rv64[a-z]+$/,
    why: 'the same hart ISA as OpenSBI reads it from misa (QEMU\'s has h)' },
  { name: 'PMP count', line: /^Boot HART PMP Count +: \d+$/,
    why: 'Chronos implements all 64 PMP entries; QEMU 7.2 16' },
  { name: 'HPM counters', line: /^Boot HART MHPM Count +: \d+$/,
    why: 'Chronos has no programmable performance counters (mhpmcounter3-31 read 0); QEMU 7.2 has 16' },
  { name: 'OpenSBI delegation', line: /^Boot HART M[IE]DELEG +: 0x[0-9a-f]+$/,
    why: 'OpenSBI also delegates the hypervisor extension\'s interrupts and exceptions (VS-level, guest page faults) where the hart has it' },
  { name: 'memory reserved', line: /^Memory: \d+K\/\d+K available \(.*reserved.*\)$/,
    why: 'QEMU\'s device tree is larger (PCIe host, flash, fw_cfg, RTC, PMU, platform bus): with memblock=debug, Linux reserves '
      + '5,343 bytes for QEMU\'s flattened tree against 2,782, 10,316 unflattened against 7,660, and four page-table pages more: 24 KiB in all' },
  { name: 'boot hart', line: /^riscv-timer: riscv_timer_init_dt: Registering clocksource cpuid \[0\] hartid \[\d+\]$/,
    why: 'with several harts, QEMU\'s OpenSBI lets whichever hart wins its boot lottery start Linux (any of them, run to run); '
      + 'the built-in SBI starts hart 0, as Chronos\'s runs are deterministic' },
];

/**
 * A console as lines to compare: no CRs, no printk timestamps, and each line of a known
 * difference replaced by its name. With `banner: false`, everything before Linux's first line
 * goes (OpenSBI's banner, which the built-in SBI does not print).
 */
export function normalise(console: string, opts: { banner: boolean }): string[] {
  let lines = console.replace(/\r/g, '').split('\n').map((l) => l.replace(/^\[ *\d+\.\d+\] /, '').trimEnd());
  if (!opts.banner) {
    const first = lines.findIndex((l) => l.startsWith('Linux version '));
    if (first > 0) lines = lines.slice(first);
  }
  while (lines.length && lines[lines.length - 1] === '') lines.pop();
  return lines.map((l) => { const k = KNOWN_DIFFERENCES.find((d) => d.line.test(l)); return k ? `<${k.name}>` : l; });
}

/** The lines where two normalised consoles differ, as a short unified listing ('' when none). */
export function differences(a: string[], b: string[], labels: [string, string]): string {
  const out: string[] = [];
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n && out.length < 40; i++) {
    if (a[i] === b[i]) continue;
    out.push(`line ${i + 1}:`, `  ${labels[0]}: ${a[i] ?? '(none)'}`, `  ${labels[1]}: ${b[i] ?? '(none)'}`);
  }
  return out.join('\n');
}
