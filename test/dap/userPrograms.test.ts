// User programs (launch.json `symbols`) over the DAP, on the xv6-shaped test kernel built with
// its two user programs (test/programs/procs/user: sh and ls, linked at the same virtual
// addresses, each run in U-mode on its own hart under its own page table): a breakpoint in ls.c
// stops only on the hart that runs ls, with ls.c's line and ls named on the thread; the same
// address set as an instruction breakpoint stops in sh too, with sh.c's line (so it is the
// program, not the address, that decides); a bad `symbols` entry is a clear launch error.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { GCC, OBJCOPY, requireTools } from '../support/toolchain.js';
import { buildProcsKernel, procsUserPrograms, PROCS_SRC } from '../support/procsKernel.js';
import { client, launch } from './support.js';
import { readFileSync } from 'node:fs';

requireTools(GCC, OBJCOPY);
let elf = '';
let users = { ls: '', sh: '' };
const USER_SRC = join(PROCS_SRC, 'user');

before(() => {
  execFileSync(process.execPath, ['esbuild.mjs']);
  users = procsUserPrograms();
  elf = buildProcsKernel(2, false, true);
});

const lineOf = (file: string, marker: string): number => readFileSync(join(USER_SRC, file), 'utf8').split('\n').findIndex((l) => l.includes(marker)) + 1;

interface Stop { hart: number; thread: string; frame: DebugProtocol.StackFrame; stack: DebugProtocol.StackFrame[]; pc: bigint }

/** Continue from where the session is (or configurationDone first) to every stop until the guest ends. */
async function stopsUntilExit(c: DebugClient, start: () => Promise<unknown>): Promise<Stop[]> {
  const stops: Stop[] = [];
  const ended = c.waitForEvent('terminated', 60_000);
  let next: Promise<unknown> = start();
  for (;;) {
    const ev = await Promise.race([c.waitForEvent('stopped', 60_000), ended.then(() => undefined)]);
    await next;
    if (!ev) return stops;
    const threadId = (ev as DebugProtocol.StoppedEvent).body.threadId!;
    const threads = (await c.threadsRequest()).body.threads;
    const stack = (await c.stackTraceRequest({ threadId })).body.stackFrames;
    const frame = stack[0];
    stops.push({ hart: threadId - 1, thread: threads.find((t) => t.id === threadId)!.name, frame, stack, pc: BigInt(frame.instructionPointerReference!) });
    assert.ok(stops.length < 20, 'too many stops');
    next = c.continueRequest({ threadId });
  }
}

test('a breakpoint in ls.c stops only where ls runs, with its line and the process named', async () => {
  const c = await client();
  await launch(c, { program: elf, bios: 'none', smp: 3, symbols: [users.ls, { file: users.sh, process: 'sh' }] });
  const line = lineOf('ls.c', 'ls lists');
  const set = await c.setBreakpointsRequest({ source: { path: join(USER_SRC, 'ls.c') }, breakpoints: [{ line }] });
  assert.equal(set.body.breakpoints[0].verified, true, set.body.breakpoints[0].message);
  const stops = await stopsUntilExit(c, () => c.configurationDoneRequest());
  assert.equal(stops.length, 1, JSON.stringify(stops.map((s) => s.thread)));
  for (const s of stops) {
    assert.equal(s.hart, 2, 'ls runs on hart 2');
    assert.match(s.thread, /^hart 2 \(U-mode, ls, pid 3\)/);
    assert.equal(s.frame.source?.path, join(USER_SRC, 'ls.c'));
    assert.equal(s.frame.line, line);
    assert.equal(s.frame.name, 'main');
    assert.deepEqual(s.stack.map((f) => f.name), ['main', '_start']);
  }
  await c.stop();
});

