// Debian's gdb-multiarch on a bare program with three harts: the harts are threads, each with
// its own registers; a breakpoint every hart reaches stops each of them in turn; a watchpoint
// names the hart that wrote; with scheduler-locking, stepping one thread leaves the others
// where they are; detach lets the guest finish, kill ends chronos.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { runGdb } from './gdb.js';
import { buildPrograms, type Programs } from './programs.js';

let p: Programs;
before(() => { p = buildPrograms(); });

const SMP = ['--bios', 'none', '--smp', '3'];

test('info threads shows the harts; thread N selects a hart with its own registers', async () => {
  const r = await runGdb(p.dir, p.locks3, SMP, [
    'info threads',
    'thread 2', 'echo A0-2\\n', 'p $a0', 'p/x $mhartid',
    'thread 3', 'echo A0-3\\n', 'p $a0', 'p/x $mhartid',
    'thread 1', 'echo A0-1\\n', 'p $a0', 'p/x $mhartid',
    'kill',
  ]);
  const t = r.transcript;
  for (const i of [0, 1, 2]) assert.match(t, new RegExp(`${i + 1} +Thread ${i + 1} \\(hart ${i} \\(M-mode\\)\\) _start \\(\\) at test/programs/smp/mcrt0\\.S:\\d+`), t);
  // At reset a0 is the hart's id (as QEMU sets it), and mhartid says the same.
  for (const i of [0, 1, 2]) assert.match(t, new RegExp(`A0-${i + 1}\\n\\$\\d+ = ${i}\\n\\$\\d+ = 0x${i}\\n`), t);
  assert.match(t, /\[Switching to thread 2 \(Thread 2\)\]/);
  assert.equal(r.chronosStatus, 0);
});

test('break main stops each hart in turn; their stacks differ', async () => {
  const r = await runGdb(p.dir, p.locks3, SMP, [
    'break main', 'continue', 'echo SP\\n', 'p $sp', 'continue', 'echo SP\\n', 'p $sp', 'continue', 'echo SP\\n', 'p $sp', 'info threads', 'kill',
  ]);
  const t = r.transcript;
  const hits = [...t.matchAll(/Thread (\d) hit Breakpoint 1, main \(h=(\d)\)/g)].map((m) => [Number(m[1]), Number(m[2])]);
  assert.equal(hits.length, 3, t);
  // Each hit is a different hart, and h (main's argument, the hart id) names the thread's hart.
  assert.deepEqual(hits.map(([thread]) => thread).sort(), [1, 2, 3]);
  for (const [thread, h] of hits) assert.equal(h, thread - 1);
  const sps = [...t.matchAll(/SP\n\$\d+ = \(void \*\) (0x[0-9a-f]+)/g)].map((m) => m[1]);
  assert.equal(new Set(sps).size, 3, `stacks: ${sps.join(', ')}`);
  assert.equal(r.chronosStatus, 0);
});

test('a watchpoint on the shared counter names the hart that wrote it; detach lets the guest finish', async () => {
  const r = await runGdb(p.dir, p.locks3, SMP, [
    'break main', 'continue', 'delete', 'watch counter', 'continue', 'continue', 'info threads', 'delete', 'detach',
  ]);
  const t = r.transcript;
  const writes = [...t.matchAll(/Thread (\d) hit Hardware watchpoint 2: counter\n\nOld value = (\d+)\nNew value = (\d+)/g)];
  assert.equal(writes.length, 2, t);
  for (const w of writes) assert.equal(Number(w[3]), Number(w[2]) + 1);
  assert.equal(Number(writes[1][2]), Number(writes[0][3]), 'the second write follows the first');
  assert.match(t, /\[Inferior 1 \(Remote target\) detached\]/);
  // Detached, the program runs to its end: every hart's increments counted.
  assert.equal(r.chronosStatus, 0);
  assert.match(r.chronos.stdout(), /locked counter 9000\namoadd counter 9000\n/);
});

test('with scheduler-locking on, stepping one thread leaves the other harts where they are', async () => {
  const r = await runGdb(p.dir, p.locks3, SMP, [
    'break main', 'continue', 'set scheduler-locking on', 'echo BEFORE\\n', 'thread 2', 'p/x $pc', 'thread 3', 'p/x $pc', 'thread 1',
    'stepi', 'stepi', 'stepi', 'next', 'echo AFTER\\n', 'thread 2', 'p/x $pc', 'thread 3', 'p/x $pc', 'kill',
  ]);
  const t = r.transcript;
  const pcs = (tag: string): string[] => [...t.slice(t.indexOf(tag)).matchAll(/\$\d+ = (0x[0-9a-f]+)/g)].slice(0, 2).map((m) => m[1]);
  const before = pcs('BEFORE\n'), after = pcs('AFTER\n');
  assert.equal(before.length, 2, t);
  assert.deepEqual(after, before);
  assert.doesNotMatch(t, /hit Breakpoint 1, main \(h=[12]\)/, 'the other harts never ran to main');
  assert.equal(r.chronosStatus, 0);
});
