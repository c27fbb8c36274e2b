// The interpreter: the first tier, which runs a block's decoded instructions without
// translating them. Most blocks of a kernel run a few hundred to a few thousand times, too
// rarely for V8 to optimize a function made for each of them, and making that function
// (`new Function`, then its lazy compile) costs more than running the block does. The
// interpreter is one function per hart and privilege, hot from the start and so optimized
// once; blocks run in it until they have done enough work to be translated (runLoop.ts).
//
// It is generated from the instruction table like translated code is: each kind's `emit` is
// given a Decoded whose operand fields name locals (`rd`, `rs1`, `immN`...) instead of holding
// numbers, and a Gen in interpreter mode (codegen.ts), so the fragment reads its operands at
// run time; each fragment becomes the body of its kind's handler. A block's
// instructions are kept as records of OPS_WIDTH 32-bit fields, with each instruction's pc
// (one more for the pc after the block) and immediate as BigInts, all in a chunk shared with
// other blocks (`Decoding`). See docs/performance.md for the candidates measured.
import { INSTRUCTIONS } from '../isa/table.js';
import type { Decoded, InsnDef } from '../isa/types.js';
import { CHAIN_BUDGET, CHAIN_FRONT, CHAIN_GEN, CHAIN_PATH, CHAIN_PRIOR, CHAIN_STEPS, Gen, InterpExit } from './codegen.js';
import type { Block } from './compiler.js';
import { EXC_HAND_OFF } from '../cpu/exits.js';
import { Tier } from './tiers.js';
import { F_CSR, F_IMM, F_KIND, F_RAW, F_RD, F_RM, F_RS1, F_RS2, F_RS3, F_WAIT, H_COUNT, H_WORK, HEADER_WORDS, OPS_WIDTH, RECORD_HEADER, type RecordPool } from './records.js';
import { WasmExit } from './wasm/wasmGen.js';
import { CHAIN_LIMIT } from './wasm/interp.js';

/** Each kind's number in `ops`: its index in the table; one past them, an illegal instruction. */
const KIND = new Map<InsnDef, number>(INSTRUCTIONS.map((d, i) => [d, i]));
export const KIND_ILLEGAL = INSTRUCTIONS.length;

/** The locals a handler reads its operands from, and the record field each comes from. */
const LOCALS: readonly [string, number][] = [
  ['rd', F_RD], ['rs1', F_RS1], ['rs2', F_RS2], ['rs3', F_RS3], ['immN', F_IMM], ['csr', F_CSR], ['rm', F_RM], ['raw', F_RAW],
];

/**
 * The decoded instructions of a block as the interpreter reads them: its records from
 * `words[opsAt]`, its pcs from `wide[pcsAt]` and its immediates from `wide[immsAt]`. `words`
 * and `wide` view a whole chunk, which many blocks share (jit/records.ts): entering a block
 * then touches no typed array of its own (three per block cost a cache miss each at every
 * block entry, some 9 M entries a boot).
 */
export interface Decoding {
  words: Int32Array;
  wide: BigInt64Array;
  opsAt: number;
  pcsAt: number;
  immsAt: number;
  /**
   * Where the records start in the arena's memory, for the wasm interpreter, or -1 when the
   * chunk is not the arena's. The header (records.ts) is before them, and the pcs follow them
   * (OPS_WIDTH * 4 bytes each: an even number of words).
   */
  wasmAt: number;
}

/**
 * A block's records: its decoded instructions from `pc`, then, when `illegal` is a raw word
 * (not -1), one record for the illegal instruction that ends it. All three arrays share one
 * stretch of a chunk of `pool`, filled as 32-bit halves (the BigInt arithmetic would allocate
 * at every instruction: making blocks is most of what cold code costs).
 */
