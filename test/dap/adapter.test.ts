// The debug adapter over stdio, driven by DebugClient from @vscode/debugadapter-testsupport,
// against Chronos OS built from source.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { resolve, join } from 'node:path';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { GCC, MARCH, requireTools } from '../support/toolchain.js';
import { ADAPTER, client, launch as launchWith } from './support.js';

const KERNEL = resolve('kernel/target/riscv64gc-unknown-none-elf/release/chronos-kernel');
const BOOT_RS = resolve('kernel/src/boot.rs');
const OUT = resolve('test/programs/build');

before(() => {
  execFileSync(process.execPath, ['esbuild.mjs']);
  execFileSync('bash', ['scripts/build-kernel.sh'], { stdio: ['ignore', 'ignore', 'inherit'] });
});


/** The line in boot.rs that holds `text` (so the tests follow edits to the kernel). */
function lineOf(text: string, file = BOOT_RS): number {
  const i = readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes(text));
  assert.ok(i >= 0, `no line with ${text}`);
  return i + 1;
}

const launch = (c: DebugClient, args: Record<string, unknown>): Promise<void> => launchWith(c, { program: KERNEL, ...args });

async function top(c: DebugClient): Promise<DebugProtocol.StackFrame> {
  const st = await c.stackTraceRequest({ threadId: 1 });
  return st.body.stackFrames[0];
}

test('initialize announces the capabilities', async () => {
  const c = await client();
  const r = await c.initializeRequest();
  const caps = r.body!;
  for (const k of ['supportsConfigurationDoneRequest', 'supportsFunctionBreakpoints', 'supportsConditionalBreakpoints', 'supportsLogPoints',
    'supportsInstructionBreakpoints', 'supportsDataBreakpoints', 'supportsReadMemoryRequest', 'supportsWriteMemoryRequest',
    'supportsDisassembleRequest', 'supportsSteppingGranularity', 'supportsSetVariable'] as const) assert.equal(caps[k], true, k);
  assert.ok(caps.exceptionBreakpointFilters!.some((f) => f.filter === 'store-page-fault'));
  await c.stop();
});

test('a missing or malformed program is an error response, and the adapter lives on', async () => {
  const c = await client();
  await c.initializeRequest();
  await assert.rejects(c.launch({ program: '/nonexistent/kernel.elf' }), /does not exist/);
  const bad = join(OUT, 'not-an-elf.bin');
  mkdirSync(OUT, { recursive: true });
  writeFileSync(bad, 'this is not an ELF file');
  await assert.rejects(c.launch({ program: bad }), /not an ELF file/);
  const threads = await c.threadsRequest();
  assert.equal(threads.body.threads.length, 1);
  await c.stop();
});

test('stop on entry at the kernel entry point, with registers and CSRs', async () => {
  const c = await client();
  await launch(c, { stopOnEntry: true });
  await Promise.all([c.configurationDoneRequest(), c.assertStoppedLocation('entry', {})]);
  const f = await top(c);
  assert.equal(f.instructionPointerReference, '0x80200000');
  const scopes = await c.scopesRequest({ frameId: f.id });
  const scope = (name: string): number => scopes.body.scopes.find((x) => x.name === name)!.variablesReference;
  const regs = await c.variablesRequest({ variablesReference: scope('Registers') });
  const byName = new Map(regs.body.variables.map((v) => [v.name, v.value]));
  assert.equal(byName.get('pc'), '0x80200000');
  assert.equal(byName.get('privilege'), 'S');
  assert.equal(byName.get('a0'), '0x0');
  const csrs = await c.variablesRequest({ variablesReference: scope('CSRs') });
  const satp = csrs.body.variables.find((v) => v.name === 'satp')!;
  assert.equal(satp.value, '0x0');
  await c.stop();
});

test('runTo stops once in the named function, then runs on; an unknown name is a launch error', async () => {
  const c = await client();
  await c.initializeRequest();
  await assert.rejects(c.launch({ program: KERNEL, runTo: 'no_such_function' }), /runTo: no function 'no_such_function'/);
  await c.stop();
  const d = await client();
  await launch(d, { runTo: 'rust_main' });
  await Promise.all([d.configurationDoneRequest(), d.waitForEvent('stopped')]);
  const f = await top(d);
  assert.equal(f.name, 'rust_main');
  assert.match(f.source?.path ?? '', /main\.rs$/);
  // The temporary breakpoint is gone: continuing runs the self-tests to the end. The boot runs
  // the user-mode tests too, which take Chronos a while (each switch of page tables throws its
  // translated code away), so the end is given longer than the default 20 s.
  await Promise.all([d.continueRequest({ threadId: 1 }), d.waitForEvent('terminated', 180_000)]);
  await d.stop();
});

