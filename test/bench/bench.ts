// `npm run bench`: the guests on Chronos and, where it is installed, on QEMU in the same run:
// test/bench/cpu.c (integer) bare and paged, test/bench/alu.c (register shifts, mulh*, 64-bit
// division), test/bench/fp.c (floating point, rv64gc),
// test/programs/aspace.c (a satp write and sfence.vma every few hundred instructions, paged)
// and test/programs/cold.S (16,384 small functions, each run once); prints both rates and
// their ratio; the Chronos OS boot with its self-tests and user tests, and the Linux boot of scripts/linux-image.sh to its init and power-off, whole
// processes on both (test/support/linux.ts); then time travel's costs (history.ts); then the
// debug adapter's time from its spawn to the first breakpoint in Chronos OS (startup.ts). QEMU does not count
// instructions, so its rate is Chronos's instruction count for the same program over QEMU's
// run time less its start-up time (measured with an empty program).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Machine } from '../../src/emulator/machine.js';
import { chronosOs, chronosOsProfile, measureHistory } from './history.js';
import { bootOnChronos, bootOnQemu, CHRONOS, INIT_LINES, instructionsOf, linuxImage, runTimed, type Boot } from '../support/linux.js';
import { loadavg } from 'node:os';
import { measureStartup } from './startup.js';

const ROOT = process.cwd();
const OUT = join(ROOT, 'build', 'bench');
const GCC = 'riscv64-unknown-elf-gcc';
const QEMU = 'qemu-system-riscv64';
const REPEAT = 3;

function have(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

interface Guest { sources: string[]; march: string; mabi: string }
const INTEGER: Guest = { sources: ['test/bench/cpu.c'], march: 'rv64imac_zicsr_zifencei', mabi: 'lp64' };
const FLOAT: Guest = { sources: ['test/bench/fp.c'], march: 'rv64gc', mabi: 'lp64d' };
const ALU: Guest = { ...INTEGER, sources: ['test/bench/alu.c'] };
const ASPACE: Guest = { ...INTEGER, sources: ['test/programs/aspace.c'] };
const COLD: Guest = { ...INTEGER, sources: ['test/programs/cold.S', 'test/programs/cold.c'] };

function build(name: string, rounds: number, start = 'test/programs/crt0.S', guest = INTEGER): string {
  mkdirSync(OUT, { recursive: true });
  const elf = join(OUT, `${name}.elf`);
  execFileSync(GCC, [`-march=${guest.march}`, `-mabi=${guest.mabi}`, '-mcmodel=medany', '-O2', '-ffreestanding',
    '-fno-math-errno', '-nostdlib', '-static', '-Wl,--no-warn-rwx-segments', '-T', 'test/bench/link.ld', `-DROUNDS=${rounds}`,
    start, ...guest.sources, '-o', elf], { stdio: 'inherit' });
  return elf;
}

function runChronos(elf: string): { instructions: number; seconds: number; output: string } {
  const m = new Machine();
  m.bootBare(m.loadElf(readFileSync(elf)).entry);
  let output = '';
  m.onUartOutput.event((b) => { output += String.fromCharCode(b); });
  const t0 = process.hrtime.bigint();
  const r = m.run(Number.MAX_SAFE_INTEGER);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.kind !== 'exit' || r.status !== 0) throw new Error(`benchmark guest ended with ${JSON.stringify(r)}`);
  return { instructions: m.instret, seconds, output };
}

function runQemu(elf: string): { seconds: number; output: string } {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(QEMU, ['-machine', 'virt', '-nographic', '-bios', 'none', '-kernel', elf], { timeout: 120_000 });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`QEMU ended with status ${r.status}: ${r.stderr}`);
  return { seconds, output: r.stdout.toString() };
}

const rate = (mips: number): string => mips.toFixed(mips < 10 ? 2 : 0);

const best = <T extends { seconds: number }>(runs: T[]): T => runs.reduce((a, b) => (b.seconds < a.seconds ? b : a));

