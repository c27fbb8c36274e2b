// The block compiler: translates a run of guest instructions, starting at one pc, into one
// JavaScript function. A block ends at a jump, at an instruction that changes machine state
// (CSRs, traps, fences), at a page boundary, at a debugger breakpoint, or at MAX_BLOCK
// instructions; conditional branches leave through side exits and the block runs on.
import { decode, decodeShared } from '../isa/decode.js';
import type { Decoded } from '../isa/types.js';
import type { Hart } from '../cpu/hart.js';
import { Gen, lit } from './codegen.js';
import { MemAccess } from './memAccess.js';
import { waitLoopStart } from './waitLoop.js';
import { RAM_BASE } from '../memory/ram.js';
import { decodeForInterpreter, interpreterFactory } from './interpreter.js';
import { Tier, TIERING, type Tiering } from './tiers.js';
import { interpretedWork, setInterpreted, unchain } from './records.js';
import { emitRegion } from './region.js';
import { emitWasmRegion } from './wasm/region.js';
import { wasmInterpreterFor } from './wasm/interp.js';

export const MAX_BLOCK = 64;

export interface Block {
  /** Runs it in its current form: interpreted, then translated (tiers.ts). */
  fn: () => void;
  tier: Tier;
  /**
   * Instructions it has retired in its current form (translated: the interpreters count an
   * interpreted block's in its records' header, workOf), and how many it retires before the next.
   */
  work: number;
  promoteAt: number;
  /** Its instructions as the interpreter reads them, in a chunk shared with other blocks (interpreter.ts). */
  readonly words: Int32Array;
  readonly wide: BigInt64Array;
  readonly opsAt: number;
  readonly pcsAt: number;
  readonly immsAt: number;
  /** Where the wasm interpreter finds its records, or -1 (Decoding.wasmAt). */
  readonly wasmAt: number;
  /** Whether it jumps back to its own start (and loops inside its function). */
  loops: boolean;
  /** The raw word of a trailing instruction we do not implement, or -1. */
  readonly illegal: number;
  /** Whether the last instruction leaves the block itself (a jump, a trap, a CSR write...). */
  readonly ended: boolean;
  /** The pc it starts at, split in halves as the dispatcher reads them. */
  readonly lo: number;
  readonly hi: number;
  /**
   * Instructions in the block, a trailing illegal one included: the dispatcher runs a block
   * only when the budget covers all of them, so a short budget stops before that trap.
   */
  readonly len: number;
  /** The privilege it was translated under: fetch permission depends on it, and its TLB set. */
  readonly priv: number;
  /** Where its code lies in RAM: byte offset from the RAM base, and length in bytes. */
  readonly ramOffset: number;
  /** Both change once, when the block becomes a region (jit/region.ts): its code range grows. */
  bytes: number;
  /**
   * A block is one instruction when that instruction runs across a page boundary: then
   * `firstBytes` of it are at ramOffset and the rest at the start of the RAM page `page2`
   * (an offset); otherwise page2 is -1 and firstBytes is bytes.
   */
  firstBytes: number;
  readonly page2: number;
  readonly decoded: readonly Decoded[];
  /**
   * Per instruction, the start of the wait loop it closes (waitLoop.ts), where the machine has
   * several harts; undefined when it closes none, or when none does.
   */
  readonly waitStarts: readonly (bigint | undefined)[] | undefined;
  /**
   * Bytes before ramOffset that the translation depends on too: a wait loop that starts before
   * the block, whose body was read to recognise it. Rewriting them retranslates the block.
   */
  codeBefore: number;
  /**
   * A breakpoint or execute trigger is at its start: a jump back there must go through the
   * dispatcher, which stops, rather than loop inside the function.
   */
  readonly stopsAtStart: boolean;
  /** The pcs it was told to end before (breakpoints, execute triggers): a region's blocks end there too. */
  readonly ends: ((pc: bigint) => boolean) | undefined;
  /** The next block translated from the same physical start (BlockCache's chain). */
  alias: Block | undefined;
  /**
   * Direct links (runLoop.ts): the blocks found for the pcs this block last left at, each
   * valid in one translation generation of the hart; `dropped` is set when the block leaves
   * its cache (its code was rewritten), so that no link reaches it any more.
   */
  next0: Block | undefined;
  gen0: number;
  next1: Block | undefined;
  gen1: number;
  dropped: boolean;
}

