// Chronos OS built from source: its kernel self-tests (ktest) and its user-mode tests (utest,
// run by init) pass under QEMU (-bios default: OpenSBI), under Chronos with the built-in SBI,
// and under Debian's OpenSBI on Chronos, with the same [PASS] lines on all three; the RAM size
// comes from the device tree; the deliberate failures end as they should (a kernel page fault
// and a kernel panic fail the run; a user fault kills only the process; a frame quota makes an
// allocation fail cleanly); the user shell and the kernel's console monitor take commands; the
// ELF carries DWARF and the debug descriptor; and the allocator logic passes its host tests.
// QEMU and OpenSBI are oracles: when they are missing, the tests that need them fail.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { Machine, type Bios } from '../../src/emulator/machine.js';
import { parseElf } from '../../src/emulator/loader/elf.js';
import { QEMU, have } from '../support/toolchain.js';

export const KERNEL = 'kernel/target/riscv64gc-unknown-none-elf/release/chronos-kernel';
const OPENSBI = '/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin';
/** The whole boot with utest takes about 50 million instructions; this leaves room. */
const BUDGET = 500_000_000;

before(() => {
  execFileSync('bash', ['scripts/build-kernel.sh'], { stdio: ['ignore', 'ignore', 'inherit'] });
});

interface Run { output: string; status: number | string }

function onChronos(bios: Bios, opts: { bootargs?: string; memoryMiB?: number; input?: string; budget?: number } = {}): Run {
  const m = new Machine({ bios, bootargs: opts.bootargs, memoryMiB: opts.memoryMiB });
  m.loadElf(readFileSync(KERNEL));
  m.boot();
  let output = '';
  m.onUartOutput.event((b) => { output += String.fromCharCode(b); });
  // Typed input waits in the UART until the kernel polls the console for a reader.
  if (opts.input) m.uart.receive(Buffer.from(opts.input));
  const r = m.run(opts.budget ?? BUDGET);
  // OpenSBI's console ends lines with CR LF; the kernel's own (the built-in SBI's) with LF.
  return { output: output.replace(/\r\n/g, '\n'), status: r.kind === 'exit' ? r.status : r.kind };
}

function onQemu(bootargs?: string, input?: string): Run {
  assert.ok(have(QEMU), `${QEMU} is not installed: it is the oracle these tests compare with`);
  const args = ['-machine', 'virt', '-nographic', '-bios', 'default', '-kernel', KERNEL];
  if (bootargs) args.push('-append', bootargs);
  const r = spawnSync(QEMU, args, { timeout: 120_000, encoding: 'latin1', input: input ?? '' });
  return { output: r.stdout.replace(/\r\n/g, '\n'), status: r.status ?? String(r.signal) };
}

function opensbi(): Buffer {
  assert.ok(existsSync(OPENSBI), `${OPENSBI} is missing (apt-get install opensbi): it is the firmware these tests boot Chronos OS under`);
  return readFileSync(OPENSBI);
}

/** ktest's and utest's results: each all [PASS], counted right by its summary line. */
function checkBoot(r: Run): { ktest: string[]; utest: string[] } {
  const out = r.output;
  const k = out.indexOf('\nktest: ');
  assert.ok(k >= 0, `no ktest summary:\n${out}`);
  const results = (part: string): string[] => part.split('\n').filter((l) => l.startsWith('[PASS]') || l.startsWith('[FAIL]'));
  const ktest = results(out.slice(0, k)), utest = results(out.slice(k));
  assert.deepEqual([...ktest, ...utest].filter((l) => l.startsWith('[FAIL]')), [], out);
  assert.ok(ktest.length >= 15, `only ${ktest.length} kernel self-tests ran`);
  assert.match(out, new RegExp(`^ktest: ${ktest.length} passed, 0 failed$`, 'm'));
  assert.ok(utest.length >= 15, `only ${utest.length} user-mode tests ran:\n${out}`);
  assert.match(out, new RegExp(`^utest: ${utest.length} passed, 0 failed$`, 'm'));
  assert.match(out, /^\[kernel\] init exited with status 0$/m);
  assert.equal(r.status, 0, out);
  return { ktest, utest };
}

let qemuLines: string[] | undefined;

/** The [PASS] lines of a boot under QEMU (booted once, the first time they are asked for). */
function qemuPassLines(): string[] {
  if (!qemuLines) {
    const r = onQemu();
    assert.match(r.output, /OpenSBI v/);
    const { ktest, utest } = checkBoot(r);
    qemuLines = [...ktest, ...utest];
  }
  return qemuLines;
}

test('ktest and utest pass under QEMU with OpenSBI', () => {
  assert.ok(qemuPassLines().length >= 30);
});

test('ktest and utest pass on Chronos with the built-in SBI, with the same [PASS] lines as on QEMU', () => {
  const { ktest, utest } = checkBoot(onChronos('builtin'));
  assert.deepEqual([...ktest, ...utest], qemuPassLines());
});

