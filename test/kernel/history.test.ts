// Time travel on Chronos OS (src/emulator/history/): a machine that records its run rebuilds
// past positions exactly. The oracle is a second machine that never records: it gets the same
// UART input at the same position and steps through the same window one instruction at a time,
// and every state the recording machine shows, stepping forward and then back, must be the
// reference's state at that position: every register (x, f, pc, privilege), every CSR as the
// debugger reads it, the devices and the clock (the whole saved state), and two ranges of the
// kernel's memory (console input, frame statistics and heap), with all of RAM compared at the
// windows' ends. One window is around the kernel taking typed bytes (traps and the input
// itself), the other around the scheduler switching address spaces (a satp write).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Machine } from '../../src/emulator/machine.js';
import { History, HistoryError } from '../../src/emulator/history/history.js';
import { allCsrNames } from '../../src/emulator/isa/csrs.js';
import { parseElf } from '../../src/emulator/loader/elf.js';
import { Symbols } from '../../src/debugger/symbols.js';

const KERNEL = 'kernel/target/riscv64gc-unknown-none-elf/release/chronos-kernel';
const INPUT = new TextEncoder().encode('echo back in time\n');
/** Instruction steps forward, then as many back. */
const N = 1000;

before(() => {
  execFileSync('bash', ['scripts/build-kernel.sh'], { stdio: ['ignore', 'ignore', 'inherit'] });
});

function boot(): { m: Machine; output: () => string } {
  const m = new Machine({ bios: 'builtin', bootargs: 'shell' });
  m.loadElf(readFileSync(KERNEL));
  m.boot();
  let out = '';
  m.onUartOutput.event((b) => { out += String.fromCharCode(b); });
  return { m, output: () => out };
}

/** Run a machine (through its history when it has one) to exactly `target`. */
function runTo(m: Machine, target: number, h?: History): void {
  while (m.progress < target) {
    const r = h ? h.run(target - m.progress, { resume: false }) : m.run(target - m.progress, { resume: false });
    assert.ok(r.kind === 'budget' || r.kind === 'idle', `unexpected stop ${r.kind}`);
    if (r.kind === 'idle') break;
  }
}

function fnv(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193) >>> 0;
  return h;
}

const symbols = new Symbols(parseElf(readFileSync(KERNEL)));
const address = (name: string): bigint => {
  const s = symbols.find(name);
  assert.ok(s, `Chronos OS has no symbol ${name}`);
  return s.address;
};
const RANGES: [bigint, number][] = [
  [address('chronos_kernel::console::INPUT') & ~0xfffn, 4096],
  [address('FRAME_STATS') & ~0xfffn, 16384],
];
const CSRS = allCsrNames();

interface Seen { position: number; state: unknown; csrs: (bigint | undefined)[]; f: bigint[]; memory: number[]; rx: number; satp: bigint; traps: number }

function look(m: Machine): Seen {
  const h = m.hart;
  return {
    position: m.progress,
    state: m.saveState(),
    csrs: CSRS.map(([n]) => m.debug.peekCsr(n)),
    f: Array.from({ length: 32 }, (_, r) => h.fpu.bits(r)),
    memory: RANGES.map(([a, n]) => fnv(m.debug.readPhys(a, n)!)),
    rx: m.uart.rxPending, satp: h.csr.satp, traps: m.trapsTaken,
  };
}

function same(actual: Seen, expected: Seen, what: string): void {
  assert.equal(actual.position, expected.position, `${what}: position`);
  assert.deepEqual(actual.csrs, expected.csrs, `${what}: CSRs at ${expected.position}`);
  assert.deepEqual(actual.f, expected.f, `${what}: f registers at ${expected.position}`);
  assert.deepEqual(actual.memory, expected.memory, `${what}: memory at ${expected.position}`);
  assert.deepEqual(actual.state, expected.state, `${what}: machine state at ${expected.position}`);
}

/** Steps through [start, start + N] one instruction at a time on the reference. */
function stepThrough(m: Machine, start: number): { states: Seen[]; ramAtStart: number; ramAtEnd: number } {
  runTo(m, start);
  const states: Seen[] = [look(m)];
  const ramAtStart = fnv(m.ram.ru8);
  for (let i = 0; i < N; i++) {
    m.step();
    states.push(look(m));
  }
  for (let i = 1; i <= N; i++) assert.equal(states[i].position, states[i - 1].position + 1, 'each step is one unit of progress');
  return { states, ramAtStart, ramAtEnd: fnv(m.ram.ru8) };
}

