// Operand kinds: what each operand slot of an instruction accepts, and the check of one
// operand against its kind, with the message and the columns a diagnostic should cover.
// Ranges follow the encodings (ISA manual vol. I) and GNU as's rules, such as "an I-type
// immediate is a constant or a %lo-family relocation, never a bare symbol".
import { evaluate, type Resolve, type Value } from './expression.js';
import type { Token } from './lexer.js';
import type { Operand } from './parser.js';
import { registerByName, type RegisterFile } from './registers.js';
import { csrByName } from '../emulator/isa/csrs.js';
import { hex } from '../emulator/hex.js';

export type Reloc = 'hi' | 'lo';

export type OperandKind =
  /** `compressed`: only x8..x15 (f8..f15), the registers a 3-bit field names. */
  | { kind: 'reg'; name: string; file: RegisterFile; compressed?: boolean; nonzero?: boolean; only?: number; notSp?: boolean }
  | ImmKind
  /** offset(base) or (base). */
  | { kind: 'mem'; name: string; offset: ImmKind; base: OperandKind & { kind: 'reg' } }
  | { kind: 'csr'; name: string }
  /** A branch or jump target: any expression, usually a label. */
  | { kind: 'target'; name: string }
  /** An address that needs relocating (ld a0, sym): a constant is not allowed. */
  | { kind: 'symbol'; name: string }
  | { kind: 'fence'; name: string }
  | { kind: 'rm'; name: string }
  /** %tprel_add(sym), the fourth operand of the thread-pointer add. */
  | { kind: 'tprelAdd'; name: string }
  /** Anything (the fields of `.insn`). */
  | { kind: 'any'; name: string };

export interface ImmKind {
  kind: 'imm';
  name: string;
  min: bigint;
  max: bigint;
  /** The value must be a multiple of this. */
  align?: bigint;
  nonzero?: boolean;
  /** Extra allowed values outside [min, max] (c.lui's high range). */
  alsoRange?: [bigint, bigint];
  relocs?: Reloc;
}

export interface Problem { message: string; start: number; end: number }

/** Relocation functions by the half of an address they produce (RISC-V psABI, "Assembler Relocation Functions"). */
export const RELOCATIONS: Record<string, { family: Reloc | 'add'; doc: string }> = {
  hi: { family: 'hi', doc: 'bits 31:12 of an absolute address, rounded for the %lo that follows' },
  lo: { family: 'lo', doc: 'bits 11:0 of an absolute address (signed)' },
  pcrel_hi: { family: 'hi', doc: 'bits 31:12 of the pc-relative offset to a symbol (for auipc)' },
  pcrel_lo: { family: 'lo', doc: 'the low 12 bits of the offset computed by the auipc at the given label' },
  tprel_hi: { family: 'hi', doc: 'bits 31:12 of a thread-local variable\'s offset from tp' },
  tprel_lo: { family: 'lo', doc: 'the low 12 bits of a thread-local variable\'s offset from tp' },
  tprel_add: { family: 'add', doc: 'marks the add of tp for a thread-local access (linker relaxation)' },
  got_pcrel_hi: { family: 'hi', doc: 'bits 31:12 of the pc-relative offset to the symbol\'s GOT entry' },
  tls_ie_pcrel_hi: { family: 'hi', doc: 'initial-exec TLS: pc-relative offset of the GOT entry holding the tp offset' },
  tls_gd_pcrel_hi: { family: 'hi', doc: 'global-dynamic TLS: pc-relative offset of the GOT entry for __tls_get_addr' },
};

export const ROUNDING_MODES: Record<string, string> = {
  rne: 'round to nearest, ties to even', rtz: 'round towards zero', rdn: 'round down (towards -inf)',
  rup: 'round up (towards +inf)', rmm: 'round to nearest, ties to max magnitude', dyn: 'dynamic: use frm',
};

const two = (bits: number): bigint => 1n << BigInt(bits);
export const signed = (name: string, bits: number, relocs?: Reloc): ImmKind =>
  ({ kind: 'imm', name, min: -two(bits - 1), max: two(bits - 1) - 1n, relocs });
export const unsigned = (name: string, bits: number, relocs?: Reloc): ImmKind =>
  ({ kind: 'imm', name, min: 0n, max: two(bits) - 1n, relocs });
