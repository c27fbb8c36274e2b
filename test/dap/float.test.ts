// The floating-point registers over DAP: the scope shows a double as a double and a NaN-boxed
// single as a single, with their bits; a value set at a breakpoint is the one the program then
// computes with; expressions read the registers; fcsr and mstatus.FS are shown in words.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import { GCC, MARCH_FD, requireTools } from '../support/toolchain.js';
import { client, launch } from './support.js';

const ELF = resolve('test/programs/build/fpregs.elf');

before(() => {
  requireTools(GCC);
  execFileSync(process.execPath, ['esbuild.mjs']);
  mkdirSync(resolve('test/programs/build'), { recursive: true });
  execFileSync(GCC, [`-march=${MARCH_FD}`, '-mabi=lp64d', '-mcmodel=medany', '-O1', '-g', '-ffreestanding', '-nostdlib', '-static',
    '-Wl,--no-warn-rwx-segments', '-T', 'test/programs/link.ld', 'test/programs/crt0.S', 'test/programs/fpregs.c', '-o', ELF]);
});

async function floatScope(c: DebugClient): Promise<{ ref: number; values: Map<string, string> }> {
  const st = await c.stackTraceRequest({ threadId: 1 });
  const scopes = await c.scopesRequest({ frameId: st.body.stackFrames[0].id });
  const ref = scopes.body.scopes.find((s) => s.name === 'Floating point')!.variablesReference;
  const vars = await c.variablesRequest({ variablesReference: ref });
  return { ref, values: new Map(vars.body.variables.map((v) => [v.name, v.value])) };
}

test('FP registers: shown by precision, set at a breakpoint, read by expressions', async () => {
  const c = await client();
  await launch(c, { program: ELF, bios: 'none' });
  const fb = await c.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'scale' }] });
  assert.ok(fb.body.breakpoints[0].verified);
  await Promise.all([c.configurationDoneRequest(), c.waitForEvent('stopped')]);

  const before = await floatScope(c);
  assert.equal(before.values.get('fa0'), '1.5 (0x3ff8000000000000)');
  assert.equal(before.values.get('fa1'), '2 (single, 0xffffffff40000000)');
  assert.equal(before.values.get('frm'), '0 (rne)');
  assert.equal(before.values.get('fflags'), '0x0');
  assert.equal(before.values.get('mstatus.FS'), 'on');

  // A decimal is stored in the precision the register holds; hex is raw bits.
  const set = await c.setVariableRequest({ variablesReference: before.ref, name: 'fa0', value: '3.25' });
  assert.equal(set.body.value, '3.25 (0x400a000000000000)');
  const single = await c.setVariableRequest({ variablesReference: before.ref, name: 'fa1', value: '-0.1' });
  assert.equal(single.body.value, '-0.1 (single, 0xffffffffbdcccccd)');
  const raw = await c.setVariableRequest({ variablesReference: before.ref, name: 'fa1', value: '0xffffffff40000000' });
  assert.equal(raw.body.value, '2 (single, 0xffffffff40000000)');
  await assert.rejects(c.setVariableRequest({ variablesReference: before.ref, name: 'fa1', value: 'two' }), /neither a decimal number nor raw bits/);

  const st = await c.stackTraceRequest({ threadId: 1 });
  const frameId = st.body.stackFrames[0].id;
  assert.equal((await c.evaluateRequest({ expression: '$fa0', frameId })).body.result, '3.25 (0x400a000000000000)');
  assert.equal((await c.evaluateRequest({ expression: 'f10 >> 52', frameId })).body.result, '0x400 (1024)');

  // The program multiplies what the registers now hold: 3.25 * 2 = 6.5 (0x401a000000000000).
  const output = new Promise<string>((done) => {
    let text = '';
    c.on('output', (e) => { text += e.body.output; if (text.includes('\n')) done(text); });
  });
  await c.setFunctionBreakpointsRequest({ breakpoints: [] });
  await c.continueRequest({ threadId: 1 });
  assert.match(await output, /^401a000000000000\n/); // "product " came out before the stop
});
