// What sits at a position of an analyzed file: the statement, and the token under the cursor
// with its role (the mnemonic or directive, an operand token, a label definition). Hover,
// completion and go-to-definition start here.
import type { Analysis } from './analysis.js';
import type { Token } from './lexer.js';
import type { Label, Statement } from './parser.js';

export type Target =
  | { role: 'op'; st: Statement; token: Token }
  | { role: 'operand'; st: Statement; token: Token; index: number }
  | { role: 'label'; st: Statement; label: Label }
  | { role: 'cpp'; token: Token };

const inside = (s: { start: number; end: number }, col: number): boolean => col >= s.start && col <= s.end;

export function statementAt(a: Analysis, line: number, col: number): Statement | undefined {
  const onLine = a.doc.statements.filter((s) => s.line === line);
  // Statements split by `;` share a line: take the last one starting before the cursor.
  return onLine.filter((s) => (s.labels[0]?.start ?? s.op?.start ?? 0) <= col).pop() ?? onLine[0];
}

export function targetAt(a: Analysis, line: number, col: number): Target | undefined {
  const cpp = a.doc.cpp.find((c) => c.line === line);
  if (cpp) {
    const token = cpp.tokens.find((t) => inside(t, col));
    return token ? { role: 'cpp', token } : undefined;
  }
  for (const st of a.doc.statements.filter((s) => s.line === line)) {
    const label = st.labels.find((l) => inside(l, col));
    if (label) return { role: 'label', st, label };
    if (st.op && inside(st.op, col)) return { role: 'op', st, token: st.op };
    for (const [index, o] of st.operands.entries()) {
      const token = o.tokens.find((t) => inside(t, col));
      if (token) return { role: 'operand', st, token, index };
    }
  }
  return undefined;
}