test('the same address as an instruction breakpoint stops in sh as well, with sh.c\'s line', async () => {
  const c = await client();
  await launch(c, { program: elf, bios: 'none', smp: 3, symbols: [users.ls, users.sh] });
  const set = await c.setBreakpointsRequest({ source: { path: join(USER_SRC, 'ls.c') }, breakpoints: [{ line: lineOf('ls.c', 'ls lists') }] });
  assert.equal(set.body.breakpoints[0].verified, true);
  const address = set.body.breakpoints[0].instructionReference!;
  assert.ok(address, 'a user breakpoint says where it is');
  await c.setBreakpointsRequest({ source: { path: join(USER_SRC, 'ls.c') }, breakpoints: [] });
  await c.customRequest('setInstructionBreakpoints', { breakpoints: [{ instructionReference: address }] });
  const stops = await stopsUntilExit(c, () => c.configurationDoneRequest());
  const ls = stops.filter((s) => s.hart === 2);
  assert.ok(ls.length >= 1, `ls (hart 2) stops at ${address}: ${JSON.stringify(stops.map((s) => s.thread))}`);
  for (const s of ls) assert.equal(s.frame.source?.path, join(USER_SRC, 'ls.c'));
  const sh = stops.filter((s) => s.hart === 1);
  assert.ok(sh.length >= 1, `sh (hart 1) passes ${address} too: ${JSON.stringify(stops.map((s) => s.thread))}`);
  for (const s of sh) {
    assert.match(s.thread, /^hart 1 \(U-mode, sh, pid 2\)/);
    assert.equal(s.frame.source?.path, join(USER_SRC, 'sh.c'));
    assert.equal(s.frame.line, lineOf('sh.c', 'sh prompts'));
  }
  await c.stop();
});

test('a stop in the kernel under a user program\'s system call: the kernel frames, then the user\'s from the trap frame', async () => {
  const c = await client();
  await launch(c, { program: elf, bios: 'none', smp: 3, symbols: [users.ls, users.sh] });
  const line = readFileSync(join(PROCS_SRC, 'vm.c'), 'utf8').split('\n').findIndex((l) => l.includes('sys_uwrite prints')) + 1;
  await c.setBreakpointsRequest({ source: { path: join(PROCS_SRC, 'vm.c') }, breakpoints: [{ line }] });
  const [, ev] = await Promise.all([c.configurationDoneRequest(), c.waitForEvent('stopped', 60_000)]);
  const threadId = (ev as DebugProtocol.StoppedEvent).body.threadId!;
  const program = threadId - 1 === 1 ? 'sh' : 'ls';
  const frames = (await c.stackTraceRequest({ threadId })).body.stackFrames;
  const names = frames.map((f) => f.name);
  assert.deepEqual(names.slice(0, 2), ['sys_uwrite', 'usertrap'], names.join(' < '));
  const user = names.indexOf('write');
  assert.ok(user > 1, `the user's write under the kernel's frames: ${names.join(' < ')}`);
  assert.equal(frames[user].source?.path, join(USER_SRC, 'start.S'));
  assert.equal(names[user + 1], 'main', names.join(' < '));
  assert.equal(frames[user + 1].source?.path, join(USER_SRC, `${program}.c`));
  assert.equal(frames[user + 1].line, lineOf(`${program}.c`, program === 'ls' ? 'ls lists' : 'sh prompts'));
  // The program's entry ends its stack: nothing called _start.
  assert.deepEqual(names.slice(user + 2), ['_start'], names.join(' < '));
  await c.stop();
});

test('a symbols entry that is wrong is a launch error naming it', async () => {
  const failure = async (symbols: unknown): Promise<string> => {
    const c = await client();
    try {
      await launch(c, { program: elf, bios: 'none', smp: 3, symbols });
      return 'launched';
    } catch (e) {
      return (e as Error).message;
    } finally { await c.stop(); }
  };
  assert.match(await failure(['/nonexistent/_ls']), /symbols\[0\]: \/nonexistent\/_ls does not exist/);
  assert.match(await failure([users.ls, { file: users.sh, proc: 'sh' }]), /symbols\[1\]\.proc is not one of its fields/);
  assert.match(await failure('user/_ls'), /symbols must be an array/);
  assert.match(await failure([join(USER_SRC, 'ls.c')]), /symbols\[0\]: .*ls\.c: /);
});

