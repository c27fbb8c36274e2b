// Diagnostics: what GNU as would reject, found without running it, each on the columns at
// fault. Statements are checked in order, so that a constant is known only after its .equ,
// as in as. Macro bodies, and lines with macro arguments, mean nothing until expanded and are
// left alone; so are invocations of macros.
import type { Analysis } from './analysis.js';
import { evaluate, type Resolve, type Value } from './expression.js';
import { MNEMONICS, type Form, type Mnemonic } from './instructions.js';
import type { Token } from './lexer.js';
import { check, type OperandKind, type Problem } from './operands.js';
import type { Statement } from './parser.js';
import { DIRECTIVE_BY_NAME } from './directives.js';
import { registerByName } from './registers.js';
import { resolveLocal, type SymbolTable } from './symbols.js';

export type Severity = 'error' | 'warning' | 'information';

export interface AsmDiagnostic {
  line: number;
  start: number;
  end: number;
  message: string;
  severity: Severity;
}

const IF_DIRECTIVES = new Set(['.if', '.ifdef', '.ifndef', '.ifnotdef', '.ifeq', '.ifne', '.ifgt', '.ifge', '.iflt', '.ifle',
  '.ifb', '.ifnb', '.ifc', '.ifnc', '.ifeqs', '.ifnes']);
const REPEAT_DIRECTIVES = new Set(['.irp', '.irpc', '.rept']);

export function diagnose(a: Analysis): AsmDiagnostic[] {
  const out: AsmDiagnostic[] = [];
  const { doc, symbols } = a;
  const report = (p: Problem, line: number, severity: Severity = 'error'): void => { out.push({ ...p, line, severity }); };

  for (const s of doc.slashComments) {
    report({ ...s, message: '`//` is not a comment for GNU as on RISC-V: use `#` (or name the file .S, so that the C preprocessor removes it)' }, s.line);
  }

  const skipped = cppSkippedLines(a);
  const constants = new Map<string, Value>();
  let macroDepth = 0;
  let repeatDepth = 0;
  // One entry per open .if: true while its current branch is skipped, undefined when unknown.
  const conditions: (boolean | undefined)[] = [];
  const labelsSeen = new Map<string, number>();

  doc.statements.forEach((st, order) => {
    const op = st.op?.text.toLowerCase();
    if (skipped.has(st.line)) return;
    if (op === '.endm') { macroDepth = Math.max(0, macroDepth - 1); return; }
    if (macroDepth > 0) { if (op === '.macro') macroDepth++; return; }
    if (op === '.endif') { conditions.pop(); return; }
    if (op === '.else' || op === '.elseif') {
      const c = conditions.pop();
      conditions.push(c === undefined ? undefined : !c);
      return;
    }
    const skipping = conditions.some((c) => c === true);
    if (op && IF_DIRECTIVES.has(op)) { conditions.push(skipping || conditionFalse(op, st, resolver(a, order, constants))); return; }
    if (skipping) return;
    if (op === '.macro') { macroDepth++; return; }
    if (op && REPEAT_DIRECTIVES.has(op)) repeatDepth++;
    if (op === '.endr') repeatDepth = Math.max(0, repeatDepth - 1);

    if (conditions.length === 0 && repeatDepth === 0) {
      for (const l of st.labels.filter((x) => !x.numeric)) {
        const prev = labelsSeen.get(l.name);
        if (prev !== undefined && !hasCppConditionals(a)) report({ start: l.start, end: l.end, message: `\`${l.name}\` is already defined on line ${prev + 1}` }, st.line);
        labelsSeen.set(l.name, st.line);
      }
    }
    for (const o of st.operands) {
      for (const t of o.tokens) {
        if (t.kind === 'localRef' && !st.hasMacroArg && resolveLocal(symbols, t).length === 0) {
          const n = t.text.slice(0, -1);
          report({ start: t.start, end: t.end, message: /[fF]$/.test(t.text) ? `no label \`${n}:\` after this point` : `no label \`${n}:\` before this point` }, st.line);
        }
      }
    }
    if (st.hasMacroArg || !st.op) return;
    const resolve = resolver(a, order, constants);
    if (st.kind === 'assignment') { constants.set(st.op.text, st.operands[0] ? evaluate(st.operands[0].tokens, resolve) : { kind: 'unknown' }); return; }
    if (st.kind === 'directive') { checkDirective(st, resolve, constants, report); return; }
    if (isMacroName(symbols, st.op.text)) return;
    checkInstruction(st, resolve, symbols, a.doc.preprocessed, report);
  });
  return out;
}

