// Interrupts raised by a guest's own device access: a store to the CLINT, the PLIC, the UART
// or a virtio queue that raises an interrupt line, in the middle of a straight-line block with
// interrupts enabled. One instruction at a time, the interrupt is taken right after that store;
// so it must be when the block runs whole, in a chain, in a region, straight through or in
// slices of any size (time travel replays a recording in slices other than the recording's),
// in every form a block can run in (chaining.test.ts's tierings, and one that makes a region).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Machine } from '../../src/emulator/machine.js';
import { Tier, type Tiering } from '../../src/emulator/jit/tiers.js';
import { Priv } from '../../src/emulator/cpu/causes.js';
import { MemoryDisk } from '../../src/emulator/devices/blockBackend.js';
import { MmioReg, Status, DescFlag } from '../../src/emulator/devices/virtio/spec.js';
import { encode as e } from '../isa/encode.js';

const BASE = 0x80000000n;
const MSTATUS = 0x300, MIE = 0x304, MTVEC = 0x305, MEPC = 0x341, MINSTRET = 0xb02;
const MSTATUS_MIE = 1n << 3n, MSTATUS_FS_INITIAL = 1n << 13n;
const MSIE = 1n << 3n, MTIE = 1n << 7n, MEIE = 1n << 11n;
const CLINT = 0x2000000n, MTIMECMP = CLINT + 0x4000n;
const PLIC = 0xc000000n, PLIC_ENABLE = PLIC + 0x2000n, PLIC_THRESHOLD = PLIC + 0x200000n, PLIC_CLAIM = PLIC + 0x200004n;
const UART = 0x10000000n, UART_IRQ = 10, IER = 1, IER_THRI = 2;
const VIRTIO = 0x10001000n, VIRTIO_IRQ = 1;
const MRET = 0x30200073;
/** t0 = 5, t1 = 6, t2 = 7, s1 = 9, a2..a6 = 12..16, s2 = 18, t3..t5 = 28..30; f1. */
const T0 = 5, T1 = 6, T2 = 7, S1 = 9, A2 = 12, A3 = 13, A4 = 14, A5 = 15, A6 = 16, S2 = 18, T3 = 28, T4 = 29, T5 = 30;

const REGION = 'interpreted, then a region';
const TIERINGS: [string, Tiering][] = [
  ['interpreted', { first: Tier.Interpreted, afterInterp: Tier.Inline, interpWork: Infinity, loopWork: Infinity, hotWork: 0 }],
  ['interpreted, then inline', { first: Tier.Interpreted, afterInterp: Tier.Inline, interpWork: 40, loopWork: 40, hotWork: 0 }],
  // A is translated once B has run often enough to join it in a region (jit/region.ts).
  [REGION, { first: Tier.Interpreted, afterInterp: Tier.Inline, interpWork: 120, loopWork: 120, hotWork: 0 }],
  ['cold', { first: Tier.Cold, afterInterp: Tier.Cold, interpWork: 0, loopWork: 0, hotWork: Infinity }],
  ['inline', { first: Tier.Inline, afterInterp: Tier.Inline, interpWork: 0, loopWork: 0, hotWork: 0 }],
];

/**
 * Block A counts s1 twice, makes the access, counts s2 three times and jumps to B, which
 * counts t0 down and goes back to A (A and B form a region once hot). The handler logs mepc and
 * minstret, quietens the device (`quiet`) and returns.
 */
const A = 0, B = 0x40, HANDLER = 0x200, LOG = 0x8000;
function program(access: number, quiet: number[]): [number, number[]][] {
  return [
    [A, [e('addi', { rd: S1, rs1: S1, imm: 1 }), e('addi', { rd: S1, rs1: S1, imm: 1 }), access,
      e('addi', { rd: S2, rs1: S2, imm: 1 }), e('addi', { rd: S2, rs1: S2, imm: 1 }), e('addi', { rd: S2, rs1: S2, imm: 1 }),
      e('jal', { rd: 0, imm: B - (A + 24) })]],
    [B, [e('addi', { rd: T0, rs1: T0, imm: -1 }), e('bne', { rs1: T0, rs2: 0, imm: A - (B + 4) }), e('jal', { rd: 0, imm: 0 })]],
    [HANDLER, [
      e('csrrs', { rd: T2, rs1: 0, csr: MEPC }), e('sd', { rs1: A5, rs2: T2, imm: 0 }),
      e('csrrs', { rd: T2, rs1: 0, csr: MINSTRET }), e('sd', { rs1: A5, rs2: T2, imm: 8 }),
      e('addi', { rd: A5, rs1: A5, imm: 16 }),
      ...quiet,
      MRET,
    ]],
  ];
}