test('ktest and utest pass on Chronos under Debian\'s OpenSBI, with the same [PASS] lines', () => {
  const r = onChronos(opensbi());
  assert.match(r.output, /OpenSBI v/);
  const { ktest, utest } = checkBoot(r);
  assert.deepEqual([...ktest, ...utest], qemuPassLines());
});

test('more RAM in the device tree gives more frames', () => {
  // The frame count is printed during ktest: no need to run the whole boot.
  const total = (o: string): number => Number(/frames: total (\d+)/.exec(o)?.[1]);
  const small = total(onChronos('builtin', { memoryMiB: 128, budget: 8_000_000 }).output);
  const big = total(onChronos('builtin', { memoryMiB: 256, budget: 8_000_000 }).output);
  // 128 MiB more RAM is 32768 more 4 KiB frames.
  assert.ok(small > 25_000 && big - small === 128 * 256, `128 MiB: ${small} frames, 256 MiB: ${big}`);
});

test('test=pagefault reports the kernel\'s store page fault and fails the run', () => {
  const r = onChronos('builtin', { bootargs: 'test=pagefault' });
  assert.match(r.output, /unexpected trap: store\/AMO page fault \(scause 0xf\), stval 0x40000000/);
  assert.match(r.output, /backtrace:\n\s+#0 0x[0-9a-f]+/);
  assert.equal(r.status, 3);
});

test('test=panic prints the panic with its location and fails the run', () => {
  const r = onChronos('builtin', { bootargs: 'test=panic' });
  assert.match(r.output, /\[kernel\] panicked at .*src\/main\.rs:\d+:\d+/);
  assert.equal(r.status, 2);
});

/** A user fault: the process is killed with a report, init goes on, the run passes. */
function checkUserFault(r: Run): void {
  assert.match(r.output, /^fault: storing to address 0x0$/m);
  assert.match(r.output, /^\[kernel\] pid (\d+) \(fault\) killed: store\/AMO page fault \(scause 0xf\), stval 0x0, pc 0x4000[0-9a-f]{4}$/m);
  assert.doesNotMatch(r.output, /the store did not fault/);
  assert.match(r.output, /^init: fault \(pid \d+\) was killed for its fault; the kernel goes on$/m);
  assert.match(r.output, /^\[kernel\] init exited with status 0$/m);
  assert.equal(r.status, 0, r.output);
}

test('test=userfault: the faulting process is killed with a report (pid, cause, stval, pc) and the kernel lives on', () => {
  checkUserFault(onChronos('builtin', { bootargs: 'test=userfault' }));
  checkUserFault(onQemu('test=userfault'));
});

/** A quota failure: sbrk answers EDQUOT at the quota, the program goes on and exits 0. */
function checkQuota(r: Run): void {
  const m = /^hog: sbrk refused after (\d+) pages: this process holds (\d+) frames, its quota is (\d+) \(EDQUOT\)$/m.exec(r.output);
  assert.ok(m, r.output);
  assert.ok(Number(m[1]) > 10, 'hog got pages before the quota stopped it');
  assert.ok(Number(m[2]) <= Number(m[3]) && Number(m[3]) === 96, `${m[2]} frames held under a quota of ${m[3]}`);
  assert.match(r.output, /^\[kernel\] pid \d+ \(hog\): brk refused, over its quota of 96 frames$/m);
  assert.match(r.output, /^hog: the \d+ pages it got are intact$/m);
  assert.match(r.output, /^init: hog \(pid \d+\) exited with status 0$/m);
  assert.equal(r.status, 0, r.output);
}

test('test=quota: an allocation over the frame quota fails cleanly, and the program goes on', () => {
  checkQuota(onChronos('builtin', { bootargs: 'test=quota' }));
  checkQuota(onQemu('test=quota'));
});

test('shell: init starts sh, which prompts with "$ ", lists init and sh with ps, runs programs and exits on request', () => {
  const r = onChronos('builtin', { bootargs: 'shell', input: 'ps\recho one two\rnosuch\rexit 0\r' });
  assert.match(r.output, /^ktest: \d+ passed, 0 failed$/m);
  assert.doesNotMatch(r.output, /^utest:/m, 'the shell runs instead of utest');
  assert.match(r.output, /^\$ ps$/m, 'the prompt, with the command echoed');
  assert.match(r.output, /^ {4}1 {5}0 sleeping +\d+ +- init$/m);
  assert.match(r.output, /^ {4}2 {5}1 running +\d+ +- sh$/m);
  assert.match(r.output, /^\$ echo one two\none two$/m);
  assert.match(r.output, /^sh: nosuch: no such program$/m);
  assert.match(r.output, /^init: sh \(pid 2\) exited with status 0$/m);
  assert.equal(r.status, 0, r.output);
});

test('monitor: the kernel\'s console monitor allocates and frees frames and heap blocks, and exits on request', () => {
  const m = new Machine({ bios: 'builtin', bootargs: 'monitor' });
  m.loadElf(readFileSync(KERNEL));
  m.boot();
  let output = '';
  m.onUartOutput.event((b) => { output += String.fromCharCode(b); });
  // The monitor polls the console: typed input waits in the UART until it asks.
  m.uart.receive(Buffer.from('frames\ralloc 2\rframes\rgrow 4096\rheap\rshrink\rheap\rfree 0x1\rbogus\rexit\r'));
  const r = m.run(BUDGET);
  assert.equal(r.kind === 'exit' ? r.status : r.kind, 0, output);
  assert.match(output, /^ktest: \d+ passed, 0 failed$/m);
  assert.doesNotMatch(output, /init is pid/, 'the monitor starts no process');
  const counts = [...output.matchAll(/^frames: total (\d+), free (\d+), allocated (\d+), peak \d+$/gm)].map((x) => Number(x[3]));
  assert.equal(counts.length, 2, output);
  assert.equal(counts[1], counts[0] + 2);
  assert.equal([...output.matchAll(/^allocated frame 0x([0-9a-f]+) at 0x(?:\1)000$/gm)].length, 2);
  const heaps = [...output.matchAll(/^heap: 8388608 bytes, used (\d+), free \d+ in \d+ blocks, largest \d+$/gm)].map((x) => Number(x[1]));
  assert.equal(heaps.length, 2);
  assert.ok(heaps[0] >= 4096, 'the grown block is counted as used');
  assert.match(output, /^heap block of 4096 bytes at 0x[0-9a-f]+$/m);
  assert.match(output, /^freed the heap block at 0x[0-9a-f]+$/m);
  assert.match(output, /^cannot free 0x1: NotOwned$/m);
  assert.match(output, /^unknown command 'bogus'/m);
});

test('the ELF has DWARF, the debug descriptor (revision 2) in its own section, and the user programs inside', () => {
  const elf = parseElf(readFileSync(KERNEL));
  const names = elf.sections.map((s) => s.name);
  for (const s of ['.debug_info', '.debug_line', '.chronos_debug']) assert.ok(names.includes(s), `no ${s}`);
  const sym = elf.symbols.find((s) => s.name === 'CHRONOS_DEBUG');
  assert.ok(sym, 'no CHRONOS_DEBUG symbol');
  assert.equal(elf.sections[sym.shndx].name, '.chronos_debug');
  assert.equal(sym.size, 344);
  const sec = elf.sections[sym.shndx];
  const at = sec.offset + Number(sym.value - sec.addr);
  const d = Buffer.from(elf.bytes.subarray(at, at + 344));
  assert.equal(d.toString('latin1', 0, 8), 'CHRNDBG\0');
  assert.deepEqual([d.readUInt16LE(8), d.readUInt16LE(10), d.readUInt16LE(152)], [1, 344, 2], 'version 1, size 344, revision 2');
  // The embedded programs: each names an ELF inside the kernel image.
  const programs = d.readBigUInt64LE(272), count = d.readUInt32LE(280);
  const image = (addr: bigint, len: number): Buffer => {
    const seg = elf.segments.find((s) => addr >= s.vaddr && addr + BigInt(len) <= s.vaddr + BigInt(s.filesz))!;
    const o = seg.offset + Number(addr - seg.vaddr);
    return Buffer.from(elf.bytes.subarray(o, o + len));
  };
  const found = [...Array(count).keys()].map((i) => {
    const p = image(programs + BigInt(32 * i), 32);
    const name = p.toString('latin1', 0, 16).replace(/\0+$/, '');
    const elfAt = p.readBigUInt64LE(16), size = Number(p.readBigUInt64LE(24));
    assert.equal(image(elfAt, 4).toString('latin1'), '\x7fELF', `${name} is not an ELF`);
    assert.ok(size > 4096, `${name}: ${size} bytes`);
    return name;
  });
  for (const p of ['init', 'sh', 'utest', 'hog', 'pingpong', 'fault']) assert.ok(found.includes(p), `no ${p} among ${found.join(' ')}`);
});

test('the allocator logic passes its host-side tests (cargo test)', () => {
  const cargo = have('cargo') ? 'cargo' : '/usr/bin/cargo';
  const r = spawnSync(cargo, ['test', '--offline', '--manifest-path', 'kernel/mmcore/Cargo.toml'], { encoding: 'utf8', timeout: 300_000 });
  assert.equal(r.status, 0, r.stderr + r.stdout);
  for (const t of ['buddy_random_steps_match_a_model', 'cow_random_forks_writes_and_exits_match_a_model', 'areas_random_steps_match_a_per_page_model', 'bitmap_ranges_match_a_model']) {
    assert.match(r.stdout, new RegExp(`test ${t} \\.\\.\\. ok`));
  }
  assert.doesNotMatch(r.stdout, /test result: FAILED/);
});
