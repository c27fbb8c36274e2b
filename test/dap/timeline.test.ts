// The Timeline view's data (chronos/timeline) over the Debug Adapter Protocol, on Chronos OS
// built from source and run through its user tests: free frames and heap use sampled over the
// run, agreeing with the Physical Frames and Heap views at a stop; system calls, context switches
// and breakpoint hits at their positions; nothing collected twice when the machine replays; and
// a point on the timeline travelled to with chronos/goto shows that point's state in the views.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import { client, launch as launchWith } from './support.js';

const KERNEL = resolve('kernel/target/riscv64gc-unknown-none-elf/release/chronos-kernel');

before(() => {
  execFileSync(process.execPath, ['esbuild.mjs']);
  execFileSync('bash', ['scripts/build-kernel.sh'], { stdio: ['ignore', 'ignore', 'inherit'] });
});

interface Sample { at: number; freeFrames?: number; heapUsed?: number }
interface Marker { at: number; kind: string; hart: number; text: string }
interface Timeline {
  from: number; to: number; samples: Sample[]; markers: Marker[]; counts: Record<string, number>;
  totalFrames?: number; heapSize?: number; position: number; history: { first?: number; last?: number };
  cost: { samples: number; sampleMs: number; sinceMs: number };
}

const timeline = async (c: DebugClient, args: Record<string, unknown> = {}): Promise<Timeline> => (await c.customRequest('chronos/timeline', args)).body as Timeline;

test('frames and heap over a run of the user tests, with system calls, switches and breakpoint hits; goto a point shows its state', async () => {
  const c = await client();
  await launchWith(c, { program: KERNEL, bootargs: '' });
  // Stop at the power-off: by then processes have come and gone.
  await c.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'finisher::exit' }] });
  await Promise.all([c.configurationDoneRequest(), c.waitForEvent('stopped', 300_000)]);
  const t = await timeline(c);
  assert.ok(t.samples.length >= 10, `${t.samples.length} samples`);
  for (let i = 1; i < t.samples.length; i++) assert.ok(t.samples[i].at > t.samples[i - 1].at, 'samples in order');
  assert.equal(t.to, t.position);
  assert.ok(t.totalFrames! > 0 && t.heapSize! > 0);
  assert.ok(t.counts.syscall > 0 && t.counts.switch > 0, JSON.stringify(t.counts));
  assert.ok(t.markers.some((m) => m.kind === 'syscall' && /system call \d+/.test(m.text)));
  assert.ok(t.markers.some((m) => m.kind === 'switch' && /→ pid \d+/.test(m.text)), 'a switch names the process');
  const hit = t.markers.filter((m) => m.kind === 'breakpoint');
  assert.deepEqual(hit.map((m) => m.at), [t.position], 'the breakpoint hit, at the stop');
  // The latest sample is the stop's own, and says what the views say.
  const last = t.samples[t.samples.length - 1];
  assert.equal(last.at, t.position);
  const frames = (await c.customRequest('chronos/frames')).body as { free: number };
  const heap = (await c.customRequest('chronos/heap')).body as { used: number };
  assert.equal(last.freeFrames, frames.free);
  assert.equal(last.heapUsed, heap.used);
  // Memory was used and given back along the way: the series are not flat.
  const free = t.samples.flatMap((s) => (s.freeFrames === undefined ? [] : [s.freeFrames]));
  assert.ok(Math.min(...free) < Math.max(...free), 'free frames vary');
  assert.ok(t.cost.sampleMs < t.cost.sinceMs / 20, `sampling took ${t.cost.sampleMs} ms of ${t.cost.sinceMs}`);

  // A narrower range, and fewer points: only what falls inside, evenly thinned.
  const mid = Math.floor(t.position / 2);
  const half = await timeline(c, { from: mid, points: 5 });
  assert.ok(half.samples.length <= 7 && half.samples.slice(1).every((s) => s.at >= mid));
  assert.ok(half.markers.every((m) => m.at >= mid));
  await assert.rejects(c.customRequest('chronos/timeline', { from: 10, to: 5 }), /from \(10\) is after to \(5\)/);
  await assert.rejects(c.customRequest('chronos/timeline', { points: 1 }), /points must be at least 2/);

  // Travel to a sample in the middle (as a click does): the views show that point's totals.
  const point = t.samples.find((s) => s.at > mid && s.freeFrames !== undefined && s.freeFrames !== last.freeFrames)!;
  assert.ok(point, 'a sample in the second half with other totals than the end');
  await Promise.all([c.customRequest('chronos/goto', { instruction: point.at }), c.waitForEvent('stopped')]);
  assert.equal(((await c.customRequest('chronos/frames')).body as { free: number }).free, point.freeFrames);
  assert.equal(((await c.customRequest('chronos/heap')).body as { used: number }).used, point.heapUsed);
  // Replaying forward again records nothing twice.
  await Promise.all([c.customRequest('chronos/goto', { instruction: t.position }), c.waitForEvent('stopped')]);
  const again = await timeline(c);
  assert.deepEqual(again.counts, t.counts);
  assert.equal(again.samples.length, t.samples.length);
});
