// Where blocks' interpreter records live (interpreter.ts's Decoding): chunks that many blocks
// share. An ArrayBuffer of its own per block (memory outside V8's heap) made the garbage
// collector run a third of the time on cold code. A machine with an arena takes its chunks
// from the arena's records area (memory/arena.ts), so that the wasm interpreter
// (jit/wasm/interp.ts) reads the records where the JavaScript one does; once the area is all
// in use, and on a machine without one, chunks are buffers of their own, which only the
// JavaScript interpreter runs.
import type { Slot } from '../memory/arena.js';

/**
 * One instruction's record, as both interpreters read it (interpreter.ts, wasm/interp.ts):
 * OPS_WIDTH 32-bit words, these fields. A block's records follow a header of RECORD_HEADER
 * bytes whose first word is their count; the block's pcs follow them.
 */
export const OPS_WIDTH = 10;
export const F_KIND = 0, F_RD = 1, F_RS1 = 2, F_RS2 = 3, F_RS3 = 4, F_IMM = 5, F_CSR = 6, F_RM = 7, F_RAW = 8;
/** Non-zero when the instruction's taken exit closes a wait loop, on a hart that hands over (Gen.waitField). */
export const F_WAIT = 9;
/**
 * Bytes before a block's records, 32-bit words (H_*) that both interpreters read and the wasm
 * one follows from block to block with (jit/wasm/interp.ts): the record count; the
 * privilege plus one while the block is interpreted and in its cache (0: no link may lead
 * into it); the work it has done and the work that promotes it (tiers.ts); then its two
 * links, as runLoop.ts's next0 and next1, each the records' address of the block it leads to
 * (0 for none, or one outside the arena), the generation it holds in, and that block's pc
 * (lo, hi). A multiple of 8, so the pcs' BigInts after the records stay 8-aligned.
 */
export const RECORD_HEADER = 48;
export const HEADER_WORDS = RECORD_HEADER / 4;
export const H_COUNT = 0, H_CHAIN = 1, H_WORK = 2, H_PROMOTE = 3, H_LINK = 4;
/** Words per link in the header: records' address, generation, pc's low and high halves. */
export const LINK_WORDS = 4;
/** H_PROMOTE of a block that never moves on (promoteAt Infinity), the largest i32. */
const NEVER = 0x7fffffff;

/** What the header helpers need of a block: where its records are. */
export interface Records { readonly words: Int32Array; readonly opsAt: number; readonly wasmAt: number }

/** The word index of a block's header field. */
export const header = (b: Records, field: number): number => b.opsAt - HEADER_WORDS + field;

/** The block runs interpreted at priv from now on, with no work done, promoted after promoteAt (unchain undoes it). */
export function setInterpreted(b: Records, priv: number, promoteAt: number): void {
  b.words[header(b, H_CHAIN)] = priv + 1;
  b.words[header(b, H_WORK)] = 0;
  b.words[header(b, H_PROMOTE)] = Math.min(promoteAt, NEVER);
}

/** No link leads into the block any more (it left its cache, or is no longer interpreted). */
export function unchain(b: Records): void { b.words[header(b, H_CHAIN)] = 0; }

/** The work an interpreted block has done (both interpreters count it in the header). */
export const interpretedWork = (b: Records): number => b.words[header(b, H_WORK)];

/** Link k of `from` now leads to `to` (at pc lo, hi) in generation gen (runLoop.ts's link). */
export function setLink(from: Records, k: 0 | 1, to: Records & { readonly lo: number; readonly hi: number }, gen: number): void {
  const w = from.words, at = header(from, H_LINK + LINK_WORDS * k);
  w[at] = to.wasmAt > 0 ? to.wasmAt : 0;
  w[at + 1] = gen;
  w[at + 2] = to.lo;
  w[at + 3] = to.hi;
}

/** Bytes per chunk; a block's records take less than a quarter of one (MAX_BLOCK instructions). */
export const RECORD_CHUNK = 256 * 1024;

export interface RecordChunk {
  readonly words: Int32Array;
  readonly wide: BigInt64Array;
  /** The chunk's first byte in the arena's memory, or -1 for a buffer of its own. */
  readonly base: number;
  used: number;
}

function ownChunk(bytes: number): RecordChunk {
  const buf = new ArrayBuffer(bytes);
  return { words: new Int32Array(buf), wide: new BigInt64Array(buf), base: -1, used: 0 };
}

export class RecordPool {
  /** Byte offsets (in the slot's buffer) of the area's chunks no block refers to. */
  private readonly free: number[] = [];
  private chunk: RecordChunk;
  /**
   * A chunk of the area goes back to the free list when its views are collected: by then no
   * block refers to it (each block holds its chunk's `words`), nor does the interpreter.
   */
  private readonly reclaim: FinalizationRegistry<number> | undefined;

  /** Chunks in `area` (`count` of them from its offset), or none: every chunk its own buffer. */
  constructor(private readonly area?: Slot, count = 0) {
    for (let k = count - 1; k >= 0; k--) this.free.push((area?.offset ?? 0) + k * RECORD_CHUNK);
    this.reclaim = area && typeof FinalizationRegistry === 'function' ? new FinalizationRegistry((at) => this.free.push(at)) : undefined;
    this.chunk = this.next();
  }

  /** Room for `bytes` (a multiple of 8): its chunk and the byte offset in it. */
  allocate(bytes: number): [RecordChunk, number] {
    if (bytes > RECORD_CHUNK / 4) return [ownChunk(bytes), 0];
    if (this.chunk.used + bytes > RECORD_CHUNK) this.chunk = this.next();
    const at = this.chunk.used;
    this.chunk.used += bytes;
    return [this.chunk, at];
  }

  /** Chunks of the area still free (tests, statistics). */
  get freeChunks(): number { return this.free.length; }

  private next(): RecordChunk {
    const area = this.area, at = this.reclaim ? this.free.pop() : undefined;
    if (!area || at === undefined) return ownChunk(RECORD_CHUNK);
    const words = new Int32Array(area.buffer, at, RECORD_CHUNK / 4);
    this.reclaim!.register(words, at);
    return { words, wide: new BigInt64Array(area.buffer, at, RECORD_CHUNK / 8), base: at, used: 0 };
  }
}

/** The pool of harts made without a machine's arena. */
export const OWN_RECORDS = new RecordPool();
