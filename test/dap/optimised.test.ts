// Locals and globals of a kernel built as xv6's Makefile builds (GCC -O, frame pointers), with
// DWARF 2, 4 and 5, over the DAP on stdio: variables in registers and location lists, a struct
// in two registers (DW_OP_piece), the frame base as a location list (DWARF 2) or the CFA,
// parameters recovered through entry values and their callers' call sites, values the compiler
// dropped shown as optimised out, and the kernel's globals by their DWARF types in evaluate and
// Watch (`kmem.freelist`, `proc[1].name`, `cpus[0].proc->pid`). test/programs/procs is the kernel.
// The same for rustc at opt-level 2 (test/programs/rust-opt).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { GCC, OBJDUMP, requireTools } from '../support/toolchain.js';
import { buildProcsKernel, procsLine, PROCS_SRC } from '../support/procsKernel.js';
import { buildRustProgram } from '../support/rustProgram.js';
import { client, launch } from './support.js';

requireTools(GCC, OBJDUMP);
const VERSIONS = [2, 4, 5] as const;
const elfs = new Map<number, string>();

before(() => {
  execFileSync(process.execPath, ['esbuild.mjs']);
  for (const v of VERSIONS) elfs.set(v, buildProcsKernel(v));
});

type Stopped = DebugProtocol.StoppedEvent;

/** Run to a breakpoint on the line with `marker`; the stopped thread's innermost frame. */
async function stopAt(c: DebugClient, file: string, marker: string, first: boolean): Promise<{ thread: number; frameId: number; frames: DebugProtocol.StackFrame[] }> {
  const set = await c.setBreakpointsRequest({ source: { path: join(PROCS_SRC, file) }, breakpoints: [{ line: procsLine(file, marker) }] });
  assert.ok(set.body.breakpoints[0].verified, `breakpoint at ${marker}`);
  const run = first ? c.configurationDoneRequest() : c.continueRequest({ threadId: 1 });
  const [, ev] = await Promise.all([run, c.waitForEvent('stopped')]);
  await c.setBreakpointsRequest({ source: { path: join(PROCS_SRC, file) }, breakpoints: [] });
  const thread = (ev as Stopped).body.threadId!;
  const frames = (await c.stackTraceRequest({ threadId: thread })).body.stackFrames;
  return { thread, frameId: frames[0].id, frames };
}

async function locals(c: DebugClient, frameId: number): Promise<Map<string, DebugProtocol.Variable>> {
  const scopes = (await c.scopesRequest({ frameId })).body.scopes;
  const ref = scopes.find((s) => s.name === 'Locals')?.variablesReference;
  assert.ok(ref, 'a Locals scope');
  return new Map((await c.variablesRequest({ variablesReference: ref })).body.variables.map((v) => [v.name, v]));
}

async function children(c: DebugClient, v: DebugProtocol.Variable | DebugProtocol.EvaluateResponse['body']): Promise<Record<string, string>> {
  assert.ok(v.variablesReference > 0, 'a value with members');
  return Object.fromEntries((await c.variablesRequest({ variablesReference: v.variablesReference })).body.variables.map((x) => [x.name, x.value]));
}

