// The base M-mode CSRs against the privileged specification (vol. II, ch. 2 and 3), for this
// hart: RV64IMAFDC with S and U modes, no H. Expected values come from the spec's field
// layouts, written out below; the tests read them back with CSR instructions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runLogged } from './support.js';
import { GCC, requireTools } from '../support/toolchain.js';

requireTools(GCC);

/** Run `body`; returns the values stored at 8*i(s11) and the (mcause, mtval) pairs of the traps. */
function run(name: string, body: string, results: number): { r: bigint[]; traps: [bigint, bigint][] } {
  const { r, traps } = runLogged(name, body, results);
  return { r, traps: traps.map((t) => [t.cause, t.tval]) };
}

const u = (v: bigint): bigint => BigInt.asUintN(64, v);

// mstatus (RV64, fig. 3.7): SIE 1, MIE 3, SPIE 5, UBE 6, MPIE 7, SPP 8, VS 10:9, MPP 12:11, FS 14:13, XS 16:15,
// MPRV 17, SUM 18, MXR 19, TVM 20, TW 21, TSR 22, UXL 33:32, SXL 35:34, SBE 36, MBE 37, SD 63.
const MSTATUS_RW = (1n << 1n) | (1n << 3n) | (1n << 5n) | (1n << 7n) | (1n << 8n) | (3n << 11n) | (3n << 13n) |
  (1n << 17n) | (1n << 18n) | (1n << 19n) | (1n << 20n) | (1n << 21n) | (1n << 22n);
const XL64 = (2n << 32n) | (2n << 34n); // UXL = SXL = 2 (64-bit), read-only here
const SD = 1n << 63n; // reads 1 when FS is Dirty (3)
// sstatus shows SIE, SPIE, UBE, SPP, VS, FS, XS, SUM, MXR, UXL, SD (fig. 10.2).
const SSTATUS_RW = (1n << 1n) | (1n << 5n) | (1n << 8n) | (3n << 13n) | (1n << 18n) | (1n << 19n);
// mip/mie bits (fig. 3.14): SSI 1, MSI 3, STI 5, MTI 7, SEI 9, MEI 11.
const ALL_INTERRUPTS = 0xaaan, S_INTERRUPTS = 0x222n;
// misa: MXL = 2 in bits 63:62; extensions A 0, C 2, D 3, F 5, I 8, M 12, S 18, U 20.
const MISA = (2n << 62n) | (1n << 0n) | (1n << 2n) | (1n << 3n) | (1n << 5n) | (1n << 8n) | (1n << 12n) | (1n << 18n) | (1n << 20n);

test('mstatus: the writable fields (FS among them) take writes; UXL and SXL read 2; SD follows FS; VS, XS and the endianness bits read 0', () => {
  const { r, traps } = run('csr-mstatus', `    li a0, -1
    csrw mstatus, a0
    csrr a1, mstatus
    sd a1, 0(s11)
    csrw mstatus, zero
    csrr a1, mstatus
    sd a1, 8(s11)
    li a0, 0x1000           # MPP = 2 is reserved: WARL, the value read is a legal one
    csrw mstatus, a0
    csrr a1, mstatus
    sd a1, 16(s11)
    li a0, 0x800
    csrs mstatus, a0
    csrr a1, mstatus
    sd a1, 24(s11)
    csrrci a1, mstatus, 0   # reads without writing
    sd a1, 32(s11)`, 5);
  assert.deepEqual(traps, []);
  assert.equal(u(r[0]), MSTATUS_RW | XL64 | SD, 'all-ones written');
  assert.equal(u(r[1]), XL64, 'zero written');
  assert.notEqual((u(r[2]) >> 11n) & 3n, 2n, 'MPP must not read back the reserved value 2');
  assert.equal((u(r[3]) >> 11n) & 3n, ((u(r[2]) >> 11n) & 3n) | 1n, 'csrs sets MPP bit 11');
  assert.equal(r[4], r[3]);
});

test('sstatus is a restricted view of mstatus', () => {
  const { r, traps } = run('csr-sstatus', `    csrw mstatus, zero
    li a0, -1
    csrw sstatus, a0
    csrr a1, sstatus
    sd a1, 0(s11)
    csrr a1, mstatus
    sd a1, 8(s11)
    li a0, (1 << 3) | (1 << 7) | (3 << 11)
    csrs mstatus, a0        # M-only fields do not show in sstatus
    csrr a1, sstatus
    sd a1, 16(s11)`, 3);
  assert.deepEqual(traps, []);
  assert.equal(u(r[0]), SSTATUS_RW | (2n << 32n) | SD);
  assert.equal(u(r[1]), SSTATUS_RW | XL64 | SD);
  assert.equal(u(r[2]), SSTATUS_RW | (2n << 32n) | SD);
});