test('a function breakpoint, a source line breakpoint, and stepping over, in and out', async () => {
  const c = await client();
  await launch(c, {});
  const fb = await c.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'mm::frame_allocator::alloc_frames' }] });
  assert.equal(fb.body.breakpoints[0].verified, true);
  await Promise.all([c.configurationDoneRequest(), c.waitForEvent('stopped')]);
  let f = await top(c);
  assert.match(f.name, /alloc_frames/);
  await c.setFunctionBreakpointsRequest({ breakpoints: [] });

  // This line has no code of its own at opt-level 1 (the slice is just a pointer): the
  // breakpoint moves to the next line that has some, and says so.
  const asked = lineOf('let page = unsafe { core::slice::from_raw_parts');
  const sb = await c.setBreakpointsRequest({ source: { path: BOOT_RS }, breakpoints: [{ line: asked }] });
  assert.equal(sb.body.breakpoints[0].verified, true);
  const line = sb.body.breakpoints[0].line!;
  assert.ok(line >= asked && line <= asked + 2, `moved to ${line}`);
  await Promise.all([c.continueRequest({ threadId: 1 }), c.assertStoppedLocation('breakpoint', { path: BOOT_RS, line })]);
  await c.setBreakpointsRequest({ source: { path: BOOT_RS }, breakpoints: [] });

  // Over: the next line of the same function.
  await Promise.all([c.nextRequest({ threadId: 1 }), c.waitForEvent('stopped')]);
  f = await top(c);
  assert.match(f.name, /frames_alloc_free/);
  assert.ok(f.line > line && f.line < line + 6, `next went to line ${f.line}`);

  // In: from a line that calls alloc_frame, into the allocator.
  const callLine = lineOf('let f = frame_allocator::alloc_frame().ok_or("out of frames")?;');
  await c.setBreakpointsRequest({ source: { path: BOOT_RS }, breakpoints: [{ line: callLine }] });
  await Promise.all([c.continueRequest({ threadId: 1 }), c.assertStoppedLocation('breakpoint', { path: BOOT_RS, line: callLine })]);
  await c.setBreakpointsRequest({ source: { path: BOOT_RS }, breakpoints: [] });
  await Promise.all([c.stepInRequest({ threadId: 1 }), c.waitForEvent('stopped')]);
  f = await top(c);
  assert.match(f.source?.path ?? '', /frame_allocator\.rs$/, `step in landed in ${f.name} ${f.source?.path}:${f.line}`);

  // Out: back in the self-test.
  await Promise.all([c.stepOutRequest({ threadId: 1 }), c.waitForEvent('stopped')]);
  f = await top(c);
  assert.match(f.name, /frames_alloc_free/);
  const st = await c.stackTraceRequest({ threadId: 1 });
  assert.ok(st.body.stackFrames.some((fr) => /run_self_tests/.test(fr.name)), st.body.stackFrames.map((x) => x.name).join(' < '));
  await c.stop();
});

