// The TextMate grammars: the committed files are the generator's output, and sample files
// tokenize with the expected scopes, line by line, as VS Code's tokenizer sees them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generatedGrammars } from '../../scripts/gen-grammar.js';
import { MNEMONICS } from '../../src/language/instructions.js';
import { loadGrammar, tokenizeLines, type ScopedToken } from './tokenize.js';

const ROOT = join(__dirname, '..', '..');
const RISCV = join(ROOT, 'syntaxes', 'riscv.tmLanguage.json');
const LD = join(ROOT, 'syntaxes', 'linker-script.tmLanguage.json');

/** Each [text, scope] must be a token of the line, in order, whose innermost scope starts with scope. */
function expectLine(tokens: ScopedToken[], expected: [string, string][], where: string): void {
  let i = 0;
  for (const [text, scope] of expected) {
    while (i < tokens.length && tokens[i].text.trim() !== text) i++;
    assert.ok(i < tokens.length, `${where}: no token ${JSON.stringify(text)} in ${JSON.stringify(tokens.map((t) => t.text))}`);
    const inner = tokens[i].scopes[tokens[i].scopes.length - 1];
    assert.ok(inner.startsWith(scope), `${where}: ${JSON.stringify(text)} is ${inner}, expected ${scope}`);
    i++;
  }
}

test('the committed grammars are the generator\'s output (run: node --import tsx scripts/gen-grammar.ts)', () => {
  for (const [path, content] of Object.entries(generatedGrammars())) {
    assert.equal(readFileSync(join(ROOT, path), 'utf8'), content, `${path} is stale`);
  }
});

test('RISC-V sample file, line by line', async () => {
  const g = await loadGrammar(RISCV);
  const lines = tokenizeLines(g, readFileSync(join(__dirname, 'fixtures', 'sample.S'), 'utf8'));
  const expect: Record<number, [string, string][]> = {
    0: [['#', 'punctuation.definition.directive'], ['include', 'keyword.control.directive.include'], ['"config.h"', 'string.quoted.other.include']],
    1: [['define', 'keyword.control.directive.define'], ['STACK_SIZE', 'entity.name.function.preprocessor'], ['4096', 'constant.numeric.decimal']],
    2: [['# A trap entry in the style of a kernel.', 'comment.line.number-sign']],
    3: [['.section', 'keyword.control.directive'], ['.text.entry', 'entity.name.section'], ['"', 'string.quoted.double']],
    4: [['.globl', 'keyword.control.directive'], ['_start', 'variable.other.symbol']],
    5: [['.equ', 'keyword.control.directive'], ['FRAME', 'variable.other.constant'], ['34', 'constant.numeric.decimal'], ['*', 'keyword.operator']],
    6: [['_start', 'entity.name.function.label'], [':', 'punctuation.separator.label']],
    7: [['csrr', 'keyword.other.instruction.pseudo'], ['t0', 'variable.language.register'], [',', 'punctuation.separator.comma'], ['mhartid', 'support.constant.csr']],
    8: [['bnez', 'keyword.other.instruction.pseudo'], ['t0', 'variable.language.register'], ['park', 'variable.other.symbol']],
    9: [['la', 'keyword.other.instruction.pseudo'], ['sp', 'variable.language.register'], ['stack_top', 'variable.other.symbol'], ['/*', 'comment.block']],
    10: [['li', 'keyword.other.instruction.pseudo'], ['a0', 'variable.language.register'], ['0x1f', 'constant.numeric.hex']],
    11: [['1', 'entity.name.label.local'], [':', 'punctuation.separator.label'], ['addi', 'keyword.other.instruction.riscv'], ['-', 'keyword.operator'], ['1', 'constant.numeric.decimal']],
    12: [['bnez', 'keyword.other.instruction.pseudo'], ['1b', 'entity.name.label.local.reference']],
    14: [['lui', 'keyword.other.instruction.riscv'], ['%hi', 'support.function.relocation'], ['(', 'punctuation.section.parens'], ['message', 'variable.other.symbol']],
    15: [['addi', 'keyword.other.instruction.riscv'], ['%lo', 'support.function.relocation']],
    16: [['fsd', 'keyword.other.instruction.riscv'], ['fs0', 'variable.language.register.float'], ['8', 'constant.numeric.decimal'], ['sp', 'variable.language.register']],
    17: [['amoadd.w.aq', 'keyword.other.instruction.riscv'], ['a2', 'variable.language.register']],
    18: [['fence', 'keyword.other.instruction.riscv'], ['rw', 'constant.language.fence'], ['w', 'constant.language.fence']],
    19: [['park', 'entity.name.function.label']],
    20: [['wfi', 'keyword.other.instruction.riscv']],
    22: [['// a C-style comment', 'comment.line.double-slash']],
    23: [['.section', 'keyword.control.directive'], ['.bss', 'entity.name.section']],
    24: [['stack', 'entity.name.function.label'], ['.zero', 'keyword.control.directive'], ['STACK_SIZE', 'variable.other.symbol']],
    26: [['message', 'entity.name.function.label'], ['.asciz', 'keyword.control.directive'], ['hi', 'string.quoted.double'], ['\\n', 'constant.character.escape']],
  };
  for (const [line, want] of Object.entries(expect)) expectLine(lines[Number(line)], want, `sample.S:${Number(line) + 1}`);
});

