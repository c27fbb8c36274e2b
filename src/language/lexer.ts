// Splits assembly source into tokens, line by line, the way GNU as reads RISC-V source: `#`
// starts a comment anywhere on a line, `/* */` comments may span lines, `;` separates
// statements. `//` is a comment only where the C preprocessor runs first (`.S` files); in a
// `.s` file the lexer reports it so that diagnostics can say so.

export type TokenKind =
  | 'ident'     // a symbol, mnemonic, directive or register name: [A-Za-z_.$][\w.$]*
  | 'number'    // 0x1f, 0b101, 017, 42, and floating literals such as 0f1.5
  | 'localRef'  // 1b, 2f: the nearest numeric label backward or forward
  | 'char'      // 'a
  | 'string'    // "text"
  | 'reloc'     // %hi, %pcrel_lo...
  | 'macroArg'  // \name inside .macro and .irp bodies
  | 'punct';    // operators, parentheses, commas, colons, semicolons, and anything else

export interface Token {
  kind: TokenKind;
  text: string;
  line: number;
  start: number; // column of the first character
  end: number;   // column after the last character
}

export interface LexedLine {
  tokens: Token[];
  /** The column where a `//` comment starts in a file without the C preprocessor. */
  slashComment?: number;
  /** This line is a C preprocessor directive (or continues one): #include, #define, #if... */
  cpp?: { directive: string; start: number; end: number };
}

const CPP_DIRECTIVES = new Set(['include', 'define', 'undef', 'if', 'ifdef', 'ifndef', 'elif', 'else', 'endif',
  'error', 'warning', 'pragma', 'line', 'include_next']);

const TOKEN_RULES: [TokenKind, RegExp][] = [
  ['number', /0[xX][0-9a-fA-F]+(?![\w.$])/y],
  ['number', /0[bB][01]+(?![\w.$])/y],
  ['number', /0[fFdDeE][-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?/y],
  ['localRef', /\d+[bfBF](?![\w.$])/y],
  ['number', /\d+(?![\w.$])/y],
  ['ident', /[A-Za-z_.$][\w.$]*/y],
  ['string', /"(?:[^"\\]|\\.)*"?/y],
  ['char', /'(?:\\.|[^\\])'?/y],
  ['reloc', /%[A-Za-z_][\w]*/y],
  ['macroArg', /\\(?:[A-Za-z_@][\w@]*|\(\))?/y],
  ['punct', /<<|>>|==|!=|<>|<=|>=|&&|\|\||\S/y],
];

/** Lex a whole document. `cpp` says whether the C preprocessor runs first (a `.S` file). */
export function lex(text: string, cpp: boolean): LexedLine[] {
  const lines = text.split(/\r?\n/);
  const out: LexedLine[] = [];
  let inBlock = false;   // inside /* */
  let cppCont = false;   // the previous line was a preprocessor directive ending in a backslash
  for (let ln = 0; ln < lines.length; ln++) {
    const src = lines[ln];
    const lexed: LexedLine = { tokens: [] };
    out.push(lexed);
    if (cppCont) {
      lexed.cpp = { directive: '', start: 0, end: 0 };
      cppCont = /\\\s*$/.test(src);
      continue;
    }
    if (cpp && !inBlock) {
      const m = /^\s*#\s*([A-Za-z_]+)/.exec(src);
      if (m && CPP_DIRECTIVES.has(m[1])) {
        const start = m.index + m[0].length - m[1].length;
        lexed.cpp = { directive: m[1], start, end: start + m[1].length };
        lexed.tokens = lexRange(src, ln, start + m[1].length, src.length, cpp, lexed, () => false);
        cppCont = /\\\s*$/.test(src);
        continue;
      }
    }
    let col = 0;
    while (col < src.length) {
      if (inBlock) {
        const close = src.indexOf('*/', col);
        if (close < 0) { col = src.length; break; }
        inBlock = false;
        col = close + 2;
        continue;
      }
      const open = findBlockStart(src, col);
      const end = open < 0 ? src.length : open;
      let stopped = false;
      lexed.tokens.push(...lexRange(src, ln, col, end, cpp, lexed, () => { stopped = true; return true; }));
      if (stopped || open < 0) break;
      inBlock = true;
      col = open + 2;
    }
  }
  return out;
}

/** Where the next `/*` outside a string or a line comment starts, or -1. */
function findBlockStart(src: string, from: number): number {
  let quote = false;
  for (let i = from; i < src.length; i++) {
    const c = src[i];
    if (quote) { if (c === '\\') i++; else if (c === '"') quote = false; continue; }
    if (c === '"') quote = true;
    else if (c === '#') return -1;
    else if (c === '/' && src[i + 1] === '*') return i;
  }
  return -1;
}

/** Tokens between two columns; a `#` (or `//`) ends the line and calls `onComment`. */
function lexRange(src: string, line: number, from: number, to: number, cpp: boolean, lexed: LexedLine,
  onComment: () => boolean): Token[] {
  const tokens: Token[] = [];
  let col = from;
  while (col < to) {
    const c = src[col];
    if (c === ' ' || c === '\t' || c === '\f' || c === '\v') { col++; continue; }
    if (c === '#') { onComment(); break; }
    if (c === '/' && src[col + 1] === '/') {
      if (!cpp) lexed.slashComment = col;
      onComment();
      break;
    }
    const t = next(src, col, to, line);
    tokens.push(t);
    col = t.end;
  }
  return tokens;
}

function next(src: string, col: number, to: number, line: number): Token {
  const text = src.slice(0, to);
  for (const [kind, re] of TOKEN_RULES) {
    re.lastIndex = col;
    const m = re.exec(text);
    if (m && m[0].length > 0) return { kind, text: m[0], line, start: col, end: col + m[0].length };
  }
  return { kind: 'punct', text: src[col], line, start: col, end: col + 1 };
}