function checkDirective(st: Statement, resolve: Resolve, constants: Map<string, Value>, report: (p: Problem, line: number, s?: Severity) => void): void {
  const op = st.op!;
  const name = op.text.toLowerCase();
  if (!DIRECTIVE_BY_NAME.has(name) && !name.startsWith('.cfi_')) {
    report({ start: op.start, end: op.end, message: `unknown directive \`${op.text}\`` }, st.line);
    return;
  }
  if (['.equ', '.set', '.equiv', '.eqv'].includes(name)) {
    const [sym, value] = st.operands;
    if (st.operands.length !== 2 || sym.tokens.length !== 1 || sym.tokens[0].kind !== 'ident') {
      report({ start: op.start, end: st.operands.at(-1)?.end ?? op.end, message: `${name} expects a symbol and an expression` }, st.line);
      return;
    }
    constants.set(sym.text, evaluate(value.tokens, resolve));
  }
}

function checkInstruction(st: Statement, resolve: Resolve, symbols: SymbolTable, preprocessed: boolean,
  report: (p: Problem, line: number, s?: Severity) => void): void {
  const op = st.op!;
  const m = MNEMONICS.get(op.text.toLowerCase());
  if (!m) {
    const near = suggest(op.text.toLowerCase());
    report({ start: op.start, end: op.end, message: `unknown instruction \`${op.text}\`${near ? `: did you mean \`${near}\`?` : ''}` }, st.line);
    return;
  }
  const n = st.operands.length;
  const fits = m.forms.filter((f) => f.operands.length === n);
  if (fits.length === 0 && n === 0 && m.forms.some((f) => f.operands.length === 1 && f.operands[0].kind === 'target')) {
    // GNU as takes the missing target for offset 0: legal, but a jump to itself.
    report({ start: op.start, end: op.end, message: `\`${m.name}\` without a target: as jumps to offset 0, the instruction itself` }, st.line, 'warning');
    return;
  }
  if (fits.length === 0) {
    const wanted = describeForms(m);
    const most = Math.max(...m.forms.map((f) => f.operands.length));
    const span = n > most
      ? { start: st.operands[most].start, end: st.operands[n - 1].end }
      : { start: op.start, end: n ? st.operands[n - 1].end : op.end };
    report({ ...span, message: `\`${m.name}\` takes ${wanted}; ${n === 0 ? 'no operands were' : n === 1 ? '1 operand was' : `${n} operands were`} given` }, st.line);
    return;
  }
  // When no form fits, report for the one that got furthest, preferring a form whose failing
  // slot wants what the operand looks like (a register where a register was written).
  let best: { problem: Problem; score: number } | undefined;
  let matched: Form | undefined;
  for (const f of fits) {
    const at = f.operands.findIndex((k, i) => check(k, st.operands[i], resolve) !== undefined);
    if (at < 0) { matched = f; break; }
    const looksLikeReg = st.operands[at].tokens.length === 1 && !!registerByName(st.operands[at].text);
    const score = at * 2 + ((f.operands[at].kind === 'reg') === looksLikeReg ? 1 : 0);
    if (!best || score > best.score) best = { problem: check(f.operands[at], st.operands[at], resolve)!, score };
  }
  if (!matched) { report(best!.problem, st.line); return; }
  matched.operands.forEach((k, i) => undefinedSymbols(k, st.operands[i].tokens, symbols, preprocessed, (p) => report(p, st.line, 'information')));
}

