// GNU as expressions over operand tokens: numbers, characters, symbols, numeric label
// references, `.`, unary - ~ !, the binary operators at as's four precedence levels (as manual,
// "Infix Operators"), parentheses and relocation functions such as %hi(sym). The result says
// whether the value is a constant known here, an address the linker fills in, or neither.
import type { Token } from './lexer.js';

export type Value =
  | { kind: 'const'; value: bigint }
  /** Involves a label or an undefined symbol: not a constant at assembly time. */
  | { kind: 'symbolic'; symbol: Token }
  /** A relocation function (%hi, %pcrel_lo...) around an expression. */
  | { kind: 'reloc'; op: string; token: Token }
  /** Cannot be told from this file (a macro, an .equ of something unknown): no complaint. */
  | { kind: 'unknown' }
  | { kind: 'error'; message: string; token?: Token };

/** What a symbol means at this point of the file. */
export type Resolve = (t: Token) => Value;

const LEVELS: string[][] = [
  ['||', '&&'],
  ['+', '-', '==', '!=', '<>', '<', '>', '<=', '>='],
  ['|', '&', '^', '!'],
  ['*', '/', '%', '<<', '>>'],
];

const wrap = (v: bigint): bigint => BigInt.asIntN(64, v);
const konst = (value: bigint): Value => ({ kind: 'const', value: wrap(value) });

export function evaluate(tokens: Token[], resolve: Resolve): Value {
  if (tokens.length === 0) return { kind: 'error', message: 'missing expression' };
  let pos = 0;
  const peek = (): Token | undefined => tokens[pos];
  const isOp = (t: Token | undefined, ops: string[]): boolean => !!t && t.kind === 'punct' && ops.includes(t.text);

  const binary = (level: number): Value => {
    if (level === LEVELS.length) return unary();
    let left = binary(level + 1);
    while (isOp(peek(), LEVELS[level])) {
      const op = tokens[pos++];
      const right = binary(level + 1);
      left = combine(op, left, right);
    }
    return left;
  };

  const unary = (): Value => {
    const t = peek();
    if (isOp(t, ['-', '~', '!', '+'])) {
      pos++;
      const v = unary();
      if (v.kind !== 'const') return v.kind === 'error' || v.kind === 'reloc' ? v : { kind: 'unknown' };
      switch (t!.text) {
        case '-': return konst(-v.value);
        case '~': return konst(~v.value);
        case '!': return konst(v.value === 0n ? 1n : 0n);
        default: return v;
      }
    }
    return primary();
  };

  const primary = (): Value => {
    const t = tokens[pos++];
    if (!t) return { kind: 'error', message: 'expression ends too early', token: tokens[tokens.length - 1] };
    switch (t.kind) {
      case 'number': {
        if (/^0[fFdDeE]./.test(t.text)) return { kind: 'unknown' }; // a floating literal
        const n = parseNumber(t.text);
        return n >> 64n ? { kind: 'error', message: `${t.text} does not fit in 64 bits`, token: t } : konst(n);
      }
      case 'char': return konst(BigInt(charCode(t.text)));
      case 'ident': case 'localRef': return resolve(t);
      case 'macroArg': return { kind: 'unknown' };
      case 'reloc': {
        if (!isOp(peek(), ['('])) return { kind: 'error', message: `${t.text} needs a parenthesized operand`, token: t };
        pos++;
        const inner = binary(0);
        if (!isOp(peek(), [')'])) return { kind: 'error', message: 'missing )', token: t };
        pos++;
        return inner.kind === 'error' ? inner : { kind: 'reloc', op: t.text.slice(1), token: t };
      }
      case 'punct':
        if (t.text === '(') {
          const v = binary(0);
          if (!isOp(peek(), [')'])) return { kind: 'error', message: 'missing )', token: t };
          pos++;
          return v;
        }
        return { kind: 'error', message: `unexpected \`${t.text}\``, token: t };
      default:
        return { kind: 'error', message: `unexpected ${t.text}`, token: t };
    }
  };

  const v = binary(0);
  if (v.kind === 'error') return v;
  if (pos < tokens.length) return { kind: 'error', message: `unexpected \`${tokens[pos].text}\``, token: tokens[pos] };
  return v;
}

function combine(op: Token, a: Value, b: Value): Value {
  if (a.kind === 'error') return a;
  if (b.kind === 'error') return b;
  if (a.kind === 'reloc') return a;
  if (b.kind === 'reloc') return b;
  if (a.kind === 'const' && b.kind === 'const') return arith(op, a.value, b.value);
  // An address plus or minus a constant is still an address.
  if (a.kind === 'symbolic' && b.kind === 'const' && (op.text === '+' || op.text === '-')) return a;
  if (a.kind === 'const' && b.kind === 'symbolic' && op.text === '+') return b;
  return { kind: 'unknown' };
}

function arith(op: Token, x: bigint, y: bigint): Value {
  const bool = (c: boolean): Value => konst(c ? -1n : 0n); // as's comparisons give -1 for true
  switch (op.text) {
    case '+': return konst(x + y);
    case '-': return konst(x - y);
    case '*': return konst(x * y);
    case '/': case '%':
      if (y === 0n) return { kind: 'error', message: 'division by zero', token: op };
      return konst(op.text === '/' ? x / y : x % y);
    case '<<': return konst(y >= 64n || y < 0n ? 0n : x << y);
    case '>>': return konst(y >= 64n || y < 0n ? 0n : x >> y);
    case '|': return konst(x | y);
    case '&': return konst(x & y);
    case '^': return konst(x ^ y);
    case '!': return konst(x | ~y);
    case '==': return bool(x === y);
    case '!=': case '<>': return bool(x !== y);
    case '<': return bool(x < y);
    case '>': return bool(x > y);
    case '<=': return bool(x <= y);
    case '>=': return bool(x >= y);
    case '&&': return konst(x !== 0n && y !== 0n ? 1n : 0n);
    case '||': return konst(x !== 0n || y !== 0n ? 1n : 0n);
    default: return { kind: 'error', message: `unknown operator ${op.text}`, token: op };
  }
}

/** 0x1f, 0b101, 017 (octal), 42. */
export function parseNumber(text: string): bigint {
  if (/^0[0-7]+$/.test(text)) return BigInt(`0o${text.slice(1)}`);
  return BigInt(text);
}

function charCode(text: string): number {
  const body = text.slice(1).replace(/'$/, '');
  if (!body.startsWith('\\')) return body.charCodeAt(0) || 0;
  const esc: Record<string, number> = { n: 10, t: 9, r: 13, '0': 0, '\\': 92, "'": 39, '"': 34, b: 8, f: 12 };
  return esc[body[1]] ?? body.charCodeAt(1);
}
