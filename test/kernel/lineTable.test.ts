// Chronos OS's line table (some 43,000 rows in 22 units, Rust's DWARF 4, most of them core's
// and alloc's inlined code) read into columns: every row as objdump decodes it, and every answer
// of the index as the row-object index the adapter had before (test/support/lineOracle.ts).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { OBJDUMP, requireTools } from '../support/toolchain.js';
import { assertIndexAsModel, assertRowsAsObjdump, lineTableOf } from '../support/lineOracle.js';

const KERNEL = 'kernel/target/riscv64gc-unknown-none-elf/release/chronos-kernel';

requireTools(OBJDUMP);

before(() => {
  execFileSync('bash', ['scripts/build-kernel.sh'], { stdio: ['ignore', 'ignore', 'inherit'] });
});

test('Chronos OS: every row as objdump decodes it, every answer as the row index\'s', () => {
  const table = lineTableOf(KERNEL);
  assert.ok(table.length > 20_000, `${table.length} rows`);
  assertRowsAsObjdump(KERNEL, table);
  assert.ok(assertIndexAsModel(table) > 200_000);
});
