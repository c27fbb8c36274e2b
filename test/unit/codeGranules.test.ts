// Stores into RAM that holds translated code (jit/codeMap.ts, jit/blockCache.ts): a write drops
// exactly the blocks whose code it overlaps, found by the code-map granules they touch, and only
// a write that dropped something makes the running block leave (CodeMap.onDropped).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CodeMap } from '../../src/emulator/jit/codeMap.js';
import { BlockCache } from '../../src/emulator/jit/blockCache.js';
import type { Block } from '../../src/emulator/jit/compiler.js';
import { HEADER_WORDS } from '../../src/emulator/jit/records.js';

/** A block as the cache sees it: its code's place in RAM and its pc (only these are read). */
function block(ramOffset: number, bytes: number, page2 = -1, firstBytes = bytes): Block {
  return { ramOffset, bytes, firstBytes, page2, codeBefore: 0, lo: 0x1000 + ramOffset, hi: 0, priv: 1, alias: undefined, dropped: false, words: new Int32Array(HEADER_WORDS), opsAt: HEADER_WORDS } as unknown as Block;
}

function setUp(): { code: CodeMap; cache: BlockCache; dropped: () => number } {
  const code = new CodeMap(1 << 20);
  const cache = new BlockCache(code);
  let n = 0;
  code.onDropped = () => { n++; };
  return { code, cache, dropped: () => n };
}

const found = (cache: BlockCache, b: Block): boolean => cache.find(b.ramOffset, b.lo, b.hi, b.priv) === b;

test('a write beside a block in its granule drops nothing and does not end the running block', () => {
  const { code, cache, dropped } = setUp();
  const a = block(0x2000, 16), b = block(0x2010, 8);
  cache.put(a); cache.put(b);
  code.invalidateRange(0x2020, 8); // the same 64-byte granule, past both blocks' code
  assert.ok(found(cache, a) && found(cache, b));
  assert.equal(dropped(), 0);
  code.invalidateRange(0x2014, 4); // inside b only
  assert.ok(found(cache, a));
  assert.ok(!found(cache, b) && b.dropped);
  assert.equal(dropped(), 1);
});

test('a block across granules and pages is dropped by a write into any of them, and only once counted out', () => {
  const { code, cache, dropped } = setUp();
  // 0x2ffe..0x3006: its last instruction's first half at the end of one page, the rest on another (page2).
  const a = block(0x2fc0, 0x44, 0x8000, 0x40), other = block(0x8040, 8);
  cache.put(a); cache.put(other);
  assert.ok(code.isCode(0x2fc0, 64) && code.isCode(0x8000, 4));
  code.invalidateRange(0x8002, 2);
  assert.ok(a.dropped && found(cache, other));
  assert.equal(dropped(), 1);
  // Its code is counted out everywhere: nothing is left to drop there.
  assert.ok(!code.isCode(0x2fc0, 64) && !code.isCode(0x8000, 4));
  code.invalidateRange(0x2fc0, 64);
  assert.equal(dropped(), 1);
});

test('many blocks in one granule: each write drops the ones it overlaps', () => {
  const { code, cache } = setUp();
  const bs = Array.from({ length: 16 }, (_, i) => block(0x4000 + 4 * i, 4));
  for (const b of bs) cache.put(b);
  code.invalidateRange(0x4008, 12); // blocks 2, 3, 4
  assert.deepEqual(bs.map((b) => b.dropped ? 1 : 0), [0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  assert.ok(bs.every((b) => b.dropped || found(cache, b)));
});
