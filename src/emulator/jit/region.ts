// Regions: a hot block translated together with the blocks it goes on to on its own page, into
// one function that runs from block to block (and round their loops) without returning to the
// dispatcher. The dispatcher still sees one Block, entered at its start pc; inside, a
// `switch` on the page offset of the block being run picks its code, and every jump to
// another of the region's blocks goes on only when that whole block fits the run's budget
// (h.loopLimit, as the dispatcher asks before running a block), else it leaves with the pc set,
// as any block's exit does. So a region retires exactly the instructions, and leaves at exactly
// the block boundaries, that the dispatcher would have run those blocks to.
//
// Members are decoded with the block compiler's own rule (decodeBlock), so that they end where
// the dispatcher's blocks end: at breakpoints, at the page's end, at MAX_BLOCK instructions. A
// member starts at a branch or jump target, or at the return address of a call (where a `ret`
// through a register comes back to, which the switch finds), on the same virtual page as the
// region's start, whose RAM page holds all its code; the region's code range (codeBefore and
// bytes of its Block) covers every member, so a write into any of them drops the region.
import type { Hart } from '../cpu/hart.js';
import type { Decoded } from '../isa/types.js';
import { Gen, type RegionPlan } from './codegen.js';
import { bind, blockPc, CodeReader, decodeBlock, emitCode, MAX_BLOCK, PARAMS, type Block, type BlockCode, type RegionHost, workOf } from './compiler.js';
import { Tier } from './tiers.js';

/** The most blocks, and instructions, one region holds: V8 takes longer over bigger functions. */
export const REGION_BLOCKS = 32;
export const REGION_INSNS = 640;

export interface Region {
  fn: () => void;
  /** The code range it depends on, relative to the entry block's start (see Block). */
  codeBefore: number;
  bytes: number;
}

/** Where control goes from a block without a register's value: targets, fall-through, return sites. */
function successors(pc: bigint, code: BlockCode): bigint[] {
  const out: bigint[] = [];
  let at = pc;
  for (const d of code.decoded) {
    const next = BigInt.asIntN(64, at + BigInt(d.len));
    const call = (d.def.name === 'jal' || d.def.name === 'jalr') && d.rd !== 0;
    // A call's target is another function, with regions of its own (one that calls itself
    // goes on in the region anyway: its start is the entry); it comes back after the call,
    // through the `ret` the switch sees.
    if (d.def.format === 'B' || (d.def.name === 'jal' && !call)) out.push(BigInt.asIntN(64, at + BigInt(d.imm)));
    if (call) out.push(next);
    at = next;
  }
  if (!code.ended) out.push(BigInt.asIntN(64, pc + BigInt(code.bytes)));
  return out;
}

/** Whether a block can run inside a region: its code on one page and nothing that must leave. */
function fits(code: BlockCode): boolean {
  // AMOs and LR/SC write memory through their own slow paths, which the region does not watch.
  return code.page2 < 0 && code.decoded.length > 0 && !code.decoded.some((d: Decoded) => d.def.ext === 'A');
}

/** How many times a block must have run, as far as its work shows, to be worth a place in a region. */
export const REGION_RUNS = 16;

/**
 * Whether the block at pc (on the region's RAM page) has run often: code that has not would
 * enter V8's optimized region without type feedback, and throw it out (a deopt, then a
 * recompile of the whole region) the first time it runs. It stays outside: a jump there leaves.
 */
function hot(host: RegionHost, page: number, pc: bigint, priv: number): boolean {
  const lo = Number(BigInt.asUintN(32, pc)), hi = Number(BigInt.asUintN(64, pc) >> 32n);
  const o = host.find(page * 4096 + Number(BigInt.asUintN(12, pc)), lo, hi, priv);
  // An inline block got hot (its work is no longer counted); the others count theirs.
  return o !== undefined && (o.tier === Tier.Inline || workOf(o) >= REGION_RUNS * o.len);
}

/** The blocks a region is made of, chosen once for both of its forms (JavaScript, jit/wasm/region.ts). */
export interface RegionBlocks {
  readonly pc: bigint;
  /** The RAM page (number) all its code is on. */
  readonly page: number;
  /** Every block, the entry first, as decoded. */
  readonly blocks: ReadonlyMap<bigint, BlockCode>;
  /** The blocks a jump may go on to, with their lengths: all but the entry when a breakpoint is at its start. */
  readonly members: ReadonlyMap<bigint, number>;
  readonly maxLen: number;
}

