// Time travel over the Debug Adapter Protocol (stdio), on Chronos OS built from source: step
// back by instruction and by line, reverse continue to the last write of FRAME_STATS.free (a
// data breakpoint), changes refused in the past, and forward again to the same future: the
// same positions at the same breakpoints and the same output as a session that never went back
// (and recorded nothing: history false); reverse continue to a function breakpoint's previous hits.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { client, launch as launchWith } from './support.js';

const KERNEL = resolve('kernel/target/riscv64gc-unknown-none-elf/release/chronos-kernel');
/** Two self-tests the boot runs in this order, after the frame allocator's own. */
const FIRST = 'boot::heap_vec', LATER = 'boot::debug_descriptor_layout';

before(() => {
  execFileSync(process.execPath, ['esbuild.mjs']);
  execFileSync('bash', ['scripts/build-kernel.sh'], { stdio: ['ignore', 'ignore', 'inherit'] });
});

interface Stats { instructions: number; history: { enabled: boolean; position: number; first?: number; last?: number; inPast?: boolean } }

async function stats(c: DebugClient): Promise<Stats> {
  return (await c.customRequest('chronos/stats')).body as Stats;
}

/** The guest's output as the client sees it. */
function collect(c: DebugClient): { text: string } {
  const out = { text: '' };
  c.on('output', (e: DebugProtocol.OutputEvent) => { if (e.body.category === 'stdout') out.text += e.body.output; });
  return out;
}

async function start(history: string | false): Promise<{ c: DebugClient; out: { text: string } }> {
  const c = await client();
  const out = collect(c);
  await launchWith(c, { program: KERNEL, bootargs: 'monitor', history });
  await c.setFunctionBreakpointsRequest({ breakpoints: [{ name: FIRST }, { name: LATER }] });
  await Promise.all([c.configurationDoneRequest(), c.assertStoppedLocation('function breakpoint', {})]);
  return { c, out };
}

async function registers(c: DebugClient): Promise<string[]> {
  const frame = (await c.stackTraceRequest({ threadId: 1 })).body.stackFrames[0];
  const scopes = await c.scopesRequest({ frameId: frame.id });
  const ref = scopes.body.scopes.find((s) => s.name === 'Registers')!.variablesReference;
  const vars = await c.variablesRequest({ variablesReference: ref });
  return [frame.instructionPointerReference!, ...vars.body.variables.map((v) => `${v.name}=${v.value}`)];
}

async function step(c: DebugClient, request: Promise<unknown>): Promise<DebugProtocol.StoppedEvent> {
  const [, ev] = await Promise.all([request, c.waitForEvent('stopped')]);
  return ev as DebugProtocol.StoppedEvent;
}

test('initialize announces stepping back', async () => {
  const c = await client();
  assert.equal((await c.initializeRequest()).body?.supportsStepBack, true);
});

test('50 instruction steps forward, then 50 back, show the same registers in reverse; a line back leaves the line', async () => {
  const { c } = await start('64MiB');
  const seen: string[][] = [await registers(c)];
  const at0 = (await stats(c)).history.position;
  for (let i = 0; i < 50; i++) {
    await step(c, c.nextRequest({ threadId: 1, granularity: 'instruction' }));
    seen.push(await registers(c));
  }
  for (let i = 49; i >= 0; i--) {
    const ev = await step(c, c.stepBackRequest({ threadId: 1, granularity: 'instruction' }));
    assert.equal(ev.body.reason, 'step');
    assert.deepEqual(await registers(c), seen[i], `after ${50 - i} steps back`);
  }
  const s = await stats(c);
  assert.equal(s.history.position, at0);
  assert.equal(s.history.inPast, true);
  // A line back from a line's first instruction ends on another line, earlier.
  const line = async (): Promise<number> => (await c.stackTraceRequest({ threadId: 1 })).body.stackFrames[0].line;
  await step(c, c.nextRequest({ threadId: 1 }));
  const here = await line(), pos = (await stats(c)).history.position;
  await step(c, c.stepBackRequest({ threadId: 1 }));
  assert.notEqual(await line(), here);
  assert.ok((await stats(c)).history.position < pos);
});

