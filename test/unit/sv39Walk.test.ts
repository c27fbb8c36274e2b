// The SV39 walk has a quick form (plain numbers, nothing allocated) for the common case and the
// general form (every check, a record of each step, the exact fault) for everything else. The
// two must agree: random page tables in RAM (leaves at every level, superpages aligned and not,
// invalid and reserved entries, U pages, A and D set and clear, tables outside RAM) are walked
// by a hart with both and by one with the general walk alone, for every access kind, privilege
// and SUM/MXR; the physical address, the fault and RAM afterwards (A/D updates) must be the same.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Bus } from '../../src/emulator/memory/bus.js';
import { Ram } from '../../src/emulator/memory/ram.js';
import { Hart, type AccessKind } from '../../src/emulator/cpu/hart.js';
import { Priv } from '../../src/emulator/cpu/causes.js';
import { MSTATUS } from '../../src/emulator/isa/csrFields.js';
import { EXC_NONE } from '../../src/emulator/cpu/exits.js';
import { PMPADDR_MASK } from '../../src/emulator/cpu/pmp.js';
import { Rng } from '../support/rng.js';

const BASE = 0x80000000;
const PAGES = 64;
const ROOT = 0;

/** A hart on its own RAM; `generalOnly` replaces the quick walk by one that always declines. */
function hart(generalOnly: boolean): Hart {
  const h = new Hart(new Bus(new Ram(BASE, PAGES * 4096)));
  // PMP denies S and U everything until an entry allows it: one NAPOT region of all memory, RWX.
  h.csr.pmp.update([0x1fn], [PMPADDR_MASK]);
  if (generalOnly) (h.csr.mmu as unknown as { quickWalk: () => number }).quickWalk = () => -1;
  return h;
}

/** Random tables: the first pages are tables whose entries point at other tables, leaves or nowhere. */
function fill(rng: Rng, ram: Ram): void {
  for (let page = 0; page < 8; page++) {
    for (let i = 0; i < 512; i++) {
      if (!rng.chance(0.95)) continue;
      const flags = rng.next() & 0xff;
      // Mostly the common shapes: pointers (V only) and leaves with R (and W, X, U, A, D at random).
      const pick = rng.below(10);
      const f = pick < 4 ? 1 : pick < 9 ? (flags | 0x43) & ~(rng.chance(0.15) ? 0x40 : 0) & ~(rng.chance(0.6) ? 0x10 : 0) : flags;
      let ppn: bigint;
      const where = rng.below(10);
      if (where < 5) ppn = BigInt(BASE / 4096 + rng.below(8));              // a table page
      else if (where < 8 || pick >= 4) ppn = BigInt(BASE / 4096) + BigInt(rng.below(4) * 512); // 2 MiB aligned
      else if (where < 9) ppn = BigInt(rng.next() & 0xfffff);               // outside RAM
      else ppn = BigInt(BASE / 4096 + rng.below(PAGES));
      const pte = (ppn << 10n) | BigInt(f) | (rng.chance(0.05) ? 1n << 60n : 0n);
      ram.view.setBigUint64(page * 4096 + i * 8, pte, true);
    }
  }
}

/** A virtual address whose indices land on the filled entries, sometimes not canonical. */
function vaddr(rng: Rng): bigint {
  const vpn2 = BigInt(rng.below(512)), vpn1 = BigInt(rng.below(512)), vpn0 = BigInt(rng.below(512));
  let va = (vpn2 << 30n) | (vpn1 << 21n) | (vpn0 << 12n) | BigInt(rng.below(4096));
  if (va & (1n << 38n)) va |= ~((1n << 39n) - 1n);
  if (rng.chance(0.03)) va ^= 1n << BigInt(40 + rng.below(23));
  return BigInt.asIntN(64, va);
}

test('the quick SV39 walk and the general walk give the same address, fault and A/D updates', () => {
  const rng = new Rng(20261201);
  const kinds: AccessKind[] = ['fetch', 'load', 'store'];
  let translated = 0, faulted = 0;
  for (let round = 0; round < 40; round++) {
    const quick = hart(false), general = hart(true);
    fill(rng, quick.bus.ram);
    general.bus.ram.ru8.set(quick.bus.ram.ru8);
    for (let i = 0; i < 500; i++) {
      const va = vaddr(rng), kind = rng.pick(kinds), priv = rng.chance(0.5) ? Priv.S : Priv.U;
      const mstatus = (rng.chance(0.5) ? MSTATUS.SUM : 0n) | (rng.chance(0.3) ? MSTATUS.MXR : 0n);
      for (const h of [quick, general]) {
        h.priv = priv;
        h.csr.satp = (8n << 60n) | BigInt(BASE / 4096 + ROOT);
        h.csr.mstatus = (h.csr.mstatus & ~(MSTATUS.SUM | MSTATUS.MXR)) | mstatus;
        h.exc = EXC_NONE; h.excCause = 0; h.excTval = 0n;
      }
      const a = quick.translate(va, kind), b = general.translate(va, kind);
      const what = `${kind} of 0x${BigInt.asUintN(64, va).toString(16)} in ${Priv[priv]}, round ${round}`;
      assert.equal(a, b, what);
      assert.deepEqual([quick.exc, quick.excCause, quick.excTval], [general.exc, general.excCause, general.excTval], what);
      if (a === undefined) faulted++; else translated++;
    }
    assert.ok(Buffer.from(quick.bus.ram.ru8).equals(Buffer.from(general.bus.ram.ru8)), `RAM differs after round ${round}`);
  }
  // Both outcomes were exercised in numbers.
  assert.ok(translated > 1000 && faulted > 1000, `${translated} translated, ${faulted} faulted`);
});
