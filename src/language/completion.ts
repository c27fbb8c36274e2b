// Completions that follow the position: at the start of a statement, mnemonics (with operand
// snippets), directives and macros; in an operand, what that slot of the instruction accepts
// (integer or float registers, CSR names, labels, rounding modes, fence sets); after `%`,
// the relocation functions.
import type { Analysis } from './analysis.js';
import { allCsrNames } from '../emulator/isa/csrs.js';
import { DIRECTIVES } from './directives.js';
import { MNEMONICS, type Mnemonic } from './instructions.js';
import { RELOCATIONS, ROUNDING_MODES, type OperandKind } from './operands.js';
import { statementAt } from './position.js';
import { registerByName, registerNames } from './registers.js';

export type ItemKind = 'instruction' | 'pseudo' | 'directive' | 'register' | 'csr' | 'label' | 'constant' | 'macro' | 'keyword';

export interface Item {
  label: string;
  kind: ItemKind;
  detail?: string;
  documentation?: string;
  /** A snippet with ${1:placeholders}, when it differs from the label. */
  snippet?: string;
  /** The columns the item replaces (the word typed so far). */
  replace: { start: number; end: number };
}

export function complete(a: Analysis, line: number, col: number): Item[] {
  const text = a.doc.lines[line] ?? '';
  const before = text.slice(0, col);
  const word = /[\w.$%]*$/.exec(before)![0];
  const replace = { start: col - word.length, end: col };
  if (a.doc.cpp.some((c) => c.line === line) || /#/.test(before.replace(/"[^"]*"/g, ''))) return [];
  if (word.startsWith('%')) {
    return Object.entries(RELOCATIONS).map(([name, r]) => ({ label: `%${name}`, kind: 'keyword', detail: r.doc, snippet: `%${name}(\${1:symbol})`, replace }));
  }
  const st = statementAt(a, line, col);
  const atOp = !st?.op || col <= st.op.end;
  if (atOp) return [...mnemonicItems(replace, word), ...macroItems(a, replace)];
  const op = st!.op!.text.toLowerCase();
  const m = MNEMONICS.get(op);
  const index = st!.operands.filter((o) => o.end < col && text.slice(o.end, col).includes(',')).length;
  if (!m) return op.startsWith('.') ? symbolItems(a, replace) : [];
  const kinds = m.forms.map((f) => f.operands[index]).filter((k): k is OperandKind => !!k);
  return itemsFor(a, kinds, replace, /\(\s*[\w]*$/.test(before));
}

function mnemonicItems(replace: Item['replace'], word: string): Item[] {
  const items: Item[] = [];
  if (word.startsWith('.')) {
    for (const d of DIRECTIVES) items.push({ label: d.name, kind: 'directive', detail: d.args, documentation: d.doc, snippet: d.args ? `${d.name} $0` : undefined, replace });
    return items;
  }
  for (const m of MNEMONICS.values()) items.push(mnemonicItem(m, replace));
  return items;
}

function mnemonicItem(m: Mnemonic, replace: Item['replace']): Item {
  const form = m.forms[0];
  let n = 0;
  const placeholders = form.text.replace(/[A-Za-z_][\w']*/g, (w) => `\${${++n}:${w}}`);
  return {
    label: m.name, kind: m.pseudo ? 'pseudo' : 'instruction', detail: `${m.name} ${form.text}`.trim(),
    documentation: m.doc, snippet: form.text ? `${m.name} ${placeholders}` : undefined, replace,
  };
}

function macroItems(a: Analysis, replace: Item['replace']): Item[] {
  return [...a.symbols.byName.values()].flat().filter((d) => d.kind === 'macro')
    .map((d) => ({ label: d.name, kind: 'macro' as const, detail: `macro (line ${d.line + 1})`, replace }));
}

function symbolItems(a: Analysis, replace: Item['replace']): Item[] {
  const seen = new Set<string>();
  const items: Item[] = [];
  for (const d of a.symbols.definitions) {
    if (d.kind === 'local' || d.kind === 'macro' || seen.has(d.name)) continue;
    seen.add(d.name);
    items.push({ label: d.name, kind: d.kind === 'label' ? 'label' : 'constant', detail: `${d.kind} (line ${d.line + 1})`, replace });
  }
  return items;
}

function registerItems(file: 'x' | 'f', replace: Item['replace']): Item[] {
  return registerNames(file).filter((n) => !/^[xf]\d/.test(n) || n === 'x0').map((name) => {
    const r = registerByName(name)!;
    return { label: name, kind: 'register' as const, detail: `${r.file}${r.num}: ${r.role}${r.saver ? ` (${r.saver}-saved)` : ''}`, replace };
  });
}

function itemsFor(a: Analysis, kinds: OperandKind[], replace: Item['replace'], inParens: boolean): Item[] {
  const items = new Map<string, Item>();
  const add = (list: Item[]): void => { for (const i of list) if (!items.has(i.label)) items.set(i.label, i); };
  for (const k of kinds) {
    if (k.kind === 'reg') add(registerItems(k.file, replace));
    else if (k.kind === 'mem') add(inParens ? registerItems('x', replace) : symbolItems(a, replace).filter((i) => i.kind === 'constant'));
    else if (k.kind === 'csr') add(allCsrNames().map(([num, name]) => ({ label: name, kind: 'csr' as const, detail: `CSR 0x${num.toString(16)}`, replace })));
    else if (k.kind === 'target' || k.kind === 'symbol') add(symbolItems(a, replace));
    else if (k.kind === 'imm') add(symbolItems(a, replace).filter((i) => i.kind === 'constant'));
    else if (k.kind === 'rm') add(Object.entries(ROUNDING_MODES).map(([name, doc]) => ({ label: name, kind: 'keyword' as const, detail: doc, replace })));
    else if (k.kind === 'fence') add(['iorw', 'rw', 'r', 'w', 'i', 'o', 'io'].map((s) => ({ label: s, kind: 'keyword' as const, detail: 'fence set', replace })));
  }
  return [...items.values()];
}
