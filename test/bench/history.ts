// Time travel's costs (src/emulator/history/), for `npm run bench`: forward speed with recording
// off, on, and on with the Timeline view's collection (src/debugger/timeline.ts, run as the
// adapter runs it), the record's memory per million instructions, the latency of a step back
// (the first, which replays up to a checkpoint interval, and the ones after it), and a reverse
// continue that searches the whole record for a write that never happens. Guests: the paged
// integer benchmark (bare S-mode code) and Chronos OS's boot and user tests, when the kernel
// is built (npm run build:kernel).
import { existsSync, readFileSync } from 'node:fs';
import { Machine } from '../../src/emulator/machine.js';
import { History } from '../../src/emulator/history/history.js';
import { parseElf } from '../../src/emulator/loader/elf.js';
import { Timeline } from '../../src/debugger/timeline.js';
import { ChronosProfile } from '../../src/debugger/profiles/chronos.js';
import { locateDescriptor } from '../../src/debugger/inspectors/descriptor.js';
import { Symbols } from '../../src/debugger/symbols.js';
import type { KernelProfile } from '../../src/debugger/profiles/profile.js';

const SLICE = 2_000_000;
const BUDGET = 4 * 2 ** 30;
const KERNEL = 'kernel/target/riscv64gc-unknown-none-elf/release/chronos-kernel';

type Boot = () => Machine;
/** The kernel profile the Timeline samples (what the adapter would choose for this guest). */
type ProfileOf = (m: Machine) => KernelProfile;

/** A guest the views know nothing about: the timeline records its traps and samples nothing. */
const NO_PROFILE: ProfileOf = () => ({ kernel: undefined, frames: () => 'no profile', heap: () => 'no profile', processes: () => 'no profile' });

type Mode = 'off' | 'record' | 'timeline';

interface Run { seconds: number; progress: number; m: Machine; h?: History; tl?: Timeline }

function timeRun(boot: Boot, mode: Mode, profileOf: ProfileOf): Run {
  const m = boot();
  // CPU time, which a machine shared with other work disturbs less than wall time.
  const t0 = process.cpuUsage();
  const h = mode !== 'off' ? new History(m, BUDGET) : undefined;
  // As the adapter runs it: a sample offered after every run, traps through Machine.onTrapTaken.
  const profile = profileOf(m);
  const tl = mode === 'timeline' ? new Timeline(m, () => profile, () => h!.replaying) : undefined;
  for (;;) {
    const r = h ? h.run(SLICE, { resume: false }) : m.run(SLICE, { resume: false });
    tl?.sample();
    if (r.kind === 'exit') break;
    if (r.kind !== 'budget') throw new Error(`the guest stopped: ${JSON.stringify(r)}`);
  }
  const used = process.cpuUsage(t0);
  return { seconds: (used.user + used.system) / 1e6, progress: m.progress, m, h, tl };
}

const ms = (t0: bigint): number => Number(process.hrtime.bigint() - t0) / 1e6;

export function measureHistory(title: string, boot: Boot, profileOf: ProfileOf = NO_PROFILE, repeat = 3): Record<string, number> {
  // Alternated, so that no mode has the warm-up to itself; best of each.
  const offs: Run[] = [], runs: Run[] = [], timelines: Run[] = [];
  for (let i = 0; i < repeat; i++) {
    offs.push(timeRun(boot, 'off', profileOf)); runs.push(timeRun(boot, 'record', profileOf)); timelines.push(timeRun(boot, 'timeline', profileOf));
  }
  const best = (list: Run[]) => list.reduce((a, b) => (b.seconds < a.seconds ? b : a));
  const off = best(offs), on = best(runs), tl = best(timelines);
  const tlView = tl.tl!.view();
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
  const slowdown = on.seconds / off.seconds, timelineSlowdown = tl.seconds / off.seconds;
  console.log(`time travel, ${title}: ${on.progress} instructions and traps`);
  console.log(`  forward: ${(off.progress / off.seconds / 1e6).toFixed(1)} M/s recording off, ${(on.progress / on.seconds / 1e6).toFixed(1)} M/s on: ${slowdown.toFixed(2)}x the CPU time (best of ${repeat}, alternated)`);
  console.log(`  with the timeline: ${(tl.progress / tl.seconds / 1e6).toFixed(1)} M/s: ${timelineSlowdown.toFixed(2)}x recording off, ${(tl.seconds / on.seconds).toFixed(2)}x recording alone; `
    + `${tlView.cost.samples} samples in ${tlView.cost.sampleMs} ms, process checks ${tlView.cost.processMs} ms, ${Object.values(tlView.counts).reduce((a, b) => a + b, 0)} markers, ${(tlView.cost.bytes / 1024).toFixed(0)} KiB`);
  console.log(`  memory:  ${(w.bytes / 2 ** 20).toFixed(1)} MiB in ${w.checkpoints} checkpoints, ${(w.bytes / millions / 2 ** 10).toFixed(0)} KiB per million instructions`);
  console.log(`  step back: first ${first.toFixed(1)} ms, then ${next.toFixed(2)} ms each (${N}); to the middle ${far.toFixed(1)} ms`);
  console.log(`  reverse continue over the whole record: ${reverse.toFixed(2)} s (${(reverse / millions * 1000).toFixed(1)} s per 10^9 instructions)`);
  return {
    progress: on.progress, offSeconds: off.seconds, onSeconds: on.seconds, slowdown,
    timelineSeconds: tl.seconds, timelineSlowdown, timelineSamples: tlView.cost.samples, timelineSampleMs: tlView.cost.sampleMs, timelineBytes: tlView.cost.bytes, bytes: w.bytes, checkpoints: w.checkpoints,
    bytesPerMillion: w.bytes / millions, stepBackFirstMs: first, stepBackNextMs: next, seekMiddleMs: far,
    reverseSeconds: reverse, reverseSecondsPer1e9: reverse / millions * 1000,
  };
}

/** Chronos OS's profile: its debug descriptor, where the adapter finds it. */
export function chronosOsProfile(): ProfileOf {
  const elf = parseElf(readFileSync(KERNEL));
  const at = locateDescriptor(elf, new Symbols(elf));
  if (at === undefined) throw new Error(`${KERNEL} has no debug descriptor`);
  return (m) => new ChronosProfile(m.debug, at);
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
