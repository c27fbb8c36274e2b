// Direct links between blocks (runLoop.ts): once a block has been followed by another, the
// dispatcher goes from the one to the other without looking it up, for as long as the link
// holds. Each program here first runs long enough for its links to form, then changes what a
// link would skip: a breakpoint set on a linked-to block, the code of a linked-to block
// rewritten by the guest, the address space switched under a linked-to virtual pc, timer
// interrupts falling due inside a chain. Every run is compared with one instruction at a time
// (which never follows a link), in every form a block can run in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Machine } from '../../src/emulator/machine.js';
import { Priv } from '../../src/emulator/cpu/causes.js';
import { Tier, type Tiering } from '../../src/emulator/jit/tiers.js';
import { encode as e } from '../isa/encode.js';

const BASE = 0x80000000n;
const SATP = 0x180, PMPCFG0 = 0x3a0, PMPADDR0 = 0x3b0, MSTATUS = 0x300, MIE = 0x304, MTVEC = 0x305, MINSTRET = 0xb02;
const SFENCE_VMA = 0x12000073;
/** Registers: t0 = 5, t1 = 6, t2 = 7, s1 = 9, s2 = 18, s3 = 19, a2..a6 = 12..16, ra = 1. */
const T0 = 5, T1 = 6, T2 = 7, S1 = 9, S2 = 18, S3 = 19, A2 = 12, A3 = 13, A4 = 14, A5 = 15, A6 = 16, RA = 1;

const TIERINGS: [string, Tiering][] = [
  ['interpreted', { first: Tier.Interpreted, afterInterp: Tier.Inline, interpWork: Infinity, loopWork: Infinity, hotWork: 0 }],
  ['interpreted, then inline', { first: Tier.Interpreted, afterInterp: Tier.Inline, interpWork: 40, loopWork: 40, hotWork: 0 }],
  ['cold', { first: Tier.Cold, afterInterp: Tier.Cold, interpWork: 0, loopWork: 0, hotWork: Infinity }],
  ['inline', { first: Tier.Inline, afterInterp: Tier.Inline, interpWork: 0, loopWork: 0, hotWork: 0, wasm: false }],
  ['inline, regions in WebAssembly', { first: Tier.Inline, afterInterp: Tier.Inline, interpWork: 0, loopWork: 0, hotWork: 0, wasm: true }],
];

/** A bare machine with `words` at `at` (a byte offset into RAM) and the pc at BASE. */
function machine(tiering: Tiering, code: [number, number[]][], setup?: (m: Machine) => void): Machine {
  const m = new Machine({ memoryMiB: 16, tiering });
  m.bootBare(BASE);
  for (const [at, words] of code) words.forEach((w, i) => { m.ram.ru32[at / 4 + i] = w; });
  m.harts[0].pc = BigInt.asIntN(64, BASE);
  setup?.(m);
  return m;
}

function regs(m: Machine): bigint[] { return [...m.harts[0].x.slice(0, 33)]; }

/** The same machine run one instruction (or trap entry) at a time to `count` units of progress. */
function stepTo(m: Machine, count: number): void {
  while (m.progress < count) m.step();
}

/**
 * A loop over two blocks: A counts s1 and jumps to B; B counts s2 and t0 down, and goes back
 * to A until t0 is 0; then C (code at 0x100) runs.
 */
const A = 0, B = 8, C = 0x100;
function twoBlocks(after: number[]): [number, number[]][] {
  return [
    [A, [e('addi', { rd: S1, rs1: S1, imm: 1 }), e('jal', { rd: 0, imm: B - 4 })]],
    [B, [e('addi', { rd: S2, rs1: S2, imm: 1 }), e('addi', { rd: T0, rs1: T0, imm: -1 }),
      e('bne', { rs1: T0, rs2: 0, imm: A - (B + 8) }), e('jal', { rd: 0, imm: C - (B + 12) })]],
    [C, after],
  ];
}