export function decodeForInterpreter(pool: RecordPool, decoded: readonly Decoded[], illegal: number, pcLo: number, pcHi: number,
  waitStarts?: readonly (bigint | undefined)[]): Decoding {
  const count = decoded.length + (illegal >= 0 ? 1 : 0);
  const opsWords = count * OPS_WIDTH;
  const bytes = RECORD_HEADER + opsWords * 4 + (2 * count + 1) * 8;
  const [c, byteAt] = pool.allocate(bytes);
  const ops = c.words, base = (byteAt + RECORD_HEADER) / 4;
  // A chunk of the arena is reused, not zeroed: no links, no work, not yet interpreted.
  ops.fill(0, base - HEADER_WORDS, base);
  ops[base - HEADER_WORDS + H_COUNT] = count;
  const pcWord = base + opsWords, immWord = pcWord + 2 * (count + 1);
  // The pcs' low halves as unsigned numbers, carried into the high half past 2^32.
  let lo = pcLo >>> 0;
  for (let i = 0, o = base; i < decoded.length; i++, o += OPS_WIDTH) {
    const d = decoded[i];
    ops[o + F_KIND] = KIND.get(d.def)!;
    ops[o + F_RD] = d.rd; ops[o + F_RS1] = d.rs1; ops[o + F_RS2] = d.rs2; ops[o + F_RS3] = d.rs3;
    ops[o + F_IMM] = d.imm; ops[o + F_CSR] = d.csr; ops[o + F_RM] = d.rm; ops[o + F_RAW] = d.raw;
    ops[o + F_WAIT] = waitStarts !== undefined && waitStarts[i] !== undefined ? 1 : 0;
    ops[immWord + 2 * i] = d.imm;
    ops[immWord + 2 * i + 1] = d.imm >> 31;
    ops[pcWord + 2 * i] = lo | 0;
    ops[pcWord + 2 * i + 1] = lo >= 0x100000000 ? (pcHi + 1) | 0 : pcHi | 0;
    lo += d.len;
  }
  if (illegal >= 0) {
    const i = decoded.length, o = base + i * OPS_WIDTH;
    ops.fill(0, o, o + OPS_WIDTH); // a chunk of the arena is reused, not zeroed
    ops[o + F_KIND] = KIND_ILLEGAL;
    ops[o + F_RAW] = illegal;
    ops[pcWord + 2 * i] = lo | 0;
    ops[pcWord + 2 * i + 1] = lo >= 0x100000000 ? (pcHi + 1) | 0 : pcHi | 0;
    lo += (illegal & 3) === 3 ? 4 : 2;
  }
  ops[pcWord + 2 * count] = lo | 0;
  ops[pcWord + 2 * count + 1] = lo >= 0x100000000 ? (pcHi + 1) | 0 : pcHi | 0;
  return { words: c.words, wide: c.wide, opsAt: base, pcsAt: pcWord / 2, immsAt: immWord / 2, wasmAt: c.base < 0 ? -1 : c.base + byteAt + RECORD_HEADER };
}

/** The Decoded each kind's fragment is generated from: its operands are the handler's locals. */
function symbolic(def: InsnDef): Decoded {
  const names = { rd: 'rd', rs1: 'rs1', rs2: 'rs2', rs3: 'rs3', imm: 'immN', csr: 'csr', rm: 'rm', raw: 'raw' };
  return { def, len: 4, aq: false, rl: false, pred: 0, succ: 0, fm: 0, ...names } as unknown as Decoded;
}

/**
 * Fragments name the block's pcs and immediates `pcs[i]` and `imms[i]` (Gen's interpreter
 * mode); here both live in the chunk's one BigInt view, from the block's offsets `pb` and `ib`.
 */
