// The line table read into columns (dwarf/line.ts, dwarf/lineTable.ts) and indexed over them
// (dwarf/lineIndex.ts), on C programs GCC builds with DWARF 2, 4 and 5, -O0, -O and -O2 (views,
// non-statement rows, line 0, several units and sequences, a header shared by units): every row as objdump decodes it, and
// every answer of the index as the row-object index the adapter had before gives it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { GCC, OBJDUMP, requireTools } from '../support/toolchain.js';
import { assertIndexAsModel, assertRowsAsObjdump, lineTableOf } from '../support/lineOracle.js';
import { buildProcsKernel } from '../support/procsKernel.js';
import { LineTable } from '../../src/debugger/dwarf/lineTable.js';
import { LineIndex } from '../../src/debugger/dwarf/lineIndex.js';

requireTools(GCC, OBJDUMP);

function build(dwarf: 4 | 5, opt: string): string {
  const out = resolve('test/programs/build');
  mkdirSync(out, { recursive: true });
  const elf = join(out, `lines-dwarf${dwarf}${opt}.elf`);
  const P = (f: string): string => resolve('test/programs', f);
  execFileSync(GCC, ['-march=rv64imac_zicsr', '-mabi=lp64', '-mcmodel=medany', opt, `-gdwarf-${dwarf}`, '-ffreestanding', '-nostdlib', '-static',
    '-fno-tree-loop-distribute-patterns', '-Wl,--no-warn-rwx-segments', '-T', P('link.ld'), P('crt0.S'), P('inlined.c'), P('libc.c'), '-o', elf]);
  return elf;
}

for (const v of [4, 5] as const) {
  for (const opt of ['-O0', '-O2']) {
    test(`DWARF ${v} ${opt}: every row as objdump decodes it, every answer as the row index's`, () => {
      const elf = build(v, opt);
      const table = lineTableOf(elf);
      assert.ok(table.length > 100, `${table.length} rows`);
      assertRowsAsObjdump(elf, table);
      assert.ok(assertIndexAsModel(table) > 1000);
    });
  }
}

for (const v of [2, 4, 5] as const) {
  test(`the xv6-shaped kernel, DWARF ${v} (five units sharing a header): rows as objdump's, answers as the row index's`, () => {
    const elf = buildProcsKernel(v, false, true);
    const table = lineTableOf(elf);
    assertRowsAsObjdump(elf, table);
    assert.ok(assertIndexAsModel(table) > 1000);
  });
}

test('addresses above 2^53, ranges out of address order and ranges starting alike are looked up as the row index does', () => {
  const file = '/k/a.rs';
  const row = (address: bigint, line: number, endSequence = false) => ({ address, file, line, column: 0, isStmt: true, endSequence });
  // Two sequences, the later one lower; one range crossing a 2^32 boundary above 2^63.
  const table = LineTable.fromRows([
    row(0xffffffff80000010n, 5), row(0xffffffff80000020n, 6), row(0xffffffff80000030n, 0, true),
    row(0xffffffc0fffffff0n, 1), row(0xffffffc100000008n, 2), row(0xffffffc100000010n, 0, true),
    // Functions the linker dropped, their sequences left at 0 (overlapping: the first one's row is found).
    row(0n, 7), row(0x10n, 0, true), row(0n, 8), row(0x10n, 0, true),
  ]);
  const idx = new LineIndex(table);
  assert.equal(table.address(4), 0xffffffc100000008n);
  assert.equal(idx.lookup(0xffffffc100000004n)?.line, 1, 'inside the range crossing the 32-bit boundary');
  assert.equal(idx.lookup(0xffffffc100000008n)?.line, 2);
  assert.equal(idx.lookup(0xffffffff80000018n)?.line, 5);
  assert.equal(idx.lookup(0xffffffff80000030n), undefined);
  assert.equal(idx.lookup(0xffffffc0ffffffefn), undefined);
  assert.equal(idx.lookup(4n)?.line, 7, 'of two ranges that start alike, the earlier row\'s, as a stable sort and this binary search have it');
  assert.deepEqual(idx.addressesFor(file, 2), { line: 2, addresses: [0xffffffc100000008n] });
  assert.ok(idx.statementAt(0xffffffff80000020n));
  assert.ok(assertIndexAsModel(table) > 0);
});