/** One step request and the stop it ends in: the thread's name and its stack. */
async function step(c: DebugClient, threadId: number, request: 'stepIn' | 'next' | 'stepOut', granularity?: 'instruction'): Promise<{ thread: string; stack: DebugProtocol.StackFrame[]; threadId: number }> {
  const send = request === 'stepIn' ? c.stepInRequest({ threadId, granularity }) : request === 'next' ? c.nextRequest({ threadId, granularity }) : c.stepOutRequest({ threadId });
  const [, ev] = await Promise.all([send, c.waitForEvent('stopped', 60_000)]);
  const stopped = (ev as DebugProtocol.StoppedEvent).body;
  assert.equal(stopped.reason, 'step', JSON.stringify(stopped));
  const id = stopped.threadId!;
  const thread = (await c.threadsRequest()).body.threads.find((t) => t.id === id)!.name;
  return { thread, stack: (await c.stackTraceRequest({ threadId: id })).body.stackFrames, threadId: id };
}

/** Launch with ls and sh as user programs and run to the first stop at ls.c's write call (hart 2). */
async function atLsWrite(): Promise<{ c: DebugClient; threadId: number }> {
  const c = await client();
  await launch(c, { program: elf, bios: 'none', smp: 3, symbols: [users.ls, users.sh] });
  await c.setBreakpointsRequest({ source: { path: join(USER_SRC, 'ls.c') }, breakpoints: [{ line: lineOf('ls.c', 'ls lists') }] });
  const [, ev] = await Promise.all([c.configurationDoneRequest(), c.waitForEvent('stopped', 60_000)]);
  const threadId = (ev as DebugProtocol.StoppedEvent).body.threadId!;
  assert.equal(threadId, 3, 'ls runs on hart 2');
  await c.setBreakpointsRequest({ source: { path: join(USER_SRC, 'ls.c') }, breakpoints: [] });
  return { c, threadId };
}

const START_S = join(USER_SRC, 'start.S');
const startLine = (marker: string): number => lineOf('start.S', marker);

/** From ls.c's call of write, step in to write's ecall (start.S); returns its pc. */
async function toEcall(c: DebugClient, threadId: number): Promise<bigint> {
  let s = await step(c, threadId, 'stepIn');
  assert.equal(s.stack[0].source?.path, START_S);
  assert.equal(s.stack[0].name, 'write');
  for (let i = 0; i < 3 && s.stack[0].line !== startLine("write's ecall") ; i++) s = await step(c, threadId, 'stepIn');
  assert.equal(s.stack[0].line, startLine("write's ecall"), 'at write\'s ecall');
  assert.match(s.thread, /^hart 2 \(U-mode, ls, pid 3\)/);
  return BigInt(s.stack[0].instructionPointerReference!);
}