/**
 * The blocks of the region that starts at block b, held by `host`, or undefined when it would
 * have fewer than `minBlocks` (b alone: no other block to go on to, nothing gained in
 * JavaScript) or cannot be made (code not read directly from one page). Its blocks end where
 * b's were told to (b.ends: breakpoints, execute triggers).
 */
export function planRegion(h: Hart, b: Block, host: RegionHost, minBlocks = 2): RegionBlocks | undefined {
  const ends = b.ends;
  if (h.handOff || b.page2 >= 0 || b.waitStarts !== undefined) return undefined;
  const pc = blockPc(b), page = b.ramOffset >>> 12, vpage = pc >> 12n;
  const reader = new CodeReader(h, pc, page);
  if (!reader.direct) return undefined;
  // Breadth first from the entry, so the blocks nearest it are in when the region is full.
  const blocks = new Map<bigint, BlockCode>();
  const queue: bigint[] = [pc];
  let insns = 0;
  while (queue.length > 0 && blocks.size < REGION_BLOCKS) {
    const at = queue.shift()!;
    if (blocks.has(at) || at >> 12n !== vpage || (at !== pc && (ends?.(at) || !hot(host, page, at, b.priv)))) continue;
    const excBefore = h.exc;
    const code = decodeBlock(h, at, reader, MAX_BLOCK, ends);
    h.exc = excBefore;
    if (code === undefined || !fits(code)) { if (at === pc) return undefined; continue; }
    if (insns + code.decoded.length > REGION_INSNS && at !== pc) continue;
    insns += code.decoded.length;
    blocks.set(at, code);
    queue.push(...successors(at, code));
  }
  if (blocks.size < minBlocks) return undefined;
  const members = new Map<bigint, number>();
  let maxLen = 0;
  for (const [at, code] of blocks) {
    if (at === pc && b.stopsAtStart) continue;
    const len = code.decoded.length + (code.illegal >= 0 ? 1 : 0);
    members.set(at, len);
    maxLen = Math.max(maxLen, len);
  }
  return { pc, page, blocks, members, maxLen };
}

/** The code range a region depends on, relative to its entry block's start (see Block). */
export function regionRange(plan: RegionBlocks, b: Block): { codeBefore: number; bytes: number } {
  let lowest = b.ramOffset, highest = b.ramOffset + b.bytes;
  for (const [at, code] of plan.blocks) {
    const off = plan.page * 4096 + Number(BigInt.asUintN(12, at));
    lowest = Math.min(lowest, off);
    highest = Math.max(highest, off + Math.max(code.bytes, 2));
  }
  return { codeBefore: b.ramOffset - lowest, bytes: highest - b.ramOffset };
}

/** The region that starts at block b as one JavaScript function, or undefined (see planRegion). */
export function emitRegion(h: Hart, b: Block, host: RegionHost): Region | undefined {
  const plan = planRegion(h, b, host);
  if (!plan) return undefined;
  const { pc, blocks, members, maxLen } = plan;
  const rplan: RegionPlan = { members, hi: b.hi >>> 0, pageLo: b.lo & -4096, maxLen };
  const cases: string[] = [];
  for (const [at, code] of blocks) {
    const g = new Gen();
    g.calls = false;
    g.region = rplan;
    const key = Number(BigInt.asUintN(12, at));
    // The entry under a breakpoint is entered only from the dispatcher: no jump finds its case.
    const label = at === pc && b.stopsAtStart ? -1 : key;
    cases.push(`case ${label}: {\n${emitCode(g, at, code)}\n}`);
  }
  const start = b.stopsAtStart ? -1 : Number(BigInt.asUintN(12, pc));
  const body = `let at = ${start}, sm = 0;\nloop: for (;;) {\nswitch (at) {\n${cases.join('\n')}\ndefault: return;\n}\n}`;
  const name = `region_${BigInt.asUintN(64, pc).toString(16)}`;
  const factory = new Function(...PARAMS, `return function ${name}() {\n${body}\n};`) as (...names: unknown[]) => unknown;
  return { fn: bind(h, b.priv, factory) as () => void, ...regionRange(plan, b) };
}
