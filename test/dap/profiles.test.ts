// Kernel profiles over the DAP: the xv6-shaped test kernel (test/programs/procs) recognised by
// its globals and read through their DWARF types (chronos/processes from `proc` and `cpus`,
// chronos/frames from kmem.freelist, a damaged free list reported as such), Chronos OS through
// its debug descriptor (revision 2: the process table, the pid on each hart), and a program that
// is neither, which gets a plain answer.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { GCC, requireTools } from '../support/toolchain.js';
import { buildProcsKernel, procsLine, PROCS_SRC } from '../support/procsKernel.js';
import { client, launch } from './support.js';

requireTools(GCC);
let elf = '';
const KERNEL = resolve('kernel/target/riscv64gc-unknown-none-elf/release/chronos-kernel');

before(() => {
  execFileSync(process.execPath, ['esbuild.mjs']);
  elf = buildProcsKernel(2);
});

interface Proc { pid: number; name: string; state: string; hart?: number; root?: string; kstack?: string; context?: { pc: string; sp: string; fp: string } }
interface Processes { available: boolean; message?: string; kernel: string; processes: Proc[]; harts: { hart: number; pid?: number }[] }
interface Frames { available: boolean; message?: string; total: number; free: number; allocated: number; basePpn: string; bitmap: string; damage?: string }

const request = async <T>(c: DebugClient, command: string): Promise<T> => (await c.customRequest(command)).body as T;

async function stopAtSysWrite(c: DebugClient): Promise<{ hart: number; frameId: number }> {
  await c.setBreakpointsRequest({ source: { path: join(PROCS_SRC, 'trap.c') }, breakpoints: [{ line: procsLine('trap.c', 'sys_write counts') }] });
  const [, ev] = await Promise.all([c.configurationDoneRequest(), c.waitForEvent('stopped')]);
  const thread = (ev as DebugProtocol.StoppedEvent).body.threadId!;
  const frameId = (await c.stackTraceRequest({ threadId: thread })).body.stackFrames[0].id;
  return { hart: thread - 1, frameId };
}

test('xv6-shaped kernel: the process table from proc, the process on each hart from cpus', async () => {
  const c = await client();
  await launch(c, { program: elf, bios: 'none', smp: 3 });
  const { hart, frameId } = await stopAtSysWrite(c);
  const ev = async (expression: string): Promise<string> => (await c.evaluateRequest({ expression, frameId, context: 'watch' })).body.result;
  const p = await request<Processes>(c, 'chronos/processes');
  assert.equal(p.available, true, p.message);
  assert.equal(p.kernel, 'xv6-riscv');
  assert.deepEqual(p.processes.map((x) => [x.pid, x.name]), [[1, 'init'], [2, 'sh'], [3, 'ls']]);
  // The hart that stopped runs the process main gave it (proc[hart % 3]).
  const mine = p.processes[hart % 3];
  assert.equal(mine.state, 'running');
  assert.equal(mine.hart, hart);
  assert.equal(p.harts[hart].pid, mine.pid);
  assert.equal(p.harts.length, 3);
  for (const [i, x] of p.processes.entries()) {
    assert.equal(x.root, await ev(`proc[${i}].pagetable`).then((v) => v), `${x.name}'s page table`);
    assert.equal(x.kstack, await ev(`proc[${i}].kstack`).then((v) => `0x${BigInt(v).toString(16)}`));
    assert.ok(['used', 'running'].includes(x.state), `${x.name} is ${x.state}`);
    // One not running has its saved context: sp at the top of its kernel stack (allocproc).
    if (x.state !== 'running') assert.equal(BigInt(x.context!.sp), BigInt(x.kstack!) + 4096n);
    else assert.equal(x.context, undefined);
  }
});