test('evaluate, x/ examine, memory reads and writes, disassembly; bad input is an error response', async () => {
  const c = await client();
  await launch(c, {});
  await c.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'boot::run_self_tests' }] });
  await Promise.all([c.configurationDoneRequest(), c.waitForEvent('stopped')]);
  const f = await top(c);
  const pc = BigInt(f.instructionPointerReference!);

  const e = await c.evaluateRequest({ expression: '*(u32*)0x80200000', context: 'watch' });
  const firstWord = readFileSync(KERNEL);
  void firstWord;
  assert.match(e.body.result, /^0x[0-9a-f]+ \(\d+\)$/);
  const sum = await c.evaluateRequest({ expression: '(2 + 3) * 4 << 1', context: 'repl' });
  assert.equal(sum.body.result, '0x28 (40)');
  const sym = await c.evaluateRequest({ expression: '&CHRONOS_DEBUG', context: 'hover' });
  assert.match(sym.body.result, /^0x802[0-9a-f]{5} /);
  const x = await c.evaluateRequest({ expression: 'x/4xw 0x80200000', context: 'repl' });
  assert.match(x.body.result, /^0x80200000:\t0x[0-9a-f]{8}\t0x[0-9a-f]{8}\t0x[0-9a-f]{8}\t0x[0-9a-f]{8}$/);
  const xi = await c.evaluateRequest({ expression: 'x/2i pc', context: 'repl' });
  assert.match(xi.body.result, new RegExp(`^0x${pc.toString(16)}:`));

  const mem = await c.customRequest('readMemory', { memoryReference: '0x80200000', count: 16 }) as DebugProtocol.ReadMemoryResponse;
  assert.equal(Buffer.from(mem.body!.data!, 'base64').length, 16);
  const heapStart = BigInt((await c.evaluateRequest({ expression: '*(u64*)*(u64*)(&CHRONOS_DEBUG + 64)', context: 'watch' })).body.result.split(' ')[0]);
  const target = `0x${(heapStart + 0x7f0000n).toString(16)}`;
  await c.customRequest('writeMemory', { memoryReference: target, data: Buffer.from([1, 2, 3, 4]).toString('base64') });
  const back = await c.customRequest('readMemory', { memoryReference: target, count: 4 }) as DebugProtocol.ReadMemoryResponse;
  assert.deepEqual([...Buffer.from(back.body!.data!, 'base64')], [1, 2, 3, 4]);

  const dis = await c.customRequest('disassemble', { memoryReference: f.instructionPointerReference, instructionCount: 8 }) as DebugProtocol.DisassembleResponse;
  assert.equal(dis.body!.instructions[0].address, f.instructionPointerReference);
  assert.ok(dis.body!.instructions[0].symbol?.includes('run_self_tests'));

  await assert.rejects(c.evaluateRequest({ expression: 'a0 +', context: 'repl' }), /ends too early/);
  await assert.rejects(c.evaluateRequest({ expression: 'no_such_thing', context: 'repl' }), /neither a variable, a register nor a symbol/);
  await assert.rejects(c.evaluateRequest({ expression: '*(u64*)0x4000000000', context: 'repl' }), /not mapped/);
  await assert.rejects(c.customRequest('readMemory', { memoryReference: '0x4000000000', count: 8 }), /not mapped/);
  const unknown = await c.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'no::such::function' }] });
  assert.equal(unknown.body.breakpoints[0].verified, false);
  const badLine = await c.setBreakpointsRequest({ source: { path: '/tmp/not-in-the-kernel.rs' }, breakpoints: [{ line: 3 }] });
  assert.equal(badLine.body.breakpoints[0].verified, false);
  assert.match(badLine.body.breakpoints[0].message ?? '', /no code/);
  await c.stop();
});

test('source variables: locals of each frame by their Rust types, and by name in evaluate', async () => {
  const c = await client();
  await launch(c, {});
  await c.setBreakpointsRequest({ source: { path: BOOT_RS }, breakpoints: [{ line: lineOf('check!(v.len() == 10') }] });
  await Promise.all([c.configurationDoneRequest(), c.waitForEvent('stopped')]);
  const frames = (await c.stackTraceRequest({ threadId: 1 })).body.stackFrames;
  const locals = async (i: number): Promise<Map<string, DebugProtocol.Variable>> => {
    const sc = await c.scopesRequest({ frameId: frames[i].id });
    assert.equal(sc.body.scopes[0].name, 'Locals');
    const vars = await c.variablesRequest({ variablesReference: sc.body.scopes[0].variablesReference });
    return new Map(vars.body.variables.map((v) => [v.name, v]));
  };
  const heapVec = await locals(0);
  const v = heapVec.get('v')!;
  assert.match(v.type ?? '', /^Vec<i32/);
  assert.equal(v.value, 'len 10');
  const elements = await c.variablesRequest({ variablesReference: v.variablesReference });
  assert.deepEqual(elements.body.variables.map((e) => e.value), ['0', '1', '4', '9', '16', '25', '36', '49', '64', '81']);
  const runner = await locals(1);
  assert.equal(runner.get('name')?.value, '"heap_vec"');
  assert.match(runner.get('test')?.value ?? '', /^0x[0-9a-f]+ <chronos_kernel::boot::heap_vec>$/);
  assert.equal(runner.get('failed')?.value, '0');
  assert.match(runner.get('passed')?.value ?? '', /^\d+$/);
  const main = await locals(2);
  assert.equal(main.get('hart_id')?.value, '0');
  assert.equal(main.get('shell')?.value, 'false');
  const dt = await c.evaluateRequest({ expression: 'dt.memory_size', frameId: frames[2].id, context: 'hover' });
  assert.equal(dt.body.result, String(128 << 20));
  const third = await c.evaluateRequest({ expression: 'v[3]', frameId: frames[0].id, context: 'watch' });
  assert.equal(third.body.result, '9');
  await c.stop();
});