/** Instructions the block has retired in its current form. */
export const workOf = (b: Block): number => (b.tier === Tier.Interpreted ? interpretedWork(b) : b.work);

/** The largest Smi V8 keeps unboxed (31 bits): promoteAt of a block that moves on no more. */
const NEVER_PROMOTED = 2 ** 30 - 1;

export const PARAMS = ['x', 'u', 'i32', 'h', 'r8', 'ru8', 'r16', 'ru16', 'r32', 'ru32', 'r64',
  'tlR', 'tlRh', 'tlRo', 'tlW', 'tlWh', 'tlWo', 'cc', 'fpu', 'f64', 'f32', 'fu', 'fx', 'ma'];

/** Each hart's MemAccess per privilege, made for the code-chunk map it was made with. */
const memAccess = new WeakMap<Hart, (MemAccess | undefined)[]>();

function memAccessFor(h: Hart, priv: number): MemAccess {
  let all = memAccess.get(h);
  if (!all) { all = []; memAccess.set(h, all); }
  let ma = all[priv];
  if (!ma || !ma.uses(h.codeChunks)) { ma = new MemAccess(h, h.tlbs[priv], h.codeChunks); all[priv] = ma; }
  return ma;
}

/** Each hart's interpreter per privilege, made for the code-chunk map it was made with. */
const interpreters = new WeakMap<Hart, { cc: Uint16Array; fns: (((b: Block) => Block) | undefined)[] }>();

export function interpreterFor(h: Hart, priv: number, tiering: Tiering): (b: Block) => Block {
  let all = interpreters.get(h);
  if (!all || all.cc !== h.codeChunks) { all = { cc: h.codeChunks, fns: [] }; interpreters.set(h, all); }
  const made = all.fns[priv];
  if (made) return made;
  const wi = tiering.wasmInterpreter !== false ? wasmInterpreterFor(h, priv) : undefined, factory = interpreterFactory(PARAMS);
  return all.fns[priv] = bind(h, priv, (...names: unknown[]) => factory(...names, wi, h.front.blocks)) as (b: Block) => Block;
}

/**
 * Reads the halfwords of the code on one virtual page, by their offset in the page. The first
 * fetch of a block translates its pc (and raises the fault, if any); while the block stays on
 * that page, and no PMP region boundary lies inside the page, every fetch from it has the same
 * answer, so the rest are read from the page in RAM directly rather than each translated again
 * (a page-table walk under SV39). Offsets from 4096 on are the next page's, fetched through
 * the hart's translation.
 */
export class CodeReader {
  private readonly pageBase: number;
  /** The page's first address, made when first needed (a BigInt costs an allocation). */
  private vbase: bigint | undefined = undefined;
  readonly direct: boolean;
  private readonly ru16: Uint16Array;

  /** `uniform` says the page is known to be one PMP answer throughout (else it is asked). */
  constructor(private readonly h: Hart, private readonly pc: bigint, page: number, uniform?: true) {
    this.pageBase = page * 4096;
    this.direct = uniform ?? h.csr.pmp.uniformPage(BigInt(RAM_BASE + this.pageBase));
    this.ru16 = h.bus.ram.ru16;
  }

  /** The halfword at byte offset `off` of the page (0 to 4096), or undefined: a fetch fault, pending. */
  half(off: number): number | undefined {
    if (this.direct && off < 4096) return this.ru16[(this.pageBase + off) >>> 1];
    return this.h.fetch16(this.at(off));
  }

  /** The address at byte offset `off` of the page. */
  at(off: number): bigint { return BigInt.asIntN(64, (this.vbase ??= (this.pc >> 12n) << 12n) + BigInt(off)); }
}

/**
 * Fetch and decode the instruction at pc with `fetch16` (the hart's translation): a number is
 * the raw word of an illegal one, undefined a fetch fault (pending).
 */
function fetchDecode(fetch16: (pc: bigint) => number | undefined, pc: bigint): Decoded | number | undefined {
  const lo = fetch16(pc);
  if (lo === undefined) return undefined;
  let word = lo;
  if ((lo & 3) === 3) {
    const hi = fetch16(pc + 2n);
    if (hi === undefined) return undefined;
    word = (lo | (hi << 16)) >>> 0;
  }
  return decode(word) ?? word;
}