test('xv6-shaped kernel: free frames from kmem.freelist, and a damaged list reported', async () => {
  const c = await client();
  await launch(c, { program: elf, bios: 'none', smp: 3 });
  const { frameId } = await stopAtSysWrite(c);
  const ev = async (expression: string): Promise<bigint> => BigInt((await c.evaluateRequest({ expression, frameId, context: 'watch' })).body.result.split(' ')[0]);
  const f = await request<Frames>(c, 'chronos/frames');
  assert.equal(f.available, true, f.message);
  // kinit frees every page from `end` (rounded up) to PHYSTOP; three processes took three each.
  const base = ((await ev('&end')) + 4095n) & ~4095n;
  assert.equal(f.basePpn, `0x${(base >> 12n).toString(16)}`);
  assert.equal(BigInt(f.total), (0x8800_0000n - base) / 4096n);
  assert.equal(f.allocated, 9);
  assert.equal(f.free, f.total - 9);
  assert.equal(f.bitmap.length, f.total);
  for (const field of ['kstack', 'trapframe', 'pagetable']) {
    const page = await ev(`proc[1].${field}`);
    assert.equal(f.bitmap[Number((page - base) / 4096n)], '1', `proc[1].${field} is allocated`);
  }
  assert.equal(f.bitmap[Number(((await ev('kmem.freelist')) - base) / 4096n)], '0');
  const heap = await request<{ available: boolean; message: string }>(c, 'chronos/heap');
  assert.deepEqual(heap, { available: false, message: 'xv6-riscv: the profile describes no kernel heap (its allocator hands out whole pages: see Physical Frames)' });

  // Damage the list: the second free page points outside RAM, then back at the first (a cycle).
  const head = await ev('kmem.freelist'), second = await ev('kmem.freelist->next');
  const write = async (address: bigint, value: bigint) => {
    const bytes = Buffer.alloc(8);
    bytes.writeBigUInt64LE(value);
    await c.customRequest('writeMemory', { memoryReference: `0x${address.toString(16)}`, data: bytes.toString('base64') });
  };
  await write(second, 0x9000_0000n);
  assert.match((await request<Frames>(c, 'chronos/frames')).damage!, /^0x90000000 on the list lies outside the pages the allocator manages \[0x[0-9a-f]+, 0x88000000\)$/);
  await write(second, head);
  const cycle = await request<Frames>(c, 'chronos/frames');
  assert.equal(cycle.damage, `page 0x${head.toString(16)} is on the list twice: the list has a cycle`);
  assert.equal(cycle.free, 2, 'what was read before the damage is shown');
  await write(second, head + 8n);
  assert.equal((await request<Frames>(c, 'chronos/frames')).damage, `0x${(head + 8n).toString(16)} on the list is not a page address`);
});