function rebase(body: string): string {
  return body.replace(/\bpcs\[/g, 'wide[pb + ').replace(/\bimms\[/g, 'wide[ib + ');
}

/** The handler of one kind: its fragment behind the loads of the operands it reads. */
function handler(kind: number, def: InsnDef | undefined, fragment: string): string {
  const name = def?.name ?? 'illegal';
  const body = rebase(fragment);
  if (/\bNaN\b|\bundefined\b|immNn|\[object /.test(body)) {
    throw new Error(`interpreter: the fragment of ${name} needs an operand at generation time:\n${body}`);
  }
  if (body.includes('n = 0;') && def?.flow !== 'end' && def?.flow !== 'jump') {
    throw new Error(`interpreter: ${name} syncs instret but may not leave its block`);
  }
  // The raw word unsigned, as translated code has it (h.insn, mtval).
  const loads = LOCALS.filter(([local]) => new RegExp(`\\b${local}\\b`).test(body))
    .map(([local, f]) => `${local} = ops[o + ${f}]${f === F_RAW ? ' >>> 0' : ''}`);
  return `function k${kind}_${name.replace(/\W/g, '_')}(i, o, n) {${loads.length ? ` const ${loads.join(', ')};` : ''}\n${body}\nreturn true; }`;
}

/**
 * The kinds every kernel runs from its first few thousand instructions on, and most: their
 * fragments are also cases of a switch in the interpreter's loop, which saves a call each. The
 * others only have their handler, so that a kind first run late does not deoptimize the loop.
 * The warm-up guest (warmup/guest.S) runs each of them, and each load and store through its
 * page fault and its slow path, before the loop is first optimized. The 32-bit kinds and the
 * halfword and signed byte accesses are a sixth of the Linux boot's instructions
 * (docs/performance.md, session 7).
 */
export const INLINED: ReadonlySet<string> = new Set(['addi', 'addiw', 'add', 'sub', 'and', 'andi', 'or', 'ori', 'xor',
  'slli', 'srli', 'srai', 'lui', 'auipc', 'addw', 'subw', 'slliw', 'srliw', 'sraiw', 'sltiu', 'sltu',
  'ld', 'lw', 'lwu', 'lh', 'lhu', 'lb', 'lbu', 'sd', 'sw', 'sh', 'sb', 'jal', 'jalr', 'beq', 'bne', 'blt', 'bge', 'bltu', 'bgeu']);

/** A kind's fragment as a case of the interpreter's switch: its exits leave the loop's function. */
function caseOf(kind: number, def: InsnDef): string {
  const g = new Gen();
  g.interp = true;
  // The TLB's fast path inline: V8 inlined MemAccess's `sd` into the loop but not its `ld`,
  // a call for a fifth of a boot's instructions.
  g.calls = false;
  g.waitField = F_WAIT;
  g.interpLoop = true;
  const body = rebase(def.emit(symbolic(def), g).replaceAll('return false;', 'return;'));
  const loads = LOCALS.filter(([local]) => new RegExp(`\\b${local}\\b`).test(body))
    .map(([local, f]) => `${local} = ops[o + ${f}]${f === F_RAW ? ' >>> 0' : ''}`);
  return `case ${kind}: {${loads.length ? ` const ${loads.join(', ')};` : ''}\n${body}\n} break;`;
}

let factory: ((...names: unknown[]) => (b: Block) => Block) | undefined;

/**
 * The interpreter's factory: given the names translated blocks are given (compiler.ts PARAMS),
 * then the hart's wasm interpreter for the privilege (or undefined) and its front table's blocks, it returns `interpret(b)`, which runs block b and the interpreted blocks it links on to, and returns the last. One factory serves every hart and
 * privilege, so that its closures share their type feedback and V8 optimizes each handler
 * once.
 */
export function interpreterFactory(params: readonly string[]): (...names: unknown[]) => (b: Block) => Block {
  if (factory) return factory;
  const handlers = INSTRUCTIONS.map((def, kind) => {
    const g = new Gen();
    g.interp = true;
    g.calls = true;
    g.waitField = F_WAIT;
    return handler(kind, def, def.emit(symbolic(def), g));
  });
  const g = new Gen();
  g.interp = true;
  handlers.push(handler(KIND_ILLEGAL, undefined, `h.insn = raw | 0; h.illegal(); ${g.fault()}`));
  // One function per kind rather than one switch: a switch this size is one function for V8,
  // deoptimized and recompiled whole (some 200 ms) each time an instruction kind it has not
  // seen yet first runs.
  const inlined = INSTRUCTIONS.flatMap((def, kind) => (INLINED.has(def.name) ? [caseOf(kind, def)] : []));
  const source = `let ops, wide, pb = 0, ib = 0;
${handlers.join('\n')}
const H = [${handlers.map((h) => h.slice('function '.length, h.indexOf('('))).join(', ')}];
return function interpret(b) {
  for (;;) {
  ops = b.words; wide = b.wide; pb = b.pcsAt; ib = b.immsAt;
  let count = b.len, at = h.instret, n = 0, i = 0, o = b.opsAt, ex = ${InterpExit.End};
  // As far as the wasm interpreter goes (jit/wasm/interp.ts), through the links it may take
  // (the rules below, given as a budget and a generation), then on from where it stopped.
  if (wi !== undefined && b.wasmAt >= 0) {
    i32[${CHAIN_BUDGET}] = h.waiting || h.csr.triggers.execArmed ? 0 : Math.min(h.loopLimit - h.instret, ${CHAIN_LIMIT});
    i32[${CHAIN_GEN}] = h.translationGeneration;
    const r = wi(b.wasmAt), steps = i32[${CHAIN_STEPS}], base = i32[${CHAIN_FRONT}];
    if (steps !== 0 || base !== 0) {
      // The block it went into through the front table last (jit/frontTable.ts), then the links it took.
      if (base !== 0) b = fb[base - 1];
      for (let path = i32[${CHAIN_PATH}], k = 0; k < steps; k++, path >>>= 1) b = (path & 1) === 0 ? b.next0 : b.next1;
      h.instret += i32[${CHAIN_PRIOR}];
      ops = b.words; wide = b.wide; pb = b.pcsAt; ib = b.immsAt;
      count = b.len; at = h.instret; o = b.opsAt;
    }
    n = i = r >>> 3;
    ex = r & 7;
    if (ex === ${WasmExit.Stop}) { ex = ${InterpExit.End}; o += i * ${OPS_WIDTH}; }
    else {
      // It left the block itself, the pc in its slot: i instructions retired, the last (for a
      // taken branch or jal) at i - 1.
      h.instret += n;
      if (ex === ${InterpExit.Taken} && ops[o + (i - 1) * ${OPS_WIDTH} + ${F_WAIT}] !== 0) h.exc = ${EXC_HAND_OFF};
      ex = -1;
    }
  }
  if (ex >= 0) {
    if (ex === ${InterpExit.End}) run: for (; i < count; i++, o += ${OPS_WIDTH}) {
      switch (ops[o]) {
${inlined.join('\n')}
      default: if (!H[ops[o]](i, o, n)) { ops[b.opsAt - ${HEADER_WORDS - H_WORK}] += h.instret - at; return b; }
      }
      x[0] = 0n;
      n++;
    }
    // The one epilogue of the switch's exits (Gen.interpLoop), fed by the first block's end.
    if (ex > ${InterpExit.Fault}) { n++; i++; }
    h.instret += n;
    if (ex === ${InterpExit.Taken}) {
      x[32] = wide[pb + i - 1] + wide[ib + i - 1];
      if (ops[o + ${F_WAIT}] !== 0) h.exc = ${EXC_HAND_OFF};
    } else if (ex !== ${InterpExit.Dynamic}) x[32] = wide[pb + i];
    x[0] = 0n;
  }
  // On into the block the dispatcher's chain would run next (runLoop.ts), under its rules, while
  // that block is interpreted too and this one has not done the work that promotes it.
  const work = ops[b.opsAt - ${HEADER_WORDS - H_WORK}] += n;
  if (h.exc !== 0 || work >= b.promoteAt) return b;
  const lo = u[64], hi = u[65], gen = h.translationGeneration;
  let nb = b.next0;
  if (nb === undefined || nb.lo !== lo || nb.hi !== hi || b.gen0 !== gen) {
    nb = b.next1;
    if (nb === undefined || nb.lo !== lo || nb.hi !== hi || b.gen1 !== gen) return b;
  }
  if (nb.tier !== ${Tier.Interpreted} || nb.dropped || nb.priv !== b.priv || h.priv !== b.priv || h.instret + nb.len > h.loopLimit
    || h.waiting || h.csr.triggers.execArmed) return b;
  b = nb;
  }
};`;
  factory = new Function(...params, 'wi', 'fb', source) as (...names: unknown[]) => (b: Block) => Block;
  return factory;
}
