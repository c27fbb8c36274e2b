// A kernel that changes a mapping without sfence.vma may go on using the old one: the
// privileged spec lets a hart keep a translation it cached, and QEMU's TLB and ours do. Time
// travel must then rebuild the past as it ran, stale translations included, so checkpoints hold
// the TLB and taking one leaves the TLB as it was.
//
// The guest, in S-mode under Sv39: a loop that loads from virtual page V (frame A holds 1,
// frame B 1000) into a running sum, then flips V's leaf PTE between A and B without a fence.
// Run straight, the load keeps its first translation, so the sum grows by 1 an iteration; a
// replay that walked the page table afresh would add 1000 every other time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Machine } from '../../src/emulator/machine.js';
import { History } from '../../src/emulator/history/history.js';
import { TLB_SIZE } from '../../src/emulator/cpu/tlb.js';
import type { WalkResult } from '../../src/emulator/cpu/sv39.js';
import { hex } from '../../src/emulator/hex.js';
import { staleTranslations, type TlbContext } from '../../src/debugger/inspectors/staleTlb.js';
import { encode as e } from '../isa/encode.js';

const ROOT = 0x80010000n, L1 = 0x80011000n, L0 = 0x80012000n, A = 0x80013000n, B = 0x80014000n, V = 0x40000000n;
const VALID = 0x01n, RWX_AD = 0xcen, RW_AD = 0xc6n;
const pte = (pa: bigint, flags: bigint): bigint => ((pa >> 12n) << 10n) | flags;
const [T0, T1, T2, T3, T4, T5, T6, A0, S1, S2, S5] = [5, 6, 7, 28, 29, 30, 31, 10, 9, 18, 21];
const SFENCE_VMA = 0x12000073, MRET = 0x30200073;

function machine(): Machine {
  const m = new Machine({ bios: 'none', memoryMiB: 4 });
  const words = [
    e('csrrw', { rs1: T0, csr: 0x3b0 }), e('csrrw', { rs1: T1, csr: 0x3a0 }), // PMP: all of memory to S-mode
    e('csrrw', { rs1: T2, csr: 0x180 }), SFENCE_VMA, // satp: Sv39 at ROOT
    e('csrrw', { rs1: T3, csr: 0x300 }), e('csrrw', { rs1: T4, csr: 0x341 }), MRET, // to S-mode at the loop
    e('ld', { rd: T5, rs1: S1 }), e('add', { rd: A0, rs1: A0, rs2: T5 }), // loop: sum += *V
    e('ld', { rd: T6, rs1: S2 }), e('xor', { rd: T6, rs1: T6, rs2: S5 }), e('sd', { rs1: S2, rs2: T6 }), // flip V's PTE
    e('jal', { imm: -20 }),
  ];
  m.debug.writePhys(0x80000000n, new Uint8Array(Uint32Array.from(words).buffer));
  const put = (pa: bigint, v: bigint): void => { m.debug.writePhys(pa, new Uint8Array(BigUint64Array.of(v).buffer)); };
  put(ROOT + 2n * 8n, pte(0x80000000n, VALID | RWX_AD)); // a gigapage mapping RAM onto itself
  put(ROOT + 1n * 8n, pte(L1, VALID));
  put(L1, pte(L0, VALID));
  put(L0, pte(A, VALID | RW_AD));
  put(A, 1n);
  put(B, 1000n);
  m.bootBare(0x80000000n);
  const x = m.hart.x;
  x[T0] = (1n << 54n) - 1n; x[T1] = 0x1fn; x[T2] = (8n << 60n) | (ROOT >> 12n);
  x[T3] = 1n << 11n; x[T4] = 0x80000000n + 7n * 4n;
  x[S1] = V; x[S2] = L0; x[S5] = pte(A, VALID | RW_AD) ^ pte(B, VALID | RW_AD);
  return m;
}

function runTo(m: Machine, h: History | undefined, target: number): void {
  while (m.progress < target) {
    const r = h ? h.run(target - m.progress, { resume: false }) : m.run(target - m.progress, { resume: false });
    assert.equal(r.kind, 'budget');
  }
}

test('a stale translation is replayed as it ran: checkpoints hold the TLB and leave it as it was', () => {
  const positions = [9, 1_003, 2_500, 4_999, 5_000, 7_777, 12_345, 19_998];
  const ref = machine();
  const expected = positions.map((p) => { runTo(ref, undefined, p); return ref.saveState(); });
  // Seven instructions to the loop, six an iteration: the sum is the iterations' count.
  assert.equal(ref.hart.x[A0], BigInt(Math.floor((19_998 - 7) / 6)) + 1n, 'straight, the first translation is used throughout');

  const m = machine();
  const h = new History(m, 16 << 20, 1000);
  runTo(m, h, 20_000);
  for (const i of [7, 2, 5, 0, 6, 3, 1, 4]) {
    h.seek(positions[i]);
    assert.equal(m.hart.x[A0], expected[i].harts[0].regs[A0], `the sum at ${positions[i]}`);
    assert.deepEqual(m.saveState(), expected[i], `the machine at ${positions[i]}`);
  }
  // Step back an instruction at a time (each a replay from a checkpoint) across iterations.
  const straight = machine(), back: bigint[][] = [];
  for (let p = 12_330; p <= 12_344; p++) { runTo(straight, undefined, p); back.push([...straight.hart.x.slice(0, 33)]); }
  for (let p = 12_344; p >= 12_330; p--) {
    h.seek(p);
    assert.deepEqual([...m.hart.x.slice(0, 33)], back[p - 12_330], `the registers at ${p}, going back`);
  }
});