test('misa names RV64 with A, C, D, F, I, M, S and U, and ignores writes', () => {
  const { r, traps } = run('csr-misa', `    csrr a1, misa
    sd a1, 0(s11)
    csrw misa, zero
    csrr a1, misa
    sd a1, 8(s11)`, 2);
  assert.deepEqual(traps, []);
  assert.equal(u(r[0]), MISA);
  assert.equal(u(r[1]), MISA);
});

test('mie, mip, mideleg, medeleg and mcounteren hold only their defined bits', () => {
  const csrs = ['mie', 'mip', 'mideleg', 'medeleg', 'mcounteren', 'mcountinhibit', 'sie', 'sip', 'scounteren'];
  const { r, traps } = run('csr-masks', `    li a0, -1
    csrw mideleg, zero
${csrs.map((c, i) => `    csrw ${c}, a0\n    csrr a1, ${c}\n    sd a1, ${8 * i}(s11)\n    csrw ${c}, zero${c === 'mideleg' ? '' : ''}`).join('\n')}
    li a0, -1
    csrw mideleg, a0
    csrw sie, a0
    csrr a1, mie
    sd a1, ${8 * csrs.length}(s11)
    csrw mie, zero
    csrw mideleg, zero`, csrs.length + 1);
  assert.deepEqual(traps, []);
  const want: Record<string, bigint> = {
    mie: ALL_INTERRUPTS,
    mip: S_INTERRUPTS,                     // SSIP, STIP, SEIP are writable in M-mode; MSIP, MTIP, MEIP come from devices
    mideleg: S_INTERRUPTS,                 // only S-level interrupts can be delegated
    medeleg: 0xb3ffn,                      // causes 0-9, 12, 13, 15; not 11 (ecall from M, read-only zero), 10 and 14 reserved
    mcounteren: 0xffffffffn,               // a 32-bit register
    mcountinhibit: 0xfffffffdn,            // 32 bits; bit 1 (time) is read-only zero
    sie: 0n, sip: 0n,                      // nothing delegated: sie and sip show nothing
    scounteren: 0xffffffffn,
  };
  csrs.forEach((c, i) => assert.equal(u(r[i]), want[c], c));
  assert.equal(u(r[csrs.length]), S_INTERRUPTS, 'sie writes the delegated bits of mie');
});

test('mtvec keeps direct and vectored modes and a 4-byte aligned base; mepc bit 0 is zero; mcause, mtval, mscratch hold any value', () => {
  const { r, traps } = run('csr-vectors', `    csrr s2, mtvec
    li a0, 0x80001000
    csrw mtvec, a0
    csrr a1, mtvec
    sd a1, 0(s11)
    li a0, 0x80001101
    csrw mtvec, a0
    csrr a1, mtvec
    sd a1, 8(s11)
    li a0, 0x80002002       # mode 2 is reserved
    csrw mtvec, a0
    csrr a1, mtvec
    sd a1, 16(s11)
    csrw mtvec, s2
    li a0, -1
    csrw mepc, a0
    csrr a1, mepc
    sd a1, 24(s11)
    li a0, 0x80000003
    csrw mepc, a0
    csrr a1, mepc
    sd a1, 32(s11)
    li a0, 0x8000000000000007
    csrw mcause, a0
    csrr a1, mcause
    sd a1, 40(s11)
    li a0, 0x123456789abcdef1
    csrw mtval, a0
    csrr a1, mtval
    sd a1, 48(s11)
    csrrw a1, mscratch, a0   # swap
    csrrw a2, mscratch, a1
    sd a2, 56(s11)`, 8);
  assert.deepEqual(traps, []);
  assert.equal(u(r[0]), 0x80001000n);
  assert.equal(u(r[1]), 0x80001101n);
  assert.ok((u(r[2]) & 3n) < 2n, `mtvec mode ${u(r[2]) & 3n} is reserved`);
  assert.equal(u(r[3]), u(-2n), 'mepc[0] is zero (IALIGN 16)');
  assert.equal(u(r[4]), 0x80000002n);
  assert.equal(u(r[5]), 0x8000000000000007n);
  assert.equal(u(r[6]), 0x123456789abcdef1n);
  assert.equal(u(r[7]), 0x123456789abcdef1n);
});

