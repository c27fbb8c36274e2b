// Several harts (test/programs/smp): spinlocks with LR/SC and AMOs, a reservation another
// hart's store breaks, IPIs through the CLINT, per-hart timers, and HSM starts of secondary
// harts under an SBI (QEMU's OpenSBI, Chronos's built-in SBI, Debian's OpenSBI on Chronos),
// on 2 to 4 harts. Each program prints only what must be the same however its harts
// interleave, and QEMU (real threads) and Chronos (a fixed schedule) must print the same; two
// Chronos runs must be the same instruction for instruction.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Machine, type Bios } from '../../src/emulator/machine.js';
import { GCC, QEMU, requireTools } from '../support/toolchain.js';

const OPENSBI = '/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin';
const SRC = join('test', 'programs', 'smp');
const OUT = join('test', 'programs', 'build', 'smp');
const FLAGS = ['-march=rv64imac_zicsr_zifencei', '-mabi=lp64', '-mcmodel=medany', '-O2', '-g', '-ffreestanding', '-nostdlib',
  '-static', '-Wl,--no-warn-rwx-segments'];

interface Case { program: string; harts: number; smode: boolean }
const CASES: Case[] = [
  { program: 'locks', harts: 2, smode: false }, { program: 'locks', harts: 4, smode: false },
  { program: 'ipi', harts: 3, smode: false }, { program: 'timers', harts: 4, smode: false },
  { program: 'hsm', harts: 2, smode: true }, { program: 'hsm', harts: 4, smode: true },
];
const elf = (c: Case): string => join(OUT, `${c.program}-${c.harts}.elf`);
const label = (c: Case): string => `${c.program} on ${c.harts} harts`;

before(() => {
  requireTools(GCC, QEMU, OPENSBI);
  mkdirSync(OUT, { recursive: true });
  for (const c of CASES) {
    const [start, ld] = c.smode ? ['sentry.S', 'slink.ld'] : ['mcrt0.S', 'mlink.ld'];
    execFileSync(GCC, [...FLAGS, '-T', join(SRC, ld), `-DHARTS=${c.harts}`, join(SRC, start), join(SRC, `${c.program}.c`), '-o', elf(c)]);
  }
});

/** An S-mode program's own lines: from its banner on (firmware banners differ). */
const own = (c: Case, s: string): string => (c.smode ? s.slice(s.indexOf('== smp')) : s).replace(/\r/g, '');

function onQemu(c: Case): { output: string; status: number | null } {
  const r = spawnSync(QEMU, ['-machine', 'virt', '-nographic', '-smp', String(c.harts), '-bios', c.smode ? 'default' : 'none', '-kernel', elf(c)],
    { timeout: 60_000, encoding: 'latin1' });
  return { output: own(c, r.stdout), status: r.status };
}

function onChronos(c: Case, bios: Bios): { output: string; status: number | string; instret: number; perHart: number[] } {
  const m = new Machine({ harts: c.harts, bios });
  m.loadElf(readFileSync(elf(c)));
  m.boot();
  let output = '';
  m.onUartOutput.event((b) => { output += String.fromCharCode(b); });
  const r = m.run(400_000_000);
  return { output: own(c, output), status: r.kind === 'exit' ? r.status : r.kind, instret: m.instret, perHart: m.harts.map((h) => h.instret) };
}

for (const c of CASES) {
  test(`${label(c)}: Chronos prints what QEMU prints`, () => {
    const q = onQemu(c);
    assert.equal(q.status, 0, `QEMU ended with ${q.status}:\n${q.output}`);
    assert.ok(q.output.split('\n').length >= 4, `QEMU printed too little:\n${q.output}`);
    const r = onChronos(c, c.smode ? 'builtin' : 'none');
    assert.equal(r.output, q.output);
    assert.equal(r.status, 0);
    // Every hart ran (the boot code on each, at the least).
    assert.ok(r.perHart.every((n) => n > 0), `instructions per hart: ${r.perHart.join(', ')}`);
  });
}

test('the HSM program on 4 harts under Debian\'s OpenSBI running on Chronos prints what QEMU prints', () => {
  const c = CASES.find((x) => x.program === 'hsm' && x.harts === 4)!;
  const r = onChronos(c, readFileSync(OPENSBI));
  assert.equal(r.output, onQemu(c).output);
  assert.equal(r.status, 0);
});

test('two runs on several harts are the same, instruction for instruction on every hart', () => {
  for (const c of CASES) {
    const a = onChronos(c, c.smode ? 'builtin' : 'none'), b = onChronos(c, c.smode ? 'builtin' : 'none');
    assert.deepEqual(b.perHart, a.perHart, label(c));
    assert.equal(b.output, a.output, label(c));
  }
});

test('a run stopped and resumed along the way is the same as one run straight through', () => {
  const c = CASES.find((x) => x.program === 'locks' && x.harts === 4)!;
  const straight = onChronos(c, 'none');
  const m = new Machine({ harts: 4, bios: 'none' });
  m.loadElf(readFileSync(elf(c)));
  m.boot();
  let output = '';
  m.onUartOutput.event((b) => { output += String.fromCharCode(b); });
  // Odd budgets end runs in the middle of harts' turns.
  let r;
  do r = m.run(7_919); while (r.kind === 'budget');
  assert.equal(output, straight.output);
  assert.deepEqual(m.harts.map((h) => h.instret), straight.perHart);
});
