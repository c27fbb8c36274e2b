// The symbols of one file: where each label, .equ/.set constant, macro and #define is
// defined, every reference to them (numeric labels resolved to the `1:` that `1b`/`1f` means),
// the sections and the .globl declarations. Go to definition, find references, the outline
// and the undefined-symbol diagnostics read this table.
import type { Token } from './lexer.js';
import type { ParsedDocument, Span, Statement } from './parser.js';

export type DefinitionKind = 'label' | 'local' | 'constant' | 'macro' | 'define' | 'common';

export interface Definition extends Span {
  name: string;
  kind: DefinitionKind;
  /** The expression a constant or #define stands for. */
  value?: Token[];
  /** Index of the defining statement (for "defined before this point" questions). */
  order: number;
}

export interface Reference extends Span {
  name: string;
  /** What it refers to; several for a symbol that is .set more than once. */
  definitions: Definition[];
  localRef: boolean;
}

export interface Section extends Span { name: string; order: number }

export interface SymbolTable {
  definitions: Definition[];
  byName: Map<string, Definition[]>;
  references: Reference[];
  globals: Map<string, Span>;
  sections: Section[];
}

const CONSTANT_DIRECTIVES = new Set(['.equ', '.set', '.equiv', '.eqv']);
const SECTION_DIRECTIVES = new Set(['.section', '.pushsection']);
const SIMPLE_SECTIONS = new Set(['.text', '.data', '.bss']);
const GLOBAL_DIRECTIVES = new Set(['.globl', '.global']);

/** The order of a position: statements are numbered, and cpp lines fall between them. */
const orderOf = (doc: ParsedDocument, line: number): number => {
  const i = doc.statements.findIndex((s) => s.line >= line);
  return i < 0 ? doc.statements.length : i;
};

export function buildSymbols(doc: ParsedDocument): SymbolTable {
  const table: SymbolTable = { definitions: [], byName: new Map(), references: [], globals: new Map(), sections: [] };
  const define = (def: Definition): void => {
    table.definitions.push(def);
    if (def.kind === 'local') return;
    const list = table.byName.get(def.name) ?? [];
    list.push(def);
    table.byName.set(def.name, list);
  };
  for (const c of doc.cpp) {
    const name = c.tokens[0];
    if (c.directive === 'define' && name?.kind === 'ident') {
      const functionLike = c.tokens[1]?.text === '(' && c.tokens[1].start === name.end;
      define({ name: name.text, kind: 'define', line: c.line, start: name.start, end: name.end,
        value: functionLike ? undefined : c.tokens.slice(1), order: orderOf(doc, c.line) });
    }
  }
  doc.statements.forEach((st, order) => {
    for (const l of st.labels) define({ name: l.name, kind: l.numeric ? 'local' : 'label', line: l.line, start: l.start, end: l.end, order });
    definitionsOf(st, order).forEach(define);
    const op = st.op?.text.toLowerCase();
    if (op && (SECTION_DIRECTIVES.has(op) || SIMPLE_SECTIONS.has(op))) {
      const name = SIMPLE_SECTIONS.has(op) ? op : st.operands[0]?.text.replace(/^"|"$/g, '') ?? '';
      table.sections.push({ name, line: st.line, start: st.op!.start, end: st.operands[0]?.end ?? st.op!.end, order });
    }
    if (op && GLOBAL_DIRECTIVES.has(op)) {
      for (const o of st.operands) if (o.tokens.length === 1) table.globals.set(o.text, o);
    }
  });
  doc.statements.forEach((st, order) => {
    const own = definitionsOf(st, order);
    const tokens = st.operands.flatMap((o) => o.tokens);
    if (st.op && st.kind === 'instruction' && table.byName.get(st.op.text)?.some((d) => d.kind === 'macro' || d.kind === 'define')) tokens.unshift(st.op);
    for (const t of tokens) {
      if (t.kind === 'localRef') {
        table.references.push({ name: t.text, line: t.line, start: t.start, end: t.end, localRef: true, definitions: resolveLocal(table, t) });
      } else if (t.kind === 'ident' && table.byName.has(t.text) && !own.some((d) => d.start === t.start && d.line === t.line)) {
        table.references.push({ name: t.text, line: t.line, start: t.start, end: t.end, localRef: false, definitions: table.byName.get(t.text)! });
      }
    }
  });
  return table;
}

/** The constants, macros and common symbols a statement defines (labels aside). */
function definitionsOf(st: Statement, order: number): Definition[] {
  const first = st.operands[0]?.tokens[0];
  const op = st.op?.text.toLowerCase();
  if (st.kind === 'assignment' && st.op) {
    return [{ name: st.op.text, kind: 'constant', line: st.line, start: st.op.start, end: st.op.end, value: st.operands[0]?.tokens, order }];
  }
  if (!op || !first || first.kind !== 'ident') return [];
  const at = { line: st.line, start: first.start, end: first.end, order, name: first.text };
  if (CONSTANT_DIRECTIVES.has(op)) return [{ ...at, kind: 'constant', value: st.operands[1]?.tokens }];
  if (op === '.macro') return [{ ...at, kind: 'macro' }];
  if (op === '.comm' || op === '.lcomm' || op === '.tls_common') return [{ ...at, kind: 'common' }];
  return [];
}

/** `1b`: the last `1:` before the reference; `1f`: the first `1:` after it. */
export function resolveLocal(table: SymbolTable, t: Token): Definition[] {
  const name = t.text.slice(0, -1);
  const forward = /[fF]$/.test(t.text);
  const before = (d: Definition): boolean => d.line < t.line || (d.line === t.line && d.start < t.start);
  const candidates = table.definitions.filter((d) => d.kind === 'local' && d.name === name);
  const found = forward ? candidates.find((d) => !before(d)) : candidates.filter(before).pop();
  return found ? [found] : [];
}

const within = (s: Span, line: number, col: number): boolean => s.line === line && col >= s.start && col <= s.end;

/** The symbol under the cursor: its definitions and every reference to them. */
export function symbolAt(table: SymbolTable, line: number, col: number): { definitions: Definition[]; references: Reference[] } | undefined {
  const ref = table.references.find((r) => within(r, line, col));
  const def = table.definitions.find((d) => within(d, line, col));
  const definitions = ref ? ref.definitions : def ? (def.kind === 'local' ? [def] : table.byName.get(def.name) ?? [def]) : [];
  if (definitions.length === 0) return ref ? { definitions: [], references: [ref] } : undefined;
  const references = table.references.filter((r) => r.definitions.some((d) => definitions.includes(d)));
  return { definitions, references };
}