test('stepping into a user ecall stops in the kernel\'s trap entry, with the kernel\'s source', async () => {
  for (const granularity of [undefined, 'instruction'] as const) {
    const { c, threadId } = await atLsWrite();
    await toEcall(c, threadId);
    const s = await step(c, threadId, 'stepIn', granularity);
    assert.equal(s.threadId, threadId, 'the same hart');
    assert.match(s.thread, /^hart 2 \(M-mode, ls, pid 3\)/);
    assert.equal(s.stack[0].name, 'uservec');
    assert.equal(s.stack[0].source?.path, join(PROCS_SRC, 'user.S'));
    assert.equal(s.stack[0].line, readFileSync(join(PROCS_SRC, 'user.S'), 'utf8').split('\n').findIndex((l) => l.startsWith('uservec:')) + 2);
    const scopes = (await c.scopesRequest({ frameId: s.stack[0].id })).body.scopes;
    const csrs = (await c.variablesRequest({ variablesReference: scopes.find((x) => x.name === 'CSRs')!.variablesReference })).body.variables;
    assert.equal(BigInt(s.stack[0].instructionPointerReference!), BigInt(csrs.find((v) => v.name === 'mtvec')!.value.split(' ')[0]), 'at mtvec');
    assert.deepEqual(s.stack.map((f) => f.name), ['uservec', 'write', 'main', '_start'], 'the user\'s frames under the vector');
    // One instruction on, the vector is saving the user's registers over the last trap's: only the pc it trapped at is known.
    const saving = await step(c, threadId, 'stepIn', 'instruction');
    assert.deepEqual(saving.stack.map((f) => f.name), ['uservec', 'write']);
    assert.equal(saving.stack[1].line, startLine("write's ecall"));
    await c.stop();
  }
});

test('stepping over a user ecall comes back to the next instruction of ls, in U-mode on its hart', async () => {
  for (const granularity of [undefined, 'instruction'] as const) {
    const { c, threadId } = await atLsWrite();
    const ecall = await toEcall(c, threadId);
    const s = await step(c, threadId, 'next', granularity);
    assert.equal(s.threadId, threadId);
    assert.match(s.thread, /^hart 2 \(U-mode, ls, pid 3\)/);
    assert.equal(BigInt(s.stack[0].instructionPointerReference!), ecall + 4n);
    assert.equal(s.stack[0].source?.path, START_S);
    assert.equal(s.stack[0].line, startLine("write's ecall") + 1);
    assert.deepEqual(s.stack.map((f) => f.name), ['write', 'main', '_start']);
    // The system call ran: ls's line went out.
    await c.stop();
  }
});

test('stepping out of the kernel\'s system call returns to the user program that made it', async () => {
  const c = await client();
  await launch(c, { program: elf, bios: 'none', smp: 3, symbols: [users.ls, users.sh] });
  const line = readFileSync(join(PROCS_SRC, 'vm.c'), 'utf8').split('\n').findIndex((l) => l.includes('sys_uwrite prints')) + 1;
  await c.setBreakpointsRequest({ source: { path: join(PROCS_SRC, 'vm.c') }, breakpoints: [{ line }] });
  const [, ev] = await Promise.all([c.configurationDoneRequest(), c.waitForEvent('stopped', 60_000)]);
  await c.setBreakpointsRequest({ source: { path: join(PROCS_SRC, 'vm.c') }, breakpoints: [] });
  const threadId = (ev as DebugProtocol.StoppedEvent).body.threadId!;
  const program = threadId === 2 ? 'sh' : 'ls';
  const before = (await c.stackTraceRequest({ threadId })).body.stackFrames;
  const write = before.find((f) => f.name === 'write')!;
  assert.deepEqual(before.map((f) => f.name), ['sys_uwrite', 'usertrap', 'uservec', 'write', 'main', '_start']);
  let s = await step(c, threadId, 'stepOut');
  assert.equal(s.stack[0].name, 'usertrap');
  s = await step(c, threadId, 'stepOut');
  // Back in the trap vector, after its call of usertrap; the user's frames are its callers.
  assert.deepEqual(s.stack.map((f) => f.name), ['uservec', 'write', 'main', '_start']);
  assert.equal(s.stack[0].source?.path, join(PROCS_SRC, 'user.S'));
  s = await step(c, threadId, 'stepOut');
  assert.equal(s.threadId, threadId);
  assert.match(s.thread, new RegExp(`^hart ${threadId - 1} \\(U-mode, ${program}, pid`));
  assert.equal(s.stack[0].name, 'write');
  assert.equal(BigInt(s.stack[0].instructionPointerReference!), BigInt(write.instructionPointerReference!), 'past the ecall, where the trap frame said');
  assert.equal(s.stack[0].line, startLine("write's ecall") + 1);
  await c.stop();
});

