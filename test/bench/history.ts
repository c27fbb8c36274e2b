// Time travel's costs (src/emulator/history/), for `npm run bench`: forward speed with recording
// on and off, the record's memory per million instructions, the latency of a step back (the
// first, which replays up to a checkpoint interval, and the ones after it), and a reverse
// continue that searches the whole record for a write that never happens. Guests: the paged
// integer benchmark (bare S-mode code) and Chronos OS's boot and user tests, when the kernel
// is built (npm run build:kernel).
import { existsSync, readFileSync } from 'node:fs';
import { Machine } from '../../src/emulator/machine.js';
import { History } from '../../src/emulator/history/history.js';

const SLICE = 2_000_000;
const BUDGET = 4 * 2 ** 30;
const KERNEL = 'kernel/target/riscv64gc-unknown-none-elf/release/chronos-kernel';

type Boot = () => Machine;

function timeRun(boot: Boot, record: boolean): { seconds: number; progress: number; m: Machine; h?: History } {
  const m = boot();
  // CPU time, which a machine shared with other work disturbs less than wall time.
  const t0 = process.cpuUsage();
  const h = record ? new History(m, BUDGET) : undefined;
  for (;;) {
    const r = h ? h.run(SLICE, { resume: false }) : m.run(SLICE, { resume: false });
    if (r.kind === 'exit') break;
    if (r.kind !== 'budget') throw new Error(`the guest stopped: ${JSON.stringify(r)}`);
  }
  const used = process.cpuUsage(t0);
  return { seconds: (used.user + used.system) / 1e6, progress: m.progress, m, h };
}

const ms = (t0: bigint): number => Number(process.hrtime.bigint() - t0) / 1e6;

export function measureHistory(title: string, boot: Boot, repeat = 3): Record<string, number> {
  // Alternated, so that neither side has the warm-up to itself; best of each.
  const offs: ReturnType<typeof timeRun>[] = [], runs: ReturnType<typeof timeRun>[] = [];
  for (let i = 0; i < repeat; i++) { offs.push(timeRun(boot, false)); runs.push(timeRun(boot, true)); }
  const best = (list: ReturnType<typeof timeRun>[]) => list.reduce((a, b) => (b.seconds < a.seconds ? b : a));
  const off = best(offs), on = best(runs);
  const h = on.h!, w = h.window, millions = on.progress / 1e6;
  // Step backs from the end: the first replays from the last checkpoint, the next ones less.
  let t0 = process.hrtime.bigint();
  h.seek(on.m.progress - 1);
  const first = ms(t0);
  t0 = process.hrtime.bigint();
  const N = 200;
  for (let i = 0; i < N; i++) h.seek(on.m.progress - 1);
  const next = ms(t0) / N;
  // A far step back: to the middle of the record.
  t0 = process.hrtime.bigint();
  h.seek(Math.floor(w.last / 2));
  const far = ms(t0);
  h.seek(w.last);
  // Reverse continue over the whole record, for a write nobody makes (a watchpoint on a word of
  // the last RAM page): every interval replayed with watchpoints armed.
  const top = BigInt(on.m.ram.base + on.m.ram.size - 8);
  on.m.setWatchpoints([{ address: top, size: 8, access: 'write', physical: true }]);
  t0 = process.hrtime.bigint();
  const found = h.findLast(w.last, () => true);
  const reverse = ms(t0) / 1000;
  on.m.setWatchpoints([]);
  if (found) throw new Error('the reverse search found a write to a word nobody writes');
  const slowdown = on.seconds / off.seconds;
  console.log(`time travel, ${title}: ${on.progress} instructions and traps`);
  console.log(`  forward: ${(off.progress / off.seconds / 1e6).toFixed(1)} M/s recording off, ${(on.progress / on.seconds / 1e6).toFixed(1)} M/s on: ${slowdown.toFixed(2)}x the CPU time (best of ${repeat}, alternated)`);
  console.log(`  memory:  ${(w.bytes / 2 ** 20).toFixed(1)} MiB in ${w.checkpoints} checkpoints, ${(w.bytes / millions / 2 ** 10).toFixed(0)} KiB per million instructions`);
  console.log(`  step back: first ${first.toFixed(1)} ms, then ${next.toFixed(2)} ms each (${N}); to the middle ${far.toFixed(1)} ms`);
  console.log(`  reverse continue over the whole record: ${reverse.toFixed(2)} s (${(reverse / millions * 1000).toFixed(1)} s per 10^9 instructions)`);
  return {
    progress: on.progress, offSeconds: off.seconds, onSeconds: on.seconds, slowdown, bytes: w.bytes, checkpoints: w.checkpoints,
    bytesPerMillion: w.bytes / millions, stepBackFirstMs: first, stepBackNextMs: next, seekMiddleMs: far,
    reverseSeconds: reverse, reverseSecondsPer1e9: reverse / millions * 1000,
  };
}

/** Chronos OS booting and running its user tests (bootargs empty), when the kernel is built. */
export function chronosOs(): Boot | undefined {
  if (!existsSync(KERNEL)) return undefined;
  const elf = readFileSync(KERNEL);
  return () => {
    const m = new Machine({ bios: 'builtin' });
    m.loadElf(elf);
    m.boot();
    return m;
  };
}
