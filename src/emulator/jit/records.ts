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
/** Bytes before a block's records: their count, then padding that keeps the pcs' BigInts 8-aligned. */
export const RECORD_HEADER = 8;

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