export const reg = (name: string, file: RegisterFile = 'x', extra: { compressed?: boolean; nonzero?: boolean; only?: number; notSp?: boolean } = {}) =>
  ({ kind: 'reg' as const, name, file, ...extra });
export const mem = (offset: ImmKind, base = reg('rs1')): OperandKind => ({ kind: 'mem', name: `${offset.name}(${base.name})`, offset, base });

/** Check one operand; `resolve` gives the meaning of symbols at this point of the file. */
export function check(kind: OperandKind, op: Operand, resolve: Resolve): Problem | undefined {
  const whole = (message: string): Problem => ({ message, start: op.start, end: op.end });
  if (op.tokens.length === 0) return whole(`missing ${kind.name}`);
  switch (kind.kind) {
    case 'reg': return checkReg(kind, op.tokens, whole);
    case 'imm': return checkImm(kind, evaluate(op.tokens, resolve), whole);
    case 'mem': {
      const m = splitMem(op.tokens);
      if (!m) return whole(`expected ${kind.name}`);
      const bad = checkReg(kind.base, [m.base], (message) => ({ message, start: m.base.start, end: m.base.end }));
      if (bad) return bad;
      if (m.offset.length === 0) return undefined;
      const s = m.offset[0].start, e = m.offset[m.offset.length - 1].end;
      return checkImm(kind.offset, evaluate(m.offset, resolve), (message) => ({ message, start: s, end: e }));
    }
    case 'csr': {
      if (op.tokens.length === 1 && op.tokens[0].kind === 'ident' && csrByName(op.tokens[0].text) !== undefined) return undefined;
      const v = evaluate(op.tokens, resolve);
      if (v.kind === 'const') return v.value >= 0n && v.value < 4096n ? undefined : whole(`CSR number ${v.value} is not in 0..4095`);
      if (v.kind === 'symbolic' || v.kind === 'reloc') return whole(`unknown CSR \`${op.text}\``);
      return v.kind === 'error' ? whole(v.message) : undefined;
    }
    case 'target': case 'symbol': {
      const v = evaluate(op.tokens, resolve);
      if (v.kind === 'error') return whole(v.message);
      if (v.kind === 'reloc') return whole(`a relocation function is not allowed here`);
      if (kind.kind === 'symbol' && v.kind === 'const') return whole(`expected a symbol, not the constant ${v.value}`);
      return undefined;
    }
    case 'fence': {
      const t = op.tokens[0];
      if (op.tokens.length === 1 && t.kind === 'ident' && /^i?o?r?w?$/.test(t.text)) return undefined;
      return whole(`expected a fence set: some of i, o, r, w in that order`);
    }
    case 'rm': {
      const t = op.tokens[0];
      return op.tokens.length === 1 && ROUNDING_MODES[t.text] ? undefined
        : whole(`expected a rounding mode (${Object.keys(ROUNDING_MODES).join(', ')})`);
    }
    case 'tprelAdd': {
      const v = evaluate(op.tokens, resolve);
      return v.kind === 'reloc' && v.op === 'tprel_add' ? undefined : whole('expected %tprel_add(symbol)');
    }
    case 'any': return undefined;
  }
}

function checkReg(kind: OperandKind & { kind: 'reg' }, tokens: Token[], whole: (m: string) => Problem): Problem | undefined {
  const t = tokens[0];
  const r = tokens.length === 1 && t.kind === 'ident' ? registerByName(t.text) : undefined;
  const want = kind.file === 'x' ? 'an integer register' : 'a floating-point register';
  if (!r) return whole(`\`${tokens.map((x) => x.text).join('')}\` is not a register: ${kind.name} needs ${want}`);
  if (r.file !== kind.file) return whole(`\`${t.text}\` is ${r.file === 'x' ? 'an integer' : 'a floating-point'} register: ${kind.name} needs ${want}`);
  if (kind.compressed && (r.num < 8 || r.num > 15)) return whole(`${kind.name} must be one of ${kind.file}8..${kind.file}15 in a compressed instruction`);
  if ((kind.nonzero && r.num === 0) || (kind.notSp && r.num === 2)) return whole(`${kind.name} cannot be ${t.text} here`);
  if (kind.only !== undefined && r.num !== kind.only) return whole(`${kind.name} must be ${kind.only === 2 ? 'sp' : `x${kind.only}`}`);
  return undefined;
}