interface Case {
  name: string;
  access: number;
  quiet: number[];
  mie: bigint;
  setup(m: Machine): void;
  options?: ConstructorParameters<typeof Machine>[0];
}

/** The PLIC's context 0 (hart 0, M-mode) sees the UART's line: priority 1, enabled, threshold 0. */
function plicSeesUart(m: Machine, opts: { priority?: number; enable?: boolean; threshold?: number } = {}): void {
  m.plic.write(4 * UART_IRQ, 4, BigInt(opts.priority ?? 1));
  m.plic.write(0x2000, 4, opts.enable === false ? 0n : 1n << BigInt(UART_IRQ));
  m.plic.write(0x200000, 4, BigInt(opts.threshold ?? 0));
}

/** The handler's claim (into t3, from a3 = the claim register), its `between`, then completion. */
const claimComplete = (between: number[]): number[] => [
  e('lw', { rd: T3, rs1: A3, imm: 0 }), ...between, e('sw', { rs1: A3, rs2: T3, imm: 0 }),
];
/** The UART's transmit-empty interrupt turned off and on again (a4 = the UART): its line signals again. */
const rearmUart = [e('sb', { rs1: A4, rs2: 0, imm: IER }), e('sb', { rs1: A4, rs2: T4, imm: IER })];

/** virtio-blk in slot 0: one read request (descriptors 0-2) that each notify completes at once. */
const DESC = 0x10000, AVAIL = 0x11000, USED = 0x12000, REQ = 0x13000, DATA = 0x14000, QSIZE = 8;
function virtioReady(m: Machine): void {
  const ram = m.ram, dv = ram.view;
  const at = (off: number): bigint => BASE + BigInt(off);
  const desc = (i: number, addr: bigint, len: number, flags: number, next: number): void => {
    const o = DESC + 16 * i;
    dv.setBigUint64(o, addr, true); dv.setUint32(o + 8, len, true); dv.setUint16(o + 12, flags, true); dv.setUint16(o + 14, next, true);
  };
  dv.setUint32(REQ, 0, true); dv.setUint32(REQ + 4, 0, true); dv.setBigUint64(REQ + 8, 0n, true); // read sector 0
  desc(0, at(REQ), 16, DescFlag.Next, 1);
  desc(1, at(DATA), 512, DescFlag.Next | DescFlag.Write, 2);
  desc(2, at(REQ + 16), 1, DescFlag.Write, 0);
  // Every slot of the available ring names request 0; the guest only moves the index.
  for (let i = 0; i < QSIZE; i++) dv.setUint16(AVAIL + 4 + 2 * i, 0, true);
  const dev = m.virtio[0], wr = (reg: number, v: bigint | number): void => dev.write(reg, 4, BigInt(v));
  wr(MmioReg.Status, 0);
  wr(MmioReg.Status, Status.Acknowledge | Status.Driver);
  wr(MmioReg.DriverFeaturesSel, 0); wr(MmioReg.DriverFeatures, 0);
  wr(MmioReg.DriverFeaturesSel, 1); wr(MmioReg.DriverFeatures, 1); // VIRTIO_F_VERSION_1
  wr(MmioReg.Status, Status.Acknowledge | Status.Driver | Status.FeaturesOk);
  wr(MmioReg.QueueSel, 0); wr(MmioReg.QueueNum, QSIZE);
  wr(MmioReg.QueueDescLow, at(DESC)); wr(MmioReg.QueueDescHigh, 0);
  wr(MmioReg.QueueDriverLow, at(AVAIL)); wr(MmioReg.QueueDriverHigh, 0);
  wr(MmioReg.QueueDeviceLow, at(USED)); wr(MmioReg.QueueDeviceHigh, 0);
  wr(MmioReg.QueueReady, 1);
  wr(MmioReg.Status, Status.Acknowledge | Status.Driver | Status.FeaturesOk | Status.DriverOk);
  m.plic.write(4 * VIRTIO_IRQ, 4, 1n);
  m.plic.write(0x2000, 4, 1n << BigInt(VIRTIO_IRQ));
  ram.dirty.markAll();
}

