/// <reference types="mocha" />
// Time travel from the views inside a real VS Code: "Run Back to the Last Write" on a Heap view
// block, a Page Tables entry, a frame of the Physical Frames view and a Watch-style expression,
// each landing on its writer; bytes nothing wrote; and the Timeline view's data, with a travel
// to one of its points that the Physical Frames view then shows.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ChronosApi } from '../../src/extension/extension.js';
import { frameWriteTarget, type FramesModel, type Item } from '../../src/extension/memoryViews.js';
import type { RunBackResult } from '../../src/extension/runBack.js';
import type { TimelineModel } from '../../src/extension/timelineView.js';
import { Stops, chronos, start, stopSessions } from './session.js';

let api: ChronosApi;
let stops: Stops;

suiteSetup(async () => {
  api = await chronos();
  stops = new Stops();
});
suiteTeardown(() => stops.dispose());

const LATER = 'boot::debug_descriptor_layout';

async function stopAtLater(): Promise<vscode.DebugSession> {
  vscode.debug.addBreakpoints([new vscode.FunctionBreakpoint(LATER)]);
  const s = await start({ bootargs: 'monitor' });
  assert.equal(await stops.next(), 'function breakpoint');
  return s;
}

const position = async (s: vscode.DebugSession): Promise<number> => (await s.customRequest('chronos/stats')).history.position;
const stack = async (s: vscode.DebugSession): Promise<string[]> =>
  ((await s.customRequest('stackTrace', { threadId: 1 })).stackFrames as { name: string }[]).map((f) => f.name);

/** The command, as a context menu runs it, and the stop it makes. */
async function runBack(arg: unknown): Promise<RunBackResult> {
  const r = await vscode.commands.executeCommand<RunBackResult>('chronos.runBackToWrite', arg);
  assert.ok(r, 'the command answered');
  if (r.found) assert.equal(await stops.next(), 'data breakpoint');
  return r;
}

function walk(items: Item[], keep: (i: Item) => boolean): Item | undefined {
  for (const i of items) {
    if (keep(i)) return i;
    const inner = walk(i.children ?? [], keep);
    if (inner) return inner;
  }
  return undefined;
}

suite('time travel from the views', () => {
  teardown(stopSessions);

  test('Run Back to the Last Write: a heap block, a page-table entry, a frame and an expression', async () => {
    const s = await stopAtLater();
    const from = await position(s);

    await api.views.heap.refresh();
    const block = api.views.heap.getChildren().find((i) => i.write);
    assert.ok(block?.write, 'a free block offers its header');
    assert.equal(api.views.heap.getTreeItem(block).contextValue, 'chronos.written');
    const heapWrite = await runBack(block);
    assert.equal(heapWrite.found, true, heapWrite.message);
    assert.ok(heapWrite.position < from);
    assert.ok((await stack(s)).some((n) => /heap|alloc/i.test(n)), (await stack(s)).join(' < '));

    // Back at the breakpoint (travel forward), then a page-table entry the kernel wrote: a leaf of its text.
    await api.views.timeline.travel(from);
    await stops.next();
    api.views.pageTables.flat = false;
    await api.views.pageTables.refresh();
    const leaf = walk(api.views.pageTables.getChildren(), (i) => i.label.startsWith('L0[0] 0x80200000'));
    assert.ok(leaf?.write, 'the kernel text\'s entry offers itself');
    const pte = await runBack(leaf);
    assert.equal(pte.found, true, pte.message);
    assert.match(pte.message, /the last write of the L0\[0\] entry for 0x80200000/);
    assert.ok((await stack(s)).some((n) => /page_table|memory_set|map/i.test(n)), (await stack(s)).join(' < '));

    await api.views.timeline.travel(from);
    await stops.next();
    await api.views.frames.refresh();
    const model = api.views.frames.model as FramesModel;
    const frame = model.bitmap.indexOf('1');
    const frameWrite = await runBack(frameWriteTarget(model, frame));
    assert.equal(frameWrite.found, true, frameWrite.message);
    assert.match(frameWrite.message, new RegExp(`the last write of frame ${frame} \\(PPN`));
    // The view, refreshed at the stop, shows the frame free: the write is about to allocate it.
    await api.views.frames.refresh();
    assert.equal((api.views.frames.model as FramesModel).bitmap[frame], '0');

    // A Watch expression, by its text; and the Variables view's form of the same.
    await api.views.timeline.travel(from);
    await stops.next();
    const stats = await runBack('FRAME_STATS');
    assert.equal(stats.found, true, stats.message);
    assert.ok((await stack(s)).some((n) => /frame_allocator/.test(n)));
    const registers = (await s.customRequest('scopes', { frameId: 0 })).scopes.find((x: { name: string }) => x.name === 'Registers');
    const refused = await runBack({ container: { variablesReference: registers.variablesReference }, variable: { name: 'a0' } });
    assert.equal(refused.found, false);
    assert.match(refused.message, /registers/);
  });

  test('bytes nothing wrote are said to be so, and the machine stays', async () => {
    const s = await stopAtLater();
    const from = await position(s);
    const r = await vscode.commands.executeCommand<RunBackResult>('chronos.runBackToWrite', { address: '0x80200000', size: 4, physical: true, label: 'the kernel\'s first instruction' });
    assert.equal(r?.found, false);
    assert.match(r!.message, /^nothing in the recorded window \(instructions 0 to \d+\) wrote the kernel's first instruction/);
    assert.equal(await position(s), from);
  });

  test('the Timeline view: samples and markers; a travel to a point shows that point in the Physical Frames view', async () => {
    // The user tests run to the power-off, where the breakpoint stops them.
    vscode.debug.addBreakpoints([new vscode.FunctionBreakpoint('finisher::exit')]);
    await start({ bootargs: '' });
    assert.equal(await stops.next(300_000), 'function breakpoint');
    await api.views.timeline.refresh();
    const t = api.views.timeline.model as TimelineModel;
    assert.ok(!('message' in t), JSON.stringify(t));
    assert.ok(t.samples.length > 5 && t.counts.syscall > 0 && t.counts.switch > 0, JSON.stringify(t.counts));
    assert.equal(t.first, 0);
    assert.equal(t.last, t.position);
    const point = t.samples.find((p) => p.at > t.position / 2 && p.freeFrames !== undefined && p.freeFrames !== t.samples[t.samples.length - 1].freeFrames);
    assert.ok(point);
    await api.views.timeline.travel(point.at);
    assert.equal(await stops.next(), 'step');
    assert.deepEqual(api.views.timeline.lastTravel, { at: point.at });
    await api.views.frames.refresh();
    assert.equal((api.views.frames.model as FramesModel).free, point.freeFrames);
    await api.views.timeline.refresh();
    assert.equal((api.views.timeline.model as TimelineModel).position, point.at);
  });
});