for (const [name, tiering] of TIERINGS) {
  test(`a breakpoint set on a block others are linked to stops there: ${name}`, () => {
    const make = (): Machine => machine(tiering, twoBlocks([e('jal', { rd: 0, imm: 0 })]), (m) => { m.harts[0].x[T0] = 1000n; });
    const fast = make();
    assert.equal(fast.run(301).kind, 'budget'); // round the loop 50 times: A -> B and B -> A are linked
    fast.setBreakpoints([BASE + BigInt(B)]);
    const stop = fast.run(100_000, { resume: false });
    assert.equal(stop.kind, 'breakpoint');
    assert.equal(fast.harts[0].pc, BigInt.asIntN(64, BASE + BigInt(B)));
    // The first time B starts after those 301 instructions.
    const slow = make();
    stepTo(slow, 301);
    while (slow.harts[0].pc !== BigInt.asIntN(64, BASE + BigInt(B))) slow.step();
    assert.equal(fast.instret, slow.instret);
    assert.deepEqual(regs(fast), regs(slow));
    // And it stops there every round, not only the first.
    for (let i = 0; i < 5; i++) {
      const again = fast.run(100_000);
      assert.equal(again.kind, 'breakpoint');
      assert.equal(fast.instret, slow.instret + 5 * (i + 1)); // B's three, A's two
    }
    // Removed, the loop runs on to its end through its links again.
    fast.setBreakpoints([]);
    fast.run(10_000);
    assert.equal(fast.harts[0].x[T0], 0n);
    assert.equal(fast.harts[0].x[S1], 1000n);
  });

  test(`code rewritten after its block was linked to runs as rewritten: ${name}`, () => {
    // The loop runs 50 rounds; C then stores `addi s3, s3, 1` over B's first instruction and
    // runs the loop 50 rounds more; then it spins.
    const addiS3 = e('addi', { rd: S3, rs1: S3, imm: 1 });
    const after = [
      e('lui', { rd: T1, imm: ((addiS3 + 0x800) >>> 12) & 0xfffff }), e('addi', { rd: T1, rs1: T1, imm: ((addiS3 & 0xfff) << 20) >> 20 }),
      e('sw', { rs1: A2, rs2: T1, imm: B }), // a2 = BASE
      e('addi', { rd: T0, rs1: 0, imm: 50 }),
      e('jal', { rd: RA, imm: A - (C + 16) }),
    ];
    // The second time round, C's store writes the same word again, and its jal goes on to A.
    const make = (): Machine => machine(tiering, twoBlocks(after), (m) => {
      m.harts[0].x[T0] = 50n;
      m.harts[0].x[A2] = BigInt.asIntN(64, BASE);
    });
    const fast = make();
    const total = 2 * 251 + 5 + 40; // two loops of 50 rounds, C between them, C again
    assert.equal(fast.run(total).kind, 'budget');
    const slow = make();
    stepTo(slow, total);
    assert.deepEqual(regs(fast), regs(slow));
    assert.equal(fast.harts[0].x[S2], 50n, 'the old B ran only before the store');
    assert.ok(fast.harts[0].x[S3] >= 50n, 'the rewritten B ran after it');
    assert.equal(fast.instret, slow.instret);
  });

  test(`a link made under one address space is not followed under another: ${name}`, () => {
    // S-mode under Sv39: 0x80000000 is mapped to itself (a gigapage) in two address spaces,
    // virtual 0x40000000 to a page that counts s1 in the first and one that counts s2 in the
    // second. The loop calls 0x40000000 and switches address space every round.
    const V = 0x40000000n;
    const ROOT1 = 0x10000, ROOT2 = 0x13000, P1 = 0x20000, P2 = 0x21000;
    const table = (m: Machine, at: number, i: number, pte: bigint): void => { m.ram.r64[(at >> 3) + i] = pte; };
    const next = (at: number): bigint => (BigInt((Number(BASE) + at) >>> 12) << 10n) | 1n;
    const leaf = (pa: bigint, flags: bigint): bigint => ((pa >> 12n) << 10n) | flags | 0xc1n; // V, A, D
    const satp = (root: number): bigint => BigInt.asIntN(64, (8n << 60n) | BigInt((Number(BASE) + root) >>> 12));
    const loop = [
      e('jalr', { rd: RA, rs1: A2, imm: 0 }),
      e('addi', { rd: T0, rs1: T0, imm: -1 }),
      e('csrrw', { rd: 0, rs1: A3, csr: SATP }),
      SFENCE_VMA,
      e('xor', { rd: A3, rs1: A3, rs2: A4 }),
      e('bne', { rs1: T0, rs2: 0, imm: -20 }),
      e('jal', { rd: 0, imm: 0 }),
    ];
    const make = (): Machine => machine(tiering, [
      [0, loop],
      [P1, [e('addi', { rd: S1, rs1: S1, imm: 1 }), e('jalr', { rd: 0, rs1: RA, imm: 0 })]],
      [P2, [e('addi', { rd: S2, rs1: S2, imm: 1 }), e('jalr', { rd: 0, rs1: RA, imm: 0 })]],
    ], (m) => {
      for (const [root, l1, l0, page] of [[ROOT1, 0x11000, 0x12000, P1], [ROOT2, 0x14000, 0x15000, P2]]) {
        table(m, root, 2, leaf(BASE, 0xen)); // R, W, X
        table(m, root, 1, next(l1));
        table(m, l1, 0, next(l0));
        table(m, l0, 0, leaf(BASE + BigInt(page), 0xan)); // R, X
      }
      const h = m.harts[0];
      h.csr.write(PMPADDR0, (1n << 54n) - 1n); // all of memory for S-mode: NAPOT, R, W, X
      h.csr.write(PMPCFG0, 0x1fn);
      h.priv = Priv.S;
      h.csr.satp = satp(ROOT1);
      h.flushTranslations();
      h.x[A2] = V;
      h.x[A3] = satp(ROOT2);
      h.x[A4] = satp(ROOT1) ^ satp(ROOT2);
      h.x[T0] = 40n;
    });
    const fast = make();
    const total = 40 * 8 + 20;
    assert.equal(fast.run(total).kind, 'budget');
    assert.equal(fast.harts[0].x[S1], 20n, 'the first address space ran its page every other round');
    assert.equal(fast.harts[0].x[S2], 20n, 'and the second its own');
    const slow = make();
    stepTo(slow, total);
    assert.deepEqual(regs(fast), regs(slow));
  });

  test(`timer interrupts fall due inside a chain where they do without one: ${name}`, () => {
    // The two-block loop runs for ever; every 37 ticks (370 instructions) the timer interrupts
    // it, and the handler records minstret and moves mtimecmp on. An interrupt is taken at the
    // instruction its deadline falls on, however the run is cut: through chains, stopped at
    // breakpoints and resumed, in odd slices, or one instruction at a time (time travel replays
    // in slices other than the recording's).
    const HANDLER = 0x200, LOG = 0x8000, MTIMECMP = 0x2004000n;
    const handler = [
      e('csrrs', { rd: T1, rs1: 0, csr: MINSTRET }),
      e('sd', { rs1: A5, rs2: T1, imm: 0 }),
      e('addi', { rd: A5, rs1: A5, imm: 8 }),
      e('ld', { rd: T2, rs1: A6, imm: 0 }),
      e('addi', { rd: T2, rs1: T2, imm: 37 }),
      e('sd', { rs1: A6, rs2: T2, imm: 0 }),
      0x30200073, // mret
    ];
    const make = (): Machine => machine(tiering, [...twoBlocks([]), [HANDLER, handler]], (m) => {
      const h = m.harts[0];
      h.x[T0] = 1n << 40n;
      h.x[A5] = BigInt.asIntN(64, BASE + BigInt(LOG));
      h.x[A6] = MTIMECMP;
      m.clint.mtimecmp[0] = 50n;
      h.csr.write(MTVEC, BASE + BigInt(HANDLER));
      h.csr.write(MIE, 1n << 7n);
      h.csr.write(MSTATUS, 1n << 3n);
    });
    const total = 30_000;
    const fast = make();
    assert.equal(fast.run(total).kind, 'budget');
    const taken = Number((fast.harts[0].x[A5] - BigInt.asIntN(64, BASE + BigInt(LOG))) / 8n);
    assert.ok(taken > 50, `the timer interrupted the loop (${taken} times)`);
    const log = new BigInt64Array(fast.ram.ru8.slice(LOG, LOG + 8 * taken).buffer);
    log.forEach((at, k) => {
      const deadline = 500n + 370n * BigInt(k);
      assert.equal(at, deadline, `interrupt ${k} at ${at}, due at ${deadline}`);
    });
    // Stopped at a breakpoint on B every round, and resumed.
    const stopped = make();
    stopped.setBreakpoints([BASE + BigInt(B)]);
    let stops = 0;
    while (stopped.progress < total) if (stopped.run(total - stopped.progress).kind === 'breakpoint') stops++;
    assert.ok(stops > 1000);
    assert.equal(stopped.instret, fast.instret);
    assert.equal(stopped.trapsTaken, fast.trapsTaken);
    assert.deepEqual(regs(stopped), regs(fast));
    assert.deepEqual(stopped.ram.ru8.slice(LOG, LOG + 8 * taken), fast.ram.ru8.slice(LOG, LOG + 8 * taken));
    for (const slice of [97, 13, 1]) {
      const cut = make();
      while (cut.progress < total) cut.run(Math.min(slice, total - cut.progress));
      assert.equal(cut.instret, fast.instret, `in slices of ${slice}`);
      assert.deepEqual(regs(cut), regs(fast), `in slices of ${slice}`);
      assert.deepEqual(cut.ram.ru8.slice(LOG, LOG + 8 * taken), fast.ram.ru8.slice(LOG, LOG + 8 * taken), `in slices of ${slice}`);
    }
  });
}