const CASES: Case[] = [
  {
    name: 'CLINT msip', mie: MSIE,
    access: e('sw', { rs1: A2, rs2: T1, imm: 0 }), quiet: [e('sw', { rs1: A2, rs2: 0, imm: 0 })],
    setup: (m) => { m.harts[0].x[A2] = CLINT; m.harts[0].x[T1] = 1n; },
  },
  {
    name: 'CLINT mtimecmp', mie: MTIE,
    access: e('sd', { rs1: A2, rs2: 0, imm: 0 }), quiet: [e('sd', { rs1: A2, rs2: A6, imm: 0 })],
    setup: (m) => { m.harts[0].x[A2] = MTIMECMP; m.harts[0].x[A6] = -1n; },
  },
  {
    name: 'CLINT msip, by a floating-point store', mie: MSIE,
    access: e('fsw', { rs1: A2, rs2: 1, imm: 0 }), quiet: [e('sw', { rs1: A2, rs2: 0, imm: 0 })],
    setup: (m) => {
      const h = m.harts[0];
      h.x[A2] = CLINT;
      h.csr.write(MSTATUS, MSTATUS_FS_INITIAL);
      h.fpu.fx[1] = 1n;
    },
  },
  {
    name: 'CLINT msip, by an AMO', mie: MSIE,
    access: e('amoswap.w', { rd: 0, rs1: A2, rs2: T1 }), quiet: [e('sw', { rs1: A2, rs2: 0, imm: 0 })],
    setup: (m) => { m.harts[0].x[A2] = CLINT; m.harts[0].x[T1] = 1n; },
  },
  {
    name: 'UART transmit-empty interrupt enabled, through the PLIC', mie: MEIE,
    access: e('sb', { rs1: A2, rs2: T1, imm: IER }), quiet: claimComplete([e('sb', { rs1: A2, rs2: 0, imm: IER })]),
    setup: (m) => { plicSeesUart(m); const h = m.harts[0]; h.x[A2] = UART; h.x[T1] = BigInt(IER_THRI); h.x[A3] = PLIC_CLAIM; },
  },
  {
    name: 'PLIC enable', mie: MEIE,
    access: e('sw', { rs1: A2, rs2: T1, imm: 0 }), quiet: [...claimComplete([e('sw', { rs1: A2, rs2: 0, imm: 0 })]), ...rearmUart],
    setup: (m) => {
      plicSeesUart(m, { enable: false });
      m.uart.write(IER, 1, BigInt(IER_THRI));
      const h = m.harts[0];
      h.x[A2] = PLIC_ENABLE; h.x[T1] = 1n << BigInt(UART_IRQ); h.x[A3] = PLIC_CLAIM; h.x[A4] = UART; h.x[T4] = BigInt(IER_THRI);
    },
  },
  {
    name: 'PLIC threshold', mie: MEIE,
    access: e('sw', { rs1: A2, rs2: 0, imm: 0 }), quiet: [...claimComplete([e('sw', { rs1: A2, rs2: T5, imm: 0 })]), ...rearmUart],
    setup: (m) => {
      plicSeesUart(m, { threshold: 1 });
      m.uart.write(IER, 1, BigInt(IER_THRI));
      const h = m.harts[0];
      h.x[A2] = PLIC_THRESHOLD; h.x[T5] = 1n; h.x[A3] = PLIC_CLAIM; h.x[A4] = UART; h.x[T4] = BigInt(IER_THRI);
    },
  },
  {
    name: 'PLIC priority', mie: MEIE,
    access: e('sw', { rs1: A2, rs2: T1, imm: 4 * UART_IRQ }), quiet: [...claimComplete([e('sw', { rs1: A2, rs2: 0, imm: 4 * UART_IRQ })]), ...rearmUart],
    setup: (m) => {
      plicSeesUart(m, { priority: 0 });
      m.uart.write(IER, 1, BigInt(IER_THRI));
      const h = m.harts[0];
      h.x[A2] = PLIC; h.x[T1] = 1n; h.x[A3] = PLIC_CLAIM; h.x[A4] = UART; h.x[T4] = BigInt(IER_THRI);
    },
  },
  {
    // The guest makes request 0 available again (RAM) before the notify, which completes it at once.
    name: 'virtio-blk QueueNotify', mie: MEIE,
    options: { drives: [{ backend: new MemoryDisk(new Uint8Array(64 * 512)) }] },
    access: e('sw', { rs1: A2, rs2: 0, imm: MmioReg.QueueNotify }),
    quiet: claimComplete([e('sw', { rs1: A2, rs2: T1, imm: MmioReg.InterruptAck })]),
    setup: (m) => {
      virtioReady(m);
      const h = m.harts[0];
      h.x[A2] = VIRTIO; h.x[T1] = 1n; h.x[A3] = PLIC_CLAIM;
    },
  },
];

