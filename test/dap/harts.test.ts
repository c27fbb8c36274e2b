// Harts as threads, over DAP: a bare program on three harts (test/programs/smp/locks.c) where
// every hart runs main(hartid). Each hart is a thread with its own registers, stack and
// variables; a stop names the hart that stopped; stepping a thread moves that hart, forward and
// back (time travel).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { GCC, requireTools } from '../support/toolchain.js';
import { client, launch } from './support.js';

const SRC = resolve('test/programs/smp');
const ELF = resolve('test/programs/build/smp/locks-dap.elf');

before(() => {
  requireTools(GCC);
  execFileSync(process.execPath, ['esbuild.mjs']);
  mkdirSync(join('test', 'programs', 'build', 'smp'), { recursive: true });
  execFileSync(GCC, ['-march=rv64imac_zicsr_zifencei', '-mabi=lp64', '-mcmodel=medany', '-O0', '-g', '-ffreestanding', '-nostdlib', '-static',
    '-Wl,--no-warn-rwx-segments', '-T', join(SRC, 'mlink.ld'), '-DHARTS=3', join(SRC, 'mcrt0.S'), join(SRC, 'locks.c'), '-o', ELF]);
});

const stopped = (e: DebugProtocol.Event): DebugProtocol.StoppedEvent => e as DebugProtocol.StoppedEvent;

/** The first line of main's body, past its prologue. */
function mainBodyLine(): number {
  const lines = readFileSync(join(SRC, 'locks.c'), 'utf8').split('\n');
  return lines.findIndex((l) => l.startsWith('int main(')) + 2;
}

test('three harts are three threads; each stop names its hart, with that hart\'s registers and stack', async () => {
  const c = await client();
  await launch(c, { program: ELF, bios: 'none', smp: 3 });
  const line = mainBodyLine();
  const set = await c.setBreakpointsRequest({ source: { path: join(SRC, 'locks.c') }, breakpoints: [{ line }] });
  assert.equal(set.body.breakpoints[0].verified, true);
  const [, first] = await Promise.all([c.configurationDoneRequest(), c.waitForEvent('stopped')]);
  const threads = (await c.threadsRequest()).body.threads;
  assert.deepEqual(threads.map((t) => t.id), [1, 2, 3]);
  assert.match(threads[0].name, /^hart 0 \(M-mode/);
  // Every hart reaches main(hartid) once: the three stops are the three threads, each with its
  // hart id as the parameter.
  const seen: number[] = [];
  let ev = stopped(first);
  for (let i = 0; i < 3; i++) {
    assert.equal(ev.body.reason, 'breakpoint');
    const thread = ev.body.threadId!;
    seen.push(thread);
    const frames = (await c.stackTraceRequest({ threadId: thread })).body.stackFrames;
    assert.equal(frames[0].name, 'main');
    const h = await c.evaluateRequest({ expression: 'h', frameId: frames[0].id, context: 'watch' });
    assert.equal(h.body.result, String(thread - 1), `h in main on thread ${thread}`);
    const scopes = (await c.scopesRequest({ frameId: frames[0].id })).body.scopes;
    const regs = (await c.variablesRequest({ variablesReference: scopes.find((s) => s.name === 'Registers')!.variablesReference })).body.variables;
    // Each hart has its own stack: sp lies in its own 16 KiB slot.
    const sp = BigInt(regs.find((r) => r.name === 'sp')!.value);
    seen.push(Number(sp >> 14n));
    if (i < 2) {
      const [, next] = await Promise.all([c.continueRequest({ threadId: thread }), c.waitForEvent('stopped')]);
      ev = stopped(next);
    }
  }
  const threadIds = seen.filter((_, i) => i % 2 === 0), stackSlots = seen.filter((_, i) => i % 2 === 1);
  assert.deepEqual([...threadIds].sort(), [1, 2, 3]);
  assert.equal(new Set(stackSlots).size, 3, `stack slots ${stackSlots.join(', ')}`);
  await c.stop();
});

test('stepping a thread moves its hart, and the stop is reported on that thread', async () => {
  const c = await client();
  await launch(c, { program: ELF, bios: 'none', smp: 3 });
  await c.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'reserve_then_sc' }] });
  const [, ev] = await Promise.all([c.configurationDoneRequest(), c.waitForEvent('stopped')]);
  const thread = stopped(ev).body.threadId!;
  assert.equal(thread, 2, 'only hart 1 calls reserve_then_sc');
  const pc = async (t: number): Promise<bigint> => BigInt((await c.stackTraceRequest({ threadId: t })).body.stackFrames[0].instructionPointerReference!);
  const before = await pc(2), other = await pc(3);
  const [, step] = await Promise.all([c.stepInRequest({ threadId: 2, granularity: 'instruction' }), c.waitForEvent('stopped')]);
  assert.equal(stopped(step).body.threadId, 2);
  assert.equal(stopped(step).body.reason, 'step');
  assert.notEqual(await pc(2), before);
  // A line step on thread 2 stays in reserve_then_sc on that thread.
  const [, line] = await Promise.all([c.nextRequest({ threadId: 2 }), c.waitForEvent('stopped')]);
  assert.equal(stopped(line).body.threadId, 2);
  assert.match((await c.stackTraceRequest({ threadId: 2 })).body.stackFrames[0].name, /reserve_then_sc/);
  assert.ok(typeof other === 'bigint');
  await c.stop();
});