/** A frame's Locals as name = value. */
async function localsOf(c: DebugClient, frameId: number): Promise<Record<string, string>> {
  const scopes = (await c.scopesRequest({ frameId })).body.scopes;
  const locals = scopes.find((x) => x.name === 'Locals');
  assert.ok(locals, `a Locals scope: ${scopes.map((x) => x.name).join(', ')}`);
  const vars = (await c.variablesRequest({ variablesReference: locals.variablesReference })).body.variables;
  return Object.fromEntries(vars.map((v) => [v.name, v.value]));
}

test('Locals and evaluate in a user program\'s frames: stopped in ls, and under the kernel\'s system call', async () => {
  const c = await client();
  await launch(c, { program: elf, bios: 'none', smp: 3, symbols: [users.ls, users.sh] });
  await c.setBreakpointsRequest({ source: { path: join(USER_SRC, 'ls.c') }, breakpoints: [{ line: lineOf('ls.c', 'ls lists') }] });
  const [, ev] = await Promise.all([c.configurationDoneRequest(), c.waitForEvent('stopped', 60_000)]);
  const threadId = (ev as DebugProtocol.StoppedEvent).body.threadId!;
  const frame = (await c.stackTraceRequest({ threadId })).body.stackFrames[0];
  // total is not made yet: the first write's answer will be.
  assert.match((await localsOf(c, frame.id)).total, /optimi[sz]ed out/);
  // ls's own static, read in ls's address space (sh's program has `prompt` at that address).
  assert.match((await c.evaluateRequest({ expression: 'listing', frameId: frame.id, context: 'hover' })).body.result, /ls: README/);
  await c.setBreakpointsRequest({ source: { path: join(USER_SRC, 'ls.c') }, breakpoints: [] });

  // ls's third write, in the kernel: its user frames read ls's variables from the trap frame's registers.
  const line = readFileSync(join(PROCS_SRC, 'vm.c'), 'utf8').split('\n').findIndex((l) => l.includes('sys_uwrite prints')) + 1;
  await c.setBreakpointsRequest({ source: { path: join(PROCS_SRC, 'vm.c') }, breakpoints: [{ line, condition: '$pid == 3', hitCondition: '3' }] });
  const [, ev2] = await Promise.all([c.continueRequest({ threadId }), c.waitForEvent('stopped', 60_000)]);
  assert.equal((ev2 as DebugProtocol.StoppedEvent).body.threadId, threadId);
  const stack = (await c.stackTraceRequest({ threadId })).body.stackFrames;
  assert.equal(stack[0].name, 'sys_uwrite');
  assert.equal((await localsOf(c, stack[0].id)).n, '11', 'the kernel\'s frame reads the kernel\'s DWARF');
  const main = stack.find((f) => f.name === 'main')!;
  assert.equal(main.source?.path, join(USER_SRC, 'ls.c'));
  assert.deepEqual(await localsOf(c, main.id), { total: '22' });
  assert.match((await c.evaluateRequest({ expression: 'listing', frameId: main.id, context: 'hover' })).body.result, /ls: README/);
  assert.match((await c.evaluateRequest({ expression: 'total + 2', frameId: main.id, context: 'watch' })).body.result, /\(24\)/);
  // In the kernel's frame, the kernel's names: ls's static is not one of them.
  await assert.rejects(c.evaluateRequest({ expression: 'listing', frameId: stack[0].id, context: 'watch' }));
  await c.stop();
});

