// Expressions for watch, hover, conditions and the debug console: numbers (hex or decimal),
// registers (`a0`, `$a0`, `pc`, `sp`; an FP register, `fa0` or `f10`, as its 64 bits), source
// variables by their DWARF types, locals and statics alike, with C's paths through them
// (`kmem.freelist`, `proc[1].pid`, `cpus[0].proc->pid`, `*p`, `&kmem`), symbols without
// debugging information (their address), memory reads with C-style casts (`*(u64*)0x80200000`,
// `*(u32*)(sp + 8)`), the debugger's `$hart`, `$pid`, `$mode` (compare with 'U', 'S', 'M') and
// `$satp`, and C's arithmetic, bitwise, comparison and logical operators with C's precedence.
// Values are 64-bit.

export interface EvalContext {
  register(name: string): bigint | undefined;
  symbol(name: string): bigint | undefined;
  /** A source variable's value (integers, bools, chars, pointers), when one of that name is in scope. */
  variable?(name: string): bigint | undefined;
  /** Read `size` bytes at a virtual address, little-endian, or undefined when unmapped. */
  read(addr: bigint, size: number): bigint | undefined;
  /**
   * The debugger's own names (`$hart`, `$pid`, `$mode`, `$satp`): a value, a sentence saying
   * why it has none here, or undefined for a name it does not have.
   */
  special?(name: string): bigint | string | undefined;
  /** Source variables by their types, for paths through them; names it does not know are looked up as above. */
  typed?: TypedOps;
}

/** A value of a source type, opaque to the evaluator. */
export type Typed = { readonly typed: true };

export interface TypedOps {
  /** A variable in scope, or a static one, by name or path (`kernel::mm::FRAMES`). */
  lookup(name: string): Typed | undefined;
  member(v: Typed, name: string): Typed;
  index(v: Typed, i: bigint): Typed;
  deref(v: Typed): Typed;
  /** The value as a number: an integer, a pointer; an array or a struct gives its address. */
  scalar(v: Typed): bigint;
  address(v: Typed): bigint;
}

export class ExpressionError extends Error {
  override name = 'ExpressionError';
}

type Token = { kind: 'num'; value: bigint } | { kind: 'id'; value: string } | { kind: 'op'; value: string };

const TYPES: Record<string, [number, boolean]> = {
  u8: [1, false], u16: [2, false], u32: [4, false], u64: [8, false], usize: [8, false],
  i8: [1, true], i16: [2, true], i32: [4, true], i64: [8, true], isize: [8, true],
  char: [1, true], short: [2, true], int: [4, true], long: [8, true],
  uint8_t: [1, false], uint16_t: [2, false], uint32_t: [4, false], uint64_t: [8, false],
};

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  const re = /\s*(?:(0x[0-9a-fA-F_]+|0b[01_]+|0o[0-7_]+|\d[\d_]*)|([A-Za-z_$][\w$]*(?:::[A-Za-z_][\w]*)*)|(->|<<|>>|<=|>=|==|!=|&&|\|\||[-+*/%&|^~!()<>.[\]])|'([^'\\])')/y;
  let pos = 0;
  while (pos < src.length) {
    if (/^\s*$/.test(src.slice(pos))) break;
    re.lastIndex = pos;
    const m = re.exec(src);
    if (!m) throw new ExpressionError(`unexpected '${src.slice(pos).trim()[0]}' at column ${pos + 1}`);
    pos = re.lastIndex;
    if (m[4]) out.push({ kind: 'num', value: BigInt(m[4].codePointAt(0)!) });
    else if (m[1]) out.push({ kind: 'num', value: BigInt(m[1].replace(/_/g, '')) });
    else if (m[2]) out.push({ kind: 'id', value: m[2] });
    else out.push({ kind: 'op', value: m[3] });
  }
  return out;
}

/** Binary operators by precedence, loosest first (C's order). */
const BINARY: readonly string[][] = [
  ['||'], ['&&'], ['|'], ['^'], ['&'], ['==', '!='], ['<', '>', '<=', '>='], ['<<', '>>'], ['+', '-'], ['*', '/', '%'],
];

