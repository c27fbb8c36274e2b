// Chronos OS built from source: its self-tests pass under QEMU (-bios default: OpenSBI), under
// Chronos with the built-in SBI, and under Debian's OpenSBI on Chronos; the RAM size comes from
// the device tree; the deliberate failures fail loudly; the ELF carries DWARF and the debug
// descriptor; and the allocator logic passes its host-side tests.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { Machine, type Bios } from '../../src/emulator/machine.js';
import { parseElf } from '../../src/emulator/loader/elf.js';
import { QEMU, have } from '../support/toolchain.js';

export const KERNEL = 'kernel/target/riscv64gc-unknown-none-elf/release/chronos-kernel';
const OPENSBI = '/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin';

before(() => {
  execFileSync('bash', ['scripts/build-kernel.sh'], { stdio: ['ignore', 'ignore', 'inherit'] });
});

function onChronos(bios: Bios, opts: { bootargs?: string; memoryMiB?: number } = {}): { output: string; status: number | string } {
  const m = new Machine({ bios, ...opts });
  m.loadElf(readFileSync(KERNEL));
  m.boot();
  let output = '';
  m.onUartOutput.event((b) => { output += String.fromCharCode(b); });
  const r = m.run(500_000_000);
  return { output, status: r.kind === 'exit' ? r.status : r.kind };
}

function checkSelfTests(output: string): void {
  const lines = output.split('\n').filter((l) => l.startsWith('[PASS]') || l.startsWith('[FAIL]'));
  assert.ok(lines.length >= 10, `only ${lines.length} self-tests ran:\n${output}`);
  assert.deepEqual(lines.filter((l) => l.startsWith('[FAIL]')), []);
  assert.match(output, new RegExp(`^ktest: ${lines.length} passed, 0 failed$`, 'm'));
}

test('the self-tests pass under QEMU with OpenSBI', { skip: have(QEMU) ? false : 'qemu-system-riscv64 is not installed' }, () => {
  const r = spawnSync(QEMU, ['-machine', 'virt', '-nographic', '-bios', 'default', '-kernel', KERNEL], { timeout: 60_000, encoding: 'latin1' });
  checkSelfTests(r.stdout);
  assert.equal(r.status, 0);
});

test('the self-tests pass on Chronos with the built-in SBI', () => {
  const r = onChronos('builtin');
  checkSelfTests(r.output);
  assert.equal(r.status, 0);
});

test('the self-tests pass on Chronos under Debian\'s OpenSBI', { skip: existsSync(OPENSBI) ? false : 'opensbi is not installed' }, () => {
  const r = onChronos(readFileSync(OPENSBI));
  assert.match(r.output, /OpenSBI v/);
  checkSelfTests(r.output);
  assert.equal(r.status, 0);
});

test('more RAM in the device tree gives more frames', () => {
  const total = (o: string): number => Number(/frames: total (\d+)/.exec(o)?.[1]);
  const small = total(onChronos('builtin', { memoryMiB: 128 }).output), big = total(onChronos('builtin', { memoryMiB: 256 }).output);
  // 128 MiB more RAM is 32768 more 4 KiB frames.
  assert.ok(small > 25_000 && big - small === 128 * 256, `128 MiB: ${small} frames, 256 MiB: ${big}`);
});

test('test=pagefault reports the store page fault and fails the run', () => {
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

test('the ELF has DWARF, frame pointers\' unwind info, and the debug descriptor in its own section', () => {
  const elf = parseElf(readFileSync(KERNEL));
  const names = elf.sections.map((s) => s.name);
  for (const s of ['.debug_info', '.debug_line', '.chronos_debug']) assert.ok(names.includes(s), `no ${s}`);
  const sym = elf.symbols.find((s) => s.name === 'CHRONOS_DEBUG');
  assert.ok(sym, 'no CHRONOS_DEBUG symbol');
  assert.equal(elf.sections[sym.shndx].name, '.chronos_debug');
  assert.equal(sym.size, 208);
  const bytes = elf.sections[sym.shndx];
  const at = bytes.offset + Number(sym.value - bytes.addr);
  assert.equal(Buffer.from(elf.bytes.subarray(at, at + 8)).toString('latin1'), 'CHRNDBG\0');
});

test('the allocator logic passes its host-side tests (cargo test)', () => {
  const cargo = have('cargo') ? 'cargo' : '/usr/bin/cargo';
  const r = spawnSync(cargo, ['test', '--offline', '--manifest-path', 'kernel/mmcore/Cargo.toml'], { encoding: 'utf8', timeout: 300_000 });
  assert.equal(r.status, 0, r.stderr + r.stdout);
  assert.match(r.stdout, /test result: ok\. \d+ passed; 0 failed/);
});

test('the shell (bootargs shell) allocates and frees frames and heap blocks, and exits on request', () => {
  const m = new Machine({ bios: 'builtin', bootargs: 'shell' });
  m.loadElf(readFileSync(KERNEL));
  m.boot();
  let output = '';
  m.onUartOutput.event((b) => { output += String.fromCharCode(b); });
  // The shell polls the console: typed input waits in the UART until it asks.
  m.uart.receive(Buffer.from('frames\ralloc 2\rframes\rgrow 4096\rheap\rshrink\rheap\rfree 0x1\rbogus\rexit\r'));
  const r = m.run(500_000_000);
  assert.equal(r.kind === 'exit' ? r.status : r.kind, 0, output);
  checkSelfTests(output);
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
