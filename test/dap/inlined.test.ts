// Inlined functions as frames of their own, over the DAP on stdio, in a C program GCC built
// at -O2 (test/programs/inlined.c: static inline functions inlined into one another and into
// their callers), with DWARF 4 (.debug_ranges) and 5 (.debug_rnglists): the call stack names
// each inlined call with its line (the innermost from the line table, the others at the call
// inside them), each inlined frame has its own parameters and variables, a function breakpoint
// stops at every inlined copy, and stepping treats an inlined call as a call. The same for
// rustc's #[inline(always)] at opt-level 2 (test/programs/rust-inline), with module paths.
// A line step back mirrors a step over.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { GCC, requireTools } from '../support/toolchain.js';
import { buildInlined, inlinedLine, INLINED_SRC } from '../support/inlinedProgram.js';
import { buildRustProgram } from '../support/rustProgram.js';
import { client, launch } from './support.js';

requireTools(GCC);
const VERSIONS = [4, 5] as const;
const elfs = new Map<number, string>();

before(() => {
  execFileSync(process.execPath, ['esbuild.mjs']);
  for (const v of VERSIONS) elfs.set(v, buildInlined(v));
});

type Frame = DebugProtocol.StackFrame;

async function frames(c: DebugClient): Promise<Frame[]> {
  return (await c.stackTraceRequest({ threadId: 1 })).body.stackFrames;
}

/** Each frame as `name:line`, up to main (or Rust's rmain). */
const shape = (fs: Frame[]): string[] => fs.slice(0, fs.findIndex((f) => f.name === 'main' || f.name === 'rmain') + 1).map((f) => `${f.name}:${f.line}`);

async function locals(c: DebugClient, frameId: number): Promise<Map<string, string>> {
  const scopes = (await c.scopesRequest({ frameId })).body.scopes;
  const ref = scopes.find((s) => s.name === 'Locals')?.variablesReference;
  assert.ok(ref, 'a Locals scope');
  return new Map((await c.variablesRequest({ variablesReference: ref })).body.variables.map((v) => [v.name, v.value]));
}

async function resume(c: DebugClient, run: Promise<unknown>): Promise<DebugProtocol.StoppedEvent> {
  const [, ev] = await Promise.all([run, c.waitForEvent('stopped')]);
  return ev as DebugProtocol.StoppedEvent;
}

const L = {
  readReg: inlinedLine('read_reg reads'), scaledCalls: inlinedLine('scaled calls read_reg'), scaledMultiplies: inlinedLine('scaled multiplies'),
  bumpAdds: inlinedLine('bump adds'), first: inlinedLine('sample calls scaled first'), bump: inlinedLine('sample calls bump'),
  again: inlinedLine('sample calls scaled again'), mainSample: inlinedLine('main calls sample */'), mainAgain: inlinedLine('main calls sample again'),
  mainBump: inlinedLine('main calls bump */'), mainHook: inlinedLine('main calls bump through hook'),
  sampleEnds: inlinedLine('sample returns') + 1,
};