for (const version of VERSIONS) {
  test(`GCC -O -gdwarf-${version}: locals in registers, pieces and entry values; globals by type`, async () => {
    const c = await client();
    await launch(c, { program: elfs.get(version), bios: 'none', smp: 3 });
    const ev = async (expression: string, frameId: number, context = 'watch') => (await c.evaluateRequest({ expression, frameId, context })).body;

    // kalloc, about to return the page it took: r is in a register; the list's head is r->next.
    const k = await stopAt(c, 'kalloc.c', 'kalloc returns', true);
    assert.equal(k.frames[0].name, 'kalloc');
    assert.deepEqual(k.frames.slice(1, 3).map((f) => f.name), ['allocproc', 'main']);
    const kl = await locals(c, k.frameId);
    const r = kl.get('r')!;
    assert.match(r.value, /^0x8[0-9a-f]{7}$/);
    assert.equal(BigInt(r.value) % 4096n, 0n, 'a page');
    assert.equal((await ev('kmem', k.frameId)).type, 'struct {…}', 'kmem is an anonymous struct');
    const head = await ev('kmem.freelist', k.frameId);
    assert.equal(head.type, '*run');
    assert.equal(head.result, (await ev('r->next', k.frameId)).result);
    assert.deepEqual(Object.keys(await children(c, head)), ['*kmem.freelist']);
    assert.equal((await ev('*kmem.freelist', k.frameId)).result, `{ next: ${(await ev('r->next->next', k.frameId)).result} }`);
    assert.equal((await children(c, head))['*kmem.freelist'], `{ next: ${(await ev('r->next->next', k.frameId)).result} }`);
    assert.equal((await ev('kmem.freelist->next', k.frameId)).result, (await ev('r->next->next', k.frameId)).result);
    // The caller's frame: allocproc's p, kept in a register the call preserves (from the CFI).
    const al = await locals(c, k.frames[1].id);
    assert.equal(al.get('name')!.value.replace(/^0x[0-9a-f]+ /, ''), '"init"');
    assert.equal((await ev('p->name', k.frames[1].id)).result, '""', 'not yet named');
    assert.equal((await ev('p == &proc[0]', k.frames[1].id)).result, '0x1 (1)');

    // span_end(first, count, scale): a struct held in two registers, pieces of one location.
    const s = await stopAt(c, 'proc.c', 'span_end has its span', false);
    assert.equal(s.frames[0].name, 'span_end');
    const sl = await locals(c, s.frameId);
    assert.equal(sl.get('first')!.value, '1');
    assert.equal(sl.get('count')!.value, '3');
    assert.equal(sl.get('scale')!.value, '4096');
    assert.equal(sl.get('s')!.value, '{ first: 1, count: 3 }');
    assert.equal(sl.get('s')!.memoryReference, undefined, 'in registers, not memory');
    assert.deepEqual(await children(c, sl.get('s')!), { first: '1', count: '3' });
    assert.equal((await ev('s.count * scale', s.frameId)).result, '0x3000 (12288)');
    assert.equal((await ev('&s', s.frameId, 'repl').catch((e: Error) => ({ result: e.message }))).result, 's is not in memory (a register or a computed value)');

    // The trap path, ecall to sys_write (inlined into syscall, so a frame of its own in
    // syscall's registers): its tf is an entry value, recovered from trap's call site (the
    // caller of the function it was inlined into); its `written` is gone by the line we stop at.
    const w = await stopAt(c, 'trap.c', 'sys_write counts', false);
    assert.deepEqual(w.frames.slice(0, 4).map((f) => f.name), ['sys_write', 'syscall', 'trap', 'trapvec']);
    assert.equal(w.frames[0].instructionPointerReference, w.frames[1].instructionPointerReference);
    assert.equal(w.frames[1].line, procsLine('trap.c', 'syscall calls sys_write'));
    const wl = await locals(c, w.frameId);
    assert.match(wl.get('written')!.value, /^<optimized out/);
    assert.match(wl.get('tf')!.value, /^0x8[0-9a-f]+$/);
    // In trapvec's frame, sp is where it put the trap frame; a0 there is gone (calls clobber it).
    assert.equal((await ev('sp', w.frames[3].id)).result.split(' ')[0], wl.get('tf')!.value);
    assert.equal((await ev('pc', w.frames[3].id)).result.split(' ')[0], w.frames[3].instructionPointerReference);
    const a0 = await c.evaluateRequest({ expression: 'a0', frameId: w.frames[2].id, context: 'watch' }).catch((e: Error) => e);
    assert.match(String((a0 as Error).message), /^a0 is not known in frame 2 \(trap\): the calls since did not preserve it$/);
    // syscall's frame has the hart's registers, as sys_write's does.
    assert.equal((await ev('a0', w.frames[1].id)).result, (await ev('a0', w.frameId)).result);
    assert.equal((await ev('*(u32*)(tf->epc - 4)', w.frameId)).result, '0x73 (115)', 'the trap frame: epc is past an ecall');
    assert.equal((await ev('tf->a7', w.frameId)).result, '16', 'a7 = SYS_write');
    const hart = w.thread - 1;
    assert.equal((await ev(`cpus[${hart}].proc->pid`, w.frameId)).result, String(hart + 1));
    assert.equal((await ev(`cpus[${hart}].proc == p`, w.frameId)).result, '0x1 (1)');
    assert.equal((await ev('proc[1].name', w.frameId)).result, '"sh"');
    assert.match((await ev('proc[2].state', w.frameId)).result, /^(USED|RUNNING)$/);
    const table = await ev('proc', w.frameId);
    assert.equal(table.type, '[proc; 8]');
    const rows = await children(c, table);
    assert.match(rows['[0]'], /state: RUNNING/);
    const missing = await c.evaluateRequest({ expression: 'proc[1].nope', frameId: w.frameId, context: 'watch' }).catch((e: Error) => e);
    assert.match(String((missing as Error).message), /proc has no member 'nope' \(it has lock, state, chan/);
    const outside = await c.evaluateRequest({ expression: 'proc[8]', frameId: w.frameId, context: 'watch' }).catch((e: Error) => e);
    assert.match(String((outside as Error).message), /index 8 is outside proc \(8 elements\)/);
  });
}

test('rustc -C opt-level=2: arguments in registers, a struct in pieces of computed values, statics by module path', async () => {
  execFileSync('bash', ['scripts/build-kernel.sh'], { stdio: ['ignore', 'ignore', 'inherit'] });
  const src = resolve('test/programs/rust-opt/main.rs');
  const elf = buildRustProgram('test/programs/rust-opt/main.rs', 'rust_opt', 'test/programs/smp/mlink.ld', 2);
  const c = await client();
  await launch(c, { program: elf, bios: 'none' });
  const line = readFileSync(src, 'utf8').split('\n').findIndex((l) => l.includes('total has its sum')) + 1;
  assert.ok((await c.setBreakpointsRequest({ source: { path: src }, breakpoints: [{ line }] })).body.breakpoints[0].verified);
  const [, ev] = await Promise.all([c.configurationDoneRequest(), c.waitForEvent('stopped')]);
  const frames = (await c.stackTraceRequest({ threadId: (ev as Stopped).body.threadId! })).body.stackFrames;
  assert.equal(frames[0].name, 'rust_opt::total');
  const l = await locals(c, frames[0].id);
  assert.equal(l.get('first')!.value, '7');
  assert.equal(l.get('sum')!.value, '12');
  assert.equal(l.get('second')!.value, '{ start: 4096, pages: 5 }');
  assert.deepEqual(await children(c, l.get('second')!), { start: '4096', pages: '5' });
  const ex = async (expression: string) => (await c.evaluateRequest({ expression, frameId: frames[0].id, context: 'watch' })).body;
  // Statics by their full path, or by a path's unique tail.
  assert.equal((await ex('rust_opt::mm::FREE.count')).result, '4');
  assert.equal((await ex('mm::FREE.runs[3].pages')).result, '4');
  assert.equal((await ex('FREE.runs[1].start')).result, String(0x8001_0000));
  assert.equal((await ex('second.pages + first')).result, '0xc (12)');
  assert.match((await ex('rust_opt::OBSERVED')).result, /^\{ v: \{…\} \}$|^\{ v: \{ value: \d+ \} \}$/);
  // A static rustc folded into its uses has no address: said so, not "unknown".
  assert.equal((await ex('rust_opt::mm::LIMIT')).result, '<optimized out>');
});

/** The addresses where a statement of `file` begins, as objdump decodes the line table (rows marked x). */
function statements(elf: string, file: string): Set<bigint> {
  const rows = execFileSync(OBJDUMP, ['--dwarf=decodedline', elf], { maxBuffer: 1 << 28 }).toString().split('\n');
  return new Set(rows.map((r) => r.trim().split(/\s+/)).filter((f) => f[0] === file && f[f.length - 1] === 'x').map((f) => BigInt(f[2])));
}

test('GCC -O: stepping over a function stops only where a statement begins, never twice on one line in a row', async () => {
  const elf = elfs.get(2)!;
  const stmts = statements(elf, 'trap.c');
  const c = await client();
  await launch(c, { program: elf, bios: 'none' });
  const { thread } = await stopAt(c, 'trap.c', 'sys_write begins', true);
  const end = procsLine('trap.c', 'sys_write counts');
  const stops: { line: number; pc: bigint }[] = [];
  for (let i = 0; i < 12; i++) {
    const frames = (await c.stackTraceRequest({ threadId: thread })).body.stackFrames;
    stops.push({ line: frames[0].line, pc: BigInt(frames[0].instructionPointerReference!) });
    if (frames[0].line >= end) break;
    await Promise.all([c.nextRequest({ threadId: thread }), c.waitForEvent('stopped')]);
  }
  const shown = stops.map((s) => `${s.line}@0x${s.pc.toString(16)}`).join(' ');
  assert.equal(stops[stops.length - 1].line, end, shown);
  for (const s of stops.slice(1)) assert.ok(stmts.has(s.pc), `0x${s.pc.toString(16)} (line ${s.line}) begins no statement: ${shown}`);
  for (let i = 1; i < stops.length; i++) assert.notEqual(stops[i].line, stops[i - 1].line, shown);
  await c.stop();
});