function apply(op: string, a: bigint, b: bigint): bigint {
  switch (op) {
    case '||': return a || b ? 1n : 0n;
    case '&&': return a && b ? 1n : 0n;
    case '|': return a | b;
    case '^': return a ^ b;
    case '&': return a & b;
    case '==': return a === b ? 1n : 0n;
    case '!=': return a !== b ? 1n : 0n;
    case '<': return a < b ? 1n : 0n;
    case '>': return a > b ? 1n : 0n;
    case '<=': return a <= b ? 1n : 0n;
    case '>=': return a >= b ? 1n : 0n;
    case '<<': return a << (b & 63n);
    case '>>': return a >> (b & 63n);
    case '+': return a + b;
    case '-': return a - b;
    case '*': return a * b;
    case '/': if (b === 0n) throw new ExpressionError('division by zero'); return a / b;
    case '%': if (b === 0n) throw new ExpressionError('division by zero'); return a % b;
    default: throw new ExpressionError(`unknown operator ${op}`);
  }
}

/**
 * A typed value when the whole expression is a path through source variables (`kmem`,
 * `proc[1].name`, `*p`), for showing it with its members; undefined for anything else.
 */
export function evaluatePath(src: string, ctx: EvalContext): Typed | undefined {
  if (!ctx.typed) return undefined;
  let found: Typed | undefined;
  evaluate(src, ctx, (v) => { found = v; });
  return found;
}