test('a conditional breakpoint on a Rust local: stops in the loop when i == 7', async () => {
  const c = await client();
  await launch(c, {});
  const bp = await c.setBreakpointsRequest({ source: { path: BOOT_RS }, breakpoints: [{ line: lineOf('v.push(i * i);'), condition: 'i == 7' }] });
  assert.ok(bp.body.breakpoints[0].verified);
  await Promise.all([c.configurationDoneRequest(), c.waitForEvent('stopped')]);
  const frame = (await c.stackTraceRequest({ threadId: 1 })).body.stackFrames[0];
  const i = await c.evaluateRequest({ expression: 'i', frameId: frame.id, context: 'watch' });
  assert.equal(i.body.result, '7');
  const len = await c.evaluateRequest({ expression: 'v', frameId: frame.id, context: 'watch' });
  assert.equal(len.body.result, 'len 7');
  // Variables in arithmetic, as the debug console takes them.
  const sum = await c.evaluateRequest({ expression: 'i * i + 1', frameId: frame.id, context: 'repl' });
  assert.match(sum.body.result, /\(50\)$/);
  // Editing a local in the Variables view writes its bytes.
  const locals = (await c.scopesRequest({ frameId: frame.id })).body.scopes[0];
  const set = await c.setVariableRequest({ variablesReference: locals.variablesReference, name: 'i', value: '40 + 2' });
  assert.equal(set.body.value, '42');
  assert.equal((await c.evaluateRequest({ expression: 'i', frameId: frame.id, context: 'watch' })).body.result, '42');
  await assert.rejects(c.setVariableRequest({ variablesReference: locals.variablesReference, name: 'v', value: '1' }), /cannot be changed|not a number/);
  await c.stop();
});

test('"Break on value change" on a local: a write to the Vec v stops inside push, called from heap_vec', async () => {
  const c = await client();
  await launch(c, {});
  await c.setBreakpointsRequest({ source: { path: BOOT_RS }, breakpoints: [{ line: lineOf('for i in 0..10 {') }] });
  await Promise.all([c.configurationDoneRequest(), c.waitForEvent('stopped')]);
  const frameId = (await c.stackTraceRequest({ threadId: 1 })).body.stackFrames[0].id;
  const locals = (await c.scopesRequest({ frameId })).body.scopes[0];
  assert.equal(locals.name, 'Locals');
  const info = await c.dataBreakpointInfoRequest({ variablesReference: locals.variablesReference, name: 'v' });
  assert.match(info.body.description, /^v \(24 bytes at 0x8[0-9a-f]+\)$/);
  const set = await c.setDataBreakpointsRequest({ breakpoints: [{ dataId: info.body.dataId!, accessType: 'write' }] });
  assert.ok(set.body.breakpoints[0].verified);
  await c.setBreakpointsRequest({ source: { path: BOOT_RS }, breakpoints: [] });
  const [, stop] = await Promise.all([c.continueRequest({ threadId: 1 }), c.waitForEvent('stopped')]);
  assert.equal(stop.body.reason, 'data breakpoint');
  const names = (await c.stackTraceRequest({ threadId: 1 })).body.stackFrames.map((f) => f.name);
  assert.ok(names.includes('chronos_kernel::boot::heap_vec'), names.join(' < '));
  assert.match(names[0], /Vec|RawVec|push|alloc/, names.join(' < '));
  await c.stop();
});

test('Rust enums as values: the shell\'s parsed argument is Some(3), then None', async () => {
  const c = await client();
  await launch(c, { bootargs: 'monitor' });
  const shellRs = resolve('kernel/src/shell.rs');
  await c.setBreakpointsRequest({ source: { path: shellRs }, breakpoints: [{ line: lineOf('    match command {', shellRs) }] });
  await c.configurationDoneRequest();
  await c.customRequest('chronos/uartInput', { text: 'alloc 3\rhelp\r' });
  const argAt = async (): Promise<[string, string]> => {
    await c.waitForEvent('stopped');
    const frame = (await c.stackTraceRequest({ threadId: 1 })).body.stackFrames[0];
    const arg = await c.evaluateRequest({ expression: 'arg', frameId: frame.id, context: 'hover' });
    const command = await c.evaluateRequest({ expression: 'command', frameId: frame.id, context: 'hover' });
    return [command.body.result, arg.body.result];
  };
  assert.deepEqual(await argAt(), ['"alloc"', 'Some(3)']);
  await c.continueRequest({ threadId: 1 });
  assert.deepEqual(await argAt(), ['"help"', 'None']);
  await c.stop();
});

