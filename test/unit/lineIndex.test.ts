// The line index's answers on a small hand-made line table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LineIndex } from '../../src/debugger/dwarf/lineIndex.js';
import { LineTable, type LineRow } from '../../src/debugger/dwarf/lineTable.js';

const row = (address: number, line: number, extra: Partial<LineRow> = {}): LineRow =>
  ({ address: BigInt(address), file: '/k/src/sbi.rs', line, column: 1, isStmt: true, endSequence: false, ...extra });

test('code at line 0 belongs to the line before it in its sequence, and starts no statement', () => {
  const idx = new LineIndex(LineTable.fromRows([
    row(0x100, 10), row(0x108, 0), row(0x110, 11), row(0x118, 0, { endSequence: true }),
    row(0x200, 0), row(0x204, 20), row(0x20c, 0, { endSequence: true }),
  ]));
  assert.equal(idx.lookup(0x104n)?.line, 10);
  assert.equal(idx.lookup(0x10an)?.line, 10);
  assert.equal(idx.lookup(0x112n)?.line, 11);
  assert.equal(idx.lookup(0x202n), undefined, 'line 0 at the start of a sequence has no owner');
  assert.equal(idx.lookup(0x206n)?.line, 20);
  assert.equal(idx.lookup(0x118n), undefined, 'past the end of a sequence');
  // A breakpoint on line 10 goes to its one statement start, not into the line-0 code.
  assert.deepEqual(idx.addressesFor('/k/src/sbi.rs', 10), { line: 10, addresses: [0x100n] });
});

test('optimised code: views of one address do not hide a line; a line with only empty rows still takes a breakpoint', () => {
  // As GCC -O writes it: line 45 at 0x3d0, then two rows of line 46 at 0x3da (views), line 47
  // at 0x3dc; line 28 at 0x3be has no code of its own before line 29 at the same address.
  const idx = new LineIndex(LineTable.fromRows([
    row(0x3b2, 27), row(0x3be, 28), row(0x3be, 29), row(0x3c8, 0, { endSequence: true }),
    row(0x3d0, 45), row(0x3da, 46), row(0x3da, 46), row(0x3dc, 47), row(0x3e8, 0, { endSequence: true }),
  ]));
  assert.deepEqual(idx.addressesFor('/k/src/sbi.rs', 46), { line: 46, addresses: [0x3dan] });
  assert.deepEqual(idx.addressesFor('/k/src/sbi.rs', 28), { line: 28, addresses: [0x3ben] });
  assert.equal(idx.lookup(0x3ben)?.line, 29, 'the code at 0x3be is line 29');
  assert.deepEqual(idx.addressesFor('/k/src/sbi.rs', 29), { line: 29, addresses: [0x3ben] });
});

test('optimised code: rows that are not statements start none and do not hide the statement after them', () => {
  // As GCC -O lays out a loop: line 10's hoisted load (not a statement) at 0x26, then line 10's
  // statement at 0x2a, more of line 10 that is not one at 0x32, line 9's at 0x36.
  const ns = { isStmt: false };
  const idx = new LineIndex(LineTable.fromRows([
    row(0x20, 9), row(0x20, 7, ns), row(0x24, 8, ns), row(0x26, 10, ns), row(0x2a, 10), row(0x2a, 10, ns),
    row(0x32, 10, ns), row(0x36, 9), row(0x3a, 11), row(0x40, 0, { endSequence: true }),
  ]));
  assert.deepEqual(idx.addressesFor('/k/src/sbi.rs', 10), { line: 10, addresses: [0x2an] });
  assert.deepEqual(idx.addressesFor('/k/src/sbi.rs', 9), { line: 9, addresses: [0x36n] }, '0x20 is an empty row: its code is line 7\'s');
  assert.deepEqual([0x20, 0x24, 0x26, 0x2a, 0x32, 0x36, 0x3a].map((a) => idx.statementAt(BigInt(a))), [true, false, false, true, false, true, true]);
  assert.equal(idx.lookup(0x26n)?.line, 10, 'moved code still has its line');
});
