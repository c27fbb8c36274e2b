// "Run back to the last write" (chronos/lastWrite) over the Debug Adapter Protocol, on Chronos
// OS built from source: FRAME_STATS by its name (as Watch gives it), a heap free-list node and a
// frame's bit in the bitmap by the addresses the views give. Each lands before the write with
// the writer on the stack; that it was the *last* write is checked by running forward from it
// with the same bytes watched: the next stop is the breakpoint the search started from.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { client, launch as launchWith } from './support.js';

const KERNEL = resolve('kernel/target/riscv64gc-unknown-none-elf/release/chronos-kernel');
/** A boot self-test late enough that frames and the heap have been used. */
const LATER = 'boot::debug_descriptor_layout';

before(() => {
  execFileSync(process.execPath, ['esbuild.mjs']);
  execFileSync('bash', ['scripts/build-kernel.sh'], { stdio: ['ignore', 'ignore', 'inherit'] });
});

interface LastWrite { found: boolean; position: number; message: string }

async function position(c: DebugClient): Promise<number> {
  return ((await c.customRequest('chronos/stats')).body as { history: { position: number } }).history.position;
}

async function start(history?: false): Promise<DebugClient> {
  const c = await client();
  await launchWith(c, { program: KERNEL, bootargs: 'monitor', ...(history === false ? { history } : {}) });
  await c.setFunctionBreakpointsRequest({ breakpoints: [{ name: LATER }] });
  await Promise.all([c.configurationDoneRequest(), c.assertStoppedLocation('function breakpoint', {})]);
  return c;
}

/** chronos/lastWrite that finds its write: the answer, the stop, and the writer's stack. */
async function runBack(c: DebugClient, args: Record<string, unknown>): Promise<{ r: LastWrite; stop: DebugProtocol.StoppedEvent; stack: string[] }> {
  const [resp, stop] = await Promise.all([c.customRequest('chronos/lastWrite', args), c.waitForEvent('stopped')]);
  const stack = (await c.stackTraceRequest({ threadId: 1 })).body.stackFrames.map((f) => f.name);
  return { r: resp.body as LastWrite, stop: stop as DebugProtocol.StoppedEvent, stack };
}

/** From the write, forward with the bytes watched: no later write before `until`'s breakpoint. */
async function noLaterWrite(c: DebugClient, dataId: string, until: number): Promise<void> {
  await c.setDataBreakpointsRequest({ breakpoints: [{ dataId, accessType: 'write' }] });
  const [, ev] = await Promise.all([c.continueRequest({ threadId: 1 }), c.waitForEvent('stopped')]);
  assert.equal((ev as DebugProtocol.StoppedEvent).body.reason, 'function breakpoint', 'the next stop is the breakpoint, not another write');
  assert.equal(await position(c), until);
}

test('the last write of FRAME_STATS, by name: before the store, in the frame allocator, and no later one', async () => {
  const c = await start();
  const from = await position(c);
  const { r, stop, stack } = await runBack(c, { expression: 'FRAME_STATS' });
  assert.equal(r.found, true, r.message);
  assert.equal(stop.body.reason, 'data breakpoint');
  assert.match(stop.body.description ?? '', /the last write of FRAME_STATS \(\d+ bytes at 0x[0-9a-f]+\)/);
  assert.ok(stack.some((n) => /frame_allocator/.test(n)), stack.join(' < '));
  assert.equal(await position(c), r.position);
  assert.ok(r.position < from, `${r.position} is before ${from}`);
  // The bytes FRAME_STATS occupies, as a data breakpoint names them.
  const info = await c.dataBreakpointInfoRequest({ name: '&FRAME_STATS', variablesReference: undefined as unknown as number, bytes: 32 } as DebugProtocol.DataBreakpointInfoArguments);
  await noLaterWrite(c, info.body.dataId!, from);
});

test('the last write of a heap free-list node, by the Heap view\'s address', async () => {
  const c = await start();
  const from = await position(c);
  const heap = (await c.customRequest('chronos/heap')).body as { available: boolean; blocks: { address: string }[] };
  assert.ok(heap.available && heap.blocks.length > 0);
  const node = heap.blocks[0].address;
  const { r, stack } = await runBack(c, { address: node, size: 16, physical: true, label: `heap block ${node}` });
  assert.equal(r.found, true, r.message);
  assert.match(r.message, new RegExp(`the last write of heap block ${node} \\(16 bytes at physical ${node}\\)`));
  assert.ok(stack.some((n) => /heap|alloc/i.test(n)), stack.join(' < '));
  assert.ok(r.position < from);
  await noLaterWrite(c, `p:${BigInt(node).toString(16)}:16`, from);
});

test('a frame\'s bit in the bitmap: the last write that changed it, which flips the bit', async () => {
  const c = await start();
  const frames = (await c.customRequest('chronos/frames')).body as { bitmap: string; bitmapAddress: string };
  const i = frames.bitmap.indexOf('1');
  assert.ok(i >= 0 && frames.bitmapAddress);
  const { r, stack } = await runBack(c, { address: `0x${(BigInt(frames.bitmapAddress) + BigInt(i >> 3)).toString(16)}`, size: 1, physical: true, bit: i & 7, label: `frame ${i}` });
  assert.equal(r.found, true, r.message);
  assert.ok(stack.some((n) => /frame_allocator/.test(n)), stack.join(' < '));
  const bit = async (): Promise<string> => ((await c.customRequest('chronos/frames')).body as { bitmap: string }).bitmap[i];
  assert.equal(await bit(), '0', 'before the write the frame is free');
  await Promise.all([c.nextRequest({ threadId: 1, granularity: 'instruction' }), c.waitForEvent('stopped')]);
  assert.equal(await bit(), '1', 'the write allocates it');
});

test('bytes nothing in the window wrote: the answer says so and the machine stays where it was', async () => {
  const c = await start();
  const from = await position(c);
  // The kernel's first instruction: loaded before the record began, never stored to.
  const entry = (await c.evaluateRequest({ expression: '_start' })).body.memoryReference!;
  const resp = await c.customRequest('chronos/lastWrite', { address: entry, size: 4, physical: false });
  const r = resp.body as LastWrite;
  assert.equal(r.found, false);
  assert.match(r.message, /^nothing in the recorded window \(instructions 0 to \d+\) wrote/);
  assert.equal(await position(c), from);
});

test('requests it cannot follow are refused with a reason', async () => {
  const c = await start();
  const frame = (await c.stackTraceRequest({ threadId: 1 })).body.stackFrames[0];
  const regs = (await c.scopesRequest({ frameId: frame.id })).body.scopes.find((s) => s.name === 'Registers')!.variablesReference;
  await assert.rejects(c.customRequest('chronos/lastWrite', { variablesReference: regs, name: 'a0' }), /that container holds registers/);
  await assert.rejects(c.customRequest('chronos/lastWrite', { address: '0x80200000', bit: 3 }), /bit is only followed in physical memory/);
  await assert.rejects(c.customRequest('chronos/lastWrite', { address: '0x80200000', size: 1, physical: true, bit: 8 }), /bit 8 is outside the 1 bytes/);
  await assert.rejects(c.customRequest('chronos/lastWrite', { address: 'FRAME_STATS' }), /address must be an address/);
  await assert.rejects(c.customRequest('chronos/lastWrite', {}), /give an address/);
  await assert.rejects(c.customRequest('chronos/lastWrite', { expression: 'no_such_thing' }), /no_such_thing/);
  const off = await start(false);
  await assert.rejects(off.customRequest('chronos/lastWrite', { expression: 'FRAME_STATS' }), /no history to go back through/);
});
