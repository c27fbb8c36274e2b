// A hart spinning on a lock another hart holds hands the rest of its turn over (runLoop.ts):
// test/programs/smp/contend.c holds each of three kinds of lock (amoswap, amoor, a wait loop
// with `pause`) across several turns while the other harts wait. Its counts must be QEMU's, the
// attempts that found a lock taken must stay few (a spinner that kept its turn would make
// thousands per turn), and runs must stay exact: two runs, a run in odd slices, a run stepped
// through hand-offs, and a run restored from a snapshot all end the same, on every hart.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Machine } from '../../src/emulator/machine.js';
import { QUANTUM } from '../../src/emulator/runLoop.js';
import { History } from '../../src/emulator/history/history.js';
import { GCC, QEMU, requireTools } from '../support/toolchain.js';

const SRC = join('test', 'programs', 'smp');
const OUT = join('test', 'programs', 'build', 'smp');
const FLAGS = ['-march=rv64imac_zicsr_zifencei', '-mabi=lp64', '-mcmodel=medany', '-O2', '-g', '-ffreestanding', '-nostdlib',
  '-static', '-Wl,--no-warn-rwx-segments'];
/** contend.c's ROUNDS: lock acquisitions per hart and kind. */
const ROUNDS = 12;
const HARTS = [2, 3, 4];
/** The program built for one hart: the same work with nobody to wait for. */
const ALONE = 1;
const elf = (harts: number): string => join(OUT, `contend-${harts}.elf`);
/** timers.c with every hart waiting for its timer in a loop of loads rather than wfi. */
const SPIN_TIMERS = join(OUT, 'timers-spin-3.elf');

before(() => {
  requireTools(GCC, QEMU);
  mkdirSync(OUT, { recursive: true });
  for (const n of [ALONE, ...HARTS]) execFileSync(GCC, [...FLAGS, '-T', join(SRC, 'mlink.ld'), `-DHARTS=${n}`, join(SRC, 'mcrt0.S'), join(SRC, 'contend.c'), '-o', elf(n)]);
  execFileSync(GCC, [...FLAGS, '-T', join(SRC, 'mlink.ld'), '-DHARTS=3', '-DSPIN', join(SRC, 'mcrt0.S'), join(SRC, 'timers.c'), '-o', SPIN_TIMERS]);
});

interface Run { machine: Machine; output: () => string }

function boot(harts: number): Run {
  const m = new Machine({ harts, bios: 'none' });
  m.loadElf(readFileSync(elf(harts)));
  m.boot();
  let output = '';
  m.onUartOutput.event((b) => { output += String.fromCharCode(b); });
  return { machine: m, output: () => output };
}

interface Result { output: string; status: number | string; perHart: number[]; idle: number }

function finish(run: Run, budget = 200_000_000): Result {
  const m = run.machine;
  const r = m.run(budget);
  return { output: run.output(), status: r.kind === 'exit' ? r.status : r.kind, perHart: m.harts.map((h) => h.instret), idle: m.clock.idleCycles };
}

/** The attempts that found each kind of lock taken, from the program's last line. */
function failedAttempts(output: string): { amoswap: number; amoor: number; pause: number } {
  const m = /failed attempts: amoswap (\d+) amoor (\d+) pause (\d+)/.exec(output);
  assert.ok(m, `no count of failed attempts in:\n${output}`);
  return { amoswap: Number(m[1]), amoor: Number(m[2]), pause: Number(m[3]) };
}

/** What must agree with QEMU: everything but the attempts, which depend on the interleaving. */
const counted = (output: string): string => output.replace(/\r/g, '').split('\n').filter((l) => !l.startsWith('failed attempts')).join('\n');

for (const n of HARTS) {
  test(`contended locks on ${n} harts count what QEMU counts, and spinners make few attempts`, () => {
    const q = spawnSync(QEMU, ['-machine', 'virt', '-nographic', '-smp', String(n), '-bios', 'none', '-kernel', elf(n)], { timeout: 60_000, encoding: 'latin1' });
    assert.equal(q.status, 0, `QEMU ended with ${q.status}:\n${q.stdout}`);
    const r = finish(boot(n));
    assert.equal(r.status, 0, r.output);
    assert.equal(counted(r.output), counted(q.stdout));
    assert.match(r.output, new RegExp(`amoswap lock counted ${n * ROUNDS * 4000}\n`));
    // Each acquisition waits for at most a few turns of the holder, and a spinner makes one
    // attempt per turn: a bound per acquisition, independent of how long the lock is held.
    // Without the hand-off a spinner retries for its whole turn (over 100,000 attempts here).
    const bound = 4 * n * ROUNDS;
    const f = failedAttempts(r.output);
    for (const [kind, count] of Object.entries(f)) {
      assert.ok(count <= bound, `${kind}: ${count} failed attempts on ${n} harts, more than ${bound}`);
      assert.ok(count > 0, `${kind}: no hart ever found the lock taken, so nothing was tested`);
    }
    // The turns handed over pass as idle time.
    assert.ok(r.idle > 0);
  });
}

