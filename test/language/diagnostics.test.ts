// Diagnostics against GNU as (riscv64-unknown-elf-as -march=rv64gc_zicsr_zifencei; .S files
// through gcc's preprocessor). Every corpus file as accepts must get no error or warning; in
// mutated copies, every line as rejects must get an error on that line, and every mutated
// line as still accepts must get none.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { analyze } from '../../src/language/analysis.js';
import { diagnose } from '../../src/language/diagnostics.js';
import { AS, GCC, requireTools, scratchDir } from '../support/toolchain.js';
import { generate } from '../diff/generate.js';
import { generateFloat } from '../diff/floatGen.js';
import { assemble, findAssembly, generateValid, mutate, MUTATIONS, undefinedLocalMutants, writeTemp } from './asmCorpus.js';

requireTools(AS, GCC);
const ROOTS = ['kernel/src', 'test'];

function corpus(): { name: string; text: string }[] {
  const files = findAssembly(ROOTS).map((f) => ({ name: f, text: readFileSync(f, 'utf8') }));
  // Two programs of the differential test's generator stand for machine-written assembly.
  const diff = [20261124, 7].map((seed) => ({ name: `diff-${seed}.S`, text: generate(seed).source }));
  // And one of the F/D generator's: every F/D mnemonic, rounding modes, compressed FP loads and stores.
  diff.push({ name: 'float-diff-3.S', text: generateFloat(3, { cases: 2 }).source });
  return [...files, ...diff, { name: 'generated.s', text: generateValid(6, 2024) }, { name: 'generated.S', text: generateValid(3, 99) }];
}

const errorsOf = (text: string, name: string, levels = ['error']) =>
  diagnose(analyze(text, name)).filter((d) => levels.includes(d.severity));

test('every file GNU as accepts gets no error or warning', (t) => {
  const dir = scratchDir('language-valid');
  let accepted = 0, rejected = 0, lines = 0;
  for (const { name, text } of corpus()) {
    const path = writeTemp(dir, basename(name), text);
    if (!assemble(path, dir).ok) { rejected++; t.diagnostic(`as rejects ${name}: not part of the corpus`); continue; }
    accepted++;
    lines += text.split('\n').length;
    const found = errorsOf(text, path, ['error', 'warning']);
    assert.deepEqual(found.map((d) => `${name}:${d.line + 1}: ${d.message}`), [], `${name}: diagnostics on a file as accepts`);
  }
  t.diagnostic(`valid corpus: ${accepted} files (${lines} lines) accepted by as, all without diagnostics; ${rejected} rejected by as and skipped`);
  assert.ok(accepted >= 3);
});

test('mutated lines: an error exactly where as rejects', (t) => {
  const dir = scratchDir('language-mutants');
  const totals = new Map<string, { mutated: number; rejected: number; accepted: number }>();
  const wrong: string[] = [];
  for (const { name, text } of corpus()) {
    const preprocessed = /\.S$/.test(name);
    const path0 = writeTemp(dir, basename(name), text);
    if (!assemble(path0, dir).ok) continue;
    for (const how of MUTATIONS) {
      const m = mutate(text, how, preprocessed);
      if (m.lines.length === 0) continue;
      const path = writeTemp(dir, `${how}-${basename(name)}`, m.text);
      const asResult = assemble(path, dir);
      const ours = new Set(errorsOf(m.text, path).map((d) => d.line));
      const lines = m.text.split('\n');
      const total = totals.get(how) ?? { mutated: 0, rejected: 0, accepted: 0 };
      for (const l of m.lines) {
        const rejects = asResult.errorLines.has(l + 1);
        total.mutated++;
        if (rejects) total.rejected++; else total.accepted++;
        if (rejects !== ours.has(l)) wrong.push(`${name} (${how}) line ${l + 1}: as ${rejects ? 'rejects' : 'accepts'}, we ${ours.has(l) ? 'report an error' : 'report nothing'}: ${lines[l].trim()}`);
      }
      for (const l of ours) if (!m.lines.includes(l)) wrong.push(`${name} (${how}) line ${l + 1}: an error on a line not mutated: ${lines[l].trim()}`);
      totals.set(how, total);
    }
  }
  for (const [how, c] of totals) t.diagnostic(`${how}: ${c.mutated} mutated lines, ${c.rejected} rejected by as (each with our error), ${c.accepted} accepted (none with an error)`);
  assert.deepEqual(wrong.slice(0, 30), []);
  assert.ok((totals.get('mnemonic')?.rejected ?? 0) > 100);
});

test('a numeric label reference with no such label: as fails the file, we mark the line', (t) => {
  const dir = scratchDir('language-local');
  let n = 0;
  for (const { name, text } of corpus()) {
    const preprocessed = /\.S$/.test(name);
    for (const [i, mutant] of undefinedLocalMutants(text, preprocessed, 4).entries()) {
      const path = writeTemp(dir, `local${i}-${basename(name)}`, mutant.text);
      assert.equal(assemble(path, dir).ok, false, `${name}: as accepted an undefined local label on line ${mutant.line + 1}`);
      const ours = errorsOf(mutant.text, path);
      assert.ok(ours.some((d) => d.line === mutant.line && /no label/.test(d.message)), `${name}:${mutant.line + 1}: no diagnostic`);
      n++;
    }
  }
  t.diagnostic(`undefined numeric labels: ${n} mutants, each rejected by as and marked by us`);
  assert.ok(n > 5);
});
