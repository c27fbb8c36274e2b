// F and D against the privileged and unprivileged specifications, on Chronos alone (QEMU is
// the oracle of test/diff/float.test.ts): mstatus.FS Off makes every F/D instruction and FP
// CSR illegal, with the instruction in mtval; FS becomes Dirty (SD set, in sstatus too) when an
// FP register or FP CSR is written, and stays as it was for stores, compares, classification,
// fmv.x.* and conversions to integers (as on QEMU 7.2); reserved rounding modes are illegal,
// statically and in frm, but only for instructions that round; fcsr is frm and fflags; singles
// are NaN-boxed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runLogged } from './support.js';
import { GCC, requireTools } from '../support/toolchain.js';

requireTools(GCC);
const u = (v: bigint): bigint => BigInt.asUintN(64, v);
const FS_MASK = 3n << 13n, SD = 1n << 63n;
const FS = { off: 0n, initial: 1n << 13n, clean: 2n << 13n, dirty: 3n << 13n };

/** Instructions of every F/D kind, with their encodings as mtval reports them. */
const FP_INSNS: [string, number][] = [
  ['fadd.s fa0, fa1, fa2', 0x00c5f553], ['fmadd.d fa0, fa1, fa2, fa3', 0x6ac5f543], ['fsqrt.d fa0, fa1', 0x5a05f553],
  ['fsgnj.d fa0, fa1, fa2', 0x22c58553], ['fmin.s fa0, fa1, fa2', 0x28c58553], ['feq.d a0, fa1, fa2', 0xa2c5a553],
  ['fclass.s a0, fa1', 0xe0059553], ['fcvt.w.d a0, fa1, rtz', 0xc2059553], ['fcvt.s.l fa0, a1', 0xd025f553],
  ['fcvt.d.s fa0, fa1', 0x42058553], ['fmv.x.w a0, fa1', 0xe0058553], ['fmv.d.x fa0, a1', 0xf2058553],
  ['flw fa0, 0(s11)', 0x000da507], ['fld fa0, 8(s11)', 0x008db507], ['fsw fa0, 0(s11)', 0x00ada027], ['fsd fa0, 8(s11)', 0x00adb427],
];
const FP_CSRS: [string, number][] = [['csrr a0, fflags', 0x00102573], ['csrr a0, frm', 0x00202573], ['csrr a0, fcsr', 0x00302573],
  ['csrw fcsr, zero', 0x00301073], ['csrwi frm, 1', 0x0020d073], ['csrs fflags, a1', 0x0015a073]];
const FP_HALVES: [string, number][] = [['c.fld fa0, 8(s1)', 0x2488], ['c.fsd fa0, 8(s1)', 0xa488], ['c.fldsp fa0, 8(sp)', 0x2522], ['c.fsdsp fa0, 8(sp)', 0xa42a]];

test('with mstatus.FS Off (as at reset) every F/D instruction and FP CSR is illegal, the instruction in mtval', () => {
  const all = [...FP_INSNS, ...FP_CSRS];
  const body = [
    '    la s1, scratch', '    mv sp, s1',
    ...all.map(([t]) => `    ${t}`),
    '    .option push', '    .option rvc', ...FP_HALVES.map(([t]) => `    ${t}`), '    .option pop',
    '    csrr a0, mstatus', '    sd a0, 0(s11)'].join('\n');
  const { r, traps } = runLogged('fs-off', body, 1);
  assert.equal(u(r[0]) & FS_MASK, FS.off, 'FS is Off after reset');
  assert.deepEqual(traps.map((t) => [t.cause, t.tval]), [...all, ...FP_HALVES].map(([, w]) => [2n, BigInt(w)]));
});