test('a kernel moved elsewhere with its sources (the demo): sourceMap maps breakpoints and frames', async () => {
  const demo = mkdtempSync(join(tmpdir(), 'chronos-demo-'));
  for (const part of ['src', 'mmcore/src']) cpSync(resolve('kernel', part), join(demo, part), { recursive: true });
  cpSync(KERNEL, join(demo, 'chronos-kernel'));
  const c = await client();
  await launch(c, { program: join(demo, 'chronos-kernel'), sourceMap: { [resolve('kernel')]: demo } });
  const bootRs = join(demo, 'src', 'boot.rs');
  const set = await c.setBreakpointsRequest({ source: { path: bootRs }, breakpoints: [{ line: lineOf('v.push(i * i);') }] });
  assert.ok(set.body.breakpoints[0].verified);
  await Promise.all([c.configurationDoneRequest(), c.waitForEvent('stopped')]);
  const frames = (await c.stackTraceRequest({ threadId: 1 })).body.stackFrames;
  assert.equal(frames[0].source?.path, bootRs);
  assert.equal(frames.find((f) => f.name === 'rust_main')?.source?.path, join(demo, 'src', 'main.rs'));
  await c.stop();
  rmSync(demo, { recursive: true, force: true });
});

test('a data breakpoint on a heap word stops at the writing instruction', async () => {
  const c = await client();
  await launch(c, {});
  await c.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'boot::heap_vec' }] });
  await Promise.all([c.configurationDoneRequest(), c.waitForEvent('stopped')]);
  await c.setFunctionBreakpointsRequest({ breakpoints: [] });
  // The first free block's header: the next heap allocation rewrites it.
  const first = (await c.evaluateRequest({ expression: '*(u64*)(*(u64*)(&CHRONOS_DEBUG + 128) + 8)', context: 'watch' })).body.result.split(' ')[0];
  const info = await c.dataBreakpointInfoRequest({ name: first, variablesReference: undefined as unknown as number });
  assert.ok(info.body.dataId);
  await c.setDataBreakpointsRequest({ breakpoints: [{ dataId: info.body.dataId!, accessType: 'write' }] });
  await Promise.all([c.continueRequest({ threadId: 1 }), c.assertStoppedLocation('data breakpoint', {})]);
  const st = await c.stackTraceRequest({ threadId: 1 });
  assert.ok(st.body.stackFrames.some((fr) => /freelist|heap|alloc/.test(fr.name)), st.body.stackFrames.map((x) => x.name).join(' < '));
  await c.stop();
});

test('an exception breakpoint stops on the kernel\'s deliberate page fault', async () => {
  const c = await client();
  await launch(c, { bootargs: 'test=pagefault' });
  await c.setExceptionBreakpointsRequest({ filters: ['store-page-fault'] });
  const stopped = c.waitForEvent('stopped');
  await c.configurationDoneRequest();
  const ev = await stopped;
  assert.equal(ev.body.reason, 'exception');
  assert.equal(ev.body.description, 'store/AMO page fault');
  const st = await c.stackTraceRequest({ threadId: 1 });
  assert.ok(st.body.stackFrames.some((f) => /deliberate_page_fault/.test(f.name)), st.body.stackFrames.map((f) => f.name).join(' < '));
  // exceptionInfo names the trap the stop is for, not the previous one scause still holds
  // (the filter stops before the handler; the kernel's last trap was a timer tick or an ecall).
  const csrs = (await c.scopesRequest({ frameId: st.body.stackFrames[0].id })).body.scopes.find((x) => x.name === 'CSRs')!;
  const scause = (await c.variablesRequest({ variablesReference: csrs.variablesReference })).body.variables.find((v) => v.name === 'scause')!.value;
  assert.doesNotMatch(scause, /^0xf /, 'at the stop, scause still holds the trap before');
  const info = await c.exceptionInfoRequest({ threadId: 1 });
  assert.equal(info.body.exceptionId, '15');
  assert.match(info.body.description!, /store\/AMO page fault .*tval 0x40000000, before the handler runs/);
  await c.stop();
});

