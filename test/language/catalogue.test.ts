// The language server's mnemonic catalogue against its sources: every instruction of the
// emulator's table, every compressed name the emulator expands, the pseudo-instructions the
// assembler offers, and directives GNU as knows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { INSTRUCTIONS } from '../../src/emulator/isa/table.js';
import { COMPRESSED, compressedNamesFromEmulator } from '../../src/language/compressed.js';
import { DIRECTIVES } from '../../src/language/directives.js';
import { MNEMONICS } from '../../src/language/instructions.js';
import { AS, requireTools, scratchDir } from '../support/toolchain.js';
import { assemble, writeTemp } from './asmCorpus.js';

test('every instruction of the emulator\'s table is known, with its extension and doc', () => {
  for (const d of INSTRUCTIONS) {
    const m = MNEMONICS.get(d.name);
    assert.ok(m, d.name);
    assert.equal(m.ext, d.ext);
    assert.equal(m.doc, d.doc);
    // The usual spelling names every operand field the encoding has.
    const fields = d.syntax.match(/\b(?:f?rd|f?rs[123]|csr|zimm)\b/g) ?? [];
    for (const f of fields) assert.match(m.forms[0]?.text ?? '', new RegExp(`\\b${f}\\b`), `${d.name}: '${m.forms[0]?.text}' lacks ${f}`);
  }
});

test('every compressed mnemonic the emulator expands has operands here', () => {
  const names = new Set(COMPRESSED.map((c) => c.name));
  for (const [cname, base] of compressedNamesFromEmulator()) {
    assert.ok(names.has(cname), cname);
    assert.equal(COMPRESSED.find((c) => c.name === cname)!.base, base, cname);
  }
});

test('the pseudo-instructions kernels use are all there', () => {
  const wanted = 'li la lla mv not neg negw sext.w seqz snez sltz sgtz beqz bnez blez bgez bltz bgtz bgt ble bgtu bleu j jr ret call tail nop csrr csrw csrs csrc csrwi csrsi csrci rdcycle rdtime rdinstret fence.tso unimp fld fsd flw fsw fmv.d fmv.x.d frcsr fscsr';
  for (const n of wanted.split(' ')) assert.ok(MNEMONICS.has(n), n);
});

test('GNU as knows every directive offered', () => {
  requireTools(AS);
  const dir = scratchDir('language-directives');
  const r = assemble(writeTemp(dir, 'directives.s', `${DIRECTIVES.map((d) => d.name).join('\n')}\n`), dir);
  assert.doesNotMatch(r.stderr, /unknown pseudo-op/);
});