function checkImm(kind: ImmKind, v: Value, whole: (m: string) => Problem): Problem | undefined {
  switch (v.kind) {
    case 'error': return whole(v.message);
    case 'unknown': return undefined;
    case 'symbolic': {
      if (registerByName(v.symbol.text)) return whole(`\`${v.symbol.text}\` is a register: ${kind.name} needs a constant`);
      const hint = kind.relocs ? ` (use %${kind.relocs}(${v.symbol.text}) for part of an address)` : '';
      return whole(`${kind.name} must be a constant: \`${v.symbol.text}\` is not known when assembling${hint}`);
    }
    case 'reloc': {
      const r = RELOCATIONS[v.op];
      if (!r) return whole(`unknown relocation function %${v.op}`);
      return r.family === kind.relocs ? undefined : whole(`%${v.op} is not allowed in ${kind.name}`);
    }
    case 'const': {
      const x = v.value;
      const inRange = (x >= kind.min && x <= kind.max) || (kind.alsoRange && x >= kind.alsoRange[0] && x <= kind.alsoRange[1]);
      if (!inRange) return whole(`${kind.name} ${x} is out of range ${kind.min}..${kind.max}${kind.alsoRange ? ` (or ${hex(kind.alsoRange[0])}..${hex(kind.alsoRange[1])})` : ''}`);
      if (kind.align && x % kind.align !== 0n) return whole(`${kind.name} ${x} must be a multiple of ${kind.align}`);
      if (kind.nonzero && x === 0n) return whole(`${kind.name} cannot be 0`);
      return undefined;
    }
  }
}

/** `offset(base)`: the offset tokens (maybe none) and the base register token. */
export function splitMem(tokens: Token[]): { offset: Token[]; base: Token } | undefined {
  const n = tokens.length;
  if (n < 3) return undefined;
  const [open, base, close] = tokens.slice(n - 3);
  if (open.text !== '(' || close.text !== ')' || base.kind !== 'ident') return undefined;
  return { offset: tokens.slice(0, n - 3), base };
}

/**
 * The operand vocabulary the instruction tables are written in: `rd, offset(rs1)` reads as an
 * integer register and a memory operand with a 12-bit offset.
 */
const VOCABULARY: Record<string, OperandKind> = {
  rd: reg('rd'), rs: reg('rs'), rs1: reg('rs1'), rs2: reg('rs2'), rs3: reg('rs3'), rt: reg('rt'),
  frd: reg('rd', 'f'), frs: reg('rs', 'f'), frs1: reg('rs1', 'f'), frs2: reg('rs2', 'f'), frs3: reg('rs3', 'f'),
  imm: signed('imm', 12, 'lo'),
  imm64: { kind: 'imm', name: 'imm', min: -(1n << 63n), max: (1n << 64n) - 1n },
  shamt: unsigned('shamt', 6),
  shamtw: unsigned('shamt', 5),
  hi20: unsigned('imm', 20, 'hi'),
  zimm: unsigned('zimm', 5),
  csr: { kind: 'csr', name: 'csr' },
  offset: { kind: 'target', name: 'offset' },
  symbol: { kind: 'symbol', name: 'symbol' },
  'offset(rs1)': mem(signed('offset', 12, 'lo')),
  '(rs1)': { kind: 'mem', name: '(rs1)', offset: { kind: 'imm', name: 'offset', min: 0n, max: 0n }, base: reg('rs1') },
  pred: { kind: 'fence', name: 'pred' }, succ: { kind: 'fence', name: 'succ' },
  rm: { kind: 'rm', name: 'rm' },
  '%tprel_add(symbol)': { kind: 'tprelAdd', name: '%tprel_add(symbol)' },
};

/** Operand kinds for a written signature such as `rd, rs1, imm` (`extra` adds words). */
export function signature(text: string, extra: Record<string, OperandKind> = {}): OperandKind[] {
  if (text.trim() === '') return [];
  return text.split(/,\s*/).map((word) => {
    const k = extra[word] ?? VOCABULARY[word];
    if (!k) throw new Error(`operands: no operand kind named ${word}`);
    return k;
  });
}
