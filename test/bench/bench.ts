// `npm run bench`: the CPU-bound C guests on Chronos and, where it is installed, on QEMU in
// the same run: test/bench/cpu.c (integer) bare and paged, and test/bench/fp.c (floating
// point, rv64gc); prints both rates and their ratio; then time travel's costs (history.ts).
// QEMU does not count
// instructions, so its rate is Chronos's instruction count for the same program over QEMU's
// run time less its start-up time (measured with an empty program).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Machine } from '../../src/emulator/machine.js';
import { chronosOs, measureHistory } from './history.js';

const ROOT = process.cwd();
const OUT = join(ROOT, 'build', 'bench');
const GCC = 'riscv64-unknown-elf-gcc';
const QEMU = 'qemu-system-riscv64';
const REPEAT = 3;

function have(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

interface Guest { source: string; march: string; mabi: string }
const INTEGER: Guest = { source: 'test/bench/cpu.c', march: 'rv64imac_zicsr_zifencei', mabi: 'lp64' };
const FLOAT: Guest = { source: 'test/bench/fp.c', march: 'rv64gc', mabi: 'lp64d' };

function build(name: string, rounds: number, start = 'test/programs/crt0.S', guest = INTEGER): string {
  mkdirSync(OUT, { recursive: true });
  const elf = join(OUT, `${name}.elf`);
  execFileSync(GCC, [`-march=${guest.march}`, `-mabi=${guest.mabi}`, '-mcmodel=medany', '-O2', '-ffreestanding',
    '-fno-math-errno', '-nostdlib', '-static', '-Wl,--no-warn-rwx-segments', '-T', 'test/bench/link.ld', `-DROUNDS=${rounds}`,
    start, guest.source, '-o', elf], { stdio: 'inherit' });
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

const best = <T extends { seconds: number }>(runs: T[]): T => runs.reduce((a, b) => (b.seconds < a.seconds ? b : a));

function measure(title: string, elf: string, empty: string, source = INTEGER.source): Record<string, unknown> {
  const chronos = best(Array.from({ length: REPEAT }, () => runChronos(elf)));
  const mips = chronos.instructions / chronos.seconds / 1e6;
  console.log(`${title}: ${source}, ${chronos.instructions} instructions, output ${JSON.stringify(chronos.output.trim())}`);
  console.log(`  chronos: ${chronos.seconds.toFixed(3)} s, ${mips.toFixed(0)} M instructions/s (best of ${REPEAT})`);
  const result: Record<string, unknown> = { instructions: chronos.instructions, chronosSeconds: chronos.seconds, chronosMips: mips };
  if (have(QEMU)) {
    const startup = best(Array.from({ length: REPEAT }, () => runQemu(empty))).seconds;
    const q = best(Array.from({ length: REPEAT }, () => runQemu(elf)));
    if (q.output.trim() !== chronos.output.trim()) throw new Error(`QEMU printed ${JSON.stringify(q.output)}, Chronos ${JSON.stringify(chronos.output)}`);
    const qs = Math.max(q.seconds - startup, 1e-3);
    const qmips = chronos.instructions / qs / 1e6;
    console.log(`  qemu:    ${qs.toFixed(3)} s (${q.seconds.toFixed(3)} s less ${startup.toFixed(3)} s start-up), ${qmips.toFixed(0)} M instructions/s`);
    console.log(`  ratio:   chronos/qemu = ${(mips / qmips).toFixed(3)}`);
    Object.assign(result, { qemuSeconds: qs, qemuStartup: startup, qemuMips: qmips, ratio: mips / qmips });
  } else {
    console.log('  qemu:    not installed (apt-get install qemu-system-misc), no ratio');
  }
  return result;
}

function main(): void {
  if (!have(GCC)) {
    console.error(`bench: ${GCC} is not installed (apt-get install gcc-riscv64-unknown-elf)`);
    process.exit(1);
  }
  const result: Record<string, unknown> = { date: new Date().toISOString() };
  result.bare = measure('M-mode, no paging', build('cpu', 1500), build('cpu-empty', 0));
  result.paged = measure('S-mode, SV39 4 KiB pages', build('cpu-paged', 1500, 'test/bench/paged.S'), build('cpu-paged-empty', 0, 'test/bench/paged.S'));
  result.float = measure('M-mode, floating point (rv64gc)', build('fp', 2000, undefined, FLOAT), build('fp-empty', 0, undefined, FLOAT), FLOAT.source);
  const paged = build('cpu-paged', 1500, 'test/bench/paged.S');
  result.historyPaged = measureHistory('S-mode paged benchmark', () => { const m = new Machine(); m.bootBare(m.loadElf(readFileSync(paged)).entry); return m; });
  const os = chronosOs();
  if (os) result.historyChronosOs = measureHistory('Chronos OS boot and user tests', os);
  else console.log('time travel on Chronos OS: the kernel is not built (npm run build:kernel), not measured');
  writeFileSync(join(OUT, 'result.json'), JSON.stringify(result, null, 2));
  if (!existsSync(join(OUT, 'result.json'))) process.exit(1);
}

main();