/** Symbols a target or address refers to that this file never defines: the linker must. */
function undefinedSymbols(k: OperandKind, tokens: Token[], symbols: SymbolTable, preprocessed: boolean, report: (p: Problem) => void): void {
  if (k.kind !== 'target' && k.kind !== 'symbol') return;
  for (const t of tokens) {
    if (t.kind !== 'ident' || t.text === '.' || symbols.byName.has(t.text)) continue;
    if (registerByName(t.text)) report({ start: t.start, end: t.end, message: `\`${t.text}\` is a register name, taken here as a symbol` });
    else if (!(preprocessed && isMacroLike(t.text))) report({ start: t.start, end: t.end, message: `\`${t.text}\` is not defined in this file: the linker has to supply it` });
  }
}

const isMacroLike = (name: string): boolean => /^[A-Z_][A-Z0-9_]*$/.test(name);
const isMacroName = (symbols: SymbolTable, name: string): boolean =>
  symbols.byName.get(name)?.some((d) => d.kind === 'macro' || d.kind === 'define') ?? false;
const hasCppConditionals = (a: Analysis): boolean => a.doc.cpp.some((c) => c.directive.startsWith('if'));

/** What symbols mean at statement `order`: constants only once defined, labels are addresses. */
function resolver(a: Analysis, order: number, constants: Map<string, Value>, depth = 0): Resolve {
  return (t: Token): Value => {
    if (t.kind === 'localRef') return resolveLocal(a.symbols, t).length ? { kind: 'symbolic', symbol: t } : { kind: 'unknown' };
    if (t.text === '.') return { kind: 'symbolic', symbol: t };
    const known = constants.get(t.text);
    if (known) return known;
    const defs = a.symbols.byName.get(t.text) ?? [];
    const define = defs.find((d) => d.kind === 'define' && d.order <= order);
    if (define) return define.value && depth < 8 ? evaluate(define.value, resolver(a, order, constants, depth + 1)) : { kind: 'unknown' };
    if (defs.some((d) => d.kind === 'constant' && d.order < order)) return { kind: 'unknown' };
    if (defs.length === 0 && a.doc.preprocessed && isMacroLike(t.text)) return { kind: 'unknown' };
    return { kind: 'symbolic', symbol: t };
  };
}

/** Whether an .if-family condition is known to be false (so its block is skipped). */
function conditionFalse(op: string, st: Statement, resolve: Resolve): boolean | undefined {
  if (!['.if', '.ifne', '.ifeq'].includes(op) || st.operands.length !== 1) return undefined;
  const v = evaluate(st.operands[0].tokens, resolve);
  if (v.kind !== 'const') return undefined;
  return op === '.ifeq' ? v.value !== 0n : v.value === 0n;
}

/** Lines inside `#if 0` blocks, which the preprocessor drops. */
function cppSkippedLines(a: Analysis): Set<number> {
  const skipped = new Set<number>();
  const stack: boolean[] = [];
  const cppByLine = new Map(a.doc.cpp.map((c) => [c.line, c]));
  for (let line = 0; line < a.doc.lines.length; line++) {
    const c = cppByLine.get(line);
    if (c?.directive.startsWith('if')) stack.push(c.directive === 'if' && c.tokens.length === 1 && c.tokens[0].text === '0');
    else if (c?.directive === 'else' || c?.directive === 'elif') { if (stack.length) stack[stack.length - 1] = false; }
    else if (c?.directive === 'endif') stack.pop();
    else if (stack.some((x) => x)) skipped.add(line);
  }
  return skipped;
}

function describeForms(m: Mnemonic): string {
  const byCount = new Map<number, string[]>();
  for (const f of m.forms) byCount.set(f.operands.length, [...(byCount.get(f.operands.length) ?? []), f.text]);
  return [...byCount].sort((x, y) => x[0] - y[0])
    .map(([n, texts]) => n === 0 ? 'no operands' : `${n} operand${n > 1 ? 's' : ''} (${texts.join(' or ')})`).join(', or ');
}

/** The known mnemonic nearest in spelling, if it is near enough to be a typo. */
function suggest(name: string): string | undefined {
  let best: string | undefined, bestD = 3;
  for (const k of MNEMONICS.keys()) {
    const d = distance(name, k);
    if (d < bestD) { best = k; bestD = d; }
  }
  return best;
}

function distance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 99;
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length];
}