test('stepping a thread back moves its hart back one of its own instructions, whatever the others ran meanwhile', async () => {
  const c = await client();
  await launch(c, { program: ELF, bios: 'none', smp: 3 });
  await c.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'reserve_then_sc' }] });
  const [, ev] = await Promise.all([c.configurationDoneRequest(), c.waitForEvent('stopped')]);
  assert.equal(stopped(ev).body.threadId, 2);
  const registers = async (t: number): Promise<string[]> => {
    const frame = (await c.stackTraceRequest({ threadId: t })).body.stackFrames[0];
    const ref = (await c.scopesRequest({ frameId: frame.id })).body.scopes.find((s) => s.name === 'Registers')!.variablesReference;
    return [frame.instructionPointerReference!, ...(await c.variablesRequest({ variablesReference: ref })).body.variables.map((v) => `${v.name}=${v.value}`)];
  };
  const position = async (): Promise<number> => ((await c.customRequest('chronos/stats')).body as { history: { position: number } }).history.position;
  // Forward through the lr.d, the store and into the wait loop, one instruction of hart 1 at a
  // time; hart 0 runs its turns meanwhile.
  const seen = [await registers(2)], at = [await position()];
  for (let i = 0; i < 24; i++) {
    const [, step] = await Promise.all([c.stepInRequest({ threadId: 2, granularity: 'instruction' }), c.waitForEvent('stopped')]);
    assert.equal(stopped(step).body.threadId, 2);
    seen.push(await registers(2));
    at.push(await position());
  }
  assert.ok(at.some((p, i) => i > 0 && p - at[i - 1] > 1), `the other harts ran between hart 1's steps: positions ${at.join(' ')}`);
  for (let i = 23; i >= 0; i--) {
    const [, back] = await Promise.all([c.stepBackRequest({ threadId: 2, granularity: 'instruction' }), c.waitForEvent('stopped')]);
    assert.equal(stopped(back).body.threadId, 2);
    assert.deepEqual(await registers(2), seen[i], `hart 1 after ${24 - i} steps back`);
    // Just before hart 1's step, which ended the forward run that made it.
    assert.equal(await position(), at[i + 1] - 1);
  }
  // A line back on thread 2 leaves reserve_then_sc's first line for the line that called it.
  const [, line] = await Promise.all([c.stepBackRequest({ threadId: 2 }), c.waitForEvent('stopped')]);
  assert.equal(stopped(line).body.threadId, 2);
  const frame = (await c.stackTraceRequest({ threadId: 2 })).body.stackFrames[0];
  assert.equal(frame.name, 'main');
  await c.stop();
});
