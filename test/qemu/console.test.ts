// The run around the guest, as QEMU runs it: a guest's reset restarts the machine (and ends the
// run with -no-reboot); -S holds the harts until the monitor's cont; system_reset restarts;
// Ctrl-A x and the monitor's q end the run with status 0; and the guest's exit status is QEMU's.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GCC, MARCH, QEMU, requireTools, scratchDir } from '../support/toolchain.js';
import { CHRONOS, Session, ask } from './support.js';
import { buildProcsKernel } from '../support/procsKernel.js';

let dir = '', rebooter = '', failer = '';

/** A bare program: prints `text` and a newline, then writes `finisher` to the test device. */
function program(name: string, text: string, finisher: number): string {
  const src = join(dir, `${name}.S`), elf = join(dir, `${name}.elf`);
  const bytes = [...text, '\n'].map((c) => `  li t1, ${c.charCodeAt(0)}\n  sb t1, 0(t0)`).join('\n');
  writeFileSync(src, `.globl _start\n_start:\n  csrr t2, mhartid\n  bnez t2, 2f\n  li t0, 0x10000000\n${bytes}\n  li t0, 0x100000\n  li t1, ${finisher}\n  sw t1, 0(t0)\n2: wfi\n  j 2b\n`);
  execFileSync(GCC, [`-march=${MARCH}`, '-mabi=lp64', '-nostdlib', '-static', '-Wl,--no-warn-rwx-segments', '-T', 'test/programs/link.ld', src, '-o', elf]);
  return elf;
}

before(() => {
  requireTools(QEMU, GCC);
  execFileSync(process.execPath, ['esbuild.mjs']);
  dir = scratchDir('console');
  rebooter = program('reboot', 'booted', 0x7777);
  failer = program('fail', 'failing', (3 << 16) | 0x3333);
});

const args = (elf: string, ...more: string[]): string[] => ['-machine', 'virt', '-nographic', '-bios', 'none', '-kernel', elf, ...more];

test('a reset the guest asks for restarts the machine, as on QEMU; with -no-reboot it ends the run', async () => {
  for (const [cmd, pre] of [[QEMU, []], [process.execPath, [CHRONOS, 'qemu']]] as [string, string[]][]) {
    const s = new Session(cmd, [...pre, ...args(rebooter)]);
    const first = await s.waitFor('booted\n', 30_000);
    await s.waitFor('booted\n', 30_000, first);
    s.send('\x01x');
    assert.equal(await s.end(), 0);
    const once = spawnSync(cmd, [...pre, ...args(rebooter, '-no-reboot')], { encoding: 'latin1', timeout: 30_000 });
    assert.equal(once.status, 0, `${cmd}: ${once.stderr}`);
    assert.equal(once.stdout.replace(/\r/g, ''), 'booted\n');
  }
});

test('the finisher\'s failure code is the exit status, as on QEMU', () => {
  const q = spawnSync(QEMU, args(failer), { encoding: 'latin1', timeout: 30_000 });
  const c = spawnSync(process.execPath, [CHRONOS, 'qemu', ...args(failer)], { encoding: 'latin1', timeout: 30_000, input: '' });
  assert.equal(q.status, 3);
  assert.equal(c.status, q.status);
  assert.equal(c.stdout, q.stdout);
});

test('-S holds the harts until cont; stop, system_reset and q through Ctrl-A c on -nographic', async () => {
  const s = new Session(process.execPath, [CHRONOS, 'qemu', ...args(rebooter, '-S', '-no-reboot', '-smp', '2')]);
  try {
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(s.out, '', 'nothing ran before cont');
    s.send('\x01c');
    await s.waitFor('(qemu) ', 10_000);
    assert.equal(await ask(s, 'info status', false), 'VM status: paused (prelaunch)\r\n');
    assert.match(await ask(s, 'info cpus', false), /^\* CPU #0: pc=0x0000000080000000 \(M-mode\)\r\n {2}CPU #1: pc=0x0000000080000000/);
    assert.equal(await ask(s, 'cpu 1', false), '');
    assert.match(await ask(s, 'info registers', false), /^\r\nCPU#1\r\n pc {7}0000000080000000\r\n mhartid  0000000000000001\r\n/);
    assert.equal(await ask(s, 'cpu 2', false), 'invalid CPU index\r\n');
    assert.equal(await ask(s, 'p 0x10 + 2 * 3', false), '0x16\r\n');
    assert.match(await ask(s, 'help', false), /^cont\|c -- resume emulation\r\n/m);
    assert.match(await ask(s, 'info', false), /^info mem -- show the active virtual memory mappings\r\n/m);
    assert.equal(await ask(s, 'info processes', false), 'no kernel profile for this kernel\r\n');
    assert.match(await ask(s, 'info frames', false), /no Chronos debug descriptor/);
    assert.equal(await ask(s, 'info tlb', false), 'No translation or protection (satp is Bare: virtual addresses are physical)\r\n');
    const before = s.out.length;
    s.send('cont\n');
    // -no-reboot: the program's reset ends the run once it has printed its line.
    assert.equal(await s.end(10_000), 0);
    assert.equal(s.out.slice(before).replace(/\r/g, '').replace(/^\(qemu\) /m, ''), 'booted\n');
  } finally {
    await s.end(100);
  }
  const q = new Session(process.execPath, [CHRONOS, 'qemu', '-machine', 'virt', '-display', 'none', '-monitor', 'stdio', '-serial', 'none', '-bios', 'none', '-kernel', rebooter, '-S']);
  await q.waitFor('(qemu) ', 10_000);
  assert.equal(await ask(q, 'system_reset', false), '');
  assert.equal(await ask(q, 'info status', false), 'VM status: paused (prelaunch)\r\n');
  q.send('q\n');
  assert.equal(await q.end(), 0);
});

test('info processes through the kernel profile: the xv6-shaped kernel\'s table, each process on its hart', async () => {
  const elf = buildProcsKernel(2, true);
  const s = new Session(process.execPath, [CHRONOS, 'qemu', ...args(elf, '-smp', '3')]);
  try {
    await s.waitFor('init runs\n', 30_000);
    s.send('\x01c');
    await s.waitFor('(qemu) ', 10_000);
    assert.equal(await ask(s, 'stop', false), '');
    const lines = (await ask(s, 'info processes', false)).split('\r\n');
    assert.equal(lines[0], '  PID STATE      HART SATP             NAME');
    for (const [i, name] of ['init', 'sh', 'ls'].entries()) {
      assert.match(lines[i + 1], new RegExp(`^ {4}${i + 1} running {7}${i} 80000000000[0-9a-f]{5} ${name}$`), lines.join('\n'));
    }
    s.send('q\n');
    assert.equal(await s.end(10_000), 0);
  } finally {
    await s.end(100);
  }
});
