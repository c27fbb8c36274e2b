// launch.json's qemuArgs over DAP (dist/debugAdapter.js on stdio): the Makefile's QEMU line
// boots the machine the debugger then drives. The ELF that -kernel names is the program; a
// flat kernel through -device loader boots with `program` giving the symbols; -S stops on entry;
// an option Chronos refuses is a launch error naming it; relative paths are the cwd attribute's.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import { OBJCOPY, requireTools } from '../support/toolchain.js';
import { client, launch } from './support.js';

const KERNEL = resolve('kernel/target/riscv64gc-unknown-none-elf/release/chronos-kernel');
const OUT = resolve('test/programs/build/qemuargs');
const FLAT = join(OUT, 'chronos-os.bin');

before(() => {
  requireTools(OBJCOPY);
  execFileSync(process.execPath, ['esbuild.mjs']);
  execFileSync('bash', ['scripts/build-kernel.sh'], { stdio: ['ignore', 'ignore', 'inherit'] });
  mkdirSync(OUT, { recursive: true });
  execFileSync(OBJCOPY, ['-O', 'binary', KERNEL, FLAT]);
});

async function top(c: DebugClient): Promise<DebugProtocol.StackFrame> {
  return (await c.stackTraceRequest({ threadId: 1 })).body.stackFrames[0];
}

async function registers(c: DebugClient, frame: DebugProtocol.StackFrame): Promise<Map<string, string>> {
  const scopes = await c.scopesRequest({ frameId: frame.id });
  const regs = await c.variablesRequest({ variablesReference: scopes.body.scopes.find((s) => s.name === 'Registers')!.variablesReference });
  return new Map(regs.body.variables.map((v) => [v.name, v.value]));
}

/** Everything the debug console is sent from now on. */
function debugConsole(c: DebugClient): { text: string } {
  const seen = { text: '' };
  c.on('output', (e: DebugProtocol.OutputEvent) => { seen.text += e.body.output; });
  return seen;
}

async function until(seen: { text: string }, pattern: RegExp): Promise<void> {
  const t0 = Date.now();
  while (!pattern.test(seen.text)) {
    if (Date.now() - t0 > 20_000) throw new Error(`no ${pattern} in the debug console:\n${seen.text}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('the Makefile\'s QEMU line boots the kernel -kernel names, which is also the program; runTo and the console work', async () => {
  const c = await client();
  const seen = debugConsole(c);
  await launch(c, { qemuArgs: `-machine virt -nographic -bios default -kernel '${KERNEL}' -m 256M -smp 2 -append "monitor quiet"`, runTo: 'rust_main' });
  await Promise.all([c.configurationDoneRequest(), c.waitForEvent('stopped')]);
  const f = await top(c);
  assert.equal(f.name, 'rust_main');
  const regs = await registers(c, f);
  assert.equal(regs.get('privilege'), 'S');
  assert.equal(regs.get('a1'), '0x8fe00000', 'the device tree at the top of the 256 MiB');
  assert.equal((await c.threadsRequest()).body.threads.length, 2);
  await c.continueRequest({ threadId: 1 });
  await until(seen, /chronos> /);
  const out = seen.text;
  assert.match(out, /memory 0x80000000\.\.0x90000000, kernel 0x80200000\.\.0x[0-9a-f]+, bootargs "monitor quiet"/);
  assert.match(out, /Chronos: -bios default: Chronos's built-in SBI stands in for OpenSBI/);
  await c.stop();
});

test('a flat kernel through -device loader boots, with program giving the symbols; -S stops on entry', async () => {
  const c = await client();
  await launch(c, { program: KERNEL, qemuArgs: `-machine virt -nographic -device loader,file=${FLAT},addr=0x80200000 -S` });
  await Promise.all([c.configurationDoneRequest(), c.assertStoppedLocation('entry', {})]);
  const f = await top(c);
  assert.equal(f.instructionPointerReference, '0x80200000');
  assert.equal(f.name, '_start');
  const set = await c.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'rust_main' }] });
  assert.equal(set.body.breakpoints[0].verified, true);
  await Promise.all([c.continueRequest({ threadId: 1 }), c.assertStoppedLocation('function breakpoint', {})]);
  assert.equal((await top(c)).name, 'rust_main');
  await c.stop();
});

test('relative paths in qemuArgs and program are read from cwd, as make runs QEMU in the Makefile\'s directory', async () => {
  // xv6's shape: -kernel and -drive file= relative to the Makefile's directory.
  copyFileSync(KERNEL, join(OUT, 'kernel.elf'));
  writeFileSync(join(OUT, 'fs.img'), new Uint8Array(64 * 1024));
  const disk = '-drive file=fs.img,if=none,format=raw,id=x0 -device virtio-blk-device,drive=x0,bus=virtio-mmio-bus.0';
  const c = await client();
  await launch(c, { cwd: OUT, qemuArgs: `-machine virt -nographic -bios default -kernel kernel.elf ${disk}`, runTo: 'rust_main' });
  await Promise.all([c.configurationDoneRequest(), c.waitForEvent('stopped')]);
  assert.equal((await top(c)).name, 'rust_main');
  await c.stop();
  // The program and a loader's file, both relative.
  const d = await client();
  await launch(d, { cwd: OUT, program: 'kernel.elf', qemuArgs: '-machine virt -nographic -device loader,file=chronos-os.bin,addr=0x80200000 -S' });
  await Promise.all([d.configurationDoneRequest(), d.assertStoppedLocation('entry', {})]);
  assert.equal((await top(d)).name, '_start');
  await d.stop();
  // A missing file is named where it was looked for.
  const e = await client();
  await e.initializeRequest();
  await assert.rejects(e.launch({ cwd: OUT, qemuArgs: '-machine virt -kernel kernel.elf -drive file=gone.img,if=none,format=raw,id=x0 -device virtio-blk-device,drive=x0' } as DebugProtocol.LaunchRequestArguments),
    new RegExp(`drive ${OUT}/gone\\.img does not exist`));
  await assert.rejects(e.launch({ cwd: OUT, program: 'nothing.elf' } as DebugProtocol.LaunchRequestArguments), new RegExp(`program ${OUT}/nothing\\.elf does not exist`));
  await e.stop();
});

test('an option Chronos refuses, or a line with no kernel and no program, is a launch error that says why', async () => {
  const c = await client();
  await c.initializeRequest();
  await assert.rejects(c.launch({ qemuArgs: `-machine virt -enable-kvm -kernel ${KERNEL}` } as DebugProtocol.LaunchRequestArguments),
    /Chronos cannot launch: qemuArgs: -enable-kvm: not supported by Chronos: Chronos emulates the hart itself/);
  await assert.rejects(c.launch({ qemuArgs: '-machine virt -nographic -bios none' } as DebugProtocol.LaunchRequestArguments),
    /qemuArgs has no -kernel: give "program"/);
  await assert.rejects(c.launch({ qemuArgs: '-machine virt -kernel "unclosed' } as DebugProtocol.LaunchRequestArguments), /qemuArgs: unclosed "/);
  await assert.rejects(c.launch({} as DebugProtocol.LaunchRequestArguments), /launch: program is required/);
  await c.stop();
});