test('FS becomes Dirty, SD 1 in mstatus and sstatus, when an FP register or FP CSR is written; not otherwise', () => {
  // Each probe: FS = Clean, the instruction, then mstatus and sstatus.
  const probes: [string, boolean][] = [
    ['fadd.d fa0, fa1, fa2', true], ['fld fa0, 8(s11)', true], ['fmv.w.x fa0, a1', true], ['fsgnj.s fa0, fa1, fa1', true],
    ['fcvt.d.w fa0, a1', true], ['csrw fflags, zero', true], ['csrwi frm, 0', true], ['csrrw a0, fcsr, a0', true],
    ['fsd fa0, 16(s11)', false], ['feq.d a0, fa1, fa1', false], ['fclass.d a0, fa1', false], ['fmv.x.d a0, fa1', false],
    ['fcvt.w.d a0, fa1', false], ['csrr a0, fflags', false], ['csrrs a0, fcsr, zero', false],
  ];
  const body = probes.map(([t], i) => `    li t0, 0x6000\n    csrc mstatus, t0\n    li t0, 0x4000\n    csrs mstatus, t0\n    ${t}
    csrr a2, mstatus\n    sd a2, ${16 * i + 32}(s11)\n    csrr a2, sstatus\n    sd a2, ${16 * i + 40}(s11)`).join('\n');
  const { r, traps } = runLogged('fs-dirty', `    li t0, 0x2000\n    csrs mstatus, t0\n    li a1, 0x3ff00000\n    fmv.w.x fa1, a1\n${body}`, 4 + 2 * probes.length);
  assert.deepEqual(traps, []);
  probes.forEach(([t, dirties], i) => {
    const m = u(r[4 + 2 * i]), s = u(r[5 + 2 * i]);
    assert.equal(m & FS_MASK, dirties ? FS.dirty : FS.clean, `mstatus.FS after ${t}`);
    assert.equal(m & SD, dirties ? SD : 0n, `mstatus.SD after ${t}`);
    assert.equal(s & (FS_MASK | SD), m & (FS_MASK | SD), `sstatus shows FS and SD after ${t}`);
  });
});

test('FS Initial and Clean are written and read back; FP instructions work in both', () => {
  const { r, traps } = runLogged('fs-states', `    li t0, 0x2000
    csrs mstatus, t0
    csrr a0, mstatus
    sd a0, 0(s11)
    la t1, scratch
    fsd fa0, 0(t1)           # a store: Initial stays Initial
    csrr a0, mstatus
    sd a0, 8(s11)
    li t0, 0x6000
    csrc mstatus, t0
    li t0, 0x4000
    csrs mstatus, t0
    csrr a0, sstatus
    sd a0, 16(s11)
    li t0, 0x6000
    csrs sstatus, t0         # FS is writable through sstatus
    csrr a0, mstatus
    sd a0, 24(s11)`, 4);
  assert.deepEqual(traps, []);
  assert.equal(u(r[0]) & FS_MASK, FS.initial);
  assert.equal(u(r[1]) & FS_MASK, FS.initial);
  assert.equal(u(r[2]) & (FS_MASK | SD), FS.clean);
  assert.equal(u(r[3]) & (FS_MASK | SD), FS.dirty | SD);
});

test('reserved rounding modes: 5 and 6 in rm, and 5-7 in frm for dynamic rounding, are illegal; only for instructions that round', () => {
  const STATIC_RESERVED = [0x02c5d553, 0x02c5e553, 0x4205d553, 0xd025e553, 0x6ac5d543]; // fadd.d, fcvt.d.s, fcvt.s.l, fmadd.d with rm 5 or 6
  // (GNU as writes fcvt.d.w and fcvt.d.s with rm = 0, not dyn: they are not among these.)
  const dyn = ['fadd.d fa0, fa1, fa2', 'fcvt.w.d a0, fa1', 'fcvt.s.w fa0, a1', 'fmadd.s fa0, fa1, fa2, fa3', 'fsqrt.s fa0, fa1'];
  const noRounding = ['fsgnj.d fa0, fa1, fa2', 'fmin.d fa0, fa1, fa2', 'feq.s a0, fa1, fa2', 'fclass.d a0, fa1', 'fmv.x.w a0, fa1', 'fld fa0, 8(s11)'];
  const body = `    li t0, 0x2000
    csrs mstatus, t0
${STATIC_RESERVED.map((w) => `    .word 0x${w.toString(16)}`).join('\n')}
${[5, 6, 7].map((frm) => `    csrwi frm, ${frm}\n${dyn.map((t) => `    ${t}`).join('\n')}\n${noRounding.map((t) => `    ${t}`).join('\n')}
    fadd.d fa0, fa1, fa2, rtz`).join('\n')}
    csrwi frm, 0
${dyn.map((t) => `    ${t}`).join('\n')}`;
  const { traps } = runLogged('reserved-rm', body, 1);
  const illegal = traps.filter((t) => t.cause === 2n).length;
  assert.equal(traps.length, illegal, 'only illegal-instruction traps');
  assert.equal(illegal, STATIC_RESERVED.length + 3 * dyn.length);
  for (let i = 0; i < STATIC_RESERVED.length; i++) assert.equal(traps[i].tval, BigInt(STATIC_RESERVED[i]));
});