test('Chronos OS: processes from its debug descriptor (revision 2), and a sleeping one\'s kernel stack', async () => {
  execFileSync('bash', ['scripts/build-kernel.sh'], { stdio: ['ignore', 'ignore', 'inherit'] });
  const c = await client();
  await launch(c, { program: KERNEL });
  const src = resolve('kernel/src/syscall/process.rs');
  const set = await c.setBreakpointsRequest({ source: { path: src }, breakpoints: [{ line: 37 }] }); // sys_getpid's body
  assert.ok(set.body.breakpoints[0].verified);
  const [, ev] = await Promise.all([c.configurationDoneRequest(), c.waitForEvent('stopped', 120_000)]);
  assert.equal((ev as DebugProtocol.StoppedEvent).body.threadId, 1);
  const p = await request<Processes>(c, 'chronos/processes');
  assert.equal(p.available, true, p.message);
  assert.equal(p.kernel, 'Chronos OS');
  const init = p.processes.find((x) => x.pid === 1);
  assert.equal(init?.name, 'init');
  const running = p.processes.filter((x) => x.state === 'running');
  assert.equal(running.length, 1, JSON.stringify(p.processes));
  assert.equal(running[0].hart, 0);
  assert.deepEqual(p.harts, [{ hart: 0, pid: running[0].pid }]);
  const frameId = (await c.stackTraceRequest({ threadId: 1 })).body.stackFrames[0].id;
  assert.equal((await c.evaluateRequest({ expression: '$pid', frameId, context: 'watch' })).body.result, `0x${running[0].pid.toString(16)} (${running[0].pid})`, '$pid from current_pid');
  assert.match(running[0].root!, /^0x8[0-9a-f]+000$/);
  for (const x of p.processes.filter((y) => y.state !== 'running')) assert.match(x.context!.sp, /^0x[0-9a-f]+$/);
  // init waits for its child: its kernel stack, from the context its last switch saved, goes
  // from the switch back through waitpid to the system call's dispatch and the trap.
  assert.equal(init!.state, 'sleeping');
  const stack = (await c.customRequest('chronos/processStack', { pid: 1 })).body as { available: boolean; message?: string; frames: { name: string; file?: string; line?: number }[] };
  assert.equal(stack.available, true, stack.message);
  const names = stack.frames.map((f) => f.name);
  assert.match(names[0], /switch_to_scheduler$/, names.join(' < '));
  for (const fn of ['waitpid', 'sys_waitpid', 'syscall::dispatch', 'user_trap']) assert.ok(names.some((n) => n.endsWith(fn)), `${fn} in ${names.join(' < ')}`);
  assert.match(stack.frames[0].file ?? '', /kernel\/src\/task\/scheduler\.rs$/);
  const mine = (await c.customRequest('chronos/processStack', { pid: running[0].pid })).body as { available: boolean; message: string };
  assert.deepEqual(mine, { available: false, message: `pid ${running[0].pid} runs on hart 0: its stack is that thread's` });
});

test('a kernel that is neither Chronos OS nor xv6 gets a plain answer', async () => {
  const hello = resolve('test/programs/build/hello-profile.elf');
  execFileSync(GCC, ['-march=rv64imac_zicsr', '-mabi=lp64', '-mcmodel=medany', '-O2', '-g', '-ffreestanding', '-nostdlib', '-static',
    '-Wl,--no-warn-rwx-segments', '-T', 'test/programs/link.ld', 'test/programs/crt0.S', 'test/programs/hello.c', '-o', hello]);
  const c = await client();
  await launch(c, { program: hello, bios: 'none', stopOnEntry: true });
  await Promise.all([c.configurationDoneRequest(), c.waitForEvent('stopped')]);
  const p = await request<Processes>(c, 'chronos/processes');
  assert.equal(p.available, false);
  assert.match(p.message!, /no Chronos debug descriptor .*Nor is it xv6-riscv \(no kmem, proc and cpus in its debugging information\)/);
});

test('breakpoint conditions on $pid, $hart, $mode and $satp', async () => {
  const c = await client();
  await launch(c, { program: elf, bios: 'none', smp: 3 });
  const line = procsLine('trap.c', 'sys_write counts');
  // Every hart passes this line once, each running its own process (proc[hart % 3]).
  await c.setBreakpointsRequest({ source: { path: join(PROCS_SRC, 'trap.c') }, breakpoints: [{ line, condition: "$pid == 2 && $mode == 'M' && $satp == 0" }] });
  const [, ev] = await Promise.all([c.configurationDoneRequest(), c.waitForEvent('stopped')]);
  const thread = (ev as DebugProtocol.StoppedEvent).body.threadId!;
  assert.equal(thread, 2, 'hart 1 runs pid 2');
  const frameId = (await c.stackTraceRequest({ threadId: thread })).body.stackFrames[0].id;
  const ex = async (expression: string) => (await c.evaluateRequest({ expression, frameId, context: 'watch' })).body.result;
  assert.equal(await ex('$hart'), '0x1 (1)');
  assert.equal(await ex('$pid'), '0x2 (2)');
  assert.equal(await ex("$mode == 'M'"), '0x1 (1)');
  assert.equal(await ex('$pid == cpus[$hart].proc->pid'), '0x1 (1)');
  // A condition no hart meets: the kernel runs to its end.
  await c.setBreakpointsRequest({ source: { path: join(PROCS_SRC, 'trap.c') }, breakpoints: [{ line, condition: "$mode == 'U'" }] });
  await Promise.all([c.continueRequest({ threadId: thread }), c.waitForEvent('terminated')]);
});

