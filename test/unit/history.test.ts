// Time travel's record of the debugger's own changes (History.edited): a register and memory
// changed at the present are part of the past from then on, so going back before the change
// shows the machine without it, going to it shows it, and replaying forward through it reaches
// the same present. The guest: a loop storing a counter (sd a0,0(a1); addi a0,a0,1; j -8).
// Also: going back to a watchpoint finds every access, wherever the checkpoints fall.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Machine } from '../../src/emulator/machine.js';
import { History, HistoryError } from '../../src/emulator/history/history.js';
import { encode as e } from '../isa/encode.js';
import { skipTrappingInstruction } from '../support/trapHandler.js';

const SLOT = 0x80010000n;

function machine(): Machine {
  const m = new Machine({ bios: 'none', memoryMiB: 4 });
  m.debug.writePhys(0x80000000n, new Uint8Array(Uint32Array.from([0x00a5b023, 0x00150513, 0xff9ff06f]).buffer));
  m.bootBare(0x80000000n);
  m.hart.x[11] = SLOT;
  return m;
}

const slot = (m: Machine): bigint => new DataView(m.debug.readPhys(SLOT + 8n, 8)!.buffer).getBigUint64(0, true);

function runTo(h: History, target: number): void {
  while (h.m.progress < target) assert.equal(h.run(target - h.m.progress, { resume: false }).kind, 'budget');
}

test('changes made at the present are replayed where they were made, and refused in the past', () => {
  const m = machine();
  const h = new History(m, 16 << 20, 1000);
  runTo(h, 5_500);
  const edit = m.progress;
  const before = m.saveState();
  m.hart.x[10] = 1_000_000n;
  m.debug.writePhys(SLOT + 8n, new Uint8Array([0x2a, 0, 0, 0, 0, 0, 0, 0]));
  h.edited();
  runTo(h, 9_000);
  const present = m.saveState();
  assert.equal(slot(m), 0x2an);

  h.seek(edit - 10);
  assert.equal(slot(m), 0n, 'before the change, memory is as it was');
  assert.throws(() => h.edited(), (e: Error) => e instanceof HistoryError && /in the past/.test(e.message));
  assert.throws(() => h.uartInput(new Uint8Array([65])), HistoryError);
  runTo(h, edit);
  assert.deepEqual(m.saveState(), { ...before, harts: m.saveState().harts }, 'the devices and clock at the change');
  assert.equal(m.hart.x[10], 1_000_000n, 'replay reaching the change puts it back');
  assert.equal(slot(m), 0x2an);
  runTo(h, 9_000);
  assert.deepEqual(m.saveState(), present, 'and goes on to the same present');
  h.seek(edit);
  assert.equal(m.hart.x[10], 1_000_000n, 'a seek to the change shows it');
  h.seek(edit - 1);
  assert.notEqual(m.hart.x[10], 1_000_000n);
  assert.throws(() => h.seek(9_001), /outside the recorded history/);
});

test('a machine whose time follows the host clock is not recorded', () => {
  const m = new Machine({ bios: 'none', memoryMiB: 4, realtime: true });
  assert.throws(() => new History(m, 16 << 20), /deterministic time/);
});

test('with two harts, every recorded position is rebuilt exactly on both', () => {
  const boot = (): Machine => {
    const m = new Machine({ bios: 'none', memoryMiB: 4, harts: 2 });
    m.debug.writePhys(0x80000000n, new Uint8Array(Uint32Array.from([0x00a5b023, 0x00150513, 0xff9ff06f]).buffer));
    m.bootBare(0x80000000n);
    m.harts.forEach((h, i) => { h.x[11] = SLOT + 64n * BigInt(i); h.x[10] = BigInt(i) << 32n; });
    return m;
  };
  const m = boot();
  const h = new History(m, 16 << 20, 5000);
  // Positions inside a hart's turn and across the hand-over (a turn is 10,000 instructions).
  const positions = [3, 9_999, 10_000, 10_001, 17_777, 20_000, 33_333];
  runTo(h, 40_000);
  const ref = boot();
  const expected = positions.map((p) => { while (ref.progress < p) ref.run(p - ref.progress, { resume: false }); return { state: ref.saveState(), ram: ref.debug.readPhys(SLOT, 128) }; });
  for (const i of [6, 2, 4, 0, 5, 1, 3]) {
    h.seek(positions[i]);
    assert.deepEqual(m.saveState(), expected[i].state, `both harts at ${positions[i]}`);
    assert.deepEqual(m.debug.readPhys(SLOT, 128), expected[i].ram, `memory at ${positions[i]}`);
  }
  // Back to before one hart's last instruction: across the other hart's turn when it ran last.
  const own = (k: number) => (): number => m.runners[k].progress;
  for (const [p, k] of [[10_003, 0], [10_003, 1], [25_000, 0], [3, 1], [9_999, 1], [30_001, 1], [20_000, 1]] as const) {
    h.seek(p);
    const now = own(k)();
    const found = h.backOn(k);
    if (now === 0) { assert.equal(found, false); assert.equal(m.progress, p, 'a hart that never ran: the machine stays'); continue; }
    assert.equal(found, true);
    const q = m.progress;
    assert.equal(own(k)(), now - 1, `hart ${k} one step back from ${p}`);
    h.seek(q + 1);
    assert.equal(own(k)(), now, `and its step is the next position (${q})`);
  }
});