export function evaluate(src: string, ctx: EvalContext, wholePath?: (v: Typed) => void): bigint {
  const toks = tokenize(src);
  if (toks.length === 0) throw new ExpressionError('empty expression');
  let i = 0;
  const peek = (): Token | undefined => toks[i];
  const isOp = (v: string): boolean => peek()?.kind === 'op' && peek()!.value === v;
  const expect = (v: string): void => {
    if (!isOp(v)) throw new ExpressionError(`expected '${v}'${peek() ? ` before '${peek()!.value}'` : ' at the end'}`);
    i++;
  };

  const binary = (level: number): bigint => {
    if (level === BINARY.length) return unary();
    let left = binary(level + 1);
    while (peek()?.kind === 'op' && BINARY[level].includes(peek()!.value as string)) {
      const op = toks[i++].value as string;
      left = BigInt.asIntN(64, apply(op, left, binary(level + 1)));
    }
    return left;
  };

  const castAhead = (): [number, boolean] | undefined => {
    // `(type *)` or `(type)`
    const t = toks[i + 1];
    if (!isOp('(') || t?.kind !== 'id' || !(t.value in TYPES)) return undefined;
    return TYPES[t.value];
  };

  /** Errors from the typed side are the user's (a missing member, a null pointer). */
  const typedCall = <T>(f: () => T): T => {
    try { return f(); } catch (e) {
      if (e instanceof ExpressionError) throw e;
      throw new ExpressionError((e as Error).message);
    }
  };

  /**
   * A source variable and the path after it (`.m`, `->m`, `[expr]`, `*` before it), when the
   * next token names one; undefined (nothing consumed) otherwise.
   */
  const typedOperand = (): Typed | undefined => {
    const t = peek();
    if (!ctx.typed) return undefined;
    if (t?.kind === 'op' && t.value === '*') {
      const save = i;
      i++;
      const inner = typedOperand();
      if (inner) return typedCall(() => ctx.typed!.deref(inner));
      i = save;
      return undefined;
    }
    if (t?.kind === 'op' && t.value === '(') {
      // A parenthesised path: (*p).x, (p->next)->next.
      const save = i;
      i++;
      const inner = typedOperand();
      if (inner && isOp(')')) { i++; return postfix(inner); }
      i = save;
      return undefined;
    }
    if (t?.kind !== 'id' || t.value.startsWith('$')) return undefined;
    const v = typedCall(() => ctx.typed!.lookup(t.value));
    if (!v) return undefined;
    i++;
    return postfix(v);
  };

  const postfix = (start: Typed): Typed => {
    let v = start;
    for (;;) {
      if (isOp('.') || isOp('->')) {
        i++;
        const m = peek();
        if (m?.kind !== 'id') throw new ExpressionError("expected a member name after '.' or '->'");
        i++;
        const cur = v;
        v = typedCall(() => ctx.typed!.member(cur, m.value));
      } else if (isOp('[')) {
        i++;
        const n = binary(0);
        expect(']');
        const cur = v;
        v = typedCall(() => ctx.typed!.index(cur, n));
      } else return v;
    }
  };

  const unary = (): bigint => {
    const t = peek();
    if (!t) throw new ExpressionError('the expression ends too early');
    if (t.kind === 'op') {
      if (t.value === '-') { i++; return -unary(); }
      if (t.value === '+') { i++; return unary(); }
      if (t.value === '~') { i++; return ~unary(); }
      if (t.value === '!') { i++; return unary() === 0n ? 1n : 0n; }
      if (t.value === '&') {
        i++;
        const v = typedOperand();
        if (v) return typedCall(() => ctx.typed!.address(v));
        const id = peek();
        if (id?.kind !== 'id') throw new ExpressionError("'&' needs a symbol or a variable");
        i++;
        const a = ctx.symbol(id.value);
        if (a === undefined) throw new ExpressionError(`no symbol '${id.value}'`);
        return a;
      }
      if (t.value === '*') {
        i++;
        let size = 8, signed = false;
        const cast = castAhead();
        if (cast) {
          [size, signed] = cast;
          i += 2;
          expect('*');
          expect(')');
        } else {
          const v = typedOperand();
          if (v) return typedCall(() => ctx.typed!.scalar(ctx.typed!.deref(v)));
        }
        const addr = unary();
        const v = ctx.read(addr, size);
        if (v === undefined) throw new ExpressionError(`cannot read ${size} bytes at 0x${BigInt.asUintN(64, addr).toString(16)}: not mapped`);
        return signed ? BigInt.asIntN(size * 8, v) : v;
      }
      if (t.value === '(') {
        const cast = castAhead();
        if (cast && toks[i + 2]?.kind === 'op' && toks[i + 2].value === ')') {
          i += 3;
          const v = unary();
          return cast[1] ? BigInt.asIntN(cast[0] * 8, v) : BigInt.asUintN(cast[0] * 8, v);
        }
        const typed = typedOperand();
        if (typed) return typedCall(() => ctx.typed!.scalar(typed));
        i++;
        const v = binary(0);
        expect(')');
        return v;
      }
      throw new ExpressionError(`unexpected '${t.value}'`);
    }
    if (t.kind === 'id') {
      const v = typedOperand();
      if (v) return typedCall(() => ctx.typed!.scalar(v));
    }
    i++;
    if (t.kind === 'num') return t.value;
    const name = t.value.startsWith('$') ? t.value.slice(1) : t.value;
    if (t.value.startsWith('$')) {
      const v = ctx.special?.(name);
      if (typeof v === 'string') throw new ExpressionError(`${t.value}: ${v}`);
      if (v !== undefined) return v;
    }
    // A source variable shadows a register of the same name (`$a0` still means the register).
    const local = t.value.startsWith('$') ? undefined : ctx.variable?.(name);
    if (local !== undefined) return local;
    const r = ctx.register(name);
    if (r !== undefined) return r;
    const s = ctx.symbol(t.value);
    if (s !== undefined) return s;
    throw new ExpressionError(`'${t.value}' is neither a variable, a register nor a symbol`);
  };

  if (wholePath) {
    // Only a path alone is a value to show; anything else the caller evaluates as a number.
    const p = typedOperand();
    if (p && i === toks.length) wholePath(p);
    return 0n;
  }
  const v = binary(0);
  if (i < toks.length) throw new ExpressionError(`unexpected '${toks[i].value}' after the expression`);
  return v;
}