/**
 * The program, and the pc right after the access. The virtio case's block first moves the
 * available ring's index on (lhu, addi, sh) in place of counting s1.
 */
function blockOf(c: Case): { code: [number, number[]][]; after: bigint } {
  const code = program(c.access, c.quiet);
  if (c.name.startsWith('virtio')) {
    code[0][1][0] = e('lhu', { rd: T2, rs1: A6, imm: 2 });
    code[0][1][1] = e('addi', { rd: T2, rs1: T2, imm: 1 });
    code[0][1].splice(2, 0, e('sh', { rs1: A6, rs2: T2, imm: 2 }));
    code[0][1].splice(4, 1); // the jal stays where it was
    return { code, after: BASE + BigInt(A + 16) };
  }
  return { code, after: BASE + BigInt(A + 12) };
}

function machine(c: Case, tiering: Tiering): Machine {
  const m = new Machine({ memoryMiB: 16, tiering, ...c.options });
  m.bootBare(BASE);
  for (const [at, words] of blockOf(c).code) words.forEach((w, i) => { m.ram.ru32[at / 4 + i] = w; });
  m.ram.dirty.markAll();
  const h = m.harts[0];
  h.pc = BASE;
  h.x[T0] = 1n << 40n;
  h.x[A5] = BASE + BigInt(LOG);
  h.x[A6] = BASE + BigInt(AVAIL);
  h.csr.write(MTVEC, BASE + BigInt(HANDLER));
  c.setup(m);
  h.csr.write(MIE, c.mie);
  h.csr.write(MSTATUS, (h.csr.read(MSTATUS) ?? 0n) | MSTATUS_MIE);
  return m;
}

const regs = (m: Machine): bigint[] => [...m.harts[0].x.slice(0, 33)];
const log = (m: Machine): Uint8Array => m.ram.ru8.slice(LOG, LOG + 0x4000);

for (const c of CASES) {
  for (const [tname, tiering] of TIERINGS) {
    test(`an interrupt raised by a store (${c.name}) is taken right after it: ${tname}`, () => {
      const total = 4000;
      const straight = machine(c, tiering);
      assert.equal(straight.run(total).kind, 'budget');
      const h = straight.harts[0];
      const taken = Number((h.x[A5] - (BASE + BigInt(LOG))) / 16n);
      assert.ok(taken > 50, `the access interrupted the loop (${taken} times)`);
      const entries = new BigInt64Array(log(straight).buffer, 0, 2 * taken);
      for (let k = 0; k < taken; k++) {
        assert.equal(entries[2 * k], BigInt.asIntN(64, blockOf(c).after), `interrupt ${k} taken at ${entries[2 * k].toString(16)}, not right after the access`);
      }
      // AMOs keep a block out of regions (jit/region.ts).
      if (tname === REGION && !c.name.includes('AMO')) {
        const a = straight.runners[0].blocks.find(A, Number(BASE), 0, Priv.M);
        assert.match(a?.fn.name ?? '', /^region_/, 'A and B ran as one region');
      }
      const forms: [string, (m: Machine) => void][] = [
        ['one instruction at a time', (m) => { while (m.progress < total) m.step(); }],
        ...[97, 13, 1].map((slice): [string, (m: Machine) => void] => [`in slices of ${slice}`, (m) => {
          while (m.progress < total) m.run(Math.min(slice, total - m.progress));
        }]),
      ];
      for (const [form, run] of forms) {
        const m = machine(c, tiering);
        run(m);
        assert.equal(m.instret, straight.instret, form);
        assert.equal(m.trapsTaken, straight.trapsTaken, form);
        assert.deepEqual(regs(m), regs(straight), form);
        assert.deepEqual(log(m), log(straight), form);
      }
    });
  }
}

