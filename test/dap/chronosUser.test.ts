// A user program of Chronos OS at source level: the kernel boots, init runs utest (embedded in
// the kernel image, stripped; its DWARF is in the build's unstripped copy, given as `symbols`),
// and a breakpoint in kernel/user/src/bin/utest.rs stops once, in U-mode, on the utest process,
// with utest.rs's line on the stack; the kernel's own breakpoints still resolve beside it.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { client, launch } from './support.js';

const KERNEL = resolve('kernel/target/riscv64gc-unknown-none-elf/release/chronos-kernel');
const UTEST = resolve('kernel/user/target/riscv64gc-unknown-none-elf/release/utest');
const UTEST_SRC = resolve('kernel/user/src/bin/utest.rs');

before(() => {
  execFileSync(process.execPath, ['esbuild.mjs']);
  if (!existsSync(KERNEL) || !existsSync(UTEST)) execFileSync('npm', ['run', 'build:kernel'], { stdio: 'inherit' });
});

const lineOf = (marker: string): number => readFileSync(UTEST_SRC, 'utf8').split('\n').findIndex((l) => l.includes(marker)) + 1;

test('Chronos OS: a breakpoint in utest.rs stops in the utest process, with its source and stack', async () => {
  const c = await client();
  await launch(c, { program: KERNEL, symbols: [UTEST] });
  const line = lineOf('println!("utest: {} passed, {} failed"');
  assert.ok(line > 0);
  const set = await c.setBreakpointsRequest({ source: { path: UTEST_SRC }, breakpoints: [{ line }] });
  assert.equal(set.body.breakpoints[0].verified, true, set.body.breakpoints[0].message);
  const [, ev] = await Promise.all([c.configurationDoneRequest(), c.waitForEvent('stopped', 240_000)]);
  const threadId = (ev as DebugProtocol.StoppedEvent).body.threadId!;
  const thread = (await c.threadsRequest()).body.threads.find((t) => t.id === threadId)!;
  assert.match(thread.name, /U-mode, utest, pid \d+/);
  const stack = (await c.stackTraceRequest({ threadId })).body.stackFrames;
  assert.equal(stack[0].source?.path, UTEST_SRC);
  assert.equal(stack[0].line, line);
  assert.match(stack[0].name, /main/);
  // user_start's call of main is the last instruction of _start, the entry: the stack ends
  // there, not in whatever function follows _start.
  assert.deepEqual(stack.slice(1).map((f) => f.name), ['user_start', '_start'], stack.map((f) => f.name).join(' < '));
  // The process table comes from the descriptor: utest runs under init.
  const processes = (await c.customRequest('chronos/processes')).body as { processes: { name: string; state: string }[] };
  assert.ok(processes.processes.some((p) => p.name === 'utest'), JSON.stringify(processes));
  assert.ok(processes.processes.some((p) => p.name === 'init'), JSON.stringify(processes));
  await c.stop();
});

const SYSCALL_SRC = resolve('kernel/user/src/syscall.rs');
const TRAP_SRC = resolve('kernel/src/trap.rs');

