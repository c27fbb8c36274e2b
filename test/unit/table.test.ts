// The instruction table itself: no two entries claim the same word, every entry is well
// formed, and every compressed encoding expands to an entry the table has.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { INSTRUCTIONS, BY_NAME, lookup } from '../../src/emulator/isa/table.js';
import { expandCompressed } from '../../src/emulator/isa/rvc.js';
import { decode } from '../../src/emulator/isa/decode.js';

test('no two table entries overlap', () => {
  const clashes: string[] = [];
  for (let i = 0; i < INSTRUCTIONS.length; i++) {
    for (let j = i + 1; j < INSTRUCTIONS.length; j++) {
      const a = INSTRUCTIONS[i], b = INSTRUCTIONS[j];
      const common = (a.mask & b.mask) >>> 0;
      // Two patterns can match one word iff they agree on every bit both fix.
      // None is allowed: decoding takes the first entry that matches, so an overlap would make
      // the table's order part of its meaning.
      if (((a.match & common) >>> 0) === ((b.match & common) >>> 0)) clashes.push(`${a.name} ~ ${b.name}`);
    }
  }
  assert.deepEqual(clashes, []);
});

test('every entry matches its own encoding and has a mnemonic, a format and a doc line', () => {
  for (const d of INSTRUCTIONS) {
    assert.equal((d.match & d.mask) >>> 0, d.match >>> 0, `${d.name}: match has bits outside its mask`);
    assert.equal(lookup(d.match), d, `${d.name}: its own match decodes to ${lookup(d.match)?.name}`);
    assert.notEqual(d.doc.trim(), '', `${d.name}: no doc`);
    assert.notEqual(d.doc.trim(), d.name, `${d.name}: its doc only repeats the name`);
    assert.equal(BY_NAME.get(d.name), d, `${d.name}: duplicate name`);
  }
  // A doc copied from a neighbour says the wrong thing about one of them.
  const byDoc = new Map<string, string>();
  for (const d of INSTRUCTIONS) {
    assert.equal(byDoc.get(d.doc), undefined, `${d.name} and ${byDoc.get(d.doc)} share the doc '${d.doc}'`);
    byDoc.set(d.doc, d.name);
  }
});

test('every 16-bit word either expands to a table entry or is reserved', () => {
  let valid = 0;
  for (let w = 0; w < 0x10000; w++) {
    if ((w & 3) === 3) continue;
    const e = expandCompressed(w);
    if (!e) continue;
    valid++;
    assert.ok(BY_NAME.has(e.base), `${w.toString(16)}: ${e.cname} expands to unknown ${e.base}`);
    const d = decode(w);
    assert.ok(d && d.len === 2 && d.def.name === e.base);
  }
  // Quadrants 0-2 hold 3 x 16384 words. Excluded: quadrant 0's reserved funct3 = 100 (2048
  // words), then the scattered reserved forms (zero immediates, rd = 0 where it is reserved,
  // c.subw's neighbours).
  assert.equal(valid, 46743);
});

test('the all-zero word and the all-ones word are illegal', () => {
  assert.equal(decode(0), undefined);
  assert.equal(decode(0xffffffff), undefined);
});
