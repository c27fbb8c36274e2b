// Snapshots must hold everything that decides the next instruction (time travel rebuilds past
// states from them): every field of the CSR file, and the hart's pending trap, wfi and
// reservation, the FP registers and fcsr. These checks fail when a field is added to the hart or the CSR file and left
// out of its save().
import { test } from 'node:test';
import { PC_SLOT } from '../../src/emulator/jit/codegen.js';
import assert from 'node:assert/strict';
import { Machine } from '../../src/emulator/machine.js';
import { Hart } from '../../src/emulator/cpu/hart.js';
import { Bus } from '../../src/emulator/memory/bus.js';
import { Ram } from '../../src/emulator/memory/ram.js';

/**
 * Fields that are state rather than wiring (functions, the MMU, PMP's ranges derived from the
 * CSRs): values, arrays, and parts that save themselves (the debug triggers).
 */
function stateFields(o: object): string[] {
  const isState = (v: unknown): boolean => typeof v === 'bigint' || typeof v === 'number' || typeof v === 'boolean' || Array.isArray(v)
    || (typeof v === 'object' && v !== null && typeof (v as { save?: unknown }).save === 'function');
  return Object.entries(o).filter(([, v]) => isState(v)).map(([k]) => k).sort();
}

test('the CSR file saves every field it has', () => {
  const h = new Hart(new Bus(new Ram(0x80000000, 4096)));
  const saved = h.csr.save();
  // `hart` is the CSR file's way back to its hart, which saves itself.
  assert.deepEqual(Object.keys(saved).sort(), stateFields(h.csr).filter((k) => k !== 'hart'));
});

test('the hart saves every field that decides its next step', () => {
  const h = new Hart(new Bus(new Ram(0x80000000, 4096)));
  const saved = h.save() as unknown as Record<string, unknown>;
  // Registers are saved as `regs`; loopLimit is the dispatcher's, reset before every block;
  // the TLBs are saved as `tlb`; translationGeneration only tells translated blocks to check
  // their page again (restore bumps it); hartId and handOff (whether other harts share the
  // machine) never change.
  const expected = stateFields(h).filter((k) => !['loopLimit', 'hartId', 'handOff', 'translationGeneration', 'tlbs'].includes(k)).concat('tlb').sort();
  assert.deepEqual(Object.keys(saved).filter((k) => k !== 'regs').sort(), expected);
});

test('a round trip through save and restore changes nothing, a pending trap and a reservation included', () => {
  const h = new Hart(new Bus(new Ram(0x80000000, 4096)));
  let n = 1n;
  for (const k of Object.keys(h.csr.save())) {
    const c = h.csr as unknown as Record<string, unknown>;
    if (typeof c[k] === 'bigint') c[k] = n++ * 0x1111n;
  }
  h.x[5] = 42n; h.pc = 0x80000010n; h.exc = 1; h.excCause = 13; h.excTval = 0x1234n; h.waiting = true;
  h.reservation = 0x80000100n; h.reservationValue = 7n; h.instret = 99;
  h.fpu.setBits(3, 0x400921fb54442d18n); h.fpu.flags = 0x11; h.fpu.frm = 3;
  const s = h.save();
  const other = new Hart(new Bus(new Ram(0x80000000, 4096)));
  other.restore(s);
  assert.deepEqual(other.save(), s);
});

test('a machine restored to a snapshot taken before a watched store stops at the same store', () => {
  // sd to RAM in a loop, watched: the stop, the skip over the watched access and the run after
  // it repeat exactly from the snapshot.
  const m = new Machine({ bios: 'none' });
  const words = [0x00a53023, 0x00150513, 0xff9ff06f]; // sd a0,0(a0); addi a0,a0,1; j -8
  words.forEach((w, i) => m.ram.view.setUint32(4 * i, w, true));
  m.bootBare(0x80000000n);
  m.hart.x[10] = 0x80001000n;
  m.setWatchpoints([{ address: 0x80001000n, size: 8, access: 'write', physical: false }]);
  const first = m.run(100);
  assert.equal(first.kind, 'watchpoint');
  const snap = m.snapshot();
  const after = m.run(100), regs = m.hart.x.slice(0, PC_SLOT + 1), count = m.instret;
  m.restore(snap);
  assert.deepEqual(m.run(100), after);
  assert.deepEqual(m.hart.x.slice(0, PC_SLOT + 1), regs);
  assert.equal(m.instret, count);
});