test('reverse searches find every watched store, also the one a checkpoint was taken at while stopped there', () => {
  const m = machine();
  const h = new History(m, 16 << 20, 1000);
  runTo(h, 5_500);
  m.setWatchpoints([{ address: SLOT, size: 8, access: 'write', physical: true }]);
  const forward = (): number => {
    let r = h.run(10_000, { resume: true });
    while (r.kind === 'budget') r = h.run(10_000, { resume: false });
    assert.equal(r.kind, 'watchpoint');
    return m.progress;
  };
  // The store (sd, every third instruction) is at positions 0, 3, 6, ...
  assert.equal(forward(), 5_502);
  // An edit while stopped at the store: its checkpoint is taken at a watchpoint stop.
  m.hart.x[12] = 7n;
  h.edited();
  for (let want = 5_505; want <= 5_601; want += 3) assert.equal(forward(), want);
  for (let want = 5_598; want >= 5_301; want -= 3) {
    const r = h.findLast(m.progress, (s) => s.kind === 'watchpoint');
    assert.equal(r?.kind, 'watchpoint');
    assert.equal(m.progress, want, 'the latest store before');
  }
  for (let want = 5_304; want <= 5_601; want += 3) assert.equal(forward(), want, 'the next store');
});

test('reverse searches find every trap an exception filter stops at, also the one a checkpoint was taken at while stopped there', () => {
  // csrw mtvec, t0; then ecall; addi a0,a0,1; j -8, and a handler that steps mepc past the ecall.
  const T0 = 5, T1 = 6, MTVEC = 0x305, ECALL_FROM_M = 11n;
  const m = new Machine({ bios: 'none', memoryMiB: 4 });
  const words = [e('csrrw', { rd: 0, rs1: T0, csr: MTVEC }), e('ecall'), e('addi', { rd: 10, rs1: 10, imm: 1 }), e('jal', { rd: 0, imm: -8 })];
  const handler = skipTrappingInstruction(T1);
  m.debug.writePhys(0x80000000n, new Uint8Array(Uint32Array.from(words).buffer));
  m.debug.writePhys(0x80000100n, new Uint8Array(Uint32Array.from(handler).buffer));
  m.bootBare(0x80000000n);
  m.hart.x[T0] = 0x80000100n;
  m.trapFilter = (cause) => cause === ECALL_FROM_M;
  const h = new History(m, 16 << 20, 1000);
  const forward = (): number => {
    let r = h.run(10_000, { resume: true });
    while (r.kind === 'budget') r = h.run(10_000, { resume: false });
    assert.equal(r.kind, 'trap');
    return m.progress;
  };
  // A stop before each trap's handler, every 7 positions (the trap entry, 4 in the handler,
  // addi, j), from 1 on.
  const stops: number[] = [];
  for (let i = 0; i < 300; i++) stops.push(forward());
  assert.deepEqual(stops.slice(0, 3), [1, 8, 15]);
  // An edit while stopped before a handler: its checkpoint is taken there.
  m.hart.x[12] = 7n;
  h.edited();
  for (let i = 0; i < 20; i++) stops.push(forward());
  const back: number[] = [];
  for (let k = 0; k < 40; k++) {
    const r = h.findLast(m.progress, (s) => s.kind === 'trap');
    assert.equal(r?.kind, 'trap');
    back.push(m.progress);
  }
  assert.deepEqual(back, stops.slice(0, -1).reverse().slice(0, 40), `every stop in turn, ${stops[299]} (the edit's) among them`);
});
