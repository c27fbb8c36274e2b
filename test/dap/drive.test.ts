// launch.json's `drive` over the debug adapter (stdio, dist/debugAdapter.js): the guest gets the
// image as a virtio-blk disk; writes reach the file, or with snapshot=on they do not; a drive
// that cannot be opened fails the launch with a message that says why.
import { test, before, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { GCC, have } from '../support/toolchain.js';

const ADAPTER = resolve('dist/debugAdapter.js');
const OUT = resolve('test/programs/build/dap-drive');
const ELF = join(OUT, 'virtio_blk.elf');
const P = (f: string): string => join('test', 'programs', f);

before(() => {
  assert.ok(have(GCC), `${GCC} is not installed; this suite builds its guest with it`);
  execFileSync(process.execPath, ['esbuild.mjs']);
  execFileSync('mkdir', ['-p', OUT]);
  execFileSync(GCC, ['-march=rv64imac_zicsr_zifencei', '-mabi=lp64', '-mcmodel=medany', '-O2', '-g', '-ffreestanding', '-nostdlib', '-static',
    '-fno-tree-loop-distribute-patterns', '-Wl,--no-warn-rwx-segments', '-T', P('link.ld'), P('crt0.S'), P('virtio_blk.c'), P('libc.c'), '-lgcc', '-o', ELF]);
});

const clients: DebugClient[] = [];
afterEach(async () => { await Promise.all(clients.splice(0).map((c) => c.stop().catch(() => {}))); });

async function client(): Promise<DebugClient> {
  const dc = new DebugClient('node', ADAPTER, 'chronos');
  dc.defaultTimeout = 30_000;
  clients.push(dc);
  await dc.start();
  return dc;
}

function image(name: string): { path: string; original: Buffer } {
  const original = Buffer.alloc(256 * 1024);
  for (let i = 0; i < original.length; i++) original[i] = (i * 13 + (i >> 9)) & 0xff;
  const path = join(OUT, name);
  writeFileSync(path, original);
  return { path, original };
}

/** Launch the driver with `drive`, run it to its end; the output it printed. */
async function runToEnd(drive: string): Promise<string> {
  const c = await client();
  let output = '';
  c.on('output', (e: DebugProtocol.OutputEvent) => { output += e.body.output; });
  await Promise.all([c.initializeRequest(), c.waitForEvent('initialized'), c.launch({ program: ELF, bios: 'none', drive })]);
  await Promise.all([c.configurationDoneRequest(), c.waitForEvent('terminated')]);
  return output;
}

test('a launch with a drive gives the guest the disk, and its writes reach the file', async () => {
  const { path, original } = image('rw.img');
  const output = await runToEnd(path);
  assert.match(output, /^virtio-blk: all checks passed$/m);
  assert.match(output, /\[chronos\] virtio_mmio@10001000: the guest's driver broke a virtio rule.*length zero/);
  const after = readFileSync(path);
  const pattern = Buffer.from(Array.from({ length: 1024 }, (_, i) => (i * 7 + 3) & 0xff));
  assert.ok(after.subarray(8 * 512, 10 * 512).equals(pattern), 'sectors 8-9 hold what the guest wrote');
  assert.ok(after.subarray(0, 8 * 512).equals(original.subarray(0, 8 * 512)), 'sectors 0-7 are as they were');
});

test('with snapshot=on the guest writes, reads its writes back, and the file stays as it was', async () => {
  const { path, original } = image('snap.img');
  const output = await runToEnd(`${path},snapshot=on`);
  assert.match(output, /^virtio-blk: all checks passed$/m);
  assert.ok(readFileSync(path).equals(original));
});

test('a drive that cannot be used fails the launch, saying why', async () => {
  for (const [drive, why] of [['/no/such/disk.img', /drive \/no\/such\/disk\.img does not exist/], [`${ELF},cache=none`, /unknown drive option 'cache'/]] as const) {
    const c = await client();
    await c.initializeRequest();
    await assert.rejects(c.launch({ program: ELF, bios: 'none', drive }), why);
  }
});