test('numbers in every base, local label references, macro arguments, statements after `;`', async () => {
  const g = await loadGrammar(RISCV);
  const [l1, l2, l3, l4] = tokenizeLines(g, [
    '  li a0, 0b101; li a1, 017; li a2, 42; li a3, \'a\'',
    '  j 2f; 2: .double 0d1.5',
    '  sd x\\n, \\n*8(sp)',
    '  ADDI A0, a0, 1 # mnemonics are case-insensitive, registers are not',
  ].join('\n'));
  expectLine(l1, [['0b101', 'constant.numeric.binary'], [';', 'punctuation.separator.statement'], ['li', 'keyword.other.instruction.pseudo'],
    ['017', 'constant.numeric.octal'], ['42', 'constant.numeric.decimal'], ["'a'", 'constant.character']], 'numbers');
  expectLine(l2, [['j', 'keyword.other.instruction.pseudo'], ['2f', 'entity.name.label.local.reference'], ['2', 'entity.name.label.local'],
    ['.double', 'keyword.control.directive'], ['0d1.5', 'constant.numeric.float']], 'local labels');
  expectLine(l3, [['\\n', 'variable.parameter.macro'], ['\\n', 'variable.parameter.macro']], 'macro arguments');
  expectLine(l4, [['ADDI', 'keyword.other.instruction'], ['A0', 'variable.other.symbol'], ['# mnemonics are case-insensitive, registers are not', 'comment.line']], 'case');
});

test('every mnemonic of the catalogue is highlighted as an instruction', async () => {
  const g = await loadGrammar(RISCV);
  const names = [...MNEMONICS.keys()];
  const lines = tokenizeLines(g, names.map((n) => `  ${n} a0`).join('\n'));
  names.forEach((n, i) => expectLine(lines[i], [[n, 'keyword.other.instruction']], n));
});

test('linker script: commands, sections, wildcards, numbers with K/M suffixes, assignments', async () => {
  const g = await loadGrammar(LD);
  const lines = tokenizeLines(g, [
    '/* kernel image */',
    'OUTPUT_ARCH(riscv)',
    'ENTRY(_start)',
    'MEMORY { RAM (rwx) : ORIGIN = 0x80000000, LENGTH = 128M }',
    'SECTIONS {',
    '  . = ALIGN(4K);',
    '  PROVIDE(__stack_top = . + 0x1000);',
    '  .text : { KEEP(*(.text.entry)) *(.text .text.*) } > RAM',
    '  /DISCARD/ : { *(.eh_frame) }',
    '  edata += 8;',
    '}',
  ].join('\n'));
  expectLine(lines[0], [['/*', 'comment.block']], 'comment');
  expectLine(lines[1], [['OUTPUT_ARCH', 'keyword.other.command'], ['riscv', 'variable.other.symbol']], 'OUTPUT_ARCH');
  expectLine(lines[2], [['ENTRY', 'keyword.other.command'], ['_start', 'variable.other.symbol']], 'ENTRY');
  expectLine(lines[3], [['MEMORY', 'keyword.control.block'], ['RAM', 'entity.name.type.region'], ['(rwx)', 'storage.modifier.attributes'],
    ['ORIGIN', 'support.function.builtin'], ['0x80000000', 'constant.numeric'], ['LENGTH', 'support.function.builtin'], ['128M', 'constant.numeric']], 'MEMORY');
  expectLine(lines[4], [['SECTIONS', 'keyword.control.block'], ['{', 'punctuation.section.block']], 'SECTIONS');
  expectLine(lines[5], [['.', 'variable.language.location-counter'], ['=', 'keyword.operator.assignment'], ['ALIGN', 'support.function.builtin'], ['4K', 'constant.numeric']], 'ALIGN');
  expectLine(lines[6], [['PROVIDE', 'support.function.builtin'], ['__stack_top', 'variable.other.symbol'], ['=', 'keyword.operator.assignment'], ['.', 'variable.language.location-counter']], 'PROVIDE');
  expectLine(lines[7], [['.text', 'entity.name.section'], ['KEEP', 'support.function.builtin'], ['*', 'keyword.operator.wildcard'], ['.text.entry', 'entity.name.section'],
    ['*', 'keyword.operator.wildcard'], ['.text', 'entity.name.section'], ['.text.', 'entity.name.section'], ['*', 'keyword.operator.wildcard'], ['RAM', 'variable.other.symbol']], 'output section');
  expectLine(lines[8], [['/DISCARD/', 'entity.name.section.discard']], 'DISCARD');
  expectLine(lines[9], [['edata', 'variable.other.symbol'], ['+=', 'keyword.operator.assignment']], 'compound assignment');
});