/** A block's instructions as decoded, before they are given a form. */
export interface BlockCode {
  decoded: Decoded[];
  /** The raw word of a trailing instruction we do not implement, or -1. */
  illegal: number;
  /** Whether the last instruction leaves the block itself. */
  ended: boolean;
  /** The bytes from the block's pc to the end of its last instruction (the illegal one included). */
  bytes: number;
  /** The RAM offset of the second page of an instruction across a page boundary, or -1. */
  page2: number;
}

/**
 * Decode the block at pc, reading its code with `code`, a reader of pc's virtual page: where a block
 * ends is one rule for every form and every region (jit/region.ts decodes its members with it
 * too). Undefined when the first fetch faults (the fault is then pending). The instructions'
 * Decodeds are the shared ones (isa/decode.ts, decodeShared). Positions are offsets in the
 * page, numbers: a BigInt pc per instruction was a third of what making a block cost.
 */
export function decodeBlock(h: Hart, pc: bigint, code: CodeReader, maxLen: number,
  stopBefore?: (pc: bigint) => boolean): BlockCode | undefined {
  const decoded: Decoded[] = [];
  const start = Number(pc & 0xfffn);
  let off = start;
  let ended = false;
  let illegal = -1;
  let page2 = -1;
  while (decoded.length < maxLen) {
    if (decoded.length > 0 && (off >= 4096 || (stopBefore !== undefined && stopBefore(code.at(off))))) break;
    // A 4-byte instruction in the page's last two bytes runs onto the next page, which may
    // map anywhere: it goes alone in its block, which remembers both pages.
    const straddles = off === 4094 && ((code.half(off) ?? 0) & 3) === 3;
    if (straddles && decoded.length > 0) break;
    const excBefore = h.exc;
    const lo = code.half(off);
    let word = lo;
    if (lo !== undefined && (lo & 3) === 3) {
      const hi = code.half(off + 2);
      word = hi === undefined ? undefined : (lo | (hi << 16)) >>> 0;
    }
    if (word === undefined) {
      if (decoded.length > 0) { h.exc = excBefore; break; } // fault later, when it runs alone
      return undefined;
    }
    const d = decodeShared(word);
    if (d === undefined) {
      // Not an instruction we implement: raise illegal-instruction when execution gets here.
      illegal = word;
      ended = true;
      // Its bytes belong to the block too: rewriting them must retranslate it.
      if (straddles) page2 = h.fetchPage(code.at(4096)) * 4096;
      off += (word & 3) === 3 ? 4 : 2;
      break;
    }
    decoded.push(d);
    off += d.len;
    if (d.def.flow === 'jump' || d.def.flow === 'end') ended = true;
    if (straddles) { page2 = h.fetchPage(code.at(4096)) * 4096; break; }
    if (ended) break;
  }
  return { decoded, illegal, ended, bytes: off - start, page2 };
}

/**
 * Compile the block at pc. Returns undefined when even the first fetch faults (the fault is
 * then pending on the hart). `stopBefore` names pcs the block must not contain past its
 * start (breakpoints). The block starts in its cold form (loads and stores as calls);
 * `promote` gives it the inline form once it has run enough.
 */