// Two harts, which take turns (runLoop.ts) and whose blocks carry the hand-off checks: each
// writes its own msip (taken right after the store), or the other's (taken where that hart's
// dispatcher next looks, the start of its turn: the same however the run is sliced).
for (const [how, target] of [['its own', (h: number) => h], ["the other hart's", (h: number) => 1 - h]] as const) {
  for (const [tname, tiering] of TIERINGS) {
    test(`two harts, each writing ${how} msip mid-block: the same interrupts however the run is cut: ${tname}`, () => {
      const make = (): Machine => {
        const m = new Machine({ memoryMiB: 16, tiering, harts: 2 });
        m.bootBare(BASE);
        const { code } = blockOf(CASES[0]);
        code[2][1][code[2][1].length - 2] = e('sw', { rs1: A4, rs2: 0, imm: 0 }); // the handler clears its own msip
        for (const [at, words] of code) words.forEach((w, i) => { m.ram.ru32[at / 4 + i] = w; });
        m.ram.dirty.markAll();
        for (const h of m.harts) {
          h.pc = BASE;
          h.x[T0] = 1n << 40n;
          h.x[T1] = 1n;
          h.x[A2] = CLINT + 4n * BigInt(target(h.hartId));
          h.x[A4] = CLINT + 4n * BigInt(h.hartId);
          h.x[A5] = BASE + BigInt(LOG + 0x4000 * h.hartId);
          h.csr.write(MTVEC, BASE + BigInt(HANDLER));
          h.csr.write(MIE, MSIE);
          h.csr.write(MSTATUS, MSTATUS_MIE);
        }
        return m;
      };
      const state = (m: Machine): unknown => [m.instret, m.trapsTaken, m.harts.map((h) => [...h.x.slice(0, 33)]), [...m.ram.ru8.slice(LOG, LOG + 0x8000)]];
      const total = 50_000; // five turns of 10,000
      const straight = make();
      assert.equal(straight.run(total).kind, 'budget');
      for (const h of straight.harts) {
        const taken = Number((h.x[A5] - (BASE + BigInt(LOG + 0x4000 * h.hartId))) / 16n);
        // By the other hart: once at the start of each of its turns after the first.
        if (target(h.hartId) !== h.hartId) { assert.ok(taken >= 2, `hart ${h.hartId} was interrupted (${taken} times)`); continue; }
        assert.ok(taken > 20, `hart ${h.hartId} was interrupted (${taken} times)`);
        const entries = new BigInt64Array(straight.ram.ru8.slice(LOG + 0x4000 * h.hartId, LOG + 0x4000 * h.hartId + 16 * taken).buffer);
        for (let k = 0; k < taken; k++) assert.equal(entries[2 * k], BigInt.asIntN(64, BASE + 12n), `hart ${h.hartId}, interrupt ${k}`);
      }
      const expected = state(straight);
      const stepped = make();
      while (stepped.progress < total) stepped.step();
      assert.deepEqual(state(stepped), expected, 'one instruction at a time');
      for (const slice of [97, 13, 1]) {
        const cut = make();
        while (cut.progress < total) cut.run(Math.min(slice, total - cut.progress));
        assert.deepEqual(state(cut), expected, `in slices of ${slice}`);
      }
    });
  }
}

// A store over an instruction further on in its own block (no fence.i, which RISC-V leaves to
// the implementation): one instruction at a time the new instruction runs, so it must when the
// block runs whole, or a replay cut elsewhere would compute something else. Each pass of the
// loop flips the instruction at A+16 between adding 1 and adding 100 to s2, then runs it.
for (const [tname, tiering] of TIERINGS) {
  test(`a store over its own block's code runs the new instruction right after it, however the run is cut: ${tname}`, () => {
    const ADD1 = e('addi', { rd: S2, rs1: S2, imm: 1 }), ADD100 = e('addi', { rd: S2, rs1: S2, imm: 100 });
    const PASSES = 300;
    const make = (): Machine => {
      const m = new Machine({ memoryMiB: 16, tiering });
      m.bootBare(BASE);
      const code = [
        e('xor', { rd: T1, rs1: T1, rs2: T3 }), // A: the other instruction
        e('sw', { rs1: A3, rs2: T1, imm: 0 }), // over A+16
        e('addi', { rd: S1, rs1: S1, imm: 1 }),
        e('addi', { rd: S1, rs1: S1, imm: 1 }),
        ADD1, // A+16
        e('addi', { rd: T0, rs1: T0, imm: -1 }),
        e('bne', { rs1: T0, rs2: 0, imm: -24 }),
        e('jal', { rd: 0, imm: 0 }),
      ];
      code.forEach((w, i) => { m.ram.ru32[A / 4 + i] = w; });
      m.ram.dirty.markAll();
      const h = m.harts[0];
      h.pc = BASE;
      h.x[T0] = BigInt(PASSES);
      h.x[T1] = BigInt(ADD1);
      h.x[T3] = BigInt(ADD1 ^ ADD100);
      h.x[A3] = BASE + BigInt(A + 16);
      return m;
    };
    const straight = runStraightAndCut(make, PASSES * 7 + 10);
    // The passes alternate 100, 1, 100, ...: what the stored instruction adds, each time.
    assert.equal(straight.harts[0].x[S2], BigInt(PASSES / 2) * 101n, 'every pass ran the instruction it had just stored');
  });
}