function measure(title: string, elf: string, empty: string, source = INTEGER.sources.join(' ')): Record<string, unknown> {
  const chronos = best(Array.from({ length: REPEAT }, () => runChronos(elf)));
  const mips = chronos.instructions / chronos.seconds / 1e6;
  console.log(`${title}: ${source}, ${chronos.instructions} instructions, output ${JSON.stringify(chronos.output.trim())}`);
  console.log(`  chronos: ${chronos.seconds.toFixed(3)} s, ${rate(mips)} M instructions/s (best of ${REPEAT})`);
  const result: Record<string, unknown> = { instructions: chronos.instructions, chronosSeconds: chronos.seconds, chronosMips: mips };
  if (have(QEMU)) {
    const startup = best(Array.from({ length: REPEAT }, () => runQemu(empty))).seconds;
    const q = best(Array.from({ length: REPEAT }, () => runQemu(elf)));
    if (q.output.trim() !== chronos.output.trim()) throw new Error(`QEMU printed ${JSON.stringify(q.output)}, Chronos ${JSON.stringify(chronos.output)}`);
    const qs = Math.max(q.seconds - startup, 1e-3);
    const qmips = chronos.instructions / qs / 1e6;
    console.log(`  qemu:    ${qs.toFixed(3)} s (${q.seconds.toFixed(3)} s less ${startup.toFixed(3)} s start-up), ${rate(qmips)} M instructions/s`);
    console.log(`  ratio:   chronos/qemu = ${(mips / qmips).toFixed(3)}`);
    Object.assign(result, { qemuSeconds: qs, qemuStartup: startup, qemuMips: qmips, ratio: mips / qmips });
  } else {
    console.log('  qemu:    not installed (apt-get install qemu-system-misc), no ratio');
  }
  return result;
}

/** The run that took the least CPU time. */
const fastest = (b: Boot[]): Boot => b.reduce((x, y) => (y.cpuSeconds < x.cpuSeconds ? y : x));

/** A whole-process boot's figures against QEMU's fastest run of the same guest, printed and added to `result`. */
function againstQemu(ours: Boot, qemu: Boot[], result: Record<string, unknown>): Record<string, unknown> {
  if (qemu.length === 0) {
    console.log('  qemu:    not installed (apt-get install qemu-system-misc), no ratio');
    return result;
  }
  const q = fastest(qemu);
  console.log(`  qemu (its OpenSBI):     ${q.cpuSeconds.toFixed(2)} s CPU, ${q.wallSeconds.toFixed(2)} s wall (whole process)`);
  console.log(`  ratio:   chronos/qemu time = ${(ours.cpuSeconds / q.cpuSeconds).toFixed(1)}x CPU, ${(ours.wallSeconds / q.wallSeconds).toFixed(1)}x wall`);
  return Object.assign(result, { qemuCpuSeconds: q.cpuSeconds, qemuWallSeconds: q.wallSeconds, ratioCpu: ours.cpuSeconds / q.cpuSeconds, ratioWall: ours.wallSeconds / q.wallSeconds });
}

/**
 * The Linux boot, whole processes (`chronos run --kernel Image`, `qemu-system-riscv64 -kernel
 * Image`) from start to power-off, runs alternating between the two machines; the best of each
 * by CPU seconds. The built-in SBI against QEMU's own OpenSBI (each machine's default), and
 * Debian's OpenSBI fw_jump on Chronos (the same firmware work QEMU does).
 */