for (const version of VERSIONS) {
  test(`GCC -O2 -gdwarf-${version}: a function breakpoint on a static inline function stops in each inlined copy, with its own frames and locals`, async () => {
    const c = await client();
    await launch(c, { program: elfs.get(version), bios: 'none' });
    const set = await c.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'read_reg' }] });
    assert.ok(set.body.breakpoints[0].verified, 'read_reg has no symbol: its inlined copies are found in the DWARF');
    assert.match(set.body.breakpoints[0].message ?? '', /^2 places/);

    // sample(0)'s first scaled(which, 3), inside which read_reg(which) is inlined.
    let ev = await resume(c, c.configurationDoneRequest());
    assert.equal(ev.body.reason, 'function breakpoint');
    let fs = await frames(c);
    assert.deepEqual(shape(fs), [`read_reg:${L.readReg}`, `scaled:${L.scaledCalls}`, `sample:${L.first}`, `main:${L.mainSample}`]);
    for (const f of fs.slice(0, 4)) assert.equal(f.source?.path, INLINED_SRC, f.name);
    // The inlined frames share the physical frame's pc.
    assert.equal(fs[0].instructionPointerReference, fs[2].instructionPointerReference);
    assert.notEqual(fs[2].instructionPointerReference, fs[3].instructionPointerReference);
    const rr = await locals(c, fs[0].id);
    assert.equal(rr.get('which'), '0');
    assert.match(rr.get('v') ?? '<no v>', /^<optimized out/, 'not loaded yet');
    const sc = await locals(c, fs[1].id);
    assert.equal(sc.get('which'), '0');
    assert.equal(sc.get('factor'), '3');
    assert.ok(sc.has('raw') && sc.has('result'), [...sc.keys()].join());
    assert.ok(!sc.has('v'), 'read_reg\'s v is its own frame\'s');
    const sa = await locals(c, fs[2].id);
    assert.equal(sa.get('which'), '0');
    assert.ok(!sa.has('raw') && !sa.has('factor'), [...sa.keys()].join());
    const ex = await c.evaluateRequest({ expression: 'factor * 2 + which', frameId: fs[1].id, context: 'watch' });
    assert.equal(ex.body.result, '0x6 (6)');

    // The second copy, in scaled(which + 1, 5).
    await resume(c, c.continueRequest({ threadId: 1 }));
    fs = await frames(c);
    assert.deepEqual(shape(fs), [`read_reg:${L.readReg}`, `scaled:${L.scaledCalls}`, `sample:${L.again}`, `main:${L.mainSample}`]);
    // sample(1): the first copy again.
    await resume(c, c.continueRequest({ threadId: 1 }));
    fs = await frames(c);
    assert.deepEqual(shape(fs), [`read_reg:${L.readReg}`, `scaled:${L.scaledCalls}`, `sample:${L.first}`, `main:${L.mainAgain}`]);
    assert.equal((await locals(c, fs[0].id)).get('which'), '1');
    assert.equal((await locals(c, fs[2].id)).get('which'), '1');
  });

  test(`GCC -O2 -gdwarf-${version}: bump's inlined copies in sample and in main, and its out-of-line copy, are each stopped at`, async () => {
    const c = await client();
    await launch(c, { program: elfs.get(version), bios: 'none' });
    const set = (await c.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'bump' }] })).body.breakpoints[0];
    assert.ok(set.verified);
    assert.equal(set.message, '3 places: the function and 2 inlined copies');
    const seen: string[][] = [], ns: string[] = [];
    let ev = await resume(c, c.configurationDoneRequest());
    for (let i = 0; i < 4; i++) {
      assert.equal(ev.body.reason, 'function breakpoint');
      const fs = await frames(c);
      seen.push(shape(fs));
      ns.push((await locals(c, fs[0].id)).get('n') ?? '<no n>');
      if (i < 3) ev = await resume(c, c.continueRequest({ threadId: 1 }));
    }
    assert.deepEqual(seen, [
      [`bump:${L.bumpAdds}`, `sample:${L.bump}`, `main:${L.mainSample}`],
      [`bump:${L.bumpAdds}`, `sample:${L.bump}`, `main:${L.mainAgain}`],
      [`bump:${L.bumpAdds}`, `main:${L.mainBump}`],
      [`bump:${L.bumpAdds}`, `main:${L.mainHook}`],
    ]);
    // In main's copy GCC folded n into its constant and says nothing of it (gdb: n=<optimized out>).
    assert.deepEqual([ns[0], ns[1], ns[3]], ['1', '1', '3']);
    assert.equal(ns[2], '<optimized out>');
  });

  test(`GCC -O2 -gdwarf-${version}: stepping over inlined calls, and out of them`, async () => {
    const c = await client();
    await launch(c, { program: elfs.get(version), bios: 'none' });
    // The out-of-line function: at its first instruction, which also begins the inlined
    // scaled and read_reg, the stop is in sample at the call's line (their calls have not begun).
    assert.ok((await c.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'sample' }] })).body.breakpoints[0].verified);
    await resume(c, c.configurationDoneRequest());
    assert.deepEqual(shape(await frames(c)), [`sample:${L.first}`, `main:${L.mainSample}`]);
    await c.setFunctionBreakpointsRequest({ breakpoints: [] });
    // Step over: each inlined call runs as a call does; the stop at bump's call is at its line.
    const lines: string[] = [];
    for (let i = 0; i < 3; i++) {
      await resume(c, c.nextRequest({ threadId: 1 }));
      lines.push(shape(await frames(c)).join(' < '));
    }
    assert.deepEqual(lines, [`sample:${L.bump} < main:${L.mainSample}`, `sample:${L.again} < main:${L.mainSample}`, `sample:${L.sampleEnds} < main:${L.mainSample}`], 'the last stop is at the return, which GCC gives the closing brace\'s line');

    // Step out of read_reg (inlined into scaled), then of scaled (inlined into sample): each
    // stops in its caller's frame after the inlined code.
    assert.ok((await c.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'read_reg' }] })).body.breakpoints[0].verified);
    await resume(c, c.continueRequest({ threadId: 1 }));
    assert.deepEqual(shape(await frames(c)), [`read_reg:${L.readReg}`, `scaled:${L.scaledCalls}`, `sample:${L.first}`, `main:${L.mainAgain}`]);
    await c.setFunctionBreakpointsRequest({ breakpoints: [] });
    await resume(c, c.stepOutRequest({ threadId: 1 }));
    assert.deepEqual(shape(await frames(c)), [`scaled:${L.scaledMultiplies}`, `sample:${L.first}`, `main:${L.mainAgain}`]);
    await resume(c, c.stepOutRequest({ threadId: 1 }));
    assert.deepEqual(shape(await frames(c)), [`sample:${L.bump}`, `main:${L.mainAgain}`]);
    // Out of sample, a real call: back in main, where the return address is the first
    // instruction of the inlined bump(2) (GCC moved the addition of sample's result after it).
    await resume(c, c.stepOutRequest({ threadId: 1 }));
    assert.deepEqual(shape(await frames(c)), [`main:${L.mainBump}`]);
  });

  test(`GCC -O2 -gdwarf-${version}: step into an inlined call: at its call's line, then into its frame without running, one call at a time`, async () => {
    const c = await client();
    await launch(c, { program: elfs.get(version), bios: 'none' });
    assert.ok((await c.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'sample' }] })).body.breakpoints[0].verified);
    await resume(c, c.configurationDoneRequest());
    await c.setFunctionBreakpointsRequest({ breakpoints: [] });
    const at = async (): Promise<{ shape: string; pc: string }> => { const fs = await frames(c); return { shape: shape(fs).join(' < '), pc: fs[0].instructionPointerReference! }; };
    const start = await at();
    assert.equal(start.shape, `sample:${L.first} < main:${L.mainSample}`);
    const steps: { shape: string; pc: string }[] = [];
    for (let i = 0; i < 3; i++) {
      await resume(c, c.stepInRequest({ threadId: 1 }));
      steps.push(await at());
    }
    assert.deepEqual(steps.slice(0, 2), [
      { shape: `scaled:${L.scaledCalls} < sample:${L.first} < main:${L.mainSample}`, pc: start.pc },
      { shape: `read_reg:${L.readReg} < scaled:${L.scaledCalls} < sample:${L.first} < main:${L.mainSample}`, pc: start.pc },
    ]);
    // Then the code runs: the next line of read_reg.
    assert.notEqual(steps[2].pc, start.pc);
    assert.match(steps[2].shape, new RegExp(`^read_reg:${L.readReg + 1} < scaled:${L.scaledCalls} < sample:${L.first}`));
    // Stepping on out of scaled reaches bump's first instruction: first its call's line in
    // sample, then (at the same pc) bump's frame.
    let call: { shape: string; pc: string } | undefined;
    for (let i = 0; i < 8 && !call; i++) {
      await resume(c, c.stepInRequest({ threadId: 1 }));
      const now = await at();
      if (now.shape === `sample:${L.bump} < main:${L.mainSample}`) call = now;
    }
    assert.ok(call, 'a step stops at the line of the call to bump');
    await resume(c, c.stepInRequest({ threadId: 1 }));
    assert.deepEqual(await at(), { shape: `bump:${L.bumpAdds} < sample:${L.bump} < main:${L.mainSample}`, pc: call.pc });
  });

  test(`GCC -O2 -gdwarf-${version}: a line step back over inlined calls retraces the steps over them`, async () => {
    const c = await client();
    await launch(c, { program: elfs.get(version), bios: 'none' });
    assert.ok((await c.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'sample' }] })).body.breakpoints[0].verified);
    await resume(c, c.configurationDoneRequest());
    await c.setFunctionBreakpointsRequest({ breakpoints: [] });
    const at = async (): Promise<string> => { const fs = await frames(c); return `${shape(fs).join(' < ')} @${fs[0].instructionPointerReference}`; };
    const forward = [await at()];
    for (let i = 0; i < 3; i++) {
      await resume(c, c.nextRequest({ threadId: 1 }));
      forward.push(await at());
    }
    const back = [forward[3]];
    for (let i = 0; i < 3; i++) {
      await resume(c, c.stepBackRequest({ threadId: 1 }));
      back.push(await at());
    }
    assert.deepEqual(back, [...forward].reverse());
  });
}

