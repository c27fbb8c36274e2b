// The warm-up guest (src/emulator/warmup/): its image is what guest.S assembles to, it reaches
// its end taking the paths it is there for in every tiering, it computes what one instruction
// at a time computes, and warming up changes nothing a later machine does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { Machine } from '../../src/emulator/machine.js';
import { Tier, type Tiering } from '../../src/emulator/jit/tiers.js';
import { guestMachine, warmUp } from '../../src/emulator/warmup/warmup.js';
import { INLINED } from '../../src/emulator/jit/interpreter.js';
import { decode } from '../../src/emulator/isa/decode.js';
import { PC_SLOT } from '../../src/emulator/jit/codegen.js';

const RAM_BASE = 0x80000000n;

const TICKED = 0x3040; // guest.S: the timer interrupts counted, from the image's start

test('the guest image is what guest.S assembles to', () => {
  // Fails (rather than skips) without the RISC-V binutils, which CI installs.
  execFileSync(process.execPath, ['scripts/warmupGuest.mjs', '--check'], { stdio: 'pipe' });
});

const FORMS: [string, Tiering][] = [
  ['interpreted only', { first: Tier.Interpreted, afterInterp: Tier.Inline, interpWork: Infinity, loopWork: Infinity, hotWork: 20_000 }],
  ['interpreted, then inline', { first: Tier.Interpreted, afterInterp: Tier.Inline, interpWork: 1_000_000, loopWork: 20_000, hotWork: 20_000 }],
  ['cold, then inline', { first: Tier.Cold, afterInterp: Tier.Cold, interpWork: 0, loopWork: 0, hotWork: 20_000 }],
  ['inline only', { first: Tier.Inline, afterInterp: Tier.Inline, interpWork: 0, loopWork: 0, hotWork: 0 }],
];

/** The guest run one instruction at a time, to its end. */
function stepped(): Machine {
  const { machine: m, end } = guestMachine(FORMS[0][1]);
  for (let i = 0; i < 100_000 && BigInt.asUintN(64, m.pc) !== end; i++) m.step();
  assert.equal(BigInt.asUintN(64, m.pc), end, 'stepping reaches the end');
  return m;
}

const reference = stepped();
const { start } = guestMachine(FORMS[0][1]);

for (const [name, tiering] of FORMS) {
  test(`the warm-up reaches its end as one instruction at a time does: ${name}`, () => {
    const { machine: m, reachedEnd } = warmUp(tiering);
    assert.ok(reachedEnd, `stopped at ${m.pc.toString(16)}`);
    assert.equal(m.ram.r64[(Number(start - RAM_BASE) + TICKED) / 8], 2n, 'both timer interrupts were taken');
    // 11 page faults, an ebreak, two timer interrupts and four SBI calls.
    assert.equal(m.trapsTaken, 18);
    assert.equal(m.instret, reference.instret);
    // The registers and the pc; the slots after them are scratch (a slow path's last address).
    assert.deepEqual([...m.harts[0].x.subarray(0, PC_SLOT + 1)], [...reference.harts[0].x.subarray(0, PC_SLOT + 1)]);
    assert.ok(m.runners[0].singles.compiled > 0, 'budgets ended inside blocks');
    if (tiering.interpWork !== Infinity) assert.ok(m.runners[0].blocks.compiled > 0);
  });
}

test('the guest runs every kind the interpreter inlines, and each inline load and store faulted and through its slow path', () => {
  // The interpreter's loop is one function for V8: a case, or a path of a case, the warm-up
  // did not take deoptimizes it at its first run in the user's kernel (interpreter.ts INLINED).
  const { machine: m, end } = guestMachine(FORMS[0][1]);
  const ran = new Set<string>(), faulted = new Set<string>(), afterFence = new Set<string>();
  let previous = '';
  for (let i = 0; i < 100_000 && BigInt.asUintN(64, m.pc) !== end; i++) {
    // The guest's code is at 0x80000000 and again at 0xffffffffc0000000 (guest.S).
    const at = Number(BigInt.asUintN(64, m.pc) & 0x3fffffffn);
    const name = decode(m.ram.ru8[at] | (m.ram.ru8[at + 1] << 8) | (m.ram.ru8[at + 2] << 16) | (m.ram.ru8[at + 3] << 24))?.def.name ?? '';
    const traps = m.trapsTaken;
    m.step();
    ran.add(name);
    if (m.trapsTaken > traps) faulted.add(name);
    if (previous === 'sfence.vma') afterFence.add(name);
    previous = name;
  }
  for (const kind of INLINED) assert.ok(ran.has(kind), `the guest runs ${kind}`);
  for (const kind of ['lb', 'lbu', 'lh', 'lhu', 'lw', 'lwu', 'ld', 'sb', 'sh', 'sw', 'sd'].filter((k) => INLINED.has(k))) {
    assert.ok(faulted.has(kind), `a ${kind} faults`);
    assert.ok(afterFence.has(kind), `a ${kind} runs right after a fence (through the slow path)`);
  }
});

test('warming up changes nothing a machine made after it does', () => {
  const run = (): Machine => {
    const { machine: m } = guestMachine(FORMS[1][1]);
    m.run(4_000);
    return m;
  };
  const before = run();
  warmUp();
  const after = run();
  assert.equal(after.instret, before.instret);
  assert.deepEqual([...after.harts[0].x], [...before.harts[0].x]);
  const data = Number(start - RAM_BASE) + 0x3000;
  assert.deepEqual(after.ram.ru8.slice(data, data + 0x100), before.ram.ru8.slice(data, data + 0x100));
});
