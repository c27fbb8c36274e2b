// An entry's attributes (dwarf/attrs.ts) answer as the Map they replace: keys shared between
// entries of one abbreviation never change under another entry, and get/has/set/delete and
// iteration follow Map's rules (order, changes made while iterating).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Attrs } from '../../src/debugger/dwarf/attrs.js';
import { Rng } from '../support/rng.js';

test('random get, has, set, delete and iteration answer as a Map does; shared keys stay as they were', () => {
  const rng = new Rng(19);
  for (let round = 0; round < 300; round++) {
    const keys = [...new Set(Array.from({ length: rng.below(8) }, () => 1 + rng.below(10)))];
    const shared = [...keys];
    const vals = keys.map((k) => `v${k}`);
    const a = new Attrs<string>(shared, [...vals]), other = new Attrs<string>(shared, [...vals]);
    const m = new Map(keys.map((k, i) => [k, vals[i]]));
    for (let op = 0; op < 20; op++) {
      const k = 1 + rng.below(12);
      switch (rng.below(4)) {
        case 0: assert.equal(a.get(k), m.get(k)); break;
        case 1: assert.equal(a.has(k), m.has(k)); break;
        case 2: { const v = `w${op}`; a.set(k, v); m.set(k, v); break; }
        default: assert.equal(a.delete(k), m.delete(k));
      }
      assert.deepEqual([...a], [...m], `round ${round} op ${op}`);
      assert.deepEqual([...a.values()], [...m.values()]);
      assert.equal(a.size, m.size);
    }
    assert.deepEqual(shared, keys, 'the shared keys');
    assert.deepEqual([...other], keys.map((k, i) => [k, vals[i]]), 'another entry of the abbreviation');
  }
});

test('iterating while setting and deleting sees the changes as a Map\'s iterator does', () => {
  const walk = (x: Attrs<number> | Map<number, number>): [number, number][] => {
    const seen: [number, number][] = [];
    for (const [k, v] of x) {
      seen.push([k, v]);
      if (k === 1) { x.delete(2); x.set(3, 33); x.set(5, 50); }
      if (k === 3) x.delete(3);
    }
    return seen;
  };
  const a = new Attrs<number>([1, 2, 3, 4], [10, 20, 30, 40]), m = new Map([[1, 10], [2, 20], [3, 30], [4, 40]]);
  const fromMap = walk(m);
  assert.deepEqual(fromMap, [[1, 10], [3, 33], [4, 40], [5, 50]]);
  assert.deepEqual(walk(a), fromMap);
  assert.deepEqual([...a], [...m]);
});