test('a kernel described in launch.json: the same views from expressions, and errors that name the field', async () => {
  const declared = {
    name: 'a course kernel', processes: 'proc', pid: 'pid', procName: 'name', state: 'state', unused: 'UNUSED', root: 'pagetable',
    contextPc: 'context.ra', contextSp: 'context.sp', contextFp: 'context.s0',
    current: 'cpus[$hart].proc->pid', freePages: 'kmem.freelist', freePageNext: 'next', pagesStart: '&end', pagesEnd: '0x88000000',
  };
  const c = await client();
  await launch(c, { program: elf, bios: 'none', smp: 3, kernel: declared });
  const { hart } = await stopAtSysWrite(c);
  const p = await request<Processes>(c, 'chronos/processes');
  assert.equal(p.available, true, p.message);
  assert.equal(p.kernel, 'a course kernel');
  assert.deepEqual(p.processes.map((x) => [x.pid, x.name]), [[1, 'init'], [2, 'sh'], [3, 'ls']]);
  assert.equal(p.harts[hart].pid, (hart % 3) + 1, 'current as a pid');
  assert.equal(p.processes[hart % 3].hart, hart);
  const f = await request<Frames>(c, 'chronos/frames');
  assert.equal(f.allocated, 9, f.message);

  const answers = async (kernel: Record<string, unknown>): Promise<{ processes: string | undefined; frames: string | undefined }> => {
    const d = await client();
    await launch(d, { program: elf, bios: 'none', kernel, stopOnEntry: true });
    await Promise.all([d.configurationDoneRequest(), d.waitForEvent('stopped')]);
    const out = { processes: (await request<Processes>(d, 'chronos/processes')).message, frames: (await request<Frames>(d, 'chronos/frames')).message };
    await d.stop();
    return out;
  };
  assert.match((await answers({ procs: 'proc' })).processes!, /^kernel\.procs is not a profile field \(the fields are name, processes, pid, /);
  assert.equal((await answers({ processes: 'proc' })).processes, 'kernel.processes needs kernel.pid: which member of a slot is its pid');
  await assert.rejects(answers({ processes: 'proc', pid: 7 }), /launch: kernel\.pid must be a string, got 7/);
  assert.equal((await answers({ processes: 'procs', pid: 'pid' })).processes, 'kernel profile: processes ("procs"): is not a variable or a path through one');
  assert.match((await answers({ processes: 'proc', pid: 'pidd' })).processes!, /^kernel profile: pid \("pidd"\): proc has no member 'pidd' \(it has lock, state, chan, /);
  assert.match((await answers({ processes: 'nextpid', pid: 'pid' })).processes!, /^kernel profile: processes \("nextpid"\): nextpid is int, not an array$/);
  assert.equal((await answers({ freePages: 'kmem.freelist', freePageNext: 'nxt', pagesStart: '&end' })).frames, "kernel profile: freePageNext (\"nxt\"): run has no member 'nxt' (it has next)");
  assert.equal((await answers({ freePages: 'kmem.freelist', freePageNext: 'next' })).frames, 'kernel profile: freePages ("kmem.freelist"): kernel.pagesStart is needed too: where the pages the allocator manages begin');
  assert.equal((await answers({ freePages: 'kmem.freelist', freePageNext: 'next', pagesStart: '&end', pagesEnd: '&end' })).frames?.replace(/0x[0-9a-f]+/g, 'X'), 'kernel profile: pagesStart ("&end"): no pages between X and X');
});
