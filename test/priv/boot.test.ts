// Booting an S-mode kernel as QEMU does: the same kernel output under QEMU's OpenSBI, under
// Chronos's built-in SBI, and under Debian's OpenSBI running on Chronos; runs that repeat
// exactly; and snapshots that restore exactly.
import { test, before } from 'node:test';
import { PC_SLOT } from '../../src/emulator/jit/codegen.js';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Machine, type Bios } from '../../src/emulator/machine.js';
import { GCC, QEMU, requireTools } from '../support/toolchain.js';

const OPENSBI = '/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin';
const OUT = join('test', 'programs', 'build');
const ELF = join(OUT, 'skernel.elf');
const FLOAT_ELF = join(OUT, 'float-snapshot.elf');
const MARKER = '== chronos test kernel ==';
requireTools(GCC, QEMU, OPENSBI);

before(() => {
  mkdirSync(OUT, { recursive: true });
  execFileSync(GCC, ['-march=rv64imac_zicsr_zifencei', '-mabi=lp64', '-mcmodel=medany', '-O2', '-g', '-ffreestanding', '-nostdlib', '-static',
    '-Wl,--no-warn-rwx-segments', '-T', 'test/programs/skernel/link.ld', 'test/programs/skernel/entry.S', 'test/programs/skernel/kernel.c', '-o', ELF]);
  execFileSync(GCC, ['-march=rv64gc', '-mabi=lp64d', '-mcmodel=medany', '-O2', '-ffreestanding', '-fno-math-errno', '-nostdlib', '-static',
    '-fno-tree-loop-distribute-patterns', '-Wl,--no-warn-rwx-segments', '-T', 'test/programs/link.ld', 'test/programs/crt0.S',
    'test/programs/float.c', 'test/programs/libc.c', '-lgcc', '-o', FLOAT_ELF]);
});

function boot(bios: Bios, budget = 200_000_000): { output: string; status: number | string; instret: number; machine: Machine } {
  const m = new Machine({ bios });
  m.loadElf(readFileSync(ELF));
  m.boot();
  let output = '';
  m.onUartOutput.event((b) => { output += String.fromCharCode(b); });
  const r = m.run(budget);
  return { output, status: r.kind === 'exit' ? r.status : r.kind, instret: m.instret, machine: m };
}

/** The kernel's own lines: everything from its first line on (firmware banners differ). */
const kernelPart = (s: string): string => s.slice(s.indexOf(MARKER)).replace(/\r/g, '');

const EXPECTED = [
  MARKER, 'hart 0000000000000000', 'fdt magic 00000000d00dfeed', 'sbi v1.0 or later time probe 0000000000000001',
  'console write works', 'fpu on: sstatus.FS 0000000000000003 fmv round trip 3ff8000000000000', 'timer interrupt taken', 'paging on, read-only page holds 0000000000000000',
  'store fault: scause 000000000000000f stval 0000000040000000', 'bye', '',
].join('\n');

test('the built-in SBI boots the kernel in S-mode and serves its calls', () => {
  const r = boot('builtin');
  assert.equal(r.output, EXPECTED);
  assert.equal(r.status, 0);
});

test('QEMU with its OpenSBI prints the same kernel output', () => {
  const q = spawnSync(QEMU, ['-machine', 'virt', '-nographic', '-bios', 'default', '-kernel', ELF], { timeout: 30_000, encoding: 'latin1' });
  assert.equal(q.status, 0);
  assert.equal(kernelPart(q.stdout), EXPECTED);
});

test('Debian\'s OpenSBI boots on Chronos and hands over to the kernel', () => {
  const r = boot(readFileSync(OPENSBI));
  assert.match(r.output, /OpenSBI v\d+\.\d+/);
  assert.match(r.output, /Domain0 Next Address\s+: 0x0000000080200000/);
  assert.equal(kernelPart(r.output), EXPECTED);
  assert.equal(r.status, 0);
});

test('two runs of the same kernel are identical, instruction for instruction', () => {
  const a = boot('builtin'), b = boot('builtin');
  assert.equal(a.instret, b.instret);
  assert.equal(a.output, b.output);
  if (existsSync(OPENSBI)) {
    const c = boot(readFileSync(OPENSBI)), d = boot(readFileSync(OPENSBI));
    assert.equal(c.instret, d.instret);
    assert.equal(c.output, d.output);
  }
});

test('a snapshot restores the whole machine: the run after it repeats exactly', () => {
  const m = new Machine({ bios: 'builtin' });
  m.loadElf(readFileSync(ELF));
  m.boot();
  let out = '';
  m.onUartOutput.event((b) => { out += String.fromCharCode(b); });
  m.run(300); // part way through the kernel's start
  const snap = m.snapshot();
  const before = out;
  const first = m.run(200_000_000);
  const firstOut = out.slice(before.length), firstCount = m.instret, firstRegs = m.hart.x.slice(0, PC_SLOT + 1);
  m.restore(snap);
  out = before;
  const second = m.run(200_000_000);
  assert.deepEqual(second, first);
  assert.equal(out.slice(before.length), firstOut);
  assert.equal(m.instret, firstCount);
  assert.deepEqual(m.hart.x.slice(0, PC_SLOT + 1), firstRegs);
  assert.ok(firstOut.includes('bye'), firstOut);
});

test('a snapshot holds the FP registers, fcsr and mstatus.FS: a floating-point program repeats exactly after a restore', () => {
  const m = new Machine({ bios: 'none' });
  m.bootBare(m.loadElf(readFileSync(FLOAT_ELF)).entry);
  let out = '';
  m.onUartOutput.event((b) => { out += String.fromCharCode(b); });
  m.run(40_000); // into the program, FP state in use
  const fp = m.hart.fpu;
  assert.notEqual(m.hart.csr.mstatus & 0x6000n, 0n, 'the FPU is on');
  const snap = m.snapshot();
  const before = out, fregs = fp.fx.slice(), fcsr = fp.fcsr, mstatus = m.hart.csr.read(0x300);
  const first = m.run(100_000_000);
  const firstOut = out.slice(before.length), end = { x: m.hart.x.slice(0, PC_SLOT + 1), f: fp.fx.slice(), fcsr: fp.fcsr, instret: m.instret };
  // Scribble over the FP state, then restore: everything comes back, the rest of the run too.
  fp.fx.fill(-1n); fp.flags = 0x1f; fp.frm = 7; m.hart.csr.mstatus &= ~0x6000n; m.hart.csr.syncFs();
  m.restore(snap);
  assert.deepEqual(fp.fx.slice(), fregs);
  assert.equal(fp.fcsr, fcsr);
  assert.equal(m.hart.csr.read(0x300), mstatus);
  assert.equal(fp.fs, Number((mstatus! >> 13n) & 3n), 'the FPU sees mstatus.FS again');
  out = before;
  const second = m.run(100_000_000);
  assert.deepEqual(second, first);
  assert.equal(out.slice(before.length), firstOut);
  assert.deepEqual({ x: m.hart.x.slice(0, PC_SLOT + 1), f: fp.fx.slice(), fcsr: fp.fcsr, instret: m.instret }, end);
  assert.equal(first.kind, 'exit');
  assert.ok(firstOut.includes('final flags'), firstOut);
});