// The inspector that names such entries at a stop (src/debugger/inspectors/staleTlb.ts), on
// entries written by hand and page tables that answer each way.
const entry = (kind: 0 | 1 | 2, vaddr: number, frameOffset: number): number[] => [kind * TLB_SIZE + ((vaddr >>> 12) & (TLB_SIZE - 1)), vaddr & -4096, 0, frameOffset];
const leaf = (pa: bigint, flags: bigint): WalkResult => ({ ok: true, paddr: pa, pte: pte(pa, flags), level: 0, steps: [] });

test('the stale-translation inspector names a remap, an unmapping, a lost permission, a user bit and a cleared dirty bit', () => {
  const SV39 = 8n << 60n, base = 0x80000000n;
  const ctx = (walk: (va: bigint) => WalkResult, satp = SV39, sum = false): TlbContext => ({ satp, sum, mxr: false, ramBase: base, walk });
  const s = Int32Array.from([...entry(0, 0x1000, 0x5000), ...entry(1, 0x2000, 0x6000), ...entry(2, 0x3000, 0x7000)]);
  const same = (va: bigint): WalkResult => leaf(base + 0x4000n + (va & ~0xfffn), 0xcfn);
  assert.deepEqual(staleTranslations(1, s, ctx(same)), [], 'every entry as the table gives it');

  const found = (walk: (va: bigint) => WalkResult, entries = s, c?: Partial<TlbContext>, priv = 1): string[] =>
    staleTranslations(priv, entries, { ...ctx(walk), ...c }).map((t) => `${t.privilege} ${t.kind} ${hex(t.vaddr)} ${hex(t.cached)}: ${t.now}`);
  assert.deepEqual(found((va) => va === 0x2000n ? leaf(0x80009000n, 0xcfn) : same(va)), ['S store 0x2000 0x80006000: it maps it to 0x80009000']);
  assert.deepEqual(found((va) => va === 0x1000n ? { ok: false, reason: 'invalid PTE at level 0', steps: [] } : same(va)), ['S load 0x1000 0x80005000: it no longer maps it (invalid PTE at level 0)']);
  assert.deepEqual(found((va) => leaf(base + 0x4000n + va, va === 0x2000n ? 0x4bn : 0xcfn)), ['S store 0x2000 0x80006000: its PTE no longer allows writes (VRXA)'], 'a copy-on-write page made read-only without a fence');
  assert.deepEqual(found((va) => leaf(base + 0x4000n + va, va === 0x3000n ? 0xc7n : 0xcfn)), ['S fetch 0x3000 0x80007000: its PTE no longer allows execution (VRWAD)']);
  assert.deepEqual(found((va) => leaf(base + 0x4000n + va, va === 0x2000n ? 0x4fn : 0xcfn)), ['S store 0x2000 0x80006000: its PTE\'s dirty bit was cleared, and writes through the cached translation will not set it']);
  assert.deepEqual(found((va) => leaf(base + 0x4000n + va, 0xdfn)), [
    'S load 0x1000 0x80005000: its PTE is now a user page (VRWXUAD)', 'S store 0x2000 0x80006000: its PTE is now a user page (VRWXUAD)', 'S fetch 0x3000 0x80007000: its PTE is now a user page (VRWXUAD)',
  ]);
  assert.deepEqual(found((va) => leaf(base + 0x4000n + va, 0xdfn), s, { sum: true }), ['S fetch 0x3000 0x80007000: its PTE is now a user page (VRWXUAD)'], 'with SUM, S-mode loads and stores may reach user pages');
  const user = Int32Array.from(entry(0, 0x1000, 0x5000));
  assert.deepEqual(found(same, user, {}, 0), ['U load 0x1000 0x80005000: its PTE is no longer a user page (VRWXAD)']);
  assert.deepEqual(found((va) => leaf(base + 0x4000n + va, 0xdfn), user, {}, 0), []);
  const never = (): WalkResult => { throw new Error('not looked at'); };
  assert.deepEqual(staleTranslations(1, s, ctx(never, 0n)), [], 'bare mode maps one to one');
  assert.deepEqual(staleTranslations(3, s, ctx(never)), [], 'machine mode translates only under MPRV');
});
