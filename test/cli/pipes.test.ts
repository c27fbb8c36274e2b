// Nothing lost from the command line: output far larger than a pipe's buffer arrives whole
// through a pipe, as it does into a file, and a reader that stops early (`head`) ends chronos
// quietly, with no EPIPE stack trace.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { scratchDir } from '../support/toolchain.js';

const CLI = 'dist/chronos.js';
const KERNEL = 'kernel/target/riscv64gc-unknown-none-elf/release/chronos-kernel';
let dir: string;

before(() => {
  execFileSync(process.execPath, ['esbuild.mjs']);
  execFileSync('bash', ['scripts/build-kernel.sh'], { stdio: ['ignore', 'ignore', 'inherit'] });
  dir = scratchDir('pipes');
});

test('chronos disasm through a pipe prints as much as into a file (megabytes, many pipe buffers)', () => {
  const file = join(dir, 'listing.txt');
  execFileSync('sh', ['-c', `node ${CLI} disasm ${KERNEL} > ${file}`]);
  const size = statSync(file).size;
  assert.ok(size > 1 << 20, `the listing is only ${size} bytes`);
  const counted = Number(execFileSync('sh', ['-c', `node ${CLI} disasm ${KERNEL} | wc -c`]).toString().trim());
  assert.equal(counted, size);
  // A slow reader, too: the pipe fills and empties many times before chronos may exit.
  const slow = Number(execFileSync('sh', ['-c', `node ${CLI} disasm ${KERNEL} | (sleep 1; wc -c)`]).toString().trim());
  assert.equal(slow, size);
  assert.equal(execFileSync('sh', ['-c', `node ${CLI} disasm ${KERNEL} | tail -c 200`]).toString(), readFileSync(file, 'latin1').slice(-200));
});

test('a reader that closes early ends chronos quietly', () => {
  const r = spawnSync('sh', ['-c', `node ${CLI} disasm ${KERNEL} | head -c 100`], { encoding: 'utf8' });
  assert.equal(r.stdout.length, 100);
  assert.equal(r.stderr, '');
  // With bash's pipefail the exit status is the one tools killed by SIGPIPE report.
  const b = spawnSync('bash', ['-o', 'pipefail', '-c', `node ${CLI} disasm ${KERNEL} | head -1 > /dev/null`], { encoding: 'utf8' });
  assert.equal(b.status, 141, b.stderr);
  assert.equal(b.stderr, '');
});

test('a guest\'s UART output through a pipe is whole when the guest ends', () => {
  const file = join(dir, 'boot.txt');
  execFileSync('sh', ['-c', `node ${CLI} run ${KERNEL} > ${file}`]);
  const whole = readFileSync(file, 'latin1');
  assert.match(whole, /ktest: \d+ passed, 0 failed/);
  const piped = execFileSync('sh', ['-c', `node ${CLI} run ${KERNEL} | cat`]).toString('latin1');
  assert.equal(piped, whole);
});