function measureLinux(): Record<string, unknown> | undefined {
  let image: string;
  try { image = linuxImage().image; } catch {
    console.log('Linux boot: scripts/linux-image.sh could not build the image (see above), not measured');
    return undefined;
  }
  const reached = (b: Boot, where: string): Boot => {
    if (b.status !== 0 || !INIT_LINES.every((l) => b.console.includes(l))) throw new Error(`${where}: Linux did not reach its init and power off:\n${b.console.slice(-800)}${b.stderr.slice(-400)}`);
    return b;
  };
  const load0 = loadavg()[0];
  const runs: Record<'builtin' | 'fwJump' | 'qemu', Boot[]> = { builtin: [], fwJump: [], qemu: [] };
  for (let i = 0; i < REPEAT; i++) {
    runs.builtin.push(reached(bootOnChronos(image, { firmware: 'builtin', smp: 1, timeoutMs: 600_000 }), 'Chronos'));
    if (have(QEMU)) runs.qemu.push(reached(bootOnQemu(image, { firmware: 'default', smp: 1, timeoutMs: 120_000 }), 'QEMU'));
    runs.fwJump.push(reached(bootOnChronos(image, { firmware: 'fw_jump', smp: 1, timeoutMs: 600_000 }), 'Chronos under fw_jump'));
  }
  const load1 = loadavg()[0];
  const builtin = fastest(runs.builtin), fwJump = fastest(runs.fwJump);
  const instructions = instructionsOf(builtin), fwInstructions = instructionsOf(fwJump);
  const line = (b: Boot, n: number): string => `${b.cpuSeconds.toFixed(2)} s CPU, ${b.wallSeconds.toFixed(2)} s wall, ${rate(n / b.cpuSeconds / 1e6)} M instructions per CPU second`;
  console.log(`Linux boot to its init and power-off: ${image} (1 hart, 128 MiB), best of ${REPEAT} by CPU time, load average ${load0.toFixed(1)} -> ${load1.toFixed(1)}`);
  console.log(`  chronos (built-in SBI): ${instructions} instructions, ${line(builtin, instructions)}`);
  console.log(`  chronos (OpenSBI fw_jump): ${fwInstructions} instructions, ${line(fwJump, fwInstructions)}`);
  const result: Record<string, unknown> = { image, instructions, chronosCpuSeconds: builtin.cpuSeconds, chronosWallSeconds: builtin.wallSeconds,
    fwJumpInstructions: fwInstructions, fwJumpCpuSeconds: fwJump.cpuSeconds, fwJumpWallSeconds: fwJump.wallSeconds, loadAverage: [load0, load1] };
  return againstQemu(builtin, runs.qemu, result);
}

/** Chronos OS as `npm run build:kernel` builds it. */
const CHRONOS_OS = 'kernel/target/riscv64gc-unknown-none-elf/release/chronos-kernel';
/** What every boot of Chronos OS prints last: both test suites passed and init ended. */
const OS_DONE = [/^ktest: \d+ passed, 0 failed$/m, /^utest: \d+ passed, 0 failed$/m, /^\[kernel\] init exited with status 0$/m];

/**
 * The Chronos OS boot (its kernel self-tests, then init running the user-mode tests, to the
 * power-off), whole processes as the Linux boot: `chronos run --stats` with the built-in SBI
 * against `qemu-system-riscv64 -kernel` with QEMU's own OpenSBI (each machine's default),
 * alternating, the best of each by CPU seconds. QEMU's timers run in real time, so its guest
 * waits out the kernel's sleeps and time slices; Chronos's clock follows the instruction count.
 */
function measureChronosOs(): Record<string, unknown> | undefined {
  if (!existsSync(CHRONOS_OS)) {
    console.log(`Chronos OS boot: ${CHRONOS_OS} is not built (npm run build:kernel), not measured`);
    return undefined;
  }
  const done = (b: Boot, where: string): Boot => {
    if (b.status !== 0 || !OS_DONE.every((l) => l.test(b.console.replace(/\r\n/g, '\n')))) {
      throw new Error(`${where}: Chronos OS did not pass its tests and end:\n${b.console.slice(-800)}${b.stderr.slice(-400)}`);
    }
    return b;
  };
  const load0 = loadavg()[0];
  const runs: Record<'chronos' | 'qemu', Boot[]> = { chronos: [], qemu: [] };
  for (let i = 0; i < REPEAT; i++) {
    runs.chronos.push(done(runTimed(process.execPath, [CHRONOS, 'run', '--stats', CHRONOS_OS], 600_000), 'Chronos'));
    if (have(QEMU)) {
      runs.qemu.push(done(runTimed(QEMU, ['-machine', 'virt', '-nographic', '-m', '128M', '-bios', 'default', '-kernel', CHRONOS_OS], 120_000), 'QEMU'));
    }
  }
  const load1 = loadavg()[0];
  const chronos = fastest(runs.chronos), instructions = instructionsOf(chronos);
  console.log(`Chronos OS boot, self-tests and user tests to the power-off: ${CHRONOS_OS} (1 hart), best of ${REPEAT} by CPU time, load average ${load0.toFixed(1)} -> ${load1.toFixed(1)}`);
  console.log(`  chronos (built-in SBI): ${instructions} instructions, ${chronos.cpuSeconds.toFixed(2)} s CPU, ${chronos.wallSeconds.toFixed(2)} s wall, `
    + `${rate(instructions / chronos.cpuSeconds / 1e6)} M instructions per CPU second`);
  const result: Record<string, unknown> = { kernel: CHRONOS_OS, instructions, chronosCpuSeconds: chronos.cpuSeconds, chronosWallSeconds: chronos.wallSeconds, loadAverage: [load0, load1] };
  return againstQemu(chronos, runs.qemu, result);
}