export function compileBlock(h: Hart, pc: bigint, maxLen: number, stopBefore?: (pc: bigint) => boolean,
  tiering: Tiering = TIERING): Block | undefined {
  const lo = Number(BigInt.asUintN(32, pc)), hi = Number(BigInt.asUintN(32, pc >> 32n));
  // The dispatcher has just looked pc up in the fetch TLB. An entry there was made by a fetch
  // that passed the checks somewhere on pc's page, which hold for pc as well when no PMP
  // boundary cuts the page (PMP and satp writes flush the TLB); otherwise the walk checks pc.
  const hit = h.tlbs[h.priv].fetchPage(lo, hi);
  const uniform = hit >= 0 && h.csr.pmp.uniformPage(BigInt(RAM_BASE + hit));
  const page = uniform ? hit >>> 12 : h.fetchPage(pc);
  if (page < 0) { fetchDecode((p) => h.fetch16(p), pc); return undefined; }
  const code = decodeBlock(h, pc, new CodeReader(h, pc, page, uniform || undefined), maxLen, stopBefore);
  if (code === undefined) return undefined;
  const { decoded, illegal, ended, page2 } = code;
  // The illegal instruction retires nothing, but it counts in the length: a run with budget
  // for only the instructions before it must stop before it, not take its trap.
  const count = Math.max(decoded.length + (illegal >= 0 ? 1 : 0), 1);
  const bytes = Math.max(code.bytes, 2);
  const ramOffset = page * 4096 + (lo & 4095);
  let waitStarts: (bigint | undefined)[] | undefined, codeBefore = 0;
  if (h.handOff) {
    // The loop's body is on the edge's page, which is the block's first page.
    const view = h.bus.ram.view, pageBase = page * 4096, startPage = pc >> 12n;
    const half = (p: bigint): number => view.getUint16(pageBase + Number(BigInt.asUintN(12, p)), true);
    let at = pc;
    decoded.forEach((d, i) => {
      const start = (at >> 12n) === startPage ? waitLoopStart(d, at, half) : undefined;
      if (start !== undefined) {
        (waitStarts ??= [])[i] = start;
        if (start < pc) codeBefore = Math.max(codeBefore, Number(pc - start));
      }
      at = BigInt.asIntN(64, at + BigInt(d.len));
    });
  }
  const forInterpreter = decodeForInterpreter(h.records, decoded, illegal, lo, hi, waitStarts);
  // Whether a branch or jal goes back to the start: its offset from there plus its immediate
  // is 0 (both far below 2^53, so exact as numbers).
  let loops = false;
  for (let i = 0, delta = 0; i < decoded.length; i++) {
    const d = decoded[i], format = d.def.format;
    if ((format === 'B' || format === 'J') && delta + d.imm === 0) loops = true;
    delta += d.len;
  }
  const b: Block = {
    fn: undefined as unknown as () => void, len: count, decoded, priv: h.priv, illegal, ended, tier: tiering.first, work: 0, promoteAt: 0, loops,
    waitStarts, codeBefore, stopsAtStart: stopBefore?.(pc) ?? false, ends: stopBefore,
    words: forInterpreter.words, wide: forInterpreter.wide, opsAt: forInterpreter.opsAt, pcsAt: forInterpreter.pcsAt, immsAt: forInterpreter.immsAt,
    wasmAt: forInterpreter.wasmAt,
    ramOffset,
    bytes, firstBytes: page2 >= 0 ? 2 : bytes, page2, alias: undefined,
    next0: undefined, gen0: -1, next1: undefined, gen1: -1, dropped: false,
    lo, hi,
  };
  // A block that jumps back to its own start is a loop, often hot: translated blocks go inline
  // at once. An interpreted one waits for its work (loopWork, less than other blocks wait),
  // since the loops of cold code (a few iterations) are not worth a translation.
  const first = b.loops && tiering.first !== Tier.Interpreted ? Tier.Inline : tiering.first;
  enter(h, b, first, tiering);
  return b;
}

/**
 * The block cache that holds a block about to become a region (jit/region.ts): which blocks
 * have run there, and the region's code range to give it.
 */
export interface RegionHost {
  find(ramOffset: number, lo: number, hi: number, priv: number): Block | undefined;
  /** False if the block is not in the cache (it then stays a block). */
  respan(b: Block, codeBefore: number, bytes: number): boolean;
}

