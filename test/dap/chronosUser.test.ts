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
  // The process table comes from the descriptor: utest runs under init.
  const processes = (await c.customRequest('chronos/processes')).body as { processes: { name: string; state: string }[] };
  assert.ok(processes.processes.some((p) => p.name === 'utest'), JSON.stringify(processes));
  assert.ok(processes.processes.some((p) => p.name === 'init'), JSON.stringify(processes));
  await c.stop();
});