test('fcsr is frm (bits 7:5) and fflags (bits 4:0); frm keeps any 3-bit value', () => {
  const { r, traps } = runLogged('fcsr', `    li t0, 0x2000
    csrs mstatus, t0
    li a0, -1
    csrw fcsr, a0
    frcsr a1
    sd a1, 0(s11)
    frrm a1
    sd a1, 8(s11)
    frflags a1
    sd a1, 16(s11)
    fsflagsi 0x15
    fsrmi 3
    frcsr a1
    sd a1, 24(s11)
    li a0, 0x20
    csrw frm, a0             # only 3 bits
    frrm a1
    sd a1, 32(s11)`, 5);
  assert.deepEqual(traps, []);
  assert.deepEqual(r, [0xffn, 7n, 0x1fn, 0x75n, 0n]);
});

test('accrued flags: each operation ORs its exceptions into fflags', () => {
  const { r, traps } = runLogged('fflags', `    li t0, 0x2000
    csrs mstatus, t0
    li a0, 1
    fcvt.d.w fa1, a0
    fcvt.d.w fa2, zero
    fsflags zero
    fdiv.d fa0, fa1, fa2       # 1/0: DZ
    frflags a1
    sd a1, 0(s11)
    fdiv.d fa0, fa2, fa2       # 0/0: NV, and DZ stays
    frflags a1
    sd a1, 8(s11)
    fsflags zero
    li a0, 3
    fcvt.d.w fa3, a0
    fdiv.d fa0, fa1, fa3       # 1/3: NX
    frflags a1
    sd a1, 16(s11)
    fsflags zero
    li a0, 0x7fefffffffffffff
    fmv.d.x fa4, a0
    fadd.d fa0, fa4, fa4       # overflow: OF and NX
    frflags a1
    sd a1, 24(s11)
    fsflags zero
    li a0, 0x0010000000000001  # just above the smallest normal, divided by 2: UF and NX
    fmv.d.x fa4, a0
    li a0, 2
    fcvt.d.w fa5, a0
    fdiv.d fa0, fa4, fa5
    frflags a1
    sd a1, 32(s11)`, 5);
  assert.deepEqual(traps, []);
  assert.deepEqual(r, [8n, 0x18n, 1n, 5n, 3n]);
});

test('NaN-boxing: loads and fmv.w.x box, fsw and fmv.x.w take the low half as it is, an unboxed operand reads as the canonical NaN', () => {
  const { r, traps } = runLogged('nanbox', `    li t0, 0x2000
    csrs mstatus, t0
    li a0, 0x12345678bf800000     # the low half is -1.0f, the high half no box
    sd a0, 48(s11)
    flw fa0, 48(s11)
    fmv.x.d a1, fa0
    sd a1, 0(s11)
    fmv.d.x fa1, a0               # unboxed
    fsw fa1, 56(s11)
    lwu a1, 56(s11)
    sd a1, 8(s11)
    fmv.x.w a1, fa1               # sign-extended low half
    sd a1, 16(s11)
    fadd.s fa2, fa1, fa0          # NaN + -1: the canonical NaN, boxed
    fmv.x.d a1, fa2
    sd a1, 24(s11)
    fsgnjn.s fa3, fa1, fa1        # fneg of an unboxed value: -canonical NaN
    fmv.x.d a1, fa3
    sd a1, 32(s11)
    fclass.s a1, fa1              # an unboxed value classifies as a quiet NaN
    sd a1, 40(s11)`, 6);
  assert.deepEqual(traps, []);
  assert.deepEqual(r.map(u), [0xffffffffbf800000n, 0xbf800000n, 0xffffffffbf800000n, 0xffffffff7fc00000n, 0xffffffffffc00000n, 0x200n]);
});
