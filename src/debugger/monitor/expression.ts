// The monitor's address expressions, as QEMU's monitor reads them (monitor/hmp.c): numbers in
// C's bases (0x hex, a leading 0 octal, else decimal), 'c' characters, $registers, unary
// + - ~, parentheses, and binary operators on three levels, loosest first: + -, then * / %,
// then & | ^ (tighter than * in QEMU, unlike C). Values are 64-bit. QEMU 7.2 knows no
// RISC-V register names; Chronos takes $pc, $x0-$x31 and the ABI names, and a symbol of the
// loaded kernel by its name.

export interface MonitorValues {
  register(name: string): bigint | undefined;
  symbol?(name: string): bigint | undefined;
}

export class MonitorExpressionError extends Error {
  override name = 'MonitorExpressionError';
}

const MASK = (1n << 64n) - 1n;

export function evaluateMonitorExpression(text: string, values: MonitorValues): bigint {
  let p = 0;
  const ws = (): void => { while (p < text.length && /\s/.test(text[p])) p++; };
  const fail = (msg: string): never => { throw new MonitorExpressionError(msg); };

  const unary = (): bigint => {
    ws();
    const c = text[p];
    if (c === undefined) return fail('unexpected end of expression');
    if (c === '+') { p++; return unary(); }
    if (c === '-') { p++; return (-unary()) & MASK; }
    if (c === '~') { p++; return ~unary() & MASK; }
    if (c === '(') {
      p++;
      const v = sum();
      ws();
      if (text[p] !== ')') fail("')' expected");
      p++;
      return v;
    }
    if (c === "'") {
      const ch = text.charCodeAt(p + 1);
      if (Number.isNaN(ch) || text[p + 2] !== "'") fail('character constant expected');
      p += 3;
      return BigInt(ch);
    }
    if (c === '$') {
      p++;
      const m = /^[A-Za-z_][\w.]*/.exec(text.slice(p));
      if (!m) return fail('register name expected');
      p += m[0].length;
      const v = values.register(m[0]);
      return v === undefined ? fail('unknown register') : BigInt.asUintN(64, v);
    }
    const num = /^(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9]\d*)/.exec(text.slice(p));
    if (num) {
      p += num[0].length;
      if (/^[\w]/.test(text.slice(p))) fail('invalid char in expression');
      const t = num[0];
      return (t.length > 1 && t[0] === '0' && !/[xX]/.test(t) ? BigInt(`0o${t.slice(1)}`) : BigInt(t)) & MASK;
    }
    const id = /^[A-Za-z_.][\w.$:]*/.exec(text.slice(p));
    if (id && values.symbol) {
      const v = values.symbol(id[0]);
      if (v === undefined) fail(`unknown symbol '${id[0]}'`);
      p += id[0].length;
      return BigInt.asUintN(64, v!);
    }
    return fail('invalid char in expression');
  };
  const logic = (): bigint => {
    let v = unary();
    for (;;) {
      ws();
      const op = text[p];
      if (op !== '&' && op !== '|' && op !== '^') return v;
      p++;
      const r = unary();
      v = op === '&' ? v & r : op === '|' ? v | r : v ^ r;
    }
  };
  const product = (): bigint => {
    let v = logic();
    for (;;) {
      ws();
      const op = text[p];
      if (op !== '*' && op !== '/' && op !== '%') return v;
      p++;
      const r = logic();
      if (op !== '*' && r === 0n) fail('division by zero');
      v = (op === '*' ? v * r : op === '/' ? v / r : v % r) & MASK;
    }
  };
  const sum = (): bigint => {
    let v = product();
    for (;;) {
      ws();
      const op = text[p];
      if (op !== '+' && op !== '-') return v;
      p++;
      const r = product();
      v = (op === '+' ? v + r : v - r) & MASK;
    }
  };
  const v = sum();
  ws();
  if (p < text.length) fail('invalid char in expression');
  return v;
}