test('read-only CSRs: reads work, any write is an illegal instruction with the instruction in mtval', () => {
  const { r, traps } = run('csr-readonly', `    csrr a1, mhartid
    sd a1, 0(s11)
    csrr a1, mvendorid
    sd a1, 8(s11)
    csrrs a1, marchid, zero
    csrrc a1, mimpid, zero
    csrrsi a1, mconfigptr, 0
    csrrci a1, mhartid, 0
w0: csrw mhartid, zero
w1: csrrs a1, mvendorid, a0      # rs1 is not x0: a write, even of zero
w2: csrrc a1, marchid, t1
w3: csrrsi a1, mimpid, 1
w4: csrrwi zero, mhartid, 0
w5: csrrw zero, cycle, a0
w6: csrrs a1, instret, t1`, 2);
  assert.equal(r[0], 0n, 'the only hart is hart 0');
  const words = traps.map(([c, tval]) => [c, tval]);
  assert.equal(words.length, 7, `traps: ${JSON.stringify(words.map(([c, t]) => [c.toString(), t.toString(16)]))}`);
  assert.ok(words.every(([c]) => c === 2n), 'all are illegal instructions');
  // mtval holds each instruction: csrrw x0, mhartid, x0 is 0xf1401073, and so on.
  assert.deepEqual(words.map(([, t]) => t), [0xf1401073n, 0xf11525f3n, 0xf12335f3n, 0xf130e5f3n, 0xf1405073n, 0xc0051073n, 0xc02325f3n]);
});

test('CSRs that do not exist here are illegal instructions', () => {
  const missing: [number, string][] = [
    [0x001, 'fflags (no F)'], [0x003, 'fcsr'], [0x015, 'seed (no Zkr)'], [0x008, 'vstart (no V)'], [0x310, 'mstatush (RV32 only)'],
    [0x3a1, 'pmpcfg1 (RV32 only)'], [0xc80, 'cycleh (RV32 only)'], [0x600, 'hstatus (no H)'], [0x7b0, 'dcsr (debug mode only)'],
    [0x7c0, 'a custom CSR'], [0x5c0, 'a custom S-level CSR'], [0xfff, 'nothing'],
  ];
  const { traps } = run('csr-missing', missing.map(([n]) => `    csrr a1, 0x${n.toString(16)}`).join('\n'), 0);
  assert.deepEqual(traps.map(([c, t]) => [Number(c), Number(t)]), missing.map(([n]) => [2, ((n << 20) | (11 << 7) | (2 << 12) | 0x73) >>> 0]),
    missing.map(([, d]) => d).join(', '));
});

test('minstret counts retired instructions; mcycle and minstret take writes', () => {
  const { r, traps } = run('csr-counters', `    csrr a1, minstret
    csrr a2, minstret
    sub a3, a2, a1
    sd a3, 0(s11)
    csrr a1, instret
    nop
    nop
    csrr a2, instret
    sub a3, a2, a1
    sd a3, 8(s11)
    li a0, 1000
    csrw minstret, a0
    csrr a1, minstret
    sd a1, 16(s11)
    csrr a1, cycle
    csrr a2, mcycle
    sltu a3, a2, a1
    sd a3, 24(s11)`, 4);
  assert.deepEqual(traps, []);
  assert.equal(r[0], 1n, 'one instruction between two reads');
  assert.equal(r[1], 3n);
  assert.ok(r[2] === 1000n || r[2] === 1001n, `minstret after writing 1000: ${r[2]}`);
  assert.equal(r[3], 0n, 'mcycle does not run backwards');
});

test('S-level CSRs are accessible in M-mode and hold their values', () => {
  const csrs = ['sscratch', 'sepc', 'scause', 'stval', 'stvec', 'satp'];
  const { r, traps } = run('csr-s', `    li a0, 0x8000000000000004
${csrs.map((c, i) => `    csrw ${c}, a0\n    csrr a1, ${c}\n    sd a1, ${8 * i}(s11)\n    csrw ${c}, zero`).join('\n')}`, csrs.length);
  assert.deepEqual(traps, []);
  // satp with MODE 8 (Sv39) and PPN 4 is legal; the rest hold the value as written.
  csrs.forEach((c, i) => assert.equal(u(r[i]), 0x8000000000000004n, c));
});
