// Reads lexed lines into statements: the labels a statement defines, then an instruction, a
// directive or a `name = expr` assignment, with its operands split at top-level commas. The
// analysis, hovers and completions all work from these statements.
import { lex, type Token } from './lexer.js';

export interface Span { line: number; start: number; end: number }

export interface Label extends Span {
  name: string;
  /** A numeric local label (`1:`), referred to as 1b or 1f. */
  numeric: boolean;
}

export interface Operand extends Span {
  tokens: Token[];
  text: string;
}

export interface Statement {
  line: number;
  labels: Label[];
  /** The mnemonic, directive (starting with `.`) or assigned symbol. */
  op?: Token;
  kind: 'instruction' | 'directive' | 'assignment' | 'empty';
  operands: Operand[];
  /** Whether an operand holds a macro argument (`\n`), so it means nothing until expanded. */
  hasMacroArg: boolean;
}

export interface CppLine {
  line: number;
  directive: string;
  tokens: Token[];
}

export interface ParsedDocument {
  lines: string[];
  statements: Statement[];
  cpp: CppLine[];
  /** Lines with a `//` that GNU as does not take for a comment (column of the slashes). */
  slashComments: Span[];
  /** Whether the C preprocessor runs first (a .S file). */
  preprocessed: boolean;
}

export function parse(text: string, preprocessed: boolean): ParsedDocument {
  const lines = text.split(/\r?\n/);
  const doc: ParsedDocument = { lines, statements: [], cpp: [], slashComments: [], preprocessed };
  lex(text, preprocessed).forEach((lexed, line) => {
    if (lexed.slashComment !== undefined) {
      doc.slashComments.push({ line, start: lexed.slashComment, end: lines[line].length });
    }
    if (lexed.cpp) {
      doc.cpp.push({ line, directive: lexed.cpp.directive, tokens: lexed.tokens });
      return;
    }
    for (const part of splitAt(lexed.tokens, ';')) doc.statements.push(statement(part, line, lines[line]));
  });
  return doc;
}

function splitAt(tokens: Token[], sep: string): Token[][] {
  const parts: Token[][] = [[]];
  for (const t of tokens) {
    if (t.kind === 'punct' && t.text === sep) parts.push([]);
    else parts[parts.length - 1].push(t);
  }
  return parts;
}

function statement(tokens: Token[], line: number, src: string): Statement {
  const st: Statement = { line, labels: [], kind: 'empty', operands: [], hasMacroArg: false };
  let i = 0;
  // Labels: `name:` or `1:`, possibly several.
  while (i + 1 < tokens.length && isColon(tokens[i + 1]) && (tokens[i].kind === 'ident' || isDecimal(tokens[i]))) {
    const t = tokens[i];
    st.labels.push({ name: t.text, numeric: t.kind === 'number', line, start: t.start, end: t.end });
    i += 2;
  }
  if (i >= tokens.length) return st;
  st.op = tokens[i];
  const rest = tokens.slice(i + 1);
  if (rest.length > 0 && rest[0].kind === 'punct' && rest[0].text === '=') {
    st.kind = 'assignment';
    st.operands = operands(rest.slice(1), line, src);
  } else {
    st.kind = st.op.text.startsWith('.') ? 'directive' : 'instruction';
    st.operands = operands(rest, line, src);
  }
  st.hasMacroArg = tokens.some((t) => t.kind === 'macroArg');
  return st;
}

const isColon = (t: Token): boolean => t.kind === 'punct' && t.text === ':';
const isDecimal = (t: Token): boolean => t.kind === 'number' && /^\d+$/.test(t.text);

/** Split at commas outside parentheses. An empty operand (`a0,,a1`) keeps its place. */
function operands(tokens: Token[], line: number, src: string): Operand[] {
  if (tokens.length === 0) return [];
  const out: Operand[] = [];
  let depth = 0;
  let cur: Token[] = [];
  let start = tokens[0].start;
  const flush = (end: number): void => {
    const s = cur.length ? cur[0].start : start, e = cur.length ? cur[cur.length - 1].end : end;
    out.push({ tokens: cur, line, start: s, end: e, text: src.slice(s, e) });
  };
  for (const t of tokens) {
    if (t.kind === 'punct' && (t.text === '(' || t.text === ')')) depth += t.text === '(' ? 1 : -1;
    if (t.kind === 'punct' && t.text === ',' && depth <= 0) {
      flush(t.start);
      cur = [];
      start = t.end;
      continue;
    }
    cur.push(t);
  }
  flush(start);
  return out;
}