test('reverse continue to the last write of FRAME_STATS.free; the past refuses changes; forward again reaches the same future', async () => {
  // The reference: no history, no going back.
  const ref = await start(false);
  const refFirst = (await stats(ref.c)).history.position;
  await step(ref.c, ref.c.continueRequest({ threadId: 1 }));
  const refLater = (await stats(ref.c)).history.position;
  const refOutput = ref.out.text;
  assert.equal((await stats(ref.c)).history.enabled, false);
  await assert.rejects(ref.c.stepBackRequest({ threadId: 1 }), /no history to go back through: history is false/);
  await ref.c.stop();

  const { c, out } = await start('256MiB');
  const first = (await stats(c)).history.position;
  assert.equal(first, refFirst, 'the same position at the first breakpoint');
  const info = await c.dataBreakpointInfoRequest({ name: '&FRAME_STATS + 8', variablesReference: undefined as unknown as number });
  await c.setDataBreakpointsRequest({ breakpoints: [{ dataId: info.body.dataId!, accessType: 'write' }] });

  const ev = await step(c, c.reverseContinueRequest({ threadId: 1 }));
  assert.equal(ev.body.reason, 'data breakpoint');
  const writer = (await c.stackTraceRequest({ threadId: 1 })).body.stackFrames.map((f) => f.name);
  assert.ok(writer.some((n) => /frame_allocator/.test(n)), writer.join(' < '));
  const written = await stats(c);
  assert.ok(written.history.position < first && written.history.inPast, `the write (${written.history.position}) is before ${first}`);

  // In the past nothing can be changed: registers, memory, UART input.
  const frame = (await c.stackTraceRequest({ threadId: 1 })).body.stackFrames[0];
  const regs = (await c.scopesRequest({ frameId: frame.id })).body.scopes.find((s) => s.name === 'Registers')!.variablesReference;
  await assert.rejects(c.setVariableRequest({ variablesReference: regs, name: 'a0', value: '1' }), /setting a0 is refused: the machine is in the past/);
  await assert.rejects(c.send('writeMemory', { memoryReference: '0x80200000', data: 'AAAA' }), /writing memory is refused: the machine is in the past/);
  await assert.rejects(c.customRequest('chronos/uartInput', { text: 'x' }), /typing into the UART is refused/);

  // Reverse continue again finds an earlier write; continuing forward stops at the later one first.
  await step(c, c.reverseContinueRequest({ threadId: 1 }));
  const earlier = (await stats(c)).history.position;
  assert.ok(earlier < written.history.position);
  await step(c, c.continueRequest({ threadId: 1 }));
  assert.equal((await stats(c)).history.position, written.history.position, 'forward from the past stops at the same write');

  // Forward to the present and beyond: the same breakpoints at the same positions, the same output.
  await c.setDataBreakpointsRequest({ breakpoints: [] });
  const outputInPast = out.text.length;
  await step(c, c.continueRequest({ threadId: 1 }));
  assert.equal((await stats(c)).history.position, first, 'back at the first breakpoint');
  assert.equal(out.text.length, outputInPast, 'nothing is printed twice on the way back to the present');
  await step(c, c.continueRequest({ threadId: 1 }));
  const later = await stats(c);
  assert.equal(later.history.position, refLater, 'the same position at the later breakpoint');
  assert.equal(later.history.inPast, false);
  assert.equal(out.text, refOutput, 'the same output as the session that never went back');
  const w = later.history;
  assert.ok(w.first === 0 && w.last === later.history.position, `window ${w.first}..${w.last}`);
});

test('reverse continue with a function breakpoint stops at its previous hits, latest first; forward again at the same ones', async () => {
  const c = await client();
  await launchWith(c, { program: KERNEL, bootargs: 'monitor' });
  await c.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'mm::frame_allocator::alloc_frames' }] });
  await Promise.all([c.configurationDoneRequest(), c.assertStoppedLocation('function breakpoint', {})]);
  const hits = [(await stats(c)).history.position];
  for (let i = 0; i < 3; i++) {
    await step(c, c.continueRequest({ threadId: 1 }));
    hits.push((await stats(c)).history.position);
  }
  for (let i = 2; i >= 0; i--) {
    const ev = await step(c, c.reverseContinueRequest({ threadId: 1 }));
    assert.equal(ev.body.reason, 'function breakpoint');
    assert.equal((await stats(c)).history.position, hits[i], `back to hit ${i}`);
    assert.match((await c.stackTraceRequest({ threadId: 1 })).body.stackFrames[0].name, /alloc_frames/);
  }
  await step(c, c.continueRequest({ threadId: 1 }));
  assert.equal((await stats(c)).history.position, hits[1], 'forward again: the next hit');
});
