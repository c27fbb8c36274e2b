// Debian's gdb-multiarch on Chronos OS, as xv6's `make qemu-gdb` users work: target remote,
// break rust_main, continue, bt, info registers (with $satp), x/4i $pc, stepi, p $sp, x/4gx,
// the floating-point registers (gdb takes the kernel, built for the double-float ABI, as its
// executable only from a target that has them, as ours does), a watchpoint on a static the kernel writes (the frame
// allocator's statistics), and the monitor commands that read page tables, frames and heap
// through the views' inspectors.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseElf } from '../../src/emulator/loader/elf.js';
import { runGdb } from './gdb.js';
import { buildPrograms, KERNEL, type Programs } from './programs.js';

let p: Programs;
before(() => { p = buildPrograms({ kernel: true }); });

const kernelSymbol = (name: string): bigint => parseElf(readFileSync(KERNEL)).symbols.find((s) => s.name === name)!.value;

test('break rust_main, continue, bt, registers with $satp, x/4i $pc, stepi, $sp and memory', async () => {
  const r = await runGdb(p.dir, KERNEL, [], [
    'break rust_main', 'continue', 'bt',
    'info registers', 'info registers satp sstatus scause', 'p $priv',
    'echo PC-BEFORE\\n', 'p/x $pc', 'x/4i $pc', 'stepi', 'echo PC-AFTER\\n', 'p/x $pc',
    'p $sp', 'x/4gx $sp', 'kill',
  ]);
  const t = r.transcript;
  assert.match(t, /Breakpoint 1 at 0x[0-9a-f]+: file src\/main\.rs, line \d+\./, t);
  assert.match(t, /Breakpoint 1, chronos_kernel::rust_main \(hart_id=0, fdt_addr=\d+\) at src\/main\.rs:\d+/);
  assert.match(t, /#0  chronos_kernel::rust_main \(hart_id=0/);
  // info registers: the integer file and pc, by gdb's names.
  for (const reg of ['ra', 'sp', 'gp', 'tp', 't0', 'fp', 's1', 'a0', 'a7', 's11', 't6', 'pc']) assert.match(t, new RegExp(`^${reg} +0x[0-9a-f]+`, 'm'), reg);
  // Paging is not on yet at rust_main; sstatus and scause read as the hart holds them.
  assert.match(t, /^satp +0x0\t0$/m);
  assert.match(t, /^sstatus +0x[0-9a-f]+/m);
  assert.match(t, /^scause +0x0\t0$/m);
  assert.match(t, /\$\d+ = 1\n/, 'S-mode');
  const before = BigInt(/PC-BEFORE\n\$\d+ = (0x[0-9a-f]+)/.exec(t)![1]);
  const after = BigInt(/PC-AFTER\n\$\d+ = (0x[0-9a-f]+)/.exec(t)![1]);
  assert.ok(after === before + 2n || after === before + 4n, `stepi moved pc from ${before} to ${after}`);
  assert.equal((t.match(/^(?:=> |   )0x[0-9a-f]+ <chronos_kernel::rust_main\+\d+>:\t\S+/gm) ?? []).length, 4, 'x/4i $pc');
  assert.match(t, /\$\d+ = \(\*mut \(\)\) 0x8[0-9a-f]{7}\n/, 'p $sp');
  assert.match(t, /0x8[0-9a-f]{7}:\t0x[0-9a-f]{16}\t0x[0-9a-f]{16}\n0x8[0-9a-f]{7}:\t0x[0-9a-f]{16}\t0x[0-9a-f]{16}\n/, 'x/4gx $sp');
  assert.match(t, /\[Inferior 1 \(Remote target\) killed\]/);
  assert.equal(r.chronosStatus, 0);
  assert.doesNotMatch(t, /Remote failure|Protocol error|internal-error/);
});

test('Chronos OS, built for the double-float ABI, is gdb\'s executable as it is; its FP registers read and write', async () => {
  const r = await runGdb(p.dir, KERNEL, [], [
    'info files', 'break rust_main', 'continue', 'info registers float', 'set var $fs1.double = -2.5', 'p $fs1',
    'set $frm = 1', 'p/x $fcsr', 'info registers mstatus', 'kill',
  ]);
  const t = r.transcript;
  // No symbol-file step: gdb takes the ELF (EF_RISCV_FLOAT_ABI_DOUBLE) because the target has FLEN 64.
  assert.match(t, /Symbols from ".*chronos-kernel"\./, t);
  assert.doesNotMatch(t, /bfd requires flen|Remote failure|Protocol error|internal-error/);
  assert.match(t, /Breakpoint 1, chronos_kernel::rust_main \(/);
  // The kernel's language is Rust, so gdb prints the union as Rust does.
  assert.equal([...t.matchAll(/^f[tsa]\d+ +riscv_double \{float: [^,]+, double: [^}]+\}\t\(raw 0x[0-9a-f]{16}\)$/gm)].length, 32, t);
  assert.match(t, /\$1 = riscv_double \{float: 0, double: -2\.5\}\n\$2 = 0x20\n/, 'fs1 holds -2.5; frm 1 (RTZ) is fcsr 0x20');
  // The built-in SBI starts the kernel with the FPU on (FS not Off); gdb's writes leave it Dirty.
  assert.match(t, /^mstatus +0x[0-9a-f]+\t.* FS:3 /m);
  assert.equal(r.chronosStatus, 0);
});

test('a watchpoint on FRAME_STATS stops at the kernel\'s first write, in the frame allocator', async () => {
  const stats = kernelSymbol('FRAME_STATS');
  const r = await runGdb(p.dir, KERNEL, [], [
    'break rust_main', 'continue', 'set language c', 'watch *(unsigned long long *)&FRAME_STATS', 'continue', 'bt 3',
    'x/4gx &FRAME_STATS', 'monitor frames', 'kill',
  ]);
  const t = r.transcript;
  assert.match(t, /Hardware watchpoint 2: \*\(unsigned long long \*\)&FRAME_STATS/);
  const m = /Old value = 0\nNew value = (\d+)\n/.exec(t);
  assert.ok(m, t);
  const total = Number(m[1]);
  assert.ok(total > 1000, `frames managed: ${total}`);
  // The write comes from the frame allocator's init, which gdb's backtrace names.
  assert.match(t, /chronos_kernel::mm::frame_allocator::init/);
  assert.match(t, new RegExp(`0x${stats.toString(16)} <FRAME_STATS>:\\t0x${total.toString(16).padStart(16, '0')}`));
  // The monitor reads the frames through the debug descriptor, which is not ready before init ends.
  assert.match(t, /the frame allocator is not initialised yet/);
  assert.equal(r.chronosStatus, 0);
});

test('monitor pagetables, translate, frames and heap once paging is on', async () => {
  const r = await runGdb(p.dir, KERNEL, [], [
    'break chronos_kernel::boot::run_self_tests', 'continue', 'p/x $satp',
    'monitor pagetables', 'monitor translate rust_main', 'monitor frames', 'monitor heap', 'monitor harts', 'monitor pagetables tree', 'kill',
  ]);
  const t = r.transcript;
  const satp = /\$1 = (0x8[0-9a-f]{15})\n/.exec(t)?.[1];
  assert.ok(satp, `satp in Sv39 mode:\n${t}`);
  assert.match(t, new RegExp(`satp ${satp}: Sv39, root table at 0x[0-9a-f]+, \\d+ mappings\\n`));
  // The kernel's text is mapped read-execute, one to one.
  assert.match(t, /  0x0000000080200000-0x[0-9a-f]{16} -> 0x0000000080200000  VR-X-GAD  \d+ pages\n/);
  const main = kernelSymbol('rust_main');
  assert.match(t, new RegExp(`0x${main.toString(16)} under satp ${satp}:\\n  level 2 entry 2 at 0x[0-9a-f]+: pte 0x[0-9a-f]+ V-------, points to the level-1 table`));
  assert.match(t, new RegExp(`  -> 0x${main.toString(16)} \\(in a 4K page\\)`));
  assert.match(t, /frames: \d+ total, \d+ free, \d+ allocated, peak \d+ \(first frame 0x[0-9a-f]+, \d+ managed, generation \d+\)\nallocated ranges: \d+\n  0x[0-9a-f]+-0x[0-9a-f]+  \d+ frames?\n/);
  assert.match(t, /heap at 0x[0-9a-f]+, \d+ bytes: \d+ used, \d+ free in \d+ blocks? \(largest \d+/);
  assert.match(t, /thread 1: hart 0 \(S-mode\)  pc 0x[0-9a-f]+  satp 0x8/);
  assert.match(t, /  L2\[2\] 0x0000000080000000-0x00000000c0000000 V------- table at 0x[0-9a-f]+\n    L1\[1\] /);
  assert.equal(r.chronosStatus, 0);
});
