// `chronos run --drive` with arguments it cannot use: exit status 2 and a message naming the
// drive and the problem, never a stack trace (the guest never starts).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GCC, MARCH, have, scratchDir } from '../support/toolchain.js';

let dir = '', elf = '';

before(() => {
  assert.ok(have(GCC), `${GCC} is not installed; this suite builds its guest with it`);
  dir = scratchDir('drive');
  elf = join(dir, 'hello.elf');
  execFileSync(GCC, [`-march=${MARCH}`, '-mabi=lp64', '-mcmodel=medany', '-O2', '-ffreestanding', '-nostdlib', '-static',
    '-Wl,--no-warn-rwx-segments', '-T', 'test/programs/link.ld', 'test/programs/crt0.S', 'test/programs/hello.c', '-o', elf]);
});

function chronos(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join('src', 'cli', 'chronos.ts'), ...args], { encoding: 'utf8', timeout: 60_000, input: '' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('drives that cannot be used: exit 2, with a message that says why', () => {
  const img = join(dir, 'disk.img');
  writeFileSync(img, new Uint8Array(4096));
  mkdirSync(join(dir, 'a-directory'), { recursive: true });
  // Each case is the command line after `run --bios none`.
  const cases: [string[], RegExp][] = [
    [['--drive', join(dir, 'missing.img'), elf], /--drive: .*missing\.img: no such file/],
    [['--drive', join(dir, 'a-directory'), elf], /a-directory: is a directory/],
    [['--drive', `${img},snapshot=sometimes`, elf], /snapshot takes on or off, not 'sometimes'/],
    [['--drive', `${img},format=qcow2`, elf], /only raw images are supported/],
    [['--drive', `${img},if=ide`, elf], /unknown drive option 'if'/],
    [['--drive', ',snapshot=on', elf], /names no image file/],
    [[elf, '--drive'], /--drive needs a value/],
    [[...Array.from({ length: 9 }, () => ['--drive', img]).flat(), elf], /at most 8 drives/],
  ];
  for (const [args, message] of cases) {
    const r = chronos('run', '--bios', 'none', ...args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  }
});

test('a guest runs with drives it never touches, the images unchanged', () => {
  const img = join(dir, 'idle.img');
  writeFileSync(img, new Uint8Array(4096).fill(9));
  const r = chronos('run', '--bios', 'none', '--drive', img, '--drive', `${img},snapshot=on`, '--virtio-legacy', elf);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'hello from chronos\n');
});