test('pause stops a guest that spins forever, and requests that need a stopped guest are refused while it runs', async () => {
  requireTools(GCC);
  mkdirSync(OUT, { recursive: true });
  const src = join(OUT, 'spin.S'), elf = join(OUT, 'spin.elf');
  writeFileSync(src, '.globl _start\n_start:\n addi a0, a0, 1\n j _start\n');
  execFileSync(GCC, [`-march=${MARCH}`, '-mabi=lp64', '-nostdlib', '-static', '-Wl,--no-warn-rwx-segments', '-T', 'test/programs/link.ld', src, '-o', elf]);
  const c = await client();
  await launch(c, { program: elf, bios: 'none' });
  await c.configurationDoneRequest();
  await new Promise((r) => setTimeout(r, 300));
  // The run yields to the adapter between slices: the pause lands although the guest never stops.
  await Promise.all([c.pauseRequest({ threadId: 1 }), c.assertStoppedLocation('pause', {})]);
  // A request that needs a stopped guest, sent while it runs, is refused.
  await c.continueRequest({ threadId: 1 });
  await assert.rejects(c.nextRequest({ threadId: 1 }), /running/);
  await c.stop();
});

test('the inspectors: page tables, frames and heap, while stopped and while running', async () => {
  const c = await client();
  await launch(c, {});
  await c.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'boot::run_self_tests' }] });
  await Promise.all([c.configurationDoneRequest(), c.waitForEvent('stopped')]);
  const pt = (await c.customRequest('chronos/pageTables')).body;
  assert.equal(pt.mode, 'Sv39');
  const text = pt.flat.find((m: { vaStart: string }) => m.vaStart === '0x80200000');
  assert.ok(text, 'kernel text mapping');
  assert.equal(text.flags.slice(0, 4), 'VR-X');
  const huge: string[] = [];
  const walk = (ns: { leaf: boolean; size: string; children?: unknown[] }[]): void => { for (const n of ns) { if (n.leaf) huge.push(n.size); else if (n.children) walk(n.children as never); } };
  walk(pt.tree);
  assert.ok(huge.includes('2M'), 'a 2 MiB page shows at its level');
  const tr = (await c.customRequest('chronos/translate', { address: '0x80200000' })).body;
  assert.equal(tr.pa, '0x80200000');
  assert.equal(tr.steps.length, 3);
  const frames = (await c.customRequest('chronos/frames')).body;
  assert.equal(frames.available, true);
  assert.equal(frames.bitmap.length, frames.frameCount);
  assert.equal(frames.free + frames.allocated, frames.total);
  assert.equal([...frames.bitmap].filter((b: string) => b === '1').length, frames.allocated);
  const heap = (await c.customRequest('chronos/heap')).body;
  assert.equal(heap.available, true);
  assert.ok(heap.blocks.length >= 1 && !heap.damage, JSON.stringify(heap).slice(0, 300));
  assert.equal(heap.used + heap.totalFree, heap.heapSize);
  // While running: the inspectors answer without stopping the guest.
  await c.continueRequest({ threadId: 1 });
  const again = (await c.customRequest('chronos/frames')).body;
  assert.equal(again.available, true);
  await c.stop();
});

test('the adapter also serves DAP over TCP (--server=PORT), and restarts a running session', async () => {
  const { spawn } = await import('node:child_process');
  const port = 4700 + Math.floor(Math.random() * 200);
  const server = spawn(process.execPath, [ADAPTER, `--server=${port}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  try {
    await new Promise<void>((res, rej) => {
      server.stderr!.on('data', (d: Buffer) => { if (d.toString().includes('listening')) res(); });
      server.on('exit', () => rej(new Error('the server exited')));
    });
    const c = new DebugClient('node', ADAPTER, 'chronos');
    c.defaultTimeout = 20_000;
    await c.start(port);
    await launch(c, { stopOnEntry: true });
    await Promise.all([c.configurationDoneRequest(), c.assertStoppedLocation('entry', {})]);
    await c.continueRequest({ threadId: 1 });
    // Restart while the guest runs: it boots again and stops on entry again.
    await Promise.all([c.customRequest('restart'), c.assertStoppedLocation('entry', {})]);
    assert.equal((await top(c)).instructionPointerReference, '0x80200000');
    await c.stop();
  } finally {
    server.kill();
  }
});