async function main(): Promise<void> {
  if (!have(GCC)) {
    console.error(`bench: ${GCC} is not installed (apt-get install gcc-riscv64-unknown-elf)`);
    process.exit(1);
  }
  const result: Record<string, unknown> = { date: new Date().toISOString() };
  // `node dist/bench.js aspace cold` runs only those (`alu` names the ALU guest, `chronos` the Chronos OS boot, `linux`
  // the Linux boot, `history` time travel's costs, `startup` F5 to the first breakpoint).
  const only = process.argv.slice(2);
  const cases: [string, () => Record<string, unknown>][] = [
    ['bare', () => measure('M-mode, no paging', build('cpu', 1500), build('cpu-empty', 0))],
    ['paged', () => measure('S-mode, SV39 4 KiB pages', build('cpu-paged', 1500, 'test/bench/paged.S'), build('cpu-paged-empty', 0, 'test/bench/paged.S'))],
    ['alu', () => measure('M-mode, 64-bit shifts by a register, mulh*, div and rem', build('alu', 1000, undefined, ALU),
      build('alu-empty', 0, undefined, ALU), ALU.sources.join(' '))],
    ['float', () => measure('M-mode, floating point (rv64gc)', build('fp', 2000, undefined, FLOAT), build('fp-empty', 0, undefined, FLOAT), FLOAT.sources.join(' '))],
    ['aspace', () => measure('S-mode, SV39, satp write and sfence.vma every ~380 instructions',
      build('aspace', 100_000, 'test/bench/paged.S', ASPACE), build('aspace-empty', 0, 'test/bench/paged.S', ASPACE), ASPACE.sources.join(' '))],
    ['cold', () => measure('M-mode, cold code (16,384 functions run once)',
      build('cold', 1, undefined, COLD), build('cold-empty', 0, undefined, COLD), COLD.sources.join(' '))],
  ];
  for (const [name, run] of cases) if (only.length === 0 || only.includes(name)) result[name] = run();
  if (only.length === 0 || only.includes('chronos')) result.chronosOs = measureChronosOs();
  if (only.length === 0 || only.includes('linux')) result.linux = measureLinux();
  if (only.length === 0 || only.includes('history')) {
    const paged = build('cpu-paged', 1500, 'test/bench/paged.S');
    result.historyPaged = measureHistory('S-mode paged benchmark', () => { const m = new Machine(); m.bootBare(m.loadElf(readFileSync(paged)).entry); return m; });
    const os = chronosOs();
    if (os) result.historyChronosOs = measureHistory('Chronos OS boot and user tests', os, chronosOsProfile());
    else console.log('time travel on Chronos OS: the kernel is not built (npm run build:kernel), not measured');
  }
  if (only.length === 0 || only.includes('startup')) result.startup = await measureStartup();
  mkdirSync(OUT, { recursive: true });
  writeFileSync(join(OUT, 'result.json'), JSON.stringify(result, null, 2));
  if (!existsSync(join(OUT, 'result.json'))) process.exit(1);
}

void main();