test('Chronos OS: over a system call in utest, and from its wrapper into the kernel\'s dispatch and back out', async () => {
  const c = await client();
  await launch(c, { program: KERNEL, symbols: [UTEST] });
  const ecallLine = readFileSync(SYSCALL_SRC, 'utf8').split('\n').findIndex((l) => l.includes('asm!("ecall"')) + 1;
  const breakAtEcall = () => c.setBreakpointsRequest({ source: { path: SYSCALL_SRC }, breakpoints: [{ line: ecallLine }] });
  assert.equal((await breakAtEcall()).body.breakpoints[0].verified, true);
  const [, ev] = await Promise.all([c.configurationDoneRequest(), c.waitForEvent('stopped', 240_000)]);
  const threadId = (ev as DebugProtocol.StoppedEvent).body.threadId!;
  await c.setBreakpointsRequest({ source: { path: SYSCALL_SRC }, breakpoints: [] });
  const here = async (): Promise<{ thread: string; stack: DebugProtocol.StackFrame[]; pc: bigint }> => {
    const thread = (await c.threadsRequest()).body.threads.find((t) => t.id === threadId)!.name;
    const stack = (await c.stackTraceRequest({ threadId })).body.stackFrames;
    return { thread, stack, pc: BigInt(stack[0].instructionPointerReference!) };
  };
  const step = async (request: 'stepIn' | 'next' | 'stepOut'): Promise<Awaited<ReturnType<typeof here>>> => {
    const send = request === 'stepIn' ? c.stepInRequest({ threadId }) : request === 'next' ? c.nextRequest({ threadId }) : c.stepOutRequest({ threadId });
    const [, e] = await Promise.all([send, c.waitForEvent('stopped', 60_000)]);
    assert.equal((e as DebugProtocol.StoppedEvent).body.reason, 'step');
    assert.equal((e as DebugProtocol.StoppedEvent).body.threadId, threadId, 'the same hart');
    return here();
  };
  const user = /^user_lib::syscall::syscall$/;
  let at = await here();
  assert.match(at.thread, /U-mode, utest, pid \d+/);
  assert.match(at.stack[0].name, user);
  const callers = at.stack.slice(1).map((f) => f.name);

  // Over: the system call runs; utest is back in its wrapper after the ecall.
  const ecall = at.pc;
  at = await step('next');
  assert.match(at.thread, /U-mode, utest, pid \d+/);
  assert.match(at.stack[0].name, user);
  assert.equal(at.stack[0].source?.path, SYSCALL_SRC);
  assert.notEqual(at.stack[0].line, ecallLine);
  assert.ok(at.pc > ecall, `past the ecall at 0x${ecall.toString(16)}: 0x${at.pc.toString(16)}`);
  assert.deepEqual(at.stack.slice(1).map((f) => f.name), callers, 'the same callers');

  // Into: the next system call's ecall enters the kernel's trap handling, the wrapper under it.
  await breakAtEcall();
  await Promise.all([c.continueRequest({ threadId }), c.waitForEvent('stopped', 60_000)]);
  await c.setBreakpointsRequest({ source: { path: SYSCALL_SRC }, breakpoints: [] });
  const next = (await here()).pc;
  at = await step('stepIn');
  assert.match(at.thread, /S-mode, utest, pid \d+/);
  assert.equal(at.stack[0].name, 'user_trap');
  assert.equal(at.stack[0].source?.path, TRAP_SRC);
  const wrapper = at.stack.findIndex((f) => user.test(f.name));
  assert.ok(wrapper > 0, `the user's wrapper under the kernel's frames: ${at.stack.map((f) => f.name).join(' < ')}`);
  assert.equal(at.stack[wrapper].source?.path, SYSCALL_SRC);
  const dispatchLine = readFileSync(TRAP_SRC, 'utf8').split('\n').findIndex((l) => l.includes('crate::syscall::dispatch(')) + 1;
  for (let i = 0; i < 20 && at.stack[0].line !== dispatchLine; i++) at = await step('next');
  assert.equal(at.stack[0].line, dispatchLine, 'at user_trap\'s call of dispatch');
  at = await step('stepIn');
  assert.match(at.stack[0].name, /syscall::dispatch$/);
  assert.equal(at.stack[0].source?.path, resolve('kernel/src/syscall/mod.rs'));
  assert.deepEqual(at.stack.slice(1, 2).map((f) => f.name), ['user_trap']);

  // Out, frame by frame, to the wrapper: past its ecall, in U-mode again.
  at = await step('stepOut');
  assert.equal(at.stack[0].name, 'user_trap');
  for (let i = 0; i < 3 && !at.thread.includes('U-mode'); i++) at = await step('stepOut');
  assert.match(at.thread, /U-mode, utest, pid \d+/);
  assert.match(at.stack[0].name, user);
  assert.equal(at.pc, next + 4n, 'the instruction after the ecall');
  await c.stop();
});

test('Chronos OS: an instruction into __user_trap (laid out past the kernel-trap path\'s call), only the interrupted pc under it', async () => {
  const c = await client();
  await launch(c, { program: KERNEL, symbols: [UTEST] });
  const ecallLine = readFileSync(SYSCALL_SRC, 'utf8').split('\n').findIndex((l) => l.includes('asm!("ecall"')) + 1;
  // The second system call: the TrapFrame then holds the first one's registers.
  await c.setBreakpointsRequest({ source: { path: SYSCALL_SRC }, breakpoints: [{ line: ecallLine, hitCondition: '2' }] });
  const [, ev] = await Promise.all([c.configurationDoneRequest(), c.waitForEvent('stopped', 240_000)]);
  const threadId = (ev as DebugProtocol.StoppedEvent).body.threadId!;
  await c.setBreakpointsRequest({ source: { path: SYSCALL_SRC }, breakpoints: [] });
  const stepInstruction = async (): Promise<DebugProtocol.StackFrame[]> => {
    const [, e] = await Promise.all([c.stepInRequest({ threadId, granularity: 'instruction' }), c.waitForEvent('stopped', 60_000)]);
    assert.equal((e as DebugProtocol.StoppedEvent).body.threadId, threadId);
    return (await c.stackTraceRequest({ threadId })).body.stackFrames;
  };
  const ecall = BigInt((await c.stackTraceRequest({ threadId })).body.stackFrames[0].instructionPointerReference!);
  let stack = await stepInstruction();
  assert.equal(stack[0].name, '__trap_entry');
  // csrrw sp, sscratch, sp; bnez sp, __user_trap: then the first of its stores.
  stack = await stepInstruction();
  stack = await stepInstruction();
  assert.equal(stack[0].name, '__user_trap');
  assert.equal(stack.length, 2, stack.map((f) => `${f.name} ${f.instructionPointerReference}`).join(' < '));
  assert.match(stack[1].name, /^user_lib::syscall::syscall$/);
  assert.equal(BigInt(stack[1].instructionPointerReference!), ecall, 'the ecall this trap came from, not the last trap\'s pc');
  assert.equal(stack[1].line, ecallLine);
  await c.stop();
});