test('rustc -C opt-level=2: #[inline(always)] functions as frames named by their module paths, stopped at by a path\'s tail', async () => {
  execFileSync('bash', ['scripts/build-kernel.sh'], { stdio: ['ignore', 'ignore', 'inherit'] });
  const src = resolve('test/programs/rust-inline/main.rs');
  const elf = buildRustProgram('test/programs/rust-inline/main.rs', 'rust_inline', 'test/programs/smp/mlink.ld', 2);
  const line = (marker: string): number => readFileSync(src, 'utf8').split('\n').findIndex((l) => l.includes(marker)) + 1;
  const c = await client();
  await launch(c, { program: elf, bios: 'none' });
  const set = await c.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'mm::frame_index' }] });
  assert.ok(set.body.breakpoints[0].verified, 'frame_index has no symbol of its own: every call was inlined');
  assert.match(set.body.breakpoints[0].message ?? '', /^2 places/);
  const stops: string[][] = [];
  const values: (string | undefined)[] = [];
  let ev = await resume(c, c.configurationDoneRequest());
  for (let i = 0; i < 2; i++) {
    assert.equal(ev.body.reason, 'function breakpoint');
    const fs = await frames(c);
    // The innermost frame's line is the line table's, which rustc's folding leaves loose here.
    stops.push([fs[0].name, ...shape(fs).slice(1)]);
    const l = await locals(c, fs[0].id);
    values.push(l.get('address'));
    if (i === 0) {
      const between = await locals(c, fs[1].id);
      assert.deepEqual([between.get('start'), between.get('end')], [String(0x8000_0000), String(0x8000_5000)]);
      assert.ok(!between.has('address') && !between.has('index'), 'frame_index\'s variables are its own frame\'s');
      ev = await resume(c, c.continueRequest({ threadId: 1 }));
    }
  }
  const span = line('span calls frames_between'), rmain = line('rmain calls span');
  assert.deepEqual(stops, [
    ['rust_inline::mm::frame_index', `rust_inline::mm::frames_between:${line('frames_between calls frame_index')}`, `rust_inline::span:${span}`, `rmain:${rmain}`],
    ['rust_inline::mm::frame_index', `rust_inline::mm::frames_between:${line('frames_between calls frame_index') + 1}`, `rust_inline::span:${span}`, `rmain:${rmain}`],
  ]);
  assert.deepEqual(values, [String(0x8000_0000), String(0x8000_5000)]);
});