test('harts waiting for each other, at the locks and at the barriers between them, cost few instructions', () => {
  // One hart does a third of three harts' work: n harts must retire barely more than n times
  // one hart's instructions. Spinners that kept their turns (at the locks with AMOs, at the
  // barriers with plain loads) retired about twice that before the hand-off.
  const alone = finish(boot(ALONE));
  assert.equal(alone.status, 0, alone.output);
  for (const n of HARTS) {
    const r = finish(boot(n));
    const total = r.perHart.reduce((a, b) => a + b, 0), bound = Math.ceil(1.05 * n * alone.perHart[0]);
    assert.ok(total <= bound, `${n} harts retired ${total} instructions, more than ${bound}`);
  }
});

test('two runs with hand-offs are the same, instruction for instruction on every hart', () => {
  for (const n of HARTS) {
    const a = finish(boot(n)), b = finish(boot(n));
    assert.deepEqual(b.perHart, a.perHart, `${n} harts`);
    assert.equal(b.idle, a.idle, `${n} harts`);
    assert.equal(b.output, a.output, `${n} harts`);
  }
});

test('a contended run in odd slices is the same as one run straight through', () => {
  const straight = finish(boot(3));
  const run = boot(3), m = run.machine;
  let r;
  do r = m.run(7_919); while (r.kind === 'budget');
  assert.equal(run.output(), straight.output);
  assert.deepEqual(m.harts.map((h) => h.instret), straight.perHart);
  assert.equal(m.clock.idleCycles, straight.idle);
});

test('single steps through hand-offs keep the schedule of a run straight through', () => {
  const straight = finish(boot(3));
  const run = boot(3), m = run.machine;
  // Into the first kind's rounds, where two harts wait while one holds the lock.
  assert.equal(m.run(300_000).kind, 'budget');
  // Step until several turns have ended early (a hand-off), counting each turn's instructions.
  // The turn we start in began before the steps did, so the count starts at the next one.
  let early = 0, steps = 0, turn = m.currentHart, inTurn = 0, counting = false;
  while (early < 3 && steps < 400_000) {
    assert.equal(m.step().kind, 'budget');
    steps++;
    if (m.currentHart !== turn) {
      if (counting && inTurn < QUANTUM - 1) early++;
      counting = true;
      turn = m.currentHart;
      inTurn = 0;
    }
    inTurn++;
  }
  assert.equal(early, 3, `only ${early} early ends of a turn in ${steps} steps`);
  const r = finish(run);
  assert.equal(r.output, straight.output);
  assert.deepEqual(r.perHart, straight.perHart);
  assert.equal(r.idle, straight.idle);
});

test('a contended run restored from a snapshot goes on as it did', () => {
  const run = boot(3), m = run.machine;
  assert.equal(m.run(1_234_567).kind, 'budget');
  const snap = m.snapshot(), outputAtSnap = run.output();
  const first = finish(run);
  m.restore(snap);
  const again = finish(run);
  assert.equal(again.output.slice(first.output.length), first.output.slice(outputAtSnap.length));
  assert.deepEqual(again.perHart, first.perHart);
  assert.equal(again.idle, first.idle);
});

test('time travel over contended locks rebuilds every position exactly, on every hart', () => {
  const run = boot(3), m = run.machine;
  const h = new History(m, 64 << 20, 5000);
  // Inside turns, across hand-offs at the locks, and across the barriers' wait loops.
  const positions = [4_321, 99_999, 250_001, 333_333, 700_000, 1_000_003, 1_500_000, 2_100_000];
  const end = positions[positions.length - 1] + 1000;
  while (m.progress < end) assert.equal(h.run(end - m.progress, { resume: false }).kind, 'budget');
  const ref = boot(3).machine;
  const expected = positions.map((p) => {
    while (ref.progress < p) ref.run(p - ref.progress, { resume: false });
    return { state: ref.saveState(), ram: ref.debug.readPhys(0x80000000n, 4096) };
  });
  for (const i of [7, 2, 5, 0, 6, 3, 1, 4]) {
    h.seek(positions[i]);
    assert.deepEqual(m.saveState(), expected[i].state, `the machine at ${positions[i]}`);
    assert.deepEqual(m.debug.readPhys(0x80000000n, 4096), expected[i].ram, `the program's memory at ${positions[i]}`);
  }
});

test('harts waiting for their timers in wait loops get their interrupts, as on QEMU', () => {
  // Every hart hands every turn over, so time moves on by the turns handed over alone: each
  // hart's deadline must still be seen when its time comes.
  const q = spawnSync(QEMU, ['-machine', 'virt', '-nographic', '-smp', '3', '-bios', 'none', '-kernel', SPIN_TIMERS], { timeout: 60_000, encoding: 'latin1' });
  assert.equal(q.status, 0, `QEMU ended with ${q.status}:\n${q.stdout}`);
  const m = new Machine({ harts: 3, bios: 'none' });
  m.loadElf(readFileSync(SPIN_TIMERS));
  m.boot();
  let output = '';
  m.onUartOutput.event((b) => { output += String.fromCharCode(b); });
  const r = m.run(20_000_000);
  assert.equal(r.kind, 'exit', `${r.kind} after ${m.instret} instructions:\n${output}`);
  assert.equal(output, q.stdout.replace(/\r/g, ''));
});
