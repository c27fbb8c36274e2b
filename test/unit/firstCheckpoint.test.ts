// Time travel's first checkpoint reads only the pages RAM's dirty record holds while that record
// covers all of RAM's life (history.ts): every writer before the guest runs (the firmware and
// kernel images, the initrd, the device tree, the generic loader's files and values, an ELF's
// segments) must mark what it wrote. The oracle is a scan of all of RAM for pages that are not
// zeros. And a history made at once rebuilds the start exactly after the guest ran.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bootFromArgs, defaultMachineArgs, type MachineArgs } from '../../src/debugger/machineArgs.js';
import { History } from '../../src/emulator/history/history.js';
import { pageIsZero } from '../../src/emulator/history/pageVersions.js';
import type { Machine } from '../../src/emulator/machine.js';

/** Bytes that are nowhere zero for a whole page, made up per file. */
const image = (n: number, seed: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => ((i * 131 + seed) % 251) + 1);

/** An RV64 ELF executable with one loadable segment of `code` at `addr` (entry there). */
function elf(addr: bigint, code: Uint8Array): Uint8Array {
  const b = new Uint8Array(64 + 56 + code.length), v = new DataView(b.buffer);
  b.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]);
  v.setUint16(16, 2, true); v.setUint16(18, 243, true); v.setUint32(20, 1, true);
  v.setBigUint64(24, addr, true); v.setBigUint64(32, 64n, true);
  v.setUint16(52, 64, true); v.setUint16(54, 56, true); v.setUint16(56, 1, true); v.setUint16(58, 64, true);
  v.setUint32(64, 1, true); v.setUint32(68, 7, true); v.setBigUint64(72, 120n, true);
  v.setBigUint64(80, addr, true); v.setBigUint64(88, addr, true);
  v.setBigUint64(96, BigInt(code.length), true); v.setBigUint64(104, BigInt(code.length + 0x3000), true); v.setBigUint64(112, 0x1000n, true);
  b.set(code, 120);
  return b;
}

/** `j .` forever, then filler. */
const LOOP = Uint8Array.from([0x6f, 0, 0, 0, ...image(0x2ffc, 7)]);

function boot(a: Partial<MachineArgs>, files: Record<string, Uint8Array>): Machine {
  return bootFromArgs({ ...defaultMachineArgs(), memoryMiB: 16, ...a }, (p) => {
    const f = files[p];
    if (!f) throw new Error(`no file ${p}`);
    return f;
  }).machine;
}

const nonZeroPages = (m: Machine): number[] => {
  const out: number[] = [];
  for (let p = 0; p < m.ram.size >>> 12; p++) if (!pageIsZero(m.ram.ru32, p)) out.push(p);
  return out;
};

const cases: [string, Partial<MachineArgs>, Record<string, Uint8Array>][] = [
  ['an ELF kernel on the built-in SBI', { kernel: 'k.elf' }, { 'k.elf': elf(0x80200000n, LOOP) }],
  ['firmware, a flat kernel, an initrd and the generic loader', {
    bios: 'fw.bin', kernel: 'k.bin', kernelKind: 'any', initrd: 'rd', append: 'console=ttyS0',
    loads: [
      { kind: 'file', path: 'blob', addr: 0x80900000n, raw: true },
      { kind: 'file', path: 'seg.elf' },
      { kind: 'data', addr: 0x80a00010n, value: 0x1122334455667788n, size: 8, bigEndian: false },
    ],
  }, { 'fw.bin': LOOP, 'k.bin': image(0x5000, 3), rd: image(0x4321, 5), blob: image(0x1800, 9), 'seg.elf': elf(0x80b00000n, image(0x2100, 11)) }],
];

for (const [what, args, files] of cases) {
  test(`${what}: every page that is not zeros is in the dirty record before the guest runs`, () => {
    const m = boot(args, files);
    assert.equal(m.ram.dirty.sinceCreation, true);
    const pages = nonZeroPages(m);
    assert.ok(pages.length > 2, 'the boot wrote pages');
    assert.deepEqual(pages.filter((p) => !m.ram.dirty.has(p)), [], 'pages written but not recorded');
  });

  test(`${what}: the history made at once rebuilds all of RAM at its start`, () => {
    const m = boot(args, files);
    const start = m.ram.ru8.slice();
    const h = new History(m, 16 << 20, 1000);
    // Memory the guest did not write changes too (as a debugger's write would), after the start.
    while (m.progress < 5000) h.run(5000 - m.progress, { resume: false });
    m.debug.writePhys(0x80a00000n, image(64, 1));
    h.edited();
    while (m.progress < 9000) h.run(9000 - m.progress, { resume: false });
    h.seek(0);
    assert.ok(Buffer.from(m.ram.ru8).equals(Buffer.from(start)), 'RAM at position 0 is RAM as booted');
  });
}