test('under a system call stub without CFI, the caller\'s caller\'s Locals: one hop out of the stub, then CFI', async () => {
  const c = await client();
  await launch(c, { program: elf, bios: 'none', smp: 3, symbols: [users.ls, users.sh] });
  // ls's third write is echo's: write (start.S, no CFI) < echo < main, main two frames out.
  const set = (await c.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'ls!write', hitCondition: '3' }] })).body.breakpoints;
  assert.equal(set[0].verified, true, set[0].message);
  const [, ev] = await Promise.all([c.configurationDoneRequest(), c.waitForEvent('stopped', 60_000)]);
  const threadId = (ev as DebugProtocol.StoppedEvent).body.threadId!;
  const stack = (await c.stackTraceRequest({ threadId })).body.stackFrames;
  assert.deepEqual(stack.map((f) => f.name), ['write', 'echo', 'main', '_start']);
  assert.equal(stack[1].line, lineOf('ls.c', 'echo writes'));
  assert.equal(stack[2].source?.path, join(USER_SRC, 'ls.c'));
  assert.equal(stack[2].line, lineOf('ls.c', 'total += echo'));
  assert.deepEqual(await localsOf(c, stack[2].id), { total: '22' });
  assert.match((await c.evaluateRequest({ expression: 'total * 2', frameId: stack[2].id, context: 'watch' })).body.result, /\(44\)/);
  await c.setFunctionBreakpointsRequest({ breakpoints: [] });

  // The same stack from the kernel, unwound from the registers the ecall's trap saved.
  const line = readFileSync(join(PROCS_SRC, 'vm.c'), 'utf8').split('\n').findIndex((l) => l.includes('sys_uwrite prints')) + 1;
  await c.setBreakpointsRequest({ source: { path: join(PROCS_SRC, 'vm.c') }, breakpoints: [{ line, condition: '$pid == 3' }] });
  const [, ev2] = await Promise.all([c.continueRequest({ threadId }), c.waitForEvent('stopped', 60_000)]);
  assert.equal((ev2 as DebugProtocol.StoppedEvent).body.threadId, threadId);
  const kernel = (await c.stackTraceRequest({ threadId })).body.stackFrames;
  const names = kernel.map((f) => f.name);
  assert.deepEqual(names.slice(names.indexOf('write')), ['write', 'echo', 'main', '_start'], names.join(' < '));
  assert.deepEqual(await localsOf(c, kernel[names.indexOf('main')].id), { total: '22' });
  await c.stop();
});

test('function breakpoints by a user program\'s symbol: ls!main in ls only, a name both have in both, mistakes explained', async () => {
  const c = await client();
  await launch(c, { program: elf, bios: 'none', smp: 3, symbols: [users.ls, users.sh] });
  const set = (await c.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'ls!main' }, { name: 'write' }, { name: 'cat!main' }, { name: 'ls!nothing' }, { name: 'nothing' }] })).body.breakpoints;
  assert.deepEqual(set.map((b) => b.verified), [true, true, false, false, false]);
  assert.equal(set[0].message, 'stops only in ls');
  assert.equal(set[1].message, 'stops only in ls, sh (ls!write names one)');
  assert.equal(set[2].message, 'no user program \'cat\' in symbols (the programs are ls, sh)');
  assert.equal(set[3].message, 'no function \'nothing\' in ls\'s symbols');
  assert.equal(set[4].message, 'no function \'nothing\' in the kernel\'s symbols or the user programs\'');
  const stops = await stopsUntilExit(c, () => c.configurationDoneRequest());
  const where = stops.map((s) => `${s.thread.replace(/\).*/, ')')} ${s.frame.name}`);
  // main once in ls; write three times in each program (the kernel's main is not ls's).
  assert.deepEqual(where.filter((w) => w.endsWith(' main')), ['hart 2 (U-mode, ls, pid 3) main'], where.join('; '));
  assert.equal(where.filter((w) => w === 'hart 2 (U-mode, ls, pid 3) write').length, 3, where.join('; '));
  assert.equal(where.filter((w) => w === 'hart 1 (U-mode, sh, pid 2) write').length, 3, where.join('; '));
  assert.equal(stops.length, 7, where.join('; '));
  await c.stop();
});