/** On the recording machine: back to the window's start, N steps forward (replaying), N steps back. */
function travel(history: History, m: Machine, w: ReturnType<typeof stepThrough>): void {
  const expected = w.states;
  history.seek(expected[0].position);
  assert.ok(history.inPast);
  same(look(m), expected[0], 'after going back');
  assert.equal(fnv(m.ram.ru8), w.ramAtStart, 'all of RAM at the window start');
  for (let i = 1; i <= N; i++) {
    assert.equal(history.run(1, { stepping: true }).kind, 'budget');
    same(look(m), expected[i], `step ${i} forward`);
  }
  assert.equal(fnv(m.ram.ru8), w.ramAtEnd, 'all of RAM at the window end');
  for (let i = N - 1; i >= 0; i--) {
    history.seek(m.progress - 1);
    same(look(m), expected[i], `step ${N - i} back`);
  }
  assert.equal(fnv(m.ram.ru8), w.ramAtStart, 'all of RAM back at the window start');
}

test(`${N} steps forward and ${N} back, twice: through traps and the UART input taken, and through a satp write`, () => {
  // The recording machine: the shell starts `spin` in the background, then `echo` is typed;
  // on until the kernel has taken those bytes, past the next address-space switch, and well
  // beyond (the present).
  const rec = boot();
  const history = new History(rec.m, 256 << 20);
  while (!rec.output().endsWith('$ ')) assert.equal(history.run(1_000_000).kind, 'budget');
  const inputs: [number, Uint8Array][] = [[rec.m.progress, new TextEncoder().encode('spin &\n')]];
  history.uartInput(inputs[0][1]);
  runTo(rec.m, rec.m.progress + 5_000_000, history);
  inputs.push([rec.m.progress, INPUT]);
  history.uartInput(INPUT);
  while (rec.m.uart.rxPending > 0) history.run(100);
  const taken = rec.m.progress;
  const satp = rec.m.hart.csr.satp;
  while (rec.m.hart.csr.satp === satp) history.run(100);
  const switched = rec.m.progress;
  runTo(rec.m, switched + 8_000_000, history);
  assert.match(rec.output(), /\$ echo back in time\nback in time\n/);
  const present = look(rec.m);

  // The reference: the same inputs at the same positions, each window one instruction at a time.
  const ref = boot();
  for (const [at, bytes] of inputs) { runTo(ref.m, at); ref.m.uart.receive(bytes); }
  const typed = stepThrough(ref.m, taken - N / 2);
  const switching = stepThrough(ref.m, switched - 100);
  // The windows hold what they are meant to: the input taken and traps (system calls and the
  // SBI's); the scheduler switching address spaces (no trap comes near it: it runs in the
  // kernel after the timer's, and the process it resumes computes for a while).
  assert.ok(typed.states[0].rx > 0 && typed.states[N].rx === 0, 'the kernel takes the typed bytes inside the first window');
  assert.ok(typed.states[N].traps > typed.states[0].traps, 'traps inside the first window');
  assert.ok(new Set(switching.states.map((s) => s.satp)).size > 1, 'a satp write inside the second window');

  travel(history, rec.m, switching);
  travel(history, rec.m, typed);

  // Typing in the past is refused; running forward to the present gives the present again and
  // the same output, all of it known as replay; a seek there gives it too.
  assert.throws(() => history.uartInput(INPUT), (e: Error) => e instanceof HistoryError && /in the past/.test(e.message));
  const outputBefore = rec.output().length;
  let liveOutput = 0;
  rec.m.onUartOutput.event(() => { if (!history.replaying) liveOutput++; });
  runTo(rec.m, present.position, history);
  same(look(rec.m), present, 'back at the present');
  assert.ok(rec.output().slice(outputBefore).includes('back in time\n'), 'replay produced the output again');
  history.seek(typed.states[0].position);
  history.seek(present.position);
  same(look(rec.m), present, 'a seek to the present');
  assert.equal(liveOutput, 0, 'replayed output is known as replay (it was seen before)');
  assert.equal(history.inPast, false);
});

test('a small budget keeps the record bounded and moves the window, whose start can still be rebuilt', () => {
  const rec = boot();
  const budget = 3 << 20;
  const history = new History(rec.m, budget, 200_000);
  runTo(rec.m, 8_000_000, history);
  const w = history.window;
  assert.ok(w.bytes <= budget, `record ${w.bytes} bytes within the ${budget}-byte budget`);
  assert.ok(w.first > 0, 'the oldest checkpoints were dropped');
  assert.equal(w.last, 8_000_000);
  assert.throws(() => history.seek(w.first - 1), /outside the recorded history/);

  const ref = boot();
  runTo(ref.m, w.first + 12345);
  const expected = look(ref.m);
  history.seek(w.first + 12345);
  same(look(rec.m), expected, 'the window start after drops');
});