/** Give a block its form `tier` and the work after which it moves on. */
function enter(h: Hart, b: Block, tier: Tier, tiering: Tiering, host?: RegionHost): void {
  b.tier = tier;
  b.work = 0;
  if (tier === Tier.Interpreted) {
    const interpret = interpreterFor(h, b.priv, tiering);
    b.fn = () => { interpret(b); };
    b.promoteAt = b.loops ? tiering.loopWork : tiering.interpWork;
    setInterpreted(b, b.priv, b.promoteAt);
  } else {
    unchain(b);
    // Hot code: the block and those it goes on to, as one function, where that can be made.
    // WebAssembly where it can be made, else JavaScript.
    const regions = tier === Tier.Inline && tiering.regions !== false ? host : undefined;
    const wasm = regions && tiering.wasm === true ? emitWasmRegion(h, b, regions, () => emitBlock(h, b, false)) : undefined;
    const region = wasm ?? (regions ? emitRegion(h, b, regions) : undefined);
    b.fn = region && host!.respan(b, region.codeBefore, region.bytes) ? region.fn : emitBlock(h, b, tier === Tier.Cold);
    // Never read for inline blocks (the dispatcher counts no work for them); a Smi rather than
    // Infinity, since a double here changes every Block's field representation at the first
    // inline block, deprecating the map the dispatcher was optimized for.
    b.promoteAt = tier === Tier.Cold ? tiering.hotWork : NEVER_PROMOTED;
  }
}

/**
 * Move a block that has run enough to its next form (the same instructions, the same effects);
 * given the cache that holds it, the inline form may be a region.
 */
export function promote(h: Hart, b: Block, tiering: Tiering = TIERING, host?: RegionHost): void {
  enter(h, b, b.tier === Tier.Interpreted ? tiering.afterInterp : Tier.Inline, tiering, host);
}

/** The function for a block's instructions: loads and stores as calls (`calls`) or inline. */
function emitBlock(h: Hart, b: Block, calls: boolean): () => void {
  const g = new Gen();
  g.calls = calls;
  g.handOff = h.handOff;
  const pc = blockPc(b);
  if (!b.stopsAtStart) g.blockStart = pc;
  const code = emitCode(g, pc, b, b.waitStarts);
  const body = g.loops ? `loop: for (;;) {\n${code}\n}`.replaceAll('__BLOCK_LEN__', String(b.len)) : code;
  const name = `block_${BigInt.asUintN(64, pc).toString(16)}`;
  return bind(h, b.priv, new Function(...PARAMS, `return function ${name}() {\n${body}\n};`) as (...names: unknown[]) => unknown) as () => void;
}

/** The pc a block starts at. */
export const blockPc = (b: { lo: number; hi: number }): bigint => BigInt.asIntN(64, (BigInt(b.hi >>> 0) << 32n) | BigInt(b.lo >>> 0));

/**
 * The JavaScript for one block's instructions starting at pc, every path ending in an exit
 * (a return, or in a loop or region a `continue`): with `g` set up for the form it is in.
 */
export function emitCode(g: Gen, pc: bigint, code: { readonly decoded: readonly Decoded[]; readonly illegal: number; readonly ended: boolean },
  waitStarts?: readonly (bigint | undefined)[]): string {
  const parts: string[] = [];
  let cur = pc;
  code.decoded.forEach((d, i) => {
    g.index = i;
    g.pc = cur;
    g.len = d.len;
    g.waitStart = waitStarts?.[i];
    g.leaves = d.def.flow === 'end';
    parts.push(`// ${lit(cur)} ${d.def.name}\n${d.def.emit(d, g)}`);
    cur = BigInt.asIntN(64, cur + BigInt(d.len));
  });
  g.leaves = false;
  if (code.illegal >= 0) {
    g.index = code.decoded.length;
    g.pc = cur;
    g.len = (code.illegal & 3) === 3 ? 4 : 2;
    parts.push(`${g.sync()}h.insn = ${code.illegal | 0}; h.illegal(); ${g.fault()}`);
  } else if (!code.ended) {
    g.index = code.decoded.length - 1;
    g.pc = BigInt.asIntN(64, cur - BigInt(code.decoded[code.decoded.length - 1].len));
    parts.push(g.exit(cur));
  }
  return parts.join('\n');
}

/** Give a generated factory the hart's state it closes over (PARAMS), for privilege priv. */
export function bind(h: Hart, priv: number, factory: (...names: unknown[]) => unknown): unknown {
  const ram = h.bus.ram, t = h.tlbs[priv];
  return factory(h.x, h.u, h.i32, h, ram.r8, ram.ru8, ram.r16, ram.ru16, ram.r32, ram.ru32, ram.r64,
    t.r, t.rh, t.ro, t.w, t.wh, t.wo, h.codeChunks, h.fpu, h.fpu.f64, h.fpu.f32, h.fpu.fu, h.fpu.fx, memAccessFor(h, priv));
}