/** Runs `total` instructions straight, then stepped and in slices; each way ends the same. */
function runStraightAndCut(make: () => Machine, total: number): Machine {
  const straight = make();
  straight.run(total);
  const forms: [string, (m: Machine) => void][] = [
    ['one instruction at a time', (m) => { while (m.progress < total) m.step(); }],
    ...[97, 13, 5, 1].map((slice): [string, (m: Machine) => void] => [`in slices of ${slice}`, (m) => {
      while (m.progress < total) m.run(Math.min(slice, total - m.progress));
    }]),
  ];
  for (const [form, run] of forms) {
    const m = make();
    run(m);
    assert.equal(m.instret, straight.instret, form);
    assert.deepEqual(regs(m), regs(straight), form);
  }
  return straight;
}

// The same for a disk read over the code (DMA), started by the guest's own notify in the block:
// the instruction after the notify is the one the sector holds. Each pass asks for the other
// of two sectors, both a copy of the loop, one adding 1 to s2 at A+20, the other 100.
for (const [tname, tiering] of TIERINGS) {
  test(`a disk read over its own block's code runs the new instruction right after the notify, however the run is cut: ${tname}`, () => {
    const ADD1 = e('addi', { rd: S2, rs1: S2, imm: 1 }), ADD100 = e('addi', { rd: S2, rs1: S2, imm: 100 });
    const PASSES = 200;
    const loop = (add: number): number[] => [
      e('xor', { rd: T1, rs1: T1, rs2: T3 }), // A: the other sector
      e('sd', { rs1: A5, rs2: T1, imm: 8 }), // the request's sector
      e('addi', { rd: A6, rs1: A6, imm: 1 }),
      e('sh', { rs1: A4, rs2: A6, imm: 2 }), // the available ring's index
      e('sw', { rs1: A2, rs2: 0, imm: MmioReg.QueueNotify }), // the device reads the sector over A
      add, // A+20
      e('addi', { rd: T0, rs1: T0, imm: -1 }),
      e('bne', { rs1: T0, rs2: 0, imm: -28 }),
      e('jal', { rd: 0, imm: 0 }),
    ];
    const image = new Uint8Array(2 * 512);
    loop(ADD1).forEach((w, i) => { new DataView(image.buffer).setUint32(4 * i, w, true); });
    loop(ADD100).forEach((w, i) => { new DataView(image.buffer).setUint32(512 + 4 * i, w, true); });
    const make = (): Machine => {
      const m = new Machine({ memoryMiB: 16, tiering, drives: [{ backend: new MemoryDisk(image) }] });
      m.bootBare(BASE);
      virtioReady(m);
      m.ram.view.setBigUint64(DESC + 16, BASE + BigInt(A), true); // the data buffer is the code
      // Before the first read the loop adds 1000: a pass that ran the old instruction shows.
      loop(e('addi', { rd: S2, rs1: S2, imm: 1000 })).forEach((w, i) => { m.ram.ru32[A / 4 + i] = w; });
      m.ram.dirty.markAll();
      const h = m.harts[0];
      h.pc = BASE + BigInt(A);
      h.x[T0] = BigInt(PASSES);
      h.x[T3] = 1n;
      h.x[A2] = VIRTIO; h.x[A4] = BASE + BigInt(AVAIL); h.x[A5] = BASE + BigInt(REQ);
      return m;
    };
    const straight = runStraightAndCut(make, PASSES * 8 + 10);
    assert.equal(straight.harts[0].x[S2], BigInt(PASSES / 2) * 101n, 'every pass ran the instruction its read had just brought');
    assert.equal(straight.ram.view.getUint16(USED + 2, true), PASSES, 'every request completed');
  });
}
